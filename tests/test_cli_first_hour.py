"""An official's first hour (issue 12, items 1 and 2): commands that never mislead, in Vietnamese
first and English complete. Each test runs the command as a user does and looks at what they
see: the exit code, how many lines reach stdout and stderr, and in which language."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "daklak-2018" / "returns"
ONE_RETURN = RETURNS / "cchc-2018-so-tai-chinh.xlsx"
VI_WORDS = ("Lỗi", "không", "tệp", "hãy")


def cli(*args: str, cwd: Path | None = None, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=environ, timeout=300, **kwargs)


def lines(text: str) -> list[str]:
    return text.strip().splitlines() if text.strip() else []


def one_error_line(run: subprocess.CompletedProcess, lang: str = "vi") -> str:
    """The run ended as an unusable input: exit 2, nothing on stdout, one line on stderr in ``lang``."""
    assert run.returncode == 2, (run.returncode, run.stdout[-800:], run.stderr[-800:])
    assert run.stdout == "", run.stdout[-800:]
    (line,) = lines(run.stderr)
    assert line.startswith("Lỗi: " if lang == "vi" else "Error: "), line
    assert "Traceback" not in run.stderr
    return line


def files_in(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------- nothing to check
def _documents(folder: Path) -> Path:
    folder.mkdir()
    (folder / "cong-van.docx").write_bytes(b"PK\x03\x04 a word document")
    (folder / "ghi-chu.txt").write_text("gửi kèm báo cáo", encoding="utf-8")
    return folder


@pytest.mark.parametrize("what", ["empty folder", "folder of documents", "a .docx"])
@pytest.mark.parametrize("command", ["check", "consolidate"])
def test_nothing_to_check_is_one_line_exit_2_and_writes_nothing(tmp_path, what, command):
    if what == "empty folder":
        given = tmp_path / "bao-cao"
        given.mkdir()
    elif what == "folder of documents":
        given = _documents(tmp_path / "bao-cao")
    else:
        given = _documents(tmp_path / "bao-cao") / "cong-van.docx"
    work = tmp_path / "work"
    work.mkdir()
    extra = ["--feedback", str(work / "gop-y")] if command == "check" else []
    run = cli(command, str(given), *extra, cwd=work)
    line = one_error_line(run)
    assert "Không có bảng tính nào" in line and str(given) in line
    assert list(work.iterdir()) == []                     # no workbook, no feedback folder
    english = cli(command, str(given), "--lang", "en", cwd=work)
    assert "No spreadsheet" in one_error_line(english, "en")


def test_a_folder_of_documents_names_what_was_skipped(tmp_path):
    folder = _documents(tmp_path / "bao-cao")
    line = one_error_line(cli("check", str(folder), "--lang", "en"), "en")
    assert "(2 files skipped: cong-van.docx, ghi-chu.txt)" in line
    line = one_error_line(cli("check", str(folder / "ghi-chu.txt"), "--lang", "en"), "en")
    assert "(1 file skipped: ghi-chu.txt)" in line


# --------------------------------------------------------------------------- a missing path
@pytest.mark.parametrize("args", [
    ["read", "{missing}"],
    ["templates", "{missing}", "-o", "{tmp}/out"],
    ["consolidate", "{missing}", "-o", "{tmp}/x.xlsx"],
    ["consolidate", "--plan", "{missing}", "-o", "{tmp}/x.xlsx"],
    ["check", "{missing}"],
    ["check", str(ONE_RETURN), "{missing}"],
    ["check", str(ONE_RETURN), "--plan", "{missing}"],
    ["check", str(ONE_RETURN), "--agencies", "{missing}"],
    ["print", "{missing}"],
], ids=lambda a: " ".join(a).replace(str(ROOT), ""))
def test_a_missing_path_is_exit_2_for_every_command(tmp_path, args):
    missing = tmp_path / "khong-co.xlsx"
    argv = [a.format(missing=missing, tmp=tmp_path) for a in args]
    line = one_error_line(cli(*argv))
    assert str(missing) in line and "không có tệp hay thư mục này" in line
    assert "Excel" not in line                            # not "re-save it in Excel"
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "out").exists()
    assert "no such file or folder" in one_error_line(cli(*argv, "--lang", "en"), "en")


# --------------------------------------------------------------------------- a folder check's summary
def test_a_folder_check_ends_with_a_summary_line():
    run = cli("check", str(RETURNS))
    assert run.returncode == 1 and run.stderr == ""
    out = lines(run.stdout)
    counts = json.loads(cli("check", str(RETURNS), "--json").stdout)["severity_counts"]   # the same findings
    e, w, i = counts["error"], counts["warning"], counts["info"]
    assert out[-1] == f"Đã kiểm tra 8 tệp (bỏ qua 3 tệp): {e} lỗi, {w} cảnh báo, {i} ghi chú."
    english = lines(cli("check", str(RETURNS), "--lang", "en").stdout)
    assert english[-1] == f"Checked 8 files (3 skipped): {e} errors, {w} warnings, {i} notes."
    assert e > 1 and w > 1 and i > 1                     # the sample's planted defects: plurals in English
    assert len(english) == len(out)


def test_one_file_check_counts_read_naturally():
    run = cli("check", str(ONE_RETURN), "--lang", "en")
    assert run.returncode == 0 and run.stderr == ""
    out = lines(run.stdout)
    assert out[0] == "cchc-2018-so-tai-chinh.xlsx (Sở Tài chính): 0 errors, 1 warning, 2 notes"
    assert out[-1] == "Checked 1 file: 0 errors, 1 warning, 2 notes."
    assert lines(cli("check", str(ONE_RETURN)).stdout)[-1] == "Đã kiểm tra 1 tệp: 0 lỗi, 1 cảnh báo, 2 ghi chú."


# --------------------------------------------------------------------------- a closed pipe
@pytest.mark.parametrize("args,code", [(["check", str(RETURNS)], 1), (["check", str(ONE_RETURN)], 0)])
def test_the_exit_code_survives_a_closed_pipe(args, code):
    environ = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "cchc_xlsx.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=environ)
    proc.stdout.close()                        # the reader is gone before the first line (| head -0)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == code, err.decode()[-800:]
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_head_keeps_the_exit_code_in_a_shell_pipeline():
    if not shutil.which("bash") or not shutil.which("head"):
        pytest.skip("needs bash and head")
    command = f'"{sys.executable}" -m cchc_xlsx.cli check "{RETURNS}" | head -1; echo "code=${{PIPESTATUS[0]}}"'
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = lines(run.stdout)
    assert len(out) == 2 and out[-1] == "code=1", run.stdout + run.stderr
    assert "Traceback" not in run.stderr


# --------------------------------------------------------------------------- our consolidated workbook as input
@pytest.fixture(scope="module")
def consolidated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tong-hop") / "cchc-2018-tong-hop.xlsx"
    run = cli("consolidate", "-o", str(out))
    assert run.returncode == 1 and out.exists(), run.stderr
    return out


@pytest.mark.parametrize("command", ["check", "read", "templates", "consolidate"])
def test_a_consolidated_workbook_is_named_as_such(consolidated, tmp_path, command):
    given = {"check": [str(consolidated)], "read": [str(consolidated)],
             "templates": [str(consolidated), "-o", str(tmp_path / "bieu-mau")],
             "consolidate": ["--plan", str(consolidated), "-o", str(tmp_path / "x.xlsx")]}[command]
    line = one_error_line(cli(command, *given))
    assert "là bảng tổng hợp do cchc-xlsx ghi ra" in line and "cchc-xlsx print" in line
    assert list(tmp_path.iterdir()) == []
    assert "is a consolidated workbook" in one_error_line(cli(command, *given, "--lang", "en"), "en")


def test_a_consolidated_workbook_that_lost_its_properties_is_known_by_its_sheets(consolidated, tmp_path):
    import openpyxl
    book = openpyxl.load_workbook(consolidated)
    book.custom_doc_props.props.clear()
    copy = tmp_path / "ban-sao.xlsx"
    book.save(copy)
    assert "là bảng tổng hợp" in one_error_line(cli("check", str(copy)))


def test_only_a_named_consolidated_workbook_is_refused(consolidated, tmp_path):
    from cchc_xlsx import inputs
    inputs.refuse_consolidated([None, tmp_path])           # folders and absent arguments pass
    with pytest.raises(Exception, match="là bảng tổng hợp"):
        inputs.refuse_consolidated([consolidated])


# --------------------------------------------------------------------------- consolidate never overwrites real work
def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_consolidate_does_not_replace_real_work_with_nothing(consolidated, tmp_path):
    out = tmp_path / "tong-hop.xlsx"
    shutil.copy(consolidated, out)
    before = _fingerprint(out)
    bad = tmp_path / "bao-cao"
    bad.mkdir()
    (bad / "hong.xlsx").write_bytes(b"not a workbook")      # a spreadsheet, but nothing usable in it
    run = cli("consolidate", str(bad), "-o", str(out))
    line = one_error_line(run)
    assert "7 báo cáo" in line and "0" in line and "--force" in line
    assert _fingerprint(out) == before
    assert "--force" in one_error_line(cli("consolidate", str(bad), "-o", str(out), "--lang", "en"), "en")
    forced = cli("consolidate", str(bad), "-o", str(out), "--force")
    assert forced.returncode == 1 and _fingerprint(out) != before


def test_the_plan_alone_is_asked_for_and_replaces(consolidated, tmp_path, bundled_path):
    out = tmp_path / "tong-hop.xlsx"
    shutil.copy(consolidated, out)
    run = cli("consolidate", "--plan", str(bundled_path), "-o", str(out))
    assert run.returncode == 1 and run.stderr == ""
    assert _fingerprint(out) != _fingerprint(consolidated)


def test_the_same_returns_again_replace_the_workbook(consolidated, tmp_path):
    out = tmp_path / "tong-hop.xlsx"
    shutil.copy(consolidated, out)
    run = cli("consolidate", str(RETURNS), "-o", str(out))
    assert run.returncode == 1 and run.stderr == "", run.stderr


def test_a_file_that_is_not_ours_is_not_overwritten(tmp_path):
    import openpyxl
    out = tmp_path / "tong-hop.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "bảng của phòng, làm tay"
    book.save(out)
    before = _fingerprint(out)
    line = one_error_line(cli("consolidate", str(RETURNS), "-o", str(out)))
    assert "không phải bảng tổng hợp do cchc-xlsx ghi ra" in line and "--force" in line
    assert _fingerprint(out) == before
    assert cli("consolidate", str(RETURNS), "-o", str(out), "--force").returncode == 1
    assert _fingerprint(out) != before


def test_a_workbook_edited_since_it_was_written_is_not_overwritten(consolidated, tmp_path):
    import openpyxl
    out = tmp_path / "tong-hop.xlsx"
    book = openpyxl.load_workbook(consolidated)
    book["Tổng hợp"]["A1"] = "ghi chú của chuyên viên"
    book.save(out)                                     # saved now: long after the workbook was written
    before = _fingerprint(out)
    line = one_error_line(cli("consolidate", str(RETURNS), "-o", str(out)))
    assert "đã được sửa và lưu lại" in line and "--force" in line
    assert _fingerprint(out) == before


@pytest.mark.parametrize("lock", ["~$tong-hop.xlsx", ".~lock.tong-hop.xlsx#"])
def test_a_workbook_open_in_excel_or_libreoffice_is_not_overwritten(consolidated, tmp_path, lock):
    out = tmp_path / "tong-hop.xlsx"
    shutil.copy(consolidated, out)
    (tmp_path / lock).write_bytes(b"lock")
    line = one_error_line(cli("consolidate", str(RETURNS), "-o", str(out), "--lang", "en"), "en")
    assert "is open in Excel or LibreOffice" in line and lock in line


# --------------------------------------------------------------------------- --agencies as Excel writes it
AGENCIES = [["id", "name", "kind", "aliases", "typos"],
            ["ban-quan-ly-khu-cong-nghiep", "Ban Quản lý các khu công nghiệp tỉnh", "agency", "BQL KCN", ""],
            ["so-noi-vu", "Sở Nội vụ", "agency", "Sở NV|Sở Nội vụ tỉnh", ""]]


def _cp1258(text: str) -> bytes:
    """``text`` as Excel's plain «CSV» writes it on a Vietnamese Windows: Windows-1258, whose tone
    marks are combining characters after a base letter (â, ê, ô, ơ, ư, ă, đ are single bytes)."""
    import unicodedata
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            joined = unicodedata.normalize("NFC", base + mark)
            if len(joined) == 1 and joined.encode("cp1258", errors="ignore"):
                base = joined
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return out


def _csv(rows, delimiter: str) -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize("saved_as", ["utf-8 ,", "utf-8-sig ;", "utf-16 tab", "utf-16-le ;", "cp1258 ;", "cp1258 ,"])
def test_agencies_read_as_excel_saves_them(tmp_path, saved_as):
    from cchc_xlsx.agencies import Registry
    encoding, sep = saved_as.split()
    text = _csv(AGENCIES, {"tab": "\t"}.get(sep, sep))
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    if encoding == "cp1258":
        assert b"\xd2" in data or b"\xec" in data        # a combining tone mark, as Excel writes it
    path = tmp_path / "don-vi.csv"
    path.write_bytes(data)
    registry = Registry.load(path)
    assert registry.resolve("BQL KCN")[0].name == "Ban Quản lý các khu công nghiệp tỉnh"   # NFC, as typed
    assert registry.resolve("Ban Quản lý các khu công nghiệp tỉnh")[0].id == "ban-quan-ly-khu-cong-nghiep"
    assert registry.resolve("Sở NV")[0].name == "Sở Nội vụ"
    run = cli("check", str(ONE_RETURN), "--agencies", str(path))
    assert run.returncode == 0 and run.stderr == "", run.stderr


@pytest.mark.parametrize("content,words,en_words", [
    ("ma;ten\nx;X\n", "thiếu cột «id»", "no «id» column"),
    ("id;ten\nx;X\n", "thiếu cột «name»", "no «name» column"),
    ("id;name\nx;X\n;Y\n", "dòng 3: cột «id» để trống", "line 3: the «id» column is blank"),
    ("id,name,kind\nx,X,department\n", "cột «kind» ghi «department»", "the «kind» column says «department»"),
    ("", "thiếu cột «id»", "no «id» column"),
])
def test_an_unusable_agencies_csv_is_one_line_naming_file_and_column(tmp_path, content, words, en_words):
    path = tmp_path / "don-vi.csv"
    path.write_text(content, encoding="utf-8")
    line = one_error_line(cli("check", str(ONE_RETURN), "--agencies", str(path)))
    assert str(path) in line and words in line
    assert en_words in one_error_line(cli("check", str(ONE_RETURN), "--agencies", str(path), "--lang", "en"), "en")


def test_a_workbook_given_as_agencies_csv_says_what_to_do(tmp_path):
    path = tmp_path / "don-vi.csv"
    shutil.copy(ONE_RETURN, path)                 # an .xlsx renamed .csv
    line = one_error_line(cli("read", str(ROOT / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"),
                              "--agencies", str(path)))
    assert str(path) in line and ("cột «id»" in line or "bảng mã" in line)


# --------------------------------------------------------------------------- print finds LibreOffice where it is installed
def _fake_soffice(path: Path) -> str:
    path.parent.mkdir(parents=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_libreoffice_is_found_where_windows_installs_it(monkeypatch):
    from cchc_xlsx import office
    monkeypatch.setattr(office.shutil, "which", lambda name: None)      # not on the PATH, as on Windows
    assert office.soffice_candidates("win32", {})[:2] == [r"C:\Program Files\LibreOffice\program\soffice.exe",
                                                          r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"]
    installed: set[str] = set()
    monkeypatch.setattr(office.os.path, "isfile", lambda path: path in installed)
    monkeypatch.setattr(office.os, "access", lambda path, mode: path in installed)
    environ = {"PROGRAMFILES": r"D:\Apps", "PROGRAMFILES(X86)": r"D:\Apps (x86)"}
    assert office.find_soffice("win32", environ) is None
    installed.add(r"D:\Apps (x86)\LibreOffice\program\soffice.exe")            # 32-bit LibreOffice
    assert office.find_soffice("win32", environ) == r"D:\Apps (x86)\LibreOffice\program\soffice.exe"
    installed.add(r"D:\Apps\LibreOffice\program\soffice.exe")                  # and the 64-bit one: first
    assert office.find_soffice("win32", environ) == r"D:\Apps\LibreOffice\program\soffice.exe"
    installed.add(r"C:\Program Files\LibreOffice\program\soffice.exe")
    assert office.find_soffice("win32", {}) == r"C:\Program Files\LibreOffice\program\soffice.exe"


def test_libreoffice_is_found_where_macos_installs_it(tmp_path, monkeypatch):
    from cchc_xlsx import office
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    assert office.soffice_candidates("darwin", {"HOME": "/Users/a"})[0] == \
        "/Applications/LibreOffice.app/Contents/MacOS/soffice"
    mine = _fake_soffice(tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert office.find_soffice("darwin", {"HOME": str(tmp_path)}) == mine


@pytest.mark.parametrize("platform,vi_words,en_words", [
    ("win32", "winget install TheDocumentFoundation.LibreOffice", "installer from libreoffice.org"),
    ("darwin", "brew install --cask libreoffice", "drag it into Applications"),
    ("linux", "sudo apt-get install libreoffice-calc-nogui", "sudo apt-get install libreoffice-calc-nogui"),
])
def test_print_without_libreoffice_says_how_to_install_it_here(consolidated, tmp_path, monkeypatch, capsys,
                                                               platform, vi_words, en_words):
    from cchc_xlsx import office
    from cchc_xlsx.cli import main
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    monkeypatch.setattr(sys, "platform", platform)
    pdf = tmp_path / "tong-hop.pdf"
    for lang, words in (("vi", vi_words), ("en", en_words)):
        assert main(["print", str(consolidated), "-o", str(pdf), "--lang", lang]) == 2
        out, err = capsys.readouterr()
        (line,) = lines(err)
        assert out == "" and words in line and consolidated.name in line
        assert line.startswith("Lỗi: Không tìm thấy LibreOffice" if lang == "vi" else "Error: LibreOffice is not installed")
    assert not pdf.exists()


# --------------------------------------------------------------------------- help and usage: Vietnamese first, English complete
def _commands() -> list[str]:
    import argparse

    from cchc_xlsx.cli import _parser
    (sub,) = [a for a in _parser("vi")._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


ENGLISH_ARGPARSE = ("usage:", "positional arguments", "options:", "show this help message", "required:")


@pytest.mark.parametrize("command", [None, *_commands()])
def test_every_command_has_help_in_both_languages(command):
    """As sqlite-utils' test_docs: a command without help, or with help in one language only, fails."""
    import argparse

    from cchc_xlsx.cli import _parser
    for lang in ("vi", "en"):
        parser = _parser(lang)
        if command:
            (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
            assert sub._choices_actions and all(a.help for a in sub._choices_actions), "a command without help"
            parser = sub.choices[command]
        assert parser.description, f"{command}: no description ({lang})"
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{command} {action.option_strings or action.dest}: no help ({lang})"
        text = parser.format_help()
        if lang == "vi":
            assert text.startswith("Cách dùng: ") and "tùy chọn:" in text and "in hướng dẫn này rồi thoát" in text
            assert not any(word in text for word in ENGLISH_ARGPARSE), text
        else:
            assert text.startswith("usage: ") and "options:" in text and "show this help message and exit" in text
            assert "Cách dùng" not in text and "tùy chọn" not in text


def _main(argv: list[str], how: str, capsys, monkeypatch) -> tuple[int, str, str]:
    """``cli.main`` in this process, in the language ``how`` asks for: "default", "--lang en" or "LANG=…"."""
    from cchc_xlsx.cli import main
    for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    if how.startswith("LANG="):
        monkeypatch.setenv("LANG", how.split("=", 1)[1])
    code = main([*argv, *(["--lang", "en"] if how == "--lang en" else [])])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [None, *_commands()])
