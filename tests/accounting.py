"""The judge of issue 10's "nothing lost" property: what a return holds, and whether each of its
cells ended up in the consolidated frames or in a finding.

Reusable by every test that wants to hold a consolidation to account:

- :func:`cells_of` reads what a return holds straight from its XML (.xlsx/.xlsm, whatever the
  file is named), independently of both readers of the tool: every cell with its value as
  stored, its type, its formula, and whether a formula has a cached result; hidden rows, sheet
  states, merges. A far cell costs nothing (the XML is streamed). Other formats (.xls, .ods)
  are read with python-calamine.
- :func:`unaccounted` compares those cells with a :class:`~cchc_xlsx.result.Consolidation` and
  returns the cells that are in neither the frames nor a finding (see its docstring for the
  exact rules).
- :func:`judge_files` runs the consolidation of each file in a forked child process under a
  memory limit and a time limit, so that a native abort or a runaway read fails one file
  instead of killing pytest.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import re
import resource
import time
import traceback
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.etree.ElementTree import iterparse

__all__ = ["StoredCell", "StoredSheet", "cells_of", "unaccounted", "Verdict", "judge_files", "judge_one", "run_limited",
           "Limited"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class StoredCell:
    """A cell as the file stores it. ``value``: str, float, bool, or None (a formula without a
    cached result); ``kind``: s (text), n (number), b (boolean), e (error), d (date), f (formula
    without a cached result)."""

    value: object
    kind: str
    formula: str = ""


@dataclass
class StoredSheet:
    name: str
    state: str = "visible"                      # visible, hidden, veryHidden
    cells: dict[tuple[int, int], StoredCell] = field(default_factory=dict)   # (row, col), 1-based
    hidden_rows: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)    # r0, c0, r1, c1, 1-based


def col_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def parse_ref(text: str) -> tuple[int, int] | None:
    match = _REF.fullmatch(text.replace("$", ""))
    return (int(match.group(2)), col_index(match.group(1))) if match else None


# --------------------------------------------------------------------------- the oracle reader
def cells_of(path: Path) -> list[StoredSheet]:
    """Every worksheet of the file with every cell that holds something, as stored."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" in archive.namelist():
                return _ooxml_cells(archive)
    except (zipfile.BadZipFile, OSError):
        pass
    return _calamine_cells(path)


def _text_of(element) -> str:
    """The text of a shared or inline string (plain or rich text runs; phonetic runs left out)."""
    parts = []
    for node in element.iter():
        if node.tag == f"{_NS_MAIN}t":
            parts.append(node.text or "")
        elif node.tag == f"{_NS_MAIN}rPh":
            break
    return "".join(parts)


