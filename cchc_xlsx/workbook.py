"""Read stage: open a spreadsheet file safely and give its sheets as grids of cell values."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import python_calamine as calamine

from . import scan
from .findings import Finding
from .messages import register
from .messages import text as message_text

__all__ = ["Sheet", "Book", "FileProblem", "open_book", "open_source", "Source", "each_sheet", "READERS", "formulas_without_values", "column_index", "column_letter", "cell_ref", "SUPPORTED_SUFFIXES", "read_bytes", "document_saved",
           "is_folder", "is_regular_file", "path_exists"]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


# Questions about a path that never raise (a broken link, a path too long, no permission: False),
# asked before anything is opened; opening itself goes through read_bytes.
def is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def is_regular_file(path: Path) -> bool:
    """A regular file (not a FIFO, device or folder: those are never opened)."""
    try:
        return path.is_file()
    except OSError:
        return False


def path_exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
#: Refuse sheets that would inflate past this (a zip bomb, or a sheet of millions of blank cells).
MAX_UNCOMPRESSED = 400 * 1024 * 1024


class FileProblem(Exception):
    """A file that cannot be read at all. ``vi`` and ``en`` say why and what to do, in one line:
    given as a message ``key`` (``file.*``, registered below) and its values, a value that depends
    on the language as a (vi, en) pair."""

    def __init__(self, path: Path | str, vi: str = "", en: str = "", *, key: str = "", skipped: bool = False,
                 **values):
        if key:
            vi, en = (message_text(key, lang, **{k: (v[0] if lang == "vi" else v[1]) if isinstance(v, tuple) else v
                                         for k, v in values.items()}) for lang in ("vi", "en"))
        self.path, self.vi, self.en, self.skipped = Path(path), vi, en, skipped
        super().__init__(f"{self.path.name}: {en}")

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


@dataclass
class Sheet:
    """One sheet: ``rows[i][j]`` is the value of Excel row i+1, column j+1.

    An empty cell is ``''`` (python-calamine) or None (other readers, and outside the grid): every
    parser takes both for blank. A cell holding a formula error holds its text (``'#REF!'``), with
    both readers; ``errors`` lists those cells. ``state``: visible, hidden or veryHidden.
    """

    name: str
    rows: list[list[object]]
    visible: bool = True
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # zero-based r0, c0, r1, c1
    state: str = "visible"
    errors: dict[tuple[int, int], str] = field(default_factory=dict)       # zero-based (row, col) -> '#REF!'
    findings: list[Finding] = field(default_factory=list)    # what reading it found: far cells, hidden rows

    def value(self, row: int, col: int) -> object:
        """Value at zero-based (row, col), None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class Book:
    """A file's sheets, and what reading the file found (``findings``: far cells, hidden rows, a
    misleading file name). ``size`` and ``sha256`` are those of the bytes read (read once: a file
    replaced while it is read is read as it was), ``saved`` the save time the file states."""

    path: Path
    sheets: list[Sheet]
    findings: list[Finding] = field(default_factory=list)
    size: int = 0
    sha256: str = ""
    saved: dt.datetime | None = None
    #: an .xlsx's sheets as the scan inflated them, for formulas_without_values (None: read the file again)
    inflated: scan.Inflated | None = field(default=None, repr=False, compare=False)

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)


