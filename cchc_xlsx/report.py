"""Summaries of a read plan: the dict behind ``--json`` and the text a user reads on screen."""

from __future__ import annotations

from collections import defaultdict

from . import messages
from .findings import SEVERITIES, count_by_severity, owner_label
from .hierarchy import is_named_label
from .normalise import Plan, records

__all__ = ["plan_summary", "render_summary"]


def _trieu(dong: int) -> float:
    return dong / 1_000_000


def _dong(value: float) -> int:
    return 0 if value != value else round(value * 1_000_000)


def plan_summary(plan: Plan, lang: str = "vi") -> dict:
    """Counts, totals (triệu đồng, summed in whole đồng), allocation and findings of a plan."""
    frame = plan.plan
    levels = ("task", "output", "activity")
    by_task: dict[str, int] = {}
    top_labels: dict[str, str] = {}
    leaves_under = _leaves_under_top(frame)
    for row in records(frame[frame["level"] == "task"]):
        stated = row["budget_text"] != "" and row["budget"] == row["budget"]
        by_task[row["code"]] = _dong(row["budget"]) if stated else leaves_under.get(row["code"], 0)
        top_labels[row["code"]] = row["label"] or ""
    by_agency: dict[str, int] = defaultdict(int)
    activities = plan.activities
    for agency, budget in zip(activities["funded_agency"], activities["budget"]):
        by_agency[agency or ""] += _dong(budget)
    return {
        "plan": {"year": plan.year, "province": plan.province, "decision": plan.decision,
                 "decision_date": plan.decision_date, "district": plan.district},
        **unit_summary(plan),
        "counts": {
            "plan": {level: int((frame["level"] == level).sum()) for level in levels},
            "monitoring": {level: int((plan.monitoring["level"] == level).sum()) for level in levels},
            "allocation": len(plan.allocation),
        },
        "depths": {table: _depth_counts(getattr(plan, table)) for table in ("plan", "monitoring")},
        "leaves": _leaf_count(frame),
        "named_levels": all(is_named_label(label) for label in frame["label"].tolist() if label),
        "total": _trieu(sum(_dong(b) for b in activities["budget"])),
        "stated_total": plan.stated_total,
        "budget_by_task": {code: _trieu(v) for code, v in by_task.items()},
        "task_labels": top_labels,
        "budget_by_agency": {agency: _trieu(v) for agency, v in sorted(by_agency.items(), key=lambda kv: -kv[1])},
        "allocation": {row["agency"]: _trieu(int(row["amount_dong"])) for row in records(plan.allocation)},
        "missing_budget": activities.loc[(activities["budget_text"] == "")
                                         & ~activities["parent_code"].isin(set(activities["code"])), "code"].tolist(),
        "severity_counts": count_by_severity(plan.findings),
        "findings": [f.to_dict(lang) for f in sorted(plan.findings, key=lambda f: SEVERITIES.index(f.severity))],
        # texts the workbook holds cut at Excel's limit (text-cut), in full
        "texts_cut": [{"file": f.file, "sheet": f.sheet, "cell": f.cell, "row_code": f.row_code, "field": f.field,
                       "text": f.params["text"]} for f in plan.findings if f.code == "text-cut"],
    }


def unit_summary(plan: Plan) -> dict:
    """The unit Phụ lục 1 states: ``unit`` (canonical: đồng, nghìn đồng, triệu đồng, tỷ đồng; triệu
    đồng when none is stated), ``unit_text`` (as written, "" when not stated) and ``unit_factor``
    (triệu đồng per unit written). Every figure of the summary is in triệu đồng whatever the unit."""
    return {"unit": plan.unit, "unit_text": plan.unit_text, "unit_factor": plan.unit_factor}


def _leaves_under_top(frame) -> dict[str, int]:
    """code of a row at depth 1 -> the sum of the leaves (activities) under it, in đồng."""
    sums: dict[str, int] = defaultdict(int)
    activities = frame[frame["level"] == "activity"]
    for code, budget in zip(activities["code"].tolist(), activities["budget"].tolist()):
        sums[code.split(".", 1)[0]] += _dong(budget)
    return sums


def _leaf_count(frame) -> int:
    """The activities that hold the money: not the detail lines under an activity (hierarchy._levels)."""
    activities = frame[frame["level"] == "activity"]
    return int((~activities["parent_code"].isin(set(activities["code"]))).sum())


def _depth_counts(frame) -> dict[str, int]:
    """Rows per depth of the hierarchy (1 = top), as ``{"1": 7, "2": 22, "3": 74}``."""
    counts = frame["depth"].value_counts(dropna=True)
    return {str(int(depth)): int(n) for depth, n in sorted(counts.items())}


