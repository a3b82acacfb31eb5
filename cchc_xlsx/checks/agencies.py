"""Agency checks: typos resolved through the registry, and lead agencies it does not know."""

from __future__ import annotations

from ..agencies import default_registry
from ..findings import Finding
from ..normalise import cell_of
from ..scan import ERROR_TEXTS
from ._common import at


def agency_corrected(plan) -> list[Finding]:
    """Every spelling read as another (``Sơ Tư pháp`` -> ``Sở Tư pháp``), once per cell."""
    registry = plan.registry or default_registry()
    findings = []
    for row in plan.rows("plan"):
        for field in ("lead", "partners"):
            for written, canonical in registry.parse_cell(row[field]).corrections:
                findings.append(at("agency-corrected", row, field, found=written, expected=canonical))
    for row in plan.rows("allocation"):
        agency, corrected = registry.resolve(row["agency_text"])
        if corrected:
            findings.append(Finding("agency-corrected", agency=agency.name, file=row["file"], sheet=row["sheet"],
                                    cell=cell_of(row, "agency"),
                                    found=row["agency_text"], expected=agency.name))
    return findings


def agency_unknown(plan) -> list[Finding]:
    """A lead cell, or an allocation line, that names no agency the registry knows."""
    registry = plan.registry or default_registry()
    findings = []
    for row in plan.rows("plan"):
        for part in registry.parse_cell(row["lead"]).unknown:
            if part not in ERROR_TEXTS:       # a formula error: said when the cell was read (normalise)
                findings.append(at("agency-unknown", row, "lead", found=part))
    for row in plan.rows("allocation"):
        if registry.resolve(row["agency_text"])[0] is None:
            findings.append(Finding("agency-unknown", file=row["file"], sheet=row["sheet"],
                                    cell=cell_of(row, "agency"),
                                    found=row["agency_text"], row_code="Trong đó"))
    return findings
