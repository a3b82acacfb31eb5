"""The seed decision's real defects, and no invented ones, as findings of `read`."""

from __future__ import annotations

from collections import Counter

from cchc_xlsx import CODES, findings_frame


def codes_at(plan, code):
    return [f.row_code for f in plan.findings if f.code == code]


def test_frequency_invalid_on_task_1(seed_plan):
    [finding] = [f for f in seed_plan.findings if f.code == "frequency-invalid"]
    assert (finding.row_code, finding.sheet, finding.cell, finding.found) == (
        "1", "Phụ lục 2", "E6", "Công thông tin điện tử của tỉnh")
    assert finding.severity == "error"


def test_frequency_missing_rows_named_and_inheritance_said(seed_plan):
    missing = {f.row_code: f for f in seed_plan.findings if f.code == "frequency-missing"}
    assert sorted(missing, key=lambda c: [int(p) for p in c.split(".")]) == [
        "1.3.1", "1.3.2", "1.3.3", "1.3.4", "4.1.1", "5.1", "5.1.1", "5.2", "5.2.1", "6", "7"]
    assert missing["1.3.1"].severity == "info"
    assert "1.3: Thường xuyên" in missing["1.3.1"].message()
    assert "Hàng quý" in missing["5.1.1"].message()          # from task 5, two levels up
    assert missing["6"].severity == missing["7"].severity == "warning"


def test_budget_missing(seed_plan):
    assert codes_at(seed_plan, "budget-missing") == ["4.3.2", "6.3.4", "6.3.5", "6.3.6", "6.3.7"]


def test_month_missing_but_on_request_is_an_answer(seed_plan):
    assert codes_at(seed_plan, "month-missing") == ["1.2.1", "1.3.1", "1.3.3", "3.1.1", "4.3.2"]
    [end_only] = [f for f in seed_plan.findings if f.code == "month-missing" and f.row_code == "3.1.1"]
    assert end_only.message() == "Hoạt động 3.1.1 chưa có tháng kết thúc."
    assert end_only.message("en") == "Activity 3.1.1 has no end month."


def test_agency_typos_corrected(seed_plan):
    corrected = Counter((f.found, f.expected) for f in seed_plan.findings if f.code == "agency-corrected")
    assert corrected[("Sơ Tư pháp", "Sở Tư pháp")] == 8
    assert corrected[("Sơ Khoa học và Công nghệ", "Sở Khoa học và Công nghệ")] == 8
    assert corrected[("Công Thông tin điện tử của tỉnh", "Cổng Thông tin điện tử tỉnh")] == 1
    assert corrected[("Các cơ. ban, ngành", "Các sở, ban, ngành")] == 1
    assert all(f.severity == "info" for f in seed_plan.findings if f.code == "agency-corrected")


def test_the_decision_adds_up(seed_plan):
    assert not codes_at(seed_plan, "subtotal-mismatch")
    assert not codes_at(seed_plan, "total-mismatch")
    assert not codes_at(seed_plan, "allocation-mismatch")


def test_no_invented_findings(seed_plan):
    assert set(f.code for f in seed_plan.findings) == {
        "frequency-invalid", "frequency-missing", "budget-missing", "month-missing", "agency-corrected"}


def test_findings_frame_columns_and_order(seed_plan):
    frame = findings_frame(seed_plan.findings, lang="en")
    assert list(frame.columns) == ["code", "severity", "agency", "file", "sheet", "cell", "row_code", "message",
                                   "expected", "found"]
    assert frame["severity"].tolist() == sorted(frame["severity"], key=["error", "warning", "info"].index)
    assert frame.loc[0, "message"].startswith("Invalid frequency in row 1")


def test_every_code_has_both_messages():
    for code, (severity, vi, en) in CODES.items():
        assert severity in ("error", "warning", "info"), code
        assert vi and en and vi != en, code
