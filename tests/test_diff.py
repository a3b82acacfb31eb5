"""Plan adjustments (issue 14): pairs of plans built from the bundled decision by
scripts/build_plan_pairs.py, each with one kind of change, and what the comparison must say."""

from __future__ import annotations

import json
import sys
import shutil

import pytest

from cchc_xlsx.cli import main
from cchc_xlsx.diff import CHANGE_COLUMNS, KINDS, diff_files, diff_plans
from cchc_xlsx.pipeline import bundled_plan_path, read_plan

from conftest import ROOT


@pytest.fixture(scope="session")
def pairs(tmp_path_factory):
    """Pair name -> the new plan's path (the old plan of every pair is the bundled decision)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plan_pairs import build
    return build(tmp_path_factory.mktemp("pairs"))


@pytest.fixture(scope="session")
def old_plan():
    return read_plan(bundled_plan_path())


@pytest.fixture(scope="session")
def diffs(pairs, old_plan):
    cache = {}

    def diff(name):
        if name not in cache:
            cache[name] = diff_plans(old_plan, read_plan(pairs[name]), old_file="old.xlsx", new_file=f"{name}.xlsx")
        return cache[name]
    return diff


def _kinds(diff) -> list[str]:
    return diff.changes["kind"].tolist()


def _nonzero(table: dict) -> dict:
    return {name: round(v["change"], 6) for name, v in table.items() if v["change"]}


def test_the_same_plan_against_itself_changes_nothing(diffs):
    diff = diffs("same")
    data = diff.to_json()
    assert diff.unchanged and diff.changes.empty
    assert data["added"] == data["removed"] == data["renumbered"] == data["changed"] == data["money_moved"] == []
    assert data["total"] == {"old": 8000.0, "new": 8000.0, "change": 0.0}
    assert not _nonzero(data["budget_by_agency"]) and not _nonzero(data["budget_by_task"])
    assert not _nonzero(data["allocation"])
    assert data["counts"]["matched"] == 103 and all(m["score"] == 100 for m in data["matches"])


def test_the_same_plan_in_two_layouts_changes_nothing(pairs, old_plan):
    """The bundled workbook against its values pasted as text on one sheet, without merges."""
    new = read_plan(pairs["pasted-as-text"])
    assert set(new.plan["sheet"]) == {"Kế hoạch"} and new.plan["sheet"].tolist() != old_plan.plan["sheet"].tolist()
    diff = diff_plans(old_plan, new)
    assert diff.changes.empty
    assert diff.counts()["matched"] == 103 and diff.fields_compared == (
        "content", "indicator", "evidence", "month_from", "month_to", "budget", "lead", "partners",
        "frequency", "collector", "reporter")


def test_the_same_plan_numbered_otherwise_changes_nothing(pairs, old_plan):
    """I / 1. / a) instead of NHIỆM VỤ 1 / Kết quả đầu ra 1.1 / Hoạt động 1.1.1 (đ) is the fifth letter)."""
    new = read_plan(pairs["numbered-otherwise"])
    assert new.plan["label"].tolist()[:3] == ["I", "1.", "a)"]
    diff = diff_plans(old_plan, new)
    assert diff.changes.empty and diff.counts()["matched"] == 103


def test_next_years_plan_with_the_same_rows_changes_nothing(diffs):
    """Every year written one more («năm 2019», «Tháng 12/2018», the titles): not a change of every row."""
    diff = diffs("next-year")
    assert (diff.old.year, diff.new.year) == (2018, 2019)
    assert diff.changes.empty and diff.counts()["matched"] == 103


def test_a_year_changed_in_a_plan_of_the_same_year_is_a_change(old_plan, tmp_path):
    import openpyxl
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plan_pairs import CONTENT, row_of
    book = openpyxl.load_workbook(bundled_plan_path())
    ws = book["Phụ lục 1"]
    cell = ws.cell(row_of(ws, "Hoạt động 1.4.1"), CONTENT)
    cell.value = cell.value.replace("năm 2018", "năm 2019")
    book.save(tmp_path / "nam-2019.xlsx")
    data = diff_plans(old_plan, read_plan(tmp_path / "nam-2019.xlsx")).to_json()
    assert [(c["new_code"], c["field"]) for c in data["changed"]] == [("1.4.1", "content")]
    assert data["changed"][0]["new"].endswith("năm 2019")


def test_an_activity_inserted_in_the_middle_of_an_output(diffs):
    """Every later code of the output shifts; nothing else is reported as changed."""
    data = diffs("inserted").to_json()
    assert [(a["code"], a["budget"], a["agency"]) for a in data["added"]] == [("1.4.3", 5.0, "Sở Tư pháp")]
    assert data["added"][0]["content"].startswith("Tập huấn kỹ năng theo dõi thi hành pháp luật")
    assert [(r["old_code"], r["new_code"]) for r in data["renumbered"]] == [
        ("1.4.3", "1.4.4"), ("1.4.4", "1.4.5"), ("1.4.5", "1.4.6")]
    assert all(r["score"] == 90 for r in data["renumbered"])       # the same content, another code
    assert data["removed"] == data["changed"] == data["moved"] == data["money_moved"] == []
    assert data["total"] == {"old": 8000.0, "new": 8005.0, "change": 5.0}
    assert _nonzero(data["budget_by_agency"]) == {"Sở Tư pháp": 5.0}
    assert _nonzero(data["budget_by_task"]) == {"CẢI CÁCH THỂ CHẾ": 5.0}
    assert _nonzero(data["allocation"]) == {"Sở Tư pháp": 5.0}
    assert sorted(set(_kinds(diffs("inserted")))) == ["added", "agency-budget", "allocation", "renumbered",
                                                      "task-budget", "total"]


def test_an_activity_removed(diffs):
    data = diffs("removed").to_json()
    assert [(r["code"], r["budget"], r["agency"]) for r in data["removed"]] == [("1.4.4", 10.0, "Sở Tư pháp")]
    assert [(r["old_code"], r["new_code"]) for r in data["renumbered"]] == [("1.4.5", "1.4.4")]
    assert data["added"] == data["changed"] == []
    assert data["total"]["change"] == -10.0
    assert _nonzero(data["budget_by_agency"]) == {"Sở Tư pháp": -10.0} == _nonzero(data["allocation"])


def test_budget_moved_between_two_agencies(diffs):
    """The agency changes sum to zero and the total is unchanged."""
    data = diffs("budget-moved").to_json()
    assert sorted((c["new_code"], c["field"], c["old"], c["new"]) for c in data["changed"]) == [
        ("4.4.4", "budget", 20.0, 120.0), ("6.2.1", "budget", 1949.0, 1849.0)]
    agencies = _nonzero(data["budget_by_agency"])
    assert agencies == {"Sở Nội vụ": 100.0, "Sở Thông tin và Truyền thông": -100.0}
    assert sum(agencies.values()) == 0 and data["total"]["change"] == 0
    assert _nonzero(data["allocation"]) == agencies
    assert _nonzero(data["budget_by_task"]) == {"XÂY DỰNG VÀ NÂNG CAO CHẤT LƯỢNG ĐỘI NGŪ CBCCVC": 100.0,
                                                "HIỆN ĐẠI HÓA HÀNH CHÍNH": -100.0}
    assert data["added"] == data["removed"] == data["renumbered"] == data["money_moved"] == []
    changes = diffs("budget-moved").changes
    budget = changes[(changes["kind"] == "changed")].set_index("new_code")["change"]
    assert budget.to_dict() == {"4.4.4": 100.0, "6.2.1": -100.0}


def test_a_lead_agency_changed(diffs):
    """The row's lead is the change; its money moves from one agency to the other."""
    data = diffs("lead-changed").to_json()
    assert data["changed"] == [{"old_code": "1.4.2", "new_code": "1.4.2", "field": "lead",
                                "old": "Sở Tư pháp", "new": "Sở Nội vụ"}]
    assert data["money_moved"] == [{"from": "Sở Tư pháp", "to": "Sở Nội vụ", "amount": 10.0, "rows": ["1.4.2"]}]
    assert _nonzero(data["budget_by_agency"]) == {"Sở Tư pháp": -10.0, "Sở Nội vụ": 10.0}
    assert data["total"]["change"] == 0 and not _nonzero(data["budget_by_task"])
    moved = diffs("lead-changed").changes.query("kind == 'money-moved'")
    assert moved[["agency", "to_agency", "change"]].values.tolist() == [["Sở Tư pháp", "Sở Nội vụ", 10.0]]


