"""Kiểm tra: every finding, most severe first, linked to the cell it concerns in this workbook; then
what each code that occurs means and what to do about it."""

from __future__ import annotations

from .. import explain, messages
from ..findings import SEVERITIES
from .book import Book, row_height
from .layout import Layout
from .marks import severity_word

__all__ = ["write_findings_sheet", "MAX_LINKS"]

#: Excel keeps at most 65 530 links on a sheet; past that the place is written as plain text.
MAX_LINKS = 65_000
COLUMNS = [("STT", 6), ("Mức độ", 10), ("Đơn vị", 20), ("Dòng", 8), ("Nội dung", 52), ("Giá trị đúng", 14),
           ("Giá trị ghi", 14), ("Tệp", 18), ("Vị trí trong tệp", 14), ("Xem trong bảng tổng hợp", 16),
           ("Mã", 16)]
#: The columns' labels in English, in COLUMNS' order (the Vietnamese are COLUMNS' own).
_COLUMNS_EN = ("No.", "Severity", "Agency", "Row", "Message", "Expected", "Found", "File", "Place in the file",
               "See in this workbook", "Code")
messages.register({f"check_sheet.column.{i}": (vi, en) for i, ((vi, _), en) in enumerate(zip(COLUMNS, _COLUMNS_EN))})
messages.register({
    "check_sheet.title": ("KẾT QUẢ KIỂM TRA SỐ LIỆU", "RESULTS OF THE CHECKS"),
    "check_sheet.summary": ("{findings}: {counts}. Bấm vào ô ở cột «{column}» để đến ô có vấn đề.",
                            "{findings}: {counts}. Click a cell of the «{column}» column to go to the cell concerned."),
    "check_sheet.more": ("… và {n} phát hiện khác không ghi được vì trang tính của Excel chỉ có {rows} dòng: "
                         "xem đủ bằng lệnh có --json.",
                         "… and {n} more findings not written: an Excel sheet has only {rows} rows; "
                         "the --json output has them all."),
    "check_sheet.explained": ("Giải thích các mã", "What the codes mean"),
    "check_sheet.code": ("Mã", "Code"),
    "check_sheet.count": ("Số phát hiện", "Findings"),
    "check_sheet.meaning": ("Ý nghĩa", "Meaning"),
    "check_sheet.action": ("Cách xử lý", "What to do"),
    "count.finding.one": ("{n} phát hiện", "{n} finding"),
    "count.finding.many": ("{n} phát hiện", "{n} findings"),
    "count.error.one": ("{n} lỗi", "{n} error"),
    "count.error.many": ("{n} lỗi", "{n} errors"),
    "count.warning.one": ("{n} cảnh báo", "{n} warning"),
    "count.warning.many": ("{n} cảnh báo", "{n} warnings"),
    "count.info.one": ("{n} ghi chú", "{n} note"),
    "count.info.many": ("{n} ghi chú", "{n} notes"),
})


def count_text(what: str, n: int, lang: str = "vi") -> str:
    """«3 lỗi» / «3 errors», «1 error»: a count of findings, errors, warnings or notes read naturally."""
    return messages.text(f"count.{what}.{'one' if n == 1 else 'many'}", lang, n=f"{n:,}".replace(",", "." if lang == "vi" else ","))
_LOOK = {"error": {"bg_color": "#FFC7CE", "bold": True}, "warning": {"bg_color": "#FFEB9C"}, "info": {}}


