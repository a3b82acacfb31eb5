"""Numbering marks and the hierarchy they make (cchc_xlsx/hierarchy.py), case by case."""

from __future__ import annotations

import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.hierarchy import mark_in_content, parse_mark, place
from cchc_xlsx.notation import parse_label

from conftest import write_grids


@pytest.mark.parametrize("cell, scheme, number, ordinal", [
    ("I", "roman", (), 1), ("II.", "roman", (), 2), ("IV-", "roman", (), 4), ("XII)", "roman", (), 12),
    ("1.", "arabic", (1,), 1), ("2)", "arabic", (2,), 2), ("3", "arabic", (3,), 3), ("10:", "arabic", (10,), 10),
    ("1.1", "dotted", (1, 1), 1), ("1.1.2", "dotted", (1, 1, 2), 2), ("2.3.1.4.", "dotted", (2, 3, 1, 4), 4),
    ("a)", "letter", (), 1), ("b.", "letter", (), 2), ("c-", "letter", (), 3), ("đ)", "letter", (), 5),
    ("e)", "letter", (), 6), ("A.", "LETTER", (), 1), ("B", "LETTER", (), 2),
    ("-", "dash", (), 0), ("–", "dash", (), 0), ("+", "plus", (), 0), ("•", "bullet", (), 0), ("*", "star", (), 0),
    ("NHIỆM VỤ 1", "word:nhiem vu", (1,), 1), ("Nhiệm vụ 2:", "word:nhiem vu", (2,), 2),
    ("Nội dung 3", "word:noi dung", (3,), 3), ("Kết quả đầu ra 1.1", "word:ket qua dau ra", (1, 1), 1),
    ("Hoạt động 1.1.1", "word:hoat dong", (1, 1, 1), 1), ("Phần II", "word:phan", (), 2), ("Mục 4", "word:muc", (4,), 4),
    ("Hoat dong 4.3.2", "word:hoat dong", (4, 3, 2), 2),
    ("I.1", "dotted", (1, 1), 1), ("II.2.3.", "dotted", (2, 2, 3), 3),
])
def test_a_stt_cell_mark(cell, scheme, number, ordinal):
    mark = parse_mark(cell)
    assert (mark.scheme, mark.number, mark.ordinal, mark.text) == (scheme, number, ordinal, cell)


@pytest.mark.parametrize("cell", ["", "Tổng cộng", "Ghi chú", "STT", "2 lớp", "Sở Nội vụ", "IIII", "Phần mềm",
                                  "Cộng", "(1)", "1/2", "Trong đó:"])
def test_not_a_stt_mark(cell):
    assert parse_mark(cell) is None


@pytest.mark.parametrize("content, scheme, written, rest", [
    ("- Tập huấn nghiệp vụ", "dash", "-", "Tập huấn nghiệp vụ"),
    ("-Tập huấn", "dash", "-", "Tập huấn"),
    ("+ Vòng sơ khảo", "plus", "+", "Vòng sơ khảo"),
    ("• Hội nghị", "bullet", "•", "Hội nghị"),
    ("a) Họp Ban chỉ đạo", "letter", "a)", "Họp Ban chỉ đạo"),
    ("b. Ban hành văn bản", "letter", "b.", "Ban hành văn bản"),
    ("c- Kiểm tra", "letter", "c-", "Kiểm tra"),
    ("II. CẢI CÁCH THỂ CHẾ", "roman", "II.", "CẢI CÁCH THỂ CHẾ"),
    ("1. Kiểm tra công vụ", "arabic", "1.", "Kiểm tra công vụ"),
    ("2) Hội nghị sơ kết", "arabic", "2)", "Hội nghị sơ kết"),
    ("1.2 Đào tạo công chức", "dotted", "1.2", "Đào tạo công chức"),
    ("Nhiệm vụ 1: Cải cách thể chế", "word:nhiem vu", "Nhiệm vụ 1:", "Cải cách thể chế"),
    ("NỘI DUNG 2. HIỆN ĐẠI HÓA", "word:noi dung", "NỘI DUNG 2.", "HIỆN ĐẠI HÓA"),
    ("Phần I - Nhiệm vụ chung", "word:phan", "Phần I -", "Nhiệm vụ chung"),
])
def test_a_mark_at_the_start_of_the_content(content, scheme, written, rest):
    mark, after = mark_in_content(content)
    assert (mark.scheme, mark.text, after) == (scheme, written, rest)


@pytest.mark.parametrize("content", [
    "2 lớp tập huấn cho công chức", "Phần mềm một cửa điện tử", "-5 triệu đồng", "1.500 người tham gia",
    "Chương trình 135: hỗ trợ xã", "Mục tiêu: 100% thủ tục", "Xây dựng kế hoạch", "Cà Mau", "Iốt hóa muối", "",
])
def test_content_that_starts_without_a_mark(content):
    assert mark_in_content(content) is None


