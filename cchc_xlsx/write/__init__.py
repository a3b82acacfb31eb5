"""Write the consolidated workbook: the summary, the decision's two appendices with live totals, the
monitoring calendar, the timeline, the findings and the sources, each sheet ready to print on A4.

``write_workbook`` is the list of sheets, in order; each sheet has its own module. Where every value
lands is decided first (``layout``), because the sheets refer to each other's cells.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..findings import ToolError
from ..outputs import CONSOLIDATED, TEMP_SUFFIX, clean_leftovers, output_kind, temp_prefix
from .appendices import write_monitoring_sheet, write_plan_sheet
from .book import Book
from .findings_sheet import write_findings_sheet
from .layout import CALENDAR, FINDINGS, P1, P2, P2_FIRST_ROW, SOURCES, SUMMARY, TIMELINE, plan_layout
from .marks import cell_marks
from .monitoring_calendar import write_calendar_sheet
from .signing import Signing
from .sources import write_sources_sheet
from .summary import write_summary_sheet
from .timeline import write_timeline_sheet

__all__ = ["write_workbook", "OutputError", "SHEETS", "Signing"]

SHEETS = (SUMMARY, P1, P2, CALENDAR, TIMELINE, FINDINGS, SOURCES)


class OutputError(ToolError):
    """The consolidated workbook cannot be written where asked. The message names the file and the fix."""

    def __init__(self, path: Path | str, vi: str, en: str) -> None:
        self.path, self.vi, self.en = Path(path), vi, en
        super().__init__(vi)

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


def write_workbook(consolidation, out_path: Path | str, *, inputs: Iterable[Path | str] = (),
                   lang: str = "vi", signing: Signing | None = None) -> Path:
    """Write ``consolidation`` to ``out_path`` (.xlsx) and return the path.

    Refuses (OutputError) to overwrite any of ``inputs`` or of the consolidation's source files (but
    a consolidated workbook of ours found among them, skipped when read, is replaced).
    The workbook is written to a temporary file beside the target and moved into place at the end,
    so a failure never leaves half a workbook. ``lang`` is the language of the findings' messages
    and of the labels of every sheet (the sheet names stay Vietnamese, as other code finds sheets by
    them; the plan's texts and the STT labels stay as the plan writes them). ``signing``
    (write/signing.py): the issuing body, place, date and names of Tổng hợp's Decree 30/2020
    blocks; by default derived from the plan's province.
    """
    out = _check_target(Path(out_path), [*inputs, *consolidation.sources["path"].tolist()])
    layout = plan_layout(consolidation)
    _check_rows(out, layout)
    with _replacing(out) as tmp:
        book = Book.create(tmp, consolidation.plan, consolidation.generated_at, lang)
        sheets = [book.sheet(name) for name in SHEETS]
        summary, plan, monitoring, calendar, timeline, findings, sources = sheets
        write_summary_sheet(book, summary, consolidation, layout, signing, lang)
        marks = cell_marks(consolidation.findings, layout.locate, (P1, P2), lang, lang)   # cells with a finding
        write_plan_sheet(book, plan, consolidation, layout, marks[P1], lang)
        write_monitoring_sheet(book, monitoring, consolidation, layout, marks[P2], lang)
        write_calendar_sheet(book, calendar, consolidation, layout, lang)
        write_timeline_sheet(book, timeline, consolidation, layout, lang)
        write_findings_sheet(book, findings, consolidation, layout, lang)
        write_sources_sheet(book, sources, consolidation, layout, lang)
        book.close()
    return out


def _check_target(out: Path, inputs: list) -> Path:
    if out.suffix.lower() != ".xlsx":
        raise OutputError(out, f"{out}: tệp kết quả phải có đuôi .xlsx (ví dụ tong-hop.xlsx).",
                          f"{out}: the output must end in .xlsx (e.g. tong-hop.xlsx).")
    if out.is_dir():
        raise OutputError(out, f"{out} là một thư mục: hãy ghi tên tệp, ví dụ {out / 'tong-hop.xlsx'}.",
                          f"{out} is a folder: give a file name, e.g. {out / 'tong-hop.xlsx'}.")
    for source in inputs:
        if isinstance(source, (str, Path)) and str(source) and _same_file(out, Path(source)) \
                and output_kind(out) != CONSOLIDATED:     # our last output, skipped when read: replaced
            raise OutputError(out, f"Không ghi đè tệp đầu vào {out}: hãy chọn tên khác cho tệp tổng hợp "
                                   f"(ví dụ {out.with_name(out.stem + '-tong-hop.xlsx').name}).",
                              f"Refusing to overwrite the input file {out}: choose another name for the "
                              f"consolidated workbook (e.g. {out.with_name(out.stem + '-tong-hop.xlsx').name}).")
    if not out.parent.is_dir():
        raise OutputError(out, f"Thư mục {out.parent} không tồn tại: hãy tạo thư mục hoặc chọn nơi ghi khác.",
                          f"The folder {out.parent} does not exist: create it or write elsewhere.")
    return out


#: Rows in a sheet of an .xlsx (Excel's limit; a row past it makes Excel repair the file).
EXCEL_MAX_ROWS = 1_048_576
_MARGIN = 20      # rows the per-row sheets (calendar, timeline) have above and below their rows


def _check_rows(out: Path, layout) -> None:
    """Refuse (OutputError) a plan whose rows do not fit one sheet, before anything is written: one
    appendix split over several sheets would break its live totals, so it is said instead. (Kiểm tra
    holds what fits and says how many more findings --json gives.)"""
    needed = max(layout.split_total_row + 2, P2_FIRST_ROW + len(layout.monitoring_order)) + _MARGIN
    if needed > EXCEL_MAX_ROWS:
        raise OutputError(out, f"Kế hoạch có {needed:,} dòng, quá giới hạn {EXCEL_MAX_ROWS:,} dòng một trang của Excel: "
                               "không ghi được bảng tổng hợp; hãy dùng --json, hoặc tổng hợp từng phần của kế hoạch.",
                          f"The plan needs {needed:,} rows, over Excel's limit of {EXCEL_MAX_ROWS:,} rows per sheet: "
                          "the workbook cannot be written; use --json, or consolidate the plan in parts.")


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


@contextlib.contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, moved over it only when the block finishes without error."""
    clean_leftovers(out.parent, out)          # what a killed run left (the readers skip them anyway)
    try:
        fd, name = tempfile.mkstemp(prefix=temp_prefix(out), suffix=TEMP_SUFFIX + ".xlsx", dir=out.parent)
    except OSError as error:
        raise OutputError(out, f"Không ghi được vào thư mục {out.parent} ({error.strerror}): hãy chọn nơi ghi khác.",
                          f"Cannot write in {out.parent} ({error.strerror}): choose another place.") from error
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except OSError as error:
        raise OutputError(out, f"Không ghi được {out} ({error.strerror or error}): nếu tệp đang mở trong Excel, "
                               "hãy đóng lại rồi chạy lại lệnh.",
                          f"Cannot write {out} ({error.strerror or error}): if it is open in Excel, close it and "
                          "run the command again.") from error
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
