"""The consolidated workbook as a Sở would sign it (issue 12, item 3): every cell with a finding marked
on Phụ lục 1 and 2, the data's state said on Tổng hợp, one count of findings per agency, the Decree
30/2020 blocks, and the Kiểm tra sheet explaining its codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx.consolidate import consolidate
from cchc_xlsx.findings import Finding
from cchc_xlsx.write import write_workbook
from cchc_xlsx.write.layout import P1, P2, plan_layout
from cchc_xlsx.write.marks import COMMENT_AUTHOR, FILL_COLORS, severity_word, split_ref

RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"
_ORDER = {"error": 0, "warning": 1, "info": 2}


@pytest.fixture(scope="module")
def bundled():
    """The bundled consolidation (the seed plan and its sample returns) and its workbook."""
    return consolidate([RETURNS])


@pytest.fixture(scope="module")
def written(bundled, tmp_path_factory) -> Path:
    return write_workbook(bundled, tmp_path_factory.mktemp("signable") / "tong-hop.xlsx")


@pytest.fixture(scope="module")
def book(written):
    wb = openpyxl.load_workbook(written)
    yield wb
    wb.close()


def _cells_with_findings(consolidation) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, A1 cell) of Phụ lục 1/2 -> the findings that name it, as the layout places them."""
    layout = plan_layout(consolidation)
    cells: dict[tuple[str, str], list[Finding]] = {}
    for f in consolidation.findings:
        place = split_ref(layout.locate(f))
        if place and place[0] in (P1, P2):
            sheet, row, col = place
            cells.setdefault((sheet, f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}"), []).append(f)
    return cells


# --------------------------------------------------------------------------- marked cells
def test_every_cell_named_by_a_finding_has_a_fill_and_a_comment(bundled, book):
    cells = _cells_with_findings(bundled)
    # the sample returns' mistakes: budgets (negative, in đồng, not a number, blank), months, frequencies,
    # a changed locked text, the grand total, the allocation differences
    assert len(cells) >= 40
    assert {sheet for sheet, _ in cells} == {P1, P2}
    for (sheet, coordinate), findings in cells.items():
        cell = book[sheet][coordinate]
        worst = min((f.severity for f in findings), key=_ORDER.get)
        assert cell.fill.fill_type == "solid", (sheet, coordinate)
        assert cell.fill.fgColor.rgb == FILL_COLORS[worst], (sheet, coordinate, worst)
        assert cell.comment is not None and cell.comment.author == COMMENT_AUTHOR, (sheet, coordinate)
        for f in findings:
            assert f"{severity_word(f.severity)}: {f.message()}" in cell.comment.text, (sheet, coordinate, f.code)


def test_only_cells_with_findings_carry_a_comment_and_a_severity_fill(bundled, book):
    cells = _cells_with_findings(bundled)
    colours = set(FILL_COLORS.values())
    for sheet in (P1, P2):
        ws = book[sheet]
        marked = {(c.coordinate) for row in ws.iter_rows() for c in row
                  if c.comment is not None or (c.fill.fill_type == "solid" and c.fill.fgColor.rgb in colours)}
        assert marked == {coordinate for s, coordinate in cells if s == sheet}


def test_the_marked_cells_keep_their_values_and_number_format(book):
    p1 = book[P1]
    negative = next(c for row in p1.iter_rows(min_col=7, max_col=7) for c in row if c.value == -20)
    assert negative.number_format.endswith("#,##0.0#####") and negative.font.name == "Times New Roman"
    assert negative.comment.text.startswith("Lỗi: Ngân sách của dòng 4.4.4 là số âm")
    total = next(c for c in p1["A"] if c.value == "Tổng cộng")
    g = p1.cell(total.row, 7)
    assert g.data_type == "f" and g.fill.fgColor.rgb == FILL_COLORS["error"] and g.font.bold


def test_comments_hold_the_messages_in_the_language_asked(bundled, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "en.xlsx", lang="en"))
    texts = [c.comment.text for row in wb[P1].iter_rows() for c in row if c.comment is not None]
    assert texts and all(t.split(":")[0] in ("Error", "Warning", "Note") for t in texts)
    assert any("is negative: -20" in t for t in texts)


