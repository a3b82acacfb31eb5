"""The merged tool tried as a new user would (issues 12-15 together): each test is a problem met
by following the README, run as the user ran it, asserting what they see (exit code, lines on
stdout and stderr, their language, the files written or not)."""

from __future__ import annotations

from pathlib import Path

from test_cli_first_hour import cli, lines, one_error_line

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "daklak-2018"
PROGRESS = SAMPLE / "progress-6-thang"
PLAN = SAMPLE / "ke-hoach-cchc-daklak-2018.xlsx"


# --------------------------------------------------------------------------- progress
def test_progress_lists_each_finding_under_its_counts(tmp_path):
    """«4 lỗi, 3 cảnh báo» used to come alone: the user had to open the workbook to learn which."""
    run = cli("progress", str(PROGRESS), "-o", str(tmp_path / "tien-do.xlsx"), cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    out = lines(run.stdout)
    assert out[1] == "4 lỗi, 3 cảnh báo, 1 ghi chú."
    listed = [line for line in out if line.startswith("  [")]
    assert len(listed) == 8
    assert [line.split("]")[0] for line in listed] == ["  [lỗi"] * 4 + ["  [cảnh báo"] * 3 + ["  [ghi chú"]
    assert any("Tiến độ!J16 disbursed-over-plan" in line and "45,5" in line for line in listed)
    assert any("cchc-2018-tien-do-6-thang-so-noi-vu.xlsx › Tiến độ!K9 done-without-evidence" in line for line in listed)
    assert out[-1] == f"Đã ghi: {tmp_path / 'tien-do.xlsx'}"


def test_progress_findings_in_english(tmp_path):
    run = cli("progress", str(PROGRESS), "-o", str(tmp_path / "p.xlsx"), env={"LANG": "en_US.UTF-8"})
    assert run.returncode == 1, run.stderr
    listed = [line for line in lines(run.stdout) if line.startswith("  [")]
    assert listed[0].startswith("  [error] — return-missing: ")
    assert any(line.startswith("  [warning]") and "overdue" in line for line in listed)


def test_progress_on_plan_templates_says_why_nothing_was_received(tmp_path):
    """A plan return given to progress: the reason is on screen, not only in the workbook."""
    folder = tmp_path / "ret"
    folder.mkdir()
    (folder / "so-tu-phap.xlsx").write_bytes((SAMPLE / "returns" / "cchc-2018-so-tu-phap.xlsx").read_bytes())
    run = cli("progress", str(folder), "--period", "6-thang", "-o", str(tmp_path / "p.xlsx"))
    assert run.returncode == 1
    assert any("so-tu-phap.xlsx progress-table-missing" in line and "không phải biểu mẫu tiến độ" in line
               for line in lines(run.stdout))


def test_progress_of_an_empty_folder_or_a_document_is_unusable(tmp_path):
    """It used to write a workbook of 8 missing returns (exit 1), or ask for --period."""
    empty = tmp_path / "empty"
    empty.mkdir()
    doc = tmp_path / "bao-cao.docx"
    doc.write_bytes(b"PK\x03\x04 not a spreadsheet")
    for args, lang in (([str(empty), "--period", "6-thang"], "vi"), ([str(doc)], "vi"), ([str(empty), "--lang", "en"], "en")):
        run = cli("progress", *args, cwd=tmp_path)
        line = one_error_line(run, lang)
        assert ("tiến độ" in line and "không ghi gì" in line) if lang == "vi" else "nothing written" in line
        assert "--period" not in line
    assert not list(tmp_path.glob("*.xlsx"))
    assert "bao-cao.docx" in one_error_line(cli("progress", str(doc), cwd=tmp_path))


# --------------------------------------------------------------------------- periods, paths, help
def test_an_unknown_period_is_said_in_the_users_language_only(tmp_path):
    """It used to print the Vietnamese line with the English one in brackets after it."""
    vi = one_error_line(cli("progress-templates", "--period", "7-thang", "-o", str(tmp_path / "q")))
    assert "«7-thang»" in vi and "quy-1, 6-thang, 9-thang, nam" in vi and "Unknown" not in vi
    en = one_error_line(cli("progress-templates", "--period", "7-thang", "-o", str(tmp_path / "q"), "--lang", "en"), "en")
    assert en.startswith("Error: Unknown reporting period «7-thang»") and "Kỳ" not in en
    assert not (tmp_path / "q").exists()


def test_a_missing_path_is_said_the_same_way_by_diff_and_progress(tmp_path):
    """diff said «có thể đã bị xóa hoặc đổi tên trong lúc đọc thư mục» of a path simply mistyped."""
    for args in (("diff", str(PLAN), "nope.xlsx"), ("diff", "nope.xlsx", str(PLAN)),
                 ("progress", str(PROGRESS), "--previous", "nope.xlsx")):
        line = one_error_line(cli(*args, cwd=tmp_path))
        assert line.startswith("Lỗi: nope.xlsx: không có tệp hay thư mục này; hãy kiểm tra lại tên"), line
    assert not list(tmp_path.iterdir())


def test_help_of_progress_and_diff_names_its_arguments_in_vietnamese():
    usage = {cmd: " ".join(cli(cmd, "--help").stdout.split("\n\n")[0].split()) for cmd in ("progress-templates", "progress", "diff")}
    assert "--period KỲ -o THƯ_MỤC [--previous KỲ_TRƯỚC.xlsx] [--deadline NGÀY]" in usage["progress-templates"]
    assert "[--plan KẾ_HOẠCH] [--period KỲ]" in usage["progress"] and "BÁO_CÁO [BÁO_CÁO ...]" in usage["progress"]
    assert usage["diff"].endswith("[-o SO_SÁNH.xlsx] [--json] [--pdf] [--force] CŨ MỚI")
    line = one_error_line(cli("diff", str(PLAN)))
    assert "thiếu đối số bắt buộc: MỚI" in line
    en = " ".join(cli("diff", "--help", env={"LANG": "en_US.UTF-8"}).stdout.split("\n\n")[0].split())
    assert en.endswith("[-o DIFF.xlsx] [--json] [--pdf] [--force] OLD NEW")


def test_progress_templates_keep_a_filled_form_unless_forced(tmp_path):
    """progress-templates wrote over an agency's filled progress form; templates refuses, and now so does it."""
    import datetime as dt

    import openpyxl

    out = tmp_path / "gui-di"
    assert cli("progress-templates", "--period", "6-thang", "-o", str(out)).returncode == 0
    again = cli("progress-templates", "--period", "6-thang", "-o", str(out))
    assert again.returncode == 0, again.stderr          # untouched templates are replaced
    filled = out / "cchc-2018-tien-do-6-thang-so-tu-phap.xlsx"
    book = openpyxl.load_workbook(filled)
    book.properties.created -= dt.timedelta(days=2)     # sent two days ago (a save within the second looks untouched)
    book.save(filled)                                   # the agency saves its form now
    before = filled.read_bytes()
    line = one_error_line(cli("progress-templates", "--period", "6-thang", "-o", str(out)))
    assert str(filled) in line and "--force" in line
    assert filled.read_bytes() == before
    forced = cli("progress-templates", "--period", "6-thang", "-o", str(out), "--force")
    assert forced.returncode == 0 and filled.read_bytes() != before


def test_print_says_a_document_is_not_a_spreadsheet(tmp_path):
    """print handed a .docx to LibreOffice («LibreOffice không tạo ra tệp a.pdf»), and of a PDF said
    «Không ghi đè tệp th.pdf»: neither said what was wrong."""
    doc, pdf = tmp_path / "a.docx", tmp_path / "th.pdf"
    doc.write_bytes(b"PK\x03\x04 a document")
    pdf.write_bytes(b"%PDF-1.4\n")
    line = one_error_line(cli("print", str(doc)))
    assert f"{doc} không phải bảng tính" in line and "LibreOffice" not in line
    en = one_error_line(cli("print", str(pdf), "--lang", "en"), "en")
    assert f"{pdf} is not a spreadsheet" in en
    assert pdf.read_bytes() == b"%PDF-1.4\n" and sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "th.pdf"]