def _ooxml_cells(archive: zipfile.ZipFile) -> list[StoredSheet]:
    names = set(archive.namelist())
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        with archive.open("xl/sharedStrings.xml") as f:
            for _, element in iterparse(f):
                if element.tag == f"{_NS_MAIN}si":
                    shared.append(_text_of(element))
                    element.clear()
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as f:
            for _, element in iterparse(f):
                if element.tag.endswith("Relationship"):
                    target = element.get("Target", "")
                    rels[element.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets = []
    with archive.open("xl/workbook.xml") as f:
        for _, element in iterparse(f):
            if element.tag == f"{_NS_MAIN}sheet":
                sheets.append((element.get("name"), element.get("state", "visible"), rels.get(element.get(f"{_NS_REL}id"))))
    out = []
    for name, state, member in sheets:
        if member not in names:
            continue
        sheet = StoredSheet(name, state)
        with archive.open(member) as f:
            _read_sheet_xml(f, shared, sheet)
        out.append(sheet)
    return out


def _read_sheet_xml(f, shared: list[str], sheet: StoredSheet) -> None:
    row_number, col_number = 0, 0
    for event, element in iterparse(f, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_NS_MAIN}row":
                row_number = int(element.get("r", row_number + 1))
                col_number = 0
                if element.get("hidden") in ("1", "true"):
                    sheet.hidden_rows.add(row_number)
            continue
        if tag == f"{_NS_MAIN}c":
            where = parse_ref(element.get("r", "")) or (row_number, col_number + 1)
            col_number = where[1]
            kind = element.get("t", "n")
            formula = element.find(f"{_NS_MAIN}f")
            value = element.find(f"{_NS_MAIN}v")
            inline = element.find(f"{_NS_MAIN}is")
            formula_text = (formula.text or "") if formula is not None else ""
            if kind == "inlineStr":
                stored = StoredCell(_text_of(inline) if inline is not None else "", "s", formula_text)
            elif value is None or value.text is None:
                stored = StoredCell(None, "f", formula_text) if formula is not None else None
            elif kind == "s":
                stored = StoredCell(shared[int(value.text)], "s", formula_text)
            elif kind == "str":
                stored = StoredCell(value.text, "s", formula_text)
            elif kind == "b":
                stored = StoredCell(value.text.strip() in ("1", "true"), "b", formula_text)
            elif kind == "e":
                stored = StoredCell(value.text, "e", formula_text)
            elif kind == "d":
                stored = StoredCell(value.text, "d", formula_text)
            else:
                stored = StoredCell(float(value.text), "n", formula_text)
            if stored is not None and not (stored.kind == "s" and stored.value == "" and not formula_text):
                sheet.cells[where] = stored
            element.clear()
        elif tag == f"{_NS_MAIN}mergeCell":
            parts = [parse_ref(p) for p in element.get("ref", "").split(":")]
            if len(parts) == 2 and all(parts):
                (r0, c0), (r1, c1) = parts
                sheet.merges.append((r0, c0, r1, c1))
        elif tag == f"{_NS_MAIN}row":
            element.clear()


def _calamine_cells(path: Path) -> list[StoredSheet]:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except Exception:        # noqa: BLE001  (not a workbook the oracle knows: nothing to account for)
        return []
    out = []
    try:
        for meta in book.sheets_metadata:
            state = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}.get(
                str(meta.visible).split(".")[-1], "visible")
            sheet = StoredSheet(meta.name, state)
            grid = book.get_sheet_by_name(meta.name)
            for r, row in enumerate(grid.to_python(skip_empty_area=False), start=1):
                for c, value in enumerate(row, start=1):
                    if value == "" or value is None:
                        continue
                    if isinstance(value, bool):
                        sheet.cells[(r, c)] = StoredCell(value, "b")
                    elif isinstance(value, (int, float)):
                        sheet.cells[(r, c)] = StoredCell(float(value), "n")
                    elif isinstance(value, (dt.date, dt.time, dt.timedelta)):
                        sheet.cells[(r, c)] = StoredCell(value, "d")
                    else:
                        sheet.cells[(r, c)] = StoredCell(str(value), "s")
            sheet.merges = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (grid.merged_cell_ranges or [])]
            out.append(sheet)
    finally:
        book.close()
    return out


# --------------------------------------------------------------------------- the rows in scope
def fold(text: str) -> str:
    """Lower-case ASCII skeleton (no diacritics, no format characters, punctuation as spaces)."""
    text = "".join(ch for ch in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
                   if unicodedata.category(ch) not in ("Mn", "Cf"))
    return re.sub(r"[^a-z0-9.()]+", " ", text.lower()).strip()


_ITEM = re.compile(r"(nhiem vu \d+|ket qua dau ra \d+\.\d+|hoat dong \d+\.\d+\.\d+)")
_SPARE = re.compile(r"de xuat moi \(\d+\.\d+\)")
_HEADER_CODE = {"stt", "tt", "so tt", "ma"}
_META_SHEET = "_cchc_meta"


@dataclass
class ScopeRow:
    sheet: str
    row: int
    kind: str                  # item, spare, other
    cells: dict[int, StoredCell]
    lead_col: int | None


