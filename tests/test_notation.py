"""The decision's notation: numbers, months, frequencies and row labels, case by case."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from cchc_xlsx.notation import NotANumber, fold, parse_frequency, parse_label, parse_month, parse_number


@pytest.mark.parametrize("cell, expected", [
    ("1.949", 1949.0),            # seed 6.2.1: dot groups thousands
    ("6.170", 6170.0),            # seed task 6
    ("8.000", 8000.0),            # seed Tổng Cộng
    ("1.000", 1000.0),
    ("3,4", 3.4),                 # seed 1.4.1: comma is the decimal mark
    ("3,2", 3.2),
    ("6,6", 6.6),
    ("1478,4", 1478.4),           # seed 6.3.2
    ("1.478,4", 1478.4),
    ("8.000.000.000", 8_000_000_000.0),   # Trong đó block, in đồng
    ("150.000.000", 150_000_000.0),
    ("15 000 000", 15_000_000.0),
    ("150", 150.0),
    (" 150 ", 150.0),
    ("0", 0.0),
    (150, 150.0),                 # real numeric cells as they are
    (1478.4, 1478.4),
    (0, 0.0),
    ("-5", -5.0),
    ("(2,5)", -2.5),
    ("3.45", 3.45),               # a dot not followed by exactly three digits can only be a decimal
    ("1,478.4", 1478.4),          # both separators: English notation
])
def test_parse_number(cell, expected):
    assert parse_number(cell) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("cell", [None, "", "   ", float("nan")])
def test_blank_budget_is_missing_not_zero(cell):
    assert parse_number(cell) is None


@pytest.mark.parametrize("cell", ["150 triệu", "x", "1.2.3", "Theo yêu cầu", "1,5,6", True])
def test_not_a_number(cell):
    with pytest.raises(NotANumber):
        parse_number(cell)


@pytest.mark.parametrize("cell, kind, month, year", [
    ("Tháng 01", "month", 1, 2018),
    ("Tháng 1", "month", 1, 2018),
    ("Tháng 6", "month", 6, 2018),
    ("Tháng 12", "month", 12, 2018),
    ("Tháng 12/2017", "month", 12, 2017),     # year given: kept
    ("Tháng 02/2019", "month", 2, 2019),
    ("Tháng 1/2018", "month", 1, 2018),
    ("Thang 7", "month", 7, 2018),            # no diacritics
    ("tháng 07", "month", 7, 2018),
    ("T7", "month", 7, 2018),
    ("7", "month", 7, 2018),
    (7, "month", 7, 2018),
    (7.0, "month", 7, 2018),
    (dt.datetime(2018, 3, 1), "month", 3, 2018),   # a date typed into the cell
    ("Theo yêu cầu", "on_request", None, None),
    ("theo yeu cau", "on_request", None, None),
    (None, "missing", None, None),
    ("", "missing", None, None),
    ("Tháng 13", "invalid", None, None),
    ("Tháng 0", "invalid", None, None),
    ("Quý I", "invalid", None, None),
    ("Cả năm", "invalid", None, None),
])
def test_parse_month(cell, kind, month, year):
    parsed = parse_month(cell, 2018)
    assert (parsed.kind, parsed.month, parsed.year) == (kind, month, year)


@pytest.mark.parametrize("cell, kind, per_year", [
    ("Hàng quý", "quarterly", 4),
    ("Hằng quý", "quarterly", 4),
    ("hang quy", "quarterly", 4),
    ("Thường xuyên", "continuous", None),
    ("Thuong xuyen", "continuous", None),
    ("01 lần", "times", 1),
    ("02 lần", "times", 2),
    ("04 lần", "times", 4),
    ("1 lần/năm", "times", 1),
    ("Hàng tháng", "monthly", 12),
    ("6 tháng", "semiannual", 2),
    ("6 tháng/lần", "semiannual", 2),
    ("Hàng năm", "annual", 1),
    ("Hằng năm", "annual", 1),
    ("Theo yêu cầu", "on_request", None),
    ("", "missing", None),
    (None, "missing", None),
    ("Công thông tin điện tử của tỉnh", "invalid", None),   # the seed's task 1: an agency, not a frequency
    ("0 lần", "invalid", None),
    ("Bà Nguyễn Thúy Hà", "invalid", None),
])
def test_parse_frequency(cell, kind, per_year):
    parsed = parse_frequency(cell)
    assert (parsed.kind, parsed.per_year) == (kind, per_year)


@pytest.mark.parametrize("cell, level, code, parent", [
    ("NHIỆM VỤ 1", "task", "1", None),
    ("Nhiệm vụ 7", "task", "7", None),
    ("Kết quả đầu ra 1.1", "output", "1.1", "1"),
    ("Kết quả đầu ra 6.3", "output", "6.3", "6"),
    ("Hoạt động 1.1.1", "activity", "1.1.1", "1.1"),
    ("Hoạt động 6.2.1", "activity", "6.2.1", "6.2"),
    ("Hoat dong 4.3.2", "activity", "4.3.2", "4.3"),
    ("  Hoạt động   7.4.3. ", "activity", "7.4.3", "7.4"),
    ("6.2.1", "activity", "6.2.1", "6.2"),
    ("2", "task", "2", None),
    (1.1, "output", "1.1", "1"),
])
def test_parse_label(cell, level, code, parent):
    label = parse_label(cell)
    assert (label.level, label.code, label.parent) == (level, code, parent)


@pytest.mark.parametrize("cell", ["Tổng Cộng", "STT", "Trong đó:", "", None, "Hoạt động 1.1", "Kết quả đầu ra 1",
                                  "1. Sở Tư pháp:"])
def test_not_a_label(cell):
    assert parse_label(cell) is None


def test_fold_drops_diacritics_case_and_punctuation():
    assert fold("Sở Văn hóa, Thể thao và Du lịch") == "so van hoa the thao va du lich"
    assert fold("ĐẮK LẮK") == "dak lak"
    assert not math.isnan(len(fold("")))