def _placed(cells: list[str]) -> list[tuple[str, int, str]]:
    return [(code, depth, level) for level, depth, code in
            place([(parse_mark(c), parse_label(c)) for c in cells])]


@pytest.mark.parametrize("cells, expected", [
    # a flat list is a plan of one level: every row a leaf
    (["1", "2", "3"], [("1", 1, "activity"), ("2", 1, "activity"), ("3", 1, "activity")]),
    # I / 1 / a / -: each new scheme one deeper, a scheme met again back at its depth
    (["I", "1.", "a)", "-", "-", "b)", "2.", "II", "1."],
     [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "output"), ("1.1.1.1", 4, "activity"),
      ("1.1.1.2", 4, "activity"), ("1.1.2", 3, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"),
      ("2.1", 2, "activity")]),
    # dotted codes give their own depth under a Roman numeral
    (["I", "1.1", "1.1.1", "1.2", "II", "2.1"],
     [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"),
      ("2.1", 2, "activity")]),
    # Roman-dotted codes (I.1, I.1.1) under their Roman numeral
    (["I", "I.1", "I.1.1", "I.2", "II", "II.1"],
     [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"),
      ("2.1", 2, "activity")]),
    # a dotted number under the Arabic row it extends (1 -> 1.1), below a Roman numeral
    (["I", "1", "1.1", "1.2", "2"],
     [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "activity"), ("1.1.2", 3, "activity"),
      ("1.2", 2, "activity")]),
    # capitals: C after B is a letter; I under A is a Roman numeral
    (["A", "B", "C"], [("1", 1, "activity"), ("2", 1, "activity"), ("3", 1, "activity")]),
    (["A", "I", "II", "B", "I"],
     [("1", 1, "task"), ("1.1", 2, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"), ("2.1", 2, "activity")]),
    (["G", "H", "I"], [("7", 1, "activity"), ("8", 1, "activity"), ("9", 1, "activity")]),
    # bullets are counted among their parent's rows
    (["-", "+", "+", "-", "+"],
     [("1", 1, "task"), ("1.1", 2, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"), ("2.1", 2, "activity")]),
    # a scheme met again under a shallower row: it closes the rows at or below its depth
    (["1", "-", "a)", "-"], [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "activity"), ("1.2", 2, "activity")]),
    (["Phần I", "Mục 1", "Mục 2", "Phần II", "Mục 1"],
     [("1", 1, "task"), ("1.1", 2, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"), ("2.1", 2, "activity")]),
    # Nhiệm vụ n: with its activities numbered again from 1
    (["Nhiệm vụ 1:", "1", "2", "Nhiệm vụ 2:", "1"],
     [("1", 1, "task"), ("1.1", 2, "activity"), ("1.2", 2, "activity"), ("2", 1, "task"), ("2.1", 2, "activity")]),
    # the Đắk Lắk form keeps its named levels and its codes as written, a typo's code too
    (["NHIỆM VỤ 1", "Kết quả đầu ra 1.1", "Hoạt động 1.1.1", "Hoạt động 2.1.1", "Kết quả đầu ra 1.2", "NHIỆM VỤ 2"],
     [("1", 1, "task"), ("1.1", 2, "output"), ("1.1.1", 3, "activity"), ("2.1.1", 3, "activity"),
      ("1.2", 2, "output"), ("2", 1, "task")]),
])
def test_rows_are_placed_as_a_reader_sees_them(cells, expected):
    assert _placed(cells) == expected


HEADER = ["STT", "Nội dung", "Kinh phí (triệu đồng)", "Cơ quan chủ trì"]


def _plan(tmp_path, rows, total=None):
    grid = [["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2019"], HEADER, *rows]
    if total is not None:
        grid.append(["Tổng cộng", None, total])
    return read_plan(write_grids(tmp_path / "plan.xlsx", {"Kế hoạch": grid}))


def test_a_parent_that_states_a_budget_is_checked_at_any_depth(tmp_path):
    plan = _plan(tmp_path, [["I", "Chỉ đạo, điều hành", None], ["1", "Họp Ban chỉ đạo", 20],
                            ["a)", "Phiên quý I", 5, "Sở Nội vụ"], ["b)", "Phiên quý III", 10, "Sở Nội vụ"],
                            ["2", "Kiểm tra", 7, "Sở Nội vụ"]], total=27)
    found = [(f.code, f.cell, f.row_code, f.found, f.expected) for f in plan.findings
             if f.code in ("subtotal-mismatch", "total-mismatch")]
    assert found == [("subtotal-mismatch", "C4", "1.1", "20", "15")]
    message = next(f for f in plan.findings if f.code == "subtotal-mismatch").message()
    assert "mục «1»" in message
    assert [r["budget"] for r in plan.rows("plan", "activity")] == [5, 10, 7]


def test_groups_without_a_budget_add_up_from_their_leaves(tmp_path):
    plan = _plan(tmp_path, [["I", "Chỉ đạo", None], ["1", "Họp", None], ["-", "Phiên 1", 5, "Sở Nội vụ"],
                            ["-", "Phiên 2", 6, "Sở Nội vụ"], ["II", "Tuyên truyền", 9], ["1", "Báo", 9, "Sở Nội vụ"]],
                 total=20)
    assert not [f for f in plan.findings if f.code in ("subtotal-mismatch", "total-mismatch", "unknown-row")]
    plan_wrong = _plan(tmp_path, [["I", "Chỉ đạo", None], ["-", "Phiên 1", 5, "Sở Nội vụ"]], total=6)
    assert [(f.code, f.found, f.expected) for f in plan_wrong.findings if f.code == "total-mismatch"] == [
        ("total-mismatch", "6", "5")]


def test_a_row_that_cannot_be_placed_names_its_budget(tmp_path):
    plan = _plan(tmp_path, [["1", "Họp", 5, "Sở Nội vụ"], [None, "Chi phí khác", 12, "Sở Nội vụ"]], total=17)
    unknown = [f for f in plan.findings if f.code == "unknown-row"]
    assert [(f.cell, f.expected) for f in unknown] == [("A4", "12")]
    assert "12" in unknown[0].message() and "C4" in unknown[0].message("en")
    assert [r["code"] for r in plan.rows("plan")] == ["1"]


def test_a_mark_in_the_content_is_the_label_and_leaves_the_content(tmp_path):
    plan = _plan(tmp_path, [[None, "I. CẢI CÁCH THỂ CHẾ", None], [None, "- Rà soát văn bản", 4, "Sở Tư pháp"]])
    assert [(r["label"], r["code"], r["content"]) for r in plan.rows("plan")] == [
        ("I.", "1", "CẢI CÁCH THỂ CHẾ"), ("-", "1.1", "Rà soát văn bản")]


def test_after_the_total_a_bulleted_note_is_not_a_row(tmp_path):
    plan = _plan(tmp_path, [["1", "Họp", 5, "Sở Nội vụ"], ["Tổng cộng", None, 5], [None, "* Ghi chú: số liệu tạm tính"]])
    assert [r["code"] for r in plan.rows("plan")] == ["1"]


@pytest.mark.parametrize("cells, money, levels", [
    # money on "1." and none below it: "1." is the activity, its dashes its detail lines
    (["I", "1.", "-", "-", "2.", "II", "1."], [False, True, False, False, True, True, True],
     ["task", "activity", "activity", "activity", "activity", "task", "activity"]),
    # money on a parent and on its children: the parent is a group whose children add up to it
    (["I", "1.", "a)", "b)"], [True, True, True, True], ["task", "output", "activity", "activity"]),
    # a detail line with its own details
    (["1.", "-", "+"], [True, False, False], ["activity", "activity", "activity"]),
    # no money anywhere (a Phụ lục 2, or a plan without budgets): the tree alone decides
    (["I", "1.", "-"], None, ["task", "output", "activity"]),
])
def test_money_decides_which_rows_hold_it(cells, money, levels):
    placed = place([(parse_mark(c), parse_label(c)) for c in cells], money)
    assert [level for level, _, _ in placed] == levels


def test_detail_lines_under_a_budgeted_row_add_nothing_and_miss_nothing(tmp_path):
    plan = _plan(tmp_path, [["I", "Tuyên truyền", None], ["1.", "Báo, đài", 50, "Sở Nội vụ"],
                            [None, "- Chuyên mục trên Đài tỉnh"], [None, "- Tin bài trên Báo tỉnh"],
                            ["2.", "Cuộc thi ảnh", 20, "Sở Nội vụ"]], total=70)
    assert [(r["code"], r["level"]) for r in plan.rows("plan")] == [
        ("1", "task"), ("1.1", "activity"), ("1.1.1", "activity"), ("1.1.2", "activity"), ("1.2", "activity")]
    assert not [f for f in plan.findings if f.code in ("budget-missing", "subtotal-mismatch", "total-mismatch")]
    from cchc_xlsx.report import plan_summary
    summary = plan_summary(plan)
    assert (summary["total"], summary["leaves"], summary["missing_budget"]) == (70, 2, [])
