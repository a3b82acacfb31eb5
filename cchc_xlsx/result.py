"""What a consolidation produces: the consolidated plan, every finding, and the files behind it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path

import pandas as pd

from .findings import Finding, findings_by_agency
from .normalise import Plan

__all__ = ["Consolidation", "SOURCE_COLUMNS", "RETURN_COLUMNS", "file_sha256", "expected_agencies",
           "consolidation_from_plan"]

#: One row per file read. ``status``: used, skipped, superseded, unreadable.
SOURCE_COLUMNS = ["agency", "file", "path", "size", "sha256", "template_version", "rows_read", "rows_used",
                  "findings", "status"]
#: One row per agency that answers for rows of the plan, and per unexpected sender.
#: ``status``: received, errors (received, with errors), missing, unexpected, not_requested
#: (a plan checked alone: no returns were asked for).
RETURN_COLUMNS = ["agency", "expected", "received", "file", "errors", "warnings", "status", "saved", "late"]


@dataclass
class Consolidation:
    plan: Plan                                  # the consolidated frames, with the plan's identity
    findings: list[Finding]                     # every finding: the plan's and the returns'
    sources: pd.DataFrame                       # SOURCE_COLUMNS
    returns: pd.DataFrame                       # RETURN_COLUMNS
    generated_at: dt.datetime | None = None     # shown on the summary sheet; None for reproducible output
    plan_file: str = ""
    extra: dict = field(default_factory=dict)

    def findings_by_agency(self) -> dict[tuple[str, str], dict[str, int]]:
        """The findings per severity for each who-answers key (``findings.findings_by_agency``: the plan's
        own defects are the plan's), a file's findings the agency of that file's."""
        files = {file: agency for file, agency in zip(self.sources["file"], self.sources["agency"])
                 if isinstance(agency, str) and agency and file != self.plan_file}
        return findings_by_agency(self.findings, self.plan_file, files)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_agencies(plan: Plan) -> list[str]:
    """The agencies that answer for rows: every funded agency, then every other named lead, in plan order."""
    activities = plan.rows("plan", "activity")
    names = dict.fromkeys(filter(None, map(itemgetter("funded_agency"), activities)))
    names.update(dict.fromkeys(chain.from_iterable(map(itemgetter("lead_agencies"), activities))))
    return list(names)


def consolidation_from_plan(plan: Plan, path: Path, generated_at: dt.datetime | None = None) -> Consolidation:
    """A plan checked alone (the Sở Nội vụ's own draft): no returns asked for, the plan file as its source."""
    rows = plan.size("plan") + plan.size("monitoring") + plan.size("allocation")
    sources = pd.DataFrame([{
        "agency": "Sở Nội vụ", "file": path.name, "path": str(path), "size": path.stat().st_size,
        "sha256": file_sha256(path), "template_version": "", "rows_read": rows, "rows_used": rows,
        "findings": len(plan.findings), "status": "used",
    }], columns=SOURCE_COLUMNS)
    returns = pd.DataFrame([{
        "agency": agency, "expected": False, "received": False, "file": "", "errors": 0, "warnings": 0,
        "status": "not_requested", "saved": "", "late": False,
    } for agency in expected_agencies(plan)], columns=RETURN_COLUMNS)
    return Consolidation(plan, list(plan.findings), sources, returns, generated_at, plan_file=path.name)
