"""Summaries of a read plan: the dict behind ``--json`` and the text a user reads on screen."""

from __future__ import annotations

from collections import defaultdict

from . import messages
from .findings import SEVERITIES, count_by_severity, owner_label
from .hierarchy import is_named_label
from .messages import CATALOGUE, count, register, severity_counts, text
from .normalise import Plan, records

__all__ = ["plan_summary", "render_summary", "consolidation_summary", "render_consolidation", "render_check"]


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


register({
    "report.title": ("Kế hoạch CCHC {province} năm {year} (Quyết định {decision})",
                     "CCHC plan {province} {year} (decision {decision})"),
    "report.district": ("Kế hoạch CCHC {district}{of_province} năm {year} (Quyết định {decision})",
                        "CCHC plan {district}{of_province} {year} (decision {decision})"),
    "report.unit": ("Đơn vị tính của bảng: {unit} (ghi «{unit_text}»); các số dưới đây đã quy ra triệu đồng.",
                    "The table's unit: {unit} (written «{unit_text}»); the figures below are in million đồng."),
    "report.counts": ("{table}: {task}, {output}, {activity}", "{table}: {task}, {output}, {activity}"),
    "report.count.task": ("{n} nhiệm vụ", "{n} task|{n} tasks"),
    "report.count.output": ("{n} kết quả đầu ra", "{n} output|{n} outputs"),
    "report.count.activity": ("{n} hoạt động", "{n} activity|{n} activities"),
    "report.depths": ("Phụ lục 1 theo cấp: {depths}; {leaves} (không có dòng con, được cộng vào tổng)",
                      "Phụ lục 1 by depth: {depths}; {leaves} (no child rows, summed into the total)"),
    "report.depth": ("cấp {depth}: {n} dòng", "depth {depth}: {n} row|depth {depth}: {n} rows"),
    "report.leaves": ("{n} dòng chi tiết", "{n} detail row|{n} detail rows"),
    "report.total": ("Tổng ngân sách các hoạt động: {total} triệu đồng (dòng Tổng cộng ghi: {stated})",
                     "Activities' total budget: {total} million đồng (the Tổng cộng row states: {stated})"),
    "report.by-task": ("Ngân sách theo nhiệm vụ (triệu đồng):", "Budget per task (million đồng):"),
    "report.task": ("  Nhiệm vụ {code}: {value}", "  Task {code}: {value}"),
    "report.by-agency": ("Ngân sách theo đơn vị được cấp kinh phí (triệu đồng) / phân bổ theo Quyết định:",
                         "Budget per funded agency (million đồng) / allocation in the decision:"),
    "report.no-agency": ("(chưa xác định)", "(none)"),
    "report.missing": ("Hoạt động chưa có ngân sách: {codes}", "Activities without a budget: {codes}"),
    "report.findings": ("Phát hiện: {counts}", "Findings: {counts}"),
    "report.more": ("  … và {n} ghi chú khác (xem --json)", "  … and {n} more note (see --json)|  … and {n} more notes (see --json)"),
    # the consolidation
    "report.returns": ("Báo cáo: {expected} đơn vị phải gửi, {received} đã gửi ({errors} có lỗi), {missing} chưa gửi",
                       "Returns: {expected} expected, {received} received ({errors} with errors), {missing} missing"),
    "report.not-sent": ("  Chưa gửi: {names}", "  Missing: {names}"),
    "report.late": ("  Trễ hạn: {names}", "  Late: {names}"),
    "report.files": ("Đã đọc {files}: {used} dùng, {other} không dùng", "Read {files}: {used} used, {other} not used"),
    "report.status.plan": ("kế hoạch (các dòng chưa có báo cáo giữ số liệu của kế hoạch)",
                           "the plan (rows no return gives keep the plan's figures)"),
    "report.status.used": ("dùng", "used"),
    "report.status.superseded": ("bị thay thế", "superseded"),
    "report.status.skipped": ("bỏ qua", "skipped"),
    "report.status.unreadable": ("không đọc được", "unreadable"),
    "report.status.unexpected": ("không rõ đơn vị", "agency unknown"),
    "report.more-names": ("… và {n} đơn vị khác (xem trang Tổng hợp)", "… and {n} more (see the Tổng hợp sheet)"),
    "report.feedback-written": ("Góp ý đã ghi vào {dir}", "Feedback written to {dir}"),
    "report.files-skipped": ("bỏ qua {n} tệp", "{n} skipped"),
    "report.check-summary": ("Đã kiểm tra {files}: {counts}.", "Checked {files}: {counts}."),
    "report.more-used": ("  … và {n} tệp được dùng (xem trang Nguồn)",
                         "  … and {n} file used (see the Nguồn sheet)|  … and {n} files used (see the Nguồn sheet)"),
})


