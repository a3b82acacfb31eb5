"""The Decree 30/2020 blocks of Tổng hợp: issuing body, quốc hiệu and tiêu ngữ, place and date, signatures.

Decree 30/2020/NĐ-CP on administrative documents, Appendix I (the layout of a document): top left
the cơ quan chủ quản (upper case, 12–13 pt, regular) over the issuing body (upper case, bold, a line
under it); top right the quốc hiệu «CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM» (upper case, 12–13 pt, bold)
over the tiêu ngữ «Độc lập - Tự do - Hạnh phúc» (13–14 pt, bold, underlined as long as the text),
then «place, ngày … tháng … năm …» in italics; at the end the signatures (title in bold capitals,
the name in bold below the room to sign). Times New Roman throughout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .. import messages
from ..findings import PLAN_AUTHOR

__all__ = ["Signing", "SIGNING_OPTIONS", "NATIONAL_TITLE", "MOTTO", "date_line", "write_heading_blocks",
           "write_signature_block"]

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

messages.register({
    "book.sign.preparer": ("NGƯỜI LẬP BIỂU", "PREPARED BY"),
    "book.sign.head": ("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE AGENCY"),
    "book.sign.preparer_note": ("(Ký, ghi rõ họ tên)", "(Signature, full name)"),
    "book.sign.head_note": ("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"),
    "book.sign.date": ("{place}, ngày {day} tháng {month} năm {year}", "{place}, {day}/{month}/{year}"),
})
_BLANK = "……"

#: The consolidate command's options for these blocks: (flag, help key, metavar).
SIGNING_OPTIONS = (("--issuer-parent", "cli.signing.parent", "TÊN"), ("--issuer", "cli.signing.issuer", "TÊN"),
                   ("--place", "cli.signing.place", "ĐỊA DANH"), ("--date", "cli.signing.date", "DD/MM/YYYY"),
                   ("--preparer", "cli.signing.preparer", "HỌ TÊN"), ("--signer", "cli.signing.signer", "HỌ TÊN"))
messages.register({
    "cli.signing.group": ("khối thể thức của trang Tổng hợp (Nghị định 30/2020)",
                          "the Tổng hợp sheet's Decree 30/2020 blocks"),
    "cli.signing.parent": ("cơ quan chủ quản (mặc định: UBND TỈNH <tỉnh của kế hoạch>; \"\" để bỏ trống)",
                           "the governing body (default: UBND TỈNH <the plan's province>; \"\" for none)"),
    "cli.signing.issuer": ("cơ quan ban hành (mặc định: SỞ NỘI VỤ)", "the issuing body (default: SỞ NỘI VỤ)"),
    "cli.signing.place": ("địa danh ghi trước ngày tháng (mặc định: tỉnh của kế hoạch)",
                          "the place before the date (default: the plan's province)"),
    "cli.signing.date": ("ngày ký (mặc định: để trống, ghi tay)", "the date signed (default: blank, to write by hand)"),
    "cli.signing.preparer": ("họ tên người lập biểu", "the name of who prepared the workbook"),
    "cli.signing.signer": ("họ tên thủ trưởng đơn vị ký", "the name of the head of the agency who signs"),
})


@dataclass(frozen=True)
class Signing:
    """Who issues and signs the consolidated workbook; ``None`` fields are derived from the plan.

    - ``parent``: the cơ quan chủ quản, e.g. «UBND TỈNH ĐẮK LẮK» (default: the plan's province, or
      its district for a district's plan); "" for none;
    - ``issuer``: the issuing body, «SỞ NỘI VỤ» (the plan's author; «PHÒNG NỘI VỤ» for a district);
    - ``place``: the place before the date, «Đắk Lắk» (default: the province's or district's name);
    - ``date``: the date of the document; None leaves «ngày …… tháng …… năm ……» to write by hand;
    - ``preparer``, ``signer``: the names under «Người lập biểu» and «Thủ trưởng đơn vị» ("" leaves
      the line to write by hand); ``signer_title`` replaces «THỦ TRƯỞNG ĐƠN VỊ» (e.g. «GIÁM ĐỐC»).
    """

    parent: str | None = None
    issuer: str | None = None
    place: str | None = None
    date: dt.date | None = None
    preparer: str = ""
    signer: str = ""
    signer_title: str = ""

    def for_plan(self, plan) -> Signing:
        """These options with every ``None`` derived from ``plan`` (its province and district)."""
        province, district = (plan.province or "").strip(), (getattr(plan, "district", "") or "").strip()
        if district:
            parent, issuer, place = f"UBND {district.upper()}", "PHÒNG NỘI VỤ", _without_kind(district)
        else:
            parent = f"UBND TỈNH {province.upper()}" if province else ""
            issuer, place = PLAN_AUTHOR.upper(), province
        return replace(self, parent=parent if self.parent is None else self.parent,
                       issuer=issuer if self.issuer is None else self.issuer,
                       place=place if self.place is None else self.place)


def _without_kind(name: str) -> str:
    """«Krông Pắc» from «huyện Krông Pắc» (the place of a date names no kind of unit)."""
    for kind in ("huyện ", "thị xã ", "thành phố ", "quận "):
        if name.lower().startswith(kind):
            return name[len(kind):]
    return name


def date_line(signing: Signing, lang: str = "vi") -> str:
    """«Đắk Lắk, ngày 15 tháng 01 năm 2018», or with dots to fill by hand when no date is given."""
    place = signing.place or _BLANK
    if signing.date is None:
        return messages.text("book.sign.date", lang, place=place, day=_BLANK, month=_BLANK, year=_BLANK)
    d = signing.date
    return messages.text("book.sign.date", lang, place=place, day=f"{d.day:02d}", month=f"{d.month:02d}",
                         year=d.year)


def write_heading_blocks(ws, book, row: int, signing: Signing, split: int, last: int, lang: str = "vi") -> int:
    """The three heading lines from ``row``: the issuing body in columns 0..split-1, the quốc hiệu,
    tiêu ngữ and date in split..last (the quốc hiệu and tiêu ngữ in Vietnamese whatever ``lang``).
    Returns the next free row."""
    left = dict(align="center", valign="vcenter", text_wrap=True, font_size=12)
    ws.set_row(row, 18)
    ws.merge_range(row, 0, row, split - 1, (signing.parent or "").upper(), book.fmt(**left))
    ws.merge_range(row, split, row, last, NATIONAL_TITLE, book.fmt(**left, bold=True))
    ws.set_row(row + 1, 19)
    ws.merge_range(row + 1, 0, row + 1, split - 1, (signing.issuer or "").upper(),
                   book.fmt(**left, bold=True, underline=1))
    ws.merge_range(row + 1, split, row + 1, last, MOTTO, book.fmt(**(left | {"font_size": 13}), bold=True, underline=1))
    ws.set_row(row + 2, 20)
    ws.merge_range(row + 2, split, row + 2, last, date_line(signing, lang),
                   book.fmt(align="center", valign="bottom", italic=True, font_size=13))
    return row + 3


def write_signature_block(ws, book, row: int, signing: Signing, split: int, last: int, lang: str = "vi") -> int:
    """«Người lập biểu» in columns 0..split-1 and «Thủ trưởng đơn vị» in split..last: the title, the note,
    room to sign (and stamp), the name. One row, so that a page never ends inside the block (a printer
    breaks pages between rows). Returns the next free row."""
    title = book.fmt(bold=True, font_size=13)
    note = book.fmt(italic=True)
    cell = book.fmt(align="center", valign="top", text_wrap=True)
    ws.set_row(row, SIGNATURE_HEIGHT)
    sides = ((0, split - 1, messages.text("book.sign.preparer", lang), messages.text("book.sign.preparer_note", lang),
              signing.preparer),
             (split, last, signing.signer_title.upper() or messages.text("book.sign.head", lang),
              messages.text("book.sign.head_note", lang), signing.signer))
    for c0, c1, heading, hint, name in sides:
        ws.merge_range(row, c0, row, c1, "", cell)
        parts = [title, heading + "\n", note, hint + "\n" * SIGNING_LINES]
        if name:
            parts += [title, name]
        ws.write_rich_string(row, c0, *parts, cell)
    return row + 1


#: Blank lines left to sign and stamp between the note and the name, and the block's height (points).
SIGNING_LINES = 5
SIGNATURE_HEIGHT = 17 + 15 + 13 * (SIGNING_LINES - 1) + 17 + 4
