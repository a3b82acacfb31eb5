"""The registry of agencies: canonical names, the spellings seen in practice, and cell parsing.

The registry is data (``data/agencies.csv``), not code: a province extends it with a CSV of the
same columns (``id,name,kind,aliases,typos``), passed as ``Registry.load(extra=...)`` and read as
Excel saves it (:func:`read_agencies_csv`).

- ``kind`` is ``agency`` for a named body that can lead and be funded (Sở Nội vụ), ``group`` for a
  generic set of bodies (Các sở, ban, ngành; UBND cấp huyện).
- ``aliases`` are accepted spellings (abbreviations, full forms): resolved silently.
- ``typos`` are misspellings seen in real decisions: resolved with an ``agency-corrected`` note.
  Any spelling equal to a known one once diacritics and punctuation are dropped is a typo too.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .findings import ToolError
from .messages import register
from .notation import clean_text, fold, remove_invisible

__all__ = ["Agency", "AgencyCell", "Registry", "default_registry", "agencies_in_cell", "read_agencies_csv",
           "AgenciesError"]

# Old-style tone placement ("hoá", "Uỷ") written the new way, so that it is not taken for a typo.
_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("|".join(_OLD_TONES))


def spelling_key(text: str) -> str:
    """Lower-case letters and digits with their diacritics; punctuation and case do not count."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], text)
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    kind: str  # "agency" or "group"
    aliases: tuple[str, ...] = ()
    typos: tuple[str, ...] = ()

    @property
    def is_named(self) -> bool:
        return self.kind == "agency"


@dataclass(frozen=True, slots=True)
class AgencyCell:
    """What one agency cell says.

    ``parties``: canonical names of the bodies recognised, in order, with unrecognised parts as
    their own text; ``named``: the canonical names of the named agencies among them;
    ``corrections``: (as written, canonical) pairs for typos resolved; ``unknown``: parts
    recognised as nothing at all.
    """

    text: str
    parties: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()


# "- Sở Nội vụ - Văn phòng UBND tỉnh": bullets, semicolons and line breaks separate parties.
_SPLIT = re.compile(r"(?:^|\s)[-–•+]\s+|;|\n")


# A phrase starting so ("Các đơn vị ...", "UBND ...") names generic bodies, not one agency.
_GENERIC_STARTS = ("cac ", "ubnd ", "hdnd ", "uy ban nhan dan ")


