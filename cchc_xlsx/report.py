"""Summaries of a read plan: the dict behind ``--json`` and the text a user reads on screen."""

from __future__ import annotations

from collections import defaultdict

from .findings import SEVERITIES, count_by_severity
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
    for row in records(frame[frame["level"] == "task"]):
        by_task[row["code"]] = _dong(row["budget"])
    by_agency: dict[str, int] = defaultdict(int)
    activities = plan.activities
    for agency, budget in zip(activities["funded_agency"], activities["budget"]):
        by_agency[agency or ""] += _dong(budget)
    return {
        "plan": {"year": plan.year, "province": plan.province, "decision": plan.decision,
                 "decision_date": plan.decision_date},
        "counts": {
            "plan": {level: int((frame["level"] == level).sum()) for level in levels},
            "monitoring": {level: int((plan.monitoring["level"] == level).sum()) for level in levels},
            "allocation": len(plan.allocation),
        },
        "total": _trieu(sum(_dong(b) for b in activities["budget"])),
        "stated_total": plan.stated_total,
        "budget_by_task": {code: _trieu(v) for code, v in by_task.items()},
        "budget_by_agency": {agency: _trieu(v) for agency, v in sorted(by_agency.items(), key=lambda kv: -kv[1])},
        "allocation": {row["agency"]: _trieu(int(row["amount_dong"])) for row in records(plan.allocation)},
        "missing_budget": activities.loc[activities["budget_text"] == "", "code"].tolist(),
        "severity_counts": count_by_severity(plan.findings),
        "findings": [f.to_dict(lang) for f in sorted(plan.findings, key=lambda f: SEVERITIES.index(f.severity))],
    }


_TEXT = {
    "vi": {
        "title": "Kế hoạch CCHC {province} năm {year} (Quyết định {decision})",
        "counts": "Phụ lục 1: {task} nhiệm vụ, {output} kết quả đầu ra, {activity} hoạt động",
        "counts2": "Phụ lục 2: {task} nhiệm vụ, {output} kết quả đầu ra, {activity} hoạt động",
        "total": "Tổng ngân sách các hoạt động: {total} triệu đồng (dòng Tổng cộng ghi: {stated})",
        "by_task": "Ngân sách theo nhiệm vụ (triệu đồng):",
        "task": "  Nhiệm vụ {code}: {value}",
        "by_agency": "Ngân sách theo đơn vị được cấp kinh phí (triệu đồng) / phân bổ theo Quyết định:",
        "agency": "  {agency}: {value} / {allocated}",
        "none": "(chưa xác định)",
        "missing": "Hoạt động chưa có ngân sách: {codes}",
        "findings": "Phát hiện: {error} lỗi, {warning} cảnh báo, {info} ghi chú",
        "finding": "  [{severity}] {sheet}!{cell} {code}: {message}",
        "more": "  … và {n} ghi chú khác (xem --json)",
    },
    "en": {
        "title": "CCHC plan {province} {year} (decision {decision})",
        "counts": "Phụ lục 1: {task} tasks, {output} outputs, {activity} activities",
        "counts2": "Phụ lục 2: {task} tasks, {output} outputs, {activity} activities",
        "total": "Activities' total budget: {total} million đồng (the Tổng cộng row states: {stated})",
        "by_task": "Budget per task (million đồng):",
        "task": "  Task {code}: {value}",
        "by_agency": "Budget per funded agency (million đồng) / allocation in the decision:",
        "agency": "  {agency}: {value} / {allocated}",
        "none": "(none)",
        "missing": "Activities without a budget: {codes}",
        "findings": "Findings: {error} errors, {warning} warnings, {info} notes",
        "finding": "  [{severity}] {sheet}!{cell} {code}: {message}",
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


def render_summary(summary: dict, lang: str = "vi", max_info: int = 10) -> str:
    """The summary as lines a person reads (Vietnamese by default)."""
    t = _TEXT["vi" if lang == "vi" else "en"]
    lines = [t["title"].format(**{k: v or "?" for k, v in summary["plan"].items()}),
             t["counts"].format(**summary["counts"]["plan"]),
             t["counts2"].format(**summary["counts"]["monitoring"]),
             t["total"].format(total=_num(summary["total"]), stated=_num(summary["stated_total"])),
             t["by_task"]]
    lines += [t["task"].format(code=code, value=_num(v)) for code, v in summary["budget_by_task"].items()]
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
        lines.append(t["finding"].format(**(f | {"severity": _SEVERITY_WORDS[lang][f["severity"]]})))
    if shown_info > max_info:
        lines.append(t["more"].format(n=shown_info - max_info))
    return "\n".join(lines)
