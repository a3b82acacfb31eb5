"""Print that fits, read back with openpyxl: month ranges, a bar or a note on every Tiến độ row, row
heights that hold their text, and page breaks that never leave a task or output row at a page's end."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.write import write_workbook
from cchc_xlsx.write.fit import row_height
from cchc_xlsx.write.monitoring_calendar import month_ranges

RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"


def widths(ws) -> dict[str, float]:
    """Column letter -> width in Excel units as set (openpyxl groups equal neighbours; xlsxwriter
    stores the width with its 5 pixels of padding)."""
    from openpyxl.utils import get_column_letter

    found = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            found[get_column_letter(c)] = (dim.width * 7 - 5) / 7
    return found


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = write_workbook(consolidate([RETURNS]), tmp_path_factory.mktemp("fit") / "tong-hop.xlsx")
    return openpyxl.load_workbook(out)


@pytest.mark.parametrize("months, shown", [
    ([], ""), ([3], "T3"), ([1, 2], "T1–T2"), (list(range(1, 13)), "T1–T12"),
    ([1, 2, 5, 6, 7, 8, 9, 10, 11, 12], "T1–T2, T5–T12"), ([3, 6, 9, 12], "T3, T6, T9, T12"),
    ([12, 1, 2, 2, 11], "T1–T2, T11–T12"),
])
def test_month_lists_are_ranges(months, shown):
    assert month_ranges(months) == shown


def test_the_calendar_shows_each_window_as_ranges_that_fit_their_cell(workbook):
    ws = workbook["Lịch theo dõi"]
    head = next(r for r in range(1, 20) if ws.cell(r, 4).value == "Thời gian theo dõi")
    windows = 0
    for r in range(head + 1, ws.max_row + 1):
        window = ws.cell(r, 4).value
        if not window or window == "ngoài năm":
            continue
        windows += 1
        marks = [m for m in range(1, 13) if ws.cell(r, 4 + m).value == "x"]
        assert "," not in window or "–" in window or len(window.split(", ")) == len(marks), (r, window)
        height = ws.row_dimensions[r].height or 15
        assert height >= row_height([(window, widths(ws)["D"])]) - 0.01, (r, window)
    assert windows > 50
    assert any(", " in ws.cell(r, 4).value for r in range(head + 1, ws.max_row + 1)
               if isinstance(ws.cell(r, 4).value, str))      # the seed has split windows: T1–T2, T5–T12


def test_every_timeline_row_has_a_bar_or_a_note(workbook):
    ws = workbook["Tiến độ"]
    notes = {}
    for r in range(5, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if not isinstance(label, str) or not label.startswith("Hoạt động"):
            continue
        start, end, note = ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 17).value
        bar = isinstance(start, (int, float)) and isinstance(end, (int, float)) and start <= end
        assert bar or note, (r, label, start, end)
        notes[label.split()[-1]] = note
    assert len(notes) > 70
    # the month-order return (Văn phòng UBND tỉnh, 2.2.3: from April to March) has no bar: said why
    assert notes["2.2.3"] == "tháng kết thúc (T3) trước tháng bắt đầu (T4)"
    assert notes["1.4.4"] == "tháng bắt đầu không hợp lệ: «Tháng 13»"


@pytest.mark.parametrize("sheet", ["Phụ lục 1", "Phụ lục 2", "Lịch theo dõi", "Tiến độ"])
def test_no_page_ends_on_a_task_or_output_row(workbook, sheet):
    ws = workbook[sheet]
    breaks = [b.id for b in ws.row_breaks.brk]      # the last row of each page (1-based)
    assert breaks, sheet
    for last in breaks:
        label = str(ws.cell(last, 1).value or "")
        assert not label.startswith(("NHIỆM VỤ", "Kết quả đầu ra")), (sheet, last, label)
        below = str(ws.cell(last + 1, 1).value or "")
        assert below, (sheet, last)                  # the next page starts with a row, not a gap


def test_phu_luc_1_rows_hold_their_wrapped_text(workbook):
    ws = workbook["Phụ lục 1"]
    columns = {c: w for c, w in widths(ws).items() if c in "ABCDEFHIJ"}
    checked = 0
    for r in range(6, ws.max_row + 1):
        level = ws.cell(r, 11).value
        if level not in ("Nhiệm vụ", "Kết quả đầu ra", "Hoạt động"):
            continue
        texts = [(str(ws[f"{c}{r}"].value or ""), w) for c, w in columns.items()]
        needed = row_height(texts, bold=level != "Hoạt động")
        assert (ws.row_dimensions[r].height or 15) == pytest.approx(needed, abs=0.76), r     # whole pixels
        checked += 1
    assert checked > 100
