"""Feedback for the agency (issue 12 item 6): every finding worded for the agency (what to change, in
which cell) in both languages, a first block with its budget against its allocation (Điều 1), and a
first page that prints whole."""

from __future__ import annotations

import re
import string
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import messages
from cchc_xlsx.advice import ADVICE, advice
from cchc_xlsx.cli import main
from cchc_xlsx.feedback import FEEDBACK_SHEET, FILL_COLORS, AgencyTotal, write_feedback
from cchc_xlsx.findings import CODES, Finding

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "daklak-2018" / "returns"
VAN_PHONG, TU_PHAP = "cchc-2018-van-phong-ubnd-tinh.xlsx", "cchc-2018-so-tu-phap.xlsx"
#: What every finding's messages may use: its fields, Finding.message's defaults, and advice's {at}.
STANDARD = {"code", "severity", "agency", "file", "sheet", "cell", "row_code", "expected", "found", "reason",
            "inherit", "level", "table", "more", "field_label", "unit", "written_unit", "at"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --------------------------------------------------------------------------- the wording table
def test_every_finding_code_has_an_agency_wording_in_both_languages():
    assert set(ADVICE) == set(CODES)
    for code, (vi, en) in ADVICE.items():
        assert messages.CATALOGUE[f"feedback.{code}"] == (vi, en)
        assert vi.strip() and en.strip() and vi != en, code
        assert _fields(vi) == _fields(en), code
        # only values the finding carries: its standard fields, or params its own message uses
        own = _fields(CODES[code][1]) | _fields(CODES[code][2])
        assert _fields(vi) <= STANDARD | own | {"subtotal", "stated", "total", "value"}, (code, _fields(vi) - STANDARD - own)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_wording_renders_and_names_the_cell_it_is_about(code):
    params = {name: (f"«{name} vi»", f"«{name} en»") for name in
              (_fields(CODES[code][1]) | _fields(ADVICE[code][0])) - STANDARD}
    finding = Finding(code, agency="Sở Tư pháp", file="x.xlsx", sheet="Phụ lục 1", cell="G18", row_code="2.2.4",
                      expected="43", found="43000000", params=params)
    vi, en = advice(finding, "vi"), advice(finding, "en")
    assert "{" not in vi and "{" not in en
    assert vi != finding.message("vi")            # addressed to the agency, not the Sở's sentence
    if "{at}" in ADVICE[code][0]:
        assert "ô G18 của Phụ lục 1" in vi and "cell G18 of Phụ lục 1" in en


def test_the_unit_finding_tells_the_agency_what_to_type_where():
    finding = Finding("budget-unit", file="x.xlsx", sheet="Phụ lục 1", cell="G18", row_code="2.2.4",
                      expected="43", found="43000000", params={"reason": (" Tạm tính theo triệu đồng.", " Taken as million.")})
    assert "Tạm tính" in finding.message("vi")
    assert advice(finding, "vi") == "Sửa ô G18 của Phụ lục 1 thành 43 (triệu đồng): 43000000 có vẻ được ghi bằng đồng."
    assert advice(finding, "en") == "Change cell G18 of Phụ lục 1 to 43 (million đồng): 43000000 looks written in đồng."


def test_a_finding_without_a_cell_names_its_row_or_the_file():
    assert "dòng 1.2" in advice(Finding("budget-missing", row_code="1.2"), "vi")
    assert advice(Finding("far-cell", found="x"), "en").startswith("Clear the file")


def test_a_code_without_a_wording_falls_back_to_its_own_message(monkeypatch):
    monkeypatch.delitem(messages.CATALOGUE, "feedback.month-order")
    finding = Finding("month-order", row_code="1.1", found="Tháng 03", expected="Tháng 04")
    assert advice(finding, "vi") == finding.message("vi")


# --------------------------------------------------------------------------- check --feedback on the sample returns
@pytest.fixture(scope="module")
def feedback_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gop-y")
    code = main(["check", str(RETURNS / VAN_PHONG), str(RETURNS / TU_PHAP), "--feedback", str(out)])
    assert code == 1
    return out


def _sheet(feedback_dir: Path, name: str):
    return openpyxl.load_workbook(feedback_dir / name.replace(".xlsx", "-gop-y.xlsx"))


def _rows(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(1, 12) if ws.cell(r, 1).value}


def test_the_first_sheet_holds_the_agencys_budget_against_its_allocation(feedback_dir):
    ws = _sheet(feedback_dir, VAN_PHONG)[FEEDBACK_SHEET]
    rows = _rows(ws)
    assert "Kinh phí của Văn phòng UBND tỉnh (triệu đồng)" in rows
    budget = rows["Tổng ngân sách các hoạt động của đơn vị (kể cả hoạt động đề xuất mới)"]
    allocated = rows["Kinh phí được phân bổ theo Điều 1 Quyết định số 3598/QĐ-UBND"]
    difference = rows["Chênh lệch (ngân sách trừ phân bổ)"]
    # 2.2.4 written in đồng (43000000) is counted as 43 triệu: the agency's total is its allocation
    assert (ws.cell(budget, 7).value, ws.cell(allocated, 7).value, ws.cell(difference, 7).value) == (300, 300, 0)
    assert ws.cell(difference, 8).value == "Khớp với phân bổ."
    assert ws.cell(budget, 7).number_format.startswith("[$-42A]")


def test_an_agency_over_its_allocation_is_told_so(feedback_dir):
    ws = _sheet(feedback_dir, TU_PHAP)[FEEDBACK_SHEET]
    rows = _rows(ws)
    difference = rows["Chênh lệch (ngân sách trừ phân bổ)"]
    assert ws.cell(rows["Tổng ngân sách các hoạt động của đơn vị (kể cả hoạt động đề xuất mới)"], 7).value == \
        pytest.approx(150.5)                                        # 1.4.2 typed 10,5 where the plan had 10
    assert ws.cell(difference, 7).value == pytest.approx(0.5)
    assert ws.cell(difference, 8).value.startswith("Vượt phân bổ")
    assert ws.cell(difference, 7).fill.fgColor.rgb == FILL_COLORS["error"]


def test_the_list_and_the_comments_tell_the_agency_what_to_change(feedback_dir):
    book = _sheet(feedback_dir, VAN_PHONG)
    ws = book[FEEDBACK_SHEET]
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value == "STT")
    wording = {ws.cell(r, 9).value: ws.cell(r, 6).value for r in range(header + 1, ws.max_row + 1)}
    assert wording["budget-unit"] == "Sửa ô G18 của Phụ lục 1 thành 43 (triệu đồng): 43000000 có vẻ được ghi bằng đồng."
    assert wording["month-order"].startswith("Sửa ô F17 của Phụ lục 1 (hoạt động 2.2.3)")
    assert not any("Tạm tính" in text for text in wording.values())
    assert book["Phụ lục 1"]["G18"].comment.text.startswith("Lỗi: Sửa ô G18 của Phụ lục 1 thành 43")
    assert ws.print_title_rows == f"${header}:${header}" and ws.freeze_panes == f"A{header + 1}"


