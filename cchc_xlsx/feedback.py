"""Feedback workbook: the agency's own file sent back with the findings listed and marked on its cells.

``write_feedback`` copies an agency's return (the source is only read) and adds:

- a first sheet «Kết quả kiểm tra»: with :class:`AgencyTotal`, the agency's budget against its
  allocation (Điều 1 of the decision) at the top; then the file's findings, errors first, each linked
  to its cell and worded for the agency (what to change, in which cell: cchc_xlsx/advice.py);
- on every cell a finding names, a fill by severity and a comment (author «cchc-xlsx») holding that
  wording, several findings on one cell joined in one comment.

Everything else is what openpyxl keeps when it re-saves a workbook: values, formulas (without their
cached results: Excel and LibreOffice recalculate them on opening), styles, rich text, merged cells,
data validations, conditional formats, defined names (sheet-scoped ones re-indexed), print settings,
sheet and workbook protection, hidden and very hidden sheets, tables, charts, other comments, and the
macros of an .xlsm. openpyxl drops shapes and text boxes, sparklines, images (unless Pillow is
installed), the «read-only recommended» flag, and the x14 extensions: among them the list data
validations whose source is on another sheet once Excel has re-saved the file.

An .xls or .ods file (openpyxl cannot open them), or a file that does not open as .xlsx, gets a new
.xlsx holding only the list; its title line says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from . import messages
from .advice import advice
from .findings import SEVERITIES, Finding
from .outputs import (FEEDBACK, FEEDBACK_SHEET_NAMES, OUTPUT_PROPERTY, TEMP_SUFFIX, WRITTEN_PROPERTY, clean_leftovers,
                      temp_prefix, written_stamp)
from .write.book import TRIEU, row_height, sheet_ref
from .write.findings_sheet import MAX_LINKS
from .write.marks import COMMENT_AUTHOR, FILL_COLORS, comment_size, comment_text, severity_word

__all__ = ["write_feedback", "FEEDBACK_SHEET", "COMMENT_AUTHOR", "FILL_COLORS", "COLUMNS",
           "INSTRUCTION", "AgencyTotal", "agency_total"]

#: Every label of the list sheet, in Vietnamese and English (the language of ``write_feedback``).
LABELS = {
    "feedback.sheet": FEEDBACK_SHEET_NAMES,
    "feedback.instruction": ("Sửa các ô được tô màu trong tệp rồi gửi lại Sở Nội vụ.",
                             "Correct the coloured cells of the file and send it back to the Sở Nội vụ."),
    "feedback.instruction_list": ("Sửa tệp theo các nội dung dưới đây rồi gửi lại Sở Nội vụ.",
                                  "Correct the file as listed below and send it back to the Sở Nội vụ."),
    "feedback.instruction_none": ("Không phát hiện vấn đề nào; không cần sửa tệp.",
                                  "No problem found; the file needs no change."),
    "feedback.title": ("Tệp {file}: {counts}", "File {file}: {counts}"),
    "feedback.count.error": ("{n} lỗi", "{n} errors"),
    "feedback.count.error.one": ("{n} lỗi", "{n} error"),
    "feedback.count.warning": ("{n} cảnh báo", "{n} warnings"),
    "feedback.count.warning.one": ("{n} cảnh báo", "{n} warning"),
    "feedback.count.info": ("{n} ghi chú", "{n} notes"),
    "feedback.count.info.one": ("{n} ghi chú", "{n} note"),
    "feedback.column.number": ("STT", "No."),
    "feedback.column.severity": ("Mức độ", "Severity"),
    "feedback.column.sheet": ("Trang tính", "Sheet"),
    "feedback.column.cell": ("Ô", "Cell"),
    "feedback.column.row": ("Dòng", "Row"),
    "feedback.column.message": ("Nội dung", "What to do"),
    "feedback.column.expected": ("Giá trị đúng/gợi ý", "Right or suggested value"),
    "feedback.column.found": ("Giá trị hiện tại", "Value now"),
    "feedback.column.code": ("Mã", "Code"),
    "feedback.go_to": ("Đến ô {place}", "Go to {place}"),
    "feedback.earlier_comment": ("— Ghi chú sẵn có ({author}):", "— Earlier comment ({author}):"),
    "feedback.unknown_author": ("không rõ tác giả", "unknown author"),
    "feedback.page": ("Trang &P/&N", "Page &P/&N"),
    "feedback.only_list": ("nên không tô màu được các ô; tệp này chỉ gồm danh sách kết quả kiểm tra.",
                           "so no cell could be coloured; this file holds only the list of findings."),
    "feedback.source.suffix": ("Tệp gốc dạng {suffix} {only_list}", "The source is a {suffix} file {only_list}"),
    "feedback.source.no_suffix": ("không có đuôi", "with no extension"),
    "feedback.source.encrypted": ("Tệp gốc có mật khẩu mở {only_list}",
                                  "The source has a password to open {only_list}"),
    "feedback.source.not_zip": ("Tệp gốc không phải tệp {suffix} thật (có thể là tệp .xls đổi đuôi) {only_list}",
                                "The source is not a real {suffix} file (maybe an .xls renamed) {only_list}"),
    "feedback.source.not_xlsx": ("Tệp gốc không phải tệp {suffix} thật {only_list}",
                                 "The source is not a real {suffix} file {only_list}"),
    "feedback.source.too_big": ("Tệp gốc quá lớn khi giải nén {only_list}",
                                "The source is too large once unzipped {only_list}"),
    "feedback.source.unopened": ("Không mở được tệp gốc ({error}) {only_list}",
                                 "The source cannot be opened ({error}) {only_list}"),
}
messages.register(LABELS)
_COLUMN_KEYS = ("number", "severity", "sheet", "cell", "row", "message", "expected", "found", "code")
_WIDTHS = (6, 10, 14, 8, 9, 62, 18, 18, 20)

FEEDBACK_SHEET = LABELS["feedback.sheet"][0]
SUFFIX = "-gop-y"
COLUMNS = [(LABELS[f"feedback.column.{key}"][0], width) for key, width in zip(_COLUMN_KEYS, _WIDTHS)]
INSTRUCTION = LABELS["feedback.instruction"][0]
INSTRUCTION_LIST = LABELS["feedback.instruction_list"][0]
INSTRUCTION_NONE = LABELS["feedback.instruction_none"][0]
FONT = "Times New Roman"
HEADER_ROW = 4          # without the totals block; with it, _TOTALS_ROWS lower
_TOTALS_ROWS = 5        # the totals block: its title, three lines, a blank row
_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
_MAX_TEXT = 32_767
_MAX_ROW, _MAX_COL = 1_048_576, 16_384
_MAX_UNCOMPRESSED = 400 * 1024 * 1024   # as the reader (workbook.py)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")

messages.register({
    "feedback.totals.title": ("Kinh phí của {agency} (triệu đồng)", "Funds of {agency} (million đồng)"),
    "feedback.totals.activities": ("Tổng ngân sách các hoạt động của đơn vị (kể cả hoạt động đề xuất mới)",
                                   "The agency's activities, proposed ones included, add up to"),
    "feedback.totals.allocated": ("Kinh phí được phân bổ theo Điều 1 {decision}",
                                  "Allocated by Article 1 of {decision}"),
    "feedback.totals.decision": ("Quyết định số {number}", "decision no. {number}"),
    "feedback.totals.no_decision": ("Quyết định phê duyệt kế hoạch", "the decision approving the plan"),
    "feedback.totals.difference": ("Chênh lệch (ngân sách trừ phân bổ)", "Difference (budget minus allocation)"),
    "feedback.totals.agree": ("Khớp với phân bổ.", "Agrees with the allocation."),
    "feedback.totals.over": ("Vượt phân bổ: hãy giảm ngân sách các hoạt động hoặc giải trình với Sở Nội vụ.",
                             "Over the allocation: reduce the activities' budgets or explain it to the Sở Nội vụ."),
    "feedback.totals.under": ("Thấp hơn phân bổ: hãy kiểm tra các hoạt động còn thiếu ngân sách.",
                              "Under the allocation: check the activities whose budget is missing."),
    "feedback.totals.none": ("Điều 1 không phân bổ kinh phí riêng cho đơn vị.",
                             "Article 1 allocates no funds of its own to the agency."),
})


@dataclass(frozen=True)
class AgencyTotal:
    """The figures of the feedback's first block: the agency's budget against its allocation.

    ``budget_dong``: its activities' budgets (proposed ones included) as consolidated, in đồng;
    ``allocated_dong``: its line in the decision's Điều 1 («Trong đó»), None when it has none;
    ``decision``: the decision's number (``1234/QĐ-UBND``), "" when the plan does not say.
    """

    agency: str
    budget_dong: int
    allocated_dong: int | None
    decision: str = ""


def agency_total(consolidation, agency: str) -> AgencyTotal | None:
    """The :class:`AgencyTotal` of ``agency`` in a consolidation (``check_files`` or ``consolidate``):
    its activities' budgets as merged (a row it did not return keeps the plan's figure) against the
    plan's allocation. None for a return matched to no agency."""
    if not agency:
        return None
    plan = consolidation.plan
    activities = plan.plan[(plan.plan["level"] == "activity") & (plan.plan["funded_agency"] == agency)]
    budget = int(sum(round(b * 1_000_000) for b in activities["budget"] if b == b))
    allocated = None
    if plan.size("allocation"):
        match = plan.allocation[plan.allocation["agency"] == agency]
        if len(match):
            allocated = int(match["amount_dong"].iloc[0])
    return AgencyTotal(agency, budget, allocated, plan.decision or "")