def test_consolidate_lists_the_plan_as_the_plan_not_as_a_return_of_the_so_noi_vu(tmp_path):
    """With Sở Nội vụ «Chưa gửi», the file list said «ke-hoach-….xlsx: dùng (Sở Nội vụ)»."""
    one = SAMPLE / "returns" / "cchc-2018-so-tu-phap.xlsx"
    run = cli("consolidate", str(one), "-o", str(tmp_path / "th.xlsx"))
    assert run.returncode == 1, run.stderr
    out = lines(run.stdout)
    assert "Sở Nội vụ" in out[1]                                  # «Chưa gửi: …, Sở Nội vụ, …»
    assert "  ke-hoach-cchc-daklak-2018.xlsx: kế hoạch (các dòng chưa có báo cáo giữ số liệu của kế hoạch)" in out
    assert "  cchc-2018-so-tu-phap.xlsx: dùng (Sở Tư pháp)" in out
    assert not any(line.startswith("  ke-hoach") and "Sở Nội vụ" in line for line in out)
    en = lines(cli("consolidate", str(one), "-o", str(tmp_path / "en.xlsx"), "--lang", "en").stdout)
    assert "  ke-hoach-cchc-daklak-2018.xlsx: the plan (rows no return gives keep the plan's figures)" in en