def test_a_plan_without_findings_has_no_comment(bundled, tmp_path):
    clean = dataclasses.replace(bundled, findings=[])
    wb = openpyxl.load_workbook(write_workbook(clean, tmp_path / "clean.xlsx"))
    for sheet in (P1, P2):
        assert not [c for row in wb[sheet].iter_rows() for c in row if c.comment is not None]


# --------------------------------------------------------------------------- the state of the figures
def _summary_rows(book) -> list[list[object]]:
    return [[v for v in row if v is not None] for row in book["Tổng hợp"].iter_rows(values_only=True)]


def test_the_summary_says_how_many_errors_are_left_near_the_total(bundled, book):
    errors = sum(1 for f in bundled.findings if f.severity == "error")
    assert errors > 0
    rows = _summary_rows(book)
    total = next(i for i, row in enumerate(rows) if row and row[0] == "Tổng kinh phí (triệu đồng)")
    state = next(i for i, row in enumerate(rows) if row and row[0] == "Tình trạng số liệu")
    assert 0 < state - total <= 4
    assert rows[state][1] == f"Số liệu chưa chốt: còn {errors} lỗi (xem trang Kiểm tra)"


def test_a_consolidation_without_errors_says_the_figures_are_final(bundled, tmp_path):
    notes = [f for f in bundled.findings if f.severity != "error"]
    wb = openpyxl.load_workbook(write_workbook(dataclasses.replace(bundled, findings=notes), tmp_path / "ok.xlsx"))
    state = next(row for row in _summary_rows(wb) if row and row[0] == "Tình trạng số liệu")
    assert state[1] == "Số liệu đã chốt: không còn lỗi nào"


@pytest.mark.parametrize("n,vi,en", [(1, "còn 1 lỗi", "1 error left"), (3, "còn 3 lỗi", "3 errors left")])
def test_the_state_reads_naturally_in_both_languages(n, vi, en):
    from cchc_xlsx.write.summary import data_state

    assert vi in data_state(n, "vi") and en in data_state(n, "en")


# --------------------------------------------------------------------------- one count per agency
PLAN_FILE = "ke-hoach.xlsx"


@pytest.mark.parametrize("finding,expected", [
    # a locked task row of the plan, whose template belongs to Sở Tư pháp: the plan's, not the agency's
    (Finding("frequency-invalid", agency="Sở Tư pháp", file=PLAN_FILE, row_code="1", found="x"),
     ("plan", "Sở Nội vụ")),
    (Finding("total-mismatch", file=PLAN_FILE, found="8000", expected="7885,5"), ("plan", "Sở Nội vụ")),
    # an agency's activities against its allocation: the agency's, though the cell is the plan's
    (Finding("allocation-mismatch", agency="Sở Tư pháp", file=PLAN_FILE), ("agency", "Sở Tư pháp")),
    (Finding("budget-negative", agency="Sở Tư pháp", file="stp.xlsx", row_code="1.1.1"), ("agency", "Sở Tư pháp")),
    # a finding of an agency's file that does not name the agency: the file's agency
    (Finding("unknown-column", file="stp.xlsx", found="Ghi chú"), ("agency", "Sở Tư pháp")),
    (Finding("missing-return", agency="Sở Y tế"), ("agency", "Sở Y tế")),
    (Finding("file-skipped", file="README.md", params={"reason": "x"}), ("none", "")),
])
def test_who_answers_for_a_finding(finding, expected):
    from cchc_xlsx.findings import answerable

    assert answerable(finding, PLAN_FILE, {"stp.xlsx": "Sở Tư pháp"}) == expected


def test_findings_by_agency_counts_and_orders():
    from cchc_xlsx.findings import findings_by_agency

    findings = [Finding("budget-negative", agency="A", file="a.xlsx"), Finding("budget-missing", agency="A", file="a.xlsx"),
                Finding("total-mismatch", file=PLAN_FILE), Finding("total-mismatch", file=PLAN_FILE),
                Finding("file-skipped", file="x.txt", params={"reason": ""})]
    assert findings_by_agency(findings, PLAN_FILE) == {
        ("plan", "Sở Nội vụ"): {"error": 2, "warning": 0, "info": 0},
        ("agency", "A"): {"error": 1, "warning": 1, "info": 0},
        ("none", ""): {"error": 0, "warning": 0, "info": 1}}


