"""The consolidated workbook as a Sở would sign it (issue 12, item 3): every cell with a finding marked
on Phụ lục 1 and 2, the data's state said on Tổng hợp, one count of findings per agency, the Decree
30/2020 blocks, and the Kiểm tra sheet explaining its codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.findings import Finding
from cchc_xlsx.write import write_workbook
from cchc_xlsx.write.layout import P1, P2, plan_layout
from cchc_xlsx.write.marks import COMMENT_AUTHOR, FILL_COLORS, severity_word, split_ref

RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"
_ORDER = {"error": 0, "warning": 1, "info": 2}


@pytest.fixture(scope="module")
def bundled():
    """The bundled consolidation (the seed plan and its sample returns) and its workbook."""
    return consolidate([RETURNS])


@pytest.fixture(scope="module")
def written(bundled, tmp_path_factory) -> Path:
    return write_workbook(bundled, tmp_path_factory.mktemp("signable") / "tong-hop.xlsx")


@pytest.fixture(scope="module")
def book(written):
    wb = openpyxl.load_workbook(written)
    yield wb
    wb.close()


def _cells_with_findings(consolidation) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, A1 cell) of Phụ lục 1/2 -> the findings that name it, as the layout places them."""
    layout = plan_layout(consolidation)
    cells: dict[tuple[str, str], list[Finding]] = {}
    for f in consolidation.findings:
        place = split_ref(layout.locate(f))
        if place and place[0] in (P1, P2):
            sheet, row, col = place
            cells.setdefault((sheet, f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}"), []).append(f)
    return cells


# --------------------------------------------------------------------------- marked cells
def test_every_cell_named_by_a_finding_has_a_fill_and_a_comment(bundled, book):
    cells = _cells_with_findings(bundled)
    # the sample returns' mistakes: budgets (negative, in đồng, not a number, blank), months, frequencies,
    # a changed locked text, the grand total, the allocation differences
    assert len(cells) >= 40
    assert {sheet for sheet, _ in cells} == {P1, P2}
    for (sheet, coordinate), findings in cells.items():
        cell = book[sheet][coordinate]
        worst = min((f.severity for f in findings), key=_ORDER.get)
        assert cell.fill.fill_type == "solid", (sheet, coordinate)
        assert cell.fill.fgColor.rgb == FILL_COLORS[worst], (sheet, coordinate, worst)
        assert cell.comment is not None and cell.comment.author == COMMENT_AUTHOR, (sheet, coordinate)
        for f in findings:
            assert f"{severity_word(f.severity)}: {f.message()}" in cell.comment.text, (sheet, coordinate, f.code)


def test_only_cells_with_findings_carry_a_comment_and_a_severity_fill(bundled, book):
    cells = _cells_with_findings(bundled)
    colours = set(FILL_COLORS.values())
    for sheet in (P1, P2):
        ws = book[sheet]
        marked = {(c.coordinate) for row in ws.iter_rows() for c in row
                  if c.comment is not None or (c.fill.fill_type == "solid" and c.fill.fgColor.rgb in colours)}
        assert marked == {coordinate for s, coordinate in cells if s == sheet}


def test_the_marked_cells_keep_their_values_and_number_format(book):
    p1 = book[P1]
    negative = next(c for row in p1.iter_rows(min_col=7, max_col=7) for c in row if c.value == -20)
    assert negative.number_format.endswith("#,##0.0#####") and negative.font.name == "Times New Roman"
    assert negative.comment.text.startswith("Lỗi: Ngân sách của dòng 4.4.4 là số âm")
    total = next(c for c in p1["A"] if c.value == "Tổng cộng")
    g = p1.cell(total.row, 7)
    assert g.data_type == "f" and g.fill.fgColor.rgb == FILL_COLORS["error"] and g.font.bold


def test_comments_hold_the_messages_in_the_language_asked(bundled, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "en.xlsx", lang="en"))
    texts = [c.comment.text for row in wb[P1].iter_rows() for c in row if c.comment is not None]
    assert texts and all(t.split(":")[0] in ("Lỗi", "Cảnh báo", "Ghi chú") for t in texts)   # labels: vi
    assert any("is negative: -20" in t for t in texts)


def test_a_plan_without_findings_has_no_comment(bundled, tmp_path):
    clean = dataclasses.replace(bundled, findings=[])
    wb = openpyxl.load_workbook(write_workbook(clean, tmp_path / "clean.xlsx"))
    for sheet in (P1, P2):
        assert not [c for row in wb[sheet].iter_rows() for c in row if c.comment is not None]
