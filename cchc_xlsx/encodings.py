"""Legacy Vietnamese encodings: text typed with TCVN3 (ABC, ``.VnTime`` fonts) or VNI fonts, found and
converted to Unicode before anything else reads the cells.

Such text looks right in the agency's Excel, where the legacy font draws it, but the file holds
the font's byte codes as Latin-1 letters: «Th¸ng 07», «Së Néi vô» (TCVN3), «Thaùng 07», «Sôû Noäi
vuï» (VNI). A cell is converted when its words, decoded, are Vietnamese syllables and as written
are not (:func:`decode_legacy`): ordinary Unicode Vietnamese («Tháng 07», whose letters are Latin-1
too) and plain ASCII are never touched, and a cell whose words read as Vietnamese both ways («vô»)
is left as written. The tables are the public TCVN 5712:1993 (VN3) and VNI-Windows code charts,
written out below and tested word by word (tests/test_returns_text.py); no maintained Python
package converts them (see the README).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["decode_legacy", "legacy_readings", "encode_legacy", "is_syllable", "ENCODINGS", "SEEN"]

#: The encodings recognised, as findings name them.
ENCODINGS = ("TCVN3", "VNI")

# --------------------------------------------------------------------------- TCVN3 (ABC)
# TCVN 5712:1993 VN3, one byte per letter: the lower-case letters and the seven capitals without a
# tone (the toned capitals were drawn by the .VnTimeH fonts with the lower-case codes).
_TCVN3_UNICODE = ("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ")
_TCVN3_LEGACY = ("\u00b5\u00b8\u00b6\u00b7\u00b9\u00a8\u00bb\u00be\u00bc\u00bd\u00c6\u00a9\u00c7\u00ca\u00c8\u00c9"
                 "\u00cb\u00ae\u00cc\u00d0\u00ce\u00cf\u00d1\u00aa\u00d2\u00d5\u00d3\u00d4\u00d6\u00d7\u00dd"
                 "\u00d8\u00dc\u00de\u00df\u00e3\u00e1\u00e2\u00e4\u00ab\u00e5\u00e8\u00e6\u00e7\u00e9\u00ac"
                 "\u00ea\u00ed\u00eb\u00ec\u00ee\u00ef\u00f3\u00f1\u00f2\u00f4\u00ad\u00f5\u00f8\u00f6\u00f7"
                 "\u00f9\u00fa\u00fd\u00fb\u00fc\u00fe\u00a1\u00a2\u00a7\u00a3\u00a4\u00a5\u00a6")
assert len(_TCVN3_LEGACY) == len(_TCVN3_UNICODE) == 74
_TCVN3 = str.maketrans(_TCVN3_LEGACY, _TCVN3_UNICODE)

# --------------------------------------------------------------------------- VNI (VNI-Windows)
# A vowel letter followed by one mark character: the tone, or the vowel's hat (â ê ô) or breve (ă)
# with or without a tone; a few letters have a code of their own.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {   # mark character -> (combining marks, the bases it goes with)
    "ù": (_ACUTE, "aeouyơư"), "ø": (_GRAVE, "aeouyơư"), "û": (_HOOK, "aeouyơư"), "õ": (_TILDE, "aeouyơư"),
    "ï": (_DOT, "aeouơư"), "â": (_CIRCUMFLEX, "aeo"), "ê": (_BREVE, "a"),
    "á": (_CIRCUMFLEX + _ACUTE, "aeo"), "à": (_CIRCUMFLEX + _GRAVE, "aeo"), "å": (_CIRCUMFLEX + _HOOK, "aeo"),
    "ã": (_CIRCUMFLEX + _TILDE, "aeo"), "ä": (_CIRCUMFLEX + _DOT, "aeo"),
    "é": (_BREVE + _ACUTE, "a"), "è": (_BREVE + _GRAVE, "a"), "ú": (_BREVE + _HOOK, "a"), "ü": (_BREVE + _TILDE, "a"),
    "ë": (_BREVE + _DOT, "a"),
}
_VNI_BASES = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}   # as written -> letter
_VNI_SINGLE = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ", "ô": "ơ", "ö": "ư"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for written, base in _VNI_BASES.items():
        for mark, (combining, bases) in _VNI_MARKS.items():
            if base in bases:
                letter = unicodedata.normalize("NFC", unicodedata.normalize("NFD", base) + combining)
                for w, m, out in ((written, mark, letter), (written.upper(), mark.upper(), letter.upper()),
                                  (written.upper(), mark, letter.upper())):
                    table.setdefault(w + m, out)
    for written, letter in _VNI_SINGLE.items():
        table[written], table[written.upper()] = letter, letter.upper()
    return table


_VNI_TABLE = _vni_table()
_VNI = re.compile("|".join(sorted(map(re.escape, _VNI_TABLE), key=len, reverse=True)))


_TO_TCVN3 = str.maketrans(_TCVN3_UNICODE, _TCVN3_LEGACY)
_TO_VNI = {letter: written for written, letter in reversed(list(_VNI_TABLE.items())) if letter != written}


def encode_legacy(text: str, encoding: str) -> str:
    """``text`` as a legacy font would hold it (the inverse of decoding; for tests and the corpus).

    TCVN3 has no code for a toned capital: it is written with the lower-case code, as the
    upper-case ``.VnTimeH`` fonts are typed.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "TCVN3":
        return "".join(ch if ch in _TCVN3_UNICODE else ch.lower() if ch.lower() in _TCVN3_UNICODE and not ch.isascii()
                       else ch for ch in text).translate(_TO_TCVN3)
    return "".join(_TO_VNI.get(ch, ch) for ch in text)


