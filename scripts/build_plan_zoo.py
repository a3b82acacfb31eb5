"""Build the plan zoo: plan workbooks laid out as provinces and districts write them (issue 11).

Every plan here is invented (activities, agencies' tasks, figures); each layout shows one way a
real *kế hoạch* or *dự toán kinh phí CCHC* is numbered, titled and set out. The right counts and
totals of each are worked out by hand in ``tests/test_plan_zoo.py``, not read back from the tool.

    python scripts/build_plan_zoo.py -o DIR

writes ``DIR/<layout>.xlsx`` for every layout in :data:`LAYOUTS` (and ``DIR/agencies-huyen.csv``,
the district's own agencies, for ``--agencies``). Deterministic: the same bytes on every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import xlsxwriter

__all__ = ["LAYOUTS", "build", "DISTRICT_AGENCIES"]

_CREATED = dt.datetime(2019, 1, 2, 8, 0, 0)

FULL_P1 = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
           "Từ tháng", "Đến tháng", "Ngân sách dự kiến", "Cơ quan, đơn vị chủ trì", "Cơ quan, đơn vị phối hợp"]
FULL_P2 = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
           "Tần suất thu thập", "Thu thập số liệu", "Báo cáo"]

#: The district's offices, as a registry extension (``--agencies``).
DISTRICT_AGENCIES = [
    ("vp-hdnd-ubnd-huyen-hoa-son", "Văn phòng HĐND và UBND huyện", "agency"),
    ("phong-noi-vu-huyen-hoa-son", "Phòng Nội vụ", "agency"),
    ("phong-tu-phap-huyen-hoa-son", "Phòng Tư pháp", "agency"),
]


def _full_row(stt, content, budget, lead, month_from="Tháng 3", month_to="Tháng 11", partners=""):
    indicator = f"Hoàn thành: {content.lower()}" if lead else ""
    evidence = "Báo cáo kết quả" if lead else ""
    return [stt, content, indicator, evidence, month_from if lead else "", month_to if lead else "", budget,
            lead or "Sở Nội vụ", partners]


def _p2(p1_rows: list[list]) -> list[list]:
    """Phụ lục 2 with the same rows as Phụ lục 1: quarterly, the lead agency's officer collects."""
    return [[row[0], row[1], row[2], row[3], "Hàng quý", f"Chuyên viên {row[7]}", ""] for row in p1_rows]


def _titles(unit_line: str, year: int = 2019, place: str = "tỉnh Bình Nguyên", what: str = "Phụ lục 1. KẾ HOẠCH "
            "CẢI CÁCH HÀNH CHÍNH") -> list[list]:
    return [[f"ỦY BAN NHÂN DÂN {place.upper()}"],
            [f"{what} NĂM {year}"],
            [f"(Ban hành kèm theo Quyết định số 45/QĐ-UBND ngày 10 tháng 01 năm {year} của UBND {place})"],
            [unit_line] if unit_line else [None]]


# --------------------------------------------------------------------------- the layouts
def daklak_form() -> dict:
    """The Đắk Lắk form: NHIỆM VỤ n / Kết quả đầu ra n.m / Hoạt động n.m.k, with Phụ lục 2."""
    rows = [
        _full_row("NHIỆM VỤ 1", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 120, "Văn phòng UBND tỉnh"),
        _full_row("Kết quả đầu ra 1.1", "Thủ tục hành chính được rà soát", 70, "Văn phòng UBND tỉnh"),
        _full_row("Hoạt động 1.1.1", "Rà soát, đơn giản hóa thủ tục lĩnh vực đất đai", 40,
                  "Sở Tài nguyên và Môi trường", "Tháng 3", "Tháng 9"),
        _full_row("Hoạt động 1.1.2", "Công bố danh mục thủ tục sửa đổi", 30, "Văn phòng UBND tỉnh"),
        _full_row("Kết quả đầu ra 1.2", "Thủ tục được niêm yết công khai", 50, "Sở Nội vụ"),
        _full_row("Hoạt động 1.2.1", "In, niêm yết bảng thủ tục tại bộ phận một cửa", 50, "Sở Nội vụ"),
        _full_row("NHIỆM VỤ 2", "HIỆN ĐẠI HÓA HÀNH CHÍNH", 235.5, "Sở Thông tin và Truyền thông"),
        _full_row("Kết quả đầu ra 2.1", "Dịch vụ công trực tuyến mức độ 3, 4", 235.5, "Sở Thông tin và Truyền thông"),
        _full_row("Hoạt động 2.1.1", "Nâng cấp cổng dịch vụ công của tỉnh", 200, "Sở Thông tin và Truyền thông"),
        _full_row("Hoạt động 2.1.2", "Tập huấn công chức bộ phận một cửa", 35.5, "Sở Nội vụ"),
    ]
    return {"Phụ lục 1": _titles("ĐVT: Triệu VND") + [FULL_P1] + rows + [["Tổng cộng", None, None, None, None, None, 355.5]],
            "Phụ lục 2": _titles("", what="Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ") + [FULL_P2] + _p2(rows)}


