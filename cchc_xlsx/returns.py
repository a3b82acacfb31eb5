"""Read stage for returns: one agency's workbook, whatever they did to it, matched to its agency.

A return is read with the same table finder and normaliser as a plan (columns found by their
header text, Vietnamese numbers, …). On top of that it is matched to its agency and template
version (by the template's hidden metadata, or by its rows when the metadata is gone), and the
formula cells saved without a value are recomputed where they are our own subtotals.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .agencies import Registry
from .checks._common import dong, trieu
from .checks.budget import grand_total, subtotals, text_left_out
from .findings import Finding
from .glossary import FIELD_LABELS
from .normalise import Plan, cell_of, plausible, set_field
from .outputs import (CONSOLIDATED, DIFF, FEEDBACK, FEEDBACK_SHEET_NAMES, PROGRESS, archive_output_kind, is_leftover_temp,
                      output_kind)
from .notation import NotANumber, clean_text, parse_number
from .pipeline import plan_from_book
from .scan import Inflated, formula_without_value
from .templates import (LISTS_SHEET, META_SHEET, SHEET_MONITORING, SHEET_PLAN, TEMPLATE_VERSION, activity_owners,
                        plan_id)
from .workbook import (SUPPORTED_SUFFIXES, Book, FileProblem, column_index, document_saved, formulas_without_values,
                       Source, is_folder, is_regular_file, open_book, open_source, path_exists,
                       read_bytes)

__all__ = ["ReturnFile", "read_return", "read_return_file", "match_return", "collect_files", "saved_at", "tell_apart",
           "parse_timestamp"]


@dataclass
class ReturnFile:
    """One file read as a return. ``status``: read, unreadable, skipped."""

    path: Path
    status: str = "read"
    agency: str = ""
    matched_by: str = ""               # metadata, content, or "" (not matched)
    meta: dict[str, str] = field(default_factory=dict)
    plan: Plan | None = None           # the return's own frames (its provenance: this file's cells)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    saved: dt.datetime | None = None
    size: int = 0                      # size and SHA-256 of the bytes read ("" when none were)
    sha256: str = ""
    subtotal_findings: list[Finding] = field(default_factory=list)   # its own subtotals, checked in it
    conflict: str = ""                 # the agency its metadata names, when its rows are another's

    display: str = ""                  # the name shown, when two returns share a file name (see tell_apart)

    @property
    def name(self) -> str:
        return self.display or self.path.name


def tell_apart(returns: list[ReturnFile]) -> None:
    """Returns that share a file name (every agency sends «bao-cao.xlsx», saved in folders of their
    own) are named by their path from the folder the two have in common (``lan-1/bao-cao.xlsx``):
    in their findings, their rows' provenance, the Nguồn sheet and the merge's bookkeeping. Any return
    with ``path``, ``name``, ``display``, ``findings`` and ``plan`` (None for a progress return) will do."""
    by_name: dict[str, list[ReturnFile]] = {}
    for ret in returns:
        by_name.setdefault(ret.path.name, []).append(ret)
    for same in by_name.values():
        if len(same) < 2:
            continue
        common = Path(os.path.commonpath([str(ret.path.parent.resolve()) for ret in same]))
        for ret in same:
            old = ret.name
            ret.display = str(ret.path.resolve().relative_to(common))   # the one in that folder: its name
            for finding in ret.findings + getattr(ret, "subtotal_findings", []):
                if finding.file == old:
                    finding.file = ret.display
            if ret.plan is not None:
                for table in ("plan", "monitoring"):
                    ret.plan.set_column(table, "file", [ret.display if file == old else file
                                                        for file in ret.plan.column(table, "file")])


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, Finding]]]:
    """Every file named or found in the named folders, in a stable order; what is skipped, with why.

    Never raises: a folder that cannot be listed is a finding; every entry with a spreadsheet's
    name is kept whatever it is (a broken link, a pipe, a file gone since), for the reader to say
    what it is (see :func:`cchc_xlsx.workbook.read_bytes`); nothing is opened here.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, Finding]] = []
    for path in paths:
        if is_folder(path):
            files.extend(_walk(path, skipped))
        else:
            files.append(path)
    chosen = []
    for path in files:
        if path.name.startswith("~$"):
            skipped.append((path, Finding("file-skipped", file=path.name, params={"reason": (
                "tệp khóa tạm của Excel (~$…), tạo ra khi tệp đang mở; không phải báo cáo",
                "an Excel lock file (~$…), made while a workbook is open; not a return")})))
        elif is_leftover_temp(path):
            skipped.append((path, Finding("file-skipped", file=path.name, params={"reason": (
                "tệp tạm do một lần chạy cchc-xlsx bị ngắt để lại khi đang ghi; không phải báo cáo, có thể xóa",
                "a temporary file left by a cchc-xlsx run interrupted while writing; not a return, it can be deleted")})))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES and path_exists(path):
            skipped.append((path, Finding("file-skipped", file=path.name, params={"reason": (
                f"không phải bảng tính ({path.suffix or 'không có đuôi'}); chỉ đọc .xlsx, .xlsm, .xls, .ods",
                f"not a spreadsheet ({path.suffix or 'no extension'}); only .xlsx, .xlsm, .xls, .ods are read")})))
        else:
            chosen.append(path)
    return chosen, skipped


