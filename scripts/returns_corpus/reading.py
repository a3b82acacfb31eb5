"""Corpus cases: reading (issue 10, items 1, 3 and 5): far cells, formula errors, hidden sheets
and rows, files whose name does not say what they are.

Each case starts from an agency's template of the bundled plan, changed with openpyxl as the
agency would, or in the zip's XML where openpyxl cannot make the condition, or saved by
LibreOffice (.ods, .xls). The tests (tests/test_returns_reading.py) assert what each must give.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl

from .base import SAVED, case, cell, column, header_row, row_of, save

SHEET_PLAN, SHEET_MONITORING = "Phụ lục 1", "Phụ lục 2"


# --------------------------------------------------------------------------- helpers
def _book(templates: dict[str, Path], agency: str = "so-tu-phap"):
    return openpyxl.load_workbook(templates[agency])


def _edit_sheet_xml(path: Path, sheet: str, edit) -> Path:
    """Rewrite one sheet's XML inside the zip (``edit``: bytes -> bytes); other members kept."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
        member = "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
        contents = {info: archive.read(info.filename) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info, data in contents.items():
            copy.writestr(info, edit(data) if info.filename == member else data)
    path.write_bytes(out.getvalue())
    return path


def _convert(path: Path, fmt: str, out_name: Path) -> Path:
    """``path`` saved by LibreOffice as ``fmt`` (ods, xls), written as ``out_name``."""
    from cchc_xlsx.office import convert

    with tempfile.TemporaryDirectory(prefix="cchc-corpus-lo-") as tmp:
        produced = convert(path, fmt, Path(tmp))
        shutil.copyfile(produced, out_name)
    return out_name


def _ref(ws, label: str, field: str) -> str:
    return cell(ws, label, field).coordinate


# --------------------------------------------------------------------------- item 1: far cells
@case("far-cell-xfd", "reading", "a value in the grid's last cell XFD1048576 of Phụ lục 1 (calamine would ask ~512 GiB)")
def far_cell_xfd(templates, out):
    book = _book(templates)
    book[SHEET_PLAN]["XFD1048576"] = "ghi chú lạc"
    cell(book[SHEET_PLAN], "Hoạt động 1.4.2", "budget").value = 12       # a value read past the far cell
    return [save(book, out / "far-cell-xfd.xlsx", SAVED)]


@case("far-cell-zz100000", "reading", "a number in ZZ100000 of Phụ lục 2 (a legal cell that costs GBs)")
def far_cell_zz(templates, out):
    book = _book(templates, "van-phong-ubnd-tinh")
    book[SHEET_MONITORING]["ZZ100000"] = 2018
    return [save(book, out / "far-cell-zz100000.xlsx", SAVED)]


@case("far-cell-many", "reading", "25 far cells down column AMJ of Phụ lục 1 and a far cell in the instructions sheet")
def far_cell_many(templates, out):
    book = _book(templates)
    for i in range(25):
        book[SHEET_PLAN][f"AMJ{500_000 + 1000 * i}"] = f"x{i}"
    book["Hướng dẫn"]["XFD20"] = "ở xa"
    return [save(book, out / "far-cell-many.xlsx", SAVED)]


@case("far-dimension", "reading", "<dimension ref=\"A1:XFD1048576\"/> on both tables, no far cell (the stated used range is the whole grid)")
def far_dimension(templates, out):
    book = _book(templates)
    path = save(book, out / "far-dimension.xlsx", SAVED)
    for sheet in (SHEET_PLAN, SHEET_MONITORING):
        _edit_sheet_xml(path, sheet, lambda data: re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                                         b'<dimension ref="A1:XFD1048576"/>', data))
    return [path]


@case("far-cell-ods", "reading", "an .ods saved by LibreOffice with a value in ZZ100000 of Phụ lục 1")
def far_cell_ods(templates, out):
    book = _book(templates)
    book[SHEET_PLAN]["ZZ100000"] = "xa"
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "far-cell-ods.xlsx", SAVED)
        return [_convert(staged, "ods", out / "far-cell-ods.ods")]


@case("far-cell-xls", "reading", "an .xls saved by LibreOffice with a value in the last BIFF8 cell IV65536")
def far_cell_xls(templates, out):
    book = _book(templates)
    book[SHEET_PLAN]["IV65536"] = "xa"
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "far-cell-xls.xlsx", SAVED)
        return [_convert(staged, "xls", out / "far-cell-xls.xls")]


