"""The comparison workbook of two plans: Tóm tắt (totals, per agency and per task with charts, counts)
and Chi tiết (every row, old and new side by side, changed cells highlighted), ready to print on A4."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from .. import __version__, messages
from ..diff import FIELD_WORDS, PlanDiff, trieu_or_none
from ..matching import SURE
from ..outputs import DIFF, OUTPUT_PROPERTY
from . import _check_target, _replacing
from .book import FIXED_CREATED, FONT, TRIEU, WHOLE, Book, RowFit, row_height
from .layout import trieu

__all__ = ["write_diff_book", "default_name", "DIFF_OUTPUT"]

#: The value of our output property (cchc_xlsx/outputs.py) on a comparison workbook.
DIFF_OUTPUT = DIFF

SUMMARY_WIDTHS = (6, 44, 14, 14, 14)
CHART_COL, CHART_WIDTH = 6, 460
#: Chi tiết: code, level, status, score, content old/new, budget old/new/change, lead old/new, other.
DETAIL_WIDTHS = (15, 11, 13, 8, 38, 38, 11, 11, 11, 18, 18, 38)
CHANGED = {"bg_color": "#FFEB9C"}
ADDED = {"bg_color": "#C6EFCE"}
REMOVED = {"bg_color": "#FFC7CE", "font_strikeout": True}


def default_name(diff: PlanDiff) -> Path:
    """``so-sanh-OLD-NEW.xlsx`` in the current folder."""
    return Path(f"so-sanh-{Path(diff.old_file).stem}-{Path(diff.new_file).stem}.xlsx")


def write_diff_book(diff: PlanDiff, out_path: Path | str, *, inputs=(), lang: str = "vi") -> Path:
    """Write the comparison to ``out_path`` (.xlsx) and return the path; labels in ``lang``.

    Refuses (OutputError) a name that is not .xlsx or that is one of ``inputs``; written to a
    temporary file and moved into place, as the consolidated workbook is."""
    out = _check_target(Path(out_path), [Path(p) for p in inputs])
    with _replacing(out) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": 11}})
        t = _texts(lang)
        title = t("diff.title", old=diff.old_file, new=diff.new_file)
        workbook.set_properties({"title": title, "author": "cchc-xlsx", "comments": f"cchc-xlsx {__version__}",
                                 "created": FIXED_CREATED})
        workbook.set_custom_property(OUTPUT_PROPERTY, DIFF_OUTPUT)
        book = Book(workbook, title, lang=lang)
        summary = workbook.add_worksheet(t("diff.book.summary_sheet"))
        detail = workbook.add_worksheet(t("diff.book.detail_sheet"))
        _summary(book, summary, diff, t, lang)
        _detail(book, detail, diff, t, lang)
        book.close()
    return out


def _texts(lang: str):
    return lambda key, **values: messages.text(key, lang, **values)


# --------------------------------------------------------------------------- Tóm tắt
class _At:
    def __init__(self) -> None:
        self.row = 0

    def take(self, n: int = 1) -> int:
        row, self.row = self.row, self.row + n
        return row


def _summary(book: Book, ws, diff: PlanDiff, t, lang: str) -> None:
    for c, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(c, c, width)
    ws.set_column(CHART_COL, CHART_COL, (CHART_WIDTH + 10) / 7)
    last = len(SUMMARY_WIDTHS) - 1
    at = _At()
    _national_heading(book, ws, at, diff, CHART_COL)         # the page is as wide as tables and charts
    row = at.take()
    ws.set_row(row, 21)
    ws.merge_range(row, 0, row, CHART_COL, t("diff.book.heading"), book.fmt(bold=True, font_size=13, align="center"))
    row = at.take()
    plans = t("diff.book.plans", old=_plan_name(diff.old, diff.old_file, t), new=_plan_name(diff.new, diff.new_file, t))
    ws.set_row(row, row_height([(plans, sum(SUMMARY_WIDTHS) + CHART_WIDTH / 7)]))
    ws.merge_range(row, 0, row, CHART_COL, plans, book.fmt(italic=True, align="center", text_wrap=True))
    at.take()

    counts = diff.counts()
    _section(book, ws, at, t("diff.book.counts"), last)
    _header(book, ws, at, [t("diff.book.no"), t("diff.book.item"), t("diff.book.number")])
    lines = [("matched", counts["matched"]), ("added", counts["added"]), ("removed", counts["removed"]),
             ("renumbered", counts["renumbered"]), ("moved", counts["moved"]), ("changed", counts["changed"])]
    for n, (key, value) in enumerate(lines, start=1):
        row = at.take()
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, t(f"diff.book.{key}"), book.cell())
        ws.write_number(row, 2, value, book.cell(align="center", **(CHANGED if value and key != "matched" else {})))
    row = at.take()
    ws.write_number(row, 0, len(lines) + 1, book.cell(align="center"))
    ws.write_string(row, 1, t("diff.book.uncertain", sure=SURE), book.cell())
    ws.write_number(row, 2, counts["uncertain"], book.cell(align="center", **(CHANGED if counts["uncertain"] else {})))

    _section(book, ws, at, t("diff.book.total"), last)
    _header(book, ws, at, ["", "", t("diff.book.old"), t("diff.book.new"), t("diff.book.change")])
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("diff.book.sum"), book.cell("task", align="center"))
    _money_cells(book, ws, row, *diff.total, level="task")

    charts_top = at.row
    none = t("diff.no_agency")
    agency_rows = _money_table(book, ws, at, t, t("diff.book.by_agency"), t("diff.book.agency"),
                               [(name or none, *v) for name, v in diff.budget_by_agency.items()], last)
    task_rows = _money_table(book, ws, at, t, t("diff.book.by_task"), t("diff.book.task"),
                             [(name, a, b) for name, (a, b, *_) in diff.budget_by_task.items()], last)
    _money_table(book, ws, at, t, t("diff.book.allocation"), t("diff.book.agency"),
                 [(name or none, *v) for name, v in diff.allocation.items()], last)
    _charts(book, ws, charts_top, t, [(t("diff.book.chart_agency"), agency_rows),
                                      (t("diff.book.chart_task"), task_rows)])
    _money_moved(book, ws, at, diff, t, none, last)
    _signature(book, ws, at, diff, t, CHART_COL)
    book.print_setup(ws, None)
    ws.print_area(0, 0, at.row, CHART_COL)


messages.register({
    "diff.book.decision": ("Quyết định {decision}", "Decision {decision}"),
    "diff.book.decision_dated": ("Quyết định {decision} ngày {date}", "Decision {decision} of {date}"),
})


def _plan_name(plan, file: str, t) -> str:
    """The file and the decision it carries, in ``t``'s language."""
    if not plan.decision:
        return file
    if plan.decision_date:
        return f"{file} ({t('diff.book.decision_dated', decision=plan.decision, date=plan.decision_date)})"
    return f"{file} ({t('diff.book.decision', decision=plan.decision)})"


