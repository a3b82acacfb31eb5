"""Fast rows for the big sheets: the ``<row>`` XML of a table row written straight to the worksheet.

xlsxwriter spends ~7 µs on a number cell and 11–15 µs on a string (a tuple per cell, a dictionary
per row, a ``RowInfo`` per ``set_row`` kept until the end). ``Rows`` writes the XML xlsxwriter
would write in ``constant_memory`` mode — the cell formats' xf indices (``Format._get_xf_index``,
numbered in order of first use, as xlsxwriter does), the row height in the same rounding, numbers
as ``%.16G``, formulas with their cached values — into the worksheet's row file, and keeps the
worksheet's own bookkeeping (last row written, dimensions) in step, so xlsxwriter's own calls can
be mixed with it row by row (the task rows with their merged cells are written by xlsxwriter).

Texts: a text met once is an inline string, escaped as xlsxwriter escapes it; met again, it goes
to the workbook's shared-string table (``Texts``): a big plan repeats its agencies, indicators and
frequencies in every row, and the sheets' XML is then about a third smaller. What is remembered is
capped (``_CACHE_LIMIT``), so memory stays bounded for any plan size. The row file is written in
large pieces (``_Buffered``), for xlsxwriter's rows and ours alike, so their order is kept.
"""

from __future__ import annotations

import math
import re
import weakref

from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter, xml_escapes

__all__ = ["Rows", "Texts", "workbook_texts"]

_CACHE_LIMIT = 50_000          # distinct texts kept escaped: bounded memory for any plan size
_STRMAX = 32767                # Excel's limit on a cell's text, in UTF-16 units (xlsxwriter truncates)
_escape_control = XMLwriter._escape_control_characters
#: A text that needs escaping: XML's &, <, >; a control character or a literal ``_xHHHH_`` (Excel's escape).
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")


def _escape_data(data: str) -> str:
    """As ``XMLwriter._escape_data``: ``&``, ``<`` and ``>`` in a text node."""
    if not xml_escapes.search(data):
        return data
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Texts:
    """The cell texts of one workbook. A text met once is written inline (most of a big plan's contents
    and row labels are unique); met again, it goes to the shared-string table and every later cell
    refers to it (agencies, indicators, frequencies: most of the bytes). At most ``limit`` texts are
    remembered and shared, so memory stays bounded whatever the plan's size; the rest stays inline.
    """

    def __init__(self, table, limit: int = _CACHE_LIMIT) -> None:
        self.table = table                  # xlsxwriter's SharedStringTable: it writes sharedStrings.xml
        self.limit = limit
        self.seen: set[str] = set()
        self.shared: dict[str, str] = {}    # text -> the cell's tail, `` t="s"><v>N</v></c>``

    def tail(self, value: str) -> str:
        """The end of a text cell after its reference and style: an inline string or a shared one."""
        tail = self.shared.get(value)
        if tail is not None:
            self.table.count += 1
            return tail
        if value in self.seen and len(self.shared) < self.limit and not _RICH.match(value):
            text = _truncate(value)
            tail = self.shared[value] = f' t="s"><v>{self.table._get_shared_string_index(text)}</v></c>'
            self.seen.discard(value)
            return tail
        if len(self.seen) < self.limit:
            self.seen.add(value)
        return _inline(value)


def _truncate(text: str) -> str:
    if len(text) > _STRMAX // 2 and _utf16_len(text) > _STRMAX:
        return _utf16_truncate(text, _STRMAX)
    return text


def _inline(value: str) -> str:
    """An inline string, escaped as xlsxwriter does (``_xHHHH_`` for control characters, then XML)."""
    text = _truncate(value) if len(value) > _STRMAX // 2 else value
    if _SPECIAL.search(text):
        text = _escape_data(_escape_control(text))
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


_RICH = re.compile(r"<r>.*</r>\Z", re.S)          # xlsxwriter would write such a shared string unescaped
_WORKBOOK_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def workbook_texts(ws: Worksheet) -> Texts:
    """The ``Texts`` of the worksheet's workbook (one shared-string table per workbook)."""
    texts = _WORKBOOK_TEXTS.get(ws.str_table)
    if texts is None:
        texts = _WORKBOOK_TEXTS[ws.str_table] = Texts(ws.str_table)
    return texts