def rows_in_scope(sheets: list[StoredSheet]) -> list[ScopeRow]:
    """The rows of a return the property is about.

    In every sheet but the template's metadata sheet (hidden sheets included), below a header row
    (a cell ``STT`` within the first three columns): each row whose code cell (the header's
    ``STT`` column, or any of the first three cells) reads ``NHIỆM VỤ n`` / ``Kết quả đầu ra n.m`` /
    ``Hoạt động n.m.k`` (an item row, format characters ignored); each spare row ``Đề xuất mới
    (n.m)`` that holds anything besides its pre-filled code and lead; the ``Tổng cộng`` row
    (``total``: its cells but the label); and every other non-empty row below the header but the
    ``Trong đó`` block (``other``).
    """
    out = []
    for sheet in sheets:
        if sheet.name == _META_SHEET:
            continue
        by_row: dict[int, dict[int, StoredCell]] = {}
        for (r, c), stored in sheet.cells.items():
            by_row.setdefault(r, {})[c] = stored
        header, lead_col = None, None
        for r in sorted(by_row):
            row = by_row[r]
            if header is None:
                if any(isinstance(v.value, str) and fold(v.value) in _HEADER_CODE for c, v in row.items() if c <= 3):
                    header = r
                    for rr in (r, r + 1):
                        for c, v in by_row.get(rr, {}).items():
                            if isinstance(v.value, str) and "chu tri" in fold(v.value):
                                lead_col = c
                continue
            if r <= header + 1 and not any(_ITEM.fullmatch(fold(str(v.value))) for v in row.values() if isinstance(v.value, str)):
                continue       # the second header row
            texts = [fold(str(row[c].value)) for c in sorted(row)[:3] if isinstance(row[c].value, str)]
            if any(_ITEM.fullmatch(t) for t in texts):
                out.append(ScopeRow(sheet.name, r, "item", row, lead_col))
            elif any(_SPARE.fullmatch(t) for t in texts):
                code_col = min(c for c in row if isinstance(row[c].value, str) and _SPARE.fullmatch(fold(row[c].value)))
                if any(c not in (code_col, lead_col) for c in row):
                    out.append(ScopeRow(sheet.name, r, "spare", row, lead_col))
            else:
                first = next((fold(str(row[c].value)) for c in sorted(row) if fold(str(row[c].value))), "")
                if first.startswith(("tong cong", "trong do")) or first == "tong":
                    if first.startswith("trong do"):
                        break
                    label_col = min(c for c in row if fold(str(row[c].value)) == first)
                    out.append(ScopeRow(sheet.name, r, "total", {c: v for c, v in row.items() if c != label_col},
                                        lead_col))
                    continue
                if any(fold(str(v.value)) or v.kind in ("f", "e") for v in row.values()):
                    out.append(ScopeRow(sheet.name, r, "other", row, lead_col))
    return out


# --------------------------------------------------------------------------- accounting
#: frame field -> the frame column that holds the cell's text as written
_TEXT_OF = {"month_from": "from_text", "month_to": "to_text", "budget": "budget_text"}
#: Findings about a whole file that account for every cell in it: the file was not used, and said so.
FILE_LEVEL = {"file-unreadable", "file-skipped", "wrong-template", "unexpected-agency", "duplicate-return"}
#: Findings that name one cell of a row and, by their nature, the whole row.
ROW_LEVEL = {"unknown-row", "duplicate-row", "proposed-row"}


def _excel_date(serial: float) -> dt.datetime:
    return dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(serial * 86400))


def shown(stored: StoredCell) -> str:
    """The text a cell shows to the property, in the tool's own notation for numbers."""
    from cchc_xlsx.notation import clean_text

    value = stored.value
    if stored.kind == "f":
        return "=" + stored.formula
    if stored.kind == "n":
        return clean_text(float(value))
    if stored.kind == "b":
        return str(bool(value))
    return clean_text(value)


_AGENCY_LISTS = {"lead": "lead_agencies", "partners": "partner_agencies"}


def carries(stored: StoredCell, row: dict, field_name: str) -> bool:
    """Does the frame row carry this cell's value in ``field_name``?

    The text as written must be the cell's; a code cell is its label (``Hoạt động 1.1.1`` for
    code 1.1.1, ``Đề xuất mới (1.1)`` for an activity proposed under 1.1); an agency cell may be
    written the registry's way (the templates do) when it names the same agencies.
    """
    text = str(row.get(_TEXT_OF.get(field_name, field_name), "") or "")
    if _same(stored, text):
        return True
    if field_name == "code" and isinstance(stored.value, str):
        label = fold(stored.value)
        if row.get("proposed"):
            return _SPARE.fullmatch(label) is not None and label.endswith(f"({row['parent_code']})")
        return _ITEM.fullmatch(label) is not None and label.endswith(f" {row['code']}")
    if field_name in _AGENCY_LISTS and isinstance(stored.value, str) and row.get(_AGENCY_LISTS[field_name]):
        from cchc_xlsx.agencies import default_registry

        return list(default_registry().parse_cell(stored.value).named) == list(row[_AGENCY_LISTS[field_name]])
    return False


