"""Small plan workbooks for the tests of plans as provinces write them (units, time, grading, titles).

A plan here is one task, one output and two activities (``1``, ``1.1``, ``1.1.1``, ``1.1.2``) under
a header of the columns a test chooses, with title lines above and a ``Tổng cộng`` row below.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_grids

#: Column title -> field, for the columns a test plan may have.
FULL = [("STT", "code"), ("Nội dung công việc", "content"), ("Từ tháng", "month_from"), ("Đến tháng", "month_to"),
        ("Ngân sách dự kiến", "budget"), ("Cơ quan, đơn vị chủ trì", "lead"), ("Cơ quan, đơn vị phối hợp", "partners")]
MONITORING_HEADER = ["STT", "Nội dung công việc", "Tần suất thu thập", "Thu thập số liệu", "Báo cáo"]

ROWS = [
    {"code": "1", "content": "Cải cách thể chế", "lead": "Sở Tư pháp"},
    {"code": "1.1", "content": "Văn bản quy phạm pháp luật được rà soát", "lead": "Sở Tư pháp"},
    {"code": "1.1.1", "content": "Rà soát văn bản quy phạm pháp luật của tỉnh", "month_from": "Tháng 3",
     "month_to": "Tháng 6", "lead": "Sở Tư pháp", "partners": "Sở Nội vụ"},
    {"code": "1.1.2", "content": "Tập huấn kỹ năng soạn thảo văn bản", "month_from": "Tháng 7",
     "month_to": "Tháng 9", "lead": "Sở Nội vụ"},
]


def plan_grid(columns: list[tuple[str, str]], budgets: tuple, *, above: list = (), total: object = None,
              values: dict[str, dict[str, object]] | None = None, second_header: list[object] | None = None
              ) -> list[list[object]]:
    """The rows of a Phụ lục 1 sheet: title lines, the header (and a second header row), the four
    rows with ``budgets`` (task, output, two activities, as written) and a Tổng cộng row."""
    grid: list[list[object]] = [list(line) if isinstance(line, (list, tuple)) else [line] for line in above]
    grid.append([title for title, _ in columns])
    if second_header is not None:
        grid.append(second_header)
    for row, budget in zip(ROWS, budgets):
        row = row | {"budget": budget} | (values or {}).get(row["code"], {})
        grid.append([row.get(name) for _, name in columns])
    if total is not None:
        fields = [name for _, name in columns]
        grid.append(["Tổng cộng"] + [total if name == "budget" else None for name in fields[1:]])
    return grid


def monitoring_grid() -> list[list[object]]:
    return [["Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI"], MONITORING_HEADER] + [
        [row["code"], row["content"], "Hàng quý", "Ông A, Sở Nội vụ", "Sở Nội vụ"] for row in ROWS]


def write_plan(path: Path, plan: list[list[object]], monitoring: bool = True) -> Path:
    sheets = {"Phụ lục 1": plan}
    if monitoring:
        sheets["Phụ lục 2"] = monitoring_grid()
    return write_grids(path, sheets)
