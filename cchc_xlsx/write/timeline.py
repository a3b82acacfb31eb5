"""Tiến độ: each activity's months as a bar across the plan year, grouped by task.

The bar is conditional formatting over the month columns, driven by the «Từ tháng» and «Đến tháng»
numbers on the row: change them and the bar moves. Labels and notes in Vietnamese or English
(``lang``); the plan's own texts stay as written.
"""

from __future__ import annotations

import contextlib

from .. import messages
from .appendices import label_width, title_rows
from .book import Book, RowFit, labels_of, row_height, stt_label
from .fit import balance_widths
from .layout import Layout
from .pages import Pager
from .rows import Rows

__all__ = ["write_timeline_sheet"]

WIDTHS = [13, 56, 6.5, 6.5] + [4.3] * 12 + [24]
MONTH_COL, NOTE_COL = 4, 16

messages.register({
    "print.timeline-month-order": ("tháng kết thúc (T{end}) trước tháng bắt đầu (T{start})",
                                   "the end month ({end}) is before the start month ({start})"),
    "print.timeline-no-bar": ("không đủ tháng để tô", "not enough months to draw a bar"),
    "timeline.title": ("TIẾN ĐỘ THỰC HIỆN CÁC HOẠT ĐỘNG NĂM {year}", "TIMELINE OF THE ACTIVITIES, {year}"),
    "timeline.explain": ("Mỗi hoạt động: các tháng thực hiện trong năm, tô màu từ «Từ tháng» đến «Đến tháng». "
                         "Không tô khi kế hoạch chưa ghi đủ tháng (xem Ghi chú).",
                         "Each activity: its months in the year, coloured from «From month» to «To month». "
                         "No bar where the plan does not give both months (see Notes)."),
    "timeline.header.note": ("Ghi chú", "Notes"),
    "timeline.starts": ("bắt đầu {month:02d}/{year}", "starts {month:02d}/{year}"),
    "timeline.ends": ("kết thúc {month:02d}/{year}", "ends {month:02d}/{year}"),
    "timeline.outside-year": ("ngoài năm {year}", "outside {year}"),
    "timeline.on-request": ("theo yêu cầu", "on request"),
    "timeline.no-start": ("chưa có tháng bắt đầu", "no start month"),
    "timeline.no-end": ("chưa có tháng kết thúc", "no end month"),
    "timeline.no-start-end": ("chưa có tháng bắt đầu và kết thúc", "no start or end month"),
    "timeline.invalid-start": ("tháng bắt đầu không hợp lệ: «{text}»", "invalid start month: «{text}»"),
    "timeline.invalid-end": ("tháng kết thúc không hợp lệ: «{text}»", "invalid end month: «{text}»"),
})


def _bounds(row: dict, year: int, lang: str = "vi") -> tuple[int | None, int | None, str]:
    """(from, to) months inside ``year`` as the plan states them, and a note in ``lang`` when they are not plain."""
    notes, start, end = [], None, None
    if row["from_kind"] == "month":
        y, m = int(row["year_from"]), int(row["month_from"])
        start = m if y == year else (1 if y < year else None)
        if y != year:
            notes.append(messages.text("timeline.starts", lang, month=m, year=y))
    else:
        notes.append(_missing_word(row["from_kind"], row["from_text"], "start", lang))
    if row["to_kind"] == "month":
        y, m = int(row["year_to"]), int(row["month_to"])
        end = m if y == year else (12 if y > year else None)
        if y != year:
            notes.append(messages.text("timeline.ends", lang, month=m, year=y))
    else:
        notes.append(_missing_word(row["to_kind"], row["to_text"], "end", lang))
    if (row["from_kind"] == "month" and start is None) or (row["to_kind"] == "month" and end is None):
        start = end = None
        notes.append(messages.text("timeline.outside-year", lang, year=year))
    if start is not None and end is not None and start > end:
        # no bar: the sheet's rule colours «Từ tháng» ≤ month ≤ «Đến tháng» (month-order finding)
        notes.append(messages.text("print.timeline-month-order", lang, start=start, end=end))
    elif (start is None or end is None) and not any(notes):
        notes.append(messages.text("print.timeline-no-bar", lang))
    notes = list(dict.fromkeys(n for n in notes if n))
    if notes[:2] == [messages.text("timeline.no-start", lang), messages.text("timeline.no-end", lang)]:
        notes[:2] = [messages.text("timeline.no-start-end", lang)]
    return start, end, "; ".join(notes)


def _missing_word(kind: str, text: str, which: str, lang: str = "vi") -> str:
    """The note on a start (``which`` "start") or end month the plan does not give as a month."""
    if kind == "on_request":
        return messages.text("timeline.on-request", lang)
    if kind == "invalid":
        return messages.text(f"timeline.invalid-{which}", lang, text=text)
    return messages.text(f"timeline.no-{which}", lang)


_SAMPLE = 200


