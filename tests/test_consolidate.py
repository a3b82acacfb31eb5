"""Consolidating the bundled sample returns: the golden findings, the merged frames, nothing lost."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cchc_xlsx import findings_frame
from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.normalise import cell_of
from cchc_xlsx.report import consolidation_summary

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "daklak-2018" / "returns"
GOLDEN = Path(__file__).parent / "golden" / "consolidated-findings.csv"
COLUMNS = ["code", "severity", "agency", "file", "sheet", "cell", "row_code", "expected", "found", "message"]


@pytest.fixture(scope="module")
def result():
    return consolidate([RETURNS])


def test_findings_equal_the_reviewed_golden(result):
    got = findings_frame(result.findings)[COLUMNS].fillna("").astype(str)
    golden = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), golden)


def test_every_defect_of_the_returns_readme_is_found(result):
    """One finding for each defect described in workbooks/daklak-2018/returns/README.md."""
    found = {(f.code, f.file, f.row_code) for f in result.findings}
    for expected in [
        ("month-invalid", "cchc-2018-so-tu-phap.xlsx", "1.4.4"),
        ("frequency-window", "cchc-2018-so-tu-phap.xlsx", "1.1.3"),
        ("budget-unit", "cchc-2018-van-phong-ubnd-tinh.xlsx", "2.2.4"),
        ("month-order", "cchc-2018-van-phong-ubnd-tinh.xlsx", "2.2.3"),
        ("frequency-missing", "cchc-2018-van-phong-ubnd-tinh.xlsx", "4.4.5"),
        ("duplicate-return", "cchc-2018-so-noi-vu.xlsx", ""),
        ("agency-corrected", "cchc-2018-so-noi-vu-ban-sua.xlsx", "7.1.2"),
        ("budget-negative", "cchc-2018-so-noi-vu-ban-sua.xlsx", "4.4.4"),
        ("file-skipped", "~$cchc-2018-so-noi-vu.xlsx", ""),
        ("unknown-column", "cchc-2018-so-thong-tin-va-truyen-thong.xlsx", ""),
        ("locked-cell-changed", "cchc-2018-so-thong-tin-va-truyen-thong.xlsx", "6.2.2"),
        ("budget-missing", "cchc-2018-so-thong-tin-va-truyen-thong.xlsx", "6.2.8"),
        ("budget-not-number", "so-khcn-ban-sao.xlsx", "6.3.4"),
        ("frequency-invalid", "so-khcn-ban-sao.xlsx", "6.3.1"),
        ("proposed-row", "so-khcn-ban-sao.xlsx", "6.3.9"),
        ("template-version", "cchc-2018-so-tai-chinh.xlsx", ""),
        ("file-skipped", "ghi-chu.txt", ""),
    ]:
        assert expected in found, expected
    assert [f.agency for f in result.findings if f.code == "missing-return"] == ["Cổng Thông tin điện tử tỉnh"]


def test_returns_matched_by_metadata_or_content(result):
    matched = {r.name: (r.agency, r.matched_by) for r in result.extra["returns_read"] if r.plan is not None}
    assert matched["so-khcn-ban-sao.xlsx"] == ("Sở Khoa học và Công nghệ", "content")       # metadata gone
    assert matched["cchc-2018-so-tu-phap.xlsx"] == ("Sở Tư pháp", "metadata")
    assert matched["cchc-2018-so-van-hoa-the-thao-va-du-lich.ods"][0] == "Sở Văn hóa, Thể thao và Du lịch"
    statuses = dict(zip(result.sources["file"], result.sources["status"]))
    assert statuses["cchc-2018-so-noi-vu.xlsx"] == "superseded"
    assert statuses["cchc-2018-so-noi-vu-ban-sua.xlsx"] == "used"
    returns = result.returns.set_index("agency")
    assert returns.loc["Cổng Thông tin điện tử tỉnh", "status"] == "missing"
    assert returns.loc["Sở Tài chính", "status"] == "received"
    assert returns.loc["Sở Tư pháp", "status"] == "errors"


def test_consolidated_frames_hold_what_the_returns_say(result):
    plan = result.plan.plan.set_index("code")
    assert plan.loc["7.2.1", "budget"] == 160                 # the later of the two versions
    assert plan.loc["4.4.4", "budget"] == -20
    assert plan.loc["2.2.4", "budget"] == 43                  # 43 000 000 written in đồng, counted in triệu
    assert plan.loc["1.4.2", "budget"] == 10.5                # "10,5" typed as text
    assert plan.loc["6.2.1", "budget"] == 1949                # "1.949" typed as text
    assert math.isnan(plan.loc["6.2.8", "budget"]) and math.isnan(plan.loc["6.3.4", "budget"])
    assert "(bổ sung truyền hình)" not in plan.loc["6.2.2", "content"]   # locked: the plan's text stays
    assert bool(plan.loc["6.3.9", "proposed"]) and plan.loc["6.3.9", "budget"] == 15
    assert plan.loc["7.3.4", "evidence"] == "Kế hoạch tổ chức; báo cáo kết quả liên hoan"    # from the .ods
    assert plan.loc["7.3.5", "file"] == "ke-hoach-cchc-daklak-2018.xlsx"   # Cổng sent nothing: the plan's row
    # outputs, tasks recomputed from the activities, in whole đồng
    assert plan.loc["6.2", "budget"] == pytest.approx(4470 - 90)
    activities = result.plan.activities
    assert round(activities["budget"].sum(), 6) == 7885.5


def test_every_used_value_is_the_returns_cell(result):
    """The consolidated value of each returned activity is what its cell says (after the documented corrections)."""
    import python_calamine

    books = {}
    corrected = {(f.file, f.row_code) for f in result.findings if f.code == "budget-unit"}
    for row in result.plan.rows("plan", "activity"):
        if row["file"] == "ke-hoach-cchc-daklak-2018.xlsx":
            continue
        path = RETURNS / row["file"]
        book = books.setdefault(path, python_calamine.CalamineWorkbook.from_path(str(path)))
        grid = book.get_sheet_by_name(row["sheet"]).to_python(skip_empty_area=False)
        ref = cell_of(row, "budget")
        col = ord(ref[0]) - 65
        raw = grid[int(ref[1:]) - 1][col]
        if (row["file"], row["code"]) in corrected:
            assert row["budget"] == float(raw) / 1e6
        elif raw == "":
            assert math.isnan(row["budget"])
        elif isinstance(raw, str):
            assert row["budget_text"] == raw
        else:
            assert row["budget"] == raw


def test_nothing_lost(result):
    """Every data row read from every file is in the consolidated frames or named by a finding."""
    kept = {(r["file"], r["sheet"], r["row"]) for table in ("plan", "monitoring") for r in result.plan.rows(table)}
    codes = {r["code"] for r in result.plan.rows("plan")} | {r["code"] for r in result.plan.rows("monitoring")}
    named_cells = {(f.file, f.sheet, int("".join(ch for ch in f.cell if ch.isdigit())))
                   for f in result.findings if f.cell}
    whole_files = {f.file for f in result.findings if f.code in ("duplicate-return", "unexpected-agency",
                                                                  "file-unreadable", "wrong-template")}
    checked = 0
    for ret in result.extra["returns_read"]:
        if ret.plan is None:
            assert ret.name in {f.file for f in result.findings}
            continue
        for table in ("plan", "monitoring"):
            for row in ret.plan.rows(table):
                place = (ret.name, row["sheet"], row["row"])
                context = row["level"] != "activity" and row["code"] in codes   # task/output rows of the template
                assert place in kept or place in named_cells or ret.name in whole_files or context, place
                checked += 1
    assert checked > 250
    skipped = {f.file for f in result.findings if f.code == "file-skipped"}
    assert {"ghi-chu.txt", "~$cchc-2018-so-noi-vu.xlsx", "README.md"} <= skipped


def _hashes():
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in RETURNS.iterdir()}


def test_inputs_are_never_modified(tmp_path):
    before = _hashes()
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", "-o", str(tmp_path / "out.xlsx")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(RETURNS), "--feedback",
                          str(tmp_path / "gop-y")], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert _hashes() == before
    feedback = sorted(p.name for p in (tmp_path / "gop-y").iterdir())
    assert "cchc-2018-so-tu-phap-gop-y.xlsx" in feedback and "so-khcn-ban-sao-gop-y.xlsx" in feedback


def test_the_main_command_writes_the_workbook_here_and_is_quiet_in_a_pipe(tmp_path):
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate"], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 1            # the sample returns carry errors on purpose
    assert (tmp_path / "cchc-2018-tong-hop.xlsx").exists()
    assert run.stderr == ""               # no progress bar when stderr is not a terminal
    assert "Báo cáo: 8 đơn vị phải gửi, 7 đã gửi" in run.stdout
    assert "Chưa gửi: Cổng Thông tin điện tử tỉnh" in run.stdout


def test_json_equals_the_api(tmp_path, result):
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", "--json", "-o",
                          str(tmp_path / "x.xlsx")], capture_output=True, text=True, cwd=tmp_path)
    data = json.loads(run.stdout)
    api = json.loads(json.dumps(consolidation_summary(consolidate([RETURNS])), ensure_ascii=False, default=str))
    data.pop("output"), data.pop("pdf")
    for source in data["sources"] + api["sources"]:
        source.pop("path")
    assert data == api
    assert {f["code"] for f in data["findings"]} >= {"missing-return", "duplicate-return", "budget-unit"}


def test_plan_alone(tmp_path, bundled_path):
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", "--plan", str(bundled_path),
                          "-o", str(tmp_path / "ke-hoach.xlsx"), "--json"], capture_output=True, text=True)
    data = json.loads(run.stdout)
    assert data["total"] == 8000 and not [f for f in data["findings"] if f["code"] == "missing-return"]
    assert all(r["status"] == "not_requested" for r in data["returns"])


def test_check_english_messages():
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(RETURNS / "cchc-2018-so-tai-chinh.xlsx"),
                          "--lang", "en"], capture_output=True, text=True)
    assert run.returncode == 0
    assert "template version 0; the current one is 1" in run.stdout


def test_returns_saved_after_the_deadline_are_late():
    import datetime as dt

    result = consolidate([RETURNS], deadline=dt.date(2018, 1, 11))
    late = {f.file: f for f in result.findings if f.code == "late-return"}
    assert "cchc-2018-so-noi-vu-ban-sua.xlsx" in late                     # saved 12/01/2018 16:30
    assert late["cchc-2018-so-noi-vu-ban-sua.xlsx"].found == "12/01/2018 16:30"
    assert late["cchc-2018-so-noi-vu-ban-sua.xlsx"].message() == \
        "Báo cáo gửi muộn: tệp lưu lúc 12/01/2018 16:30, hạn nộp 11/01/2018."
    returns = result.returns.set_index("agency")
    assert bool(returns.loc["Sở Nội vụ", "late"]) and not bool(returns.loc["Sở Tư pháp", "late"])
