"""Time checks: months that are not months, activities without a window, windows that run backwards."""

from __future__ import annotations

from ..findings import Finding
from ..normalise import cell_of
from ._common import activity_codes, error_or, at, level_rows, month_spans

_ENDS = (("from", "month_from", ("tháng bắt đầu", "start month")),
         ("to", "month_to", ("tháng kết thúc", "end month")))


def month_values(plan) -> list[Finding]:
    findings = []
    for row in plan.rows("plan"):
        if (row["from_kind"] != "invalid" and row["to_kind"] != "invalid") or _period_unread(row):
            continue
        for end, field, _ in _ENDS:
            if row[f"{end}_kind"] == "invalid":
                findings.append(at(error_or("month-invalid", row[f"{end}_text"]), row, field, found=row[f"{end}_text"]))
    return findings


def month_missing(plan) -> list[Finding]:
    """An activity with no start or no end month (``Theo yêu cầu`` is an answer, not a blank)."""
    findings = []
    activities = level_rows(plan, "plan", "activity")
    codes = activity_codes(plan)
    for row in activities:
        if row["from_kind"] != "missing" and row["to_kind"] != "missing":
            continue                        # (most rows: asked first)
        if row["parent_code"] in codes:     # a detail line under an activity (hierarchy._levels): its months
            continue
        missing = [(field, words) for end, field, words in _ENDS if row[f"{end}_kind"] == "missing"]
        if missing and cell_of(row, missing[0][0]):     # a table with no time column: said once (grading)
            vi = " và ".join(words[0] for _, words in missing)
            en = " and ".join(words[1] for _, words in missing)
            finding = at("month-missing", row, missing[0][0], expected=vi)
            finding.params["expected"] = (vi, en)
            findings.append(finding)
    return findings


def month_order(plan) -> list[Finding]:
    return [at("month-order", row, "month_to", found=row["to_text"], expected=row["from_text"])
            for row, start, end in month_spans(plan) if end < start]


def _period_unread(row: dict) -> bool:
    period = row.get("period")
    # read from a Thời gian column of its own: a return of a template, whose months are in Từ
    # tháng / Đến tháng, is judged by those cells (month-invalid), not by the plan's period text
    return row["from_kind"] == "invalid" and bool(period) and row["from_text"] == period and bool(cell_of(row, "period"))


def period_unread(plan) -> list[Finding]:
    """A single time column (``Thời gian thực hiện``) holding a text that says no months: kept as written."""
    return [at("period-unread", row, "period", found=row["period"]) for row in plan.rows("plan")
            if row["from_kind"] == "invalid" and _period_unread(row)]