def test_the_feedback_speaks_english_with_lang_en(tmp_path):
    assert main(["check", str(RETURNS / VAN_PHONG), "--feedback", str(tmp_path), "--lang", "en"]) == 1
    ws = openpyxl.load_workbook(tmp_path / VAN_PHONG.replace(".xlsx", "-gop-y.xlsx"))["Check results"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Funds of Văn phòng UBND tỉnh (million đồng)" in texts and "Agrees with the allocation." in texts
    assert any(t.startswith("Change cell G18 of Phụ lục 1 to 43 (million đồng)") for t in texts)
    assert "File cchc-2018-van-phong-ubnd-tinh.xlsx: 2 errors, 0 warnings, 3 notes" in texts


def test_a_second_round_replaces_the_first_rounds_list_under_the_totals(tmp_path, feedback_dir):
    first = feedback_dir / VAN_PHONG.replace(".xlsx", "-gop-y.xlsx")
    again = tmp_path / "again"
    out = write_feedback(first, [Finding("budget-missing", file=first.name, sheet="Phụ lục 1", cell="G9",
                                         row_code="2.1.1")], again, totals=AgencyTotal("Văn phòng UBND tỉnh", 1, 2))
    book = openpyxl.load_workbook(out)
    assert [ws.title for ws in book.worksheets].count(FEEDBACK_SHEET) == 1
    assert not [ws.title for ws in book.worksheets if ws.title.startswith(f"{FEEDBACK_SHEET} (")]


# --------------------------------------------------------------------------- printed whole
def _footer_ink(pdf: Path, page: int, tmp_path: Path) -> float:
    """How far down its box the ink of the footer's «Trang» reaches (0-1): a clipped footer stops halfway."""
    from PIL import Image

    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), float(c), float(d)) for a, b, c, d, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', xml) if w == "Trang"]
    x0, y0, x1, y1 = max(words, key=lambda w: w[1])           # the lowest «Trang»: the footer
    stem = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-gray", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(stem)], check=True)
    k = 150 / 72
    box = Image.open(f"{stem}.png").convert("L").crop((int(x0 * k), int(y0 * k), int(x1 * k) + 1, int(y1 * k) + 1))
    inked = [r for r in range(box.size[1]) if min(box.getpixel((c, r)) for c in range(box.size[0])) < 128]
    return inked[-1] / box.size[1] if inked else 0.0