@dataclass
class Registry:
    agencies: list[Agency]
    _exact: dict[str, Agency] = field(default_factory=dict, repr=False)
    _folded: dict[str, Agency] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for agency in self.agencies:
            for spelling in (agency.name, *agency.aliases):
                self._exact.setdefault(spelling_key(spelling), agency)
            for spelling in (agency.name, *agency.aliases, *agency.typos):
                self._folded.setdefault(fold(spelling), agency)
        # longest names first, so that "Sở Văn hóa, Thể thao và Du lịch" wins over a shorter match
        self._patterns = sorted(
            ((fold(s), a) for a in self.agencies for s in (a.name, *a.aliases, *a.typos)
             if len(fold(s)) > 6),
            key=lambda pair: -len(pair[0]),
        )
        self._cell_cache: dict[str, AgencyCell] = {}

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, extra: str | Path | None = None) -> "Registry":
        """The bundled registry, extended (and overridden by id) with ``extra`` CSV rows."""
        with resources.files("cchc_xlsx").joinpath("data/agencies.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if extra is not None:
            extra_rows = read_agencies_csv(extra)
            ids = {row["id"] for row in extra_rows}
            rows = extra_rows + [row for row in rows if row["id"] not in ids]
        return cls([_agency_from_row(row) for row in rows])

    # ------------------------------------------------------------------ lookups
    def by_name(self, name: str) -> Agency | None:
        return self._exact.get(spelling_key(name))

    def names(self, kind: str | None = None) -> list[str]:
        return [a.name for a in self.agencies if kind is None or a.kind == kind]

    def resolve(self, text: str) -> tuple[Agency | None, bool]:
        """One party's text -> (agency, corrected?). Exact spellings are not corrections."""
        agency = self._exact.get(spelling_key(text))
        if agency is not None:
            return agency, False
        agency = self._folded.get(fold(text))
        return agency, agency is not None

    def parse_cell(self, value: object) -> AgencyCell:
        """Split an agency cell into parties and resolve each against the registry."""
        if type(value) is str:
            cached = self._cell_cache.get(value)     # the same cell text again (most cells)
            if cached is not None:
                return cached
        text = clean_text(value) if not isinstance(value, str) else remove_invisible(value)
        cached = self._cell_cache.get(text)
        if cached is None:
            cached = self._cell_cache[text] = self._parse_cell(text)
        if type(value) is str:
            self._cell_cache[value] = cached
        return cached

    def _parse_cell(self, text: str) -> AgencyCell:
        if not text:
            return AgencyCell("")
        parties: list[str] = []
        named: list[str] = []
        corrections: list[tuple[str, str]] = []
        unknown: list[str] = []
        for part in (clean_text(p).strip(" ,.:") for p in _SPLIT.split(text)):
            if not part:
                continue
            agency, corrected = self.resolve(part)
            if agency is not None:
                parties.append(agency.name)
                if agency.is_named:
                    named.append(agency.name)
                if corrected:
                    corrections.append((part, agency.name))
                continue
            # a free phrase: find the agencies and groups written inside it
            found = self._inside(part)
            for written, agency in found:
                if agency.is_named:
                    named.append(agency.name)
                if self.resolve(written)[1]:
                    corrections.append((written, agency.name))
            parties.append(part)
            if not found and not fold(part).startswith(_GENERIC_STARTS):
                unknown.append(part)
        return AgencyCell(text, tuple(parties), tuple(dict.fromkeys(named)), tuple(corrections),
                          tuple(unknown))

    def _inside(self, part: str) -> list[tuple[str, Agency]]:
        """Agencies and groups whose name stands inside a longer phrase, with the text as written."""
        folded = f" {fold(part)} "
        words = clean_text(part).split()
        found: list[tuple[str, Agency]] = []
        for pattern, agency in self._patterns:
            if f" {pattern} " in folded and all(a is not agency for _, a in found):
                folded = folded.replace(f" {pattern} ", " | ", 1)
                found.append((_written_span(words, pattern) or pattern, agency))
        return found


def _written_span(words: list[str], pattern: str) -> str | None:
    """The words of ``words`` (as written) that fold to ``pattern``."""
    size = len(pattern.split())
    for start in range(len(words)):
        span = " ".join(words[start:start + size])
        if fold(span) == pattern:
            return span.strip(" ,.:;")
    return None


# --------------------------------------------------------------------------- a province's own list
class AgenciesError(ToolError, ValueError):
    """A registry CSV that cannot be used as it is: the message names the file, the column (and the
    line) and what to do, in one line."""


register({
    "agencies.encoding": (
        "{file}: không đọc được bảng mã của tệp CSV; trong Excel hãy chọn Lưu thành > «CSV UTF-8 (Comma delimited)» "
        "rồi chạy lại.",
        "{file}: the CSV's encoding cannot be read; in Excel choose Save As > «CSV UTF-8 (Comma delimited)» and run "
        "again."),
    "agencies.missing-column": (
        "{file}: thiếu cột «{column}» ở dòng tiêu đề (dòng 1 phải ghi các cột id,name,kind,aliases,typos, ngăn "
        "cách bằng dấu phẩy hoặc chấm phẩy); hãy thêm cột đó rồi lưu lại dạng CSV.",
        "{file}: no «{column}» column in the header (line 1 must name the columns id,name,kind,aliases,typos, "
        "separated by commas or semicolons); add that column and save as CSV again."),
    "agencies.blank": (
        "{file}, dòng {line}: cột «{column}» để trống; hãy ghi {what} hoặc xóa dòng đó.",
        "{file}, line {line}: the «{column}» column is blank; write {what} or delete the line."),
    "agencies.kind": (
        "{file}, dòng {line}: cột «kind» ghi «{found}»; chỉ ghi «agency» (một cơ quan, đơn vị) hoặc «group» "
        "(một nhóm như Các sở, ban, ngành).",
        "{file}, line {line}: the «kind» column says «{found}»; write «agency» (one body) or «group» (a set of "
        "bodies, such as Các sở, ban, ngành)."),
})

#: The columns of a registry CSV; id and name are required, the others may be left out.
CSV_COLUMNS = ("id", "name", "kind", "aliases", "typos")
_REQUIRED = {"id": ("mã (ví dụ so-noi-vu)", "an id (e.g. so-noi-vu)"),
             "name": ("tên cơ quan", "the agency's name")}


def read_agencies_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a registry CSV as Excel writes it, each a dict of :data:`CSV_COLUMNS` (NFC text).

    Read: a ``,`` or ``;`` separator (Excel on a Vietnamese Windows writes ``;``), or a tab (Excel's
    «Unicode Text»); UTF-8 with or without BOM, UTF-16 (with BOM, or without one when its zero bytes
    say so), else Windows-1258 (Excel's plain «CSV» on a Vietnamese Windows, whose tone marks are
    combining characters: normalised to NFC). Column names are matched whatever their case.

    Raises AgenciesError (a ToolError and a ValueError) naming the file, the column and the line.
    """
    path = Path(path)
    text = unicodedata.normalize("NFC", _decode_csv(path.read_bytes(), path))
    lines = text.splitlines()
    header = lines[0] if lines else ""
    delimiter = max(",;\t", key=lambda d: len({c.strip().lower() for c in header.split(d)} & set(CSV_COLUMNS)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = [c.strip().lstrip("\ufeff").lower() for c in next(reader, [])]
    for column in _REQUIRED:
        if column not in names:
            raise AgenciesError(key="agencies.missing-column", file=str(path), column=column)
    rows = []
    for cells in reader:
        number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names) if name in CSV_COLUMNS}
        for column, what in _REQUIRED.items():
            if not row.get(column):
                raise AgenciesError(key="agencies.blank", file=str(path), line=number, column=column, what=what)
        kind = (row.get("kind") or "agency").strip()
        if kind not in ("agency", "group"):
            raise AgenciesError(key="agencies.kind", file=str(path), line=number, found=kind)
        rows.append(row)
    return rows


def _decode_csv(raw: bytes, path: Path) -> str:
    head = raw[:200]
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif head.count(b"\x00") > len(head) // 4:         # UTF-16 without its BOM: every other byte zero
        encodings = ["utf-16-be" if head[:1] == b"\x00" else "utf-16-le"]
    else:
        encodings = ["utf-8", "cp1258"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AgenciesError(key="agencies.encoding", file=str(path))


def _agency_from_row(row: dict[str, str]) -> Agency:
    def split(cell: str | None) -> tuple[str, ...]:
        return tuple(s.strip() for s in (cell or "").split("|") if s.strip())

    kind = (row.get("kind") or "agency").strip()
    if kind not in ("agency", "group"):
        raise ValueError(f"agency registry: kind must be 'agency' or 'group', not {kind!r} ({row.get('name')})")
    return Agency(row["id"].strip(), unicodedata.normalize("NFC", row["name"].strip()), kind,
                  split(row.get("aliases")), split(row.get("typos")))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry.load()


def agencies_in_cell(value: object, registry: Registry | None = None) -> AgencyCell:
    return (registry or default_registry()).parse_cell(value)
