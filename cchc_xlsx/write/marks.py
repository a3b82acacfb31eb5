"""How a cell that carries a finding looks, in every workbook we write: a fill by severity and a comment.

One rule for the consolidated workbook (Phụ lục 1 and 2) and the feedback workbook: the cell is
filled in the colour of its worst finding, and its comment (author «cchc-xlsx») holds every finding
of the cell, most severe first, each as «Lỗi: <message>».
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from xlsxwriter.utility import xl_cell_to_rowcol

from .. import messages
from ..findings import SEVERITIES, Finding

__all__ = ["FILL_COLORS", "COMMENT_AUTHOR", "Mark", "severity_word", "comment_text", "comment_size",
           "fill_hex", "cell_marks", "split_ref"]

#: Cell fill by severity (ARGB, as openpyxl reads it back): red-ish, orange, light yellow.
FILL_COLORS = {"error": "FFFF9999", "warning": "FFFFC000", "info": "FFFFF2CC"}
COMMENT_AUTHOR = "cchc-xlsx"
COMMENT_WIDTH = 320        # pixels: about 48 characters a line

messages.register({
    "book.severity.error": ("Lỗi", "Error"),
    "book.severity.warning": ("Cảnh báo", "Warning"),
    "book.severity.info": ("Ghi chú", "Note"),
})


def severity_word(severity: str, lang: str = "vi") -> str:
    """``Lỗi`` / ``Error`` …: the word a person reads for a severity."""
    key = f"book.severity.{severity}"
    return messages.text(key, lang) if key in messages.CATALOGUE else severity


def fill_hex(severity: str) -> str:
    """The fill as xlsxwriter takes it (``#FF9999``); info's colour for an unknown severity."""
    return "#" + FILL_COLORS.get(severity, FILL_COLORS["info"])[2:]


def comment_text(findings: Iterable[Finding], lang: str = "vi", labels: str = "vi", message=None) -> str:
    """Every finding of one cell, in the order given (most severe first), one paragraph each: the
    severity in the workbook's label language ``labels``, the message in ``lang`` — the finding's
    own (addressed to the Sở), or ``message(finding, lang)`` (the feedback's, addressed to the agency)."""
    say = message or (lambda f, lang: f.message(lang))
    return "\n\n".join(f"{severity_word(f.severity, labels)}: {say(f, lang)}" for f in findings)


def comment_size(text: str) -> tuple[int, int]:
    """(width, height) in pixels of a comment box that shows ``text`` whole (up to 600 px high)."""
    lines = sum(max(1, math.ceil(len(part) / 48)) for part in text.split("\n"))
    return COMMENT_WIDTH, min(600, 18 * lines + 12)


@dataclass(frozen=True)
class Mark:
    """What one cell of a written sheet shows: its worst severity and the comment's text."""

    severity: str
    text: str


def split_ref(ref: str) -> tuple[str, int, int] | None:
    """``'Phụ lục 1'!G35`` -> (``Phụ lục 1``, 34, 6), zero-based; None for "" or a malformed ref."""
    if "!" not in ref:
        return None
    sheet, cell = ref.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    try:
        row, col = xl_cell_to_rowcol(cell.replace("$", ""))
    except (AttributeError, ValueError, TypeError):
        return None
    return sheet, row, col


def cell_marks(findings: Iterable[Finding], locate, sheets: Iterable[str], lang: str = "vi",
               labels: str = "vi") -> dict[str, dict[int, dict[int, Mark]]]:
    """The marks of the cells ``locate(finding)`` names on ``sheets``: sheet -> row -> column -> Mark.

    ``locate`` gives a finding's cell in the written workbook (``Layout.locate``); findings it
    places on another sheet or nowhere are left out. Several findings on one cell make one mark.
    """
    wanted = set(sheets)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    grouped: dict[tuple[str, int, int], list[Finding]] = {}
    for f in findings:
        place = split_ref(locate(f))
        if place is not None and place[0] in wanted:
            grouped.setdefault(place, []).append(f)
    marks: dict[str, dict[int, dict[int, Mark]]] = {sheet: {} for sheet in wanted}
    for (sheet, row, col), group in grouped.items():
        group.sort(key=lambda f: order.get(f.severity, len(order)))      # stable: found order within
        marks[sheet].setdefault(row, {})[col] = Mark(group[0].severity, comment_text(group, lang, labels))
    return marks