def column_letter(col: int) -> str:
    """Zero-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """Zero-based (row, col) -> A1 reference."""
    return f"{column_letter(col)}{row + 1}"


#: The readers open_book can use. python-calamine (Rust) is the fast one and the default;
#: openpyxl reads .xlsx/.xlsm only, some ten times slower, and is here to check that the results
#: do not depend on the reader (tests/test_readers.py).
READERS = ("calamine", "openpyxl")


def open_book(path: str | Path, *, sheets: list[str] | None = None, hidden: tuple[str, ...] | None = None,
              reader: str = "calamine", skip: tuple[str, ...] = (), heads: tuple[str, ...] = (),
              source: "Source | None" = None) -> Book:
    """Every sheet of the file (or the named ones) as grids. Raises FileProblem, never a traceback.

    With ``hidden``, a very hidden sheet is read only if it is named there (a template's metadata;
    a sheet the user hid is read, and said where it holds a table). ``reader``: one of
    :data:`READERS`; openpyxl is used for .xlsx and .xlsm content only (calamine for the others).
    The file is read as what its content is, whatever its name says (``file-misnamed``). Sheets
    named in ``skip`` are not read (a template's own lists). Of a hidden sheet named in ``heads``
    (a template's metadata) only the rows down to the first blank row are read, from an .xlsx
    (:func:`cchc_xlsx.scan.head_rows`): the rest is not read, nor scanned. ``source``: the file as
    :func:`open_source` read it (so that it is read once when its zip was looked at first).
    """
    path = Path(path)
    source = source or Source(path)
    grids = list(_read_sheets(source, sheets, hidden, reader, skip, heads))
    findings = source.findings + [f for sheet in grids for f in sheet.findings]
    return Book(path, grids, findings, len(source.data), hashlib.sha256(source.data).hexdigest(),
                document_saved(source.data, source.archive), source.inflated)


def each_sheet(path: str | Path, *, reader: str = "calamine") -> Iterator[Book]:
    """The file's sheets one at a time, each as a Book of that sheet alone, the file opened once:
    a sheet's cells can be let go before the next is read. Raises FileProblem like open_book.
    The file's own findings (its name) come with the first sheet."""
    path = Path(path)
    source = Source(path)
    notes = source.findings
    for sheet in _read_sheets(source, None, None, reader):
        book = Book(path, [sheet], notes + sheet.findings, inflated=source.inflated)
        notes = []
        del sheet
        yield book
        del book


def open_source(path: str | Path) -> "Source":
    """The file's bytes, read once, its zip directory (``archive``, None for other formats) and what
    its content is (``kind``), before any sheet is read. Raises FileProblem like open_book."""
    return Source(Path(path))


class Source:
    """A file's bytes, read once (never opening what is not a regular file), and what they are."""

    def __init__(self, path: Path):
        self.path = path
        self.data = read_bytes(path)
        self.archive: zipfile.ZipFile | None = None      # a zip's directory, read once
        if self.data.startswith(b"PK"):
            try:
                self.archive = zipfile.ZipFile(io.BytesIO(self.data))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
                pass
        self.kind = _sniff(path, self.data, self.archive)
        self.inflated: scan.Inflated | None = None        # its sheets as the scan left them (_read_sheets)
        self.findings: list[Finding] = []
        named = _KIND_OF_SUFFIX.get(path.suffix.lower())
        if named != self.kind and not (named == "xlsx" and self.kind == "xlsx"):
            self.findings.append(Finding("file-misnamed", file=path.name, found=path.suffix or "?",
                                         expected=_KIND_NAMES[self.kind]))


_KIND_OF_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
_KIND_NAMES = {"xlsx": ".xlsx", "xls": ".xls (Excel 97-2003)", "ods": ".ods (OpenDocument)",
               "html": "HTML"}


def _read_sheets(source: Source, sheets: list[str] | None, hidden: tuple[str, ...] | None,
                 reader: str, skip: tuple[str, ...] = (), heads: tuple[str, ...] = ()) -> Iterator[Sheet]:
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}: one of {', '.join(READERS)}")
    path, data = source.path, source.data
    if source.kind == "html":
        from .htmltable import html_sheets

        yield from html_sheets(data)
        return
    scans: dict[str, scan.SheetScan] = {}
    try:
        if source.kind == "xlsx":
            archive = source.archive
            scans = scan.scan_xlsx(archive, lambda name, state: not _skip(name, state, sheets, hidden, skip), heads, data)
            if any(s.far_spans for s in scans.values()):
                data = scan.without_far_cells(data, archive, scans)
            else:                         # the sheets already inflated are not inflated again by the reader
                data = scan.with_members(data, archive,
                                         {s.member: s.head for s in scans.values() if s.head is not None},
                                         {s.member: s.xml for s in scans.values() if s.xml is not None})
            if len(archive.NameToInfo) == len(archive.infolist()):
                source.inflated = scan.Inflated(archive, scans)
            for found in scans.values():
                found.xml = found.head = None
        elif source.kind == "ods":
            data, scans = _ods_without_far_cells(data)
        elif source.kind == "xls" and scan.xls_needs_scan(data):
            scans, data = scan.scan_xls(data)
    except Exception as exc:  # a file the scan cannot follow is one the reader cannot either: said, not raised
        raise _broken(path, exc) from None
    if reader == "openpyxl" and source.kind == "xlsx":
        sheet_iter = _openpyxl_sheets(path, data, sheets, hidden, skip)
    else:
        sheet_iter = _calamine_sheets(path, data, sheets, hidden, skip)
    for grid in sheet_iter:
        found = scans.get(grid.name)
        if found is not None:
            _apply_scan(path, grid, found)
        yield grid
        del grid                          # let the caller drop it before the next sheet is read


def _ods_without_far_cells(data: bytes) -> tuple[bytes, dict[str, scan.SheetScan]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "content.xml" not in archive.namelist():
            return data, {}
        content = archive.read("content.xml")
        if not scan.ods_needs_full_scan(content):
            return data, {}
        scans, trimmed = scan.scan_ods(content)
        if not any(s.far for s in scans.values()):
            return data, scans
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            for info in archive.infolist():
                if info.filename == "mimetype":
                    copy.writestr(info, archive.read(info.filename), compress_type=zipfile.ZIP_STORED)
                else:
                    copy.writestr(info.filename, trimmed if info.filename == "content.xml" else archive.read(info.filename))
        return out.getvalue(), scans


def _apply_scan(path: Path, grid: Sheet, found: scan.SheetScan) -> None:
    """Error texts back in the grid; findings for far cells and hidden rows that hold values."""
    rows = grid.rows
    for (r, c), text in found.errors.items():
        if r < len(rows):
            row = rows[r]
            if c >= len(row):
                row.extend([None] * (c + 1 - len(row)))
            row[c] = text
            grid.errors[(r, c)] = text
    for i, (r, c, text) in enumerate(found.far):
        if i == scan.FAR_CELLS_SHOWN:     # the rest in one finding, named by the range that holds them
            rest = found.far[i:]
            top = cell_ref(min(r for r, _, _ in rest), min(c for _, c, _ in rest))
            bottom = cell_ref(max(r for r, _, _ in rest), max(c for _, c, _ in rest))
            grid.findings.append(Finding("far-cell", file=path.name, sheet=grid.name, cell=f"{top}:{bottom}",
                                         found=text[:120], expected=cell_ref(found.rows - 1, found.cols - 1),
                                         params={"more": (f" và {len(rest) - 1} ô xa khác trong vùng này",
                                                          f" and {len(rest) - 1} other far cells in this range")}))
            break
        grid.findings.append(Finding("far-cell", file=path.name, sheet=grid.name, cell=cell_ref(r, c),
                                     found=text[:120], expected=cell_ref(found.rows - 1, found.cols - 1)))
    shown = [r for r in found.hidden_rows if r < len(rows) and any(v not in (None, "") for v in rows[r])]
    if shown:
        grid.findings.append(Finding("row-hidden", file=path.name, sheet=grid.name, cell=f"A{shown[0] + 1}",
                                     found=_ranges([r + 1 for r in shown])))


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> '3-5, 9'."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(out)


_STATES = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


def _calamine_sheets(path: Path, data: bytes, sheets: list[str] | None, hidden: tuple[str, ...] | None,
                     skip: tuple[str, ...]) -> Iterator[Sheet]:
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise _password(path) from None
    except Exception as exc:  # calamine raises several types for broken files
        raise _broken(path, exc) from None
    try:
        for meta in workbook.sheets_metadata:
            state = _STATES.get(str(meta.visible).rsplit(".", 1)[-1], "visible")
            if (str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet") or _skip(meta.name, state, sheets, hidden, skip)):
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                grid = Sheet(meta.name, sheet.to_python(skip_empty_area=False),   # an empty cell is ''
                             state == "visible", [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])],
                             state)
                del sheet                     # calamine's copy of the cells
            except Exception as exc:
                raise _broken(path, exc) from None
            yield grid
            del grid
    finally:
        workbook.close()


def _skip(name: str, state: str, sheets: list[str] | None, hidden: tuple[str, ...] | None,
          skip: tuple[str, ...] = ()) -> bool:
    return (name in skip or (sheets is not None and name not in sheets)
            or (hidden is not None and state == "veryHidden" and name not in hidden))


def _openpyxl_sheets(path: Path, data: bytes, sheets: list[str] | None, hidden: tuple[str, ...] | None,
                     skip: tuple[str, ...]) -> Iterator[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise _broken(path, exc) from None
    try:
        for ws in workbook.worksheets:
            state = ws.sheet_state
            if _skip(ws.title, state, sheets, hidden, skip):
                continue
            try:
                rows = [_as_calamine(row) for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row,
                                                                   max_col=ws.max_column, values_only=True)]
                merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
            except Exception as exc:
                raise _broken(path, exc) from None
            yield Sheet(ws.title, [] if rows == [[None]] else rows, state == "visible", merged, state)
    finally:
        workbook.close()
        # each openpyxl cell points back to its sheet: a cycle per cell, which only the cyclic
        # collector frees, and a consolidation pauses it (pipeline.collector_paused). Let go of
        # the cells (and of the merged ranges, which hold their first cell) here, so that they
        # are freed at once whatever the collector does.
        for ws in workbook.worksheets:
            ws._cells.clear()
            ws.merged_cells.ranges.clear()


def _as_calamine(row: tuple) -> list[object]:
    """A row as python-calamine types it: a date cell without a time is a ``date`` (openpyxl gives
    a ``datetime`` at midnight), so that a date typed in a text field reads the same either way."""
    return [v.date() if type(v) is dt.datetime and not (v.hour or v.minute or v.second or v.microsecond) else v
            for v in row]


#: A cell element: its reference, and its content (b"" when it is empty or closed at once, ``/>``).
#: ``<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)`` (re.S), written out so that no character is
#: stepped over lazily: the attributes up to the first ``/>`` or ``>``, the content up to the first
#: ``</c>``; the same matches, a third faster (a sheet with formulas is searched cell by cell).
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>/]*(?:/(?!>)[^>/]*)*(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
_FORMULA = re.compile(rb"<f[^>]*>(.*?)</f>|<f[^>]*/>", re.S)
_VALUE = re.compile(rb"<v>(.+?)</v>", re.S)


def formulas_without_values(path: str | Path, inflated: scan.Inflated | None = None
                            ) -> dict[str, dict[tuple[int, int], str]]:
    """sheet name -> {(row, col) zero-based: formula} for formula cells saved without a result.

    Every reader returns only the stored result, so such a cell reads as empty: openpyxl and some
    scripts save formulas this way. Only .xlsx/.xlsm; {} for other formats or on any doubt.
    ``inflated``: the file as its reading left it (:attr:`Book.inflated`): it is not read again.
    """
    try:
        if inflated is not None:
            return _formulas_without_values(inflated.archive, inflated.read)
        with zipfile.ZipFile(io.BytesIO(read_bytes(Path(path)))) as archive:
            return _formulas_without_values(archive, archive.read)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, FileProblem):
        return {}


