"""Findings graded by what a plan's table is (issue 11): budget lists, full plans missing a part, no
Phụ lục 2, budgeted rows without an agency, and the header synonyms of other provinces' forms."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.cli import main
from plan_builders import FULL, plan_grid, write_plan

BUDGET_LIST = [("STT", "code"), ("Nội dung", "content"), ("Kinh phí", "budget")]
UNIT = ["ĐVT: triệu đồng"]


def _read_json(path, capsys) -> tuple[int, dict]:
    code = main(["read", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _graded(findings: list[dict]) -> set[tuple[str, str]]:
    """(code, severity) of the findings about the table's form."""
    return {(f["code"], f["severity"]) for f in findings
            if f["code"] in ("missing-column", "plan-budget-list", "monitoring-missing", "budget-unassigned",
                             "budget-no-agency", "unknown-column")}


@pytest.mark.parametrize("title", ["Kinh phí", "Dự toán", "Kinh phí dự kiến", "Dự toán kinh phí", "Ngân sách",
                                   "Thành tiền", "KINH PHÍ"])
def test_a_budget_list_is_valid_with_notes(tmp_path, capsys, title):
    columns = [(title if name == "budget" else t, name) for t, name in BUDGET_LIST]
    path = write_plan(tmp_path / "list.xlsx", plan_grid(columns, (150, 150, 100, 50), above=UNIT, total=150),
                      monitoring=False)
    code, data = _read_json(path, capsys)
    assert code == 0 and data["severity_counts"]["error"] == 0 and data["severity_counts"]["warning"] == 0
    assert _graded(data["findings"]) == {("plan-budget-list", "info"), ("monitoring-missing", "info"),
                                         ("budget-unassigned", "info")}
    unassigned = next(f for f in data["findings"] if f["code"] == "budget-unassigned")
    assert (unassigned["found"], unassigned["expected"]) == ("150", "2")
    assert data["total"] == 150 and data["counts"]["plan"]["activity"] == 2


def test_the_issue_budget_list_no_longer_gets_six_errors(tmp_path, capsys):
    path = write_plan(tmp_path / "list.xlsx", plan_grid(BUDGET_LIST, (150, 150, 100, 50), total=150),
                      monitoring=False)
    code, data = _read_json(path, capsys)
    assert code == 0 and not [f for f in data["findings"] if f["code"] == "missing-column"]


# (case, columns left out of the full form, with Phụ lục 2?, expected (code, severity, expected column))
FULL_PLAN_CASES = [
    ("no-monitoring", (), False, {("monitoring-missing", "warning", "")}),
    ("no-lead", ("lead",), True, {("missing-column", "warning", "Cơ quan, đơn vị chủ trì")}),
    ("no-time", ("month_from", "month_to"), True,
     {("missing-column", "warning", "Thời gian (Từ tháng / Đến tháng, hoặc Thời gian thực hiện)")}),
    ("no-end-month", ("month_to",), True, {("missing-column", "warning", "Đến tháng")}),
    ("no-budget", ("budget",), True, {("missing-column", "warning", "Ngân sách dự kiến")}),
    ("no-partners", ("partners",), True, {("missing-column", "info", "Cơ quan, đơn vị phối hợp")}),
    ("no-lead-no-monitoring", ("lead",), False, {("missing-column", "warning", "Cơ quan, đơn vị chủ trì"),
                                                 ("monitoring-missing", "warning", "")}),
]


@pytest.mark.parametrize("case, left_out, monitoring, expected", FULL_PLAN_CASES, ids=[c[0] for c in FULL_PLAN_CASES])
def test_a_full_plan_missing_a_part_gets_a_warning(tmp_path, capsys, case, left_out, monitoring, expected):
    columns = [c for c in FULL if c[1] not in left_out]
    path = write_plan(tmp_path / f"{case}.xlsx", plan_grid(columns, (150, 150, 100, 50), above=UNIT, total=150),
                      monitoring=monitoring)
    code, data = _read_json(path, capsys)
    got = {(f["code"], f["severity"], f["expected"]) for f in data["findings"]
           if f["code"] in ("missing-column", "monitoring-missing", "plan-budget-list")}
    template_notes = {("missing-column", "info", "Chỉ số đánh giá/tác động/mục tiêu"),
                      ("missing-column", "info", "Tài liệu kiểm chứng, xác minh")}
    assert got - template_notes == expected
    assert code == 0, [f for f in data["findings"] if f["severity"] == "error"]


