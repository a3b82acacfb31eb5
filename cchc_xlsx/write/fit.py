"""Row heights from the text's real wrapped size in the column's font (Pillow's FreeType metrics).

LibreOffice does not refit row heights when it opens a file written by xlsxwriter, and Excel only
refits a row it is asked to; so every wrapped row is written with a height. The height is measured:
each word's advance width in Times New Roman (Liberation Serif, its metric twin, where Times is not
installed), the words wrapped greedily at spaces into the column's text room, as Excel and
LibreOffice wrap them, times the font's line pitch.

Units. A column ``width`` is in Excel's character units (xlsxwriter's ``set_column``): the column is
``int(width * 7 + 0.5) + 5`` pixels at 96 dpi in Excel (7 px: the digit width of the default font,
5 px of padding; XlsxWriter docs, "Worksheet: set_column"; ECMA-376 §18.3.1.13), of which
``int(width * 7 + 0.5)`` pixels hold text. LibreOffice prints the same column wider (5.5 pt a unit,
measured), so Excel's room, in points (0.75 pt a pixel), is the one that fits both. A line takes the
font's line pitch (ascent + descent + line gap, 1.15 em for Times New Roman) rounded up to whole
pixels, as Excel draws it: 12.75 pt at 11 pt; LibreOffice needs 12.2 pt.

A glyph the font lacks (fonts-liberation 1.x has no Vietnamese letters with two marks, such as «ự»)
is drawn by LibreOffice in a fallback font (DejaVu Serif, fontconfig's choice); it is measured in that
font too. With no font file at all, an estimate in characters is used (``estimate_lines``), said once
as a warning.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import unicodedata
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from .. import messages

__all__ = ["FONT", "FONT_SIZE", "Measure", "measure", "text_room", "text_lines", "line_points", "row_height",
           "RowFit", "estimate_lines", "points", "FontMissingWarning", "MAX_HEIGHT", "balance_widths", "units_for"]

FONT = "Times New Roman"        # Decree 30/2020; LibreOffice prints it in Liberation Serif (same metrics)
FONT_SIZE = 11
MAX_HEIGHT = 409.0              # Excel's largest row height, in points
PADDING_PX = 3                  # above and below the lines, in pixels
_EM = 2048                      # measuring size in pixels: the fonts' own units, no hinting error

messages.register({
    "print.font-missing": (
        "Không tìm thấy phông Times New Roman hay Liberation Serif (gói Debian fonts-liberation2): chiều cao "
        "dòng được ước lượng theo số ký tự, có thể dư hoặc thiếu khi in.",
        "Neither Times New Roman nor Liberation Serif is installed (Debian package fonts-liberation2): row "
        "heights are estimated from character counts and may be too tall or too short in print."),
})


class FontMissingWarning(UserWarning):
    """No font file to measure with: row heights fall back to the character estimate."""


# --------------------------------------------------------------------------- font files
_STYLES = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "Bold Italic"}
_TIMES = {(False, False): ("times.ttf", "Times New Roman.ttf", "Times_New_Roman.ttf"),
          (True, False): ("timesbd.ttf", "Times New Roman Bold.ttf", "Times_New_Roman_Bold.ttf"),
          (False, True): ("timesi.ttf", "Times New Roman Italic.ttf", "Times_New_Roman_Italic.ttf"),
          (True, True): ("timesbi.ttf", "Times New Roman Bold Italic.ttf", "Times_New_Roman_Bold_Italic.ttf")}
_LIBERATION = {(False, False): "LiberationSerif-Regular.ttf", (True, False): "LiberationSerif-Bold.ttf",
               (False, True): "LiberationSerif-Italic.ttf", (True, True): "LiberationSerif-BoldItalic.ttf"}
_DEJAVU = {(False, False): "DejaVuSerif.ttf", (True, False): "DejaVuSerif-Bold.ttf",
           (False, True): "DejaVuSerif-Italic.ttf", (True, True): "DejaVuSerif-BoldItalic.ttf"}
_METRIC_TWINS = ("Times New Roman", "Liberation Serif", "Tinos")


def _font_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts/truetype/msttcorefonts"), Path("/usr/share/fonts/truetype/liberation2"),
            Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/liberation-serif"),
            Path("/usr/share/fonts/liberation"), Path("/usr/share/fonts/truetype/dejavu"),
            Path("/usr/share/fonts/dejavu"), Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
            Path.home() / "Library/Fonts", Path.home() / ".local/share/fonts", Path.home() / ".fonts"]
    windows = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windows:
        dirs.insert(0, Path(windows) / "Fonts")
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        dirs.insert(1, Path(os.environ["LOCALAPPDATA"]) / "Microsoft/Windows/Fonts")
    return dirs


def _find(names: Iterable[str]) -> Path | None:
    for folder in _font_dirs():
        for name in names:
            path = folder / name
            if path.is_file():
                return path
    return None


def _fc_match(pattern: str) -> Path | None:
    """The file fontconfig gives for ``pattern`` (what LibreOffice on Linux would use), or None."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None
    return path if path is not None and path.suffix.lower() in (".ttf", ".otf", ".ttc") and path.is_file() else None


