"""Read stage, before the grid reader: what a sheet really holds, from its XML streamed out of the zip.

python-calamine builds the whole rectangle from A1 to the last used cell before Python sees a value
(``../shared/READERS.md``): one value in XFD1048576 asks for ~512 GiB and aborts the process
natively, ``ZZ100000`` costs ~3 GB. openpyxl iterates ``max_row × max_column`` the same way. So
each sheet's XML is scanned first, with a few C-speed regular expressions (no per-cell Python on
an ordinary sheet), for:

- its extent, from the real cell references (the ``<dimension>`` element is not trusted): when the
  rectangle is far larger than the cells it holds, the cells outside the dense part ("far cells")
  are taken out of a copy of the file (kept in memory, the input is never written) and reported;
- its error cells (``t="e"``: ``#REF!``, ``#DIV/0!`` …, cached or the result of a formula), which
  calamine returns as ``''``: their text is put back in the grid, as openpyxl gives it;
- its hidden rows (``<row hidden="1">``, by hand or by a filter), which are read and said.

The same holds for .ods (``content.xml``, rows and columns repeated). ``.xls`` (BIFF) is bounded
by its format (65 536 rows × 256 columns) and not scanned.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field

__all__ = ["SheetScan", "scan_xlsx", "scan_ods", "FAR_CELLS_SHOWN", "DENSE_CELLS"]

#: A sheet is read whole when its rectangle (rows × columns) holds at most this many cells, or at
#: most CELLS_PER_VALUE times the cells it really has: ~40 bytes a cell in calamine, ~160 MB.
DENSE_CELLS = 4_000_000
CELLS_PER_VALUE = 4
#: A run of empty rows (columns) this long ends the dense part of a sheet that is too large.
ROW_GAP, COL_GAP = 1_000, 100
#: Far cells reported one by one per sheet; the others are counted in the last finding.
FAR_CELLS_SHOWN = 20
ERROR_TEXTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                         "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


@dataclass
class SheetScan:
    """What the scan of one sheet found. Positions are zero-based (row, col)."""

    name: str
    member: str = ""
    rows: int = 0                      # the dense part read into the grid: rows × cols
    cols: int = 0
    far: list[tuple[int, int, str]] = field(default_factory=list)     # cells left out, with their text
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # error cells -> '#REF!' …
    hidden_rows: list[int] = field(default_factory=list)
    far_spans: list[tuple[int, int]] = field(default_factory=list, repr=False)   # byte spans to take out


# --------------------------------------------------------------------------- .xlsx / .xlsm
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
_WIDE_COL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2,3})[0-9]')
_FAR_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]{6,})"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*?)(?:/>|>(.*?)</c>)', re.S)
_HIDDEN_ROW = re.compile(rb'<row\b([^>]*?\bhidden="(?:1|true)"[^>]*)>')
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ROW_ATTR = re.compile(rb'\br="([0-9]+)"')
_CELL_ELEMENT = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_V = re.compile(rb"<v>(.*?)</v>", re.S)
_T = re.compile(rb"<t\b[^>]*>(.*?)</t>", re.S)
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"')
_SHEET_RID_FIRST = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb'<Relationship\b([^>]*)>')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """sheet name -> its zip member, from xl/workbook.xml and its relationships."""
    names = set(archive.namelist())
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    targets = {}
    for attrs in _REL.findall(rels):
        rid, target = re.search(rb'\bId="([^"]+)"', attrs), re.search(rb'\bTarget="([^"]+)"', attrs)
        if rid and target:
            targets[rid.group(1)] = target.group(1).decode("utf-8", "replace")
    pairs = _SHEET.findall(workbook) or [(n, r) for r, n in _SHEET_RID_FIRST.findall(workbook)]
    members = {}
    for name, rid in pairs:
        target = targets.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in names:
            members[html.unescape(name.decode("utf-8", "replace"))] = member
    return members


def scan_xlsx(archive: zipfile.ZipFile) -> dict[str, SheetScan]:
    """Scan every worksheet of an .xlsx/.xlsm; {} when its parts cannot be found (the reader says why)."""
    try:
        members = sheet_members(archive)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    scans = {}
    shared: list[str] | None = None
    for name, member in members.items():
        data = archive.read(member)
        scan = SheetScan(name, member)
        rows = max(map(int, _ROW_REF.findall(data)), default=0)
        far_rows = _FAR_ROW.findall(data)             # none on an ordinary sheet
        if far_rows:
            rows = max(rows, max(map(int, far_rows)))
        wide = set(_WIDE_COL.findall(data))           # none on a sheet of 26 columns or fewer
        cols = max(map(_column_index, wide), default=25) + 1
        cells = data.count(b"<c ")
        if rows * cols > max(DENSE_CELLS, CELLS_PER_VALUE * cells):
            if shared is None:
                shared = _shared_strings(archive)
            _split_far(scan, data, shared)
        if b't="e"' in data:
            for attrs, body in _ERROR_CELL.findall(data):
                ref = _R_ATTR.search(attrs)
                value = _V.search(body or b"")
                if ref:
                    text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#VALUE!"
                    scan.errors[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = text
        if b'hidden="' in data:
            for attrs in _HIDDEN_ROW.findall(data):
                ref = _ROW_ATTR.search(attrs)
                if ref:
                    scan.hidden_rows.append(int(ref.group(1)) - 1)
        scans[name] = scan
    return scans


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        data = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    return [html.unescape(b"".join(_T.findall(si)).decode("utf-8", "replace")) for si in _SI.findall(data)]


def _cell_text(attrs: bytes, body: bytes, shared: list[str]) -> str:
    kind = _TYPE.search(attrs)
    kind = kind.group(1) if kind else b"n"
    if kind == b"inlineStr":
        return html.unescape(b"".join(_T.findall(body)).decode("utf-8", "replace"))
    value = _V.search(body)
    if value is None:
        formula = re.search(rb"<f\b[^>]*>(.*?)</f>", body, re.S)
        return "=" + html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else ""
    text = html.unescape(value.group(1).decode("utf-8", "replace"))
    if kind == b"s" and text.isdigit() and int(text) < len(shared):
        return shared[int(text)]
    return text


def _split_far(scan: SheetScan, data: bytes, shared: list[str]) -> None:
    """Choose the dense part of a sheet too large to read whole; the cells outside it are far."""
    cells = []
    for match in _CELL_ELEMENT.finditer(data):
        ref = _R_ATTR.search(match.group(1))
        if ref:
            cells.append((int(ref.group(2)) - 1, _column_index(ref.group(1)), match))
    filled = [(r, c, m) for r, c, m in cells if (m.group(2) or b"").strip()]   # a styled empty cell is no value
    scan.rows, scan.cols = dense_extent([(r, c) for r, c, _ in filled], max(DENSE_CELLS, CELLS_PER_VALUE * len(filled)))
    for r, c, m in cells:                     # every cell outside the dense part goes, empty or not
        if r >= scan.rows or c >= scan.cols:
            scan.far_spans.append(m.span())
            if (m.group(2) or b"").strip():
                scan.far.append((r, c, _cell_text(m.group(1), m.group(2), shared)))


def dense_extent(cells: list[tuple[int, int]], budget: int) -> tuple[int, int]:
    """(rows, cols) of the dense part: up to the first long run of empty rows (columns), then
    shrunk until rows × cols fits ``budget``."""
    def extent(values: list[int], gap: int) -> int:
        values = sorted(set(values))
        end = 0
        for value in values:
            if value - end > gap:
                break
            end = value + 1
        return end

    rows = extent([r for r, _ in cells], ROW_GAP)
    cols = extent([c for r, c in cells if r < rows], COL_GAP)
    while rows * cols > budget and rows > 1:
        rows = max(1, budget // max(cols, 1))
    return rows, cols


def without_far_cells(data: bytes, archive: zipfile.ZipFile, scans: dict[str, SheetScan]) -> bytes:
    """A copy of the .xlsx (in memory) whose sheets hold no far cell; the file itself is not touched."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        changed = {scan.member: scan for scan in scans.values() if scan.far_spans}
        for info in archive.infolist():
            content = archive.read(info.filename)
            scan = changed.get(info.filename)
            if scan is not None:
                pieces, start = [], 0
                for a, b in scan.far_spans:
                    pieces.append(content[start:a])
                    start = b
                pieces.append(content[start:])
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", b"".join(pieces), count=1)
            copy.writestr(info.filename, content)
    return out.getvalue()


