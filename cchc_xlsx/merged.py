"""Merged cells over the rows of a table: the value Excel shows in every covered cell, read so.

Every reader returns a merged range's value in its top-left cell only (the other cells read as
blank). An agency that merges a column over several rows means that value for each row, so:

- a vertical merge over rows' months, indicator, evidence, lead, partners, frequency, collector or
  reporter gives its value to each task, output, activity or filled spare row it covers (a blank
  cell only), with an info finding (``merged-cells``) naming the range;
- a budget merged over several activities is one amount for all of them: it is counted once, on
  the first activity, the others count 0 (``merged-budget``, naming the range), never «ô trống»;
  a budget merged over a task or output row and its activities cannot be split and is not spread
  (the stated subtotal is checked against its rows as usual; the covered activities stay blank);
- a horizontal merge over «Từ tháng» and «Đến tháng» is one month for both; over other fields the
  value is read as the first field's, and the finding says the other fields were left blank;
- code and content are never spread (they identify the row; a change to them is reported as such).

The same rule holds for a plan file (``read``) and for returns: it runs between finding the tables
and normalising their rows (:func:`cchc_xlsx.pipeline.plan_part`). Header merges are left alone.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .findings import Finding
from .glossary import FIELD_LABELS
from .notation import clean_text
from .tables import RawTable
from .workbook import cell_ref

__all__ = ["spread_merged"]

_NEVER_SPREAD = ("code", "content")
_MONTHS = ("month_from", "month_to")


def spread_merged(tables: list[RawTable], file: str, path: Path | None = None) -> list[Finding]:
    """Give each row covered by a merged range the range's value (see the module's rules); the findings.

    Edits the tables' rows in place (``RawRow.values``). Costs nothing on a sheet without merges
    below its header. ``path``: the file, for an .ods, whose merges python-calamine does not give
    (they are read from its content.xml, see :func:`ods_merged_ranges`).
    """
    findings: list[Finding] = []
    ods: dict[str, list[tuple[int, int, int, int]]] | None = None
    for table in tables:
        if not table.sheet.merged and path is not None and _is_ods(path):
            if ods is None:
                ods = ods_merged_ranges(path)
            table.sheet.merged = ods.get(table.sheet.name, [])
        merged = table.sheet.merged
        if not merged or not table.rows:
            continue
        headers = set(table.header_rows)          # repeated at page breaks, too
        items = {raw.row: raw for raw in table.rows if raw.role in ("item", "proposal")}
        if not items:
            continue
        first, last = min(items), max(items)
        field_at = {c: name for name, c in table.columns.items()}
        for r0, c0, r1, c1 in merged:
            if r1 < first or r0 > last or r0 in headers or (r0 == r1 and c0 == c1):
                continue
            fields = [field_at[c] for c in range(c0, c1 + 1) if c in field_at]
            if not fields or fields[0] in _NEVER_SPREAD:
                continue
            value = table.sheet.value(r0, c0)
            if not clean_text(value):
                continue
            rows = [items[r] for r in range(r0, r1 + 1) if r in items]
            if not rows:
                continue
            where = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
            findings += _spread(table, file, where, fields, rows, value, r0)
    return findings


def _spread(table: RawTable, file: str, where: str, fields: list[str], rows: list, value: object,
            r0: int) -> list[Finding]:
    sheet = table.sheet.name
    name = fields[0]
    codes = [raw.label.code for raw in rows]
    span = codes[0] if len(codes) == 1 else f"{codes[0]}–{codes[-1]}" if len(codes) > 2 else ", ".join(codes)
    text = clean_text(value)
    findings = []
    if name == "budget" and len(rows) > 1:
        if any(raw.label.level != "activity" for raw in rows):
            return [Finding("merged-budget", file=file, sheet=sheet, cell=where, row_code=codes[0], field="budget",
                            found=text, expected=span, params={"reason": (
                                "Ô gộp chứa cả dòng nhiệm vụ/kết quả đầu ra nên không chia được; các hoạt động trong ô "
                                "gộp coi như chưa có ngân sách.",
                                "The merge covers a task or output row, so it cannot be split; the activities in it "
                                "count as having no budget.")})]
        rows[0].values["budget"] = value
        for raw in rows[1:]:
            raw.values["budget"] = 0.0
        return [Finding("merged-budget", file=file, sheet=sheet, cell=where, row_code=codes[0], field="budget",
                        found=text, expected=span, params={"reason": (
                            f"Số này được tính một lần, cho dòng {codes[0]}; các dòng còn lại tính 0.",
                            f"It is counted once, for row {codes[0]}; the other rows count 0.")})]
    targets = [name] + (["month_to"] if fields[:2] == list(_MONTHS) else [])
    filled = []
    for raw in rows:
        for target in targets:
            if raw.row == r0 and target == name:
                continue
            if not clean_text(raw.values.get(target)):
                raw.values[target] = value
                filled.append(raw.label.code)
    if len(rows) == 1 and len(fields) > 1 and len(targets) == 1:
        # a horizontal merge over fields that are not the two months: the value is the first field's
        left = ", ".join(FIELD_LABELS.get(f, f) for f in fields[1:])
        findings.append(Finding("merged-cells", file=file, sheet=sheet, cell=where, row_code=codes[0], field=name,
                                found=text[:120], expected=codes[0], params={
                                    "field_label": FIELD_LABELS.get(name, name), "reason": (
                                        f" Các cột {left} trong ô gộp được coi là trống.",
                                        f" The columns {left} in the merge are read as blank.")}))
    elif filled or len(targets) > 1:
        label = " và ".join(FIELD_LABELS.get(t, t) for t in targets)
        findings.append(Finding("merged-cells", file=file, sheet=sheet, cell=where, row_code=codes[0], field=name,
                                found=text[:120], expected=span,
                                params={"field_label": label}))
    return findings


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _is_ods(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.NameToInfo
            return "content.xml" in names and "xl/workbook.xml" not in names
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def ods_merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """sheet name -> merged ranges (zero-based r0, c0, r1, c1) of an .ods file, from its content.xml
    (``table:number-rows-spanned`` / ``number-columns-spanned``), streamed: repeated rows and cells
    are counted, never expanded. {} on any doubt."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            sheet, row, col, repeat = None, 0, 0, 1
            for event, elem in ElementTree.iterparse(content, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    if tag == _TABLE + "table":
                        sheet, row = elem.get(_TABLE + "name", ""), 0
                        found.setdefault(sheet, [])
                    elif tag == _TABLE + "table-row":
                        col, repeat = 0, int(elem.get(_TABLE + "number-rows-repeated", "1"))
                    elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                        rows = int(elem.get(_TABLE + "number-rows-spanned", "1"))
                        cols = int(elem.get(_TABLE + "number-columns-spanned", "1"))
                        if (rows > 1 or cols > 1) and sheet is not None:
                            found[sheet].append((row, col, row + rows - 1, col + cols - 1))
                        col += int(elem.get(_TABLE + "number-columns-repeated", "1"))
                elif tag == _TABLE + "table-row":
                    row += repeat
                    elem.clear()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return {}
    return found
