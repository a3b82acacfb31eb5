"""Periods and the due/overdue rules: every frequency form, every period, the year boundary, «Theo yêu cầu»."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_xlsx.notation import FREQUENCY_CHOICES, parse_frequency
from cchc_xlsx.periods import PERIODS, collection_months, period, schedule


def _row(start: str, end: str) -> dict:
    """A plan row's window fields from ``"12/2017"``, ``"03"`` (the plan year 2018), ``"yc"``
    (Theo yêu cầu) or ``""`` (missing)."""
    row = {}
    for side, text in (("from", start), ("to", end)):
        if text == "yc":
            row |= {f"{side}_kind": "on_request", f"year_{side}": None, f"month_{side}": None}
        elif not text:
            row |= {f"{side}_kind": "missing", f"year_{side}": None, f"month_{side}": None}
        else:
            month, _, year = text.partition("/")
            row |= {f"{side}_kind": "month", f"year_{side}": int(year or 2018), f"month_{side}": int(month)}
    return row


@pytest.mark.parametrize("text, code, end", [
    ("quy-1", "quy-1", dt.date(2018, 3, 31)), ("q1", "quy-1", dt.date(2018, 3, 31)),
    ("6-thang", "6-thang", dt.date(2018, 6, 30)), ("h1", "6-thang", dt.date(2018, 6, 30)),
    ("9-thang", "9-thang", dt.date(2018, 9, 30)), ("9m", "9-thang", dt.date(2018, 9, 30)),
    ("nam", "nam", dt.date(2018, 12, 31)), ("year", "nam", dt.date(2018, 12, 31)),
    ("Quý 1", "quy-1", dt.date(2018, 3, 31)), ("Quý I", "quy-1", dt.date(2018, 3, 31)), ("6 tháng", "6-thang", dt.date(2018, 6, 30)),
])
def test_periods_and_their_aliases(text, code, end):
    p = period(text, 2018)
    assert (p.code, p.start, p.end) == (code, dt.date(2018, 1, 1), end)
    assert p.to_dict() == {"code": code, "start": "2018-01-01", "end": end.isoformat()}


@pytest.mark.parametrize("text", ["quy-5", "", "thang-7", "2018"])
def test_an_unknown_period_says_which_are_known(text):
    with pytest.raises(ValueError, match="quy-1, 6-thang, 9-thang, nam"):
        period(text, 2018)


# frequency as written, window (start, end), the collection months over the window
FREQUENCIES = [
    ("Hàng tháng", ("01", "12"), list(range(1, 13))),
    ("Hàng tháng", ("04", "06"), [4, 5, 6]),
    ("Thường xuyên", ("02", "05"), [2, 3, 4, 5]),
    ("Hàng quý", ("01", "12"), [3, 6, 9, 12]),
    ("Hàng quý", ("04", "05"), [5]),                 # no quarter end in the window: its last month
    ("6 tháng", ("01", "12"), [6, 12]),
    ("6 tháng", ("07", "11"), [11]),
    ("Hàng năm", ("01", "12"), [12]),
    ("Hàng năm", ("02", "05"), [5]),
    ("01 lần", ("01", "12"), [12]),
    ("01 lần", ("06", "06"), [6]),
    ("02 lần", ("01", "12"), [6, 12]),
    ("02 lần", ("01", "10"), [5, 10]),
    ("03 lần", ("01", "12"), [4, 8, 12]),
    ("04 lần", ("01", "12"), [3, 6, 9, 12]),
    ("04 lần", ("05", "06"), [5, 6]),                # more collections than months: each month once
    ("Theo yêu cầu", ("01", "12"), []),
    ("", ("01", "12"), []),
    ("khi nào rảnh", ("01", "12"), []),
]


@pytest.mark.parametrize("written, window, months", FREQUENCIES)
def test_collection_months_of_every_frequency_form(written, window, months):
    frequency = parse_frequency(written)
    start, end = int(window[0]), int(window[1])
    assert collection_months(frequency.kind, frequency.per_year, list(range(start, end + 1))) == months


def test_every_dropdown_frequency_is_covered():
    assert {f for f, _, _ in FREQUENCIES} >= set(FREQUENCY_CHOICES)


# (frequency, start, end) -> per period: (listed, due, ended)
DUE_TABLE = [
    # all year, quarterly: due every period; never ended before December
    (("Hàng quý", "01", "12"), {"quy-1": (1, 1, 0), "6-thang": (1, 1, 0), "9-thang": (1, 1, 0), "nam": (1, 1, 1)}),
    # once, in June only: not listed in Q1, due from the half-year, ended by then
    (("01 lần", "06", "06"), {"quy-1": (0, 0, 0), "6-thang": (1, 1, 1), "9-thang": (1, 1, 1), "nam": (1, 1, 1)}),
    # twice over Jan–Oct: collections in May and October
    (("02 lần", "01", "10"), {"quy-1": (1, 0, 0), "6-thang": (1, 1, 0), "9-thang": (1, 1, 0), "nam": (1, 1, 1)}),
    # the year boundary: December of the year before to February of the year after: the whole
    # plan year, collected in December (once), never ended within the plan year
    (("01 lần", "12/2017", "02/2019"), {"quy-1": (1, 0, 0), "6-thang": (1, 0, 0), "9-thang": (1, 0, 0),
                                        "nam": (1, 1, 0)}),
    (("Hàng quý", "12/2017", "02/2019"), {"quy-1": (1, 1, 0), "6-thang": (1, 1, 0), "9-thang": (1, 1, 0),
                                          "nam": (1, 1, 0)}),
    # wholly in the year before: listed (its result is reported), never due, ended
    (("01 lần", "11/2017", "12/2017"), {"quy-1": (1, 0, 1), "6-thang": (1, 0, 1), "9-thang": (1, 0, 1),
                                        "nam": (1, 0, 1)}),
    # wholly in the year after: not listed
    (("Hàng quý", "01/2019", "03/2019"), {"quy-1": (0, 0, 0), "6-thang": (0, 0, 0), "9-thang": (0, 0, 0),
                                          "nam": (0, 0, 0)}),
    # «Theo yêu cầu» as the frequency: listed, never due
    (("Theo yêu cầu", "01", "12"), {"quy-1": (1, 0, 0), "6-thang": (1, 0, 0), "9-thang": (1, 0, 0),
                                    "nam": (1, 0, 1)}),
    # «Theo yêu cầu» as the months: the whole year, never ended
    (("Hàng quý", "yc", "yc"), {"quy-1": (1, 1, 0), "6-thang": (1, 1, 0), "9-thang": (1, 1, 0), "nam": (1, 1, 0)}),
    # months missing: the whole year
    (("6 tháng", "", ""), {"quy-1": (1, 0, 0), "6-thang": (1, 1, 0), "9-thang": (1, 1, 0), "nam": (1, 1, 0)}),
    # continuous from September, end missing
    (("Thường xuyên", "09", ""), {"quy-1": (0, 0, 0), "6-thang": (0, 0, 0), "9-thang": (1, 1, 0), "nam": (1, 1, 0)}),
    # ends in March, monthly
    (("Hàng tháng", "01", "03"), {"quy-1": (1, 1, 1), "6-thang": (1, 1, 1), "9-thang": (1, 1, 1), "nam": (1, 1, 1)}),
    # 6 tháng over Jul–Nov: collected in November only
    (("6 tháng", "07", "11"), {"quy-1": (0, 0, 0), "6-thang": (0, 0, 0), "9-thang": (1, 0, 0), "nam": (1, 1, 1)}),
]


@pytest.mark.parametrize("case, expected", DUE_TABLE, ids=lambda v: str(v) if isinstance(v, tuple) else None)
@pytest.mark.parametrize("code", list(PERIODS))
def test_listed_due_and_ended_per_period(case, expected, code):
    written, start, end = case
    frequency = parse_frequency(written)
    s = schedule(_row(start, end), frequency.kind, frequency.per_year, period(code, 2018))
    assert (int(s.listed), int(s.due), int(s.ended)) == expected[code]
    assert not s.due or s.listed


def test_the_window_of_a_year_boundary_activity_is_the_whole_plan_year():
    s = schedule(_row("12/2017", "02/2019"), "quarterly", 4, period("nam", 2018))
    assert s.window == tuple(range(1, 13)) and s.collections == (3, 6, 9, 12)
