"""LibreOffice judges the progress workbook: after it recalculates, every total equals the JSON's; it prints."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from cchc_xlsx.office import recalculated_copy
from cchc_xlsx.pipeline import bundled_plan_path
from cchc_xlsx.printing import print_pdf
from cchc_xlsx.progress.job import run_progress
from cchc_xlsx.write.progress_book import write_progress_book

pytestmark = pytest.mark.libreoffice

SAMPLE = bundled_plan_path().parent / "progress-6-thang"


def _round_trip_returns(folder):
    """Every template of the half-year filled with known values by script (tests/test_progress.py)."""
    from progress_helpers import fill
    from test_progress import FIXED, _known_values

    from cchc_xlsx.periods import period
    from cchc_xlsx.pipeline import read_plan
    from cchc_xlsx.progress.template import ProgressTemplateOptions, write_progress_templates

    plan = read_plan(bundled_plan_path())
    when = period("6-thang", plan.year)
    values = _known_values(plan, when)
    returns = folder / "returns"
    returns.mkdir()
    for path in write_progress_templates(plan, when, folder / "blank", ProgressTemplateOptions(generated_at=FIXED)):
        fill(path, values, returns / path.name)
    return returns


@pytest.fixture(scope="module", params=["sample", "round-trip"])
def written(libreoffice, tmp_path_factory, request):
    folder = SAMPLE if request.param == "sample" else _round_trip_returns(tmp_path_factory.mktemp("filled"))
    result = run_progress([folder])
    assert {ret.status for ret in result.returns} <= {"read", "skipped", "superseded"} and len(result.received()) == \
        (7 if request.param == "sample" else 8)
    return result, write_progress_book(result, tmp_path_factory.mktemp("tien-do") / "tien-do.xlsx")


def test_libreoffice_recalculates_every_formula_to_the_cached_value(written, tmp_path):
    result, path = written
    fresh = openpyxl.load_workbook(recalculated_copy(path, tmp_path / "recalc.xlsx"), data_only=True)
    cached = openpyxl.load_workbook(path, data_only=True)
    count = 0
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    mine, theirs = cached[ws.title][cell.coordinate].value, fresh[ws.title][cell.coordinate].value
                    assert round(mine, 6) == round(theirs, 6), (ws.title, cell.coordinate, cell.value, mine, theirs)
                    count += 1
    assert count > 150
    summary = {row[0]: row[1] for row in fresh["Tổng hợp"].iter_rows(min_row=7, max_row=20, max_col=2, values_only=True)}
    data = result.to_json()
    assert summary["Đã hoàn thành"] == data["completion"]["done"]
    assert summary["Tỷ lệ hoàn thành kế hoạch"] == pytest.approx(data["completion"]["rate"])
    assert summary["Kinh phí đã giải ngân lũy kế (triệu đồng)"] == pytest.approx(data["disbursement"]["disbursed"])
    assert summary["Tỷ lệ giải ngân"] == pytest.approx(data["disbursement"]["rate"])
    assert summary["Quá hạn (đến hết kỳ chưa hoàn thành)"] == len(data["overdue"])
    assert summary["Số đơn vị đã gửi báo cáo"] == data["returns"]["received"]


def test_the_pdf_of_the_progress_workbook(written, tmp_path):
    pdf = print_pdf(written[1], tmp_path / "tien-do.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2018" in text
    assert "CÁC HOẠT ĐỘNG QUÁ HẠN" in text and "Trang 1/" in text


def test_cli_progress_pdf(libreoffice, tmp_path, capsys):
    from cchc_xlsx.cli import main

    out = tmp_path / "tien-do.xlsx"
    assert main(["progress", str(SAMPLE), "-o", str(out), "--pdf", "--lang", "en"]) == 1    # the sample has errors
    printed = capsys.readouterr().out
    assert "7/8 returns received" in printed and f"PDF: {out.with_suffix('.pdf')}" in printed
    text = subprocess.run(["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    # --lang en: the workbook's labels are English; the quốc hiệu stays as Decree 30/2020 writes it
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "DIRECTOR OF THE DEPARTMENT OF HOME AFFAIRS" in text
