"""Templates that explain themselves (issue 12 item 5): grey means locked and white means fill in,
numbers in the Vietnamese format whatever the machine's locale, and the instruction sheet printed
whole; the instructions say where a proposed activity goes."""

from __future__ import annotations

import datetime as dt
import re
import string
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import messages
from cchc_xlsx.templates import (GUIDE_MESSAGES, GUIDE_WIDTH, LOCKED_FILL, SHEET_GUIDE, SHEET_MONITORING,
                                 SHEET_PLAN, TemplateOptions, guide_lines, write_templates)

FIXED = dt.datetime(2018, 1, 2, 8, 30)
KHCN = "cchc-2018-so-khoa-hoc-va-cong-nghe.xlsx"
ALL_ROWS = "cchc-2018-toan-bo-ke-hoach.xlsx"


@pytest.fixture(scope="module")
def templates(tmp_path_factory, seed_plan) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates-explain")
    paths = write_templates(seed_plan, out, TemplateOptions(generated_at=FIXED, deadline="15/01/2018"))
    return {p.name: p for p in paths}


def _header_row(ws) -> int:
    return next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")


def _table_end(ws) -> int:
    """The table's last row: Tổng cộng on Phụ lục 1, the last row with an STT on Phụ lục 2."""
    rows = [r for r in range(_header_row(ws), ws.max_row + 1) if ws.cell(r, 1).value]
    total = [r for r in rows if ws.cell(r, 1).value == "Tổng cộng"]
    return total[0] if total else rows[-1]


def _filled(cell) -> bool:
    return cell.fill is not None and cell.fill.fill_type not in (None, "none")


# --------------------------------------------------------------------------- grey is locked, white is to fill
def test_every_locked_table_cell_has_a_fill_and_every_unlocked_cell_none(templates):
    for name, path in templates.items():
        book = openpyxl.load_workbook(path)
        for title, last_col in ((SHEET_PLAN, 9), (SHEET_MONITORING, 7)):
            ws = book[title]
            locked_bare, unlocked_filled, unlocked = [], [], 0
            anchors = {(r, c): (m.min_row, m.min_col) for m in ws.merged_cells.ranges
                       for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)}
            for r in range(_header_row(ws), _table_end(ws) + 1):
                for c in range(1, last_col + 1):
                    cell = ws.cell(*anchors.get((r, c), (r, c)))   # a merged cell shows its first cell
                    if cell.protection.locked:
                        if not _filled(cell):
                            locked_bare.append(cell.coordinate)
                    else:
                        unlocked += 1
                        if _filled(cell):
                            unlocked_filled.append(cell.coordinate)
            assert not locked_bare, f"{name} {title}: locked cells without a fill: {locked_bare[:10]}"
            assert not unlocked_filled, f"{name} {title}: cells to fill with a fill: {unlocked_filled[:10]}"
            assert unlocked, f"{name} {title}: nothing to fill"
        # no cell to fill anywhere else carries a fill either
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if not cell.protection.locked:
                        assert not _filled(cell), f"{name} {ws.title}!{cell.coordinate}"


def test_activity_rows_lock_their_code_content_and_lead_in_grey(templates):
    ws = openpyxl.load_workbook(templates["cchc-2018-so-tu-phap.xlsx"])[SHEET_PLAN]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Hoạt động 1.4.1")
    locked = {c: ws.cell(row, c).protection.locked for c in range(1, 10)}
    assert locked == {1: True, 2: True, 3: False, 4: False, 5: False, 6: False, 7: False, 8: True, 9: False}
    assert {ws.cell(row, c).fill.fgColor.rgb for c in (1, 2, 8)} == {"FF" + LOCKED_FILL[1:]}
    spare = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Đề xuất mới (1.4)")
    assert _filled(ws.cell(spare, 1)) and not any(_filled(ws.cell(spare, c)) for c in range(2, 10))


