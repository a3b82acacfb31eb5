"""Excel's limits on what a value can be: a cell holds at most 32 767 characters."""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

from ._common import at

__all__ = ["text_too_long", "EXCEL_MAX_TEXT"]

#: Characters (UTF-16 units) a cell of an .xlsx holds; xlsxwriter, and our row writer, cut the rest.
EXCEL_MAX_TEXT = 32_767
_TEXTS = {"plan": ("content", "indicator", "evidence", "from_text", "to_text", "budget_text", "lead", "partners"),
          "monitoring": ("content", "indicator", "evidence", "frequency", "collector", "reporter")}
_FIELD = {"from_text": "month_from", "to_text": "month_to", "budget_text": "budget"}


def _length(text: object) -> int:
    if not isinstance(text, str):
        return 0
    return len(text.encode("utf-16-le")) // 2 if len(text) > EXCEL_MAX_TEXT // 2 else len(text)


def text_too_long(plan) -> list:
    """A text the written workbook must cut (``text-cut``, naming the cell read; the full text is in
    ``params["text"]``, which ``--json`` gives). One C-speed pass per table on ordinary plans."""
    findings = []
    for table, names in _TEXTS.items():
        rows = plan.rows(table)
        if not rows:
            continue
        try:                           # every text of the table at once: none that long, nothing to say
            if max(map(len, chain.from_iterable(map(itemgetter(*names), rows)))) <= EXCEL_MAX_TEXT // 2:
                continue
        except TypeError:              # a value that is not text: column by column, below
            pass
        for name in names:
            values = map(itemgetter(name), rows)
            try:
                if max(map(len, values)) <= EXCEL_MAX_TEXT // 2:
                    continue
            except TypeError:          # a value that is not text (None): look at each
                pass
            for row in rows:
                length = _length(row[name])
                if length > EXCEL_MAX_TEXT:
                    findings.append(at("text-cut", row, _FIELD.get(name, name), found=str(length),
                                       expected=str(EXCEL_MAX_TEXT), params={"text": row[name]}))
    return findings
