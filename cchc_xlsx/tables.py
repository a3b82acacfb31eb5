"""Find the decision's tables in a sheet: header rows by their text, then each row's role.

Nothing here depends on fixed positions: a header is a row whose cells read like the decision's
column titles (merged over two rows or not, repeated at page breaks, in any column order, with
extra columns), and each following row is a task/output/activity, the total, the ``Trong đó``
split per agency, a title, a blank, or a row we cannot place (kept, and reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from typing import Callable

from .hierarchy import Mark, mark_in_content, parse_mark, place
from .notation import CANONICAL_LABELS, clean_text, fold, parse_label, parse_number, parse_unit, unit_in_text, NotANumber, Label, Unit
from .workbook import Book, Sheet

__all__ = ["RawRow", "RawTable", "find_tables", "header_field", "Titles", "title_lines",
           "titles_from_lines"]

#: The folded titles of the STT column.
_CODE_HEADERS = {"stt", "tt", "so tt", "so thu tu", "ma"}
# (field, test on the folded header text); the first that matches wins, so order matters.
_HEADER_TESTS: list[tuple[str, re.Pattern[str]]] = [
    ("code", re.compile("|".join(sorted(_CODE_HEADERS)))),
    ("content", re.compile(r"noi dung.*")),
    ("indicator", re.compile(r"chi so.*")),
    ("evidence", re.compile(r"tai lieu.*")),
    ("month_from", re.compile(r"tu thang.*|bat dau")),
    ("month_to", re.compile(r"den thang.*|ket thuc")),
    # one time column (Thời gian thực hiện: Quý II, Tháng 3-6 …); over Từ tháng / Đến tháng it is a group
    ("period", re.compile(r"thoi gian(?: thuc hien| hoan thanh| du kien| trien khai)?(?: .*)?")),
    # where the money comes from (ngân sách tỉnh, trung ương, lồng ghép …): not the budget
    ("funding_source", re.compile(r"nguon(?: kinh phi| von| ngan sach| tai chinh)?(?: .*)?")),
    ("budget", re.compile(r".*(ngan sach|kinh phi).*|du toan.*|thanh tien.*|so tien.*")),
    ("unit", re.compile(r"dvt|don vi tinh")),        # a unit column: its money units are read per row
    ("lead", re.compile(r".*chu tri.*|(?:co quan|don vi)(?: don vi| co quan)? thuc hien.*")),
    ("partners", re.compile(r".*phoi hop.*")),
    ("frequency", re.compile(r".*(tan suat|tuan suat).*")),
    ("collector", re.compile(r".*thu thap so lieu.*|nguoi thu thap.*")),
    ("reporter", re.compile(r"bao cao|nguoi bao cao.*")),
    ("note", re.compile(r"ghi chu.*")),
]
# Texts that only group sub-headers ("Thời gian" over Từ tháng / Đến tháng).
_GROUP_HEADERS = re.compile(r"trach nhiem.*")
# The spare rows of a template: "Đề xuất mới (1.1)".
_PROPOSAL = re.compile(r"de xuat moi(?: (\d+(?: \d+)*))?")
_PLAN_MARKERS = {"budget", "lead", "month_from", "month_to", "partners", "period", "funding_source"}
_MONITORING_MARKERS = {"frequency", "collector", "reporter"}
_TITLE_STARTS = ("phu luc", "ban hanh kem theo", "dvt", "don vi tinh", "ke hoach", "bang phan cong",
                 "quyet dinh", "ve viec", "uy ban nhan dan", "ubnd tinh")


def header_field(text: object) -> str | None:
    """The field a header cell names, or None."""
    return _field_named(clean_text(text))


@lru_cache(maxsize=4096)
def _field_named(text: str) -> str | None:
    """header_field of a clean text (a template's header and title texts come back in every return)."""
    folded = fold(text)
    for name, test in _HEADER_TESTS:
        if test.fullmatch(folded):
            return name
    return None


@dataclass(slots=True)
class RawRow:
    """A row of a table as written.

    ``role``: item, proposal (a filled spare row of a template; ``label`` holds its output's code),
    total, allocation, allocation_total, unknown. Slotted: a large plan makes one for each of its
    rows, so each is small and quick to make.
    """

    role: str
    row: int                       # zero-based row index in the sheet
    values: dict[str, object]      # field -> raw cell value
    label: Label | None = None
    text: str = ""                 # the row's text, for rows we cannot place
    mark: Mark | None = None       # its numbering mark (hierarchy.py); None: a named label (Hoạt động 1.2.3)
    depth: int = 0                 # its depth in the table's hierarchy (1 = top); 0: as long as its code


@dataclass
class RawTable:
    kind: str                      # "plan" or "monitoring"
    sheet: Sheet
    columns: dict[str, int]        # field -> zero-based column
    header_rows: list[int]
    extra_columns: dict[int, str] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)   # field -> its header text as written
    unit: Unit | None = None       # the money unit the table states (None: not stated)
    unit_source: str = ""          # where: "header" (the budget column's title) or "line" (ĐVT: above)
    unit_conflict: tuple[Unit, Unit] | None = None   # (header, line) when they disagree
    closed: bool = False           # its Tổng cộng row has been read: no more rows by marks alone
    # every item row is written as the decision writes labels (see _canonical_form): kept by
    # _tables_in_sheet as it reads the rows, so that place_rows need not walk them again; None: not known
    canonical: bool | None = None


