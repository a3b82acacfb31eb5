"""LibreOffice judges the consolidated workbook of the bundled sample returns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.office import recalculated_copy
from cchc_xlsx.printing import print_pdf
from cchc_xlsx.write import write_workbook

pytestmark = pytest.mark.libreoffice

RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"


@pytest.fixture(scope="module")
def consolidated(libreoffice, tmp_path_factory):
    result = consolidate([RETURNS])
    out = write_workbook(result, tmp_path_factory.mktemp("tong-hop") / "tong-hop.xlsx")
    return result, out


def _row(ws, label: str, column: str = "A") -> int:
    return next(c.row for c in ws[column] if c.value == label)


def _dong(value) -> int:
    return round((value or 0) * 1_000_000)


def test_libreoffice_totals_equal_the_pandas_totals(consolidated, tmp_path):
    result, written = consolidated
    fresh = openpyxl.load_workbook(recalculated_copy(written, tmp_path / "recalc.xlsx"), data_only=True)
    cached = openpyxl.load_workbook(written, data_only=True)
    formulas = openpyxl.load_workbook(written)
    count = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    mine, theirs = cached[ws.title][cell.coordinate].value, fresh[ws.title][cell.coordinate].value
                    if isinstance(mine, (int, float)):
                        assert round(mine, 6) == round(theirs, 6), (ws.title, cell.coordinate, cell.value)
                    count += 1
    assert count > 100
    p1 = fresh["Phụ lục 1"]
    activities = result.plan.activities
    dong = activities["budget"].fillna(0).mul(1e6).round().astype("int64")
    for code, total in dong.groupby(activities["parent_code"]).sum().items():
        assert _dong(p1[f"G{_row(p1, f'Kết quả đầu ra {code}')}"].value) == total, code
    tasks = activities["code"].str.split(".").str[0]
    for code, total in dong.groupby(tasks).sum().items():
        assert _dong(p1[f"G{_row(p1, f'NHIỆM VỤ {code}')}"].value) == total, code
    assert _dong(p1[f"G{_row(p1, 'Tổng cộng')}"].value) == dong.sum() == 7_885_500_000
    by_agency = dong.groupby(activities["funded_agency"]).sum()
    for agency in result.plan.allocation["agency"]:
        assert _dong(p1[f"G{_row(p1, agency, 'B')}"].value) == by_agency.get(agency, 0), agency
    line = _row(p1, "Sở Nội vụ", "B")
    assert p1[f"I{line}"].value == pytest.approx(2010 - 2050)      # the difference the agency has to explain


def test_the_pdf_of_the_bundled_consolidation(consolidated, tmp_path):
    _, written = consolidated
    pdf = print_pdf(written, tmp_path / "tong-hop.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    subprocess.run(["pdftoppm", "-r", "15", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == pages > 10
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Chưa nhận được báo cáo của Cổng Thông tin điện tử tỉnh" in text
    assert "so-khcn-ban-sao.xlsx" in text


def test_two_runs_write_the_same_workbook(tmp_path):
    first = write_workbook(consolidate([RETURNS]), tmp_path / "a.xlsx")
    second = write_workbook(consolidate([RETURNS]), tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
