"""Monitoring checks: Phụ lục 2 against Phụ lục 1, frequencies, their fit to activity windows, collectors."""

from __future__ import annotations

from ..findings import Finding
from ..normalise import cell_of
from ._common import by_code as _by_code, error_or, at, level_rows, missing, month_spans


def _ancestors(code: str):
    while "." in code:
        code = code.rsplit(".", 1)[0]
        yield code


def plan_monitoring_rows(plan) -> list[Finding]:
    """A row that is in one appendix only."""
    if not plan.size("plan") or not plan.size("monitoring"):
        return []
    in_plan, in_monitoring = _by_code(plan, "plan"), _by_code(plan, "monitoring")
    findings = []
    for code, row in in_plan.items():
        if code not in in_monitoring:
            findings.append(at("plan-monitoring-mismatch", row, "code", params={"reason": (
                "có trong Phụ lục 1 nhưng không có trong Phụ lục 2", "in Phụ lục 1 but not in Phụ lục 2")}))
    for code, row in in_monitoring.items():
        if code not in in_plan:
            findings.append(at("plan-monitoring-mismatch", row, "code", agency="", params={"reason": (
                "có trong Phụ lục 2 nhưng không có trong Phụ lục 1", "in Phụ lục 2 but not in Phụ lục 1")}))
    return findings


def frequency_values(plan) -> list[Finding]:
    """A frequency cell holding something else (the seed's task 1 holds an agency's name)."""
    return [at(error_or("frequency-invalid", row["frequency"]), row, "frequency", agency=_funded(plan, row["code"]), found=row["frequency"])
            for row in plan.rows("monitoring") if row["frequency_kind"] == "invalid"]


def frequency_missing(plan) -> list[Finding]:
    """A blank frequency. Where a row above has one, the row inherits it: said, and only ``info``."""
    rows = _by_code(plan, "monitoring")
    findings = []
    for code, row in rows.items():
        if row["frequency_kind"] != "missing" or not cell_of(row, "frequency"):   # no such column: said once
            continue
        parent = next((rows[a] for a in _ancestors(code)
                       if a in rows and rows[a]["frequency_kind"] not in ("missing", "invalid")), None)
        finding = at("frequency-missing", row, "frequency", agency=_funded(plan, code))
        if parent is not None:
            finding.severity = "info"
            finding.expected = parent["frequency"]
            finding.params["inherit"] = (
                f" Dòng này được hiểu theo tần suất của dòng {parent['code']}: {parent['frequency']}.",
                f" It is taken to follow row {parent['code']}: {parent['frequency']}.")
        findings.append(finding)
    return findings


def frequency_window(plan) -> list[Finding]:
    """More collections than the activity has months (quarterly for a January–February activity)."""
    windows = {}
    for row, start, end in month_spans(plan):
        months = end - start + 1
        if months > 0 and row["level"] == "activity":
            windows[row["code"]] = months
    findings = []
    for row in level_rows(plan, "monitoring", "activity"):
        per_year = row["collections_per_year"]
        if per_year is None:               # missing: nothing to compare (asked first: the cheapest)
            continue
        months = windows.get(row["code"])
        if months is not None and (per_year > months if type(per_year) is int      # the common case, at less cost
                                   else not missing(per_year) and int(per_year) > months):
            findings.append(at("frequency-window", row, "frequency", agency=_funded(plan, row["code"]),
                               found=str(int(per_year)), expected=str(months)))
    return findings


def collector_missing(plan) -> list[Finding]:
    """A row with no collector, when no row above it and not all rows below it have one."""
    rows = _by_code(plan, "monitoring")
    children: dict[str, list[str]] | None = None     # made when first needed: most rows are covered from above

    def covered_below(code: str) -> bool:
        nonlocal children
        if children is None:
            children = {}
            for each in rows:
                parent = each.rsplit(".", 1)[0] if "." in each else None
                if parent:
                    children.setdefault(parent, []).append(each)
        kids = children.get(code, [])
        return bool(kids) and all(rows[k]["collector"] or covered_below(k) for k in kids)

    named: dict[str, bool] = {}         # code -> that row or one above it names a collector

    def named_here_or_above(code: str) -> bool:
        if code not in named:
            named[code] = bool(code in rows and rows[code]["collector"]) or (
                "." in code and named_here_or_above(code.rsplit(".", 1)[0]))
        return named[code]

    findings = []
    for code, row in rows.items():
        if row["collector"] or ("." in code and named_here_or_above(code.rsplit(".", 1)[0])):
            continue
        if covered_below(code) or not cell_of(row, "collector"):    # no collector column: said once
            continue
        findings.append(at("collector-missing", row, "collector", agency=_funded(plan, code)))
    return findings


def _funded(plan, code: str) -> str:
    """The funded agency of ``code`` in Phụ lục 1 ("" without such a row), for attributing a monitoring
    finding to an agency (read from by_code, which other checks make anyway: no pass of its own)."""
    row = _by_code(plan, "plan").get(code)
    return "" if row is None else row["funded_agency"]
