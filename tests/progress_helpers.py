"""Filling progress templates by script, as an agency would by hand (tests and the sample's builder)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from cchc_xlsx.progress.read import find_table
from cchc_xlsx.progress.words import SHEET
from cchc_xlsx.workbook import Sheet


def columns_of(ws) -> tuple[int, dict[str, int]]:
    """The header row (1-based) and field -> column (1-based) of a template's sheet."""
    grid = Sheet(ws.title, [[cell.value for cell in row] for row in ws.iter_rows(max_row=40)])
    header, columns = find_table(grid)
    return header + 1, {name: c + 1 for name, c in columns.items()}


def activity_rows(path: Path) -> dict[str, int]:
    """code -> row (1-based) of every activity in a template (rows whose code has two dots)."""
    ws = openpyxl.load_workbook(path)[SHEET]
    header, columns = columns_of(ws)
    return {ws.cell(r, columns["code"]).value: r for r in range(header + 1, ws.max_row + 1)
            if str(ws.cell(r, columns["code"]).value or "").count(".") == 2}


def fill(path: Path, values: dict[str, dict], out: Path | None = None) -> Path:
    """Write ``{code: {field: value}}`` into a template (status as its Vietnamese word); save to
    ``out`` (default: over ``path``). openpyxl keeps the protection, validation and hidden sheets."""
    book = openpyxl.load_workbook(path)
    ws = book[SHEET]
    header, columns = columns_of(ws)
    for r in range(header + 1, ws.max_row + 1):
        code = ws.cell(r, columns["code"]).value
        for name, value in values.get(code, {}).items():
            ws.cell(r, columns[name]).value = value
    target = out or path
    book.save(target)
    return target


def stamp(path: Path, saved) -> Path:
    """Set the file's save time (docProps/core.xml ``dcterms:modified``): openpyxl writes now() on save."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                        rb"\g<1>" + saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                        parts["docProps/core.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
