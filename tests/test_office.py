"""Tests for cchc_xlsx.office (headless LibreOffice: recalculation and PDF printing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from cchc_xlsx import office
from cchc_xlsx.office import OfficeError, OfficeNotFound, convert, find_soffice, recalculated_copy, to_pdf

pytestmark = pytest.mark.libreoffice

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
SOFFICE = find_soffice()

if SOFFICE is None and not IN_CI:
    pytest.skip(
        "LibreOffice not found (apt-get install libreoffice-calc-nogui); "
        "with CI set this is a failure, not a skip",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _require_soffice():
    """In CI a missing LibreOffice fails every test here: .ci/run must install it."""
    if SOFFICE is None:
        pytest.fail(f"CI is set but {office.INSTALL_HINT}", pytrace=False)


def _wrong_cache_workbook(path: Path) -> Path:
    """A1=2, A2=3, A3=SUM(A1:A2) whose cached result is deliberately wrong (99)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write("A1", 2)
    ws.write("A2", 3)
    ws.write_formula("A3", "=SUM(A1:A2)", None, 99)
    wb.close()
    return path


def _a3(path: Path):
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return wb.active["A3"].value
    finally:
        wb.close()


def test_recalc_switch(tmp_path):
    src = _wrong_cache_workbook(tmp_path / "wrong.xlsx")
    assert _a3(src) == 99

    kept = convert(src, office.XLSX_FILTER, tmp_path / "plain", recalc=False)
    assert kept == (tmp_path / "plain" / "wrong.xlsx").resolve()
    assert _a3(kept) == 99, "without recalc LibreOffice should keep the cached value"

    out = recalculated_copy(src, tmp_path / "out" / "fixed.xlsx")
    assert out == tmp_path / "out" / "fixed.xlsx"
    assert _a3(out) == 5, "recalc=True must recompute SUM(A1:A2)"
    assert _a3(src) == 99, "the source file must not be touched"


def test_to_pdf_vietnamese(tmp_path):
    text = "Sở Nội vụ — Đắk Lắk"
    src = tmp_path / "vn.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("Báo cáo")
    ws.set_column("A:A", 40)
    ws.write("A1", text)
    ws.write("A2", 1000)
    ws.write_formula("A3", "=A2*2")  # xlsxwriter caches 0; the PDF must show 2000
    wb.close()

    pdf = to_pdf(src)
    assert pdf == src.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")

    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        out = unicodedata.normalize("NFC", out)
        assert unicodedata.normalize("NFC", "Đắk Lắk") in out, out
        assert "2000" in out.replace(",", "").replace(".", ""), out


def test_to_pdf_explicit_path(tmp_path):
    src = _wrong_cache_workbook(tmp_path / "book.xlsx")
    pdf = to_pdf(src, tmp_path / "print" / "ban-in.pdf")
    assert pdf == tmp_path / "print" / "ban-in.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert not (tmp_path / "book.pdf").exists()


def test_unknown_format_raises_office_error(tmp_path):
    src = _wrong_cache_workbook(tmp_path / "book.xlsx")
    with pytest.raises(OfficeError, match="book.xlsx"):
        convert(src, "nosuchformat", tmp_path / "out")


def test_office_not_found_names_package(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    src = _wrong_cache_workbook(tmp_path / "book.xlsx")
    with pytest.raises(OfficeNotFound, match="libreoffice-calc-nogui"):
        to_pdf(src)
