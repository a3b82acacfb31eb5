"""The bundled consolidation printed by LibreOffice, as the committed docs script renders it: fewer pages,
no task or output row at a page's end, no text cut off, the pages the workbook's breaks say."""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")]

ROOT = Path(__file__).resolve().parents[1]
PAGES_BEFORE = 45       # the bundled consolidation's PDF before row heights were measured (issue 12)
LEVELS = {"Nhiệm vụ": "task", "Kết quả đầu ra": "output", "Hoạt động": "activity"}


@pytest.fixture(scope="module")
def printed(libreoffice, tmp_path_factory):
    """(workbook, pdf, every page's text) from ``scripts/render_docs.py``, run as a person would."""
    tmp = tmp_path_factory.mktemp("print")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "render_docs.py"), "--dpi", "30", "--out",
                           str(tmp / "docs"), "--all", str(tmp / "pages"), "--keep", str(tmp / "keep")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    pdf = next((tmp / "keep").glob("*.pdf"))
    workbook = next((tmp / "keep").glob("*.xlsx"))
    texts = []
    for page in range(1, len(list((tmp / "pages").glob("page-*.png"))) + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        texts.append(unicodedata.normalize("NFC", text))
    return tmp, workbook, pdf, texts


def _sheet(page: str) -> str:
    return page.strip().split("  ")[0]


def test_the_script_renders_the_docs_pictures_and_every_page(printed):
    tmp, _, _, texts = printed
    for name in ("tong-hop.png", "phu-luc-1.png"):
        assert (tmp / "docs" / name).stat().st_size > 2000, name
    pages = sorted((tmp / "pages").glob("page-*.png"))
    assert len(pages) == len(texts) > 10 and all(p.stat().st_size > 1000 for p in pages)


def test_fewer_pages_than_before_and_each_sheet_as_its_breaks_say(printed):
    _, workbook, _, texts = printed
    assert len(texts) < PAGES_BEFORE, len(texts)
    counts = collections.Counter(_sheet(page) for page in texts)
    wb = openpyxl.load_workbook(workbook)
    for sheet in ("Phụ lục 1", "Phụ lục 2", "Lịch theo dõi", "Tiến độ"):
        # LibreOffice added no break of its own: the computed pages are the printed ones
        assert counts[sheet] == len(wb[sheet].row_breaks.brk) + 1, (sheet, counts)


def _codes_and_levels(workbook) -> dict[str, str]:
    ws = openpyxl.load_workbook(workbook)["Phụ lục 1"]
    found = {}
    for row in ws.iter_rows(min_row=6, max_col=11, values_only=True):
        label, level = row[0], row[10]
        if isinstance(label, str) and level in LEVELS:
            found[label.split()[-1]] = LEVELS[level]
    return found


_STT = re.compile(r"^(Hoạt động|Kết quả|đầu ra|NHIỆM VỤ|Tổng cộng|Trong đó|\d+(\.\d+)+\b|\d+\b)")


def test_every_page_of_phu_luc_1_ends_on_an_activity_or_the_total(printed):
    _, workbook, _, texts = printed
    levels = _codes_and_levels(workbook)
    appendix = [page for page in texts if _sheet(page) == "Phụ lục 1"]
    assert len(appendix) >= 5
    for number, page in enumerate(appendix, start=1):
        last = None
        for line in page.splitlines()[1:]:          # below the page header
            stt = _STT.match(line)
            if stt is None:
                continue
            word = stt.group(0)
            if word in ("Tổng cộng", "Trong đó"):
                last = "total"
                break                                # the «Trong đó» block follows the total
            if re.fullmatch(r"\d+(\.\d+)*", word) and word in levels:
                last = levels[word]
            else:
                code = re.search(r"(\d+(\.\d+)*)\s*$", line[:12].strip())
                if code and code.group(1) in levels:
                    last = levels[code.group(1)]
        assert last in ("activity", "total"), (number, last, page[-1500:])
    assert "Tổng cộng" in appendix[-1] or "Tổng cộng" in appendix[-2]


def test_no_cell_text_of_phu_luc_1_is_cut(printed):
    """Every cell's last word is printed (a row too short for its text loses its last lines)."""
    _, workbook, _, texts = printed
    ws = openpyxl.load_workbook(workbook)["Phụ lục 1"]
    printed_text = "".join("".join(page.split()) for page in texts if _sheet(page) == "Phụ lục 1")
    wanted = collections.Counter()
    for row in ws.iter_rows(min_row=6, max_col=11, values_only=True):
        if row[10] not in LEVELS:
            continue
        for value in (row[1], row[2], row[3], row[7], row[8], row[9]):
            if isinstance(value, str) and value.split():
                wanted[unicodedata.normalize("NFC", value.split()[-1])] += 1
    assert sum(wanted.values()) > 300
    missing = {word: n for word, n in wanted.items() if printed_text.count(word) < n}
    assert not missing, missing
