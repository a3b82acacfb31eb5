"""Phụ lục 1 (plan and budget, with live totals and the per-agency split) and Phụ lục 2 (monitoring)."""

from __future__ import annotations

from .. import messages
from .book import LEVEL_WORDS, TRIEU, Book, RowFit, labels_of, merged_header, row_height, stt_label
from .marks import COMMENT_AUTHOR, Mark, comment_size, fill_hex
from .fit import balance_widths, measure, units_for
from .pages import KEEP_WITH_NEXT, Pager
from .rows import Rows
from .layout import P1_COLUMNS, P1_FIRST_ROW, P2_COLUMNS, P2_FIRST_ROW, Layout, trieu

__all__ = ["write_plan_sheet", "write_monitoring_sheet", "issued_with", "decision_phrase", "label_width"]

P1_WIDTHS = {"code": 13, "content": 30, "indicator": 24, "evidence": 22, "month_from": 8, "month_to": 8,
             "budget": 10, "lead": 16, "partners": 17, "funded_agency": 15, "level": 10}
P2_WIDTHS = {"code": 13, "content": 32, "indicator": 28, "evidence": 26, "frequency": 14, "collector": 28,
             "reporter": 20}
#: The columns whose widths are shared out by the plan's texts (the months and the budget keep theirs).
P1_BALANCED = ("code", "content", "indicator", "evidence", "lead", "partners", "funded_agency")
P2_BALANCED = ("code", "content", "indicator", "evidence", "frequency", "collector", "reporter")
_P1_TEXT = ("content", "indicator", "evidence", "lead", "partners", "funded_agency")
_P2_TEXT = ("content", "indicator", "evidence", "frequency", "collector", "reporter")


def decision_phrase(plan) -> str:
    """``Quyết định số 3598/QĐ-UBND ngày 28/12/2017 của UBND tỉnh Đắk Lắk`` ("" without a decision)."""
    if not plan.decision:
        return ""
    text = f"Quyết định số {plan.decision}"
    if plan.decision_date:
        text += f" ngày {plan.decision_date}"
    return text + " của UBND tỉnh" + (f" {plan.province}" if plan.province else "")


def issued_with(plan, lang: str = "vi") -> str:
    """``(Ban hành kèm theo Quyết định số 3598/QĐ-UBND ngày 28/12/2017 của UBND tỉnh Đắk Lắk)``."""
    if plan.decision:
        return messages.text("p.issued_with", lang, decision=decision_phrase(plan))
    return messages.text("p.of_province", lang, province=plan.province) if plan.province else ""


def _year(layout: Layout, lang: str) -> str:
    return messages.text("p.year", lang, year=layout.year) if layout.year else ""


def title_rows(ws, book: Book, last_col: int, heading: str, subtitle: str, pager: Pager) -> None:
    """The sheet's heading on row 0 (bold, 13 pt, centred over columns 0 to ``last_col``) and, when
    given, its subtitle on row 1; both rows counted by ``pager``. Also Lịch theo dõi's and Tiến độ's heading."""
    ws.set_row(0, 21)
    pager.add(0, 21)
    ws.merge_range(0, 0, 0, last_col, heading, book.fmt(bold=True, font_size=13, align="center", valign="vcenter"))
    if subtitle:
        ws.set_row(1, 17)
        pager.add(1, 17)
        ws.merge_range(1, 0, 1, last_col, subtitle, book.fmt(italic=True, align="center"))


def _header_heights(ws, labels: dict[str, str], widths: dict[str, float], top: int) -> float:
    """Set the two header rows' heights; return their sum (repeated on every page)."""
    tallest = max(row_height([(text, widths[name])], bold=True) for name, text in labels.items())
    ws.set_row(top, max(17.0, tallest / 2))
    ws.set_row(top + 1, max(17.0, tallest / 2))
    return 2 * max(17.0, tallest / 2)


def _pager(widths: dict[str, float], hidden: tuple[str, ...] = ()) -> Pager:
    return Pager([w for name, w in widths.items() if name not in hidden])


_SAMPLE = 200       # rows measured to share the columns' widths (evenly spaced over a big plan)


