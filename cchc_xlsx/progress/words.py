"""The words of progress reports: statuses, the template's columns, and the messages of both commands."""

from __future__ import annotations

from .. import messages
from ..notation import clean_text, fold

__all__ = ["STATUSES", "STATUS_KEYS", "NOT_REPORTED", "COLUMNS", "TEMPLATE_FORMAT", "TEMPLATE_VERSION",
           "SHEET", "parse_status", "status_word"]

TEMPLATE_FORMAT = "cchc-xlsx/progress-template"
TEMPLATE_VERSION = "1"
SHEET = "Tiến độ"

#: status key -> the word of the template's dropdown (the issue's list, in its order).
STATUSES = {
    "not_started": "Chưa triển khai",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "not_doing": "Không thực hiện",
    "postponed": "Chuyển sang năm sau",
}
STATUS_KEYS = {fold(word): key for key, word in STATUSES.items()} | {
    "chua thuc hien": "not_started", "dang trien khai": "in_progress", "hoan thanh": "done",
    "da thuc hien": "done", "not started": "not_started", "in progress": "in_progress", "done": "done",
}
#: What the progress workbook writes where an activity has no status reported.
NOT_REPORTED = "(chưa báo cáo)"

#: The template's table, left to right: (field, header, width, filled by the agency).
COLUMNS = [
    ("code", "Mã", 9, False),
    ("content", "Nội dung công việc", 42, False),
    ("window", "Thời gian thực hiện", 14, False),
    ("planned", "Ngân sách dự kiến (triệu đồng)", 12, False),
    ("frequency", "Tần suất thu thập", 12, False),
    ("collector", "Người thu thập số liệu (Phụ lục 2)", 24, False),
    ("due", "Phải báo cáo kỳ này", 9, False),
    ("status", "Tình trạng", 16, True),
    ("percent", "Tỷ lệ hoàn thành (%)", 11, True),
    ("disbursed", "Kinh phí đã giải ngân lũy kế (triệu đồng)", 14, True),
    ("evidence", "Tài liệu kiểm chứng đã có (số/ký hiệu, ngày)", 24, True),
    ("difficulties", "Khó khăn, vướng mắc", 22, True),
    ("proposals", "Đề xuất", 20, True),
]
#: Header text (folded) -> field, for reading a return whose columns were moved or renamed a little.
HEADER_FIELDS = {fold(header): name for name, header, _, _ in COLUMNS} | {
    "ma": "code", "ma so": "code", "stt": "code", "tinh trang": "status", "ty le hoan thanh": "percent",
    "kinh phi da giai ngan": "disbursed", "kinh phi giai ngan luy ke": "disbursed", "tai lieu kiem chung": "evidence",
    "kho khan vuong mac": "difficulties", "de xuat": "proposals", "kien nghi de xuat": "proposals",
}
#: Vietnamese (the column header) and English names of the fields a finding names.
FIELD_NAMES = {"status": ("Tình trạng", "status"), "percent": ("Tỷ lệ hoàn thành (%)", "completion (%)"),
               "disbursed": ("Kinh phí đã giải ngân lũy kế", "cumulative disbursement")}


def parse_status(value: object) -> str | None:
    """A status cell -> its key (``done`` …), None when blank; raises ValueError for other text."""
    text = clean_text(value)
    if not text:
        return None
    key = STATUS_KEYS.get(fold(text))
    if key is None:
        raise ValueError(text)
    return key


def status_word(key: str | None) -> str:
    return STATUSES.get(key or "", NOT_REPORTED)


