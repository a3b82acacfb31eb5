"""Reporting periods of the plan year and when an activity is collected, running, due or overdue.

The one place of the frequency → months rule (Phụ lục 2's «Tần suất thu thập» over an activity's
window of Phụ lục 1), used by the Lịch theo dõi sheet and by progress reports alike.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from . import messages
from .findings import ToolError

__all__ = ["Period", "PERIODS", "ALIASES", "period", "activity_window", "collection_months",
           "effective_frequencies", "Schedule", "schedule", "ended_by", "FULL_YEAR"]

FULL_YEAR = list(range(1, 13))

#: The usual periods of a provincial report (quý I, 6 tháng, 9 tháng, năm), each cumulative from
#: 1 January of the plan year: code -> last month.
PERIODS = {"quy-1": 3, "6-thang": 6, "9-thang": 9, "nam": 12}
#: English (and loose) spellings of the codes.
ALIASES = {"q1": "quy-1", "quy1": "quy-1", "quy-i": "quy-1", "quyi": "quy-1", "h1": "6-thang", "6m": "6-thang", "6thang": "6-thang",
           "9m": "9-thang", "9thang": "9-thang", "year": "nam", "annual": "nam", "12-thang": "nam"}

messages.register({
    "periods.quy-1": ("Quý I", "First quarter"),
    "periods.6-thang": ("6 tháng đầu năm", "First half-year"),
    "periods.9-thang": ("9 tháng đầu năm", "First nine months"),
    "periods.nam": ("Cả năm", "Full year"),
    "periods.unknown": ("Kỳ báo cáo không hợp lệ: «{text}». Hãy ghi một trong: quy-1, 6-thang, 9-thang, nam "
                        "(hoặc q1, h1, 9m, year).",
                        "Unknown reporting period «{text}». Write one of: quy-1, 6-thang, 9-thang, nam "
                        "(or q1, h1, 9m, year)."),
    "periods.inherited": ("(theo dòng {parent}: {written})", "(as row {parent}: {written})"),
})


@dataclass(frozen=True)
class Period:
    """A reporting period: ``code`` (quy-1, 6-thang, 9-thang, nam), the plan ``year``, and its last
    month; it starts on 1 January (reports are cumulative from the start of the year)."""

    code: str
    year: int
    end_month: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day: 31/3, 30/6, 30/9 or 31/12 of the plan year."""
        following = dt.date(self.year + (self.end_month == 12), self.end_month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def label(self, lang: str = "vi") -> str:
        """``6 tháng đầu năm 2018`` / ``First half-year 2018``."""
        return f"{messages.text('periods.' + self.code, lang)} {self.year}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "start": self.start.isoformat(), "end": self.end.isoformat()}


class PeriodError(ToolError, ValueError):
    """A reporting period that is none of quy-1, 6-thang, 9-thang, nam (or q1, h1, 9m, year)."""


def period(text: str, year: int) -> Period:
    """The period a user wrote (``6-thang``, ``h1``, ``Quý I`` folded …) in the plan ``year``.

    Raises :class:`PeriodError` (a ValueError and a ToolError: the CLI prints its one line in the
    user's language, exit 2) for anything else."""
    from .notation import fold

    key = fold(str(text or "")).replace(" ", "-")
    key = ALIASES.get(key, ALIASES.get(key.replace("-", ""), key))
    if key not in PERIODS:
        raise PeriodError(key="periods.unknown", text=text)
    return Period(key, int(year), PERIODS[key])


# --------------------------------------------------------------------------- the frequency → months rule
def activity_window(row: dict, year: int) -> list[int]:
    """The months of ``year`` an activity runs in: its months clipped to the year; the whole year
    when a month is missing or «Theo yêu cầu»; [] when it runs wholly outside the year.

    ``row`` has the plan frame's ``from_kind``, ``year_from``, ``month_from``, ``to_kind``,
    ``year_to``, ``month_to`` (kind ``month`` when the month was read)."""
    start, end = 1, 12
    if row["from_kind"] == "month":
        y, m = int(row["year_from"]), int(row["month_from"])
        if y > year:
            return []
        start = m if y == year else 1
    if row["to_kind"] == "month":
        y, m = int(row["year_to"]), int(row["month_to"])
        if y < year:
            return []
        end = m if y == year else 12
    return list(range(start, end + 1))


def collection_months(kind: str, per_year: int | None, window: list[int]) -> list[int]:
    """Months (1–12) a collection is due, for a frequency ``kind`` over the ``window``'s months.

    Hàng tháng, Thường xuyên: every month of the window; Hàng quý: months 3, 6, 9, 12 in it (else
    its last); 6 tháng: 6 and 12 (else its last); Hàng năm: its last; N lần: the last month of each
    of N equal parts; Theo yêu cầu, invalid or missing: none (nothing to schedule)."""
    months = sorted(set(window))
    if not months:
        return []
    if kind in ("monthly", "continuous"):
        return months
    if kind in ("quarterly", "semiannual"):
        due = [m for m in months if m % (3 if kind == "quarterly" else 6) == 0]
        return due or [months[-1]]
    if kind == "annual":
        return [months[-1]]
    if kind == "times" and per_year:
        n = min(int(per_year), len(months))
        return sorted({months[math.ceil(k * len(months) / n) - 1] for k in range(1, n + 1)})
    return []                                   # on request, invalid, missing: nothing to schedule


def effective_frequencies(frame: pd.DataFrame, lang: str = "vi") -> dict[str, tuple[str, int | None, str, str]]:
    """code -> (kind, per year, as written, note) of Phụ lục 2 (the monitoring frame): a blank
    frequency takes its nearest ancestor's, the note saying whose in ``lang``
    (``(theo dòng 1.1: Hàng quý)``, ``(as row 1.1: Hàng quý)``; the frequency as the plan writes it)."""
    codes = frame["code"].tolist()
    own = {}
    for code, kind, per_year, text in zip(codes, frame["frequency_kind"].tolist(),
                                          frame["collections_per_year"].tolist(), frame["frequency"].tolist()):
        own.setdefault(code, (kind, None if per_year is pd.NA else int(per_year), text or ""))
    result = {}
    for code, (kind, per_year, text) in own.items():
        note = ""
        if kind == "missing":
            parent = code
            while "." in parent:
                parent = parent.rsplit(".", 1)[0]
                if parent in own and own[parent][0] not in ("missing", "invalid"):
                    kind, per_year, _ = own[parent]
                    note = messages.text("periods.inherited", lang, parent=parent, written=own[parent][2])
                    break
        result[code] = (kind, per_year, text, note)
    return result


# --------------------------------------------------------------------------- an activity in a period
@dataclass(frozen=True)
class Schedule:
    """Where one activity stands in a period.

    ``listed``: it has started by the period's end (a month before it in an earlier year counts;
    a missing or «Theo yêu cầu» start counts as started), so its agency reports on it;
    ``running``: its window in the plan year overlaps the period; ``due``: running, and its
    frequency asks for a collection in a month up to the period's end; ``ended``: its end month
    (any year) is the period's last month or before, so it should be finished by then."""

    window: tuple[int, ...]
    collections: tuple[int, ...]
    listed: bool
    running: bool
    due: bool
    ended: bool


def ended_by(row: dict, when: Period) -> bool:
    """Whether an activity's end month is past at the end of ``when`` (no end month: never)."""
    if row["to_kind"] != "month":
        return False
    return (int(row["year_to"]), int(row["month_to"])) <= (when.year, when.end_month)


def schedule(row: dict, kind: str, per_year: int | None, when: Period) -> Schedule:
    """The activity ``row`` (plan frame fields, see :func:`activity_window`) with the frequency
    ``kind``/``per_year`` (see :func:`effective_frequencies`) in the period ``when``."""
    window = activity_window(row, when.year)
    collections = collection_months(kind, per_year, window)
    running = bool(window) and window[0] <= when.end_month
    started = True
    if row["from_kind"] == "month":
        started = (int(row["year_from"]), int(row["month_from"])) <= (when.year, when.end_month)
    due = running and any(m <= when.end_month for m in collections)
    return Schedule(tuple(window), tuple(collections), started, running, due, ended_by(row, when))
