"""LibreOffice judges the consolidated workbook: it recalculates every total, follows an edit, prints it."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import office
from cchc_xlsx.office import find_soffice, recalculated_copy
from cchc_xlsx.printing import print_pdf
from cchc_xlsx.result import consolidation_from_plan
from cchc_xlsx.write import write_workbook

pytestmark = pytest.mark.libreoffice

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
SOFFICE = find_soffice()

if SOFFICE is None and not IN_CI:
    pytest.skip("LibreOffice not found (apt-get install libreoffice-calc-nogui); "
                "with CI set this is a failure, not a skip", allow_module_level=True)


@pytest.fixture(autouse=True)
def _require_soffice():
    if SOFFICE is None:
        pytest.fail(f"CI is set but {office.INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def written(seed_plan, bundled_path, tmp_path_factory) -> Path:
    return write_workbook(consolidation_from_plan(seed_plan, bundled_path),
                          tmp_path_factory.mktemp("lo") / "tong-hop.xlsx")


def _row(ws, label: str, column: str = "A") -> int:
    return next(c.row for c in ws[column] if c.value == label)


def _dong(value) -> int:
    return round(value * 1_000_000)


def _formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    cells = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.data_type == "f"}
    wb.close()
    return cells


def test_libreoffice_recalculates_every_total_to_the_pandas_value(written, seed_plan, tmp_path):
    recalculated = recalculated_copy(written, tmp_path / "recalc.xlsx")
    cached = openpyxl.load_workbook(written, data_only=True)
    fresh = openpyxl.load_workbook(recalculated, data_only=True)
    formulas = _formula_cells(written)
    assert len(formulas) > 100
    for (sheet, cell), formula in formulas.items():
        mine, theirs = cached[sheet][cell].value, fresh[sheet][cell].value
        if isinstance(mine, (int, float)):
            assert isinstance(theirs, (int, float)), (sheet, cell, formula, theirs)
            assert round(mine, 6) == round(theirs, 6), (sheet, cell, formula, mine, theirs)
        else:
            assert (mine or "") == (theirs or ""), (sheet, cell, formula, mine, theirs)

    # …and what LibreOffice computes is what pandas computes, to the đồng.
    p1 = fresh["Phụ lục 1"]
    acts = seed_plan.activities.assign(dong=seed_plan.activities["budget"].fillna(0).mul(1e6).round().astype("int64"))
    for code, total in acts.groupby("parent_code")["dong"].sum().items():
        assert _dong(p1[f"G{_row(p1, f'Kết quả đầu ra {code}')}"].value) == total, code
    for code, total in acts.groupby(acts["code"].str.split(".").str[0])["dong"].sum().items():
        assert _dong(p1[f"G{_row(p1, f'NHIỆM VỤ {code}')}"].value) == total, code
    assert _dong(p1[f"G{_row(p1, 'Tổng cộng')}"].value) == acts["dong"].sum() == 8_000_000_000
    by_agency = acts.groupby("funded_agency")["dong"].sum()
    for agency in seed_plan.allocation["agency"]:
        row = _row(p1, agency, "B")
        assert _dong(p1[f"G{row}"].value) == by_agency[agency], agency
        assert p1[f"I{row}"].value == 0, agency
    summary = fresh["Tổng hợp"]
    assert summary[f"C{_row(summary, 'Tổng kinh phí (triệu đồng)')}"].value == 8000
    cached.close()
    fresh.close()


def test_an_edited_budget_moves_every_total(written, tmp_path):
    edited = tmp_path / "sua.xlsx"
    wb = openpyxl.load_workbook(written)
    p1 = wb["Phụ lục 1"]
    row = _row(p1, "Hoạt động 6.2.1")
    assert p1[f"G{row}"].value == 1949
    p1[f"G{row}"].value = 2000                       # +51 triệu đồng for the Sở Thông tin và Truyền thông
    wb.save(edited)                                  # openpyxl keeps the formulas, drops every cached value
    fresh = openpyxl.load_workbook(recalculated_copy(edited, tmp_path / "sua-recalc.xlsx"), data_only=True)
    p1 = fresh["Phụ lục 1"]
    assert p1[f"G{_row(p1, 'Kết quả đầu ra 6.2')}"].value == 4470 + 51
    assert p1[f"G{_row(p1, 'NHIỆM VỤ 6')}"].value == 6170 + 51
    assert p1[f"G{_row(p1, 'Tổng cộng')}"].value == 8000 + 51
    line = _row(p1, "Sở Thông tin và Truyền thông", "B")
    assert [p1[f"{c}{line}"].value for c in "GHI"] == [3470 + 51, 3470, 51]
    assert p1[f"I{_row(p1, 'Sở Nội vụ', 'B')}"].value == 0
    summary = fresh["Tổng hợp"]
    total = _row(summary, "Tổng kinh phí (triệu đồng)")
    assert summary[f"C{total}"].value == 8051
    assert summary[f"C{total + 1}"].value == 8_051_000_000
    assert "chưa được cập nhật" in summary[f"A{total + 3}"].value      # the words no longer match
    agency = _row(summary, "Sở Thông tin và Truyền thông", "B")
    assert [summary[f"{c}{agency}"].value for c in "CDE"] == [3521, 3470, 51]
    task = next(r for r in range(1, 40) if summary[f"A{r}"].value == "6")
    assert summary[f"C{task}"].value == 6221
    fresh.close()


# --------------------------------------------------------------------------- the PDF
@pytest.fixture(scope="module")
def pdf(written) -> Path:
    return print_pdf(written)


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    texts = []
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        texts.append(unicodedata.normalize("NFC", text))
    return texts


needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")) and not IN_CI,
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


@needs_poppler
def test_pdf_pages_render_and_phu_luc_1_repeats_its_header(pdf, tmp_path):
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = _pages(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pages) and all(p.stat().st_size > 1000 for p in pngs)

    # The page header starts with the sheet's name (&A), then the plan's title.
    sheets = [page.strip().split("  ")[0] for page in pages]
    appendix = [page for page, sheet in zip(pages, sheets) if sheet == "Phụ lục 1"]
    assert len(appendix) >= 5
    for number, page in enumerate(appendix, start=1):
        assert "Kế hoạch CCHC tỉnh Đắk Lắk năm 2018 (Quyết định 3598/QĐ-UBND)" in page
        # every column header, the last one included: the header repeats and nothing is cut off
        for words in ("STT", "Nội dung công việc", "Tài liệu kiểm chứng", "Từ tháng", "Đến", "Ngân sách",
                      "chủ trì", "phối hợp", "Đơn vị được"):
            assert words in page, (number, words)
    assert "Tổng cộng" in appendix[-1] and "8.000,0" in appendix[-1]
    assert sheets[0] == "Tổng hợp" and sheets[-1] == "Nguồn"
    assert set(sheets) == {"Tổng hợp", "Phụ lục 1", "Phụ lục 2", "Lịch theo dõi", "Tiến độ", "Kiểm tra", "Nguồn"}


@needs_poppler
def test_pdf_has_vietnamese_text_a_serif_font_and_the_charts(pdf):
    text = "\n".join(_pages(pdf))
    for words in ("Đắk Lắk", "Phụ lục", "NHIỆM VỤ", "Kết quả đầu ra", "Tám tỷ đồng", "Tiến độ"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts.replace(" ", ""), fonts
    # LibreOffice drew the two charts: their titles and axis labels are text in the PDF. A chart's
    # text is placed glyph by glyph, and pdftotext may put spaces inside its words ("đơn v ị"):
    # compare without spaces.
    first = "".join(_pages(pdf)[0].split())
    for words in ("Ngân sách theo đơn vị (triệu đồng)", "Ngân sách theo nhiệm vụ (triệu đồng)", "Phân bổ theo Quyết định"):
        assert "".join(words.split()) in first, words