def find_tables(book: Book) -> list[RawTable]:
    """Every plan and monitoring table in the book, in sheet order, hidden sheets too (hidden or very
    hidden, by hand or by a macro: read, and said by the normaliser). A template's metadata sheet
    holds no header row, so no table is found there."""
    tables: list[RawTable] = []
    for sheet in book.sheets:
        if sheet.state != "visible" and sheet.name in OWN_SHEETS:
            continue                  # a template's metadata and lists: no table, and read often
        tables.extend(_tables_in_sheet(sheet))
    for table in tables:
        place_rows(table)
    return tables


def place_rows(table: RawTable) -> None:
    """Give each item row of the table its level, code and depth from the order of its marks
    (hierarchy.place): ``I / 1 / a / -``, ``1, 2, 3``, the Đắk Lắk form's named labels alike."""
    if table.canonical:
        return                        # what _canonical_form says of its items, known as they were read
    items = [row for row in table.rows if row.role == "item"]
    if table.canonical is None and _canonical_form(items):
        return
    marks = []
    for row in items:
        if row.mark is None:
            text = clean_text(row.values.get("code"))
            row.mark = parse_mark(text) or _mark_of_label(row.label, text)
        marks.append((row.mark, row.label))
    money = [clean_text(row.values.get("budget")) != "" for row in items] if "budget" in table.columns else None
    for row, (level, depth, code) in zip(items, place(marks, money)):
        label = row.label
        if label is None or label.level != level or label.code != code:
            row.label = Label(level, code)
        row.depth = depth


_CANONICAL_SCHEMES = {"Hoạt động ": "word:hoat dong", "Kết quả đầu ra ": "word:ket qua dau ra",
                      "NHIỆM VỤ ": "word:nhiem vu"}


def _canonical_form(items: list[RawRow]) -> bool:
    """A table written entirely as the decision and the templates write it (``Hoạt động 1.2.3``):
    its rows are the labels' own (parse_label), each as deep as its code is long (``depth`` left 0,
    ``mark`` None: normalise reads them so). Checked first and cheaply, since a large plan has a row
    of its own text for every activity."""
    return all(map(_written_canonically, items))


def _written_canonically(row: RawRow) -> bool:
    """Whether an item row is written as the decision writes labels (see _canonical_form)."""
    label, text = row.label, row.values.get("code")
    if label is None or row.mark is not None or type(text) is not str:
        return False
    code = label.code
    return text.endswith(code) and text[:-len(code)] in _CANONICAL_SCHEMES


