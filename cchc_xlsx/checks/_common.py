"""Helpers shared by the checks: where a frame row's value sits, and money in whole đồng."""

from __future__ import annotations

import math

import pandas as pd

from ..findings import Finding
from ..normalise import cell_of, records
from ..scan import ERROR_TEXTS

__all__ = ["at", "error_or", "dong", "trieu", "LEVEL_WORDS", "records"]

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
    return 0 if trieu_value is None or (isinstance(trieu_value, float) and math.isnan(trieu_value)) \
        else round(trieu_value * 1_000_000)


def trieu(dong_value: int) -> str:
    """Whole đồng -> million đồng in Vietnamese notation, every significant decimal kept (1.478,4)."""
    text = f"{abs(dong_value) / 1_000_000:,.6f}".rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if dong_value < 0 else "") + text
