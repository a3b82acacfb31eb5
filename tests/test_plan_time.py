"""A single time column as provinces write it (issue 11): ``Thời gian thực hiện`` read into months."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.cli import main
from plan_builders import FULL, plan_grid, write_plan

# (as written, from month, from year, to month, to year), in a plan of 2019
TIME_FORMS = [
    ("Quý II", 4, 2019, 6, 2019),
    ("Quý I/2019", 1, 2019, 3, 2019),
    ("Quý IV/2020", 10, 2020, 12, 2020),
    ("Quý I, II", 1, 2019, 6, 2019),
    ("Quý II - Quý III", 4, 2019, 9, 2019),
    ("quy 3", 7, 2019, 9, 2019),
    ("Tháng 3-6", 3, 2019, 6, 2019),
    ("T3 - T6", 3, 2019, 6, 2019),
    ("Tháng 3 đến tháng 6", 3, 2019, 6, 2019),
    ("Từ tháng 3/2019 đến tháng 6/2019", 3, 2019, 6, 2019),
    ("Tháng 11/2018 - tháng 2/2019", 11, 2018, 2, 2019),
    ("6 tháng đầu năm", 1, 2019, 6, 2019),
    ("6 tháng cuối năm", 7, 2019, 12, 2019),
    ("Nửa đầu năm", 1, 2019, 6, 2019),
    ("Cả năm", 1, 2019, 12, 2019),
    ("Năm 2019", 1, 2019, 12, 2019),
    ("Trong năm", 1, 2019, 12, 2019),
    ("Thường xuyên", 1, 2019, 12, 2019),
    ("THƯỜNG XUYÊN", 1, 2019, 12, 2019),
    ("thuong xuyen", 1, 2019, 12, 2019),
    ("Trước 30/6", 1, 2019, 6, 2019),
    ("Trước ngày 15/9/2019", 1, 2019, 9, 2019),
    ("Tháng 12/2019", 12, 2019, 12, 2019),
    ("Tháng 5", 5, 2019, 5, 2019),
    ("Tháng 3, 4 và 5", 3, 2019, 5, 2019),
    ("Tháng 9, 10, 11, 12 năm 2020", 9, 2020, 12, 2020),
    ("Trong tháng 8", 8, 2019, 8, 2019),
]
PERIOD_COLUMNS = [(("Thời gian thực hiện", "period") if name == "month_from" else (title, name))
                  for title, name in FULL if name != "month_to"]
TITLE = ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2019"]


def _plan(tmp_path, written: str, title: str = "Thời gian thực hiện", second: str = "Quý IV"):
    columns = [((title, name) if name == "period" else (title_, name)) for title_, name in PERIOD_COLUMNS]
    grid = plan_grid(columns, (150, 150, 100, 50), above=TITLE, total=150,
                     values={"1.1.1": {"period": written}, "1.1.2": {"period": second}})
    return write_plan(tmp_path / "time.xlsx", grid)


@pytest.mark.parametrize("written, month_from, year_from, month_to, year_to", TIME_FORMS,
                         ids=[f[0] for f in TIME_FORMS])
def test_each_time_form_is_read_into_months(tmp_path, capsys, written, month_from, year_from, month_to, year_to):
    path = _plan(tmp_path, written)
    plan = read_plan(path)
    first, second = plan.activities.to_dict("records")
    assert (first["month_from"], first["year_from"], first["month_to"], first["year_to"]) == \
        (month_from, year_from, month_to, year_to)
    assert (first["from_kind"], first["to_kind"]) == ("month", "month")
    assert first["period"] == first["from_text"] == first["to_text"] == written      # kept as written
    assert (second["month_from"], second["month_to"]) == (10, 12)
    assert main(["read", str(path), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert not [f for f in findings if f["code"] in ("period-unread", "month-invalid", "month-missing",
                                                    "unknown-column", "month-order")]
    assert not [f for f in findings if f["code"] == "missing-column" and f["severity"] != "info"]


@pytest.mark.parametrize("title", ["Thời gian thực hiện", "Thời gian hoàn thành", "Thời gian", "THỜI GIAN THỰC HIỆN",
                                   "Thời gian dự kiến"])
def test_the_time_column_by_any_of_its_titles(tmp_path, title):
    plan = read_plan(_plan(tmp_path, "Quý II", title=title))
    assert plan.activities["month_from"].tolist() == [4, 10]
    assert not [f for f in plan.findings if f.code == "unknown-column"]
    assert {f.expected for f in plan.findings if f.code == "missing-column"} == {   # notes only: not this form's
        "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh"}


@pytest.mark.parametrize("written", ["Khi có kinh phí", "Quý V", "Tháng 13", "Sau khi Bộ ban hành hướng dẫn", "30/6"])
def test_a_time_that_says_no_months_is_kept_as_text_with_a_finding(tmp_path, capsys, written):
    path = _plan(tmp_path, written)
    assert main(["read", str(path), "--json"]) == 0        # a warning, not an error
    data = json.loads(capsys.readouterr().out)
    unread = [(f["code"], f["severity"], f["cell"], f["row_code"], f["found"]) for f in data["findings"]
              if f["code"] in ("period-unread", "month-invalid", "month-missing")]
    assert unread == [("period-unread", "warning", "C5", "1.1.1", written)]
    row = read_plan(path).activities.iloc[0]
    assert (row["from_kind"], row["period"], row["from_text"]) == ("invalid", written, written)


def test_theo_yeu_cau_and_blank(tmp_path):
    plan = read_plan(_plan(tmp_path, "Theo yêu cầu", second=None))
    first, second = plan.activities.to_dict("records")
    assert (first["from_kind"], second["from_kind"]) == ("on_request", "missing")
    missing = [(f.code, f.row_code, f.cell) for f in plan.findings if f.code.startswith(("month", "period"))]
    assert missing == [("month-missing", "1.1.2", "C6")]


def test_month_columns_under_a_thoi_gian_group_still_read(tmp_path):
    """``Thời gian`` over Từ tháng / Đến tháng (the decision's two-row header) is a group, not a column."""
    columns = [("Thời gian" if name == "month_from" else "" if name == "month_to" else title, name)
               for title, name in FULL]
    second = [("Từ tháng" if name == "month_from" else "Đến tháng" if name == "month_to" else None)
              for _, name in FULL]
    grid = plan_grid(columns, (150, 150, 100, 50), above=TITLE, total=150, second_header=second)
    plan = read_plan(write_plan(tmp_path / "group.xlsx", grid))
    assert plan.activities["month_from"].tolist() == [3, 7] and plan.activities["month_to"].tolist() == [6, 9]
    assert plan.activities["period"].tolist() == ["", ""]
    assert not [f for f in plan.findings if f.code in ("unknown-column", "unknown-row")]
    assert {(f.expected, f.severity) for f in plan.findings if f.code == "missing-column"} == {
        ("Chỉ số đánh giá/tác động/mục tiêu", "info"), ("Tài liệu kiểm chứng, xác minh", "info")}


def test_templates_and_consolidation_of_a_plan_in_quarters(tmp_path):
    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.templates import write_templates

    path = _plan(tmp_path, "Quý II")
    paths = write_templates(read_plan(path), tmp_path / "out")
    returned = [p for p in paths if "tu-phap" in p.name]
    result = consolidate(returned, path)
    row = result.plan.plan.set_index("code").loc["1.1.1"]
    assert (row["month_from"], row["month_to"]) == (4, 6)
    assert not [f for f in result.findings if f.code in ("month-invalid", "locked-cell-changed", "unknown-row")]


def test_a_return_of_a_period_plan_is_judged_by_its_own_month_cells(tmp_path):
    """The template of a plan with one Thời gian column has Từ tháng / Đến tháng cells: a text the
    agency types there that names no month is month-invalid at that cell, not the plan's
    period-unread (which has no cell in the return)."""
    import sys

    import openpyxl

    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.templates import write_templates
    from cchc_xlsx import read_plan

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_plan_zoo import build as build_zoo

    zoo = build_zoo(tmp_path / "zoo")
    plan_path = zoo["quarters"]
    template = next(p for p in write_templates(read_plan(plan_path), tmp_path / "tpl") if "so-noi-vu" in p.name)
    book = openpyxl.load_workbook(template)
    sheet = book["Phụ lục 1"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "1.1")
    sheet.cell(row, 5).value = "Quý I"
    path = tmp_path / "quy-1.xlsx"
    book.save(path)
    result = consolidate([path], plan_path, workers=1)
    said = [(f.code, f.cell) for f in result.findings if f.code in ("month-invalid", "period-unread")]
    assert said == [("month-invalid", f"E{row}")]
