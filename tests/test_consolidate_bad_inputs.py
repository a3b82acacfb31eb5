"""Bad inputs to consolidation: each one a finding or a one-line error, never a traceback, never a change."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import xlsxwriter

from cchc_xlsx.consolidate import consolidate

FIXTURES = Path(__file__).parent / "fixtures"


def codes_for(result, name):
    return [f.code for f in result.findings if f.file == name]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bad_files(folder: Path, bundled_path: Path) -> dict[str, str]:
    """file name -> the finding code it must get."""
    (folder / "rong.xlsx").write_bytes(b"")
    (folder / "van-ban.xlsx").write_text("Báo cáo CCHC năm 2018\n", encoding="utf-8")
    data = bundled_path.read_bytes()
    (folder / "tai-do-dang.xlsx").write_bytes(data[: len(data) // 3])
    shutil.copy(FIXTURES / "password-protected.xlsx", folder / "co-mat-khau.xlsx")
    (folder / "~$bao-cao.xlsx").write_bytes(b"\x0cNguyen Van A" + b" " * 40)
    book = xlsxwriter.Workbook(str(folder / "danh-sach.xlsx"))
    book.add_worksheet("Sheet1").write_row(0, 0, ["Họ và tên", "Chức vụ"])
    book.close()
    return {"rong.xlsx": "file-unreadable", "van-ban.xlsx": "file-unreadable", "tai-do-dang.xlsx": "file-unreadable",
            "co-mat-khau.xlsx": "file-unreadable", "~$bao-cao.xlsx": "file-skipped", "danh-sach.xlsx": "wrong-template"}


def test_each_bad_file_is_a_finding_and_nothing_is_changed(tmp_path, bundled_path):
    expected = _bad_files(tmp_path, bundled_path)
    before = {p.name: sha(p) for p in tmp_path.iterdir()}
    result = consolidate([tmp_path])
    for name, code in expected.items():
        assert code in codes_for(result, name), name
    messages = {f.file: f.message() for f in result.findings if f.file in expected}
    assert "mật khẩu" in messages["co-mat-khau.xlsx"]
    assert "rỗng" in messages["rong.xlsx"]
    assert "tệp khóa" in messages["~$bao-cao.xlsx"]
    assert {p.name: sha(p) for p in tmp_path.iterdir()} == before
    # nothing usable came back: every agency is missing, the plan's figures stand
    assert result.returns["status"].eq("missing").all()
    assert round(result.plan.activities["budget"].sum(), 6) == 8000


def test_the_cli_says_it_in_lines_not_a_traceback(tmp_path, bundled_path):
    _bad_files(tmp_path, bundled_path)
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", str(tmp_path), "-o",
                          str(out / "tong-hop.xlsx")], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "co-mat-khau.xlsx" in run.stdout and (out / "tong-hop.xlsx").exists()


def test_check_a_single_unreadable_file(tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "file-unreadable" in run.stdout and "bao-cao.xlsx" in run.stdout


def test_missing_input_is_a_one_line_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "consolidate", str(tmp_path / "khong-co"),
                          "-o", str(tmp_path / "x.xlsx")], capture_output=True, text=True)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "khong-co" in run.stderr


def test_text_starting_with_equals_stays_text(tmp_path, seed_plan):
    """An agency typing '=…' into a cell: read as text, written as text, never a formula."""
    import openpyxl

    from cchc_xlsx.templates import TemplateOptions, write_templates
    from cchc_xlsx.write import write_workbook

    paths = write_templates(seed_plan, tmp_path / "t", TemplateOptions())
    source = next(p for p in paths if "so-tai-chinh" in p.name)
    book = openpyxl.load_workbook(source)
    ws = book["Phụ lục 1"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Hoạt động 5.1.1")
    cell = ws.cell(row, 4, '=HYPERLINK("http://x","bấm")')
    cell.data_type = "s"
    book.save(tmp_path / "tra-ve.xlsx")
    result = consolidate([tmp_path / "tra-ve.xlsx"])
    evidence = result.plan.plan.set_index("code").loc["5.1.1", "evidence"]
    assert evidence == '=HYPERLINK("http://x","bấm")'
    out = write_workbook(result, tmp_path / "out.xlsx")
    written = openpyxl.load_workbook(out)["Phụ lục 1"]
    hits = [c for row in written.iter_rows() for c in row if c.value == evidence]
    assert hits and all(c.data_type == "s" for c in hits)


def test_a_sheet_with_100_000_rows(tmp_path):
    """A return with 100 000 rows pasted in: read in bounded time, every row accounted for."""
    path = tmp_path / "rat-lon.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Phụ lục 1")
    ws.write_row(0, 0, ["STT", "Nội dung công việc", "Từ tháng", "Đến tháng", "Ngân sách dự kiến",
                        "Cơ quan, đơn vị chủ trì", "Cơ quan, đơn vị phối hợp"])
    for i in range(1, 100_001):
        ws.write_row(i, 0, [f"Hoạt động 9.{i // 1000 + 1}.{i % 1000 + 1}", "Dòng dán thêm", "Tháng 01", "Tháng 02",
                            "1", "Sở Xây dựng", ""])
    book.close()
    start = time.perf_counter()
    result = consolidate([path])
    elapsed = time.perf_counter() - start
    assert elapsed < 120
    [source] = result.sources[result.sources["file"] == "rat-lon.xlsx"].to_dict("records")
    assert source["rows_read"] == 100_000 and source["rows_used"] == 0
    assert "unexpected-agency" in codes_for(result, "rat-lon.xlsx")