@pytest.mark.libreoffice
def test_the_first_page_prints_whole_footer_included(feedback_dir, tmp_path, libreoffice):
    pytest.importorskip("PIL")
    from cchc_xlsx.office import to_pdf

    source = feedback_dir / TU_PHAP.replace(".xlsx", "-gop-y.xlsx")
    pdf = to_pdf(source, tmp_path / "gop-y.pdf")
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Trang 1/\d+", page)
    # every letter of every text of the sheet is on page 1 (pdftotext interleaves the cells of a row and
    # splits letters with marks, so texts are compared letter by letter): no column pushed to another
    # page, no row left over. (LibreOffice keeps a clipped line's text in the PDF: the footer's own
    # clipping is judged by its pixels below.)
    ws = openpyxl.load_workbook(source)[FEEDBACK_SHEET]
    written = Counter("".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)))
    printed = Counter(unicodedata.normalize("NFC", page))
    missing = {ch: n - printed[ch] for ch, n in written.items() if not ch.isspace() and printed[ch] < n}
    assert not missing, missing
    assert _footer_ink(pdf, 1, tmp_path) >= 0.7   # the «g» of «Trang» reaches below the line: not clipped


def test_an_english_round_is_replaced_by_a_vietnamese_one(tmp_path):
    first = write_feedback(RETURNS / VAN_PHONG, [Finding("budget-missing", file=VAN_PHONG, sheet="Phụ lục 1", cell="G9",
                                                         row_code="2.1.1")], tmp_path / "en", lang="en")
    renamed = tmp_path / VAN_PHONG
    renamed.write_bytes(first.read_bytes())           # the agency saved it again under its own name
    book = openpyxl.load_workbook(write_feedback(renamed, [], tmp_path / "vi"))
    assert book.sheetnames[0] == FEEDBACK_SHEET and "Check results" not in book.sheetnames
    assert all(c.comment is None or c.comment.author != "cchc-xlsx" for c in book["Phụ lục 1"]["G"])


@pytest.mark.parametrize("allocated, verdict, red", [
    (None, "Điều 1 không phân bổ kinh phí riêng cho đơn vị.", False),
    (5_000_000, "Khớp với phân bổ.", False),
    (7_500_000, "Thấp hơn phân bổ: hãy kiểm tra các hoạt động còn thiếu ngân sách.", True),
])
def test_the_totals_block_says_how_the_budget_stands(tmp_path, allocated, verdict, red):
    out = write_feedback(RETURNS / VAN_PHONG, [], tmp_path, totals=AgencyTotal("Sở Y tế", 5_000_000, allocated))
    ws = openpyxl.load_workbook(out)[FEEDBACK_SHEET]
    texts = {ws.cell(r, 8).value: r for r in range(5, 9) if ws.cell(r, 8).value}
    assert verdict in texts
    assert ws.cell(texts[verdict], 7).fill.fill_type == ("solid" if red else None)
    assert "Kinh phí được phân bổ theo Điều 1 Quyết định phê duyệt kế hoạch" in \
        [ws.cell(r, 1).value for r in range(5, 9)]
