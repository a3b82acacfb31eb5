"""Tổng hợp: the Decree 30/2020 heading, the plan's identity and total in words with the state of the
figures, budget per task and per agency (with the decision's allocation), the state of returns,
findings by agency, two charts, and the signatures."""

from __future__ import annotations

from collections import Counter

from .. import messages
from ..findings import SEVERITIES, owner_label
from ..words import total_caption
from .appendices import decision_phrase
from .book import DONG, FONT, PERCENT, TRIEU, WHOLE, Book, row_height, sheet_ref
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
    "summary.heading": ("TỔNG HỢP KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH CẢI CÁCH HÀNH CHÍNH",
                        "CONSOLIDATED ADMINISTRATIVE REFORM PLAN AND BUDGET"),
    "summary.heading_year": ("{heading} NĂM {year}", "{heading}, {year}"),
    "summary.according_to": ("(Theo {decision})", "(Under {decision})"),
    "summary.stamp": ("Lập lúc {time} ngày {date}", "Made at {time} on {date}"),
    "summary.province": ("Tỉnh", "Province"),
    "summary.year": ("Năm kế hoạch", "Plan year"),
    "summary.decision": ("Quyết định", "Decision"),
    "summary.plan_file": ("Tệp kế hoạch", "Plan file"),
    "summary.total_trieu": ("Tổng kinh phí (triệu đồng)", "Total budget (million đồng)"),
    "summary.total_dong": ("Tổng kinh phí (đồng)", "Total budget (đồng)"),
    "summary.in_words": ("Bằng chữ", "In words"),
    "summary.words_stale": ("Lưu ý: tổng kinh phí đã thay đổi, số tiền bằng chữ ở trên chưa được cập nhật.",
                            "Note: the total has changed; the amount in words above is not updated."),
    "summary.by_task": ("1. Ngân sách theo nhiệm vụ", "1. Budget by task"),
    "summary.no": ("STT", "No."),
    "summary.task": ("Nhiệm vụ", "Task"),
    "summary.budget_trieu": ("Ngân sách (triệu đồng)", "Budget (million đồng)"),
    "summary.share": ("Tỷ lệ", "Share"),
    "summary.sum": ("Cộng", "Total"),
    "summary.col.error": ("Lỗi", "Errors"),
    "summary.col.warning": ("Cảnh báo", "Warnings"),
    "summary.col.info": ("Ghi chú", "Notes"),
    "summary.by_agency": ("2. Ngân sách theo đơn vị được cấp kinh phí, so với phân bổ trong Quyết định",
                          "2. Budget by funded agency, against the decision's allocation"),
    "summary.funded_agency": ("Đơn vị được cấp kinh phí", "Funded agency"),
    "summary.by_activities": ("Theo các hoạt động (triệu đồng)", "From the activities (million đồng)"),
    "summary.allocated": ("Phân bổ theo Quyết định (triệu đồng)", "Allocated by the decision (million đồng)"),
    "summary.difference": ("Chênh lệch (triệu đồng)", "Difference (million đồng)"),
    "summary.chart_agency": ("Ngân sách theo đơn vị (triệu đồng)", "Budget by agency (million đồng)"),
    "summary.series_activities": ("Theo các hoạt động", "From the activities"),
    "summary.series_allocated": ("Phân bổ theo Quyết định", "Allocated by the decision"),
    "summary.chart_task": ("Ngân sách theo nhiệm vụ (triệu đồng)", "Budget by task (million đồng)"),
    "summary.series_budget": ("Ngân sách", "Budget"),
    "summary.returns": ("3. Tình hình gửi báo cáo của các đơn vị", "3. Returns from the agencies"),
    "summary.expected": ("Số đơn vị phải gửi báo cáo", "Agencies that must send a return"),
    "summary.received": ("Đã nhận", "Received"),
    "summary.with_errors": ("Trong đó có lỗi", "Of which with errors"),
    "summary.missing": ("Chưa gửi", "Not sent"),
    "summary.unexpected": ("Đơn vị ngoài kế hoạch có gửi", "Agencies outside the plan that sent one"),
    "summary.plan_alone": ("Kế hoạch được kiểm tra riêng: chưa yêu cầu các đơn vị gửi báo cáo. "
                           "Danh sách dưới đây là các đơn vị sẽ phải gửi.",
                           "The plan checked alone: no returns were asked for yet. "
                           "The agencies below are those that will have to send one."),
    "summary.agency": ("Đơn vị", "Agency"),
    "summary.must_send": ("Phải gửi", "Must send"),
    "summary.file_received": ("Tệp đã nhận", "File received"),
    "summary.status": ("Tình trạng", "Status"),
    "summary.yes": ("Có", "Yes"),
    "summary.no_": ("Không", "No"),
    "summary.status.received": ("Đã nhận", "Received"),
    "summary.status.errors": ("Đã nhận, có lỗi", "Received, with errors"),
    "summary.status.missing": ("Chưa gửi", "Not sent"),
    "summary.status.unexpected": ("Ngoài kế hoạch", "Outside the plan"),
    "summary.status.not_requested": ("Chưa yêu cầu", "Not asked yet"),
    "summary.findings": ("4. Phát hiện khi kiểm tra, theo đơn vị (chi tiết ở trang Kiểm tra)",
                         "4. Findings by agency (details on the Kiểm tra sheet)"),
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


