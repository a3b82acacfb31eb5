"""Issue 10, the reading layer: what agencies send is read in bounded time and memory, one bad
file never stops the run, a formula error is never a blank, hidden sheets and rows are read, and a
file is read as what its content is. Cases: scripts/returns_corpus/reading.py (the ``corpus``
fixture); conditions a file cannot carry (a FIFO, a broken link, permissions) are made here."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import workbook
from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.workbook import FileProblem, open_book

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "daklak-2018" / "returns" / "cchc-2018-so-tu-phap.xlsx"
MEMORY_LIMIT = 2 * 1024 ** 3        # a far cell must not need more (calamine alone would ask 512 GiB)


def only(corpus, name: str) -> Path:
    (path,) = corpus[name]
    return path


def run(path: Path | list[Path], reader: str = "calamine", workers: int = 1):
    return consolidate(path if isinstance(path, list) else [path], reader=reader, workers=workers)


def found(result, name: str, code: str) -> list:
    return [f for f in result.findings if f.file == name and f.code == code]


def plan_row(result, code: str, table: str = "plan") -> dict:
    (row,) = [r for r in result.plan.rows(table) if r["code"] == code]
    return row


def status(result, name: str) -> str:
    return dict(zip(result.sources["file"], result.sources["status"]))[name]


def readers_for(path: Path) -> list[str]:
    """openpyxl reads .xlsx content only (whatever the name)."""
    return ["calamine", "openpyxl"] if path.read_bytes()[:2] == b"PK" and b"xl/workbook.xml" in path.read_bytes() \
        else ["calamine"]


# --------------------------------------------------------------------------- 1. bounded cost
FAR = [("far-cell-xfd", "Phụ lục 1", "XFD1048576", "ghi chú lạc"),
       ("far-cell-zz100000", "Phụ lục 2", "ZZ100000", "2018"),
       ("far-cell-ods", "Phụ lục 1", "ZZ100000", "xa"),
       ("far-cell-xls", "Phụ lục 1", "IV65536", "xa")]


@pytest.mark.parametrize("case, sheet, cell, value", FAR, ids=[c[0] for c in FAR])
def test_a_far_cell_is_reported_and_the_rest_is_read(corpus, case, sheet, cell, value):
    path = only(corpus, case)
    for reader in readers_for(path):
        start = time.perf_counter()
        result = run(path, reader)
        assert time.perf_counter() - start < 10, reader
        (far,) = found(result, path.name, "far-cell")
        assert (far.sheet, far.cell, far.found, far.severity) == (sheet, cell, value, "error")   # content not read: to fix
        assert cell in far.message() and value in far.message("en")
        assert status(result, path.name) == "used"
        assert not found(result, path.name, "file-unreadable")


def test_the_values_beside_a_far_cell_are_read(corpus):
    path = only(corpus, "far-cell-xfd")
    for reader in ("calamine", "openpyxl"):
        result = run(path, reader)
        assert plan_row(result, "1.4.2")["budget"] == 12
        assert plan_row(result, "1.4.2")["file"] == path.name


def test_many_far_cells_are_counted_not_listed_without_end(corpus):
    path = only(corpus, "far-cell-many")
    book = open_book(path)
    far = [f for f in book.findings if f.code == "far-cell"]
    in_plan = [f for f in far if f.sheet == "Phụ lục 1"]
    assert [f.cell for f in in_plan[:20]] == [f"AMJ{500_000 + 1000 * i}" for i in range(20)]
    assert len(in_plan) == 21 and in_plan[20].cell == "AMJ520000:AMJ524000"   # the other 5, by their range
    assert in_plan[20].found == "x20" and "4 other far cells in this range" in in_plan[20].message("en")
    # XFD20 makes a rectangle of 20 × 16 384 cells: cheap, so read into the grid, not a far cell
    assert not [f for f in far if f.sheet == "Hướng dẫn"] and book.sheet("Hướng dẫn").value(19, 16383) == "ở xa"
    assert len(book.sheet("Phụ lục 1").rows) < 100 and len(book.sheet("Phụ lục 1").rows[0]) < 20
    assert open_book(path, reader="openpyxl").findings == book.findings


def test_a_whole_grid_dimension_costs_nothing_and_says_nothing(corpus):
    path = only(corpus, "far-dimension")
    for reader in ("calamine", "openpyxl"):
        book = open_book(path, reader=reader)
        assert not book.findings
        assert len(book.sheet("Phụ lục 1").rows) < 100 and len(book.sheet("Phụ lục 1").rows[0]) < 20
    assert not found(run(path), path.name, "far-cell")


_UNDER_LIMIT = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from pathlib import Path
    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.feedback import write_feedback
    from cchc_xlsx.workbook import open_book
    out = {{}}
    for name in sys.argv[2:]:
        path = Path(name)
        start = time.process_time()        # CPU time: the machine may be busy with other work
        readers = ["calamine", "openpyxl"] if path.suffix == ".xlsx" else ["calamine"]
        cells = [[f.cell for f in open_book(path, reader=r).findings if f.code == "far-cell"] for r in readers]
        result = consolidate([path], workers=1)
        write_feedback(path, result.findings, Path(sys.argv[1]))
        out[path.name] = {{"cells": cells, "seconds": time.process_time() - start}}
    print(json.dumps(out))
""")


