#!/usr/bin/env python3
"""Build the bundled sample returns in ``workbooks/daklak-2018/returns/``.

The returns are what the agencies "send back" after filling the templates of the bundled 2018
Đắk Lắk plan.  Each one starts from the template written by ``cchc_xlsx.templates.write_templates``
(already filled with the plan's values) and is changed with openpyxl as the agency would have
changed it, with a few realistic defects, each in exactly one named row; the folder's README.md
lists them with the finding codes they must produce.

openpyxl keeps the sheets, their protection, validations and conditional formats, but it drops
the cached value of every formula when it saves: the subtotals of a return have no value until
Excel or LibreOffice recalculates them.  That is realistic and wanted: the reader must cope.

Rows are found by the text in column A (``Hoạt động 2.2.4``, ``Kết quả đầu ra 6.2``) and columns
by their header text, never by fixed positions.

Determinism: every .xlsx is byte-identical from run to run.  openpyxl stamps
``docProps/core.xml`` with the current time on save (whatever ``properties.modified`` says) and
zips with the current time, so each file is saved to memory and rewritten: ``dcterms:modified``
set to the agency's fixed save time (the later ``modified`` wins when an agency sends two
versions), every zip entry dated 1980-01-01 00:00:00, entries sorted.  The .ods is converted by
LibreOffice and is not guaranteed byte-identical (LibreOffice writes its own timestamps and
version); ``--check`` skips it.  The bytes also depend on the versions in ``BUILT_WITH``.

Usage::

    python scripts/build_sample_returns.py [-o DIR] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import io
import re
import shutil
import struct
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.worksheet.worksheet import Worksheet

from cchc_xlsx import bundled_plan_path, read_plan
from cchc_xlsx.office import convert
from cchc_xlsx.templates import (META_SHEET, MONITORING_HEADER, PLAN_HEADER, SHEET_MONITORING, SHEET_PLAN,
                                 TemplateOptions, write_templates)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "workbooks" / "daklak-2018" / "returns"

#: The versions the committed files were built with: other versions may write other bytes.
BUILT_WITH = {"openpyxl": "3.1.5", "xlsxwriter": "3.3.1", "zlib": "1.2.13"}

GENERATED_AT = dt.datetime(2018, 1, 2, 8, 0)   # when the Sở Nội vụ wrote the templates
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: Files this script writes (README.md is written by hand).
OUTPUTS = (
    "cchc-2018-so-tu-phap.xlsx",
    "cchc-2018-van-phong-ubnd-tinh.xlsx",
    "cchc-2018-so-noi-vu.xlsx",
    "cchc-2018-so-noi-vu-ban-sua.xlsx",
    "~$cchc-2018-so-noi-vu.xlsx",
    "cchc-2018-so-thong-tin-va-truyen-thong.xlsx",
    "so-khcn-ban-sao.xlsx",
    "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods",
    "cchc-2018-so-tai-chinh.xlsx",
    "ghi-chu.txt",
)

# The columns, by their header text in the templates (PLAN_HEADER / MONITORING_HEADER).
PLAN_COLUMNS = {"content": PLAN_HEADER[1], "indicator": PLAN_HEADER[2], "evidence": PLAN_HEADER[3],
                "from": "Từ tháng", "to": "Đến tháng", "budget": PLAN_HEADER[6], "lead": PLAN_HEADER[7],
                "partners": PLAN_HEADER[8]}
MONITORING_COLUMNS = {"content": MONITORING_HEADER[1], "frequency": MONITORING_HEADER[4],
                      "collector": "Thu thập số liệu", "reporter": "Báo cáo"}


def versions() -> dict[str, str]:
    return {"openpyxl": openpyxl.__version__, "xlsxwriter": xlsxwriter.__version__,
            "zlib": zlib.ZLIB_RUNTIME_VERSION}


# --------------------------------------------------------------------------- finding rows and columns
def header_row(ws: Worksheet) -> int:
    """The row whose column A says ``STT`` (the top header row)."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if _text(row[0].value) == "STT":
            return row[0].row
    raise LookupError(f"{ws.title}: no header row with «STT» in column A")


