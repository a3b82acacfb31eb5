"""The workbook's shared machinery: xlsxwriter options, cell formats, print setup and row heights."""

from __future__ import annotations

import datetime as dt
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.worksheet import Worksheet

from .. import __version__, messages
from ..outputs import CONSOLIDATED, OUTPUT_PROPERTY
from .fit import FONT, FONT_SIZE, RowFit, row_height  # re-exported: the sheets import them from here

__all__ = ["Book", "FONT", "TRIEU", "DONG", "WHOLE", "PERCENT", "LEVEL_WORDS", "SEVERITY_WORDS", "plan_title",
           "stt_label", "labels_of", "row_height", "RowFit", "merged_header", "escape_header", "sheet_ref"]

#: Number formats. ``[$-42A]`` is the Vietnamese locale: LibreOffice then prints 8.000,0 whatever the
#: machine's locale; Excel keeps the user's own separators (on a Vietnamese Windows, 8.000,0 as well).
#: Triệu đồng with one decimal at least and up to six: a plan in nghìn đồng or đồng shows its
#: figures to the last đồng (82,75; 12,345678), a plan in triệu đồng as before (150,5; 8.000,0).
TRIEU = "[$-42A]#,##0.0#####"
DONG = '[$-42A]#,##0" đồng"'
WHOLE = "[$-42A]#,##0"
PERCENT = "[$-42A]0.0%"

#: How each level is written in the STT column, and the word stored in Phụ lục 1's level column.
LEVEL_WORDS = {"task": "Nhiệm vụ", "output": "Kết quả đầu ra", "activity": "Hoạt động"}
STT_PREFIX = {"task": "NHIỆM VỤ", "output": "Kết quả đầu ra", "activity": "Hoạt động"}
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Ghi chú"}

#: Look of a row by level: tasks bold on grey, outputs bold italic on a lighter grey.
LEVEL_LOOK = {"task": {"bold": True, "bg_color": "#D9D9D9"},
              "output": {"bold": True, "italic": True, "bg_color": "#F2F2F2"},
              "activity": {}}

#: Fixed creation date when the consolidation carries no timestamp: two runs give the same bytes.
FIXED_CREATED = dt.datetime(2000, 1, 1)

# Decree 30/2020 margins (mm): top 20–25, bottom 20–25, left 30–35, right 15–20.
_MM = 1 / 25.4
MARGINS = {"left": 30 * _MM, "right": 15 * _MM, "top": 25 * _MM, "bottom": 20 * _MM}
HEADER_MARGIN, FOOTER_MARGIN = 10 * _MM, 8 * _MM

_BASE = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "top"}


def stt_label(level: str, code: str, label: str = "") -> str:
    """The STT cell: the row's own label as the plan writes it (``NHIỆM VỤ 1``, ``II.``, ``a)``,
    ``-``); for a row without one (a proposed activity), ``Hoạt động 1.1.4`` in the Đắk Lắk form's
    words where its code fits them, else its code."""
    if label:
        return label
    prefix = STT_PREFIX.get(level)
    return f"{prefix} {code}" if prefix and code.count(".") == _NAMED_DEPTH[level] else code


_NAMED_DEPTH = {"task": 0, "output": 1, "activity": 2}


def labels_of(frame) -> list[str]:
    """The rows' own labels (the ``label`` column; blanks for a frame without it)."""
    return [v if isinstance(v, str) else "" for v in frame["label"].tolist()] if "label" in frame else [""] * len(frame)


messages.register({
    "book.page-title.plan": ("Kế hoạch CCHC", "CCHC plan"),
    "book.page-title.province": (" tỉnh {province}", ", {province} province"),
    "book.page-title.year": (" năm {year}", ", {year}"),
    "book.page-title.decision": (" (Quyết định {decision})", " (Decision {decision})"),
    "book.page": ("Trang", "Page"),
})


def plan_title(plan, lang: str = "vi") -> str:
    """``Kế hoạch CCHC tỉnh Đắk Lắk năm 2018 (Quyết định 3598/QĐ-UBND)`` (``CCHC plan, Đắk Lắk
    province, 2018 (Decision 3598/QĐ-UBND)`` in English): the title on every page."""
    title = messages.text("book.page-title.plan", lang)
    if plan.province:
        title += messages.text("book.page-title.province", lang, province=plan.province)
    if plan.year:
        title += messages.text("book.page-title.year", lang, year=plan.year)
    if plan.decision:
        title += messages.text("book.page-title.decision", lang, decision=plan.decision)
    return title


def escape_header(text: str) -> str:
    """Text for a page header: ``&`` starts a header code, so a literal one is doubled."""
    return text.replace("&", "&&")


def header_title(text: str, room: int = 200) -> str:
    """``text`` escaped for a page header and cut to ``room`` characters (…): Excel takes at most 255
    in a header with its codes (xlsxwriter drops a longer one); a doubled ``&&`` is never cut in two."""
    escaped = escape_header(text)
    if len(escaped) <= room:
        return escaped
    cut = escaped[:room - 1]
    if (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]
    return cut + "…"


