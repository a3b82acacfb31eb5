"""Write stage for a period: one protected, validated progress template per agency.

The plan templates' conventions (cchc_xlsx/templates.py): locked plan cells, unlocked validated
cells to fill with Vietnamese prompts, Decree 30/2020 print setup, an instruction sheet, and a very
hidden ``_cchc_meta`` sheet (format, version, plan id, period, agency, a fingerprint of every row)
by which a returned workbook is matched to its agency and period.
"""

from __future__ import annotations

import datetime as dt
import io
import types
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from ..agencies import Registry, default_registry
from ..normalise import Plan
from ..periods import Period
from ..templates import (META_SHEET, SHEET_GUIDE, _file_part, _Formats, _page_setup, _protect, _replace, _titles,
                         fit_height, plan_id, row_fingerprint, slug)
from ..templates import _apply as _apply_rule
from .model import PlanActivity, listed_by_agency, plan_activities
from .words import COLUMNS, SHEET, STATUSES, TEMPLATE_FORMAT, TEMPLATE_VERSION

__all__ = ["ProgressTemplateOptions", "write_progress_templates", "template_name", "HEADER_ROW"]

HEADER_ROW = 5          # rows 0–2 titles, 3 the period, 4 blank, 5 the header
WIDTHS = [width for _, _, width, _ in COLUMNS]
COL = {name: i for i, (name, _, _, _) in enumerate(COLUMNS)}
INPUTS = [name for name, _, _, filled in COLUMNS if filled]


@dataclass
class ProgressTemplateOptions:
    password: str | None = None
    deadline: str = ""                             # "05/07/2018"; shown in the instructions
    contact: str = "Phòng Cải cách hành chính, Sở Nội vụ"
    generated_at: dt.datetime | None = None        # None: now
    registry: Registry | None = None
    #: code -> {status, percent, disbursed, evidence, difficulties, proposals} reported last period
    #: (see :func:`cchc_xlsx.progress.read.read_previous`), pre-filled into the cells to fill.
    previous: dict[str, dict] = field(default_factory=dict)


def template_name(plan: Plan, when: Period, agency: str, registry: Registry) -> str:
    """``cchc-2018-tien-do-6-thang-so-tu-phap.xlsx``."""
    known = registry.by_name(agency)
    return f"cchc-{plan.year}-tien-do-{when.code}-{_file_part(known.id if known else slug(agency))}.xlsx"


def write_progress_templates(plan: Plan, when: Period, out_dir: str | Path,
                             options: ProgressTemplateOptions | None = None) -> list[Path]:
    """One template per agency that answers for activities listed in ``when`` (started by its end),
    in the order agencies first appear in the plan. Returns the paths written."""
    options = options or ProgressTemplateOptions()
    if options.generated_at is None:
        options.generated_at = dt.datetime.now().replace(microsecond=0)
    registry = options.registry or plan.registry or default_registry()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    activities = plan_activities(plan, when)
    paths = []
    for agency, listed in listed_by_agency(activities).items():
        path = out_dir / template_name(plan, when, agency, registry)
        paths.append(write_progress_template(plan, when, agency, listed, path, options, registry))
    return paths


def write_progress_template(plan: Plan, when: Period, agency: str, listed: list[PlanActivity], path: Path,
                            options: ProgressTemplateOptions, registry: Registry) -> Path:
    buffer = io.BytesIO()             # written whole, then moved into place: a killed run leaves no half file
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "in_memory": True})
    book.set_properties({"title": f"Báo cáo tiến độ CCHC {when.label()}", "author": "cchc-xlsx",
                         "company": agency, "created": options.generated_at})
    f = _Formats(book)
    guide = book.add_worksheet(SHEET_GUIDE)
    sheet = book.add_worksheet(SHEET)
    meta = book.add_worksheet(META_SHEET)
    fingerprints = _write_table(sheet, plan, when, agency, listed, f, options, _extra_formats(book))
    _write_guide(guide, plan, when, agency, f, options)
    known = registry.by_name(agency)
    entries = [("format", TEMPLATE_FORMAT), ("template_version", TEMPLATE_VERSION), ("plan_id", plan_id(plan)),
               ("plan_year", str(plan.year)), ("province", plan.province), ("decision", plan.decision),
               ("period", when.code), ("period_end", when.end.isoformat()), ("agency", agency),
               ("agency_id", known.id if known else slug(agency)), ("scope", "agency"),
               ("generated_at", options.generated_at.isoformat()), ("rows", str(len(fingerprints)))]
    for i, (key, value) in enumerate(entries):
        meta.write_string(i, 0, key)
        meta.write_string(i, 1, value or "")
    start = len(entries) + 1
    for c, name in enumerate(("code", "level", "sheet", "row", "fingerprint")):
        meta.write_string(start, c, name)
    for i, (code, level, row, fingerprint) in enumerate(fingerprints, start=start + 1):
        meta.write_row(i, 0, [code, level, SHEET, row, fingerprint])
    meta.protect(options.password or "")
    meta.very_hidden()
    sheet.activate()
    book.close()
    _replace(path, buffer.getvalue())
    return path


