#!/usr/bin/env python3
"""Build the bundled Đắk Lắk 2018 plan workbook from the seed transcription.

The workbook imitates what an official gets by pasting the two appendix tables of
Quyết định 3598/QĐ-UBND (28/12/2017) into Excel:

* sheet ``Phụ lục 1`` - the plan of activities and budget, followed by the
  ``Trong đó`` split of the total per agency;
* sheet ``Phụ lục 2`` - the monitoring assignment table.

Every table line of the seed becomes one worksheet row, in seed order; blank lines
inside a table stay blank rows, the header repeated at every page break of the
Word document is written again (two rows with merged cells, as Word pastes it).
The seed's own defects (typos, ``1.949``, ``3,4``, blanks, an agency name in a
frequency cell ...) are kept exactly: nothing is corrected.  Only plain digit
strings (``^\\d+$``) become numbers, as Excel does on paste; everything else is
written as text, never as a formula or URL.

The output is deterministic: two runs give byte-identical files.

Usage::

    python scripts/build_daklak_workbook.py [--seed PATH] [-o PATH]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

SEED_NAME = "000_3f73fa604f3dd470.txt"
DEFAULT_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / SEED_NAME
DEFAULT_OUT = (
    Path(__file__).resolve().parents[1]
    / "workbooks"
    / "daklak-2018"
    / "ke-hoach-cchc-daklak-2018.xlsx"
)

SHEET_1 = "Phụ lục 1"
SHEET_2 = "Phụ lục 2"

GENERATOR = f"scripts/build_daklak_workbook.py, XlsxWriter {xlsxwriter.__version__}"

# Fixed document timestamp (date of the decision) so that builds are reproducible.
CREATED = _dt.datetime(2017, 12, 28, 0, 0, 0)

FONT_NAME = "Times New Roman"
FONT_SIZE = 11

# Column widths (characters) per sheet, column A first.
WIDTHS_1 = [20, 45, 40, 35, 12, 12, 12, 25, 30]
WIDTHS_2 = [20, 45, 40, 35, 18, 35, 20]

# Row heights: Excel sizes rows to the wrapped text when a table is pasted, but a
# file written by xlsxwriter carries no heights and LibreOffice does not refit them
# on load, so each row gets an estimated height (points).  The estimate measures
# text with approximate Times New Roman 11 advance widths (pixels at 96 dpi) and
# wraps it word by word at the column width; it errs on the generous side.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0
_PX_PER_WIDTH_UNIT = 7  # maximum digit width of the default font, in pixels
_CELL_PADDING_PX = 8

_BOLD_TAG = re.compile(r"</?b>", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """One seed line of a table region.

    kind is ``"blank"``, ``"text"`` (a line without tabs, e.g. ``**Trong đó:**``)
    or ``"row"`` (tab-separated cells).
    """

    kind: str
    cells: tuple[Cell, ...] = ()
    lineno: int = 0


@dataclass(frozen=True)
class Section:
    titles: tuple[Cell, ...]  # title lines, markdown stripped (bold/italic noted)
    italic: tuple[bool, ...]
    lines: tuple[Line, ...]  # the table region, from the first STT line on
    ncols: int  # width of the table (fields on the first header line)


def parse_cell(raw: str) -> Cell:
    """``<b>…</b>`` marks a bold cell; tags are removed, whitespace stripped."""
    bold = "<b>" in raw.lower()
    return Cell(_BOLD_TAG.sub("", raw).strip(), bold)


def parse_markdown_line(raw: str) -> tuple[Cell, bool]:
    """Strip the markdown markers of a title-like line.

    Returns the cell (bold where the seed has ``**``) and whether the line was
    italic (wrapped in single ``*``).
    """
    text = raw.strip()
    text = re.sub(r"^#+\s*", "", text)
    bold = "**" in text
    text = text.replace("**", "")
    italic = False
    if len(text) >= 2 and text.startswith("*") and text.endswith("*"):
        italic = True
        text = text[1:-1]
    return Cell(text.strip(), bold), italic


def _is_blank(line: str) -> bool:
    return line.strip() == ""


def _find(lines: list[str], pred, start: int = 0, what: str = "") -> int:
    for i in range(start, len(lines)):
        if pred(lines[i]):
            return i
    raise ValueError(f"seed: cannot find {what}")


def _section(lines: list[str], title_start: int, end: int, lead: list[str]) -> Section:
    """Titles from title_start up to the first ``STT`` line; table to the last tab line."""
    stt = _find(
        lines,
        lambda s: s.split("\t", 1)[0].strip() == "STT" and "\t" in s,
        title_start,
        "STT header line",
    )
    if stt >= end:
        raise ValueError("seed: STT header line outside its appendix")
    raw_titles = list(lead) + [s for s in lines[title_start:stt] if not _is_blank(s)]
    titles, italic = zip(*(parse_markdown_line(s) for s in raw_titles))

    last = max(i for i in range(stt, end) if "\t" in lines[i])
    table: list[Line] = []
    for i in range(stt, last + 1):
        s = lines[i]
        if _is_blank(s):
            table.append(Line("blank", lineno=i + 1))
        elif "\t" in s:
            table.append(Line("row", tuple(parse_cell(c) for c in s.split("\t")), i + 1))
        else:
            cell, _ = parse_markdown_line(s)
            table.append(Line("text", (cell,), i + 1))
    ncols = len(table[0].cells)
    return Section(tuple(titles), tuple(italic), tuple(table), ncols)


def parse_seed(text: str) -> tuple[Section, Section]:
    lines = text.split("\n")
    ve_viec = _find(
        lines,
        lambda s: s.startswith("#") and "Về việc" in s,
        what="'### Về việc …' title line",
    )
    p1 = _find(lines, lambda s: s.startswith("**Phụ lục 1."), what="Phụ lục 1 title")
    p2 = _find(lines, lambda s: s.startswith("**Phụ lục 2."), p1, what="Phụ lục 2 title")
    sec1 = _section(lines, p1, p2, [lines[ve_viec]])
    sec2 = _section(lines, p2, len(lines), [])
    return sec1, sec2


# --------------------------------------------------------------------------- writing


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self._wb = wb
        self._cache: dict[tuple, object] = {}

    def get(self, *, bold=False, italic=False, border=False, header=False, wrap=True):
        key = (bold, italic, border, header, wrap)
        if key not in self._cache:
            # font_scheme "none": a plain font, not the theme's minor font (which
            # Excel could otherwise render as Calibri).
            props: dict = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "font_scheme": "none"}
            if bold or header:
                props["bold"] = True
            if italic:
                props["italic"] = True
            if border:
                props["border"] = 1
            if header:
                props.update(align="center", valign="vcenter", text_wrap=True)
            elif wrap:
                props.update(valign="top", text_wrap=True)
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


def _char_px(ch: str, bold: bool) -> float:
    if ch == " ":
        w = 3.7
    elif ch in "iljtfrI.,:;'!|()[]/-":
        w = 4.5
    elif ch.isdigit():
        w = 7.4
    elif ch.isupper():
        w = 10.6
    elif ch in "mwMW%":
        w = 11.5
    else:
        w = 6.9
    return w * (1.08 if bold else 1.0)


def _text_px(text: str, bold: bool) -> float:
    return sum(_char_px(ch, bold) for ch in text)


def _line_count(text: str, width_units: float, bold: bool) -> int:
    """Number of lines ``text`` wraps to in a column ``width_units`` wide."""
    if not text:
        return 1
    avail = width_units * _PX_PER_WIDTH_UNIT + 5 - _CELL_PADDING_PX
    space = _char_px(" ", bold)
    lines = 0
    for para in text.split("\n"):
        lines += 1
        used = 0.0
        for word in para.split(" "):
            w = _text_px(word, bold)
            if used and used + space + w > avail:
                lines += 1
                used = 0.0
            if w > avail:  # a word longer than the column breaks anywhere
                extra = int(w // avail)
                lines += extra
                w -= extra * avail
            used = used + space + w if used else w
    return lines


def _height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(1, lines) * LINE_HEIGHT)


def _write_value(ws, row: int, col: int, cell: Cell, fmt) -> None:
    if cell.text == "":
        ws.write_blank(row, col, None, fmt)
    elif _DIGITS.match(cell.text):
        ws.write_number(row, col, int(cell.text), fmt)
    else:
        ws.write_string(row, col, cell.text, fmt)


def _is_header(line: Line) -> bool:
    return line.kind == "row" and line.cells[0].text == "STT"


def _set_header_heights(ws, row: int, t: list[str], b: list[str], widths: list[int]) -> None:
    top_lines, bottom_lines, merged_lines = 1, 1, 1
    c = 0
    while c < len(t):
        if b[c] == "":
            merged_lines = max(merged_lines, _line_count(t[c], widths[c], True))
            c += 1
            continue
        end = c + 1
        while end < len(t) and t[end] == "" and b[end] != "":
            end += 1
        top_lines = max(top_lines, _line_count(t[c], sum(widths[c:end]), True))
        for k in range(c, end):
            bottom_lines = max(bottom_lines, _line_count(b[k], widths[k], True))
        c = end
    # a vertically merged cell may use the height of both rows
    top_lines = max(top_lines, merged_lines - bottom_lines)
    ws.set_row(row, _height(top_lines))
    ws.set_row(row + 1, _height(bottom_lines))


def _write_header(
    ws, row: int, top: Line, bottom: Line, ncols: int, F: _Formats, widths: list[int]
) -> None:
    """Write a two-line header as Word pastes it: merged cells.

    A column whose second line is empty is merged vertically; a column whose second
    line has text starts a group merged across the first row, spanning the following
    columns whose first line is empty but second line is not.
    """
    hdr = F.get(header=True, border=True)
    t = [c.text for c in top.cells] + [""] * (ncols - len(top.cells))
    b = [c.text for c in bottom.cells] + [""] * (ncols - len(bottom.cells))
    _set_header_heights(ws, row, t, b, widths)
    c = 0
    while c < ncols:
        if b[c] == "":
            if t[c] == "":  # empty column in both lines: just bordered cells
                ws.write_blank(row, c, None, hdr)
                ws.write_blank(row + 1, c, None, hdr)
            else:
                ws.merge_range(row, c, row + 1, c, "", hdr)
                ws.write_string(row, c, t[c], hdr)
            c += 1
            continue
        end = c + 1
        while end < ncols and t[end] == "" and b[end] != "":
            end += 1
        if end - c > 1:
            ws.merge_range(row, c, row, end - 1, "", hdr)
        if t[c]:
            ws.write_string(row, c, t[c], hdr)
        else:
            ws.write_blank(row, c, None, hdr)
        for k in range(c, end):
            ws.write_string(row + 1, k, b[k], hdr)
        c = end


def _write_section(wb, F: _Formats, name: str, sec: Section, widths: list[int]) -> dict:
    ws = wb.add_worksheet(name)
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)

    row = 0
    for cell, italic in zip(sec.titles, sec.italic):
        fmt = F.get(bold=cell.bold, italic=italic, wrap=False)
        ws.write_string(row, 0, cell.text, fmt)
        row += 1
    row += 1  # one blank row between the titles and the table

    first_header_row = None
    in_table = True  # False once the table proper has ended (after "Tổng Cộng")
    lines = sec.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "blank":
            row += 1
        elif line.kind == "text":
            in_table = False
            c = line.cells[0]
            ws.write_string(row, 0, c.text, F.get(bold=c.bold, wrap=False))
            row += 1
        elif (
            _is_header(line)
            and i + 1 < len(lines)
            and lines[i + 1].kind == "row"
            and lines[i + 1].cells[0].text == ""
        ):
            if first_header_row is None:
                first_header_row = row
            _write_header(ws, row, line, lines[i + 1], sec.ncols, F, widths)
            row += 2
            i += 1
        else:
            if in_table and len(line.cells) != sec.ncols:
                in_table = False  # allocation lines: a narrower, borderless block
            cells = list(line.cells)
            if in_table:
                cells += [Cell("")] * (sec.ncols - len(cells))
            lines_needed = max(
                _line_count(cell.text, widths[col], cell.bold) for col, cell in enumerate(cells)
            )
            if lines_needed > 1:
                ws.set_row(row, _height(lines_needed))
            for col, cell in enumerate(cells):
                fmt = F.get(bold=cell.bold, border=in_table)
                if not in_table and cell.text == "":
                    continue
                _write_value(ws, row, col, cell, fmt)
            row += 1
        i += 1

    # Page setup: A4 landscape, header repeated on every printed page, 1 page wide.
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    if first_header_row is not None:
        ws.repeat_rows(first_header_row, first_header_row + 1)
    return {"sheet": name, "rows": row, "first_header_row": first_header_row}


def build_workbook(
    seed_path: str | Path = DEFAULT_SEED, out_path: str | Path = DEFAULT_OUT
) -> Path:
    """Build the workbook from the seed; returns the output path."""
    seed_path = Path(seed_path)
    out_path = Path(out_path)
    sec1, sec2 = parse_seed(seed_path.read_text(encoding="utf-8"))

    out_path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(out_path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {
                "font_name": FONT_NAME,
                "font_size": FONT_SIZE,
            },
        },
    )
    wb.set_properties(
        {
            "title": "Kế hoạch hoạt động và ngân sách thực hiện CCHC tỉnh Đắk Lắk năm 2018",
            "subject": "Phụ lục 1 và Phụ lục 2 - Quyết định 3598/QĐ-UBND ngày 28/12/2017",
            # The bytes depend on the XlsxWriter version: record it, so that a
            # byte-for-byte comparison can tell a version change from a real one.
            "comments": GENERATOR,
            "created": CREATED,
        }
    )
    F = _Formats(wb)
    _write_section(wb, F, SHEET_1, sec1, WIDTHS_1)
    _write_section(wb, F, SHEET_2, sec2, WIDTHS_2)
    wb.close()
    return out_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--seed", type=Path, default=DEFAULT_SEED, help="seed text (default: %(default)s)"
    )
    ap.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUT, help="output .xlsx (default: %(default)s)"
    )
    args = ap.parse_args(argv)
    if not args.seed.is_file():
        ap.error(f"seed file not found: {args.seed}")
    out = build_workbook(args.seed, args.output)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