def _num(value: float | None, lang: str = "vi") -> str:
    """1949.5 as each language writes it: 1.949,5 (vi), 1,949.5 (en); "—" for none."""
    if value is None:
        return "—"
    written = f"{value:,.1f}".rstrip("0").rstrip(".")
    return written if lang == "en" else written.replace(",", " ").replace(".", ",").replace(" ", ".")


def _where(f: dict, show_file: bool) -> str:
    place = f"{f['sheet']}!{f['cell']}" if f["cell"] else f["sheet"]
    parts = [p for p in ((f["file"] if show_file else ""), place) if p]
    return " › ".join(parts) or "—"


def _depth_line(summary: dict, lang: str) -> list[str]:
    """The rows per depth, for a plan not in the Đắk Lắk form (whose levels the counts name)."""
    if summary.get("named_levels", True):
        return []
    depths = "; ".join(count("report.depth", n, lang, depth=d) for d, n in summary["depths"]["plan"].items())
    return [text("report.depths", lang, depths=depths, leaves=count("report.leaves", summary["leaves"], lang))]


def _counts_line(table: str, counts: dict, lang: str) -> str:
    return text("report.counts", lang, table=table,
                **{level: count(f"report.count.{level}", counts[level], lang) for level in ("task", "output", "activity")})


def render_summary(summary: dict, lang: str = "vi", max_info: int = 10, show_file: bool = False) -> str:
    """The summary as lines a person reads (Vietnamese by default, English with ``lang="en"``)."""
    identity = {k: v or "?" for k, v in summary["plan"].items()}
    identity["of_province"] = f" ({summary['plan']['province']})" if summary["plan"].get("province") else ""
    lines = [text("report.district" if summary["plan"].get("district") else "report.title", lang, **identity)]
    if summary.get("unit", "triệu đồng") != "triệu đồng":
        lines.append(text("report.unit", lang, unit=summary["unit"], unit_text=summary["unit_text"] or "—"))
    lines += [_counts_line("Phụ lục 1", summary["counts"]["plan"], lang),
              _counts_line("Phụ lục 2", summary["counts"]["monitoring"], lang),
              *_depth_line(summary, lang),
              text("report.total", lang, total=_num(summary["total"], lang), stated=_num(summary["stated_total"], lang)),
              text("report.by-task", lang)]
    labels = {} if summary.get("named_levels", True) else summary.get("task_labels", {})
    lines += [(f"  {labels[code]} ({code}): {_num(v, lang)}" if labels.get(code)
               else text("report.task", lang, code=code, value=_num(v, lang)))
              for code, v in summary["budget_by_task"].items()]
    lines.append(text("report.by-agency", lang))
    allocation = summary["allocation"]
    for agency, value in summary["budget_by_agency"].items():
        lines.append(f"  {agency or text('report.no-agency', lang)}: {_num(value, lang)} / {_num(allocation.get(agency), lang)}")
    for agency, value in allocation.items():
        if agency not in summary["budget_by_agency"]:
            lines.append(f"  {agency}: 0 / {_num(value, lang)}")
    if summary["missing_budget"]:
        lines.append(text("report.missing", lang, codes=", ".join(summary["missing_budget"])))
    lines.append(text("report.findings", lang, counts=severity_counts(summary["severity_counts"], lang)))
    lines += finding_lines(summary["findings"], lang, max_info, show_file)
    return "\n".join(lines)


def finding_lines(findings: list[dict], lang: str = "vi", max_info: int = 10, show_file: bool = False) -> list[str]:
    """One line per finding (``Finding.to_dict(lang)``), ``  [lỗi] file › sheet!cell code: message``:
    every error and warning, the first ``max_info`` notes, then a line counting the notes left out."""
    lines, shown_info = [], 0
    for f in findings:
        if f["severity"] == "info":
            shown_info += 1
            if shown_info > max_info:
                continue
        lines.append(f"  [{text('severity.' + f['severity'], lang)}] {_where(f, show_file)} {f['code']}: {f['message']}")
    if shown_info > max_info:
        lines.append(count("report.more", shown_info - max_info, lang))
    return lines


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


