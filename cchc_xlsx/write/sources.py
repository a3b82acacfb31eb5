"""Nguồn: every file read for the consolidation, its fingerprint and what became of it."""

from __future__ import annotations

import pandas as pd

from .. import messages
from .book import WHOLE, Book, row_height
from .layout import SOURCES_FIRST_ROW, Layout

__all__ = ["write_sources_sheet", "STATUS_WORDS"]

STATUS_WORDS = {"used": "Đã dùng", "skipped": "Bỏ qua", "superseded": "Bị thay thế (đã dùng tệp gửi sau)",
                "unreadable": "Không đọc được", "unexpected": "Không rõ đơn vị (không dùng)"}
COLUMNS = [("STT", 5, None), ("Đơn vị", 20, "agency"), ("Tệp", 26, "file"), ("Kích thước (byte)", 11, "size"),
           ("SHA-256", 34, "sha256"), ("Phiên bản biểu mẫu", 10, "template_version"),
           ("Số dòng đọc", 8, "rows_read"), ("Số dòng dùng", 8, "rows_used"), ("Số phát hiện", 9, "findings"),
           ("Tình trạng", 16, "status")]
_NUMBERS = {"size", "rows_read", "rows_used", "findings"}
_COLUMNS_EN = ("No.", "Agency", "File", "Size (bytes)", "SHA-256", "Template version", "Rows read", "Rows used",
               "Findings", "Status")
_STATUS_EN = {"used": "Used", "skipped": "Skipped", "superseded": "Superseded (a later file was used)",
              "unreadable": "Unreadable", "unexpected": "Agency unknown (not used)"}
messages.register({f"sources.column.{i}": (vi, en) for i, ((vi, _, _), en) in enumerate(zip(COLUMNS, _COLUMNS_EN))})
messages.register({f"sources.status.{k}": (vi, _STATUS_EN[k]) for k, vi in STATUS_WORDS.items()})
messages.register({
    "sources.title": ("CÁC TỆP ĐÃ ĐỌC ĐỂ TỔNG HỢP", "THE FILES READ FOR THE CONSOLIDATION"),
    "sources.sha": ("SHA-256: dấu vân tay của tệp; hai tệp có cùng SHA-256 là cùng một nội dung.",
                    "SHA-256: the file's fingerprint; two files with the same SHA-256 have the same content."),
})


def write_sources_sheet(book: Book, ws, consolidation, layout: Layout, lang: str = "vi") -> None:
    """Nguồn, its labels in ``lang``."""
    last = len(COLUMNS) - 1
    for c, (_, width, _) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
    ws.set_row(0, 21)
    ws.merge_range(0, 0, 0, last, messages.text("sources.title", lang),
                   book.fmt(bold=True, font_size=13, align="center"))
    ws.merge_range(1, 0, 1, last, messages.text("sources.sha", lang), book.fmt(italic=True))
    head = SOURCES_FIRST_ROW - 1
    ws.set_row(head, 32)
    for c in range(len(COLUMNS)):
        ws.write_string(head, c, messages.text(f"sources.column.{c}", lang), book.header())
    sources = consolidation.sources
    columns = {name: sources[name].tolist() for _, _, name in COLUMNS if name}
    for n in range(len(sources)):
        row = SOURCES_FIRST_ROW + n
        texts = [(str(columns["agency"][n] or ""), 20), (str(columns["file"][n] or ""), 26),
                 (str(columns["sha256"][n] or ""), 34 * 1.6)]
        ws.set_row(row, row_height(texts))
        ws.write_number(row, 0, n + 1, book.cell(align="center"))
        for c, (_, _, name) in enumerate(COLUMNS[1:], start=1):
            value = columns[name][n]
            if name in _NUMBERS:
                if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                    ws.write_blank(row, c, None, book.cell())
                else:
                    ws.write_number(row, c, int(value), book.cell(num_format=WHOLE))
            elif name == "sha256":
                ws.write_string(row, c, str(value or ""), book.cell(font_size=8))
            elif name == "status":
                ws.write_string(row, c, messages.text(f"sources.status.{value}", lang) if value in STATUS_WORDS
                                else str(value or ""),
                                book.cell(**({"bg_color": "#FFEB9C"} if value not in ("used", None) else {})))
            else:
                text = "" if value is None or value is pd.NA else str(value)
                if text:
                    ws.write_string(row, c, text, book.cell())
                else:
                    ws.write_blank(row, c, None, book.cell())
    book.print_setup(ws, (head, head))
    ws.freeze_panes(head + 1, 0)
