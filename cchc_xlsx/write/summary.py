"""Tổng hợp: the Decree 30/2020 heading, the plan's identity and total in words with the state of the
figures, budget per task and per agency (with the decision's allocation), the state of returns,
findings by agency, two charts, and the signatures."""

from __future__ import annotations

from collections import Counter

from .. import messages
from ..findings import SEVERITIES, owner_label
from ..words import total_caption
from .appendices import decision_phrase
from .book import DONG, FONT, PERCENT, SEVERITY_WORDS, TRIEU, WHOLE, Book, row_height, sheet_ref
from .layout import P1, SUMMARY, Layout, trieu
from .signing import Signing, write_heading_blocks, write_signature_block

__all__ = ["write_summary_sheet", "RETURN_STATUS_WORDS", "data_state"]

messages.register({
    "book.state.label": ("Tình trạng số liệu", "State of the figures"),
    "book.state.open": ("Số liệu chưa chốt: còn {n} {errors} (xem trang Kiểm tra)",
                        "Figures not final: {n} {errors} left (see the Kiểm tra sheet)"),
    "book.state.closed": ("Số liệu đã chốt: không còn lỗi nào", "Figures final: no error left"),
    "book.error.one": ("lỗi", "error"),
    "book.error.many": ("lỗi", "errors"),
})

#: Column D is wide enough for a return's file name on two lines (the returns' table, page 2).
WIDTHS = (6, 36, 15, 22, 15, 11, 16)
#: The charts stand right of the tables, one above the other: page 1 shows where the money goes.
CHART_COL, CHART_WIDTH, CHART_HEIGHT = 8, 440, 320
RETURN_STATUS_WORDS = {"received": "Đã nhận", "errors": "Đã nhận, có lỗi", "missing": "Chưa gửi",
                       "unexpected": "Ngoài kế hoạch", "not_requested": "Chưa yêu cầu"}
_STATUS_LOOK = {"received": {"bg_color": "#C6EFCE"}, "errors": {"bg_color": "#FFEB9C"},
                "missing": {"bg_color": "#FFC7CE", "bold": True}, "unexpected": {"bg_color": "#FFEB9C"}}


class _Cursor:
    """The next free row of a sheet written top to bottom."""

    def __init__(self, row: int = 0) -> None:
        self.row = row

    def take(self, n: int = 1) -> int:
        row, self.row = self.row, self.row + n
        return row


#: The heading's and signatures' left block (issuing body, preparer) spans columns A–C; the right one
#: (quốc hiệu, head of the agency) the rest of the page, charts included.
BLOCK_SPLIT = 3


