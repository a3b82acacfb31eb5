"""Reading the bundled 2018 Đắk Lắk decision (and variants of its workbook) into tidy frames."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cchc_xlsx import FileProblem, cell_of, read_plan
from cchc_xlsx.notation import NotANumber, parse_number
from cchc_xlsx.normalise import ALLOCATION_COLUMNS, MONITORING_COLUMNS, PLAN_COLUMNS

from conftest import sheet_grids, write_grids

SPLIT = {  # Điều 1 of the decision, triệu đồng
    "Sở Nội vụ": 2050, "Sở Thông tin và Truyền thông": 3470, "Sở Khoa học và Công nghệ": 1700,
    "Văn phòng UBND tỉnh": 300, "Sở Văn hóa, Thể thao và Du lịch": 180, "Sở Tư pháp": 150,
    "Cổng Thông tin điện tử tỉnh": 150,
}


def by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("code")


def test_levels_in_each_appendix(seed_plan):
    for frame in (seed_plan.plan, seed_plan.monitoring):
        assert frame["level"].value_counts().to_dict() == {"task": 7, "output": 22, "activity": 74}


def test_task_budgets_and_total(seed_plan):
    tasks = seed_plan.plan[seed_plan.plan["level"] == "task"]
    assert dict(zip(tasks["code"], tasks["budget"])) == {
        "1": 150, "2": 160, "3": 0, "4": 160, "5": 0, "6": 6170, "7": 1360}
    assert seed_plan.stated_total == 8000
    assert round(seed_plan.activities["budget"].sum(), 6) == 8000


def test_blank_budgets_are_missing_not_zero(seed_plan):
    activities = seed_plan.activities
    assert sorted(activities.loc[activities["budget"].isna(), "code"]) == ["4.3.2", "6.3.4", "6.3.5", "6.3.6", "6.3.7"]
    plan = by_code(seed_plan.plan)
    assert plan.loc["6.3.2", "budget"] == 1478.4
    assert plan.loc["1.4.1", "budget"] == 3.4
    assert plan.loc["6.2.1", "budget"] == 1949
    assert plan.loc["1.1.1", "budget"] == 0      # a written 0 stays 0


def test_budget_per_funded_agency_equals_the_decision_split(seed_plan):
    activities = seed_plan.activities
    sums = {agency: round(value, 6) for agency, value in activities.groupby("funded_agency")["budget"].sum().items()
            if value}
    assert sums == SPLIT
    allocation = dict(zip(seed_plan.allocation["agency"], seed_plan.allocation["amount"]))
    assert allocation == SPLIT
    assert seed_plan.allocation["amount_dong"].sum() == 8_000_000_000 == seed_plan.allocation_total


def test_funded_agency_rule_on_the_seed(seed_plan):
    plan = by_code(seed_plan.plan)
    # communes lead, the Sở Khoa học và Công nghệ partners: funded through the department
    assert plan.loc["6.3.2", "lead"] == "Các đơn vị hành chính cấp xã"
    assert plan.loc["6.3.2", "funded_agency"] == "Sở Khoa học và Công nghệ"
    assert plan.loc["6.2.6", "funded_agency"] == "Sở Nội vụ"
    assert plan.loc["1.3.4", "funded_agency"] == "Sở Tư pháp"          # written "Sơ Tư pháp"
    assert plan.loc["5.1.1", "funded_agency"] == "Sở Tài chính"
    assert plan.loc["4.2.1", "lead_agencies"] == ["Sở Nội vụ"]          # "- Sở Nội vụ - Các sở, ban, ngành …"
    assert plan.loc["7.3", "lead_agencies"] == [
        "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch", "Cổng Thông tin điện tử tỉnh"]


def test_months_with_and_without_years(seed_plan):
    plan = by_code(seed_plan.plan)
    row = plan.loc["1.3.4"]   # Tháng 12/2017 -> Tháng 02/2019
    assert (row["month_from"], row["year_from"], row["month_to"], row["year_to"]) == (12, 2017, 2, 2019)
    row = plan.loc["1.1.3"]   # Tháng 6 -> Tháng 6, the plan year
    assert (row["month_from"], row["year_from"], row["month_to"], row["year_to"]) == (6, 2018, 6, 2018)
    assert (plan.loc["1.4.5", "from_kind"], plan.loc["1.4.5", "to_kind"]) == ("on_request", "on_request")
    assert plan.loc["3.1.1", "from_kind"] == "month" and plan.loc["3.1.1", "to_kind"] == "missing"
    assert pd.isna(plan.loc["3.1.1", "month_to"])


def test_monitoring_frequencies(seed_plan):
    monitoring = by_code(seed_plan.monitoring)
    assert monitoring.loc["1.1", ["frequency_kind", "collections_per_year"]].tolist() == ["quarterly", 4]
    assert monitoring.loc["4.1", ["frequency_kind", "collections_per_year"]].tolist() == ["times", 4]
    assert monitoring.loc["1.1.1", "frequency_kind"] == "continuous"
    assert pd.isna(monitoring.loc["1.1.1", "collections_per_year"])
    assert monitoring.loc["1", "frequency_kind"] == "invalid"
    assert monitoring.loc["1", "frequency"] == "Công thông tin điện tử của tỉnh"
    assert monitoring.loc["1.3.1", "frequency_kind"] == "missing"
    assert monitoring.loc["1.1", "collector"].startswith("Bà Nguyễn Thúy Hà")


def test_plan_identity_from_the_titles(seed_plan):
    assert (seed_plan.year, seed_plan.province, seed_plan.decision, seed_plan.decision_date) == (
        2018, "Đắk Lắk", "3598/QĐ-UBND", "28/12/2017")


def test_frames_have_the_documented_columns_and_dtypes(seed_plan):
    for frame, columns in ((seed_plan.plan, PLAN_COLUMNS), (seed_plan.monitoring, MONITORING_COLUMNS),
                           (seed_plan.allocation, ALLOCATION_COLUMNS)):
        assert list(frame.columns) == list(columns)
        for name, dtype in columns.items():
            assert str(frame[name].dtype) == dtype, name


def test_every_value_keeps_its_cell(seed_plan, bundled_path):
    """The cell each frame value names holds that value in the workbook."""
    book = openpyxl.load_workbook(bundled_path)
    plan = by_code(seed_plan.plan).reset_index()
    checked = 0
    for _, row in plan.iterrows():
        ws = book[row["sheet"]]
        assert str(ws[cell_of(row, "code")].value).endswith(row["code"])
        assert str(ws[cell_of(row, "content")].value).strip() == row["content"]
        budget_cell = ws[cell_of(row, "budget")].value
        assert ("" if budget_cell is None else str(budget_cell)) == row["budget_text"]
        checked += 1
    for _, row in seed_plan.monitoring.iterrows():
        assert (book[row["sheet"]][cell_of(row, "frequency")].value or "") == row["frequency"]
    for _, row in seed_plan.allocation.iterrows():
        assert str(book[row["sheet"]][cell_of(row, "amount")].value) in ("150.000.000", "2.050.000.000", "300.000.000",
                                                                          "1.700.000.000", "3.470.000.000",
                                                                          "180.000.000")
        assert row["file"] == bundled_path.name
    assert checked == 103


# ---------------------------------------------------------------------------- variants of the same workbook
PROVENANCE = ["file", "sheet", "row", "cells"]


def _same_frames(a, b, ignore=()):
    drop = PROVENANCE + list(ignore)
    for name in ("plan", "monitoring", "allocation"):
        pd.testing.assert_frame_equal(getattr(a, name).drop(columns=drop, errors="ignore"),
                                      getattr(b, name).drop(columns=drop, errors="ignore"), check_like=False)
    assert a.stated_total == b.stated_total and a.year == b.year


def _real_numbers(value):
    if isinstance(value, str):
        try:
            number = parse_number(value)
        except NotANumber:
            return value
        if number is not None and any(ch.isdigit() for ch in value) and not value.strip().startswith("Tháng"):
            return number
    return value


def test_same_frames_when_numbers_are_real_numbers(seed_plan, tmp_path):
    grids = sheet_grids()
    grids["Phụ lục 1"] = [[_real_numbers(v) if i in (6, 2) else v for i, v in enumerate(row)]
                          for row in grids["Phụ lục 1"]]
    variant = read_plan(write_grids(tmp_path / "real-numbers.xlsx", grids))
    texts = by_code(variant.plan)["budget_text"]
    assert (texts["6.2.1"], texts["1.4.1"], texts["6.3.2"]) == ("1949", "3.4", "1478.4")   # numeric cells now
    _same_frames(seed_plan, variant, ignore=["budget_text"])
    assert [f.code for f in variant.findings] == [f.code for f in seed_plan.findings]


def _single_row_headers(rows):
    """Each two-row header collapsed into one row: Thời gian's sub-headers take its place."""
    out = []
    skip = False
    for i, row in enumerate(rows):
        if skip:
            skip = False
            continue
        if row and row[0] == "STT":
            sub = rows[i + 1]
            out.append([s if s else v for v, s in zip(row, sub)])
            skip = True
        else:
            out.append(row)
    return out