def write_feedback(source: Path | str, findings: Iterable[Finding], out_dir: Path | str, *,
                   lang: str = "vi", totals: AgencyTotal | None = None) -> Path:
    """Write the feedback workbook for ``source`` into ``out_dir`` and return its path.

    The path is ``out_dir / "<stem>-gop-y.xlsx"`` (``.xlsm`` for an .xlsm source that opens).
    Only the findings whose ``file`` is the source's name are used, so all the findings of a
    consolidation can be passed. ``lang`` is the language of the list sheet: its name, labels and
    messages (each worded for the agency: cchc_xlsx/advice.py), the ``totals`` block and the comments.
    The source is opened read-only and never written; the result goes to a temporary file beside
    the target, moved into place at the end. Raises ValueError when the target would be the source
    (a link to it) or ``out_dir`` is a file, FileNotFoundError when the source does not exist.
    """
    source, out_dir = Path(source), Path(out_dir)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: không có tệp này (no such file)")
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} là một tệp, không phải thư mục: hãy chọn thư mục ghi tệp góp ý "
                         f"({out_dir} is a file, not a folder).")
    order = {s: i for i, s in enumerate(SEVERITIES)}
    mine = sorted((f for f in findings if f.file == source.name), key=lambda f: order.get(f.severity, len(order)))

    book, note = _open(source, lang)
    out = out_dir / f"{source.stem}{SUFFIX}{source.suffix.lower() if book is not None else '.xlsx'}"
    if _same_file(out, source):
        raise ValueError(f"Không ghi đè tệp gốc {source}: hãy chọn thư mục khác cho tệp góp ý "
                         f"(the feedback file {out} would be the source file itself).")
    links: dict[int, str] = {}
    if book is None:
        book = openpyxl.Workbook()
        book.remove(book.active)
    else:
        _drop_previous_feedback(book)
        links = _mark_cells(book, mine, lang)
    _write_list(book, source.name, mine, links, note, lang, totals)
    _mark_output(book)

    out_dir.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir, out)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(out), suffix=f"{TEMP_SUFFIX}{out.suffix}", dir=out_dir)
    os.close(fd)
    tmp = Path(name)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _mark_output(book) -> None:
    """Say in the file's properties that it is our feedback copy, and when it was written: read again
    among the returns unchanged, it is skipped; saved again by the agency, it is its return
    (cchc_xlsx/outputs.py)."""
    from openpyxl.packaging.custom import StringProperty

    props = book.custom_doc_props
    props.props = [p for p in props.props if p.name not in (OUTPUT_PROPERTY, WRITTEN_PROPERTY)]
    props.append(StringProperty(name=OUTPUT_PROPERTY, value=FEEDBACK))
    props.append(StringProperty(name=WRITTEN_PROPERTY, value=written_stamp()))