def _mark_of_label(label: Label, text: str) -> Mark:
    """A bare code parse_label reads but no mark pattern does (``1,1``)."""
    parts = tuple(int(p) for p in label.code.split("."))
    return Mark("dotted" if len(parts) > 1 else "arabic", parts, parts[-1], text)


#: The very hidden sheets of our templates (templates.META_SHEET, templates.LISTS_SHEET): never a table.
OWN_SHEETS = ("_cchc_meta", "_danh_muc")


def _could_be_header(row: list[object]) -> bool:
    """Cheap test first: a header row has a short STT-like cell (most rows do not)."""
    for v in row:
        if isinstance(v, str) and 0 < len(v) <= 12 and fold(v) in _CODE_HEADERS:
            return True
    return False


def _header_at(sheet: Sheet, r: int) -> tuple[dict[str, int], dict[int, str], int, dict[str, str]] | None:
    """If row r starts a header: (field -> column, extra columns, number of header rows, field -> title)."""
    row = sheet.rows[r]
    if not _could_be_header(row):
        return None
    top: dict[int, str] = {}
    groups: set[int] = set()
    extra: dict[int, str] = {}
    texts: dict[int, str] = {}
    unit_only: int | None = None
    for c, value in enumerate(row):
        text = clean_text(value)
        if not text:
            continue
        texts[c] = text
        name = header_field(text)
        if name:
            top[c] = name
        elif _GROUP_HEADERS.fullmatch(fold(text)):
            groups.add(c)
        elif unit_only is None and parse_unit(text) is not None:
            unit_only = c               # a budget column titled by its unit alone ("Triệu VND")
        else:
            extra[c] = text
    if unit_only is not None:
        if "budget" in top.values():
            extra[unit_only] = texts[unit_only]
        else:
            top[unit_only] = "budget"
    names = set(top.values())
    if "code" not in names or "content" not in names or len(names) < 3:
        return None
    depth = 1
    sub_units: dict[int, str] = {}
    if r + 1 < len(sheet.rows):
        sub, sub_units, parts = _sub_header(sheet.rows[r + 1], top, texts)
        if sub is not None and parse_label(sheet.value(r + 1, _first(top, "code"))) is None:
            depth = 2
            whole = "budget" in sub.values()
            for i, (c, part) in enumerate(sorted(parts.items()), start=1):
                top.pop(c, None)
                if whole:                       # a share of the budget (NS tỉnh …) beside its total: not read
                    extra[c] = part
                else:                           # shares without a total: the budget is their sum
                    top[c], texts[c] = f"budget_part_{i}", part
            for c, name in sub.items():
                top[c] = name  # the sub-header names the column; its group header does not
                texts[c] = clean_text(sheet.rows[r + 1][c])
                extra.pop(c, None)
            if {"month_from", "month_to"} & set(sub.values()):
                # "Thời gian" over Từ tháng / Đến tháng groups them: it is not a column of its own
                top = {c: name for c, name in top.items() if name != "period" or c in sub}
    if r + depth < len(sheet.rows) and _column_numbers(sheet.rows[r + depth]):
        depth += 1                      # the row numbering the columns, (1) (2) (3) …, is part of the header
    columns: dict[str, int] = {}
    for c, name in sorted(top.items()):
        columns.setdefault(name, c)
    headers = {name: texts.get(c, "") for name, c in columns.items()}
    budget_col = columns.get("budget")
    if budget_col is not None and budget_col in sub_units:      # "(triệu đồng)" under the budget's title
        headers["budget"] = f"{headers['budget']} ({sub_units[budget_col]})"
    return columns, extra, depth, headers


def _column_numbers(row: list[object]) -> bool:
    """A row that numbers the columns under a header: ``1 2 3 4 …`` or ``(1) (2) (3) …`` (three or more)."""
    numbers = []
    for value in row:
        text = clean_text(value).strip("()[] .")
        if not text:
            continue
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1