def test_the_two_tables_of_the_summary_the_json_and_the_console_count_alike(bundled, book):
    from cchc_xlsx.report import consolidation_summary, render_consolidation

    ws = book["Tổng hợp"]
    rows = [[c.value for c in row] for row in ws.iter_rows(max_col=7)]
    returns_head = next(i for i, r in enumerate(rows) if r[:7] == ["STT", "Đơn vị", "Phải gửi", "Tệp đã nhận", "Lỗi",
                                                                  "Cảnh báo", "Tình trạng"])
    findings_head = next(i for i, r in enumerate(rows) if r[:6] == ["STT", "Đơn vị", "Lỗi", "Cảnh báo", "Ghi chú", "Cộng"])
    returns_table = {r[1]: (r[4], r[5]) for r in rows[returns_head + 1:findings_head] if isinstance(r[0], int)}
    findings_table = {}
    for r in rows[findings_head + 1:]:
        if not isinstance(r[0], int):
            break
        findings_table[r[1]] = (r[2], r[3])
    assert len(returns_table) == 8
    for agency, counts in returns_table.items():
        assert findings_table.get(agency, (0, 0)) == counts, agency
    # the plan's own defects are on a line of their own, not charged to the agencies whose rows are locked
    assert findings_table["Kế hoạch (do Sở Nội vụ soạn)"][0] >= 1
    assert sum(e for e, _ in findings_table.values()) == sum(1 for f in bundled.findings if f.severity == "error")
    summary = consolidation_summary(bundled)
    assert {row["name"]: (row["error"], row["warning"]) for row in summary["findings_by_agency"]} == findings_table
    assert {r["agency"]: (r["errors"], r["warnings"]) for r in summary["returns"]} == returns_table
    line = next(line for line in render_consolidation(summary).splitlines()
                if line.startswith("Lỗi theo đơn vị chịu trách nhiệm:"))
    for name, (errors, _) in findings_table.items():
        assert (f"{name} ({errors})" in line) == (errors > 0), name


# --------------------------------------------------------------------------- Decree 30/2020 blocks
def _merged_text(ws, text: str):
    """The merged range whose top-left cell holds ``text`` (and that cell)."""
    cell = next(c for row in ws.iter_rows() for c in row if c.value == text)
    merged = next((m for m in ws.merged_cells.ranges if cell.coordinate in m), None)
    return cell, merged


def test_the_summary_opens_with_the_decree_30_blocks(book):
    ws = book["Tổng hợp"]
    top = [[v for v in row if v is not None] for row in ws.iter_rows(max_row=5, values_only=True)]
    assert top[0] == ["UBND TỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert top[1] == ["SỞ NỘI VỤ", "Độc lập - Tự do - Hạnh phúc"]
    assert top[2] == ["Đắk Lắk, ngày …… tháng …… năm ……"]
    assert top[4][0].startswith("TỔNG HỢP KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH CẢI CÁCH HÀNH CHÍNH")
    national, national_range = _merged_text(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto, _ = _merged_text(ws, "Độc lập - Tự do - Hạnh phúc")
    issuer, issuer_range = _merged_text(ws, "SỞ NỘI VỤ")
    assert national.font.bold and 12 <= national.font.sz <= 13
    assert motto.font.bold and motto.font.u == "single" and 13 <= motto.font.sz <= 14
    assert issuer.font.bold and issuer.font.u == "single"
    assert {c.font.name for c in (national, motto, issuer)} == {"Times New Roman"}
    assert issuer_range.max_col < national_range.min_col          # issuing body left, quốc hiệu right
    assert ws.print_title_rows is None                             # printed once, not on every page


def _signature(rows) -> list[list[str]]:
    """The signature row's two cells, as lines."""
    row = next(row for row in rows if row and str(row[0]).startswith(("NGƯỜI LẬP BIỂU", "PREPARED BY")))
    return [cell.split("\n") for cell in row]


def test_the_summary_ends_with_the_signature_block(book):
    ws = book["Tổng hợp"]
    rows = [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]
    last = max(i for i, row in enumerate(rows) if row)
    assert rows[last][0].startswith("NGƯỜI LẬP BIỂU")               # the last thing on the sheet
    (left, right) = _signature(rows)
    assert left[:2] == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"]
    assert right[:2] == ["THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)"]
    assert len(left) >= 6 and not any(left[2:])                     # room to sign; no name given
    # one row: a page never ends inside the block; tall enough for every line; printed
    assert ws.row_dimensions[last + 1].height >= 13 * len(left)
    assert ws.print_area.endswith(f"$I${last + 1}")
    sign_cell = ws.cell(last + 1, 1)
    assert sign_cell.alignment.wrap_text and sign_cell.alignment.horizontal == "center"


def test_names_place_and_date_are_options(bundled, tmp_path):
    import datetime as dt

    from cchc_xlsx.write import Signing

    signing = Signing(parent="ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", place="Buôn Ma Thuột", date=dt.date(2018, 1, 15),
                      preparer="Nguyễn Văn A", signer="Trần Thị B", signer_title="Giám đốc")
    wb = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "signed.xlsx", signing=signing))
    rows = [[v for v in row if v is not None] for row in wb["Tổng hợp"].iter_rows(values_only=True)]
    assert rows[0][0] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" and rows[1][0] == "SỞ NỘI VỤ"
    assert rows[2] == ["Buôn Ma Thuột, ngày 15 tháng 01 năm 2018"]
    left, right = _signature(rows)
    assert (left[0], left[-1], right[0], right[-1]) == ("NGƯỜI LẬP BIỂU", "Nguyễn Văn A", "GIÁM ĐỐC", "Trần Thị B")


