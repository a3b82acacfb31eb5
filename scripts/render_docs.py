#!/usr/bin/env python3
"""Render the pictures of the consolidated workbook shown in the docs, and any page of its PDF.

Consolidates the bundled plan with its sample returns (the README's main job), prints the workbook to
PDF through LibreOffice, and renders with pdftoppm the first page of «Tổng hợp» and the first page of
«Phụ lục 1»:

    docs/tong-hop.png     docs/phu-luc-1.png

With ``--all DIR``, every page of the PDF as well (``DIR/page-01.png`` …), to look at the whole print;
the page count and each sheet's pages are printed.

Usage::

    python scripts/render_docs.py [--dpi 110] [--out docs] [--all DIR] [--keep DIR]

Needs LibreOffice (Debian: libreoffice-calc-nogui) and poppler-utils (pdftoppm, pdftotext, pdfinfo).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cchc_xlsx import bundled_plan_path  # noqa: E402
from cchc_xlsx.consolidate import consolidate  # noqa: E402
from cchc_xlsx.printing import print_pdf  # noqa: E402
from cchc_xlsx.write import write_workbook  # noqa: E402

PICTURES = {"Tổng hợp": "tong-hop.png", "Phụ lục 1": "phu-luc-1.png"}


def page_sheets(pdf: Path) -> list[str]:
    """Each page's sheet, in page order: every page header starts with the sheet's name (&A)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    sheets = []
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        sheets.append(unicodedata.normalize("NFC", text).strip().split("  ")[0])
    return sheets


def first_pages(pdf: Path) -> dict[str, int]:
    """Sheet name -> its first page (1-based)."""
    found: dict[str, int] = {}
    for page, sheet in enumerate(page_sheets(pdf), start=1):
        found.setdefault(sheet, page)
    return found


def render(pdf: Path, page: int, target: Path, dpi: int) -> None:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(target.with_suffix(""))], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder of the two docs pictures (docs/)")
    parser.add_argument("--all", type=Path, metavar="DIR", help="also render every page into this folder")
    parser.add_argument("--keep", type=Path, help="also keep the workbook and the PDF in this folder")
    args = parser.parse_args(argv)
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: install the Debian package poppler-utils", file=sys.stderr)
            return 2
    consolidation = consolidate([bundled_plan_path().parent / "returns"])
    with tempfile.TemporaryDirectory(prefix="cchc-docs-") as tmp:
        workbook = write_workbook(consolidation, Path(tmp) / "tong-hop-daklak-2018.xlsx")
        pdf = print_pdf(workbook)
        sheets = page_sheets(pdf)
        pages = first_pages(pdf)
        args.out.mkdir(parents=True, exist_ok=True)
        for sheet, name in PICTURES.items():
            target = args.out / name
            render(pdf, pages[sheet], target, args.dpi)
            print(f"{target}: page {pages[sheet]} of {pdf.name} ({sheet})")
        if args.all:
            args.all.mkdir(parents=True, exist_ok=True)
            for page in range(1, len(sheets) + 1):
                render(pdf, page, args.all / f"page-{page:02d}.png", args.dpi)
        counts = {sheet: sheets.count(sheet) for sheet in dict.fromkeys(sheets)}
        print(f"{len(sheets)} pages: " + ", ".join(f"{sheet} {n}" for sheet, n in counts.items()))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(workbook, args.keep)
            shutil.copy(pdf, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