# --------------------------------------------------------------------------- opening the source
def _open(source: Path, lang: str = "vi"):
    """(workbook, "") for an .xlsx/.xlsm openpyxl opens; (None, why not, in ``lang``) otherwise."""
    def why(key: str, **values) -> str:
        return messages.text(f"feedback.source.{key}", lang, only_list=messages.text("feedback.only_list", lang),
                             **values)

    suffix = source.suffix.lower()
    if suffix not in _OPENPYXL_SUFFIXES:
        return None, why("suffix", suffix=suffix or messages.text("feedback.source.no_suffix", lang))
    if _is_encrypted(source):
        return None, why("encrypted")
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None, why("not_zip", suffix=suffix)
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        return None, why("not_xlsx", suffix=suffix)
    if sum(i.file_size for i in infos) > _MAX_UNCOMPRESSED:
        return None, why("too_big")
    try:
        return _load(source), ""
    except Exception as error:  # damaged parts openpyxl cannot parse: send the list alone
        return None, why("unopened", error=type(error).__name__)


def _is_encrypted(source: Path) -> bool:
    """An .xlsx saved with a password to open is an OLE file holding an «EncryptedPackage»."""
    try:
        with source.open("rb") as handle:
            data = handle.read(1 << 20)
    except OSError:
        return False
    return data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def _load(source: Path):
    """The workbook as openpyxl keeps it, read from a read-only handle (the file is never written)."""
    with source.open("rb") as handle:
        return openpyxl.load_workbook(handle, keep_vba=source.suffix.lower() == ".xlsm", keep_links=True,
                                      rich_text=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists() and os.path.samefile(a, b):
            return True
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- marking the cells
def _drop_previous_feedback(book) -> None:
    """A file sent back with an earlier round's feedback: drop that round's list and comments."""
    for ws in list(book.worksheets):
        if ws.title.casefold() in {name.casefold() for name in LABELS["feedback.sheet"]} and _is_feedback_list(ws):
            book.remove(ws)
    for ws in book.worksheets:
        # only the cells the file holds (iter_rows would create every cell of the used range)
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
                cell.comment = None


def _is_feedback_list(ws: Worksheet) -> bool:
    """Our list sheet, in either language: the header row stands at row 4, or lower under the totals block."""
    wanted = [[LABELS[f"feedback.column.{key}"][i] for key in _COLUMN_KEYS] for i in (0, 1)]
    return any([ws.cell(r, c).value for c in range(1, len(COLUMNS) + 1)] in wanted
               for r in range(HEADER_ROW, HEADER_ROW + _TOTALS_ROWS + 1))


def _worksheet(book, name: str) -> Worksheet | None:
    if not name:
        return None
    sheets = [ws for ws in book.worksheets if ws.title == name] or \
             [ws for ws in book.worksheets if ws.title.casefold() == name.strip().casefold()]
    return sheets[0] if sheets else None


def _coordinate(text: str) -> str | None:
    """``G8`` from ``G8``, ``$G$8``, ``g8``, ``'Phụ lục 1'!G8`` or ``G8:H9``; None when not a cell."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip().rsplit("!", 1)[-1].split(":", 1)[0].replace("$", "").upper()
    match = _A1.fullmatch(text)
    if not match:
        return None
    col, row = column_index_from_string(match[1]), int(match[2])
    if not (1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COL):
        return None
    return f"{get_column_letter(col)}{row}"


def _anchor(ws: Worksheet, coordinate: str) -> str:
    """The top-left cell of the merged range holding ``coordinate`` (the cell Excel shows)."""
    for merged in ws.merged_cells.ranges:
        if coordinate in merged:
            return merged.start_cell.coordinate
    return coordinate


def _mark_cells(book, findings: list[Finding], lang: str) -> dict[int, str]:
    """Fill and comment each finding's cell; return finding index -> link target (``'Phụ lục 1'!G8``)."""
    links: dict[int, str] = {}
    cells: dict[tuple[str, str], list[Finding]] = {}
    for i, f in enumerate(findings):
        ws, coordinate = _worksheet(book, f.sheet), _coordinate(f.cell)
        if ws is None or coordinate is None:
            continue
        coordinate = _anchor(ws, coordinate)
        cells.setdefault((ws.title, coordinate), []).append(f)
        links[i] = sheet_ref(ws.title, coordinate)
    for (title, coordinate), group in cells.items():
        cell = book[title][coordinate]
        worst = group[0].severity                      # the findings come most severe first
        color = FILL_COLORS.get(worst, FILL_COLORS["info"])
        cell.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        text = comment_text(group, lang, labels=lang, message=advice)   # write/marks.py, in the agency's words
        old = cell.comment
        if old is not None and old.text.strip():
            author = old.author or messages.text("feedback.unknown_author", lang)
            text += f"\n\n{messages.text('feedback.earlier_comment', lang, author=author)}\n{old.text.strip()}"
        cell.comment = _comment(text)
    return links


def _counts(counts: dict[str, int], lang: str) -> str:
    """``1 lỗi, 4 cảnh báo, 6 ghi chú`` / ``1 error, 4 warnings, 6 notes``."""
    return ", ".join(messages.text(f"feedback.count.{s}" + (".one" if counts[s] == 1 else ""), lang, n=counts[s])
                     for s in SEVERITIES)


def _comment(text: str) -> Comment:
    text = _clean(text)
    width, height = comment_size(text)
    return Comment(text, COMMENT_AUTHOR, width=width, height=height)


# --------------------------------------------------------------------------- the list sheet
def _write_list(book, file_name: str, findings: list[Finding], links: dict[int, str], note: str,
                lang: str, totals: AgencyTotal | None = None) -> Worksheet:
    ws = book.create_sheet(_free_title(book, lang), 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    if book.views:
        book.views[0].firstSheet = 0
    last = len(COLUMNS)
    for c, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    page_width = sum(width for _, width in COLUMNS)

    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    title = messages.text("feedback.title", lang, file=file_name, counts=_counts(counts, lang))
    if note:
        title += f". {note}"
    instruction = messages.text("feedback.instruction_none" if not findings else
                                "feedback.instruction" if links else "feedback.instruction_list", lang)
    for r, (text, font) in enumerate([(title, Font(name=FONT, size=13, bold=True)),
                                      (instruction, Font(name=FONT, size=11, italic=True))], start=1):
        cell = ws.cell(r, 1)
        _set_text(cell, text)
        cell.font, cell.alignment = font, Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        ws.row_dimensions[r].height = row_height([(text, page_width)], bold=r == 1, font_size=font.size)
    header_row = HEADER_ROW
    if totals is not None:
        _write_totals(ws, totals, lang, HEADER_ROW)
        header_row += _TOTALS_ROWS

    header_font = Font(name=FONT, size=11, bold=True)
    header_fill = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
    labels = [messages.text(f"feedback.column.{key}", lang) for key in _COLUMN_KEYS]
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(header_row, c, label)
        cell.font, cell.fill, cell.border = header_font, header_fill, _BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[header_row].height = row_height(list(zip(labels, _WIDTHS)), bold=True)

    body_font = Font(name=FONT, size=11)
    link_font = Font(name=FONT, size=11, color="FF0563C1", underline="single")
    for i, f in enumerate(findings):
        r = header_row + 1 + i
        values = [i + 1, severity_word(f.severity, lang), f.sheet, f.cell, f.row_code,
                  advice(f, lang), f.expected, f.found, f.code]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            _set_text(cell, value)
            cell.font, cell.border, cell.alignment = body_font, _BORDER, _WRAP
        ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="top")
        color = FILL_COLORS.get(f.severity)
        if color:
            ws.cell(r, 2).fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
        if i in links and i < MAX_LINKS:       # Excel's links per sheet; past it the place stays text
            place = ws.cell(r, 4)
            place.value = links[i].rsplit("!", 1)[1]
            place.hyperlink = Hyperlink(ref=place.coordinate, location=links[i], tooltip=messages.text("feedback.go_to", lang, place=links[i]))
            place.font = link_font
        ws.row_dimensions[r].height = row_height(
            [(str(v) if v is not None else "", COLUMNS[c][1]) for c, v in enumerate(values)])

    end = header_row + max(1, len(findings))
    if findings:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last)}{end}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(last)}{end}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # the footer sits in the bottom margin, from its own distance to the paper's edge: with a bottom
    # margin of 0.6" and openpyxl's footer distance of 0.5", LibreOffice cut «Trang 1/N» in half
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.79
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = messages.text("feedback.page", lang)
    ws.oddFooter.center.font = FONT
    return ws


