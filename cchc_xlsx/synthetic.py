"""Synthetic plans at any scale, for benchmarks and tests: realistic Vietnamese rows, deterministic."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import xlsxwriter

__all__ = ["write_synthetic_plan"]

_TASKS = ["CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH",
          "XÂY DỰNG VÀ NÂNG CAO CHẤT LƯỢNG ĐỘI NGŨ CBCCVC", "CẢI CÁCH TÀI CHÍNH CÔNG",
          "HIỆN ĐẠI HÓA HÀNH CHÍNH", "CHỈ ĐẠO VÀ ĐIỀU HÀNH CÔNG TÁC CCHC"]
_CONTENTS = [
    "Tập huấn nghiệp vụ xây dựng, đánh giá tác động chính sách trong xây dựng văn bản QPPL",
    "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của HĐND, UBND tỉnh",
    "Kiểm tra công tác thi hành pháp luật tại các sở, ban, ngành và UBND cấp huyện",
    "Triển khai thực hiện rà soát, đánh giá thủ tục hành chính trên địa bàn tỉnh",
    "Khảo sát phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
    "Tổ chức các lớp bồi dưỡng kỹ năng, nghiệp vụ cho công chức làm công tác một cửa",
    "Nâng cấp phần mềm quản lý hồ sơ cán bộ, công chức, viên chức",
    "Triển khai chữ ký số, chứng thư số trong các cơ quan nhà nước",
    "Tổ chức điều tra chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính",
    "Tuyên truyền cải cách hành chính trên Cổng Thông tin điện tử của tỉnh",
    "Thuê tư vấn, hỗ trợ xây dựng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
    "Chi phí quản lý hành chính: văn phòng phẩm, hội họp, công tác phí",
]
_INDICATORS = ["100% văn bản được ban hành đúng quy định", "90% cơ quan, đơn vị hoàn thành đúng tiến độ",
               "Trên 80% cán bộ, công chức được tập huấn", "Mức độ hài lòng của người dân đạt trên 85%"]
_EVIDENCE = ["Báo cáo kết quả thực hiện", "Quyết định ban hành kế hoạch", "Hồ sơ, chứng từ thanh toán",
             "Biên bản kiểm tra, báo cáo tổng hợp"]
_FREQUENCIES = [("01 lần", 1), ("02 lần", 2), ("Hàng quý", 4), ("Thường xuyên", None), ("6 tháng", 2),
                ("Hàng tháng", 12)]
_PEOPLE = ["Ông Nguyễn Văn An, Trưởng phòng", "Bà Trần Thị Bình, Phó Trưởng phòng", "Ông Lê Văn Cường, Chuyên viên"]


def write_synthetic_plan(folder: Path, agencies: int, activities_per_agency: int = 120, *, year: int = 2030,
                         outputs_per_agency: int = 6, seed: int = 1) -> tuple[Path, Path]:
    """A plan workbook in the decision's layout and the registry CSV of its agencies.

    Agency k (``Sở Thử nghiệm 001`` …) leads ``outputs_per_agency`` outputs of its own, spread over
    the seven tasks, with ``activities_per_agency`` activities in all. Returns (plan, agencies CSV).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"Sở Thử nghiệm {k:03d}" for k in range(1, agencies + 1)]
    registry = folder / "agencies.csv"
    with open(registry, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "kind", "aliases", "typos"])
        for k, name in enumerate(names, start=1):
            writer.writerow([f"so-thu-nghiem-{k:03d}", name, "agency", f"STN {k:03d}", ""])
    # task -> list of (output code, agency, activity rows)
    per_output = [activities_per_agency // outputs_per_agency + (1 if j < activities_per_agency % outputs_per_agency else 0)
                  for j in range(outputs_per_agency)]
    outputs: dict[int, list] = {t: [] for t in range(1, 8)}
    allocation: dict[str, int] = {}
    for k, name in enumerate(names):
        for j in range(outputs_per_agency):
            task = (k * outputs_per_agency + j) % 7 + 1
            number = len(outputs[task]) + 1
            rows = []
            for a in range(1, per_output[j] + 1):
                start = rng.randint(1, 12)
                end = rng.randint(start, 12)
                # a frequency the activity's window can hold (a plan drafted with care); the checks'
                # findings then come from the defects put in on purpose, as in real returns
                frequencies = [f for f, per_year in _FREQUENCIES if per_year is None or per_year <= end - start + 1]
                budget = rng.choice([0, 0, 5, 10, 15, 20, 24.5, 30, 45, 60, 120, 3.4])
                allocation[name] = allocation.get(name, 0) + round(budget * 1_000_000)
                rows.append({
                    "code": f"{task}.{number}.{a}", "content": rng.choice(_CONTENTS),
                    "indicator": rng.choice(_INDICATORS), "evidence": rng.choice(_EVIDENCE),
                    "from": f"Tháng {start:02d}", "to": f"Tháng {end:02d}",
                    "budget": budget, "lead": name, "partners": "Các sở, ban, ngành, UBND cấp huyện",
                    "frequency": rng.choice(frequencies),
                })
            outputs[task].append((f"{task}.{number}", name, rows))
    path = folder / f"ke-hoach-thu-nghiem-{agencies}.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})   # shared strings, as Excel saves them
    _plan_sheet(book.add_worksheet("Phụ lục 1"), year, outputs, allocation)
    _monitoring_sheet(book.add_worksheet("Phụ lục 2"), year, outputs)
    book.close()
    return path, registry