def _sub_header(row: list[object], top: dict[int, str], texts: dict[int, str]
                ) -> tuple[dict[int, str] | None, dict[int, str], dict[int, str]]:
    """The row under a header, when it is a second header row: (column -> field, column -> unit
    text, column -> share of the budget).

    Its cells are column titles (Từ tháng, Đến tháng …), money units (``(triệu đồng)`` under the
    budget), or, under a budget title spanning several columns, its total (``Tổng số``: the budget)
    and its shares (``NS tỉnh``, ``NS huyện``: named ``Kinh phí: NS tỉnh``; not read beside a total,
    summed into the budget without one); otherwise (None, {}, {}).
    """
    fields: dict[int, str] = {}
    units: dict[int, str] = {}
    parts: dict[int, str] = {}
    for c, value in enumerate(row):
        text = clean_text(value)
        if not text:
            continue
        owner = max((k for k in texts if k <= c), default=None)
        if owner is not None and top.get(owner) == "budget" and parse_unit(text) is None and not _is_number(text):
            if fold(text) in _TOTAL_WORDS:
                fields[c] = "budget"
            else:
                parts[c] = f"{texts[owner]}: {text}"
            continue
        name = header_field(text)
        if name:
            fields[c] = name
        elif parse_unit(text) is not None:
            units[c] = text
        else:
            return None, {}, {}
    return (fields, units, parts) if fields or units or parts else (None, {}, {})


_TOTAL_WORDS = {"tong", "tong so", "tong cong", "cong", "tong kinh phi", "tong du toan", "tong ngan sach"}


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NotANumber:
        return False


def _table_unit(sheet: Sheet, r: int, headers: dict[str, str], start: int) -> tuple[Unit | None, str, tuple | None]:
    """The money unit of a table whose header is at row r: (unit, where it is stated, conflict).

    From the budget column's title (``Ngân sách (đồng)``, ``Kinh phí (nghìn đồng)``, ``Triệu VND``),
    else from a line above the header, from row ``start`` on (``ĐVT: triệu đồng``, ``Đơn vị tính:
    1.000 đồng``): where Vietnamese documents state it. ``conflict`` is (header unit, line unit) when
    both are stated and differ; the header's is used.
    """
    title = headers.get("budget", headers.get("budget_part_1"))
    header = unit_in_text(title) if title else None
    line = None
    for above in range(max(start, r - 8), r):
        for value in sheet.rows[above]:
            if type(value) is str and value and _UNIT_LINE.search(fold(value)):
                line = unit_in_text(value) or line
    if header is not None:
        conflict = (header, line) if line is not None and line.exponent != header.exponent else None
        return header, "header", conflict
    if line is not None:
        return line, "line", None
    return None, "", None


_UNIT_LINE = re.compile(r"\b(?:dvt|don vi tinh|don vi)\b")


def _first(top: dict[int, str], name: str) -> int:
    return next(c for c, n in top.items() if n == name)


def _tables_in_sheet(sheet: Sheet) -> list[RawTable]:
    tables: list[RawTable] = []
    table: RawTable | None = None
    in_allocation = False
    r = 0
    rows = sheet.rows
    width = max(map(len, rows), default=0)
    code_col, last_col, read = 0, width, None                    # of the current table, set at its header
    table_end = 0                                                # the first row after the last table
    while r < len(rows):
        if table is not None and not in_allocation and width > last_col:
            r = _labelled_rows(rows, r, table, code_col, read, width)
            if r == len(rows):
                break
        header = _header_at(sheet, r)
        if header:
            columns, extra, depth, headers = header
            kind = _kind(columns)
            if table is not None and table.kind == kind and table.columns == columns:
                table.header_rows.extend(range(r, r + depth))  # repeated at a page break
            else:
                if table is not None:
                    table_end = (table.rows[-1].row if table.rows else table.header_rows[-1]) + 1
                table = RawTable(kind, sheet, columns, list(range(r, r + depth)), extra, headers=headers,
                                 canonical=True)
                table.unit, table.unit_source, table.unit_conflict = _table_unit(sheet, r, headers, table_end)
                tables.append(table)
                in_allocation = False
                code_col, last_col = columns["code"], max(columns.values())
                read = _row_reader(tuple(columns.items()))
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
                    if row.role == "item" and table.canonical:
                        table.canonical = _written_canonically(row)
        r += 1
    return tables


