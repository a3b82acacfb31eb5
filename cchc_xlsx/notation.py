"""Parsers for the decision's notation: numbers, months, frequencies and row labels."""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .encodings import decode_legacy

__all__ = [
    "fold", "clean_text", "remove_invisible", "parse_number", "number_notation", "parse_month", "parse_frequency",
    "parse_label", "Month", "Frequency", "Label", "NotANumber", "Unit", "TRIEU", "parse_unit", "unit_in_text",
    "parse_period", "parse_trieu",
]


# --------------------------------------------------------------------------- text
def _fold_table() -> dict[int, int | str | None]:
    """str.translate table: every precomposed letter to its base letter, every combining mark removed."""
    table: dict[int, int | str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x80, 0x3000):
        ch = chr(code)
        if unicodedata.category(ch) == "Mn":
            table[code] = None
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        if base != ch:
            table[code] = base
    return table


_FOLD_TABLE = _fold_table()
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII skeleton of a text: no diacritics, đ -> d, punctuation to single spaces.

    Used to compare texts typed with or without diacritics, extra spaces or punctuation.
    """
    if not text.isascii():
        text = text.translate(_FOLD_TABLE)
        if not text.isascii():   # other scripts: the long way (what is left becomes spaces but marks)
            text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def clean_text(value: object) -> str:
    """A cell value as text: Unicode (text typed in the legacy TCVN3 or VNI encodings converted, see
    :mod:`cchc_xlsx.encodings`), NFC, invisible format characters removed, every kind of space
    (no-break, thin, ideographic …) and runs of white space folded to one space, trimmed.

    Format characters (Unicode category Cf: U+FEFF byte-order mark, U+2060 word joiner, U+00AD soft
    hyphen, U+200C/U+200D joiners, direction marks) are dropped; U+200B (zero-width space) counts as
    a space. So ``"1\u00a0949"`` -> ``"1 949"``, ``"\ufeffTháng 03"`` -> ``"Tháng 03"``.
    """
    if type(value) is str:
        cleaned = _CLEANED.get(value)
        if cleaned is None:
            if len(_CLEANED) >= _CLEANED_MAX:
                _CLEANED.clear()
            cleaned = _CLEANED[value] = _clean_str(value)
        return cleaned
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:    # 1e303 stays 1e+303, not 304 digits
            return str(int(value))
    return _clean_str(str(value))


#: Texts repeat (agency names, months, the plan's texts in every return): each is cleaned once, and
#: equal texts come back as one string object, which also saves memory.
_CLEANED: dict[str, str] = {}
_CLEANED_MAX = 1 << 18


def _clean_str(text: str) -> str:
    if not text.isascii():      # TCVN3 / VNI text is converted first (a regex search on other text)
        legacy = decode_legacy(text)
        if legacy is not None:
            text = legacy[1]
    # most cells are already clean: return them as they are (fast, and no copy kept in memory).
    # isprintable() is False for format characters and for every space but " ": those take the long way.
    if (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and unicodedata.is_normalized("NFC", text)):
        return text
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return " ".join(text.split())     # split() takes every Unicode space (U+00A0, U+202F, U+3000 …)


def _invisible_table() -> dict[int, str | None]:
    """str.translate table: every format character (category Cf) of the BMP removed, U+200B to a space."""
    table: dict[int, str | None] = {code: None for code in range(0x10000)
                                    if unicodedata.category(chr(code)) == "Cf"}
    table[0x200B] = " "
    return table


_INVISIBLE = _invisible_table()


def remove_invisible(text: str) -> str:
    """``text`` in Unicode (TCVN3 / VNI converted) without format characters (Cf; U+200B becomes a
    space), NFC, trimmed; line breaks and runs of spaces are kept (for texts that are split on
    them, such as agency cells)."""
    if text.isascii():
        return text.strip()
    legacy = decode_legacy(text)
    if legacy is not None:
        text = legacy[1]
    text = unicodedata.normalize("NFC", text)
    cleaned = text.translate(_INVISIBLE_AND_SPACES)
    if cleaned != text:     # a format character or an odd space was there: no double space left behind
        cleaned = _SPACES.sub(" ", cleaned)
    return cleaned.strip()


#: _INVISIBLE, and every space but " " and line breaks to " ".
_INVISIBLE_AND_SPACES = _INVISIBLE | {code: " " for code in range(0x80, 0x3001)
                                      if chr(code).isspace() and unicodedata.category(chr(code)) == "Zs"}
_SPACES = re.compile(r"[^\S\n]{2,}")


# --------------------------------------------------------------------------- numbers
class NotANumber(ValueError):
    """A cell that should hold a number holds something else."""


_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")   # 1.949  8.000.000.000  1.478,4
_COMMA_DECIMAL = re.compile(r"\d+(?:,\d+)?")                     # 3,4  1478,4  150
_DOT_DECIMAL = re.compile(r"\d+\.\d+")                           # 3.45 (not a thousands group)
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")       # 1,478.4  12,500,000 (en-US)
_SPACE_THOUSANDS = re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?")    # 15 000 000
_EXPONENT = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d{1,4}")          # 1E+303, as Excel shows a huge number
#: One group of three digits after one separator: «1,949», «1.949» read 1949 or 1.949 by notation.
_ONE_GROUP = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")
#: Longest digit string whose notation is judged (a float holds 17 significant digits).
_MAX_DIGITS = 40


def parse_number(value: object, notation: str = "vi") -> float | None:
    """A number written as text in Vietnamese (or en-US) notation, or a real numeric cell.

    ``1.949`` -> 1949, ``3,4`` -> 3.4, ``1.478,4`` -> 1478.4, ``8.000.000.000`` -> 8e9, blank -> None.
    A dot followed by exactly three digits is a thousands separator; a comma is the decimal mark.
    Texts that only en-US notation explains are read so (``1,270.5`` -> 1270.5, ``12,500,000`` ->
    12500000, ``3.45``). The one form both notations explain differently, one separator before
    one group of three digits (``1,949``, ``1.949``), is read in ``notation``: ``vi`` (default)
    1.949 and 1949, ``en`` 1949 and 1.949 (see :func:`number_notation`).
    ``1E+303`` (as Excel shows a huge number) is read too. The result may be huge or infinite
    (400 digits typed, a numeric cell of 1E+303): the caller judges plausibility
    (:func:`cchc_xlsx.normalise.plausible`). Raises NotANumber for text that is not a number
    (``150 triệu``, ``x``).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = clean_text(value)
    if not text:
        return None
    return _parse_number_text(text, notation)