_TEXT = {
    "vi": {
        "title": "Kế hoạch CCHC {province} năm {year} (Quyết định {decision})",
        "district": "Kế hoạch CCHC {district}{of_province} năm {year} (Quyết định {decision})",
        "unit": "Đơn vị tính của bảng: {unit} (ghi «{unit_text}»); các số dưới đây đã quy ra triệu đồng.",
        "counts": "Phụ lục 1: {task} nhiệm vụ, {output} kết quả đầu ra, {activity} hoạt động",
        "counts2": "Phụ lục 2: {task} nhiệm vụ, {output} kết quả đầu ra, {activity} hoạt động",
        "depths": "Phụ lục 1 theo cấp: {depths}; {leaves} dòng chi tiết (không có dòng con, được cộng vào tổng)",
        "depth": "cấp {depth}: {n} dòng",
        "total": "Tổng ngân sách các hoạt động: {total} triệu đồng (dòng Tổng cộng ghi: {stated})",
        "by_task": "Ngân sách theo nhiệm vụ (triệu đồng):",
        "task": "  Nhiệm vụ {code}: {value}",
        "by_agency": "Ngân sách theo đơn vị được cấp kinh phí (triệu đồng) / phân bổ theo Quyết định:",
        "agency": "  {agency}: {value} / {allocated}",
        "none": "(chưa xác định)",
        "missing": "Hoạt động chưa có ngân sách: {codes}",
        "findings": "Phát hiện: {error} lỗi, {warning} cảnh báo, {info} ghi chú",
        "finding": "  [{severity}] {where} {code}: {message}",
        "more": "  … và {n} ghi chú khác (xem --json)",
    },
    "en": {
        "title": "CCHC plan {province} {year} (decision {decision})",
        "district": "CCHC plan {district}{of_province} {year} (decision {decision})",
        "unit": "The table's unit: {unit} (written «{unit_text}»); the figures below are in million đồng.",
        "counts": "Phụ lục 1: {task} tasks, {output} outputs, {activity} activities",
        "counts2": "Phụ lục 2: {task} tasks, {output} outputs, {activity} activities",
        "depths": "Phụ lục 1 by depth: {depths}; {leaves} detail rows (no child rows, summed into the total)",
        "depth": "depth {depth}: {n} rows",
        "total": "Activities' total budget: {total} million đồng (the Tổng cộng row states: {stated})",
        "by_task": "Budget per task (million đồng):",
        "task": "  Task {code}: {value}",
        "by_agency": "Budget per funded agency (million đồng) / allocation in the decision:",
        "agency": "  {agency}: {value} / {allocated}",
        "none": "(none)",
        "missing": "Activities without a budget: {codes}",
        "findings": "Findings: {error} errors, {warning} warnings, {info} notes",
        "finding": "  [{severity}] {where} {code}: {message}",
        "more": "  … and {n} more notes (see --json)",
    },
}


