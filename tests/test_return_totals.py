"""A return's own Tổng cộng is checked: a number typed over its formula is never dropped silently."""

from __future__ import annotations

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.templates import TemplateOptions, write_templates


@pytest.fixture(scope="module")
def template(tmp_path_factory, seed_plan):
    paths = write_templates(seed_plan, tmp_path_factory.mktemp("t"), TemplateOptions())
    return next(p for p in paths if p.name == "cchc-2018-so-tu-phap.xlsx")


def _typed_total(template, folder, value):
    book = openpyxl.load_workbook(template)
    ws = book["Phụ lục 1"]
    row = next(c.row for c in ws["A"] if c.value == "Tổng cộng")
    ws.cell(row, 7).value = value
    path = folder / "tong-cong-go-tay.xlsx"
    book.save(path)
    return path, f"G{row}"


def test_a_total_typed_over_the_formula_that_does_not_add_up_is_named(template, tmp_path):
    # openpyxl saved the task subtotals without values: the total is compared with the activities
    path, cell = _typed_total(template, tmp_path, 999)
    result = consolidate([path], workers=1)
    [finding] = [f for f in result.findings if f.file == path.name and f.code == "total-mismatch"]
    assert (finding.sheet, finding.cell, finding.found, finding.expected) == ("Phụ lục 1", cell, "999", "150")


def test_a_total_that_adds_up_gives_no_finding(template, tmp_path):
    path, _ = _typed_total(template, tmp_path, 150)
    result = consolidate([path], workers=1)
    assert [f for f in result.findings if f.file == path.name and f.code == "total-mismatch"] == []


def test_the_template_as_sent_gives_no_total_finding(template):
    result = consolidate([template], workers=1)
    assert [f for f in result.findings if f.file == template.name and f.code == "total-mismatch"] == []
