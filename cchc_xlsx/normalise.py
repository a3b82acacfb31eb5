"""Normalise stage: raw table rows -> tidy pandas frames, every value with the cell it came from.

Frames (one row per task, output and activity; see docs/frames.md for every column):

- ``plan``: Phụ lục 1, with parsed months and budget (triệu đồng, NaN when blank), lead and
  partner agencies resolved against the registry, and the funded agency.
- ``monitoring``: Phụ lục 2, with the frequency's kind and collections per year.
- ``allocation``: the ``Trong đó`` split of the total per funded agency.

Texts are kept as written (``budget_text``, ``from_text``, ``lead`` …) beside the parsed values, so
that nothing a user sent is silently changed; ``file``, ``sheet``, ``row`` and ``cells`` say where
each value came from (see :func:`cell_of`).
"""

from __future__ import annotations

import math
from operator import itemgetter
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
import pandas as pd

from . import encodings
from .agencies import AgencyCell, Registry, default_registry
from .findings import Finding
from .forms import (DONG_THRESHOLD, budget_from_parts, budget_rule, cell_columns, grade_columns, table_form,
                    table_unit)
from .notation import (CANONICAL_LABELS, TRIEU, Label, NotANumber, Unit, clean_text, number_notation,
                       parse_frequency, parse_month, parse_number, parse_period, parse_trieu)
from .tables import RawRow, RawTable
from .notation import _CANONICAL_LABEL  # noqa: PLC2701  (the labels parse_label takes as they are)
from .workbook import cell_ref, column_letter

T = TypeVar("T")

__all__ = ["Plan", "normalise", "cell_of", "records", "funded_agency", "plausible", "set_field", "PLAN_COLUMNS",
           "MONITORING_COLUMNS", "ALLOCATION_COLUMNS", "DONG_THRESHOLD", "MAX_BUDGET", "MAX_AMOUNT_DONG"]
#: The largest budget read as a figure, in the unit written (triệu đồng; or đồng, see budget-unit):
#: 10^12 triệu đồng (10^18 đồng) is far beyond any state budget. A larger (or infinite) value is
#: read as missing and reported (``budget-implausible``), so that no sum or rounding overflows.
MAX_BUDGET = 1e12
#: The largest ``Trong đó`` amount read, in đồng (10^18: the same bound; an Int64 holds 9.2·10^18).
MAX_AMOUNT_DONG = 1e18


def plausible(value: float | None, limit: float = MAX_BUDGET) -> bool:
    """A finite number no larger than ``limit`` in absolute value (None and NaN are not numbers)."""
    return value is not None and abs(value) <= limit

PLAN_COLUMNS = {
    "level": "category", "code": "object", "parent_code": "object",
    "depth": "Int64", "label": "object",
    "content": "object",
    "indicator": "object", "evidence": "object",
    "month_from": "Int64", "year_from": "Int64", "from_kind": "object", "from_text": "object",
    "month_to": "Int64", "year_to": "Int64", "to_kind": "object", "to_text": "object",
    "period": "object",
    "budget": "float64", "budget_text": "object", "funding_source": "object", "note": "object",
    "lead": "object", "lead_agencies": "object", "partners": "object", "partner_agencies": "object",
    "funded_agency": "object", "proposed": "bool",
    "file": "object", "sheet": "object", "row": "Int64", "cells": "object",
}
MONITORING_COLUMNS = {
    "level": "category", "code": "object", "parent_code": "object",
    "depth": "Int64", "label": "object",
    "content": "object",
    "indicator": "object", "evidence": "object",
    "frequency": "object", "frequency_kind": "object", "collections_per_year": "Int64",
    "collector": "object", "reporter": "object", "proposed": "bool",
    "file": "object", "sheet": "object", "row": "Int64", "cells": "object",
}
ALLOCATION_COLUMNS = {
    "agency": "object", "agency_text": "object", "amount_dong": "Int64", "amount": "float64",
    "file": "object", "sheet": "object", "row": "Int64", "cells": "object",
}
TABLE_COLUMNS = {"plan": PLAN_COLUMNS, "monitoring": MONITORING_COLUMNS, "allocation": ALLOCATION_COLUMNS}
LEVEL_ORDER = pd.CategoricalDtype(["task", "output", "activity"], ordered=True)