def _vn(value: float) -> str:
    """A budget in the decision's notation: 1.949 for thousands, 3,4 for decimals."""
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _plan_sheet(ws, year: int, outputs: dict, allocation: dict[str, int]) -> None:
    ws.write_string(0, 0, f"Phụ lục 1. KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH THỰC HIỆN CCHC NĂM {year}")
    ws.write_string(1, 0, f"(Ban hành kèm theo Quyết định số 1/QĐ-UBND ngày 20 tháng 12 năm {year - 1} "
                          "của UBND tỉnh Thử Nghiệm)")
    header = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
              "Từ tháng", "Đến tháng", "Ngân sách dự kiến", "Cơ quan, đơn vị chủ trì", "Cơ quan, đơn vị phối hợp"]
    for c, text in enumerate(header):
        ws.write_string(3, c, text)
    r = 4
    grand = 0
    for task in range(1, 8):
        task_total = sum(round(row["budget"] * 1e6) for _, _, rows in outputs[task] for row in rows)
        grand += task_total
        ws.write_string(r, 0, f"NHIỆM VỤ {task}")
        ws.write_string(r, 1, _TASKS[task - 1])
        ws.write_string(r, 6, _vn(task_total / 1e6))
        r += 1
        for code, agency, rows in outputs[task]:
            ws.write_string(r, 0, f"Kết quả đầu ra {code}")
            ws.write_string(r, 1, f"Kết quả đầu ra của {agency}")
            ws.write_string(r, 6, _vn(sum(round(x["budget"] * 1e6) for x in rows) / 1e6))
            ws.write_string(r, 7, agency)
            r += 1
            for row in rows:
                ws.write_string(r, 0, f"Hoạt động {row['code']}")
                for c, key in ((1, "content"), (2, "indicator"), (3, "evidence"), (4, "from"), (5, "to"),
                               (7, "lead"), (8, "partners")):
                    ws.write_string(r, c, row[key])
                ws.write_string(r, 6, _vn(row["budget"]))
                r += 1
    ws.write_string(r, 0, "Tổng Cộng")
    ws.write_string(r, 6, _vn(grand / 1e6))
    r += 2
    ws.write_string(r, 0, "Trong đó:")
    r += 1
    for i, (agency, amount) in enumerate(allocation.items(), start=1):
        ws.write_string(r, 0, f"{i}. {agency}:")
        ws.write_string(r, 1, ":")
        ws.write_string(r, 2, f"{amount:,}".replace(",", "."))
        r += 1


def _monitoring_sheet(ws, year: int, outputs: dict) -> None:
    ws.write_string(0, 0, f"Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ THỰC HIỆN KẾ HOẠCH CCHC NĂM {year}")
    header = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
              "Tần suất thu thập", "Thu thập số liệu", "Báo cáo"]
    for c, text in enumerate(header):
        ws.write_string(2, c, text)
    r = 3
    for task in range(1, 8):
        ws.write_string(r, 0, f"NHIỆM VỤ {task}")
        ws.write_string(r, 1, _TASKS[task - 1])
        ws.write_string(r, 4, "Hàng quý")
        ws.write_string(r, 5, _PEOPLE[task % 3])
        r += 1
        for code, agency, rows in outputs[task]:
            ws.write_string(r, 0, f"Kết quả đầu ra {code}")
            ws.write_string(r, 1, f"Kết quả đầu ra của {agency}")
            ws.write_string(r, 4, "Hàng quý")
            ws.write_string(r, 5, f"{_PEOPLE[0]} - {agency}")
            r += 1
            for row in rows:
                ws.write_string(r, 0, f"Hoạt động {row['code']}")
                for c, key in ((1, "content"), (2, "indicator"), (3, "evidence"), (4, "frequency")):
                    ws.write_string(r, c, row[key])
                r += 1