@pytest.mark.parametrize("how", ["default", "--lang en", "LANG=en_US.UTF-8"])
def test_help_is_vietnamese_by_default_and_english_when_asked(command, how, capsys, monkeypatch):
    code, out, err = _main([command, "--help"] if command else ["--help"], how, capsys, monkeypatch)
    assert code == 0 and err == ""
    english = how != "default"
    assert out.startswith("usage: cchc-xlsx" if english else "Cách dùng: cchc-xlsx")
    assert ("options:" in out) == english and ("tùy chọn:" in out) != english


@pytest.mark.parametrize("args,vi_words,en_words", [
    (["check"], "thiếu đối số bắt buộc: BÁO_CÁO", "the following arguments are required: RETURNS"),
    (["check", "--lnag", "en", "x.xlsx"], "không hiểu đối số: --lnag", "unrecognized arguments: --lnag"),
    (["consolidate", "--deadline", "mai"], "đối số --deadline: không phải ngày: «mai»", "argument --deadline: not a date: «mai»"),
    (["read", "--year", "hai nghìn", "x.xlsx"], "đối số --year: giá trị int không hợp lệ", "argument --year: invalid int value"),
    (["print"], "thiếu đối số bắt buộc: BẢNG_TÍNH", "the following arguments are required: WORKBOOK"),
    (["templates"], "thiếu đối số bắt buộc: -o/--output", "the following arguments are required: -o/--output"),
    (["tong-hop"], "lựa chọn không hợp lệ: 'tong-hop'", "invalid choice: 'tong-hop'"),
], ids=lambda a: " ".join(a) if isinstance(a, list) else None)
@pytest.mark.parametrize("how", ["default", "--lang en", "LANG=en_GB.UTF-8"])
def test_an_argument_error_is_one_line_with_the_commands_usage(args, vi_words, en_words, how, capsys, monkeypatch):
    command = args[0] if args[0] in _commands() else ""
    code, out, err = _main(args, how, capsys, monkeypatch)
    assert code == 2 and out == ""
    (line,) = lines(err)
    english = how != "default"
    assert (en_words if english else vi_words) in line, line
    usage = "usage: " if english else "Cách dùng: "
    assert f"{usage}cchc-xlsx {command}".rstrip() in line
    assert line.startswith("Error: " if english else "Lỗi: ")