def balanced(widths: dict[str, float], frame, order: list[int], movable: tuple[str, ...]) -> dict[str, float]:
    """The sheet's column widths, the same total shared among the ``movable`` text columns so that
    the plan's rows print shortest (``fit.balance_widths``); the STT column holds the rows' labels,
    and keeps the words before a label's code on one line («NHIỆM VỤ», «Kết quả đầu ra»)."""
    names = list(widths)
    levels = frame["level"].astype(str).tolist()
    codes = frame["code"].tolist()
    labels = labels_of(frame)
    picked = [order[k * len(order) // _SAMPLE] for k in range(_SAMPLE)] if len(order) > _SAMPLE else order
    shown = {"month_from": "from_text", "month_to": "to_text"}     # the months as the sheet shows them
    columns = {name: frame[shown.get(name, name)].tolist() for name in names
               if shown.get(name, name) in frame and name != "code"}
    rows = []
    for i in picked:
        texts = [stt_label(levels[i], codes[i], labels[i]) if name == "code" else columns.get(name, [""] * (i + 1))[i]
                 for name in names]
        rows.append((texts, levels[i] != "activity"))
    shared = balance_widths([widths[name] for name in names], rows, [names.index(name) for name in movable],
                            minimum={names.index("code"): label_width([(texts[0], bold) for texts, bold in rows])})
    return dict(zip(names, shared))


def label_width(labels) -> float:
    """The STT column's least width (Excel units): the words of each ``(label, bold)`` before its code
    (``NHIỆM VỤ`` of ``NHIỆM VỤ 1``) on one line."""
    widest = 0.0
    for label, bold in labels:
        words = label.split() if isinstance(label, str) else []
        widest = max(widest, measure(bold=bold).width(" ".join(words[:-1]) if len(words) > 1 else " ".join(words)))
    return units_for(widest)


# --------------------------------------------------------------------------- Phụ lục 1
P1_HEADERS = {"code": "STT", "content": "Nội dung công việc", "indicator": "Chỉ số đánh giá/tác động/mục tiêu",
              "evidence": "Tài liệu kiểm chứng, xác minh", "month_from": "Từ tháng", "month_to": "Đến tháng",
              "budget": "Ngân sách dự kiến (triệu đồng)", "lead": "Cơ quan, đơn vị chủ trì",
              "partners": "Cơ quan, đơn vị phối hợp", "funded_agency": "Đơn vị được cấp kinh phí",
              "level": "Cấp (dùng cho công thức)"}
_P1_HEADERS_EN = {"code": "No.", "content": "Activity", "indicator": "Indicator (assessment/impact/target)",
                  "evidence": "Means of verification", "month_from": "From month", "month_to": "To month",
                  "budget": "Planned budget (million đồng)", "lead": "Lead agency", "partners": "Partner agencies",
                  "funded_agency": "Funded agency", "level": "Level (used by the formulas)"}
messages.register({f"p1.header.{k}": (v, _P1_HEADERS_EN[k]) for k, v in P1_HEADERS.items()})
messages.register({
    "p1.title": ("Phụ lục 1. KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH THỰC HIỆN CCHC{year}",
                 "Appendix 1. CCHC ACTIVITY PLAN AND BUDGET{year}"),
    "p.year": (" NĂM {year}", ", {year}"),
    "p.issued_with": ("(Ban hành kèm theo {decision})", "(Issued with {decision})"),
    "p.of_province": ("(Tổng hợp kế hoạch của tỉnh {province})", "(The consolidated plan of {province} province)"),
    "p1.unit": ("ĐVT: Triệu đồng", "Unit: million đồng"),
    "p1.time": ("Thời gian", "Time"),
    "p1.total": ("Tổng cộng", "Grand total"),
    "p1.of_which": ("Trong đó:", "Of which:"),
    "p1.split_agency": ("Đơn vị được cấp kinh phí", "Funded agency"),
    "p1.split_activities": ("Theo các hoạt động", "From the activities"),
    "p1.split_allocated": ("Phân bổ theo Quyết định", "Allocated by the decision"),
    "p1.split_difference": ("Chênh lệch", "Difference"),
    "p1.split_sum": ("Cộng", "Total"),
    "p1.split_note": ("Chênh lệch khác 0 (tô đỏ): các hoạt động của đơn vị cộng lại không bằng số được phân bổ "
                      "trong Quyết định. Các tổng là công thức: sửa ngân sách một hoạt động thì các tổng tự cập nhật.",
                      "A difference other than 0 (in red): the agency's activities do not add up to its allocation "
                      "in the decision. The totals are formulas: change an activity's budget and they follow."),
    "p2.title": ("Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ THỰC HIỆN KẾ HOẠCH CCHC{year}",
                 "Appendix 2. MONITORING AND EVALUATION ASSIGNMENTS OF THE CCHC PLAN{year}"),
    "p2.frequency_year": ("Tần suất thu thập năm {year}", "Collection frequency, {year}"),
    "p2.responsibility": ("Trách nhiệm", "Responsibility"),
})


def write_plan_sheet(book: Book, ws, consolidation, layout: Layout,
                     marks: dict[int, dict[int, Mark]] | None = None, lang: str = "vi") -> None:
    """Phụ lục 1 in the decision's layout; output, task and grand totals are formulas with their values.

    ``marks`` (zero-based row -> column -> Mark, see write/marks.py): the cells that carry a finding,
    filled by severity with the findings in a comment. Labels in ``lang``.
    """
    marks = marks or {}
    plan = consolidation.plan
    frame = plan.plan
    col = {name: i for i, name in enumerate(P1_COLUMNS)}
    widths = balanced(P1_WIDTHS, frame, [pr.index for pr in layout.plan_rows], P1_BALANCED)
    for name, i in col.items():
        ws.set_column(i, i, widths[name], None, {"hidden": name == "level"})
    last = col["funded_agency"]
    t = lambda key, **values: messages.text(key, lang, **values)  # noqa: E731
    pager = _pager(widths, hidden=("level",))
    title_rows(ws, book, last, t("p1.title", year=_year(layout, lang)), issued_with(plan, lang), pager)
    ws.merge_range(2, col["lead"], 2, last, t("p1.unit"), book.fmt(italic=True, align="right"))
    headers = {name: t(f"p1.header.{name}") for name in P1_HEADERS}

    top = P1_FIRST_ROW - 2
    pager.repeat = _header_heights(ws, {k: v for k, v in headers.items() if k != "level"}, widths, top)
    pager.add(top, pager.repeat / 2)
    pager.add(top + 1, pager.repeat / 2)
    cells = [(top, col[name], top + 1, col[name], headers[name])
             for name in ("code", "content", "indicator", "evidence")]
    cells.append((top, col["month_from"], top, col["month_to"], t("p1.time")))
    cells += [(top + 1, col["month_from"], top + 1, col["month_from"], headers["month_from"]),
              (top + 1, col["month_to"], top + 1, col["month_to"], headers["month_to"])]
    cells += [(top, col[name], top + 1, col[name], headers[name])
              for name in ("budget", "lead", "partners", "funded_agency", "level")]
    merged_header(ws, book, top, cells)

    values = {name: frame[name].tolist() for name in
              ("content", "indicator", "evidence", "from_text", "to_text", "budget", "budget_text",
               "lead", "partners", "funded_agency")}
    fit = _fits([widths[name] for name in ("code", *_P1_TEXT, "month_from", "month_to")])
    looks = {level: _Look(book, level) for level in ("task", "output", "activity")}
    text_columns = [(col[name], values[name]) for name in _P1_TEXT]
    code_col, level_col, budget_col = col["code"], col["level"], col["budget"]
    from_col, to_col = col["month_from"], col["month_to"]
    # Columns A–F, then the budget (G), then H–K: the texts of a row are written in two runs.
    assert (code_col, from_col, to_col, budget_col, level_col) == (0, 4, 5, 6, 10)
    rows = Rows(ws, 0, level_col)
    contents, indicators, evidences = (values[name] for name in ("content", "indicator", "evidence"))
    leads, partners, funded = (values[name] for name in ("lead", "partners", "funded_agency"))
    from_texts, to_texts, budget_texts = values["from_text"], values["to_text"], values["budget_text"]
    styles = {}
    labels = labels_of(frame)
    for pr in layout.plan_rows:
        i, r, level = pr.index, pr.row, pr.level
        look = looks.get(level, looks["activity"])
        if level not in styles:
            text, center = rows.style(look.text), rows.style(look.center)
            styles[level] = ((text, text, text, text, center, center), (text, text, text, text))
        first, last = styles[level]
        row_marks = marks.get(r)
        if row_marks:
            _comments(ws, r, row_marks)         # before the row: constant_memory drops a comment after it
            first = [rows.style(look.marked(row_marks[c].severity, "center" if c in (from_col, to_col) else "text"))
                     if c in row_marks else s for c, s in enumerate(first)]
            last = [rows.style(look.marked(row_marks[c].severity, "text")) if c in row_marks else s
                    for c, s in enumerate(last, start=7)]
        stt = stt_label(level, pr.code, labels[i])
        height = fit[level != "activity"]([stt, *(texts[i] for _, texts in text_columns), from_texts[i], to_texts[i]])
        pager.add(r, height, level in KEEP_WITH_NEXT)
        rows.start(r, height)
        rows.texts(0, (stt, contents[i], indicators[i], evidences[i], from_texts[i], to_texts[i]), first)
        _budget(rows, budget_col, pr, budget_texts[i], look, row_marks.get(budget_col) if row_marks else None)
        rows.texts(7, (leads[i], partners[i], funded[i], LEVEL_WORDS.get(level, level)), last)
        rows.end()

    _total_and_split(ws, book, layout, col, marks, t, pager, widths)
    book.print_setup(ws, (top, top + 1))
    pager.apply(ws)
    ws.freeze_panes(P1_FIRST_ROW, 0)


class _Look:
    """The formats of one level's rows, plain and marked by a finding's severity."""

    _PROPS = {"text": {}, "center": {"align": "center"}, "number": {"num_format": TRIEU},
              "not_a_number": {"font_color": "#C00000", "align": "right"}}

    def __init__(self, book: Book, level: str) -> None:
        self.book, self.level = book, level
        self.text, self.center, self.number, self.not_a_number = (book.cell(level, **props)
                                                                  for props in self._PROPS.values())

    def marked(self, severity: str, kind: str):
        """The ``kind`` format (text, center, number, not_a_number) filled in the severity's colour."""
        return self.book.cell(self.level, **self._PROPS[kind], bg_color=fill_hex(severity))


def _comments(ws, row: int, row_marks: dict[int, Mark]) -> None:
    for c, mark in row_marks.items():
        _comment(ws, row, c, mark)


def _comment(ws, row: int, col: int, mark: Mark) -> None:
    width, height = comment_size(mark.text)
    ws.write_comment(row, col, mark.text, {"author": COMMENT_AUTHOR, "width": width, "height": height,
                                           "font_name": "Times New Roman", "font_size": 10})


def _fits(widths: list[float]) -> dict[bool, RowFit]:
    """Row heights for plain (activity) rows and bold (task, output) rows."""
    return {False: RowFit(widths), True: RowFit(widths, bold=True)}


def _budget(rows: Rows, c: int, pr, text: str, look: _Look, mark: Mark | None = None) -> None:
    fmt = look.marked(mark.severity, "number") if mark else look.number
    if pr.formula is not None:
        rows.formula(c, pr.formula, fmt, trieu(pr.dong))
    elif pr.dong is not None:
        rows.number(c, trieu(pr.dong), fmt)
    elif isinstance(text, str) and text:
        # Not a number (a finding says so): shown as written, in red, and left out of every sum.
        rows.text(c, text, look.marked(mark.severity, "not_a_number") if mark else look.not_a_number)
    else:
        rows.blank(c, fmt)          # a blank budget stays blank, not 0


def _total_and_split(ws, book: Book, layout: Layout, col: dict[str, int], marks: dict[int, dict[int, Mark]], t,
                     pager: Pager, widths: dict[str, float]) -> None:
    """The total row, then the «Trong đó» block (kept on one page when it fits one)."""
    g, h, i = col["budget"], col["lead"], col["partners"]
    last = col["funded_agency"]
    bold = book.cell("task")

    def cell(row: int, c: int, level: str = "activity", **props):
        """The cell's format, filled and commented when a finding names it (call it in row order)."""
        mark = marks.get(row, {}).get(c)
        if mark is None:
            return book.cell(level, **props)
        _comment(ws, row, c, mark)
        return book.cell(level, **props, bg_color=fill_hex(mark.severity))

    r = layout.total_row
    ws.set_row(r, 18)
    pager.add(r, 18, keep_with_next=True)     # the total stays with its «Trong đó» breakdown
    ws.merge_range(r, 0, r, g - 1, t("p1.total"), book.cell("task", align="center"))
    if layout.total_formula:
        ws.write_formula(r, g, layout.total_formula, cell(r, g, "task", num_format=TRIEU), trieu(layout.total_dong))
    else:
        ws.write_number(r, g, 0, cell(r, g, "task", num_format=TRIEU))
    for c in range(g + 1, last + 1):
        ws.write_blank(r, c, None, bold)

    ws.write_string(r + 2, 0, t("p1.of_which"), book.fmt(bold=True, italic=True))
    head = r + 3
    ws.set_row(head, 32)
    pager.add(r + 1, None, keep_with_next=True)
    pager.add(r + 2, None, keep_with_next=True)
    pager.add(head, 32, keep_with_next=True)
    ws.write_string(head, 0, t("p1.header.code"), book.header())
    ws.merge_range(head, 1, head, g - 1, t("p1.split_agency"), book.header())
    ws.write_string(head, g, t("p1.split_activities"), book.header())
    ws.write_string(head, h, t("p1.split_allocated"), book.header())
    ws.write_string(head, i, t("p1.split_difference"), book.header())
    text = book.cell()
    bold_number = book.cell("task", num_format=TRIEU)
    for n, line in enumerate(layout.split, start=1):
        height = row_height([(line.label, sum(widths[name] for name in P1_COLUMNS[1:col["budget"]]))])
        ws.set_row(line.row, height)
        pager.add(line.row, height, keep_with_next=True)
        ws.write_number(line.row, 0, n, book.cell(align="center"))
        ws.merge_range(line.row, 1, line.row, g - 1, line.label, text)
        ws.write_formula(line.row, g, line.formula, cell(line.row, g, num_format=TRIEU), trieu(line.dong))
        if line.allocation_dong is None:
            ws.write_blank(line.row, h, None, cell(line.row, h, num_format=TRIEU))
        else:
            ws.write_number(line.row, h, trieu(line.allocation_dong), cell(line.row, h, num_format=TRIEU))
        ws.write_formula(line.row, i, f"=ROUND(G{line.row + 1}-H{line.row + 1},6)",
                         cell(line.row, i, num_format=TRIEU), trieu(line.difference_dong))
    s = layout.split_total_row
    first, end = (layout.split[0].row + 1, layout.split[-1].row + 1) if layout.split else (s + 1, s)
    ws.merge_range(s, 0, s, g - 1, t("p1.split_sum"), book.cell("task", align="center"))
    pager.add(s, None, keep_with_next=True)      # the note below the block stays with it
    spent = sum(line.dong for line in layout.split)
    allocated = sum(line.allocation_dong or 0 for line in layout.split)
    sums = [(g, f"=SUM(G{first}:G{end})", spent), (h, f"=SUM(H{first}:H{end})", allocated),
            (i, f"=ROUND(G{s + 1}-H{s + 1},6)", spent - allocated)]
    for c, formula, value in sums:
        if layout.split:
            ws.write_formula(s, c, formula, bold_number, trieu(value))
        else:
            ws.write_number(s, c, 0, bold_number)
    ws.conditional_format(head + 1, i, s, i, {"type": "cell", "criteria": "!=", "value": 0,
                                             "format": book.workbook.add_format(
                                                 {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})})
    ws.merge_range(s + 1, 0, s + 1, last, t("p1.split_note"), book.fmt(italic=True, text_wrap=True))
    ws.set_row(s + 1, 30)
    pager.add(s + 1, 30)


# --------------------------------------------------------------------------- Phụ lục 2
P2_HEADERS = {"code": "STT", "content": "Nội dung công việc", "indicator": "Chỉ số đánh giá/tác động/mục tiêu",
              "evidence": "Tài liệu kiểm chứng (xác minh)", "frequency": "Tần suất thu thập",
              "collector": "Thu thập số liệu", "reporter": "Báo cáo"}
_P2_HEADERS_EN = {"code": "No.", "content": "Activity", "indicator": "Indicator (assessment/impact/target)",
                  "evidence": "Means of verification", "frequency": "Collection frequency",
                  "collector": "Data collection", "reporter": "Reporting"}
messages.register({f"p2.header.{k}": (v, _P2_HEADERS_EN[k]) for k, v in P2_HEADERS.items()})


def write_monitoring_sheet(book: Book, ws, consolidation, layout: Layout,
                           marks: dict[int, dict[int, Mark]] | None = None, lang: str = "vi") -> None:
    """Phụ lục 2 in the decision's layout: who collects what, how often; ``marks`` and ``lang`` as Phụ lục 1's."""
    marks = marks or {}
    plan = consolidation.plan
    frame = plan.monitoring
    col = {name: i for i, name in enumerate(P2_COLUMNS)}
    widths = balanced(P2_WIDTHS, frame, layout.monitoring_order, P2_BALANCED)
    for name, i in col.items():
        ws.set_column(i, i, widths[name])
    t = lambda key, **values: messages.text(key, lang, **values)  # noqa: E731
    pager = _pager(widths)
    title_rows(ws, book, len(P2_COLUMNS) - 1, t("p2.title", year=_year(layout, lang)), issued_with(plan, lang), pager)
    top = P2_FIRST_ROW - 2
    headers = {name: t(f"p2.header.{name}") for name in P2_HEADERS}
    if layout.year:
        headers["frequency"] = t("p2.frequency_year", year=layout.year)
    pager.repeat = _header_heights(ws, headers, widths, top)
    pager.add(top, pager.repeat / 2)
    pager.add(top + 1, pager.repeat / 2)
    cells = [(top, col[name], top + 1, col[name], headers[name])
             for name in ("code", "content", "indicator", "evidence", "frequency")]
    cells.append((top, col["collector"], top, col["reporter"], t("p2.responsibility")))
    cells += [(top + 1, col["collector"], top + 1, col["collector"], headers["collector"]),
              (top + 1, col["reporter"], top + 1, col["reporter"], headers["reporter"])]
    merged_header(ws, book, top, cells)

    levels = frame["level"].astype(str).tolist()
    codes = frame["code"].tolist()
    values = {name: frame[name].tolist() for name in _P2_TEXT}
    fit = _fits([widths[name] for name in ("code", *_P2_TEXT)])
    looks = {level: _Look(book, level) for level in ("task", "output", "activity")}
    text_columns = [(col[name], values[name]) for name in _P2_TEXT]
    frequency_col = col["frequency"]
    assert [c for c, _ in text_columns] == list(range(1, len(P2_COLUMNS)))
    rows = Rows(ws, 0, len(P2_COLUMNS) - 1)
    columns = [texts for _, texts in text_columns]
    labels = labels_of(frame)
    styles = {}
    for k, i in enumerate(layout.monitoring_order):
        r, level = P2_FIRST_ROW + k, levels[i]
        if level not in styles:
            look = looks.get(level, looks["activity"])
            text, center = rows.style(look.text), rows.style(look.center)
            styles[level] = [text] + [center if c == frequency_col else text for c, _ in text_columns]
        texts = [stt_label(level, codes[i], labels[i]), *(texts[i] for texts in columns)]
        row_styles = styles[level]
        row_marks = marks.get(r)
        if row_marks:
            _comments(ws, r, row_marks)         # before the row: constant_memory drops a comment after it
            look = looks.get(level, looks["activity"])
            row_styles = [rows.style(look.marked(row_marks[c].severity, "center" if c == frequency_col else "text"))
                          if c in row_marks else s for c, s in enumerate(row_styles)]
        height = fit[level != "activity"](texts)
        pager.add(r, height, level in KEEP_WITH_NEXT)
        rows.start(r, height)
        rows.texts(0, texts, row_styles)
        rows.end()
    book.print_setup(ws, (top, top + 1))
    pager.apply(ws)
    ws.freeze_panes(P2_FIRST_ROW, 0)
