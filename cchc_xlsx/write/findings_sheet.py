"""Kiểm tra: every finding, most severe first, linked to the cell it concerns in this workbook; then
what each code that occurs means and what to do about it."""

from __future__ import annotations

from .. import explain
from ..findings import SEVERITIES
from .book import SEVERITY_WORDS, Book, row_height
from .layout import Layout

__all__ = ["write_findings_sheet", "MAX_LINKS"]

#: Excel keeps at most 65 530 links on a sheet; past that the place is written as plain text.
MAX_LINKS = 65_000
COLUMNS = [("STT", 6), ("Mức độ", 10), ("Đơn vị", 20), ("Dòng", 8), ("Nội dung", 52), ("Giá trị đúng", 14),
           ("Giá trị ghi", 14), ("Tệp", 18), ("Vị trí trong tệp", 14), ("Xem trong bảng tổng hợp", 16),
           ("Mã", 16)]
_LOOK = {"error": {"bg_color": "#FFC7CE", "bold": True}, "warning": {"bg_color": "#FFEB9C"}, "info": {}}


def write_findings_sheet(book: Book, ws, consolidation, layout: Layout, lang: str = "vi") -> None:
    last = len(COLUMNS) - 1
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
    ws.set_row(0, 21)
    ws.merge_range(0, 0, 0, last, "KẾT QUẢ KIỂM TRA SỐ LIỆU", book.fmt(bold=True, font_size=13, align="center"))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(consolidation.findings, key=lambda f: order.get(f.severity, len(order)))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    summary = ", ".join(f"{counts[s]} {SEVERITY_WORDS[s].lower()}" for s in SEVERITIES)
    ws.merge_range(1, 0, 1, last, f"{len(findings)} phát hiện: {summary}. Bấm vào ô ở cột «Xem trong bảng tổng hợp» "
                                  "để đến ô có vấn đề.", book.fmt(italic=True))
    head = 3
    ws.set_row(head, 32)
    for c, (label, _) in enumerate(COLUMNS):
        ws.write_string(head, c, label, book.header())
    link_fmt = book.cell(font_color="#0563C1", underline=1)
    links = 0
    codes = _codes(findings)
    # Excel's rows per sheet: the codes' explanations below, the rest of the findings said on one row
    fits = max_rows() - head - 2 - (len(codes) + 3 if codes else 0)
    shown, hidden = findings[:fits], len(findings) - fits
    for n, f in enumerate(shown, start=1):
        row = head + n
        message = f.message(lang)
        values = [SEVERITY_WORDS.get(f.severity, f.severity), f.agency, f.row_code, message, f.expected, f.found,
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
                       f"… và {hidden:,} phát hiện khác không ghi được vì trang tính của Excel chỉ có "
                       f"{max_rows():,} dòng: xem đủ bằng lệnh có --json.", book.fmt(italic=True, bold=True))
    end = head + len(shown) + (1 if hidden > 0 else 0)
    if codes:
        _explanations(ws, book, end + 2, codes, lang)
    if shown:
        ws.autofilter(head, 0, head + len(shown), last)
    book.print_setup(ws, (head, head))
    ws.freeze_panes(head + 1, 0)


EXPLANATION_HEADERS = ("Mã", "Số phát hiện", "Ý nghĩa", "Cách xử lý")


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
    ws.merge_range(row, 0, row, last, "Giải thích các mã", book.fmt(bold=True, font_size=12))
    row += 1
    ws.set_row(row, 20)
    for (c0, c1), label in zip(_SPANS, EXPLANATION_HEADERS):
        _span(ws, row, c0, c1, label, book.header())
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