def _formulas_without_values(archive: zipfile.ZipFile, read) -> dict[str, dict[tuple[int, int], str]]:
    """formulas_without_values of an opened zip, its members read with ``read(name)``."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return {}
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    targets = dict(re.findall(rb'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    for name, rid in re.findall(rb'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]+)"', workbook):
        target = targets.get(rid, b"").decode()
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member not in names:
            continue
        data = read(member)
        if b"<f" not in data:
            continue
        cells = {}
        for letters, row, body in _CELL.findall(data):
            if body and b"<f" in body and not _VALUE.search(body):
                formula = _FORMULA.search(body)
                text = formula.group(1).decode("utf-8", "replace") if formula and formula.group(1) else ""
                cells[(int(row) - 1, column_index(letters.decode()))] = html.unescape(text)
        if cells:
            found[html.unescape(name.decode("utf-8"))] = cells
    return found


def column_index(letters: str) -> int:
    """Excel column letters -> zero-based index (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


#: A file larger than this is not read (no return or plan comes near it).
MAX_FILE = MAX_UNCOMPRESSED


def read_bytes(path: Path) -> bytes:
    """The file's bytes, read once. Raises FileProblem for what is not a regular file we may read.

    A FIFO, a socket or a device named ``.xlsx`` is never opened (opening a FIFO blocks forever):
    the file is checked with ``stat`` and opened non-blocking, then checked again on the open
    handle, so that a file replaced between the two is caught too.
    """
    if path.name.startswith("~$"):
        raise FileProblem(path, key="file.lock", skipped=True)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileProblem(path, key="file.broken-link") from None
        raise FileProblem(path, key="file.missing") from None
    except OSError as exc:
        raise _os_problem(path, exc) from None
    _check_regular(path, info)
    for _ in range(3):                # a file being copied or saved meanwhile is read again, twice at most
        data, same = _read_once(path)
        if same:
            return data
    raise FileProblem(path, key="file.changed")


def _unchanged(before: os.stat_result, after: os.stat_result, size: int) -> bool:
    """Whether a file's size and modification time are the same after reading ``size`` bytes as before."""
    return (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size) == (after.st_mtime_ns, size)


def _read_once(path: Path) -> tuple[bytes, bool]:
    """The bytes of one read of the file, and whether it did not change while they were read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileProblem(path, key="file.gone") from None
    except OSError as exc:
        raise _os_problem(path, exc) from None
    try:
        info = os.fstat(fd)
        _check_regular(path, info)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_FILE:
                raise FileProblem(path, key="file.too-big")
            chunks.append(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise _os_problem(path, exc) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if not data:
        raise FileProblem(path, key="file.empty")
    return data, _unchanged(info, after, len(data))


def _check_regular(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(path, key="file.folder")
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(path, key="file.not-regular")


def _os_problem(path: Path, exc: OSError) -> FileProblem:
    if isinstance(exc, PermissionError):
        return FileProblem(path, key="file.permission")
    return FileProblem(path, key="file.disk", reason=exc.strerror or type(exc).__name__)


def _sniff(path: Path, data: bytes | None = None, archive: zipfile.ZipFile | None = None) -> str:
    """What the file is by its content: xlsx, xls, ods or html. Raises FileProblem, saying what it
    seems to be, for anything else; "password protected" only for an encrypted file."""
    if data is None:
        data = read_bytes(path)
    head = data[:8]
    if head.startswith(b"PK"):
        return _zip_kind(path, data, archive)
    if head == _OLE_MAGIC:
        return _ole_kind(path, data)
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body")) or (
            b"<table" in data[:65536].lower() and b"<" == text[:1] and b"urn:schemas-microsoft-com:office:spreadsheet" not in text):
        return "html"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        seems = _pair("file.seems.excel-2003")
    else:
        seems = _seems(data)
    raise FileProblem(path, key="file.not-excel", seems=seems)


_MAGIC = ((b"%PDF", "file.seems.pdf"), (b"\x89PNG", "file.seems.png"), (b"\xff\xd8\xff", "file.seems.jpeg"),
          (b"Rar!", "file.seems.rar"), (b"7z\xbc\xaf", "file.seems.7z"), (b"{\\rtf", "file.seems.rtf"))

register({
    "file.lock": ("tệp khóa tạm của Excel (~$…), không phải bảng tính", "an Excel lock file (~$…), not a workbook"),
    "file.broken-link": ("liên kết (shortcut) trỏ tới tệp không còn tồn tại", "a link to a file that no longer exists"),
    "file.missing": ("không có tệp này (có thể đã bị xóa hoặc đổi tên trong lúc đọc thư mục)",
                     "no such file (perhaps removed or renamed while the folder was read)"),
    "file.changed": ("tệp thay đổi trong khi đang đọc (đang được chép hoặc lưu?); hãy chạy lại khi tệp đã chép xong",
                     "the file changed while it was read (being copied or saved?); run again once it is complete"),
    "file.gone": ("tệp đã bị xóa hoặc đổi tên trong lúc đọc", "the file was removed or renamed while it was read"),
    "file.too-big": ("tệp quá lớn (trên 400 MB)", "the file is over 400 MB"),
    "file.empty": ("tệp rỗng (0 byte)", "the file is empty (0 bytes)"),
    "file.folder": ("đây là thư mục, không phải tệp", "a folder, not a file"),
    "file.not-regular": ("không phải tệp thường (một đường ống, thiết bị hay socket mang tên bảng tính); không mở",
                         "not a regular file (a pipe, device or socket with a workbook's name); not opened"),
    "file.permission": ("không có quyền đọc tệp; hãy cấp quyền đọc hoặc chép tệp sang thư mục khác",
                        "permission denied; give read access or copy the file elsewhere"),
    "file.disk": ("không đọc được tệp từ ổ đĩa ({reason})", "the file cannot be read from disk ({reason})"),
    "file.not-excel": ("không phải tệp Excel (.xlsx, .xls) hay .ods: {seems}", "not an Excel (.xlsx, .xls) or .ods file: {seems}"),
    "file.broken-zip": ("tệp bị hỏng hoặc chưa tải về hết (zip không đọc được)",
                        "the file is damaged or incompletely downloaded (broken zip)"),
    "file.zip-bomb": ("tệp quá lớn khi giải nén (trên 400 MB), có thể là tệp độc hại",
                      "the file inflates to over 400 MB; refused as possibly malicious"),
    "file.zip-not-workbook": ("tệp zip này không phải bảng tính Excel hay ODS: {seems}",
                              "this zip file is not an Excel or ODS workbook: {seems}"),
    "file.password": ("tệp có mật khẩu mở; hãy gỡ mật khẩu (File > Info > Protect Workbook) rồi gửi lại",
                      "the file is password-protected; remove the password and send it again"),
    "file.damaged": ("tệp bị hỏng, không đọc được ({reason})", "the file is damaged and cannot be read ({reason})"),
    "file.no-table": ("không tìm thấy bảng Phụ lục 1 hay Phụ lục 2 (cần dòng tiêu đề có «STT» và «Nội dung công việc»)",
                      "no Phụ lục 1 or Phụ lục 2 table found (a header row with «STT» and «Nội dung công việc» is needed)"),
    "file.seems.excel-2003": ("bảng tính XML của Excel 2003; hãy mở bằng Excel và lưu lại dạng .xlsx",
                              "an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"),
    "file.seems.pdf": ("có vẻ là tệp PDF", "it seems to be a PDF"),
    "file.seems.png": ("có vẻ là ảnh PNG", "it seems to be a PNG image"),
    "file.seems.jpeg": ("có vẻ là ảnh JPEG", "it seems to be a JPEG image"),
    "file.seems.rar": ("có vẻ là tệp nén RAR", "it seems to be a RAR archive"),
    "file.seems.7z": ("có vẻ là tệp nén 7z", "it seems to be a 7z archive"),
    "file.seems.rtf": ("có vẻ là văn bản RTF", "it seems to be an RTF document"),
    "file.seems.text": ("có vẻ là tệp văn bản đổi đuôi", "it seems to be a text file renamed"),
    "file.seems.unknown": ("không nhận ra định dạng", "its format is not recognised"),
    "file.seems.word": ("có vẻ là văn bản Word (.docx, .odt)", "it seems to be a Word document (.docx, .odt)"),
    "file.seems.presentation": ("có vẻ là bản trình chiếu", "it seems to be a presentation"),
    "file.seems.zip": ("một tệp nén zip", "a zip archive"),
    "file.seems.doc": ("có vẻ là văn bản Word (.doc)", "it seems to be a Word document (.doc)"),
    "file.seems.office": ("một tệp Office không phải bảng tính", "an Office file that is not a workbook"),
})


def _pair(key: str) -> tuple[str, str]:
    """The message ``key`` as a (vi, en) pair, for a value a longer message takes in either language."""
    return message_text(key, "vi"), message_text(key, "en")


def _seems(data: bytes) -> tuple[str, str]:
    for magic, key in _MAGIC:
        if data.startswith(magic):
            return _pair(key)
    sample = data[:4096]
    try:
        sample.decode("utf-8")
        return _pair("file.seems.text")
    except UnicodeDecodeError:
        return _pair("file.seems.unknown")


def _zip_kind(path: Path, data: bytes, archive: zipfile.ZipFile | None = None) -> str:
    try:
        archive = archive or zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        mimetype = archive.read("mimetype")[:100] if "mimetype" in archive.NameToInfo else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError):
        raise FileProblem(path, key="file.broken-zip") from None
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise FileProblem(path, key="file.zip-bomb")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and (not mimetype or b"spreadsheet" in mimetype):
        return "ods"
    if "word/document.xml" in names or b"text" in mimetype:
        seems = _pair("file.seems.word")
    elif "ppt/presentation.xml" in names or b"presentation" in mimetype:
        seems = _pair("file.seems.presentation")
    else:
        seems = _pair("file.seems.zip")
    raise FileProblem(path, key="file.zip-not-workbook", seems=seems)


def _ole_kind(path: Path, data: bytes) -> str:
    """An OLE2 container: encrypted (an .xlsx with a password to open, or an encrypted .xls), a
    real .xls, or something else (a Word .doc …)."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data
    if has("EncryptedPackage") or has("EncryptionInfo"):
        raise _password(path)
    if has("Workbook") or has("Book"):
        if _xls_encrypted(data):
            raise _password(path)
        return "xls"
    seems = _pair("file.seems.doc" if has("WordDocument") else "file.seems.office")
    raise FileProblem(path, key="file.not-excel", seems=seems)


def _xls_encrypted(data: bytes) -> bool:
    """A BIFF8 workbook saved with a password to open has a FILEPASS record (0x002F) right after
    the first BOF record of its stream."""
    at = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")      # BOF of the workbook globals, BIFF8
    if at < 0:
        return False
    follow = at + 4 + 16
    return data[follow:follow + 2] == b"\x2f\x00"


_CORE_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)<")
_ODS_DATE = re.compile(rb"<dc:date>([^<]+)<")