def column(ws: Worksheet, field: str) -> int:
    """The column (1-based) of a field, by its header text in the two header rows."""
    wanted = (PLAN_COLUMNS if ws.title == SHEET_PLAN else MONITORING_COLUMNS)[field]
    top = header_row(ws)
    for r in (top, top + 1):
        for cell in ws[r]:
            if _text(cell.value) == wanted:
                return cell.column
    raise LookupError(f"{ws.title}: no column «{wanted}»")


def rows_labelled(ws: Worksheet, label: str) -> list[int]:
    return [row[0].row for row in ws.iter_rows(min_col=1, max_col=1) if _text(row[0].value) == label]


def row_of(ws: Worksheet, label: str) -> int:
    """The one row whose column A holds ``label`` (``Hoạt động 2.2.4``)."""
    found = rows_labelled(ws, label)
    if len(found) != 1:
        raise LookupError(f"{ws.title}: {len(found)} rows labelled «{label}», expected 1")
    return found[0]


def cell(ws: Worksheet, label: str, field: str):
    return ws.cell(row_of(ws, label), column(ws, field))


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


# --------------------------------------------------------------------------- deterministic saving
def save(book: openpyxl.Workbook, path: Path, modified: dt.datetime, created: dt.datetime = GENERATED_AT) -> Path:
    """Save with fixed document times and zip dates: the same bytes on every run."""
    book.properties.created = created
    book.properties.modified = modified   # openpyxl overwrites it with now() on save: patched below
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue(), modified))
    return path


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes, modified: dt.datetime) -> bytes:
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            content = src.read(name)
            if name == "docProps/core.xml":
                content, count = _MODIFIED.subn(rb"\g<1>" + stamp + rb"\g<2>", content)
                if count != 1:
                    raise RuntimeError("docProps/core.xml has no dcterms:modified to fix")
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, content)
    return out.getvalue()


# --------------------------------------------------------------------------- the returns
def tu_phap(template: Path, out: Path) -> None:
    """Filled as meant, plus an invalid month, a budget typed as Vietnamese text, a frequency too frequent."""
    book = openpyxl.load_workbook(template)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    # month-invalid. Not in 1.1.3, whose window (Tháng 06–Tháng 06) the frequency-window needs.
    cell(plan, "Hoạt động 1.4.4", "from").value = "Tháng 13"
    cell(plan, "Hoạt động 1.4.2", "budget").value = "10,5"                # text: 10.5, not a defect
    cell(monitoring, "Hoạt động 1.1.3", "frequency").value = "Hàng quý"   # 4 a year in a 1-month activity
    save(book, out / "cchc-2018-so-tu-phap.xlsx", dt.datetime(2018, 1, 8, 10, 15))


def van_phong(template: Path, out: Path) -> None:
    book = openpyxl.load_workbook(template)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    cell(plan, "Hoạt động 2.2.4", "budget").value = 43000000               # đồng, not triệu đồng
    assert _text(cell(plan, "Hoạt động 2.2.3", "from").value) == "Tháng 04"
    cell(plan, "Hoạt động 2.2.3", "to").value = "Tháng 03"                 # ends before it starts
    # frequency and collector left blank; the collector is inherited from task 4 (Ông Phạm Xuân Dũng)
    cell(monitoring, "Hoạt động 4.4.5", "frequency").value = None
    cell(monitoring, "Hoạt động 4.4.5", "collector").value = None
    save(book, out / "cchc-2018-van-phong-ubnd-tinh.xlsx", dt.datetime(2018, 1, 9, 14, 0))