def _labelled_rows(rows: list[list[object]], r: int, table: RawTable, code_col: int,
                   read: tuple[tuple[str, ...], Callable[[list[object]], tuple] | None], width: int) -> int:
    """Read the rows from r on whose code cell parse_label reads (most rows of a table: its tasks,
    outputs and activities; such a row is never a header) as items of the table; the first row
    that is not one. What _classify gives them, taken quickly: calamine's grids are rectangular,
    so a row as wide as the sheet has every column of the table (``read``: see _row_reader).

    ``table.canonical`` is kept as the rows are read: a cell found in parse_label's memo of labels
    written as the decision writes them (CANONICAL_LABELS, looked up first, as parse_label does) is
    one, with that label; any other row is looked at (_written_canonically)."""
    end = len(rows)
    out = table.rows
    append = out.append
    known = CANONICAL_LABELS.get
    canonical = table.canonical
    names, cells = read
    while r < end:
        raw = rows[r]
        if len(raw) != width:
            break
        code = raw[code_col]
        label = known(code) if type(code) is str else None
        parsed = label is None
        if parsed:
            label = parse_label(code)
            if label is None:
                break
        append(RawRow("item", r, dict(zip(names, raw if cells is None else cells(raw))), label))
        if parsed and canonical and not (type(code) is str and known(code) is label):   # in the memo now
            canonical = _written_canonically(out[-1])                                   # if canonical
        r += 1
    table.canonical = canonical
    return r


def _row_reader(columns: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], Callable[[list[object]], tuple] | None]:
    """How _labelled_rows gives a row's values, field -> raw cell, for these (field, column) pairs, in
    their order, for a row that has every column: (the fields' names, an ``itemgetter`` of their
    cells; None when they are the row's first cells in order, as in the decision's and our
    templates' tables: zipped with the row as it is). A header names three columns at least (see
    _header_at), so an itemgetter gives a tuple."""
    names = tuple(name for name, _ in columns)
    cols = tuple(c for _, c in columns)
    return names, (None if cols == tuple(range(len(cols))) else itemgetter(*cols))


def _kind(columns: dict[str, int]) -> str:
    names = set(columns)
    if names & _PLAN_MARKERS:
        return "plan"
    if names & _MONITORING_MARKERS:
        return "monitoring"
    return "plan"


