"""The message table: every sentence the tool shows a person, in Vietnamese and English.

One mechanism for the whole tool (issue 12): a module that shows text registers its own
table here with :func:`register` (``{key: (vi, en)}``), and looks it up with :func:`text`.
``tests/test_messages.py`` checks that every key has both languages and the same
``{placeholders}`` in each. Finding messages keep their own table (``findings.CODES``), which
the same test covers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

__all__ = ["CATALOGUE", "LANGUAGES", "count", "language", "register", "severity_counts", "text"]

LANGUAGES = ("vi", "en")
CATALOGUE: dict[str, tuple[str, str]] = {}


def register(table: Mapping[str, tuple[str, str]]) -> None:
    """Add ``{key: (vietnamese, english)}`` entries; a key registered twice with other text is a bug.

    Raises ValueError on such a clash, so two modules never fight over a key silently."""
    for key, pair in table.items():
        if key in CATALOGUE and CATALOGUE[key] != tuple(pair):
            raise ValueError(f"message key registered twice with different text: {key}")
        CATALOGUE[key] = tuple(pair)


def text(key: str, lang: str = "vi", /, **values) -> str:
    """The message ``key`` in ``lang`` ("vi" or "en"), its ``{placeholders}`` filled from ``values``.

    Raises KeyError for an unknown key (a test walks every key, so this is a bug, not input)."""
    vi, en = CATALOGUE[key]
    template = en if lang == "en" else vi
    return template.format(**values) if values else template


def count(key: str, n: int, lang: str = "vi", /, **values) -> str:
    """``n`` things, read naturally: ``count("count.error", 2, "en")`` is "2 errors", ``"vi"`` "2 lỗi".

    A counted message's English text holds its singular and plural forms as ``"{n} error|{n} errors"``
    (the singular for exactly 1, as English counts); Vietnamese has no plural, so one form, with
    no ``|``. Numbers of 1 000 and more are grouped as each language writes them (1.234 / 1,234)."""
    template = CATALOGUE[key][1 if lang == "en" else 0]
    forms = template.split("|")
    form = forms[0] if n == 1 or len(forms) == 1 else forms[1]
    grouped = f"{n:,}".replace(",", "." if lang != "en" else ",")
    return form.format(n=grouped, **values)


def language(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language a command speaks: ``--lang en|vi`` on its command line, else ``en`` when
    ``LC_ALL``/``LC_MESSAGES``/``LANG`` (in that order, the POSIX precedence) starts with ``en``,
    else Vietnamese."""
    argv = list(argv or [])
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "vi"
    return "vi"


# Words several modules count and label with (the severities of a finding, files).
register({
    "count.error": ("{n} lỗi", "{n} error|{n} errors"),
    "count.warning": ("{n} cảnh báo", "{n} warning|{n} warnings"),
    "count.info": ("{n} ghi chú", "{n} note|{n} notes"),
    "count.file": ("{n} tệp", "{n} file|{n} files"),
    "severity.error": ("lỗi", "error"),
    "severity.warning": ("cảnh báo", "warning"),
    "severity.info": ("ghi chú", "note"),
})


def severity_counts(counts: Mapping[str, int], lang: str = "vi") -> str:
    """``{"error": 1, "warning": 2, "info": 0}`` as "1 error, 2 warnings, 0 notes" (vi: "1 lỗi, 2 cảnh báo, 0 ghi chú")."""
    return ", ".join(count(f"count.{severity}", counts.get(severity, 0), lang)
                     for severity in ("error", "warning", "info"))