def document_saved(data: bytes, archive: zipfile.ZipFile | None = None) -> dt.datetime | None:
    """When the file says it was last saved (docProps/core.xml, meta.xml), in UTC without tzinfo;
    None when it does not say, or not in a form that can be read."""
    if not data.startswith(b"PK"):
        return None
    try:
        archive = archive or zipfile.ZipFile(io.BytesIO(data))
        for member, pattern in (("docProps/core.xml", _CORE_MODIFIED), ("meta.xml", _ODS_DATE)):
            if member in archive.NameToInfo:
                match = pattern.search(scan.read_member(archive, member, data)[:1 << 20])
                if match:
                    return _timestamp(match.group(1).decode("ascii", "replace").strip())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError):
        pass
    return None


def _timestamp(text: str) -> dt.datetime | None:
    """ISO 8601 with or without fractions and offset (``Z``, ``+07:00``) -> naive UTC."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?", text)
    if not match:
        return None
    try:
        moment = dt.datetime.fromisoformat(match.group(1))
        offset = match.group(2)
        if offset and offset != "Z":
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            moment -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment
    except (ValueError, OverflowError):
        return None


def _password(path: Path) -> FileProblem:
    return FileProblem(path, key="file.password")


def _broken(path: Path, exc: BaseException) -> FileProblem:
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return FileProblem(path, key="file.damaged", reason=reason)
