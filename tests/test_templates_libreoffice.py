"""LibreOffice, a real spreadsheet program, opens every template and prints it."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from cchc_xlsx.office import to_pdf
from cchc_xlsx.templates import TemplateOptions, write_templates

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, seed_plan, libreoffice):
    out = tmp_path_factory.mktemp("templates-pdf")
    paths = write_templates(seed_plan, out, TemplateOptions(generated_at=dt.datetime(2018, 1, 2)))
    return {f"{path.stem}.pdf": to_pdf(path, out / f"{path.stem}.pdf") for path in paths}


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_every_template_opens_and_prints(pdfs):
    assert len(pdfs) == 9
    for name, pdf in pdfs.items():
        assert pdf.read_bytes()[:5] == b"%PDF-", name
        pages = _pages(pdf)
        assert len(pages) >= 3, name            # instructions, Phụ lục 1, Phụ lục 2


def test_headers_repeat_and_no_column_is_cut(pdfs):
    pages = _pages(pdfs["cchc-2018-toan-bo-ke-hoach.pdf"])
    # page 1: instructions; then Phụ lục 1 until the page where Phụ lục 2's title stands
    start_p2 = next(i for i, page in enumerate(pages) if "Phụ lục 2. BẢNG PHÂN CÔNG" in page)
    plan_pages = pages[1:start_p2]
    assert len(plan_pages) >= 5
    for page in plan_pages:
        # every page of Phụ lục 1 repeats the header, last column included (fit to one page wide)
        assert "Nội dung công việc" in page and "Đến tháng" in page and "phối hợp" in page
    for page in pages[start_p2:]:
        assert "Tần suất thu thập" in page and "Thu thập số liệu" in page
    text = "\n".join(pages)
    assert "HƯỚNG DẪN ĐIỀN BIỂU MẪU" in text and "Đắk Lắk" in text
    assert "Kết quả đầu ra 7.4" in text and "Tổng cộng" in text