#: A million-đồng amount with its unit typed after it: ``3,4 triệu``, ``3,4 triệu đồng``, ``3,4 trđ``,
#: ``3,4 tr.đ``, ``3,4 tr``.
_TRIEU_SUFFIX = re.compile(r"\s*(?:triệu(?:\s+đồng)?|tr\.?\s?đ(?:ồng)?|trđ|tr)\.?\s*", re.IGNORECASE)


def parse_trieu(value: object, notation: str = "vi") -> float | None:
    """A budget typed as text with its unit, million đồng, after the number: ``3,4 triệu`` -> 3.4,
    ``1.949 trđ`` -> 1949; None for anything else (a number with no unit is :func:`parse_number`'s).

    For a column whose unit is triệu đồng (our templates'): the unit agrees, so the number is the budget.
    """
    if type(value) is not str:
        return None
    text = clean_text(value)
    match = re.search(r"[0-9)]", text[::-1])
    if not match:
        return None
    end = len(text) - match.start()
    if end == len(text) or not _TRIEU_SUFFIX.fullmatch(text[end:]):
        return None
    try:
        return parse_number(text[:end], notation)
    except NotANumber:
        return None


def _sign(text: str) -> tuple[float, str]:
    sign = 1.0
    body = text.replace("−", "-").strip()
    if body.startswith("(") and body.endswith(")"):
        sign, body = -1.0, body[1:-1].strip()
    if body.startswith(("-", "+")):
        sign, body = (-1.0 if body[0] == "-" else 1.0), body[1:].strip()
    return sign, body


