"""Check stage: small checks, each taking a read plan and returning findings, run in this order."""

from __future__ import annotations

from typing import Callable

from ..findings import Finding
from . import agencies, budget, limits, monitoring, months

__all__ = ["CHECKS", "run_checks"]

#: Every check, in the order its findings are reported. A new rule is one function added here.
CHECKS: list[Callable] = [
    budget.budget_values,
    budget.budget_missing,
    budget.budget_no_agency,
    budget.subtotals,
    budget.grand_total,
    budget.allocation,
    months.month_values,
    months.period_unread,
    months.month_missing,
    months.month_order,
    agencies.agency_corrected,
    agencies.agency_unknown,
    monitoring.plan_monitoring_rows,
    monitoring.frequency_values,
    monitoring.frequency_missing,
    monitoring.frequency_window,
    monitoring.collector_missing,
    limits.text_too_long,
]


def run_checks(plan) -> list[Finding]:
    """All findings of every check on ``plan`` (a :class:`cchc_xlsx.normalise.Plan`), in CHECKS order.

    The checks run in this process: at 63 000 rows they take ~0.3 s, and half of them in a forked
    process cost more than all of them here (the child's copy-on-write of every page of rows it
    reads: 0.86 s of CPU, waited for, at N = 500).
    Values several checks need are computed once (see ``_common.derived``).
    """
    return [finding for check in CHECKS for finding in check(plan)]
