"""Tiến độ: each activity's months as a bar across the plan year, grouped by task.

The bar is conditional formatting over the month columns, driven by the «Từ tháng» and «Đến tháng»
numbers on the row: change them and the bar moves.
"""

from __future__ import annotations

import contextlib

from .. import messages
from .appendices import label_width
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
                                   "the end month (T{end}) is before the start month (T{start})"),
    "print.timeline-no-bar": ("không đủ tháng để tô", "not enough months to draw a bar"),
})


def _bounds(row: dict, year: int) -> tuple[int | None, int | None, str]:
    """(from, to) months inside ``year`` as the plan states them, and a note when they are not plain."""
    notes, start, end = [], None, None
    if row["from_kind"] == "month":
        y, m = int(row["year_from"]), int(row["month_from"])
        start = m if y == year else (1 if y < year else None)
        if y != year:
            notes.append(f"bắt đầu {m:02d}/{y}")
    else:
        notes.append(_missing_word(row["from_kind"], row["from_text"], "tháng bắt đầu"))
    if row["to_kind"] == "month":
        y, m = int(row["year_to"]), int(row["month_to"])
        end = m if y == year else (12 if y > year else None)
        if y != year:
            notes.append(f"kết thúc {m:02d}/{y}")
    else:
        notes.append(_missing_word(row["to_kind"], row["to_text"], "tháng kết thúc"))
    if (row["from_kind"] == "month" and start is None) or (row["to_kind"] == "month" and end is None):
        start = end = None
        notes.append(f"ngoài năm {year}")
    if start is not None and end is not None and start > end:
        # no bar: the sheet's rule colours «Từ tháng» ≤ month ≤ «Đến tháng» (month-order finding)
        notes.append(messages.text("print.timeline-month-order", "vi", start=start, end=end))
    elif (start is None or end is None) and not any(notes):
        notes.append(messages.text("print.timeline-no-bar", "vi"))
    notes = list(dict.fromkeys(n for n in notes if n))
    if notes[:2] == ["chưa có tháng bắt đầu", "chưa có tháng kết thúc"]:
        notes[:2] = ["chưa có tháng bắt đầu và kết thúc"]
    return start, end, "; ".join(notes)


def _missing_word(kind: str, text: str, what: str) -> str:
    if kind == "on_request":
        return "theo yêu cầu"
    if kind == "invalid":
        return f"{what} không hợp lệ: «{text}»"
    return f"chưa có {what}"


_SAMPLE = 200


def _widths(frame, layout: Layout, names: tuple[str, ...]) -> list[float]:
    """WIDTHS with the STT, content and note columns sharing their total by the plan's texts."""
    activities = [pr for pr in layout.plan_rows if pr.level == "activity"]
    if len(activities) > _SAMPLE:
        activities = [activities[k * len(activities) // _SAMPLE] for k in range(_SAMPLE)]
    labels = labels_of(frame)
    columns = {name: frame[name].tolist() for name in names}
    rows = []
    for pr in activities:
        _, _, note = _bounds({name: columns[name][pr.index] for name in names[1:]}, layout.year)
        content = columns["content"][pr.index]
        texts = [""] * len(WIDTHS)
        texts[0], texts[1], texts[NOTE_COL] = stt_label("activity", pr.code, labels[pr.index]), content, note
        rows.append((texts, False))
    tasks = [(stt_label("task", pr.code, labels[pr.index]), True) for pr in layout.plan_rows if pr.level == "task"]
    least = label_width([*tasks[:_SAMPLE], *((texts[0], False) for texts, _ in rows)])
    return balance_widths(WIDTHS, rows, [0, 1, NOTE_COL], minimum={0: least})


def write_timeline_sheet(book: Book, ws, consolidation, layout: Layout) -> None:
    year = layout.year
    frame = consolidation.plan.plan
    names = ("content", "from_kind", "year_from", "month_from", "from_text", "to_kind", "year_to", "month_to",
             "to_text")
    widths = _widths(frame, layout, names)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    last = len(widths) - 1
    pager = Pager(widths)
    ws.set_row(0, 21)
    pager.add(0, 21)
    ws.merge_range(0, 0, 0, last, f"TIẾN ĐỘ THỰC HIỆN CÁC HOẠT ĐỘNG NĂM {year}",
                   book.fmt(bold=True, font_size=13, align="center", valign="vcenter"))
    ws.merge_range(1, 0, 1, last, "Mỗi hoạt động: các tháng thực hiện trong năm, tô màu từ «Từ tháng» đến "
                                  "«Đến tháng». Không tô khi kế hoạch chưa ghi đủ tháng (xem Ghi chú).",
                   book.fmt(italic=True, font_size=10))
    head = 3
    pager.add(1, None)
    heads = ["STT", "Nội dung công việc", "Từ tháng", "Đến tháng"]
    head_height = max(32.0, row_height(zip(heads, widths), bold=True))
    ws.set_row(head, head_height)
    pager.add(head, head_height)
    pager.repeat = head_height
    for c, text in enumerate(heads):
        ws.write_string(head, c, text, book.header())
    for m in range(1, 13):
        ws.write_number(head, MONTH_COL + m - 1, m, book.header(num_format='"T"0'))
    ws.write_string(head, NOTE_COL, "Ghi chú", book.header())

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
            start, end, note = _bounds(dict(zip(names[1:], key)), year)
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
