"""Issue 10's speed targets, what they change in reading: a template's metadata sheet is read down
to its keys (its long table of row fingerprints is not), and nothing else read changes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from cchc_xlsx import scan
from cchc_xlsx.agencies import default_registry
from cchc_xlsx.returns import _metadata, read_return_file
from cchc_xlsx.templates import LISTS_SHEET, META_SHEET
from cchc_xlsx.workbook import open_book

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "daklak-2018" / "returns" / "cchc-2018-so-tu-phap.xlsx"


def _values(rows: list[list]) -> list[list]:
    """Rows without their trailing blanks (a grid is as wide as the cells read)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    return out


def _keys(rows: list[list]) -> int:
    """How many rows the metadata's keys take (down to the first blank key)."""
    return next((i for i, row in enumerate(rows) if not row or row[0] in ("", None)), len(rows))


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_the_metadata_is_read_down_to_its_keys_and_the_other_sheets_as_before(reader):
    whole = open_book(SAMPLE, skip=(LISTS_SHEET,), reader=reader)
    head = open_book(SAMPLE, skip=(LISTS_SHEET,), heads=(META_SHEET,), reader=reader)
    assert [s.name for s in head.sheets] == [s.name for s in whole.sheets]
    for cut, full in zip(head.sheets, whole.sheets):
        if cut.name != META_SHEET:
            assert (cut.rows, cut.merged, cut.errors, cut.state) == (full.rows, full.merged, full.errors, full.state)
    rows = whole.sheet(META_SHEET).rows
    assert len(rows) > 20 and _values(head.sheet(META_SHEET).rows) == _values(rows[:_keys(rows)])
    assert _metadata(head) == _metadata(whole)
    assert _metadata(head)["agency"] == "Sở Tư pháp" and _metadata(head)["template_version"]
    assert (head.size, head.sha256) == (whole.size, whole.sha256)          # the bytes read, not the copy


def test_a_return_reads_its_agency_and_rows_as_before():
    ret = read_return_file(SAMPLE, default_registry(), year=2018)
    assert ret.status == "read" and ret.meta["agency"] == "Sở Tư pháp" and ret.rows_read > 0
    assert not [f for f in ret.findings if f.sheet == META_SHEET]


def test_a_far_cell_below_the_metadata_keys_is_not_read_and_costs_nothing(tmp_path):
    """Rows below the keys are read by no one (a far cell there neither): the return is read, its
    metadata intact, in bounded time (calamine alone would ask for 512 GiB)."""
    path = tmp_path / SAMPLE.name
    book = openpyxl.load_workbook(SAMPLE)
    book[META_SHEET]["XFD1048576"] = "ô lạc dưới bảng"
    book.save(path)
    ret = read_return_file(path, default_registry(), year=2018)
    assert ret.status == "read" and ret.meta["agency"] == "Sở Tư pháp" and ret.rows_read > 0
    assert not [f for f in ret.findings if f.sheet == META_SHEET]
    assert len(open_book(path, skip=(LISTS_SHEET,), heads=(META_SHEET,)).sheet(META_SHEET).rows) < 20


def test_a_metadata_sheet_made_visible_is_read_whole(tmp_path):
    path = tmp_path / SAMPLE.name
    book = openpyxl.load_workbook(SAMPLE)
    book[META_SHEET].sheet_state = "visible"
    book.save(path)
    whole = open_book(path, skip=(LISTS_SHEET,))
    head = open_book(path, skip=(LISTS_SHEET,), heads=(META_SHEET,))
    assert head.sheet(META_SHEET).rows == whole.sheet(META_SHEET).rows and len(whole.sheet(META_SHEET).rows) > 20


def _sheet(rows: bytes, after: bytes = b"<pageMargins/>") -> bytes:
    return b'<worksheet><dimension ref="A1:B9"/><sheetData>' + rows + b"</sheetData>" + after + b"</worksheet>"


def _row(r: int) -> bytes:
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>k%d</t></is></c></row>' % (r, r, r)


def test_the_head_is_the_rows_before_the_first_blank_row():
    xml = _sheet(_row(1) + _row(2) + _row(4) + _row(5))
    assert scan.head_rows(xml) == _sheet(_row(1) + _row(2))


@pytest.mark.parametrize("rows", [
    _row(1) + _row(2) + _row(3),                              # no blank row: nothing to cut
    _row(1) + _row(3) + _row(2),                              # a key row written after the table
    _row(1) + _row(3) + b'<row><c r="A2"><v>1</v></c></row>',  # a row without its number
    _row(2) + _row(1) + _row(4),                              # not in order from the start
], ids=["no-gap", "key-after-table", "row-without-number", "out-of-order"])
def test_a_head_that_is_not_plainly_in_order_is_read_whole(rows):
    assert scan.head_rows(_sheet(rows)) is None


def test_an_empty_sheet_has_no_head_to_cut():
    assert scan.head_rows(b"<worksheet><sheetData/></worksheet>") is None
    assert scan.head_rows(b"<worksheet></worksheet>") is None


def test_the_copy_for_the_reader_keeps_every_other_member_byte_for_byte():
    data = SAMPLE.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = scan.sheet_members(archive)[META_SHEET][0]
    plan_member = scan.sheet_members(archive)["Phụ lục 1"][0]
    head = scan.head_rows(archive.read(member))
    copy = zipfile.ZipFile(io.BytesIO(scan.with_members(data, archive, {member: head},
                                                        {plan_member: archive.read(plan_member)})))
    assert copy.testzip() is None                                          # CRCs right, stored or not
    assert [i.filename for i in copy.infolist()] == [i.filename for i in archive.infolist()]
    for info in archive.infolist():
        assert copy.read(info.filename) == (head if info.filename == member else archive.read(info.filename))
        stored = info.filename in (member, plan_member)
        assert (copy.getinfo(info.filename).compress_type == zipfile.ZIP_STORED) == (
            stored or info.compress_type == zipfile.ZIP_STORED)
    python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(copy.fp.getvalue())).get_sheet_by_name(META_SHEET)
    assert SAMPLE.read_bytes() == data                                     # the file itself untouched


def test_an_encrypted_member_is_never_copied_and_the_file_goes_as_it_is():
    data = SAMPLE.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    archive.infolist()[0].flag_bits |= 1
    assert scan.with_members(data, archive, {"xl/workbook.xml": b"x"}) is data


def test_a_member_inflated_from_the_bytes_is_the_one_zipfile_reads():
    data = SAMPLE.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info in archive.infolist():
        assert scan.read_member(archive, info.filename, data) == archive.read(info.filename)


@pytest.mark.parametrize("damage", ["crc", "stream", "name", "truncated"])
def test_a_damaged_member_fails_as_zipfile_says(damage):
    """Any doubt about a member (its CRC, its deflated stream, its local header, a file cut short):
    zipfile reads it, and raises what it always has."""
    data = bytearray(SAMPLE.read_bytes())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))          # its directory, read before the damage
    info = archive.getinfo(scan.sheet_members(archive)["Phụ lục 1"][0])
    start = info.header_offset + 30 + len(info.orig_filename.encode()) + len(info.extra)
    if damage == "crc":
        info.CRC ^= 1
    elif damage == "stream":
        data[start + 5: start + 40] = bytes(35)
    elif damage == "name":
        data[info.header_offset + 30] ^= 0x20
    else:
        del data[start + 100:]
    archive.fp = io.BytesIO(bytes(data))
    with pytest.raises(Exception) as expected:
        archive.read(info.filename)
    with pytest.raises(type(expected.value)) as got:
        scan.read_member(archive, info.filename, bytes(data))
    assert str(got.value) == str(expected.value)