# --------------------------------------------------------------------------- .ods
_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="([0-9]{4,})"')
_ODS_TOKEN = re.compile(
    rb'<table:table((?:\s[^>]*)?)>|(</table:table>)|<table:table-row((?:\s[^>]*?)?)(/?)>|(</table:table-row>)'
    rb'|<table:(?:covered-)?table-cell((?:\s[^>]*?)?)(/?)>|(</table:(?:covered-)?table-cell>)')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'number-rows-repeated="([0-9]+)"')
_ODS_COLS = re.compile(rb'number-columns-repeated="([0-9]+)"')
_ODS_TEXT = re.compile(rb"<text:p\b[^>]*>(.*?)</text:p>", re.S)
_TAGS = re.compile(rb"<[^>]+>")
_ODS_VALUE = re.compile(rb'office:value="([^"]*)"')


def ods_needs_scan(content: bytes) -> bool:
    """True when a long run of repeated rows or columns is followed by a value in its table or
    row: the one way an .ods sheet's rectangle grows far beyond its content. LibreOffice ends
    every sheet and row with such runs, empty: those cost nothing."""
    for match in _ODS_REPEAT.finditer(content):
        end_tag = b"</table:table>" if match.group(1) == b"rows" else b"</table:table-row>"
        end = content.find(end_tag, match.end())
        segment = content[match.end(): end if end >= 0 else len(content)]
        if b"<text:p" in segment or b"office:value" in segment:
            return True
    return False