def _same(stored: StoredCell, text: str) -> bool:
    """Does ``text`` (a frame's text as written) carry this cell's value?"""
    from cchc_xlsx.notation import clean_text

    if text == shown(stored):
        return True
    if stored.kind == "n" and text:
        try:
            day = _excel_date(float(stored.value))      # a number formatted as a date, read as one
        except (OverflowError, ValueError):
            return False
        return (text in (str(day.date()), str(day), day.isoformat(), clean_text(day), clean_text(day.date()))
                or (len(text) >= 7 and str(day.date()).startswith(text)))     # a date read as its month
    if stored.kind == "d" and text:
        return text.startswith(str(stored.value)[:10])
    return False


def _range_holds(spec: str, row: int, col: int) -> bool:
    parts = [parse_ref(p) for p in spec.split(":")]
    if len(parts) == 1 and parts[0]:
        return parts[0] == (row, col)
    if len(parts) == 2 and all(parts):
        (r0, c0), (r1, c1) = parts
        return r0 <= row <= r1 and c0 <= col <= c1
    return False


@dataclass
class Lost:
    sheet: str
    cell: str
    found: str
    why: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} «{self.found[:60]}»: {self.why}"


def unaccounted(path: Path, result, sheets: list[StoredSheet] | None = None,
                must_name: list[tuple[str, str]] = (), expect: list[tuple[str, str, str, object]] = ()) -> list[Lost]:
    """The cells of return ``path`` that are neither in the consolidation's frames nor in a finding.

    A non-empty cell (a value, an error, or a formula with or without a cached result) of a row in
    scope (:func:`rows_in_scope`) is *accounted for* when one of these holds:

    1. **named**: a finding has this file, this sheet and a ``cell`` that is the cell or a range
       holding it (or lists the cell in ``params["refs"]``, as ``legacy-encoding`` does); or a finding of :data:`ROW_LEVEL` names a cell of its row; or an
       ``unknown-column`` finding names the header cell of its column; or a finding of
       :data:`FILE_LEVEL` names the file (the whole file was not used, and said so);
    2. **in the frames**: a row of the consolidated ``plan`` or ``monitoring`` frame has
       ``file`` = this file, ``sheet``, ``row`` = the cell's and a ``cells`` provenance that maps a
       field to the cell's column, and that field's text as written (``budget_text``,
       ``from_text``, ``to_text``, else the field itself) carries the cell's value (equal text;
       numbers in the tool's notation; a date serial as its date);
    3. **carried**: a task or output row (whose consolidated values are the plan's) or an
       activity of the return that is not used: the consolidated row of the same code carries the
       cell's value in the field of its column (an unchanged locked cell), or, for a task or output
       budget, the cell holds a formula (a subtotal: recomputed) or the number the return's own
       activities add up to (checked, in agreement);
    4. **checked**: a cell of the ``Tổng cộng`` row holds a formula, or the number the return's
       tasks (or, when a task's subtotal has no value, its activities) add up to.

    Cells listed in ``must_name`` ((sheet, A1) pairs) must be named (rule 1) whatever the frames
    hold, empty or not: the mutation made them unreadable as they are (legacy encodings, a merge
    over them …). Each ``expect`` (sheet, A1, field, value) must be read: the frame row of that
    cell holds ``value`` in ``field``, or a finding names the cell.
    Rows that are not in the frames and not named are reported once, by their first cell.
    """
    from cchc_xlsx.normalise import _cells_map  # noqa: PLC2701  (the provenance's own parser)

    name = path.name
    mine = [f for f in result.findings if f.file == name]
    if any(f.code in FILE_LEVEL for f in mine):
        return []
    sheets = cells_of(path) if sheets is None else sheets
    named_cells: dict[str, list[str]] = {}
    named_rows: dict[str, set[int]] = {}
    named_cols: dict[str, set[int]] = {}
    for f in mine:
        if not f.cell:
            continue
        named_cells.setdefault(f.sheet, []).append(f.cell)
        named_cells[f.sheet].extend(f.params.get("refs", ()))      # a finding over many cells lists them all
        where = parse_ref(f.cell.split(":")[0])
        if where and f.code in ROW_LEVEL:
            named_rows.setdefault(f.sheet, set()).add(where[0])
        if where and f.code == "unknown-column":
            named_cols.setdefault(f.sheet, set()).add(where[1])

    def is_named(sheet: str, row: int, col: int) -> bool:
        return (row in named_rows.get(sheet, ()) or col in named_cols.get(sheet, ())
                or any(_range_holds(spec, row, col) for spec in named_cells.get(sheet, ())))

    frames = {}
    by_code = {}
    for table in ("plan", "monitoring"):
        for row in result.plan.rows(table):
            if row["file"] == name:
                frames[(row["sheet"], int(row["row"]))] = (table, row)
            by_code[(table, row["code"])] = row
    returned = {}
    for ret in result.extra.get("returns_read", []):
        if ret.name == name and ret.plan is not None:
            for table in ("plan", "monitoring"):
                for row in ret.plan.rows(table):
                    returned[(row["sheet"], int(row["row"]))] = (table, row)
            returned_rows = ret.plan.rows("plan")
            break
    else:
        returned_rows = []
    children: dict[str, float] = {}
    for row in returned_rows:
        if row["parent_code"] and row["budget"] == row["budget"]:
            children[row["parent_code"]] = children.get(row["parent_code"], 0.0) + row["budget"]

    tasks = [row for row in returned_rows if row["level"] == "task"]
    if tasks and all(row["budget"] == row["budget"] for row in tasks):
        rows_add_up_to = sum(row["budget"] for row in tasks)
    else:
        rows_add_up_to = sum(row["budget"] for row in returned_rows if row["level"] == "activity" and row["budget"] == row["budget"])
    lost: list[Lost] = []
    for scope in rows_in_scope(sheets):
        if scope.kind == "total":
            for col, stored in sorted(scope.cells.items()):
                if stored.kind == "f" or is_named(scope.sheet, scope.row, col) or (stored.kind == "s" and not shown(stored)):
                    continue
                if stored.kind == "n" and math.isclose(float(stored.value), rows_add_up_to, abs_tol=1e-6):
                    continue
                lost.append(Lost(scope.sheet, ref(scope.row, col), shown(stored) if stored.kind != "e" else str(stored.value),
                                 f"the Tổng cộng row: its rows add up to {rows_add_up_to:g}, in no finding"))
            continue
        in_frames = frames.get((scope.sheet, scope.row))
        as_read = returned.get((scope.sheet, scope.row))
        for col, stored in sorted(scope.cells.items()):
            if stored.kind == "s" and not shown(stored) and not stored.formula:
                continue
            if is_named(scope.sheet, scope.row, col):
                continue
            text = shown(stored) if stored.kind != "e" else str(stored.value)
            if (scope.sheet, ref(scope.row, col)) in must_name:
                lost.append(Lost(scope.sheet, ref(scope.row, col), text, "must be named by a finding"))
                continue
            if stored.kind == "e":
                lost.append(Lost(scope.sheet, ref(scope.row, col), text, "a formula error, in no finding"))
                continue
            if in_frames is not None:
                table, row = in_frames
                field_name = next((k for k, v in _cells_map(row["cells"]).items() if col_index(v) == col), None)
                if field_name is None:
                    lost.append(Lost(scope.sheet, ref(scope.row, col), text, "in no column of the table, in no finding"))
                elif not carries(stored, row, field_name):
                    got = row.get(_TEXT_OF.get(field_name, field_name), "")
                    lost.append(Lost(scope.sheet, ref(scope.row, col), text,
                                     f"the frames hold {field_name}={str(got)[:60]!r}, in no finding"))
                continue
            if as_read is not None:
                table, row = as_read
                field_name = next((k for k, v in _cells_map(row["cells"]).items() if col_index(v) == col), None)
                if field_name is None:
                    lost.append(Lost(scope.sheet, ref(scope.row, col), text, "in no column of the table, in no finding"))
                    continue
                if field_name == "budget" and row["level"] in ("task", "output"):
                    if stored.kind == "f" or (stored.kind == "n" and math.isclose(
                            float(stored.value), children.get(row["code"], 0.0), abs_tol=1e-6)):
                        continue
                consolidated = by_code.get((table, row["code"]))
                key = _TEXT_OF.get(field_name, field_name)
                if consolidated is not None and carries(stored, consolidated, field_name):
                    continue
                lost.append(Lost(scope.sheet, ref(scope.row, col), text,
                                 f"{row['level']} {row['code']} {field_name}: not in the frames "
                                 f"(they hold {str(consolidated.get(key, '') if consolidated else '')[:60]!r}), in no finding"))
                continue
            lost.append(Lost(scope.sheet, ref(scope.row, col), text, f"{scope.kind} row read into nothing, in no finding"))
            break                                  # one line per row lost whole
    for sheet, where in must_name:
        at = parse_ref(where)
        if at and not is_named(sheet, *at) and not any(x.sheet == sheet and x.cell == where for x in lost):
            lost.append(Lost(sheet, where, "", "must be named by a finding, and is not"))
    for sheet, where, field_name, value in expect:
        at = parse_ref(where)
        if at is None or is_named(sheet, *at):
            continue
        held = frames.get((sheet, at[0]))
        got = held[1].get(field_name) if held else None
        if not _equal(got, value):
            lost.append(Lost(sheet, where, "", f"{field_name} must read {value!r}; the frames hold {got!r}, in no finding"))
    return lost


