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

__all__ = ["CATALOGUE", "LANGUAGES", "language", "register", "text"]

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
