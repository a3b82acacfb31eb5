"""Read stage: an HTML table saved with an .xls name (what many web systems export as "Excel").

Each ``<table>`` becomes a sheet (``Bảng 1``, ``Bảng 2`` …): its cells' text as strings (the
notation parsers read numbers written as text), ``rowspan``/``colspan`` as merged ranges, the
value in the top-left cell as every reader gives a merge. Uses the standard library's parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_sheets"]

#: A span larger than this is taken as this (a malformed or hostile ``colspan="100000000"``).
MAX_SPAN = 1000
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    match = _CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")     # Vietnamese Windows, the usual other one


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []   # table -> rows -> (text, rowspan, colspan)
        self.stack: list[list[list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.spans = (1, 1)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.stack.append([])
        elif not self.stack:
            return
        elif tag == "tr":
            self.stack[-1].append([])
        elif tag in ("td", "th"):
            self._close_cell()
            attrs = dict(attrs)
            self.spans = (_span(attrs.get("rowspan")), _span(attrs.get("colspan")))
            self.cell = []
            if not self.stack[-1]:
                self.stack[-1].append([])
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
        elif tag == "table":
            self._close_cell()
            self.tables.append(self.stack.pop())

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _close_cell(self) -> None:
        if self.cell is not None and self.stack:
            text = "".join(self.cell).replace("\xa0", " ").strip()
            self.stack[-1][-1].append((text, *self.spans))
        self.cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(value or 1)))
    except ValueError:
        return 1


def html_sheets(data: bytes):
    """The tables of an HTML document as Sheets (a generator)."""
    from .workbook import Sheet

    parser = _Tables()
    parser.feed(_decode(data))
    parser.close()
    while parser.stack:                                 # a table never closed
        parser._close_cell()
        parser.tables.append(parser.stack.pop())
    for number, table in enumerate(parser.tables, start=1):
        grid: list[list[object]] = []
        taken: set[tuple[int, int]] = set()
        merged = []
        for r, cells in enumerate(table):
            while len(grid) <= r:
                grid.append([])
            c = 0
            for text, rowspan, colspan in cells:
                while (r, c) in taken:
                    c += 1
                for rr in range(r, r + rowspan):
                    for cc in range(c, c + colspan):
                        taken.add((rr, cc))
                row = grid[r]
                row.extend([""] * (c + 1 - len(row)))
                row[c] = text
                if rowspan > 1 or colspan > 1:
                    merged.append((r, c, r + rowspan - 1, c + colspan - 1))
                c += colspan
        width = max((len(row) for row in grid), default=0)
        for row in grid:
            row.extend([""] * (width - len(row)))
        yield Sheet(f"Bảng {number}", grid, True, merged)