def _equal(got, value) -> bool:
    if isinstance(value, float):
        try:
            return got is not None and math.isclose(float(got), value, rel_tol=1e-9)
        except (TypeError, ValueError):
            return False
    if isinstance(value, list):
        return got is not None and list(got) == value
    try:
        return got == value
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- running under limits
@dataclass
class Verdict:
    """What became of one file: ``outcome`` ok, lost, traceback, abort, timeout."""

    path: str
    outcome: str
    detail: str = ""
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        head = f"{Path(self.path).name}: {self.outcome} ({self.seconds:.1f} s)"
        lines = [head] + ([self.detail] if self.detail else []) + [f"  {x}" for x in self.lost[:12]]
        if len(self.lost) > 12:
            lines.append(f"  … and {len(self.lost) - 12} more")
        return "\n".join(lines)


def judge_one(path: Path, must_name: list[tuple[str, str]] = (), expect: list[tuple] = ()) -> Verdict:
    """Consolidate ``path`` alone with the bundled plan (in this process) and account for its cells."""
    from cchc_xlsx.consolidate import consolidate

    start = time.perf_counter()
    try:
        result = consolidate([path], workers=1)
        lost = unaccounted(path, result, must_name=must_name, expect=expect)
    except BaseException:            # noqa: BLE001  (the judge reports every failure as data)
        return Verdict(str(path), "traceback", traceback.format_exc(limit=-6), seconds=time.perf_counter() - start)
    return Verdict(str(path), "lost" if lost else "ok", lost=[str(x) for x in lost],
                   seconds=time.perf_counter() - start)


