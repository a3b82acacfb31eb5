"""The bundled progress sample (6 tháng 2018): its findings equal the reviewed golden, each planted defect once."""

from __future__ import annotations

import csv
from pathlib import Path

from cchc_xlsx.pipeline import bundled_plan_path
from cchc_xlsx.progress.job import run_progress

SAMPLE = bundled_plan_path().parent / "progress-6-thang"
GOLDEN = Path(__file__).parent / "golden" / "progress-6-thang-findings.csv"
COLUMNS = ["code", "severity", "agency", "file", "sheet", "cell", "row_code", "expected", "found"]


def test_the_sample_findings_equal_the_golden():
    result = run_progress([SAMPLE])
    found = [[getattr(f, name) for name in COLUMNS] for f in result.findings]
    with GOLDEN.open(encoding="utf-8") as handle:
        golden = [row for row in csv.reader(handle)][1:]
    assert found == golden


def test_each_planted_defect_and_the_figures():
    result = run_progress([SAMPLE])
    codes = sorted(f.code for f in result.findings)
    assert codes == sorted(["file-skipped", "duplicate-return", "return-missing", "report-missing", "report-missing", "overdue",
                            "disbursed-over-plan", "done-without-evidence"])
    assert [f.file for f in result.findings if f.code == "file-skipped"] == ["README.md"]   # not a return: said
    data = result.to_json()
    assert data["returns"]["expected"] == 8 and data["returns"]["received"] == 7
    assert data["overdue"] == ["4.5.1"]
    assert data["reports_missing"] == [{"code": c, "agency": "Sở Tài chính", "collector": data["reports_missing"][0]
                                        ["collector"]} for c in ("5.1.1", "5.2.1")]
    khcn = next(r for r in result.returns if r.agency == "Sở Khoa học và Công nghệ")
    assert (khcn.status, khcn.rows_read) == ("read", 6)                  # saved by LibreOffice, read whole
    assert result.reports["6.2.5"].status == "done"                       # the resent return's value
    assert result.reports["2.2.4"].disbursed == 45.5                      # «45,5» typed as text
