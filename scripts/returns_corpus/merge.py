"""Corpus cases: merge — what an agency does to the rows that changes what is merged.

Merged cells over rows, proposals in the spare rows of Phụ lục 2, edits to the locked cells of task
and output rows, a template re-used by another agency, and what a killed run leaves in the folder.
Each case starts from the bundled plan's template of one agency (``templates[agency id]``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl

from cchc_xlsx.templates import META_SHEET, SHEET_MONITORING, SHEET_PLAN

from .base import SAVED, case, cell, column, rows_labelled, row_of, save

TU_PHAP, TAI_CHINH, ALL_ROWS = "so-tu-phap", "so-tai-chinh", "toan-bo-ke-hoach"


def _open(templates: dict[str, Path], agency: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(templates[agency])


def _merge(ws, first_label: str, last_label: str, field: str, value=None, last_field: str | None = None) -> str:
    """Merge ``field`` (to ``last_field``) from the row labelled ``first_label`` to ``last_label``; the
    top-left cell holds ``value`` (or keeps its own). Returns the range, e.g. ``E9:E11``."""
    top, bottom = row_of(ws, first_label), row_of(ws, last_label)
    left = column(ws, field)
    right = column(ws, last_field) if last_field else left
    if value is not None:
        ws.cell(top, left).value = value
    ref = f"{ws.cell(top, left).coordinate}:{ws.cell(bottom, right).coordinate}"
    ws.merge_cells(ref)
    return ref


def _spare_rows(ws, output: str) -> list[int]:
    return rows_labelled(ws, f"Đề xuất mới ({output})")


def _fill_spare(ws, row: int, values: dict[str, object]) -> None:
    for field, value in values.items():
        ws.cell(row, column(ws, field)).value = value


def _set_meta(book: openpyxl.Workbook, **entries: str) -> None:
    meta = book[META_SHEET]
    for row in meta.iter_rows(min_col=1, max_col=2):
        if row[0].value in entries:
            row[1].value = entries[row[0].value]


# --------------------------------------------------------------------------- merged cells
@case("merged-months-vertical", "merge", "Từ tháng merged over activities 1.1.1–1.1.3 (Tháng 03 in the top cell)")
def merged_months_vertical(templates, out):
    book = _open(templates, TU_PHAP)
    _merge(book[SHEET_PLAN], "Hoạt động 1.1.1", "Hoạt động 1.1.3", "from", "Tháng 03")
    return [save(book, out / "merged-months-vertical.xlsx", SAVED)]


@case("merged-budget-activities", "merge", "one budget (30) merged over activities 1.4.1–1.4.3")
def merged_budget_activities(templates, out):
    book = _open(templates, TU_PHAP)
    _merge(book[SHEET_PLAN], "Hoạt động 1.4.1", "Hoạt động 1.4.3", "budget", 30)
    return [save(book, out / "merged-budget-activities.xlsx", SAVED)]


@case("merged-budget-over-output", "merge", "a budget merged over output row 1.2 and its activities")
def merged_budget_over_output(templates, out):
    book = _open(templates, TU_PHAP)
    _merge(book[SHEET_PLAN], "Kết quả đầu ra 1.2", "Hoạt động 1.2.3", "budget", 12)
    return [save(book, out / "merged-budget-over-output.xlsx", SAVED)]


@case("merged-monitoring-columns", "merge",
      "Phụ lục 2: collector merged over 1.1.1–1.1.3; output 1.2's collector merged down over its activities")
def merged_monitoring_columns(templates, out):
    book = _open(templates, TU_PHAP)
    ws = book[SHEET_MONITORING]
    _merge(ws, "Hoạt động 1.1.1", "Hoạt động 1.1.3", "collector", "Bà Lê Thị Thu, chuyên viên")
    _merge(ws, "Kết quả đầu ra 1.2", "Hoạt động 1.2.3", "collector")    # keeps the output's own collector
    return [save(book, out / "merged-monitoring-columns.xlsx", SAVED)]


@case("merged-across-fields", "merge",
      "1.1.3: Từ tháng and Đến tháng merged into one cell (Tháng 07); 1.1.1: indicator merged over evidence")
def merged_across_fields(templates, out):
    book = _open(templates, TU_PHAP)
    ws = book[SHEET_PLAN]
    _merge(ws, "Hoạt động 1.1.3", "Hoạt động 1.1.3", "from", "Tháng 07", last_field="to")
    _merge(ws, "Hoạt động 1.1.1", "Hoạt động 1.1.1", "indicator", last_field="evidence")
    return [save(book, out / "merged-across-fields.xlsx", SAVED)]


@case("merged-lead-partners", "merge", "lead and partners merged over activities 1.3.1–1.3.4 (same lead, one partner text)")
def merged_lead_partners(templates, out):
    book = _open(templates, TU_PHAP)
    ws = book[SHEET_PLAN]
    _merge(ws, "Hoạt động 1.3.1", "Hoạt động 1.3.4", "lead")
    _merge(ws, "Hoạt động 1.3.1", "Hoạt động 1.3.4", "partners", "Văn phòng UBND tỉnh")
    return [save(book, out / "merged-lead-partners.xlsx", SAVED)]


# --------------------------------------------------------------------------- spare rows of Phụ lục 2
@case("spare-rows-paired-by-content", "merge",
      "two proposals in Phụ lục 1 (5.1 second spare row, 5.2 first) and in Phụ lục 2 in other spare rows and order")
def spare_rows_paired_by_content(templates, out):
    book = _open(templates, TAI_CHINH)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    _fill_spare(plan, _spare_rows(plan, "5.1")[1], {"content": "Rà soát quy chế chi tiêu nội bộ", "from": "Tháng 03",
                                                     "to": "Tháng 06", "budget": 5})
    _fill_spare(plan, _spare_rows(plan, "5.2")[0], {"content": "Tập huấn nghiệp vụ kế toán năm 2018",
                                                     "from": "Tháng 08", "to": "Tháng 08", "budget": 7})
    _fill_spare(monitoring, _spare_rows(monitoring, "5.2")[1], {"content": "Tập huấn nghiệp vụ kế toán 2018",
                                                                 "frequency": "01 lần", "collector": "Ông Trần Văn Đức"})
    _fill_spare(monitoring, _spare_rows(monitoring, "5.1")[0], {"content": "Rà soát quy chế chi tiêu nội bộ",
                                                                 "frequency": "6 tháng", "collector": "Bà Phạm Thị Hoa"})
    return [save(book, out / "spare-rows-paired-by-content.xlsx", SAVED)]


@case("spare-row-monitoring-only", "merge", "a proposal filled in a spare row of Phụ lục 2 only")
def spare_row_monitoring_only(templates, out):
    book = _open(templates, TAI_CHINH)
    monitoring = book[SHEET_MONITORING]
    _fill_spare(monitoring, _spare_rows(monitoring, "5.1")[1], {"content": "Khảo sát mức độ hài lòng của đơn vị sự nghiệp",
                                                                 "frequency": "Hàng năm", "collector": "Ông Lê Văn Nam"})
    return [save(book, out / "spare-row-monitoring-only.xlsx", SAVED)]


@case("spare-row-monitoring-no-content", "merge",
      "Phụ lục 2's spare row of 5.2 has a frequency and collector but no content; Phụ lục 1 has one proposal under 5.2")
def spare_row_monitoring_no_content(templates, out):
    book = _open(templates, TAI_CHINH)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    _fill_spare(plan, _spare_rows(plan, "5.2")[1], {"content": "Kiểm tra tài chính doanh nghiệp nhà nước",
                                                     "from": "Tháng 09", "to": "Tháng 11", "budget": 4})
    _fill_spare(monitoring, _spare_rows(monitoring, "5.2")[0], {"frequency": "Hàng quý", "collector": "Bà Vũ Thị Lan"})
    return [save(book, out / "spare-row-monitoring-no-content.xlsx", SAVED)]


# --------------------------------------------------------------------------- locked cells of task and output rows
@case("locked-task-output-cells", "merge",
      "edits to locked cells of task 1 and outputs 1.2, 1.3: indicator, evidence, Đến tháng, partners (Phụ lục 1); "
      "collector, reporter (Phụ lục 2)")
def locked_task_output_cells(templates, out):
    book = _open(templates, TU_PHAP)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    cell(plan, "NHIỆM VỤ 1", "indicator").value = "Chỉ số do đơn vị tự thêm"
    cell(plan, "Kết quả đầu ra 1.2", "evidence").value = "Báo cáo quý"
    cell(plan, "Kết quả đầu ra 1.2", "to").value = "Tháng 12"
    cell(plan, "Kết quả đầu ra 1.3", "partners").value = "Sở Nội vụ"
    cell(monitoring, "NHIỆM VỤ 1", "collector").value = "Ông Nguyễn Văn Mới"
    cell(monitoring, "Kết quả đầu ra 1.3", "reporter").value = "Phòng Xây dựng văn bản"
    return [save(book, out / "locked-task-output-cells.xlsx", SAVED)]


@case("all-rows-output-monitoring", "merge",
      "the Sở Nội vụ's all-rows workbook: output 1.4's frequency changed (open there), output 1.4's indicator changed (locked)")
def all_rows_output_monitoring(templates, out):
    book = _open(templates, ALL_ROWS)
    cell(book[SHEET_MONITORING], "Kết quả đầu ra 1.4", "frequency").value = "Hàng quý"
    cell(book[SHEET_PLAN], "Kết quả đầu ra 1.4", "indicator").value = "Chỉ số đã sửa ở bản tổng hợp"
    return [save(book, out / "all-rows-output-monitoring.xlsx", SAVED)]


# --------------------------------------------------------------------------- agency conflict
@case("agency-conflict", "merge",
      "Sở Tư pháp's filled template whose metadata was changed to Sở Tài chính, saved after the real returns of both")
def agency_conflict(templates, out):
    book = _open(templates, TAI_CHINH)
    cell(book[SHEET_PLAN], "Hoạt động 5.2.1", "evidence").value = "Báo cáo thật của Sở Tài chính"
    real_tai_chinh = save(book, out / "agency-conflict-so-tai-chinh.xlsx", SAVED)
    book = _open(templates, TU_PHAP)
    cell(book[SHEET_PLAN], "Hoạt động 1.1.1", "evidence").value = "Báo cáo thật của Sở Tư pháp"
    real_tu_phap = save(book, out / "agency-conflict-so-tu-phap.xlsx", SAVED)
    book = _open(templates, TU_PHAP)
    _set_meta(book, agency="Sở Tài chính", agency_id="so-tai-chinh")
    cell(book[SHEET_PLAN], "Hoạt động 1.1.1", "evidence").value = "Bản chép, metadata ghi Sở Tài chính"
    conflict = save(book, out / "agency-conflict.xlsx", SAVED + dt.timedelta(days=2))
    return [conflict, real_tai_chinh, real_tu_phap]


@case("agency-conflict-no-owner", "merge",
      "the all-rows workbook with its metadata changed to one agency (Sở Tư pháp): no agency owns most rows")
def agency_conflict_no_owner(templates, out):
    book = _open(templates, ALL_ROWS)
    _set_meta(book, agency="Sở Tư pháp", agency_id="so-tu-phap", scope="agency")
    return [save(book, out / "agency-conflict-no-owner.xlsx", SAVED)]


# --------------------------------------------------------------------------- what a run leaves in the folder
@case("leftover-temp-file", "merge", "the half-written temporary file of a consolidation killed while writing")
def leftover_temp_file(templates, out):
    data = templates[TU_PHAP].read_bytes()
    path = out / ".cchc-2018-tong-hop.k3j9x2.tmp.xlsx"
    path.write_bytes(data[: len(data) // 3])
    return [path]


LONG_TEXT = ("Chỉ số rất dài. " * 2500)[:40_000]


@case("text-over-excel-limit", "merge",
      "an indicator of 40 000 characters in activity 1.1.1 (as a web system's export writes it: Excel stops at 32 767)")
def text_over_excel_limit(templates, out):
    book = _open(templates, TU_PHAP)
    cell(book[SHEET_PLAN], "Hoạt động 1.1.1", "indicator").value = "@@LONG-TEXT@@"
    path = save(book, out / "text-over-excel-limit.xlsx", SAVED)
    # openpyxl, like Excel, cuts a text at 32 767 characters: put the long one into the XML itself
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename).replace(b"@@LONG-TEXT@@", LONG_TEXT.encode())
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return [path]