# --------------------------------------------------------------------------- numbers in the Vietnamese format
def test_every_number_format_of_a_template_is_vietnamese(templates):
    for name, path in templates.items():
        book = openpyxl.load_workbook(path)
        formats = {cell.number_format for ws in (book[SHEET_PLAN], book[SHEET_MONITORING])
                   for row in ws.iter_rows() for cell in row if cell.number_format != "General"}
        assert formats and all(f.startswith("[$-42A]") for f in formats), (name, formats)


def _pdf_text(pdf: Path, *pages: int) -> str:
    args = ["pdftotext"] + (["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.libreoffice
def test_libreoffice_on_an_english_locale_prints_vietnamese_numbers(templates, tmp_path, libreoffice, monkeypatch):
    from cchc_xlsx.office import to_pdf

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    text = _pdf_text(to_pdf(templates[KHCN], tmp_path / "khcn.pdf"))
    assert "1.478,4" in text and "1.700,0" in text and "6,6" in text
    assert not re.search(r"1,?478\.4|1,700\.0|\b6\.6\b", text)


# --------------------------------------------------------------------------- the instruction sheet
def test_the_instructions_say_to_add_a_proposal_to_both_appendices(templates):
    ws = openpyxl.load_workbook(templates[KHCN])[SHEET_GUIDE]
    text = " ".join(str(ws.cell(r, 1).value or "") for r in range(1, ws.max_row + 1))
    assert "ở CẢ HAI trang: ở Phụ lục 1" in text and "ở Phụ lục 2 ghi cùng nội dung" in text
    assert "Chỉ điền vào các ô nền trắng; các ô nền xám" in text


def test_the_instruction_column_fits_a_portrait_page_and_rows_fit_their_lines(templates):
    ws = openpyxl.load_workbook(templates[KHCN])[SHEET_GUIDE]
    # 165 mm between the margins; a width unit is 7 px in Excel, up to ~9 px in LibreOffice (96 px an inch)
    assert (GUIDE_WIDTH + 0.71) * 9 * 25.4 / 96 <= 165
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    for r in range(1, ws.max_row + 1):
        text = ws.cell(r, 1).value
        if text:
            assert ws.row_dimensions[r].height >= 15 * guide_lines(text), r


@pytest.mark.parametrize("text, width, lines", [
    ("", 68, 1), ("một hai", 68, 1), ("a " * 34, 68, 1), ("a " * 35, 68, 2), ("x" * 150, 68, 3),
    ("dòng một\ndòng hai", 68, 2),
])
def test_guide_lines_counts_wrapped_lines(text, width, lines):
    assert guide_lines(text, width) == lines


def _sentences(ws) -> list[str]:
    """Every sentence of the instruction sheet, as written in its cells."""
    out = []
    for r in range(1, ws.max_row + 1):
        text = ws.cell(r, 1).value
        if text:
            out += [s for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÔƠƯÂÊ0-9«])", text) if s.strip()]
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", [KHCN, ALL_ROWS])
def test_every_instruction_sentence_prints_whole(templates, tmp_path, libreoffice, name):
    """LibreOffice prints the workbook; page 1's text holds each sentence of the first sheet whole
    (white space aside: pdftotext breaks lines and splits letters with marks)."""
    from cchc_xlsx.office import to_pdf

    ws = openpyxl.load_workbook(templates[name])[SHEET_GUIDE]
    sentences = _sentences(ws)
    assert len(sentences) >= 15
    page = re.sub(r"\s+", "", _pdf_text(to_pdf(templates[name], tmp_path / "t.pdf"), 1))
    cut = [s for s in sentences if re.sub(r"\s+", "", s) not in page]
    assert not cut, cut


def test_the_instructions_exist_in_english(templates, seed_plan, tmp_path):
    fields = lambda text: {name for _, name, _, _ in string.Formatter().parse(text) if name}  # noqa: E731
    for key, (vi, en) in GUIDE_MESSAGES.items():
        assert messages.CATALOGUE[key] == (vi, en) and vi != en, key
        assert fields(vi) == fields(en), key
    paths = write_templates(seed_plan, tmp_path, TemplateOptions(generated_at=FIXED, lang="en"))
    ws = openpyxl.load_workbook(next(p for p in paths if p.name == KHCN))[SHEET_GUIDE]
    text = " ".join(str(ws.cell(r, 1).value or "") for r in range(1, ws.max_row + 1))
    assert "on BOTH sheets" in text and "Funds allocated by the decision: 1,700,000,000 đồng" in text
    assert "Biểu mẫu có 2 trang" not in text and "Fill in only the white cells" in text


# --------------------------------------------------------------------------- budgets typed as text
TU_PHAP = "cchc-2018-so-tu-phap.xlsx"


def _fill(template: Path, out: Path, budgets: dict[str, object], output: dict[str, object] | None = None) -> Path:
    """A return made from ``template``: the budget cells of these activities (and outputs) set as given,
    strings stored as text, as an English-locale Excel stores «3,4»."""
    book = openpyxl.load_workbook(template)
    ws = book[SHEET_PLAN]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for label, value in {**{f"Hoạt động {k}": v for k, v in budgets.items()},
                         **{f"Kết quả đầu ra {k}": v for k, v in (output or {}).items()}}.items():
        cell = ws.cell(rows[label], 7)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    book.save(out)
    return out


def _check(path: Path):
    from cchc_xlsx.consolidate import check_files

    result = check_files([path], workers=1)
    return result, {(f.code, f.cell): f for f in result.findings if f.sheet == SHEET_PLAN}


def test_a_budget_typed_as_text_is_read_and_explained_at_its_cell(templates, tmp_path):
    path = _fill(templates[TU_PHAP], tmp_path / "tu-phap.xlsx",
                 {"1.4.2": "10,5", "1.4.3": "3,4 triệu", "1.4.4": "chưa rõ", "1.4.5": "1.949"})
    result, found = _check(path)
    budgets = dict(zip(result.plan.plan["code"], result.plan.plan["budget"]))
    assert budgets["1.4.2"] == 10.5 and budgets["1.4.3"] == 3.4 and budgets["1.4.5"] == 1949
    assert budgets["1.4.4"] != budgets["1.4.4"]          # not a number: not read
    ws = openpyxl.load_workbook(path)[SHEET_PLAN]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for code, shown in (("1.4.2", "10,5"), ("1.4.3", "3,4"), ("1.4.5", "1.949")):
        finding = found[("budget-text", f"G{rows[f'Hoạt động {code}']}")]
        assert finding.severity == "info" and finding.row_code == code
        assert f"đã được đọc là {shown} triệu đồng" in finding.message("vi")
        assert "typed as text" in finding.message("en")
    assert ("budget-not-number", f"G{rows['Hoạt động 1.4.4']}") in found
    assert ("budget-text", f"G{rows['Hoạt động 1.4.4']}") not in found


def test_a_number_in_a_template_return_needs_no_word(templates, tmp_path):
    _, found = _check(_fill(templates[TU_PHAP], tmp_path / "tu-phap.xlsx", {"1.4.2": 10.5}))
    assert not [key for key in found if key[0].startswith("budget-text")]


def test_a_subtotal_short_of_text_cells_names_those_cells_not_the_locked_row(templates, tmp_path):
    """The file as Excel saves it: the output's SUM left the text out (16,6 of 23,4): the warning is on
    the activities' cells the agency can edit, and the locked subtotal carries no finding."""
    path = _fill(templates[TU_PHAP], tmp_path / "tu-phap.xlsx", {"1.4.2": "3,4", "1.4.3": "3,4 triệu"},
                 output={"1.4": 16.6})
    _, found = _check(path)
    ws = openpyxl.load_workbook(path)[SHEET_PLAN]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    output_cell = f"G{rows['Kết quả đầu ra 1.4']}"
    assert not [key for key in found if key[1] == output_cell]
    for code in ("1.4.2", "1.4.3"):
        finding = found[("budget-text-subtotal", f"G{rows[f'Hoạt động {code}']}")]
        assert finding.severity == "warning"
        assert "kết quả đầu ra 1.4" in finding.message("vi") and "ghi 16,6, cộng đủ là 23,4" in finding.message("vi")


def test_a_subtotal_wrong_for_another_reason_stays_on_its_row(templates, tmp_path):
    path = _fill(templates[TU_PHAP], tmp_path / "tu-phap.xlsx", {"1.4.2": "3,4"}, output={"1.4": 99})
    _, found = _check(path)
    ws = openpyxl.load_workbook(path)[SHEET_PLAN]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert ("subtotal-mismatch", f"G{rows['Kết quả đầu ra 1.4']}") in found
    assert ("budget-text", f"G{rows['Hoạt động 1.4.2']}") in found


@pytest.mark.libreoffice
def test_a_return_resaved_by_libreoffice_names_the_text_cell(templates, tmp_path, libreoffice):
    """The same, with the subtotals really computed by a spreadsheet program on an English locale."""
    from cchc_xlsx.office import recalculated_copy

    typed = _fill(templates[TU_PHAP], tmp_path / "typed.xlsx", {"1.4.2": "3,4"})
    path = recalculated_copy(typed, tmp_path / "cchc-2018-so-tu-phap.xlsx")
    _, found = _check(path)
    codes = {code for code, _ in found}
    assert "budget-text-subtotal" in codes and "subtotal-mismatch" not in codes and "total-mismatch" not in codes


def test_a_text_budget_in_a_spare_row_names_its_cell_too(templates, tmp_path):
    """A proposed activity typed as text under output 1.4: the output's SUM covers the spare rows."""
    book = openpyxl.load_workbook(templates[TU_PHAP])
    ws = book[SHEET_PLAN]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    spare = rows["Đề xuất mới (1.4)"] - 1          # the first of the two spare rows
    for col, value in ((2, "Tập huấn pháp chế trực tuyến"), (5, "Tháng 09"), (6, "Tháng 10"), (7, "2,5")):
        ws.cell(spare, col).value = value
    ws.cell(rows["Kết quả đầu ra 1.4"], 7).value = 30                 # its activities, as Excel sums them
    book.save(tmp_path / "tu-phap.xlsx")
    _, found = _check(tmp_path / "tu-phap.xlsx")
    assert ("budget-text-subtotal", f"G{spare}") in found
    assert not [key for key in found if key[0] == "subtotal-mismatch"]


def test_a_flat_return_names_the_text_cell_not_its_total(tmp_path):
    """A plan with no tasks or outputs (a flat list of activities): the Tổng cộng left the text out."""
    from cchc_xlsx import read_plan

    from conftest import write_grids

    header = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
              "Thời gian", None, "Ngân sách dự kiến (triệu đồng)", "Cơ quan, đơn vị chủ trì", "Cơ quan, đơn vị phối hợp"]
    sub = [None, None, None, None, "Từ tháng", "Đến tháng", None, None, None]
    grid = [["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2018"], [], header, sub,
            ["1", "Rà soát thủ tục", "100%", "Báo cáo", "Tháng 01", "Tháng 03", 10, "Sở Tư pháp", ""],
            ["2", "Tập huấn", "100%", "Báo cáo", "Tháng 04", "Tháng 05", 5, "Sở Tư pháp", ""],
            ["Tổng cộng", None, None, None, None, None, 15, None, None]]
    plan_path = write_grids(tmp_path / "plan.xlsx", {"Phụ lục 1": grid}, {"Phụ lục 1": ["E3:F3"]})
    plan = read_plan(plan_path)
    out = write_templates(plan, tmp_path / "t", TemplateOptions(generated_at=FIXED))
    path = next(p for p in out if "tu-phap" in p.name)
    book = openpyxl.load_workbook(path)
    ws = book[SHEET_PLAN]
    rows = {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1)}
    first = next(r for label, r in rows.items() if label in ("1", "Hoạt động 1"))
    total = rows["Tổng cộng"]
    ws.cell(first, 7).value = "10,5"
    ws.cell(total, 7).value = 5                                           # Excel's SUM without the text
    book.save(tmp_path / "flat.xlsx")
    from cchc_xlsx.consolidate import check_files

    found = {(f.code, f.cell) for f in check_files([tmp_path / "flat.xlsx"], plan_path, workers=1).findings}
    assert ("budget-text-subtotal", f"G{first}") in found
    assert not [key for key in found if key[0] == "total-mismatch"]
