"""The feedback workbook sent back to an agency: its own file, the findings listed first and marked on their cells."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from cchc_xlsx.feedback import (COLUMNS, COMMENT_AUTHOR, FEEDBACK_SHEET, FILL_COLORS, INSTRUCTION, INSTRUCTION_NONE,
                                write_feedback)
from cchc_xlsx.findings import Finding

NAME = "cchc-2018-so-tu-phap.xlsx"
FIRST_ROW = 5   # title, instruction, blank, header, then the findings


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _values(path: Path, skip: str = "") -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    values = {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
              for ws in book.worksheets if ws.title != skip}
    book.close()
    return values


def make_return(path: Path) -> Path:
    """A small agency return: a protected, validated Phụ lục 1 and a plain Phụ lục 2."""
    book = openpyxl.Workbook()
    p1 = book.active
    p1.title = "Phụ lục 1"
    p1["A1"] = "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2018"
    p1.merge_cells("A1:I1")
    p1.append([])
    for r, (code, text, budget) in enumerate([("1", "Nhiệm vụ 1", None), ("1.1", "Kết quả 1.1", None),
                                              ("1.1.1", "Rà soát văn bản", 150), ("1.1.2", "Tập huấn", -1949)],
                                             start=5):
        p1.cell(r, 1, code)
        p1.cell(r, 2, text)
        if budget is not None:
            p1.cell(r, 7, budget)
    p1["G8"].number_format = "#,##0.0"
    p1["G8"].font = Font(name="Times New Roman", bold=True, size=12)
    p1["G9"] = "=SUM(G7:G8)"
    p1["H12"] = "=SUM(A1)"        # text that looks like a formula, as typed
    p1["H12"].data_type = "s"
    validation = DataValidation(type="list", formula1='"Sở Tư pháp,Sở Nội vụ"', allow_blank=True)
    validation.add("H7:H20")
    p1.add_data_validation(validation)
    p1.protection.sheet = True
    p1.protection.password = "cchc"
    p2 = book.create_sheet("Phụ lục 2")
    p2["A9"], p2["B9"], p2["E9"] = "1.1.1", "Rà soát văn bản", None
    p2["F9"] = "Sơ Tư pháp"
    book.defined_names["TongNganSach"] = DefinedName("TongNganSach", attr_text="'Phụ lục 1'!$G$9")
    book.save(path)
    return path


def agency_findings(name: str = NAME) -> list[Finding]:
    return [
        Finding("agency-corrected", file=name, sheet="Phụ lục 2", cell="E9", row_code="1.1.1",
                found="Sơ Tư pháp", expected="Sở Tư pháp"),
        Finding("template-version", file=name, expected="2", found="1"),
        Finding("frequency-missing", file=name, sheet="Phụ lục 2", cell="E9", row_code="1.1.1"),
        Finding("budget-negative", file=name, sheet="Phụ lục 1", cell="G8", row_code="1.1.2", found="=SUM(A1)"),
        Finding("budget-negative", file="cchc-2018-so-noi-vu.xlsx", sheet="Phụ lục 1", cell="G9", row_code="2.1.1",
                found="-5"),
    ]


@pytest.fixture
def source(tmp_path) -> Path:
    (tmp_path / "in").mkdir()
    return make_return(tmp_path / "in" / NAME)


@pytest.fixture
def feedback(source, tmp_path):
    before = _sha256(source)
    out = write_feedback(source, agency_findings(), tmp_path / "out")
    book = openpyxl.load_workbook(out)
    yield out, book, before
    book.close()


def _rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if any(v is not None for v in row)]


# --------------------------------------------------------------------------- the list sheet
def test_feedback_is_a_copy_named_gop_y_with_the_findings_sheet_first(feedback, tmp_path):
    out, book, _ = feedback
    assert out == tmp_path / "out" / "cchc-2018-so-tu-phap-gop-y.xlsx"
    assert book.sheetnames == [FEEDBACK_SHEET, "Phụ lục 1", "Phụ lục 2"]
    assert book.active.title == FEEDBACK_SHEET
    assert [ws.sheet_view.tabSelected for ws in book.worksheets] == [True, False, False]
    assert not list(tmp_path.joinpath("out").glob(".*tmp*"))      # no temporary file left behind


def test_findings_sheet_lists_this_files_findings_in_vietnamese_errors_first(feedback):
    _, book, _ = feedback
    ws = book[FEEDBACK_SHEET]
    assert ws["A1"].value == "Tệp cchc-2018-so-tu-phap.xlsx: 1 lỗi, 2 cảnh báo, 1 ghi chú"
    assert ws["A2"].value == INSTRUCTION == "Sửa các ô được tô màu trong tệp rồi gửi lại Sở Nội vụ."
    assert [c.value for c in ws[4]] == [label for label, _ in COLUMNS] == [
        "STT", "Mức độ", "Trang tính", "Ô", "Dòng", "Nội dung", "Giá trị đúng/gợi ý", "Giá trị hiện tại", "Mã"]
    rows = _rows(ws)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1] for r in rows] == ["Lỗi", "Cảnh báo", "Cảnh báo", "Ghi chú"]
    assert [(r[2], r[3], r[4], r[8]) for r in rows] == [
        ("Phụ lục 1", "G8", "1.1.2", "budget-negative"),
        (None, None, None, "template-version"),                      # file-level: no sheet, no cell
        ("Phụ lục 2", "E9", "1.1.1", "frequency-missing"),
        ("Phụ lục 2", "E9", "1.1.1", "agency-corrected")]
    assert rows[0][5] == "Sửa ô G8 của Phụ lục 1 (hoạt động 1.1.2): ngân sách không được âm (=SUM(A1)). Ghi số triệu đồng, hoặc 0."   # worded for the agency (cchc_xlsx/advice.py)
    assert rows[1][5].startswith("Tệp dùng biểu mẫu cũ (phiên bản 1). Hãy chép số liệu sang biểu mẫu mới (phiên bản 2)")
    assert rows[3][5] == "Tên «Sơ Tư pháp» ở ô E9 của Phụ lục 2 được hiểu là «Sở Tư pháp»; không cần sửa. Lần sau hãy chọn tên trong danh sách."
    assert (rows[3][6], rows[3][7]) == ("Sở Tư pháp", "Sơ Tư pháp")
    # what the agency typed stays text, never a live formula
    assert ws.cell(FIRST_ROW, 8).value == "=SUM(A1)" and ws.cell(FIRST_ROW, 8).data_type == "s"
    # the finding of another agency's file is not there
    assert all("2.1.1" not in (r[4] or "") for r in rows)


def test_place_cells_link_to_the_cells_they_name(feedback):
    _, book, _ = feedback
    ws = book[FEEDBACK_SHEET]
    links = {ws.cell(r, 4).value: ws.cell(r, 4).hyperlink for r in range(FIRST_ROW, FIRST_ROW + 4)}
    assert links["G8"].location == "'Phụ lục 1'!G8"
    assert links["E9"].location == "'Phụ lục 2'!E9"
    assert links[None] is None                                     # the file-level finding
    assert ws.cell(FIRST_ROW, 4).font.underline == "single"


def test_findings_sheet_is_printable_a4_landscape_in_times_new_roman(feedback):
    _, book, _ = feedback
    ws = book[FEEDBACK_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "A5"
    cells = [c for row in ws.iter_rows(min_row=1, max_row=FIRST_ROW + 3) for c in row if c.value is not None]
    assert {c.font.name for c in cells} == {"Times New Roman"}
    assert all(ws.cell(r, 6).alignment.wrap_text for r in range(FIRST_ROW, FIRST_ROW + 4))
    assert ws.column_dimensions["F"].width > ws.column_dimensions["A"].width


# --------------------------------------------------------------------------- the marked cells
def test_finding_cells_are_filled_by_severity_and_keep_value_format_and_font(feedback):
    _, book, _ = feedback
    g8 = book["Phụ lục 1"]["G8"]
    assert g8.fill.fill_type == "solid" and g8.fill.fgColor.rgb == FILL_COLORS["error"]
    assert (g8.value, g8.number_format) == (-1949, "#,##0.0")
    assert (g8.font.name, g8.font.bold, g8.font.size) == ("Times New Roman", True, 12)
    e9 = book["Phụ lục 2"]["E9"]
    assert e9.fill.fgColor.rgb == FILL_COLORS["warning"]          # the worse of warning and info
    assert book["Phụ lục 1"]["G7"].fill.fill_type is None          # other cells untouched
    assert book["Phụ lục 2"]["F9"].comment is None
    assert len({FILL_COLORS[s] for s in ("error", "warning", "info")}) == 3


def test_comments_hold_the_messages_and_one_cell_gets_one_comment(feedback):
    _, book, _ = feedback
    g8 = book["Phụ lục 1"]["G8"].comment
    assert g8.author == COMMENT_AUTHOR
    assert g8.text == "Lỗi: Sửa ô G8 của Phụ lục 1 (hoạt động 1.1.2): ngân sách không được âm (=SUM(A1)). Ghi số triệu đồng, hoặc 0."
    e9 = book["Phụ lục 2"]["E9"].comment
    assert e9.author == COMMENT_AUTHOR
    assert "Cảnh báo: Điền ô E9 của Phụ lục 2: tần suất thu thập của dòng 1.1.1" in e9.text
    assert "Ghi chú: Tên «Sơ Tư pháp» ở ô E9 của Phụ lục 2 được hiểu là «Sở Tư pháp»" in e9.text
    assert e9.text.index("Cảnh báo") < e9.text.index("Ghi chú")
    commented = [(ws.title, c.coordinate) for ws in book.worksheets for row in ws.iter_rows() for c in row
                 if c.comment is not None]
    assert sorted(commented) == [("Phụ lục 1", "G8"), ("Phụ lục 2", "E9")]


def test_a_cell_inside_a_merged_range_is_marked_on_its_top_left_cell(source, tmp_path):
    finding = Finding("wrong-template", file=NAME, sheet="Phụ lục 1", cell="$C$1", params={"reason": "tiêu đề"})
    out = write_feedback(source, [finding], tmp_path / "out")
    book = openpyxl.load_workbook(out)
    assert book["Phụ lục 1"]["A1"].comment.text.startswith("Lỗi: Tệp không có bảng Phụ lục 1 hay Phụ lục 2 của biểu mẫu")
    assert book[FEEDBACK_SHEET].cell(FIRST_ROW, 4).hyperlink.location == "'Phụ lục 1'!A1"


def test_a_sheet_the_file_does_not_have_is_listed_without_a_link(source, tmp_path):
    findings = [Finding("unknown-column", file=NAME, sheet="Phụ lục 3", cell="K4", found="Ghi chú"),
                Finding("unknown-column", file=NAME, sheet="Phụ lục 1", cell="not a cell", found="X")]
    out = write_feedback(source, findings, tmp_path / "out")
    book = openpyxl.load_workbook(out)
    ws = book[FEEDBACK_SHEET]
    assert [(r[2], r[3]) for r in _rows(ws)] == [("Phụ lục 3", "K4"), ("Phụ lục 1", "not a cell")]
    assert ws.cell(FIRST_ROW, 4).hyperlink is None and ws.cell(FIRST_ROW + 1, 4).hyperlink is None
    assert ws["A2"].value != INSTRUCTION                           # nothing is coloured in the file


def test_a_file_without_findings_says_there_is_nothing_to_fix(source, tmp_path):
    out = write_feedback(source, agency_findings("cchc-2018-so-noi-vu.xlsx"), tmp_path / "out")
    ws = openpyxl.load_workbook(out)[FEEDBACK_SHEET]
    assert ws["A1"].value == "Tệp cchc-2018-so-tu-phap.xlsx: 0 lỗi, 0 cảnh báo, 0 ghi chú"
    assert ws["A2"].value == INSTRUCTION_NONE
    assert _rows(ws) == []


# --------------------------------------------------------------------------- the rest of the file
def test_source_is_unchanged_byte_for_byte(feedback, source):
    _, _, before = feedback
    assert _sha256(source) == before


def test_other_sheets_keep_their_values_formulas_validations_and_names(feedback, source):
    out, book, _ = feedback
    assert _values(out, skip=FEEDBACK_SHEET) == _values(source)
    p1 = book["Phụ lục 1"]
    assert p1["G9"].value == "=SUM(G7:G8)"
    assert p1["H12"].value == "=SUM(A1)" and p1["H12"].data_type == "s"
    assert [str(r) for r in p1.merged_cells.ranges] == ["A1:I1"]
    (validation,) = p1.data_validations.dataValidation
    assert (validation.type, validation.formula1, str(validation.sqref)) == ("list", '"Sở Tư pháp,Sở Nội vụ"', "H7:H20")
    assert book.defined_names["TongNganSach"].attr_text == "'Phụ lục 1'!$G$9"


def test_protected_sheet_stays_protected(feedback, source):
    _, book, _ = feedback
    original = openpyxl.load_workbook(source)["Phụ lục 1"].protection
    protection = book["Phụ lục 1"].protection
    assert protection.sheet is True
    assert protection.password == original.password and protection.password
    assert book["Phụ lục 1"]["G8"].comment is not None              # marked all the same


def test_output_equal_to_the_source_is_refused(source, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "cchc-2018-so-tu-phap-gop-y.xlsx").symlink_to(source)
    before = _sha256(source)
    with pytest.raises(ValueError, match="Không ghi đè tệp gốc"):
        write_feedback(source, agency_findings(), out_dir)
    assert _sha256(source) == before


def test_running_again_on_a_returned_feedback_file_replaces_the_old_list(feedback, tmp_path):
    out, _, _ = feedback
    again = write_feedback(out, [Finding("budget-missing", file=out.name, sheet="Phụ lục 1", cell="G7",
                                         row_code="1.1.1")], tmp_path / "again")
    book = openpyxl.load_workbook(again)
    assert again.name == "cchc-2018-so-tu-phap-gop-y-gop-y.xlsx"
    assert book.sheetnames == [FEEDBACK_SHEET, "Phụ lục 1", "Phụ lục 2"]
    assert [r[8] for r in _rows(book[FEEDBACK_SHEET])] == ["budget-missing"]
    assert book["Phụ lục 1"]["G8"].comment is None                 # last round's comment is gone
    assert book["Phụ lục 1"]["G7"].comment.author == COMMENT_AUTHOR


def test_an_agency_comment_on_a_finding_cell_is_kept_in_the_new_comment(tmp_path):
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    book.active.title = "Phụ lục 1"
    book.active["G8"] = 5
    book.active["G8"].comment = Comment("Số liệu tạm tính", "Chị Lan")
    src = tmp_path / NAME
    book.save(src)
    out = write_feedback(src, [Finding("budget-missing", file=NAME, sheet="Phụ lục 1", cell="G8", row_code="1")],
                         tmp_path / "out")
    comment = openpyxl.load_workbook(out)["Phụ lục 1"]["G8"].comment
    assert comment.text.startswith("Cảnh báo: Điền ô G8 của Phụ lục 1: ngân sách dự kiến của hoạt động 1")
    assert "Chị Lan" in comment.text and "Số liệu tạm tính" in comment.text


# --------------------------------------------------------------------------- other formats
def test_xlsm_keeps_its_macros(tmp_path):
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))   # stands for a VBA project
    src = tmp_path / "cchc-2018-so-noi-vu.xlsm"
    book = xlsxwriter.Workbook(src)
    book.add_worksheet("Phụ lục 1").write_number("G8", -5)
    book.add_vba_project(str(vba))
    book.close()
    out = write_feedback(src, [Finding("budget-negative", file=src.name, sheet="Phụ lục 1", cell="G8",
                                       row_code="1.1.1", found="-5")], tmp_path / "out")
    assert out.name == "cchc-2018-so-noi-vu-gop-y.xlsm"
    with zipfile.ZipFile(out) as archive:
        assert archive.read("xl/vbaProject.bin") == vba.read_bytes()
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in archive.read("[Content_Types].xml")
    book = openpyxl.load_workbook(out, keep_vba=True)
    assert book.sheetnames == [FEEDBACK_SHEET, "Phụ lục 1"]
    assert book["Phụ lục 1"]["G8"].comment.author == COMMENT_AUTHOR


def _findings_only(out: Path, source_name: str, kind: str) -> None:
    assert out.suffix == ".xlsx"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [FEEDBACK_SHEET]
    ws = book[FEEDBACK_SHEET]
    assert ws["A1"].value.startswith(f"Tệp {source_name}: 1 lỗi, 0 cảnh báo, 0 ghi chú. ")
    assert kind in ws["A1"].value and "chỉ gồm danh sách kết quả kiểm tra" in ws["A1"].value
    rows = _rows(ws)
    assert [(r[1], r[2], r[3], r[8]) for r in rows] == [("Lỗi", "Phụ lục 1", "G8", "budget-negative")]
    assert ws.cell(FIRST_ROW, 4).hyperlink is None                 # no sheet to go to in this workbook


def test_xls_source_gets_a_findings_only_xlsx(tmp_path):
    src = tmp_path / "cchc-2018-so-tai-chinh.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))   # an OLE header: openpyxl cannot read it
    before = _sha256(src)
    finding = Finding("budget-negative", file=src.name, sheet="Phụ lục 1", cell="G8", row_code="1.1.1", found="-5")
    out = write_feedback(src, [finding], tmp_path / "out")
    assert out == tmp_path / "out" / "cchc-2018-so-tai-chinh-gop-y.xlsx"
    _findings_only(out, src.name, ".xls")
    assert _sha256(src) == before


def test_xls_renamed_xlsx_gets_a_findings_only_xlsx(tmp_path):
    src = tmp_path / NAME
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    finding = Finding("budget-negative", file=src.name, sheet="Phụ lục 1", cell="G8", row_code="1.1.1", found="-5")
    out = write_feedback(src, [finding], tmp_path / "out")
    assert out.name == "cchc-2018-so-tu-phap-gop-y.xlsx"
    _findings_only(out, src.name, "không phải tệp .xlsx thật")


def test_password_protected_xlsx_gets_a_findings_only_xlsx(tmp_path):
    src = tmp_path / NAME
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptedPackage".encode("utf-16-le"))
    finding = Finding("budget-negative", file=src.name, sheet="Phụ lục 1", cell="G8", row_code="1.1.1", found="-5")
    _findings_only(write_feedback(src, [finding], tmp_path / "out"), src.name, "có mật khẩu mở")


def test_damaged_xlsm_gets_a_findings_only_xlsx_not_a_macro_less_xlsm(tmp_path):
    src = tmp_path / "cchc-2018-so-noi-vu.xlsm"
    with zipfile.ZipFile(src, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    finding = Finding("budget-negative", file=src.name, sheet="Phụ lục 1", cell="G8", row_code="1.1.1", found="-5")
    out = write_feedback(src, [finding], tmp_path / "out")
    assert out.name == "cchc-2018-so-noi-vu-gop-y.xlsx"
    _findings_only(out, src.name, "Không mở được tệp gốc")


def test_messages_and_labels_in_english(source, tmp_path):
    out = write_feedback(source, agency_findings(), tmp_path / "out", lang="en")
    book = openpyxl.load_workbook(out)
    ws = book["Check results"]
    assert book.sheetnames[0] == "Check results"
    assert ws["A1"].value == "File cchc-2018-so-tu-phap.xlsx: 1 error, 2 warnings, 1 note"
    assert ws["A2"].value == "Correct the coloured cells of the file and send it back to the Sở Nội vụ."
    assert [c.value for c in ws[4]] == ["No.", "Severity", "Sheet", "Cell", "Row", "What to do",
                                        "Right or suggested value", "Value now", "Code"]
    rows = _rows(ws)
    assert (rows[0][1], rows[0][5]) == ("Error", "Fix cell G8 of Phụ lục 1 (activity 1.1.2): a budget cannot be negative (=SUM(A1)). Write million đồng, or 0.")
    assert book["Phụ lục 1"]["G8"].comment.text == "Error: Fix cell G8 of Phụ lục 1 (activity 1.1.2): a budget cannot be negative (=SUM(A1)). Write million đồng, or 0."
    assert ws.oddFooter.center.text == "Page &P/&N"


@pytest.fixture
def ods_source(tmp_path) -> Path:
    """A real .ods: pandas with odfpy, else LibreOffice; skipped when neither is there."""
    src = tmp_path / "cchc-2018-so-y-te.ods"
    try:
        import odf  # noqa: F401
        import pandas as pd

        pd.DataFrame({"STT": ["1.1.1"], "Ngân sách": [-5]}).to_excel(src, sheet_name="Phụ lục 1", engine="odf",
                                                                      index=False)
        return src
    except ImportError:
        pass
    from cchc_xlsx.office import convert, find_soffice

    if find_soffice() is None:
        pytest.skip("neither odfpy nor LibreOffice is installed to make an .ods")
    xlsx = tmp_path / "make" / "cchc-2018-so-y-te.xlsx"
    xlsx.parent.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Phụ lục 1"
    book.active.append(["STT", "Ngân sách"])
    book.active.append(["1.1.1", -5])
    book.save(xlsx)
    shutil.move(convert(xlsx, "ods", tmp_path / "make"), src)
    return src


def test_ods_source_gets_a_findings_only_xlsx(ods_source, tmp_path):
    before = _sha256(ods_source)
    finding = Finding("budget-negative", file=ods_source.name, sheet="Phụ lục 1", cell="G8", row_code="1.1.1",
                      found="-5")
    out = write_feedback(ods_source, [finding], tmp_path / "out")
    assert out == tmp_path / "out" / "cchc-2018-so-y-te-gop-y.xlsx"
    _findings_only(out, ods_source.name, ".ods")
    assert _sha256(ods_source) == before