#: Each file is judged in a child with this much address space above what the child inherits from
#: pytest at the fork: an allocation of gigabytes (a far cell) fails there, not in pytest. (Counted
#: above the inherited size: after the whole suite the pytest process itself maps more than a fixed
#: cap would leave, and a sound reading then failed for want of room.)
MEMORY_LIMIT = 3 << 29
TIME_LIMIT = 30.0


def _child(conn, jobs: list[Callable[[], object]], limit: int) -> None:
    import faulthandler

    faulthandler.disable()           # pytest's: an expected abort here need not dump every thread
    os.environ["RUST_BACKTRACE"] = "0"
    inherited = _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (inherited + limit, inherited + limit))
    for i, job in enumerate(jobs):
        conn.send(("start", i))
        try:
            value = job()
        except BaseException:      # noqa: BLE001  (a failure is data for the parent)
            value = Limited("traceback", traceback.format_exc(limit=-8))
        conn.send(("done", i, value))
    conn.close()


def _address_space() -> int:
    """This process's mapped address space in bytes (Linux /proc; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class Limited:
    """A job that did not return: ``outcome`` traceback, abort or timeout."""

    outcome: str
    detail: str
    seconds: float = 0.0


def run_limited(jobs: list[Callable[[], object]], *, processes: int = 2, time_limit: float = TIME_LIMIT,
                memory_limit: int = MEMORY_LIMIT) -> list[object]:
    """Run each job in forked children under limits; what each returned (picklable), in order, or a
    :class:`Limited` for a job that raised, whose child died (a native abort, an allocation over
    ``memory_limit``: ``abort``) or that ran over ``time_limit`` (killed: ``timeout``). The rest of
    a dead child's jobs go to a new child."""
    context = multiprocessing.get_context("fork")
    results: dict[int, object] = {}
    shares = [list(range(len(jobs)))[i::processes] for i in range(processes)]

    def launch(share: list[int]):
        if not share:
            return None
        parent, child = context.Pipe(duplex=False)
        proc = context.Process(target=_child, args=(child, [jobs[i] for i in share], memory_limit))
        proc.start()
        child.close()
        return {"proc": proc, "conn": parent, "share": share, "current": None, "since": time.monotonic()}

    running = [w for w in (launch(s) for s in shares) if w]
    while running:
        for worker in list(running):
            conn, proc = worker["conn"], worker["proc"]
            failed = None
            try:
                if conn.poll(0.02):
                    message = conn.recv()
                    if message[0] == "start":
                        worker["current"], worker["since"] = message[1], time.monotonic()
                    else:
                        results[worker["share"][message[1]]] = message[2]
                        worker["current"] = None
                        if message[1] == len(worker["share"]) - 1:
                            proc.join(5)
                            conn.close()
                            running.remove(worker)
                    continue
            except (EOFError, OSError):
                failed = "abort"
            if failed is None and worker["current"] is not None and time.monotonic() - worker["since"] > time_limit:
                failed = "timeout"
                proc.kill()
            if failed is None and not proc.is_alive() and not conn.poll(0):
                failed = "abort"
            if failed is None:
                continue
            proc.join(5)
            conn.close()
            running.remove(worker)
            at = worker["current"]
            if at is None:
                at = next((k for k, i in enumerate(worker["share"]) if i not in results), 0)
            detail = {"abort": f"the child process died (exit code {proc.exitcode}): a native abort or an allocation "
                               f"over {memory_limit >> 20} MB",
                      "timeout": f"over {time_limit:.0f} s"}[failed]
            results[worker["share"][at]] = Limited(failed, detail, time.monotonic() - worker["since"])
            rest = launch(worker["share"][at + 1:])
            if rest:
                running.append(rest)
    return [results[i] for i in range(len(jobs))]