def scan_ods(content: bytes) -> tuple[dict[str, SheetScan], bytes]:
    """Scan content.xml of an .ods whose sheets may hold far cells: the scans and a content.xml
    whose far cells are emptied (their positions kept)."""
    scans: dict[str, SheetScan] = {}
    cells: list[tuple[int, int, int, int, bytes]] = []   # row, col, start, end, attrs
    scan = None
    row = col = 0
    row_repeat = 1
    cell_start = None
    cell_attrs = b""
    sheet_cells: list = []
    pieces, last = [], 0

    def finish() -> None:
        nonlocal pieces, last
        budget = max(DENSE_CELLS, CELLS_PER_VALUE * len(sheet_cells))
        scan.rows, scan.cols = dense_extent([(r, c) for r, c, *_ in sheet_cells], budget)
        for r, c, start, end, attrs in sheet_cells:
            if r >= scan.rows or c >= scan.cols:
                text = _ODS_VALUE.search(attrs)
                body = b" ".join(_TAGS.sub(b"", p) for p in _ODS_TEXT.findall(content[start:end]))
                scan.far.append((r, c, html.unescape((body or (text.group(1) if text else b"")).decode("utf-8", "replace"))))
                repeat = _ODS_COLS.search(attrs)
                pieces.append(content[last:start])
                pieces.append(b'<table:table-cell table:number-columns-repeated="%s"/>' % (repeat.group(1) if repeat else b"1"))
                last = end

    for match in _ODS_TOKEN.finditer(content):
        if match.group(1) is not None:
            name = _ODS_NAME.search(match.group(1))
            scan = SheetScan(html.unescape((name.group(1) if name else b"").decode("utf-8", "replace")))
            row, sheet_cells = 0, []
        elif match.group(2) is not None and scan is not None:
            finish()
            scans[scan.name] = scan
            scan = None
        elif match.group(3) is not None:
            repeat = _ODS_ROWS.search(match.group(3))
            row_repeat = int(repeat.group(1)) if repeat else 1
            col = 0
            if match.group(4):
                row += row_repeat
        elif match.group(5) is not None:
            row += row_repeat
        elif match.group(6) is not None:
            repeat = _ODS_COLS.search(match.group(6))
            span = int(repeat.group(1)) if repeat else 1
            if match.group(7):
                if b"office:value" in match.group(6) and scan is not None:
                    sheet_cells.append((row, col, match.start(), match.end(), match.group(6)))
                col += span
            else:
                cell_start, cell_attrs = match.start(), match.group(6)
                col_at = col
                col += span
        elif match.group(8) is not None and cell_start is not None and scan is not None:
            sheet_cells.append((row, col_at, cell_start, match.end(), cell_attrs))
            cell_start = None
    pieces.append(content[last:])
    return scans, b"".join(pieces)
