"""Issue 10, merging and writing: merged cells, Phụ lục 2's spare rows, locked cells of task and output
rows, a template re-used by another agency, our own outputs in the returns folder, Excel's limits.

Each test consolidates corpus returns (scripts/returns_corpus/merge.py) and asserts what a user sees:
the value in the consolidated frames, the finding's code, cell and found value; where the format
allows, with both readers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.feedback import write_feedback
from cchc_xlsx.report import consolidation_summary
from cchc_xlsx.write import OutputError, write_workbook

from conftest import sheet_grids, write_grids

READERS = ("calamine", "openpyxl")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "cases" / "returns"


def _run(corpus, name: str, reader: str = "calamine", *, files: list[str] | None = None):
    paths = corpus[name] if files is None else [p for p in corpus[name] if p.name in files]
    return consolidate(paths, reader=reader)


def _rows(result, table: str = "plan") -> dict[str, dict]:
    return {row["code"]: row for row in result.plan.rows(table)}


def _of(result, code: str, file: str | None = None) -> list:
    return [f for f in result.findings if f.code == code and (file is None or f.file == file)]


def _seen(result, code: str) -> set[tuple[str, str, str]]:
    return {(f.sheet, f.cell, f.row_code) for f in _of(result, code)}


# --------------------------------------------------------------------------- merged cells
@pytest.mark.parametrize("reader", READERS)
def test_a_month_merged_over_activities_applies_to_each_row(corpus, reader):
    result = _run(corpus, "merged-months-vertical", reader)
    rows = _rows(result)
    assert [(rows[c]["month_from"], rows[c]["from_text"]) for c in ("1.1.1", "1.1.2", "1.1.3")] == [(3, "Tháng 03")] * 3
    assert _seen(result, "merged-cells") == {("Phụ lục 1", "E9:E11", "1.1.1")}
    assert _of(result, "merged-cells")[0].found == "Tháng 03"
    assert _of(result, "merged-cells")[0].severity == "info"
    assert not [f for f in result.findings if f.row_code in ("1.1.2", "1.1.3") and f.code.startswith("month-")]
    assert not _of(result, "locked-cell-changed")


@pytest.mark.parametrize("reader", READERS)
def test_a_budget_merged_over_activities_is_counted_once(corpus, reader):
    result = _run(corpus, "merged-budget-activities", reader)
    rows = _rows(result)
    assert [rows[c]["budget"] for c in ("1.4.1", "1.4.2", "1.4.3")] == [30, 0, 0]
    assert rows["1.4"]["budget"] == pytest.approx(30 + 10 + 3.2)      # 1.4.4 and 1.4.5 as the plan
    (finding,) = _of(result, "merged-budget")
    assert (finding.sheet, finding.cell, finding.row_code, finding.found, finding.expected) == \
        ("Phụ lục 1", "G28:G30", "1.4.1", "30", "1.4.1–1.4.3")
    assert finding.severity == "warning"
    assert not [f for f in _of(result, "budget-missing") if f.row_code.startswith("1.4")]


@pytest.mark.parametrize("reader", READERS)
def test_a_budget_merged_over_an_output_row_is_not_split_and_said(corpus, reader):
    result = _run(corpus, "merged-budget-over-output", reader)
    rows = _rows(result)
    (finding,) = _of(result, "merged-budget")
    assert (finding.cell, finding.row_code, finding.found) == ("G14:G17", "1.2", "12")
    assert "không chia được" in finding.message("vi") and "cannot be split" in finding.message("en")
    assert all(math.isnan(rows[c]["budget"]) for c in ("1.2.1", "1.2.2", "1.2.3"))
    assert {f.row_code for f in _of(result, "budget-missing")} >= {"1.2.1", "1.2.2", "1.2.3"}
    assert ("Phụ lục 1", "G14", "1.2") in _seen(result, "subtotal-mismatch")    # 12 stated, 0 in its rows


@pytest.mark.parametrize("reader", READERS)
def test_monitoring_columns_merged_over_rows_and_across_an_output_row(corpus, reader):
    result = _run(corpus, "merged-monitoring-columns", reader)
    monitoring = _rows(result, "monitoring")
    assert {monitoring[c]["collector"] for c in ("1.1.1", "1.1.2", "1.1.3")} == {"Bà Lê Thị Thu, chuyên viên"}
    output = monitoring["1.2"]["collector"]
    assert output.startswith("Bà Nguyễn Thúy Hà")
    assert {monitoring[c]["collector"] for c in ("1.2.1", "1.2.2", "1.2.3")} == {output}
    assert _seen(result, "merged-cells") == {("Phụ lục 2", "F9:F11", "1.1.1"), ("Phụ lục 2", "F14:F17", "1.2")}
    assert not _of(result, "locked-cell-changed")
    assert not [f for f in _of(result, "collector-missing") if f.row_code.startswith(("1.1", "1.2"))]


@pytest.mark.parametrize("reader", READERS)
def test_horizontal_merges_months_give_both_other_fields_are_said(corpus, reader):
    result = _run(corpus, "merged-across-fields", reader)
    rows = _rows(result)
    assert (rows["1.1.3"]["month_from"], rows["1.1.3"]["month_to"]) == (7, 7)
    assert rows["1.1.1"]["indicator"].startswith("100% văn bản QPPL")
    assert rows["1.1.1"]["evidence"] == ""
    found = {f.cell: f for f in _of(result, "merged-cells")}
    assert set(found) == {"E11:F11", "C9:D9"}
    assert "Tài liệu kiểm chứng" in found["C9:D9"].message("vi") and "read as blank" in found["C9:D9"].message("en")


@pytest.mark.parametrize("reader", READERS)
def test_lead_and_partners_merged_over_activities(corpus, reader):
    result = _run(corpus, "merged-lead-partners", reader)
    rows = _rows(result)
    codes = ("1.3.1", "1.3.2", "1.3.3", "1.3.4")
    assert {rows[c]["partners"] for c in codes} == {"Văn phòng UBND tỉnh"}
    assert {tuple(rows[c]["lead_agencies"]) for c in codes} == {("Sở Tư pháp",)}
    assert _seen(result, "merged-cells") == {("Phụ lục 1", "H21:H24", "1.3.1"), ("Phụ lục 1", "I21:I24", "1.3.1")}
    assert not _of(result, "locked-cell-changed")           # the spread lead is the plan's


def test_merged_cells_in_the_plan_file_itself(bundled_path, tmp_path):
    """``read``: a frequency merged over four activities of Phụ lục 2 (blank in the decision) applies to each."""
    grids = sheet_grids(bundled_path)
    sheet = "Phụ lục 2"
    rows = [r for r, row in enumerate(grids[sheet], start=1) if row and str(row[0]).strip() in
            ("Hoạt động 1.3.1", "Hoạt động 1.3.2", "Hoạt động 1.3.3", "Hoạt động 1.3.4")]
    assert len(rows) == 4 and rows == list(range(rows[0], rows[0] + 4))
    grids[sheet][rows[0] - 1][4] = "Hàng quý"
    plan = read_plan(write_grids(tmp_path / "ke-hoach.xlsx", grids, {sheet: [f"E{rows[0]}:E{rows[-1]}"]}))
    monitoring = {row["code"]: row for row in plan.rows("monitoring")}
    assert [monitoring[c]["frequency"] for c in ("1.3.1", "1.3.2", "1.3.3", "1.3.4")] == ["Hàng quý"] * 4
    merged = [f for f in plan.findings if f.code == "merged-cells"]
    assert [(f.sheet, f.cell, f.row_code) for f in merged] == [(sheet, f"E{rows[0]}:E{rows[-1]}", "1.3.1")]
    assert not [f for f in plan.findings if f.code == "frequency-missing" and f.row_code.startswith("1.3.")]


# --------------------------------------------------------------------------- spare rows of Phụ lục 2
@pytest.mark.parametrize("reader", READERS)
def test_proposals_of_both_appendices_are_paired_by_content_not_position(corpus, reader):
    result = _run(corpus, "spare-rows-paired-by-content", reader)
    plan, monitoring = _rows(result), _rows(result, "monitoring")
    assert plan["5.1.2"]["content"] == monitoring["5.1.2"]["content"] == "Rà soát quy chế chi tiêu nội bộ"
    assert (monitoring["5.1.2"]["frequency"], monitoring["5.1.2"]["collector"]) == ("6 tháng", "Bà Phạm Thị Hoa")
    assert plan["5.2.2"]["content"] == "Tập huấn nghiệp vụ kế toán năm 2018"
    assert (monitoring["5.2.2"]["frequency"], monitoring["5.2.2"]["collector"]) == ("01 lần", "Ông Trần Văn Đức")
    assert _seen(result, "proposed-row-monitoring") == {("Phụ lục 2", "B10", "5.1.2"), ("Phụ lục 2", "B15", "5.2.2")}
    assert not _of(result, "proposal-unpaired") and not _of(result, "plan-monitoring-mismatch")


@pytest.mark.parametrize("reader", READERS)
def test_a_proposal_in_phu_luc_2_only_is_kept_and_said(corpus, reader):
    result = _run(corpus, "spare-row-monitoring-only", reader)
    monitoring = _rows(result, "monitoring")
    (finding,) = _of(result, "proposal-unpaired")
    assert (finding.sheet, finding.cell, finding.row_code, finding.expected) == ("Phụ lục 2", "B11", "5.1.2", "5.1")
    assert finding.found == "Khảo sát mức độ hài lòng của đơn vị sự nghiệp"
    assert monitoring["5.1.2"]["frequency"] == "Hàng năm" and monitoring["5.1.2"]["collector"] == "Ông Lê Văn Nam"
    assert "5.1.2" not in _rows(result)


@pytest.mark.parametrize("reader", READERS)
def test_a_phu_luc_2_spare_row_without_content_goes_with_its_outputs_only_proposal(corpus, reader):
    result = _run(corpus, "spare-row-monitoring-no-content", reader)
    monitoring = _rows(result, "monitoring")
    assert monitoring["5.2.2"]["frequency"] == "Hàng quý" and monitoring["5.2.2"]["collector"] == "Bà Vũ Thị Lan"
    assert _seen(result, "proposed-row-monitoring") == {("Phụ lục 2", "B14", "5.2.2")}


@pytest.mark.skipif(not (SHARED / "spare-row-phu-luc-2-only.xlsx").exists(), reason="shared cases not here")
def test_shared_case_spare_row_phu_luc_2_only():
    result = consolidate([SHARED / "spare-row-phu-luc-2-only.xlsx"])
    (finding,) = _of(result, "proposal-unpaired")
    assert (finding.row_code, finding.found) == ("5.2.2", "Hoạt động đề xuất (P2)")
    assert _rows(result, "monitoring")["5.2.2"]["reporter"] == "Ông Trần Văn C"


# --------------------------------------------------------------------------- locked cells of task and output rows
@pytest.mark.parametrize("reader", READERS)
def test_edits_to_locked_cells_of_task_and_output_rows_are_reported_one_per_field(corpus, reader):
    result = _run(corpus, "locked-task-output-cells", reader)
    got = {(f.sheet, f.row_code, f.field, re.sub(r"\d", "", f.cell), f.found) for f in _of(result, "locked-cell-changed")}
    assert got == {
        ("Phụ lục 1", "1", "indicator", "C", "Chỉ số do đơn vị tự thêm"),
        ("Phụ lục 1", "1.2", "evidence", "D", "Báo cáo quý"),
        ("Phụ lục 1", "1.2", "month_to", "F", "Tháng 12"),
        ("Phụ lục 1", "1.3", "partners", "I", "Sở Nội vụ"),
        ("Phụ lục 2", "1", "collector", "F", "Ông Nguyễn Văn Mới"),
        ("Phụ lục 2", "1.3", "reporter", "G", "Phòng Xây dựng văn bản"),
    }
    plan, monitoring = _rows(result), _rows(result, "monitoring")
    assert plan["1"]["indicator"] == "" and plan["1.2"]["to_text"] == "" and plan["1.3"]["partners"] == ""
    assert monitoring["1.3"]["reporter"] == "" and monitoring["1"]["collector"].startswith("Bà Nguyễn Thúy Hà")


@pytest.mark.skipif(not (SHARED / "locked-output-row-edits.xlsx").exists(), reason="shared cases not here")
def test_shared_case_locked_output_row_edits():
    result = consolidate([SHARED / "locked-output-row-edits.xlsx"])
    assert {(f.sheet, f.cell, f.field) for f in _of(result, "locked-cell-changed")} == {
        ("Phụ lục 1", "H7", "lead"), ("Phụ lục 1", "C8", "indicator"), ("Phụ lục 1", "E8", "month_from"),
        ("Phụ lục 2", "E8", "frequency"), ("Phụ lục 2", "F8", "collector")}


def test_the_all_rows_workbook_may_change_output_monitoring_but_not_locked_plan_cells(corpus):
    result = _run(corpus, "all-rows-output-monitoring")
    assert _rows(result, "monitoring")["1.4"]["frequency"] == "Hàng quý"
    assert {(f.sheet, f.row_code, f.field) for f in _of(result, "locked-cell-changed")} == {("Phụ lục 1", "1.4", "indicator")}
    assert _rows(result)["1.4"]["indicator"].startswith("Hoàn thành các báo cáo")


def test_unedited_task_and_output_rows_give_no_locked_finding(corpus):
    """The templates rewrite months (Tháng 6 -> Tháng 06) and agencies (Sơ -> Sở): not an edit."""
    for name in ("merged-months-vertical", "spare-rows-paired-by-content"):
        assert not _of(_run(corpus, name), "locked-cell-changed"), name


# --------------------------------------------------------------------------- agency conflict
def test_a_template_of_another_agency_never_replaces_that_agencys_return(corpus):
    result = _run(corpus, "agency-conflict")
    rows = _rows(result)
    assert rows["5.2.1"]["evidence"] == "Báo cáo thật của Sở Tài chính"
    assert rows["1.1.1"]["evidence"] == "Báo cáo thật của Sở Tư pháp"       # though the copy was saved later
    (finding,) = _of(result, "agency-conflict")
    assert (finding.file, finding.expected, finding.found) == ("agency-conflict.xlsx", "Sở Tài chính", "Sở Tư pháp")
    assert "không thay cho báo cáo của Sở Tài chính" in finding.message("vi")
    status = dict(zip(result.sources["file"], result.sources["status"]))
    assert status["agency-conflict.xlsx"] == "superseded"
    assert status["agency-conflict-so-tai-chinh.xlsx"] == status["agency-conflict-so-tu-phap.xlsx"] == "used"


def test_a_conflicting_return_counts_for_the_agency_of_its_rows_when_that_one_sent_nothing(corpus):
    result = _run(corpus, "agency-conflict", files=["agency-conflict.xlsx", "agency-conflict-so-tai-chinh.xlsx"])
    rows = _rows(result)
    assert rows["1.1.1"]["evidence"] == "Bản chép, metadata ghi Sở Tài chính"
    assert rows["5.2.1"]["evidence"] == "Báo cáo thật của Sở Tài chính"
    assert {f.agency for f in _of(result, "missing-return")} & {"Sở Tư pháp", "Sở Tài chính"} == set()


def test_a_conflicting_return_alone_leaves_the_named_agency_missing(corpus):
    result = _run(corpus, "agency-conflict", files=["agency-conflict.xlsx"])
    assert "Sở Tài chính" in {f.agency for f in _of(result, "missing-return")}
    assert _rows(result)["5.2.1"]["file"] != "agency-conflict.xlsx"


@pytest.mark.parametrize("reader", READERS)
def test_metadata_of_one_agency_on_rows_of_many_is_not_used(corpus, reader):
    result = _run(corpus, "agency-conflict-no-owner", reader)
    (finding,) = _of(result, "agency-conflict")
    assert finding.expected == "Sở Tư pháp" and finding.found.count(",") == 3 and finding.found.endswith("…")
    assert "không đơn vị nào có quá nửa" in finding.message("vi")
    assert dict(zip(result.sources["file"], result.sources["rows_used"]))["agency-conflict-no-owner.xlsx"] == 0
    assert "Sở Tư pháp" in {f.agency for f in _of(result, "missing-return")}


# --------------------------------------------------------------------------- our own outputs, temporary files, hashes
@pytest.fixture()
def folder(corpus, tmp_path) -> Path:
    """A returns folder: two corpus returns."""
    out = tmp_path / "returns"
    out.mkdir()
    for name in ("merged-months-vertical", "spare-rows-paired-by-content"):
        for path in corpus[name]:
            shutil.copy(path, out / path.name)
    return out


def _used(result) -> dict[str, str]:
    return dict(zip(result.sources["file"], result.sources["status"]))


def test_the_consolidated_workbook_in_the_returns_folder_is_not_read_back(folder):
    first = consolidate([folder])
    write_workbook(first, folder / "tong-hop.xlsx")
    shutil.copy(folder / "tong-hop.xlsx", folder / "cchc-2018-so-noi-vu-moi.xlsx")   # renamed: known by content
    again = consolidate([folder])
    skipped = {f.file: f for f in _of(again, "file-skipped")}
    assert set(skipped) == {"tong-hop.xlsx", "cchc-2018-so-noi-vu-moi.xlsx"}
    assert "bảng tổng hợp do cchc-xlsx" in skipped["tong-hop.xlsx"].message("vi")
    assert _used(again)["tong-hop.xlsx"] == "skipped"
    same = lambda r: sorted((f.code, f.file, f.cell) for f in r.findings if f.code != "file-skipped")  # noqa: E731
    assert same(again) == same(first)


def test_a_damaged_consolidated_workbook_is_still_skipped_as_ours(folder, tmp_path):
    """Our output that no reader takes for a workbook (bytes before the zip, its workbook part
    renamed, a damaged or oddly compressed properties part) is skipped as ours: never an
    «unreadable» error on the run, never a traceback."""
    write_workbook(consolidate([folder]), tmp_path / "tong-hop.xlsx")
    data = (tmp_path / "tong-hop.xlsx").read_bytes()
    (folder / "truoc-zip.xlsx").write_bytes(b"XXXX" + data)

    def rewrite(name: str, change) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(change(info.filename), src.read(info.filename))

    rewrite("khong-workbook.xlsx", lambda name: "xl/workbook2.xml" if name == "xl/workbook.xml" else name)
    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("docProps/custom.xml")
    raw[info.header_offset + 8] = 99                                   # compression method 99, local header
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"docProps/custom.xml"))
    raw[central + 10] = 99                                             # … and in the central directory
    (folder / "nen-la.xlsx").write_bytes(bytes(raw))
    result = consolidate([folder])
    status = _used(result)
    for name in ("truoc-zip.xlsx", "khong-workbook.xlsx"):
        assert status[name] == "skipped", (name, status)
    assert status["nen-la.xlsx"] in ("skipped", "unreadable")
    assert {f.file for f in _of(result, "file-skipped")} >= {"truoc-zip.xlsx", "khong-workbook.xlsx"}
    assert not [f for f in _of(result, "file-unreadable") if f.file in ("truoc-zip.xlsx", "khong-workbook.xlsx")]


def test_a_consolidated_workbook_that_lost_its_properties_is_known_by_its_sheets(folder, tmp_path):
    write_workbook(consolidate([folder]), tmp_path / "tong-hop.xlsx")
    with zipfile.ZipFile(tmp_path / "tong-hop.xlsx") as src, zipfile.ZipFile(folder / "ban-sao.xlsx", "w") as dst:
        for info in src.infolist():
            if info.filename != "docProps/custom.xml":
                dst.writestr(info, src.read(info.filename))
    assert "ban-sao.xlsx" in {f.file for f in _of(consolidate([folder]), "file-skipped")}


def test_a_feedback_copy_is_skipped_until_the_agency_saves_it_again(folder, tmp_path):
    source = folder / "merged-months-vertical.xlsx"
    copy = write_feedback(source, consolidate([source]).findings, folder)
    result = consolidate([folder])
    assert copy.name in {f.file for f in _of(result, "file-skipped")}
    # the agency corrects the copy and sends it back: saved later, it is its return again
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    data = io.BytesIO()
    with zipfile.ZipFile(copy) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + later, content)
            dst.writestr(info, content)
    copy.write_bytes(data.getvalue())
    result = consolidate([folder])
    assert copy.name not in {f.file for f in _of(result, "file-skipped")}
    assert _used(result)[copy.name] == "used"


def test_a_corrected_feedback_copy_reads_as_the_return_it_came_from(folder, tmp_path):
    """The agency corrects its feedback copy and sends it back: the copy's own list sheet (its header
    row has «STT», «Nội dung») is not read as a table of the return; the return's rows and findings
    are those of the file the copy was made from."""
    source = folder / "merged-months-vertical.xlsx"
    original = consolidate([source])
    copy = write_feedback(source, original.findings, tmp_path / "gop-y")
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    data = io.BytesIO()
    with zipfile.ZipFile(copy) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":     # saved again by the agency: no longer our copy
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + later, content)
            dst.writestr(info, content)
    copy.write_bytes(data.getvalue())
    corrected = consolidate([copy])
    assert _used(corrected)[copy.name] == "used"
    assert not [f for f in corrected.findings if f.sheet in ("Kết quả kiểm tra", "Check results")]
    seen = lambda r: sorted((f.code, f.sheet, f.cell, f.row_code) for f in r.findings)  # noqa: E731
    assert seen(corrected) == seen(original)
    assert corrected.plan.plan["budget"].sum() == original.plan.plan["budget"].sum()


def test_a_half_written_temporary_file_is_ignored_and_cleaned(corpus, folder):
    (leftover,) = corpus["leftover-temp-file"]
    shutil.copy(leftover, folder / leftover.name)
    result = consolidate([folder])
    (finding,) = [f for f in _of(result, "file-skipped") if f.file == leftover.name]
    assert "tệp tạm" in finding.message("vi")
    assert not _of(result, "file-unreadable")
    old = folder / ".cchc-2018-tong-hop.a1b2c3.tmp.xlsx"
    shutil.copy(leftover, old)
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    write_workbook(result, folder / "cchc-2018-tong-hop.xlsx")
    assert not old.exists()
    assert (folder / leftover.name).exists()         # young: perhaps another run's, still writing
    assert not [p for p in folder.iterdir() if p.name.startswith(".cchc-2018-tong-hop.") and p != folder / leftover.name]


def test_sources_hash_the_bytes_actually_read(folder):
    result = consolidate([folder])
    for path, size, sha in zip(result.sources["path"], result.sources["size"], result.sources["sha256"]):
        data = Path(path).read_bytes()
        assert (size, sha) == (len(data), hashlib.sha256(data).hexdigest())


def test_a_file_replaced_after_it_was_read_is_counted_as_read(folder, monkeypatch, corpus):
    """The bytes are read once: the Nguồn sheet's SHA-256 and every value come from them, even when
    the file is saved again by someone while the workbook is being parsed."""
    from cchc_xlsx import returns

    target = folder / "merged-months-vertical.xlsx"
    original = target.read_bytes()
    replacement = corpus["merged-budget-activities"][0].read_bytes()
    real_open = returns.open_book
    calls = []

    def open_then_replace(path, **kwargs):
        book = real_open(path, **kwargs)
        if Path(path) == target and not calls:
            calls.append(path)
            target.write_bytes(replacement)          # saved by someone while we read it
        return book

    monkeypatch.setattr(returns, "open_book", open_then_replace)
    result = consolidate([target])
    assert calls
    row = dict(zip(result.sources["file"], result.sources["sha256"]))
    assert row[target.name] == hashlib.sha256(original).hexdigest()
    assert _of(result, "merged-cells") and not _of(result, "merged-budget")   # the values of the bytes hashed


def test_a_file_that_keeps_changing_is_refused_not_half_read(folder, monkeypatch):
    from cchc_xlsx import workbook

    target = folder / "merged-months-vertical.xlsx"
    reads = []
    size_of_target = target.stat().st_size
    real_unchanged = workbook._unchanged

    def changed(before, after, size):                # the return is written again while we read it, every time
        if size != size_of_target:
            return real_unchanged(before, after, size)
        reads.append(size)
        return False

    monkeypatch.setattr(workbook, "_unchanged", changed)
    result = consolidate([target])
    (finding,) = _of(result, "file-unreadable")
    assert "changed while it was read" in finding.message("en")
    assert len(reads) == 3                           # read again twice, then refused


# --------------------------------------------------------------------------- Excel's limits in what we write
@pytest.fixture(scope="module")
def long_text(corpus, tmp_path_factory):
    result = consolidate(corpus["text-over-excel-limit"])
    out = write_workbook(result, tmp_path_factory.mktemp("limits") / "tong-hop.xlsx")
    return result, out


def test_text_over_excels_cell_limit_is_written_cut_and_said(long_text):
    result, out = long_text
    (finding,) = _of(result, "text-cut")
    assert (finding.sheet, finding.cell, finding.row_code, finding.found, finding.expected) == \
        ("Phụ lục 1", "C9", "1.1.1", "39999", "32767")
    ws = openpyxl.load_workbook(out, read_only=True)["Phụ lục 1"]
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert max(map(len, texts)) == 32767
    assert any(t.startswith("Chỉ số rất dài.") and len(t) == 32767 for t in texts)


def test_the_json_keeps_the_full_text(long_text):
    result, _ = long_text
    summary = json.loads(json.dumps(consolidation_summary(result), ensure_ascii=False, default=str))
    (cut,) = summary["texts_cut"]
    assert (cut["cell"], cut["field"], len(cut["text"])) == ("C9", "indicator", 39999)


def test_libreoffice_opens_the_cut_workbook(long_text, libreoffice, tmp_path):
    from cchc_xlsx.office import recalculated_copy

    _, out = long_text
    copy = recalculated_copy(out, tmp_path / "lo.xlsx")
    ws = openpyxl.load_workbook(copy, read_only=True)["Phụ lục 1"]
    assert any(isinstance(v, str) and len(v) == 32767 for row in ws.iter_rows(values_only=True) for v in row)


def test_a_plan_over_excels_rows_per_sheet_is_refused_before_writing(folder, monkeypatch, tmp_path):
    import cchc_xlsx.write as write

    monkeypatch.setattr(write, "EXCEL_MAX_ROWS", 100)     # the plan's Phụ lục 1 needs some 140
    with pytest.raises(OutputError, match="100"):
        write_workbook(consolidate([folder]), tmp_path / "tong-hop.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["returns"]        # nothing written, not even a temp


def test_findings_past_the_rows_of_a_sheet_are_counted_not_lost(folder, monkeypatch, tmp_path):
    import cchc_xlsx.write as write
    from cchc_xlsx.findings import Finding

    result = consolidate([folder])
    result.findings += [Finding("file-skipped", file=f"x{i}.txt", params={"reason": "thử"}) for i in range(600)]
    monkeypatch.setattr(write, "EXCEL_MAX_ROWS", 400)
    out = write_workbook(result, tmp_path / "tong-hop.xlsx")
    ws = openpyxl.load_workbook(out)["Kiểm tra"]
    assert ws.max_row == 400                       # every row of the sheet (of 400) is used
    # the row after the last finding says what is left out; the codes' explanations end the sheet
    more = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("… và"))
    shown = more - 4 - 1
    assert f"{len(result.findings) - shown:,}" in ws.cell(more, 1).value and "--json" in ws.cell(more, 1).value
    codes = {f.code for f in result.findings}
    assert ws.cell(more + 2, 1).value == "Giải thích các mã" and more + 3 + len(codes) == 400


def test_a_plan_saved_while_it_is_read_stops_the_run(folder, bundled_path, tmp_path, monkeypatch):
    from cchc_xlsx import consolidate as module
    from cchc_xlsx.findings import ToolError

    plan = shutil.copy(bundled_path, tmp_path / "ke-hoach.xlsx")
    real = module.read_plan_file

    def read_then_save(path, **kwargs):
        result = real(path, **kwargs)
        stamp = time.time_ns() + 10**9
        os.utime(path, ns=(stamp, stamp))
        return result

    monkeypatch.setattr(module, "read_plan_file", read_then_save)
    with pytest.raises(ToolError, match="thay đổi trong khi đang đọc") as caught:
        consolidate([folder], plan)
    assert "changed while it was read" in caught.value.message("en")


def test_sources_give_the_plans_size_and_hash(folder, bundled_path):
    result = consolidate([folder], bundled_path)
    data = bundled_path.read_bytes()
    assert (result.sources["size"][0], result.sources["sha256"][0]) == (len(data), hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("name", ["Sở Xây dựng & Quy hoạch", "Ban " + "quản lý dự án đầu tư xây dựng " * 12])
def test_template_page_headers_fit_excels_limit(seed_plan, tmp_path, name):
    """A header takes at most 255 characters with its codes, and «&» starts a code: doubled, cut to fit."""
    from cchc_xlsx.templates import TemplateOptions, write_templates

    frame = seed_plan.plan.copy()
    frame.loc[frame["code"].str.startswith("5."), "funded_agency"] = name
    plan = type(seed_plan)(frame, seed_plan.monitoring, seed_plan.allocation, year=seed_plan.year,
                           province=seed_plan.province, decision=seed_plan.decision, registry=seed_plan.registry)
    paths = write_templates(plan, tmp_path, TemplateOptions(generated_at=dt.datetime(2018, 1, 2)))
    with_name = []
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.startswith("xl/worksheets/sheet"):
                    for header in re.findall(r"<oddHeader>(.*?)</oddHeader>", archive.read(member).decode()):
                        text = header.replace("&amp;", "&").replace("&quot;", '"')
                        assert len(text) <= 255
                        if "Quy hoạch" in text or "quản lý dự án" in text:
                            with_name.append(text)
    assert with_name
    if "&" in name:
        assert all("&& Quy hoạch" in text for text in with_name)


def test_consolidating_into_the_returns_folder_twice(folder, capsys):
    """The command a user re-runs after a correction: the last output is skipped when read, then replaced."""
    from cchc_xlsx.cli import main

    out = folder / "tong-hop.xlsx"
    codes = [main(["consolidate", str(folder), "-o", str(out)]) for _ in range(2)]
    err = capsys.readouterr().err
    assert codes == [1, 1] and "Refusing" not in err and "Không ghi đè" not in err
    assert consolidate([folder]).sources.set_index("file").loc["tong-hop.xlsx", "status"] == "skipped"


def test_feedback_on_a_merged_range_marks_its_first_cell(corpus, tmp_path):
    source = corpus["merged-budget-activities"][0]
    copy = write_feedback(source, consolidate([source]).findings, tmp_path)
    ws = openpyxl.load_workbook(copy)["Phụ lục 1"]
    assert ws["G28"].comment is not None and "G28:G30" in ws["G28"].comment.text


def test_links_stop_at_the_limit_and_the_places_stay_as_text(folder, monkeypatch, tmp_path):
    """Kiểm tra links each finding to its cell, up to Excel's links per sheet (lowered here to 5)."""
    import cchc_xlsx.write.findings_sheet as sheet

    result = consolidate([folder])
    linked = [f for f in result.findings if f.field and f.row_code]
    assert len(linked) > 5
    monkeypatch.setattr(sheet, "MAX_LINKS", 5)
    out = write_workbook(result, tmp_path / "tong-hop.xlsx")
    ws = openpyxl.load_workbook(out)["Kiểm tra"]
    places = [ws.cell(r, 10) for r in range(5, ws.max_row + 1) if ws.cell(r, 10).value]
    assert sum(1 for c in places if c.hyperlink is not None) == 5
    assert len(places) > 5 and all(re.match(r"'?Phụ lục|'?Tổng hợp|'?Nguồn|'?Lịch|'?Tiến", str(c.value)) for c in places)