def write_findings_sheet(book: Book, ws, consolidation, layout: Layout, lang: str = "vi") -> None:
    last = len(COLUMNS) - 1
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
    ws.set_row(0, 21)
    t = lambda key, **values: messages.text(key, lang, **values)  # noqa: E731
    ws.merge_range(0, 0, 0, last, t("check_sheet.title"), book.fmt(bold=True, font_size=13, align="center"))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(consolidation.findings, key=lambda f: order.get(f.severity, len(order)))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    summary = ", ".join(count_text(s, counts[s], lang) for s in SEVERITIES)
    ws.merge_range(1, 0, 1, last, t("check_sheet.summary", findings=count_text("finding", len(findings), lang),
                                    counts=summary, column=t("check_sheet.column.9")), book.fmt(italic=True))
    head = 3
    ws.set_row(head, 32)
    for c in range(len(COLUMNS)):
        ws.write_string(head, c, t(f"check_sheet.column.{c}"), book.header())
    link_fmt = book.cell(font_color="#0563C1", underline=1)
    links = 0
    codes = _codes(findings)
    # Excel's rows per sheet: the codes' explanations below, the rest of the findings said on one row
    fits = max_rows() - head - 2 - (len(codes) + 3 if codes else 0)
    shown, hidden = findings[:fits], len(findings) - fits
    for n, f in enumerate(shown, start=1):
        row = head + n
        message = f.message(lang)
        values = [severity_word(f.severity, lang), f.agency, f.row_code, message, f.expected, f.found,
                  f.file, f"{f.sheet}!{f.cell}" if f.sheet and f.cell else f.sheet]
        ws.set_row(row, row_height([(str(v), COLUMNS[c + 1][1]) for c, v in enumerate(values)]))
        ws.write_number(row, 0, n, book.cell(align="center"))
        ws.write_string(row, 1, values[0], book.cell(**_LOOK.get(f.severity, {})))
        for c, value in enumerate(values[1:], start=2):
            _text(ws, row, c, value, book.cell())
        target = layout.locate(f)
        if target and links < MAX_LINKS:
            ws.write_url(row, 9, f"internal:{target}", link_fmt, target.replace("'", ""))
            links += 1
        else:
            _text(ws, row, 9, target.replace("'", ""), book.cell())
        ws.write_string(row, 10, f.code, book.cell(font_size=10))
    if hidden > 0:
        ws.merge_range(head + len(shown) + 1, 0, head + len(shown) + 1, last,
                       t("check_sheet.more", n=f"{hidden:,}", rows=f"{max_rows():,}"), book.fmt(italic=True, bold=True))
    end = head + len(shown) + (1 if hidden > 0 else 0)
    if codes:
        _explanations(ws, book, end + 2, codes, lang)
    if shown:
        ws.autofilter(head, 0, head + len(shown), last)
    book.print_setup(ws, (head, head))
    ws.freeze_panes(head + 1, 0)


EXPLANATION_HEADERS = ("check_sheet.code", "check_sheet.count", "check_sheet.meaning", "check_sheet.action")


def _codes(findings) -> dict[str, tuple[str, int]]:
    """code -> (severity, how many), most severe codes first, then by code."""
    codes: dict[str, tuple[str, int]] = {}
    for f in findings:
        severity, n = codes.get(f.code, (f.severity, 0))
        codes[f.code] = (severity, n + 1)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return dict(sorted(codes.items(), key=lambda item: (rank.get(item[1][0], len(rank)), item[0])))


def _explanations(ws, book: Book, row: int, codes: dict[str, tuple[str, int]], lang: str) -> None:
    """One line per code that occurs: the code (filled by its severity), how many, what it means, what to do
    (``cchc_xlsx/explain.py``, in ``lang``). Columns A–C, D, E, F–K."""
    from .marks import fill_hex

    last = len(COLUMNS) - 1
    ws.merge_range(row, 0, row, last, messages.text("check_sheet.explained", lang), book.fmt(bold=True, font_size=12))
    row += 1
    ws.set_row(row, 20)
    for (c0, c1), key in zip(_SPANS, EXPLANATION_HEADERS):
        _span(ws, row, c0, c1, messages.text(key, lang), book.header())
    action_width = sum(width for _, width in COLUMNS[5:])
    for code, (severity, count) in codes.items():
        row += 1
        meaning, action = explain.meaning(code, lang), explain.action(code, lang)
        ws.set_row(row, row_height([(meaning, COLUMNS[4][1]), (action, action_width), (code, 36)]))
        _span(ws, row, 0, 2, code, book.cell(bg_color=fill_hex(severity)))
        ws.write_number(row, 3, count, book.cell(align="center"))
        ws.write_string(row, 4, meaning, book.cell())
        _span(ws, row, 5, last, action, book.cell())


_SPANS = ((0, 2), (3, 3), (4, 4), (5, len(COLUMNS) - 1))


def _span(ws, row: int, c0: int, c1: int, text: str, fmt) -> None:
    if c0 == c1:
        ws.write_string(row, c0, text, fmt)
    else:
        ws.merge_range(row, c0, row, c1, text, fmt)


def max_rows() -> int:
    from . import EXCEL_MAX_ROWS     # read when writing: the tests lower it

    return EXCEL_MAX_ROWS


def _text(ws, row: int, col: int, value, fmt) -> None:
    if isinstance(value, str) and value:
        ws.write_string(row, col, value, fmt)
    elif value not in (None, ""):
        ws.write_string(row, col, str(value), fmt)
    else:
        ws.write_blank(row, col, None, fmt)