def _walk(folder: Path, skipped: list[tuple[Path, Finding]]) -> list[Path]:
    """Every entry under ``folder`` but folders, sorted by path; a folder that cannot be listed
    (no permission, removed meanwhile) is a ``file-unreadable`` finding."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            entries = list(entries)
    except OSError as exc:
        reason = "không có quyền đọc thư mục" if isinstance(exc, PermissionError) else \
            f"không đọc được thư mục ({exc.strerror or type(exc).__name__})"
        reason_en = "permission denied on the folder" if isinstance(exc, PermissionError) else \
            f"the folder cannot be listed ({exc.strerror or type(exc).__name__})"
        skipped.append((folder, Finding("file-unreadable", file=folder.name, params={"reason": (reason, reason_en)})))
        return found
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            found.extend(_walk(path, skipped))
        else:
            found.append(path)
    return sorted(found)


def read_return(path: Path, plan: Plan, registry: Registry) -> ReturnFile:
    """Read one return against the plan. Never raises for a bad file: it becomes a finding."""
    return match_return(read_return_file(path, registry, year=plan.year), plan, registry)


def read_return_file(path: Path, registry: Registry, *, year: int | None = None,
                     reader: str = "calamine") -> ReturnFile:
    """The part of reading a return that needs no plan: open it, find its tables, normalise its rows.

    Months without a year are taken in ``year`` (the plan's), else in the year the return's own
    titles say; :func:`match_return` reads the file again in the rare case the two differ.
    """
    result = ReturnFile(path)
    try:
        source = open_source(path)                                     # the bytes, read once
        kind = _own_output_kind(path, source)                          # our own output: known before parsing
        if not kind:
            book = open_book(path, reader=reader, skip=(LISTS_SHEET, *FEEDBACK_SHEET_NAMES),   # our own sheets
                             heads=(META_SHEET,), source=source)       # (hidden ones are read: an agency may hide
                                                                       # one); of the metadata, its keys (_metadata)
    except FileProblem as problem:
        kind = _own_output_kind(path)      # one of ours, damaged or renamed (~$…): still said as ours
        if not kind:
            code = "file-skipped" if problem.skipped else "file-unreadable"
            result.status = "skipped" if problem.skipped else "unreadable"
            result.findings.append(Finding(code, file=path.name, params={"reason": (problem.vi, problem.en)}))
            return result
    if not kind:
        result.size, result.sha256 = book.size, book.sha256
        kind = CONSOLIDATED if _looks_consolidated(book) else ""
    if kind:
        result.status = "skipped"
        result.findings.append(Finding("file-skipped", file=path.name, params={"reason": _OWN_OUTPUT[kind]}))
        return result
    result.saved = book.saved or _modified(path)
    try:
        result.meta = _metadata(book)
        result.plan = plan_from_book(book, year=year, registry=registry, template=True)
    except FileProblem:
        result.status = "unreadable"
        result.findings.extend(book.findings)
        result.findings.append(Finding("wrong-template", file=path.name, params={"reason": (
            "không có dòng tiêu đề «STT», «Nội dung công việc»", "no header row with «STT», «Nội dung công việc»")}))
        return result
    except Exception as exc:       # a fault of this program on this file: the file is named, the run goes on
        return _failed(result, book, exc)
    result.rows_read = result.plan.size("plan") + result.plan.size("monitoring")
    result.findings.extend(result.plan.findings)
    result.findings.extend(_tables_missing(book, result.plan))
    try:
        _recompute_formulas(result, path, registry, book.inflated)
        result.subtotal_findings = text_left_out(result.plan, subtotals(result.plan) + own_total(result.plan),
                                                 result.findings)
    except Exception as exc:
        return _failed(result, book, exc)
    return result


def _own_output_kind(path: Path, source: Source | None = None) -> str:
    """Which of our own outputs an .xlsx/.xlsm return is (outputs.output_kind), "" for any other file:
    from the zip ``source`` has opened, else from the file (whose zip directory zipfile finds even
    behind bytes that make it no workbook for the reader: such a file of ours is skipped, not
    unreadable)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return ""
    if source is not None and source.archive is not None:
        return archive_output_kind(source.archive)
    return output_kind(path) if is_regular_file(path) else ""


def _tables_missing(book: Book, plan: Plan) -> list[Finding]:
    """``table-missing`` for a template sheet (Phụ lục 1, Phụ lục 2) that holds rows but where no
    table of its kind was found (its header row deleted or overwritten): its rows are not read, and
    the file must say so once, not only through a ``missing-row`` per row of the plan."""
    findings = []
    for name, table, label in ((SHEET_PLAN, "plan", "Phụ lục 1"), (SHEET_MONITORING, "monitoring", "Phụ lục 2")):
        sheet = book.sheet(name)
        if sheet is None or plan.size(table):
            continue
        filled = sum(1 for row in sheet.rows if any(v not in (None, "") for v in row))
        if filled:
            findings.append(Finding("table-missing", file=book.path.name, sheet=name, cell="A1",
                                    found=str(filled), params={"table": label}))
    return findings


def _failed(result: ReturnFile, book: Book, exc: Exception) -> ReturnFile:
    """A return this program failed on (a bug, not the file's fault): ``file-unreadable``, with the
    error, and none of its rows used; the other returns are consolidated."""
    reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    result.status, result.plan, result.rows_read = "unreadable", None, 0
    result.findings = list(book.findings) + [Finding("file-unreadable", file=result.name, params={"reason": (
        f"chương trình gặp lỗi khi đọc tệp này ({reason}); hãy báo cho người quản trị kèm tệp",
        f"the program failed on this file ({reason}); report it with the file")})]
    return result


_OWN_OUTPUT = {
    CONSOLIDATED: ("bảng tổng hợp do cchc-xlsx ghi ra (lần chạy trước), không phải báo cáo của đơn vị",
                   "a consolidated workbook written by cchc-xlsx (an earlier run), not an agency's return"),
    FEEDBACK: ("bản góp ý do cchc-xlsx ghi ra (check --feedback), chưa được đơn vị sửa; không phải báo cáo",
               "a feedback copy written by cchc-xlsx (check --feedback), not edited since; not a return"),
    DIFF: ("bảng so sánh hai kế hoạch do cchc-xlsx ghi ra (diff), không phải báo cáo của đơn vị",
           "a comparison of two plans written by cchc-xlsx (diff), not an agency's return"),
    PROGRESS: ("bảng tổng hợp tiến độ do cchc-xlsx ghi ra (progress), không phải báo cáo của đơn vị",
               "a progress workbook written by cchc-xlsx (progress), not an agency's return"),
}
#: The sheets of the consolidated workbook that no template has (cchc_xlsx/write): a copy that lost its
#: document properties (saved through another program) is still known by them.
_CONSOLIDATED_SHEETS = {"Tổng hợp", "Kiểm tra", "Nguồn"}


def _looks_consolidated(book: Book) -> bool:
    return _CONSOLIDATED_SHEETS <= {sheet.name for sheet in book.sheets}


def own_total(plan: Plan) -> list[Finding]:
    """A return's own ``Tổng cộng``, when it holds a number (typed over its formula, or the
    formula's cached value), against what its rows add up to: its tasks, or its activities when
    a task's subtotal has no value. Not checked, a typed total would be read and dropped silently."""
    if plan.stated_total is None:
        return []
    tasks = plan.rows("plan", "task")
    if tasks and all(row["budget"] == row["budget"] for row in tasks):
        return grand_total(plan)
    expected = sum(dong(row["budget"]) for row in plan.rows("plan", "activity"))
    if dong(plan.stated_total) == expected:
        return []
    file, sheet, cell = plan.stated_total_at
    return [Finding("total-mismatch", file=file, sheet=sheet, cell=cell, found=trieu(dong(plan.stated_total)),
                    expected=trieu(expected))]


def match_return(result: ReturnFile, plan: Plan, registry: Registry, *, reader: str = "calamine") -> ReturnFile:
    """The part that needs the plan: which agency sent the return, and whether it is this plan's template."""
    if result.plan is None:
        return result
    if result.plan.year != plan.year:    # read before the plan was: read again in the plan's year
        result = read_return_file(result.path, registry, year=plan.year, reader=reader)
        if result.plan is None:
            return result
    _match_agency(result, plan, registry)
    _check_version(result, plan)
    return result


# --------------------------------------------------------------------------- metadata and matching
def _metadata(book: Book) -> dict[str, str]:
    sheet = book.sheet(META_SHEET)
    if sheet is None:
        return {}
    meta = {}
    for row in sheet.rows:
        key = clean_text(row[0] if row else None)
        if not key:
            break
        meta[key] = clean_text(row[1] if len(row) > 1 else None)
    return meta


def _match_agency(result: ReturnFile, plan: Plan, registry: Registry) -> None:
    """The agency a return comes from: its metadata, else the agency most of its activities belong to."""
    if result.meta.get("scope") == "all":
        result.agency, result.matched_by = "Sở Nội vụ", "metadata"
        return
    owner = activity_owners(plan)
    codes = [code for code, proposed in zip(result.plan.column("plan", "code"), result.plan.column("plan", "proposed"))
             if not proposed and code in owner]
    votes = Counter(map(owner.__getitem__, codes))        # agency -> its rows, in the order first met
    by_rows = ""
    if votes:
        agency, count = max(votes.items(), key=lambda kv: kv[1])
        if count * 2 > len(codes):
            by_rows = agency
    named = result.meta.get("agency", "")
    if not named:
        if by_rows:
            result.agency, result.matched_by = by_rows, "content"
        return
    agency, _ = registry.resolve(named)
    named = agency.name if agency else named
    result.agency, result.matched_by = named, "metadata"
    if codes and votes.get(named, 0) * 2 < len(codes):      # under half its own rows
        owners = sorted(votes, key=lambda a: (-votes[a], a))
        _agency_conflict(result, named, by_rows, votes.get(named, 0), len(codes),
                         ", ".join(owners[:3]) + (", …" if len(owners) > 3 else ""))


def _agency_conflict(result: ReturnFile, named: str, by_rows: str, own: int, total: int, owners: str) -> None:
    """The metadata names one agency, most of the rows are another's (a copied or re-used template).

    The rows decide: the return counts as the rows' agency's, ranked below any return of that agency
    whose metadata is its own (:func:`cchc_xlsx.consolidate._choose_returns`); it is never the named
    agency's return, so it cannot replace that agency's real one. With no agency owning most rows,
    it is not used at all.
    """
    result.conflict = named
    result.agency, result.matched_by = by_rows, ("content" if by_rows else "")
    if by_rows:
        reason = (f"Chỉ {own}/{total} hoạt động thuộc {named}. Tệp được tính là báo cáo của {by_rows} nếu {by_rows} "
                  f"không gửi tệp nào khác, và không thay cho báo cáo của {named}. Hãy dùng đúng biểu mẫu của đơn vị mình.",
                  f"Only {own}/{total} activities belong to {named}. The file counts as {by_rows}'s return if "
                  f"{by_rows} sent no other file, and never replaces {named}'s return. Use your own agency's template.")
    else:
        reason = (f"Chỉ {own}/{total} hoạt động thuộc {named} và không đơn vị nào có quá nửa số dòng: tệp không được "
                  f"dùng và không thay cho báo cáo của {named}.",
                  f"Only {own}/{total} activities belong to {named} and no agency owns most rows: the file is not "
                  f"used and does not replace {named}'s return.")
    result.findings.append(Finding("agency-conflict", agency=by_rows or named, file=result.name, sheet=META_SHEET,
                                   expected=named, found=by_rows or owners, params={"reason": reason}))


def _check_version(result: ReturnFile, plan: Plan) -> None:
    meta = result.meta
    if not meta:
        return
    version = meta.get("template_version", "")
    if version != TEMPLATE_VERSION:
        result.findings.append(Finding("template-version", agency=result.agency, file=result.name,
                                       sheet=META_SHEET, found=version or "?", expected=TEMPLATE_VERSION))
    if meta.get("plan_id") and meta["plan_id"] != plan_id(plan):
        result.findings.append(Finding("wrong-template", agency=result.agency, file=result.name, sheet=META_SHEET,
                                       found=meta["plan_id"], expected=plan_id(plan), params={"reason": (
                                           f"biểu mẫu của một kế hoạch khác (mã {meta['plan_id']}, kế hoạch này: {plan_id(plan)})",
                                           f"a template of another plan (id {meta['plan_id']}, this plan: {plan_id(plan)})")}))


def saved_at(path: Path) -> dt.datetime | None:
    """When the file was last saved, as the file itself says (docProps/core.xml, meta.xml, in UTC,
    any offset applied), else its mtime; None when neither can be read. Never raises."""
    try:
        saved = document_saved(read_bytes(Path(path)))
    except FileProblem:
        saved = None
    return saved or _modified(path)


def _modified(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(os.path.getmtime(path), dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    except (OSError, ValueError, OverflowError):
        return None


_TIMESTAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
                        r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?", re.I)


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 / W3C time (``2018-01-08T10:15:00+07:00``, ``2018-01-08T03:15:00.5Z``,
    ``2018-01-08``) as a naive UTC datetime, to the second; a time without a zone is taken as UTC
    (what Office writes). None when it is not one."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        stamp = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if zone and zone.upper() != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            stamp -= sign * offset
    except (ValueError, OverflowError):
        return None
    return stamp


# --------------------------------------------------------------------------- formulas saved without a value
_OWN_SUM = re.compile(r"(SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+(\+[A-Z]+\d+)*|0)", re.I)
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.USub: operator.neg, ast.UAdd: operator.pos}
#: Longest formula computed here: longer ones (thousands of terms, nested thousands deep) are reported.
_MAX_FORMULA = 1000


def _arithmetic(formula: str) -> float | None:
    """The value of a formula made of numbers and + - * / only (``=10+5,5``), else None.

    None too for what cannot be computed safely: a formula over :data:`_MAX_FORMULA` characters or
    nested too deep, a division by zero, an overflow or a result that is not finite (``=1E+300*1E+300``).
    """
    text = formula.lstrip("=").replace(",", ".").strip()
    if len(text) > _MAX_FORMULA:
        return None

    def value(node) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.operand))
        raise ValueError(text)

    try:
        result = value(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError, MemoryError):
        return None
    return result if math.isfinite(result) else None


