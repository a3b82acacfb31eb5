"""The rows' hierarchy: numbering marks as Vietnamese administrative documents write them, and each
row's place (depth, code, parent) read from the order the marks come in, as a reader would.

Marks (in the STT column, or at the start of the content when the STT cell is blank): Roman
numerals (``I.``, ``II``, ``IV-``), Arabic (``1.``, ``2)``, ``3``), dotted (``1.1``, ``1.1.2``),
letters (``a)``, ``b.``, ``c-``, ``A.``), dashes and bullets (``-``, ``+``, ``•``, ``*``) and
labelled forms (``NHIỆM VỤ 1``, ``Nhiệm vụ 1:``, ``Nội dung 1``, ``Kết quả đầu ra 1.1``, ``Hoạt
động 1.1.1``, ``Phần I``, ``Mục 1``).

Depth (:func:`place`): the first scheme met is depth 1, a new scheme met under a row is one deeper,
a scheme met again returns to its depth; a dotted number whose prefix is an open row's number
(``1.2`` under ``1.``) is that row's child. Codes are numeric paths (``2.1.3``): a dotted number
keeps the code written, any other mark extends its parent's code with its own ordinal (``II`` ->
2, ``c)`` -> 3, the third ``-`` -> 3), so that ``I / 1 / a / -`` gives ``1``, ``1.1``, ``1.1.1``,
``1.1.1.1``. The level (glossary: task / output / activity) is the named one for the Đắk Lắk
form's labels (``NHIỆM VỤ``, ``Kết quả đầu ra``, ``Hoạt động``); for any other mark it is the
row's role in the tree: ``activity`` for a leaf (no child rows: the rows whose budgets add up to
the total), ``task`` for a group at depth 1, ``output`` for a group below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .notation import _FOLD_TABLE, Label, clean_text, fold, parse_label

__all__ = ["Mark", "parse_mark", "mark_in_content", "place", "is_named_label", "NAMED_WORDS"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A row's numbering mark.

    ``scheme``: ``roman``, ``arabic``, ``dotted``, ``letter``, ``LETTER``, ``dash``, ``plus``,
    ``bullet``, ``star`` or ``word:<folded word>`` (``word:nhiem vu``). ``number``: the Arabic
    parts written (``(1, 2)`` for ``1.2``, ``(3,)`` for ``Nhiệm vụ 3``), empty for other marks.
    ``ordinal``: the mark's own position (II -> 2, c -> 3; 0 for bullets, counted when placed).
    ``text``: the mark as written (``a)``, ``Nhiệm vụ 1:``). ``alt``: for a capital that is both a
    Roman numeral and a letter (``I``, ``C``, ``D``…), its letter ordinal.
    """

    scheme: str
    number: tuple[int, ...] = ()
    ordinal: int = 0
    text: str = ""
    alt: int = 0


#: Labelled forms: folded word -> scheme (each word its own scheme).
_WORDS = ("nhiem vu", "noi dung", "ket qua dau ra", "kqdr", "hoat dong", "phan", "muc", "chuong", "nhom",
          "linh vuc")
#: The Đắk Lắk form's named levels (notation.parse_label): their rows keep the named level.
NAMED_WORDS = ("nhiem vu", "ket qua dau ra", "kqdr", "hoat dong")
# Vietnamese alphabetical order (a, b, c, d, đ, e, g, h, i, k …), then the letters it lacks.
_ALPHABET = "abcdđeghiklmnopqrstuvxyfjwz"
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_BULLETS = {"-": "dash", "–": "dash", "—": "dash", "+": "plus", "•": "bullet", "·": "bullet", "●": "bullet",
            "◦": "bullet", "○": "bullet", "▪": "bullet", "■": "bullet", "*": "star", "✓": "bullet"}
_SEP = r"\s*[.):\-–]?"
# A whole STT cell (clean text).
_CELL_ROMAN = re.compile(r"([IVXLCDM]+)" + _SEP)
_CELL_ARABIC = re.compile(r"(\d{1,4})" + _SEP)
_CELL_DOTTED = re.compile(r"(\d{1,3}(?:\s*\.\s*\d{1,3})+)\s*[.):]?")
_CELL_ROMAN_DOTTED = re.compile(r"([IVXLCDM]+)((?:\s*\.\s*\d{1,3})+)\s*[.):]?")     # I.1, II.2.3
_CELL_LETTER = re.compile(r"([a-zđA-ZĐ])" + _SEP)
_CELL_WORD = re.compile(r"(" + "|".join(_WORDS) + r")\s*(\d{1,3}(?: \d{1,3})*|[ivxlcdm]+)")
# The start of a content cell: the mark, its separator, then the text (a separator is required,
# so that "2 lớp tập huấn" or "Phần mềm" are not read as marks).
_START_ROMAN = re.compile(r"([IVXLCDM]{1,6})\s*[.):\-–]\s*(?=\S)")
_START_ARABIC = re.compile(r"(\d{1,3})\s*[.)]\s+(?=\S)")
_START_DOTTED = re.compile(r"(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\D)")
_START_LETTER = re.compile(r"([a-zđA-ZĐ])\s*[.)]\s+(?=\S)|([a-zđ])\s*[\-–]\s+(?=\S)")
_START_BULLET = re.compile(r"([-–—+•·●◦○▪■*✓])\s*(?=\S)")
_START_WORD = re.compile(r"(" + "|".join(_WORDS) + r")\s+(\d{1,3}(?:\.\d{1,3})*|[ivxlcdm]+)\s*[.:\-–)]\s*")