def write_summary_sheet(book: Book, ws, consolidation, layout: Layout, signing: Signing | None = None) -> None:
    """Tổng hợp, opening with the Decree 30/2020 blocks and ending with the signatures (``signing``:
    names and place; defaults from the plan's province)."""
    plan = consolidation.plan
    signing = (signing or Signing()).for_plan(plan)
    for i, width in enumerate(WIDTHS):
        ws.set_column(i, i, width)
    at = _Cursor(write_heading_blocks(ws, book, 0, signing, BLOCK_SPLIT, CHART_COL))
    at.take()
    heading = "TỔNG HỢP KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH CẢI CÁCH HÀNH CHÍNH"
    if layout.year:
        heading += f" NĂM {layout.year}"
    _line(ws, at.take(), heading, book.fmt(bold=True, font_size=14, align="center", valign="vcenter"), 22, CHART_COL)
    if plan.decision:
        _line(ws, at.take(), f"(Theo {decision_phrase(plan)})", book.fmt(italic=True, align="center"), None, CHART_COL)
    if consolidation.generated_at is not None:
        stamp = consolidation.generated_at.strftime("Lập lúc %H:%M ngày %d/%m/%Y")
        _line(ws, at.take(), stamp, book.fmt(italic=True, align="center"), None, CHART_COL)
    at.take()

    ws.set_column(len(WIDTHS), len(WIDTHS), 2)
    ws.set_column(CHART_COL, CHART_COL, (CHART_WIDTH + 10) / 7)
    top = at.row
    total_cell = _identity(ws, book, consolidation, layout, at)
    task_rows = _by_task(ws, book, consolidation, layout, at, total_cell)
    agency_rows = _by_agency(ws, book, layout, at)
    charts = _charts(ws, book, top, task_rows, agency_rows)
    at.row = max(at.row, top + charts // 20 + 1)     # rows are at least 20 px: below the charts
    ws.set_h_pagebreaks([at.row])                     # returns and findings start a new page
    _returns(ws, book, consolidation, at)
    _findings(ws, book, consolidation, at)
    at.take()
    at.row = write_signature_block(ws, book, at.row, signing, BLOCK_SPLIT, CHART_COL)
    book.print_setup(ws, None)            # the page header has the title: the heading is printed once
    ws.print_area(0, 0, at.row - 1, CHART_COL)


def _line(ws, row: int, text: str, fmt, height: float | None = None, last: int = len(WIDTHS) - 1) -> None:
    """A line of text across the tables' width (``last``: across the charts too)."""
    if height:
        ws.set_row(row, height)
    ws.merge_range(row, 0, row, last, text, fmt)


def _section(ws, book: Book, at: _Cursor, title: str) -> None:
    at.take()
    _line(ws, at.take(), title, book.fmt(bold=True, font_size=12), 18)


def _headers(ws, book: Book, at: _Cursor, labels: list[str]) -> int:
    row = at.take()
    ws.set_row(row, row_height([(label, WIDTHS[i]) for i, label in enumerate(labels)], bold=True))
    for i, label in enumerate(labels):
        ws.write_string(row, i, label, book.header())
    return row


def _identity(ws, book: Book, consolidation, layout: Layout, at: _Cursor) -> str:
    """The plan's identity and its total in figures and words; returns the total's cell (absolute)."""
    plan = consolidation.plan
    label, value = book.cell(bold=True), book.cell()
    decision = plan.decision + (f" ngày {plan.decision_date}" if plan.decision and plan.decision_date else "")
    lines = [("Tỉnh", plan.province), ("Năm kế hoạch", str(layout.year or "")), ("Quyết định", decision),
             ("Tệp kế hoạch", consolidation.plan_file)]
    for name, text in lines:
        row = at.take()
        ws.merge_range(row, 0, row, 1, name, label)
        ws.merge_range(row, 2, row, 6, text or "—", value)
    total = sheet_ref(P1, f"G{layout.total_row + 1}")
    row = at.take()
    ws.merge_range(row, 0, row, 1, "Tổng kinh phí (triệu đồng)", label)
    ws.merge_range(row, 2, row, 6, "", value)
    ws.write_formula(row, 2, f"={total}", book.cell(bold=True, num_format=TRIEU, align="left"),
                     trieu(layout.total_dong))
    total_cell = f"$C${row + 1}"
    row = at.take()
    ws.merge_range(row, 0, row, 1, "Tổng kinh phí (đồng)", label)
    ws.merge_range(row, 2, row, 6, "", value)
    ws.write_formula(row, 2, f"=ROUND({total_cell}*1000000,0)", book.cell(bold=True, num_format=DONG, align="left"),
                     layout.total_dong)
    row = at.take()
    ws.merge_range(row, 0, row, 1, "Bằng chữ", label)
    ws.merge_range(row, 2, row, 6, total_caption(layout.total_dong), book.cell(bold=True, italic=True))
    # The words cannot follow an edit; a formula says when they no longer match the figures.
    row = at.take()
    ws.merge_range(row, 0, row, len(WIDTHS) - 1, "", book.fmt(italic=True, font_color="#C00000"))
    ws.write_formula(row, 0, f'=IF(ROUND({total_cell}*1000000,0)={layout.total_dong},"",'
                             f'"Lưu ý: tổng kinh phí đã thay đổi, số tiền bằng chữ ở trên chưa được cập nhật.")',
                     book.fmt(italic=True, font_color="#C00000"), "")
    row = at.take()
    errors = sum(1 for f in consolidation.findings if f.severity == "error")
    ws.merge_range(row, 0, row, 1, messages.text("book.state.label"), label)
    ws.merge_range(row, 2, row, 6, data_state(errors), book.cell(
        bold=True, **({"font_color": "#9C0006", "bg_color": "#FFC7CE"} if errors else
                      {"font_color": "#006100", "bg_color": "#C6EFCE"})))
    return total_cell


def data_state(errors: int, lang: str = "vi") -> str:
    """«Số liệu chưa chốt: còn N lỗi …» while errors remain, else «Số liệu đã chốt: không còn lỗi nào»."""
    if not errors:
        return messages.text("book.state.closed", lang)
    return messages.text("book.state.open", lang, n=errors,
                         errors=messages.text("book.error.one" if errors == 1 else "book.error.many", lang))


def _by_task(ws, book: Book, consolidation, layout: Layout, at: _Cursor, total_cell: str) -> tuple[int, int]:
    _section(ws, book, at, "1. Ngân sách theo nhiệm vụ")
    _headers(ws, book, at, ["STT", "Nhiệm vụ", "Ngân sách (triệu đồng)", "Tỷ lệ"])
    tasks = layout.tasks
    first = at.row
    contents = consolidation.plan.plan["content"].tolist()
    number, percent = book.cell(num_format=TRIEU), book.cell(num_format=PERCENT)
    for task in tasks:
        row = at.take()
        ws.set_row(row, row_height([(contents[task.index] or "", WIDTHS[1])]))
        ws.write_string(row, 0, task.code, book.cell(align="center"))
        ws.write_string(row, 1, contents[task.index] or f"Nhiệm vụ {task.code}", book.cell())
        ws.write_formula(row, 2, f"={sheet_ref(P1, task.cell)}", number, trieu(task.dong))
        share = (task.dong or 0) / layout.total_dong if layout.total_dong else 0
        ws.write_formula(row, 3, f"=IF({total_cell}=0,0,C{row + 1}/{total_cell})", percent, share)
    row = at.take()
    ws.merge_range(row, 0, row, 1, "Cộng", book.cell("task", align="center"))
    tasks_dong = sum(t.dong or 0 for t in tasks)
    if tasks:
        ws.write_formula(row, 2, f"=SUM(C{first + 1}:C{row})", book.cell("task", num_format=TRIEU), trieu(tasks_dong))
        ws.write_formula(row, 3, f"=SUM(D{first + 1}:D{row})", book.cell("task", num_format=PERCENT),
                         tasks_dong / layout.total_dong if layout.total_dong else 0)
    return first, row - 1


def _by_agency(ws, book: Book, layout: Layout, at: _Cursor) -> tuple[int, int]:
    _section(ws, book, at, "2. Ngân sách theo đơn vị được cấp kinh phí, so với phân bổ trong Quyết định")
    _headers(ws, book, at, ["STT", "Đơn vị được cấp kinh phí", "Theo các hoạt động (triệu đồng)",
                            "Phân bổ theo Quyết định (triệu đồng)", "Chênh lệch (triệu đồng)"])
    number = book.cell(num_format=TRIEU)
    first = at.row
    for n, line in enumerate(layout.split, start=1):
        row = at.take()
        ws.set_row(row, row_height([(line.label, WIDTHS[1])]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, line.label, book.cell())
        ws.write_formula(row, 2, f"={sheet_ref(P1, f'G{line.row + 1}')}", number, trieu(line.dong))
        ws.write_formula(row, 3, f"={sheet_ref(P1, f'H{line.row + 1}')}", number,
                         trieu(line.allocation_dong or 0))
        ws.write_formula(row, 4, f"={sheet_ref(P1, f'I{line.row + 1}')}", number, trieu(line.difference_dong))
    row = at.take()
    s = layout.split_total_row + 1
    ws.merge_range(row, 0, row, 1, "Cộng", book.cell("task", align="center"))
    spent = sum(line.dong for line in layout.split)
    allocated = sum(line.allocation_dong or 0 for line in layout.split)
    for c, letter, value in ((2, "G", spent), (3, "H", allocated), (4, "I", spent - allocated)):
        ws.write_formula(row, c, f"={sheet_ref(P1, f'{letter}{s}')}", book.cell("task", num_format=TRIEU),
                         trieu(value))
    ws.conditional_format(first, 4, row, 4, {"type": "cell", "criteria": "!=", "value": 0,
                                             "format": book.workbook.add_format(
                                                 {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})})
    return first, row - 1


def _charts(ws, book: Book, row: int, task_rows: tuple[int, int], agency_rows: tuple[int, int]) -> int:
    """Budget by agency (beside the allocation) and by task: native charts beside the tables they draw.

    Returns the height the charts take, in pixels.
    """
    font = {"name": FONT, "size": 9}
    top = 0
    for (first, last), title, series in (
            (agency_rows, "Ngân sách theo đơn vị (triệu đồng)",
             [("Theo các hoạt động", 2, "#2E75B6"), ("Phân bổ theo Quyết định", 3, "#A5A5A5")]),
            (task_rows, "Ngân sách theo nhiệm vụ (triệu đồng)", [("Ngân sách", 2, "#C55A11")])):
        if last < first:
            continue
        chart = book.workbook.add_chart({"type": "bar"})
        for name, column, color in series:
            chart.add_series({"name": name, "categories": [SUMMARY, first, 1, last, 1],
                              "values": [SUMMARY, first, column, last, column], "fill": {"color": color},
                              **({} if len(series) > 1 else
                                 {"data_labels": {"value": True, "num_format": WHOLE, "font": font}})})
        height = max(CHART_HEIGHT, 100 + 16 * len(series) * (last - first + 1))   # room for every label
        chart.set_title({"name": title, "name_font": {"name": FONT, "size": 11, "bold": True}})
        chart.set_x_axis({"num_font": font, "num_format": WHOLE, "major_gridlines": {"visible": True}})
        chart.set_y_axis({"num_font": font, "reverse": True})      # first row of the table on top
        chart.set_legend({"position": "bottom", "font": font} if len(series) > 1 else {"none": True})
        chart.set_size({"width": CHART_WIDTH, "height": height})
        chart.set_chartarea({"border": {"color": "#BFBFBF"}})
        ws.insert_chart(row, CHART_COL, chart, {"x_offset": 4, "y_offset": top, "object_position": 1})
        top += height + 16
    return top


def _returns(ws, book: Book, consolidation, at: _Cursor) -> None:
    returns = consolidation.returns
    _section(ws, book, at, "3. Tình hình gửi báo cáo của các đơn vị")
    statuses = Counter(returns["status"].tolist())
    expected = int(returns["expected"].fillna(False).astype(bool).sum())
    counts = [("Số đơn vị phải gửi báo cáo", expected),
              ("Đã nhận", statuses["received"] + statuses["errors"]),
              ("Trong đó có lỗi", statuses["errors"]),
              ("Chưa gửi", statuses["missing"]),
              ("Đơn vị ngoài kế hoạch có gửi", statuses["unexpected"])]
    for name, value in counts:
        row = at.take()
        ws.merge_range(row, 0, row, 1, name, book.cell(bold=True))
        alarm = {"bold": True, "bg_color": "#FFC7CE"} if name == "Chưa gửi" and value else {}
        ws.write_number(row, 2, value, book.cell(align="center", **alarm))
    if not expected and not statuses["unexpected"]:
        row = at.take()
        _line(ws, row, "Kế hoạch được kiểm tra riêng: chưa yêu cầu các đơn vị gửi báo cáo. "
                       "Danh sách dưới đây là các đơn vị sẽ phải gửi.", book.fmt(italic=True, text_wrap=True), 30)
    at.take()
    _headers(ws, book, at, ["STT", "Đơn vị", "Phải gửi", "Tệp đã nhận", "Lỗi", "Cảnh báo", "Tình trạng"])
    columns = [returns[c].tolist() for c in ("agency", "expected", "file", "errors", "warnings", "status")]
    for n, (agency, must, file, errors, warnings, status) in enumerate(zip(*columns), start=1):
        row = at.take()
        ws.set_row(row, row_height([(str(agency or ""), WIDTHS[1]), (str(file or ""), WIDTHS[3])]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, str(agency or ""), book.cell())
        ws.write_string(row, 2, "Có" if must is True else "Không", book.cell(align="center"))
        ws.write_string(row, 3, str(file or ""), book.cell())
        ws.write_number(row, 4, _int(errors), book.cell(align="center"))
        ws.write_number(row, 5, _int(warnings), book.cell(align="center"))
        ws.write_string(row, 6, RETURN_STATUS_WORDS.get(status, str(status)),
                        book.cell(**_STATUS_LOOK.get(status, {})))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _findings(ws, book: Book, consolidation, at: _Cursor) -> None:
    _section(ws, book, at, "4. Phát hiện khi kiểm tra, theo đơn vị (chi tiết ở trang Kiểm tra)")
    _headers(ws, book, at, ["STT", "Đơn vị", *(SEVERITY_WORDS[s] for s in SEVERITIES), "Cộng"])
    counts = consolidation.findings_by_agency()          # the one rule: the plan's defects are the plan's
    order = list(counts)
    first = at.row
    for n, key in enumerate(order, start=1):
        kind, agency = key
        row = at.take()
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, owner_label(kind, agency), book.cell())
        for c, severity in enumerate(SEVERITIES, start=2):
            look = {"bg_color": "#FFC7CE"} if severity == "error" and counts[key][severity] else {}
            ws.write_number(row, c, counts[key][severity], book.cell(align="center", **look))
        ws.write_formula(row, 5, f"=SUM(C{row + 1}:E{row + 1})", book.cell(align="center", bold=True),
                         sum(counts[key].values()))
    row = at.take()
    ws.merge_range(row, 0, row, 1, "Cộng", book.cell("task", align="center"))
    totals: Counter = Counter()
    for c in counts.values():
        totals.update(c)
    for c, severity in enumerate([*SEVERITIES, None], start=2):
        value = totals[severity] if severity else sum(totals.values())
        letter = "CDEF"[c - 2]
        ws.write_formula(row, c, f"=SUM({letter}{first + 1}:{letter}{row})" if order else "=0",
                         book.cell("task", align="center"), value)
