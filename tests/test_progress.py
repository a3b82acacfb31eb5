"""Progress through the year (issue 13): templates, the round trip, the reading tolerance, every check, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from progress_helpers import activity_rows, fill, stamp

from cchc_xlsx.cli import main
from cchc_xlsx.periods import period
from cchc_xlsx.progress.job import run_progress
from cchc_xlsx.progress.model import listed_by_agency, plan_activities
from cchc_xlsx.progress.template import ProgressTemplateOptions, write_progress_templates
from cchc_xlsx.progress.words import STATUSES
from cchc_xlsx.write.progress_book import write_progress_book

FIXED = dt.datetime(2018, 6, 20, 9, 0)
STATUS_CYCLE = ["in_progress", "done", "not_started", "in_progress", "not_doing", "postponed"]


@pytest.fixture(scope="module")
def h1(seed_plan):
    return period("6-thang", seed_plan.year)


@pytest.fixture(scope="module")
def blank_templates(seed_plan, h1, tmp_path_factory):
    out = tmp_path_factory.mktemp("blank")
    return write_progress_templates(seed_plan, h1, out, ProgressTemplateOptions(generated_at=FIXED))


def _known_values(seed_plan, h1) -> dict[str, dict]:
    """A value for every listed activity, consistent with every rule (so that no check fires on it)."""
    values = {}
    for i, a in enumerate(a for a in plan_activities(seed_plan, h1) if a.schedule.listed):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        if a.schedule.ended and status in ("in_progress", "not_started"):
            status = "done"
        percent = {"done": 100, "not_started": 0, "in_progress": 10 + i % 80}.get(status, 5)
        disbursed = 0.0 if status == "not_started" else round(a.planned_or_zero * (i % 5) / 5, 1)
        values[a.code] = {"status": STATUSES[status], "percent": percent, "disbursed": disbursed,
                          "evidence": f"Báo cáo số {i + 1}/BC ngày 15/6/2018" if status == "done" or i % 2 else "",
                          "difficulties": "Thiếu nhân lực" if i % 3 == 0 else "", "proposals": "Bổ sung kinh phí" if i % 4 == 0 else ""}
    return values


@pytest.fixture(scope="module")
def filled(seed_plan, h1, blank_templates, tmp_path_factory):
    folder = tmp_path_factory.mktemp("filled")
    values = _known_values(seed_plan, h1)
    for path in blank_templates:
        fill(path, values, folder / path.name)
    return folder, values


# --------------------------------------------------------------------------- templates
def test_one_template_per_agency_with_its_listed_activities(seed_plan, h1, blank_templates):
    listed = listed_by_agency(plan_activities(seed_plan, h1))
    assert len(blank_templates) == len(listed) == 8
    for path in blank_templates:
        meta = dict(openpyxl.load_workbook(path)["_cchc_meta"].iter_rows(max_row=13, max_col=2, values_only=True))
        assert meta["format"] == "cchc-xlsx/progress-template" and meta["period"] == "6-thang"
        assert meta["period_end"] == "2018-06-30"
        assert list(activity_rows(path)) == [a.code for a in listed[meta["agency"]]]
    # 1.4.3 starts in September: not in the half-year's template; 1.3.4 (12/2017 → 02/2019) is
    tu_phap = next(p for p in blank_templates if p.name.endswith("so-tu-phap.xlsx"))
    assert "1.4.3" not in activity_rows(tu_phap) and "1.3.4" in activity_rows(tu_phap)


def test_a_template_is_locked_validated_and_printable(blank_templates):
    book = openpyxl.load_workbook(blank_templates[0])
    assert book.sheetnames == ["Hướng dẫn", "Tiến độ", "_cchc_meta"]
    assert book["_cchc_meta"].sheet_state == "veryHidden"
    ws = book["Tiến độ"]
    assert ws.protection.sheet
    header = [c.value for c in ws[6]]
    assert header[:8] == ["Mã", "Nội dung công việc", "Thời gian thực hiện", "Ngân sách dự kiến (triệu đồng)",
                          "Tần suất thu thập", "Người thu thập số liệu (Phụ lục 2)", "Phải báo cáo kỳ này", "Tình trạng"]
    row = next(iter(activity_rows(blank_templates[0]).values()))
    locked = {c.column_letter: c.protection.locked for c in ws[row]}
    assert all(locked[col] for col in "ABCDEFG") and not any(locked[col] for col in "HIJKLM")
    rules = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["H"].type == "list" and "Đã hoàn thành" in rules["H"].formula1
    assert rules["I"].type == "decimal" and (rules["I"].formula1, rules["I"].formula2) == ("0", "100")
    assert rules["J"].type == "decimal" and rules["J"].operator == "greaterThanOrEqual"
    assert "lũy kế" in rules["J"].prompt
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert "Kỳ báo cáo" in book["Hướng dẫn"]["A3"].value


def test_the_year_boundary_activity_shows_its_months_and_collector(blank_templates):
    tu_phap = next(p for p in blank_templates if p.name.endswith("so-tu-phap.xlsx"))
    ws = openpyxl.load_workbook(tu_phap)["Tiến độ"]
    r = activity_rows(tu_phap)["1.3.4"]
    assert ws[f"C{r}"].value == "Tháng 12/2017 – Tháng 02/2019"
    assert ws[f"D{r}"].value == 105
    assert ws[f"F{r}"].value.startswith("Bà Nguyễn Thúy Hà")      # the output's collector (Phụ lục 2)


# --------------------------------------------------------------------------- round trip
def test_round_trip_gives_back_every_value(filled):
    folder, values = filled
    result = run_progress([folder])
    assert len(result.reports) == len(values)
    for code, expected in values.items():
        r = result.reports[code]
        assert STATUSES[r.status] == expected["status"], code
        assert (r.percent, r.disbursed) == (expected["percent"], expected["disbursed"]), code
        assert (r.evidence, r.difficulties, r.proposals) == (expected["evidence"], expected["difficulties"],
                                                               expected["proposals"]), code
    codes = {f.code for f in result.findings}
    assert not codes & {"disbursed-over-plan", "status-percent-mismatch", "return-missing", "report-missing",
                        "done-without-evidence", "progress-value-invalid", "overdue"}, codes
    data = result.to_json()
    assert data["period"] == {"code": "6-thang", "start": "2018-01-01", "end": "2018-06-30"}
    assert data["completion"]["done"] == sum(v["status"] == "Đã hoàn thành" for v in values.values())
    assert data["disbursement"]["disbursed"] == pytest.approx(sum(v["disbursed"] for v in values.values()))
    assert data["completion"]["total"] == 74 and 0 <= data["completion"]["rate"] <= 1


def test_the_workbook_totals_equal_the_json(filled, tmp_path):
    result = run_progress([filled[0]])
    out = write_progress_book(result, tmp_path / "tien-do.xlsx")
    book = openpyxl.load_workbook(out, data_only=True)
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=7, max_row=20, max_col=2, values_only=True)}
    data = result.to_json()
    assert summary["Tổng số hoạt động của kế hoạch"] == data["completion"]["total"]
    assert summary["Đã hoàn thành"] == data["completion"]["done"]
    assert summary["Tỷ lệ hoàn thành kế hoạch"] == pytest.approx(data["completion"]["rate"])
    assert summary["Kinh phí đã giải ngân lũy kế (triệu đồng)"] == pytest.approx(data["disbursement"]["disbursed"])
    assert summary["Ngân sách dự kiến (triệu đồng)"] == pytest.approx(data["disbursement"]["planned"]) == 8000
    assert summary["Quá hạn (đến hết kỳ chưa hoàn thành)"] == len(data["overdue"])
    detail = book["Chi tiết"]
    assert [c.value for c in detail["A"][4:4 + 74]] == [a["code"] for a in data["activities"]]
    by_agency = {row[0]: row for row in book["Tổng hợp"].iter_rows(min_row=21, values_only=True) if row[0] in
                 data["completion"]["by_agency"]}
    for agency, shape in data["completion"]["by_agency"].items():
        assert (by_agency[agency][1], by_agency[agency][2]) == (shape["total"], shape["done"]), agency
        assert by_agency[agency][9] == pytest.approx(data["disbursement"]["by_agency"][agency]["disbursed"])
    with __import__("zipfile").ZipFile(out) as archive:
        assert sum(name.startswith("xl/charts/chart") for name in archive.namelist()) == 2


# --------------------------------------------------------------------------- the checks, one defect each
@pytest.fixture()
def folder(filled, tmp_path):
    target = tmp_path / "returns"
    shutil.copytree(filled[0], target)
    return target


def _only(path: Path, code: str, **values) -> None:
    fill(path, {code: values})


def _file(folder: Path, agency_slug: str) -> Path:
    return folder / f"cchc-2018-tien-do-6-thang-{agency_slug}.xlsx"


def _found(result, code: str) -> list[tuple]:
    return [(f.agency, f.row_code, f.cell, f.found, f.expected) for f in result.findings if f.code == code]


def test_disbursed_over_plan_is_found_at_its_cell(folder):
    _only(_file(folder, "so-tu-phap"), "1.1.3", disbursed="15,5")          # text, Vietnamese notation
    result = run_progress([folder])
    assert _found(result, "disbursed-over-plan") == [("Sở Tư pháp", "1.1.3", "J11", "15,5", "15")]


def test_disbursed_decreased_against_the_previous_period(filled, folder, tmp_path):
    previous = write_progress_book(run_progress([filled[0]]), tmp_path / "quy-truoc.xlsx")
    before = filled[1]["6.2.1"]["disbursed"]
    _only(_file(folder, "so-thong-tin-va-truyen-thong"), "6.2.1", disbursed=before - 1)
    result = run_progress([folder], previous_path=previous)
    assert before == 1559.2
    assert _found(result, "disbursed-decreased") == [("Sở Thông tin và Truyền thông", "6.2.1", "J11", "1.558,2",
                                                      "1.559,2")]


def test_done_without_evidence(folder):
    _only(_file(folder, "so-noi-vu"), "3.2.1", status="Đã hoàn thành", percent=100, evidence=None)
    assert [f[1] for f in _found(run_progress([folder]), "done-without-evidence")] == ["3.2.1"]


@pytest.mark.parametrize("values, reason", [
    ({"status": "Đã hoàn thành", "percent": 80, "evidence": "BC 1"}, "80%"),
    ({"status": "Chưa triển khai", "percent": 30, "disbursed": 0}, "30%"),
    ({"status": "Chưa triển khai", "percent": 0, "disbursed": 0.5}, "0,5"),
])
def test_status_percent_mismatch(folder, values, reason):
    _only(_file(folder, "so-tu-phap"), "1.2.2", **values)
    result = run_progress([folder])
    found = [f for f in result.findings if f.code == "status-percent-mismatch"]
    assert [f.row_code for f in found] == ["1.2.2"] and reason in found[0].message("vi")


def test_overdue_when_the_end_month_is_past_and_not_done(folder):
    _only(_file(folder, "so-tu-phap"), "1.1.3", status="Đang thực hiện", percent=50)      # ends in June
    _only(_file(folder, "so-tu-phap"), "1.1.1", status="Đang thực hiện", percent=50)      # ends in December
    result = run_progress([folder])
    assert [(f[1], f[4]) for f in _found(result, "overdue")] == [("1.1.3", "Tháng 06")]
    assert result.to_json()["overdue"] == ["1.1.3"]


def test_report_missing_names_the_collector(folder):
    _only(_file(folder, "so-tu-phap"), "1.1.1", status=None)
    found = _found(run_progress([folder]), "report-missing")
    assert [(a, c) for a, c, *_ in found] == [("Sở Tư pháp", "1.1.1")]
    assert found[0][4].startswith("Bà Nguyễn Thúy Hà")


def test_a_missing_agency_is_return_missing_and_its_due_activities_report_missing(folder):
    _file(folder, "so-tai-chinh").unlink()
    result = run_progress([folder])
    assert _found(result, "return-missing") == [("Sở Tài chính", "", "", "2", "")]
    assert [f[1] for f in _found(result, "report-missing")] == ["5.1.1", "5.2.1"]
    missing = result.to_json()["reports_missing"]
    assert [(m["code"], m["agency"]) for m in missing] == [("5.1.1", "Sở Tài chính"), ("5.2.1", "Sở Tài chính")]
    assert missing[0]["collector"].startswith("Ông Phan Văn Hùng")      # task 5's collector, inherited


# --------------------------------------------------------------------------- reading tolerance
def test_a_resent_return_the_one_saved_last_is_used(folder, tmp_path):
    original = _file(folder, "so-khoa-hoc-va-cong-nghe")
    resent = folder / "lan-2" / "so-khcn-gui-lai.xlsx"
    resent.parent.mkdir()
    fill(original, {"6.3.1": {"percent": 77}}, resent)
    stamp(original, dt.datetime(2018, 7, 5, 8, 0))           # the copy in the folder's root is the older one
    stamp(resent, dt.datetime(2018, 7, 6, 8, 0))
    result = run_progress([folder])
    assert [(f.code, f.file) for f in result.findings if f.code == "duplicate-return"] == \
        [("duplicate-return", original.name)]
    assert result.reports["6.3.1"].percent == 77


def test_lock_files_own_outputs_and_broken_files_are_named_not_raised(folder, filled):
    (folder / "~$cchc-2018-tien-do-6-thang-so-noi-vu.xlsx").write_bytes(b"lock")
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    write_progress_book(run_progress([filled[0]]), folder / "tong-hop-ky-truoc.xlsx")
    result = run_progress([folder])
    by_file = {f.file: f.code for f in result.findings if f.code.startswith("file-")}
    assert by_file["~$cchc-2018-tien-do-6-thang-so-noi-vu.xlsx"] == "file-skipped"
    assert by_file["hong.xlsx"] == "file-unreadable"
    assert by_file["tong-hop-ky-truoc.xlsx"] == "file-skipped"
    assert not [f for f in result.findings if f.code == "return-missing"]


def test_without_metadata_a_return_is_matched_by_its_rows(folder):
    path = _file(folder, "van-phong-ubnd-tinh")
    book = openpyxl.load_workbook(path)
    del book["_cchc_meta"]
    book.save(path)
    result = run_progress([folder], period_code="h1")
    ret = next(r for r in result.returns if r.path == path)
    assert (ret.agency, ret.matched_by) == ("Văn phòng UBND tỉnh", "content")
    assert not [f for f in result.findings if f.code == "return-missing"]


def test_invalid_values_are_findings_at_their_cells(folder):
    _only(_file(folder, "so-tu-phap"), "1.2.3", percent="nhiều", status="Gần xong")
    result = run_progress([folder])
    invalid = [(f.cell, f.found) for f in result.findings if f.code == "progress-value-invalid"]
    assert sorted(invalid) == [("H15", "Gần xong"), ("I15", "nhiều")]


def test_a_plan_template_is_not_a_progress_return(folder, seed_plan, tmp_path):
    from cchc_xlsx.templates import TemplateOptions, write_templates
    plan_templates = write_templates(seed_plan, tmp_path / "ke-hoach", TemplateOptions(generated_at=FIXED))
    shutil.copy(plan_templates[0], folder / "nham-bieu-mau.xlsx")
    result = run_progress([folder])
    assert [f.file for f in result.findings if f.code == "progress-table-missing"] == ["nham-bieu-mau.xlsx"]


def test_a_return_of_another_period_is_said(folder, seed_plan, tmp_path):
    q1 = write_progress_templates(seed_plan, period("q1", 2018), tmp_path / "q1", ProgressTemplateOptions(generated_at=FIXED))
    target = _file(folder, "so-noi-vu")
    shutil.copy(next(p for p in q1 if p.name.endswith("so-noi-vu.xlsx")), target)
    result = run_progress([folder], period_code="6-thang")
    assert _found(result, "progress-period-mismatch") == [("Sở Nội vụ", "", "", "quy-1", "6-thang")]


# --------------------------------------------------------------------------- the command line
def test_cli_json_equals_the_api_and_exit_codes(filled, tmp_path, capsys):
    folder = filled[0]
    code = main(["progress", str(folder), "-o", str(tmp_path / "t.xlsx"), "--json"])
    data = json.loads(capsys.readouterr().out)
    api = run_progress([folder]).to_json()
    assert code == 0
    assert {k: v for k, v in data.items() if k not in ("output", "pdf")} == api
    assert main(["progress", str(folder), "--period", "quy-5", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "quy-1, 6-thang, 9-thang, nam" in capsys.readouterr().err
    assert main(["progress", str(tmp_path / "khong-co")]) == 2


def test_cli_templates_prefilled_from_the_previous_workbook(filled, tmp_path, capsys):
    previous = tmp_path / "tien-do-6-thang.xlsx"
    assert main(["progress", str(filled[0]), "-o", str(previous)]) == 0
    out = tmp_path / "9-thang"
    assert main(["progress-templates", "--period", "9m", "--previous", str(previous), "-o", str(out)]) == 0
    assert "9 tháng" in capsys.readouterr().out
    path = out / "cchc-2018-tien-do-9-thang-so-tu-phap.xlsx"
    ws = openpyxl.load_workbook(path)["Tiến độ"]
    row = activity_rows(path)["1.1.1"]
    expected = filled[1]["1.1.1"]
    assert (ws[f"H{row}"].value, ws[f"I{row}"].value, ws[f"J{row}"].value) == \
        (expected["status"], expected["percent"], expected["disbursed"])


def test_cli_help_in_both_languages(capsys):
    for lang, word in (("vi", "kỳ báo cáo"), ("en", "period")):
        try:
            code = main(["progress", "--help", "--lang", lang])
        except SystemExit as stop:          # argparse's own way out of --help
            code = stop.code
        assert code in (0, None) and word in capsys.readouterr().out


def test_the_period_comes_from_the_templates_or_must_be_given(folder, seed_plan, tmp_path, capsys):
    assert run_progress([folder]).period.code == "6-thang"                 # every template says 6-thang
    q1 = write_progress_templates(seed_plan, period("q1", 2018), tmp_path / "q1", ProgressTemplateOptions(generated_at=FIXED))
    shutil.copy(q1[0], folder / "quy-1.xlsx")
    assert main(["progress", str(folder), "-o", str(tmp_path / "x.xlsx"), "--lang", "en"]) == 2
    assert "Add --period" in capsys.readouterr().err


def test_locked_cells_typed_over_are_said_and_the_plan_stays(folder):
    path = _file(folder, "so-tu-phap")
    _only(path, "1.1.3", content="Tổ chức hội nghị (đã đổi)", planned=50)
    result = run_progress([folder])
    changed = [(f.cell, f.field, f.expected, f.found) for f in result.findings if f.code == "locked-cell-changed"]
    assert [c[:2] for c in changed] == [("B11", "content"), ("D11", "planned")] and changed[1][2:] == ("15", "50")
    row = next(r for r in result.rows() if r["code"] == "1.1.3")
    assert row["planned"] == 15 and row["content"] != "Tổ chức hội nghị (đã đổi)"


def test_two_runs_write_the_same_workbook(filled, tmp_path):
    first = write_progress_book(run_progress([filled[0]]), tmp_path / "a.xlsx").read_bytes()
    second = write_progress_book(run_progress([filled[0]]), tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_a_percent_typed_with_a_percent_sign_is_read_as_meant(folder):
    path = _file(folder, "so-tu-phap")
    book = openpyxl.load_workbook(path)
    ws = book["Tiến độ"]
    row = activity_rows(path)["1.2.2"]
    ws[f"I{row}"].value, ws[f"I{row}"].number_format = 0.8, "0%"      # what Excel stores for «80%»
    book.save(path)
    result = run_progress([folder])
    assert result.reports["1.2.2"].percent == 80
    assert [(f.cell, f.found, f.expected) for f in result.findings if f.code == "progress-percent-format"] == \
        [(f"I{row}", "80%", "80")]


def test_a_previous_file_without_a_progress_table_is_unusable_input(filled, tmp_path, capsys):
    plan = tmp_path / "nham.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx",
                plan)
    assert main(["progress", str(filled[0]), "--previous", str(plan), "-o", str(tmp_path / "x.xlsx"),
                 "--lang", "en", "--json"]) == 2
    captured = capsys.readouterr()
    assert "no progress table" in captured.err
    assert json.loads(captured.out)["error"]["file"].endswith("nham.xlsx")


def test_cli_templates_with_a_password(tmp_path):
    assert main(["progress-templates", "--period", "q1", "--password", "cchc", "-o", str(tmp_path)]) == 0
    ws = openpyxl.load_workbook(tmp_path / "cchc-2018-tien-do-quy-1-so-tu-phap.xlsx")["Tiến độ"]
    assert ws.protection.sheet and ws.protection.password