def write_summary_sheet(book: Book, ws, consolidation, layout: Layout, signing: Signing | None = None,
                        lang: str = "vi") -> None:
    """Tổng hợp, opening with the Decree 30/2020 blocks and ending with the signatures (``signing``:
    names and place; defaults from the plan's province); labels in ``lang`` (the quốc hiệu and tiêu
    ngữ, the plan's own texts and the amount in words stay Vietnamese)."""
    plan = consolidation.plan
    signing = (signing or Signing()).for_plan(plan)
    for i, width in enumerate(WIDTHS):
        ws.set_column(i, i, width)
    at = _Cursor(write_heading_blocks(ws, book, 0, signing, BLOCK_SPLIT, CHART_COL, lang))
    at.take()
    t = _Labels(lang)
    heading = t("summary.heading")
    if layout.year:
        heading = t("summary.heading_year", heading=heading, year=layout.year)
    _line(ws, at.take(), heading, book.fmt(bold=True, font_size=14, align="center", valign="vcenter"), 22, CHART_COL)
    if plan.decision:
        _line(ws, at.take(), t("summary.according_to", decision=decision_phrase(plan)), book.fmt(italic=True, align="center"),
              None, CHART_COL)
    if consolidation.generated_at is not None:
        at_time = consolidation.generated_at
        stamp = t("summary.stamp", time=f"{at_time:%H:%M}", date=f"{at_time:%d/%m/%Y}")
        _line(ws, at.take(), stamp, book.fmt(italic=True, align="center"), None, CHART_COL)
    at.take()

    ws.set_column(len(WIDTHS), len(WIDTHS), 2)
    ws.set_column(CHART_COL, CHART_COL, (CHART_WIDTH + 10) / 7)
    top = at.row
    total_cell = _identity(ws, book, consolidation, layout, at, t)
    task_rows = _by_task(ws, book, consolidation, layout, at, total_cell, t)
    agency_rows = _by_agency(ws, book, layout, at, t)
    charts = _charts(ws, book, top, task_rows, agency_rows, t)
    at.row = max(at.row, top + charts // 20 + 1)     # rows are at least 20 px: below the charts
    ws.set_h_pagebreaks([at.row])                     # returns and findings start a new page
    _returns(ws, book, consolidation, at, t)
    _findings(ws, book, consolidation, at, t)
    at.take()
    at.row = write_signature_block(ws, book, at.row, signing, BLOCK_SPLIT, CHART_COL, lang)
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


def _identity(ws, book: Book, consolidation, layout: Layout, at: _Cursor, t) -> str:
    """The plan's identity and its total in figures and words; returns the total's cell (absolute)."""
    plan = consolidation.plan
    label, value = book.cell(bold=True), book.cell()
    decision = plan.decision + (f" ngày {plan.decision_date}" if plan.decision and plan.decision_date else "")
    lines = [(t("summary.province"), plan.province), (t("summary.year"), str(layout.year or "")),
             (t("summary.decision"), decision), (t("summary.plan_file"), consolidation.plan_file)]
    for name, text in lines:
        row = at.take()
        ws.merge_range(row, 0, row, 1, name, label)
        ws.merge_range(row, 2, row, 6, text or "—", value)
    total = sheet_ref(P1, f"G{layout.total_row + 1}")
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("summary.total_trieu"), label)
    ws.merge_range(row, 2, row, 6, "", value)
    ws.write_formula(row, 2, f"={total}", book.cell(bold=True, num_format=TRIEU, align="left"),
                     trieu(layout.total_dong))
    total_cell = f"$C${row + 1}"
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("summary.total_dong"), label)
    ws.merge_range(row, 2, row, 6, "", value)
    ws.write_formula(row, 2, f"=ROUND({total_cell}*1000000,0)", book.cell(bold=True, num_format=DONG, align="left"),
                     layout.total_dong)
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("summary.in_words"), label)
    ws.merge_range(row, 2, row, 6, total_caption(layout.total_dong), book.cell(bold=True, italic=True))
    # The words cannot follow an edit; a formula says when they no longer match the figures.
    row = at.take()
    ws.merge_range(row, 0, row, len(WIDTHS) - 1, "", book.fmt(italic=True, font_color="#C00000"))
    ws.write_formula(row, 0, f'=IF(ROUND({total_cell}*1000000,0)={layout.total_dong},"",'
                             f'"{t("summary.words_stale")}")',
                     book.fmt(italic=True, font_color="#C00000"), "")
    row = at.take()
    errors = sum(1 for f in consolidation.findings if f.severity == "error")
    ws.merge_range(row, 0, row, 1, t("book.state.label"), label)
    ws.merge_range(row, 2, row, 6, data_state(errors, t.lang), book.cell(
        bold=True, **({"font_color": "#9C0006", "bg_color": "#FFC7CE"} if errors else
                      {"font_color": "#006100", "bg_color": "#C6EFCE"})))
    return total_cell


