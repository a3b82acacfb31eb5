"""Build pairs of plans (old, new) from the bundled decision, each with one kind of adjustment (issue 14).

Each new plan is the bundled workbook opened with openpyxl, edited as a person adjusting the
decision would (every later code renumbered, the output and task subtotals, the Tổng cộng and the
``Trong đó`` split kept right), and saved; the old plan is the bundled workbook as it is.

    python scripts/build_plan_pairs.py -o DIR

writes ``DIR/<pair>.xlsx`` for each pair of :data:`PAIRS` (the new plan; the old one is the bundled
plan). ``pasted-as-text`` is the same plan in another layout: both appendices' values pasted as text
(numbers in the decision's notation) on one sheet, no merged cells, no styles; ``numbered-otherwise``
is numbered I / 1. / a) as many provinces number their plans.
``tests/test_diff.py`` says what the comparison must find for each.
"""

from __future__ import annotations

import argparse
import sys
import re
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cchc_xlsx.notation import parse_number  # noqa: E402
from cchc_xlsx.pipeline import bundled_plan_path  # noqa: E402

__all__ = ["PAIRS", "build", "build_pair"]

P1, P2 = "Phụ lục 1", "Phụ lục 2"
#: Columns of the bundled workbook (1-based).
CONTENT, INDICATOR, EVIDENCE, FROM, TO, BUDGET, LEAD, PARTNERS = 2, 3, 4, 5, 6, 7, 8, 9
FREQUENCY, COLLECTOR, REPORTER = 5, 6, 7


# --------------------------------------------------------------------------- editing helpers
def row_of(ws, label: str) -> int:
    """The row whose STT cell says ``label`` (``Hoạt động 1.4.2``, ``NHIỆM VỤ 1``, ``Tổng Cộng``)."""
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row, 1).value
        if isinstance(value, str) and value.strip() == label:
            return row
    raise LookupError(f"{ws.title}: no row {label!r}")


def _shift_merges(ws, at: int, by: int) -> None:
    """Insert (by > 0) or delete (by < 0) rows at ``at`` keeping merged cells with their rows
    (openpyxl moves the cells but not the merges)."""
    ranges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    if by > 0:
        ws.insert_rows(at, by)
    else:
        ws.delete_rows(at, -by)
    for r0, c0, r1, c1 in ranges:
        if by < 0 and r0 <= at <= r1:
            continue                    # the deleted row's own merge goes with it
        if (by > 0 and r0 >= at) or (by < 0 and r0 > at):
            r0, r1 = r0 + by, r1 + by
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def insert_row(ws, after: str, values: dict[int, object]) -> int:
    """A new row right under the row labelled ``after``, in its style, holding ``values`` (column -> value)."""
    source = row_of(ws, after)
    at = source + 1
    _shift_merges(ws, at, 1)
    for column in range(1, ws.max_column + 1):
        cell = ws.cell(at, column)
        cell._style = ws.cell(source, column)._style
        cell.value = values.get(column)
    return at


def delete_row(ws, label: str) -> None:
    _shift_merges(ws, row_of(ws, label), -1)


def renumber(ws, codes: list[tuple[str, str]]) -> None:
    """``Hoạt động 1.4.3`` -> ``Hoạt động 1.4.4`` …, each label once (give them last first)."""
    for old, new in codes:
        cell = ws.cell(row_of(ws, f"Hoạt động {old}"), 1)
        cell.value = f"Hoạt động {new}"


def _vi(value: float) -> str:
    """A number in the decision's notation: ``1.949``, ``3,4``, ``8.000.000.000``."""
    whole = f"{value:,.6f}".rstrip("0").rstrip(".")
    return whole.translate(str.maketrans(",.", ".,"))


def add_to(cell, delta: float) -> None:
    """Add ``delta`` to a figure, written as it was: a number stays a number, a text stays a text."""
    value = cell.value
    if isinstance(value, (int, float)):
        total = value + delta
        cell.value = int(total) if float(total).is_integer() else total
    else:
        cell.value = _vi(parse_number(value) + delta)


def move_money(book, code: str, delta: float, agency: str) -> None:
    """Change activity ``code``'s budget by ``delta`` triệu đồng and keep the rest of the decision
    right: its output's and task's subtotals, the Tổng Cộng, and ``agency``'s line of Trong đó (đồng)."""
    ws = book[P1]
    parts = code.split(".")
    for label in (f"Hoạt động {code}", f"Kết quả đầu ra {parts[0]}.{parts[1]}", f"NHIỆM VỤ {parts[0]}", "Tổng Cộng"):
        add_to(ws.cell(row_of(ws, label), BUDGET), delta)
    allocation_total = None
    for row in range(row_of(ws, "Tổng Cộng") + 1, ws.max_row + 1):
        label = str(ws.cell(row, 1).value or "")
        if agency.lower() in label.lower():
            add_to(ws.cell(row, 3), delta * 1_000_000)
        elif label.strip().lower() == "tổng cộng":
            allocation_total = ws.cell(row, 3)
    if allocation_total is not None:
        add_to(allocation_total, delta * 1_000_000)