def test_an_argument_error_from_the_shell_is_one_line_and_exit_2():
    run = cli("check", "--lnag", "en", "x.xlsx")
    assert run.returncode == 2 and run.stdout == "" and len(lines(run.stderr)) == 1
    assert run.stderr.startswith("Lỗi: không hiểu đối số: --lnag. Cách dùng: cchc-xlsx check [-h]")
    english = cli("check", env={"LANG": "en_US.UTF-8"})
    assert english.returncode == 2 and english.stderr.startswith("Error: the following arguments are required")


def test_no_command_prints_the_help_and_exits_2():
    run = cli()
    assert run.returncode == 2 and run.stdout.startswith("Cách dùng: cchc-xlsx") and run.stderr == ""


def test_argparse_words_still_exist_in_argparse():
    """The one seam into argparse (cli._argparse_in): a Python whose argparse words changed fails here."""
    import argparse
    import inspect

    from cchc_xlsx.cli import ARGPARSE_WORDS
    source = inspect.getsource(argparse)
    for msgid in ARGPARSE_WORDS:
        assert repr(msgid) in source or f'"{msgid}"' in source, msgid
    assert callable(argparse._) and callable(argparse.ngettext)


# --------------------------------------------------------------------------- nothing left in the other language
#: Vietnamese words English output may hold: sheet and table names, the unit, the place and decision,
#: and the seed's own cell values a finding quotes without «» (a frequency, a month).
DATA_WORDS = {"Phụ", "lục", "Tổng", "cộng", "hợp", "Nguồn", "Kiểm", "Lịch", "dõi", "Tiến", "độ", "đồng", "Đắk",
              "Lắk", "3598/QĐ-UBND", "Thường", "xuyên", "Tháng", "Hàng", "quý", "lần"}