def data_state(errors: int, lang: str = "vi") -> str:
    """«Số liệu chưa chốt: còn N lỗi …» while errors remain, else «Số liệu đã chốt: không còn lỗi nào»."""
    if not errors:
        return messages.text("book.state.closed", lang)
    return messages.text("book.state.open", lang, n=errors,
                         errors=messages.text("book.error.one" if errors == 1 else "book.error.many", lang))


def _by_task(ws, book: Book, consolidation, layout: Layout, at: _Cursor, total_cell: str, t) -> tuple[int, int]:
    _section(ws, book, at, t("summary.by_task"))
    _headers(ws, book, at, [t("summary.no"), t("summary.task"), t("summary.budget_trieu"), t("summary.share")])
    tasks = layout.tasks
    first = at.row
    contents = consolidation.plan.plan["content"].tolist()
    number, percent = book.cell(num_format=TRIEU), book.cell(num_format=PERCENT)
    for task in tasks:
        row = at.take()
        ws.set_row(row, row_height([(contents[task.index] or "", WIDTHS[1])]))
        ws.write_string(row, 0, task.code, book.cell(align="center"))
        ws.write_string(row, 1, contents[task.index] or f"{t('summary.task')} {task.code}", book.cell())
        ws.write_formula(row, 2, f"={sheet_ref(P1, task.cell)}", number, trieu(task.dong))
        share = (task.dong or 0) / layout.total_dong if layout.total_dong else 0
        ws.write_formula(row, 3, f"=IF({total_cell}=0,0,C{row + 1}/{total_cell})", percent, share)
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("summary.sum"), book.cell("task", align="center"))
    tasks_dong = sum(t.dong or 0 for t in tasks)
    if tasks:
        ws.write_formula(row, 2, f"=SUM(C{first + 1}:C{row})", book.cell("task", num_format=TRIEU), trieu(tasks_dong))
        ws.write_formula(row, 3, f"=SUM(D{first + 1}:D{row})", book.cell("task", num_format=PERCENT),
                         tasks_dong / layout.total_dong if layout.total_dong else 0)
    return first, row - 1


def _by_agency(ws, book: Book, layout: Layout, at: _Cursor, t) -> tuple[int, int]:
    _section(ws, book, at, t("summary.by_agency"))
    _headers(ws, book, at, [t("summary.no"), t("summary.funded_agency"), t("summary.by_activities"),
                            t("summary.allocated"), t("summary.difference")])
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
    ws.merge_range(row, 0, row, 1, t("summary.sum"), book.cell("task", align="center"))
    spent = sum(line.dong for line in layout.split)
    allocated = sum(line.allocation_dong or 0 for line in layout.split)
    for c, letter, value in ((2, "G", spent), (3, "H", allocated), (4, "I", spent - allocated)):
        ws.write_formula(row, c, f"={sheet_ref(P1, f'{letter}{s}')}", book.cell("task", num_format=TRIEU),
                         trieu(value))
    ws.conditional_format(first, 4, row, 4, {"type": "cell", "criteria": "!=", "value": 0,
                                             "format": book.workbook.add_format(
                                                 {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})})
    return first, row - 1