_TEXT_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(&|,|\(|\))|((?:_xlfn\.)?[A-Za-z]+)(?=\s*\())')
_TEXT_FUNCTIONS = {"CONCATENATE", "CONCAT", "_XLFN.CONCAT"}


def _text_formula(formula: str) -> str | None:
    """The value of a text formula made of string literals, numbers, ``&`` and CONCATENATE/CONCAT
    (``="Tháng "&"03"``, ``=CONCATENATE("Sở ","Tư pháp")``, ``="Hàng quý"``), else None."""
    text = formula.lstrip("=").strip()
    if len(text) > _MAX_FORMULA:
        return None
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TEXT_TOKEN.match(text, position)
        if not match or match.end() == position:
            return None
        string, number, symbol, function = match.groups()
        if string is not None:
            tokens.append(("text", string.replace('""', '"')))
        elif number is not None:
            tokens.append(("text", _number_as_text(float(number))))
        elif symbol is not None:
            tokens.append((symbol, symbol))
        else:
            if function.upper() not in _TEXT_FUNCTIONS:
                return None
            tokens.append(("function", function))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    # concatenation := item ("&" item)* ; item := text | function "(" concatenation ("," concatenation)* ")" |
    # "(" concatenation ")". Evaluated with an explicit stack: no recursion, whatever the nesting.
    stack: list[list[str]] = [[]]             # the parts of each open call or parenthesis
    expect_item = True
    for kind, value in tokens:
        if expect_item:
            if kind == "text":
                stack[-1].append(value)
                expect_item = False
            elif kind == "function":
                stack.append([])
                stack[-1].append("\0call")
            elif kind == "(":
                if stack[-1] and stack[-1][-1] == "\0call":
                    stack[-1].pop()
                    stack[-1].append("\0args")
                else:
                    stack.append(["\0group"])
            else:
                return None
        elif kind == "&":
            expect_item = True
        elif kind == "," and len(stack) > 1 and stack[-1][0] == "\0args":
            stack[-1].append("\0sep")
            expect_item = True
        elif kind == ")" and len(stack) > 1:
            frame = stack.pop()
            stack[-1].append("".join(part for part in frame[1:] if part != "\0sep"))
        else:
            return None
        if len(stack) > 64:
            return None
    if expect_item or len(stack) != 1:
        return None
    return "".join(stack[0])


