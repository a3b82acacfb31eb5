"""Fast rows for the big sheets: the ``<row>`` XML of a table row written straight to the worksheet.

xlsxwriter spends ~7 µs on a number cell and 11–15 µs on a string (a tuple per cell, a dictionary
per row, a ``RowInfo`` per ``set_row`` kept until the end). ``Rows`` writes the same bytes xlsxwriter
would write in ``constant_memory`` mode — inline strings, the cell formats' xf indices, the row
height in the same rounding — into the worksheet's row file, one string per row, and keeps the
worksheet's own bookkeeping (last row written, dimensions) in step, so xlsxwriter's own calls can
be mixed with it row by row (the task rows with their merged cells are written by xlsxwriter).
Escaped texts are cached: a big plan repeats the same agencies, indicators and frequencies.
"""

from __future__ import annotations

import math

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter, xml_escapes

__all__ = ["Rows"]

_CACHE_LIMIT = 50_000          # distinct texts kept escaped: bounded memory for any plan size
_STRMAX = 32767                # Excel's limit on a cell's text, in UTF-16 units (xlsxwriter truncates)
_escape_control = XMLwriter._escape_control_characters


def _escape_data(data: str) -> str:
    """As ``XMLwriter._escape_data``: ``&``, ``<`` and ``>`` in a text node."""
    if not xml_escapes.search(data):
        return data
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Rows:
    """Write whole rows of a ``constant_memory`` worksheet whose cells span ``first_col``–``last_col``.

    ``start(row, height)``, then the cells in column order (``text``, ``number``, ``formula``,
    ``blank``), then ``end()``. Rows go down the sheet; xlsxwriter calls may write the rows between.
    """

    def __init__(self, ws: Worksheet, first_col: int, last_col: int) -> None:
        if not ws.constant_memory:
            raise ValueError("Rows needs a constant_memory worksheet")
        self.ws = ws
        self.first_col, self.last_col = first_col, last_col
        self.letters = [xl_col_to_name(c) for c in range(last_col + 1)]
        self._texts: dict[str, str] = {}
        self._xf: dict[int, str] = {}
        self._heights: dict[float, str] = {}
        self._cells: list[str] = []
        self._ref = ""

    # ----------------------------------------------------------------- rows
    def start(self, row: int, height: float | None = None) -> None:
        ws = self.ws
        if ws.previous_row > row or (ws.previous_row == row and ws.table):
            raise ValueError(f"row {row} is already written")
        if ws.previous_row < row:
            ws._write_single_row(row)           # xlsxwriter's pending row, if any, goes first
        attributes = self._heights.get(height)
        if attributes is None:
            attributes = self._heights[height] = self._row_attributes(height)
        self._row = row
        self._number = str(row + 1)
        self._cells = [f'<row r="{self._number}"{attributes}>']

    def end(self) -> None:
        ws, row = self.ws, self._row
        self._cells.append("</row>")
        ws.row_data_fh.write("".join(self._cells))
        ws.previous_row = row + 1
        if ws.dim_rowmin is None or row < ws.dim_rowmin:
            ws.dim_rowmin = row
        if ws.dim_rowmax is None or row > ws.dim_rowmax:
            ws.dim_rowmax = row
        if ws.dim_colmin is None or self.first_col < ws.dim_colmin:
            ws.dim_colmin = self.first_col
        if ws.dim_colmax is None or self.last_col > ws.dim_colmax:
            ws.dim_colmax = self.last_col

    def _row_attributes(self, height: float | None) -> str:
        """As ``set_row`` then ``_write_row``: points to whole pixels, written back in points."""
        ws = self.ws
        pixels = ws.default_row_height if height is None else int(height * 4.0 / 3.0 + 0.5)
        text = ""
        if pixels == 0:
            pixels = ws.default_row_height
            hidden = True
        else:
            hidden = False
        custom = pixels != ws.original_row_height or pixels != ws.default_row_height
        if custom:
            text += f' ht="{pixels * 0.75:.16g}"'
        if hidden:
            text += ' hidden="1"'
        if custom:
            text += ' customHeight="1"'
        if ws.excel_version == 2010:
            text += ' x14ac:dyDescent="0.25"'
        return text

    # ----------------------------------------------------------------- cells
    def _head(self, col: int, fmt) -> str:
        s = self._xf.get(id(fmt))
        if s is None:
            s = self._xf[id(fmt)] = "" if fmt is None else f' s="{fmt._get_xf_index()}"'
        return f'<c r="{self.letters[col]}{self._number}"{s}'

    def text(self, col: int, value, fmt) -> None:
        """A text cell (never a formula, link or number); a blank formatted cell for "" or a non-string."""
        if not (isinstance(value, str) and value):
            self._cells.append(self._head(col, fmt) + "/>")
            return
        tail = self._texts.get(value)
        if tail is None:
            tail = self._inline(value)
            if len(self._texts) < _CACHE_LIMIT:
                self._texts[value] = tail
        self._cells.append(self._head(col, fmt) + tail)

    @staticmethod
    def _inline(value: str) -> str:
        if len(value) > _STRMAX // 2 and _utf16_len(value) > _STRMAX:
            value = _utf16_truncate(value, _STRMAX)
        value = _escape_control(value)
        preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
        return f' t="inlineStr"><is><t{preserve}>{_escape_data(value)}</t></is></c>'

    def blank(self, col: int, fmt) -> None:
        if fmt is not None:                 # as write_blank: an unformatted blank is not written
            self._cells.append(self._head(col, fmt) + "/>")

    def number(self, col: int, value, fmt) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError("NAN/INF not supported in write_number()")
        self._cells.append(f"{self._head(col, fmt)}><v>{value:.16G}</v></c>")

    def formula(self, col: int, formula: str, fmt, value=0) -> None:
        """A formula with its cached value (a number)."""
        formula = self.ws._prepare_formula(formula)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("Rows.formula caches numbers only")
        self._cells.append(f"{self._head(col, fmt)}><f>{_escape_data(formula)}</f><v>{value}</v></c>")