@lru_cache(maxsize=65536)
def _parse_number_text(text: str, notation: str = "vi") -> float:
    sign, body = _sign(text)
    if notation == "en" and _ONE_GROUP.fullmatch(body):
        return sign * float(body.replace(",", ""))
    if _DOT_THOUSANDS.fullmatch(body) or _SPACE_THOUSANDS.fullmatch(body):
        return sign * float(body.replace(".", "").replace(" ", "").replace(",", "."))
    if _COMMA_DECIMAL.fullmatch(body):
        return sign * float(body.replace(",", "."))
    if _DOT_DECIMAL.fullmatch(body):
        return sign * float(body)
    if _EN_THOUSANDS.fullmatch(body):
        return sign * float(body.replace(",", ""))
    if _EXPONENT.fullmatch(body):
        return sign * float(body.replace(",", "."))
    if body.lower() in ("inf", "infinity"):
        return sign * math.inf
    raise NotANumber(text)


@lru_cache(maxsize=65536)
def number_notation(text: str) -> str:
    """Which notation a number typed as text shows: ``vi``, ``en``, ``ambiguous`` or ``none``.

    ``vi``: only Vietnamese notation reads it (``3,4``, ``1.478,4``, ``8.000.000``); ``en``: only
    en-US does (``1,270.5``, ``12,500,000``, ``3.45``); ``ambiguous``: both, differently (``1,949``,
    ``1.949``: one separator, then one group of three digits); ``none``: no separator, or not a number.
    """
    _, body = _sign(clean_text(text))
    if not body or sum(ch.isdigit() for ch in body) > _MAX_DIGITS:
        return "none"
    if _ONE_GROUP.fullmatch(body):
        return "ambiguous"
    if "," not in body and "." not in body:
        return "none"
    if _DOT_THOUSANDS.fullmatch(body) or _COMMA_DECIMAL.fullmatch(body) or _SPACE_THOUSANDS.fullmatch(body):
        return "vi"
    if _DOT_DECIMAL.fullmatch(body) or _EN_THOUSANDS.fullmatch(body):
        return "en"
    return "none"


# --------------------------------------------------------------------------- months
@dataclass(frozen=True, slots=True)
class Month:
    """A month cell: ``kind`` is ``month``, ``on_request``, ``missing`` or ``invalid``."""

    kind: str
    month: int | None = None
    year: int | None = None
    text: str = ""


_MONTH = re.compile(r"(?:thang|th|t)?\s*(\d{1,2})(?:\s+(?:nam\s+)?(\d{4}))?")
_ON_REQUEST = ("theo yeu cau", "khi co yeu cau", "theo yc")


def parse_month(value: object, plan_year: int) -> Month:
    """``Tháng 01``, ``Tháng 6``, ``Tháng 12/2017``, ``Theo yêu cầu``, a date cell, or blank.

    A month without a year belongs to the plan year.
    """
    if type(value) is str:
        return _parse_month_text(clean_text(value), plan_year)
    if value is None:
        return _MISSING_MONTH
    if isinstance(value, (_dt.date, _dt.datetime)):
        return Month("month", value.month, value.year, value.isoformat()[:7])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return Month("missing")
        value = clean_text(value)
    text = clean_text(value)
    return _parse_month_text(text, plan_year)


_MISSING_MONTH = Month("missing")


@lru_cache(maxsize=4096)
def _parse_month_text(text: str, plan_year: int) -> Month:
    if not text:
        return Month("missing")
    folded = fold(text)
    if folded in _ON_REQUEST:
        return Month("on_request", text=text)
    match = _MONTH.fullmatch(folded)  # "Tháng 12/2017" folds to "thang 12 2017"
    if match:
        month = int(match.group(1))
        year = int(match.group(2)) if match.group(2) else plan_year
        if 1 <= month <= 12:
            return Month("month", month, year, text)
    return Month("invalid", text=text)


