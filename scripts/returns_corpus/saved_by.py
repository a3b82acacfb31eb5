"""Corpus cases: saved by another program, or stored another way.

Agencies fill the template in Excel, LibreOffice, WPS or Google Sheets, or a web system writes
it: the same values arrive in other containers. Each case here is the Sở Tư pháp's template
filled the same way (:data:`FILLED`: a budget, an evidence text and a frequency) and then saved
or stored differently; the right result is the same for all: the agency matched, the three values
read, nothing lost.

LibreOffice conversions are not byte-deterministic (LibreOffice stamps its own times and
version); the other cases are.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from .base import SAVED, case, cell, header_row, save

AGENCY = "so-tu-phap"
#: (sheet, row label, field, value): what every case of this family fills in.
FILLED = (
    ("Phụ lục 1", "Hoạt động 1.4.4", "budget", 12),
    ("Phụ lục 1", "Hoạt động 1.4.2", "evidence", "Quyết định kiểm tra; giấy đi đường (đã bổ sung)"),
    ("Phụ lục 2", "Hoạt động 1.1.3", "frequency", "Hàng năm"),
)


def filled(templates: dict[str, Path]) -> openpyxl.Workbook:
    """The Sở Tư pháp's template with :data:`FILLED` typed in."""
    book = openpyxl.load_workbook(templates[AGENCY])
    for sheet, label, field, value in FILLED:
        cell(book[sheet], label, field).value = value
    return book


def _save_filled(templates: dict[str, Path], path: Path, edit=None) -> Path:
    book = filled(templates)
    if edit is not None:
        edit(book)
    return save(book, path, SAVED)