def _roman(text: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _letter(ch: str) -> int:
    return _ALPHABET.index(ch.lower()) + 1


def is_named_label(text: str) -> bool:
    """Whether an STT text is one of the Đắk Lắk form's named labels (``Hoạt động 1.1.1``)."""
    return fold(text).startswith(NAMED_WORDS) and parse_label(text) is not None


@lru_cache(maxsize=65536)
def parse_mark(text: str) -> Mark | None:
    """The mark a whole STT cell holds (clean text), or None (``Tổng cộng``, ``Ghi chú``, a blank)."""
    if not text or len(text) > 40:
        return None
    if text[0] in _BULLETS and (len(text) == 1 or not text[1:].strip(" .")):
        return Mark(_BULLETS[text[0]], text=text)
    match = _CELL_DOTTED.fullmatch(text)
    if match:
        parts = tuple(int(p) for p in re.split(r"\s*\.\s*", match.group(1)))
        return Mark("dotted", parts, parts[-1], text)
    match = _CELL_ARABIC.fullmatch(text)
    if match:
        return Mark("arabic", (int(match.group(1)),), int(match.group(1)), text)
    match = _CELL_ROMAN.fullmatch(text)
    if match and _ROMAN.fullmatch(match.group(1)):
        value = _roman(match.group(1))
        alt = _letter(match.group(1)) if len(match.group(1)) == 1 else 0
        return Mark("roman", (), value, text, alt)
    match = _CELL_ROMAN_DOTTED.fullmatch(text)
    if match and _ROMAN.fullmatch(match.group(1)):
        parts = (_roman(match.group(1)), *(int(p) for p in re.findall(r"\d+", match.group(2))))
        return Mark("dotted", parts, parts[-1], text)
    match = _CELL_LETTER.fullmatch(text)
    if match:
        ch = match.group(1)
        return Mark("LETTER" if ch.isupper() else "letter", (), _letter(ch), text)
    return _word_mark(text, fold(text))


def _word_mark(text: str, folded: str) -> Mark | None:
    match = _CELL_WORD.fullmatch(folded)
    if not match:
        return None
    word, number = match.group(1), match.group(2)
    if number[0].isdigit():
        parts = tuple(int(p) for p in number.split(" "))
        return Mark("word:" + word, parts, parts[-1], text)
    if not _ROMAN.fullmatch(number.upper()):
        return None
    return Mark("word:" + word, (), _roman(number.upper()), text)


@lru_cache(maxsize=65536)
def mark_in_content(text: str) -> tuple[Mark, str] | None:
    """The mark a content cell starts with and the text after it (``- Tập huấn …`` -> dash,
    ``Tập huấn …``), or None."""
    if not text:
        return None
    first = text[0]
    if first in _BULLETS:
        match = _START_BULLET.match(text)
        if match and not text[1:2].isdigit():   # "-5" is a number, not a dash
            return Mark(_BULLETS[first], text=first), text[match.end():]
        return None
    if first.isdigit():
        match = _START_DOTTED.match(text)
        if match:
            parts = tuple(int(p) for p in match.group(1).split("."))
            return Mark("dotted", parts, parts[-1], text[:match.end()].strip()), text[match.end():]
        match = _START_ARABIC.match(text)
        if match:
            return Mark("arabic", (int(match.group(1)),), int(match.group(1)), text[:match.end()].strip()), \
                text[match.end():]
        return None
    if first.isalpha():
        head = text[:40].lower().translate(_FOLD_TABLE)       # letter for letter: positions kept
        match = _START_WORD.match(head) if len(head) == len(text[:40]) else None
        if match:
            mark = _word_mark(text[:match.end()].strip(), fold(match.group(1) + " " + match.group(2).replace(".", " ")))
            if mark is not None:
                return mark, text[match.end():]
    match = _START_ROMAN.match(text)
    if match and _ROMAN.fullmatch(match.group(1)):
        alt = _letter(match.group(1)) if len(match.group(1)) == 1 else 0
        return Mark("roman", (), _roman(match.group(1)), text[:match.end()].strip(), alt), text[match.end():]
    match = _START_LETTER.match(text)
    if match:
        ch = match.group(1) or match.group(2)
        return Mark("LETTER" if ch.isupper() else "letter", (), _letter(ch), text[:match.end()].strip()), \
            text[match.end():]
    return None


@dataclass(slots=True)
class _Open:
    depth: int
    code: str
    number: tuple[int, ...]


def place(marks: list[tuple[Mark, Label | None]], money: list[bool] | None = None) -> list[tuple[str, int, str]]:
    """Each row's (level, depth, code), from its mark and, for the Đắk Lắk form's labels, the
    label :func:`notation.parse_label` read. ``marks`` are a table's item rows in reading order;
    ``money``, for a table with a budget column, whether each row's budget cell is filled (see
    :func:`_levels`)."""
    stack: list[_Open] = []
    scheme_depth: dict[str, int] = {}
    bullets: dict[tuple[str, str], int] = {}     # (parent code, scheme) -> bullets counted so far
    last_ordinal: dict[str, int] = {}            # scheme -> the last ordinal met (I after H is a letter)
    placed: list[tuple[int, str, bool]] = []     # depth, code, keeps its named level
    for mark, label in marks:
        scheme, ordinal = mark.scheme, mark.ordinal
        if mark.alt and scheme == "roman" and "LETTER" in scheme_depth and last_ordinal.get("LETTER") == mark.alt - 1 \
                and (last_ordinal.get("roman") != ordinal - 1 or "roman" not in scheme_depth):
            scheme, ordinal = "LETTER", mark.alt
        parent = None
        number = mark.number
        code = ""
        key = scheme if len(number) < 2 or scheme.startswith("word:") else f"{scheme}{len(number)}"
        if len(number) > 1:
            prefix = number[:-1]
            for i in range(len(stack) - 1, -1, -1):
                if stack[i].number == prefix:
                    del stack[i + 1:]
                    parent = stack[i]
                    code = f"{parent.code}.{number[-1]}"
                    break
            if parent is None:
                written = ".".join(map(str, number))
                parent_code = written.rsplit(".", 1)[0]
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i].code == parent_code:
                        del stack[i + 1:]
                        parent = stack[i]
                        break
                else:
                    _to_scheme_depth(stack, scheme_depth, key)
                code = written
        else:
            _to_scheme_depth(stack, scheme_depth, scheme)
            parent = stack[-1] if stack else None
            if not ordinal:                          # a bullet: counted among its parent's
                key = (parent.code if parent else "", scheme)
                ordinal = bullets[key] = bullets.get(key, 0) + 1
            code = f"{parent.code}.{ordinal}" if parent else str(ordinal)
        last_ordinal[scheme] = ordinal
        depth = stack[-1].depth + 1 if stack else 1
        scheme_depth.setdefault(key, depth)
        stack.append(_Open(depth, code, number if scheme in ("arabic", "dotted") or scheme.startswith("word:") else ()))
        named = label is not None and label.code == code and code.count(".") + 1 == depth \
            and scheme.startswith("word:") and scheme[5:] in NAMED_WORDS
        placed.append((depth, code, named))
    return _levels(placed, marks, money)