# --------------------------------------------------------------------------- frequencies
@dataclass(frozen=True, slots=True)
class Frequency:
    """How often monitoring data are collected.

    ``kind``: monthly, quarterly, semiannual, annual, times (N lần), continuous (Thường xuyên),
    on_request, missing, invalid. ``per_year`` is the number of collections in the plan year where
    the frequency has one (continuous and on-request ones have none).
    """

    kind: str
    per_year: int | None = None
    text: str = ""


_FREQUENCY_WORDS: dict[str, tuple[str, int | None]] = {
    "hang thang": ("monthly", 12), "hang thang lan": ("monthly", 12), "theo thang": ("monthly", 12),
    "hang quy": ("quarterly", 4), "theo quy": ("quarterly", 4), "quy": ("quarterly", 4),
    "hang quy lan": ("quarterly", 4),
    "6 thang": ("semiannual", 2), "06 thang": ("semiannual", 2), "6 thang lan": ("semiannual", 2),
    "06 thang lan": ("semiannual", 2), "nua nam": ("semiannual", 2), "6 thang 1 lan": ("semiannual", 2),
    "hang nam": ("annual", 1), "theo nam": ("annual", 1), "nam": ("annual", 1),
    "thuong xuyen": ("continuous", None), "lien tuc": ("continuous", None),
    "theo yeu cau": ("on_request", None), "khi co yeu cau": ("on_request", None),
    "dot xuat": ("on_request", None),
}
_TIMES = re.compile(r"(\d{1,2}) lan(?: nam| trong nam)?")

#: The frequencies offered in templates' dropdowns, in the decision's spelling.
FREQUENCY_CHOICES = (
    "Hàng tháng", "Hàng quý", "6 tháng", "Hàng năm", "Thường xuyên", "Theo yêu cầu",
    "01 lần", "02 lần", "03 lần", "04 lần",
)


def parse_frequency(value: object) -> Frequency:
    """``Hàng quý`` -> quarterly (4), ``02 lần`` -> 2 times, ``Thường xuyên`` -> continuous; with or
    without diacritics ("hằng" too). Anything else is ``invalid``, blank is ``missing``."""
    return _parse_frequency_text(clean_text(value))


@lru_cache(maxsize=4096)
def _parse_frequency_text(text: str) -> Frequency:
    if not text:
        return Frequency("missing")
    folded = fold(text)  # "hằng" and "hàng" both fold to "hang"
    if folded in _FREQUENCY_WORDS:
        kind, per_year = _FREQUENCY_WORDS[folded]
        return Frequency(kind, per_year, text)
    match = _TIMES.fullmatch(folded)
    if match and int(match.group(1)) > 0:
        return Frequency("times", int(match.group(1)), text)
    return Frequency("invalid", None, text)


# --------------------------------------------------------------------------- row labels
@dataclass(frozen=True, slots=True)
class Label:
    """A row's label in the first column: its level and its code (``6.2.1``)."""

    level: str
    code: str

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


_LEVEL_WORDS = {"nhiem vu": "task", "ket qua dau ra": "output", "kqdr": "output", "hoat dong": "activity"}
_LABEL = re.compile(r"(nhiem vu|ket qua dau ra|kqdr|hoat dong)?\s*(\d+(?:\s\d+){0,2})")
_DEPTH_LEVEL = {1: "task", 2: "output", 3: "activity"}
_CANONICAL_WORDS = {"NHIỆM VỤ": "task", "Kết quả đầu ra": "output", "Hoạt động": "activity"}
_CANONICAL_LABEL = re.compile(r"(NHIỆM VỤ|Kết quả đầu ra|Hoạt động) ([1-9]\d*(?:\.[1-9]\d*){0,2})")