class Plan:
    """A plan as read from one or more files: the three frames and what the titles say.

    The frames (``plan``, ``monitoring``, ``allocation``) can be given as frames or as row records
    (:meth:`from_records`); from records a frame is built only when it is first asked for, so that
    a return read for a consolidation, whose rows are only looped over, never pays for pandas.
    """

    def __init__(self, plan: pd.DataFrame | None = None, monitoring: pd.DataFrame | None = None,
                 allocation: pd.DataFrame | None = None, *, year: int | None = None, province: str = "",
                 decision: str = "", decision_date: str = "", stated_total: float | None = None,
                 stated_total_at: tuple[str, str, str] = ("", "", ""), allocation_total: float | None = None,
                 findings: list[Finding] | None = None, registry: Registry | None = None,
                 unit: str = "triệu đồng", unit_text: str = "", unit_factor: float = 1.0, district: str = ""):
        self._frames: dict[str, pd.DataFrame | None] = {"plan": plan, "monitoring": monitoring,
                                                        "allocation": allocation}
        self._records: dict[str, list[dict]] = {}
        self.year = year
        self.province = province
        self.decision = decision
        self.decision_date = decision_date
        self.stated_total = stated_total            # the Tổng cộng row of Phụ lục 1, triệu đồng
        self.stated_total_at = stated_total_at      # file, sheet, cell
        self.allocation_total = allocation_total    # the Tổng cộng under Trong đó, đồng
        self.findings: list[Finding] = findings if findings is not None else []
        self.registry = registry
        self.unit = unit                            # the unit Phụ lục 1 states (canonical name); budgets are
        self.unit_text = unit_text                  # in triệu đồng whatever it is; as written ("" if unstated)
        self.unit_factor = unit_factor              # triệu đồng per unit written (1e-6 for đồng)
        self.district = district                    # "huyện Krông Pắc" for a district's plan, else ""
        self._cache: dict = {}                      # derived values, per table version (rows(), plan_id())
        self._columns: dict[str, dict[str, list]] = {}   # rows as columns (see __getstate__)

    @classmethod
    def from_records(cls, records: dict[str, list[dict]], **kwargs) -> "Plan":
        """A plan whose frames are built from these records when first asked for."""
        plan = cls(**kwargs)
        for table in TABLE_COLUMNS:
            plan._frames[table] = None
            plan._records[table] = records.get(table, [])
        return plan

    def _get(self, table: str) -> pd.DataFrame:
        frame = self._frames[table]
        if frame is None:
            frame = self._frames[table] = _frame(self.rows(table), TABLE_COLUMNS[table])
            # the frame now holds the rows: keep one copy, not both (rows() makes dicts from it again)
            self._records.pop(table, None)
            self._columns.pop(table, None)
        return frame

    # Pickled (sent back by a worker process), a plan of records travels as one list per column,
    # and stays so: rows() makes the dicts when asked. A return kept for the whole consolidation so
    # costs a fraction of the memory of its dicts. Equal texts of the returns a worker sends at once
    # arrive as one object (the worker's clean_text gives one object per text, and pickle keeps
    # that): interning them again on arrival cost 0.5-0.9 ms a return and saved no memory (N = 500).
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cache"] = {}
        if self._records:
            state["_frames"] = {table: (frame if table not in self._records else None)
                                for table, frame in self._frames.items()}
            state["_records"] = {}
            state["_columns"] = {table: _as_columns(rows, tuple(TABLE_COLUMNS[table]))
                                 for table, rows in self._records.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def _set(self, table: str, frame: pd.DataFrame) -> None:
        self._frames[table] = frame
        self._records.pop(table, None)
        self._columns.pop(table, None)

    plan = property(lambda self: self._get("plan"), lambda self, frame: self._set("plan", frame))
    monitoring = property(lambda self: self._get("monitoring"), lambda self, frame: self._set("monitoring", frame))
    allocation = property(lambda self: self._get("allocation"), lambda self, frame: self._set("allocation", frame))

    def __repr__(self) -> str:
        return (f"Plan(province={self.province!r}, year={self.year!r}, rows={self.size('plan')}/"
                f"{self.size('monitoring')}/{self.size('allocation')}, findings={len(self.findings)})")

    @property
    def activities(self) -> pd.DataFrame:
        return self.plan[self.plan["level"] == "activity"]

    def size(self, table: str = "plan") -> int:
        """The number of rows of a table, without building its frame."""
        if table in self._records:
            return len(self._records[table])
        if table in self._columns:
            return len(next(iter(self._columns[table].values())))
        return len(self._get(table))

    def column(self, table: str, name: str) -> list:
        """One column's values in row order, without making every row's dict (a plan sent by a worker
        keeps its rows as columns: matching a return to the plan reads two of its ~30)."""
        if table in self._columns:
            return list(self._columns[table][name])
        return [row[name] for row in self.rows(table)]

    def set_column(self, table: str, name: str, values: list) -> None:
        """Give every row of ``table`` its value of ``name`` from ``values`` (in row order), in whichever
        form the rows are kept (a plan sent by a worker keeps them as columns: see __getstate__)."""
        if table in self._columns:
            self._columns[table][name] = list(values)
            self._cache.clear()
            return
        for row, value in zip(self.rows(table), values, strict=True):
            row[name] = value
        self.changed(table)

    def derived(self, name: str, tables: tuple[str, ...], compute: Callable[[], T]) -> T:
        """A value computed from ``tables`` once (``compute()``), kept until one of them is replaced or
        edited (see :meth:`version`, :meth:`changed`): what several checks, the matching and the merge
        ask again and again. Callers must not edit it."""
        key = (name, *(self.version(table) for table in tables))
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def version(self, table: str) -> int:
        """Changes when the table is replaced: the key of values derived from it."""
        for store in (self._records, self._columns):
            if table in store:
                return id(store[table])
        return id(self._get(table))

    def changed(self, table: str) -> None:
        """Say that rows of ``table`` (from :meth:`rows`) were edited in place: derived values are dropped."""
        if table in self._columns:
            raise ValueError("rows of a plan sent by a worker are made on each call: edit a copy")
        if table in self._records:
            self._frames[table] = None
        else:
            rows = self._cache.pop((table, self.version(table)), None)
            if rows is not None:      # the edited dicts, as rows() gave them
                self._frames[table] = _frame(rows, TABLE_COLUMNS[table])
        self._cache.clear()

    def rows(self, table: str = "plan", level: str | None = None) -> list[dict]:
        """The rows of ``plan``, ``monitoring`` or ``allocation`` as dicts, computed once per frame."""
        if table in self._records:
            rows = self._records[table]
        elif table in self._columns:    # made on each call, not kept (see __getstate__)
            columns = self._columns[table]
            names = tuple(columns)
            rows = [dict(zip(names, values)) for values in zip(*columns.values())]
        else:                           # kept under (table, version): changed() finds them there
            rows = self.derived(table, (table,), lambda: records(self._get(table)))
        return rows if level is None else [row for row in rows if row["level"] == level]


def _as_columns(rows: list[dict], names: tuple[str, ...]) -> dict[str, list]:
    """Records -> one list per column (``names``, two or more), transposed in C: a tuple per row, zipped."""
    if not rows:
        return {name: [] for name in names}
    return dict(zip(names, map(list, zip(*map(itemgetter(*names), rows)))))


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts: what the checks loop over (``iterrows`` and ``to_dict`` are far slower)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def cell_of(row: pd.Series | dict, name: str) -> str:
    """The A1 reference of field ``name`` in a frame row (empty when the column was absent)."""
    letter = _cells_map(row["cells"]).get(name, "")
    return f"{letter}{row['row']}" if letter and not pd.isna(row["row"]) else ""


@lru_cache(maxsize=1024)
def _cells_map(cells: str) -> dict[str, str]:
    return dict(pair.split("=") for pair in cells.split(",") if pair)


def _cells_string(columns: dict[str, int]) -> str:
    return ",".join(f"{name}={column_letter(c)}" for name, c in sorted(columns.items(), key=lambda kv: kv[1]))


def funded_agency(lead: AgencyCell, partners: AgencyCell) -> str:
    """The agency whose budget line an activity is funded through.

    The first named agency that leads it; when the lead is generic ("Các đơn vị hành chính cấp
    xã"), the first named agency among the partners; otherwise none ("").
    """
    if lead.named:
        return lead.named[0]
    if partners.named:
        return partners.named[0]
    return ""


def normalise(tables: list[RawTable], path: Path | str, plan_year: int,
              registry: Registry | None = None, *, template: bool = False) -> tuple[dict[str, list[dict]], list[Finding], dict]:
    """Raw tables -> frame records (plan, monitoring, allocation), structure findings and totals.

    Budgets are converted to triệu đồng from their table's unit (see :func:`cchc_xlsx.forms.budget_rule`).
    ``template``: the file is a return of our template, whose columns are known: a column of the
    template it lacks is an error, any other column is not read; otherwise (a plan as a province
    writes it) the columns are graded by what the table is (see :func:`cchc_xlsx.forms.grade_columns`).
    ``totals`` holds the stated totals as written (``stated_total_raw``, ``allocation_total_raw``),
    the unit of the first plan table (``unit``: a Unit, ``unit_source``) and ``plan_forms`` (one of
    ``plan``/``budget_list`` per plan table).
    """
    registry = registry or default_registry()
    file = Path(path).name
    records: dict[str, list[dict]] = {"plan": [], "monitoring": [], "allocation": []}
    findings: list[Finding] = []
    totals: dict = {}
    # the first row of each code, per kind of table: its row, and its table's (sheet, code column).
    # Two dicts of objects made already: a tuple a row would be kept as long, and walked by the collector.
    first_rows: dict[str, dict[str, int]] = {}
    first_tables: dict[str, dict[str, tuple[str, int]]] = {}
    votes = _notation_votes(tables)
    notation, decided = _file_notation(votes)
    for table in tables:
        sheet = table.sheet.name
        cells = _cells_string(cell_columns(table.columns))
        findings += grade_columns(table, file, template)
        if table.kind == "plan":
            totals.setdefault("plan_forms", []).append(table_form(table))
        unit, unit_findings = table_unit(table, file, template)
        findings += unit_findings
        if table.kind == "plan" and "unit" not in totals:
            totals["unit"] = unit
            totals["unit_source"] = table.unit_source or ("inferred" if unit is not TRIEU else "")
        rule = budget_rule(table, unit, file) if table.kind == "plan" else None
        if table.sheet.state in ("hidden", "veryHidden"):
            findings.append(Finding("sheet-hidden", file=file, sheet=sheet, cell=cell_ref(table.header_rows[0], 0),
                                    params={"table": "Phụ lục 1" if table.kind == "plan" else "Phụ lục 2"}))
        if table.sheet.errors:
            findings += _formula_errors(table, file)
        findings += _outside_columns(table, file)
        proposals = []
        kind = table.kind
        build = _plan_record if kind == "plan" else _monitoring_record
        kept = records[kind]
        code_column = table.columns["code"]
        # number-ambiguous is looked for only in a table that has such a number
        ambiguous = kind == "plan" and not decided and votes["ambiguous"] > 0 and _read_otherwise(table)
        typed_as_text = template and kind == "plan"
        rows_seen, tables_seen = first_rows.setdefault(kind, {}), first_tables.setdefault(kind, {})
        this_table = (sheet, code_column)
        for raw in table.rows:
            role = raw.role
            if role == "item":
                code = raw.label.code
                if code in rows_seen:
                    first_sheet, first_col = tables_seen[code]
                    findings.append(Finding("duplicate-row", file=file, sheet=sheet,
                                            cell=cell_ref(raw.row, code_column), row_code=code,
                                            expected=f"{first_sheet}!{cell_ref(rows_seen[code], first_col)}",
                                            found=clean_text(raw.values.get("content"))[:80]))
                    continue
                rows_seen[code] = raw.row
                tables_seen[code] = this_table
                record = build(raw, plan_year, registry, notation, file, sheet, cells)
                if ambiguous:
                    findings += _ambiguous_number(raw, table, file, notation)
                if rule is not None:
                    rule(record, raw, findings)
                if typed_as_text and type(raw.values.get("budget")) is str:    # else none (see _typed_as_text)
                    findings += _typed_as_text(raw, record, table, file, notation)
                kept.append(record)
            elif role == "proposal":
                proposals.append((raw, _where(file, sheet, raw, cells)))
            elif role == "allocation":
                where = _where(file, sheet, raw, cells)
                cells_here = (f"agency={column_letter(raw.values['agency_col'])},"
                              f"amount={column_letter(raw.values['amount_col'])}")
                record = _allocation_record(raw, registry, unit, notation)
                if record is None:      # an amount no budget can have: said, not summed
                    findings.append(Finding("budget-implausible", file=file, sheet=sheet,
                                            cell=cell_ref(raw.row, raw.values["amount_col"]),
                                            found=_number_text(raw.values["amount"])[:60],
                                            expected=f"{MAX_AMOUNT_DONG:,.0f}".replace(",", ".") + " đồng"))
                    continue
                records["allocation"].append(record | where | {"cells": cells_here})
            elif role == "total" and kind == "plan":
                totals["stated_total_raw"] = raw.values.get("budget")
                totals["stated_total_unit"] = unit
                totals["stated_total_at"] = (file, sheet, cell_ref(raw.row, table.columns.get("budget", 0)))
            elif role == "allocation_total":
                totals["allocation_total_raw"] = raw.values.get("amount")
                totals["allocation_total_unit"] = unit
            elif role == "unknown":
                findings.append(_unknown_row(raw, table, file, sheet))
        first_proposal = len(kept)
        findings += _number_proposals(proposals, table, records[table.kind], plan_year, registry, rule, notation)
        if template and table.kind == "plan":
            for (raw, _), record in zip(proposals, kept[first_proposal:]):
                findings += _typed_as_text(raw, record, table, file, notation)
        if ambiguous:
            findings += [f for raw, where in proposals for f in _ambiguous_number(raw, table, file, notation)]
        if encodings.SEEN:      # TCVN3 / VNI text met in this process (clean_text converted it): say where
            findings += _legacy_findings(table, file, sheet, kept, plan_year, registry)
    if totals:
        totals["notation"] = notation       # how the totals' texts are read (pipeline.plan_from_parts)
    if notation == "en" and decided and any(_read_otherwise(t) for t in tables):
        findings.append(Finding("number-notation", file=file, found=_first_evidence(tables, "en"), expected="en-US"))
    return records, findings, totals


def _where(file: str, sheet: str, raw: RawRow, cells: str) -> dict:
    """A record's provenance: file, sheet, row (1-based) and cells (see :func:`cell_of`)."""
    return {"file": file, "sheet": sheet, "row": raw.row + 1, "cells": cells}


def _unknown_row(raw: RawRow, table: RawTable, file: str, sheet: str) -> Finding:
    """A row that has no place in the plan; when it carries a budget, the amount left out is named."""
    finding = Finding("unknown-row", file=file, sheet=sheet, cell=cell_ref(raw.row, 0), found=raw.text[:120])
    try:
        budget = parse_number(raw.values.get("budget"))
    except NotANumber:
        budget = None
    if budget:
        written = _number_text(raw.values.get("budget"))
        finding.expected = written
        finding.field = "budget"
        finding.params["reason"] = (
            f" Ngân sách {written} ở ô {cell_ref(raw.row, table.columns['budget'])} không được cộng vào tổng: "
            "hãy ghi số thứ tự (STT) của dòng để xếp nó vào kế hoạch.",
            f" Its budget {written} in {cell_ref(raw.row, table.columns['budget'])} is left out of the totals: "
            "give the row a number (STT) to place it in the plan.")
    return finding


def _outside_columns(table: RawTable, file: str) -> list[Finding]:
    """``cell-outside-columns`` for values in the table's rows (tasks, outputs, activities, spare rows,
    the total) in a column with no heading: no field reads them, so they are named, one finding per
    column (the range from its first such cell to its last). Costs nothing on a sheet whose columns
    all have headings."""
    known = set(table.columns.values()) | set(table.extra_columns)
    rows = table.sheet.rows
    if known.issuperset(range(max(map(len, rows), default=0))):
        return []                   # every column of the sheet has a heading (our templates')
    unknown_by_width: dict[int, list[int]] = {}
    found: dict[int, list[tuple[int, object]]] = {}
    for raw in table.rows:
        if raw.role not in ("item", "proposal", "total"):
            continue
        row = rows[raw.row]
        width = len(row)
        unknown = unknown_by_width.get(width)
        if unknown is None:
            unknown = unknown_by_width[width] = [c for c in range(width) if c not in known]
        for c in unknown:
            value = row[c]
            if value is None or value == "" or (type(value) is str and not value.strip()):
                continue
            found.setdefault(c, []).append((raw.row, value))
    findings = []
    name = "Phụ lục 1" if table.kind == "plan" else "Phụ lục 2"
    for c, cells in sorted(found.items()):
        (first, value), last = cells[0], cells[-1][0]
        cell = cell_ref(first, c) if first == last else f"{cell_ref(first, c)}:{cell_ref(last, c)}"
        more = len(cells) - 1
        findings.append(Finding("cell-outside-columns", file=file, sheet=table.sheet.name, cell=cell,
                                found=clean_text(value)[:120], params={"table": name, "more": (
                                    f" và {more} ô khác trong vùng này" if more else "",
                                    f" and {more} other cells in this range" if more else "")}))
    return findings


#: Fields whose check reports a formula error itself (budget, months, frequency: ``checks/``); a
#: formula error in any other field (the lead too: a return's lead is locked, the merge keeps the
#: plan's) is reported here, where the cells are known.
_CHECKED_FIELDS = frozenset({"budget", "month_from", "month_to", "frequency"})


def _formula_errors(table: RawTable, file: str) -> list[Finding]:
    """``formula-error`` for the cells of the table's rows that hold a formula error (``#REF!`` …,
    found by the reader's scan) in a field no check parses."""
    errors = table.sheet.errors
    findings = []
    for raw in table.rows:
        if raw.label is None:
            continue
        for name, col in table.columns.items():
            text = errors.get((raw.row, col))
            if text is not None and name not in _CHECKED_FIELDS:
                findings.append(Finding("formula-error", file=file, sheet=table.sheet.name, cell=cell_ref(raw.row, col),
                                        row_code=raw.label.code, field=name, found=text))
    return findings


# --------------------------------------------------------------------------- legacy encodings
def _legacy_findings(table: RawTable, file: str, sheet: str, kept: list[dict], plan_year: int,
                     registry: Registry) -> list[Finding]:
    """One ``legacy-encoding`` note per table and encoding, naming its cells (the first twelve in the
    message, every one in ``params["refs"]``) that were typed in TCVN3 or VNI (clean_text has
    converted them for every parser).

    clean_text decides cell by cell; a short cell can read as Vietnamese in both encodings («Löu»:
    VNI «Lưu», TCVN3 «Lửu»). The table's own encoding (the one most of its cells show) then
    decides, and such a cell's record is read again in it.
    """
    cells: list[tuple[RawRow, str, str, tuple]] = []
    for raw in table.rows:
        if raw.role not in ("item", "proposal"):
            continue
        for name, value in raw.values.items():
            if type(value) is str and not value.isascii():
                readings = encodings.legacy_readings(value)
                if readings:
                    cells.append((raw, name, value, readings))
    if not cells:
        return []
    votes: dict[str, int] = {}
    for _, _, _, readings in cells:
        votes[readings[0][0]] = votes.get(readings[0][0], 0) + 1
    table_encoding = max(votes, key=lambda e: (votes[e], e == encodings.ENCODINGS[0]))
    by_row: dict[int, dict] | None = None
    legacy: dict[str, list[tuple[str, str, str]]] = {}
    for raw, name, value, readings in cells:
        encoding, text = readings[0]
        other = dict(readings).get(table_encoding)
        if encoding != table_encoding and other is not None and name not in ("code", "budget"):
            if by_row is None:
                by_row = {record["row"]: record for record in kept if record["sheet"] == sheet}
            record = by_row.get(raw.row + 1)
            if record is not None:
                set_field(record, name, other, plan_year, registry)
                encoding, text = table_encoding, other
        legacy.setdefault(encoding, []).append((cell_ref(raw.row, table.columns[name]), value, text))
    findings = []
    for encoding, cells in legacy.items():
        refs = [ref for ref, _, _ in cells]
        listed = ", ".join(refs[:12]) + (f" … (+{len(refs) - 12})" if len(refs) > 12 else "")
        _, sample, converted = cells[0]
        findings.append(Finding("legacy-encoding", file=file, sheet=sheet, cell=refs[0], found=encoding,
                                expected=converted[:80], params={"count": len(cells), "cells": listed,
                                                                 "sample": sample[:80], "refs": refs}))
    return findings


def set_field(row: dict, name: str, value: object, plan_year: int, registry: Registry) -> None:
    """Put a text into field ``name`` of a plan or monitoring record, with what the normaliser
    derives from it (months, frequency, agencies and the funded agency). Not for budgets."""
    text = clean_text(value)
    if name in ("month_from", "month_to"):
        month = parse_month(text, plan_year)
        prefix = "from" if name == "month_from" else "to"
        row[name], row[f"year_{prefix}"], row[f"{prefix}_kind"] = month.month, month.year, month.kind
        row[f"{prefix}_text"] = month.text or text
    elif name == "frequency":
        frequency = parse_frequency(text)
        row["frequency"], row["frequency_kind"], row["collections_per_year"] = text, frequency.kind, frequency.per_year
    elif name in ("lead", "partners"):
        cell = registry.parse_cell(value)
        row[name], row["lead_agencies" if name == "lead" else "partner_agencies"] = cell.text, list(cell.named)
        row["funded_agency"] = funded_agency(registry.parse_cell(row["lead"]), registry.parse_cell(row["partners"]))
    else:
        row[name] = text


# --------------------------------------------------------------------------- number notation of a file
def _budget_texts(table: RawTable):
    """(raw row, text) of every number typed as text in a plan table: budgets, totals, allocation."""
    for raw in table.rows:
        value = raw.values.get("amount") if raw.role in ("allocation", "allocation_total") else raw.values.get("budget")
        if type(value) is str:
            yield raw, value


def _notation_votes(tables: list[RawTable]) -> dict[str, int]:
    """How many of the numbers typed as text in the file's plan tables each notation reads (see
    :func:`cchc_xlsx.notation.number_notation`): ``vi``, ``en``, ``ambiguous``, ``none``."""
    votes = {"vi": 0, "en": 0, "ambiguous": 0, "none": 0}
    for table in tables:
        if table.kind == "plan":
            for _, text in _budget_texts(table):
                votes[number_notation(text)] += 1
    return votes


def _file_notation(votes: dict[str, int]) -> tuple[str, bool]:
    """The notation the file's numbers typed as text show (``votes``: :func:`_notation_votes`):
    (``vi`` or ``en``, decided?).

    Decided when some texts only one notation reads (``1,270.5``, ``12,500,000``: en-US; ``3,4``,
    ``1.478,4``: Vietnamese) and none only the other reads; else Vietnamese, the decision's own,
    not decided (each ambiguous value is then reported: ``number-ambiguous``).
    """
    if votes["en"] and not votes["vi"]:
        return "en", True
    if votes["vi"] and not votes["en"]:
        return "vi", True
    return ("en" if votes["en"] > votes["vi"] else "vi"), False


def _first_evidence(tables: list[RawTable], notation: str) -> str:
    return next((clean_text(text) for t in tables if t.kind == "plan" for _, text in _budget_texts(t)
                 if number_notation(text) == notation), "")


def _read_otherwise(table: RawTable) -> bool:
    """Whether a table has a number that en-US notation reads otherwise than Vietnamese (``1,949``)."""
    return table.kind == "plan" and any(number_notation(text) == "ambiguous" for _, text in _budget_texts(table))


def _ambiguous_number(raw: RawRow, table: RawTable, file: str, notation: str) -> list[Finding]:
    """``number-ambiguous`` for a budget such as ``1,949`` in a file whose notation is not known.

    One separator before three digits reads as thousands in one notation and as a decimal mark in
    the other. Budgets in triệu đồng are not written to three decimals in either, so the thousands
    reading is the likely one: it is used silently where the file's notation gives it (``1.949`` =
    1949, the decision's own rule); where the notation gives the decimal reading (``1,949`` = 1.949
    in Vietnamese notation, a thousand times smaller) the value is read so and both readings said.
    """
    text = raw.values.get("budget")
    if type(text) is not str or number_notation(text) != "ambiguous":
        return []
    vi, en = parse_number(text, "vi"), parse_number(text, "en")
    used, other = (vi, en) if notation == "vi" else (en, vi)
    if abs(used) > abs(other):       # the thousands reading: the likely one
        return []
    return [Finding("number-ambiguous", file=file, sheet=table.sheet.name,
                    cell=cell_ref(raw.row, table.columns["budget"]), row_code=raw.label.code if raw.label else "",
                    field="budget", found=clean_text(text), expected=_plain(used), params={
                        "used": (_plain(used, "vi"), _plain(used, "en")),
                        "other": (_plain(other, "vi"), _plain(other, "en")),
                        "used_notation": _NOTATION_NAMES[notation],
                        "other_notation": _NOTATION_NAMES["en" if notation == "vi" else "vi"]})]


_NOTATION_NAMES = {"vi": ("cách ghi Việt Nam", "Vietnamese notation"), "en": ("cách ghi Anh-Mỹ", "en-US notation")}


def _plain(value: float, lang: str = "") -> str:
    """A reading without thousands separators: 1949, 1,949 (vi) or 1.949 (en and plain)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def _number_proposals(proposals, table: RawTable, records: list[dict], plan_year: int,
                      registry: Registry, rule=None, notation: str = "vi") -> list[Finding]:
    """Filled spare rows become activities numbered after their output's last one (1.1.3 -> 1.1.4)."""
    if not proposals:
        return []
    findings = []
    taken = {r["code"] for r in records}
    build = _plan_record if table.kind == "plan" else _monitoring_record
    for raw, where in proposals:
        parent = raw.label.code
        n = 1
        code = f"{parent}.{n}" if parent else str(n)
        while code in taken:
            n += 1
            code = f"{parent}.{n}" if parent else str(n)
        taken.add(code)
        raw.label = Label("activity", code)
        raw.depth = code.count(".") + 1
        record = build(raw, plan_year, registry, notation, where["file"], where["sheet"], where["cells"], True)
        if rule is not None:
            rule(record, raw, findings)
        records.append(record)
        findings.append(Finding("proposed-row", file=where["file"], sheet=where["sheet"],
                                cell=cell_ref(raw.row, table.columns.get("content", 1)), row_code=code,
                                expected=parent, found=clean_text(raw.values.get("content"))[:120]))
    return findings


def _typed_as_text(raw: RawRow, record: dict, table: RawTable, file: str, notation: str) -> list[Finding]:
    """``budget-text`` (info) for a budget of our template typed as text that reads as a number
    (``3,4`` on an English-locale Excel, ``3,4 triệu``): it is read, and the cell the template paints
    red (Excel leaves text out of its sums) has its finding. Text that is no number is
    ``budget-not-number`` (checks.budget). The unit word is read only here: a template's unit is triệu đồng.
    """
    text = raw.values.get("budget")
    if type(text) is not str or not text.strip():
        return []
    if record["budget"] != record["budget"]:
        value = parse_trieu(text, notation)
        if value is None or not plausible(value):
            return []
        record["budget"] = value
    value = record["budget"]
    return [Finding("budget-text", agency=record["funded_agency"], file=file, sheet=table.sheet.name,
                    cell=cell_ref(raw.row, table.columns["budget"]), row_code=record["code"], field="budget",
                    found=clean_text(text), expected=_plain(value, "vi"),
                    params={"value": (_grouped(value, "vi"), _grouped(value, "en"))})]


def _grouped(value: float, lang: str) -> str:
    """1949.5 as 1.949,5 (vi) or 1,949.5 (en)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return clean_text(value)


def _plan_record(raw: RawRow, plan_year: int, registry: Registry, notation: str = "vi", file: str = "",
                 sheet: str = "", cells: str = "", proposed: bool = False) -> dict:
    """A Phụ lục 1 row's record, with where it came from (see :func:`_where`) and ``proposed``."""
    v = raw.values
    get = v.get
    start, end, period = get("month_from"), get("month_to"), get("period")
    key = (start, end, plan_year)
    months = _MONTHS.get(key) or _months(key)
    if period is not None and months[2] == "missing" and months[6] == "missing":
        months = _period_fields(period, plan_year, start, end)          # Quý II, Tháng 3-6, Cả năm …
    budget_value = get("budget")
    if budget_value is None and "budget_part_1" in v:
        budget_value = budget_from_parts(v)                             # NS tỉnh + NS huyện …
    if type(budget_value) is str or (type(budget_value) is float and budget_value):    # see _budgets
        key = (budget_value, notation)
        budget, budget_text = _BUDGETS.get(key) or _budgets(key)
    else:
        budget, budget_text = _budget_fields(budget_value, notation)
    key = (get("lead"), get("partners"))
    lead_text, lead_named, partners_text, partners_named, funded = (
        (_AGENCIES.get(key) if _AGENCIES.registry is registry else None) or _agencies(registry, key))
    label = raw.label
    code = label.code
    return {
        "level": label.level, "code": code, "parent_code": label.parent,
        "depth": raw.depth or code.count(".") + 1, "label": _written_label(raw),
        "content": clean_text(get("content")), "indicator": clean_text(get("indicator")),
        "evidence": clean_text(get("evidence")),
        "month_from": months[0], "year_from": months[1], "from_kind": months[2], "from_text": months[3],
        "month_to": months[4], "year_to": months[5], "to_kind": months[6], "to_text": months[7],
        "period": clean_text(period),
        "budget": budget, "budget_text": budget_text,
        "funding_source": clean_text(get("funding_source")), "note": clean_text(get("note")),
        "lead": lead_text, "lead_agencies": list(lead_named),
        "partners": partners_text, "partner_agencies": list(partners_named),
        "funded_agency": funded,
        "file": file, "sheet": sheet, "row": raw.row + 1, "cells": cells, "proposed": proposed,
    }


# --------------------------------------------------------------------------- fields derived together
# A plan repeats a few cell texts many times (months, budgets, agency cells, frequencies): what the
# parsers derive from them is kept in a memo (a plain dict: a lookup is one C call) keyed by the
# cells and whatever else decides it (the plan year, the notation, the registry), so that a repeated
# cell costs one dict lookup; the functions below compute a missing entry and keep it. Only texts
# and None are kept as keys (and, for budgets, non-zero floats, looked up only for such values): in
# a dict 1 == 1.0 == True, 10**20 == 1e20 and 0.0 == -0.0, which read differently, while a text or
# None equals no number. Each memo is bounded: emptied when full.
_MEMO_SIZE = 1 << 16


def _kept(memo: dict, key: tuple, value: tuple) -> tuple:
    """Keep ``value`` in ``memo`` under ``key`` (emptying the memo when full); give it back."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _texts(*values: object) -> bool:
    """Whether every value is a text or None: a key made of such values equals no other values."""
    return all(value is None or type(value) is str for value in values)


def _month_fields(value: object, plan_year: int) -> tuple:
    """A month cell -> (month, year, kind, text as shown) for a record's from_ or to_ fields."""
    month = parse_month(value, plan_year)
    return month.month, month.year, month.kind, month.text or clean_text(value)


def _months(key: tuple) -> tuple:
    """(from cell, to cell, plan year) -> the from_ then to_ fields (see :func:`_month_fields`)."""
    start, end, plan_year = key
    fields = _month_fields(start, plan_year) + _month_fields(end, plan_year)
    return _kept(_MONTHS, key, fields) if _texts(start, end) else fields


def _period_fields(period: object, plan_year: int, start: object, end: object) -> tuple:
    """A single time column (both month cells blank) -> the from_ then to_ fields (see :func:`_months`)."""
    month_from, month_to = parse_period(period, plan_year)
    return (month_from.month, month_from.year, month_from.kind, month_from.text or clean_text(start),
            month_to.month, month_to.year, month_to.kind, month_to.text or clean_text(end))


def _budget_fields(value: object, notation: str) -> tuple[float, str]:
    """A budget cell -> (budget as written, NaN when blank, not a number or implausible; its text)."""
    try:
        budget = parse_number(value, notation)
    except NotANumber:
        budget = None
    if budget is not None and not plausible(budget):
        budget = None               # budget-implausible (checks.budget): missing, never inf in a sum
    return (math.nan if budget is None else budget), _number_text(value)


def _budgets(key: tuple) -> tuple[float, str]:
    """(budget cell: a text or a non-zero float, notation) -> :func:`_budget_fields`, kept."""
    return _kept(_BUDGETS, key, _budget_fields(*key))


def _agency_cells(registry: Registry, lead: object, partners: object) -> tuple:
    """The lead and partners cells -> (lead text, its named agencies, partners text, theirs, funded agency)."""
    lead_cell, partners_cell = registry.parse_cell(lead), registry.parse_cell(partners)
    return (lead_cell.text, lead_cell.named, partners_cell.text, partners_cell.named,
            funded_agency(lead_cell, partners_cell))


def _agencies(registry: Registry, key: tuple) -> tuple:
    """(lead cell, partners cell) -> :func:`_agency_cells`, kept for texts with the registry that read them."""
    if _AGENCIES.registry is not registry:
        _AGENCIES.clear()
        _AGENCIES.registry = registry
    fields = _agency_cells(registry, *key)
    return _kept(_AGENCIES, key, fields) if _texts(*key) else fields


class _RegistryMemo(dict):
    """A memo of values read with a registry (``registry``): emptied when another one is used."""

    __slots__ = ("registry",)


_MONTHS: dict[tuple, tuple] = {}
_BUDGETS: dict[tuple, tuple] = {}
_AGENCIES = _RegistryMemo()
_AGENCIES.registry = None


def _written_label(raw: RawRow) -> str:
    """The row's label as written: its mark, or the STT cell of a named label; none for a proposal."""
    if raw.mark is not None:
        return raw.mark.text
    if raw.role != "item":
        return ""
    value = raw.values.get("code")
    if type(value) is str and (value in CANONICAL_LABELS or _CANONICAL_LABEL.fullmatch(value)):
        return value                  # ``Hoạt động 1.1.1`` as the decision writes it: clean already
    return clean_text(value)


def _monitoring_record(raw: RawRow, plan_year: int, registry: Registry, notation: str = "vi", file: str = "",
                       sheet: str = "", cells: str = "", proposed: bool = False) -> dict:
    """A Phụ lục 2 row's record, with where it came from (see :func:`_where`) and ``proposed``."""
    get = raw.values.get
    frequency = get("frequency")
    text, kind, per_year = _FREQUENCIES.get(frequency) or _frequencies(frequency)
    label = raw.label
    code = label.code
    return {
        "level": label.level, "code": code, "parent_code": label.parent,
        "depth": raw.depth or code.count(".") + 1, "label": _written_label(raw),
        "content": clean_text(get("content")), "indicator": clean_text(get("indicator")),
        "evidence": clean_text(get("evidence")),
        "frequency": text, "frequency_kind": kind, "collections_per_year": per_year,
        "collector": clean_text(get("collector")), "reporter": clean_text(get("reporter")),
        "file": file, "sheet": sheet, "row": raw.row + 1, "cells": cells, "proposed": proposed,
    }


def _frequencies(value: object) -> tuple[str, str, int | None]:
    """A frequency cell -> (its text, kind, collections per year), kept for a text (see _MEMO_SIZE)."""
    frequency = parse_frequency(value)
    fields = clean_text(value), frequency.kind, frequency.per_year
    return _kept(_FREQUENCIES, value, fields) if _texts(value) else fields


_FREQUENCIES: dict[object, tuple] = {}


def _allocation_record(raw: RawRow, registry: Registry, unit: Unit = TRIEU, notation: str = "vi") -> dict | None:
    """A line of the ``Trong đó`` split; None when its amount is not a plausible number of đồng.

    Its amount is read in the table's unit, with the same rule as budgets: one that reads as 100 tỷ
    or more is in đồng (the decision writes this block in đồng, ``150.000.000``, under a table in
    triệu đồng)."""
    text = raw.values["agency"]
    agency, _ = registry.resolve(text)
    amount = parse_number(raw.values["amount"], notation)
    if not plausible(amount, MAX_AMOUNT_DONG):
        return None
    dong = amount if unit.to_trieu(amount) >= DONG_THRESHOLD else unit.to_trieu(amount) * 1_000_000
    if not plausible(dong, MAX_AMOUNT_DONG):
        return None
    return {
        "agency": agency.name if agency else text, "agency_text": text,
        "amount_dong": round(dong), "amount": round(dong) / 1e6,
    }


def to_frames(records: dict[str, list[dict]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Records -> the three frames with their documented dtypes."""
    return (
        _frame(records["plan"], PLAN_COLUMNS),
        _frame(records["monitoring"], MONITORING_COLUMNS),
        _frame(records["allocation"], ALLOCATION_COLUMNS),
    )


def _frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Records -> a frame of these columns and dtypes, built a column at a time."""
    data = {}
    for name, dtype in columns.items():
        values = [row.get(name) for row in rows]
        if name == "level":
            data[name] = pd.Categorical(values, dtype=LEVEL_ORDER)
        elif dtype == "object":
            data[name] = pd.Series(values, dtype=object)   # not pandas' inferred "str"; lists stay lists
        elif dtype == "Int64":
            data[name] = pd.array(values, dtype="Int64")
        elif dtype == "float64":
            data[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            data[name] = np.array(values, dtype=dtype)
    return pd.DataFrame(data, columns=list(columns), index=pd.RangeIndex(len(rows)))
