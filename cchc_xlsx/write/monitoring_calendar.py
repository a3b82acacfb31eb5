"""Lịch theo dõi: in which month of the plan year each output and activity is due for collection.

The months follow from Phụ lục 2's frequency and the activity's window in Phụ lục 1 (see RULES,
which the sheet prints above its table). Labels in Vietnamese or English (``lang``); the plan's own
texts (contents, frequencies as written) stay as the plan writes them.
"""

from __future__ import annotations

import contextlib

import pandas as pd

from .. import messages
from ..periods import FULL_YEAR, activity_window, collection_months
from ..periods import effective_frequencies as _effective_frequencies
from .appendices import label_width, title_rows
from .book import Book, RowFit, labels_of, row_height, stt_label
from .fit import balance_widths, measure, units_for
from .layout import Layout
from .pages import KEEP_WITH_NEXT, Pager
from .rows import Rows

__all__ = ["collection_months", "activity_window", "month_ranges", "month_label", "write_calendar_sheet", "RULES",
           "rules", "MARK"]

MARK = "x"
MONTHS = range(1, 13)

messages.register({
    "calendar.rule.1": (
        "Cách xác định tháng thu thập số liệu (đánh dấu «x»), từ tần suất ở Phụ lục 2 và thời gian thực hiện ở Phụ lục 1:",
        "How the months of data collection (marked «x») follow from the frequency in Phụ lục 2 (Appendix 2) and "
        "the implementation period in Phụ lục 1 (Appendix 1):"),
    "calendar.rule.2": (
        "• Thời gian theo dõi: các tháng thực hiện hoạt động, trong năm kế hoạch; chưa có tháng hoặc «Theo yêu cầu»: "
        "cả năm; kết quả đầu ra: gộp thời gian các hoạt động của nó.",
        "• Monitoring period: the months the activity is carried out, within the plan year; no month, or «Theo yêu "
        "cầu» (on request): the whole year; an output: the months of all its activities together."),
    "calendar.rule.3": (
        "• Hàng tháng, Thường xuyên: mọi tháng trong thời gian theo dõi. "
        "Hàng quý: tháng 3, 6, 9, 12 nằm trong thời gian theo dõi (không có thì tháng cuối). "
        "6 tháng: tháng 6 và 12 (không có thì tháng cuối). Hàng năm, 01 lần: tháng cuối.",
        "• Hàng tháng (monthly), Thường xuyên (ongoing): every month of the monitoring period. "
        "Hàng quý (quarterly): months 3, 6, 9, 12 within the period (if none, its last month). "
        "6 tháng (half-yearly): months 6 and 12 (if none, the last month). Hàng năm (yearly), 01 lần (once): "
        "the last month."),
    "calendar.rule.4": (
        "• N lần: chia thời gian theo dõi thành N phần đều nhau, thu thập ở tháng cuối mỗi phần. "
        "Theo yêu cầu: không đánh dấu. Để trống: theo tần suất của dòng cấp trên gần nhất có ghi tần suất.",
        "• N lần (N times): the monitoring period split into N equal parts, collected in the last month of each. "
        "Theo yêu cầu (on request): no mark. Blank: the frequency of the nearest row above that has one."),
    "calendar.title": ("LỊCH THEO DÕI, THU THẬP SỐ LIỆU NĂM {year}", "MONITORING AND DATA COLLECTION CALENDAR, {year}"),
    "calendar.header.window": ("Thời gian theo dõi", "Monitoring period"),
    "calendar.header.count": ("Số lần", "Times"),
    "calendar.per-month": ("Số lượt thu thập trong tháng", "Collections in the month"),
    "calendar.outside-year": ("ngoài năm", "outside the year"),
    "calendar.frequency-missing": ("(chưa có)", "(none)"),
    "calendar.frequency-invalid": ("«{written}» (không hợp lệ)", "«{written}» (invalid)"),
})

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
messages.register({f"calendar.month.{m}": (f"T{m}", name) for m, name in enumerate(_MONTH_NAMES, start=1)})


def rules(lang: str = "vi") -> list[str]:
    """How a frequency becomes months, as the sheet says it above its table, in ``lang``."""
    return [messages.text(f"calendar.rule.{k}", lang) for k in range(1, 5)]


#: How a frequency becomes months, as the (Vietnamese) sheet says it.
RULES = rules("vi")


def month_label(m: int, lang: str = "vi") -> str:
    """Month ``m`` (1–12) as the sheet heads it: ``T3`` (tháng 3) in Vietnamese, ``Mar`` in English."""
    return messages.text(f"calendar.month.{m}", lang)


WINDOW_FIELDS = ("from_kind", "year_from", "month_from", "to_kind", "year_to", "month_to")


FREQUENCY_WORDS = {"on_request": "Theo yêu cầu", "invalid": "không hợp lệ", "missing": "chưa có"}