def test_same_frames_with_one_row_headers_and_no_merges(seed_plan, tmp_path):
    grids = {name: _single_row_headers(rows) for name, rows in sheet_grids().items()}
    variant = read_plan(write_grids(tmp_path / "flat-header.xlsx", grids))
    _same_frames(seed_plan, variant)


def test_same_frames_with_both_appendices_on_one_sheet(seed_plan, tmp_path):
    grids = sheet_grids()
    one = grids["Phụ lục 1"] + [[None]] * 3 + grids["Phụ lục 2"]
    variant = read_plan(write_grids(tmp_path / "one-sheet.xlsx", {"Kế hoạch": one}))
    _same_frames(seed_plan, variant)
    assert set(variant.plan["sheet"]) == {"Kế hoạch"}


def test_same_frames_with_columns_moved_and_an_extra_column(seed_plan, tmp_path):
    grids = sheet_grids()
    order = [0, 1, 7, 8, 6, 4, 5, 2, 3]   # lead and partners moved before the budget
    moved = []
    for row in grids["Phụ lục 1"]:
        row = list(row) + [None] * (9 - len(row))
        if row[0] == "STT":
            extra = "Số lượng"      # not a column of any plan form ("Ghi chú" is kept: test_plan_units.py)
        else:
            extra = "x" if isinstance(row[0], str) and row[0].startswith("Hoạt động") else None
        moved.append([row[i] for i in order] + [extra])
    grids["Phụ lục 1"] = moved
    variant = read_plan(write_grids(tmp_path / "moved.xlsx", grids))
    _same_frames(seed_plan, variant)
    unknown = [f for f in variant.findings if f.code == "unknown-column"]
    assert {f.found for f in unknown} == {"Số lượng"}


def test_blank_and_repeated_header_rows_are_not_rows(seed_plan):
    assert not [f for f in seed_plan.findings if f.code in ("unknown-row", "duplicate-row", "missing-column")]


# ---------------------------------------------------------------------------- bad files
def test_a_sheet_that_is_not_a_decision_table(tmp_path):
    path = write_grids(tmp_path / "ds.xlsx", {"Sheet1": [["Họ tên", "Tuổi"], ["An", 30]]})
    with pytest.raises(FileProblem, match="Phụ lục"):
        read_plan(path)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"STT,Noi dung\n1,abc\n", "not an Excel"),
    (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
])
def test_unreadable_files_raise_a_file_problem(tmp_path, content, reason):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=reason):
        read_plan(path)


def test_a_truncated_workbook(tmp_path, bundled_path):
    data = bundled_path.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileProblem, match="damaged"):
        read_plan(path)