def _context_rows(plan: Plan, listed: list[PlanActivity]) -> list[tuple[str, str, PlanActivity | None]]:
    """(level, code, activity or None) in plan order: each task and output above its listed activities."""
    contents = {row["code"]: row for row in plan.rows("plan")}
    rows: list[tuple[str, str, PlanActivity | None]] = []
    seen: set[str] = set()
    for activity in listed:
        for level, code in (("task", activity.task), ("output", activity.output)):
            if code not in seen and code in contents and code != activity.code:
                seen.add(code)
                rows.append((level, code, None))
        rows.append(("activity", activity.code, activity))
    return rows


def _write_table(sheet, plan: Plan, when: Period, agency: str, listed: list[PlanActivity], f: _Formats,
                 options: ProgressTemplateOptions, extra: tuple) -> list[tuple]:
    _titles(sheet, types.SimpleNamespace(plan=plan), agency, "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CCHC", f)
    sheet.write_string(3, 0, f"Kỳ báo cáo: {when.label()} (từ {when.start:%d/%m/%Y} đến {when.end:%d/%m/%Y}), "
                             "số liệu lũy kế từ đầu năm.", f.bold)
    sheet.set_row(HEADER_ROW, 45)
    for c, (_, header, _, _) in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, c, header, f.header)
    contents = {row["code"]: row["content"] for row in plan.rows("plan")}
    number_locked, percent_input = extra
    fingerprints: list[tuple] = []
    activity_rows: list[int] = []
    due_rows: list[int] = []
    r = HEADER_ROW + 1
    for level, code, activity in _context_rows(plan, listed):
        if activity is None:
            fmt = f.task if level == "task" else f.output
            sheet.write_string(r, 0, code, fmt)
            sheet.merge_range(r, 1, r, len(COLUMNS) - 1, contents.get(code, ""), fmt)
            sheet.set_row(r, fit_height([contents.get(code, "")], [sum(WIDTHS[1:])]))
            fingerprints.append((code, level, r + 1, row_fingerprint(code, contents.get(code, ""))))
            r += 1
            continue
        values = [activity.code, activity.content, activity.window, activity.planned, activity.frequency,
                  activity.collector, "x" if activity.schedule.due else ""]
        for c, value in enumerate(values):
            if c == COL["planned"] and value is not None:
                sheet.write_number(r, c, value, number_locked)
            else:
                sheet.write_string(r, c, value or "", f.locked)
        previous = options.previous.get(activity.code, {})
        for name in INPUTS:
            value = previous.get(name)
            fmt = percent_input if name == "percent" else f.input_num if name == "disbursed" else f.input
            if name == "status":
                value = STATUSES.get(value or "", "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, COL[name], value, fmt)
            elif value:
                sheet.write_string(r, COL[name], str(value), fmt)
            else:
                sheet.write_blank(r, COL[name], None, fmt)
        sheet.set_row(r, fit_height([str(v or "") for v in values] + [str(previous.get(n) or "") for n in INPUTS],
                                    WIDTHS))
        fingerprints.append((activity.code, "activity", r + 1, row_fingerprint(activity.code, activity.content)))
        activity_rows.append(r)
        if activity.schedule.due:
            due_rows.append(r)
        r += 1
    _validate(sheet, activity_rows, due_rows, f)
    _page_setup(sheet, None, (HEADER_ROW, HEADER_ROW), WIDTHS, f"Tiến độ CCHC {when.label()} — {agency}")
    _protect(sheet, options)
    return fingerprints


def _extra_formats(book: xlsxwriter.Workbook) -> tuple:
    """Two formats the plan templates do not need: a locked budget, a percent cell to fill."""
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top", "text_wrap": True, "border": 1}
    return (book.add_format(base | {"num_format": "#,##0.0##"}),
            book.add_format(base | {"locked": False, "num_format": "0.##"}))


def _apply(sheet, rows: list[int], first_col: int, last_col: int, options: dict, method: str = "data_validation"):
    """One validation (or conditional format) over every given row, as the plan templates apply theirs."""
    _apply_rule(sheet, method, rows, first_col, last_col, options)


def _validate(sheet, rows: list[int], due_rows: list[int], f: _Formats) -> None:
    _apply(sheet, rows, COL["status"], COL["status"], {
        "validate": "list", "source": list(STATUSES.values()),
        "input_title": "Tình trạng", "input_message": "Chọn: Chưa triển khai, Đang thực hiện, Đã hoàn thành, "
                                                      "Không thực hiện hoặc Chuyển sang năm sau.",
        "error_title": "Tình trạng không hợp lệ", "error_message": "Hãy chọn một giá trị trong danh sách."})
    _apply(sheet, rows, COL["percent"], COL["percent"], {
        "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
        "input_title": "Tỷ lệ hoàn thành (%)",
        "input_message": "Ghi số từ 0 đến 100 (ví dụ 75). Đã hoàn thành là 100; chưa triển khai là 0.",
        "error_title": "Tỷ lệ không hợp lệ", "error_message": "Tỷ lệ hoàn thành là một số từ 0 đến 100."})
    _apply(sheet, rows, COL["disbursed"], COL["disbursed"], {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "input_title": "Kinh phí đã giải ngân lũy kế",
        "input_message": "Số TRIỆU ĐỒNG đã giải ngân từ đầu năm đến hết kỳ (lũy kế, không phải riêng kỳ này). "
                         "Ví dụ: 3,4 là 3.400.000 đồng. Ghi 0 nếu chưa giải ngân.",
        "error_title": "Kinh phí không hợp lệ", "error_message": "Kinh phí là một số không âm, đơn vị triệu đồng."})
    _apply(sheet, rows, COL["evidence"], COL["evidence"], {
        "validate": "any", "input_title": "Tài liệu kiểm chứng",
        "input_message": "Số/ký hiệu và ngày của văn bản chứng minh kết quả, ví dụ: Báo cáo số 12/BC-STP ngày 20/6/2018."})
    _apply(sheet, rows, COL["difficulties"], COL["difficulties"], {
        "validate": "any", "input_title": "Khó khăn, vướng mắc",
        "input_message": "Nêu ngắn gọn khó khăn, vướng mắc (nếu có)."})
    _apply(sheet, rows, COL["proposals"], COL["proposals"], {
        "validate": "any", "input_title": "Đề xuất", "input_message": "Đề xuất, kiến nghị (nếu có)."})
    if due_rows:
        top = f"{chr(ord('A') + COL['status'])}{min(due_rows) + 1}"
        _apply(sheet, due_rows, COL["status"], COL["status"], {
            "type": "formula", "criteria": f"=LEN(TRIM({top}))=0", "format": f.missing}, "conditional_format")


def _write_guide(sheet, plan: Plan, when: Period, agency: str, f: _Formats, options: ProgressTemplateOptions) -> None:
    deadline = options.deadline or "theo thời hạn trong công văn của Sở Nội vụ"
    lines = [
        (f"HƯỚNG DẪN BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {plan.year}", f.title),
        (f"Đơn vị: {agency}", f.bold),
        (f"Kỳ báo cáo: {when.label()}, từ {when.start:%d/%m/%Y} đến {when.end:%d/%m/%Y}.", f.bold),
        ("", f.plain),
        ("1. Trang «Tiến độ» liệt kê các hoạt động của đơn vị đã bắt đầu đến hết kỳ, kèm kết quả đầu ra và nhiệm vụ. "
         "Cột «Phải báo cáo kỳ này» đánh dấu «x» các hoạt động có lịch thu thập số liệu trong kỳ theo tần suất ở "
         "Phụ lục 2 (các ô «Tình trạng» còn trống của chúng tô màu hồng).", f.plain),
        ("2. Chỉ điền các ô trắng: Tình trạng (chọn trong danh sách), Tỷ lệ hoàn thành (0–100), Kinh phí đã giải ngân "
         "lũy kế (triệu đồng, từ đầu năm đến hết kỳ), Tài liệu kiểm chứng (số/ký hiệu, ngày), Khó khăn, vướng mắc và "
         "Đề xuất. Các ô nền xám là nội dung kế hoạch đã được phê duyệt và đã khóa.", f.plain),
        ("3. «Đã hoàn thành» cần tỷ lệ 100 và tài liệu kiểm chứng; «Chưa triển khai» có tỷ lệ 0 và chưa giải ngân. "
         "Kinh phí giải ngân không vượt ngân sách dự kiến và không thấp hơn số đã báo cáo kỳ trước.", f.plain),
        ("4. Không thêm, xóa hay đổi tên cột, trang; không sửa cột «Mã»; không xóa các trang ẩn.", f.plain),
        (f"5. Thời hạn gửi lại: {deadline}. Lưu tệp dạng .xlsx, giữ nguyên tên tệp.", f.plain),
        (f"6. Liên hệ: {options.contact}.", f.plain),
        ("", f.plain),
        (f"Mã kế hoạch: {plan_id(plan)} · biểu mẫu tiến độ phiên bản {TEMPLATE_VERSION} · "
         f"tạo lúc {options.generated_at:%d/%m/%Y %H:%M}", f.subtitle),
    ]
    sheet.set_column(0, 0, 120)
    for i, (text, fmt) in enumerate(lines):
        if text:
            sheet.write_string(i, 0, text, fmt)
            sheet.set_row(i, fit_height([text], [120], 16))
    sheet.set_paper(9)
    sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)   # 30, 15, 20, 20 mm (Decree 30/2020)
    sheet.protect(options.password or "")
