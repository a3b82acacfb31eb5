"""A plan file whose formulas were saved without their values (as openpyxl and some scripts save):
each such cell in a field read is computed where it is simple and said, else named; never read as
a blank without a word (issue 10's rule, on plans as on returns)."""

from __future__ import annotations

import math

import openpyxl

from cchc_xlsx import read_plan
from conftest import BUNDLED


def _plan_with(tmp_path, cells: dict[str, str]):
    book = openpyxl.load_workbook(BUNDLED)
    sheet = book.worksheets[0]
    assert sheet["A12"].value == "Hoạt động 1.1.3" and sheet["A11"].value == "Hoạt động 1.1.2"
    for ref, formula in cells.items():
        sheet[ref] = formula
    path = tmp_path / "ke-hoach-cong-thuc.xlsx"
    book.save(path)
    return read_plan(path)


def _row(plan, code):
    return next(row for row in plan.rows("plan") if row["code"] == code)


def test_simple_formulas_without_values_are_computed_and_said(tmp_path):
    plan = _plan_with(tmp_path, {"G12": "=10+5", "C12": '="Chỉ số "&"A"'})
    assert _row(plan, "1.1.3")["budget"] == 15 and _row(plan, "1.1.3")["indicator"] == "Chỉ số A"
    said = {(f.cell, f.severity) for f in plan.findings if f.code == "formula-no-value"}
    assert said == {("G12", "info"), ("C12", "info")}


def test_other_formulas_without_values_are_named_not_read_as_blank(tmp_path):
    plan = _plan_with(tmp_path, {"G11": "=ROUND(G12*1.1,0)"})
    assert math.isnan(_row(plan, "1.1.2")["budget"])
    (finding,) = [f for f in plan.findings if f.code == "formula-no-value" and f.cell == "G11"]
    assert finding.severity == "warning" and finding.found == "=ROUND(G12*1.1,0)"
    assert "Ngân sách dự kiến" in finding.message("vi")
