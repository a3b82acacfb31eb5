"""Read stage for returns: one agency's workbook, whatever they did to it, matched to its agency.

A return is read with the same table finder and normaliser as a plan (columns found by their
header text, Vietnamese numbers, …). On top of that it is matched to its agency and template
version (by the template's hidden metadata, or by its rows when the metadata is gone), and the
formula cells saved without a value are recomputed where they are our own subtotals.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .agencies import Registry
from .checks._common import dong, trieu
from .checks.budget import grand_total, subtotals
from .findings import Finding
from .normalise import Plan, cell_of
from .notation import clean_text
from .pipeline import plan_from_book
from .templates import META_SHEET, TEMPLATE_VERSION, activity_owners, plan_id
from .workbook import SUPPORTED_SUFFIXES, Book, FileProblem, column_index, formulas_without_values, open_book

__all__ = ["ReturnFile", "read_return", "read_return_file", "match_return", "collect_files", "saved_at"]


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
    size: int = 0
    subtotal_findings: list[Finding] = field(default_factory=list)   # its own subtotals, checked in it

    @property
    def name(self) -> str:
        return self.path.name


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, Finding]]]:
    """Every file named or found in the named folders, in a stable order; what is skipped, with why."""
    files: list[Path] = []
    skipped: list[tuple[Path, Finding]] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            files.append(path)
    chosen = []
    for path in files:
        if path.name.startswith("~$"):
            skipped.append((path, Finding("file-skipped", file=path.name, params={"reason": (
                "tệp khóa tạm của Excel (~$…), tạo ra khi tệp đang mở; không phải báo cáo",
                "an Excel lock file (~$…), made while a workbook is open; not a return")})))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES and path.exists():
            skipped.append((path, Finding("file-skipped", file=path.name, params={"reason": (
                f"không phải bảng tính ({path.suffix or 'không có đuôi'}); chỉ đọc .xlsx, .xlsm, .xls, .ods",
                f"not a spreadsheet ({path.suffix or 'no extension'}); only .xlsx, .xlsm, .xls, .ods are read")})))
        else:
            chosen.append(path)
    return chosen, skipped


def read_return(path: Path, plan: Plan, registry: Registry) -> ReturnFile:
    """Read one return against the plan. Never raises for a bad file: it becomes a finding."""
    return match_return(read_return_file(path, registry, year=plan.year), plan, registry)


def read_return_file(path: Path, registry: Registry, *, year: int | None = None,
                     reader: str = "calamine") -> ReturnFile:
    """The part of reading a return that needs no plan: open it, find its tables, normalise its rows.

    Months without a year are taken in ``year`` (the plan's), else in the year the return's own
    titles say; :func:`match_return` reads the file again in the rare case the two differ.
    """
    result = ReturnFile(path, size=path.stat().st_size if path.exists() else 0)
    try:
        book = open_book(path, hidden=(META_SHEET,), reader=reader)
    except FileProblem as problem:
        code = "file-skipped" if problem.skipped else "file-unreadable"
        result.status = "skipped" if problem.skipped else "unreadable"
        result.findings.append(Finding(code, file=path.name, params={"reason": (problem.vi, problem.en)}))
        return result
    result.saved = saved_at(path)
    result.meta = _metadata(book)
    try:
        result.plan = plan_from_book(book, year=year, registry=registry)
    except FileProblem:
        result.status = "unreadable"
        result.findings.append(Finding("wrong-template", file=path.name, params={"reason": (
            "không có dòng tiêu đề «STT», «Nội dung công việc»", "no header row with «STT», «Nội dung công việc»")}))
        return result
    result.rows_read = result.plan.size("plan") + result.plan.size("monitoring")
    result.findings.extend(result.plan.findings)
    _recompute_formulas(result, path)
    result.subtotal_findings = subtotals(result.plan) + own_total(result.plan)
    return result


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
    named = result.meta.get("agency", "")
    if named:
        agency, _ = registry.resolve(named)
        result.agency, result.matched_by = (agency.name if agency else named), "metadata"
        return
    owner = activity_owners(plan)
    votes: dict[str, int] = {}
    codes = [row["code"] for row in result.plan.rows("plan") if not row["proposed"] and row["code"] in owner]
    for code in codes:
        votes[owner[code]] = votes.get(owner[code], 0) + 1
    if votes:
        agency, count = max(votes.items(), key=lambda kv: kv[1])
        if count * 2 > len(codes):
            result.agency, result.matched_by = agency, "content"


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
    """When the file was last saved, as the file itself says (docProps/core.xml, meta.xml), else its mtime."""
    try:
        with zipfile.ZipFile(path) as archive:
            for member, pattern in (("docProps/core.xml", rb"<dcterms:modified[^>]*>([^<]+)<"),
                                    ("meta.xml", rb"<dc:date>([^<]+)<")):
                if member in archive.namelist():
                    match = re.search(pattern, archive.read(member))
                    if match:
                        text = match.group(1).decode().strip().rstrip("Z")
                        return dt.datetime.fromisoformat(text.split(".")[0])
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    try:
        return dt.datetime.fromtimestamp(os.path.getmtime(path)).replace(microsecond=0)
    except OSError:
        return None


# --------------------------------------------------------------------------- formulas saved without a value
_OWN_SUM = re.compile(r"(SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+(\+[A-Z]+\d+)*|0)", re.I)
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.USub: operator.neg, ast.UAdd: operator.pos}


def _arithmetic(formula: str) -> float | None:
    """The value of a formula made of numbers and + - * / only (``=10+5,5``), else None."""
    text = formula.lstrip("=").replace(",", ".").strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None

    def value(node) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.operand))
        raise ValueError(text)

    try:
        return value(tree)
    except (ValueError, ZeroDivisionError):
        return None


def _recompute_formulas(result: ReturnFile, path: Path) -> None:
    """Budget cells holding a formula saved without its result.

    Our own subtotals (output, task, total rows) are recomputed from their rows by every later
    stage anyway, so they are left as blanks, silently. An activity's budget that is plain
    arithmetic (``=10+5``) is computed and said (info); any other formula is reported and the
    budget counted as missing.
    """
    rows = result.plan.rows("plan")
    if path.suffix.lower() not in (".xlsx", ".xlsm") or all(row["budget_text"] for row in rows):
        return  # a formula saved without its value reads as a blank: no blank budget, nothing to look for
    missing = formulas_without_values(path)
    if not missing:
        return
    for row in rows:
        cells = missing.get(row["sheet"], {})
        ref = cell_of(row, "budget")
        if not ref:
            continue
        letters = "".join(ch for ch in ref if ch.isalpha())
        position = (int(ref[len(letters):]) - 1, column_index(letters))
        formula = cells.get(position)
        if formula is None:
            continue
        if row["level"] != "activity" and _OWN_SUM.fullmatch(formula.replace(" ", "")):
            continue
        value = _arithmetic(formula)
        finding = Finding("formula-no-value", agency=row["funded_agency"], file=result.name, sheet=row["sheet"],
                          cell=ref, row_code=row["code"], field="budget", found=f"={formula}")
        if value is not None and row["level"] == "activity":
            row["budget"], row["budget_text"] = value, f"={formula}"
            finding.severity = "info"
            finding.expected = f"{value:g}"
            finding.params["reason"] = (f"Đã tính lại: {value:g} triệu đồng.", f"Recomputed: {value:g} million đồng.")
        else:
            finding.params["reason"] = ("Chưa tính được nên coi như chưa có ngân sách: hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
                                        "It cannot be computed here, so the budget counts as missing: open the file "
                                        "in Excel, save it and send it again.")
        result.findings.append(finding)
    result.plan.changed("plan")