#: Beyond this many files or agencies, the summary names only those that need attention.
MAX_LISTED = 20


def _names(names: list[str], lang: str) -> str:
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return ", ".join(names[:MAX_LISTED]) + " " + text("report.more-names", lang, n=len(names) - MAX_LISTED)


def render_consolidation(summary: dict, lang: str = "vi", max_info: int = 10) -> str:
    """The consolidation's summary as lines: the returns' state, the files, then the plan summary.

    With many files (a whole province's communes), the files used are counted, not listed, and
    long lists of agencies are cut: the workbook's sheets have them all.
    """
    expected = [r for r in summary["returns"] if r["expected"]]
    received = [r for r in expected if r["received"]]
    missing = [r["agency"] for r in expected if not r["received"]]
    lines = []
    if any(r["status"] != "not_requested" for r in summary["returns"]):
        lines.append(text("report.returns", lang, expected=len(expected), received=len(received),
                          errors=sum(1 for r in received if r["status"] == "errors"), missing=len(missing)))
        if missing:
            lines.append(text("report.not-sent", lang, names=_names(missing, lang)))
        late = [r["agency"] for r in expected if r.get("late")]
        if late:
            lines.append(text("report.late", lang, names=_names(late, lang)))
    sources = summary["sources"]
    used = sum(1 for s in sources if s["status"] == "used")
    lines.append(text("report.files", lang, files=count("count.file", len(sources), lang), used=used,
                      other=len(sources) - used))
    many = len(sources) > MAX_LISTED
    for index, s in enumerate(sources):
        if many and s["status"] == "used":
            continue
        if index == 0:          # the plan (consolidate's first source), not a return of the Sở Nội vụ
            lines.append(f"  {s['file']}: {text('report.status.plan', lang)}")
            continue
        status = text(f"report.status.{s['status']}", lang) if f"report.status.{s['status']}" in CATALOGUE else s["status"]
        lines.append(f"  {s['file']}: {status}" + (f" ({s['agency']})" if s["agency"] else ""))
    if many and used:
        lines.append(count("report.more-used", used, lang))
    with_errors = [f"{row['name']} ({row['error']})" for row in summary.get("findings_by_agency", []) if row["error"]]
    if with_errors:
        lines.append(text("report.errors_by_agency", lang, names=_names(with_errors, lang)))
    return "\n".join(lines + [render_summary(summary, lang, max_info, show_file=True)])


register({"report.errors_by_agency": ("Lỗi theo đơn vị chịu trách nhiệm: {names}",
                                      "Errors by the agency answerable: {names}")})


def render_check(findings: list, returns_read: list, lang: str = "vi", feedback=None) -> str:
    """What ``check`` prints: for each return read, one line with its counts and one per finding (most
    severe first); a line per finding of the files skipped before reading (documents, lock files);
    where the feedback copies were written (``feedback``, a folder); last, one summary line: files
    checked, files skipped, errors, warnings, notes."""
    by_file: dict[str, list] = {}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    lines = []
    for ret in returns_read:
        mine = by_file.get(ret.name, [])
        agency = f" ({ret.agency})" if ret.agency else ""
        lines.append(f"{ret.name}{agency}: {severity_counts(count_by_severity(mine), lang)}")
        for f in sorted(mine, key=lambda f: SEVERITIES.index(f.severity)):
            where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "")
            lines.append(f"  [{text('severity.' + f.severity, lang)}] {where} {f.code}: {f.message(lang)}")
    names_read = {ret.name for ret in returns_read}
    skipped = 0
    for name, mine in by_file.items():
        if name not in names_read:
            skipped += 1
            lines += [f"{name}: {f.code}: {f.message(lang)}" for f in mine]
    if feedback:
        lines.append(text("report.feedback-written", lang, dir=feedback))
    checked = count("count.file", sum(1 for ret in returns_read if ret.status != "skipped"), lang)
    skipped += sum(1 for ret in returns_read if ret.status == "skipped")
    if skipped:
        checked += f" ({count('report.files-skipped', skipped, lang)})"
    lines.append(text("report.check-summary", lang, files=checked, counts=severity_counts(count_by_severity(findings), lang)))
    return "\n".join(lines)
