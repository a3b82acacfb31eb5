"""Find the decision's tables in a sheet: header rows by their text, then each row's role.

Nothing here depends on fixed positions: a header is a row whose cells read like the decision's
column titles (merged over two rows or not, repeated at page breaks, in any column order, with
extra columns), and each following row is a task/output/activity, the total, the ``Trong đó``
split per agency, a title, a blank, or a row we cannot place (kept, and reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter

from .notation import clean_text, fold, parse_label, parse_number, NotANumber, Label
from .workbook import Book, Sheet

__all__ = ["RawRow", "RawTable", "find_tables", "header_field", "Titles", "title_lines",
           "titles_from_lines"]

# (field, test on the folded header text); the first that matches wins, so order matters.
_HEADER_TESTS: list[tuple[str, re.Pattern[str]]] = [
    ("code", re.compile(r"stt|tt|so tt|so thu tu|ma")),
    ("content", re.compile(r"noi dung.*")),
    ("indicator", re.compile(r"chi so.*")),
    ("evidence", re.compile(r"tai lieu.*")),
    ("month_from", re.compile(r"tu thang.*|bat dau")),
    ("month_to", re.compile(r"den thang.*|ket thuc")),
    ("budget", re.compile(r".*(ngan sach|kinh phi).*")),
    ("lead", re.compile(r".*chu tri.*")),
    ("partners", re.compile(r".*phoi hop.*")),
    ("frequency", re.compile(r".*(tan suat|tuan suat).*")),
    ("collector", re.compile(r".*thu thap so lieu.*|nguoi thu thap.*")),
    ("reporter", re.compile(r"bao cao|nguoi bao cao.*")),
]
# Texts that only group sub-headers ("Thời gian" over Từ tháng / Đến tháng).
_GROUP_HEADERS = re.compile(r"thoi gian.*|trach nhiem.*|thoi gian thuc hien.*")
# The spare rows of a template: "Đề xuất mới (1.1)".
_PROPOSAL = re.compile(r"de xuat moi (\d+ \d+)")
_PLAN_MARKERS = {"budget", "lead", "month_from", "month_to", "partners"}
_MONITORING_MARKERS = {"frequency", "collector", "reporter"}
_TITLE_STARTS = ("phu luc", "ban hanh kem theo", "dvt", "don vi tinh", "ke hoach", "bang phan cong",
                 "quyet dinh", "ve viec", "uy ban nhan dan", "ubnd tinh")


def header_field(text: object) -> str | None:
    """The field a header cell names, or None."""
    folded = fold(clean_text(text))
    for name, test in _HEADER_TESTS:
        if test.fullmatch(folded):
            return name
    return None


@dataclass
class RawRow:
    """A row of a table as written.

    ``role``: item, proposal (a filled spare row of a template; ``label`` holds its output's code),
    total, allocation, allocation_total, unknown.
    """

    role: str
    row: int                       # zero-based row index in the sheet
    values: dict[str, object]      # field -> raw cell value
    label: Label | None = None
    text: str = ""                 # the row's text, for rows we cannot place


@dataclass
class RawTable:
    kind: str                      # "plan" or "monitoring"
    sheet: Sheet
    columns: dict[str, int]        # field -> zero-based column
    header_rows: list[int]
    extra_columns: dict[int, str] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)


def find_tables(book: Book) -> list[RawTable]:
    """Every plan and monitoring table in the book, in sheet order: visible sheets and sheets a user
    hid (read, and said by the normaliser), not very hidden ones (a template's metadata)."""
    tables: list[RawTable] = []
    for sheet in book.sheets:
        if sheet.visible or sheet.state == "hidden":
            tables.extend(_tables_in_sheet(sheet))
    return tables


_CODE_HEADERS = {"stt", "tt", "so tt", "so thu tu", "ma"}


def _could_be_header(row: list[object]) -> bool:
    """Cheap test first: a header row has a short STT-like cell (most rows do not)."""
    return any(isinstance(v, str) and len(v) <= 12 and fold(v) in _CODE_HEADERS for v in row)


def _header_at(sheet: Sheet, r: int) -> tuple[dict[str, int], dict[int, str], int] | None:
    """If row r starts a header: (field -> column, extra columns, number of header rows)."""
    row = sheet.rows[r]
    if not _could_be_header(row):
        return None
    top: dict[int, str] = {}
    groups: set[int] = set()
    extra: dict[int, str] = {}
    for c, value in enumerate(row):
        text = clean_text(value)
        if not text:
            continue
        name = header_field(text)
        if name:
            top[c] = name
        elif _GROUP_HEADERS.fullmatch(fold(text)):
            groups.add(c)
        else:
            extra[c] = text
    names = set(top.values())
    if "code" not in names or "content" not in names or len(names) < 3:
        return None
    depth = 1
    if r + 1 < len(sheet.rows):
        sub = {c: header_field(v) for c, v in enumerate(sheet.rows[r + 1]) if clean_text(v)}
        if sub and all(sub.values()) and parse_label(sheet.value(r + 1, _first(top, "code"))) is None:
            depth = 2
            for c, name in sub.items():
                top[c] = name  # the sub-header names the column; its group header does not
                extra.pop(c, None)
    columns: dict[str, int] = {}
    for c, name in sorted(top.items()):
        columns.setdefault(name, c)
    return columns, extra, depth


def _first(top: dict[int, str], name: str) -> int:
    return next(c for c, n in top.items() if n == name)


def _tables_in_sheet(sheet: Sheet) -> list[RawTable]:
    tables: list[RawTable] = []
    table: RawTable | None = None
    in_allocation = False
    r = 0
    rows = sheet.rows
    width = max(map(len, rows), default=0)
    names, code_col, last_col, getter = (), 0, width, None      # of the current table, set at its header
    while r < len(rows):
        if table is not None and not in_allocation:
            # most rows are tasks, outputs and activities: a labelled code cell is never a header
            raw = rows[r]
            if len(raw) == width and width > last_col:    # calamine's grids are rectangular
                label = parse_label(raw[code_col])
                if label is not None:
                    table.rows.append(RawRow("item", r, dict(zip(names, getter(raw))), label))
                    r += 1
                    continue
        header = _header_at(sheet, r)
        if header:
            columns, extra, depth = header
            kind = _kind(columns)
            if table is not None and table.kind == kind and table.columns == columns:
                table.header_rows.extend(range(r, r + depth))  # repeated at a page break
            else:
                table = RawTable(kind, sheet, columns, list(range(r, r + depth)), extra)
                tables.append(table)
                in_allocation = False
                names, code_col, last_col = tuple(columns), columns["code"], max(columns.values())
                getter = itemgetter(*columns.values())
            r += depth
            continue
        if table is not None:
            row = _classify(sheet, r, table, in_allocation)
            if row is not None:
                if row.role == "start_allocation":
                    in_allocation = True
                elif row.role == "title":
                    pass
                else:
                    table.rows.append(row)
        r += 1
    return tables


def _kind(columns: dict[str, int]) -> str:
    names = set(columns)
    if names & _PLAN_MARKERS:
        return "plan"
    if names & _MONITORING_MARKERS:
        return "monitoring"
    return "plan"


def _classify(sheet: Sheet, r: int, table: RawTable, in_allocation: bool) -> RawRow | None:
    raw = sheet.rows[r]
    values = {name: (raw[c] if c < len(raw) else None) for name, c in table.columns.items()}
    label = parse_label(values.get("code"))
    if label is not None and not in_allocation:
        return RawRow("item", r, values, label)
    texts = [clean_text(v) for v in raw]
    if not any(texts):
        return None
    first = next(t for t in texts if t)
    folded = fold(first)
    proposal = _PROPOSAL.fullmatch(fold(clean_text(values.get("code"))))
    if proposal and not in_allocation:
        prefilled = {table.columns.get("code"), table.columns.get("lead")}   # the template fills these
        if not any(t for c, t in enumerate(texts) if c not in prefilled):
            return None  # a spare row left empty
        parent = proposal.group(1).replace(" ", ".")
        return RawRow("proposal", r, values, Label("activity", parent), text=first)
    if folded.startswith("trong do"):
        return RawRow("start_allocation", r, {})
    if folded.startswith("tong cong") or folded == "tong":
        if in_allocation:
            return RawRow("allocation_total", r, {"amount": _last_number(raw)[0]}, text=first)
        return RawRow("total", r, values, text=first)
    if folded.startswith(_TITLE_STARTS):
        return RawRow("title", r, {}, text=first)
    if in_allocation:
        amount, col = _last_number(raw)
        name = next((t for t in texts[:col] if t and fold(t)), "") if col is not None else ""
        if amount is not None and name:
            agency_text = re.sub(r"^\s*\d+\s*[.)]\s*", "", name).strip(" :")
            name_col = texts.index(name)
            return RawRow("allocation", r, {"agency": agency_text, "amount": amount, "agency_col": name_col,
                                            "amount_col": col}, text=" ".join(t for t in texts if t))
    return RawRow("unknown", r, values, text=" | ".join(t for t in texts if t))


def _last_number(raw: list[object]) -> tuple[object, int | None]:
    """The right-most cell that reads as a number: (raw value, column)."""
    for c in range(len(raw) - 1, -1, -1):
        value = raw[c]
        text = clean_text(value)
        if not text:
            continue
        try:
            if parse_number(value) is not None:
                return value, c
        except NotANumber:
            continue
    return None, None


# --------------------------------------------------------------------------- titles
@dataclass
class Titles:
    """What the title lines above the tables say about the plan."""

    lines: list[str] = field(default_factory=list)
    year: int | None = None
    province: str = ""
    decision: str = ""
    decision_date: str = ""


def title_lines(book: Book) -> list[str]:
    """The text of the first rows of every sheet, header rows left out."""
    lines = []
    for sheet in book.sheets:
        for raw in sheet.rows[:12]:
            text = " ".join(clean_text(v) for v in raw if clean_text(v))
            if text and header_field(raw[0] if raw else None) != "code":
                lines.append(text)
    return lines


def titles_from_lines(lines: list[str]) -> Titles:
    """What title lines say: year, province, decision number and date."""
    titles = Titles(lines=list(lines))
    joined = "\n".join(titles.lines)
    year = re.search(r"(?i)(?:kế hoạch|phụ lục|cchc|ngân sách)[^\n]*?\bnăm\s+(\d{4})", joined)
    titles.year = int(year.group(1)) if year else None
    province = re.search(r"tỉnh\s+([A-ZĐÂĂÊÔƠƯ][^\s,.;()]*(?:\s+[A-ZĐÂĂÊÔƠƯ][^\s,.;()]*)*)", joined)
    titles.province = province.group(1) if province else ""
    decision = re.search(r"Quyết định số\s*([0-9]+\s*/\s*[^\s,;()]+)", joined)
    titles.decision = decision.group(1).replace(" ", "") if decision else ""
    date = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", joined)
    titles.decision_date = f"{int(date.group(1)):02d}/{int(date.group(2)):02d}/{date.group(3)}" if date else ""
    return titles
