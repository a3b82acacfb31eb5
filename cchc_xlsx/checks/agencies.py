"""Agency checks: typos resolved through the registry, and lead agencies it does not know."""

from __future__ import annotations

from itertools import compress
from operator import itemgetter
from typing import Iterator

from ..agencies import default_registry
from ..findings import Finding
from ..normalise import cell_of
from ..scan import ERROR_TEXTS
from ._common import at


def agency_corrected(plan) -> list[Finding]:
    """Every spelling read as another (``Sơ Tư pháp`` -> ``Sở Tư pháp``), once per cell."""
    registry = plan.registry or default_registry()
    findings = []
    for row in _rows_to_parse(registry, plan.rows("plan"), ("lead", "partners"), "corrections"):
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
    for row in _rows_to_parse(registry, plan.rows("plan"), ("lead",), "unknown"):
        for part in registry.parse_cell(row["lead"]).unknown:
            if part not in ERROR_TEXTS:       # a formula error: said when the cell was read (normalise)
                findings.append(at("agency-unknown", row, "lead", found=part))
    for row in plan.rows("allocation"):
        if registry.resolve(row["agency_text"])[0] is None:
            findings.append(Finding("agency-unknown", file=row["file"], sheet=row["sheet"],
                                    cell=cell_of(row, "agency"),
                                    found=row["agency_text"], row_code="Trong đó"))
    return findings


def _rows_to_parse(registry, rows: list[dict], fields: tuple[str, ...], what: str) -> Iterator[dict]:
    """The rows, in order, but those whose every one of ``fields`` is a text whose agency cell
    (``registry.parse_cell``, a function of the text) has nothing in its ``what``: they have nothing
    to say. Each distinct value is parsed once here (the same few thousand texts fill 63 000 rows),
    and the rows are picked at C speed; a value that is not a text is always looked at, row by row."""
    values: set = set()
    try:
        for field in fields:
            values.update(map(itemgetter(field), rows))
    except TypeError:              # a value that cannot be hashed: every row is looked at
        return iter(rows)
    look = {value for value in values if type(value) is not str or getattr(registry.parse_cell(value), what)}
    if len(fields) == 1:
        return compress(rows, map(look.__contains__, map(itemgetter(fields[0]), rows)))
    return compress(rows, map(any, zip(*(map(look.__contains__, map(itemgetter(field), rows)) for field in fields))))
