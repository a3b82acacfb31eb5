"""The one place where Vietnamese terms meet the English names used in the code."""

from __future__ import annotations

__all__ = ["LEVELS", "LEVEL_LABELS", "PLAN_FIELDS", "MONITORING_FIELDS", "FIELD_LABELS", "TERMS"]

#: Vietnamese term -> English name used in code, with a note where the mapping needs one.
TERMS: dict[str, str] = {
    "Nhiệm vụ": "task",
    "Kết quả đầu ra": "output",
    "Hoạt động": "activity",
    "STT (số thứ tự)": "code (1, 1.1, 1.1.1)",
    "Nội dung công việc": "content",
    "Chỉ số đánh giá/tác động/mục tiêu": "indicator",
    "Tài liệu kiểm chứng, xác minh": "evidence",
    "Thời gian: Từ tháng / Đến tháng": "month_from / month_to",
    "Ngân sách dự kiến (triệu VND)": "budget, in million đồng (triệu đồng)",
    "Cơ quan, đơn vị chủ trì": "lead (lead agency)",
    "Cơ quan, đơn vị phối hợp": "partners (partner agencies)",
    "Đơn vị được cấp kinh phí": "funded_agency",
    "Tổng cộng": "total",
    "Trong đó": "allocation (the split of the total per funded agency, in đồng)",
    "Tần suất thu thập": "frequency (how often monitoring data are collected)",
    "Thu thập số liệu": "collector",
    "Báo cáo": "reporter",
    "Phụ lục 1": "plan table (Kế hoạch hoạt động và ngân sách)",
    "Phụ lục 2": "monitoring table (Bảng phân công theo dõi, đánh giá)",
    "Sở Nội vụ": "Department of Home Affairs (owner of the process)",
    "Theo yêu cầu": "on request (a valid month or frequency answer)",
    "Hàng quý": "quarterly",
    "Thường xuyên": "continuous",
    "STT: I, 1, 1.1, a), -, Phần I, Mục 1, Nội dung 1": "mark (a row's numbering; hierarchy.py), its depth and code",
    "Dòng chi tiết (không có dòng con)": "leaf (level activity in a plan not in the Đắk Lắk form)",
    "Quyết định điều chỉnh, bổ sung kế hoạch": "plan adjustment (compared with `diff`: added, removed, renumbered "
                                               "(đánh số lại), moved, changed rows)",
}

#: Row levels, top to bottom.
LEVELS = ("task", "output", "activity")

#: How each level is written in the first column of the decision.
LEVEL_LABELS = {"task": "NHIỆM VỤ", "output": "Kết quả đầu ra", "activity": "Hoạt động"}

#: Columns of Phụ lục 1 in the decision's order (English field names).
PLAN_FIELDS = (
    "code", "content", "indicator", "evidence", "month_from", "month_to", "budget", "lead", "partners",
)
#: Columns of Phụ lục 2 in the decision's order.
MONITORING_FIELDS = ("code", "content", "indicator", "evidence", "frequency", "collector", "reporter")

#: Header text of each field, as the decision writes it.
FIELD_LABELS = {
    "code": "STT",
    "content": "Nội dung công việc",
    "indicator": "Chỉ số đánh giá/tác động/mục tiêu",
    "evidence": "Tài liệu kiểm chứng, xác minh",
    "month_from": "Từ tháng",
    "month_to": "Đến tháng",
    "budget": "Ngân sách dự kiến",
    "lead": "Cơ quan, đơn vị chủ trì",
    "partners": "Cơ quan, đơn vị phối hợp",
    "frequency": "Tần suất thu thập",
    "collector": "Thu thập số liệu",
    "reporter": "Báo cáo",
}