def test_contents_reworded_slightly_match_and_rewritten_completely_do_not(diffs):
    data = diffs("reworded").to_json()
    changed = data["changed"]
    assert [(c["old_code"], c["new_code"], c["field"]) for c in changed] == [("2.1.2", "2.1.2", "content")]
    assert changed[0]["old"].startswith("Triển khai thực hiện rà soát, đánh giá TTHC")
    assert changed[0]["new"].startswith("Triển khai rà soát, đánh giá thủ tục hành chính")
    match = next(m for m in data["matches"] if m["new_code"] == "2.1.2")
    assert 85 <= match["score"] < 100                               # sure, but not identical
    assert [a["code"] for a in data["added"]] == ["3.1.1"] == [r["code"] for r in data["removed"]]
    assert data["added"][0]["content"].startswith("Số hóa hồ sơ lưu trữ")
    assert data["renumbered"] == []


def test_the_monitoring_frequency_of_one_row_changed(diffs):
    data = diffs("frequency").to_json()
    assert data["changed"] == [{"old_code": "1.1.3", "new_code": "1.1.3", "field": "frequency",
                                "old": "Thường xuyên", "new": "Hàng quý"}]
    assert data["added"] == data["removed"] == data["renumbered"] == []
    assert not _nonzero(data["budget_by_agency"]) and data["total"]["change"] == 0