def _decode(text: str, encoding: str) -> str:
    if encoding == "TCVN3":
        return text.translate(_TCVN3)
    return _VNI.sub(lambda m: _VNI_TABLE[m.group(0)], text)


# --------------------------------------------------------------------------- Vietnamese syllables
_TONES = {_ACUTE: "acute", _GRAVE: "grave", _HOOK: "hook", _TILDE: "tilde", _DOT: "dot"}
_INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
_NUCLEUS = ("uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y")
_OPEN = ("iêu|yêu|uôi|ươi|ươu|oai|oay|oao|oeo|uây|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ")
# k ends the names of the Central Highlands (Đắk Lắk, Đắk Nông) and is taken like c.
_SYLLABLE = re.compile(rf"{_INITIAL}(?:(?P<open>{_OPEN})|(?P<nucleus>{_NUCLEUS})(?P<final>ch|nh|ng|[ckmnpt])?)")
_CH_NH = {"a", "ê", "i", "y", "oa", "uê", "uy"}
_TONE_BEARERS = set("aeiouy\u0302\u0306\u031b")      # vowels, and the hat, breve and horn they carry


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether ``word`` (letters only, any case) is one Vietnamese syllable with at most one tone:
    an initial consonant, a vowel nucleus and a final that go together (``tháng``, ``nghiệp``,
    ``quốc``), not ``thaùng`` or ``néi``. Syllables ending in c, ch, p, t take the acute or dot tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [i for i, ch in enumerate(decomposed) if ch in _TONES]
    if len(tones) > 1 or (tones and (tones[0] == 0 or decomposed[tones[0] - 1] not in _TONE_BEARERS)):
        return False    # two tones, or a tone on a consonant (ñ)
    tones = [decomposed[i] for i in tones]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    match = _SYLLABLE.fullmatch(bare)
    if not match:
        return False
    final = match.group("final")
    if final in ("ch", "nh") and match.group("nucleus") not in _CH_NH:
        return False
    if final in ("c", "ch", "k", "p", "t") and (not tones or _TONES[tones[0]] not in ("acute", "dot")):
        return False
    return True


