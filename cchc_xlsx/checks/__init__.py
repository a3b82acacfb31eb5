"""Check stage: small checks, each taking a read plan and returning findings, run in this order."""

from __future__ import annotations

from typing import Callable

from ..findings import Finding
from . import agencies, budget, monitoring, months

__all__ = ["CHECKS", "run_checks"]

#: Every check, in the order its findings are reported. A new rule is one function added here.
CHECKS: list[Callable] = [
    budget.budget_values,
    budget.budget_missing,
    budget.subtotals,
    budget.grand_total,
    budget.allocation,
    months.month_values,
    months.month_missing,
    months.month_order,
    agencies.agency_corrected,
    agencies.agency_unknown,
    monitoring.plan_monitoring_rows,
    monitoring.frequency_values,
    monitoring.frequency_missing,
    monitoring.frequency_window,
    monitoring.collector_missing,
]


def run_checks(plan) -> list[Finding]:
    """All findings of every check on ``plan`` (a :class:`cchc_xlsx.normalise.Plan`)."""
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(plan))
    return findings