def flat_trieu() -> dict:
    """The commonest dự toán: a flat 1, 2, 3 list, ĐVT: triệu đồng, a Ghi chú column."""
    header = ["STT", "Nội dung", "Kinh phí", "Cơ quan chủ trì", "Ghi chú"]
    rows = [
        [1, "Tuyên truyền cải cách hành chính trên báo, đài", 45, "Sở Thông tin và Truyền thông", ""],
        [2, "Khảo sát mức độ hài lòng của người dân", 60, "Sở Nội vụ", "Thuê đơn vị tư vấn"],
        [3, "Tập huấn kỹ năng giao tiếp cho công chức một cửa", "25,5", "Sở Nội vụ", ""],
        [4, "Kiểm tra công tác cải cách hành chính", 18, "Sở Nội vụ", ""],
        [5, "Hội nghị sơ kết 6 tháng", 12, "Văn phòng UBND tỉnh", ""],
        [6, "Mua sắm thiết bị cho bộ phận một cửa", 80, "Văn phòng UBND tỉnh", ""],
    ]
    return {"Dự toán": _titles("ĐVT: triệu đồng", what="DỰ TOÁN KINH PHÍ THỰC HIỆN CẢI CÁCH HÀNH CHÍNH")
            + [header] + rows + [["Tổng cộng", None, "240,5"]]}


def roman_arabic_letter_dash() -> dict:
    """I / 1 / a / - with money on the leaves only; the dashes written at the start of the content."""
    header = ["TT", "Nội dung", "Kinh phí (triệu đồng)", "Cơ quan chủ trì"]
    rows = [
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None],
        ["1.", "Xây dựng và triển khai kế hoạch", None, None],
        ["a)", "Họp Ban chỉ đạo cải cách hành chính", None, None],
        [None, "- Họp phiên quý I", 5, "Sở Nội vụ"],
        [None, "- Họp phiên quý III", 5, "Sở Nội vụ"],
        ["b)", "Ban hành văn bản hướng dẫn", 8, "Sở Nội vụ"],
        ["2.", "Kiểm tra cơ quan cấp huyện", 22, "Sở Nội vụ"],
        ["II", "CÔNG TÁC TUYÊN TRUYỀN", None, None],
        ["1.", "Cuộc thi tìm hiểu cải cách hành chính", 60, "Sở Nội vụ"],
        ["2.", "Chuyên mục cải cách hành chính trên đài tỉnh", "30,5", "Báo tỉnh"],
    ]
    return {"Kế hoạch": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, "130,5"]]}


