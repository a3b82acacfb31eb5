"""Units of a plan as provinces write them (issue 11): where the unit is stated, every budget in
triệu đồng, and the one rule for a figure written in đồng, the same in read, check and consolidate."""

from __future__ import annotations

import json
import math

import pytest
from pathlib import Path

from cchc_xlsx import plan_summary, read_plan
from cchc_xlsx.cli import main
from cchc_xlsx.consolidate import check_files, consolidate
from cchc_xlsx.notation import parse_unit, unit_in_text
from plan_builders import FULL, plan_grid, write_plan

DONG = ("150.000.000", "150.000.000", "100.000.000", "50.000.000")
NGHIN = ("150.000", "150.000", "100.000", "50.000")
TRIEU = (150, 150, 100, 50)


def _columns(budget_title: str = "Ngân sách dự kiến", extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    return [(budget_title if name == "budget" else title, name) for title, name in FULL] + list(extra)


def _read_json(path, capsys) -> tuple[int, dict]:
    code = main(["read", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


# (case, title lines above the header, budget column title, budgets as written, Tổng cộng as written,
#  unit read, unit as written, factor)
UNIT_CASES = [
    ("line-dong", ["ĐVT: đồng"], None, DONG, "150.000.000", "đồng", "đồng", 1e-6),
    ("line-1000-dong", ["Đơn vị tính: 1.000 đồng"], None, NGHIN, "150.000", "nghìn đồng", "1.000 đồng", 1e-3),
    ("line-trieu-vnd", ["ĐVT: Triệu VND"], None, TRIEU, 150, "triệu đồng", "Triệu VND", 1.0),
    ("line-no-diacritics", ["DVT: trieu dong"], None, TRIEU, 150, "triệu đồng", "trieu dong", 1.0),
    ("line-capitals", ["ĐƠN VỊ TÍNH: NGHÌN ĐỒNG"], None, NGHIN, "150.000", "nghìn đồng", "NGHÌN ĐỒNG", 1e-3),
    ("line-ngan-dong", ["(ĐVT: ngàn đồng)"], None, NGHIN, "150.000", "nghìn đồng", "ngàn đồng", 1e-3),
    ("line-ty-dong", ["Đơn vị tính: tỷ đồng"], None, ("0,15", "0,15", "0,1", "0,05"), "0,15", "tỷ đồng", "tỷ đồng",
     1000.0),
    ("line-in-a-right-cell", [[None, None, None, None, None, None, "ĐVT: 1.000 đồng"]], None, NGHIN, "150.000",
     "nghìn đồng", "1.000 đồng", 1e-3),
    ("line-vnd", ["Đơn vị tính: VNĐ"], None, DONG, "150.000.000", "đồng", "VNĐ", 1e-6),
    ("header-dong", [], "Ngân sách (đồng)", DONG, "150.000.000", "đồng", "đồng", 1e-6),
    ("header-nghin-dong", [], "Kinh phí (nghìn đồng)", NGHIN, "150.000", "nghìn đồng", "nghìn đồng", 1e-3),
    ("header-tr-d", [], "Dự toán kinh phí (Tr.đ)", TRIEU, 150, "triệu đồng", "Tr.đ", 1.0),
    ("header-trieu-vnd", [], "Kinh phí dự kiến (triệu VND)", TRIEU, 150, "triệu đồng", "triệu VND", 1.0),
    ("header-unit-only", [], "Triệu VND", TRIEU, 150, "triệu đồng", "Triệu VND", 1.0),
    ("header-after-comma", [], "Dự toán, đồng", DONG, "150.000.000", "đồng", "đồng", 1e-6),
    ("header-wins-over-line", ["ĐVT: triệu đồng"], "Kinh phí (đồng)", DONG, "150.000.000", "đồng", "đồng", 1e-6),
    ("not-stated", ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2019"], None, TRIEU, 150, "triệu đồng", "", 1.0),
    ("numbers-as-numbers", ["ĐVT: đồng"], None, (150e6, 150e6, 100e6, 50e6), 150e6, "đồng", "đồng", 1e-6),
]


@pytest.mark.parametrize("case, above, title, budgets, total, unit, text, factor", UNIT_CASES,
                         ids=[c[0] for c in UNIT_CASES])
def test_the_unit_as_stated_and_every_budget_in_trieu(tmp_path, capsys, case, above, title, budgets, total, unit,
                                                      text, factor):
    path = write_plan(tmp_path / f"{case}.xlsx", plan_grid(_columns(title or "Ngân sách dự kiến"), budgets,
                                                           above=above, total=total))
    code, data = _read_json(path, capsys)
    assert (data["unit"], data["unit_text"]) == (unit, text)
    assert data["unit_factor"] == pytest.approx(factor)
    assert data["total"] == 150 and data["stated_total"] == pytest.approx(150)
    assert data["budget_by_task"] == {"1": 150}
    assert data["budget_by_agency"] == {"Sở Tư pháp": 100, "Sở Nội vụ": 50}
    codes = {f["code"] for f in data["findings"]}
    assert not codes & {"budget-unit", "subtotal-mismatch", "total-mismatch", "unit-inferred"}, codes
    assert code == 0 and data["severity_counts"]["error"] == 0
    plan = read_plan(path)                                  # the API says the same
    assert (plan.unit, plan.unit_text) == (unit, text)
    assert plan.activities["budget"].tolist() == [100, 50]
    assert plan.activities["budget_text"].tolist()[0] in (str(budgets[2]), "100000000")


def test_a_second_header_row_under_the_budget_states_the_unit(tmp_path, capsys):
    grid = plan_grid(_columns(), DONG, total="150.000.000",
                     second_header=[None, None, None, None, "(đồng)", None, None])
    code, data = _read_json(write_plan(tmp_path / "sub.xlsx", grid), capsys)
    assert (data["unit"], data["total"], data["stated_total"]) == ("đồng", 150, 150)
    assert not [f for f in data["findings"] if f["code"] in ("unknown-row", "budget-unit")]


def test_a_unit_column_gives_each_row_its_unit(tmp_path, capsys):
    columns = _columns() + [("ĐVT", "unit")]
    grid = plan_grid(columns, (150, 150, "100.000.000", 50), total=150,
                     values={"1": {"unit": "triệu đồng"}, "1.1": {"unit": "Tr.đ"}, "1.1.1": {"unit": "đồng"},
                             "1.1.2": {"unit": "triệu đồng"}})
    code, data = _read_json(write_plan(tmp_path / "unit-column.xlsx", grid), capsys)
    assert data["total"] == 150 and data["budget_by_agency"] == {"Sở Tư pháp": 100, "Sở Nội vụ": 50}
    assert not [f for f in data["findings"] if f["code"] in ("budget-unit", "subtotal-mismatch", "unknown-column")]


def test_a_unit_line_and_header_that_disagree_are_said(tmp_path):
    plan = read_plan(write_plan(tmp_path / "conflict.xlsx", plan_grid(
        _columns("Kinh phí (đồng)"), DONG, above=["ĐVT: triệu đồng"], total="150.000.000")))
    conflict = [f for f in plan.findings if f.code == "unit-conflict"]
    assert [(f.severity, f.found, f.expected, f.cell) for f in conflict] == [("warning", "đồng", "triệu đồng", "E2")]


# ---------------------------------------------------------------- the one rule: a figure in đồng
# (case, title lines, budget column title, budgets as written, expected as the finding suggests, unit word)
OUTLIER_CASES = [
    ("trieu-stated", ["ĐVT: triệu đồng"], None, (150, 150, "100.000.000", 50), "100", "triệu đồng"),
    ("not-stated", [], None, (150, 150, 100_000_000, 50), "100", "triệu đồng"),
    ("not-stated-text", [], None, (150, 150, "100000000", 50), "100", "triệu đồng"),
    ("decimal", [], None, (150.5, 150.5, "100.500.000", 50), "100,5", "triệu đồng"),
    ("nghin-table", ["ĐVT: 1.000 đồng"], None, ("150.000", "150.000", "100.000.000", "50.000"), "100.000",
     "nghìn đồng"),
    ("header-tr-d", [], "Kinh phí (Tr.đ)", (150, 150, "100.000.000", 50), "100", "triệu đồng"),
]


@pytest.mark.parametrize("case, above, title, budgets, expected, unit_word", OUTLIER_CASES,
                         ids=[c[0] for c in OUTLIER_CASES])
def test_a_figure_in_dong_is_corrected_reported_and_counted_corrected(tmp_path, capsys, case, above, title,
                                                                      budgets, expected, unit_word):
    first = budgets[0] if not isinstance(budgets[0], str) else None
    path = write_plan(tmp_path / f"{case}.xlsx", plan_grid(_columns(title or "Ngân sách dự kiến"), budgets,
                                                           above=above, total=budgets[0]))
    code, data = _read_json(path, capsys)
    unit_findings = [f for f in data["findings"] if f["code"] == "budget-unit"]
    assert [(f["row_code"], f["cell"], f["found"], f["expected"], f["severity"]) for f in unit_findings] == [
        ("1.1.1", f"E{len(above) + 4}", str(budgets[2]).replace(".0", "") if not isinstance(budgets[2], str) else budgets[2],
         expected, "error")]
    assert unit_word in unit_findings[0]["message"] and "Tạm tính theo triệu đồng" in unit_findings[0]["message"]
    activity = 100.5 if case == "decimal" else 100
    assert data["total"] == pytest.approx(activity + 50)                      # the corrected value counts
    assert data["budget_by_agency"]["Sở Tư pháp"] == pytest.approx(activity)
    assert not [f for f in data["findings"] if f["code"] in ("subtotal-mismatch", "total-mismatch")]
    assert code == 1
    # consolidate --plan (the plan checked alone) applies the same rule once, with the same numbers
    result = consolidate([], path)
    again = [f for f in result.findings if f.code == "budget-unit"]
    assert [(f.cell, f.found, f.expected) for f in again] == [(f["cell"], f["found"], f["expected"])
                                                             for f in unit_findings]
    assert result.plan.activities["budget"].sum() == pytest.approx(activity + 50)
    assert first is None or first == budgets[0]


def test_a_return_in_dong_reads_the_same_in_read_check_and_consolidate(bundled_path):
    """The bundled Văn phòng UBND tỉnh return writes 2.2.4 in đồng (43000000)."""
    path = bundled_path.parent / "returns" / "cchc-2018-van-phong-ubnd-tinh.xlsx"
    read = read_plan(path)
    checked = check_files([path], bundled_path)
    merged = consolidate([path], bundled_path)
    for findings in (read.findings, checked.findings, merged.findings):
        unit = [(f.code, f.cell, f.found, f.expected) for f in findings if f.code == "budget-unit"]
        assert unit == [("budget-unit", "G18", "43000000", "43")]
    for plan in (read, merged.plan):
        budget = plan.plan.loc[plan.plan["code"] == "2.2.4", "budget"].item()
        assert budget == 43


def test_a_table_in_dong_states_no_unit_is_read_in_dong_with_one_warning(tmp_path, capsys):
    path = write_plan(tmp_path / "inferred.xlsx", plan_grid(_columns(), DONG, total="150.000.000"))
    code, data = _read_json(path, capsys)
    assert data["unit"] == "đồng" and data["unit_text"] == ""
    assert (data["total"], data["stated_total"]) == (150, 150)
    assert [(f["code"], f["severity"], f["cell"]) for f in data["findings"] if f["code"].startswith(("unit", "budget-u"))] \
        == [("unit-inferred", "warning", "E1")]
    assert code == 0


def test_a_huge_figure_in_a_dong_table_is_not_taken_for_dong_again(tmp_path):
    budgets = ("200.000.000.000", "200.000.000.000", "150.000.000.000", "50.000.000.000")
    plan = read_plan(write_plan(tmp_path / "big.xlsx", plan_grid(_columns("Kinh phí (đồng)"), budgets)))
    assert plan.activities["budget"].tolist() == [150_000, 50_000]
    assert not [f for f in plan.findings if f.code == "budget-unit"]


@pytest.mark.parametrize("amounts, unit_line, dong", [
    (("100.000.000", "50.000.000"), "ĐVT: triệu đồng", [100_000_000, 50_000_000]),   # the decision's đồng
    (("100", "50"), "ĐVT: triệu đồng", [100_000_000, 50_000_000]),                   # the table's unit
    (("100.000", "50.000"), "ĐVT: 1.000 đồng", [100_000_000, 50_000_000]),
])
def test_the_trong_do_split_in_dong_or_in_the_tables_unit(tmp_path, amounts, unit_line, dong):
    budgets = TRIEU if "triệu" in unit_line else NGHIN
    grid = plan_grid(_columns(), budgets, above=[unit_line], total=budgets[0])
    grid += [["Trong đó:"], ["1. Sở Tư pháp:", ":", amounts[0]], ["2. Sở Nội vụ:", ":", amounts[1]]]
    plan = read_plan(write_plan(tmp_path / "split.xlsx", grid))
    assert plan.allocation["amount_dong"].tolist() == dong
    assert not [f for f in plan.findings if f.code == "allocation-mismatch"]


@pytest.mark.parametrize("text, name", [
    ("đồng", "đồng"), ("Đồng", "đồng"), ("VNĐ", "đồng"), ("vnd", "đồng"), ("đ", "đồng"), ("1.000 đồng", "nghìn đồng"),
    ("1000đ", "nghìn đồng"), ("nghìn đồng", "nghìn đồng"), ("ngàn đồng", "nghìn đồng"), ("nghin dong", "nghìn đồng"),
    ("Triệu VND", "triệu đồng"), ("triệu đồng", "triệu đồng"), ("Tr.đ", "triệu đồng"), ("trđ", "triệu đồng"),
    ("TRIỆU ĐỒNG", "triệu đồng"), ("1.000.000 đồng", "triệu đồng"), ("tỷ đồng", "tỷ đồng"), ("Tỷ VNĐ", "tỷ đồng"),
])
def test_every_unit_spelling(text, name):
    assert parse_unit(text).name == name


@pytest.mark.parametrize("text", ["Hội đồng", "Ngân sách dự kiến", "Cơ quan, đơn vị chủ trì", "1000", "tr", "Lớp",
                                  "Đơn vị điền: Sở Nội vụ"])
def test_texts_that_state_no_unit(text):
    assert unit_in_text(text) is None


def test_the_unit_survives_the_plan_cache(tmp_path, monkeypatch):
    from cchc_xlsx.cache import cached_plan
    from cchc_xlsx.agencies import default_registry
    import cchc_xlsx.cache as cache

    monkeypatch.setenv("CCHC_XLSX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    path = write_plan(tmp_path / "dong.xlsx", plan_grid(_columns(), DONG, above=["ĐVT: đồng"], total="150.000.000"))
    from cchc_xlsx.pipeline import read_plan_file
    first = cached_plan(path, default_registry(), "calamine", lambda: read_plan_file(path))
    second = cached_plan(path, default_registry(), "calamine", lambda: pytest.fail("read again"))
    assert (second.unit, second.unit_text, second.unit_factor) == (first.unit, "đồng", 1e-6)
    assert plan_summary(second)["unit"] == "đồng" and not math.isnan(second.stated_total)


def test_a_figure_in_trieu_in_a_dong_table_is_corrected_the_other_way(tmp_path, capsys):
    budgets = ("150.000.000", "150.000.000", 100, "50.000.000")
    path = write_plan(tmp_path / "trieu-in-dong.xlsx", plan_grid(_columns(), budgets, above=["ĐVT: đồng"],
                                                                  total="150.000.000"))
    code, data = _read_json(path, capsys)
    said = [f for f in data["findings"] if f["code"] == "budget-unit"]
    assert [(f["row_code"], f["cell"], f["found"], f["expected"]) for f in said] == [("1.1.1", "E5", "100", "100.000.000")]
    assert "có vẻ ghi bằng triệu đồng thay vì đồng" in said[0]["message"]
    assert data["total"] == 150 and code == 1
    assert not [f for f in data["findings"] if f["code"] in ("subtotal-mismatch", "total-mismatch")]


def test_consolidate_json_shows_the_plans_unit(tmp_path, capsys):
    path = write_plan(tmp_path / "dong.xlsx", plan_grid(_columns(), DONG, above=["ĐVT: đồng"], total="150.000.000"))
    assert main(["consolidate", "--plan", str(path), "-o", str(tmp_path / "out.xlsx"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["unit"], data["unit_text"], data["total"], data["stated_total"]) == ("đồng", "đồng", 150, 150)


def test_a_total_written_in_dong_under_a_trieu_heading_is_corrected_like_its_rows(tmp_path):
    """The budget heading says triệu, every figure is in đồng: the activities are corrected
    (budget-unit) and so is the Tổng cộng, by the same rule, not reported as a mismatch."""
    import sys

    import openpyxl

    from cchc_xlsx import read_plan

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_plan_zoo import build as build_zoo

    source = build_zoo(tmp_path / "zoo")["dong_agency_first"]
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    header = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("Kinh phí"))
    for row in sheet.iter_rows(max_row=header.row - 1):
        for c in row:
            if isinstance(c.value, str) and "ĐVT" in c.value.upper():
                c.value = None
    header.value = "Kinh phí (tr.đồng)"
    path = tmp_path / "tieu-de-trieu.xlsx"
    book.save(path)
    plan = read_plan(path)
    codes = [f.code for f in plan.findings if f.severity == "error"]
    assert "total-mismatch" not in codes
    total = [f for f in plan.findings if f.code == "budget-unit" and f.row_code == "Tổng cộng"]
    assert len(total) == 1 and plan.stated_total == pytest.approx(sum(r["budget"] for r in plan.rows("plan", "activity")
                                                                     if r["budget"] == r["budget"]))
