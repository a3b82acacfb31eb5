"""Templates to distribute: one per agency, protected, validated, with live subtotals and metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.templates import (LISTS_SHEET, META_SHEET, SHEET_GUIDE, SHEET_MONITORING, SHEET_PLAN,
                                 TEMPLATE_VERSION, TemplateOptions, assign_activities, write_templates)

from conftest import sheet_grids, write_grids

FIXED = dt.datetime(2018, 1, 2, 8, 30)
AGENCY_FILES = {
    "Sở Nội vụ": "cchc-2018-so-noi-vu.xlsx",
    "Sở Tư pháp": "cchc-2018-so-tu-phap.xlsx",
    "Văn phòng UBND tỉnh": "cchc-2018-van-phong-ubnd-tinh.xlsx",
    "Sở Thông tin và Truyền thông": "cchc-2018-so-thong-tin-va-truyen-thong.xlsx",
    "Sở Khoa học và Công nghệ": "cchc-2018-so-khoa-hoc-va-cong-nghe.xlsx",
    "Sở Văn hóa, Thể thao và Du lịch": "cchc-2018-so-van-hoa-the-thao-va-du-lich.xlsx",
    "Cổng Thông tin điện tử tỉnh": "cchc-2018-cong-thong-tin-dien-tu-tinh.xlsx",
    "Sở Tài chính": "cchc-2018-so-tai-chinh.xlsx",
}
ALL_ROWS = "cchc-2018-toan-bo-ke-hoach.xlsx"
SPLIT = {"Sở Nội vụ": 2050, "Sở Thông tin và Truyền thông": 3470, "Sở Khoa học và Công nghệ": 1700,
         "Văn phòng UBND tỉnh": 300, "Sở Văn hóa, Thể thao và Du lịch": 180, "Sở Tư pháp": 150,
         "Cổng Thông tin điện tử tỉnh": 150, "Sở Tài chính": 0}


@pytest.fixture(scope="module")
def templates(tmp_path_factory, seed_plan) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    paths = write_templates(seed_plan, out, TemplateOptions(generated_at=FIXED, deadline="15/01/2018"))
    return {p.name: p for p in paths}


def test_one_template_per_agency_and_one_with_every_row(templates):
    assert sorted(templates) == sorted([*AGENCY_FILES.values(), ALL_ROWS])


@pytest.mark.parametrize("agency", list(AGENCY_FILES))
def test_each_template_holds_exactly_the_agencys_activities(templates, seed_plan, agency):
    read = read_plan(templates[AGENCY_FILES[agency]])
    expected = seed_plan.activities[seed_plan.activities["funded_agency"] == agency]
    assert read.activities["code"].tolist() == expected["code"].tolist()
    assert round(read.activities["budget"].sum(), 6) == SPLIT[agency]
    assert read.stated_total == SPLIT[agency]
    assert set(read.activities["funded_agency"]) == {agency}
    assert not [f for f in read.findings if f.code in ("unknown-row", "subtotal-mismatch", "total-mismatch",
                                                         "plan-monitoring-mismatch", "proposed-row")]


def test_rows_led_by_generic_bodies_go_to_their_funded_agency(seed_plan):
    assigned = assign_activities(seed_plan)
    assert "6.3.2" in assigned["Sở Khoa học và Công nghệ"]     # communes lead, the department funds
    assert "4.3.2" in assigned["Sở Nội vụ"]                    # "Các sở, ban, ngành …" lead, Sở Nội vụ partners
    assert assigned["Sở Tài chính"] == ["5.1.1", "5.2.1"]


COMPARED = ["level", "code", "parent_code", "content", "indicator", "evidence", "month_from", "year_from",
            "from_kind", "month_to", "year_to", "to_kind", "budget", "lead_agencies", "partners", "partner_agencies",
            "funded_agency"]


def test_round_trip_the_all_rows_template_reads_back_to_the_plan(templates, seed_plan):
    read = read_plan(templates[ALL_ROWS])
    pd.testing.assert_frame_equal(read.plan[COMPARED], seed_plan.plan[COMPARED].assign(
        partners=seed_plan.plan["partners"].str.replace("Sơ Khoa học", "Sở Khoa học")))
    pd.testing.assert_frame_equal(read.monitoring.drop(columns=["file", "sheet", "row", "cells"]),
                                  seed_plan.monitoring.drop(columns=["file", "sheet", "row", "cells"]))
    pd.testing.assert_frame_equal(read.allocation[["agency", "amount_dong"]], seed_plan.allocation[["agency", "amount_dong"]])
    assert read.stated_total == 8000
    # named agencies were written the registry's way; generic phrases stay as the plan wrote them
    assert {f.found for f in read.findings if f.code == "agency-corrected"} == {
        "Các cơ, ban, ngành", "Các cơ, ban, ngành có liên quan", "Các cơ. ban, ngành"}
    assert sorted({f.code for f in read.findings}) == ["agency-corrected", "budget-missing", "frequency-invalid",
                                                       "frequency-missing", "month-missing"]


@pytest.mark.parametrize("agency", ["Sở Khoa học và Công nghệ", "Sở Tư pháp"])
def test_round_trip_an_agency_template(templates, seed_plan, agency):
    read = read_plan(templates[AGENCY_FILES[agency]])
    codes = read.activities["code"].tolist()
    mine = seed_plan.activities.set_index("code").loc[codes]
    got = read.activities.set_index("code")
    for column in ("content", "indicator", "evidence", "month_from", "year_from", "month_to", "year_to",
                   "budget", "funded_agency"):
        pd.testing.assert_series_equal(got[column], mine[column], check_names=False)


def _activity_rows(ws):
    return {ws.cell(r, 1).value.split()[-1]: r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, 1).value, str) and ws.cell(r, 1).value.startswith("Hoạt động")}


def test_protection_and_unlocked_input_cells(templates):
    book = openpyxl.load_workbook(templates[AGENCY_FILES["Sở Tư pháp"]])
    ws = book[SHEET_PLAN]
    assert ws.protection.sheet is True and not ws.protection.password
    row = _activity_rows(ws)["1.4.1"]
    locked = {col: ws.cell(row, col).protection.locked for col in range(1, 10)}
    assert locked == {1: True, 2: True, 3: False, 4: False, 5: False, 6: False, 7: False, 8: True, 9: False}
    output_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Kết quả đầu ra 1.4")
    assert all(ws.cell(output_row, c).protection.locked for c in range(1, 10))
    spare = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Đề xuất mới (1.4)")
    assert ws.cell(spare, 1).protection.locked and not ws.cell(spare, 2).protection.locked
    p2 = book[SHEET_MONITORING]
    assert p2.protection.sheet is True
    row = _activity_rows(p2)["1.4.1"]
    assert [p2.cell(row, c).protection.locked for c in range(1, 8)] == [True, True, True, True, False, False, False]


def test_a_password_when_asked(tmp_path, seed_plan):
    paths = write_templates(seed_plan, tmp_path, TemplateOptions(password="cchc2018", generated_at=FIXED))
    ws = openpyxl.load_workbook(paths[0])[SHEET_PLAN]
    assert ws.protection.sheet and ws.protection.password


def _validation_for(ws, cell):
    return [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def test_every_input_cell_is_validated_with_a_vietnamese_prompt(templates):
    book = openpyxl.load_workbook(templates[AGENCY_FILES["Sở Khoa học và Công nghệ"]])
    ws = book[SHEET_PLAN]
    for code, row in _activity_rows(ws).items():
        months = _validation_for(ws, f"E{row}")
        assert months and months[0].type == "list" and "Tháng 01" in months[0].formula1
        assert "Theo yêu cầu" in months[0].formula1 and months[0].prompt.startswith("Chọn tháng")
        budget = _validation_for(ws, f"G{row}")
        assert budget[0].type == "decimal" and budget[0].operator == "greaterThanOrEqual"
        assert "triệu đồng" in budget[0].prompt
        for column in "CD":      # free text, but still a prompt saying what goes there
            assert _validation_for(ws, f"{column}{row}")[0].prompt
        partners = _validation_for(ws, f"I{row}")
        assert partners[0].type == "list" and partners[0].formula1.startswith(LISTS_SHEET)  # > 255 characters
    p2 = book[SHEET_MONITORING]
    for code, row in _activity_rows(p2).items():
        frequency = _validation_for(p2, f"E{row}")
        assert frequency[0].type == "list" and "Hàng quý" in frequency[0].formula1


def test_month_choices_include_the_neighbouring_years_the_plan_uses(templates):
    ws = openpyxl.load_workbook(templates[ALL_ROWS])[LISTS_SHEET]
    months = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert months[:4] == ["Tháng 10/2017", "Tháng 11/2017", "Tháng 12/2017", "Tháng 01"]
    assert months[-3:] == ["Tháng 02/2019", "Theo yêu cầu"][-3:] or months[-2:] == ["Tháng 02/2019", "Theo yêu cầu"]


def test_subtotals_are_formulas_with_cached_values(templates):
    path = templates[AGENCY_FILES["Sở Khoa học và Công nghệ"]]
    formulas = openpyxl.load_workbook(path)[SHEET_PLAN]
    values = openpyxl.load_workbook(path, data_only=True)[SHEET_PLAN]
    rows = {formulas.cell(r, 1).value: r for r in range(1, formulas.max_row + 1)}
    output = rows["Kết quả đầu ra 6.3"]
    assert formulas.cell(output, 7).value.startswith("=SUM(G")
    assert values.cell(output, 7).value == pytest.approx(1700)
    task = rows["NHIỆM VỤ 6"]
    assert formulas.cell(task, 7).value == f"=G{output}"
    assert values.cell(task, 7).value == pytest.approx(1700)
    total = rows["Tổng cộng"]
    assert values.cell(total, 7).value == pytest.approx(1700)


def test_hidden_metadata_matches_the_agency_and_fingerprints_locked_rows(templates, seed_plan):
    book = openpyxl.load_workbook(templates[AGENCY_FILES["Văn phòng UBND tỉnh"]])
    assert book[META_SHEET].sheet_state == "veryHidden"
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "visible"] == [SHEET_GUIDE, SHEET_PLAN, SHEET_MONITORING]
    meta = book[META_SHEET]
    entries = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 12)}
    assert entries["format"] == "cchc-xlsx/template" and entries["template_version"] == TEMPLATE_VERSION
    assert entries["agency"] == "Văn phòng UBND tỉnh" and entries["agency_id"] == "van-phong-ubnd-tinh"
    assert entries["plan_year"] == "2018" and entries["plan_id"].startswith("Đắk Lắk-2018-")
    assert entries["generated_at"] == FIXED.isoformat()
    header = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "code")
    fingerprinted = {(meta.cell(r, 1).value, meta.cell(r, 3).value) for r in range(header + 1, meta.max_row + 1)}
    assert ("2.2.4", SHEET_PLAN) in fingerprinted and ("2", SHEET_MONITORING) in fingerprinted
    assert int(entries["rows"]) == len(fingerprinted)


def test_print_setup(templates):
    book = openpyxl.load_workbook(templates[AGENCY_FILES["Sở Nội vụ"]])
    for name in (SHEET_PLAN, SHEET_MONITORING):
        ws = book[name]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$5:$6"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
        assert ws.page_setup.fitToHeight == 0
        assert "Trang &P/&N" in ws.oddFooter.center.text
        assert ws.page_margins.left == pytest.approx(1.18)
        assert ws.cell(7, 2).font.name == "Times New Roman"


def test_instructions_in_vietnamese(templates):
    ws = openpyxl.load_workbook(templates[AGENCY_FILES["Sở Nội vụ"]])[SHEET_GUIDE]
    text = "\n".join(str(ws.cell(r, 1).value or "") for r in range(1, ws.max_row + 1))
    assert "TRIỆU ĐỒNG" in text and "15/01/2018" in text and "Phòng Cải cách hành chính, Sở Nội vụ" in text
    assert "Kinh phí được phân bổ theo Quyết định: 2.050.000.000 đồng" in text
    assert "Không thêm, xóa hay đổi tên cột" in text


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+84 262 3852 111", "-1 hoạt động", "@admin", "=HYPERLINK(\"x\")"])
def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, text):
    grids = sheet_grids()
    rows = grids["Phụ lục 1"]
    target = next(i for i, row in enumerate(rows) if row[0] == "Hoạt động 2.2.4")
    rows[target] = [rows[target][0], text, text, *rows[target][3:]]
    plan = read_plan(write_grids(tmp_path / "plan.xlsx", grids))
    paths = write_templates(plan, tmp_path / "out", TemplateOptions(generated_at=FIXED))
    ws = openpyxl.load_workbook(next(p for p in paths if "van-phong" in p.name))[SHEET_PLAN]
    row = _activity_rows(ws)["2.2.4"]
    for col in (2, 3):
        assert ws.cell(row, col).data_type == "s" and ws.cell(row, col).value == text


def test_a_filled_spare_row_reads_back_as_a_proposed_activity(templates, tmp_path):
    path = tmp_path / "proposal.xlsx"
    book = openpyxl.load_workbook(templates[AGENCY_FILES["Sở Tư pháp"]])
    ws = book[SHEET_PLAN]
    spare = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Đề xuất mới (1.1)")
    ws.cell(spare, 2).value = "Tập huấn trực tuyến cho cán bộ pháp chế"
    ws.cell(spare, 5).value = "Tháng 09"
    ws.cell(spare, 6).value = "Tháng 10"
    ws.cell(spare, 7).value = 12
    book.save(path)
    read = read_plan(path)
    row = read.plan.set_index("code").loc["1.1.4"]
    assert bool(row["proposed"]) and row["budget"] == 12 and row["month_from"] == 9
    [finding] = [f for f in read.findings if f.code == "proposed-row"]
    assert finding.row_code == "1.1.4" and finding.expected == "1.1"


def test_the_table_finder_knows_the_templates_own_sheets():
    from cchc_xlsx.tables import OWN_SHEETS
    from cchc_xlsx.templates import LISTS_SHEET, META_SHEET

    assert set(OWN_SHEETS) == {META_SHEET, LISTS_SHEET}