def roman_dotted() -> dict:
    """I / 1.1 / 1.1.1, money on every level, Phụ lục 2; output 2.1 states 90 but its rows add to 80."""
    rows = [
        _full_row("I", "NÂNG CAO CHẤT LƯỢNG ĐỘI NGŨ", 150, "Sở Nội vụ"),
        _full_row("1.1", "Đào tạo, bồi dưỡng công chức", 100, "Sở Nội vụ"),
        _full_row("1.1.1", "Lớp bồi dưỡng kỹ năng lãnh đạo cấp phòng", 60, "Sở Nội vụ"),
        _full_row("1.1.2", "Lớp tin học văn phòng nâng cao", 40, "Sở Thông tin và Truyền thông"),
        _full_row("1.2", "Đánh giá công chức theo kết quả", 50, "Sở Nội vụ"),
        _full_row("1.2.1", "Xây dựng bộ tiêu chí đánh giá", 50, "Sở Nội vụ"),
        _full_row("II", "CẢI CÁCH TÀI CHÍNH CÔNG", 90, "Sở Tài chính"),
        _full_row("2.1", "Cơ chế tự chủ của đơn vị sự nghiệp", 90, "Sở Tài chính"),
        _full_row("2.1.1", "Hướng dẫn phương án tự chủ", 35, "Sở Tài chính"),
        _full_row("2.1.2", "Kiểm tra đơn vị sự nghiệp công lập", 45, "Sở Tài chính"),
    ]
    return {"Phụ lục 1": _titles("Đơn vị tính: triệu đồng") + [FULL_P1] + rows
            + [["Tổng cộng", None, None, None, None, None, 240]],
            "Phụ lục 2": _titles("", what="Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ") + [FULL_P2] + _p2(rows)}


def nhiem_vu_colon() -> dict:
    """``Nhiệm vụ 1: …`` at the start of the content, the activities numbered 1, 2 … under each."""
    header = ["STT", "Nội dung công việc", "Kinh phí dự kiến (triệu đồng)", "Cơ quan, đơn vị chủ trì",
              "Cơ quan, đơn vị phối hợp"]
    rows = [
        [None, "Nhiệm vụ 1: Cải cách thể chế", 30, None, None],
        ["1", "Rà soát văn bản quy phạm pháp luật của tỉnh", 18, "Sở Tư pháp", "Các sở, ban, ngành"],
        ["2", "Theo dõi tình hình thi hành pháp luật", 12, "Sở Tư pháp", ""],
        [None, "Nhiệm vụ 2: Cải cách tổ chức bộ máy", 25, None, None],
        ["1", "Sắp xếp các đơn vị sự nghiệp công lập", 25, "Sở Nội vụ", ""],
        [None, "Nhiệm vụ 3: Xây dựng chính quyền số", 150, None, None],
        ["1", "Hệ thống quản lý văn bản và điều hành", 90, "Văn phòng UBND tỉnh", ""],
        ["2", "Cấp chữ ký số cho công chức", 40, "Sở Thông tin và Truyền thông", ""],
        ["3", "Kho dữ liệu dùng chung của tỉnh", 20, "Sở Thông tin và Truyền thông", ""],
    ]
    return {"Kế hoạch": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, 205]]}


def dong_agency_first() -> dict:
    """A sheet in đồng, the agency columns before the budget, I / 1."""
    header = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kinh phí (đồng)"]
    rows = [
        ["I", "Hỗ trợ bộ phận một cửa", None, None, None],
        ["1", "Phụ cấp công chức làm việc tại bộ phận một cửa", "Sở Nội vụ", "Sở Tài chính", 36_000_000],
        ["2", "Sửa chữa trụ sở bộ phận một cửa", "Văn phòng UBND tỉnh", "", "150.000.000"],
        ["II", "Kiểm tra, giám sát", None, None, None],
        ["1", "Kiểm tra đột xuất việc giải quyết thủ tục", "Thanh tra tỉnh", "Sở Nội vụ", 12_500_000],
    ]
    return {"Dự toán": _titles("ĐVT: đồng", what="DỰ TOÁN KINH PHÍ CẢI CÁCH HÀNH CHÍNH")
            + [header] + rows + [["Tổng cộng", None, None, None, "198.500.000"]]}