def _windows(plan_frame: pd.DataFrame, year: int) -> dict[str, list[int]]:
    """code -> months: an activity's window; an output's (or task's) is the union of its activities'."""
    own: dict[str, list[int]] = {}              # an activity's months (sorted: a range)
    unions: dict[str, set[int]] = {}            # a parent's (or a repeated code's) months
    merged: dict[str, set[int]] = {}            # parent -> the cached month lists already added to it
    activities = plan_frame[plan_frame["level"] == "activity"]
    columns = [activities[name].tolist() for name in WINDOW_FIELDS]
    known: dict[tuple, list[int]] = {}          # a big plan has few distinct (from, to) pairs
    for values in zip(activities["code"].tolist(), activities["parent_code"].tolist(), *columns):
        code, parent = values[0], values[1]
        key = values[2:]
        try:
            months = known.get(key)
        except TypeError:                       # an unhashable cell: work it out every time
            months = None
        cached = months is not None
        if months is None:
            months = activity_window(dict(zip(WINDOW_FIELDS, key)), year)
            with contextlib.suppress(TypeError):
                if len(known) < 10_000:
                    known[key] = months
                    cached = True
        if code in own or code in unions:
            unions.setdefault(code, set()).update(own.pop(code, ()), months)
        else:
            own[code] = months
        while isinstance(parent, str) and parent:
            done = merged.setdefault(parent, set())
            if not cached or id(months) not in done:    # a cached list stays alive: its id is its own
                unions.setdefault(parent, set()).update(months)
                if cached:
                    done.add(id(months))
            parent = parent.rsplit(".", 1)[0] if "." in parent else None
    windows = {code: months for code, months in own.items() if code not in unions}
    windows.update((code, sorted(months.union(own.get(code, ())))) for code, months in unions.items())
    return windows


def month_ranges(months, lang: str = "vi") -> str:
    """Months as runs: ``[1, 2, 5, 6, 7, 12]`` -> ``T1–T2, T5–T7, T12`` (``Jan–Feb, May–Jul, Dec`` in
    English; "" for none); a run of two is a range too, so a year's list is never longer than six ranges."""
    months = sorted(set(months))
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return ", ".join(f"{month_label(a, lang)}–{month_label(b, lang)}" if a != b else month_label(a, lang)
                     for a, b in runs)


def _span(months: list[int], lang: str = "vi") -> str:
    return month_ranges(months, lang) if months else messages.text("calendar.outside-year", lang)


WIDTHS = {"code": 13, "content": 56, "frequency": 16, "window": 11, "month": 4.3, "count": 7}
_SAMPLE = 200


def _shown(kind: str, written: str, inherited: str, lang: str = "vi") -> str:
    """The frequency as the sheet shows it (``inherited``: the note, already in ``lang``)."""
    if inherited:
        return inherited
    if kind == "missing":
        return messages.text("calendar.frequency-missing", lang)
    if kind == "invalid":
        return messages.text("calendar.frequency-invalid", lang, written=written)
    return written


def _heads(lang: str) -> list[str]:
    return [messages.text("p2.header.code", lang), messages.text("p2.header.content", lang),
            messages.text("p2.header.frequency", lang), messages.text("calendar.header.window", lang)]