def _judged(job: Callable[[], tuple]) -> Verdict:
    try:
        path, must_name, expect = job()
    except BaseException:      # noqa: BLE001
        return Verdict("?", "traceback", "making the file: " + traceback.format_exc(limit=-4))
    return judge_one(Path(path), must_name, expect)


def judge_files(jobs: list[Callable[[], tuple]], *, processes: int = 2,
                time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> list[Verdict]:
    """Judge files in forked children under limits (:func:`run_limited`): one verdict per job.

    Each job is a callable run in the child that makes (or names) the file and returns ``(path,
    must_name, expect)`` (see :func:`unaccounted`): making the files in the children shares that
    work out too. A native abort, an allocation over ``memory_limit`` or a file over
    ``time_limit`` fails that file only.
    """
    from functools import partial

    out = []
    for i, value in enumerate(run_limited([partial(_judged, job) for job in jobs], processes=processes,
                                          time_limit=time_limit, memory_limit=memory_limit)):
        if isinstance(value, Limited):
            value = Verdict(f"job {i}", value.outcome, value.detail, seconds=value.seconds)
        out.append(value)
    return out


def every_command(path: Path, out: Path) -> str:
    """What ``read``, ``consolidate`` (with the workbook written) and ``check --feedback`` do with one
    file, through the library calls the command line makes: "" when none raised, else the traceback."""
    from cchc_xlsx.consolidate import check_files, consolidate
    from cchc_xlsx.feedback import write_feedback
    from cchc_xlsx.pipeline import read_plan
    from cchc_xlsx.workbook import FileProblem
    from cchc_xlsx.write import write_workbook

    out.mkdir(parents=True, exist_ok=True)
    try:
        try:
            read_plan(path)                        # `read FILE`: a file it cannot use is FileProblem (exit 2)
        except FileProblem:
            pass
        result = consolidate([path], workers=1)
        write_workbook(result, out / "tong-hop.xlsx")
        checked = check_files([path], workers=1)
        for ret in checked.extra["returns_read"]:
            write_feedback(ret.path, checked.findings, out / "gop-y")
    except BaseException:      # noqa: BLE001
        return traceback.format_exc(limit=-8)
    return ""


def judge_folder(folder: Path, workers: int = 2) -> dict[str, list[str]]:
    """Consolidate a whole folder (on ``workers`` processes) and account for each file in it."""
    from cchc_xlsx.consolidate import consolidate

    result = consolidate([folder], workers=workers)
    return {path.name: [str(x) for x in unaccounted(path, result)] for path in sorted(folder.iterdir())}