def nghin_dong() -> dict:
    """Đơn vị tính: nghìn đồng, A. / 1. (capital letters over Arabic)."""
    header = ["TT", "Nội dung", "Kinh phí (nghìn đồng)", "Đơn vị chủ trì"]
    rows = [
        ["A.", "Kinh phí thường xuyên", None, None],
        ["1.", "Văn phòng phẩm cho bộ phận một cửa", "15.000", "Văn phòng UBND tỉnh"],
        ["2.", "Hội nghị triển khai kế hoạch", "8.500", "Sở Nội vụ"],
        ["B.", "Kinh phí sự nghiệp", None, None],
        ["1.", "Đo lường sự hài lòng của người dân", "42.000", "Sở Nội vụ"],
        ["2.", "Giải thưởng sáng kiến cải cách hành chính", "10.000", "Sở Nội vụ"],
        ["3.", "Video hướng dẫn thủ tục trực tuyến", "7.250", "Sở Thông tin và Truyền thông"],
    ]
    return {"Dự toán": _titles("Đơn vị tính: nghìn đồng", what="DỰ TOÁN KINH PHÍ CẢI CÁCH HÀNH CHÍNH")
            + [header] + rows + [["Tổng cộng", None, "82.750"]]}


def quarters() -> dict:
    """One ``Thời gian thực hiện`` column in quarters; bare 1 / 1.1 numbering."""
    header = ["STT", "Nội dung công việc", "Thời gian thực hiện", "Kinh phí (triệu đồng)", "Cơ quan chủ trì",
              "Cơ quan phối hợp"]
    rows = [
        ["1", "Công tác cải cách thủ tục hành chính", None, None, None, None],
        ["1.1", "Rà soát quy trình nội bộ giải quyết thủ tục", "Quý I", 20, "Sở Nội vụ", ""],
        ["1.2", "Số hóa hồ sơ, kết quả giải quyết thủ tục", "Quý II/2019", 55, "Sở Thông tin và Truyền thông", ""],
        ["2", "Công tác kiểm tra", None, None, None, None],
        ["2.1", "Kiểm tra định kỳ các sở, ngành", "Quý III", 14, "Thanh tra tỉnh", "Sở Nội vụ"],
        ["2.2", "Tổng kết công tác cải cách hành chính năm", "Quý IV", 9, "Sở Nội vụ", ""],
    ]
    return {"Kế hoạch": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, None, 98]]}


def nguon_kinh_phi() -> dict:
    """A ``Nguồn kinh phí`` column; ``Phần I`` / ``1.`` / ``+`` (pluses at the start of the content)."""
    header = ["STT", "Nội dung công việc", "Kinh phí (triệu đồng)", "Nguồn kinh phí", "Cơ quan chủ trì", "Ghi chú"]
    rows = [
        ["Phần I", "NHIỆM VỤ CHUNG", None, None, None, None],
        ["1.", "Tuyên truyền cải cách hành chính", 40, "Ngân sách tỉnh", "Sở Thông tin và Truyền thông", ""],
        ["2.", "Hội thi cán bộ một cửa giỏi", None, None, None, None],
        [None, "+ Vòng sơ khảo", 15, "Ngân sách tỉnh", "Sở Nội vụ", ""],
        [None, "+ Vòng chung kết", 25, "Lồng ghép", "Sở Nội vụ", "Lồng ghép chương trình chuyển đổi số"],
        ["Phần II", "NHIỆM VỤ CHUYÊN NGÀNH", None, None, None, None],
        ["1.", "Ứng dụng công nghệ trong đăng ký hộ tịch", 70, "Ngân sách trung ương", "Sở Tư pháp", ""],
    ]
    return {"Kế hoạch": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, 150]]}


def no_phu_luc_2() -> dict:
    """The full Phụ lục 1 header but no Phụ lục 2; I / 1."""
    rows = [
        _full_row("I", "Cải cách thủ tục hành chính", 64, "Sở Tư pháp"),
        _full_row("1", "Rà soát thủ tục hành chính cấp tỉnh", 24, "Sở Tư pháp"),
        _full_row("2", "Cập nhật cơ sở dữ liệu quốc gia về thủ tục", 40, "Văn phòng UBND tỉnh"),
        _full_row("II", "Cải cách công vụ", 31, "Sở Nội vụ"),
        _full_row("1", "Thi tuyển chức danh lãnh đạo cấp phòng", 31, "Sở Nội vụ"),
    ]
    return {"Phụ lục 1": _titles("ĐVT: triệu đồng") + [FULL_P1] + rows
            + [["Tổng cộng", None, None, None, None, None, 95]]}