def _charts(ws, book: Book, row: int, task_rows: tuple[int, int], agency_rows: tuple[int, int], t) -> int:
    """Budget by agency (beside the allocation) and by task: native charts beside the tables they draw.

    Returns the height the charts take, in pixels.
    """
    font = {"name": FONT, "size": 9}
    top = 0
    for (first, last), title, series in (
            (agency_rows, t("summary.chart_agency"),
             [(t("summary.series_activities"), 2, "#2E75B6"), (t("summary.series_allocated"), 3, "#A5A5A5")]),
            (task_rows, t("summary.chart_task"), [(t("summary.series_budget"), 2, "#C55A11")])):
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


def _returns(ws, book: Book, consolidation, at: _Cursor, t) -> None:
    returns = consolidation.returns
    _section(ws, book, at, t("summary.returns"))
    statuses = Counter(returns["status"].tolist())
    expected = int(returns["expected"].fillna(False).astype(bool).sum())
    counts = [("summary.expected", expected),
              ("summary.received", statuses["received"] + statuses["errors"]),
              ("summary.with_errors", statuses["errors"]),
              ("summary.missing", statuses["missing"]),
              ("summary.unexpected", statuses["unexpected"])]
    for key, value in counts:
        row = at.take()
        ws.merge_range(row, 0, row, 1, t(key), book.cell(bold=True))
        alarm = {"bold": True, "bg_color": "#FFC7CE"} if key == "summary.missing" and value else {}
        ws.write_number(row, 2, value, book.cell(align="center", **alarm))
    if not expected and not statuses["unexpected"]:
        row = at.take()
        _line(ws, row, t("summary.plan_alone"), book.fmt(italic=True, text_wrap=True), 30)
    at.take()
    _headers(ws, book, at, [t("summary.no"), t("summary.agency"), t("summary.must_send"), t("summary.file_received"),
                            *(t(f"summary.col.{s}") for s in SEVERITIES[:2]), t("summary.status")])
    columns = [returns[c].tolist() for c in ("agency", "expected", "file", "errors", "warnings", "status")]
    for n, (agency, must, file, errors, warnings, status) in enumerate(zip(*columns), start=1):
        row = at.take()
        ws.set_row(row, row_height([(str(agency or ""), WIDTHS[1]), (str(file or ""), WIDTHS[3])]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, str(agency or ""), book.cell())
        ws.write_string(row, 2, t("summary.yes" if must is True else "summary.no_"), book.cell(align="center"))
        ws.write_string(row, 3, str(file or ""), book.cell())
        ws.write_number(row, 4, _int(errors), book.cell(align="center"))
        ws.write_number(row, 5, _int(warnings), book.cell(align="center"))
        ws.write_string(row, 6, t(f"summary.status.{status}") if status in RETURN_STATUS_WORDS else str(status),
                        book.cell(**_STATUS_LOOK.get(status, {})))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _findings(ws, book: Book, consolidation, at: _Cursor, t) -> None:
    _section(ws, book, at, t("summary.findings"))
    _headers(ws, book, at, [t("summary.no"), t("summary.agency"), *(t(f"summary.col.{s}") for s in SEVERITIES),
                            t("summary.sum")])
    counts = consolidation.findings_by_agency()          # the one rule: the plan's defects are the plan's
    order = list(counts)
    first = at.row
    for n, key in enumerate(order, start=1):
        kind, agency = key
        row = at.take()
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, owner_label(kind, agency, t.lang), book.cell())
        for c, severity in enumerate(SEVERITIES, start=2):
            look = {"bg_color": "#FFC7CE"} if severity == "error" and counts[key][severity] else {}
            ws.write_number(row, c, counts[key][severity], book.cell(align="center", **look))
        ws.write_formula(row, 5, f"=SUM(C{row + 1}:E{row + 1})", book.cell(align="center", bold=True),
                         sum(counts[key].values()))
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("summary.sum"), book.cell("task", align="center"))
    totals: Counter = Counter()
    for c in counts.values():
        totals.update(c)
    for c, severity in enumerate([*SEVERITIES, None], start=2):
        value = totals[severity] if severity else sum(totals.values())
        letter = "CDEF"[c - 2]
        ws.write_formula(row, c, f"=SUM({letter}{first + 1}:{letter}{row})" if order else "=0",
                         book.cell("task", align="center"), value)


class _Labels:
    """``t(key, **values)``: the summary's labels in one language (``t.lang``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values) -> str:
        return messages.text(key, self.lang, **values)