def test_templates_are_moved_into_place_whole(seed_plan, tmp_path, monkeypatch):
    """Each template is written to a temporary file and moved: a failure leaves neither a half file nor the temp."""
    import cchc_xlsx.templates as templates

    paths = templates.write_templates(seed_plan, tmp_path / "ok", templates.TemplateOptions(generated_at=dt.datetime(2018, 1, 2)))
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == sorted(p.name for p in paths)

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(templates.os, "replace", fail)
    with pytest.raises(OSError):
        templates.write_templates(seed_plan, tmp_path / "full", templates.TemplateOptions(generated_at=dt.datetime(2018, 1, 2)))
    assert list((tmp_path / "full").iterdir()) == []


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_merged_cells_saved_by_libreoffice_as_ods_or_xls(corpus, libreoffice, tmp_path, fmt):
    """python-calamine gives no merged ranges for .ods: they are read from its content.xml."""
    from cchc_xlsx.office import convert

    converted = convert(corpus["merged-budget-activities"][0], fmt, tmp_path)
    result = consolidate([converted])
    rows = _rows(result)
    assert [rows[c]["budget"] for c in ("1.4.1", "1.4.2", "1.4.3")] == [30, 0, 0]
    assert _seen(result, "merged-budget") == {("Phụ lục 1", "G28:G30", "1.4.1")}
    assert not [f for f in _of(result, "budget-missing") if f.row_code.startswith("1.4")]