# --------------------------------------------------------------------------- outputs of progress and diff
def test_progress_and_diff_never_write_over_a_plan_or_an_input(tmp_path):
    """«progress … -o ke-hoach.xlsx» and «diff OLD NEW -o NEW» used to replace the file without a word."""
    import shutil

    plan = tmp_path / "ke-hoach.xlsx"
    shutil.copyfile(PLAN, plan)
    new = tmp_path / "ke-hoach-moi.xlsx"
    shutil.copyfile(PLAN, new)
    before = plan.read_bytes()
    for args in (("progress", str(PROGRESS), "-o", str(plan)), ("diff", str(new), str(PLAN), "-o", str(plan))):
        line = one_error_line(cli(*args, cwd=tmp_path))
        assert f"{plan} đã có và không phải tệp do cchc-xlsx ghi ra" in line and "--force" in line
    assert plan.read_bytes() == before
    for args in (("diff", str(plan), str(new), "-o", str(new), "--force"),
                 ("progress", str(PROGRESS), "--plan", str(plan), "-o", str(plan), "--force")):
        assert "là một tệp đầu vào của lệnh này" in one_error_line(cli(*args, cwd=tmp_path))
    assert plan.read_bytes() == before and new.read_bytes() == PLAN.read_bytes()
    en = one_error_line(cli("diff", str(new), str(PLAN), "-o", str(plan), "--lang", "en"), "en")
    assert "was not written by cchc-xlsx" in en


def test_progress_and_diff_replace_their_own_output_on_a_rerun(tmp_path):
    out, cmp = tmp_path / "tien-do.xlsx", tmp_path / "so-sanh.xlsx"
    for _ in range(2):
        assert cli("progress", str(PROGRESS), "-o", str(out)).returncode == 1
        assert cli("diff", str(PLAN), str(PLAN), "-o", str(cmp)).returncode == 1     # the plan's own errors
    plan = tmp_path / "ke-hoach.xlsx"
    plan.write_bytes(PLAN.read_bytes())
    forced = cli("diff", str(PLAN), str(PLAN), "-o", str(plan), "--force")
    assert forced.returncode == 1 and plan.read_bytes() != PLAN.read_bytes()


def test_the_progress_workbook_is_not_taken_for_a_consolidated_one(tmp_path):
    """It carried the consolidated workbook's mark: «check tien-do.xlsx» called it «bảng tổng hợp» and
    «consolidate -o tien-do.xlsx» would have replaced it as an earlier consolidation."""
    out = tmp_path / "tien-do.xlsx"
    assert cli("progress", str(PROGRESS), "-o", str(out)).returncode == 1
    before = out.read_bytes()
    line = one_error_line(cli("check", str(out)))
    assert "bảng tổng hợp tiến độ do cchc-xlsx ghi ra (progress)" in line and "là bảng tổng hợp do" not in line
    assert "bảng tiến độ do «cchc-xlsx progress» ghi ra" in one_error_line(cli("diff", str(out), str(PLAN)))
    assert "không phải bảng tổng hợp do cchc-xlsx ghi ra" in one_error_line(cli("consolidate", "-o", str(out)))
    assert out.read_bytes() == before
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "tien-do.xlsx").write_bytes(before)
    (folder / "so-tu-phap.xlsx").write_bytes((SAMPLE / "returns" / "cchc-2018-so-tu-phap.xlsx").read_bytes())
    run = cli("consolidate", str(folder), "-o", str(tmp_path / "th.xlsx"))
    assert run.returncode == 1 and "  tien-do.xlsx: bỏ qua" in lines(run.stdout)
    assert any("tien-do.xlsx file-skipped" in line and "(progress)" in line for line in lines(run.stdout))