def noi_vu(template: Path, out: Path) -> None:
    """Two versions: the first with a wrong budget, the later corrected one with other defects."""
    book = openpyxl.load_workbook(template)
    cell(book[SHEET_PLAN], "Hoạt động 7.2.1", "budget").value = 150
    save(book, out / "cchc-2018-so-noi-vu.xlsx", dt.datetime(2018, 1, 10, 9, 0))

    book = openpyxl.load_workbook(template)
    plan = book[SHEET_PLAN]
    cell(plan, "Hoạt động 7.2.1", "budget").value = 160                   # as the plan
    cell(plan, "Hoạt động 7.1.2", "partners").value = "Sơ Tài chính, các sở, ban, ngành"
    cell(plan, "Hoạt động 4.4.4", "budget").value = -20
    save(book, out / "cchc-2018-so-noi-vu-ban-sua.xlsx", dt.datetime(2018, 1, 12, 16, 30))

    # The lock file Excel leaves while the first file is open (the owner's name, as Excel writes it).
    (out / "~$cchc-2018-so-noi-vu.xlsx").write_bytes(excel_lock_file("Nguyen Van A"))


def excel_lock_file(user: str) -> bytes:
    """165 bytes like an Excel owner file: a length byte, the name padded with spaces, then in UTF-16."""
    data = bytes([len(user)]) + user.encode("ascii").ljust(53, b" ")
    data += struct.pack("<H", len(user)) + user.encode("utf-16-le")
    return (data + b"\x20\x00" * 60)[:165]


def thong_tin(template: Path, out: Path) -> None:
    book = openpyxl.load_workbook(template)
    plan = book[SHEET_PLAN]
    plan.protection.sheet = False                                         # unprotected, then edited
    # A "Ghi chú" column after the last one (J): openpyxl's insert_cols moves no merges or validations.
    top = header_row(plan)
    last = max(column(plan, field) for field in PLAN_COLUMNS)
    note = plan.cell(top, last + 1, "Ghi chú")
    note._style = plan.cell(top, last)._style
    plan.column_dimensions[note.column_letter].width = 18
    plan.cell(row_of(plan, "Hoạt động 6.2.1"), last + 1, "Đã ký hợp đồng")
    cell(plan, "Hoạt động 6.2.1", "budget").value = "1.949"                # text: 1949, as the plan
    content = cell(plan, "Hoạt động 6.2.2", "content")
    content.value = f"{content.value} (bổ sung truyền hình)"             # a locked cell changed
    cell(plan, "Hoạt động 6.2.8", "budget").value = None                   # left blank
    save(book, out / "cchc-2018-so-thong-tin-va-truyen-thong.xlsx", dt.datetime(2018, 1, 11, 8, 45))


def khoa_hoc(template: Path, out: Path) -> None:
    """The two appendices' values pasted into a fresh workbook: no metadata, matched by content."""
    book = openpyxl.load_workbook(template)
    plan, monitoring = book[SHEET_PLAN], book[SHEET_MONITORING]
    cell(plan, "Hoạt động 6.3.4", "budget").value = "chưa xác định"
    cell(monitoring, "Hoạt động 6.3.1", "frequency").value = "Sở Khoa học và Công nghệ"
    spare = rows_labelled(plan, "Đề xuất mới (6.3)")[0]
    for field, value in (("content", "Khảo sát mức độ hài lòng về dịch vụ ISO tại cấp xã"), ("from", "Tháng 09"),
                         ("to", "Tháng 10"), ("budget", 15), ("lead", "Sở Khoa học và Công nghệ")):
        plan.cell(spare, column(plan, field), value)
    # Values only: a formula cell pastes as its cached value, which openpyxl's save dropped: empty.
    buffer = io.BytesIO()
    book.save(buffer)
    cached = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), data_only=True)
    copy = openpyxl.Workbook()
    copy.remove(copy.active)
    for title in (SHEET_PLAN, SHEET_MONITORING):
        target = copy.create_sheet(title)
        for row in cached[title].iter_rows():
            for source in row:
                if source.value is not None and source.value != "":
                    target.cell(source.row, source.column, source.value)
    copy.properties.creator = "Sở Khoa học và Công nghệ"
    save(copy, out / "so-khcn-ban-sao.xlsx", dt.datetime(2018, 1, 11, 15, 40), created=dt.datetime(2018, 1, 11, 15, 20))


