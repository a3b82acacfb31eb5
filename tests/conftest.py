"""Shared fixtures: the bundled plan, read once, and variants of its workbook built on the fly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cchc_xlsx import read_plan

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "workbooks" / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"
SEED = ROOT.parent / "shared" / "seed" / "000_3f73fa604f3dd470.txt"


@pytest.fixture(autouse=True)
def no_plan_cache(monkeypatch):
    """Tests never read or write the user's plan cache (tests/test_cache.py turns it on in tmp_path)."""
    monkeypatch.setenv("CCHC_XLSX_CACHE", "off")


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def seed_plan():
    """The bundled 2018 Đắk Lắk plan, read by the project's reader."""
    return read_plan(BUNDLED)


def sheet_grids(path: Path = BUNDLED) -> dict[str, list[list[object]]]:
    """Every sheet's values as lists of rows (None for empty cells)."""
    book = openpyxl.load_workbook(path)
    grids = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    return grids


def write_grids(path: Path, grids: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given sheets, written with openpyxl (no styles)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in grids.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"   # text, as the user typed it, not a formula
        for merge in (merges or {}).get(title, []):
            ws.merge_cells(merge)
    book.save(path)
    return path


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """The soffice binary. Missing: a skip on a developer's machine, a failure in CI (.ci/run installs it)."""
    import os

    from cchc_xlsx.office import INSTALL_HINT, find_soffice

    soffice = find_soffice()
    if soffice is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI is set but {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    return soffice


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, list[Path]]:
    """The returns corpus (scripts/returns_corpus), built once: case name -> the files it wrote."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from returns_corpus import build

    out = tmp_path_factory.mktemp("corpus")
    return build(out, work=tmp_path_factory.mktemp("corpus-work"))
