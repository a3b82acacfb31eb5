"""Plan adjustments: what changed between two versions of a plan, row by row, and whose money moved.

``diff_plans(old, new)`` matches the rows (:mod:`cchc_xlsx.matching`) and returns a
:class:`PlanDiff`: the matched and unmatched rows, the changed fields, the money per funded agency,
per task, in the allocation (Điều 1 / Trong đó) and in all, and the money moved between agencies.
Money is in triệu đồng, summed in whole đồng as everywhere else. ``diff_files`` reads two files
first (any layout ``read`` accepts, or a consolidated workbook of ours).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import messages
from .findings import Finding, count_by_severity
from .matching import SURE, Match, match_rows, sort_words
from .normalise import Plan
from .notation import fold

__all__ = ["diff_plans", "diff_files", "read_for_diff", "PlanDiff", "RowChange", "FIELDS", "KINDS",
           "CHANGE_COLUMNS", "render_diff", "number", "trieu_or_none"]

#: The fields compared on matched rows: Phụ lục 1's, then Phụ lục 2's (joined by code in each plan).
FIELDS = ("content", "indicator", "evidence", "month_from", "month_to", "budget", "lead", "partners",
          "frequency", "collector", "reporter")
MONITORING = ("frequency", "collector", "reporter")
#: The fields that tell two rows of the same content apart when matching (cchc_xlsx/matching.py).
CONTEXT = ("indicator", "evidence", "month_from", "month_to", "budget", "lead", "partners", "frequency")

#: The kinds of change, stable (the ``kind`` column of :attr:`PlanDiff.changes`).
KINDS = ("added", "removed", "renumbered", "moved", "changed", "task-budget", "agency-budget", "allocation",
         "total", "money-moved")
#: The flat table of every change: one row each, ``old``/``new``/``change`` in the field's own terms
#: (triệu đồng for money), ``score`` 0–100 for a matched row.
CHANGE_COLUMNS = ["kind", "level", "old_code", "new_code", "field", "old", "new", "change", "score", "agency",
                  "to_agency", "content"]

messages.register({
    "diff.help": ("so sánh hai phiên bản của một kế hoạch (điều chỉnh, bổ sung)",
                  "compare two versions of a plan (adjustments)"),
    "diff.description": (
        "So sánh hai kế hoạch (bản dự thảo và quyết định, quyết định điều chỉnh, kế hoạch năm sau): các dòng được "
        "ghép theo số thứ tự và nội dung, nên một hoạt động được đánh số lại hay sửa câu chữ đôi chút vẫn được nhận ra. In ra các dòng "
        "thêm, bớt, đánh số lại, các ô thay đổi, ngân sách theo đơn vị, theo nhiệm vụ, phân bổ và tổng.",
        "Compare two plans (the draft and the decision, an adjustment decision, next year's plan): rows are "
        "matched by code and content, so an activity renumbered or lightly reworded keeps its identity. Prints "
        "the rows added, removed and renumbered, the changed cells, the budget per agency, per task, the "
        "allocation and the total."),
    "diff.old": ("kế hoạch cũ (.xlsx, .xls, .ods; hoặc bảng tổng hợp của chương trình)",
                 "the old plan (.xlsx, .xls, .ods; or a consolidated workbook of ours)"),
    "diff.new": ("kế hoạch mới", "the new plan"),
    "diff.output": ("ghi bảng so sánh vào tệp này (.xlsx)", "write the comparison workbook to this file (.xlsx)"),
    "diff.json": ("in kết quả dạng JSON", "print the result as JSON"),
    "diff.pdf": ("in thêm bảng so sánh ra PDF (LibreOffice)", "also print the workbook to PDF (LibreOffice)"),
    "diff.title": ("So sánh kế hoạch: {old} → {new}", "Plan comparison: {old} → {new}"),
    "diff.total": ("Tổng ngân sách các hoạt động: {old} → {new} triệu đồng ({change})",
                   "Total budget of the activities: {old} → {new} million đồng ({change})"),
    "diff.counts": ("Các dòng: {matched} ghép được, {added} thêm, {removed} bớt, {renumbered} đánh số lại, "
                    "{moved} chuyển nhóm, {changed} có ô thay đổi",
                    "Rows: {matched} matched, {added} added, {removed} removed, {renumbered} renumbered, "
                    "{moved} moved, {changed} changed"),
    "diff.same": ("Hai kế hoạch giống nhau: không có thay đổi.", "The two plans are the same: nothing changed."),
    "diff.added": ("Thêm:", "Added:"),
    "diff.removed": ("Bớt:", "Removed:"),
    "diff.renumbered": ("Đánh số lại:", "Renumbered:"),
    "diff.moved": ("Chuyển sang nhóm khác:", "Moved to another group:"),
    "diff.changed": ("Thay đổi:", "Changed:"),
    "diff.by_agency": ("Ngân sách theo đơn vị được cấp kinh phí (triệu đồng), cũ → mới:",
                       "Budget per funded agency (million đồng), old → new:"),
    "diff.by_task": ("Ngân sách theo nhiệm vụ (triệu đồng), cũ → mới:", "Budget per task (million đồng), old → new:"),
    "diff.allocation": ("Phân bổ trong Quyết định (triệu đồng), cũ → mới:",
                        "Allocation in the decision (million đồng), old → new:"),
    "diff.money_moved": ("Kinh phí chuyển giữa các đơn vị (theo các dòng đổi đơn vị chủ trì):",
                         "Money moved between agencies (rows whose lead or funding changed):"),
    "diff.flow": ("  {source} → {target}: {amount} triệu đồng ({rows})", "  {source} → {target}: {amount} million đồng ({rows})"),
    "diff.more": ("  … và {n} dòng khác (xem --json hoặc bảng so sánh)", "  … and {n} more (see --json or the workbook)"),
    "diff.no_agency": ("(chưa xác định)", "(none)"),
    "diff.findings": ("Kế hoạch {which}: {error} lỗi, {warning} cảnh báo (xem «cchc-xlsx read {file}»)",
                      "The {which} plan: {error} error(s), {warning} warning(s) (see «cchc-xlsx read {file}»)"),
    "diff.which_old": ("cũ", "old"),
    "diff.which_new": ("mới", "new"),
    "diff.not_compared": ("Không so sánh (một kế hoạch không có cột này): {fields}",
                          "Not compared (one plan has no such column): {fields}"),
    "diff.uncertain": ("Ghép chưa chắc chắn (độ tin cậy dưới {sure}%): {n} dòng, hãy kiểm tra",
                       "Uncertain matches (under {sure}%): {n} rows, please check"),
    # the comparison workbook (cchc_xlsx/write/diff_book.py)
    "diff.book.summary_sheet": ("Tóm tắt", "Summary"),
    "diff.book.detail_sheet": ("Chi tiết", "Details"),
    "diff.book.heading": ("SO SÁNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH", "COMPARISON OF ADMINISTRATIVE-REFORM PLANS"),
    "diff.book.plans": ("Kế hoạch cũ: {old}. Kế hoạch mới: {new}.", "Old plan: {old}. New plan: {new}."),
    "diff.book.counts": ("1. Các dòng của kế hoạch", "1. The plan's rows"),
    "diff.book.total": ("2. Tổng kinh phí các hoạt động (triệu đồng)", "2. Total budget of the activities (million đồng)"),
    "diff.book.by_agency": ("3. Kinh phí theo đơn vị được cấp kinh phí (triệu đồng)",
                            "3. Budget per funded agency (million đồng)"),
    "diff.book.by_task": ("4. Kinh phí theo nhiệm vụ (triệu đồng)", "4. Budget per task (million đồng)"),
    "diff.book.allocation": ("5. Phân bổ trong Quyết định (Điều 1, triệu đồng)",
                             "5. Allocation in the decision (Article 1, million đồng)"),
    "diff.book.money_moved": ("6. Kinh phí chuyển giữa các đơn vị (các dòng đổi đơn vị chủ trì)",
                              "6. Money moved between agencies (rows whose lead changed)"),
    "diff.book.none_moved": ("Không có dòng nào đổi đơn vị được cấp kinh phí.", "No row changed its funded agency."),
    "diff.book.matched": ("Ghép được (cùng một dòng ở hai kế hoạch)", "Matched (the same row in both plans)"),
    "diff.book.added": ("Thêm", "Added"), "diff.book.removed": ("Bớt", "Removed"),
    "diff.book.renumbered": ("Đánh số lại", "Renumbered"), "diff.book.moved": ("Chuyển sang nhóm khác", "Moved"),
    "diff.book.changed": ("Có ô thay đổi", "Changed"), "diff.book.unchanged": ("Không đổi", "Unchanged"),
    "diff.book.uncertain": ("Ghép chưa chắc chắn (dưới {sure}%)", "Uncertain matches (under {sure}%)"),
    "diff.book.number": ("Số dòng", "Rows"), "diff.book.item": ("Mục", "Item"),
    "diff.book.no": ("STT", "No."), "diff.book.agency": ("Đơn vị", "Agency"), "diff.book.task": ("Nhiệm vụ", "Task"),
    "diff.book.old": ("Cũ", "Old"), "diff.book.new": ("Mới", "New"), "diff.book.change": ("Chênh lệch", "Change"),
    "diff.book.sum": ("Cộng", "Total"), "diff.book.from": ("Từ đơn vị", "From"), "diff.book.to": ("Sang đơn vị", "To"),
    "diff.book.amount": ("Số tiền (triệu đồng)", "Amount (million đồng)"), "diff.book.rows": ("Các dòng", "Rows"),
    "diff.book.chart_agency": ("Chênh lệch theo đơn vị (triệu đồng)", "Change per agency (million đồng)"),
    "diff.book.chart_task": ("Chênh lệch theo nhiệm vụ (triệu đồng)", "Change per task (million đồng)"),
    "diff.book.code": ("Mã (cũ → mới)", "Code (old → new)"), "diff.book.level": ("Cấp", "Level"),
    "diff.book.status": ("Tình trạng", "Status"), "diff.book.score": ("Độ tin cậy (%)", "Match (%)"),
    "diff.book.content_old": ("Nội dung (cũ)", "Content (old)"), "diff.book.content_new": ("Nội dung (mới)", "Content (new)"),
    "diff.book.budget_old": ("Ngân sách cũ", "Old budget"), "diff.book.budget_new": ("Ngân sách mới", "New budget"),
    "diff.book.lead_old": ("Chủ trì (cũ)", "Lead (old)"), "diff.book.lead_new": ("Chủ trì (mới)", "Lead (new)"),
    "diff.book.other": ("Các thay đổi khác (cũ → mới)", "Other changes (old → new)"),
    "diff.book.detail_note": (
        "Mỗi dòng của hai kế hoạch một lần, theo thứ tự của kế hoạch mới; dòng bớt đứng sau dòng đứng trước nó trong "
        "kế hoạch cũ. Ô tô vàng: đã thay đổi; dòng xanh: thêm; dòng đỏ: bớt. Ngân sách: triệu đồng; của nhiệm vụ và "
        "kết quả đầu ra như ghi trong kế hoạch.",
        "Every row of both plans once, in the new plan's order; a removed row follows the row before it in the old "
        "plan. Yellow cells: changed; green rows: added; red rows: removed. Budgets in million đồng; a task's and "
        "an output's as the plan writes them."),
    "diff.book.place_date": ("{province}, ngày … tháng … năm …", "{province}, date …"),
    "diff.book.maker": ("NGƯỜI LẬP BIỂU", "PREPARED BY"), "diff.book.head": ("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF AGENCY"),
    "diff.book.sign": ("(Ký, ghi rõ họ tên)", "(signature, full name)"),
    "diff.book.sign_seal": ("(Ký, ghi rõ họ tên, đóng dấu)", "(signature, full name, seal)"),
    "diff.level.task": ("Nhiệm vụ", "Task"), "diff.level.output": ("Kết quả đầu ra", "Output"),
    "diff.level.activity": ("Hoạt động", "Activity"),
    "diff.written": ("Đã ghi: {path}", "Written: {path}"),
    "diff.pdf_written": ("Đã in PDF: {path}", "PDF: {path}"),
})

#: Field -> words in each language, for the messages and the workbook.
FIELD_WORDS = {
    "content": ("Nội dung", "content"), "indicator": ("Chỉ số", "indicator"),
    "evidence": ("Tài liệu kiểm chứng", "evidence"), "month_from": ("Từ tháng", "from month"),
    "month_to": ("Đến tháng", "to month"), "budget": ("Ngân sách", "budget"), "lead": ("Chủ trì", "lead"),
    "partners": ("Phối hợp", "partners"), "frequency": ("Tần suất", "frequency"),
    "collector": ("Thu thập số liệu", "collector"), "reporter": ("Báo cáo", "reporter"),
    "parent": ("Thuộc nhóm", "parent"),
}


# --------------------------------------------------------------------------- the result
@dataclass
class RowChange:
    """One row of the comparison: a matched pair, or a row of one plan only.

    ``old``/``new``: the rows as dicts (None for an added / removed row); ``fields``: field -> (old
    value, new value) of each changed field, values as written (budget in triệu đồng)."""

    old: dict | None
    new: dict | None
    score: int | None = None
    similarity: int | None = None
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)
    moved: bool = False

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "matched"

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old["code"] != self.new["code"]

    @property
    def code(self) -> str:
        """``1.2.3 → 1.2.4`` for a renumbered row, else its code."""
        if self.renumbered:
            return f"{self.old['code']} → {self.new['code']}"
        return (self.new or self.old)["code"]


@dataclass
class PlanDiff:
    """What changed from ``old`` to ``new``. Money in triệu đồng (kept in whole đồng inside).

    ``rows``: every row of both plans once, in the new plan's order, each removed row after the
    matched row that preceded it in the old plan. ``total``, ``budget_by_agency``, ``budget_by_task``,
    ``allocation``: name -> (old đồng, new đồng). ``money_moved``: (from agency, to agency) -> (đồng,
    codes), netted per pair of agencies. ``fields_compared``: the fields both plans have.
    """

    old: Plan
    new: Plan
    old_file: str
    new_file: str
    rows: list[RowChange]
    total: tuple[int, int]
    budget_by_agency: dict[str, tuple[int, int]]
    budget_by_task: dict[str, tuple[int, int, str, str]]      # name -> (old, new, old code, new code)
    allocation: dict[str, tuple[int, int]]
    money_moved: dict[tuple[str, str], tuple[int, list[str]]]
    fields_compared: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)

    # ---- views
    @property
    def added(self) -> list[RowChange]:
        return [r for r in self.rows if r.status == "added"]

    @property
    def removed(self) -> list[RowChange]:
        return [r for r in self.rows if r.status == "removed"]

    @property
    def matched(self) -> list[RowChange]:
        return [r for r in self.rows if r.status == "matched"]

    def counts(self) -> dict[str, int]:
        matched = self.matched
        return {"matched": len(matched), "added": len(self.added), "removed": len(self.removed),
                "renumbered": sum(r.renumbered for r in matched), "moved": sum(r.moved for r in matched),
                "changed": sum(bool(r.fields) for r in matched),
                "uncertain": sum((r.score or 0) < SURE for r in matched)}

    @property
    def unchanged(self) -> bool:
        return self.changes.empty

    @property
    def changes(self) -> pd.DataFrame:
        """Every change, flat (:data:`CHANGE_COLUMNS`), with a stable ``kind`` (:data:`KINDS`)."""
        out: list[dict] = []
        for r in self.rows:
            row = r.new or r.old
            base = {"level": row["level"], "old_code": r.old["code"] if r.old else None,
                    "new_code": r.new["code"] if r.new else None, "content": row["content"], "score": r.score,
                    "agency": row["funded_agency"]}
            if r.status in ("added", "removed"):
                budget = trieu_or_none(row["budget"])
                out.append(base | {"kind": r.status, "field": "budget",
                                   "old": budget if r.status == "removed" else None,
                                   "new": budget if r.status == "added" else None})
                continue
            if r.renumbered:
                out.append(base | {"kind": "renumbered", "field": "code", "old": r.old["code"], "new": r.new["code"]})
            if r.moved:
                out.append(base | {"kind": "moved", "field": "parent", "old": r.old["parent_code"],
                                   "new": r.new["parent_code"]})
            for name, (a, b) in r.fields.items():
                change = _sub(b, a) if name == "budget" else None
                out.append(base | {"kind": "changed", "field": name, "old": a, "new": b, "change": change})
        for kind, table in (("task-budget", self.budget_by_task), ("agency-budget", self.budget_by_agency),
                            ("allocation", self.allocation), ("total", {"": self.total})):
            for name, (a, b, *codes) in table.items():
                if a != b:
                    extra = ({"field": name, "old_code": codes[0] or None, "new_code": codes[1] or None}
                             if kind == "task-budget" else {"agency": name} if kind != "total" else {})
                    out.append({"kind": kind, "old": a / 1e6, "new": b / 1e6, "change": (b - a) / 1e6} | extra)
        for (source, target), (amount, codes) in self.money_moved.items():
            out.append({"kind": "money-moved", "agency": source, "to_agency": target, "change": amount / 1e6,
                        "new_code": ", ".join(codes)})
        return pd.DataFrame(out, columns=CHANGE_COLUMNS).astype("object")

    def to_json(self, lang: str = "vi") -> dict:
        """The comparison as plain data (``--json``): money in triệu đồng as ``{"old", "new", "change"}``;
        the findings' messages in ``lang``."""
        def money(a: int, b: int) -> dict:
            return {"old": a / 1e6, "new": b / 1e6, "change": (b - a) / 1e6}

        def entry(r: RowChange) -> dict:
            row = r.new or r.old
            return {"code": row["code"], "level": row["level"], "content": row["content"],
                    "budget": trieu_or_none(row["budget"]), "agency": row["funded_agency"]}

        matched = self.matched
        return {
            "old": _identity(self.old, self.old_file), "new": _identity(self.new, self.new_file),
            "total": money(*self.total),
            "budget_by_agency": {name: money(a, b) for name, (a, b) in self.budget_by_agency.items()},
            "budget_by_task": {name: money(a, b) | {"old_code": oc, "new_code": nc}
                               for name, (a, b, oc, nc) in self.budget_by_task.items()},
            "allocation": {name: money(a, b) for name, (a, b) in self.allocation.items()},
            "added": [entry(r) for r in self.added],
            "removed": [entry(r) for r in self.removed],
            "renumbered": [{"old_code": r.old["code"], "new_code": r.new["code"], "score": r.score}
                           for r in matched if r.renumbered],
            "moved": [{"old_code": r.old["code"], "new_code": r.new["code"], "old_parent": r.old["parent_code"],
                       "new_parent": r.new["parent_code"], "score": r.score} for r in matched if r.moved],
            "changed": [{"old_code": r.old["code"], "new_code": r.new["code"], "field": name, "old": a, "new": b}
                        for r in matched for name, (a, b) in r.fields.items()],
            "money_moved": [{"from": s, "to": t, "amount": amount / 1e6, "rows": codes}
                            for (s, t), (amount, codes) in self.money_moved.items()],
            "matches": [{"old_code": r.old["code"], "new_code": r.new["code"], "score": r.score,
                         "similarity": r.similarity} for r in matched],
            "counts": self.counts(),
            "fields_compared": list(self.fields_compared),
            "fields_not_compared": [f for f in FIELDS if f not in self.fields_compared],
            "severity_counts": {"old": count_by_severity(self.old.findings),
                                "new": count_by_severity(self.new.findings)},
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def _identity(plan: Plan, file: str) -> dict:
    return {"file": file, "year": plan.year, "province": plan.province, "decision": plan.decision,
            "decision_date": plan.decision_date}


# --------------------------------------------------------------------------- reading
def read_for_diff(path: str | Path, registry=None) -> Plan:
    """A plan to compare: :func:`cchc_xlsx.pipeline.read_plan` (any layout), or, for a consolidated
    workbook of ours, the plan it holds (see :func:`cchc_xlsx.consolidated.read_consolidated`).

    Raises FileProblem when the file cannot be read or holds no plan table."""
    from .outputs import CONSOLIDATED, DIFF, PROGRESS, output_kind
    from .pipeline import read_plan
    from .workbook import FileProblem

    path = Path(path)
    kind = output_kind(path) if path.is_file() else ""
    if kind == DIFF:
        problem = FileProblem(path, "đây là bảng so sánh do «cchc-xlsx diff» ghi ra, không phải một kế hoạch: hãy so sánh "
                                    "hai tệp kế hoạch", "this is a comparison written by «cchc-xlsx diff», not a plan: "
                                    "compare two plan files")
        problem.code = "wrong-template"
        raise problem
    if kind == PROGRESS:
        problem = FileProblem(path, "đây là bảng tiến độ do «cchc-xlsx progress» ghi ra, không phải một kế hoạch: hãy so "
                                    "sánh hai tệp kế hoạch", "this is a progress workbook written by «cchc-xlsx progress», "
                                    "not a plan: compare two plan files")
        problem.code = "wrong-template"
        raise problem
    if kind == CONSOLIDATED:
        from .consolidated import read_consolidated
        return read_consolidated(path, registry=registry)
    return read_plan(path, registry=registry)


def diff_files(old: str | Path, new: str | Path, *, registry=None) -> PlanDiff:
    """Read both plans and compare them (see :func:`diff_plans`). Raises FileProblem as ``read`` does."""
    return diff_plans(read_for_diff(old, registry), read_for_diff(new, registry),
                      old_file=Path(old).name, new_file=Path(new).name)


# --------------------------------------------------------------------------- comparing
def diff_plans(old: Plan, new: Plan, *, old_file: str = "", new_file: str = "") -> PlanDiff:
    """Match the rows of two read plans and say what changed (a :class:`PlanDiff`).

    Rows are Phụ lục 1's (tasks, outputs, activities; the rows of other layouts by their role),
    each with the frequency, collector and reporter of Phụ lục 2's row of the same code. A field is
    compared only when both plans have its column (``fields_compared``). Budgets are compared on the
    activities, which hold the money; a task's or output's budget is their sum (``budget_by_task``).
    """
    a, b = _rows(old), _rows(new)
    present = _fields_present(old) & _fields_present(new)
    compared = tuple(f for f in FIELDS if f in present)
    matches = match_rows(a, b)
    by_old = {m.old: m for m in matches}
    rows = _row_changes(a, b, matches, compared)
    money_moved = _money_moved(a, b, matches)
    diff = PlanDiff(
        old, new, old_file or _file(old), new_file or _file(new), rows,
        total=(sum(r["dong"] for r in a if r["level"] == "activity"),
               sum(r["dong"] for r in b if r["level"] == "activity")),
        budget_by_agency=_pairs(_by_agency(a), _by_agency(b)),
        budget_by_task=_by_task(a, b, by_old),
        allocation=_pairs(_allocation(old), _allocation(new)),
        money_moved=money_moved, fields_compared=compared)
    diff.findings = _uncertain(rows, old_file or _file(old))
    return diff


def _file(plan: Plan) -> str:
    return next((row["file"] for row in plan.rows("plan") if row["file"]), "")


def _rows(plan: Plan) -> list[dict]:
    """Phụ lục 1's rows with what matching and comparing need: parent position, folded text,
    budget in đồng, Phụ lục 2's fields of the same code."""
    rows = [dict(r) for r in plan.rows("plan")]
    monitoring: dict[str, dict] = {}
    for m in plan.rows("monitoring"):
        monitoring.setdefault(m["code"], m)
    position: dict[str, int] = {}
    for i, row in enumerate(rows):
        position.setdefault(row["code"], i)
    for i, row in enumerate(rows):
        parent = position.get(row["parent_code"]) if row["parent_code"] else None
        row["parent"] = parent if parent is not None and parent < i else -1
        depth = row["depth"]
        row["depth"] = int(depth) if depth is not None and depth is not pd.NA else row["code"].count(".") + 1
        content = _years_relative(row["content"] or "", plan.year)
        row["text"] = sort_words(fold(content) or fold(f"{row['label'] or ''} {row['code']}"))
        row["dong"] = _dong(row["budget"])
        row["top"] = i if row["parent"] < 0 else rows[row["parent"]]["top"]
        m = monitoring.get(row["code"], {})
        for name in MONITORING:
            row[name] = m.get(name, "") or ""
        keys = row["keys"] = _keys(row, plan.year)
        row["context"] = tuple(hash(keys[name]) for name in CONTEXT)
        row["leaves"] = 0
    for row in rows:                 # each group's sum of its activities, in đồng
        if row["level"] == "activity":
            up = row["parent"]
            while up >= 0:
                rows[up]["leaves"] += row["dong"] or 0
                up = rows[up]["parent"]
    return rows


def _fields_present(plan: Plan) -> set[str]:
    """The fields a plan's tables have a column for (a budget list has no indicator …)."""
    present: set[str] = set()
    for table, names in (("plan", (*FIELDS, "period")), ("monitoring", MONITORING)):
        cells = {row["cells"] or "" for row in plan.rows(table)}
        columns = {pair.split("=")[0] for text in cells for pair in text.split(",") if pair}
        present |= {name for name in names if name in columns}
    if {"period", "month_from", "month_to"} & present:     # one time column is read into both months
        present |= {"month_from", "month_to"}
    present.add("content")
    return present


def _stated_moved_alone(old: dict, new: dict) -> bool:
    """A task's or output's written budget changed by other than its activities' change: the new plan
    states another subtotal for the same activities (a typed total), which the comparison must say."""
    a, b = old["keys"]["budget"], new["keys"]["budget"]
    if a is None or b is None:
        return a != b                    # a written subtotal cleared, or written where there was none
    return (b - a) != (new["leaves"] - old["leaves"])


def _row_changes(a: list[dict], b: list[dict], matches: list[Match], compared: tuple[str, ...]) -> list[RowChange]:
    matched_old = {m.old: m for m in matches}
    new_to_old = {m.new: m.old for m in matches}
    changes: dict[int, RowChange] = {}
    for m in matches:
        old, new = a[m.old], b[m.new]
        fields = {}
        for name in (compared if old["keys"] != new["keys"] else ()):
            if name == "budget" and not (old["level"] == new["level"] == "activity") \
                    and not _stated_moved_alone(old, new):
                continue      # a group's budget follows its activities (budget_by_task), unless written apart
            if old["keys"][name] != new["keys"][name]:
                fields[name] = (_shown(old, name), _shown(new, name))
        old_parent = old["parent"]
        moved = (old_parent >= 0 or new["parent"] >= 0) and (
            old_parent not in matched_old or matched_old[old_parent].new != new["parent"])
        changes[m.new] = RowChange(old, new, m.score, m.similarity, fields, moved)
    # removed rows after the new row matched to the old row before them
    after: dict[int, list[int]] = defaultdict(list)
    anchor = -1
    for i in range(len(a)):
        if i in matched_old:
            anchor = matched_old[i].new
        else:
            after[anchor].append(i)
    out = [RowChange(a[i], None) for i in after.get(-1, [])]
    for j in range(len(b)):
        out.append(changes[j] if j in new_to_old else RowChange(None, b[j]))
        out.extend(RowChange(a[i], None) for i in after.get(j, []))
    return out


def _keys(row: dict, plan_year) -> dict[str, object]:
    """What is compared, per field: text without its spacing (agency and monitoring cells also
    without diacritics: «Sơ Tư pháp» is «Sở Tư pháp»), months read with their year relative to the
    plan's (next year's plan keeps «Tháng 3»), budgets in whole đồng (None when blank)."""
    keys: dict[str, object] = {}
    for name in ("content", "indicator", "evidence"):
        keys[name] = " ".join(_years_relative(str(row[name] or ""), plan_year).split())
    for name in ("lead", "partners", *MONITORING):
        keys[name] = fold(row[name] or "")
    for name, end in (("month_from", "from"), ("month_to", "to")):
        kind, month, year = row[f"{end}_kind"], row[name], row[f"year_{end}"]
        if kind == "month" and _present(month):
            offset = int(year) - int(plan_year) if _present(year) and plan_year else 0
            keys[name] = ("month", int(month), offset)
        else:
            keys[name] = (kind, fold(row[f"{end}_text"] or ""))
    keys["budget"] = row["dong"] if _present(row["budget"]) else None
    return keys


_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _years_relative(text: str, plan_year) -> str:
    """Years in a text as years from the plan's: in a 2018 plan «năm 2018» is «năm {+0}», «tháng
    12/2017» is «tháng 12/{-1}», as «năm 2019» is in a 2019 plan (next year's plan against this
    year's is not a change of every row). A 2019 in a 2018 plan stays a change."""
    if not plan_year or not _YEAR.search(text):
        return text
    return _YEAR.sub(lambda m: f"{{{int(m.group(0)) - int(plan_year):+d}}}", text)


def _shown(row: dict, name: str) -> object:
    if name == "budget":
        return trieu_or_none(row["budget"])
    if name in ("month_from", "month_to"):
        return row["from_text" if name == "month_from" else "to_text"] or ""
    return row.get(name) or ""


def _by_agency(rows: list[dict]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["level"] == "activity":
            sums[row["funded_agency"] or ""] += row["dong"]
    return sums


def _by_task(a: list[dict], b: list[dict], by_old: dict[int, Match]) -> dict[str, tuple[int, int, str, str]]:
    """Per top row (task): its activities' money in each plan, keyed by the task's name (the new one's
    when matched), with its code in each plan."""
    sums_a: dict[int, int] = defaultdict(int)
    sums_b: dict[int, int] = defaultdict(int)
    for rows, sums in ((a, sums_a), (b, sums_b)):
        for row in rows:
            if row["level"] == "activity":
                sums[row["top"]] += row["dong"]
    out: dict[str, tuple[int, int, str, str]] = {}

    def put(name: str, value: tuple) -> None:
        key = name or value[3] or value[2]
        if key in out:
            key = f"{key} ({value[3] or value[2]})"
        out[key] = value

    tops_b_matched: dict[int, int] = {}
    for i, row in enumerate(a):
        if row["parent"] < 0 and i in by_old:
            tops_b_matched[by_old[i].new] = i
    for j, row in enumerate(b):
        if row["parent"] >= 0:
            continue
        i = tops_b_matched.get(j)
        put(row["content"], (sums_a.get(i, 0) if i is not None else 0, sums_b.get(j, 0),
                             a[i]["code"] if i is not None else "", row["code"]))
    for i, row in enumerate(a):
        if row["parent"] < 0 and (i not in by_old or b[by_old[i].new]["parent"] >= 0):
            put(row["content"], (sums_a.get(i, 0), 0, row["code"], ""))
    return out


def _allocation(plan: Plan) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in plan.rows("allocation"):
        amount = row["amount_dong"]
        sums[row["agency"]] += 0 if amount is None or amount is pd.NA else int(amount)
    return sums


def _pairs(old: dict[str, int], new: dict[str, int]) -> dict[str, tuple[int, int]]:
    names = list(old) + [n for n in new if n not in old]
    return {n: (old.get(n, 0), new.get(n, 0)) for n in names}


def _money_moved(a: list[dict], b: list[dict], matches: list[Match]) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """Activities whose funded agency changed took their (old) money with them: from -> to, netted."""
    flows: dict[tuple[str, str], int] = defaultdict(int)
    codes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in matches:
        old, new = a[m.old], b[m.new]
        if old["level"] != "activity" or new["level"] != "activity":
            continue
        source, target = old["funded_agency"] or "", new["funded_agency"] or ""
        if source != target:
            flows[(source, target)] += old["dong"]
            codes[(source, target)].append(new["code"])
    out: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for (source, target), amount in flows.items():
        net = amount - flows.get((target, source), 0)
        if net > 0:
            out[(source, target)] = (net, codes[(source, target)])
    return out


def _uncertain(rows: list[RowChange], old_file: str) -> list[Finding]:
    return [Finding("match-uncertain", file=old_file, row_code=r.new["code"], found=r.old["code"],
                    expected=str(r.score), params={"old": r.old["content"][:80], "new": r.new["content"][:80]})
            for r in rows if r.status == "matched" and (r.score or 0) < SURE]


# --------------------------------------------------------------------------- numbers
_NA = pd.NA


def _present(value) -> bool:
    return not (value is None or value is _NA or value != value)      # NaN != NaN


def _dong(value) -> int:
    return round(value * 1_000_000) if _present(value) else 0


def trieu_or_none(value) -> float | None:
    """A budget (triệu đồng) rounded to the đồng, None when blank."""
    return round(value * 1_000_000) / 1_000_000 if _present(value) else None


def _sub(b, a):
    if a is None or b is None:
        return None
    return round((b - a) * 1_000_000) / 1_000_000


def number(value: float | None, lang: str = "vi", sign: bool = False) -> str:
    """``8.000``, ``3,4`` (vi) or ``8,000``, ``3.4`` (en); ``+5`` with ``sign``; ``—`` for None."""
    if value is None:
        return "—"
    text = f"{value:+,.6f}" if sign else f"{value:,.6f}"
    text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


# --------------------------------------------------------------------------- text for the screen
def render_diff(diff: PlanDiff, lang: str = "vi", limit: int = 20) -> str:
    """What ``cchc-xlsx diff`` prints: totals, counts, the rows (``limit`` of each kind) and the money."""
    t = lambda key, **v: messages.text(key, lang, **v)   # noqa: E731
    counts = diff.counts()
    lines = [t("diff.title", old=diff.old_file, new=diff.new_file)]
    a, b = diff.total
    lines.append(t("diff.total", old=number(a / 1e6, lang), new=number(b / 1e6, lang),
                   change=number((b - a) / 1e6, lang, sign=True)))
    lines.append(t("diff.counts", **counts))
    if diff.unchanged:
        lines.append(t("diff.same"))

    def listed(title: str, items: list[str]) -> None:
        if items:
            lines.append(t(title))
            lines.extend(f"  {item}" for item in items[:limit])
            if len(items) > limit:
                lines.append(t("diff.more", n=len(items) - limit))

    def budget(row) -> str:
        value = trieu_or_none(row["budget"])
        return f" [{number(value, lang)}]" if value is not None and row["level"] == "activity" else ""

    listed("diff.added", [f"{r.new['code']} {r.new['content'][:90]}{budget(r.new)}" for r in diff.added])
    listed("diff.removed", [f"{r.old['code']} {r.old['content'][:90]}{budget(r.old)}" for r in diff.removed])
    listed("diff.renumbered", [f"{r.code} ({r.score}%)" for r in diff.matched if r.renumbered])
    listed("diff.moved", [f"{r.code}: {r.old['parent_code'] or '—'} → {r.new['parent_code'] or '—'}"
                          for r in diff.matched if r.moved])
    listed("diff.changed", [f"{r.code} {FIELD_WORDS[name][0 if lang == 'vi' else 1]}: "
                            f"«{_short(x, lang)}» → «{_short(y, lang)}»"
                            for r in diff.matched for name, (x, y) in r.fields.items()])
    none = t("diff.no_agency")
    for key, table in (("diff.by_agency", diff.budget_by_agency), ("diff.by_task", diff.budget_by_task),
                       ("diff.allocation", diff.allocation)):
        moved = [(name, values) for name, values in table.items() if values[0] != values[1]]
        if moved:
            lines.append(t(key))
            for name, (x, y, *_) in moved:
                lines.append(f"  {name or none}: {number(x / 1e6, lang)} → {number(y / 1e6, lang)} "
                             f"({number((y - x) / 1e6, lang, sign=True)})")
    if diff.money_moved:
        lines.append(t("diff.money_moved"))
        for (source, target), (amount, codes) in diff.money_moved.items():
            lines.append(t("diff.flow", source=source or none, target=target or none,
                           amount=number(amount / 1e6, lang), rows=", ".join(codes)))
    missing = [FIELD_WORDS[f][0 if lang == "vi" else 1] for f in FIELDS if f not in diff.fields_compared]
    if missing:
        lines.append(t("diff.not_compared", fields=", ".join(missing)))
    if counts["uncertain"]:
        lines.append(t("diff.uncertain", sure=SURE, n=counts["uncertain"]))
    for which, plan, file in (("diff.which_old", diff.old, diff.old_file), ("diff.which_new", diff.new, diff.new_file)):
        severity = count_by_severity(plan.findings)
        if severity["error"] or severity["warning"]:
            lines.append(t("diff.findings", which=t(which), file=file, **severity))
    return "\n".join(lines)


def _short(value, lang: str) -> str:
    if isinstance(value, float):
        return number(value, lang)
    text = "" if value is None else str(value)
    return text if len(text) <= 70 else text[:69] + "…"