#: English words of our own sentences, never in Vietnamese output (finding codes aside).
ENGLISH_WORDS = ("error", "errors", "warning", "warnings", "note", "notes", "skipped", "used", "Read", "Written",
                 "Returns", "Missing", "Findings", "Budget", "Activities", "Checked", "files", "task", "tasks")


def _transcript(lang: str, tmp_path: Path, bundled_path: Path) -> str:
    runs = [cli("read", str(bundled_path), "--lang", lang), cli("check", str(RETURNS), "--lang", lang),
            cli("consolidate", "-o", str(tmp_path / f"{lang}.xlsx"), "--lang", lang)]
    assert [r.returncode for r in runs] == [1, 1, 1] and all(r.stderr == "" for r in runs)
    return "\n".join(r.stdout for r in runs)


def test_english_output_holds_no_vietnamese_sentence(tmp_path, bundled_path):
    import re

    from cchc_xlsx.agencies import default_registry
    text = re.sub(r"«[^»]*»", "", _transcript("en", tmp_path, bundled_path))
    for name in sorted(default_registry().names(), key=len, reverse=True):
        text = text.replace(name, "")
    left = {word.strip(".,:;()") for word in re.findall(r"[\w\-/.]+", text) if re.search(r"[^\x00-\x7f]", word)}
    assert left - DATA_WORDS == set()


