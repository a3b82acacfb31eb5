"""Lịch theo dõi and Tiến độ in both languages: with ``lang="en"`` every label of ours is English,
the plan's own texts stay as written, and the marks, months and counts are the Vietnamese sheet's."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.write import write_workbook
from cchc_xlsx.write.layout import CALENDAR, TIMELINE
from cchc_xlsx.write.monitoring_calendar import RULES, month_ranges, rules

#: Vietnamese names the English sheets keep on purpose, each glossed in English beside it: the
#: appendices' names and the frequency words as plans write them (the rules explain those words).
RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"
KEPT = ("Phụ lục 1", "Phụ lục 2", "Hàng tháng", "Thường xuyên", "Hàng quý", "6 tháng", "Hàng năm", "01 lần",
        "N lần", "Theo yêu cầu")


@pytest.fixture(scope="module")
def bundled():
    """The bundled consolidation: the seed plan and its sample returns (their proposed activities
    bring a «Tháng 13» and an end before the start)."""
    return consolidate([RETURNS])


@pytest.fixture(scope="module")
def books(bundled, tmp_path_factory):
    """The bundled consolidation's workbook written three ways: default, lang="vi", lang="en"."""
    consolidation = bundled
    out = tmp_path_factory.mktemp("labels")
    paths = {"default": write_workbook(consolidation, out / "default.xlsx"),
             "vi": write_workbook(consolidation, out / "vi.xlsx", lang="vi"),
             "en": write_workbook(consolidation, out / "en.xlsx", lang="en")}
    opened = {name: openpyxl.load_workbook(path) for name, path in paths.items()}
    yield opened
    for wb in opened.values():
        wb.close()


def grid(ws) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def plan_texts(plan) -> list[str]:
    """Every text the plan itself writes that these sheets show (longest first, so parts go after wholes)."""
    texts = set()
    for frame in (plan.plan, plan.monitoring):
        for name in ("content", "label", "frequency", "from_text", "to_text"):
            if name in frame:
                texts.update(v for v in frame[name].tolist() if isinstance(v, str) and v)
    return sorted(texts, key=len, reverse=True)


def vietnamese_left(text: str, own: list[str]) -> str:
    """What of ``text`` is Vietnamese once the plan's own texts and the KEPT names are taken out."""
    for part in (*own, *KEPT):
        text = text.replace(part, " ")
    return "".join(ch for ch in text if ch in "đĐ" or (ch.isalpha() and not ch.isascii()
                                                        and unicodedata.decomposition(ch)))


def strings_in(ws, column: int) -> set[str]:
    return {ws.cell(r, column).value for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, column).value, str)}


@pytest.mark.parametrize("sheet", [CALENDAR, TIMELINE])
def test_english_sheet_has_no_vietnamese_label_of_ours(books, bundled, sheet):
    own = plan_texts(bundled.plan) + sorted(strings_in(books["vi"][sheet], 1), key=len, reverse=True)
    left = {(cell.coordinate, cell.value): vietnamese_left(cell.value, own)
            for row in books["en"][sheet].iter_rows() for cell in row if isinstance(cell.value, str)}
    assert {where: rest for where, rest in left.items() if rest} == {}
    assert books["en"].sheetnames == books["vi"].sheetnames     # sheet names stay Vietnamese: code finds them


