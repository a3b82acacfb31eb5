"""Helpers shared by the checks: where a frame row's value sits, and money in whole đồng."""

from __future__ import annotations

import math

import pandas as pd

from ..findings import Finding
from ..normalise import cell_of, records
from ..scan import ERROR_TEXTS

__all__ = ["at", "error_or", "dong", "trieu", "LEVEL_WORDS", "records", "by_code", "level_rows", "activity_codes", "month_spans",
           "missing"]

#: (Vietnamese, English) names of the levels, for messages.
LEVEL_WORDS = {"task": ("nhiệm vụ", "task"), "output": ("kết quả đầu ra", "output"),
               "activity": ("hoạt động", "activity")}


def at(code: str, row: pd.Series, field: str, **kwargs) -> Finding:
    """A finding located at ``field`` of a frame row."""
    agency = kwargs.pop("agency", None)
    if agency is None:
        agency = row.get("funded_agency", "") or ""
    return Finding(code, agency=agency, file=row["file"], sheet=row["sheet"], cell=cell_of(row, field),
                   row_code=row["code"], field=field, **kwargs)


def error_or(code: str, text: object) -> str:
    """``formula-error`` when the text a check could not parse is a formula error (``#REF!``, the
    reader puts it in the grid: see cchc_xlsx/scan.py), else the check's own code."""
    return "formula-error" if text in ERROR_TEXTS else code


def dong(trieu_value: float) -> int:
    """Million đồng -> whole đồng, so that sums compare exactly (no float drift)."""
    if type(trieu_value) is float:          # nearly every budget: the same answer, at less cost
        return 0 if trieu_value != trieu_value else round(trieu_value * 1_000_000)
    return 0 if trieu_value is None or (isinstance(trieu_value, float) and math.isnan(trieu_value)) \
        else round(trieu_value * 1_000_000)


def missing(value: object) -> bool:
    """``pd.isna`` of one value, its common cases (None, an int, a float) at less cost."""
    if value is None:
        return True
    kind = type(value)
    if kind is int:
        return False
    if kind is float:
        return value != value
    return bool(pd.isna(value))


def by_code(plan, table: str) -> dict[str, dict]:
    """code -> row of ``table`` (the last row of a code)."""
    return plan.derived("by_code", (table,), lambda: {row["code"]: row for row in plan.rows(table)})


def level_rows(plan, table: str, level: str) -> list[dict]:
    """``plan.rows(table, level)``, made once for every check that asks."""
    return plan.derived(f"rows:{level}", (table,), lambda: plan.rows(table, level))


def trieu(dong_value: int) -> str:
    """Whole đồng -> million đồng in Vietnamese notation, every significant decimal kept (1.478,4)."""
    text = f"{abs(dong_value) / 1_000_000:,.6f}".rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if dong_value < 0 else "") + text


def activity_codes(plan) -> set[str]:
    """The codes of the activities of Phụ lục 1 (a row under one is a detail line: hierarchy._levels)."""
    return plan.derived("activity_codes", ("plan",), lambda: {row["code"] for row in level_rows(plan, "plan", "activity")})


def month_spans(plan) -> list[tuple[dict, int, int]]:
    """(row, first month, last month) of every Phụ lục 1 row with a month at both ends, in row order;
    a month counted as year × 12 + month (month_order and frequency_window ask)."""
    def spans():
        return [(row, int(row["year_from"]) * 12 + int(row["month_from"]), int(row["year_to"]) * 12 + int(row["month_to"]))
                for row in plan.rows("plan") if row["from_kind"] == "month" and row["to_kind"] == "month"]
    return plan.derived("month_spans", ("plan",), spans)