def _classify(sheet: Sheet, r: int, table: RawTable, in_allocation: bool) -> RawRow | None:
    """The row's role (a RawRow), or None for a blank row or a template's spare row left empty. Its
    values (field -> cell) are made only for a row that keeps them: a template's spare rows are
    most of the rows a return's tables have besides its items."""
    raw = sheet.rows[r]
    columns = table.columns
    code_col = columns["code"]                   # a header names the STT column (_header_at)
    code = raw[code_col] if code_col < len(raw) else None
    label = parse_label(code)
    if label is not None and not in_allocation:
        return RawRow("item", r, _values(raw, columns), label)
    texts = list(map(clean_text, raw))
    filled = len(texts) - texts.count("")        # clean_text gives texts: "" is a blank cell
    if not filled:
        return None
    first = next(t for t in texts if t)
    proposal = _PROPOSAL.fullmatch(fold(clean_text(code)))
    if proposal and not in_allocation:
        prefilled = {code_col, columns.get("lead")}   # the template fills these
        if filled == sum(1 for c in prefilled if c is not None and c < len(texts) and texts[c]):
            return None  # a spare row left empty: no cell filled but those
        parent = (proposal.group(1) or "").replace(" ", ".")
        return RawRow("proposal", r, _values(raw, columns), Label("activity", parent), text=first)
    folded = fold(first)
    if folded.startswith("trong do"):
        return RawRow("start_allocation", r, {})
    if folded.startswith("tong cong") or folded == "tong":
        if in_allocation:
            return RawRow("allocation_total", r, {"amount": _last_number(raw)[0]}, text=first)
        table.closed = True
        return RawRow("total", r, _values(raw, columns), text=first)
    if folded.startswith(_TITLE_STARTS):
        return RawRow("title", r, {}, text=first)
    values = _values(raw, columns)
    if not in_allocation and not table.closed:
        item = _marked_row(r, values)
        if item is not None:
            return item
    if in_allocation:
        amount, col = _last_number(raw)
        name = next((t for t in texts[:col] if t and fold(t)), "") if col is not None else ""
        if amount is not None and name:
            agency_text = re.sub(r"^\s*\d+\s*[.)]\s*", "", name).strip(" :")
            name_col = texts.index(name)
            return RawRow("allocation", r, {"agency": agency_text, "amount": amount, "agency_col": name_col,
                                            "amount_col": col}, text=" ".join(t for t in texts if t))
    return RawRow("unknown", r, values, text=" | ".join(t for t in texts if t))


def _values(raw: list[object], columns: dict[str, int]) -> dict[str, object]:
    """A row's values: field -> its cell (None where the row is shorter)."""
    return {name: (raw[c] if c < len(raw) else None) for name, c in columns.items()}


def _marked_row(r: int, values: dict[str, object]) -> RawRow | None:
    """A row numbered by a mark the Đắk Lắk form does not use (``I.``, ``a)``, ``-``), in the STT
    cell or, when that is blank, at the start of the content (then taken off the content)."""
    code = clean_text(values.get("code"))
    if code:
        mark = parse_mark(code)
        return RawRow("item", r, values, mark=mark) if mark is not None else None
    found = mark_in_content(clean_text(values.get("content")))
    if found is None:
        return None
    mark, rest = found
    return RawRow("item", r, values | {"content": rest}, mark=mark)


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
    district: str = ""             # "huyện Krông Pắc" when the plan is a district's
    decision: str = ""
    decision_date: str = ""


def title_lines(book: Book) -> list[str]:
    """The text of the first rows of every sheet, header rows (an STT cell first) left out."""
    lines = []
    for sheet in book.sheets:
        for raw in sheet.rows[:12]:
            text = " ".join(filter(None, map(clean_text, raw)))
            if text and header_field(raw[0]) != "code":
                lines.append(text)
    return lines


def titles_from_lines(lines: list[str]) -> Titles:
    """What title lines say: year, province (and district), decision number and date.

    Read in any case (``ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG``, ``UBND huyện Krông Pắc``) and from
    ``(Kèm theo Quyết định số 123/QĐ-UBND ngày 15/01/2019 của …)``. A name written in capitals is
    given in the usual case (``Lâm Đồng``).
    """
    return replace(_titles_of(tuple(lines)), lines=list(lines))


@lru_cache(maxsize=64)
def _titles_of(lines: tuple[str, ...]) -> Titles:
    """titles_from_lines, kept for the last lines read: a file's part and the file as a whole (a
    return is one part) read the same lines. Not to be changed: callers get a copy."""
    titles = Titles(lines=list(lines))
    joined = "\n".join(titles.lines)
    year = re.search(r"(?i)(?:kế hoạch|phụ lục|cchc|ngân sách|dự toán|kinh phí|cải cách hành chính)[^\n]*?\bnăm\s+(\d{4})",
                     joined)
    titles.year = int(year.group(1)) if year else None
    titles.province, titles.district = _place(titles.lines)
    decision = _DECISION.search(joined)
    titles.decision = decision.group(1).replace(" ", "") if decision else ""
    # the decision's own date first (right after its number), else any date in words
    after = joined[decision.end():decision.end() + 60] if decision else ""
    date = _DATE.match(after) or _DATE_IN_WORDS.search(joined)
    titles.decision_date = f"{int(date.group(1)):02d}/{int(date.group(2)):02d}/{date.group(3)}" if date else ""
    return titles