def test_english_calendar_reads_in_english(books):
    ws = books["en"][CALENDAR]
    assert ws["A1"].value == "MONITORING AND DATA COLLECTION CALENDAR, 2018"
    assert [ws.cell(r, 1).value for r in range(2, 2 + len(RULES))] == rules("en") != RULES
    head = len(RULES) + 3
    assert [ws.cell(head, c).value for c in range(1, 18)] == [
        "No.", "Activity", "Collection frequency", "Monitoring period",
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Times"]
    assert ws.cell(ws.max_row, 1).value == "Collections in the month"
    frequencies = strings_in(ws, 3)
    assert "(as row 1.3: Thường xuyên)" in frequencies                 # inherited: our words, the plan's frequency
    assert not any("theo dòng" in f for f in frequencies)
    assert "Jan–Dec" in strings_in(ws, 4)


def test_english_timeline_reads_in_english(books):
    ws = books["en"][TIMELINE]
    assert ws["A1"].value == "TIMELINE OF THE ACTIVITIES, 2018"
    assert "«From month» to «To month»" in ws["A2"].value
    assert [ws.cell(4, c).value for c in (1, 2, 3, 4, 17)] == ["No.", "Activity", "From month", "To month", "Notes"]
    assert ws.cell(4, 5).number_format == "0"                        # 1…12, not the Vietnamese T1…T12
    notes = strings_in(ws, 17) - {"Notes"}
    assert {"no start or end month", "on request", "starts 12/2017", "invalid start month: «Tháng 13»",
            "the end month (3) is before the start month (4)"} <= notes


@pytest.mark.parametrize("sheet", [CALENDAR, TIMELINE])
def test_english_sheet_is_the_vietnamese_one_with_other_words(books, sheet):
    """Same rows, same marks, same month numbers, same formulas: only the labels differ."""
    vi, en = grid(books["vi"][sheet]), grid(books["en"][sheet])
    assert len(vi) == len(en) and {len(r) for r in vi} == {len(r) for r in en}
    for r, (a, b) in enumerate(zip(vi, en), start=1):
        for c, (x, y) in enumerate(zip(a, b), start=1):
            if not isinstance(x, str) or x.startswith("="):
                assert x == y, (sheet, r, c)                       # numbers, blanks, formulas
            elif x == "x":
                assert y == "x", (sheet, r, c)                     # collection marks
            elif c <= 2:
                assert y is not None, (sheet, r, c)


@pytest.mark.parametrize("sheet", [CALENDAR, TIMELINE])
def test_vietnamese_sheet_is_the_default_and_vietnamese(books, sheet):
    assert grid(books["vi"][sheet]) == grid(books["default"][sheet])
    ws = books["vi"][sheet]
    title = {CALENDAR: "LỊCH THEO DÕI, THU THẬP SỐ LIỆU NĂM 2018",
             TIMELINE: "TIẾN ĐỘ THỰC HIỆN CÁC HOẠT ĐỘNG NĂM 2018"}[sheet]
    assert ws["A1"].value == title


def test_month_ranges_in_both_languages():
    assert month_ranges([1, 2, 5, 6, 7, 12]) == "T1–T2, T5–T7, T12"
    assert month_ranges([1, 2, 5, 6, 7, 12], "en") == "Jan–Feb, May–Jul, Dec"
    assert month_ranges([], "en") == ""



# --------------------------------------------------------------------------- the progress workbook
@pytest.fixture(scope="module")
def progress_books(tmp_path_factory):
    """The bundled progress sample (6 tháng 2018) written in Vietnamese and in English."""
    from cchc_xlsx.pipeline import bundled_plan_path
    from cchc_xlsx.progress.job import run_progress
    from cchc_xlsx.write.progress_book import write_progress_book
    result = run_progress([bundled_plan_path().parent / "progress-6-thang"], lang="en")
    out = tmp_path_factory.mktemp("progress-labels")
    paths = {lang: write_progress_book(result, out / f"{lang}.xlsx", lang) for lang in ("vi", "en")}
    paths["default"] = write_progress_book(result, out / "default.xlsx")
    books = {lang: openpyxl.load_workbook(path) for lang, path in paths.items()}
    values = openpyxl.load_workbook(paths["en"], data_only=True)
    yield result, books, values
    for wb in (*books.values(), values):
        wb.close()


def test_progress_book_in_english(progress_books):
    result, books, values = progress_books
    en = books["en"]
    assert en.sheetnames == books["vi"].sheetnames == ["Tổng hợp", "Chi tiết", "Quá hạn", "Kiểm tra", "Nguồn"]
    summary = en["Tổng hợp"]
    assert summary["A4"].value == "PROGRESS REPORT ON THE ADMINISTRATIVE REFORM PLAN, 2018"
    assert summary["A5"].value.startswith("First half-year 2018 (from 01/01/2018 to 30/06/2018")
    assert [summary.cell(r, 1).value for r in (7, 8, 20)] == [
        "Agencies that must report", "Agencies that sent a report", "Disbursement rate"]
    # the key figures' formulas still count what the sheets hold: the cached values are the run's
    assert values["Tổng hợp"]["B8"].value == len({r.agency for r in result.received()}) == 7
    assert "Used" in {values["Nguồn"].cell(r, 8).value for r in range(5, 20)}
    assert en["Quá hạn"]["A1"].value == "OVERDUE ACTIVITIES"
    assert en["Quá hạn"]["A2"].value == "1 activity is past its end and not done."
    checks = en["Kiểm tra"]
    assert [checks.cell(4, c).value for c in range(1, 9)] == [
        "No.", "Severity", "Check code", "Agency", "Activity", "Message", "File", "Cell"]
    assert {checks.cell(r, 2).value for r in range(5, checks.max_row + 1)} <= {"Error", "Warning", "Note"}
    assert checks["A2"].value == "4 errors, 3 warnings, 1 note"
    assert checks["F5"].value == next(f for f in sorted(result.findings, key=lambda f: ("error", "warning", "info")
                                                        .index(f.severity))).message("en")
    assert en["Nguồn"]["A1"].value == "SOURCES"
    tasks = {c.value for c in en["Chi tiết"]["B"][4:] if c.value}
    assert "Task 1" in tasks and not any(t.startswith("Nhiệm vụ ") for t in tasks)


def test_progress_book_keeps_the_template_words_where_they_are_read(progress_books):
    """Chi tiết's headers are the template's (--previous reads them) and the statuses are the dropdown's."""
    _, books, _ = progress_books
    vi, en = books["vi"]["Chi tiết"], books["en"]["Chi tiết"]
    assert [c.value for c in en[4]] == [c.value for c in vi[4]]
    assert [c.value for c in en["I"]][4:] == [c.value for c in vi["I"]][4:]


def test_progress_book_vietnamese_is_the_default(progress_books):
    _, books, _ = progress_books
    for name in books["vi"].sheetnames:
        assert grid(books["vi"][name]) == grid(books["default"][name]), name
    assert books["vi"]["Tổng hợp"]["A4"].value == "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2018"
    assert books["vi"]["Quá hạn"]["A2"].value == "1 hoạt động đã hết thời gian thực hiện mà chưa hoàn thành."


# --------------------------------------------------------------------------- the diff workbook
@pytest.mark.parametrize("lang, said", [("vi", "(Quyết định 3598/QĐ-UBND ngày 28/12/2017)"),
                                        ("en", "(Decision 3598/QĐ-UBND of 28/12/2017)")])
def test_diff_book_names_the_decision_in_its_language(tmp_path, lang, said):
    from cchc_xlsx.diff import diff_files
    from cchc_xlsx.pipeline import bundled_plan_path
    from cchc_xlsx.write.diff_book import write_diff_book
    out = write_diff_book(diff_files(bundled_plan_path(), bundled_plan_path()), tmp_path / "diff.xlsx", lang=lang)
    wb = openpyxl.load_workbook(out)
    texts = [c.value for row in wb.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    plans = next(t for t in texts if "ke-hoach-cchc-daklak-2018.xlsx" in t)
    assert plans.count(said) == 2
    wb.close()


def test_page_header_and_footer_in_the_workbook_language(books, progress_books):
    """Every printed page: the plan's title in the header and «Trang N/M» / «Page N/M» in the footer."""
    for name in (CALENDAR, TIMELINE, "Phụ lục 1"):
        en, vi = books["en"][name], books["vi"][name]
        assert en.oddFooter.center.text == "Page &P/&N" and vi.oddFooter.center.text == "Trang &P/&N"
        assert en.oddHeader.center.text == "CCHC plan, Đắk Lắk province, 2018 (Decision 3598/QĐ-UBND)"
        assert vi.oddHeader.center.text == "Kế hoạch CCHC tỉnh Đắk Lắk năm 2018 (Quyết định 3598/QĐ-UBND)"
    _, progress, _ = progress_books
    assert progress["en"]["Tổng hợp"].oddFooter.center.text == "Page &P/&N"


@pytest.mark.libreoffice
def test_english_calendar_and_timeline_print_whole_words(libreoffice, bundled, tmp_path):
    """Printed by LibreOffice, the English headers keep their words whole (no «Monitorin / g period»)."""
    import subprocess

    from cchc_xlsx.printing import print_pdf
    pdf = print_pdf(write_workbook(bundled, tmp_path / "en.xlsx", lang="en"), tmp_path / "en.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "MONITORING AND DATA COLLECTION CALENDAR, 2018" in text and "TIMELINE OF THE ACTIVITIES, 2018" in text
    assert "Collections in the month" in text and "Page 1/" in text
    broken = [word for word in ("Monitoring", "frequency", "Collection")
              if re.search(word[:-1] + f"(?!{word[-1]})", text)]      # a word cut before its last letter
    assert broken == []
