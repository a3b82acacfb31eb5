"""The corpus machinery: the case registry, the templates every case starts from, helpers."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from build_sample_returns import (GENERATED_AT, cell, column, header_row, row_of, rows_labelled,  # noqa: E402,F401
                                  save)

#: A case writes its file(s) into ``out`` from the templates in ``templates`` (agency id ->
#: template path, e.g. ``templates["so-tu-phap"]``) and returns the paths it wrote.
Builder = Callable[[dict[str, Path], Path], list[Path]]


@dataclass(frozen=True)
class Case:
    name: str            # also the stem of its file: far-cell-xfd.xlsx …
    family: str          # reading, text, merge
    condition: str       # one line: what the agency's file has
    build: Builder


CASES: dict[str, Case] = {}


def case(name: str, family: str, condition: str) -> Callable[[Builder], Builder]:
    """Register a corpus case (decorator)."""
    def register(builder: Builder) -> Builder:
        if name in CASES:
            raise ValueError(f"corpus case {name!r} registered twice")
        CASES[name] = Case(name, family, condition, builder)
        return builder
    return register


def template_files(work: Path) -> dict[str, Path]:
    """The bundled plan's templates (agency id -> path), written once into ``work/templates``."""
    from cchc_xlsx import bundled_plan_path, read_plan
    from cchc_xlsx.templates import TemplateOptions, write_templates

    folder = work / "templates"
    if not folder.exists():
        write_templates(read_plan(bundled_plan_path()), folder, TemplateOptions(generated_at=GENERATED_AT))
    return {path.stem.removeprefix("cchc-2018-"): path for path in sorted(folder.glob("*.xlsx"))}


def build(out: Path, names: list[str] | None = None, *, work: Path | None = None) -> dict[str, list[Path]]:
    """Write the named cases (all by default) into ``out``: case name -> the files it wrote."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="cchc-corpus-") as tmp:
        templates = template_files(work or Path(tmp))
        for name in names or list(CASES):
            written[name] = CASES[name].build(templates, out)
    return written


SAVED = dt.datetime(2018, 1, 8, 10, 0)   # the save time written into the cases' core.xml