# --------------------------------------------------------------------------- item 3: formula errors
#: field -> (sheet, activity, error) in the formula-error cases
ERRORS = {"budget": (SHEET_PLAN, "Hoạt động 1.4.2", "#REF!"),
          "from": (SHEET_PLAN, "Hoạt động 1.4.4", "#N/A"),
          "indicator": (SHEET_PLAN, "Hoạt động 1.1.3", "#DIV/0!"),
          "lead": (SHEET_PLAN, "Hoạt động 1.4.3", "#NAME?"),
          "frequency": (SHEET_MONITORING, "Hoạt động 1.1.3", "#VALUE!"),
          "collector": (SHEET_MONITORING, "Hoạt động 1.4.2", "#N/A")}


@case("formula-error-cached", "reading", "error values cached in six fields (#REF! budget, #N/A month, #DIV/0! indicator, #NAME? lead, #VALUE! frequency, #N/A collector)")
def formula_error_cached(templates, out):
    book = _book(templates)
    for field, (sheet, label, error) in ERRORS.items():
        cell(book[sheet], label, field).value = error     # openpyxl writes an error string as t="e"
    return [save(book, out / "formula-error-cached.xlsx", SAVED)]


@case("formula-error-formula", "reading", "formulas whose cached result is an error (=1/0 budget, =VLOOKUP(...) → #N/A month) written in the XML")
def formula_error_formula(templates, out):
    book = _book(templates)
    ws = book[SHEET_PLAN]
    budget, month = _ref(ws, "Hoạt động 1.4.2", "budget"), _ref(ws, "Hoạt động 1.4.4", "from")
    path = save(book, out / "formula-error-formula.xlsx", SAVED)

    def edit(data: bytes) -> bytes:
        for ref, formula, error in ((budget, b"1/0", b"#DIV/0!"), (month, b'VLOOKUP("x",A1:B2,2,FALSE)', b"#N/A")):
            data, n = re.subn(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)',
                              lambda m: b'<c r="' + ref.encode() + b'"' + re.sub(rb'\s*t="[^"]*"', b"", m.group(1)) +
                              b' t="e"><f>' + formula.replace(b'"', b"&quot;") + b"</f><v>" + error + b"</v></c>",
                              data, count=1, flags=re.S)
            assert n == 1, ref
        return data
    return [_edit_sheet_xml(path, SHEET_PLAN, edit)]


@case("formula-error-ods", "reading", "the cached errors of formula-error-cached saved by LibreOffice as .ods, budget as a formula =1/0")
def formula_error_ods(templates, out):
    book = _book(templates)
    ws = book[SHEET_PLAN]
    cell(ws, "Hoạt động 1.4.2", "budget").value = "=1/0"
    cell(ws, "Hoạt động 1.1.3", "indicator").value = "=NA()"
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "formula-error-ods.xlsx", SAVED)
        from cchc_xlsx.office import convert

        recalculated = convert(staged, "xlsx", Path(tmp) / "lo", recalc=True)
        return [_convert(recalculated, "ods", out / "formula-error-ods.ods")]


@case("formula-error-xls", "reading", "the errors of formula-error-cached and a formula =1/0 saved by LibreOffice as .xls")
def formula_error_xls(templates, out):
    book = _book(templates)
    for field, (sheet, label, error) in ERRORS.items():
        cell(book[sheet], label, field).value = error
    cell(book[SHEET_PLAN], "Hoạt động 1.4.2", "budget").value = "=1/0"
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "formula-error-xls.xlsx", SAVED)
        from cchc_xlsx.office import convert

        recalculated = convert(staged, "xlsx", Path(tmp) / "lo", recalc=True)
        return [_convert(recalculated, "xls", out / "formula-error-xls.xls")]


# --------------------------------------------------------------------------- item 3: hidden things
@case("hidden-sheet-phu-luc-2", "reading", "Phụ lục 2 hidden by the agency (state=hidden), a frequency changed in it")
def hidden_sheet(templates, out):
    book = _book(templates)
    cell(book[SHEET_MONITORING], "Hoạt động 1.4.2", "frequency").value = "Hàng tháng"
    book[SHEET_MONITORING].sheet_state = "hidden"
    book.active = 1
    return [save(book, out / "hidden-sheet-phu-luc-2.xlsx", SAVED)]


@case("hidden-sheet-xls", "reading", "hidden-sheet-phu-luc-2 saved by LibreOffice as .xls (Phụ lục 2 hidden)")
def hidden_sheet_xls(templates, out):
    with tempfile.TemporaryDirectory() as tmp:
        staged = hidden_sheet(templates, Path(tmp))[0]
        return [_convert(staged, "xls", out / "hidden-sheet-xls.xls")]