def test_a_district_plan_is_issued_by_its_phong_noi_vu(bundled):
    from cchc_xlsx.write.signing import Signing, date_line

    district = type("P", (), {"province": "Đắk Lắk", "district": "huyện Krông Pắc"})()
    signing = Signing().for_plan(district)
    assert (signing.parent, signing.issuer, signing.place) == ("UBND HUYỆN KRÔNG PẮC", "PHÒNG NỘI VỤ", "Krông Pắc")
    assert date_line(signing).startswith("Krông Pắc, ngày")
    assert Signing(parent="").for_plan(bundled.plan).parent == ""          # "" keeps the block empty


def test_the_consolidate_command_takes_the_names(tmp_path, capsys):
    from cchc_xlsx.cli import main

    out = tmp_path / "th.xlsx"
    code = main(["consolidate", str(RETURNS), "-o", str(out), "--issuer", "Sở Nội vụ", "--place", "Buôn Ma Thuột",
                 "--date", "15/01/2018", "--preparer", "Nguyễn Văn A", "--signer", "Trần Thị B", "--json"])
    assert code == 1                                               # the sample returns have errors
    rows = [[v for v in row if v is not None] for row in openpyxl.load_workbook(out)["Tổng hợp"].iter_rows(values_only=True)]
    assert rows[0][0] == "UBND TỈNH ĐẮK LẮK" and rows[1][0] == "SỞ NỘI VỤ"
    assert rows[2] == ["Buôn Ma Thuột, ngày 15 tháng 01 năm 2018"]
    left, right = _signature(rows)
    assert (left[-1], right[-1]) == ("Nguyễn Văn A", "Trần Thị B")


# --------------------------------------------------------------------------- Kiểm tra explains its codes
def test_every_code_has_an_explanation_in_both_languages():
    from cchc_xlsx import explain
    from cchc_xlsx.findings import CODES

    assert set(explain.EXPLANATIONS) == set(CODES)
    for code in CODES:
        for lang in ("vi", "en"):
            assert explain.meaning(code, lang).strip() and explain.action(code, lang).strip(), (code, lang)
        assert explain.meaning(code, "vi") != explain.meaning(code, "en")


def _explanation_rows(ws, lang: str = "vi") -> dict[str, list[object]]:
    code, count, title = {"vi": ("Mã", "Số phát hiện", "Giải thích các mã"),
                          "en": ("Code", "Findings", "What the codes mean")}[lang]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == code and r[3] == count)
    assert rows[head - 1][0] == title
    return {r[0]: r for r in rows[head + 1:] if r[0]}


def test_the_findings_sheet_explains_each_code_that_occurs(bundled, book):
    from cchc_xlsx import explain

    ws = book["Kiểm tra"]
    lines = _explanation_rows(ws)
    occurring = {f.code for f in bundled.findings}
    assert set(lines) == occurring
    for code, row in lines.items():
        assert row[3] == sum(1 for f in bundled.findings if f.code == code)
        assert row[4] == explain.meaning(code) and row[5] == explain.action(code)
        worst = min((f.severity for f in bundled.findings if f.code == code), key=_ORDER.get)
        assert ws.cell(next(c.row for c in ws["A"] if c.value == code), 1).fill.fgColor.rgb == FILL_COLORS[worst]