def _write_totals(ws: Worksheet, totals: AgencyTotal, lang: str, first: int) -> None:
    """The agency's budget, its allocation and the difference, in triệu đồng, at rows ``first``…"""
    def say(key: str, **values) -> str:
        return messages.text(key, lang, **values)

    decision = (say("feedback.totals.decision", number=totals.decision) if totals.decision
                else say("feedback.totals.no_decision"))
    lines: list[tuple[str, float | None, str]] = [(say("feedback.totals.activities"), totals.budget_dong / 1e6, "")]
    if totals.allocated_dong is None:
        lines.append((say("feedback.totals.allocated", decision=decision), None, say("feedback.totals.none")))
    else:
        difference = totals.budget_dong - totals.allocated_dong
        verdict = say("feedback.totals.agree" if difference == 0 else
                      "feedback.totals.over" if difference > 0 else "feedback.totals.under")
        lines.append((say("feedback.totals.allocated", decision=decision), totals.allocated_dong / 1e6, ""))
        lines.append((say("feedback.totals.difference"), difference / 1e6, verdict))
    title = ws.cell(first, 1)
    _set_text(title, say("feedback.totals.title", agency=totals.agency))
    title.font = Font(name=FONT, size=11, bold=True)
    font = Font(name=FONT, size=11)
    label_width = sum(width for _, width in COLUMNS[:6])
    note_width = sum(width for _, width in COLUMNS[7:])
    for r, (label, value, verdict) in enumerate(lines, start=first + 1):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        ws.merge_cells(start_row=r, start_column=8, end_row=r, end_column=len(COLUMNS))
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(r, c).border = _BORDER
        cells = ((1, label, _WRAP), (7, value, Alignment(horizontal="right", vertical="top")), (8, verdict, _WRAP))
        for c, content, alignment in cells:
            cell = ws.cell(r, c)
            _set_text(cell, content)
            cell.font, cell.alignment = font, alignment
        ws.cell(r, 7).number_format = TRIEU
        if verdict and verdict != say("feedback.totals.agree") and value is not None:
            ws.cell(r, 7).fill = PatternFill(fill_type="solid", start_color=FILL_COLORS["error"],
                                             end_color=FILL_COLORS["error"])
        ws.row_dimensions[r].height = row_height([(label, label_width), (verdict, note_width)])


def _free_title(book, lang: str = "vi") -> str:
    taken = {name.casefold() for name in book.sheetnames}
    base = messages.text("feedback.sheet", lang)
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base} ({n})"
    return title


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_MAX_TEXT]


def _set_text(cell, value) -> None:
    """Numbers as numbers, everything else as text: a value an agency typed («=SUM(…)») is never a formula."""
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = _clean(str(value))
        cell.data_type = "s"
