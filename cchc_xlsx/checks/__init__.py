"""Check stage: small checks, each taking a read plan and returning findings, run in this order."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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


#: Below this many rows the checks run in this process: a fork costs more than it saves.
PARALLEL_ROWS = 50_000


def run_checks(plan, *, parallel: bool = False) -> list[Finding]:
    """All findings of every check on ``plan`` (a :class:`cchc_xlsx.normalise.Plan`), in CHECKS order.

    With ``parallel`` and a large plan, every other check runs in a forked process (which shares
    the plan without copying it); the findings are the same, in the same order.
    """
    if parallel and plan.size("plan") >= PARALLEL_ROWS and "fork" in multiprocessing.get_all_start_methods():
        global _PLAN
        _PLAN = plan
        try:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
                future = pool.submit(_run_some, 1)
                mine = _run_some(0)
                try:
                    theirs = future.result()
                except BrokenProcessPool:      # the other process was killed: run its checks here
                    theirs = _run_some(1)
        finally:
            _PLAN = None
        results = [None] * len(CHECKS)
        results[0::2], results[1::2] = mine, theirs
    else:
        results = [check(plan) for check in CHECKS]
    return [finding for found in results for finding in found]


_PLAN = None    # the plan a forked process checks


def _run_some(start: int) -> list[list[Finding]]:
    return [check(_PLAN) for check in CHECKS[start::2]]
