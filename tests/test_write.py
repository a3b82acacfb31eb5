"""The consolidated workbook as a user opens it: sheets, live totals with their values, links, print setup."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_xlsx import office
from cchc_xlsx.findings import Finding, ToolError
from cchc_xlsx.printing import OfficeMissing, PrintError, print_pdf
from cchc_xlsx.result import consolidation_from_plan
from cchc_xlsx.write import SHEETS, OutputError, write_workbook
from cchc_xlsx.write.layout import _sum_formula
from cchc_xlsx.write.monitoring_calendar import RULES, activity_window, collection_months

ROOT = Path(__file__).resolve().parents[1]


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_write", ROOT / "scripts" / "bench_write.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def seed_consolidation(seed_plan, bundled_path):
    return consolidation_from_plan(seed_plan, bundled_path)


@pytest.fixture(scope="module")
def written(seed_consolidation, tmp_path_factory) -> Path:
    return write_workbook(seed_consolidation, tmp_path_factory.mktemp("out") / "tong-hop.xlsx")


@pytest.fixture(scope="module")
def book(written):
    wb = openpyxl.load_workbook(written)
    yield wb
    wb.close()


@pytest.fixture(scope="module")
def values(written):
    """The cached values, as every reader (and a printer that does not recalculate) sees them."""
    wb = openpyxl.load_workbook(written, data_only=True)
    yield wb
    wb.close()


def row_of(ws, label: str, column: str = "A") -> int:
    for cell in ws[column]:
        if cell.value == label:
            return cell.row
    raise AssertionError(f"{label!r} not in column {column} of {ws.title}")


def dong(value) -> int:
    return round(value * 1_000_000)


def pandas_totals(plan) -> dict:
    """The totals computed from the frames, in whole đồng."""
    acts = plan.activities.assign(dong=plan.activities["budget"].fillna(0).mul(1_000_000).round().astype("int64"))
    return {
        "output": acts.groupby("parent_code")["dong"].sum().to_dict(),
        "task": acts.groupby(acts["code"].str.split(".").str[0])["dong"].sum().to_dict(),
        "agency": acts.groupby("funded_agency")["dong"].sum().to_dict(),
        "total": int(acts["dong"].sum()),
    }


# --------------------------------------------------------------------------- sheets and Phụ lục 1
def test_sheets_in_order(book):
    assert book.sheetnames == list(SHEETS) == ["Tổng hợp", "Phụ lục 1", "Phụ lục 2", "Lịch theo dõi", "Tiến độ",
                                               "Kiểm tra", "Nguồn"]


def test_phu_luc_1_has_the_decisions_layout(book):
    ws = book["Phụ lục 1"]
    assert ws["A1"].value == "Phụ lục 1. KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH THỰC HIỆN CCHC NĂM 2018"
    assert "Quyết định số 3598/QĐ-UBND ngày 28/12/2017" in ws["A2"].value
    header = [ws.cell(4, c).value for c in range(1, 11)]
    assert header == ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
                      "Thời gian", None, "Ngân sách dự kiến (triệu đồng)", "Cơ quan, đơn vị chủ trì",
                      "Cơ quan, đơn vị phối hợp", "Đơn vị được cấp kinh phí"]
    assert [ws["E5"].value, ws["F5"].value] == ["Từ tháng", "Đến tháng"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "B4:B5", "E4:F4", "G4:G5", "J4:J5"} <= merged
    assert ws.column_dimensions["K"].hidden          # the level column the SUMIFS use
    assert [ws["A6"].value, ws["A7"].value, ws["A8"].value] == ["NHIỆM VỤ 1", "Kết quả đầu ra 1.1", "Hoạt động 1.1.1"]
    assert ws["A6"].font.b and ws["A7"].font.b and ws["A7"].font.i and not ws["A8"].font.b
    assert ws["A7"].fill.fgColor.rgb != ws["A8"].fill.fgColor.rgb       # output rows set apart
    assert ws["G8"].number_format.endswith("#,##0.0#####")   # triệu đồng, to the last đồng
    assert [ws["E8"].value, ws["F8"].value] == ["Tháng 01", "Tháng 12"]
    assert ws["A6"].font.name == "Times New Roman"


def test_every_row_of_the_plan_is_written_once(book, seed_plan):
    ws = book["Phụ lục 1"]
    labels = [c.value for c in ws["A"][5:5 + len(seed_plan.plan)]]
    assert len(labels) == 103 and labels[-1] == "Hoạt động 7.4.3"
    assert ws.cell(5 + len(seed_plan.plan) + 1, 1).value == "Tổng cộng"


def test_totals_are_formulas_whose_cached_values_are_the_pandas_totals(book, values, seed_plan):
    formulas, cached = book["Phụ lục 1"], values["Phụ lục 1"]
    expected = pandas_totals(seed_plan)
    for level, key in (("output", "Kết quả đầu ra"), ("task", "NHIỆM VỤ")):
        for code, total in expected[level].items():
            row = row_of(formulas, f"{key} {code}")
            assert str(formulas[f"G{row}"].value).startswith("=SUM("), (code, formulas[f"G{row}"].value)
            assert dong(cached[f"G{row}"].value) == total, code
    row = row_of(formulas, "Kết quả đầu ra 6.2")
    assert formulas[f"G{row}"].value == f"=SUM(G{row + 1}:G{row + 9})"
    total_row = row_of(formulas, "Tổng cộng")
    task_cells = ",".join(f"G{row_of(formulas, f'NHIỆM VỤ {t}')}" for t in "1234567")
    assert formulas[f"G{total_row}"].value == f"=SUM({task_cells})"
    assert dong(cached[f"G{total_row}"].value) == expected["total"] == 8_000_000_000


def test_blank_budget_stays_blank(book, values):
    row = row_of(book["Phụ lục 1"], "Hoạt động 4.3.2")
    assert book["Phụ lục 1"][f"G{row}"].value is None
    assert values["Phụ lục 1"][f"G{row}"].value is None


def test_trong_do_split_is_sumifs_beside_the_allocation(book, values, seed_plan):
    formulas, cached = book["Phụ lục 1"], values["Phụ lục 1"]
    first = row_of(formulas, "Trong đó:") + 2
    expected = pandas_totals(seed_plan)["agency"]
    for k, line in enumerate(seed_plan.allocation.itertuples()):
        row = first + k
        assert formulas[f"B{row}"].value == line.agency
        assert formulas[f"G{row}"].value == f'=SUMIFS(G$6:G$108,J$6:J$108,B{row},K$6:K$108,"Hoạt động")'
        assert dong(cached[f"G{row}"].value) == expected[line.agency] == line.amount_dong
        assert dong(cached[f"H{row}"].value) == line.amount_dong
        assert formulas[f"I{row}"].value == f"=ROUND(G{row}-H{row},6)"
        assert cached[f"I{row}"].value == 0
    sum_row = row_of(formulas, "Cộng")
    assert dong(cached[f"G{sum_row}"].value) == 8_000_000_000 and cached[f"I{sum_row}"].value == 0


# --------------------------------------------------------------------------- Tổng hợp
def test_summary_reproduces_the_decision(book, values):
    ws, cached = book["Tổng hợp"], values["Tổng hợp"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "8.000.000.000 đồng (Tám tỷ đồng)" in texts
    assert any("3598/QĐ-UBND" in t for t in texts) and "Đắk Lắk" in texts
    total_row = row_of(ws, "Tổng kinh phí (triệu đồng)")
    assert ws[f"C{total_row}"].value == f"='Phụ lục 1'!G{row_of(book['Phụ lục 1'], 'Tổng cộng')}"
    assert cached[f"C{total_row}"].value == 8000
    assert cached[f"C{total_row + 1}"].value == 8_000_000_000
    head = row_of(ws, "Đơn vị được cấp kinh phí", "B")
    split = {}
    for row in range(head + 1, head + 20):
        name = ws[f"B{row}"].value
        if ws[f"A{row}"].value == "Cộng":
            assert cached[f"C{row}"].value == 8000 and cached[f"E{row}"].value == 0
            break
        assert ws[f"C{row}"].value.startswith("='Phụ lục 1'!G")
        split[name] = (cached[f"C{row}"].value, cached[f"D{row}"].value, cached[f"E{row}"].value)
    assert split == {
        "Sở Tư pháp": (150, 150, 0), "Sở Nội vụ": (2050, 2050, 0), "Văn phòng UBND tỉnh": (300, 300, 0),
        "Sở Khoa học và Công nghệ": (1700, 1700, 0), "Sở Thông tin và Truyền thông": (3470, 3470, 0),
        "Sở Văn hóa, Thể thao và Du lịch": (180, 180, 0), "Cổng Thông tin điện tử tỉnh": (150, 150, 0),
        "Sở Tài chính": (0, 0, 0),        # funded through the plan's rows, no allocation, nothing spent
    }


def test_summary_budget_per_task_follows_phu_luc_1(book, values):
    ws, cached = book["Tổng hợp"], values["Tổng hợp"]
    head = row_of(ws, "Nhiệm vụ", "B")
    tasks = {ws[f"A{r}"].value: cached[f"C{r}"].value for r in range(head + 1, head + 8)}
    assert tasks == {"1": 150, "2": 160, "3": 0, "4": 160, "5": 0, "6": 6170, "7": 1360}
    assert ws[f"C{head + 6}"].value == f"='Phụ lục 1'!G{row_of(book['Phụ lục 1'], 'NHIỆM VỤ 6')}"


def test_summary_has_two_native_charts(written):
    with zipfile.ZipFile(written) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        assert "xl/drawings/drawing1.xml" in z.namelist()
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "drawing1.xml" in rels           # on Tổng hợp, the first sheet
        chart = z.read("xl/charts/chart1.xml").decode()
        assert "Tổng hợp" in chart and "<c:barChart>" in chart


def test_summary_counts_returns_and_findings(seed_consolidation, tmp_path):
    returns = pd.DataFrame([
        {"agency": "Sở Tư pháp", "expected": True, "received": True, "file": "stp.xlsx", "errors": 0,
         "warnings": 1, "status": "received"},
        {"agency": "Sở Nội vụ", "expected": True, "received": True, "file": "snv.xlsx", "errors": 2,
         "warnings": 0, "status": "errors"},
        {"agency": "Sở Tài chính", "expected": True, "received": False, "file": "", "errors": 0,
         "warnings": 0, "status": "missing"},
        {"agency": "Sở Y tế", "expected": False, "received": True, "file": "syt.xlsx", "errors": 0,
         "warnings": 1, "status": "unexpected"},
    ], columns=seed_consolidation.returns.columns)
    findings = [Finding("missing-return", agency="Sở Tài chính"),
                Finding("budget-negative", agency="Sở Nội vụ", row_code="7.1.2", field="budget", found="-5"),
                Finding("budget-negative", agency="Sở Nội vụ", row_code="7.1.3", field="budget", found="-1"),
                Finding("unexpected-agency", agency="Sở Y tế", file="syt.xlsx", found="Sở Y tế")]
    consolidation = copy.copy(seed_consolidation)
    consolidation.returns, consolidation.findings = returns, findings
    out = write_workbook(consolidation, tmp_path / "th.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Tổng hợp"]
    counts = {ws[f"A{r}"].value: ws[f"C{r}"].value for r in range(1, ws.max_row + 1)
              if ws[f"A{r}"].value in ("Số đơn vị phải gửi báo cáo", "Đã nhận", "Trong đó có lỗi", "Chưa gửi",
                                       "Đơn vị ngoài kế hoạch có gửi")}
    assert counts == {"Số đơn vị phải gửi báo cáo": 3, "Đã nhận": 2, "Trong đó có lỗi": 1, "Chưa gửi": 1,
                      "Đơn vị ngoài kế hoạch có gửi": 1}
    statuses = {ws[f"B{r}"].value: ws[f"G{r}"].value for r in range(1, ws.max_row + 1)
                if ws[f"G{r}"].value in ("Đã nhận", "Đã nhận, có lỗi", "Chưa gửi", "Ngoài kế hoạch")}
    assert statuses == {"Sở Tư pháp": "Đã nhận", "Sở Nội vụ": "Đã nhận, có lỗi", "Sở Tài chính": "Chưa gửi",
                        "Sở Y tế": "Ngoài kế hoạch"}
    head = row_of(ws, "4. Phát hiện khi kiểm tra, theo đơn vị (chi tiết ở trang Kiểm tra)") + 1
    table = [[ws[f"{c}{r}"].value for c in "BCDEF"] for r in range(head + 1, head + 4)]
    assert table == [["Sở Nội vụ", 2, 0, 0, 2], ["Sở Tài chính", 1, 0, 0, 1], ["Sở Y tế", 0, 1, 0, 1]]
    assert [ws[f"{c}{head + 4}"].value for c in "ACDEF"] == ["Cộng", 3, 1, 0, 4]


def test_generated_at_is_shown_and_dated(seed_consolidation, tmp_path):
    consolidation = copy.copy(seed_consolidation)
    consolidation.generated_at = dt.datetime(2018, 1, 15, 9, 30)
    wb = openpyxl.load_workbook(write_workbook(consolidation, tmp_path / "th.xlsx"))
    assert "Lập lúc 09:30 ngày 15/01/2018" in [c.value for c in wb["Tổng hợp"]["A"][:8]]   # under the title
    assert wb.properties.created == dt.datetime(2018, 1, 15, 9, 30)


# --------------------------------------------------------------------------- Phụ lục 2, calendar, timeline
def test_phu_luc_2_keeps_the_frequencies_as_written(book):
    ws = book["Phụ lục 2"]
    assert ws["A1"].value.startswith("Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI")
    assert [ws["E4"].value, ws["F4"].value, ws["F5"].value, ws["G5"].value] == [
        "Tần suất thu thập năm 2018", "Trách nhiệm", "Thu thập số liệu", "Báo cáo"]
    assert ws["A6"].value == "NHIỆM VỤ 1" and ws["E6"].value == "Công thông tin điện tử của tỉnh"
    assert ws[f"E{row_of(ws, 'Hoạt động 1.3.1')}"].value is None          # blank stays blank


@pytest.mark.parametrize("kind, per_year, window, months", [
    ("monthly", 12, [1, 2, 3], [1, 2, 3]),
    ("continuous", None, list(range(4, 13)), list(range(4, 13))),
    ("quarterly", 4, list(range(1, 13)), [3, 6, 9, 12]),
    ("quarterly", 4, [4, 5, 6, 7, 8], [6]),
    ("quarterly", 4, [1, 2], [2]),                      # no quarter end inside: the window's last month
    ("semiannual", 2, list(range(1, 13)), [6, 12]),
    ("semiannual", 2, [7, 8, 9], [9]),
    ("annual", 1, [3, 4, 5], [5]),
    ("times", 1, list(range(1, 13)), [12]),             # 01 lần
    ("times", 2, list(range(1, 13)), [6, 12]),
    ("times", 4, list(range(1, 13)), [3, 6, 9, 12]),
    ("times", 3, [2, 3, 4, 5, 6], [3, 5, 6]),
    ("times", 5, [1, 2], [1, 2]),                       # more collections than months: every month
    ("on_request", None, list(range(1, 13)), []),
    ("invalid", None, list(range(1, 13)), []),
    ("missing", None, list(range(1, 13)), []),
    ("monthly", 12, [], []),                            # outside the plan year
])
def test_collection_months(kind, per_year, window, months):
    assert collection_months(kind, per_year, window) == months


def _window_row(frm, to):
    def side(value):
        if value is None:
            return "missing", pd.NA, pd.NA
        if value == "on_request":
            return "on_request", pd.NA, pd.NA
        month, year = value
        return "month", year, month
    fk, fy, fm = side(frm)
    tk, ty, tm = side(to)
    return {"from_kind": fk, "year_from": fy, "month_from": fm, "to_kind": tk, "year_to": ty, "month_to": tm}


@pytest.mark.parametrize("frm, to, months", [
    ((3, 2018), (5, 2018), [3, 4, 5]),
    ((12, 2017), (2, 2019), list(range(1, 13))),        # clipped to the plan year
    ((11, 2017), (12, 2017), []),                       # wholly before it
    (None, None, list(range(1, 13))),                   # no months: the whole year
    ("on_request", "on_request", list(range(1, 13))),
    ((8, 2018), None, [8, 9, 10, 11, 12]),
])
def test_activity_window(frm, to, months):
    assert activity_window(_window_row(frm, to), 2018) == months


def test_calendar_marks_and_counts(book, values):
    ws, cached = book["Lịch theo dõi"], values["Lịch theo dõi"]
    texts = [ws.cell(r, 1).value for r in range(2, 2 + len(RULES))]
    assert texts == RULES                                 # the sheet says how frequencies become months
    head = row_of(ws, "STT")
    assert [ws.cell(head, c).value for c in range(5, 17)] == [f"T{m}" for m in range(1, 13)]

    def marks(label):
        row = row_of(ws, label)
        return [m for m in range(1, 13) if ws.cell(row, 4 + m).value == "x"], ws.cell(row, 3).value

    assert marks("Kết quả đầu ra 1.1") == ([3, 6, 9, 12], "Hàng quý")
    assert marks("Hoạt động 1.1.3") == ([6], "Thường xuyên")                  # June only
    assert marks("Hoạt động 1.3.1") == (list(range(1, 13)), "(theo dòng 1.3: Thường xuyên)")
    assert marks("Hoạt động 2.1.1") == ([], "01 lần")                         # 11–12/2017: before the year
    assert marks("Hoạt động 4.2.1") == ([6, 11], "02 lần")                    # Feb–Nov in two parts
    assert marks("Hoạt động 1.4.5")[0] == [12]                                # «Theo yêu cầu» months: whole year
    bottom = row_of(ws, "Số lượt thu thập trong tháng")
    column_counts = [sum(1 for r in range(head + 1, bottom) if ws.cell(r, 4 + m).value == "x") for m in range(1, 13)]
    assert [cached.cell(bottom, 4 + m).value for m in range(1, 13)] == column_counts
    assert str(ws.cell(bottom, 5).value).startswith('=COUNTIF(E')
    assert cached.cell(bottom, 17).value == sum(column_counts)


def test_timeline_bars_are_conditional_formats(book):
    ws = book["Tiến độ"]
    rules = [(str(cf.sqref), rule.formula) for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(f[0].startswith("AND(ISNUMBER($C5),ISNUMBER($D5),E$4>=$C5,E$4<=$D5)") for _, f in rules), rules
    row = row_of(ws, "Hoạt động 1.1.3")
    assert [ws[f"C{row}"].value, ws[f"D{row}"].value] == [6, 6]
    row = row_of(ws, "Hoạt động 1.2.1")
    assert [ws[f"C{row}"].value, ws[f"D{row}"].value, ws[f"Q{row}"].value] == [
        None, None, "chưa có tháng bắt đầu và kết thúc"]
    row = row_of(ws, "Hoạt động 1.3.4")
    assert [ws[f"C{row}"].value, ws[f"D{row}"].value, ws[f"Q{row}"].value] == [
        1, 12, "bắt đầu 12/2017; kết thúc 02/2019"]
    assert row_of(ws, "NHIỆM VỤ 7") < row_of(ws, "Hoạt động 7.1.1")


# --------------------------------------------------------------------------- Kiểm tra and Nguồn
def test_findings_sorted_by_severity_with_links(book, seed_plan):
    ws = book["Kiểm tra"]
    severities = [ws[f"B{r}"].value for r in range(5, 5 + len(seed_plan.findings))]
    order = {"Lỗi": 0, "Cảnh báo": 1, "Ghi chú": 2}
    assert severities == sorted(severities, key=order.get) and severities[0] == "Lỗi"
    p1, p2 = book["Phụ lục 1"], book["Phụ lục 2"]

    def link(code, row_code):
        row = next(r for r in range(5, ws.max_row + 1) if ws[f"K{r}"].value == code and ws[f"D{r}"].value == row_code)
        return ws[f"J{row}"].hyperlink.location

    assert link("budget-missing", "4.3.2") == f"'Phụ lục 1'!G{row_of(p1, 'Hoạt động 4.3.2')}"
    assert link("frequency-invalid", "1") == f"'Phụ lục 2'!E{row_of(p2, 'NHIỆM VỤ 1')}"
    assert link("month-missing", "3.1.1") == f"'Phụ lục 1'!F{row_of(p1, 'Hoạt động 3.1.1')}"
    assert link("agency-corrected", "6.3.1") == f"'Phụ lục 1'!I{row_of(p1, 'Hoạt động 6.3.1')}"


def test_file_findings_link_to_the_source_row(seed_consolidation, tmp_path):
    consolidation = copy.copy(seed_consolidation)
    consolidation.findings = [Finding("template-version", agency="Sở Nội vụ", file=consolidation.plan_file,
                                      expected="2", found="1")]
    wb = openpyxl.load_workbook(write_workbook(consolidation, tmp_path / "th.xlsx"))
    assert wb["Kiểm tra"]["J5"].hyperlink.location == "'Nguồn'!C5"
    assert wb["Nguồn"]["C5"].value == consolidation.plan_file


def test_sources_sheet(book, seed_consolidation, bundled_path):
    ws = book["Nguồn"]
    assert [ws.cell(4, c).value for c in range(1, 11)] == [
        "STT", "Đơn vị", "Tệp", "Kích thước (byte)", "SHA-256", "Phiên bản biểu mẫu", "Số dòng đọc",
        "Số dòng dùng", "Số phát hiện", "Tình trạng"]
    assert ws["C5"].value == bundled_path.name
    assert ws["D5"].value == bundled_path.stat().st_size
    assert ws["E5"].value == hashlib.sha256(bundled_path.read_bytes()).hexdigest()
    assert ws["J5"].value == "Đã dùng" and ws["I5"].value == 43


# --------------------------------------------------------------------------- print setup
@pytest.mark.parametrize("sheet", SHEETS)
def test_print_setup(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0   # 1 wide, n tall
    # every table's header repeats; Tổng hợp's Decree 30/2020 heading is printed once, on page 1
    assert bool(ws.print_title_rows) == (sheet != "Tổng hợp")
    assert ws.oddHeader.center.text == "Kế hoạch CCHC tỉnh Đắk Lắk năm 2018 (Quyết định 3598/QĐ-UBND)"
    assert ws.oddHeader.left.text == "&A" and ws.oddFooter.center.text == "Trang &P/&N"
    assert ws.oddHeader.center.font.startswith("Times New Roman")
    m = ws.page_margins
    mm = {side: round(getattr(m, side) * 25.4, 3) for side in ("left", "right", "top", "bottom")}
    assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20, mm         # Decree 30/2020
    assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25, mm


def test_default_font_is_times_new_roman(written):
    with zipfile.ZipFile(written) as z:
        styles = z.read("xl/styles.xml").decode()
    # xlsxwriter adds Excel's comment font (Tahoma 8) when a sheet has comments: our comments set
    # Times New Roman on the box itself (in the VML), and no cell uses that font
    styles = re.sub(r"<font><sz val=\"8\"/><color indexed=\"81\"/><name val=\"Tahoma\"/>.*?</font>", "", styles)
    fonts = set(re.findall(r'<name val="([^"]+)"', styles))
    assert fonts == {"Times New Roman"}


# --------------------------------------------------------------------------- determinism and safety
def test_two_runs_give_the_same_bytes(seed_consolidation, written, tmp_path):
    again = write_workbook(seed_consolidation, tmp_path / "again.xlsx")
    assert again.read_bytes() == written.read_bytes()


def test_same_bytes_in_another_process(written, tmp_path):
    """Nothing depends on hash order or the clock: a fresh interpreter writes the same file."""
    out = tmp_path / "other.xlsx"
    code = ("from cchc_xlsx import read_plan, bundled_plan_path\n"
            "from cchc_xlsx.result import consolidation_from_plan\n"
            "from cchc_xlsx.write import write_workbook\n"
            "p = bundled_plan_path()\n"
            f"write_workbook(consolidation_from_plan(read_plan(p), p), {str(out)!r})\n")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    assert out.read_bytes() == written.read_bytes()


def test_messages_in_english_labels_in_vietnamese(seed_consolidation, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(seed_consolidation, tmp_path / "en.xlsx", lang="en"))
    ws = wb["Kiểm tra"]
    assert ws["E5"].value.startswith("Invalid frequency in row 1")
    # the workbook's labels follow the language (issue 12); the sheet names and the plan's texts do not
    assert ws["E4"].value == "Message" and ws["B5"].value == "Error"
    assert wb["Phụ lục 1"]["B4"].value == "Activity" and wb["Phụ lục 1"]["B6"].value == "CẢI CÁCH THỂ CHẾ"


def _hostile(seed_consolidation):
    """The seed with texts that a careless writer would turn into formulas, links or numbers."""
    consolidation = copy.deepcopy(seed_consolidation)
    frame = consolidation.plan.plan
    i = frame.index[frame["code"] == "6.2.1"][0]
    frame.loc[i, "content"] = '=HYPERLINK("http://evil.example","bấm vào đây")'
    frame.loc[i, "indicator"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    frame.loc[i, "evidence"] = "http://example.com/bao-cao"
    frame.loc[i, "partners"] = "+1 234"
    frame.loc[i, "lead"] = "_x0041_ \x07"
    frame.loc[i, "funded_agency"] = "Sở * Thông tin"
    consolidation.plan.allocation.loc[4, "agency"] = "Sở * Thông tin"
    return consolidation


def test_agency_text_never_becomes_a_formula(seed_consolidation, tmp_path):
    out = write_workbook(_hostile(seed_consolidation), tmp_path / "th.xlsx")
    ws = openpyxl.load_workbook(out)["Phụ lục 1"]
    row = row_of(ws, "Hoạt động 6.2.1")
    for column in "BCDHIJ":
        assert ws[f"{column}{row}"].data_type == "s", column
    assert ws[f"B{row}"].value.startswith("=HYPERLINK(")
    assert ws[f"C{row}"].hyperlink is None and ws[f"D{row}"].hyperlink is None
    assert ws[f"I{row}"].value == "+1 234"
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    formulas = re.findall(r"<f>(.*?)</f>", sheet)
    assert formulas and not any("HYPERLINK" in f or "cmd" in f or "evil" in f for f in formulas)
    line = row_of(ws, "Sở * Thông tin", "B")
    # a name SUMIFS would read as a wildcard is compared exactly
    assert ws[f"G{line}"].value.startswith("=SUMPRODUCT((J$6:J$108=B")


def test_refuses_to_overwrite_an_input(seed_consolidation, bundled_path, tmp_path):
    before = bundled_path.read_bytes()
    with pytest.raises(OutputError, match="ke-hoach-cchc-daklak-2018.xlsx") as caught:
        write_workbook(seed_consolidation, bundled_path)
    assert isinstance(caught.value, ToolError) and "chọn tên khác" in str(caught.value)
    assert bundled_path.read_bytes() == before
    other = tmp_path / "tra-ve.xlsx"
    other.write_bytes(b"return")
    with pytest.raises(OutputError, match="tra-ve.xlsx"):
        write_workbook(seed_consolidation, other, inputs=[other])
    assert other.read_bytes() == b"return"


@pytest.mark.parametrize("name, words", [("th.pdf", "đuôi .xlsx"), ("khong-co/th.xlsx", "không tồn tại")])
def test_unusable_targets(seed_consolidation, tmp_path, name, words):
    with pytest.raises(OutputError, match=words):
        write_workbook(seed_consolidation, tmp_path / name)


def test_failure_leaves_the_old_file_and_no_half_workbook(seed_consolidation, tmp_path, monkeypatch):
    import cchc_xlsx.write as write

    out = tmp_path / "tong-hop.xlsx"
    out.write_bytes(b"the previous consolidation")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(write, "write_timeline_sheet", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_workbook(seed_consolidation, out)
    assert out.read_bytes() == b"the previous consolidation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tong-hop.xlsx"]


# --------------------------------------------------------------------------- larger and odder plans
def test_sum_formula_shapes():
    assert _sum_formula([9, 10, 11], (9, 11), "activity") == "=SUM(G10:G12)"
    assert _sum_formula([5, 9, 20], (5, 30), "output") == "=SUM(G6,G10,G21)"
    many = list(range(0, 600, 2))
    assert _sum_formula(many, (0, 599), "output") == '=SUMIFS(G1:G600,K1:K600,"Kết quả đầu ra")'
    assert _sum_formula(many, (0, 599), None).count("SUM(") == 2


def test_synthetic_plan_totals_and_blank_budgets(tmp_path):
    bench = _load_bench()
    consolidation = bench.synthetic_consolidation(activities=1_200, tasks=3, per_output=40)
    out = write_workbook(consolidation, tmp_path / "lon.xlsx")
    cached = openpyxl.load_workbook(out, data_only=True, read_only=True)
    rows = {r[0]: r for r in cached["Phụ lục 1"].iter_rows(min_row=6, values_only=True) if r[0]}
    expected = pandas_totals(consolidation.plan)
    for code, total in expected["task"].items():
        assert dong(rows[f"NHIỆM VỤ {code}"][6]) == total
    for code, total in expected["output"].items():
        assert dong(rows[f"Kết quả đầu ra {code}"][6]) == total
    assert dong(rows["Tổng cộng"][6]) == expected["total"]
    assert rows["Hoạt động 1.1.1"][6] is None                    # n % 97 == 0: blank budget
    cached.close()


# --------------------------------------------------------------------------- printing without LibreOffice
def test_print_without_libreoffice_names_the_package(written, tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(OfficeMissing, match="libreoffice-calc-nogui") as caught:
        print_pdf(written, tmp_path / "th.pdf")
    assert isinstance(caught.value, office.OfficeNotFound) and isinstance(caught.value, ToolError)
    assert not (tmp_path / "th.pdf").exists()


def test_print_refuses_odd_targets(written, tmp_path):
    with pytest.raises(PrintError, match="đuôi .pdf"):
        print_pdf(written, written)
    with pytest.raises(PrintError, match="Không tìm thấy tệp"):
        print_pdf(tmp_path / "khong-co.xlsx")