_LETTERS = re.compile(r"[^\W\d_]+")
#: Latin-1 signs that legacy fonts draw as letters (¸ µ « ® ×): a word holding one is not Vietnamese as written.
_LEGACY_SIGNS = re.compile("[\u00a0-\u00bf\u00d7\u00f7]")


def _judge(written: str, read: str) -> str:
    """``good``, ``ambiguous``, ``bad`` or ``neutral`` for one word changed by decoding (see decode_legacy)."""
    runs = _LETTERS.findall(read)
    if not runs:
        return "bad"
    if any(ch.isdigit() for ch in read):
        return "neutral"        # «­10»: a sign beside digits says nothing about the letters
    for run in runs:
        if not is_syllable(run):
            # an abbreviation in capitals (HĐND, ĐVT, Đ) is no syllable and no evidence either way
            return "neutral" if run.isupper() and len(run) <= 6 else "bad"
    if _LEGACY_SIGNS.search(written):
        return "good"
    written_runs = _LETTERS.findall(written)
    return "ambiguous" if written_runs and all(is_syllable(run) for run in written_runs) else "good"


# --------------------------------------------------------------------------- cells
#: A cell can hold legacy text only if every character is Latin-1 (or general punctuation).
_NOT_LEGACY = re.compile("[^\x00-\xff\u2000-\u206f\u20ac\u2122]")


@lru_cache(maxsize=65536)
def legacy_readings(text: str) -> tuple[tuple[str, str], ...]:
    """Every (encoding, Unicode text) that ``text`` reads as, the likeliest first; () for text that
    is not TCVN3 or VNI. Cheap for other text: one regular-expression search finds a character
    outside Latin-1, which legacy text never has.

    Each word the decoding changes is judged: *good* when it decodes into Vietnamese syllables and
    is not Vietnamese as written (it holds a sign such as ¸ µ «, or is no syllable: «Néi»),
    *ambiguous* when it is Vietnamese both ways («vô»), *bad* when it does not decode into
    Vietnamese; capital abbreviations (HĐND) and words beside digits count for nothing, nor do
    words the decoding leaves alone (ASCII, digits). An encoding reads the cell when it has good
    words and more than twice as many good as bad; the one with the most good words comes first
    (TCVN3 on a tie). A cell of capitals (``.VnTimeH`` fonts) stays in capitals.
    """
    if text.isascii() or _NOT_LEGACY.search(text):
        return ()
    readings = []
    for encoding in ENCODINGS:
        decoded = _decode(text, encoding)
        if decoded == text:
            continue
        counts = {"good": 0, "bad": 0, "ambiguous": 0, "neutral": 0}
        for written, read in zip(text.split(), decoded.split()):
            if written != read:
                counts[_judge(written, read)] += 1
        good, bad = counts["good"], counts["bad"]
        if good and good > 2 * bad:
            cased = [ch for ch in text if ch.isascii() and ch.isalpha()]
            if len(cased) >= 2 and all(ch.isupper() for ch in cased):
                decoded = decoded.upper()          # a cell of capitals: the .VnTimeH fonts
            readings.append((good, encoding, unicodedata.normalize("NFC", decoded)))
    if readings:
        SEEN[readings[0][1]] = True
    readings.sort(key=lambda r: -r[0])              # stable: TCVN3 first on a tie
    return tuple((encoding, decoded) for _, encoding, decoded in readings)


def decode_legacy(text: str) -> tuple[str, str] | None:
    """(encoding, Unicode text) when ``text`` is TCVN3 or VNI (the likeliest reading, see
    :func:`legacy_readings`), else None."""
    readings = legacy_readings(text)
    return readings[0] if readings else None


#: The encodings met in this process (set by legacy_readings): until one is, nobody needs to look
#: for legacy cells to report (normalise), so ordinary files pay nothing for the report.
SEEN: dict[str, bool] = {}