def van_hoa(template: Path, out: Path, work: Path) -> None:
    """Filled as meant, then saved as .ods through LibreOffice (not byte-deterministic: see the module doc)."""
    book = openpyxl.load_workbook(template)
    plan = book[SHEET_PLAN]
    cell(plan, "Hoạt động 7.3.4", "budget").value = 180
    cell(plan, "Hoạt động 7.3.4", "evidence").value = "Kế hoạch tổ chức; báo cáo kết quả liên hoan"
    staged = work / "ods" / template.name
    staged.parent.mkdir(parents=True, exist_ok=True)
    save(book, staged, dt.datetime(2018, 1, 12, 10, 0))
    produced = convert(staged, "ods", work / "ods-out")
    shutil.move(produced, out / f"{template.stem}.ods")


def tai_chinh(template: Path, out: Path) -> None:
    """An old template: its metadata says template_version 0."""
    book = openpyxl.load_workbook(template)
    meta = book[META_SHEET]
    rows = [row for row in meta.iter_rows(min_col=1, max_col=2) if _text(row[0].value) == "template_version"]
    if len(rows) != 1:
        raise LookupError(f"{META_SHEET}: no template_version row")
    rows[0][1].value = "0"
    cell(book[SHEET_PLAN], "Hoạt động 5.1.1", "evidence").value = "Quyết định giao quyền tự chủ cho 12 đơn vị"
    save(book, out / "cchc-2018-so-tai-chinh.xlsx", dt.datetime(2018, 1, 5, 11, 30))


def build(out: Path, *, ods: bool = True) -> list[Path]:
    """Write every sample return into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cchc-returns-") as tmp:
        work = Path(tmp)
        templates = write_templates(read_plan(bundled_plan_path()), work / "templates",
                                    TemplateOptions(generated_at=GENERATED_AT))
        by_name = {path.name: path for path in templates}
        t = lambda agency: by_name[f"cchc-2018-{agency}.xlsx"]  # noqa: E731
        tu_phap(t("so-tu-phap"), out)
        van_phong(t("van-phong-ubnd-tinh"), out)
        noi_vu(t("so-noi-vu"), out)
        thong_tin(t("so-thong-tin-va-truyen-thong"), out)
        khoa_hoc(t("so-khoa-hoc-va-cong-nghe"), out)
        if ods:
            van_hoa(t("so-van-hoa-the-thao-va-du-lich"), out, work)
        tai_chinh(t("so-tai-chinh"), out)
        # the Cổng Thông tin điện tử tỉnh sends nothing
        (out / "ghi-chu.txt").write_text("Danh sách đơn vị đã gửi báo cáo\n", encoding="utf-8")
    return [out / name for name in OUTPUTS if (out / name).exists()]


def check() -> int:
    """Build twice into temporary folders and compare the bytes (the .ods excepted)."""
    with tempfile.TemporaryDirectory(prefix="cchc-returns-check-") as tmp:
        a, b = Path(tmp) / "a", Path(tmp) / "b"
        build(a)
        build(b)
        names = sorted(p.name for p in a.iterdir())
        differ = [n for n in names if not n.endswith(".ods") and not filecmp.cmp(a / n, b / n, shallow=False)]
        if sorted(p.name for p in b.iterdir()) != names:
            differ.append("(different file lists)")
    for name in differ:
        print(f"differs between runs: {name}", file=sys.stderr)
    print("deterministic" if not differ else f"{len(differ)} file(s) differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="folder to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="build twice in a temporary folder and compare bytes")
    args = parser.parse_args(argv)
    if versions() != BUILT_WITH:
        print(f"note: built with {BUILT_WITH}, running {versions()}: the bytes may differ", file=sys.stderr)
    if args.check:
        return check()
    written = build(args.out)
    extra = sorted(p.name for p in args.out.iterdir() if p.name not in OUTPUTS and p.name != "README.md")
    for name in extra:
        print(f"warning: {args.out / name} was not written by this script", file=sys.stderr)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