def test_the_explanations_follow_the_language(bundled, tmp_path):
    from cchc_xlsx import explain

    wb = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "en.xlsx", lang="en"))
    lines = _explanation_rows(wb["Kiểm tra"], "en")
    assert lines["budget-negative"][4:6] == [explain.meaning("budget-negative", "en"), "The agency corrects it to a positive figure (or 0)."]


# --------------------------------------------------------------------------- printed by LibreOffice
@pytest.mark.libreoffice
def test_the_printed_summary_carries_the_blocks_on_pages_1_and_2(libreoffice, bundled, tmp_path):
    import subprocess

    from cchc_xlsx.printing import print_pdf
    from cchc_xlsx.write import Signing

    written = write_workbook(bundled, tmp_path / "tong-hop.xlsx",
                             signing=Signing(preparer="Nguyễn Văn A", signer="Trần Thị B"))
    pdf = print_pdf(written, tmp_path / "tong-hop.pdf")

    def pages(first: int, last: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout

    first = pages(1, 1)
    for text in ("UBND TỈNH ĐẮK LẮK", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Đắk Lắk, ngày …… tháng …… năm ……",
                 f"Số liệu chưa chốt: còn {sum(f.severity == 'error' for f in bundled.findings)} lỗi"):
        assert text in first, text
    assert first.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < first.index("TỔNG HỢP KẾ HOẠCH")
    both = pages(1, 2)
    for text in ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "Nguyễn Văn A", "Trần Thị B"):
        assert text in both, text
    assert both.index("4. Phát hiện khi kiểm tra") < both.index("NGƯỜI LẬP BIỂU")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in pages(2, 3)    # the heading is printed once


# --------------------------------------------------------------------------- labels in both languages
def test_summary_and_findings_labels_follow_the_language(bundled, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "en.xlsx", lang="en"))
    rows = [[v for v in row if v is not None] for row in wb["Tổng hợp"].iter_rows(values_only=True)]
    flat = [v for row in rows for v in row if isinstance(v, str)]
    errors = sum(f.severity == "error" for f in bundled.findings)
    for label in ("Total budget (million đồng)", "1. Budget by task", "3. Returns from the agencies",
                  f"Figures not final: {errors} errors left (see the Kiểm tra sheet)", "The plan (drafted by Sở Nội vụ)",
                  "Received, with errors", "Errors", "Warnings"):
        assert label in flat, label
    # the national title and motto stay as the decree writes them
    assert rows[0][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and rows[1][1] == "Độc lập - Tự do - Hạnh phúc"
    assert _signature(rows)[0][0] == "PREPARED BY"
    check = wb["Kiểm tra"]
    assert check["A1"].value == "RESULTS OF THE CHECKS"
    assert check["A2"].value.startswith(f"{len(bundled.findings)} findings: {errors} errors, ")
    assert [check.cell(4, c).value for c in (1, 2, 5, 11)] == ["No.", "Severity", "Message", "Code"]
    assert check["B5"].value == "Error"
    p1, p2 = wb[P1], wb[P2]
    assert p1["A1"].value == "Appendix 1. CCHC ACTIVITY PLAN AND BUDGET, 2018" and p1["B4"].value == "Activity"
    assert "Grand total" in [c.value for c in p1["A"]]
    assert p2["A1"].value.startswith("Appendix 2.") and p2["E4"].value == "Collection frequency, 2018"
    sources = wb["Nguồn"]
    assert sources["A1"].value == "THE FILES READ FOR THE CONSOLIDATION"
    assert [sources.cell(4, c).value for c in (2, 3, 10)] == ["Agency", "File", "Status"]
    assert {sources.cell(r, 10).value for r in range(5, sources.max_row + 1)} >= {"Used", "Skipped"}
    vi = openpyxl.load_workbook(write_workbook(bundled, tmp_path / "vi.xlsx"))["Kiểm tra"]
    assert vi["A2"].value.startswith(f"{len(bundled.findings)} phát hiện: {errors} lỗi, ")
