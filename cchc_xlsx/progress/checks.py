"""Check stage for progress: one rule per function, each taking the period's activities and reports and returning findings.

The rules come from the issue that asked for them (issue 13) and the decision's Điều 2: reports
are cumulative from 1 January, disbursement is within the planned budget (Phụ lục 1, triệu
đồng), and an activity is due when Phụ lục 2's frequency asks for a collection by the period's end
(cchc_xlsx/periods.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks._common import trieu
from ..findings import Finding
from ..periods import Period
from .model import PlanActivity
from .read import Report
from .words import STATUSES, status_word

__all__ = ["Context", "CHECKS", "run_checks", "is_overdue", "CLOSED"]

#: Statuses with which an activity past its end month is not overdue: done, or decided otherwise.
CLOSED = ("done", "not_doing", "postponed")
_EPSILON = 5e-7              # half a đồng, in triệu đồng


@dataclass
class Context:
    """What every check sees: the plan's activities in the period, the report on each (None: no
    report), the previous period's values (code -> dict, see read.read_previous)."""

    period: Period
    activities: list[PlanActivity]
    reports: dict[str, Report]
    previous: dict[str, dict] = field(default_factory=dict)


def _at(report: Report, name: str, **values) -> dict:
    return {"file": report.file, "sheet": report.sheet, "cell": report.cells.get(name, ""), **values}


def disbursed_over_plan(ctx: Context) -> list[Finding]:
    findings = []
    for a in ctx.activities:
        r = ctx.reports.get(a.code)
        if r is not None and r.disbursed is not None and r.disbursed > a.planned_or_zero + _EPSILON:
            findings.append(Finding("disbursed-over-plan", agency=a.agency, row_code=a.code, found=trieu(round(r.disbursed * 1e6)),
                                    expected=trieu(round(a.planned_or_zero * 1e6)), field="disbursed",
                                    **_at(r, "disbursed")))
    return findings


def disbursed_decreased(ctx: Context) -> list[Finding]:
    findings = []
    for a in ctx.activities:
        r, before = ctx.reports.get(a.code), ctx.previous.get(a.code, {}).get("disbursed")
        if r is not None and r.disbursed is not None and before is not None and r.disbursed < before - _EPSILON:
            findings.append(Finding("disbursed-decreased", agency=a.agency, row_code=a.code,
                                    found=trieu(round(r.disbursed * 1e6)), expected=trieu(round(before * 1e6)),
                                    field="disbursed", **_at(r, "disbursed")))
    return findings


def done_without_evidence(ctx: Context) -> list[Finding]:
    return [Finding("done-without-evidence", agency=a.agency, row_code=a.code, found=STATUSES["done"], field="evidence",
                    **_at(r, "evidence"))
            for a in ctx.activities if (r := ctx.reports.get(a.code)) is not None and r.status == "done"
            and not r.evidence]


def status_percent_mismatch(ctx: Context) -> list[Finding]:
    findings = []
    for a in ctx.activities:
        r = ctx.reports.get(a.code)
        if r is None or r.status is None:
            continue
        reason = None
        if r.status == "done" and r.percent is not None and r.percent < 100:
            reason = (f"tỷ lệ hoàn thành {r.percent:g}% (đã hoàn thành là 100%)", f"a completion of {r.percent:g}% (done is 100%)")
            where = "percent"
        elif r.status == "not_started" and r.percent:
            reason = (f"tỷ lệ hoàn thành {r.percent:g}% (chưa triển khai là 0%)",
                      f"a completion of {r.percent:g}% (not started is 0%)")
            where = "percent"
        elif r.status == "not_started" and r.disbursed:
            reason = (f"kinh phí đã giải ngân {trieu(round(r.disbursed * 1e6))} triệu đồng khi chưa triển khai",
                      f"a disbursement of {trieu(round(r.disbursed * 1e6))} million đồng before it started")
            where = "disbursed"
        if reason:
            findings.append(Finding("status-percent-mismatch", agency=a.agency, row_code=a.code,
                                    found=STATUSES[r.status], field=where, params={"reason": reason},
                                    **_at(r, "status")))
    return findings


def is_overdue(activity: PlanActivity, report: Report | None) -> bool:
    """Its end month is past at the period's end and it is not done (nor decided not done or moved
    to next year); an activity with no status reported counts as not done."""
    return activity.schedule.ended and (report is None or report.status not in CLOSED)


def overdue(ctx: Context) -> list[Finding]:
    findings = []
    for a in ctx.activities:
        r = ctx.reports.get(a.code)
        if is_overdue(a, r):
            place = _at(r, "status") if r is not None else {}
            findings.append(Finding("overdue", agency=a.agency, row_code=a.code, expected=a.end,
                                    found=status_word(r.status if r else None), **place))
    return findings


def report_missing(ctx: Context) -> list[Finding]:
    findings = []
    for a in ctx.activities:
        r = ctx.reports.get(a.code)
        if a.schedule.due and (r is None or r.status is None):
            place = _at(r, "status") if r is not None else {}
            findings.append(Finding("report-missing", agency=a.agency, row_code=a.code,
                                    expected=a.collector or "(chưa có)", **place))
    return findings


#: Every rule, in the order its findings are listed.
CHECKS = [report_missing, overdue, disbursed_over_plan, disbursed_decreased, status_percent_mismatch,
          done_without_evidence]


def run_checks(ctx: Context) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(ctx)]
