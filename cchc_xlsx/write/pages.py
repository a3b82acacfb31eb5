"""Page breaks computed before printing: no task or output row left alone at the bottom of a page.

Excel and LibreOffice break pages where the rows fill them, so a task's or an output's header row
can end a page with its activities on the next. ``Pager`` follows the rows as a sheet writes them
(their heights in points), knows how many points of rows an A4 page holds at the sheet's scale,
and puts a manual break before every page's first row, moved up to the first of the header rows
(``keep_with_next``) that would otherwise end the page.

The page's room, in the sheet's points (the sheet is printed one page wide, so scaled down):

- LibreOffice scales the whole page, header and footer areas included, by ``printable width /
  columns' width``; a column of ``w`` Excel units prints ``(int(w × 7 + 0.5) + 5) / 7 × 5.5`` pt (the
  digit width of Times New Roman 11), and the rows' area runs from the header margin plus the scaled
  header area to the footer margin plus the scaled footer area (measured on LibreOffice 7.4:
  ``tests/test_pages.py`` checks it against the PDF);
- Excel keeps the header and footer inside the margins and scales the rows by a whole percentage
  (its columns are ``int(w × 7 + 0.5) + 5`` pixels, 0.75 pt each);

and a page holds the smaller of the two (LibreOffice's less 2 %, the model's error): rows never spill
onto an automatic page break in either program. Excel keeps at most 1 026 manual breaks a sheet; past ``MAX_BREAKS``, the programs
break the rest of a very long sheet themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .book import FOOTER_MARGIN, HEADER_MARGIN, MARGINS
from .fit import points

__all__ = ["Pager", "page_room", "print_scale", "MAX_BREAKS", "KEEP_WITH_NEXT"]

#: Levels whose rows are kept on the page of the row below them: a task's and an output's header rows.
KEEP_WITH_NEXT = frozenset({"task", "output"})

MAX_BREAKS = 1023                       # xlsxwriter's (and Excel's) limit on manual breaks a sheet
A4_LANDSCAPE = (841.89, 595.28)         # points
_INCH = 72.0
_SAFETY = 0.98
#: LibreOffice's spacing between the header (footer) area and the rows, in points (measured).
_LO_SPACING = 3.1


def _lo_column(width: float) -> float:
    return (int(width * 7 + 0.5) + 5) / 7 * 5.5


def _excel_column(width: float) -> float:
    return (int(width * 7 + 0.5) + 5) * 0.75


def print_scale(widths: Iterable[float]) -> tuple[float, float]:
    """(LibreOffice's, Excel's) scale of a sheet printed one A4 landscape page wide, for its printed
    columns' widths in Excel units; never above 1 (fit to width only shrinks)."""
    widths = list(widths)
    printable = A4_LANDSCAPE[0] - (MARGINS["left"] + MARGINS["right"]) * _INCH
    lo = min(1.0, printable / max(1.0, sum(_lo_column(w) for w in widths)))
    excel = min(1.0, math.floor(100 * printable / max(1.0, sum(_excel_column(w) for w in widths))) / 100)
    return lo, excel


def page_room(widths: Iterable[float]) -> float:
    """Points of rows (in the sheet's own scale) an A4 landscape page holds in both programs."""
    lo_scale, excel_scale = print_scale(widths)
    height = A4_LANDSCAPE[1]
    top, bottom = MARGINS["top"] * _INCH, MARGINS["bottom"] * _INCH
    header, footer = HEADER_MARGIN * _INCH, FOOTER_MARGIN * _INCH
    lo_rows = height - header - footer - lo_scale * (top - header + bottom - footer + 2 * _LO_SPACING)
    excel_rows = height - top - bottom
    # LibreOffice's room is a measured model (2 % kept back); Excel's follows from its rules exactly.
    return min(_SAFETY * lo_rows / lo_scale, excel_rows / excel_scale)


class Pager:
    """Page breaks of one sheet, fed its rows top to bottom.

    ``Pager(widths, repeat=height of the rows repeated on every page)``; ``add(row, height,
    keep_with_next)`` for every row from the first (rows not added are the default 15 pt);
    ``apply(ws)`` sets the breaks. ``breaks`` are zero-based rows, each the first row of a page.
    """

    def __init__(self, widths: Iterable[float], repeat: float = 0.0, room: float | None = None) -> None:
        self.room = page_room(widths) if room is None else room
        self.repeat = repeat
        self.breaks: list[int] = []
        self._used = 0.0                # points of rows on the current page
        self._page_start = 0            # its first row
        self._next = 0                  # the row expected next
        self._chain_start: int | None = None    # the keep-with-next rows at the end of the page
        self._chain = 0.0

    def add(self, row: int, height: float | None, keep_with_next: bool = False) -> None:
        if row > self._next:            # rows skipped: default height, none kept with the next
            for skipped in range(self._next, row):
                self.add(skipped, None)
        h = points(15.0 if height is None else height)
        if self._used + h > self.room and row > self._page_start:
            if self._chain_start is not None and self._chain_start > self._page_start:
                self._break(self._chain_start, self.repeat + self._chain)
            else:
                self._break(row, self.repeat)
        self._used += h
        if keep_with_next:
            if self._chain_start is None:
                self._chain_start, self._chain = row, 0.0
            self._chain += h
        else:
            self._chain_start, self._chain = None, 0.0
        self._next = row + 1

    def _break(self, row: int, used: float) -> None:
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(row)
        self._page_start, self._used = row, used

    def apply(self, ws) -> None:
        if self.breaks:
            ws.set_h_pagebreaks(self.breaks)