@dataclass
class Book:
    """An xlsxwriter workbook with the project's options and a cache of cell formats."""

    workbook: xlsxwriter.Workbook
    title: str
    _formats: dict = field(default_factory=dict)
    lang: str = "vi"        # of the page header's title and the footer's «Trang»/«Page»

    @classmethod
    def create(cls, path: Path, plan, generated_at: dt.datetime | None, lang: str = "vi",
               kind: str = CONSOLIDATED) -> Book:
        """A workbook at ``path`` marked as our output of ``kind`` (outputs.py: consolidated, progress)."""
        workbook = xlsxwriter.Workbook(str(path), {
            # Text from agencies stays text: never a formula, a link or a number.
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "constant_memory": True,     # one row in memory per sheet: bounded memory for any plan size
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
        })
        title = plan_title(plan, lang)
        workbook.set_properties({
            "title": title, "subject": "Tổng hợp kế hoạch và ngân sách cải cách hành chính",
            "author": "cchc-xlsx", "company": f"Tỉnh {plan.province}" if plan.province else "",
            "comments": f"cchc-xlsx {__version__}",
            "created": generated_at.replace(tzinfo=None) if generated_at else FIXED_CREATED,
        })
        # our own output, known as such if it is found again among the returns (cchc_xlsx/outputs.py)
        workbook.set_custom_property(OUTPUT_PROPERTY, kind)
        workbook.set_calc_mode("auto")
        return cls(workbook, title, lang=lang)

    def sheet(self, name: str) -> Worksheet:
        return self.workbook.add_worksheet(name)

    def fmt(self, **props):
        """A cell format: Times New Roman, top-aligned, plus ``props``; the same props give the same format."""
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(_BASE | props)
        return self._formats[key]

    def cell(self, level: str = "activity", **props):
        """A bordered, wrapped table cell in the look of its level."""
        return self.fmt(border=1, text_wrap=True, **(LEVEL_LOOK.get(level, {}) | props))

    def header(self, **props):
        return self.fmt(border=1, text_wrap=True, bold=True, align="center", valign="vcenter",
                        bg_color="#D9D9D9", **props)

    def print_setup(self, ws: Worksheet, repeat: tuple[int, int] | None) -> None:
        """A4 landscape, one page wide, header rows on every page, the plan's title and page numbers."""
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)      # fitToHeight="0": as many pages down as needed (LibreOffice too)
        ws.set_margins(**MARGINS)
        if repeat is not None:
            ws.repeat_rows(*repeat)
        font = f'&"{FONT},Regular"&9'
        title = header_title(self.title)
        ws.set_header(f"&L{font}&A&C{font}{title}", {"margin": HEADER_MARGIN})
        ws.set_footer(f"&C{font}{messages.text('book.page', self.lang)} &P/&N", {"margin": FOOTER_MARGIN})
        ws.hide_gridlines(2)

    def close(self) -> None:
        # Deflate at level 1: the big sheets' XML (hundreds of MB for 100 000 activities) compresses
        # 3–4 times faster than at zlib's default level, for a file about a third larger.
        with _FAST_ZIP:
            xlsxwriter.workbook.ZipFile = _FastZipFile
            try:
                self.workbook.close()
            finally:
                xlsxwriter.workbook.ZipFile = zipfile.ZipFile


_FAST_ZIP = threading.Lock()


class _FastZipFile(zipfile.ZipFile):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)


ZIP_LEVEL = 1


def merged_header(ws: Worksheet, book: Book, top: int, cells: list[tuple[int, int, int, int, str]]) -> None:
    """Write a two-row header of merged cells in row order (constant_memory writes rows one at a time).

    ``cells`` are (first_row, first_col, last_row, last_col, text). ``merge_range`` with no format
    writes only the first cell, so the formatted text and the formatted blanks of the second row
    are written afterwards, top row first.
    """
    fmt = book.header()
    for r0, c0, r1, c1, text in cells:
        if (r0, c0) != (r1, c1):
            ws.merge_range(r0, c0, r1, c1, text, None)
    for row in (top, top + 1):
        for r0, c0, r1, c1, text in cells:
            for r in range(r0, r1 + 1):
                if r != row:
                    continue
                for c in range(c0, c1 + 1):
                    if (r, c) == (r0, c0):
                        ws.write_string(r, c, text, fmt)
                    else:
                        ws.write_blank(r, c, None, fmt)


# Row heights are measured in the font: fit.py (row_height, RowFit, text_lines).


_SHEET_QUOTE = re.compile(r"[^A-Za-z0-9_.]")


def sheet_ref(sheet: str, cell: str) -> str:
    """``'Phụ lục 1'!G74``: a reference to a cell of another sheet, quoted as Excel needs."""
    if _SHEET_QUOTE.search(sheet):
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!{cell}"