def district() -> dict:
    """A district (UBND huyện) plan: ``Nội dung 1`` / ``-``, the district's own offices."""
    header = ["STT", "Nội dung", "Kinh phí (triệu đồng)", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    rows = [
        ["Nội dung 1", "Cải cách thủ tục hành chính", None, None, None],
        ["-", "Niêm yết thủ tục hành chính tại UBND các xã", 12, "Văn phòng HĐND và UBND huyện", ""],
        ["-", "Rà soát thủ tục hành chính cấp huyện", 6, "Phòng Tư pháp", ""],
        ["Nội dung 2", "Hiện đại hóa hành chính", None, None, None],
        ["-", "Trang bị máy quét cho bộ phận một cửa", 30, "Văn phòng HĐND và UBND huyện", ""],
        ["-", "Tập huấn dịch vụ công cho công chức xã", "8,5", "Phòng Nội vụ", ""],
        ["-", "Cập nhật trang thông tin điện tử huyện", 5, "Văn phòng HĐND và UBND huyện", "Phòng Nội vụ"],
    ]
    titles = [["ỦY BAN NHÂN DÂN HUYỆN HÒA SƠN"], ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2020"],
              ["(Kèm theo Quyết định số 12/QĐ-UBND ngày 06/01/2020 của UBND huyện Hòa Sơn)"], ["ĐVT: triệu đồng"]]
    return {"Kế hoạch": titles + [header] + rows + [["Tổng cộng", None, "61,5"]]}


def pdf_paste() -> dict:
    """Pasted from a PDF: every cell text, numbers in Vietnamese notation, headers repeated at
    page breaks, blank rows, one row numbered inside its content."""
    header = ["STT", "Nội dung công việc", "Ngân sách dự kiến", "Cơ quan, đơn vị chủ trì"]
    rows = [
        ["I.", "ĐÀO TẠO, BỒI DƯỠNG", "100", None],
        ["1.", "Bồi dưỡng kiến thức quản lý nhà nước", "62,5", "Sở Nội vụ"],
        [None, None, None, None],
        ["2.", "Bồi dưỡng ngoại ngữ cho công chức", "37,5", "Sở Nội vụ"],
        header,
        ["II.", "CHÍNH QUYỀN ĐIỆN TỬ", "1.250", None],
        ["1.", "Hạ tầng mạng diện rộng của tỉnh", "1.100", "Sở Thông tin và Truyền thông"],
        [None, None, None, None],
        ["2.", "Bảo đảm an toàn thông tin", "150", "Sở Thông tin và Truyền thông"],
        header,
        ["III.", "KIỂM TRA", " 20 ", None],
        [None, "1. Kiểm tra công vụ đột xuất", "20", "Sở Nội vụ"],
    ]
    titles = [["UBND TỈNH BÌNH NGUYÊN"], ["Phụ lục. KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2019"], ["ĐVT: triệu đồng"],
              [None]]
    return {"Sheet1": titles + [header] + rows + [["Tổng cộng", None, "1.370"]]}


def bullets_plus() -> dict:
    """1. / - / + with the marks at the start of the content."""
    header = ["STT", "Nội dung", "Kinh phí", "Cơ quan chủ trì"]
    rows = [
        ["1.", "Cải cách thủ tục hành chính", None, None],
        [None, "- Rà soát thủ tục theo lĩnh vực", None, None],
        [None, "+ Lĩnh vực đất đai", 10, "Sở Tài nguyên và Môi trường"],
        [None, "+ Lĩnh vực xây dựng", 7, "Sở Xây dựng"],
        [None, "- Công bố thủ tục đã rà soát", 3, "Văn phòng UBND tỉnh"],
        ["2.", "Tuyên truyền cải cách hành chính", 16, "Sở Thông tin và Truyền thông"],
    ]
    return {"Dự toán": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, 36]]}


