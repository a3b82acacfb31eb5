"""Time checks: months that are not months, activities without a window, windows that run backwards."""

from __future__ import annotations

from ..findings import Finding
from ._common import error_or, at

_ENDS = (("from", "month_from", ("tháng bắt đầu", "start month")),
         ("to", "month_to", ("tháng kết thúc", "end month")))


def month_values(plan) -> list[Finding]:
    findings = []
    for row in plan.rows("plan"):
        for end, field, _ in _ENDS:
            if row[f"{end}_kind"] == "invalid":
                findings.append(at(error_or("month-invalid", row[f"{end}_text"]), row, field, found=row[f"{end}_text"]))
    return findings


def month_missing(plan) -> list[Finding]:
    """An activity with no start or no end month (``Theo yêu cầu`` is an answer, not a blank)."""
    findings = []
    for row in plan.rows("plan", "activity"):
        missing = [(field, words) for end, field, words in _ENDS if row[f"{end}_kind"] == "missing"]
        if missing:
            vi = " và ".join(words[0] for _, words in missing)
            en = " and ".join(words[1] for _, words in missing)
            finding = at("month-missing", row, missing[0][0], expected=vi)
            finding.params["expected"] = (vi, en)
            findings.append(finding)
    return findings


def month_order(plan) -> list[Finding]:
    findings = []
    for row in plan.rows("plan"):
        if row["from_kind"] == "month" and row["to_kind"] == "month":
            start = int(row["year_from"]) * 12 + int(row["month_from"])
            end = int(row["year_to"]) * 12 + int(row["month_to"])
            if end < start:
                findings.append(at("month-order", row, "month_to", found=row["to_text"], expected=row["from_text"]))
    return findings