def set_cell(book, sheet: str, label: str, column: int, value: object) -> None:
    ws = book[sheet]
    ws.cell(row_of(ws, label), column).value = value


# --------------------------------------------------------------------------- the pairs
def same(book) -> None:
    """The plan against itself: nothing changes."""


def inserted(book) -> None:
    """A new activity 1.4.3 (5 triệu, Sở Tư pháp) in the middle of output 1.4: 1.4.3, 1.4.4, 1.4.5
    become 1.4.4, 1.4.5, 1.4.6 in both appendices; 1.4, task 1, the total and Sở Tư pháp's line +5."""
    for sheet in (P1, P2):
        renumber(book[sheet], [("1.4.5", "1.4.6"), ("1.4.4", "1.4.5"), ("1.4.3", "1.4.4")])
    insert_row(book[P1], "Hoạt động 1.4.2", {
        1: "Hoạt động 1.4.3", CONTENT: "Tập huấn kỹ năng theo dõi thi hành pháp luật cho công chức cấp huyện",
        INDICATOR: "100% công chức làm công tác theo dõi thi hành pháp luật cấp huyện được tập huấn",
        EVIDENCE: "Danh sách học viên, tài liệu tập huấn", FROM: "Tháng 5", TO: "Tháng 5", BUDGET: 0,
        LEAD: "Sở Tư pháp", PARTNERS: "UBND các huyện, thị xã, thành phố"})
    insert_row(book[P2], "Hoạt động 1.4.2", {
        1: "Hoạt động 1.4.3", CONTENT: "Tập huấn kỹ năng theo dõi thi hành pháp luật cho công chức cấp huyện",
        INDICATOR: "100% công chức làm công tác theo dõi thi hành pháp luật cấp huyện được tập huấn",
        EVIDENCE: "Danh sách học viên, tài liệu tập huấn", FREQUENCY: "01 lần"})
    move_money(book, "1.4.3", 5, "Sở Tư pháp")


def removed(book) -> None:
    """Activity 1.4.4 (10 triệu, Sở Tư pháp) dropped: 1.4.5 becomes 1.4.4; the money follows (−10)."""
    move_money(book, "1.4.4", -10, "Sở Tư pháp")
    for sheet in (P1, P2):
        delete_row(book[sheet], "Hoạt động 1.4.4")
        renumber(book[sheet], [("1.4.5", "1.4.4")])


def budget_moved(book) -> None:
    """100 triệu moved from 6.2.1 (Sở Thông tin và Truyền thông, 1.949 → 1.849) to 4.4.4 (Sở Nội vụ,
    20 → 120), subtotals and Trong đó with them: the total is unchanged."""
    move_money(book, "6.2.1", -100, "Sở Thông tin và Truyền thông")
    move_money(book, "4.4.4", 100, "Sở Nội vụ")


def lead_changed(book) -> None:
    """Activity 1.4.2 (10 triệu) led by the Sở Nội vụ instead of the Sở Tư pháp; Trong đó follows."""
    set_cell(book, P1, "Hoạt động 1.4.2", LEAD, "Sở Nội vụ")
    ws = book[P1]
    for row in range(row_of(ws, "Tổng Cộng") + 1, ws.max_row + 1):
        label = str(ws.cell(row, 1).value or "")
        if "Sở Tư pháp" in label:
            add_to(ws.cell(row, 3), -10_000_000)
        elif "Sở Nội vụ" in label:
            add_to(ws.cell(row, 3), 10_000_000)


REWORDED_FROM = "Triển khai thực hiện rà soát, đánh giá TTHC"
REWORDED = ("2.1.2", "Triển khai rà soát, đánh giá thủ tục hành chính")
REWRITTEN = ("3.1.1", "Số hóa hồ sơ lưu trữ lịch sử của các huyện biên giới bằng máy quét chuyên dụng")


def reworded(book) -> None:
    """2.1.2's content lightly reworded (the same activity, content changed); 3.1.1's rewritten
    completely (another activity under the same code: removed + added), in both appendices."""
    for sheet in (P1, P2):
        ws = book[sheet]
        cell = ws.cell(row_of(ws, f"Hoạt động {REWORDED[0]}"), CONTENT)
        cell.value = cell.value.replace(REWORDED_FROM, REWORDED[1], 1)
        ws.cell(row_of(ws, f"Hoạt động {REWRITTEN[0]}"), CONTENT).value = REWRITTEN[1]


def frequency(book) -> None:
    """Phụ lục 2: 1.1.3's frequency «Thường xuyên» becomes «Hàng quý»."""
    set_cell(book, P2, "Hoạt động 1.1.3", FREQUENCY, "Hàng quý")