def _levels(placed: list[tuple[int, str, bool]], marks: list[tuple[Mark, Label | None]],
            money: list[bool] | None) -> list[tuple[str, int, str]]:
    """The level of each placed row: the named one for the Đắk Lắk form's labels; else
    ``activity`` for a row without child rows, ``task`` / ``output`` for a group at depth 1 / below.

    With ``money``: a row that carries money when no row below it does is an ``activity`` (the
    money is its own), and so are the rows below it, its detail lines (``1. Tập huấn: 50`` over
    ``- Lớp A``, ``- Lớp B``): their blank budgets are not missing ones, and add nothing."""
    codes = [code for _, code, _ in placed]
    parents = {code.rsplit(".", 1)[0] for code in codes if "." in code}
    money_below: set[str] = set()
    if money is not None:
        for code, has_money in zip(codes, money):
            if has_money:
                while "." in code:
                    code = code.rsplit(".", 1)[0]
                    if code in money_below:
                        break
                    money_below.add(code)
    budget_leaves: set[str] = set()
    result = []
    for i, ((depth, code, named), (_, label)) in enumerate(zip(placed, marks)):
        if named:
            level = label.level
        elif code not in parents:
            level = "activity"
        elif money is not None and (money[i] and code not in money_below or _under(code, budget_leaves)):
            level = "activity"
            budget_leaves.add(code)
        else:
            level = "task" if depth == 1 else "output"
        if money is not None and money[i] and code not in money_below:
            budget_leaves.add(code)
        result.append((level, depth, code))
    return result


def _under(code: str, ancestors: set[str]) -> bool:
    while "." in code:
        code = code.rsplit(".", 1)[0]
        if code in ancestors:
            return True
    return False


def _to_scheme_depth(stack: list[_Open], scheme_depth: dict[str, int], scheme: str) -> None:
    """Close the open rows at or below the scheme's depth (a new scheme: one below the open row)."""
    depth = scheme_depth.get(scheme)
    if depth is None:
        depth = scheme_depth[scheme] = (stack[-1].depth + 1) if stack else 1
    while stack and stack[-1].depth >= depth:
        stack.pop()


def label_of(value: object) -> tuple[Mark, Label | None] | None:
    """The mark of an STT cell and, for the Đắk Lắk form's labels and bare codes, the Label read."""
    text = clean_text(value)
    if not text:
        return None
    mark = parse_mark(text)
    if mark is None:
        return None
    return mark, parse_label(value)