def _national_heading(book: Book, ws, at: _At, diff: PlanDiff, last: int) -> None:
    """Decree 30/2020: the issuing body on the left, the national title and motto on the right."""
    province = diff.new.province or diff.old.province
    left = f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}" if province else ""
    bold = book.fmt(bold=True, align="center", font_size=12)
    row = at.take()
    ws.merge_range(row, 0, row, 1, left, book.fmt(align="center", font_size=12))
    ws.merge_range(row, 2, row, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    row = at.take()
    ws.merge_range(row, 0, row, 1, "", bold)
    ws.merge_range(row, 2, row, last, "Độc lập - Tự do - Hạnh phúc", book.fmt(bold=True, align="center", underline=1,
                                                                              font_size=13))
    at.take()


def _section(book: Book, ws, at: _At, title: str, last: int) -> None:
    at.take()
    row = at.take()
    ws.set_row(row, 18)
    ws.merge_range(row, 0, row, last, title, book.fmt(bold=True, font_size=12))


def _header(book: Book, ws, at: _At, labels: list[str]) -> int:
    row = at.take()
    ws.set_row(row, row_height([(label, SUMMARY_WIDTHS[i]) for i, label in enumerate(labels)], bold=True))
    for c, label in enumerate(labels):
        ws.write_string(row, c, label, book.header())
    return row


def _money_cells(book: Book, ws, row: int, old: int, new: int, level: str = "activity") -> None:
    number = book.cell(level, num_format=TRIEU)
    ws.write_number(row, 2, trieu(old), number)
    ws.write_number(row, 3, trieu(new), number)
    look = CHANGED if old != new else {}
    ws.write_formula(row, 4, f"=ROUND(D{row + 1}-C{row + 1},6)", book.cell(level, num_format=TRIEU, **look),
                     trieu(new - old))


def _money_table(book: Book, ws, at: _At, t, title: str, what: str, lines: list[tuple[str, int, int]],
                 last: int) -> tuple[int, int]:
    """A table of old / new / change (formula) per name, with its sum; returns its first and last line rows."""
    _section(book, ws, at, title, last)
    _header(book, ws, at, [t("diff.book.no"), what, t("diff.book.old"), t("diff.book.new"), t("diff.book.change")])
    first = at.row
    for n, (name, old, new) in enumerate(lines, start=1):
        row = at.take()
        ws.set_row(row, row_height([(name, SUMMARY_WIDTHS[1])]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, name, book.cell())
        _money_cells(book, ws, row, old, new)
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("diff.book.sum"), book.cell("task", align="center"))
    sums = (sum(line[1] for line in lines), sum(line[2] for line in lines))
    for c, letter, value in ((2, "C", sums[0]), (3, "D", sums[1]), (4, "E", sums[1] - sums[0])):
        formula = f"=SUM({letter}{first + 1}:{letter}{row})" if lines else "=0"
        ws.write_formula(row, c, formula, book.cell("task", num_format=TRIEU), trieu(value))
    return first, row - 1


def _charts(book: Book, ws, top: int, t, tables: list[tuple[str, tuple[int, int]]]) -> None:
    """Native bar charts of the change column, beside the tables (the first line on top)."""
    font = {"name": FONT, "size": 9}
    offset = 0
    sheet = t("diff.book.summary_sheet")
    for title, (first, last) in tables:
        if last < first:
            continue
        chart = book.workbook.add_chart({"type": "bar"})
        chart.add_series({"name": t("diff.book.change"), "categories": [sheet, first, 1, last, 1],
                          "values": [sheet, first, 4, last, 4], "fill": {"color": "#2E75B6"},
                          "invert_if_negative": False,
                          "data_labels": {"value": True, "num_format": WHOLE, "font": font}})
        height = max(240, 90 + 22 * (last - first + 1))
        chart.set_title({"name": title, "name_font": {"name": FONT, "size": 11, "bold": True}})
        chart.set_x_axis({"num_font": font, "num_format": WHOLE, "major_gridlines": {"visible": True}})
        chart.set_y_axis({"num_font": font, "reverse": True, "label_position": "low"})   # names clear of the bars
        chart.set_legend({"none": True})
        chart.set_size({"width": CHART_WIDTH, "height": height})
        ws.insert_chart(top, CHART_COL, chart, {"x_offset": 4, "y_offset": offset, "object_position": 1})
        offset += height + 16


def _money_moved(book: Book, ws, at: _At, diff: PlanDiff, t, none: str, last: int) -> None:
    _section(book, ws, at, t("diff.book.money_moved"), last)
    if not diff.money_moved:
        row = at.take()
        ws.merge_range(row, 0, row, last, t("diff.book.none_moved"), book.fmt(italic=True))
        return
    row = _header(book, ws, at, [t("diff.book.no"), f"{t('diff.book.from')} → {t('diff.book.to')}",
                                 t("diff.book.amount"), t("diff.book.rows")])
    ws.merge_range(row, 3, row, last, t("diff.book.rows"), book.header())
    for n, ((source, target), (amount, codes)) in enumerate(diff.money_moved.items(), start=1):
        row = at.take()
        name = f"{source or none} → {target or none}"
        ws.set_row(row, row_height([(name, SUMMARY_WIDTHS[1])]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, name, book.cell())
        ws.write_number(row, 2, trieu(amount), book.cell(num_format=TRIEU))
        ws.merge_range(row, 3, row, last, ", ".join(codes), book.cell())


def _signature(book: Book, ws, at: _At, diff: PlanDiff, t, last: int) -> None:
    """Decree 30/2020's signature block: place and date, then who signs, left and right."""
    at.take()
    province = diff.new.province or diff.old.province or "…"
    row = at.take()
    ws.merge_range(row, 2, row, last, t("diff.book.place_date", province=province), book.fmt(italic=True, align="center"))
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("diff.book.maker"), book.fmt(bold=True, align="center"))
    ws.merge_range(row, 2, row, last, t("diff.book.head"), book.fmt(bold=True, align="center"))
    row = at.take()
    ws.merge_range(row, 0, row, 1, t("diff.book.sign"), book.fmt(italic=True, align="center"))
    ws.merge_range(row, 2, row, last, t("diff.book.sign_seal"), book.fmt(italic=True, align="center"))
    at.take(4)                  # room to sign


# --------------------------------------------------------------------------- Chi tiết
def _detail(book: Book, ws, diff: PlanDiff, t, lang: str) -> None:
    for c, width in enumerate(DETAIL_WIDTHS):
        ws.set_column(c, c, width)
    last = len(DETAIL_WIDTHS) - 1
    note = t("diff.book.detail_note")
    ws.set_row(0, row_height([(note, sum(DETAIL_WIDTHS))], font_size=10))
    ws.merge_range(0, 0, 0, last, note, book.fmt(italic=True, text_wrap=True, font_size=10))
    head = 2
    labels = [t(f"diff.book.{key}") for key in ("code", "level", "status", "score", "content_old", "content_new",
                                                "budget_old", "budget_new", "change", "lead_old", "lead_new", "other")]
    ws.set_row(head, row_height([(label, DETAIL_WIDTHS[i]) for i, label in enumerate(labels)], bold=True))
    for c, label in enumerate(labels):
        ws.write_string(head, c, label, book.header())
    fit = RowFit(DETAIL_WIDTHS)
    which = 0 if lang == "vi" else 1
    looks = {"added": ADDED, "removed": REMOVED}
    formats: dict[tuple, object] = {}

    def style(level: str, status: str, changed: bool = False, number: bool = False, unsure: bool = False):
        """The format of a cell (a few dozen in all, made once: 300 000 cells ask for them)."""
        key = (level, status, changed, number, unsure)
        if key not in formats:
            props = looks.get(status, {}) | (CHANGED if changed else {})
            props |= ({"num_format": TRIEU} if number else {}) | ({"font_color": "#9C0006"} if unsure else {})
            formats[key] = book.cell(level, **props)
        return formats[key]

    levels = {name: t(f"diff.level.{name}") for name in ("task", "output", "activity")}
    statuses = {name: t(f"diff.book.{name}") for name in ("added", "removed", "changed", "moved", "renumbered",
                                                          "unchanged")}
    for n, change in enumerate(diff.rows):
        row = head + 1 + n
        old, new = change.old, change.new
        level = (new or old)["level"]
        status = _status(change)
        fields = change.fields
        other = "\n".join(f"{FIELD_WORDS[name][which]}: «{_text(a, lang)}» → «{_text(b, lang)}»"
                          for name, (a, b) in fields.items() if name not in ("content", "budget", "lead"))
        if change.moved:
            other = "\n".join(filter(None, [f"{FIELD_WORDS['parent'][which]}: {old['parent_code'] or '—'} → "
                                            f"{new['parent_code'] or '—'}", other]))
        contents = (old["content"] if old else "", new["content"] if new else "")
        leads = (old["lead"] if old else "", new["lead"] if new else "")
        ws.set_row(row, fit([change.code, "", "", "", contents[0], contents[1], "", "", "", leads[0], leads[1],
                             other]))
        plain = style(level, status)
        ws.write_string(row, 0, change.code, style(level, status, change.renumbered))
        ws.write_string(row, 1, levels.get(level, level), plain)
        ws.write_string(row, 2, statuses[status], plain)
        if change.score is not None:
            ws.write_number(row, 3, change.score, style(level, status, unsure=change.score < SURE))
        else:
            ws.write_blank(row, 3, None, plain)
        for c, text in ((4, contents[0]), (5, contents[1])):
            ws.write_string(row, c, text, style(level, status, "content" in fields))
        budgets = (trieu_or_none(old["budget"]) if old else None, trieu_or_none(new["budget"]) if new else None)
        moved_money = bool(old and new and budgets[0] != budgets[1])
        for c, value in ((6, budgets[0]), (7, budgets[1])):
            if value is None:
                ws.write_blank(row, c, None, style(level, status, moved_money))
            else:
                ws.write_number(row, c, value, style(level, status, moved_money, number=True))
        if budgets != (None, None):
            # a value, not a formula: 25 000 formulas would cost more to write than the rest of the sheet
            value = round((budgets[1] or 0) - (budgets[0] or 0), 6)
            ws.write_number(row, 8, value, style(level, status, bool(value), number=True))
        else:
            ws.write_blank(row, 8, None, plain)
        for c, text in ((9, leads[0]), (10, leads[1])):
            ws.write_string(row, c, text or "", style(level, status, "lead" in fields))
        ws.write_string(row, 11, other, style(level, status, bool(other)))
    end = head + len(diff.rows)
    ws.autofilter(head, 0, end, last)
    ws.freeze_panes(head + 1, 1)
    book.print_setup(ws, (head, head))


def _status(change) -> str:
    if change.status != "matched":
        return change.status
    if change.fields:
        return "changed"
    if change.moved:
        return "moved"
    if change.renumbered:
        return "renumbered"
    return "unchanged"


def _text(value, lang: str) -> str:
    from ..diff import number

    if isinstance(value, float):
        return number(value, lang)
    return "" if value is None else str(value)