def moved(book) -> None:
    """Activity 1.4.5 moved to output 1.3 as 1.3.5 (in both appendices), its money with it."""
    ws1 = book[P1]
    money = parse_number(ws1.cell(row_of(ws1, "Hoạt động 1.4.5"), BUDGET).value)
    for sheet in (P1, P2):
        ws = book[sheet]
        row = row_of(ws, "Hoạt động 1.4.5")
        values = {c: ws.cell(row, c).value for c in range(1, ws.max_column + 1)}
        values[1] = "Hoạt động 1.3.5"
        delete_row(ws, "Hoạt động 1.4.5")
        insert_row(ws, "Hoạt động 1.3.4", values)
    for label, delta in (("Kết quả đầu ra 1.4", -money), ("Kết quả đầu ra 1.3", money)):
        add_to(ws1.cell(row_of(ws1, label), BUDGET), delta)


def next_year(book) -> None:
    """The same plan a year later: every year written in either appendix one more (titles, «năm
    2018» in contents, «Tháng 12/2017»); a comparison with this year's sees no change."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and re.search(r"20\d\d", cell.value):
                    cell.value = re.sub(r"(?<!\d)20(\d\d)(?!\d)", lambda m: str(int(m.group(0)) + 1), cell.value)


PAIRS = {name.replace("_", "-"): f for name, f in (
    ("same", same), ("inserted", inserted), ("removed", removed), ("budget_moved", budget_moved),
    ("lead_changed", lead_changed), ("reworded", reworded), ("frequency", frequency), ("moved", moved),
    ("next_year", next_year))}


def build_pair(name: str, out: Path) -> Path:
    """Write the new plan of pair ``name`` (or ``pasted-as-text``) to ``out/<name>.xlsx``."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.xlsx"
    if name in LAYOUTS:
        return LAYOUTS[name](path)
    book = openpyxl.load_workbook(bundled_plan_path())
    PAIRS[name](book)
    book.properties.creator = "cchc-xlsx plan pairs"
    book.save(path)
    return path


def pasted_as_text(path: Path) -> Path:
    """The bundled plan's two appendices pasted as text into one sheet of a new workbook: every value
    a text (numbers in the decision's notation: 150, 3,4, 1.478,4), no merges, no styles."""
    source = openpyxl.load_workbook(bundled_plan_path())
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Kế hoạch"
    out_row = 0
    for sheet in (P1, P2):
        for row in source[sheet].iter_rows(values_only=True):
            out_row += 1
            for column, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(out_row, column, _vi(value) if isinstance(value, (int, float)) else str(value))
                cell.data_type = "s"
        out_row += 2
    book.properties.creator = "cchc-xlsx plan pairs"
    book.save(path)
    return path


_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
#: Vietnamese documents letter their items in the Vietnamese alphabet: a) b) c) d) đ) e) g) …
_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()


def _numbered_otherwise(label: object) -> object:
    """``NHIỆM VỤ 1`` -> ``I``, ``Kết quả đầu ra 1.2`` -> ``2.``, ``Hoạt động 1.2.5`` -> ``đ)``."""
    text = str(label).strip() if isinstance(label, str) else ""
    if match := re.fullmatch(r"NHIỆM VỤ (\d+)", text):
        return _ROMAN[int(match.group(1))]
    if match := re.fullmatch(r"Kết quả đầu ra \d+\.(\d+)", text):
        return f"{match.group(1)}."
    if match := re.fullmatch(r"Hoạt động \d+\.\d+\.(\d+)", text):
        return f"{_LETTERS[int(match.group(1)) - 1]})"
    return label


def numbered_otherwise(path: Path) -> Path:
    """The bundled plan numbered as many provinces number theirs: I / 1. / a) instead of NHIỆM VỤ 1 /
    Kết quả đầu ra 1.1 / Hoạt động 1.1.1 (values, merged cells kept; no styles)."""
    source = openpyxl.load_workbook(bundled_plan_path())
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in (P1, P2):
        ws = book.create_sheet(sheet)
        for r, row in enumerate(source[sheet].iter_rows(values_only=True), start=1):
            for column, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, column, _numbered_otherwise(value) if column == 1 else value)
        for merged in source[sheet].merged_cells.ranges:
            ws.merge_cells(str(merged))
    book.properties.creator = "cchc-xlsx plan pairs"
    book.save(path)
    return path


LAYOUTS = {"pasted-as-text": pasted_as_text, "numbered-otherwise": numbered_otherwise}


def build(out: Path) -> dict[str, Path]:
    """Every pair's new plan, and the same plan in other layouts, in ``out``: name -> file."""
    return {name: build_pair(name, out) for name in [*PAIRS, *LAYOUTS]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=Path("plan-pairs"), help="folder to write into")
    args = parser.parse_args()
    for name, path in build(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