#: Cells written as the decision writes labels (``Hoạt động 1.1.1``) -> their label, as parse_label
#: read them: a plan's labels come again in its Phụ lục 2 and in the returns, and a text found
#: here is known to be written canonically (normalise takes it as the row's label as written).
CANONICAL_LABELS: dict[str, Label] = {}
_CANONICAL_LABELS_MAX = 1 << 16      # about 10 MB at most


def parse_label(value: object) -> Label | None:
    """``NHIỆM VỤ 1`` -> task 1, ``Kết quả đầu ra 1.1`` -> output 1.1, ``Hoạt động 1.1.1`` ->
    activity 1.1.1, a bare ``6.2.1`` -> activity. Anything else -> None."""
    if type(value) is str:
        label = CANONICAL_LABELS.get(value)             # read before (Phụ lục 2 repeats Phụ lục 1's labels)
        if label is not None:
            return label
        match = _CANONICAL_LABEL.fullmatch(value)       # as the decision and the templates write them
        if match:
            level, code = _CANONICAL_WORDS[match.group(1)], match.group(2)
            if _DEPTH_LEVEL[code.count(".") + 1] == level:
                if len(CANONICAL_LABELS) >= _CANONICAL_LABELS_MAX:
                    CANONICAL_LABELS.clear()
                label = CANONICAL_LABELS[value] = Label(level, code)
                return label
    elif isinstance(value, float) and not math.isnan(value):
        value = repr(value) if not value.is_integer() else str(int(value))
    return _parse_label_text(clean_text(value))


@lru_cache(maxsize=65536)
def _parse_label_text(text: str) -> Label | None:
    if not text:
        return None
    match = _LABEL.fullmatch(fold(text))
    if not match:
        return None
    parts = match.group(2).split(" ")
    code = ".".join(str(int(p)) for p in parts)
    level = _LEVEL_WORDS.get(match.group(1) or "") or _DEPTH_LEVEL[len(parts)]
    if _DEPTH_LEVEL[len(parts)] != level:
        return None
    return Label(level, code)


# --------------------------------------------------------------------------- money units
@dataclass(frozen=True, slots=True)
class Unit:
    """A money unit as a table states it (``ĐVT: 1.000 đồng``, ``Ngân sách (đồng)``, ``Triệu VND``).

    ``name`` is canonical (``đồng``, ``nghìn đồng``, ``triệu đồng``, ``tỷ đồng``); ``text`` is the unit
    as written; ``exponent`` is its power of ten in đồng (0, 3, 6, 9). A figure written in this unit
    is ``to_trieu(figure)`` triệu đồng.
    """

    name: str
    exponent: int
    text: str = ""

    @property
    def factor(self) -> float:
        """Triệu đồng per one unit as written: 1e-6 for đồng, 1e-3 for nghìn đồng, 1 for triệu, 1000 for tỷ."""
        return 10.0 ** (self.exponent - 6)

    def to_trieu(self, value: float) -> float:
        """``value`` in this unit -> triệu đồng (divides by an exact power of ten, so whole đồng stay whole)."""
        shift = self.exponent - 6
        return value * 10 ** shift if shift >= 0 else value / 10 ** -shift