@case("hidden-rows-filter", "reading", "an autofilter hiding two activities of Phụ lục 1 and a row hidden by hand in Phụ lục 2, each with a value changed")
def hidden_rows(templates, out):
    book = _book(templates)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    cell(plan, "Hoạt động 1.4.2", "budget").value = 33
    cell(plan, "Hoạt động 1.4.3", "partners").value = "Sở Tài chính"
    for label in ("Hoạt động 1.4.2", "Hoạt động 1.4.3"):
        plan.row_dimensions[row_of(plan, label)].hidden = True
    top = row_of(plan, "Hoạt động 1.4.2") - 1
    plan.auto_filter.ref = f"A6:I{plan.max_row}"
    plan.auto_filter.add_filter_column(column(plan, "lead") - 1, ["Sở Tư pháp"])
    assert top > 6
    cell(monitoring, "Hoạt động 1.1.3", "collector").value = "Bà Lê Thị Ẩn"
    monitoring.row_dimensions[row_of(monitoring, "Hoạt động 1.1.3")].hidden = True
    return [save(book, out / "hidden-rows-filter.xlsx", SAVED)]


@case("hidden-rows-ods", "reading", "hidden-rows-filter saved by LibreOffice as .ods (rows hidden by the filter and by hand)")
def hidden_rows_ods(templates, out):
    with tempfile.TemporaryDirectory() as tmp:
        staged = hidden_rows(templates, Path(tmp))[0]
        return [_convert(staged, "ods", out / "hidden-rows-ods.ods")]


# --------------------------------------------------------------------------- item 5: what a file is
@case("xls-named-xlsx", "reading", "a real .xls (OLE2, saved by LibreOffice) named .xlsx")
def xls_named_xlsx(templates, out):
    book = _book(templates)
    cell(book[SHEET_PLAN], "Hoạt động 1.4.2", "budget").value = 14
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "xls-named-xlsx.xlsx", SAVED)
        return [_convert(staged, "xls", out / "xls-named-xlsx.xlsx")]


@case("ods-named-xlsx", "reading", "an .ods (saved by LibreOffice) named .xlsx")
def ods_named_xlsx(templates, out):
    book = _book(templates)
    cell(book[SHEET_PLAN], "Hoạt động 1.4.2", "budget").value = 15
    with tempfile.TemporaryDirectory() as tmp:
        staged = save(book, Path(tmp) / "ods-named-xlsx.xlsx", SAVED)
        return [_convert(staged, "ods", out / "ods-named-xlsx.xlsx")]


@case("xlsx-named-xls", "reading", "an .xlsx named .xls")
def xlsx_named_xls(templates, out):
    book = _book(templates)
    cell(book[SHEET_PLAN], "Hoạt động 1.4.2", "budget").value = 16
    return [save(book, out / "xlsx-named-xls.xls", SAVED)]


def _html_table(ws, budget_of: dict[str, object]) -> str:
    """The sheet as a web system exports it: one <table>, the two header rows with rowspan and
    colspan, every value as text in Vietnamese notation."""
    from html import escape

    rows = []
    first = header_row(ws)
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True), start=1):
        if r < first:
            continue
        values = list(row)[:9]
        if r == first:        # the top header row: Thời gian spans two columns, the others two rows
            cells = []
            for c, value in enumerate(values):
                if c == 5:
                    continue
                span = ' colspan="2"' if c == 4 else ' rowspan="2"'
                cells.append(f"<th{span}>{escape(str(value or ''))}</th>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
            continue
        if r == first + 1:
            rows.append("<tr>" + "".join(f"<th>{escape(str(v or ''))}</th>" for v in values[4:6]) + "</tr>")
            continue
        label = str(values[0] or "")
        if label in budget_of:
            values[6] = budget_of[label]
        text = [("" if v is None else (str(v).replace(".", ",") if isinstance(v, float) else str(v))) for v in values]
        if str(values[6] or "").startswith("="):
            text[6] = ""
        rows.append("<tr>" + "".join(f"<td>{escape(t)}</td>" for t in text) + "</tr>")
    return "<table border=\"1\">\n" + "\n".join(rows) + "\n</table>"


@case("html-named-xls", "reading", "an HTML table exported by a web system with an .xls name (both appendices, rowspan/colspan headers)")
def html_named_xls(templates, out):
    book = _book(templates)
    plan = _html_table(book[SHEET_PLAN], {"Hoạt động 1.4.2": "17,5"})
    title = "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2018"
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"<title>Báo cáo</title></head><body><p>{title}</p>\n{plan}\n</body></html>")
    path = out / "html-named-xls.xls"
    path.write_text(page, encoding="utf-8")
    return [path]


@case("docx-named-xlsx", "reading", "a Word document (.docx) named .xlsx")
def docx_named_xlsx(templates, out):
    path = out / "docx-named-xlsx.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in (("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
                           ("word/document.xml", '<?xml version="1.0"?><w:document/>')):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text)   # same bytes every build
    return [path]


@case("pdf-named-xls", "reading", "a PDF named .xls")
def pdf_named_xls(templates, out):
    path = out / "pdf-named-xls.xls"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return [path]