@lru_cache(maxsize=None)
def _font_files(bold: bool, italic: bool) -> tuple[Path | None, Path | None]:
    """(the Times New Roman or Liberation Serif file, the fallback file for glyphs it lacks)."""
    from PIL import ImageFont

    style = (bold, italic)
    primary = _find(_TIMES[style]) or _find([_LIBERATION[style]])
    if primary is None:
        found = _fc_match(f"{FONT}:style={_STYLES[style]}")
        if found is not None and ImageFont.truetype(str(found), 16).getname()[0] in _METRIC_TWINS:
            primary = found
    fallback = _fc_match(f"{FONT}:style={_STYLES[style]}:charset=1ef1") or _find([_DEJAVU[style]])
    if fallback is not None and primary is not None and fallback.resolve() == primary.resolve():
        fallback = None
    return primary, fallback


# --------------------------------------------------------------------------- measuring
class Measure:
    """Widths of texts in one font style, in points at ``size``; ``None`` fonts: the character estimate.

    Widths are remembered per character (a text's width is the sum of its characters' advances:
    LibreOffice does not kern Times), so measuring a new text costs a dictionary look-up a character.
    """

    def __init__(self, size: float = FONT_SIZE, bold: bool = False, italic: bool = False) -> None:
        self.size, self.bold, self.italic = size, bold, italic
        primary, fallback = _font_files(bold, italic)
        self.available = primary is not None
        self._widths: dict[str, float] = {}
        self._words: dict[str, float] = {}
        if not self.available:
            _say_missing()
            self.line = _pixels_to_points(math.ceil(1.15 * size * 4 / 3))
            self.space = self.char(" ")
            return
        from PIL import ImageFont

        basic = ImageFont.Layout.BASIC
        self._font = ImageFont.truetype(str(primary), _EM, layout_engine=basic)
        self._fallback = ImageFont.truetype(str(fallback), _EM, layout_engine=basic) if fallback else None
        self._probe = ImageFont.truetype(str(primary), 32, layout_engine=basic)
        missing = self._probe.getmask("\U0010fffd")
        self._notdef = (missing.size, bytes(missing))
        self.scale = size / _EM
        # Excel's line: ascent + descent + line gap, in whole pixels at 96 dpi.
        self.line = _pixels_to_points(math.ceil(self._font.font.height * self.scale * 4 / 3 - 1e-9))
        self.space = self._font.getlength(" ") * self.scale

    def char(self, ch: str) -> float:
        width = self._widths.get(ch)
        if width is None:
            width = self._widths[ch] = self._measure_char(ch)
        return width

    def _measure_char(self, ch: str) -> float:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch in "\r\n":
            return 0.0
        if not self.available:      # the estimate's average character; capitals a third wider
            return _UNIT_POINTS / _CHARS_PER_UNIT * (_UPPER if ch.isupper() else 1.0) * self.size / FONT_SIZE
        if self._fallback is not None and not self._has(ch):
            return self._fallback.getlength(ch) * self.scale
        if not self._has(ch):       # no fallback font: the base letter, a third wider for its marks
            base = unicodedata.normalize("NFD", ch)[:1]
            return (self._font.getlength(base) if base and self._has(base) else self._font.getlength("M")) \
                * self.scale * 1.3
        return self._font.getlength(ch) * self.scale

    def _has(self, ch: str) -> bool:
        mask = self._probe.getmask(ch)
        return (mask.size, bytes(mask)) != self._notdef

    def width(self, text: str) -> float:
        """Advance width of ``text`` on one line, in points."""
        try:
            return sum(map(self._widths.__getitem__, text))
        except KeyError:                    # a character not met yet: measured once
            return sum(map(self.char, text))

    def word(self, word: str) -> float:
        """``width`` of a word, remembered (a plan's words repeat: Vietnamese is written in syllables)."""
        width = self._words.get(word)
        if width is None:
            width = self.width(word)
            if len(self._words) < _WORD_CACHE:
                self._words[word] = width
        return width

    def wrap(self, text: str, room: float) -> list[str]:
        """The lines ``text`` takes in ``room`` points: broken at spaces, a word longer than a line
        broken between characters, each ``\\n`` a new line (Excel's and LibreOffice's wrapping)."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                w = self.width(word)
                if line and used + self.space + w <= room:
                    line, used = f"{line} {word}", used + self.space + w
                    continue
                if line:
                    lines.append(line)
                line, used = "", 0.0
                while w > room and len(word) > 1:       # a word wider than the column: cut between letters
                    cut, taken = 1, self.char(word[0])
                    while cut < len(word) and taken + self.char(word[cut]) <= room:
                        taken += self.char(word[cut])
                        cut += 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self.width(word)
                line, used = word, w
            lines.append(line)
        return lines

    def lines(self, text: str, room: float) -> int:
        """How many lines ``text`` takes in ``room`` points (1 for an empty text)."""
        if not text:
            return 1
        if not self.available:
            return estimate_lines(text, room / _UNIT_POINTS, self.bold)
        if "\n" in text:
            return sum(self._lines(part, room) for part in text.split("\n"))
        return self._lines(text, room)

    def _lines(self, text: str, room: float) -> int:
        """``len(wrap(text, room))`` for one paragraph, without building the lines: the running width
        of its characters, then per line a bisection for the last character that fits and the last
        space before it (the cost goes with the lines, in C, not with the words)."""
        try:
            ends = list(accumulate(map(self._widths.__getitem__, text)))
        except KeyError:
            ends = list(accumulate(map(self.char, text)))
        count = len(ends)
        if not count or ends[-1] <= room:
            return 1
        lines, start, base = 0, 0, 0.0
        while True:
            lines += 1
            fits = bisect_right(ends, base + room, start)      # characters start .. fits-1 fit
            if fits >= count:
                return lines
            space = text.rfind(" ", start + 1, fits + 1)
            start = space + 1 if space > start else max(fits, start + 1)    # no space: cut the word
            base = ends[start - 1]


@lru_cache(maxsize=None)
def measure(size: float = FONT_SIZE, bold: bool = False, italic: bool = False) -> Measure:
    """The shared ``Measure`` of a font style (its widths are cached for the process)."""
    return Measure(size, bold, italic)


_SAID = False
_WORD_CACHE = 200_000       # words remembered per font style: bounded memory


def _say_missing() -> None:
    global _SAID
    if not _SAID:
        _SAID = True
        warnings.warn(messages.text("print.font-missing", messages.language()), FontMissingWarning, stacklevel=3)


def _pixels_to_points(pixels: float) -> float:
    return pixels * 0.75


def text_room(width: float) -> float:
    """Points of text a column of ``width`` Excel character units holds on a line: ``int(width × 7 + 0.5)``
    pixels at 96 dpi (Excel's column less its 5 pixels of padding), 0.75 pt each."""
    if width <= 0:
        return 0.0
    if width < 1:
        return int(width * 12 + 0.5) * 0.75
    return int(width * 7 + 0.5) * 0.75


def points(height: float) -> float:
    """A height in points as the workbook stores it: whole pixels (xlsxwriter's ``set_row`` rounding)."""
    return int(height * 4.0 / 3.0 + 0.5) * 0.75


def line_points(size: float = FONT_SIZE, bold: bool = False) -> float:
    return measure(size, bold).line


def text_lines(text: str, width: float, bold: bool = False, size: float = FONT_SIZE) -> int:
    """Lines ``text`` takes in a column of ``width`` Excel units, in Times New Roman ``size`` pt."""
    return measure(size, bold).lines(text, text_room(width))


def row_height(cells: Iterable[tuple[str, float]], bold: bool = False, font_size: float = FONT_SIZE) -> float:
    """Height in points for a row whose wrapped cells hold ``(text, column width in Excel units)``:
    the most lines of any cell times the line pitch, plus padding; at most Excel's 409 pt."""
    m = measure(font_size, bold)
    lines = max((m.lines(text if isinstance(text, str) else str(text or ""), text_room(width))
                 for text, width in cells), default=1)
    return _height(lines, m.line)


def _height(lines: int, line: float) -> float:
    return min(MAX_HEIGHT, round(lines * line + PADDING_PX * 0.75, 2))


_FIT_CACHE = 20_000


class RowFit:
    """``row_height`` for the many rows of one table: each column's room is worked out once, and each
    text's line count is remembered (a big plan repeats its agencies, indicators and frequencies).

    ``min_lines=2`` for output rows: «Kết quả đầu ra 1.2» takes two lines in the STT column.
    """

    def __init__(self, widths: Iterable[float], bold: bool = False, font_size: float = FONT_SIZE) -> None:
        self.measure = measure(font_size, bold)
        self.rooms = [text_room(w) for w in widths]
        self._lines: list[dict[str, int]] = [{} for _ in self.rooms]   # per column: text -> lines
        self._heights: dict[int, float] = {}

    def __call__(self, texts: Iterable[object], min_lines: int = 1) -> float:
        lines = min_lines
        count = self.measure.lines
        for text, known, room in zip(texts, self._lines, self.rooms):
            n = known.get(text)
            if n is None:
                if not isinstance(text, str):
                    continue
                n = count(text, room)
                if len(known) < _FIT_CACHE:         # bounded memory
                    known[text] = n
            if n > lines:
                lines = n
        height = self._heights.get(lines)
        if height is None:
            height = self._heights[lines] = _height(lines, self.measure.line)
        return height


# --------------------------------------------------------------------------- the estimate
# Without a font file: Vietnamese in Times New Roman 11 averages ~6 px a character and a column unit
# is 7 px, so a line holds ~1.1 characters per unit, less the part of a word that does not fit;
# capitals are a third wider (measured on LibreOffice's PDF of Phụ lục 1). It errs on the generous side.
_UNIT_POINTS = 5.25             # one Excel width unit of text room, in points (7 px)
_CHARS_PER_UNIT = 1.1
_WORD_SLACK = 2
_UPPER = 1.35


def estimate_lines(text: str, width: float, bold: bool = False) -> int:
    """Lines ``text`` takes in ``width`` Excel units by the character estimate (no font at hand)."""
    if not text:
        return 1
    per_line = max(1.0, width * _CHARS_PER_UNIT * (0.9 if bold else 1.0) - _WORD_SLACK)
    return sum(max(1, math.ceil((len(part) * (_UPPER if part.isupper() else 1)) / per_line))
               for part in text.split("\n"))


# --------------------------------------------------------------------------- column widths
def balance_widths(widths: Sequence[float], rows: Sequence[tuple[Sequence[object], bool]],
                   movable: Iterable[int], *, sample: int = 300, low: float = 0.6, high: float = 1.8,
                   rounds: int = 200, minimum: dict[int, float] | None = None) -> list[float]:
    """Column widths (Excel units) of the same total that print the table shortest.

    A printed sheet is scaled to one page wide, so its total width fixes the size of the print; how
    it is shared among the columns decides how many lines each row takes, and a row is as tall as
    its tallest cell. Whole units are moved from one ``movable`` column to another while the sum of
    the rows' lines goes down (``rows``: each row's cell texts in column order and whether it is
    bold; at most ``sample`` of them, evenly spaced, are measured). A column keeps between ``low``
    and ``high`` times its width, never gets too narrow for its longest word, nor below ``minimum[c]``.
    Returns the widths in column order; the others are unchanged.
    """
    import numpy as np

    widths = list(widths)
    movable = [c for c in movable if 0 <= c < len(widths)]
    if len(rows) > sample:
        rows = [rows[k * len(rows) // sample] for k in range(sample)]
    if len(movable) < 2 or not rows:
        return widths
    words = [[_word_widths(measure(FONT_SIZE, bold), t) if isinstance(t, str) and t else None for t in texts]
             for texts, bold in rows]
    fixed = [c for c in range(len(widths)) if c not in movable]
    base = np.ones(len(rows), dtype=np.int32)
    for c in fixed:
        room = text_room(widths[c])
        base = np.maximum(base, [_count(r[c], room) if c < len(r) else 1 for r in words])
    grids: dict[int, list[float]] = {}
    known: dict[tuple[int, int], object] = {}       # (column, grid index) -> each row's lines, on demand
    for c in movable:
        longest = max((w for r in words if c < len(r) and r[c] for para in r[c][0] for w in para), default=0.0)
        least = max(low * widths[c], units_for(longest), (minimum or {}).get(c, 0.0), 1.0)
        steps = range(-max(0, int(widths[c] - least)), max(0, int(high * widths[c] - widths[c])) + 1)
        grids[c] = [widths[c] + k for k in steps]
    at = {c: grids[c].index(widths[c]) for c in movable}

    def lines(c: int, k: int):
        found = known.get((c, k))
        if found is None:
            room = text_room(grids[c][k])
            found = known[c, k] = np.array([_count(r[c], room) if c < len(r) else 1 for r in words], dtype=np.int32)
        return found

    def total(position: dict[int, int]) -> int:
        return int(np.maximum.reduce([base, *(lines(c, position[c]) for c in movable)]).sum())

    best = total(at)
    for _ in range(rounds):
        move = None
        for i in movable:
            if at[i] + 1 >= len(grids[i]):
                continue
            for j in movable:
                if i == j or at[j] == 0:
                    continue
                trial = dict(at)
                trial[i] += 1
                trial[j] -= 1
                value = total(trial)
                if value < best:
                    best, move = value, trial
        if move is None:
            break
        at = move
    return [grids[c][at[c]] if c in at else w for c, w in enumerate(widths)]


def units_for(width: float) -> float:
    """The narrowest column (Excel units, in hundredths) whose text room holds ``width`` points."""
    pixels = math.ceil(width / 0.75 - 1e-9)
    return math.ceil((pixels - 0.5) / 7 * 100) / 100 if pixels > 0 else 0.0


def _word_widths(m: Measure, text: str) -> tuple[list[list[float]], float]:
    """Each paragraph's words' widths and the space's width (points), to count lines at many widths."""
    if not m.available:
        unit = _UNIT_POINTS / _CHARS_PER_UNIT
        return [[len(word) * unit for word in part.split(" ")] for part in text.split("\n")], unit
    return [list(map(m.word, part.split(" "))) for part in text.split("\n")], m.space


def _count(text: tuple[list[list[float]], float] | None, room: float) -> int:
    """Lines of a text given as ``_word_widths``, wrapped greedily (as ``Measure.wrap``): each line
    ends at the last word whose running width (words and the spaces between) fits the room, found by
    bisection in the running sums, so the cost goes with the lines, not the words. A word wider
    than the room takes its width over the room in lines (``Measure.wrap`` cuts it exactly)."""
    if not text:
        return 1
    paragraphs, space = text
    lines = 0
    for words in paragraphs:
        ends = list(accumulate(map(space.__add__, words)))     # ends[k]: words 0..k, each with a space
        start, base, count = 0, 0.0, len(words)
        lines += count == 0
        while start < count:
            if words[start] > room:
                lines += math.ceil(words[start] / room)
                base = ends[start]
                start += 1
                continue
            end = bisect_right(ends, base + room + space, start)
            lines += 1
            base = ends[end - 1]
            start = end
    return lines
