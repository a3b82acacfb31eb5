"""Mutations of a returned template, as agencies and their programs really change them (issue 10).

Each mutation kind is one condition from the issue, or from public bug reports of people who
consolidate user-filled workbooks: a value of some type in an input cell, a merge, a hidden row or
sheet, rows or columns inserted, deleted or moved, a renamed sheet, a far cell, the metadata or
the protection removed, a file saved another way. :func:`mutate` applies one kind to one of our
own templates with a seeded ``random.Random`` and writes the file; :func:`random_mutants` draws
many. The result says which cells must be named by a finding and which values must be read, for
the judge in ``tests/accounting.py``.

Reusable: ``from mutations import MUTATIONS, mutate`` (tests/ is on the path under pytest).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from build_sample_returns import MONITORING_COLUMNS, PLAN_COLUMNS  # noqa: E402

__all__ = ["Mutation", "Mutant", "MUTATIONS", "Recipe", "mutate", "recipes", "random_mutants", "tcvn3", "PLAN", "MONITORING"]

PLAN, MONITORING, META = "Phụ lục 1", "Phụ lục 2", "_cchc_meta"


@dataclass
class Edit:
    """What one mutation did to a workbook, and what the judge must then see."""

    detail: str = ""
    must_name: list[tuple[str, str]] = field(default_factory=list)          # (sheet, A1) a finding must name
    expect: list[tuple[str, str, str, object]] = field(default_factory=list)  # (sheet, A1, field, value)
    patch: Callable[[dict[str, bytes]], None] | None = None                  # on the saved zip's members
    suffix: str = ".xlsx"


@dataclass(frozen=True)
class Mutation:
    kind: str
    owner: str             # the issue-10 class that must make it pass: reading, text, merge; "" for none
    condition: str
    apply: Callable[[openpyxl.Workbook, random.Random], Edit]


@dataclass
class Mutant:
    path: Path
    kind: str
    detail: str
    must_name: list[tuple[str, str]]
    expect: list[tuple[str, str, str, object]]


MUTATIONS: dict[str, Mutation] = {}


def mutation(kind: str, owner: str, condition: str):
    def register(apply):
        MUTATIONS[kind] = Mutation(kind, owner, condition, apply)
        return apply
    return register


# --------------------------------------------------------------------------- where things are
def _fold(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def header_row(ws: Worksheet) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if _fold(row[0].value) == "STT":
            return row[0].row
    raise LookupError(f"{ws.title}: no STT")


def column(ws: Worksheet, name: str) -> int:
    wanted = (PLAN_COLUMNS if "1" in ws.title else MONITORING_COLUMNS)[name]
    top = header_row(ws)
    for r in (top, top + 1):
        for c in ws[r]:
            if _fold(c.value) == wanted:
                return c.column
    raise LookupError(f"{ws.title}: no column {wanted}")


def rows_of(ws: Worksheet, prefix: str) -> list[int]:
    """Rows whose column A starts with ``prefix`` (Hoạt động, Kết quả đầu ra, NHIỆM VỤ, Đề xuất mới)."""
    return [row[0].row for row in ws.iter_rows(min_col=1, max_col=1) if _fold(row[0].value).startswith(prefix)]


def activity_rows(ws: Worksheet) -> list[int]:
    return rows_of(ws, "Hoạt động")


def a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


PLAN_INPUTS = ("indicator", "evidence", "from", "to", "budget", "partners")
MONITORING_INPUTS = ("frequency", "collector", "reporter")
FIELD_OF = {"from": "month_from", "to": "month_to"}


def _input_cell(book, rng: random.Random, fields=None, sheet: str | None = None):
    """A random input cell of a random activity: (worksheet, row, col, field)."""
    title = sheet or rng.choice([PLAN, MONITORING])
    ws = book[title]
    names = fields or (PLAN_INPUTS if title == PLAN else MONITORING_INPUTS)
    names = [n for n in names if n in (PLAN_INPUTS if title == PLAN else MONITORING_INPUTS)] or list(names)
    name = rng.choice(names)
    row = rng.choice(activity_rows(ws))
    return ws, row, column(ws, name), FIELD_OF.get(name, name)


# --------------------------------------------------------------------------- legacy encodings
_TCVN3 = dict(zip(
    "àảãáạằẳẵắặầẩẫấậđèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵăâêôơưĐĂÂÊÔƠƯ",
    "µ¶·¸¹»¼½¾ÆÇÈÉÊË®ÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ¨©ª«¬\xad§¡¢£¤¥¦"))


def tcvn3(text: str) -> str:
    """``text`` as a TCVN3 (ABC, .VnTime) font shows it when read as Unicode: «Tháng 07» -> «Th¸ng 07»."""
    return "".join(_TCVN3.get(ch, ch) for ch in text)


_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT_TONES = {"\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONES = {"\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def vni(text: str) -> str:
    """``text`` as a VNI font (VNI-Times) shows it when read as Unicode: «Sở Nội vụ» -> «Sôû Noäi vuï»."""
    import unicodedata

    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        upper = base.isupper()
        base = base.lower()
        shape = next((m for m in marks if m in "\u0302\u0306\u031b"), "")
        tone = next((m for m in marks if m in _VNI_TONES), "")
        if not marks:
            out.append(ch)
            continue
        if base == "i":
            piece = _VNI_I[tone] if tone else "i"
        elif base == "y" and tone == "\u0323":
            piece = "î"
        elif shape == "\u0302":
            piece = base + (_VNI_HAT_TONES[tone] if tone else "â")
        elif shape == "\u0306":
            piece = base + (_VNI_BREVE_TONES[tone] if tone else "ê")
        elif shape == "\u031b":
            piece = {"o": "ô", "u": "ö"}[base] + (_VNI_TONES[tone] if tone else "")
        else:
            piece = base + (_VNI_TONES[tone] if tone else "")
        out.append(piece.upper() if upper else piece)
    return "".join(out)


# --------------------------------------------------------------------------- values in input cells
def _set(ws, row, col, value, data_type: str | None = None):
    cell = ws.cell(row, col)
    cell.value = value
    if data_type:
        cell.data_type = data_type
    return cell


@mutation("text-number-vi", "", "a budget typed as text in the decision's notation (1.949, 3,4, 1.270,5)")
def _text_vi(book, rng):
    ws, row, col, _ = _input_cell(book, rng, ("budget",), PLAN)
    text, value = rng.choice([("1.949", 1949.0), ("3,4", 3.4), ("1.270,5", 1270.5), ("0,5", 0.5), ("12", 12.0)])
    _set(ws, row, col, text)
    return Edit(f"{ws.title}!{a1(row, col)} = {text!r}", expect=[(ws.title, a1(row, col), "budget", value)])


@mutation("text-number-en", "text", "a budget typed as text in en-US notation (1,270.5 unambiguous; 1,949 ambiguous)")
def _text_en(book, rng):
    ws, row, col, _ = _input_cell(book, rng, ("budget",), PLAN)
    text = rng.choice(["1,270.5", "2,500.75", "1,949", "12,000"])
    _set(ws, row, col, text)
    where = a1(row, col)
    if "." in text:     # unambiguous: the value must be read right
        return Edit(f"{ws.title}!{where} = {text!r}", expect=[(ws.title, where, "budget", float(text.replace(",", "")))])
    return Edit(f"{ws.title}!{where} = {text!r} (ambiguous: a warning must give both readings)",
                must_name=[(ws.title, where)])


@mutation("huge-number", "text", "a huge number: 1E+303, 10^20, 400 digits as text, 1E+303 as text")
def _huge(book, rng):
    ws, row, col, _ = _input_cell(book, rng, ("budget",), PLAN)
    value = rng.choice([1e303, 10 ** 20, "9" * 400, "1E+303", -1e300, 1.7976931348623157e308])
    _set(ws, row, col, value)
    return Edit(f"{ws.title}!{a1(row, col)} = {str(value)[:20]}", must_name=[(ws.title, a1(row, col))])


@mutation("negative-or-nan-text", "", "a negative budget, or NaN-like text (NaN, inf, -, N/A, không có)")
def _negative(book, rng):
    ws, row, col, _ = _input_cell(book, rng, ("budget",), PLAN)
    value = rng.choice([-5, -0.5, "-3,4", "NaN", "inf", "-", "N/A", "không có", "#N/A"])
    _set(ws, row, col, value)
    return Edit(f"{ws.title}!{a1(row, col)} = {value!r}", must_name=[(ws.title, a1(row, col))])


@mutation("date-value", "", "a date where text or a number is expected (Excel turns 03/2018 into a date)")
def _date(book, rng):
    ws, row, col, name = _input_cell(book, rng)
    value = rng.choice([dt.datetime(2018, 3, 1), dt.datetime(2018, 12, 31, 17, 30), dt.date(2018, 6, 15)])
    cell = _set(ws, row, col, value)
    cell.number_format = "dd/mm/yyyy"
    edit = Edit(f"{ws.title}!{a1(row, col)} ({name}) = {value}")
    if name == "budget":      # a date is not an amount of money
        edit.must_name.append((ws.title, a1(row, col)))
    return edit


@mutation("boolean-value", "", "TRUE/FALSE in an input cell (a checkbox pasted, a formula result)")
def _boolean(book, rng):
    ws, row, col, name = _input_cell(book, rng)
    value = rng.choice([True, False])
    _set(ws, row, col, value)
    edit = Edit(f"{ws.title}!{a1(row, col)} ({name}) = {value}")
    if name in ("budget", "month_from", "month_to", "frequency"):
        edit.must_name.append((ws.title, a1(row, col)))      # not a number, month or frequency
    return edit


@mutation("formula-error", "reading", "a formula error cached in an input cell (#REF!, #DIV/0!, #N/A, #VALUE!)")
def _error(book, rng):
    ws, row, col, name = _input_cell(book, rng)
    value = rng.choice(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?"])
    cell = ws.cell(row, col)
    cell.value = value
    cell.data_type = "e"
    return Edit(f"{ws.title}!{a1(row, col)} ({name}) = {value}", must_name=[(ws.title, a1(row, col))])


@mutation("formula-budget-no-value", "", "a budget formula saved without its value (=10+5, =SUM(1;2), =B9)")
def _formula_budget(book, rng):
    ws, row, col, _ = _input_cell(book, rng, ("budget",), PLAN)
    formula = rng.choice(["=10+5", "=3*4", "=SUM(1,2)", f"=G{row - 1}", "=ROUND(10/3,1)"])
    _set(ws, row, col, formula)
    return Edit(f"{ws.title}!{a1(row, col)} = {formula}", must_name=[(ws.title, a1(row, col))])


@mutation("formula-text-no-value", "text", "a formula saved without its value in a text field (months, frequency, partners …)")
def _formula_text(book, rng):
    ws, row, col, name = _input_cell(book, rng, ("from", "to", "indicator", "evidence", "partners", "frequency",
                                                 "collector", "reporter"))
    formula = rng.choice(['="Tháng "&"03"', f"=B{row}", '=CONCATENATE("Sở ","Tư pháp")', "=TODAY()"])
    _set(ws, row, col, formula)
    return Edit(f"{ws.title}!{a1(row, col)} ({name}) = {formula}", must_name=[(ws.title, a1(row, col))])


@mutation("formula-cached", "", "a formula saved with its cached value (what Excel does), in any input cell")
def _formula_cached(book, rng):
    ws, row, col, name = _input_cell(book, rng)
    if name == "budget":
        formula, cached, kind = "=10+5", "15", ""
    elif name in ("month_from", "month_to"):
        formula, cached, kind = '="Tháng "&"03"', "Tháng 03", "str"
    else:
        formula, cached, kind = '="Đã "&"hoàn thành"', "Đã hoàn thành", "str"
    _set(ws, row, col, formula)
    title, where = ws.title, a1(row, col)
    expect = [(title, where, "budget", 15.0)] if name == "budget" else []

    def patch(members: dict[str, bytes]) -> None:
        _add_cached_value(members, title, where, cached, kind)
    return Edit(f"{title}!{where} ({name}) = {formula} cached {cached!r}", expect=expect, patch=patch)


@mutation("long-text", "", "text longer than Excel's 32 767 characters per cell is impossible; 30 000 is not")
def _long(book, rng):
    ws, row, col, name = _input_cell(book, rng, ("indicator", "evidence", "partners", "collector", "reporter"))
    text = ("Báo cáo kết quả thực hiện; " * 1200)[: rng.choice([5000, 20000, 32000])]
    _set(ws, row, col, text)
    return Edit(f"{ws.title}!{a1(row, col)} ({name}) = {len(text)} characters")


_CF = ["\ufeff", "\u2060", "\u200b", "\u200c", "\u200d", "\u00ad", "\u00a0"]


@mutation("format-characters", "", "Unicode format characters (U+FEFF, U+2060, U+200B–D, U+00AD) and NBSP in numbers, months, agencies")
def _cf(book, rng):
    ws = book[PLAN]
    row = rng.choice(activity_rows(ws))
    name = rng.choice(["budget", "from", "to", "partners"])
    col = column(ws, name)
    ch = rng.choice(_CF)
    if name == "budget":
        text, field_name, value = f"{ch}15", "budget", 15.0
        if rng.random() < 0.5:
            text, value = f"1{ch}949", 1949.0
    elif name in ("from", "to"):
        text, field_name, value = f"Tháng{ch} 03", FIELD_OF[name], 3
    else:
        text, field_name, value = f"Sở Tư{ch} pháp", "partner_agencies", ["Sở Tư pháp"]
    _set(ws, row, col, text)
    return Edit(f"{ws.title}!{a1(row, col)} = {text!r}", expect=[(ws.title, a1(row, col), field_name, value)])


@mutation("tcvn3-text", "text", "text typed with a TCVN3 (.VnTime) font: «Th¸ng 07», «Së Néi vô»")
def _tcvn3(book, rng):
    ws, row, col, name = _input_cell(book, rng, ("from", "to", "indicator", "evidence", "partners", "frequency",
                                                 "collector"))
    plain = {"month_from": "Tháng 07", "month_to": "Tháng 07", "frequency": "Thường xuyên",
             "partners": "Sở Nội vụ, Sở Tư pháp", "collector": "Bà Nguyễn Thị Hà, Phòng Cải cách hành chính"}.get(
        name, "Báo cáo kết quả thực hiện được phê duyệt")
    text = tcvn3(plain)
    _set(ws, row, col, text)
    return Edit(f"{ws.title}!{a1(row, col)} ({name}) = {text!r} (TCVN3 of {plain!r})",
                must_name=[(ws.title, a1(row, col))])


@mutation("vni-text", "text", "text typed with a VNI font (VNI-Times): «Thaùng 07», «Sôû Noäi vuï»")
def _vni(book, rng):
    ws, row, col, name = _input_cell(book, rng, ("from", "to", "indicator", "evidence", "partners", "frequency",
                                                 "collector"))
    plain = {"month_from": "Tháng 07", "month_to": "Tháng 09", "frequency": "Hàng quý",
             "partners": "Sở Nội vụ, Sở Tư pháp", "collector": "Ông Lê Văn Đức, Phòng Cải cách hành chính"}.get(
        name, "Báo cáo kết quả thực hiện được phê duyệt")
    text = vni(plain)
    _set(ws, row, col, text)
    return Edit(f"{ws.title}!{a1(row, col)} ({name}) = {text!r} (VNI of {plain!r})",
                must_name=[(ws.title, a1(row, col))])


# --------------------------------------------------------------------------- structure
def _runs(rows: list[int]) -> list[list[int]]:
    """Consecutive row numbers, grouped."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs


@mutation("merged-vertical", "merge", "a value merged over several activities (months, frequency, budget, partners)")
def _merge(book, rng):
    title = rng.choice([PLAN, MONITORING])
    ws = book[title]
    runs = [run for run in _runs(activity_rows(ws)) if len(run) >= 2]
    if not runs:
        return Edit("no two consecutive activities: nothing merged")
    run = rng.choice(runs)
    size = rng.randint(2, min(3, len(run)))
    first = rng.randint(0, len(run) - size)
    rows = run[first:first + size]
    name = rng.choice(["from", "to", "budget", "partners"] if title == PLAN else ["frequency", "collector"])
    col = column(ws, name)
    if ws.cell(rows[0], col).value in (None, ""):
        ws.cell(rows[0], col).value = {"budget": 30, "frequency": "Hàng quý"}.get(name, "Tháng 03" if name in ("from", "to") else "Sở Nội vụ")
    ws.merge_cells(start_row=rows[0], end_row=rows[-1], start_column=col, end_column=col)
    return Edit(f"{title}!{a1(rows[0], col)}:{a1(rows[-1], col)} merged ({name})",
                must_name=[(title, a1(r, col)) for r in rows[1:]])


@mutation("hidden-rows", "", "activity rows hidden (right-click, Hide), or hidden by an AutoFilter")
def _hidden_rows(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    rows = rng.sample(activity_rows(ws), k=min(2, len(activity_rows(ws))))
    for r in rows:
        ws.row_dimensions[r].hidden = True
    how = rng.choice(["by hand", "by a filter"])
    if how == "by a filter":
        top = header_row(ws)
        ws.auto_filter.ref = f"A{top + 1}:{get_column_letter(ws.max_column)}{ws.max_row}"
        ws.auto_filter.add_filter_column(0, ["NHIỆM VỤ 1"])
    return Edit(f"{ws.title}: rows {rows} hidden {how}")


@mutation("hidden-sheet", "reading", "Phụ lục 1 or 2 hidden by the agency")
def _hidden_sheet(book, rng):
    title = rng.choice([PLAN, MONITORING])
    ws = book[title]
    book.active = book.sheetnames.index(PLAN if title == MONITORING else MONITORING)
    ws.sheet_state = rng.choice(["hidden", "veryHidden"])
    return Edit(f"{title} {ws.sheet_state}")


@mutation("row-deleted", "", "an activity row deleted")
def _delete_row(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    r = rng.choice(activity_rows(ws))
    label = ws.cell(r, 1).value
    ws.delete_rows(r)
    return Edit(f"{ws.title}: row {r} ({label}) deleted")


@mutation("row-inserted", "", "a row inserted among the activities: blank, a note, or a new activity with no code")
def _insert_row(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    r = rng.choice(activity_rows(ws)) + rng.choice([0, 1])
    ws.insert_rows(r)
    what = rng.choice(["blank", "note", "uncoded"])
    if what == "note":
        ws.cell(r, 2, "Ghi chú: đơn vị đã điều chỉnh kế hoạch theo văn bản số 12/SNV")
    elif what == "uncoded":
        ws.cell(r, 2, "Tổ chức hội nghị sơ kết công tác cải cách hành chính 6 tháng")
        ws.cell(r, 3, "01 hội nghị")
    return Edit(f"{ws.title}: row {r} inserted ({what})")


@mutation("rows-moved", "", "two activity rows swapped (cut and paste)")
def _move_rows(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    rows = activity_rows(ws)
    if len(rows) < 2:
        return Edit("one activity: nothing moved")
    a, b = rng.sample(rows, 2)
    width = ws.max_column
    for c in range(1, width + 1):
        x, y = ws.cell(a, c), ws.cell(b, c)
        x.value, y.value = y.value, x.value
    return Edit(f"{ws.title}: rows {a} and {b} swapped")


def _unmerge_all(ws: Worksheet) -> list[tuple[int, int, int, int]]:
    """openpyxl's insert_cols/delete_cols move no merged ranges: take them out, to put them back moved."""
    ranges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    return ranges


def _remerge(ws: Worksheet, ranges, col: int, amount: int) -> None:
    for r0, c0, r1, c1 in ranges:
        if amount < 0 and c0 <= col <= c1 and c0 == c1:
            continue                               # the deleted column's own merge
        if c0 >= col:
            c0 += amount
        if c1 >= col:
            c1 += amount
        if c1 > c0 or r1 > r0:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


@mutation("column-inserted", "", "a column inserted (a note column at the end, or one between the template's)")
def _insert_col(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    top = header_row(ws)
    where = rng.choice(["end", "middle"])
    col = ws.max_column + 1 if where == "end" else rng.randint(3, ws.max_column)
    ranges = _unmerge_all(ws)
    ws.insert_cols(col)
    _remerge(ws, ranges, col, 1)
    for merged in [m for m in ws.merged_cells.ranges if str(ws.cell(top, col).coordinate) in m]:
        ws.unmerge_cells(str(merged))            # a merge that now spans the new column's header
    ws.cell(top, col, "Ghi chú")
    for r in rng.sample(activity_rows(ws), k=min(2, len(activity_rows(ws)))):
        ws.cell(r, col, "Đã ký hợp đồng")
    return Edit(f"{ws.title}: column {get_column_letter(col)} inserted ({where})")


@mutation("columns-moved", "", "two columns of the template swapped, headers and all (lead and partners, indicator and evidence …)")
def _move_cols(book, rng):
    title = rng.choice([PLAN, MONITORING])
    ws = book[title]
    pair = rng.choice([("indicator", "evidence"), ("lead", "partners"), ("budget", "partners")] if title == PLAN
                      else [("frequency", "collector"), ("collector", "reporter")])
    a, b = column(ws, pair[0]), column(ws, pair[1])
    top = header_row(ws)
    merges = _unmerge_all(ws)
    for r in range(top, ws.max_row + 1):
        x, y = ws.cell(r, a), ws.cell(r, b)
        x.value, y.value = y.value, x.value
    for r0, c0, r1, c1 in merges:
        if c0 == c1 == a:
            c0 = c1 = b
        elif c0 == c1 == b:
            c0 = c1 = a
        elif {a, b} & set(range(c0, c1 + 1)) and c1 > c0:
            continue                 # a group header over one of the two: dropped, as a user would
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    return Edit(f"{title}: columns {pair[0]} ({get_column_letter(a)}) and {pair[1]} ({get_column_letter(b)}) swapped")


@mutation("column-deleted", "", "a column of the template deleted (evidence, indicator, partners)")
def _delete_col(book, rng):
    title = rng.choice([PLAN, MONITORING])
    ws = book[title]
    name = rng.choice(["evidence", "partners"] if title == PLAN else ["reporter"])
    col = column(ws, name)
    ranges = _unmerge_all(ws)
    ws.delete_cols(col)
    _remerge(ws, ranges, col, -1)
    return Edit(f"{title}: column {get_column_letter(col)} ({name}) deleted")


@mutation("sheets-renamed", "", "sheets renamed (Sheet1, PL1 …) or reordered")
def _rename(book, rng):
    plan, monitoring = book[PLAN], book[MONITORING]
    names = rng.choice([("Sheet1", "Sheet2"), ("PL1", "PL2"), ("Phụ lục 1 (2)", "Phu luc 2"), ("KH 2018", "Theo dõi")])
    plan.title, monitoring.title = names
    if rng.random() < 0.5:
        book.move_sheet(monitoring, offset=-1)
    return Edit(f"sheets renamed {names}")


@mutation("far-cell", "reading", "a value in a far cell: the grid's last cell, ZZ100000, or far right in an activity row")
def _far(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    choice = rng.choice(["XFD1048576", "ZZ100000", "row-right"])
    if choice == "row-right":
        row = rng.choice(activity_rows(ws))
        where = f"XFD{row}"
    else:
        where = choice
    ws[where] = "x"
    return Edit(f"{ws.title}!{where} = 'x'", must_name=[(ws.title, where)])


@mutation("far-row", "reading", "a value in the grid's last row (A1048576): a million rows of a few columns")
def _far_row(book, rng):
    ws = book[rng.choice([PLAN, MONITORING])]
    ws["A1048576"] = "x"
    return Edit(f"{ws.title}!A1048576 = 'x'", must_name=[(ws.title, "A1048576")])


@mutation("dimension-whole-grid", "", "the sheet's stated used range is the whole grid (A1:XFD1048576)")
def _dimension(book, rng):
    title = rng.choice([PLAN, MONITORING])

    def patch(members: dict[str, bytes]) -> None:
        member = _sheet_member(members, title)
        members[member] = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', members[member])
    return Edit(f"{title}: dimension A1:XFD1048576", patch=patch)


@mutation("metadata-removed", "", "the hidden metadata sheet removed (the sheets copied into a new workbook)")
def _meta(book, rng):
    del book[META]
    return Edit("metadata sheet removed")


@mutation("protection-removed", "", "sheet and workbook protection removed")
def _protection(book, rng):
    for ws in book.worksheets:
        ws.protection.sheet = False
    book.security = None
    return Edit("protection removed")


@mutation("shared-strings-rich-text", "", "texts moved to a shared-strings table, one split into rich-text runs (part in bold), as Excel stores them")
def _shared(book, rng):
    ws, row, col, name = _input_cell(book, rng, ("indicator", "evidence", "partners", "frequency", "collector"))
    text = ws.cell(row, col).value or "Báo cáo kết quả"
    if not isinstance(text, str) or len(text) < 2:
        text = "Báo cáo kết quả"
    ws.cell(row, col).value = text
    return Edit(f"shared strings; {ws.title}!{a1(row, col)} ({name}) in two runs", patch=partial(_to_shared_strings, rich=text))


@mutation("named-xls", "", "an .xlsx saved under an .xls name")
def _named_xls(book, rng):
    return Edit("saved as .xls", suffix=".xls")


@mutation("spare-row-filled", "", "a spare row filled in Phụ lục 1 (and Phụ lục 2): a proposed activity")
def _spare(book, rng):
    plan = book[PLAN]
    spares = rows_of(plan, "Đề xuất mới")
    r = rng.choice(spares)
    parent = re.search(r"\((.*)\)", plan.cell(r, 1).value).group(1)
    for name, value in (("content", "Khảo sát mức độ hài lòng của người dân"), ("from", "Tháng 09"), ("to", "Tháng 10"),
                        ("budget", 12), ("indicator", "01 báo cáo khảo sát")):
        plan.cell(r, column(plan, name), value)
    monitoring = book[MONITORING]
    other = [x for x in rows_of(monitoring, "Đề xuất mới") if monitoring.cell(x, 1).value == plan.cell(r, 1).value]
    if other and rng.random() < 0.7:
        m = other[0]
        monitoring.cell(m, column(monitoring, "content"), "Khảo sát mức độ hài lòng của người dân")
        monitoring.cell(m, column(monitoring, "frequency"), "01 lần")
    return Edit(f"spare row {r} under {parent} filled")


@mutation("spare-row-p2-only", "merge", "a spare row filled in Phụ lục 2 only")
def _spare_p2(book, rng):
    ws = book[MONITORING]
    r = rng.choice(rows_of(ws, "Đề xuất mới"))
    ws.cell(r, column(ws, "content"), "Theo dõi việc ứng dụng phần mềm một cửa điện tử")
    ws.cell(r, column(ws, "frequency"), "Hàng quý")
    return Edit(f"{MONITORING}: spare row {r} filled alone", must_name=[(MONITORING, a1(r, column(ws, "content")))])


@mutation("locked-output-edit", "merge", "a locked field of a task or output row edited (indicator, months, lead; frequency, collector)")
def _locked(book, rng):
    title = rng.choice([PLAN, MONITORING])
    ws = book[title]
    rows = rows_of(ws, "Kết quả đầu ra") + rows_of(ws, "NHIỆM VỤ")
    row = rng.choice(rows)
    name = rng.choice(["indicator", "from", "lead"] if title == PLAN else ["frequency", "collector"])
    col = column(ws, name)
    value = {"indicator": "100% văn bản được kiểm tra (sửa)", "from": "Tháng 02", "lead": "Sở Nội vụ",
             "frequency": "Hàng tháng", "collector": "Ông Trần Văn B"}[name]
    ws.cell(row, col).value = value
    return Edit(f"{title}!{a1(row, col)} ({name}) = {value!r}", must_name=[(title, a1(row, col))])


@mutation("total-typed", "", "a number typed over the Tổng cộng formula (right, or not what the rows add up to)")
def _total(book, rng):
    ws = book[PLAN]
    row = rows_of(ws, "Tổng cộng")[0]
    col = column(ws, "budget")
    value = rng.choice([999, 0, 12.5, 1e6])
    ws.cell(row, col).value = value
    return Edit(f"{PLAN}!{a1(row, col)} = {value}")


@mutation("save-time-offset", "", "the save time written with a UTC offset (2018-01-08T10:00:00+07:00)")
def _offset(book, rng):
    stamp = rng.choice([b"2018-01-08T10:00:00+07:00", b"2018-01-08T10:00:00.123+07:00", b"2018-01-08T03:00:00-05:30"])

    def patch(members: dict[str, bytes]) -> None:
        members["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>",
                                              members["docProps/core.xml"])
    return Edit(f"modified {stamp.decode()}", patch=patch)


#: Kinds a combination draws from: those that leave every row where it was and need no finding.
COMBINABLE = ("text-number-vi", "negative-or-nan-text", "date-value", "boolean-value", "formula-budget-no-value",
              "long-text", "format-characters", "hidden-rows", "sheets-renamed", "metadata-removed",
              "protection-removed", "spare-row-filled", "column-inserted", "rows-moved", "row-inserted")


@mutation("combination", "", "two to four of the mutations above in one file (those that need no other engineer's fix)")
def _combination(book, rng):
    kinds = rng.sample(COMBINABLE, rng.randint(2, 4))
    # structure last: the value mutations find their cells by the template's layout
    kinds.sort(key=lambda k: (k in ("column-inserted", "rows-moved", "row-inserted", "metadata-removed", "sheets-renamed"),
                              k == "sheets-renamed"))
    edits = []
    for kind in kinds:
        if kind == "sheets-renamed" and PLAN not in book.sheetnames:
            continue
        edits.append(MUTATIONS[kind].apply(book, rng))
    structural = {"column-inserted", "rows-moved", "row-inserted", "sheets-renamed"} & set(kinds)
    patches = [e.patch for e in edits if e.patch is not None]

    def patch(members):
        for p in patches:
            p(members)
    combined = Edit("; ".join(f"{k}: {e.detail}" for k, e in zip(kinds, edits)), patch=patch if patches else None)
    if not structural:          # a cell named before the rows or columns moved is elsewhere now
        seen: set[tuple[str, str]] = set()
        for e in reversed(edits):   # a cell edited twice: the last edit says what it must give
            combined.must_name += [x for x in e.must_name if x not in seen]
            combined.expect += [x for x in e.expect if x[:2] not in seen]
            seen |= set(e.must_name) | {x[:2] for x in e.expect}
    return combined


# --------------------------------------------------------------------------- zip-level patches
def _sheet_member(members: dict[str, bytes], title: str) -> str:
    workbook = members["xl/workbook.xml"].decode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    from xml.sax.saxutils import escape

    rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % re.escape(escape(title, {'"': "&quot;"})), workbook).group(1)
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*/>' % rid, rels) or re.search(r'<Relationship [^>]*Target="[^"]+"[^>]*Id="%s"' % rid, rels)
    path = re.search(r'Target="([^"]+)"', target.group(0)).group(1)
    return path.lstrip("/") if path.startswith("/") else f"xl/{path}"


def _add_cached_value(members: dict[str, bytes], title: str, where: str, cached: str, kind: str) -> None:
    from xml.sax.saxutils import escape

    member = _sheet_member(members, title)
    pattern = re.compile(rb'<c r="%s"([^>]*)>(<f>.*?</f>)(<v\s*/>|<v></v>)?</c>' % where.encode(), re.S)

    def fill(match):
        attrs = re.sub(rb'\s*t="[^"]*"', b"", match.group(1))
        if kind:
            attrs += b' t="%s"' % kind.encode()
        return b'<c r="%s"%s>%s<v>%s</v></c>' % (where.encode(), attrs, match.group(2), escape(cached).encode())
    members[member], count = pattern.subn(fill, members[member])
    if count != 1:
        raise RuntimeError(f"{title}!{where}: no formula cell to give a cached value")


def _to_shared_strings(members: dict[str, bytes], rich: str = "") -> None:
    """Inline strings (what openpyxl writes) -> a shared-strings table; ``rich`` in two runs."""
    from xml.sax.saxutils import escape

    shared: dict[str, int] = {}

    def to_shared(match: re.Match) -> str:
        index = shared.setdefault(match.group(3), len(shared))
        return f'<c{match.group(1)}{match.group(2)} t="s"><v>{index}</v></c>'
    for name in list(members):
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            members[name] = re.sub(r'<c([^>]*?) t="inlineStr"([^>]*)><is>(.*?)</is></c>', to_shared,
                                   members[name].decode("utf-8"), flags=re.S).encode("utf-8")
    def item(body: str) -> str:
        import html

        if rich and html.unescape(re.sub(r"<[^>]+>", "", body)) == rich:
            half = len(rich) // 2
            return (f'<si><r><t xml:space="preserve">{escape(rich[:half])}</t></r><r><rPr><b/></rPr>'
                    f'<t xml:space="preserve">{escape(rich[half:])}</t></r></si>')
        return f"<si>{body}</si>"
    members["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">'
        + "".join(item(body) for body in shared) + "</sst>").encode("utf-8")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


# --------------------------------------------------------------------------- making mutants
_TEMPLATE_BYTES: dict[Path, bytes] = {}


def mutate(template: Path, kind: str, rng: random.Random, out: Path, stem: str) -> Mutant:
    """Apply mutation ``kind`` to ``template`` and write the result as ``out/stem.<suffix>``."""
    data = _TEMPLATE_BYTES.setdefault(template, template.read_bytes())
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit = MUTATIONS[kind].apply(book, rng)
    buffer = io.BytesIO()
    book.save(buffer)
    payload = buffer.getvalue()
    if edit.patch is not None:
        with zipfile.ZipFile(io.BytesIO(payload)) as source:
            members = {name: source.read(name) for name in source.namelist()}
        edit.patch(members)
        rewritten = io.BytesIO()
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for name, content in members.items():
                target.writestr(name, content)
        payload = rewritten.getvalue()
    path = out / f"{stem}{edit.suffix}"
    path.write_bytes(payload)
    return Mutant(path, kind, edit.detail, edit.must_name, edit.expect)


@dataclass(frozen=True)
class Recipe:
    """How to make one mutant: the same recipe always makes the same file."""

    kind: str
    template: Path
    seed: int
    out: Path
    stem: str

    def make(self) -> Mutant:
        self.out.mkdir(parents=True, exist_ok=True)
        return mutate(self.template, self.kind, random.Random(self.seed), self.out, self.stem)


def recipes(templates: list[Path], out: Path, *, seed: int, per_kind: int | dict[str, int],
            kinds: list[str] | None = None) -> list[Recipe]:
    """``per_kind`` mutants of each kind (a number, or kind -> number), each from a template drawn
    at random: seeded, so a failure can be made again from its recipe."""
    rng = random.Random(seed)
    made = []
    for kind in kinds or list(MUTATIONS):
        count = per_kind if isinstance(per_kind, int) else per_kind.get(kind, 0)
        for i in range(count):
            template = rng.choice(templates)
            stem = f"{kind}-{i:03d}-{template.stem.removeprefix('cchc-2018-')}"
            made.append(Recipe(kind, template, rng.getrandbits(64), out, stem))
    return made


def random_mutants(templates: list[Path], out: Path, *, seed: int, per_kind: int,
                   kinds: list[str] | None = None) -> list[Mutant]:
    """``per_kind`` mutants of each kind, made here (see :func:`recipes`)."""
    return [recipe.make() for recipe in recipes(templates, out, seed=seed, per_kind=per_kind, kinds=kinds)]