_DECISION = re.compile(r"(?i)(?:quyết định|qđ)\s+số\s*:?\s*(\d+\s*/\s*[^\s,;()]+)")
_DATE = re.compile(r"(?i)\s*,?\s*ngày\s+(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(\d{4})")
_DATE_IN_WORDS = re.compile(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
#: The place words of an administrative title, folded: province level, then district level.
_PROVINCE_WORDS = ("tinh",)
_DISTRICT_WORDS = ("huyen", "thi xa", "quan", "thanh pho")
#: The five cities that are provinces: "thành phố Hà Nội" is a province, "thành phố Buôn Ma Thuột" a district.
_CITY_PROVINCES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho"}
_PLACE = re.compile(r"(?i)\b(tỉnh|huyện|thị xã|quận|thành phố|tp\.?)\s+")
#: Words that end a place name written in capitals (``TỈNH LÂM ĐỒNG NĂM 2019``).
_NAME_ENDS = {"nam", "ve", "giai", "doan", "ban", "hanh", "kem", "theo", "quyet", "dinh", "so", "ngay", "thang",
              "cua", "ke", "hoach", "thuc", "hien", "den", "tu", "dot", "va", "cong", "hoa", "xa", "hoi", "chu",
              "nghia", "viet"}


def _place(lines: list[str]) -> tuple[str, str]:
    """(province, district such as ``huyện Krông Pắc``) named in the title lines, first mention first."""
    province = district = ""
    for line in lines:
        for is_province, name in _places_in_line(line):
            if is_province:
                province = province or name
            elif not district:
                district = name
        if province and district:
            break
    return province, district


@lru_cache(maxsize=4096)
def _places_in_line(line: str) -> tuple[tuple[bool, str], ...]:
    """The places a line names, in order: (True, province) or (False, district such as ``huyện
    Krông Pắc``). Kept per line: a template's title lines come back in every return."""
    places = []
    for match in _PLACE.finditer(line):
        kind = fold(match.group(1)).replace("tp", "thanh pho")
        name = _place_name(line[match.end():match.end() + 80])
        if not name:
            continue
        if kind in _PROVINCE_WORDS or (kind == "thanh pho" and fold(name) in _CITY_PROVINCES):
            places.append((True, name))
        else:
            places.append((False, f"{match.group(1).lower().replace('tp.', 'thành phố').replace('tp', 'thành phố')} {name}"))
    return tuple(places)


def _place_name(text: str) -> str:
    """The name at the start of ``text``: its capitalised words (``Đắk Lắk``, ``Bà Rịa - Vũng Tàu``), or,
    in a line of capitals, its words up to one that is not part of a name (``LÂM ĐỒNG NĂM 2019``)."""
    words = []
    for word in re.split(r"\s+", text.strip()):
        bare = word.strip(",.;:()\"“”")
        if bare == "-" and words:
            words.append("-")
            continue
        if not bare or not bare[0].isupper() or bare[0].isdigit() or fold(bare) in _NAME_ENDS and bare.isupper():
            break
        words.append(bare)
        if bare != word.rstrip(")\"”") or len(words) - words.count("-") == 4:   # punctuation ends the name
            break
    while words and words[-1] == "-":
        words.pop()
    name = " ".join(words)
    if name.isupper():                 # LÂM ĐỒNG -> Lâm Đồng; CƯ M'GAR -> Cư M'gar
        name = " ".join(w if w == "-" else w[0] + w[1:].lower() for w in name.split())
    return name
