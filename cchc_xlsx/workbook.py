"""Read stage: open a spreadsheet file safely and give its sheets as grids of cell values."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import python_calamine as calamine

__all__ = ["Sheet", "Book", "FileProblem", "open_book", "each_sheet", "READERS", "formulas_without_values", "column_index", "column_letter", "cell_ref", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
#: Refuse sheets that would inflate past this (a zip bomb, or a sheet of millions of blank cells).
MAX_UNCOMPRESSED = 400 * 1024 * 1024


class FileProblem(Exception):
    """A file that cannot be read at all. ``vi`` and ``en`` say why and what to do, in one line."""

    def __init__(self, path: Path | str, vi: str, en: str, *, skipped: bool = False):
        self.path, self.vi, self.en, self.skipped = Path(path), vi, en, skipped
        super().__init__(f"{self.path.name}: {en}")

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


@dataclass
class Sheet:
    """One sheet: ``rows[i][j]`` is the value of Excel row i+1, column j+1.

    An empty cell is ``''`` (python-calamine) or None (other readers, and outside the grid): every
    parser takes both for blank.
    """

    name: str
    rows: list[list[object]]
    visible: bool = True
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # zero-based r0, c0, r1, c1

    def value(self, row: int, col: int) -> object:
        """Value at zero-based (row, col), None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class Book:
    path: Path
    sheets: list[Sheet]

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
              reader: str = "calamine") -> Book:
    """Every sheet of the file (or the named ones) as grids. Raises FileProblem, never a traceback.

    With ``hidden``, a hidden sheet is read only if it is named there (the tables are looked for in
    visible sheets only, and a template's hidden lists need not be parsed). ``reader``: one of
    :data:`READERS`; openpyxl is used for .xlsx and .xlsm files only (calamine for the others).
    """
    path = Path(path)
    return Book(path, list(_read_sheets(path, sheets, hidden, reader)))


def each_sheet(path: str | Path, *, reader: str = "calamine") -> Iterator[Book]:
    """The file's sheets one at a time, each as a Book of that sheet alone, the file opened once:
    a sheet's cells can be let go before the next is read. Raises FileProblem like open_book."""
    path = Path(path)
    for sheet in _read_sheets(path, None, None, reader):
        book = Book(path, [sheet])
        del sheet
        yield book
        del book


def _read_sheets(path: Path, sheets: list[str] | None, hidden: tuple[str, ...] | None,
                 reader: str) -> Iterator[Sheet]:
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}: one of {', '.join(READERS)}")
    _sniff(path)
    if reader == "openpyxl" and path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _openpyxl_sheets(path, sheets, hidden)
        return
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise _password(path) from None
    except Exception as exc:  # calamine raises several types for broken files
        raise _broken(path, exc) from None
    try:
        for meta in workbook.sheets_metadata:
            visible = str(meta.visible) in ("SheetVisibleEnum.Visible", "Visible")
            if (str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet") or _skip(meta.name, visible, sheets, hidden)):
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                grid = Sheet(meta.name, sheet.to_python(skip_empty_area=False),   # an empty cell is ''
                             visible, [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])])
                del sheet                     # calamine's copy of the cells
            except Exception as exc:
                raise _broken(path, exc) from None
            yield grid
            del grid                          # let the caller drop it before the next sheet is read
    finally:
        workbook.close()


def _skip(name: str, visible: bool, sheets: list[str] | None, hidden: tuple[str, ...] | None) -> bool:
    return (sheets is not None and name not in sheets) or (hidden is not None and not visible and name not in hidden)


def _openpyxl_sheets(path: Path, sheets: list[str] | None, hidden: tuple[str, ...] | None) -> Iterator[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        raise _broken(path, exc) from None
    try:
        for ws in workbook.worksheets:
            visible = ws.sheet_state == "visible"
            if _skip(ws.title, visible, sheets, hidden):
                continue
            try:
                rows = [_as_calamine(row) for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row,
                                                                   max_col=ws.max_column, values_only=True)]
                merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
            except Exception as exc:
                raise _broken(path, exc) from None
            yield Sheet(ws.title, [] if rows == [[None]] else rows, visible, merged)
    finally:
        workbook.close()


def _as_calamine(row: tuple) -> list[object]:
    """A row as python-calamine types it: a date cell without a time is a ``date`` (openpyxl gives
    a ``datetime`` at midnight), so that a date typed in a text field reads the same either way."""
    return [v.date() if type(v) is dt.datetime and not (v.hour or v.minute or v.second or v.microsecond) else v
            for v in row]


_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(rb"<f[^>]*>(.*?)</f>|<f[^>]*/>", re.S)
_VALUE = re.compile(rb"<v>(.+?)</v>", re.S)


def formulas_without_values(path: str | Path) -> dict[str, dict[tuple[int, int], str]]:
    """sheet name -> {(row, col) zero-based: formula} for formula cells saved without a result.

    Every reader returns only the stored result, so such a cell reads as empty: openpyxl and some
    scripts save formulas this way. Only .xlsx/.xlsm; {} for other formats or on any doubt.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
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
                data = archive.read(member)
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
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return {}
    return found


def column_index(letters: str) -> int:
    """Excel column letters -> zero-based index (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _sniff(path: Path) -> None:
    """Reject early, with a clear reason, what is not a spreadsheet we can read."""
    if path.name.startswith("~$"):
        raise FileProblem(path, "tệp khóa tạm của Excel (~$…), không phải bảng tính",
                          "an Excel lock file (~$…), not a workbook", skipped=True)
    if not path.exists():
        raise FileProblem(path, "không có tệp này", "no such file")
    if path.is_dir():
        raise FileProblem(path, "đây là thư mục, không phải tệp", "a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise FileProblem(path, "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        _check_zip(path)
        return
    if head == _OLE_MAGIC:
        if suffix in (".xlsx", ".xlsm") or _is_encrypted_ole(path):
            raise _password(path)
        return  # a real .xls
    raise FileProblem(path, "không phải tệp Excel (.xlsx, .xls) hay .ods; có thể là tệp văn bản đổi đuôi",
                      "not an Excel (.xlsx, .xls) or .ods file; perhaps a text file renamed")


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise FileProblem(path, "tệp bị hỏng hoặc chưa tải về hết (zip không đọc được)",
                          "the file is damaged or incompletely downloaded (broken zip)") from None
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise FileProblem(path, "tệp quá lớn khi giải nén (trên 400 MB), có thể là tệp độc hại",
                          "the file inflates to over 400 MB; refused as possibly malicious")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise FileProblem(path, "tệp zip này không phải bảng tính Excel hay ODS",
                          "this zip file is not an Excel or ODS workbook")


def _is_encrypted_ole(path: Path) -> bool:
    with path.open("rb") as f:
        data = f.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def _password(path: Path) -> FileProblem:
    return FileProblem(path, "tệp có mật khẩu mở; hãy gỡ mật khẩu (File > Info > Protect Workbook) rồi gửi lại",
                       "the file is password-protected; remove the password and send it again")


def _broken(path: Path, exc: Exception) -> FileProblem:
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return FileProblem(path, f"tệp bị hỏng, không đọc được ({reason})", f"the file is damaged and cannot be read ({reason})")
