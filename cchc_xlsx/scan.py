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

The same holds for .ods (``content.xml``, rows and columns repeated; scanned only when a quick
look finds a long repeat followed by a value, an error cell or a hidden row) and .xls (the BIFF8
records of the ``Workbook`` stream, walked only when a quick look at the raw bytes finds a large
stated used range, an error or a hidden row; the format itself caps a sheet at 65 536 × 256).
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

__all__ = ["SheetScan", "Inflated", "scan_xlsx", "scan_ods", "formula_without_value", "FAR_CELLS_SHOWN", "DENSE_CELLS"]

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
    head: bytes | None = field(default=None, repr=False)     # the sheet's XML cut after its head (head_rows)
    xml: bytes | None = field(default=None, repr=False)      # the sheet's XML as inflated, kept for the reader
    formulas: bool | None = None       # a formula saved without its value in it (None: not looked, see Inflated)


# --------------------------------------------------------------------------- .xlsx / .xlsm
# Every writer we know puts the reference first (``<c r="A1" …``): the fast patterns start with
# a literal. A file where some element does not is scanned with the general ones.
_ROW_REF = re.compile(rb'<row r="([0-9]+)"')
_WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_FAR_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{6,})"')
_ROW_REF_ANY = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
_WIDE_COL_ANY = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2,3})[0-9]')
_FAR_ROW_ANY = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]{6,})"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*?)(?:/>|>(.*?)</c>)', re.S)
_HIDDEN_ROW = re.compile(rb'<row\b([^>]*?\bhidden="(?:1|true)"[^>]*)>')
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ROW_ATTR = re.compile(rb'\br="([0-9]+)"')
_CELL_ELEMENT = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_V = re.compile(rb"<v>(.*?)</v>", re.S)
_T = re.compile(rb"<t\b[^>]*>(.*?)</t>", re.S)
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_SHEET_TAG = re.compile(rb'<sheet\s[^>]*>')
#: An ordinary sheet has no cell but ``<c r="A1"`` … ``<c r="Z99999"``: no cell past column Z or
#: row 99 999, none whose reference is not its first attribute. Its rectangle is then at most
#: 26 × 99 999 cells (cheap), and its extent need not be computed. One search with a literal
#: prefix: with the two quick tests below, the scan's whole cost on an ordinary sheet.
_NOT_ORDINARY = re.compile(rb'<c (?!r="[A-Z][0-9]{1,5}")')
_REFERENCE_NOT_FIRST = re.compile(rb'<c (?!r=")')
#: The quick tests for an error cell and a hidden row, before the patterns that find them. The
#: regular-expression engine's literal search is three times faster on sheet XML than ``in``
#: (bytes.find stops at every quote mark), and these run on every sheet of every return.
_ERROR_MARK = re.compile(rb't="e"')
_HIDDEN_MARK = re.compile(rb'hidden="')
_REL = re.compile(rb'<Relationship\b([^>]*)>')
#: A formula cell closed without a value: ``<f>…</f></c>``, ``<f …/><v/></c>``, ``<f>…</f><v></v></c>``;
#: looked for only where a formula is (``<f``, the quick test).
_NO_VALUE = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_FORMULA_MARK = re.compile(rb"<f")
_EMPTY_ROW = re.compile(rb'<row\b[^>]*?(?:/>|>\s*</row>)')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def read_member(archive: zipfile.ZipFile, member: str, data: bytes | None = None) -> bytes:
    """``archive.read(member)``, inflated straight from ``data`` (the zip's bytes) when the member is
    plainly deflated: zipfile's stream machinery costs as much as the inflating itself for the small
    members of a return. The same bytes, checked the same way (header, name, size, CRC-32); on any
    doubt (no ``data``, encrypted or other flags, another method, a header not where the directory
    says, a stream that does not inflate to the size and CRC stated) ``archive.read``, which gives
    or raises what it always has."""
    if data is not None:
        info = archive.getinfo(member)
        at = info.header_offset
        if (info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & ~0x080E and len(data) >= at + 30
                and data[at:at + 4] == b"PK\x03\x04" and info.orig_filename.isascii()):
            name_length, extra_length = struct.unpack_from("<HH", data, at + 26)
            if data[at + 30:at + 30 + name_length] == info.orig_filename.encode("ascii"):
                start = at + 30 + name_length + extra_length
                try:
                    with memoryview(data) as view:
                        content = zlib.decompress(view[start:start + info.compress_size], -15)
                except zlib.error:
                    content = None
                if content is not None and len(content) == info.file_size and zlib.crc32(content) == info.CRC:
                    return content
    return archive.read(member)


