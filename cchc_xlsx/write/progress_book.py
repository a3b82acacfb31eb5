"""Write stage for progress: the progress workbook of a period (Tổng hợp, Chi tiết, Quá hạn, Kiểm tra, Nguồn).

The consolidated workbook's conventions (cchc_xlsx/write/book.py): Decree 30/2020 print setup,
Times New Roman, every total and rate a live formula with its cached value (so that a reader that
does not recalculate shows the same figures as the JSON), native charts. Labels in Vietnamese or
English (``lang``); Chi tiết's column headers, the status words and the «Quá hạn» mark stay the
template's Vietnamese (``--previous`` reads Chi tiết back, and the summary's formulas count those words).
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from .. import messages
from ..findings import SEVERITIES
from ..outputs import PROGRESS, clean_leftovers
from ..progress.words import NOT_REPORTED, STATUSES, status_word
from .book import FONT, PERCENT, TRIEU, WHOLE, Book, RowFit
from .marks import severity_word
from .rows import Rows

__all__ = ["write_progress_book", "SUMMARY", "DETAIL", "OVERDUE", "CHECKS", "SOURCES", "OVERDUE_MARK",
           "DETAIL_COLUMNS", "DETAIL_HEADER_ROW"]

SUMMARY, DETAIL, OVERDUE, CHECKS, SOURCES = "Tổng hợp", "Chi tiết", "Quá hạn", "Kiểm tra", "Nguồn"
OVERDUE_MARK = "Quá hạn"
KEY_TOP = 6             # Tổng hợp: rows 0–1 the national heading, 3–4 the title, the key figures from row 6
DETAIL_HEADER_ROW = 3
#: Chi tiết, left to right: (key, header, width). The headers of the reported values are the
#: template's, so that ``--previous`` reads this sheet with the template's reader.
DETAIL_COLUMNS = [
    ("code", "Mã", 9), ("task_label", "Nhiệm vụ", 11), ("content", "Nội dung công việc", 40),
    ("agency", "Đơn vị chủ trì", 20), ("window", "Thời gian thực hiện", 13),
    ("planned", "Ngân sách dự kiến (triệu đồng)", 12), ("collector", "Người thu thập số liệu", 22),
    ("due", "Phải báo cáo kỳ này", 9), ("status", "Tình trạng", 15), ("percent", "Tỷ lệ hoàn thành (%)", 10),
    ("disbursed", "Kinh phí đã giải ngân lũy kế (triệu đồng)", 13), ("disbursed_rate", "Tỷ lệ giải ngân", 9),
    ("previous_disbursed", "Giải ngân kỳ trước (triệu đồng)", 11),
    ("evidence", "Tài liệu kiểm chứng đã có (số/ký hiệu, ngày)", 22), ("difficulties", "Khó khăn, vướng mắc", 20),
    ("proposals", "Đề xuất", 18), ("overdue", "Quá hạn", 9), ("file", "Tệp báo cáo", 20),
]
D = {key: i for i, (key, _, _) in enumerate(DETAIL_COLUMNS)}
GROUP_HEADERS = ["Số hoạt động", "Đã hoàn thành", "Đang thực hiện", "Chưa triển khai", "Chưa báo cáo", "Quá hạn",
                 "Tỷ lệ hoàn thành", "Ngân sách dự kiến (triệu đồng)", "Đã giải ngân lũy kế (triệu đồng)",
                 "Tỷ lệ giải ngân"]
SOURCE_STATUS = {"read": "Đã dùng", "superseded": "Bị thay thế (đã dùng tệp lưu sau)",
                 "unexpected": "Không thuộc đơn vị nào phải báo cáo", "skipped": "Bỏ qua", "unreadable": "Không đọc được"}
_SOURCE_STATUS_EN = {"read": "Used", "superseded": "Replaced (a file saved later was used)",
                     "unexpected": "Not from an agency that reports", "skipped": "Skipped", "unreadable": "Unreadable"}
_GROUP_HEADERS_EN = ["Activities", "Done", "In progress", "Not started", "Not reported", "Overdue", "Completion rate",
                     "Planned budget (million đồng)", "Disbursed to date (million đồng)", "Disbursement rate"]
messages.register({f"progress.book.source.{k}": (v, _SOURCE_STATUS_EN[k]) for k, v in SOURCE_STATUS.items()})
messages.register({f"progress.book.group.{i}": pair for i, pair in enumerate(zip(GROUP_HEADERS, _GROUP_HEADERS_EN))})
messages.register({
    "progress.book.detail.title": ("CHI TIẾT TIẾN ĐỘ TỪNG HOẠT ĐỘNG — {period}", "PROGRESS OF EACH ACTIVITY — {period}"),
    "progress.book.detail.subtitle": ("Số liệu lũy kế từ {start} đến {end}; kinh phí: triệu đồng.",
                                      "Cumulative figures from {start} to {end}; money in million đồng."),
    "progress.book.total": ("Tổng cộng", "Total"),
    "progress.book.task-label": ("Nhiệm vụ {n}", "Task {n}"),
    "progress.book.title": ("BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year}",
                            "PROGRESS REPORT ON THE ADMINISTRATIVE REFORM PLAN, {year}"),
    "progress.book.subtitle": ("{period} (từ {start} đến {end}, lũy kế từ đầu năm) — theo {decision}",
                               "{period} (from {start} to {end}, cumulative from the start of the year) — "
                               "under {decision}"),
    "progress.book.of-province": (" của Ủy ban nhân dân tỉnh {province}", " of the People's Committee of {province} "
                                  "province"),
    "progress.book.decision": ("Quyết định số {decision}", "Decision {decision}"),
    "progress.book.plan": ("Kế hoạch", "the plan"),
    "progress.book.key.expected": ("Số đơn vị phải báo cáo", "Agencies that must report"),
    "progress.book.key.received": ("Số đơn vị đã gửi báo cáo", "Agencies that sent a report"),
    "progress.book.key.total": ("Tổng số hoạt động của kế hoạch", "Activities in the plan"),
    "progress.book.key.done": ("Đã hoàn thành", "Done"),
    "progress.book.key.in_progress": ("Đang thực hiện", "In progress"),
    "progress.book.key.not_started": ("Chưa triển khai", "Not started"),
    "progress.book.key.not_doing": ("Không thực hiện", "Not being done"),
    "progress.book.key.postponed": ("Chuyển sang năm sau", "Moved to next year"),
    "progress.book.key.not_reported": ("Chưa báo cáo", "Not reported"),
    "progress.book.key.overdue": ("Quá hạn (đến hết kỳ chưa hoàn thành)", "Overdue (past its end, not done)"),
    "progress.book.key.rate": ("Tỷ lệ hoàn thành kế hoạch", "Plan completion rate"),
    "progress.book.key.planned": ("Ngân sách dự kiến (triệu đồng)", "Planned budget (million đồng)"),
    "progress.book.key.disbursed": ("Kinh phí đã giải ngân lũy kế (triệu đồng)", "Disbursed to date (million đồng)"),
    "progress.book.key.disbursed_rate": ("Tỷ lệ giải ngân", "Disbursement rate"),
    "progress.book.by.agency": ("1. Theo đơn vị chủ trì", "1. By lead agency"),
    "progress.book.by.task": ("2. Theo nhiệm vụ", "2. By task"),
    "progress.book.col.agency": ("Đơn vị chủ trì", "Lead agency"),
    "progress.book.col.task": ("Nhiệm vụ", "Task"),
    "progress.book.sign.place": ("……, ngày …… tháng …… năm ……", "……, date ……………"),
    "progress.book.sign.head": ("GIÁM ĐỐC SỞ NỘI VỤ", "DIRECTOR OF THE DEPARTMENT OF HOME AFFAIRS"),
    "progress.book.sign.head_note": ("(Ký tên, đóng dấu)", "(Signature, seal)"),
    "progress.book.chart.rate": ("Tỷ lệ hoàn thành", "Completion rate"),
    "progress.book.chart.rate_title": ("Tỷ lệ hoạt động đã hoàn thành theo đơn vị", "Share of activities done, by agency"),
    "progress.book.chart.planned": ("Ngân sách dự kiến", "Planned budget"),
    "progress.book.chart.disbursed": ("Đã giải ngân lũy kế", "Disbursed to date"),
    "progress.book.chart.money_title": ("Ngân sách dự kiến và kinh phí đã giải ngân (triệu đồng)",
                                        "Planned budget and disbursement (million đồng)"),
    "progress.book.overdue.title": ("CÁC HOẠT ĐỘNG QUÁ HẠN", "OVERDUE ACTIVITIES"),
    "progress.book.overdue.count": ("{n} hoạt động đã hết thời gian thực hiện mà chưa hoàn thành.",
                                    "{n} activity is past its end and not done.|"
                                    "{n} activities are past their end and not done."),
    "progress.book.col.code": ("Mã", "Code"),
    "progress.book.col.content": ("Nội dung công việc", "Activity"),
    "progress.book.col.collector": ("Người thu thập số liệu", "Data collector"),
    "progress.book.col.window": ("Thời gian thực hiện", "Period"),
    "progress.book.col.status": ("Tình trạng", "Status"),
    "progress.book.col.percent": ("Tỷ lệ hoàn thành (%)", "Completion (%)"),
    "progress.book.col.difficulties": ("Khó khăn, vướng mắc", "Difficulties"),
    "progress.book.col.no": ("STT", "No."),
    "progress.book.col.severity": ("Mức độ", "Severity"),
    "progress.book.col.check": ("Mã kiểm tra", "Check code"),
    "progress.book.col.unit": ("Đơn vị", "Agency"),
    "progress.book.col.activity": ("Hoạt động", "Activity"),
    "progress.book.col.message": ("Nội dung", "Message"),
    "progress.book.col.file": ("Tệp", "File"),
    "progress.book.col.cell": ("Ô", "Cell"),
    "progress.book.col.matched": ("Nhận diện theo", "Recognised by"),
    "progress.book.col.period": ("Kỳ ghi trong tệp", "Period in the file"),
    "progress.book.col.saved": ("Lưu lúc", "Saved at"),
    "progress.book.col.rows": ("Số hoạt động đã đọc", "Activities read"),
    "progress.book.col.state": ("Trạng thái", "State"),
    "progress.book.checks.title": ("KẾT QUẢ KIỂM TRA BÁO CÁO TIẾN ĐỘ", "CHECKS OF THE PROGRESS REPORTS"),
    "progress.book.sources.title": ("NGUỒN SỐ LIỆU", "SOURCES"),
    "progress.book.sources.line": ("Kế hoạch: {plan}; {n} tệp báo cáo được đọc.", "Plan: {plan}; {n} report files read."),
    "progress.book.matched.metadata": ("Siêu dữ liệu", "Metadata"),
    "progress.book.matched.content": ("Các dòng", "Its rows"),
})


def write_progress_book(progress, path: str | Path, lang: str = "vi") -> Path:
    """Write the workbook of a :class:`cchc_xlsx.progress.job.Progress` to ``path``; return it.
    Labels, findings and titles in ``lang`` ("vi" or "en"; see the module's note on what stays Vietnamese).

    Raises OSError when it cannot be written (the CLI says so, exit 2)."""
    path = Path(path)
    clean_leftovers(path.parent if str(path.parent) else Path("."), path)
    book = Book.create(path, progress.plan, progress.generated_at, lang, kind=PROGRESS)   # not a consolidated workbook
    book.workbook.set_properties({"title": f"Tiến độ thực hiện kế hoạch CCHC — {progress.period.label()}",
                                  "subject": "Báo cáo tiến độ và giải ngân kế hoạch cải cách hành chính",
                                  "author": "cchc-xlsx", "created": book.workbook.doc_properties.get("created")})
    summary, detail, overdue = book.sheet(SUMMARY), book.sheet(DETAIL), book.sheet(OVERDUE)
    checks, sources = book.sheet(CHECKS), book.sheet(SOURCES)
    rows = progress.rows()
    first, last = _write_detail(book, detail, progress, rows, lang)
    _write_summary(book, summary, progress, rows, first, last, lang)
    _write_overdue(book, overdue, rows, lang)
    _write_checks(book, checks, progress, lang)
    _write_sources(book, sources, progress, lang)
    summary.activate()
    book.close()
    return path


def _title(ws, book: Book, width: int, lines: list[str]) -> None:
    for r, text in enumerate(lines):
        ws.merge_range(r, 0, r, width - 1, text, book.fmt(bold=r == 0, italic=r > 0, font_size=13 if r == 0 else 11,
                                                           align="center", text_wrap=True))


def _header(ws, book: Book, row: int, headers: list[str], height: float = 45) -> None:
    ws.set_row(row, height)
    for c, text in enumerate(headers):
        ws.write_string(row, c, text, book.header())


def _col(key: str) -> str:
    return xl_rowcol_to_cell(0, D[key]).rstrip("1")


# --------------------------------------------------------------------------- Chi tiết
def _write_detail(book: Book, ws, progress, rows: list[dict], lang: str = "vi") -> tuple[int, int]:
    """Every activity, its plan and reported values; overdue rows highlighted. Returns the first and
    last data rows (zero-based)."""
    for c, (_, _, width) in enumerate(DETAIL_COLUMNS):
        ws.set_column(c, c, width)
    _title(ws, book, len(DETAIL_COLUMNS), [
        messages.text("progress.book.detail.title", lang, period=progress.period.label(lang).upper()),
        messages.text("progress.book.detail.subtitle", lang, start=f"{progress.period.start:%d/%m/%Y}",
                      end=f"{progress.period.end:%d/%m/%Y}")])
    _header(ws, book, DETAIL_HEADER_ROW, [header for _, header, _ in DETAIL_COLUMNS])
    fit = RowFit([width for key, _, width in DETAIL_COLUMNS if key in ("content", "collector", "evidence",
                                                                        "difficulties", "proposals")])
    looks = {}
    for late in (False, True):
        extra = {"bg_color": "#FFC7CE"} if late else {}
        looks[late] = (book.cell(**extra), book.cell(num_format=TRIEU, **extra), book.cell(num_format=PERCENT, **extra),
                       book.cell(num_format="0.##", **extra), book.cell(align="center", **extra))
    first = DETAIL_HEADER_ROW + 1
    out = Rows(ws, 0, len(DETAIL_COLUMNS) - 1)     # the fast row writer of the consolidated workbook's big sheets
    text_keys = ("code", "task_label", "content", "agency", "window")
    for i, row in enumerate(rows):
        r = first + i
        text_fmt, money, rate, plain_number, center = looks[row["overdue"]]
        out.start(r, fit([row["content"], row["collector"], row["evidence"], row["difficulties"], row["proposals"]]))
        out.texts(0, (row["code"], messages.text("progress.book.task-label", lang, n=row["task"]), row["content"], row["agency"], row["window"]),
                  (out.style(text_fmt),) * len(text_keys))
        out.number(D["planned"], row["planned"], money)
        out.text(D["collector"], row["collector"], text_fmt)
        out.text(D["due"], "x" if row["due"] else "", center)
        out.text(D["status"], status_word(row["status"]), text_fmt)
        _number_or_blank(out, D["percent"], row["percent"], plain_number)
        _number_or_blank(out, D["disbursed"], row["disbursed"], money)
        planned, disbursed = f"{_col('planned')}{r + 1}", f"{_col('disbursed')}{r + 1}"
        out.formula(D["disbursed_rate"], f"=IF({planned}>0,N({disbursed})/{planned},0)", rate,
                    (row["disbursed"] or 0.0) / row["planned"] if row["planned"] else 0.0)
        _number_or_blank(out, D["previous_disbursed"], row["previous_disbursed"], money)
        out.texts(D["evidence"], (row["evidence"], row["difficulties"], row["proposals"],
                                  OVERDUE_MARK if row["overdue"] else "", row["file"]),
                  (out.style(text_fmt),) * 3 + (out.style(center), out.style(text_fmt)))
        out.end()
    last = first + len(rows) - 1
    total = last + 1
    ws.set_row(total, 20)
    bold = book.cell("task")
    ws.write_string(total, 0, messages.text("progress.book.total", lang), bold)
    for key, _, _ in DETAIL_COLUMNS[1:]:
        c = D[key]
        if key in ("planned", "disbursed"):
            value = round(sum((row[key] or 0.0) for row in rows), 6)
            ws.write_formula(total, c, f"=SUM({_col(key)}{first + 1}:{_col(key)}{last + 1})" if rows else "=0",
                             book.cell("task", num_format=TRIEU), value)
        elif key == "disbursed_rate":
            planned = sum(row["planned"] for row in rows)
            value = sum(row["disbursed"] or 0.0 for row in rows) / planned if planned else 0.0
            p, d = f"{_col('planned')}{total + 1}", f"{_col('disbursed')}{total + 1}"
            ws.write_formula(total, c, f"=IF({p}>0,{d}/{p},0)", book.cell("task", num_format=PERCENT), value)
        else:
            ws.write_blank(total, c, None, bold)
    book.print_setup(ws, (DETAIL_HEADER_ROW, DETAIL_HEADER_ROW))
    ws.freeze_panes(DETAIL_HEADER_ROW + 1, 3)
    if rows:
        ws.autofilter(DETAIL_HEADER_ROW, 0, last, len(DETAIL_COLUMNS) - 1)
    return first, last


def _number_or_blank(out: Rows, col: int, value: float | None, fmt) -> None:
    if value is None:
        out.blank(col, fmt)
    else:
        out.number(col, value, fmt)


# --------------------------------------------------------------------------- Tổng hợp
def _ranges(first: int, last: int) -> dict[str, str]:
    """The Chi tiết column ranges the summary's formulas count over."""
    return {key: f"'{DETAIL}'!{xl_range_abs(first, D[key], max(first, last), D[key])}"
            for key in ("agency", "task_label", "status", "overdue", "planned", "disbursed", "code")}


def _group_values(rows: list[dict]) -> list[float]:
    """The cached values of one line of a group table, in GROUP_HEADERS order."""
    total = len(rows)
    done = sum(row["status"] == "done" for row in rows)
    planned = round(sum(row["planned"] for row in rows), 6)
    disbursed = round(sum(row["disbursed"] or 0.0 for row in rows), 6)
    return [total, done, sum(row["status"] == "in_progress" for row in rows),
            sum(row["status"] == "not_started" for row in rows), sum(row["status"] is None for row in rows),
            sum(row["overdue"] for row in rows), done / total if total else 0.0, planned, disbursed,
            disbursed / planned if planned else 0.0]


def _group_formulas(criteria: str, ranges: dict[str, str], r: int, by: str) -> list[str]:
    """The formulas of one line of a group table: counts and sums over Chi tiết where the ``by``
    column equals the line's first cell (``criteria``); rates from the cells beside them."""
    where = f"{ranges[by]},{criteria}"
    cell = lambda offset: xl_rowcol_to_cell(r, 1 + offset)  # noqa: E731  (the line's own cells)
    return [f"=COUNTIFS({where})",
            f'=COUNTIFS({where},{ranges["status"]},"{STATUSES["done"]}")',
            f'=COUNTIFS({where},{ranges["status"]},"{STATUSES["in_progress"]}")',
            f'=COUNTIFS({where},{ranges["status"]},"{STATUSES["not_started"]}")',
            f'=COUNTIFS({where},{ranges["status"]},"{NOT_REPORTED}")',
            f'=COUNTIFS({where},{ranges["overdue"]},"{OVERDUE_MARK}")',
            f"=IF({cell(0)}>0,{cell(1)}/{cell(0)},0)",
            f"=SUMIFS({ranges['planned']},{where})",
            f"=SUMIFS({ranges['disbursed']},{where})",
            f"=IF({cell(7)}>0,{cell(8)}/{cell(7)},0)"]


def _write_summary(book: Book, ws, progress, rows: list[dict], first: int, last: int, lang: str = "vi") -> None:
    width = 1 + len(GROUP_HEADERS)
    ws.set_column(0, 0, 34)
    ws.set_column(1, width - 1, 12)
    plan = progress.plan
    decision = (messages.text("progress.book.decision", lang, decision=plan.decision) if plan.decision
                else messages.text("progress.book.plan", lang))
    _national_heading(ws, book, width, plan)
    title_fmt = book.fmt(bold=True, font_size=13, align="center", text_wrap=True)
    ws.merge_range(3, 0, 3, width - 1, messages.text("progress.book.title", lang, year=plan.year), title_fmt)
    ws.set_row(4, 30)
    ws.merge_range(4, 0, 4, width - 1,
                   messages.text("progress.book.subtitle", lang, period=progress.period.label(lang),
                                 start=f"{progress.period.start:%d/%m/%Y}", end=f"{progress.period.end:%d/%m/%Y}",
                                 decision=decision)
                   + (messages.text("progress.book.of-province", lang, province=plan.province) if plan.province else ""),
                   book.fmt(italic=True, align="center", text_wrap=True))
    ranges = _ranges(first, last)
    counts = progress.counts()
    received = len({ret.agency for ret in progress.received()})
    total_rows = len(rows)
    done = counts["done"]
    planned = round(sum(row["planned"] for row in rows), 6)
    disbursed = round(sum(row["disbursed"] or 0.0 for row in rows), 6)
    label, number, money, rate = book.cell(), book.cell(num_format=WHOLE), book.cell(num_format=TRIEU), \
        book.cell(num_format=PERCENT)
    status_range = ranges["status"]
    used = messages.text("progress.book.source.read", lang)
    key_rows = [
        ("expected", None, len(progress.expected), number),
        ("received", f"=COUNTIF('{SOURCES}'!$H:$H,\"{used}\")", received, number),
        ("total", f"=COUNTA({ranges['code']})" if rows else "=0", total_rows, number),
        ("done", f'=COUNTIF({status_range},"{STATUSES["done"]}")', done, number),
        ("in_progress", f'=COUNTIF({status_range},"{STATUSES["in_progress"]}")', counts["in_progress"], number),
        ("not_started", f'=COUNTIF({status_range},"{STATUSES["not_started"]}")', counts["not_started"], number),
        ("not_doing", f'=COUNTIF({status_range},"{STATUSES["not_doing"]}")', counts["not_doing"], number),
        ("postponed", f'=COUNTIF({status_range},"{STATUSES["postponed"]}")', counts["postponed"], number),
        ("not_reported", f'=COUNTIF({status_range},"{NOT_REPORTED}")', counts["not_reported"], number),
        ("overdue", f'=COUNTIF({ranges["overdue"]},"{OVERDUE_MARK}")', counts["overdue"], number),
        ("rate", "=IF({total}>0,{done}/{total},0)", done / total_rows if total_rows else 0.0, rate),
        ("planned", f"=SUM({ranges['planned']})", planned, money),
        ("disbursed", f"=SUM({ranges['disbursed']})", disbursed, money),
        ("disbursed_rate", "=IF({planned}>0,{disbursed}/{planned},0)", disbursed / planned if planned else 0.0, rate),
    ]
    top = KEY_TOP
    at = {name: f"B{top + i + 1}" for i, (name, _, _, _) in enumerate(key_rows)}
    for i, (name, formula, value, fmt) in enumerate(key_rows):
        r = top + i
        ws.write_string(r, 0, messages.text(f"progress.book.key.{name}", lang), label)
        if formula is None:
            ws.write_number(r, 1, value, fmt)
        else:
            ws.write_formula(r, 1, formula.format(**at) if "{" in formula else formula, fmt, value)
    r = top + len(key_rows) + 1
    tables = []
    for by, heading, groups in (
            ("agency", messages.text("progress.book.by.agency", lang), _groups(rows, "agency", lang)),
            ("task_label", messages.text("progress.book.by.task", lang), _groups(rows, "task_label", lang))):
        ws.write_string(r, 0, heading, book.fmt(bold=True))
        r += 1
        _header(ws, book, r, [messages.text("progress.book.col.agency" if by == "agency" else "progress.book.col.task",
                                            lang),
                              *(messages.text(f"progress.book.group.{i}", lang) for i in range(len(GROUP_HEADERS)))])
        r += 1
        start = r
        for name, members in groups:
            ws.set_row(r, RowFit([34])([name]))
            ws.write_string(r, 0, name, label)
            values = _group_values(members)
            for c, (formula, value) in enumerate(zip(_group_formulas(xl_rowcol_to_cell(r, 0), ranges, r, by), values)):
                fmt = rate if c in (6, 9) else money if c in (7, 8) else number
                ws.write_formula(r, 1 + c, formula, fmt, value)
            r += 1
        tables.append((by, start, r - 1))
        r += 1
    r = _signature(ws, book, width, r, lang)
    _charts(book, ws, tables[0][1], tables[0][2], r + 1, lang)
    book.print_setup(ws, None)


def _national_heading(ws, book: Book, width: int, plan) -> None:
    """Decree 30/2020's heading: the issuing body on the left, the quốc hiệu and tiêu ngữ on the right."""
    left, split = book.fmt(align="center", text_wrap=True), width // 2 - 1
    body = f"UBND TỈNH {plan.province.upper()}" if plan.province else "ỦY BAN NHÂN DÂN TỈNH"
    ws.set_row(0, 17)
    ws.merge_range(0, 0, 0, split, body, left)
    ws.merge_range(0, split + 1, 0, width - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", book.fmt(bold=True, align="center"))
    ws.merge_range(1, 0, 1, split, "SỞ NỘI VỤ", book.fmt(bold=True, align="center"))
    ws.merge_range(1, split + 1, 1, width - 1, "Độc lập - Tự do - Hạnh phúc",
                   book.fmt(bold=True, align="center", font_size=12))


def _signature(ws, book: Book, width: int, r: int, lang: str = "vi") -> int:
    """The signature block under the tables: who drew it up, and the head of the Sở Nội vụ. Returns the next row."""
    split = width // 2 - 1
    plain, bold = book.fmt(italic=True, align="center"), book.fmt(bold=True, align="center")
    t = lambda key: messages.text(key, lang)  # noqa: E731
    ws.merge_range(r, split + 1, r, width - 1, t("progress.book.sign.place"), plain)
    ws.merge_range(r + 1, 0, r + 1, split, t("book.sign.preparer"), bold)
    ws.merge_range(r + 1, split + 1, r + 1, width - 1, t("progress.book.sign.head"), bold)
    ws.merge_range(r + 2, 0, r + 2, split, t("book.sign.preparer_note"), plain)
    ws.merge_range(r + 2, split + 1, r + 2, width - 1, t("progress.book.sign.head_note"), plain)
    return r + 7


def _groups(rows: list[dict], key: str, lang: str = "vi") -> list[tuple[str, list[dict]]]:
    """Rows by lead agency or by task; a task's name is Chi tiết's, which the group's formulas match."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        name = row[key] if key != "task_label" else messages.text("progress.book.task-label", lang, n=row["task"])
        groups.setdefault(name, []).append(row)
    return list(groups.items())


def _charts(book: Book, ws, first: int, last: int, row: int, lang: str = "vi") -> None:
    """Two native charts under the tables: completion rate per agency, planned against disbursed per agency."""
    if last < first:
        return
    font = {"name": FONT, "size": 9}
    height = max(280, 90 + 34 * (last - first + 1))
    completion = book.workbook.add_chart({"type": "bar"})
    completion.add_series({"name": messages.text("progress.book.chart.rate", lang), "categories": [SUMMARY, first, 0, last, 0],
                           "values": [SUMMARY, first, 7, last, 7], "fill": {"color": "#2E75B6"},
                           "data_labels": {"value": True, "num_format": "0%", "font": font}})
    completion.set_title({"name": messages.text("progress.book.chart.rate_title", lang), "name_font": {"name": FONT, "size": 11}})
    completion.set_x_axis({"num_font": font, "num_format": "0%", "min": 0, "max": 1})
    completion.set_y_axis({"num_font": font, "reverse": True})
    completion.set_legend({"none": True})
    completion.set_size({"width": 620, "height": height})
    ws.insert_chart(row, 0, completion, {"x_offset": 4, "y_offset": 4, "object_position": 1})
    money = book.workbook.add_chart({"type": "bar"})
    for key, col, color in (("planned", 8, "#A5A5A5"), ("disbursed", 9, "#C55A11")):
        money.add_series({"name": messages.text(f"progress.book.chart.{key}", lang), "categories": [SUMMARY, first, 0, last, 0],
                          "values": [SUMMARY, first, col, last, col], "fill": {"color": color}})
    money.set_title({"name": messages.text("progress.book.chart.money_title", lang),
                     "name_font": {"name": FONT, "size": 11}})
    money.set_x_axis({"num_font": font, "num_format": WHOLE, "major_gridlines": {"visible": True}})
    money.set_y_axis({"num_font": font, "reverse": True})
    money.set_legend({"position": "bottom", "font": font})
    money.set_size({"width": 620, "height": height})
    ws.insert_chart(row, 0, money, {"x_offset": 4, "y_offset": height + 20, "object_position": 1})


# --------------------------------------------------------------------------- Quá hạn, Kiểm tra, Nguồn
def _columns(lang: str, pairs) -> list[tuple[str, float]]:
    return [(messages.text(f"progress.book.col.{key}", lang), width) for key, width in pairs]


def _write_overdue(book: Book, ws, rows: list[dict], lang: str = "vi") -> None:
    columns = _columns(lang, [("code", 9), ("content", 42), ("agency", 20), ("collector", 24), ("window", 13),
                              ("status", 15), ("percent", 10), ("difficulties", 24)])
    for c, (_, width) in enumerate(columns):
        ws.set_column(c, c, width)
    late = [row for row in rows if row["overdue"]]
    _title(ws, book, len(columns), [messages.text("progress.book.overdue.title", lang),
                                    messages.count("progress.book.overdue.count", len(late), lang)])
    _header(ws, book, 3, [name for name, _ in columns])
    fit = RowFit([42, 24, 24])
    text, number = book.cell(), book.cell(num_format="0.##")
    for i, row in enumerate(late, start=4):
        ws.set_row(i, fit([row["content"], row["collector"], row["difficulties"]]))
        for c, value in enumerate([row["code"], row["content"], row["agency"], row["collector"], row["window"],
                                   status_word(row["status"])]):
            ws.write_string(i, c, value, text)
        if row["percent"] is None:
            ws.write_blank(i, 6, None, number)
        else:
            ws.write_number(i, 6, row["percent"], number)
        ws.write_string(i, 7, row["difficulties"], text)
    book.print_setup(ws, (3, 3))


def _write_checks(book: Book, ws, progress, lang: str = "vi") -> None:
    columns = _columns(lang, [("no", 6), ("severity", 10), ("check", 20), ("unit", 20), ("activity", 9),
                              ("message", 60), ("file", 24), ("cell", 8)])
    for c, (_, width) in enumerate(columns):
        ws.set_column(c, c, width)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(progress.findings, key=lambda f: order[f.severity])
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    _title(ws, book, len(columns), [messages.text("progress.book.checks.title", lang), ", ".join(
        messages.count(f"count.{s}", counts[s], lang) for s in SEVERITIES)])
    _header(ws, book, 3, [name for name, _ in columns])
    fit = RowFit([60])
    looks = {"error": book.cell(bg_color="#FFC7CE"), "warning": book.cell(bg_color="#FFEB9C"), "info": book.cell()}
    out = Rows(ws, 0, len(columns) - 1)
    whole, plain = book.cell(num_format=WHOLE), book.cell()
    for n, f in enumerate(findings, start=1):
        message = f.message(lang)
        out.start(3 + n, fit([message]))
        out.number(0, n, whole)
        out.text(1, severity_word(f.severity, lang), looks[f.severity])
        out.texts(2, (f.code, f.agency, f.row_code, message, f.file, f"{f.sheet}!{f.cell}" if f.cell else f.sheet),
                  (out.style(plain),) * 6)
        out.end()
    book.print_setup(ws, (3, 3))


def _write_sources(book: Book, ws, progress, lang: str = "vi") -> None:
    columns = _columns(lang, [("no", 6), ("file", 34), ("unit", 22), ("matched", 12), ("period", 10), ("saved", 15),
                              ("rows", 10), ("state", 20)]) + [("SHA-256", 20)]
    for c, (_, width) in enumerate(columns):
        ws.set_column(c, c, width)
    _title(ws, book, len(columns), [messages.text("progress.book.sources.title", lang),
                                    messages.text("progress.book.sources.line", lang, plan=progress.plan_file,
                                                  n=len(progress.returns))])
    _header(ws, book, 3, [name for name, _ in columns])
    matched = {"metadata": messages.text("progress.book.matched.metadata", lang),
               "content": messages.text("progress.book.matched.content", lang), "": ""}
    for n, ret in enumerate(progress.returns, start=1):
        r = 3 + n
        ws.write_number(r, 0, n, book.cell(num_format=WHOLE))
        for c, value in enumerate([ret.name, ret.agency, matched.get(ret.matched_by, ret.matched_by), ret.period,
                                   f"{ret.saved:%d/%m/%Y %H:%M}" if ret.saved else ""], start=1):
            ws.write_string(r, c, value, book.cell())
        ws.write_number(r, 6, ret.rows_read, book.cell(num_format=WHOLE))
        state = f"progress.book.source.{ret.status}"
        ws.write_string(r, 7, messages.text(state, lang) if state in messages.CATALOGUE else ret.status, book.cell())
        ws.write_string(r, 8, ret.sha256[:16], book.cell())
    book.print_setup(ws, (3, 3))