_SEVERITY_WORDS = {"vi": {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"},
                   "en": {"error": "error", "warning": "warning", "info": "note"}}


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _where(f: dict, show_file: bool) -> str:
    place = f"{f['sheet']}!{f['cell']}" if f["cell"] else f["sheet"]
    parts = [p for p in ((f["file"] if show_file else ""), place) if p]
    return " › ".join(parts) or "—"


def _depth_line(summary: dict, t: dict) -> list[str]:
    """The rows per depth, for a plan not in the Đắk Lắk form (whose levels the counts name)."""
    if summary.get("named_levels", True):
        return []
    depths = "; ".join(t["depth"].format(depth=d, n=n) for d, n in summary["depths"]["plan"].items())
    return [t["depths"].format(depths=depths, leaves=summary["leaves"])]


def render_summary(summary: dict, lang: str = "vi", max_info: int = 10, show_file: bool = False) -> str:
    """The summary as lines a person reads (Vietnamese by default)."""
    t = _TEXT["vi" if lang == "vi" else "en"]
    identity = {k: v or "?" for k, v in summary["plan"].items()}
    identity["of_province"] = f" ({summary['plan']['province']})" if summary["plan"].get("province") else ""
    lines = [t["district" if summary["plan"].get("district") else "title"].format(**identity)]
    if summary.get("unit", "triệu đồng") != "triệu đồng":
        lines.append(t["unit"].format(unit=summary["unit"], unit_text=summary["unit_text"] or "—"))
    lines += [t["counts"].format(**summary["counts"]["plan"]),
             t["counts2"].format(**summary["counts"]["monitoring"]),
             *_depth_line(summary, t),
             t["total"].format(total=_num(summary["total"]), stated=_num(summary["stated_total"])),
             t["by_task"]]
    labels = {} if summary.get("named_levels", True) else summary.get("task_labels", {})
    lines += [(f"  {labels[code]} ({code}): {_num(v)}" if labels.get(code) else t["task"].format(code=code, value=_num(v)))
              for code, v in summary["budget_by_task"].items()]
    lines.append(t["by_agency"])
    allocation = summary["allocation"]
    for agency, value in summary["budget_by_agency"].items():
        lines.append(t["agency"].format(agency=agency or t["none"], value=_num(value),
                                        allocated=_num(allocation.get(agency))))
    for agency, value in allocation.items():
        if agency not in summary["budget_by_agency"]:
            lines.append(t["agency"].format(agency=agency, value="0", allocated=_num(value)))
    if summary["missing_budget"]:
        lines.append(t["missing"].format(codes=", ".join(summary["missing_budget"])))
    lines.append(t["findings"].format(**summary["severity_counts"]))
    shown_info = 0
    for f in summary["findings"]:
        if f["severity"] == "info":
            shown_info += 1
            if shown_info > max_info:
                continue
        lines.append(t["finding"].format(**(f | {"severity": _SEVERITY_WORDS[lang][f["severity"]],
                                                 "where": _where(f, show_file)})))
    if shown_info > max_info:
        lines.append(t["more"].format(n=shown_info - max_info))
    return "\n".join(lines)


def consolidation_summary(consolidation, lang: str = "vi") -> dict:
    """The plan summary of the consolidated plan, with the returns, the sources and every finding."""
    plan = consolidation.plan
    plan.findings = consolidation.findings
    summary = plan_summary(plan, lang)
    summary["returns"] = consolidation.returns.to_dict("records")
    summary["sources"] = [{k: (int(v) if k in ("size", "rows_read", "rows_used", "findings") else v)
                           for k, v in row.items()} for row in consolidation.sources.to_dict("records")]
    # who answers for what (findings.answerable): the plan's own defects are the plan's
    summary["findings_by_agency"] = [{"answerable": kind, "agency": agency, "name": owner_label(kind, agency, lang),
                                      **counts} for (kind, agency), counts in consolidation.findings_by_agency().items()]
    return summary


_RETURN_TEXT = {
    "vi": {"returns": "Báo cáo: {expected} đơn vị phải gửi, {received} đã gửi ({errors} có lỗi), {missing} chưa gửi",
           "missing": "  Chưa gửi: {names}", "late": "  Trễ hạn: {names}", "files": "Đã đọc {n} tệp: {used} dùng, {other} không dùng",
           "status": {"used": "dùng", "superseded": "bị thay thế", "skipped": "bỏ qua", "unreadable": "không đọc được",
                      "unexpected": "không rõ đơn vị"},
           "more_names": "… và {n} đơn vị khác (xem trang Tổng hợp)",
           "more_used": "  … và {n} tệp được dùng (xem trang Nguồn)"},
    "en": {"returns": "Returns: {expected} expected, {received} received ({errors} with errors), {missing} missing",
           "missing": "  Missing: {names}", "late": "  Late: {names}", "files": "Read {n} files: {used} used, {other} not used",
           "status": {"used": "used", "superseded": "superseded", "skipped": "skipped", "unreadable": "unreadable",
                      "unexpected": "agency unknown"},
           "more_names": "… and {n} more (see the summary sheet)",
           "more_used": "  … and {n} files used (see the Nguồn sheet)"},
}


#: Beyond this many files or agencies, the summary names only those that need attention.
MAX_LISTED = 20


def _names(names: list[str], t: dict) -> str:
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return ", ".join(names[:MAX_LISTED]) + " " + t["more_names"].format(n=len(names) - MAX_LISTED)


def render_consolidation(summary: dict, lang: str = "vi", max_info: int = 10) -> str:
    """The consolidation's summary as lines: the returns' state, the files, then the plan summary.

    With many files (a whole province's communes), the files used are counted, not listed, and
    long lists of agencies are cut: the workbook's sheets have them all.
    """
    t = _RETURN_TEXT["vi" if lang == "vi" else "en"]
    expected = [r for r in summary["returns"] if r["expected"]]
    received = [r for r in expected if r["received"]]
    missing = [r["agency"] for r in expected if not r["received"]]
    lines = []
    if any(r["status"] != "not_requested" for r in summary["returns"]):
        lines.append(t["returns"].format(expected=len(expected), received=len(received),
                                         errors=sum(1 for r in received if r["status"] == "errors"),
                                         missing=len(missing)))
        if missing:
            lines.append(t["missing"].format(names=_names(missing, t)))
        late = [r["agency"] for r in expected if r.get("late")]
        if late:
            lines.append(t["late"].format(names=_names(late, t)))
    sources = summary["sources"]
    used = sum(1 for s in sources if s["status"] == "used")
    lines.append(t["files"].format(n=len(sources), used=used, other=len(sources) - used))
    many = len(sources) > MAX_LISTED
    for s in sources:
        if many and s["status"] == "used":
            continue
        lines.append(f"  {s['file']}: {t['status'].get(s['status'], s['status'])}"
                     + (f" ({s['agency']})" if s["agency"] else ""))
    if many and used:
        lines.append(t["more_used"].format(n=used))
    with_errors = [f"{row['name']} ({row['error']})" for row in summary.get("findings_by_agency", []) if row["error"]]
    if with_errors:
        lines.append(messages.text("report.errors_by_agency", lang, names=_names(with_errors, t)))
    return "\n".join(lines + [render_summary(summary, lang, max_info, show_file=True)])


messages.register({"report.errors_by_agency": ("Lỗi theo đơn vị chịu trách nhiệm: {names}",
                                               "Errors by the agency answerable: {names}")})