def _widths(frame, order: list[int], frequencies, windows, lang: str = "vi") -> dict[str, float]:
    """WIDTHS with the STT, content, frequency and window columns sharing their total by the plan's texts;
    the frequency and window columns never narrower than their header's longest word (bold)."""
    picked = [order[k * len(order) // _SAMPLE] for k in range(_SAMPLE)] if len(order) > _SAMPLE else order
    levels, codes, contents = frame["level"].astype(str).tolist(), frame["code"].tolist(), frame["content"].tolist()
    labels = labels_of(frame)
    rows, tasks = [], []
    for i in picked:
        if levels[i] == "task":
            tasks.append((stt_label(levels[i], codes[i], labels[i]), True))
            continue
        kind, _, written, inherited = frequencies[codes[i]]
        rows.append(([stt_label(levels[i], codes[i], labels[i]), contents[i], _shown(kind, written, inherited, lang),
                      _span(windows.get(codes[i], FULL_YEAR), lang)], levels[i] != "activity"))
    names = ("code", "content", "frequency", "window")
    least = label_width([*tasks, *((texts[0], bold) for texts, bold in rows)])
    bold = measure(bold=True)
    heads = {c: units_for(max(bold.width(word) for word in head.split())) for c, head in enumerate(_heads(lang)) if c >= 2}
    shared = balance_widths([WIDTHS[name] for name in names], rows, range(len(names)), minimum={0: least} | heads)
    return WIDTHS | dict(zip(names, shared))


def write_calendar_sheet(book: Book, ws, consolidation, layout: Layout, lang: str = "vi") -> None:
    """Write Lịch theo dõi to ``ws``: the rules, then one row per output and activity of Phụ lục 2 with
    its frequency, monitoring period and an «x» in each month of collection, and a counts row (live
    COUNTIF formulas). Labels in ``lang`` ("vi" or "en"); the plan's texts as written."""
    plan, year = consolidation.plan, layout.year
    frame = plan.monitoring
    frequencies = _effective_frequencies(frame, lang)
    windows = _windows(plan.plan, year)
    month_col, count_col = 4, 16
    widths = _widths(frame, layout.monitoring_order, frequencies, windows, lang)
    for c, width in enumerate([widths["code"], widths["content"], widths["frequency"], widths["window"]]):
        ws.set_column(c, c, width)
    ws.set_column(month_col, month_col + 11, widths["month"])
    ws.set_column(count_col, count_col, widths["count"])

    pager = Pager([widths["code"], widths["content"], widths["frequency"], widths["window"]]
                  + [widths["month"]] * 12 + [widths["count"]])
    title_rows(ws, book, count_col, messages.text("calendar.title", lang, year=year), "", pager)
    note = book.fmt(italic=True, text_wrap=True, font_size=10)
    for r, text in enumerate(rules(lang), start=1):
        height = row_height([(text, sum(widths.values()) + 11 * widths["month"])], font_size=10)
        ws.set_row(r, height)
        pager.add(r, height)
        ws.merge_range(r, 0, r, count_col, text, note)
    head = len(RULES) + 2
    heads = _heads(lang)
    head_height = max(32.0, row_height(zip(heads, [widths[n] for n in ("code", "content", "frequency", "window")]),
                                       bold=True))
    ws.set_row(head, head_height)
    pager.add(head, head_height)
    pager.repeat = head_height
    for c, text in enumerate(heads):
        ws.write_string(head, c, text, book.header())
    for m in MONTHS:
        ws.write_string(head, month_col + m - 1, month_label(m, lang), book.header())
    ws.write_string(head, count_col, messages.text("calendar.header.count", lang), book.header())

    levels = frame["level"].astype(str).tolist()
    codes, contents = frame["code"].tolist(), frame["content"].tolist()
    labels = labels_of(frame)
    per_month = [0] * 12
    row = head + 1
    first = row
    last_letter = chr(ord("A") + count_col - 1)
    fit = {bold: RowFit([widths["code"], widths["content"], widths["frequency"], widths["window"]], bold)
           for bold in (False, True)}
    task_fit = RowFit([widths["code"], sum(widths.values()) - widths["code"] + 11 * widths["month"]], bold=True)
    looks = {level: (book.cell(level), book.cell(level, align="center"), book.cell(level, align="center", bold=True))
             for level in ("task", "output", "activity")}
    rows = Rows(ws, 0, count_col)
    schedules: dict[tuple, tuple[list[int], str, list[int]]] = {}
    styles: dict[str, tuple[str, ...]] = {}
    for i in layout.monitoring_order:
        level, code = levels[i], codes[i]
        text_fmt, center, mark = looks.get(level, looks["activity"])
        if level == "task":
            height = task_fit([stt_label(level, code, labels[i]), contents[i]])
            ws.set_row(row, height)
            pager.add(row, height, keep_with_next=True)
            ws.write_string(row, 0, stt_label(level, code, labels[i]), text_fmt)
            ws.merge_range(row, 1, row, count_col, contents[i] or "", text_fmt)
            row += 1
            continue
        kind, per_year, written, inherited = frequencies[code]
        window = windows.get(code, FULL_YEAR)
        key = (kind, per_year, *window)
        schedule = schedules.get(key)
        if schedule is None:
            due = collection_months(kind, per_year, window)
            schedule = due, _span(window, lang), [month_col + m - 1 for m in due]
            if len(schedules) < 10_000:         # a big plan has few distinct schedules
                schedules[key] = schedule
        due, span, due_cols = schedule
        shown = _shown(kind, written, inherited, lang)
        if level not in styles:
            styles[level] = (rows.style(text_fmt),) * 3 + (rows.style(center),)
        texts = (stt_label(level, code, labels[i]), contents[i], shown, span)
        height = fit[level != "activity"](texts)
        pager.add(row, height, level in KEEP_WITH_NEXT)
        rows.start(row, height)
        rows.texts(0, texts, styles[level])
        rows.repeat(due_cols, MARK, mark)     # empty months stay empty: their borders are a conditional format
        for m in due:
            per_month[m - 1] += 1
        rows.number(count_col, len(due), center)   # a number: 100 000 formulas would cost seconds
        rows.end()
        row += 1
    if row > first:
        ws.conditional_format(first, month_col, row - 1, month_col + 11, {
            "type": "formula", "criteria": "=TRUE",
            "format": book.workbook.add_format({"border": 1, "border_color": "#808080"})})
    ws.set_row(row, 30)
    pager.add(row, 30)
    ws.merge_range(row, 0, row, 3, messages.text("calendar.per-month", lang), book.cell("task", align="center"))
    for m in MONTHS:
        c = month_col + m - 1
        letter = chr(ord("A") + c)
        ws.write_formula(row, c, f'=COUNTIF({letter}{first + 1}:{letter}{row},"{MARK}")' if row > first else "=0",
                         book.cell("task", align="center"), per_month[m - 1])
    ws.write_formula(row, count_col, f"=SUM(E{row + 1}:{last_letter}{row + 1})", book.cell("task", align="center"),
                     sum(per_month))
    book.print_setup(ws, (head, head))
    pager.apply(ws)
    ws.freeze_panes(head + 1, 0)