#: The unit of a table that states none: the decision's, triệu đồng.
TRIEU = Unit("triệu đồng", 6)
_UNIT_NAMES = {0: "đồng", 3: "nghìn đồng", 6: "triệu đồng", 9: "tỷ đồng"}
# Folded: an optional scale, then a currency word; a scale alone ("ĐVT: triệu") is a unit too.
_SCALE = r"(?P<scale>ty|trieu|tr|nghin|ngan|ng|1 ?000 ?000 ?000|1 ?000 ?000|1 ?000)"
_CURRENCY = r"(?P<currency>dong viet nam|dong|vnd|vn dong|d)"
_UNIT = re.compile(rf"{_SCALE}?\s?{_CURRENCY}?")
_SCALE_EXPONENT = {"ty": 9, "trieu": 6, "tr": 6, "nghin": 3, "ngan": 3, "ng": 3}
# Where a unit is written inside a longer text: after ĐVT / Đơn vị tính, in brackets, after a comma.
_UNIT_PLACES = (
    re.compile(r"(?i)(?:đvt|dvt|đơn vị tính|don vi tinh|đơn vị|don vi)\s*[:.]?\s*([^();,\n]+?)(?=$|[();,\n]|\.\s)"),
    re.compile(r"\(([^()]*)\)"),
    re.compile(r"[,:]\s*([^,:()]+)$"),
)


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> Unit | None:
    """The money unit a whole text names, or None: ``đồng``, ``VNĐ``, ``1.000 đồng``, ``nghìn đồng``,
    ``ngàn đồng``, ``Triệu VND``, ``Tr.đ``, ``trđ``, ``tỷ đồng``, with or without diacritics, any case."""
    folded = fold(clean_text(text)).replace("trd", "tr d").replace("ngd", "ng d")
    match = _UNIT.fullmatch(folded)
    if not match or not (match.group("scale") or match.group("currency")):
        return None
    scale = (match.group("scale") or "").replace(" ", "")
    if (scale in ("ng", "tr") or scale[:1] == "1") and not match.group("currency"):
        return None                       # "ng", "tr", "1000" alone are not units
    exponent = _SCALE_EXPONENT.get(scale) if scale else 0
    if exponent is None:                  # 1000, 1000000 …
        exponent = len(scale) - 1
    return Unit(_UNIT_NAMES[exponent], exponent, clean_text(text))


def unit_in_text(text: object) -> Unit | None:
    """The money unit a header or title text states, or None.

    Read from the whole text (``Triệu VND``), else after ``ĐVT:`` / ``Đơn vị tính:`` (``ĐVT: đồng``),
    else in brackets (``Kinh phí (nghìn đồng)``), else after the last comma (``Ngân sách, triệu đồng``).
    """
    text = clean_text(text)
    if not text or len(text) > 300:
        return None
    unit = parse_unit(text)
    if unit is not None:
        return unit
    for place in _UNIT_PLACES:
        for match in place.finditer(text):
            unit = parse_unit(match.group(1).strip(" .:"))
            if unit is not None:
                return unit
    return None


# --------------------------------------------------------------------------- time as written
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?:iv|iii|ii|i|[1-4])"
_QUARTERS = re.compile(rf"quy ({_Q}(?: (?:va |den |toi |quy |va quy |den quy )*{_Q})*)(?: nam)?(?: (\d{{4}}))?")
_MONTHS_RANGE = re.compile(r"(?:tu )?(?:thang |t ?)?(\d{1,2})(?: (?:nam )?(\d{4}))? (?:den |toi |va )?(?:thang |t ?)?"
                           r"(\d{1,2})(?: (?:nam )?(\d{4}))?")
_MONTHS_LIST = re.compile(r"(?:tu |trong )?(?:thang |t ?)?\d{1,2}(?: (?:den |toi |va )?(?:thang |t ?)?\d{1,2})+"
                          r"(?: (?:nam )?(\d{4}))?")
_PART_OF_YEAR = re.compile(r"(\d{1,2}) thang (dau|cuoi) nam(?: (\d{4}))?")
_HALF = re.compile(r"nua (dau|cuoi) nam(?: (\d{4}))?")
_WHOLE_YEAR = re.compile(r"(?:ca nam|trong nam|nam|quanh nam|hang nam|hang quy|hang thang|thuong xuyen|lien tuc|"
                         r"12 thang)(?: (\d{4}))?")
_BEFORE = re.compile(r"(?:hoan thanh )?(?:truoc|cham nhat|khong qua)(?: ngay)? (?:(\d{1,2}) (?:thang )?)?(\d{1,2})"
                     r"(?: (?:nam )?(\d{4}))?")
_BEFORE_MONTH = re.compile(r"(?:hoan thanh )?(?:truoc|cham nhat) thang (\d{1,2})(?: (?:nam )?(\d{4}))?")