messages.register({
    # the commands' help
    "progress.templates.help": ("viết biểu mẫu báo cáo tiến độ của kỳ cho từng đơn vị",
                                "write each agency's progress report template for a period"),
    "progress.templates.description": (
        "Viết cho mỗi đơn vị chủ trì một biểu mẫu báo cáo tiến độ (đã khóa, có danh sách chọn và hướng dẫn): "
        "các hoạt động đang thực hiện hoặc phải báo cáo trong kỳ, với kết quả đầu ra và nhiệm vụ của chúng.",
        "Write for each lead agency a protected progress report template (dropdowns, instructions in "
        "Vietnamese): its activities running or due in the period, with their outputs and tasks."),
    "progress.help": ("tổng hợp, kiểm tra báo cáo tiến độ và giải ngân của các đơn vị",
                      "consolidate and check the agencies' progress and disbursement returns"),
    "progress.description": (
        "Đọc các báo cáo tiến độ đã điền (tệp hoặc thư mục), đối chiếu với kế hoạch, kiểm tra (giải ngân vượt dự "
        "kiến, quá hạn, thiếu báo cáo …) và ghi bảng tổng hợp tiến độ. Mã thoát: 0 không có lỗi, 1 có lỗi số liệu, "
        "2 không dùng được đầu vào.",
        "Read the filled progress returns (files or folders) against the plan, check them (disbursement over "
        "plan, overdue, missing reports …) and write the progress workbook. Exit codes: 0 no errors, 1 errors "
        "in the data, 2 unusable input."),
    "progress.arg.plan": ("kế hoạch (mặc định: kế hoạch 2018 của Đắk Lắk đi kèm)",
                          "the plan (default: the bundled 2018 Đắk Lắk plan)"),
    "progress.arg.period": ("kỳ báo cáo: quy-1, 6-thang, 9-thang, nam (hoặc q1, h1, 9m, year)",
                            "the period: quy-1, 6-thang, 9-thang, nam (or q1, h1, 9m, year)"),
    "progress.arg.period_default": (
        "kỳ báo cáo: quy-1, 6-thang, 9-thang, nam (hoặc q1, h1, 9m, year); mặc định: kỳ ghi trong các biểu mẫu",
        "the period: quy-1, 6-thang, 9-thang, nam (or q1, h1, 9m, year); default: the one the templates name"),
    "progress.arg.previous": ("bảng tổng hợp tiến độ của kỳ trước (để so sánh hoặc điền sẵn số liệu)",
                              "the progress workbook of an earlier period (compared with, or pre-filled from)"),
    "progress.arg.output_dir": ("thư mục ghi biểu mẫu", "folder to write the templates into"),
    "progress.arg.output": ("tệp tổng hợp tiến độ ghi ra (mặc định: cchc-NĂM-tien-do-KỲ.xlsx)",
                            "the workbook to write (default: cchc-YEAR-tien-do-PERIOD.xlsx here)"),
    "progress.arg.returns": ("các báo cáo tiến độ, hoặc thư mục chứa chúng", "progress returns, or folders of them"),
    "progress.arg.json": ("in kết quả dạng JSON", "print the result as JSON"),
    "progress.arg.pdf": ("in thêm bảng tổng hợp ra PDF (LibreOffice)", "also print the workbook to PDF (LibreOffice)"),
    "progress.arg.deadline": ("hạn gửi báo cáo, ghi trong hướng dẫn", "the date returns are due, shown in the instructions"),
    "progress.arg.password": ("khóa các trang bằng mật khẩu này (mặc định: không có mật khẩu)",
                              "protect the sheets with this password (default: no password)"),
    "progress.arg.year": ("năm kế hoạch, khi tiêu đề không ghi", "the plan year, when the titles do not say it"),
    # what the commands print
    "progress.templates.written": ("Đã tạo {n} biểu mẫu báo cáo tiến độ ({period}) trong {dir}:",
                                   "Wrote {n} progress templates ({period}) in {dir}:"),
    "progress.summary": (
        "Tiến độ {period}: nhận {received}/{expected} báo cáo; {done}/{total} hoạt động đã hoàn thành ({rate}); "
        "{overdue} quá hạn; giải ngân {disbursed}/{planned} triệu đồng ({disbursed_rate}).",
        "Progress, {period}: {received}/{expected} returns received; {done}/{total} activities done ({rate}); "
        "{overdue} overdue; {disbursed}/{planned} million đồng disbursed ({disbursed_rate})."),
    "progress.written": ("Đã ghi: {path}", "Written: {path}"),
    "progress.pdf": ("Đã in PDF: {path}", "PDF: {path}"),
    "progress.no_period": (
        "Không biết kỳ báo cáo: các tệp không ghi kỳ (hoặc ghi nhiều kỳ khác nhau). Hãy thêm --period, ví dụ --period 6-thang.",
        "The period is not known: the files do not name one (or name several). Add --period, e.g. --period 6-thang."),
    "progress.no_such_path": ("{path}: không có tệp hay thư mục này", "{path}: no such file or folder"),
    "progress.previous_unreadable": (
        "Không đọc được bảng tổng hợp kỳ trước {path}: {reason}. Hãy chỉ đúng tệp cchc-…-tien-do-….xlsx đã ghi ở kỳ trước.",
        "The previous period's workbook {path} cannot be read: {reason}. Name the cchc-…-tien-do-….xlsx written last period."),
})