def test_a_budgeted_row_without_an_agency_is_said_with_its_amount(tmp_path, capsys):
    grid = plan_grid(FULL, (150, 150, 100, 50), above=UNIT, total=150,
                     values={"1.1.1": {"lead": None, "partners": None}})
    code, data = _read_json(write_plan(tmp_path / "no-agency.xlsx", grid), capsys)
    said = [(f["code"], f["severity"], f["row_code"], f["cell"], f["found"]) for f in data["findings"]
            if f["code"] in ("budget-no-agency", "budget-unassigned")]
    assert said == [("budget-no-agency", "warning", "1.1.1", "E5", "100")]
    assert "100 triệu đồng" in next(f["message"] for f in data["findings"] if f["code"] == "budget-no-agency")
    assert data["budget_by_agency"] == {"Sở Nội vụ": 50, "": 100}


def test_a_row_without_a_budget_needs_no_agency(tmp_path):
    grid = plan_grid(FULL, (50, 50, 0, 50), above=UNIT, total=50, values={"1.1.1": {"lead": None, "partners": None}})
    plan = read_plan(write_plan(tmp_path / "zero.xlsx", grid))
    assert not [f for f in plan.findings if f.code in ("budget-no-agency", "budget-unassigned")]


@pytest.mark.parametrize("title", ["Đơn vị thực hiện", "Cơ quan thực hiện", "Cơ quan, đơn vị thực hiện",
                                   "Đơn vị chủ trì", "Cơ quan chủ trì thực hiện"])
def test_lead_synonyms(tmp_path, title):
    columns = [(title if name == "lead" else t, name) for t, name in FULL]
    plan = read_plan(write_plan(tmp_path / "lead.xlsx", plan_grid(columns, (150, 150, 100, 50), above=UNIT, total=150)))
    assert plan.activities["funded_agency"].tolist() == ["Sở Tư pháp", "Sở Nội vụ"]
    assert not [f for f in plan.findings if f.code in ("unknown-column", "budget-no-agency")]


@pytest.mark.parametrize("title", ["Nguồn kinh phí", "Nguồn vốn", "Nguồn ngân sách"])
def test_funding_source_and_notes_are_kept_as_columns(tmp_path, capsys, title):
    columns = BUDGET_LIST + [(title, "funding_source"), ("Ghi chú", "note")]
    grid = plan_grid(columns, (150, 150, 100, 50), above=UNIT, total=150,
                     values={"1.1.1": {"funding_source": "Ngân sách tỉnh", "note": "Chuyển tiếp từ năm 2018"},
                             "1.1.2": {"funding_source": "Lồng ghép chương trình mục tiêu"}})
    path = write_plan(tmp_path / "source.xlsx", grid, monitoring=False)
    plan = read_plan(path)
    assert plan.activities["funding_source"].tolist() == ["Ngân sách tỉnh", "Lồng ghép chương trình mục tiêu"]
    assert plan.activities["note"].tolist() == ["Chuyển tiếp từ năm 2018", ""]
    assert plan.activities["budget"].tolist() == [100, 50]           # the source is not the budget
    code, data = _read_json(path, capsys)
    assert code == 0 and data["total"] == 150
    assert not [f for f in data["findings"] if f["code"] in ("unknown-column", "budget-not-number")]


def test_a_return_of_our_template_is_still_held_to_the_template(tmp_path, bundled_path):
    """A return is graded as a template: a deleted column is an error, a column added is not read."""
    from cchc_xlsx.consolidate import check_files
    from cchc_xlsx.templates import write_templates

    (path,) = [p for p in write_templates(read_plan(bundled_path), tmp_path / "t") if "so-tu-phap" in p.name]
    book = openpyxl.load_workbook(path)
    sheet = book["Phụ lục 1"]
    header = next(r for r in range(1, 12) if sheet.cell(r, 1).value == "STT")
    sheet.delete_cols(8)                                    # Cơ quan, đơn vị chủ trì
    sheet.cell(header, sheet.max_column + 1, "Ghi chú")
    book.save(path)
    findings = check_files([path], bundled_path).findings
    assert ("missing-column", "error", "Cơ quan, đơn vị chủ trì") in {(f.code, f.severity, f.expected) for f in findings}
    assert ("unknown-column", "Ghi chú") in {(f.code, f.found) for f in findings}
    assert not [f for f in findings if f.code in ("monitoring-missing", "plan-budget-list")]