def parse_period(value: object, plan_year: int) -> tuple[Month, Month]:
    """A single time column (``Thời gian thực hiện``) -> (from, to) months, in ``plan_year`` unless written.

    ``Quý II`` -> 4–6, ``Quý I/2019`` -> 1–3/2019, ``Quý I, II`` -> 1–6, ``Tháng 3-6`` and ``Tháng 3
    đến tháng 6`` -> 3–6, ``6 tháng đầu năm`` -> 1–6, ``6 tháng cuối năm`` -> 7–12, ``Cả năm``, ``Năm
    2019``, ``Trong năm``, ``Thường xuyên`` -> 1–12, ``Trước 30/6`` -> 1–6, ``Tháng 12/2019`` -> 12–12,
    ``Từ tháng 3/2019 đến tháng 6/2019``; ``Theo yêu cầu`` -> on request; blank -> missing. Anything
    else is ``invalid`` on both ends, its text kept (the checks report it as ``period-unread``).
    Both ends keep the text as written.
    """
    if isinstance(value, (_dt.date, _dt.datetime)) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        month = parse_month(value, plan_year)
        return month, month
    return _parse_period_text(clean_text(value), plan_year)


@lru_cache(maxsize=4096)
def _parse_period_text(text: str, plan_year: int) -> tuple[Month, Month]:
    if not text:
        return Month("missing"), Month("missing")
    folded = fold(text)
    if folded in _ON_REQUEST or folded == "dot xuat":
        return Month("on_request", text=text), Month("on_request", text=text)

    def span(first: int, last: int, year: int | None, year_to: int | None = None) -> tuple[Month, Month] | None:
        year = year or plan_year
        if not (1 <= first <= 12 and 1 <= last <= 12):
            return None
        return Month("month", first, year, text), Month("month", last, year_to or year, text)

    def year_of(group: str | None) -> int | None:
        return int(group) if group else None

    result = None
    if (match := _QUARTERS.fullmatch(folded)):
        quarters = [_ROMAN_QUARTERS[q] for q in re.findall(rf"\b{_Q}\b", match.group(1))]
        result = span(min(quarters) * 3 - 2, max(quarters) * 3, year_of(match.group(2)))
    elif (match := _PART_OF_YEAR.fullmatch(folded)):
        n = int(match.group(1))
        if 1 <= n <= 12:
            first, last = (1, n) if match.group(2) == "dau" else (13 - n, 12)
            result = span(first, last, year_of(match.group(3)))
    elif (match := _HALF.fullmatch(folded)):
        result = span(*((1, 6) if match.group(1) == "dau" else (7, 12)), year_of(match.group(2)))
    elif (match := _WHOLE_YEAR.fullmatch(folded)):
        result = span(1, 12, year_of(match.group(1)))
    elif (match := _BEFORE_MONTH.fullmatch(folded)) or (match := _BEFORE.fullmatch(folded)):
        month, year = int(match.groups()[-2]), year_of(match.groups()[-1])
        result = span(1, month, year)
    elif (match := _MONTHS_RANGE.fullmatch(folded)) and not folded.isdigit():
        y1, y2 = year_of(match.group(2)), year_of(match.group(4))
        result = span(int(match.group(1)), int(match.group(3)), y1 or y2, y2 or y1)
    elif (match := _MONTHS_LIST.fullmatch(folded)):           # Tháng 3, 4 và 5
        months = [int(n) for n in re.findall(r"\d+", folded[:match.start(1)] if match.group(1) else folded)]
        result = span(min(months), max(months), year_of(match.group(1)))
    else:
        # one month: Tháng 12/2019, T3, Trong tháng 6
        month = _parse_month_text(text[6:] if folded.startswith("trong thang ") else text, plan_year)
        if month.kind == "month":
            result = span(month.month, month.month, month.year)
    if result is None:
        return Month("invalid", text=text), Month("invalid", text=text)
    return result
