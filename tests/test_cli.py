"""The command line as a user runs it: summaries, JSON, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cchc_xlsx import plan_summary, read_plan
from cchc_xlsx.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", *args], capture_output=True, text=True)


def test_read_prints_a_vietnamese_summary(bundled_path):
    result = run("read", str(bundled_path))
    assert result.returncode == 1            # the seed has one error: an agency in a frequency cell
    out = result.stdout
    assert "Phụ lục 1: 7 nhiệm vụ, 22 kết quả đầu ra, 74 hoạt động" in out
    assert "Nhiệm vụ 6: 6.170" in out
    assert "Sở Nội vụ: 2.050 / 2.050" in out
    assert "Hoạt động chưa có ngân sách: 4.3.2, 6.3.4, 6.3.5, 6.3.6, 6.3.7" in out
    assert "[lỗi] Phụ lục 2!E6 frequency-invalid" in out
    assert result.stderr == ""


def test_read_json_has_the_documented_keys_and_equals_the_api(bundled_path, capsys):
    code = main(["read", str(bundled_path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["counts"]["plan"] == {"task": 7, "output": 22, "activity": 74}
    assert data["counts"]["monitoring"] == {"task": 7, "output": 22, "activity": 74}
    assert data["total"] == 8000
    assert data["budget_by_task"] == {"1": 150, "2": 160, "3": 0, "4": 160, "5": 0, "6": 6170, "7": 1360}
    assert data["budget_by_agency"]["Sở Khoa học và Công nghệ"] == 1700
    assert data["allocation"]["Cổng Thông tin điện tử tỉnh"] == 150
    assert isinstance(data["findings"], list) and data["findings"][0]["code"] == "frequency-invalid"
    assert data == json.loads(json.dumps(plan_summary(read_plan(bundled_path)), ensure_ascii=False))


def test_read_in_english(bundled_path):
    result = run("read", str(bundled_path), "--lang", "en")
    assert "Phụ lục 1: 7 tasks, 22 outputs, 74 activities" in result.stdout
    assert "[error] Phụ lục 2!E6 frequency-invalid: Invalid frequency in row 1" in result.stdout


@pytest.mark.parametrize("content, words", [
    (b"", "tệp rỗng"),
    (b"hello, this is text\n", "không phải tệp Excel"),
    (b"PK\x03\x04garbage", "bị hỏng"),
])
def test_bad_files_get_one_line_and_exit_2(tmp_path, content, words):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(content)
    result = run("read", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bao-cao.xlsx" in lines[0] and words in lines[0]
    assert "Traceback" not in result.stderr


def test_a_workbook_without_a_decision_table(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["Danh sách", "cán bộ"])
    path = tmp_path / "danh-sach.xlsx"
    book.save(path)
    result = run("read", str(path), "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.strip() == f"Error: {path}: no Phụ lục 1 or Phụ lục 2 table found " \
                                    "(a header row with «STT» and «Nội dung công việc» is needed)"


def test_missing_file(tmp_path):
    result = run("read", str(tmp_path / "khong-co.xlsx"))
    assert result.returncode == 2 and "không có tệp hay thư mục này" in result.stderr


def test_every_command_has_help():
    result = run("--help")
    assert result.returncode == 0 and "read" in result.stdout
    for command in ("read",):
        sub = run(command, "--help")
        assert sub.returncode == 0 and len(sub.stdout) > 200, command


def test_no_command_shows_help_and_exits_2():
    result = run()
    assert result.returncode == 2 and "Cách dùng" in result.stdout