def _widths(frame, layout: Layout, names: tuple[str, ...], lang: str = "vi") -> list[float]:
    """WIDTHS with the STT, content and note columns sharing their total by the plan's texts."""
    activities = [pr for pr in layout.plan_rows if pr.level == "activity"]
    if len(activities) > _SAMPLE:
        activities = [activities[k * len(activities) // _SAMPLE] for k in range(_SAMPLE)]
    labels = labels_of(frame)
    columns = {name: frame[name].tolist() for name in names}
    rows = []
    for pr in activities:
        _, _, note = _bounds({name: columns[name][pr.index] for name in names[1:]}, layout.year, lang)
        content = columns["content"][pr.index]
        texts = [""] * len(WIDTHS)
        texts[0], texts[1], texts[NOTE_COL] = stt_label("activity", pr.code, labels[pr.index]), content, note
        rows.append((texts, False))
    tasks = [(stt_label("task", pr.code, labels[pr.index]), True) for pr in layout.plan_rows if pr.level == "task"]
    least = label_width([*tasks[:_SAMPLE], *((texts[0], False) for texts, _ in rows)])
    return balance_widths(WIDTHS, rows, [0, 1, NOTE_COL], minimum={0: least})


def write_timeline_sheet(book: Book, ws, consolidation, layout: Layout, lang: str = "vi") -> None:
    """Write Tiến độ to ``ws``: per task, its activities with «Từ tháng»/«Đến tháng» (numbers inside the
    plan year), a bar over the month columns (conditional formats) and a note where the plan's months
    are not plain. Labels and notes in ``lang`` ("vi" or "en"); the plan's texts as written."""
    year = layout.year
    frame = consolidation.plan.plan
    names = ("content", "from_kind", "year_from", "month_from", "from_text", "to_kind", "year_to", "month_to",
             "to_text")
    widths = _widths(frame, layout, names, lang)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    last = len(widths) - 1
    pager = Pager(widths)
    title_rows(ws, book, last, messages.text("timeline.title", lang, year=year), "", pager)
    ws.merge_range(1, 0, 1, last, messages.text("timeline.explain", lang), book.fmt(italic=True, font_size=10))
    head = 3
    pager.add(1, None)
    heads = [messages.text(f"p1.header.{name}", lang) for name in ("code", "content", "month_from", "month_to")]
    head_height = max(32.0, row_height(zip(heads, widths), bold=True))
    ws.set_row(head, head_height)
    pager.add(head, head_height)
    pager.repeat = head_height
    for c, text in enumerate(heads):
        ws.write_string(head, c, text, book.header())
    for m in range(1, 13):
        # a number (the bar's rule compares it), shown T1…T12 (tháng) in Vietnamese, 1…12 in English
        ws.write_number(head, MONTH_COL + m - 1, m, book.header(num_format='"T"0' if lang != "en" else "0"))
    ws.write_string(head, NOTE_COL, messages.text("timeline.header.note", lang), book.header())

    columns = {name: frame[name].tolist() for name in names}
    labels = labels_of(frame)
    row = head + 1
    first = row
    task_look, text, center = book.cell("task"), book.cell(), book.cell(align="center")
    note_look = book.cell(italic=True, font_size=10)
    fit, task_fit = RowFit([widths[0], widths[1], widths[NOTE_COL]]), RowFit([widths[0], sum(widths[1:])], bold=True)
    rows = Rows(ws, 0, NOTE_COL)
    contents = columns["content"]
    month_columns = [columns[name] for name in names[1:]]
    known: dict[tuple, tuple[int | None, int | None, str]] = {}     # few distinct (from, to) in a big plan
    pair = (rows.style(text),) * 2
    for pr in layout.plan_rows:
        if pr.level not in ("task", "activity"):
            continue
        content = contents[pr.index]
        if not isinstance(content, str):
            content = ""
        if pr.level == "task":
            stt = stt_label("task", pr.code, labels[pr.index])
            height = task_fit([stt, content])
            ws.set_row(row, height)
            pager.add(row, height, keep_with_next=True)
            ws.write_string(row, 0, stt, task_look)
            ws.merge_range(row, 1, row, last, content, task_look)
            row += 1
            continue
        key = tuple(values[pr.index] for values in month_columns)
        try:
            start, end, note = known[key]
        except (KeyError, TypeError):
            start, end, note = _bounds(dict(zip(names[1:], key)), year, lang)
            if len(known) < 10_000:
                with contextlib.suppress(TypeError):
                    known[key] = start, end, note
        stt = stt_label("activity", pr.code, labels[pr.index])
        height = fit([stt, content, note])
        pager.add(row, height)
        rows.start(row, height)
        rows.texts(0, (stt, content), pair)
        for c, value in ((2, start), (3, end)):
            if value is None:
                rows.blank(c, center)
            else:
                rows.number(c, value, center)
        rows.text(NOTE_COL, note, note_look if note else text)
        rows.end()
        row += 1
    if row > first:
        # The month cells hold nothing: borders and the bar are conditional formats over the block.
        h = head + 1
        in_window = f"AND(ISNUMBER($C{first + 1}),ISNUMBER($D{first + 1}),E${h}>=$C{first + 1},E${h}<=$D{first + 1})"
        ws.conditional_format(first, MONTH_COL, row - 1, MONTH_COL + 11, {
            "type": "formula", "criteria": "=" + in_window,
            "format": book.workbook.add_format({"bg_color": "#5B9BD5", "border": 1, "border_color": "#808080"})})
        ws.conditional_format(first, MONTH_COL, row - 1, MONTH_COL + 11, {
            "type": "formula", "criteria": "=TRUE",
            "format": book.workbook.add_format({"border": 1, "border_color": "#BFBFBF"})})
    book.print_setup(ws, (head, head))
    pager.apply(ws)
    ws.freeze_panes(head + 1, 2)