def _rewrite(path: Path, change) -> Path:
    """Rewrite the zip's members through ``change(name, bytes) -> bytes``, keeping order and dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
    path.write_bytes(out.getvalue())
    return path


def _sheets(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _through_libreoffice(templates: dict[str, Path], out: Path, fmt: str, name: str) -> list[Path]:
    """The filled template converted by LibreOffice; no file where LibreOffice is not installed
    (the tests then skip the case; CI installs it)."""
    from cchc_xlsx.office import convert, find_soffice

    if find_soffice() is None:
        return []

    with tempfile.TemporaryDirectory(prefix="cchc-saved-by-") as tmp:
        staged = _save_filled(templates, Path(tmp) / f"{name}.xlsx")
        produced = convert(staged, fmt, Path(tmp) / "out")
        target = out / f"{name}.{fmt}"
        shutil.move(produced, target)
    return [target]


@case("libreoffice-resaved-xlsx", "saved_by", "filled, then opened and saved as .xlsx by LibreOffice Calc")
def libreoffice_xlsx(templates: dict[str, Path], out: Path) -> list[Path]:
    return _through_libreoffice(templates, out, "xlsx", "libreoffice-resaved-xlsx")


@case("libreoffice-ods", "saved_by", "filled, then saved as OpenDocument (.ods) by LibreOffice Calc")
def libreoffice_ods(templates: dict[str, Path], out: Path) -> list[Path]:
    return _through_libreoffice(templates, out, "ods", "libreoffice-ods")


@case("libreoffice-xls", "saved_by", "filled, then saved as Excel 97–2003 (.xls) by LibreOffice Calc")
def libreoffice_xls(templates: dict[str, Path], out: Path) -> list[Path]:
    return _through_libreoffice(templates, out, "xls", "libreoffice-xls")


@case("shared-strings-rich-text", "saved_by", "texts in shared strings with rich-text runs (part of a cell in bold), as Excel writes them")
def rich_text(templates: dict[str, Path], out: Path) -> list[Path]:
    """openpyxl writes every text inline: here they go back to a shared-strings table, each filled
    text split into two runs, the second in bold (what Excel stores when part of a cell is bold)."""
    path = _save_filled(templates, out / "shared-strings-rich-text.xlsx")
    shared: dict[str, int] = {}
    filled_texts = {value for _, _, _, value in FILLED if isinstance(value, str)}

    def to_shared(match: re.Match) -> str:
        body = match.group(3)
        index = shared.setdefault(body, len(shared))
        return f'<c{match.group(1)}{match.group(2)} t="s"><v>{index}</v></c>'

    def change(name: str, data: bytes) -> bytes:
        if _sheets(name):
            return re.sub(r'<c([^>]*?) t="inlineStr"([^>]*)><is>(.*?)</is></c>', to_shared,
                          data.decode("utf-8"), flags=re.S).encode("utf-8")
        return data
    _rewrite(path, change)

    def item(body: str) -> str:
        text = re.sub(r"<[^>]+>", "", body)
        if text in filled_texts:
            half = len(text) // 2
            return (f'<si><r><t xml:space="preserve">{text[:half]}</t></r>'
                    f'<r><rPr><b/><sz val="12"/></rPr><t xml:space="preserve">{text[half:]}</t></r></si>')
        return f"<si>{body}</si>"
    table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">'
             + "".join(item(body) for body in shared) + "</sst>").encode("utf-8")
    out_zip = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(info, data)
        stamp = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(1980, 1, 1, 0, 0, 0))
        stamp.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(stamp, table)
    path.write_bytes(out_zip.getvalue())
    return [path]


@case("sheets-renamed-reordered", "saved_by", "the sheets renamed (PL1, PL2) and Phụ lục 2 moved first")
def sheets_renamed(templates: dict[str, Path], out: Path) -> list[Path]:
    def edit(book):
        plan, monitoring = book["Phụ lục 1"], book["Phụ lục 2"]
        plan.title, monitoring.title = "PL1", "PL2"
        book.move_sheet(monitoring, offset=-1)
    return [_save_filled(templates, out / "sheets-renamed-reordered.xlsx", edit)]


@case("column-inserted", "saved_by", "a «Ghi chú» column inserted between the evidence and the months, merges moved as Excel moves them")
def column_inserted(templates: dict[str, Path], out: Path) -> list[Path]:
    def edit(book):
        ws = book["Phụ lục 1"]
        top = header_row(ws)
        col = next(c.column for c in ws[top + 1] if c.value == "Từ tháng") if any(
            c.value == "Từ tháng" for c in ws[top + 1]) else 5
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        for m in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(m))
        ws.insert_cols(col)
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=r0, end_row=r1, start_column=c0 + (c0 >= col), end_column=c1 + (c1 >= col))
        ws.cell(top, col, "Ghi chú")
        ws.merge_cells(start_row=top, end_row=top + 1, start_column=col, end_column=col)
        ws.cell(cell(ws, "Hoạt động 1.4.4", "budget").row, col, "Đã ký hợp đồng")
        ws.column_dimensions[get_column_letter(col)].width = 16
    return [_save_filled(templates, out / "column-inserted.xlsx", edit)]


@case("no-cell-references", "saved_by", "rows and cells written without their r=\"A1\" references (allowed by the standard; some writers do)")
def no_cell_references(templates: dict[str, Path], out: Path) -> list[Path]:
    path = _save_filled(templates, out / "no-cell-references.xlsx")

    def change(name: str, data: bytes) -> bytes:
        if not _sheets(name):
            return data
        text = data.decode("utf-8")
        body_start = text.index("<sheetData")
        body_end = text.index("</sheetData>")
        body = text[body_start:body_end]
        # every row present in order and every cell present in order is needed for that: fill the
        # gaps with empty rows/cells the way such writers do
        rows = []
        expected_row = 1
        for match in re.finditer(r'<row r="(\d+)"([^>]*?)(/>|>(.*?)</row>)', body, re.S):
            number = int(match.group(1))
            while expected_row < number:
                rows.append("<row/>")
                expected_row += 1
            cells, expected_col = [], 1
            for c in re.finditer(r'<c r="([A-Z]+)\d+"([^>]*?)(/>|>.*?</c>)', match.group(4) or "", re.S):
                col = 0
                for ch in c.group(1):
                    col = col * 26 + ord(ch) - 64
                while expected_col < col:
                    cells.append("<c/>")
                    expected_col += 1
                cells.append(f"<c{c.group(2)}{c.group(3)}")
                expected_col += 1
            attrs = re.sub(r'\s*spans="[^"]*"', "", match.group(2))
            rows.append(f"<row{attrs}>{''.join(cells)}</row>")
            expected_row += 1
        return (text[:body_start] + "<sheetData>" + "".join(rows) + text[body_end:]).encode("utf-8")
    return [_rewrite(path, change)]


@case("namespace-prefixed", "saved_by", "the sheet XML written with a namespace prefix (<x:c>), as the OpenXML SDK of .NET systems writes it")
def namespace_prefixed(templates: dict[str, Path], out: Path) -> list[Path]:
    path = _save_filled(templates, out / "namespace-prefixed.xlsx")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def change(name: str, data: bytes) -> bytes:
        if not (_sheets(name) or name in ("xl/workbook.xml", "xl/sharedStrings.xml")):
            return data
        text = data.decode("utf-8")
        text = re.sub(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])", r"<\1x:\2", text)
        text = text.replace(f'xmlns="{main}"', f'xmlns:x="{main}"')
        return text.encode("utf-8")
    return [_rewrite(path, change)]