@pytest.mark.parametrize("numbers", [[1, 2, 3, 4, 5, 6, 7], ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
                                     ["1", "2", "3", "4", "5", "6", "7"]])
def test_a_row_numbering_the_columns_is_part_of_the_header(tmp_path, numbers):
    """Vietnamese tables often number their columns under the header: not a task 1."""
    grid = plan_grid(FULL, (150, 150, 100, 50), above=UNIT, total=150, second_header=numbers)
    plan = read_plan(write_plan(tmp_path / "numbered.xlsx", grid))
    assert plan.plan["code"].tolist() == ["1", "1.1", "1.1.1", "1.1.2"]
    assert plan.plan.loc[0, "content"] == "Cải cách thể chế"
    assert not [f for f in plan.findings if f.code in ("duplicate-row", "unknown-row", "subtotal-mismatch")]


def test_a_budget_split_into_shares_under_its_title(tmp_path, capsys):
    """``Kinh phí (triệu đồng)`` over ``Tổng số | NS tỉnh | NS huyện``: the total is the budget, the
    shares are said (not read), and the second header row is not a row of the plan."""
    columns = [("STT", "code"), ("Nội dung công việc", "content"), ("Kinh phí (triệu đồng)", "budget"),
               ("", "province_share"), ("", "district_share"), ("Đơn vị thực hiện", "lead")]
    grid = plan_grid(columns, (150, 150, 100, 50), total=150,
                     second_header=[None, None, "Tổng số", "NS tỉnh", "NS huyện", None],
                     values={"1.1.1": {"province_share": 60, "district_share": 40}})
    code, data = _read_json(write_plan(tmp_path / "shares.xlsx", grid, monitoring=False), capsys)
    assert (data["unit"], data["total"], data["stated_total"]) == ("triệu đồng", 150, 150)
    assert {f["found"] for f in data["findings"] if f["code"] == "unknown-column"} == {
        "Kinh phí (triệu đồng): NS tỉnh", "Kinh phí (triệu đồng): NS huyện"}
    assert not [f for f in data["findings"] if f["code"] in ("unknown-row", "subtotal-mismatch")]
    assert data["budget_by_agency"] == {"Sở Tư pháp": 100, "Sở Nội vụ": 50}


@pytest.mark.parametrize("unit_title, shares, expected", [
    ("Kinh phí (triệu đồng)", {"1.1.1": (60, 40), "1.1.2": (50, None)}, (100, 50)),
    ("Dự toán (đồng)", {"1.1.1": ("60.000.000", "40.000.000"), "1.1.2": ("50.000.000", None)}, (100, 50)),
])
def test_a_budget_split_into_shares_without_a_total_is_their_sum(tmp_path, capsys, unit_title, shares, expected):
    columns = [("STT", "code"), ("Nội dung công việc", "content"), (unit_title, "province_share"),
               ("", "district_share"), ("Đơn vị thực hiện", "lead")]
    values = {code: {"province_share": a, "district_share": b} for code, (a, b) in shares.items()}
    grid = plan_grid(columns, (None,) * 4, second_header=[None, None, "NS tỉnh", "NS huyện", None], values=values)
    code, data = _read_json(write_plan(tmp_path / "shares-only.xlsx", grid, monitoring=False), capsys)
    assert data["total"] == sum(expected)
    assert data["budget_by_agency"] == {"Sở Tư pháp": expected[0], "Sở Nội vụ": expected[1]}
    assert not [f for f in data["findings"] if f["code"] in ("unknown-row", "unknown-column", "budget-unit",
                                                             "budget-not-number")]
    assert not [f for f in data["findings"] if f["code"] == "missing-column" and f["expected"] == "Ngân sách dự kiến"]