def test_an_activity_moved_to_another_output(diffs):
    data = diffs("moved").to_json()
    assert data["moved"] == [{"old_code": "1.4.5", "new_code": "1.3.5", "old_parent": "1.4", "new_parent": "1.3",
                              "score": 90}]
    assert data["added"] == data["removed"] == data["changed"] == []


def test_the_changes_flatten_to_one_table_with_stable_kinds(diffs):
    for name in ("inserted", "removed", "budget-moved", "lead-changed", "reworded", "frequency", "moved"):
        changes = diffs(name).changes
        assert list(changes.columns) == CHANGE_COLUMNS
        assert len(changes) and set(changes["kind"]) <= set(KINDS), name


def test_diff_files_reads_any_layout(pairs):
    diff = diff_files(bundled_plan_path(), pairs["removed"])
    assert diff.old_file == "ke-hoach-cchc-daklak-2018.xlsx" and diff.new_file == "removed.xlsx"
    assert [r.old["code"] for r in diff.removed] == ["1.4.4"]


# --------------------------------------------------------------------------- the command
def test_cli_json_equals_the_library_result(pairs, capsys):
    code = main(["diff", str(bundled_plan_path()), str(pairs["inserted"]), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(diff_files(bundled_plan_path(), pairs["inserted"]).to_json(),
                                         ensure_ascii=False, default=str))
    assert code == 1        # the decision's own error (an agency in a frequency cell) is in both plans


def test_cli_prints_the_changes_in_either_language(pairs, capsys):
    main(["diff", str(bundled_plan_path()), str(pairs["inserted"])])
    out = capsys.readouterr().out
    assert "1.4.3 → 1.4.4" in out and "Tổng ngân sách các hoạt động: 8.000 → 8.005 triệu đồng (+5)" in out
    main(["diff", str(bundled_plan_path()), str(pairs["inserted"]), "--lang", "en"])
    out = capsys.readouterr().out
    assert "Renumbered:" in out and "8,000 → 8,005 million đồng (+5)" in out


def test_cli_an_unusable_input_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "khong-phai-ke-hoach.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["diff", str(bundled_plan_path()), str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "khong-phai-ke-hoach.xlsx" in err[0]
    assert main(["diff", str(bundled_plan_path()), str(tmp_path / "missing.xlsx"), "--json"]) == 2
    captured = capsys.readouterr()
    assert "missing.xlsx" in captured.err and json.loads(captured.out)["error"]["file"].endswith("missing.xlsx")


# --------------------------------------------------------------------------- the workbook
@pytest.fixture(scope="session")
def inserted_book(pairs, tmp_path_factory):
    from cchc_xlsx.write.diff_book import write_diff_book
    diff = diff_files(bundled_plan_path(), pairs["inserted"])
    return write_diff_book(diff, tmp_path_factory.mktemp("book") / "so-sanh.xlsx", inputs=[pairs["inserted"]])


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type else ""


def test_the_workbook_shows_each_row_old_and_new_side_by_side(inserted_book):
    import openpyxl
    book = openpyxl.load_workbook(inserted_book, data_only=True)
    assert book.sheetnames == ["Tóm tắt", "Chi tiết"]
    ws = book["Chi tiết"]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert len(rows) == 104                                  # 103 rows of the old plan + the added one
    renumbered = rows["1.4.3 → 1.4.4"]
    assert ws.cell(renumbered, 3).value == "Đánh số lại" and ws.cell(renumbered, 4).value == 90
    assert _fill(ws.cell(renumbered, 1)) == "FFEB9C"          # the renumbered code is highlighted
    added = rows["1.4.3"]
    assert ws.cell(added, 3).value == "Thêm" and ws.cell(added, 8).value == 5 and ws.cell(added, 7).value is None
    assert _fill(ws.cell(added, 6)) == "C6EFCE"
    assert ws.cell(added, 9).value == 5                      # the change
    assert [ws.cell(r, 1).value for r in range(added - 2, added + 3)] == [
        "1.4.1", "1.4.2", "1.4.3", "1.4.3 → 1.4.4", "1.4.4 → 1.4.5"]
    unchanged = rows["6.2.1"]
    assert ws.cell(unchanged, 3).value == "Không đổi" and _fill(ws.cell(unchanged, 5)) == ""


def test_the_summary_has_the_totals_the_chart_and_the_decree_30_print_setup(inserted_book):
    import zipfile

    import openpyxl
    book = openpyxl.load_workbook(inserted_book, data_only=True)
    ws = book["Tóm tắt"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "NGƯỜI LẬP BIỂU" in flat
    sums = [row for row in values if row[0] == "Cộng"]
    assert sums[0][2:5] == [8000, 8005, 5]                     # the total, old / new / change
    agency = next(row for row in values if row[1] == "Sở Tư pháp")
    assert agency[2:5] == [150, 155, 5]
    counts = {row[1]: row[2] for row in values if row[1] in ("Thêm", "Bớt", "Đánh số lại")}
    assert counts == {"Thêm": 1, "Bớt": 0, "Đánh số lại": 3}
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
        assert sheet.page_margins.left == pytest.approx(30 / 25.4)
    assert ws["B1"].font.name == "Times New Roman"
    with zipfile.ZipFile(inserted_book) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2 and all("<c:barChart>" in archive.read(n).decode() for n in charts)


def test_the_workbook_in_english(pairs, tmp_path):
    import openpyxl

    from cchc_xlsx.write.diff_book import write_diff_book
    out = write_diff_book(diff_files(bundled_plan_path(), pairs["removed"]), tmp_path / "diff.xlsx", lang="en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Details"]
    statuses = {c.value for c in book["Details"]["C"]}
    assert {"Removed", "Renumbered", "Unchanged"} <= statuses


def test_the_workbook_never_overwrites_an_input(pairs, tmp_path, capsys):
    copy = tmp_path / "moi.xlsx"
    copy.write_bytes(pairs["removed"].read_bytes())
    before = copy.read_bytes()
    assert main(["diff", str(bundled_plan_path()), str(copy), "-o", str(copy)]) == 2
    assert copy.read_bytes() == before and "moi.xlsx" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_cli_prints_the_workbook_to_pdf(pairs, tmp_path, capsys):
    import subprocess
    out = tmp_path / "so-sanh.xlsx"
    code = main(["diff", str(bundled_plan_path()), str(pairs["inserted"]), "-o", str(out), "--pdf", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["output"] == str(out) and data["pdf"] == str(out.with_suffix(".pdf"))
    text = subprocess.run(["pdftotext", "-layout", data["pdf"], "-"], capture_output=True, text=True, check=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "1.4.3 → 1.4.4" in text
    assert "8.005,0" in text                                   # the new total, as LibreOffice recalculated it


# --------------------------------------------------------------------------- a consolidated workbook of ours
@pytest.fixture(scope="session")
def consolidated(tmp_path_factory):
    """The bundled consolidation (the plan and its sample returns), as `cchc-xlsx consolidate` writes it."""
    out = tmp_path_factory.mktemp("consolidated") / "tong-hop.xlsx"
    assert main(["consolidate", "-o", str(out), "--json"]) == 1
    return out


def test_a_consolidated_workbook_against_its_plan_shows_what_the_agencies_changed(consolidated, capsys):
    capsys.readouterr()
    data = diff_files(bundled_plan_path(), consolidated).to_json()
    assert [(a["code"], a["budget"], a["agency"]) for a in data["added"]] == [
        ("6.3.9", 15.0, "Sở Khoa học và Công nghệ")]                      # the proposed activity
    changed = {(c["new_code"], c["field"]): (c["old"], c["new"]) for c in data["changed"]}
    assert changed[("1.4.2", "budget")] == (10.0, 10.5)                  # "10,5" typed by the Sở Tư pháp
    assert changed[("1.1.3", "frequency")] == ("Thường xuyên", "Hàng quý")
    assert changed[("6.2.8", "budget")] == (90.0, None)                  # left blank: missing, not 0
    assert data["removed"] == data["renumbered"] == []
    # the allocation is the decision's Phân bổ column, not the block's differences
    assert not _nonzero(data["allocation"]) and data["allocation"]["Sở Nội vụ"]["new"] == 2050.0
    assert data["total"]["old"] == 8000.0 and data["total"]["new"] == pytest.approx(7885.5)


def test_a_consolidated_workbook_against_itself_changes_nothing(consolidated, tmp_path):
    copy = tmp_path / "ban-sao.xlsx"
    copy.write_bytes(consolidated.read_bytes())
    diff = diff_files(consolidated, copy)
    assert diff.changes.empty and diff.counts()["matched"] == 104
    assert not [f for f in diff.new.findings if f.code in ("unknown-row", "unknown-column", "cell-outside-columns")]


# --------------------------------------------------------------------------- the matching rule
def _row(code, text, context=(0,), level="activity", parent=-1, depth=1):
    return {"code": code, "text": text, "context": context, "level": level, "parent": parent, "depth": depth}


def test_of_two_identical_contents_the_row_with_its_own_fields_is_taken():
    """Inserted above a twin: the later twin keeps its identity by its other fields, not its code."""
    from cchc_xlsx.matching import match_rows
    old = [_row("1", "tap huan", (1,)), _row("2", "tap huan", (2,))]
    new = [_row("1", "tap huan", (3,)), _row("2", "tap huan", (1,)), _row("3", "tap huan", (2,))]
    pairs = {(old[m.old]["code"], new[m.new]["code"]) for m in match_rows(old, new)}
    assert pairs == {("1", "2"), ("2", "3")}


def test_no_row_is_matched_twice_and_uncertain_matches_are_said():
    import random

    from cchc_xlsx.matching import SURE, THRESHOLD, match_rows, sort_words
    words = ["ra soat", "van ban", "tap huan", "kiem tra", "cong chuc", "thu tuc", "hanh chinh", "so hoa"]
    rng = random.Random(3)
    old = [_row(str(k), sort_words(" ".join(rng.sample(words, 4))), (rng.randint(0, 2),)) for k in range(60)]
    new = [_row(str(k), sort_words(" ".join(rng.sample(words, 4))), (rng.randint(0, 2),)) for k in range(60)]
    matches = match_rows(old, new)
    assert len({m.old for m in matches}) == len({m.new for m in matches}) == len(matches)
    assert all(m.score >= THRESHOLD for m in matches)
    assert any(m.score < SURE for m in matches)


def test_a_row_reworded_and_renumbered_is_matched_with_a_finding(old_plan, tmp_path):
    """Moderately reworded and renumbered (under 85 % sure): matched, and said (match-uncertain)."""
    import openpyxl
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plan_pairs import removed, row_of
    book = openpyxl.load_workbook(bundled_plan_path())
    removed(book)                                   # 1.4.5 becomes 1.4.4
    ws = book["Phụ lục 1"]
    cell = ws.cell(row_of(ws, "Hoạt động 1.4.4"), 2)
    cell.value = cell.value.replace("Báo cáo theo chuyên đề về", "Báo cáo chuyên đề").replace("tình hình", "")
    book.save(tmp_path / "reworded.xlsx")
    diff = diff_plans(old_plan, read_plan(tmp_path / "reworded.xlsx"))
    row = next(r for r in diff.matched if r.new["code"] == "1.4.4")
    assert row.old["code"] == "1.4.5" and 70 <= row.score < 85 and "content" in row.fields
    [finding] = diff.findings
    assert finding.code == "match-uncertain" and finding.row_code == "1.4.4" and finding.found == "1.4.5"
    assert "1.4.5" in finding.message("en") and "%" in finding.message("vi")


def test_the_benchmark_finds_every_edit_it_made():
    """scripts/bench_diff.py, small: the counts found equal the edits made to the synthetic plan
    (whose contents repeat a dozen sentences: twins in every output)."""
    import subprocess
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_diff.py"), "--agencies", "4", "--repeat", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if line.startswith(("edits made", "found")))
    assert lines["edits made"].strip() == lines["found"].strip()
    assert "'added': 1" in lines["found"] and "'renumbered': 0" not in lines["found"]


def test_a_long_flat_list_of_repeated_lines_is_matched_row_for_row():
    """Thousands of rows sharing a dozen contents (not every pair of twins is ranked): each row is
    still matched with its own after a row is inserted at the top."""
    from cchc_xlsx.matching import match_rows
    lines = [(k, f"tap huan dot {k % 12}") for k in range(3000)]
    old = [_row(str(n + 1), text, (k,)) for n, (k, text) in enumerate(lines)]
    new_lines = [(-1, "so hoa ho so luu tru")] + lines
    new = [_row(str(n + 1), text, (k,)) for n, (k, text) in enumerate(new_lines)]
    matches = match_rows(old, new)
    assert len(matches) == 3000
    assert all(old[m.old]["context"] == new[m.new]["context"] for m in matches)


def test_a_comparison_workbook_is_not_taken_for_a_plan_or_a_return(inserted_book, capsys):
    """Given to diff: exit 2 naming it; found among returns: skipped as our own output."""
    assert main(["diff", str(inserted_book), str(bundled_plan_path())]) == 2
    err = capsys.readouterr().err
    assert "so-sanh.xlsx" in err and "cchc-xlsx diff" in err and len(err.strip().splitlines()) == 1
    # alone, it is nothing to check (exit 2, one line, naming why it was skipped)
    assert main(["check", str(inserted_book), "--json", "--lang", "en"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert "so-sanh.xlsx" in error["message"] and "comparison of two plans" in error["message"]
    # among returns, it is skipped with a finding and the return beside it is checked
    folder = inserted_book.parent / "returns-and-a-diff"
    folder.mkdir()
    shutil.copy(inserted_book, folder)
    shutil.copy(bundled_plan_path().parent / "returns" / "cchc-2018-so-noi-vu.xlsx", folder)
    main(["check", str(folder), "--json", "--lang", "en"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    skipped = [f for f in findings if f["file"] == "so-sanh.xlsx"]
    assert [f["code"] for f in skipped] == ["file-skipped"] and "comparison of two plans" in skipped[0]["message"]


def test_fields_a_plan_has_no_column_for_are_said_not_compared(tmp_path, capsys):
    """A budget list (no indicator, evidence, months or Phụ lục 2) against the full decision: those
    fields are not compared, and the output says so."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plan_zoo import LAYOUTS, write_layout
    budget_list = write_layout(tmp_path / "flat.xlsx", LAYOUTS["flat_trieu"]())
    data = diff_files(bundled_plan_path(), budget_list).to_json()
    assert {"indicator", "evidence", "month_from", "month_to", "frequency", "collector", "reporter"} <= set(
        data["fields_not_compared"])
    assert {"content", "budget", "lead"} <= set(data["fields_compared"])
    main(["diff", str(budget_list), str(budget_list)])
    out = capsys.readouterr().out
    assert "Không so sánh (một kế hoạch không có cột này): Chỉ số, Tài liệu kiểm chứng, Từ tháng" in out


def test_a_task_budget_typed_apart_from_its_activities_is_a_change(old_plan, diffs, tmp_path):
    """The new plan writes another total for task 1 while its activities are the same: the
    comparison says so (a changed budget on the task's row), not «no change». A task whose total
    follows its activities' change is not reported again (the budget-moved pair)."""
    import openpyxl
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plan_pairs import BUDGET, row_of
    book = openpyxl.load_workbook(bundled_plan_path())
    ws = book["Phụ lục 1"]
    budget = ws.cell(row_of(ws, "NHIỆM VỤ 1"), BUDGET)
    budget.value = 155                                   # 150 in the decision
    book.save(tmp_path / "nhiem-vu-1.xlsx")
    diff = diff_plans(old_plan, read_plan(tmp_path / "nhiem-vu-1.xlsx"))
    changed = diff.to_json()["changed"]
    assert [(c["new_code"], c["field"]) for c in changed] == [("1", "budget")] and not diff.unchanged
    assert (changed[0]["old"], changed[0]["new"]) == (150, 155)
    ws.cell(row_of(ws, "Kết quả đầu ra 1.1"), BUDGET).value = None      # an output's subtotal cleared
    book.save(tmp_path / "dau-ra-1-1-trong.xlsx")
    cleared = diff_plans(old_plan, read_plan(tmp_path / "dau-ra-1-1-trong.xlsx")).to_json()["changed"]
    assert [(c["new_code"], c["field"]) for c in cleared] == [("1", "budget"), ("1.1", "budget")]
    moved = diffs("budget-moved").to_json()["changed"]
    assert moved and all(c["field"] == "budget" for c in moved)
    assert {c["new_code"].count(".") for c in moved} == {2}            # activities only