def test_far_cells_under_a_memory_limit_every_command(corpus, tmp_path):
    """read, consolidate and the feedback copy of every far-cell case, in a process limited to
    2 GB: a regression is a failed test, not a killed pytest."""
    paths = [str(only(corpus, case)) for case, *_ in FAR] + [str(only(corpus, "far-cell-many"))]
    script = _UNDER_LIMIT.format(limit=MEMORY_LIMIT)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "feedback"), *paths], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    for case, _, cell, _ in FAR:
        name = Path(only(corpus, case)).name
        assert all(cells == [cell] for cells in out[name]["cells"]), out[name]
        assert out[name]["seconds"] < 10
    feedback = openpyxl.load_workbook(tmp_path / "feedback" / "far-cell-xfd-gop-y.xlsx")
    assert feedback["Phụ lục 1"]["XFD1048576"].comment is not None      # the user is shown the cell


def test_the_cli_reads_a_far_cell_file_under_the_limit(corpus):
    path = only(corpus, "far-cell-xfd")
    script = (f"import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}));"
              f"sys.argv = ['cchc-xlsx', 'check', {str(path)!r}]; runpy.run_module('cchc_xlsx.cli', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "far-cell" in done.stdout and "XFD1048576" in done.stdout and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- 2. one bad file never stops the run
def _poisoned_folder(folder: Path) -> dict[str, str]:
    """A good return among files that cannot be read: file name -> a word its finding must say."""
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    os.mkfifo(folder / "dang-mo.xlsx")                                   # opening it would block forever
    os.symlink(folder / "da-xoa.xlsx", folder / "loi-tat.xlsx")          # a link to nothing
    (folder / "thu-muc.xlsx").mkdir()                                    # a folder named like a return
    data = SAMPLE.read_bytes()
    (folder / "bi-cat.xlsx").write_bytes(data[: len(data) // 2])         # truncated (copied while written)
    (folder / "khong-quyen.xlsx").write_bytes(data)                      # denied (see the test)
    return {"dang-mo.xlsx": "đường ống", "loi-tat.xlsx": "liên kết", "bi-cat.xlsx": "hỏng",
            "khong-quyen.xlsx": "quyền"}


@pytest.fixture
def denied(monkeypatch):
    """Permission denied on files named khong-quyen* (the tests may run as root, who is never denied)."""
    real = os.open

    def guarded(path, flags, *args, **kwargs):
        if Path(path).name.startswith("khong-quyen"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(workbook.os, "open", guarded)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_poisoned_folder_consolidates_the_good_return(tmp_path, denied, workers):
    folder = tmp_path / "returns"
    words = _poisoned_folder(folder)
    start = time.perf_counter()
    result = run([folder], workers=workers)
    assert time.perf_counter() - start < 60
    assert status(result, SAMPLE.name) == "used"
    assert plan_row(result, "1.4.2")["file"] == SAMPLE.name
    for name, word in words.items():
        (finding,) = found(result, name, "file-unreadable")
        assert word in finding.message(), (name, finding.message())
        assert status(result, name) == "unreadable"
    sources = result.sources.set_index("file")
    assert sources.loc[SAMPLE.name, "sha256"] == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert sources.loc[SAMPLE.name, "size"] == SAMPLE.stat().st_size


def test_a_folder_named_like_a_return_is_said(tmp_path):
    (tmp_path / "thu-muc.xlsx").mkdir()
    with pytest.raises(FileProblem, match="folder"):
        open_book(tmp_path / "thu-muc.xlsx")
    result = run(tmp_path / "thu-muc.xlsx")       # named on the command line: its files are read (none)
    assert result.returns["status"].eq("missing").all()


def test_the_cli_on_a_poisoned_folder_names_each_file_and_exits_1(tmp_path):
    folder = tmp_path / "returns"
    _poisoned_folder(folder)
    (folder / "khong-quyen.xlsx").unlink()
    feedback = tmp_path / "gop-y"
    done = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "check", str(folder), "--feedback", str(feedback)],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    for name in ("dang-mo.xlsx", "loi-tat.xlsx", "bi-cat.xlsx"):
        (at,) = [i for i, line in enumerate(lines) if line.startswith(f"{name}: ")]
        assert lines[at].startswith(f"{name}: 1 lỗi") and "file-unreadable" in lines[at + 1], lines[at:at + 2]
    assert any(line.startswith(f"{SAMPLE.name} (Sở Tư pháp)") for line in lines)
    # --feedback: a copy for every file there is to copy; the pipe and the broken link have none
    assert sorted(p.name for p in feedback.iterdir()) == ["bi-cat-gop-y.xlsx", "cchc-2018-so-tu-phap-gop-y.xlsx"]


def test_a_lock_file_gone_while_the_folder_is_read(tmp_path, monkeypatch):
    from cchc_xlsx import consolidate as module

    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    lock = tmp_path / "~$cchc-2018-so-tu-phap.xlsx"
    lock.write_bytes(b"\x0cNguyen Van A" + b" " * 40)
    real = module.collect_files

    def listing_then_excel_closes(paths):
        listed = real(paths)
        lock.unlink()                      # Excel closed the workbook meanwhile
        return listed

    monkeypatch.setattr(module, "collect_files", listing_then_excel_closes)
    result = run(tmp_path)
    assert status(result, SAMPLE.name) == "used"
    assert status(result, lock.name) == "skipped" and found(result, lock.name, "file-skipped")


def test_a_file_replaced_while_it_is_read_is_reported_as_read(tmp_path, monkeypatch):
    """Size and SHA-256 on the Nguồn sheet are those of the bytes read, not of what is there later."""
    path = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, path)
    original = SAMPLE.read_bytes()
    real = workbook.read_bytes

    def read_then_replaced(target):
        data = real(target)
        if Path(target) == path:
            path.write_bytes(b"not a workbook any more")
        return data

    monkeypatch.setattr(workbook, "read_bytes", read_then_replaced)
    result = run(path)
    sources = result.sources.set_index("file")
    assert sources.loc[path.name, "status"] == "used"
    assert sources.loc[path.name, "sha256"] == hashlib.sha256(original).hexdigest()
    assert sources.loc[path.name, "size"] == len(original)


@pytest.mark.parametrize("stamp, expected", [
    ("2018-01-08T10:15:00+07:00", "2018-01-08 03:15:00"),
    ("2018-01-08T10:15:00.123-05:30", "2018-01-08 15:45:00"),
    ("2018-01-08T10:15:00Z", "2018-01-08 10:15:00"),
    ("08/01/2018 10:15", None),
])
def test_a_save_time_with_an_offset_is_read_in_utc(tmp_path, stamp, expected):
    import re
    import zipfile

    from cchc_xlsx.returns import saved_at

    path = tmp_path / SAMPLE.name
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            dst.writestr(info, data)
    saved = saved_at(path)
    assert (str(saved) if expected else saved.tzinfo) == (expected or None)
    earlier = tmp_path / "ban-truoc.xlsx"
    shutil.copy(SAMPLE, earlier)
    result = run(tmp_path)                 # two returns of one agency: compared without an error
    assert found(result, earlier.name, "duplicate-return") or found(result, path.name, "duplicate-return")


# --------------------------------------------------------------------------- 3. formula errors
#: case -> {(sheet, row code, field): error}
ERROR_CASES = {
    "formula-error-cached": {("Phụ lục 1", "1.4.2", "budget"): "#REF!", ("Phụ lục 1", "1.4.4", "month_from"): "#N/A",
                             ("Phụ lục 1", "1.1.3", "indicator"): "#DIV/0!", ("Phụ lục 1", "1.4.3", "lead"): "#NAME?",
                             ("Phụ lục 2", "1.1.3", "frequency"): "#VALUE!", ("Phụ lục 2", "1.4.2", "collector"): "#N/A"},
    "formula-error-formula": {("Phụ lục 1", "1.4.2", "budget"): "#DIV/0!", ("Phụ lục 1", "1.4.4", "month_from"): "#N/A"},
    "formula-error-ods": {("Phụ lục 1", "1.4.2", "budget"): "#DIV/0!", ("Phụ lục 1", "1.1.3", "indicator"): "#N/A"},
    "formula-error-xls": {("Phụ lục 1", "1.4.2", "budget"): "#DIV/0!", ("Phụ lục 1", "1.4.4", "month_from"): "#N/A",
                          ("Phụ lục 1", "1.1.3", "indicator"): "#DIV/0!", ("Phụ lục 1", "1.4.3", "lead"): "#NAME?",
                          ("Phụ lục 2", "1.1.3", "frequency"): "#VALUE!", ("Phụ lục 2", "1.4.2", "collector"): "#N/A"},
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_a_formula_error_is_shown_never_a_blank(corpus, case):
    path = only(corpus, case)
    for reader in readers_for(path):
        result = run(path, reader)
        errors = {(f.sheet, f.row_code, f.field): f.found for f in found(result, path.name, "formula-error")}
        assert errors == ERROR_CASES[case], reader
        cells = {f.cell for f in found(result, path.name, "formula-error")}
        for f in result.findings:          # no other finding on those cells (no «ô trống», no «not a number»)
            assert f.code == "formula-error" or f.cell not in cells or f.file != path.name or \
                f.code == "locked-cell-changed", (reader, f.code, f.cell)
        assert not [f for f in found(result, path.name, "budget-missing") if f.row_code == "1.4.2"]
        assert math.isnan(plan_row(result, "1.4.2")["budget"])
        assert plan_row(result, "1.4.2")["budget_text"] == ERROR_CASES[case][("Phụ lục 1", "1.4.2", "budget")]
        message = found(result, path.name, "formula-error")[0].message()
        assert "lỗi công thức" in message and "trống" not in message


def test_the_two_readers_give_the_same_grid_for_error_cells(corpus):
    path = only(corpus, "formula-error-cached")
    fast, slow = open_book(path), open_book(path, reader="openpyxl")
    for sheet in ("Phụ lục 1", "Phụ lục 2"):
        assert fast.sheet(sheet).errors == slow.sheet(sheet).errors != {}
        for (r, c), text in fast.sheet(sheet).errors.items():
            assert fast.sheet(sheet).value(r, c) == slow.sheet(sheet).value(r, c) == text


# --------------------------------------------------------------------------- 3. hidden things
@pytest.mark.parametrize("case", ["hidden-sheet-phu-luc-2", "hidden-sheet-xls"])
def test_a_hidden_sheet_is_read_and_said(corpus, case):
    path = only(corpus, case)
    for reader in readers_for(path):
        result = run(path, reader)
        (hidden,) = found(result, path.name, "sheet-hidden")
        assert (hidden.sheet, hidden.severity) == ("Phụ lục 2", "info")
        assert plan_row(result, "1.4.2", "monitoring")["frequency"] == "Hàng tháng"
        assert plan_row(result, "1.4.2", "monitoring")["file"] == path.name
        assert not found(result, path.name, "missing-row")
        assert result.extra["returns_read"][0].meta.get("agency")     # the very hidden metadata still read


def _hidden_rows(path: Path) -> dict[str, list[int]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [r for r, d in ws.row_dimensions.items() if d.hidden] for ws in book.worksheets[1:3]}


@pytest.mark.parametrize("case", ["hidden-rows-filter", "hidden-rows-ods"])
def test_hidden_rows_are_read_and_said(corpus, case):
    path = only(corpus, case)
    rows = _hidden_rows(only(corpus, "hidden-rows-filter"))
    for reader in readers_for(path):
        result = run(path, reader)
        said = {f.sheet: f.found for f in found(result, path.name, "row-hidden")}
        plan_rows = rows["Phụ lục 1"]
        assert said == {"Phụ lục 1": f"{plan_rows[0]}-{plan_rows[-1]}", "Phụ lục 2": str(rows["Phụ lục 2"][0])}
        assert plan_row(result, "1.4.2")["budget"] == 33
        assert plan_row(result, "1.4.3")["partners"] == "Sở Tài chính"
        assert plan_row(result, "1.1.3", "monitoring")["collector"] == "Bà Lê Thị Ẩn"


# --------------------------------------------------------------------------- 5. what a file is
MISNAMED = [("xls-named-xlsx", ".xlsx", ".xls (Excel 97-2003)", 14), ("ods-named-xlsx", ".xlsx", ".ods (OpenDocument)", 15),
            ("xlsx-named-xls", ".xls", ".xlsx", 16), ("html-named-xls", ".xls", "HTML", 17.5)]


@pytest.mark.parametrize("case, named, really, budget", MISNAMED, ids=[m[0] for m in MISNAMED])
def test_a_misnamed_file_is_read_as_what_it_is(corpus, case, named, really, budget):
    path = only(corpus, case)
    for reader in readers_for(path):
        result = run(path, reader)
        (misnamed,) = found(result, path.name, "file-misnamed")
        assert (misnamed.found, misnamed.expected, misnamed.severity) == (named, really, "info")
        assert status(result, path.name) == "used"
        assert plan_row(result, "1.4.2")["budget"] == budget
        assert not found(result, path.name, "file-unreadable")


def test_an_html_export_keeps_its_merged_headers(corpus):
    book = open_book(only(corpus, "html-named-xls"))
    (sheet,) = book.sheets
    top = next(r for r, row in enumerate(sheet.rows) if row[0] == "STT")
    assert (top, 4, top, 5) in sheet.merged and (top, 0, top + 1, 0) in sheet.merged
    assert sheet.rows[top + 1][4:6] == ["Từ tháng", "Đến tháng"]


@pytest.mark.parametrize("case, seems", [("docx-named-xlsx", "Word"), ("pdf-named-xls", "PDF")])
def test_what_is_not_a_spreadsheet_says_what_it_seems(corpus, case, seems):
    path = only(corpus, case)
    result = run(path)
    (finding,) = found(result, path.name, "file-unreadable")
    assert seems in finding.message() and seems in finding.message("en")
    assert "mật khẩu" not in finding.message()


def test_password_is_said_only_of_an_encrypted_file(corpus, tmp_path):
    encrypted = Path(__file__).parent / "fixtures" / "password-protected.xlsx"
    with pytest.raises(FileProblem, match="password"):
        open_book(encrypted)
    xls = only(corpus, "xls-named-xlsx")           # an OLE2 file, not encrypted: read
    assert open_book(xls).sheet("Phụ lục 1") is not None
    other = tmp_path / "khong-phai.xlsx"              # an OLE2 file that is no workbook
    other.write_bytes(xls.read_bytes().replace("Workbook".encode("utf-16-le"), "Document".encode("utf-16-le")))
    with pytest.raises(FileProblem) as problem:
        open_book(other)
    assert "password" not in problem.value.en and "mật khẩu" not in problem.value.vi


# --------------------------------------------------------------------------- the scan itself, on large sheets
def _sheet_zip(rows_xml: bytes) -> "zipfile.ZipFile":
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + rows_xml + b"</sheetData></worksheet>")
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _rows(count: int, first: int = 1) -> list[bytes]:
    return [b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (bytes([65 + c]), r, c) for c in range(12))
            + b"</row>" for r in range(first, first + count)]


FAR_ROW = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>xa</t></is></c></row>'


@pytest.mark.parametrize("layout", ["in order", "far row first", "reference not first", "streamed"])
def test_the_scan_finds_a_far_cell_in_a_large_sheet(layout, monkeypatch):
    from cchc_xlsx import scan

    rows = _rows(20_000)
    if layout == "far row first":                 # rows out of order: every cell is looked at
        xml = FAR_ROW + b"".join(rows)
    elif layout == "reference not first":
        xml = b"".join(rows) + FAR_ROW.replace(b'<c r="XFD1048576" t="inlineStr">', b'<c t="inlineStr" r="XFD1048576">')
    else:
        xml = b"".join(rows) + FAR_ROW
    if layout == "streamed":
        monkeypatch.setattr(scan, "STREAM_ABOVE", 1 << 16)
        monkeypatch.setattr(scan, "_BLOCK", 1 << 16)
    archive = _sheet_zip(xml)
    start = time.process_time()
    (found_,) = scan.scan_xlsx(archive).values()
    assert time.process_time() - start < 5
    assert found_.far == [(1048575, 16383, "xa")] and found_.rows == 20_000 and found_.cols <= 26
    copy = scan.without_far_cells(archive.fp.getvalue(), archive, {"S": found_})
    import io
    import zipfile

    assert b"XFD1048576" not in zipfile.ZipFile(io.BytesIO(copy)).read("xl/worksheets/sheet1.xml")


def test_a_large_ordinary_sheet_is_streamed_and_left_alone(monkeypatch):
    from cchc_xlsx import scan

    monkeypatch.setattr(scan, "STREAM_ABOVE", 1 << 16)
    monkeypatch.setattr(scan, "_BLOCK", 1 << 16)
    (found_,) = scan.scan_xlsx(_sheet_zip(b"".join(_rows(5_000)))).values()
    assert (found_.far, found_.far_spans, found_.errors, found_.hidden_rows) == ([], [], {}, [])


def test_a_fault_of_the_program_on_one_file_is_a_finding_on_that_file(tmp_path, monkeypatch):
    """A bug met on one return (here: its subtotal check fails on it) names the file; the others
    are consolidated (a safety net; each such bug is still a bug to fix)."""
    from cchc_xlsx import returns

    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    other = ROOT / "workbooks" / "daklak-2018" / "returns" / "cchc-2018-so-tai-chinh.xlsx"
    shutil.copy(other, tmp_path / other.name)
    real = returns.subtotals

    def failing(plan):
        if plan.rows("plan") and plan.rows("plan")[0]["file"] == SAMPLE.name:
            raise OverflowError("cannot convert float infinity to integer")
        return real(plan)

    monkeypatch.setattr(returns, "subtotals", failing)
    result = run(tmp_path)
    (finding,) = found(result, SAMPLE.name, "file-unreadable")
    assert "OverflowError" in finding.message("en")
    assert status(result, SAMPLE.name) == "unreadable" and status(result, other.name) == "used"


def test_read_a_plan_with_a_far_cell_under_the_limit(tmp_path, bundled_path):
    """``cchc-xlsx read``: the plan is read a sheet at a time (each_sheet), scanned the same way."""
    book = openpyxl.load_workbook(bundled_path)
    book.worksheets[0]["ZZ100000"] = "xa"
    plan = tmp_path / "ke-hoach.xlsx"
    book.save(plan)
    script = (f"import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}));"
              f"sys.argv = ['cchc-xlsx', 'read', {str(plan)!r}, '--json']; runpy.run_module('cchc_xlsx.cli', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    far = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "far-cell"]
    assert [(f["sheet"], f["cell"], f["found"]) for f in far] == [(book.worksheets[0].title, "ZZ100000", "xa")]


def test_a_sheet_whose_header_row_was_deleted_is_said_once(tmp_path):
    """An agency deletes the header row of Phụ lục 1: its rows are not read, and the file says so
    by sheet (table-missing), not only by a missing-row per plan row."""
    import openpyxl

    from cchc_xlsx.consolidate import consolidate

    source = ROOT / "workbooks" / "daklak-2018" / "returns" / "cchc-2018-so-tu-phap.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book["Phụ lục 1"]
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    sheet.delete_rows(top, 2)                      # the two header rows
    path = tmp_path / "mat-tieu-de.xlsx"
    book.save(path)
    result = consolidate([path], workers=1)
    (finding,) = [f for f in result.findings if f.code == "table-missing"]
    assert (finding.file, finding.sheet, finding.severity) == (path.name, "Phụ lục 1", "error")
    assert "Restore the header row" in finding.message("en")
    assert not [f for f in result.findings if f.code == "table-missing" and f.sheet == "Phụ lục 2"]


def test_a_deleted_sub_header_is_not_taken_for_edits_of_locked_cells(tmp_path):
    """Phụ lục 2's second header row (Thu thập số liệu / Báo cáo) deleted: those columns are
    missing (said), and the locked cells under them were not edited (no locked-cell-changed)."""
    import openpyxl

    from cchc_xlsx.consolidate import consolidate

    source = ROOT / "workbooks" / "daklak-2018" / "returns" / "cchc-2018-so-tu-phap.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book["Phụ lục 2"]
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    sheet.delete_rows(top + 1)
    path = tmp_path / "mat-tieu-de-phu.xlsx"
    book.save(path)
    result = consolidate([path], workers=1)
    mine = [f for f in result.findings if f.file == path.name]
    assert [f for f in mine if f.code == "missing-column" and f.sheet == "Phụ lục 2"]
    assert not [f for f in mine if f.code == "locked-cell-changed"]
