"""Read stage for progress: each returned progress workbook, whatever was done to it, matched to its agency.

The tolerance of the plan returns' reader (cchc_xlsx/returns.py) on a smaller table: files found
in folders with lock files and temporary files skipped, unreadable files and our own outputs
named, columns found by their header text, numbers written as text in Vietnamese notation
(notation.py), matching by the template's hidden metadata or, when it is gone, by the rows' codes,
and one return per agency (the one saved last) when an agency sent several.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..agencies import Registry
from ..findings import Finding
from ..notation import NotANumber, clean_text, fold, parse_number
from ..outputs import output_kind
from ..returns import _OWN_OUTPUT, _metadata, _modified, collect_files, tell_apart
from ..templates import TEMPLATE_FORMAT as PLAN_TEMPLATE_FORMAT
from ..workbook import Book, FileProblem, Sheet, cell_ref, open_book
from .words import FIELD_NAMES, HEADER_FIELDS, NOT_REPORTED, TEMPLATE_FORMAT, parse_status

__all__ = ["Report", "ProgressReturn", "read_progress_file", "read_progress_files", "choose_returns", "find_table",
           "read_previous", "PROGRESS_SHEETS"]

#: The sheets of the progress workbook (cchc_xlsx/write/progress_book.py): found among returns, it is skipped.
PROGRESS_SHEETS = {"Tổng hợp", "Chi tiết", "Quá hạn"}
_CODE = re.compile(r"\d+(?:\.\d+)*")
_HEADER_ROWS = 40            # the header row is looked for in the first rows of a sheet
TEXT_FIELDS = ("evidence", "difficulties", "proposals")
LOCKED_FIELDS = ("content", "planned")


@dataclass
class Report:
    """What an agency reported on one activity. ``percent`` 0–100, ``disbursed`` in triệu đồng,
    None where blank (or unreadable: a finding says so); ``cells``: field -> A1 reference."""

    code: str
    status: str | None = None
    percent: float | None = None
    disbursed: float | None = None
    evidence: str = ""
    difficulties: str = ""
    proposals: str = ""
    sheet: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    file: str = ""
    locked: dict[str, object] = field(default_factory=dict)   # content, planned as the return holds them


@dataclass
class ProgressReturn:
    """One file read as a progress return. ``status``: read, unreadable, skipped, superseded, unexpected."""

    path: Path
    status: str = "read"
    agency: str = ""
    matched_by: str = ""                  # metadata, content, or ""
    meta: dict[str, str] = field(default_factory=dict)
    period: str = ""                      # the period its metadata names
    reports: dict[str, Report] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    saved: dt.datetime | None = None
    size: int = 0
    sha256: str = ""
    rows_read: int = 0
    display: str = ""
    plan = None                           # what returns.tell_apart expects of a return
    subtotal_findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.display or self.path.name


def _header_field(value: object) -> str:
    text = fold(clean_text(value))
    if not text:
        return ""
    if text in HEADER_FIELDS:
        return HEADER_FIELDS[text]
    for key, name in HEADER_FIELDS.items():        # a header with words added («Tình trạng (chọn)»)
        if len(key) > 3 and text.startswith(key):
            return name
    return ""


def find_table(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row (zero-based) of a progress table on ``sheet`` and field -> column; None when
    no row in the first rows names both a code column (``Mã``) and ``Tình trạng``."""
    for r, row in enumerate(sheet.rows[:_HEADER_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            name = _header_field(value)
            if name and name not in columns:
                columns[name] = c
        if "code" in columns and "status" in columns:
            return r, columns
    return None


def _table(book: Book) -> tuple[Sheet, int, dict[str, int]] | None:
    from .words import SHEET
    ordered = sorted(book.sheets, key=lambda s: s.name != SHEET)   # the template's own sheet first
    for sheet in ordered:
        found = find_table(sheet)
        if found:
            return sheet, found[0], found[1]
    return None


def read_progress_file(path: Path, *, reader: str = "calamine") -> ProgressReturn:
    """Open one progress return and read its table. Never raises for a bad file: it becomes a finding."""
    result = ProgressReturn(Path(path))
    if path.suffix.lower() in (".xlsx", ".xlsm") and output_kind(path):
        result.status = "skipped"
        result.findings.append(Finding("file-skipped", file=path.name, params={"reason": _OWN_OUTPUT[output_kind(path)]}))
        return result
    try:
        book = open_book(path, reader=reader)
    except FileProblem as problem:
        result.status = "skipped" if problem.skipped else "unreadable"
        result.findings.append(Finding("file-skipped" if problem.skipped else "file-unreadable", file=path.name,
                                       params={"reason": (problem.vi, problem.en)}))
        return result
    result.size, result.sha256 = book.size, book.sha256
    result.saved = book.saved or _modified(path)
    result.findings.extend(book.findings)
    if PROGRESS_SHEETS <= {sheet.name for sheet in book.sheets}:
        result.status = "skipped"
        result.findings.append(Finding("file-skipped", file=path.name, params={"reason": (
            "bảng tổng hợp tiến độ do cchc-xlsx ghi ra (lần chạy trước), không phải báo cáo của đơn vị",
            "a progress workbook written by cchc-xlsx (an earlier run), not an agency's return")}))
        return result
    result.meta = _metadata(book)
    result.period = result.meta.get("period", "") if result.meta.get("format") == TEMPLATE_FORMAT else ""
    found = _table(book)
    if found is None:
        result.status = "unreadable"
        reason = ("đây là biểu mẫu kế hoạch (Phụ lục 1, 2), không phải biểu mẫu tiến độ",
                  "this is a plan template (Phụ lục 1, 2), not a progress template") \
            if result.meta.get("format") == PLAN_TEMPLATE_FORMAT else \
            ("không có dòng tiêu đề có «Mã» và «Tình trạng»", "no header row with «Mã» and «Tình trạng»")
        result.findings.append(Finding("progress-table-missing", file=path.name, params={"reason": reason}))
        return result
    sheet, header, columns = found
    _read_rows(result, sheet, header, columns)
    _percent_formats(result, path)
    return result


def _percent_formats(result: ProgressReturn, path: Path) -> None:
    """A completion typed as «80%» is stored by Excel as 0,8 in a percent format: read as 80, and said
    (``progress-percent-format``). Only a value in (0, 1] can be one, so the file's formats are read
    (openpyxl) only when one is there."""
    suspects = [r for r in result.reports.values() if r.percent is not None and 0 < r.percent <= 1]
    if not suspects or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:            # read already by calamine: a file openpyxl cannot open keeps its values
        return
    try:
        for report in suspects:
            if report.sheet not in book.sheetnames:
                continue
            cell = book[report.sheet][report.cells["percent"]]
            if "%" in (cell.number_format or ""):
                written = f"{report.percent:.0%}"
                report.percent = round(report.percent * 100, 6)
                result.findings.append(Finding("progress-percent-format", file=result.name, sheet=report.sheet,
                                               cell=report.cells["percent"], row_code=report.code, found=written,
                                               expected=f"{report.percent:g}", field="percent"))
    finally:
        book.close()


def _read_rows(result: ProgressReturn, sheet: Sheet, header: int, columns: dict[str, int]) -> None:
    for r in range(header + 1, len(sheet.rows)):
        code = clean_text(sheet.value(r, columns["code"]))
        if not _CODE.fullmatch(code) or code.count(".") < 1:
            continue
        report = Report(code, sheet=sheet.name)
        for name, c in columns.items():
            if name in ("status", "percent", "disbursed", *LOCKED_FIELDS) or name in TEXT_FIELDS:
                report.cells[name] = cell_ref(r, c)
        values = {name: sheet.value(r, c) for name, c in columns.items()}
        report.locked = {name: values[name] for name in LOCKED_FIELDS if name in values}
        try:
            report.status = parse_status(values.get("status"))
        except ValueError:
            if clean_text(values.get("status")) != NOT_REPORTED:
                _invalid(result, report, "status", values.get("status"), (
                    "hãy chọn một trong: Chưa triển khai, Đang thực hiện, Đã hoàn thành, Không thực hiện, "
                    "Chuyển sang năm sau", "choose one of the dropdown's statuses"))
        report.percent = _number(result, report, "percent", values.get("percent"), 0, 100)
        report.disbursed = _number(result, report, "disbursed", values.get("disbursed"), 0, None)
        for name in TEXT_FIELDS:
            setattr(report, name, clean_text(values.get(name)))
        if code in result.reports:          # the same code twice: the first row counts
            continue
        result.reports[code] = report
        result.rows_read += 1


def _number(result: ProgressReturn, report: Report, name: str, value: object, low: float,
            high: float | None) -> float | None:
    text = value
    if isinstance(value, str):
        text = clean_text(value).rstrip("%").strip() if name == "percent" else value
    try:
        number = parse_number(text)
    except NotANumber:
        number = float("nan")
    if number is None:
        return None
    if number != number or number < low or (high is not None and number > high) or number in (float("inf"), -float("inf")):
        limits = (f"phải là số từ {low:g} đến {high:g}", f"it must be a number from {low:g} to {high:g}") if high \
            is not None else ("phải là số không âm, đơn vị triệu đồng", "it must be a number of million đồng, not negative")
        _invalid(result, report, name, value, limits)
        return None
    return number


def _invalid(result: ProgressReturn, report: Report, name: str, value: object, reason: tuple[str, str]) -> None:
    result.findings.append(Finding("progress-value-invalid", file=result.name, sheet=report.sheet,
                                   cell=report.cells.get(name, ""), row_code=report.code, found=clean_text(value),
                                   field=name, params={"field_label": FIELD_NAMES[name], "reason": reason}))


def read_progress_files(paths: list[Path], *, reader: str = "calamine") -> list[ProgressReturn]:
    """Every file named or found in the named folders, read; skipped ones (lock files, other files) as
    returns with their finding, so that nothing named is lost."""
    files, skipped = collect_files(list(paths))
    read = [read_progress_file(path, reader=reader) for path in files]
    read += [ProgressReturn(path, status="skipped", findings=[finding]) for path, finding in skipped]
    tell_apart(read)                    # one name, two folders: as consolidate does
    for ret in read:
        for report in ret.reports.values():
            report.file = ret.name
    return read


def match(ret: ProgressReturn, owners: dict[str, str], registry: Registry) -> None:
    """The agency a return comes from: its metadata, else the agency most of its activities belong to;
    a row that is not one of that agency's activities is ``progress-row-unknown`` and dropped."""
    if ret.status != "read":
        return
    named = ret.meta.get("agency", "") if ret.meta.get("format") == TEMPLATE_FORMAT else ""
    if named:
        agency, _ = registry.resolve(named)
        ret.agency, ret.matched_by = (agency.name if agency else named), "metadata"
    else:
        votes: dict[str, int] = {}
        for code in ret.reports:
            if code in owners:
                votes[owners[code]] = votes.get(owners[code], 0) + 1
        if votes:
            agency, count = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
            counted = sum(1 for code, report in ret.reports.items() if code in owners or _filled(report))
            if count * 2 > counted:
                ret.agency, ret.matched_by = agency, "content"
    if not ret.agency:
        return
    for code in list(ret.reports):
        if owners.get(code) != ret.agency:
            report = ret.reports.pop(code)
            ret.rows_read -= 1
            if not _filled(report):          # a task or output row, shown for context: nothing to say
                continue
            ret.findings.append(Finding("progress-row-unknown", agency=ret.agency, file=ret.name, sheet=report.sheet,
                                        cell=report.cells.get("status", ""), row_code=code))


def _filled(report: Report) -> bool:
    return report.status is not None or report.percent is not None or report.disbursed is not None or \
        any(getattr(report, name) for name in TEXT_FIELDS)


def locked_changes(ret: ProgressReturn, plan_values: dict[str, dict]) -> list[Finding]:
    """``locked-cell-changed`` for each activity whose locked content or planned budget the return
    changed (unprotected and typed over); the plan's values stay. ``plan_values``: code ->
    {content, planned (triệu đồng or None)}."""
    findings = []
    for code, report in ret.reports.items():
        plan = plan_values.get(code)
        if plan is None:
            continue
        content = report.locked.get("content")
        if content is not None and " ".join(clean_text(content).split()) != " ".join(plan["content"].split()):
            findings.append(Finding("locked-cell-changed", agency=ret.agency, file=ret.name, sheet=report.sheet,
                                    cell=report.cells["content"], row_code=code, field="content",
                                    expected=plan["content"], found=clean_text(content)))
        if "planned" in report.locked:
            try:
                written = parse_number(report.locked["planned"])
            except NotANumber:
                written = float("nan")
            if written != plan["planned"] and not (written in (None, 0) and not plan["planned"]):
                findings.append(Finding("locked-cell-changed", agency=ret.agency, file=ret.name, sheet=report.sheet,
                                        cell=report.cells["planned"], row_code=code, field="planned",
                                        expected=f"{plan['planned'] or 0:g}", found=clean_text(report.locked["planned"])))
    return findings


def choose_returns(read: list[ProgressReturn], expected: list[str]) -> tuple[list[ProgressReturn], list[Finding]]:
    """One return per agency (the one saved last, as ``consolidate`` chooses); ``duplicate-return``
    for the others, ``unexpected-agency`` for a file of no expected agency."""
    by_agency: dict[str, list[ProgressReturn]] = {}
    findings: list[Finding] = []
    for ret in read:
        if ret.status != "read":
            continue
        if ret.agency not in expected:
            ret.status = "unexpected"
            findings.append(Finding("unexpected-agency", agency=ret.agency, file=ret.name, found=ret.agency or "?"))
            continue
        by_agency.setdefault(ret.agency, []).append(ret)
    used = []
    for agency, rets in by_agency.items():
        rets.sort(key=lambda r: (r.saved or dt.datetime.min, r.name))
        used.append(rets[-1])
        for other in rets[:-1]:
            other.status = "superseded"
            findings.append(Finding("duplicate-return", agency=agency, file=other.name, expected=rets[-1].name,
                                    found=str(other.rows_read)))
    order = {agency: i for i, agency in enumerate(expected)}
    used.sort(key=lambda r: order[r.agency])
    return used, findings


def read_previous(path: Path) -> dict[str, dict]:
    """code -> {status, percent, disbursed, evidence, difficulties, proposals} of a progress workbook
    of an earlier period (its «Chi tiết» sheet; a filled template is read too).

    Raises FileProblem when the file cannot be read or holds no progress table: the run cannot
    compare with it, and says so (exit 2)."""
    book = open_book(path)
    sheet = book.sheet("Chi tiết")
    found = (sheet, *find_table(sheet)) if sheet is not None and find_table(sheet) else _table(book)
    if found is None:
        raise FileProblem(path, "không có bảng tiến độ (trang «Chi tiết» với cột «Mã» và «Tình trạng»)",
                          "no progress table (a «Chi tiết» sheet with «Mã» and «Tình trạng» columns)")
    ret = ProgressReturn(Path(path))
    _read_rows(ret, *found)
    return {code: {"status": r.status, "percent": r.percent, "disbursed": r.disbursed, "evidence": r.evidence,
                   "difficulties": r.difficulties, "proposals": r.proposals} for code, r in ret.reports.items()}