def letter_roman_arabic() -> dict:
    """A / I / 1: capital letters over Roman numerals (``I`` after ``A`` is a Roman one)."""
    header = ["STT", "Nội dung", "Kinh phí (triệu đồng)", "Cơ quan chủ trì"]
    rows = [
        ["A", "PHẦN CHUNG", None, None],
        ["I", "Kiểm soát thủ tục hành chính", None, None],
        ["1", "Rà soát thủ tục", 10, "Văn phòng UBND tỉnh"],
        ["2", "Công khai thủ tục", 5, "Văn phòng UBND tỉnh"],
        ["II", "Cải cách công vụ", None, None],
        ["1", "Tuyển dụng công chức", 20, "Sở Nội vụ"],
        ["B", "PHẦN RIÊNG", None, None],
        ["I", "Chuyển đổi số", None, None],
        ["1", "Số hóa hồ sơ lưu trữ", 45, "Sở Nội vụ"],
    ]
    return {"Kế hoạch": _titles("ĐVT: triệu đồng") + [header] + rows + [["Tổng cộng", None, 80]]}


def budget_over_details() -> dict:
    """Money stated on numbered activities, with unnumbered-money detail lines (``- …``) under them;
    Phụ lục 2 with the same rows."""
    def detail(text):
        return [None, f"- {text}", "", "", "", "", None, "", ""]

    rows = [
        _full_row("I", "TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH", 70, "Sở Thông tin và Truyền thông"),
        _full_row("1.", "Tuyên truyền trên báo, đài", 50, "Sở Thông tin và Truyền thông"),
        detail("Chuyên mục hàng tháng trên Đài tỉnh"),
        detail("Tin bài trên Báo tỉnh"),
        _full_row("2.", "Cuộc thi ảnh về cải cách hành chính", 20, "Sở Nội vụ"),
        _full_row("II", "KIỂM TRA", 15, "Sở Nội vụ"),
        _full_row("1.", "Kiểm tra tại 10 sở, ngành", 15, "Sở Nội vụ"),
        detail("Kiểm tra theo kế hoạch"),
        detail("Kiểm tra đột xuất"),
    ]
    p2 = [[row[0], row[1], row[2], row[3], "Hàng quý" if row[7] else "", f"Chuyên viên {row[7]}" if row[7] else "", ""]
          for row in rows]
    return {"Phụ lục 1": _titles("ĐVT: triệu đồng") + [FULL_P1] + rows
            + [["Tổng cộng", None, None, None, None, None, 85]],
            "Phụ lục 2": _titles("", what="Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ") + [FULL_P2] + p2}


LAYOUTS = {f.__name__: f for f in (
    daklak_form, flat_trieu, roman_arabic_letter_dash, roman_dotted, nhiem_vu_colon, dong_agency_first,
    nghin_dong, quarters, nguon_kinh_phi, no_phu_luc_2, district, pdf_paste, bullets_plus, letter_roman_arabic,
    budget_over_details)}


# --------------------------------------------------------------------------- writing
def write_layout(path: Path, sheets: dict[str, list[list]]) -> Path:
    """One workbook, every cell as given (numbers as numbers, texts as texts), no styles but bold
    on the header rows; the same bytes on every run."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": _CREATED, "author": "cchc-xlsx plan zoo"})
    bold = book.add_format({"bold": True})
    for title, rows in sheets.items():
        ws = book.add_worksheet(title)
        for r, row in enumerate(rows):
            is_header = bool(row) and row[0] in ("STT", "TT")
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, value, bold if is_header else None)
    book.close()
    return path


def write_district_agencies(path: Path) -> Path:
    lines = ["id,name,kind,aliases,typos"] + [f"{id_},{name},{kind},," for id_, name, kind in DISTRICT_AGENCIES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(out: Path) -> dict[str, Path]:
    """Write every layout into ``out``: layout name -> its file."""
    out.mkdir(parents=True, exist_ok=True)
    write_district_agencies(out / "agencies-huyen.csv")
    return {name: write_layout(out / f"{name}.xlsx", layout()) for name, layout in LAYOUTS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=Path("plan-zoo"), help="folder to write into")
    args = parser.parse_args()
    for name, path in build(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
