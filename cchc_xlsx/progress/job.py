"""The progress run as a list of stage calls: read the plan and the returns, match, choose, check, summarise."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..agencies import Registry, default_registry
from ..findings import Finding, ToolError, count_by_severity
from ..normalise import Plan
from ..periods import Period, period
from ..pipeline import bundled_plan_path, read_plan
from ..messages import text as _text
from . import words as _words  # noqa: F401  (registers the messages)
from .checks import Context, is_overdue, run_checks
from .model import NO_AGENCY, PlanActivity, listed_by_agency, plan_activities
from .read import ProgressReturn, Report, choose_returns, locked_changes, match, read_previous, read_progress_files

__all__ = ["Progress", "render_progress", "run_progress", "summary_line"]


@dataclass
class Progress:
    """A checked progress report of one period.

    ``activities``: every activity of the plan, in plan order; ``reports``: code -> the report used
    (from the chosen return of its agency); ``returns``: every file read; ``expected``: the agencies
    with activities listed in the period (each was sent a template); money in triệu đồng."""

    plan: Plan
    period: Period
    activities: list[PlanActivity]
    reports: dict[str, Report]
    returns: list[ProgressReturn]
    expected: list[str]
    findings: list[Finding]
    previous: dict[str, dict] = field(default_factory=dict)
    plan_file: str = ""
    generated_at: dt.datetime | None = None
    _rows: list[dict] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ per activity
    def rows(self) -> list[dict]:
        """One dict per activity: plan values, reported values, ``due``, ``overdue`` (see checks.is_overdue)."""
        if self._rows is None:
            self._rows = self._make_rows()
        return self._rows

    def _make_rows(self) -> list[dict]:
        rows = []
        for a in self.activities:
            r = self.reports.get(a.code)
            rows.append({"code": a.code, "task": a.task, "output": a.output, "content": a.content, "agency": a.agency,
                         "window": a.window, "end": a.end, "planned": a.planned_or_zero, "collector": a.collector,
                         "frequency": a.frequency, "listed": a.schedule.listed, "due": a.schedule.due,
                         "status": r.status if r else None, "percent": r.percent if r else None,
                         "disbursed": r.disbursed if r else None, "evidence": r.evidence if r else "",
                         "difficulties": r.difficulties if r else "", "proposals": r.proposals if r else "",
                         "file": r.file if r else "", "overdue": is_overdue(a, r),
                         "previous_disbursed": self.previous.get(a.code, {}).get("disbursed")})
        return rows

    def received(self) -> list[ProgressReturn]:
        return [ret for ret in self.returns if ret.status == "read"]

    # ------------------------------------------------------------------ totals
    @staticmethod
    def _completion(rows: list[dict]) -> dict:
        total, done = len(rows), sum(1 for row in rows if row["status"] == "done")
        return {"total": total, "done": done, "rate": done / total if total else 0.0}

    @staticmethod
    def _money(rows: list[dict]) -> dict:
        planned = round(sum(row["planned"] for row in rows), 6)
        disbursed = round(sum(row["disbursed"] or 0.0 for row in rows), 6)
        return {"planned": planned, "disbursed": disbursed, "rate": disbursed / planned if planned else 0.0}

    def _by(self, key: str, summarise) -> dict[str, dict]:
        groups: dict[str, list[dict]] = {}
        for row in self.rows():
            groups.setdefault(row[key], []).append(row)
        return {name: summarise(rows) for name, rows in groups.items()}

    def completion(self) -> dict:
        """``{"total", "done", "rate"}`` over every activity of the plan (the year's plan: the PAR
        Index's share completed), plus ``by_task`` and ``by_agency`` of the same shape."""
        return self._completion(self.rows()) | {"by_task": self._by("task", self._completion),
                                                "by_agency": self._by("agency", self._completion)}

    def disbursement(self) -> dict:
        """``{"planned", "disbursed", "rate"}`` in triệu đồng (rate: disbursed / planned, 0 when nothing
        is planned; above 1 only where disbursement exceeds the plan, which is a finding), plus
        ``by_agency`` and ``by_task``."""
        return self._money(self.rows()) | {"by_agency": self._by("agency", self._money),
                                           "by_task": self._by("task", self._money)}

    def counts(self) -> dict[str, int]:
        rows = self.rows()
        statuses = Counter(row["status"] for row in rows)
        return {"done": statuses["done"], "in_progress": statuses["in_progress"],
                "not_started": statuses["not_started"], "not_doing": statuses["not_doing"],
                "postponed": statuses["postponed"], "not_reported": statuses[None],
                "overdue": sum(row["overdue"] for row in rows), "due": sum(row["due"] for row in rows)}

    def to_json(self, lang: str = "vi") -> dict:
        """The result for machines (``--json``); rates are fractions in [0, 1], money in triệu đồng."""
        rows = self.rows()
        return {
            "period": self.period.to_dict(),
            "plan": {"file": self.plan_file, "year": self.plan.year, "province": self.plan.province,
                     "decision": self.plan.decision},
            "returns": {"expected": len(self.expected), "received": len({r.agency for r in self.received()}),
                        "files": [{"file": r.name, "agency": r.agency, "status": r.status, "matched_by": r.matched_by,
                                   "period": r.period, "rows": r.rows_read} for r in self.returns]},
            "activities": [{"code": row["code"], "agency": row["agency"], "status": row["status"],
                            "percent": row["percent"], "planned": row["planned"], "disbursed": row["disbursed"],
                            "overdue": row["overdue"], "due": row["due"]} for row in rows],
            "counts": self.counts(),
            "completion": self.completion(),
            "disbursement": self.disbursement(),
            "overdue": [row["code"] for row in rows if row["overdue"]],
            "reports_missing": [{"code": f.row_code, "agency": f.agency, "collector": f.expected}
                                for f in self.findings if f.code == "report-missing"],
            "severity_counts": count_by_severity(self.findings),
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def _period_of(returns: list[ProgressReturn], year: int, lang: str) -> Period:
    named = {ret.period for ret in returns if ret.status == "read" and ret.period}
    if len(named) != 1:
        raise ToolError(_text("progress.no_period", lang))
    return period(named.pop(), year)


def run_progress(returns: list[Path], plan_path: Path | None = None, *, period_code: str | None = None,
                 previous_path: Path | None = None, registry: Registry | None = None, lang: str = "vi",
                 generated_at: dt.datetime | None = None) -> Progress:
    """Read the plan and every progress return, choose one per agency, check them.

    ``period_code`` (``6-thang``, ``h1`` …) defaults to the period the templates' metadata names.
    Raises ToolError when the period is not known, FileProblem when the plan or ``previous_path``
    cannot be read; a bad return is never raised: it is a finding."""
    registry = registry or default_registry()
    plan_path = Path(plan_path) if plan_path else bundled_plan_path()
    plan = read_plan(plan_path, registry=registry)                                # the plan
    read = read_progress_files(returns)                                            # the returns
    when = period(period_code, plan.year) if period_code else _period_of(read, plan.year, lang)
    previous = read_previous(Path(previous_path)) if previous_path else {}         # the earlier period
    activities = plan_activities(plan, when)                                       # where each stands
    listed = listed_by_agency(activities)
    expected = list(listed)
    owners = {a.code: a.agency for a in activities if a.agency != NO_AGENCY}
    findings: list[Finding] = []
    for ret in read:
        match(ret, owners, registry)                                               # whose is each
        if ret.status == "read" and ret.period and ret.period != when.code:
            ret.findings.append(Finding("progress-period-mismatch", agency=ret.agency, file=ret.name,
                                        found=ret.period, expected=when.code))
    used, chosen_findings = choose_returns(read, expected)                         # one per agency
    plan_values = {a.code: {"content": a.content, "planned": a.planned} for a in activities}
    for ret in used:
        ret.findings += locked_changes(ret, plan_values)                           # what they typed over
    for ret in read:
        findings += ret.findings
    findings += chosen_findings
    received = {ret.agency for ret in used}
    for agency in expected:
        if agency not in received:
            findings.append(Finding("return-missing", agency=agency,
                                    found=str(sum(a.schedule.due for a in listed[agency]))))
    reports = {code: report for ret in used for code, report in ret.reports.items()}
    findings += run_checks(Context(when, activities, reports, previous))          # check
    return Progress(plan, when, activities, reports, read, expected, findings, previous, plan_path.name, generated_at)


def summary_line(progress: Progress, lang: str = "vi") -> str:
    from ..messages import severity_counts, text

    completion, money, counts = progress.completion(), progress.disbursement(), progress.counts()
    severities = count_by_severity(progress.findings)

    def number(value: float) -> str:
        shown = f"{value:,.1f}"
        return shown.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else shown

    return "\n".join([
        text("progress.summary", lang, period=progress.period.label(lang), received=len({r.agency for r in progress.received()}),
             expected=len(progress.expected), done=completion["done"], total=completion["total"],
             rate=f"{completion['rate']:.0%}", overdue=counts["overdue"], disbursed=number(money["disbursed"]),
             planned=number(money["planned"]), disbursed_rate=f"{money['rate']:.0%}"),
        severity_counts(severities, lang) + "."])


def render_progress(progress: Progress, lang: str = "vi", max_info: int = 10) -> str:
    """What ``cchc-xlsx progress`` prints: :func:`summary_line`, then each finding on a line (file ›
    sheet!cell code: message; errors first, then warnings, the first ``max_info`` notes), as
    ``check`` and ``consolidate`` print theirs, so that the counts on screen come with their reasons."""
    from ..report import finding_lines

    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted((f.to_dict(lang) for f in progress.findings), key=lambda f: order.get(f["severity"], 3))
    return "\n".join([summary_line(progress, lang), *finding_lines(findings, lang, max_info, show_file=True)])
