"""A plan file whose formulas were saved without their values (as openpyxl and some scripts save):
each such cell in a field read is computed where it is simple and said, else named; never read as
a blank without a word (issue 10's rule, on plans as on returns)."""

from __future__ import annotations

import math

import openpyxl
import pytest

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


@pytest.mark.parametrize("how", ["kept", "not kept", "streamed"])
def test_the_formulas_are_found_whatever_the_scan_kept_of_the_sheets(tmp_path, monkeypatch, how):
    """The search for formulas saved without a value takes the sheets as the scan left them (their
    XML kept, or what it found while it inflated them, or a block at a time): the findings are those
    of reading the file again."""
    from cchc_xlsx import returns, scan, workbook

    if how == "not kept":
        monkeypatch.setattr(scan, "KEEP_AT_MOST", 0)
    elif how == "streamed":
        monkeypatch.setattr(scan, "STREAM_ABOVE", 1 << 12)
        monkeypatch.setattr(scan, "_BLOCK", 1 << 12)
    plan = _plan_with(tmp_path, {"G12": "=10+5", "G11": "=ROUND(G12*1.1,0)"})
    said = [(f.cell, f.severity, f.found) for f in plan.findings if f.code == "formula-no-value"]
    assert said == [("G11", "warning", "=ROUND(G12*1.1,0)"), ("G12", "info", "=10+5")]
    path = tmp_path / "ke-hoach-cong-thuc.xlsx"
    book = workbook.open_book(path)
    assert book.inflated is not None
    assert workbook.formulas_without_values(path, book.inflated) == workbook.formulas_without_values(path)
    assert returns._has_formula_without_value(path, book.inflated) is returns._has_formula_without_value(path) is True


def test_a_plan_without_formulas_left_without_values_says_none(tmp_path, monkeypatch):
    from cchc_xlsx import returns, scan, workbook

    monkeypatch.setattr(scan, "STREAM_ABOVE", 1 << 12)
    monkeypatch.setattr(scan, "_BLOCK", 1 << 12)
    book = workbook.open_book(BUNDLED)
    assert returns._has_formula_without_value(BUNDLED, book.inflated) is returns._has_formula_without_value(BUNDLED)
