"""The plan's activities as a progress report sees them: plan values, collector, and where each stands in a period."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..normalise import Plan
from ..periods import Period, Schedule, effective_frequencies, schedule
from ..templates import _month_text, assign_activities

__all__ = ["PlanActivity", "plan_activities", "listed_by_agency", "NO_AGENCY"]

#: The agency column of an activity with no named agency (it belongs to no template).
NO_AGENCY = "(không có đơn vị)"


@dataclass
class PlanActivity:
    """One activity of Phụ lục 1 with its Phụ lục 2 row, in a period.

    ``planned``: the budget in triệu đồng (None when the plan has none); ``agency``: the agency that
    answers for it (its funded agency, as :func:`cchc_xlsx.templates.assign_activities`);
    ``collector``: Phụ lục 2's «Thu thập số liệu», the nearest row above's when its own is blank."""

    code: str
    task: str
    output: str
    content: str
    agency: str
    window: str
    end: str
    planned: float | None
    frequency: str
    collector: str
    schedule: Schedule

    @property
    def planned_or_zero(self) -> float:
        return self.planned or 0.0


def _inherited(codes_values: dict[str, str], code: str) -> str:
    while True:
        value = codes_values.get(code, "")
        if value or "." not in code:
            return value
        code = code.rsplit(".", 1)[0]


def plan_activities(plan: Plan, when: Period) -> list[PlanActivity]:
    """Every activity of the plan, in plan order, with its schedule in ``when``."""
    frequencies = effective_frequencies(plan.monitoring)
    collectors = {row["code"]: row["collector"] for row in plan.rows("monitoring") if row["collector"]}
    owners = {code: agency for agency, codes in assign_activities(plan).items() for code in codes}
    result = []
    for row in plan.rows("plan", "activity"):
        code = row["code"]
        kind, per_year, written, note = frequencies.get(code, ("missing", None, "", ""))
        start = _month_text(row["from_kind"], row["month_from"], row["year_from"], plan.year, row["from_text"])
        end = _month_text(row["to_kind"], row["month_to"], row["year_to"], plan.year, row["to_text"])
        window = start if start == end else f"{start} – {end}" if start or end else ""
        budget = row["budget"]
        planned = None if budget is None or (isinstance(budget, float) and math.isnan(budget)) else float(budget)
        parts = code.split(".")
        result.append(PlanActivity(
            code=code, task=parts[0], output=".".join(parts[:2]) if len(parts) > 2 else parts[0],
            content=row["content"], agency=owners.get(code, NO_AGENCY), window=window, end=end,
            planned=planned, frequency=written or (note.strip("()") if note else ""),
            collector=_inherited(collectors, code), schedule=schedule(row, kind, per_year, when)))
    return result


def listed_by_agency(activities: list[PlanActivity]) -> dict[str, list[PlanActivity]]:
    """agency -> its activities listed in the period (started by its end), in plan order; an
    activity with no agency is in no agency's list."""
    result: dict[str, list[PlanActivity]] = {}
    for activity in activities:
        if activity.schedule.listed and activity.agency != NO_AGENCY:
            result.setdefault(activity.agency, []).append(activity)
    return result