def sheet_members(archive: zipfile.ZipFile, data: bytes | None = None) -> dict[str, tuple[str, str]]:
    """sheet name -> (its zip member, its state: visible, hidden, veryHidden), from
    xl/workbook.xml and its relationships (``data``: the zip's bytes, see :func:`read_member`)."""
    names = set(archive.namelist())
    workbook = read_member(archive, "xl/workbook.xml", data)
    rels = read_member(archive, "xl/_rels/workbook.xml.rels", data) if "xl/_rels/workbook.xml.rels" in names else b""
    targets = {}
    for attrs in _REL.findall(rels):
        rid, target = re.search(rb'\bId="([^"]+)"', attrs), re.search(rb'\bTarget="([^"]+)"', attrs)
        if rid and target:
            targets[rid.group(1)] = target.group(1).decode("utf-8", "replace")
    members = {}
    for tag in _SHEET_TAG.findall(workbook):
        name, rid = re.search(rb'\bname="([^"]*)"', tag), re.search(rb'\br:id="([^"]+)"', tag)
        state = re.search(rb'\bstate="([^"]+)"', tag)
        if not name or not rid:
            continue
        target = targets.get(rid.group(1), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in names:
            members[html.unescape(name.group(1).decode("utf-8", "replace"))] = (
                member, state.group(1).decode("ascii", "replace") if state else "visible")
    return members


def scan_xlsx(archive: zipfile.ZipFile, wanted=None, heads: tuple[str, ...] = (),
              zipped: bytes | None = None) -> dict[str, SheetScan]:
    """Scan the worksheets of an .xlsx/.xlsm (those ``wanted(name, state)`` accepts: the ones to be
    read); {} when its parts cannot be found (the reader then says why).

    ``heads``: sheets of which only the first rows are wanted (see :func:`head_rows`); when such a
    sheet is hidden, its scan keeps those rows' XML in ``SheetScan.head``, and scans only them:
    the rest of the sheet is read by no one, a far cell there included. ``zipped``: the zip's bytes,
    its members then inflated from them (:func:`read_member`).

    A sheet whose XML is not kept (a large plan's) is also looked at, while it is inflated, for a
    formula saved without its value (``SheetScan.formulas``, see :class:`Inflated`)."""
    try:
        members = sheet_members(archive, zipped)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    scans = {}
    shared: list[str] | None = None
    kept = 0
    for name, (member, state) in members.items():
        if wanted is not None and not wanted(name, state):
            continue
        scan = SheetScan(name, member)
        if archive.getinfo(member).file_size > STREAM_ABOVE:
            worth, formulas = _look_at_blocks(archive, member)
            if not worth:                 # a large ordinary sheet: looked at a block at a time, nothing found
                scan.formulas = False if not formulas else None    # (with formulas: looked at whole if asked)
                scans[name] = scan
                continue
        data = read_member(archive, member, zipped)
        if name in heads and state != "visible":
            scan.head = head_rows(data)
            if scan.head is not None:
                data = scan.head           # what the reader gets: the rest of the sheet is not read at all
        if scan.head is None and kept + len(data) <= KEEP_AT_MOST:
            scan.xml = data                # handed to the reader as it is (with_members): inflated once
            kept += len(data)
        elif scan.head is None:            # not kept: what is asked of it later is looked for now
            scan.formulas = formula_without_value(data)
        if _NOT_ORDINARY.search(data):
            unusual = _REFERENCE_NOT_FIRST.search(data) is not None
            row_ref, far_row, wide_col = (_ROW_REF_ANY, _FAR_ROW_ANY, _WIDE_COL_ANY) if unusual else \
                (_ROW_REF, _FAR_ROW, _WIDE_COL)
            rows = max(map(int, row_ref.findall(data)), default=0)
            far_rows = far_row.findall(data)
            if far_rows:
                rows = max(rows, max(map(int, far_rows)))
            wide = set(wide_col.findall(data))
            cols = max(map(_column_index, wide), default=25) + 1
            if rows * cols > DENSE_CELLS and rows * cols > CELLS_PER_VALUE * data.count(b"<c "):
                if shared is None:
                    shared = _shared_strings(archive)
                _split_far(scan, data, shared, usual=not unusual)
        if _ERROR_MARK.search(data):
            for attrs, body in _ERROR_CELL.findall(data):
                ref = _R_ATTR.search(attrs)
                value = _V.search(body or b"")
                if ref:
                    text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#VALUE!"
                    scan.errors[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = text
        if _HIDDEN_MARK.search(data):
            for attrs in _HIDDEN_ROW.findall(data):
                ref = _ROW_ATTR.search(attrs)
                if ref:
                    scan.hidden_rows.append(int(ref.group(1)) - 1)
        scans[name] = scan
    return scans


#: Sheet XML kept for the reader (scan.xml), in all per file: a return's sheets are, a large plan's not
#: (its sheets are inflated again by the reader rather than held twice in memory).
KEEP_AT_MOST = 4 << 20
#: Sheets larger than this (uncompressed) are first looked at a block at a time, so that the scan of
#: a large plan never holds its whole XML; only a sheet with something to see is read whole.
STREAM_ABOVE = 16 << 20
_BLOCK = 8 << 20


def _look_at_blocks(archive: zipfile.ZipFile, member: str) -> tuple[bool, bool]:
    """Whether a large sheet has anything the scan acts on (a far reference, an error, a hidden
    row), looked for a block at a time (blocks overlap, so that no pattern is cut); and, when it has
    not (the whole sheet looked at), whether it holds a formula (``<f``)."""
    tail = b""
    formulas = False
    with archive.open(member) as stream:
        while True:
            block = stream.read(_BLOCK)
            if not block:
                return False, formulas
            text = tail + block
            if _NOT_ORDINARY.search(text) or _ERROR_MARK.search(text) or _HIDDEN_MARK.search(text):
                return True, formulas
            formulas = formulas or _FORMULA_MARK.search(text) is not None
            tail = block[-64:]


def formula_without_value(xml: bytes) -> bool:
    """Whether a worksheet's XML holds a formula saved without its value (every reader reads such a
    cell as blank): a cheap search, before the full one (:func:`cchc_xlsx.workbook.formulas_without_values`)."""
    return _FORMULA_MARK.search(xml) is not None and _NO_VALUE.search(xml) is not None


class Inflated:
    """The worksheets of an .xlsx as its scan left them, so that looking for formulas saved without
    their values (a return's or a plan's, after it is read) inflates no sheet a second time: the XML
    the scan kept (a small file's sheets), and for the sheets it did not keep whether they hold such
    a formula (``SheetScan.formulas``). Any other member is read from ``archive``, as it would be
    without this. Only for a zip whose member names are all different (each name one member)."""

    def __init__(self, archive: zipfile.ZipFile, scans: dict[str, SheetScan]):
        self.archive = archive
        self.xml = {s.member: s.xml for s in scans.values() if s.xml is not None}
        self.marks = {s.member: s.formulas for s in scans.values() if s.formulas is not None}

    def read(self, member: str) -> bytes:
        """The member's content, inflated (once)."""
        xml = self.xml.get(member)
        return xml if xml is not None else self.archive.read(member)

    def formula_without_value(self, member: str) -> bool:
        """:func:`formula_without_value` of the member."""
        mark = self.marks.get(member)
        return mark if mark is not None else formula_without_value(self.read(member))


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


def _split_far(scan: SheetScan, data: bytes, shared: list[str], usual: bool = False) -> None:
    """Choose the dense part of a sheet too large to read whole; the cells outside it are far."""
    if usual and _split_far_by_rows(scan, data, shared):
        return
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


_FILLED_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*>\s*<c ')


def _split_far_by_rows(scan: SheetScan, data: bytes, shared: list[str]) -> bool:
    """The same choice without looking at every cell (a large plan with one far cell): from the
    rows that hold cells and the columns past Z, then only the far cells are looked at. False
    when the rows are not in ascending order (the per-cell way is then taken)."""
    import bisect

    rows = [int(r) - 1 for r in _FILLED_ROW.findall(data)]
    if any(b <= a for a, b in zip(rows, rows[1:])):
        return False
    letters = {letters: _column_index(letters) for letters in set(_WIDE_COL.findall(data))}
    budget = max(DENSE_CELLS, CELLS_PER_VALUE * data.count(b"<c "))
    scan.rows = _extent(rows, ROW_GAP)
    scan.cols = _extent(sorted({*range(26), *letters.values()}), COL_GAP)
    if scan.rows * scan.cols > budget:
        scan.rows = max(1, budget // max(scan.cols, 1))
    first_far_row = bisect.bisect_left(rows, scan.rows)
    end = data.find(b'<row r="%d"' % (rows[first_far_row] + 1)) if first_far_row < len(rows) else -1
    end = len(data) if end < 0 else end
    spans: list[re.Match] = []
    wide = sorted(name for name, index in letters.items() if index >= scan.cols)
    if wide:
        pattern = re.compile(rb'<c r="(?:' + b"|".join(wide) + rb')[0-9]')
        spans += [m for start in pattern.finditer(data, 0, end) if (m := _CELL_ELEMENT.match(data, start.start()))]
    spans += list(_CELL_ELEMENT.finditer(data, end))
    for match in spans:
        ref = _R_ATTR.search(match.group(1))
        scan.far_spans.append(match.span())
        if ref and (match.group(2) or b"").strip():
            scan.far.append((int(ref.group(2)) - 1, _column_index(ref.group(1)),
                             _cell_text(match.group(1), match.group(2), shared)))
    return True


def _extent(values: list[int], gap: int) -> int:
    """One past the last value before the first gap longer than ``gap`` (values sorted)."""
    end = 0
    for value in values:
        if value - end > gap:
            break
        end = max(end, value + 1)
    return end


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


def head_rows(xml: bytes) -> bytes | None:
    """The sheet's XML cut after its head: its rows 1, 2, 3 … up to the first row number missing
    (a blank row: writers leave blank rows out), what follows ``</sheetData>`` kept. A template's
    metadata sheet is key/value rows, a blank row, then a long table no reader needs; its
    readers stop at the first blank key (returns._metadata), so the cut changes nothing they read.

    None (read the sheet whole) when there is nothing to cut or the rows are not plainly in
    order: a row element without its number, or a row numbered within the head found after it."""
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return None                       # no rows at all (``<sheetData/>``), or not a sheet we know
    expected, cut = 1, None
    for match in _ROW_REF_ANY.finditer(xml, start, end):
        if int(match.group(1)) != expected:
            cut = match.start()
            break
        expected += 1
    if cut is None or xml.count(b"<row", start, cut) != expected - 1:
        return None
    rest = _ROW_TAG.findall(xml, cut, end)        # every "<row", with its number when in the usual form
    rows = len(rest)
    if b"" in rest:                               # one not in the usual form: the general pattern
        rest = _ROW_REF_ANY.findall(xml, cut, end)
    if len(rest) != rows or min(map(int, rest)) <= expected:
        return None
    return xml[:cut] + xml[end:]


#: Each ``<row`` (as ``bytes.count`` counts them), with its number when it is in the usual form
#: (``_ROW_REF``), else b"": one pass for both.
_ROW_TAG = re.compile(rb'<row(?: r="([0-9]+)")?')


def with_members(data: bytes, archive: zipfile.ZipFile, replaced: dict[str, bytes],
                 inflated: dict[str, bytes] | None = None) -> bytes:
    """A copy of the .xlsx (in memory) whose members in ``replaced`` (zip member -> new content) and
    in ``inflated`` (zip member -> its own content, as inflated already) are stored uncompressed,
    every other member copied as it is, still compressed (nothing inflated or deflated here): the
    reader reads them without inflating them again. The file itself is not touched; ``data`` comes
    back unchanged when a member cannot be copied so (encrypted, ZIP64, its local header not where
    the directory says)."""
    try:
        return _with_members(data, archive, replaced, inflated or {})
    except (struct.error, ValueError, OverflowError):      # a field out of range: the file goes as it is
        return data


def _with_members(data: bytes, archive: zipfile.ZipFile, replaced: dict[str, bytes],
                  inflated: dict[str, bytes]) -> bytes:
    infos = archive.infolist()
    if not (replaced or inflated) or len(infos) >= 0xFFFF or len(archive.NameToInfo) != len(infos):
        return data                       # (a name twice in the directory: which one a reader takes is its own)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info in infos:
        if info.flag_bits & 1:
            return data
        content = replaced.get(info.filename)
        same = inflated.get(info.filename)
        if content is not None:
            method, body, crc, size = zipfile.ZIP_STORED, content, zlib.crc32(content), len(content)
        elif same is not None and len(same) == info.file_size:
            method, body, crc, size = zipfile.ZIP_STORED, same, info.CRC, info.file_size
        else:
            at = info.header_offset
            if data[at:at + 4] != b"PK\x03\x04":
                return data
            name_length, extra_length = struct.unpack_from("<HH", data, at + 26)
            start = at + 30 + name_length + extra_length
            method, body = info.compress_type, data[start:start + info.compress_size]
            crc, size = info.CRC, info.file_size
            if len(body) != info.compress_size:
                return data
        if max(len(body), size, offset) >= 0xFFFFFFFF:
            return data
        try:
            name, flags = info.orig_filename.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = info.orig_filename.encode("utf-8"), 0x800
        year, month, day, hour, minute, second = info.date_time
        fields = struct.pack("<HHHHHIIIH", 20, flags, method, hour << 11 | minute << 5 | second // 2,
                             (max(year, 1980) - 1980) << 9 | month << 5 | day, crc, len(body), size, len(name))
        out += (b"PK\x03\x04", fields, b"\x00\x00", name, body)
        central += (b"PK\x01\x02\x14\x00", fields,
                    struct.pack("<HHHHII", 0, 0, 0, 0, info.external_attr & 0xFFFFFFFF, offset), name)
        offset += 30 + len(name) + len(body)
    directory = b"".join(central)
    out += (directory, b"PK\x05\x06", struct.pack("<HHHHIIH", 0, 0, len(infos), len(infos), len(directory), offset, 0))
    return b"".join(out)


def without_far_cells(data: bytes, archive: zipfile.ZipFile, scans: dict[str, SheetScan]) -> bytes:
    """A copy of the .xlsx (in memory) whose sheets hold no far cell (and whose sheets with a head
    are cut after it); the file itself is not touched."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        changed = {scan.member: scan for scan in scans.values() if scan.far_spans or scan.head is not None}
        for info in archive.infolist():
            scan = changed.get(info.filename)
            content = scan.head if scan is not None and scan.head is not None else archive.read(info.filename)
            if scan is not None and scan.far_spans:     # (spans in the head, when the sheet has one)
                pieces, start = [], 0
                for a, b in scan.far_spans:
                    pieces.append(content[start:a])
                    start = b
                pieces.append(content[start:])
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", b"".join(pieces), count=1)
                content = _EMPTY_ROW.sub(b"", content)     # rows left with no cell (openpyxl writes a million)
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


def ods_needs_full_scan(content: bytes) -> bool:
    """Whether content.xml needs :func:`scan_ods`: far cells may be there, or error cells
    (``calcext:value-type="error"``, which calamine reads as ``''``), or hidden rows."""
    return (b'calcext:value-type="error"' in content or b'table:visibility="' in content
            or ods_needs_scan(content))


def scan_ods(content: bytes) -> tuple[dict[str, SheetScan], bytes]:
    """Scan content.xml of an .ods: per sheet its far cells, error cells and hidden rows, and a
    content.xml whose far cells are emptied (their positions kept)."""
    scans: dict[str, SheetScan] = {}
    scan = None
    row = col = 0
    row_repeat = 1
    cell_start = None
    cell_attrs = b""
    sheet_cells: list = []
    pieces, last = [], 0

    def finish() -> None:
        nonlocal last
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
            if b'table:visibility="' in match.group(3) and b'visibility="visible"' not in match.group(3) \
                    and scan is not None:
                scan.hidden_rows.extend(range(row, row + min(row_repeat, 1000)))
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
            if b'calcext:value-type="error"' in cell_attrs:
                body = b"".join(_TAGS.sub(b"", p) for p in _ODS_TEXT.findall(content[cell_start:match.end()]))
                scan.errors[(row, col_at)] = html.unescape(body.decode("utf-8", "replace")).strip() or "#VALUE!"
            cell_start = None
    pieces.append(content[last:])
    return scans, b"".join(pieces)


# --------------------------------------------------------------------------- .xls (BIFF8 in an OLE2 container)
_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
#: What makes the walk of the records worth it: a DIMENSIONS record, an error (BOOLERR with fError,
#: a FORMULA whose cached result is an error) or a hidden ROW. Searched in the raw file (C speed).
_XLS_DIMENSIONS = re.compile(rb"\x00\x02\x0e\x00(.{4})(.{4})(.{2})(.{2})", re.S)
_XLS_HINTS = re.compile(rb"\x05\x02\x08\x00.{7}\x01|\x06\x00[\x14-\xff][\x00-\xff].{6}\x02.{5}\xff\xff"
                        rb"|\x08\x02\x10\x00.{12}[\x20-\x3f\x60-\x7f\xa0-\xbf\xe0-\xff]", re.S)
_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00BD, 0x0201, 0x00BE, 0x00D6}
_NEUTRAL_RECORD = b"\xf0\xff"      # no BIFF record has this id: every reader skips it


def xls_needs_scan(data: bytes) -> bool:
    """A quick look at the raw bytes: a stated used range larger than a dense sheet, or a hint of
    an error cell or a hidden row. Most .xls files need no walk of their records."""
    for match in _XLS_DIMENSIONS.finditer(data):
        rows = int.from_bytes(match.group(2), "little")
        cols = int.from_bytes(match.group(4), "little")
        if rows * cols > DENSE_CELLS:
            return True
    return _XLS_HINTS.search(data) is not None


class _Cfb:
    """The streams of an OLE2 (compound file) container, enough to find and patch ``Workbook``."""

    def __init__(self, data: bytes):
        import struct

        self.data = bytearray(data)
        self.size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, minifat_start, _, difat_start, n_difat = struct.unpack_from("<IIIII", data, 0x38)
        sectors = max(0, (len(data) - self.size) // self.size)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, per = difat_start, self.size // 4 - 1
        for _ in range(min(n_difat, sectors)):
            if sector >= sectors:
                break
            entries = struct.unpack_from(f"<{per + 1}I", data, (sector + 1) * self.size)
            difat.extend(entries[:per])
            sector = entries[per]
        fat: list[int] = []
        for sector in difat[:n_fat]:
            if sector < sectors:
                fat.extend(struct.unpack_from(f"<{self.size // 4}I", data, (sector + 1) * self.size))
        self.fat, self.sectors = fat, sectors
        directory = self._read(self._chain(dir_start, fat), self.size, None)
        self.entries = []
        for at in range(0, len(directory) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", directory, at + 0x40)
            start, size = struct.unpack_from("<II", directory, at + 0x74)
            name = bytes(directory[at:at + max(0, min(64, name_len) - 2)]).decode("utf-16-le", "replace")
            self.entries.append((name, kind, start, size))
        root = self.entries[0] if self.entries else ("", 5, 0, 0)
        self.root_offsets = [(s + 1) * self.size for s in self._chain(root[2], fat)]
        self.minifat = list(struct.unpack_from(f"<{len(m) // 4}I", m)) if (
            m := self._read(self._chain(minifat_start, fat), self.size, None)) else []

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain, seen = [], set()
        while start < len(table) and start not in seen and len(chain) <= len(table):
            seen.add(start)
            chain.append(start)
            start = table[start]
        return chain

    def _read(self, chain: list[int], unit: int, size: int | None) -> bytes:
        out = b"".join(bytes(self.data[(s + 1) * unit:(s + 2) * unit]) for s in chain)
        return out if size is None else out[:size]

    def stream(self, names: tuple[str, ...]) -> tuple[bytes, list[int], int] | None:
        """The first named stream: its bytes, and the file offset of each of its sectors (unit)."""
        for name, kind, start, size in self.entries:
            if kind == 2 and name in names:
                if size >= self.cutoff:
                    chain = self._chain(start, self.fat)
                    return self._read(chain, self.size, size), [(s + 1) * self.size for s in chain], self.size
                chain = self._chain(start, self.minifat)
                offsets = [self._root_offset(s * self.mini_size) for s in chain]
                return b"".join(bytes(self.data[o:o + self.mini_size]) for o in offsets)[:size], offsets, self.mini_size
        return None

    def _root_offset(self, position: int) -> int:
        index = position // self.size
        return (self.root_offsets[index] if index < len(self.root_offsets) else 0) + position % self.size


def scan_xls(data: bytes) -> tuple[dict[str, SheetScan], bytes]:
    """Walk the BIFF8 records of an .xls: per sheet its far cells, error cells and hidden rows, and
    a copy of the file whose far cell records are neutralised (their id changed, lengths kept) and
    whose DIMENSIONS state the dense part. The file itself is not touched."""
    import struct

    cfb = _Cfb(data)
    found = cfb.stream(("Workbook", "Book"))
    if found is None:
        return {}, data
    stream, offsets, unit = found

    def patch(position: int, value: bytes) -> None:
        for i, byte in enumerate(value):
            at = position + i
            cfb.data[offsets[at // unit] + at % unit] = byte

    def records(start: int):
        at = start
        while at + 4 <= len(stream):
            rid, length = struct.unpack_from("<HH", stream, at)
            yield rid, at, stream[at + 4:at + 4 + length]
            at += 4 + length
            if rid == 0x000A:        # EOF
                return

    sheets: list[tuple[str, int]] = []
    shared: list[str] = []
    sst: list[bytes] = []
    in_sst = False
    for rid, at, body in records(0):
        if rid == 0x0085 and len(body) >= 8:
            position = struct.unpack_from("<I", body, 0)[0]
            if body[5] == 0:
                sheets.append((_xls_short_string(body, 6), position))
        if rid == 0x00FC:
            sst, in_sst = [body], True
        elif rid == 0x003C and in_sst:
            sst.append(body)
        else:
            in_sst = False
    if sst:
        shared = _xls_sst(sst)
    scans: dict[str, SheetScan] = {}
    changed = False
    for name, start in sheets:
        scan = SheetScan(name)
        cells: list[tuple[int, int, int, bytes, int]] = []   # row, col, record start, body, record id
        dimensions = None
        for rid, at, body in records(start):
            if rid in _CELL_RECORDS and len(body) >= 6:
                row, col = struct.unpack_from("<HH", body, 0)
                last = struct.unpack_from("<H", body, len(body) - 2)[0] if rid in (0x00BD, 0x00BE) else col
                cells.append((row, max(col, last), at, body, rid))
                if rid == 0x0205 and len(body) >= 8 and body[7] == 1:
                    scan.errors[(row, col)] = _XLS_ERRORS.get(body[6], "#VALUE!")
                elif rid == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
                    scan.errors[(row, col)] = _XLS_ERRORS.get(body[8], "#VALUE!")
            elif rid == 0x0208 and len(body) >= 16 and body[12] & 0x20:
                scan.hidden_rows.append(struct.unpack_from("<H", body, 0)[0])
            elif rid == 0x0200 and len(body) >= 14:
                dimensions = at
        filled = [(r, c) for r, c, _, _, rid in cells if rid not in (0x0201, 0x00BE)]
        scan.rows, scan.cols = dense_extent(filled, max(DENSE_CELLS, CELLS_PER_VALUE * len(filled)))
        max_row = max((r for r, _ in filled), default=-1) + 1
        max_col = max((c for _, c in filled), default=-1) + 1
        if max_row > scan.rows or max_col > scan.cols:
            for row, col, at, body, rid in cells:
                if row >= scan.rows or col >= scan.cols:
                    patch(at, _NEUTRAL_RECORD)
                    if rid not in (0x0201, 0x00BE):
                        scan.far.append((row, col, _xls_value(rid, body, shared)))
            if dimensions is not None:
                patch(dimensions + 4, struct.pack("<IIHH", 0, scan.rows, 0, scan.cols))
            changed = True
        scans[name] = scan
    return scans, bytes(cfb.data) if changed else data


def _xls_short_string(body: bytes, at: int) -> str:
    count, high = body[at], body[at + 1] & 1
    raw = body[at + 2:at + 2 + count * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", "replace")


def _xls_sst(parts: list[bytes]) -> list[str]:
    """The shared strings (SST and its CONTINUE records; a string may go on in the next record,
    which then starts with a new flags byte)."""
    import struct

    strings: list[str] = []
    part, at = 0, 8
    data = parts[0]
    total = struct.unpack_from("<I", data, 4)[0] if len(data) >= 8 else 0

    def take(n: int) -> bytes:
        nonlocal part, at, data
        out = b""
        while n > 0 and part < len(parts):
            if at >= len(data):
                part, at = part + 1, 0
                data = parts[part] if part < len(parts) else b""
                continue
            piece = data[at:at + n]
            out += piece
            at += len(piece)
            n -= len(piece)
        return out

    while len(strings) < total and part < len(parts):
        head = take(3)
        if len(head) < 3:
            break
        count, flags = struct.unpack_from("<H", head)[0], head[2]
        runs = struct.unpack("<H", take(2))[0] if flags & 8 else 0
        ext = struct.unpack("<I", take(4))[0] if flags & 4 else 0
        chars, high = [], flags & 1
        while count > 0 and part < len(parts):
            if at >= len(data):                        # the string goes on in the next CONTINUE
                part, at = part + 1, 0
                data = parts[part] if part < len(parts) else b""
                if not data:
                    break
                high = data[0] & 1
                at = 1
            width = 2 if high else 1
            n = min(count, (len(data) - at) // width)
            raw = data[at:at + n * width]
            chars.append(raw.decode("utf-16-le" if high else "latin-1", "replace"))
            at += n * width
            count -= n
            if n == 0:
                at = len(data)
        take(4 * runs + ext)
        strings.append("".join(chars))
    return strings


def _xls_value(rid: int, body: bytes, shared: list[str]) -> str:
    import struct

    if rid == 0x00FD and len(body) >= 10:
        index = struct.unpack_from("<I", body, 6)[0]
        return shared[index] if index < len(shared) else ""
    if rid == 0x0203 and len(body) >= 14:
        return f"{struct.unpack_from('<d', body, 6)[0]:g}"
    if rid == 0x027E and len(body) >= 10:
        return f"{_rk(struct.unpack_from('<I', body, 6)[0]):g}"
    if rid == 0x0204 and len(body) >= 9:
        count, high = struct.unpack_from("<H", body, 6)[0], body[8] & 1
        return body[9:9 + count * (2 if high else 1)].decode("utf-16-le" if high else "latin-1", "replace")
    return ""


def _rk(value: int) -> float:
    import struct

    number = float(value >> 2) if value & 2 else struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    if value & 2 and value & 0x80000000:
        number = float((value >> 2) - (1 << 30))
    return number / 100 if value & 1 else number