class _Buffered:
    """The worksheet's row file, written in large pieces: xlsxwriter's rows and ours go through it in order."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        if len(self.parts) >= 1024:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.fh.write("".join(self.parts))
            self.parts.clear()

    def seek(self, *args):
        self.flush()
        return self.fh.seek(*args)

    def read(self, *args):
        return self.fh.read(*args)

    def close(self) -> None:
        self.flush()
        self.fh.close()


class Rows:
    """Write whole rows of a ``constant_memory`` worksheet whose cells span ``first_col``–``last_col``.

    ``start(row, height)``, then the cells in column order (``text``, ``number``, ``formula``,
    ``blank``), then ``end()``. Rows go down the sheet; xlsxwriter calls may write the rows between.
    """

    def __init__(self, ws: Worksheet, first_col: int, last_col: int) -> None:
        if not ws.constant_memory:
            raise ValueError("Rows needs a constant_memory worksheet")
        self.ws = ws
        if not isinstance(ws.row_data_fh, _Buffered) and ws.fh is ws.row_data_fh:
            ws.fh = ws.row_data_fh = _Buffered(ws.row_data_fh)
        self.first_col, self.last_col = first_col, last_col
        self.letters = [xl_col_to_name(c) for c in range(last_col + 1)]
        texts = workbook_texts(ws)
        self._tail, self._shared, self._table = texts.tail, texts.shared, texts.table
        self._xf: dict[int, str] = {}
        self._keep: list = []
        self._heights: dict[float, str] = {}
        self._cells: list[str] = []

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
    def _s(self, fmt) -> str:
        """`` s="N"``: the format's xf index, which xlsxwriter numbers in the order formats are first used."""
        s = self._xf[id(fmt)] = "" if fmt is None else f' s="{fmt._get_xf_index()}"'
        self._keep.append(fmt)              # the id stays this format's while the cache lives
        return s

    def style(self, fmt) -> str:
        """The `` s="N"`` of a format, for ``texts``."""
        return self._xf.get(id(fmt)) or self._s(fmt)

    def texts(self, col: int, values, styles) -> None:
        """Text cells from ``col`` on, one per value, each with its ``style``: as ``text`` but in one call."""
        letters, number, cells, shared, tail = self.letters, self._number, self._cells, self._shared, self._tail
        uses = 0
        for value, s in zip(values, styles):
            if value.__class__ is str and value:
                t = shared.get(value)
                if t is None:
                    t = tail(value)
                else:
                    uses += 1
                cells.append(f'<c r="{letters[col]}{number}"{s}{t}')
            elif isinstance(value, str) and value:
                cells.append(f'<c r="{letters[col]}{number}"{s}{tail(value)}')
            elif s:                         # an unformatted blank is not written
                cells.append(f'<c r="{letters[col]}{number}"{s}/>')
            col += 1
        self._table.count += uses

    def repeat(self, cols, value: str, fmt) -> None:
        """The same text cell in each of ``cols`` (in order): the calendar's marks."""
        if not cols:
            return
        for col in cols[:2]:                    # the text becomes shared at its second use
            self.text(col, value, fmt)
        if len(cols) > 2:
            s = self._xf.get(id(fmt)) or self._s(fmt)
            tail = self._shared.get(value)
            if tail is None:
                for col in cols[2:]:
                    self.text(col, value, fmt)
                return
            letters, number = self.letters, self._number
            self._cells += [f'<c r="{letters[col]}{number}"{s}{tail}' for col in cols[2:]]
            self._table.count += len(cols) - 2

    def text(self, col: int, value, fmt) -> None:
        """A text cell (never a formula, link or number); a blank formatted cell for "" or a non-string."""
        s = self._xf.get(id(fmt)) or self._s(fmt)
        if isinstance(value, str) and value:
            tail = self._shared.get(value)
            if tail is None:
                tail = self._tail(value)
            else:
                self._table.count += 1
            self._cells.append(f'<c r="{self.letters[col]}{self._number}"{s}{tail}')
        elif fmt is not None:
            self._cells.append(f'<c r="{self.letters[col]}{self._number}"{s}/>')

    def blank(self, col: int, fmt) -> None:
        if fmt is not None:                 # as write_blank: an unformatted blank is not written
            s = self._xf.get(id(fmt)) or self._s(fmt)
            self._cells.append(f'<c r="{self.letters[col]}{self._number}"{s}/>')

    def number(self, col: int, value, fmt) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError("NAN/INF not supported in write_number()")
        s = self._xf.get(id(fmt)) or self._s(fmt)
        self._cells.append(f'<c r="{self.letters[col]}{self._number}"{s}><v>{value:.16G}</v></c>')

    def formula(self, col: int, formula: str, fmt, value=0) -> None:
        """A formula with its cached value (a number)."""
        formula = self.ws._prepare_formula(formula)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("Rows.formula caches numbers only")
        s = self._xf.get(id(fmt)) or self._s(fmt)
        self._cells.append(f'<c r="{self.letters[col]}{self._number}"{s}><f>{_escape_data(formula)}</f>'
                           f'<v>{value}</v></c>')