def _number_as_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


#: The fields read from a return, per table: field -> the record key holding its text as read.
_READ_FIELDS = {
    "plan": {"content": "content", "indicator": "indicator", "evidence": "evidence", "month_from": "from_text",
             "month_to": "to_text", "budget": "budget_text", "lead": "lead", "partners": "partners"},
    "monitoring": {"content": "content", "indicator": "indicator", "evidence": "evidence", "frequency": "frequency",
                   "collector": "collector", "reporter": "reporter"},
}
#: How a finding names each field, Vietnamese (the column's header) and English.
_FIELD_NAMES = {name: (label, name.replace("_", " ")) for name, label in FIELD_LABELS.items()} | {
    "month_from": (FIELD_LABELS["month_from"], "start month"), "month_to": (FIELD_LABELS["month_to"], "end month"),
    "lead": (FIELD_LABELS["lead"], "lead agency"), "partners": (FIELD_LABELS["partners"], "partner agencies"),
}


def _recompute_formulas(result: ReturnFile, path: Path, registry: Registry,
                        inflated: Inflated | None = None) -> None:
    """Cells of the fields read (indicator, evidence, months, budget, partners, frequency, collector,
    reporter, content, lead) that hold a formula saved without its result: they read as blank.

    Our own subtotals (output, task, total rows) are recomputed from their rows by every later
    stage anyway, so they are left as blanks, silently. Plain arithmetic (``=10+5``) and simple
    text formulas (``="Tháng "&"03"``, ``=CONCATENATE(…)``) are computed and said (info); any other
    formula is reported (``formula-no-value``, naming the field) and the cell counts as blank.
    Only .xlsx/.xlsm files, and only when a field read is blank somewhere. A program that saves
    formulas without their values (openpyxl, some scripts) does so for every formula, our
    template's subtotals too, whose budgets then read blank: a template whose subtotals kept their
    values is not scanned. So an ordinary file costs one pass over its rows. ``inflated``: the
    file's sheets as reading it left them (:attr:`cchc_xlsx.workbook.Book.inflated`), not inflated again.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    tables = {table: result.plan.rows(table) for table in _READ_FIELDS}
    if all(row[key] for table, rows in tables.items() for row in rows for key in _READ_FIELDS[table].values()):
        return  # a formula saved without its value reads as a blank: no blank, nothing to look for
    if result.meta and all(row["budget_text"] for row in tables["plan"]):
        return  # our template's subtotal formulas kept their values: so did the program that saved it
    if not any(row["budget_text"] == "" for row in tables["plan"]) and not _has_formula_without_value(path, inflated):
        return  # not our template: one search of each sheet's XML says whether any formula lost its value
    missing = formulas_without_values(path, inflated)
    if not missing:
        return
    for table, rows in tables.items():
        changed = False
        for row in rows:
            cells = missing.get(row["sheet"])
            if not cells:
                continue
            for name, key in _READ_FIELDS[table].items():
                if row[key]:
                    continue
                ref = cell_of(row, name)
                if not ref:
                    continue
                letters = "".join(ch for ch in ref if ch.isalpha())
                formula = cells.get((int(ref[len(letters):]) - 1, column_index(letters)))
                if formula is None:
                    continue
                if name == "budget" and row["level"] != "activity" and _OWN_SUM.fullmatch(formula.replace(" ", "")):
                    continue
                changed |= _formula_value(result, row, table, name, ref, formula, registry)
        if changed:
            result.plan.changed(table)


def plan_formulas(plan: Plan, path: Path, registry: Registry, inflated: Inflated | None = None) -> list[Finding]:
    """The findings of :func:`_recompute_formulas` on a plan file (``read``, ``consolidate --plan``):
    a formula saved without its value in a field read is computed where it is simple and said, else
    named (``formula-no-value``), never read as a blank cell without a word. ``inflated``: the file's
    sheets as reading it left them (a large sheet is then not inflated again)."""
    result = ReturnFile(Path(path), plan=plan)
    _recompute_formulas(result, Path(path), registry, inflated)
    return result.findings


def _has_formula_without_value(path: Path, inflated: Inflated | None = None) -> bool:
    """Whether a worksheet of the file holds a formula saved without its value: a cheap search of
    each sheet's XML (the full scan, :func:`formulas_without_values`, runs only when one does); of
    the XML ``inflated`` holds, or what its scan found, when it is given."""
    try:
        if inflated is not None:
            return any(inflated.formula_without_value(info.filename) for info in inflated.archive.infolist()
                       if _is_worksheet(info.filename))
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if _is_worksheet(info.filename) and formula_without_value(archive.read(info)):
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return False
    return False


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _formula_value(result: ReturnFile, row: dict, table: str, name: str, ref: str, formula: str,
                   registry: Registry) -> bool:
    """Compute one formula saved without a value into ``row`` where it is simple; say so either way."""
    finding = Finding("formula-no-value", agency=row.get("funded_agency", ""), file=result.name, sheet=row["sheet"],
                      cell=ref, row_code=row["code"], field=name,
                      found=f"={formula}" if len(formula) <= 120 else f"={formula[:120]}… ({len(formula)} ký tự)",
                      params={"field_label": _FIELD_NAMES[name]})
    result.findings.append(finding)
    value: object = _arithmetic(formula) if '"' not in formula and "&" not in formula else None
    if value is None:
        value = _text_formula(formula)
    if name == "budget":
        try:
            value = parse_number(value) if value is not None else None
        except NotANumber:
            value = None
        if value is not None and (row["level"] != "activity" or not plausible(value)):
            value = None
    elif isinstance(value, float):
        value = _number_as_text(value)
    if value is None or value == "":
        finding.params["reason"] = ("Chưa tính được nên coi như ô trống: hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
                                    "It cannot be computed here, so the cell counts as blank: open the file "
                                    "in Excel, save it and send it again.")
        return False
    shown = f"{value:g}" if isinstance(value, float) else value
    finding.severity = "info"
    finding.expected = str(shown)
    finding.params["reason"] = (f"Đã tính lại: {shown}.", f"Recomputed: {shown}.")
    _set_field(row, name, value, result.plan.year, registry)
    return True


def _set_field(row: dict, name: str, value: object, year: int | None, registry: Registry) -> None:
    """Put a computed value into a row record, with what the normaliser derives from it."""
    if name == "budget":
        row["budget"], row["budget_text"] = value, _number_as_text(value)
    else:
        set_field(row, name, value, year or dt.date.today().year, registry)