def test_vietnamese_output_holds_no_english_sentence(tmp_path, bundled_path):
    import re

    from cchc_xlsx.findings import CODES
    text = _transcript("vi", tmp_path, bundled_path)
    for code in sorted(CODES, key=len, reverse=True):
        text = text.replace(code, "")
    words = set(re.findall(r"[A-Za-z]+", re.sub(r"\S+\.(xlsx|ods|txt|md)\b", "", text)))
    assert words & set(ENGLISH_WORDS) == set()


def test_in_process_main_returns_the_code_of_an_argument_error_and_of_help(capsys):
    from cchc_xlsx.cli import main
    assert main(["check"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(lines(err)) == 1 and err.startswith("Lỗi: thiếu đối số bắt buộc")
    assert main(["check", "--help", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: cchc-xlsx check") and err == ""


def test_json_says_nothing_to_check_as_one_object(tmp_path):
    import json
    run = cli("check", str(tmp_path), "--json")
    assert run.returncode == 2 and len(lines(run.stderr)) == 1 and len(lines(run.stdout)) == 1
    error = json.loads(run.stdout)["error"]
    assert error["code"] == "unusable-input" and "Không có bảng tính nào" in error["message"]


@pytest.mark.parametrize("lang,words", [("vi", b"\xc4\x90\xe1\xbb\x8dc b\xc3\xa1o c\xc3\xa1o"), ("en", b"Reading returns")])
def test_the_progress_bar_on_a_terminal_speaks_the_language(lang, words):
    fcntl, pty, termios = (pytest.importorskip(name) for name in ("fcntl", "pty", "termios"))   # POSIX terminals
    import struct
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))    # a terminal 120 wide
    try:
        proc = subprocess.Popen([sys.executable, "-m", "cchc_xlsx.cli", "check", str(RETURNS), "--lang", lang],
                                stdout=subprocess.DEVNULL, stderr=slave, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:                  # the other end closed: the command is done
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=300) == 1
    finally:
        os.close(master)
    assert words in seen, seen[-300:]


def test_with_feedback_the_summary_is_still_the_last_line(tmp_path):
    run = cli("check", str(ONE_RETURN), "--feedback", str(tmp_path / "gop-y"))
    out = lines(run.stdout)
    assert run.returncode == 0 and run.stderr == ""
    assert out[-2] == f"Góp ý đã ghi vào {tmp_path / 'gop-y'}"
    assert out[-1] == "Đã kiểm tra 1 tệp: 0 lỗi, 1 cảnh báo, 2 ghi chú."
    assert [p.name for p in (tmp_path / "gop-y").iterdir()] == ["cchc-2018-so-tai-chinh-gop-y.xlsx"]


def test_a_failed_print_is_one_line_in_the_users_language(consolidated, tmp_path, monkeypatch, capsys):
    from cchc_xlsx import office
    from cchc_xlsx.cli import main

    def fails(src, fmt, outdir, **kwargs):
        raise office.OfficeError(src, fmt, "soffice exited with status 77", "some\nLibreOffice\noutput",
                                 key="office.status", status=77)
    monkeypatch.setattr(office, "convert", fails)
    assert main(["print", str(consolidated), "-o", str(tmp_path / "x.pdf")]) == 2
    out, err = capsys.readouterr()
    (line,) = lines(err)
    assert out == "" and line.startswith("Lỗi: LibreOffice không in được") and "mã lỗi 77" in line
    assert "exited" not in line
    assert main(["print", str(consolidated), "-o", str(tmp_path / "x.pdf"), "--lang", "en"]) == 2
    (line,) = lines(capsys.readouterr().err)
    assert "LibreOffice stopped with status 77" in line
    assert not (tmp_path / "x.pdf").exists()


def test_a_folder_of_our_own_outputs_has_nothing_to_check(consolidated, tmp_path):
    """A feedback copy not edited since, and a consolidated workbook, in a folder: skipped when read,
    so nothing was checked; the line says which and why."""
    assert cli("check", str(ONE_RETURN), "--feedback", str(tmp_path / "gop-y")).returncode == 0
    shutil.copy(consolidated, tmp_path / "gop-y" / "tong-hop.xlsx")
    line = one_error_line(cli("check", str(tmp_path / "gop-y")))
    assert "(bỏ qua 2 tệp: " in line and "bản góp ý do cchc-xlsx ghi ra" in line and "bảng tổng hợp do cchc-xlsx" in line
    line = one_error_line(cli("check", str(tmp_path / "gop-y"), "--lang", "en"), "en")
    assert "(2 files skipped: " in line and "a feedback copy written by cchc-xlsx" in line
    out = tmp_path / "x.xlsx"
    assert "Không có bảng tính nào" in one_error_line(cli("consolidate", str(tmp_path / "gop-y"), "-o", str(out)))
    assert not out.exists()


def test_templates_never_overwrite_a_filled_return(tmp_path):
    import time

    import openpyxl
    folder = tmp_path / "bieu-mau"
    first = cli("templates", "-o", str(folder))
    assert first.returncode == 0 and first.stderr == ""
    again = cli("templates", "-o", str(folder))                    # untouched templates: replaced
    assert again.returncode == 0 and again.stderr == ""
    filled = folder / "cchc-2018-so-tai-chinh.xlsx"
    book = openpyxl.load_workbook(filled)
    book["Phụ lục 1"]["C8"] = "đã điền"
    time.sleep(1.1)                                                # a save stamps the second it happens
    book.save(filled)                                              # the agency filled it in and saved it
    before = _fingerprint(filled)
    line = one_error_line(cli("templates", "-o", str(folder)))
    assert str(filled) in line and "--force" in line and _fingerprint(filled) == before
    assert "perhaps an agency's filled return" in one_error_line(cli("templates", "-o", str(folder), "--lang", "en"), "en")
    assert cli("templates", "-o", str(folder), "--force").returncode == 0
    assert _fingerprint(filled) != before


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_stream_that_cannot_write_vietnamese_gets_utf8_not_a_traceback(tmp_path, encoding):
    """A Windows console redirected to a file writes cp1252: Vietnamese must not crash the command."""
    run = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(ONE_RETURN)], capture_output=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING=encoding), timeout=300)
    assert run.returncode == 0 and b"Traceback" not in run.stderr
    assert lines(run.stdout.decode("utf-8"))[-1] == "Đã kiểm tra 1 tệp: 0 lỗi, 1 cảnh báo, 2 ghi chú."
    missing = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(tmp_path / "khong-co.xlsx")],
                             capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING=encoding))
    assert missing.returncode == 2 and missing.stderr.decode("utf-8").startswith("Lỗi: ")
