"""Row heights measured in the font (write/fit.py) and page breaks computed (write/pages.py)."""

from __future__ import annotations

import warnings

import pytest

PIL = pytest.importorskip("PIL")
from PIL import ImageFont  # noqa: E402

from cchc_xlsx.write import fit, pages  # noqa: E402

TEXT = ("Thực hiện việc tự kiểm tra văn bản QPPL của UBND tỉnh; kiểm tra theo thẩm quyền văn bản QPPL "
        "của HĐND, UBND cấp huyện ban hành")

needs_font = pytest.mark.skipif(fit._font_files(False, False)[0] is None, reason="no Times New Roman/Liberation Serif")


def _pillow_width(text: str, bold: bool = False) -> float:
    """Pillow's own measure of ``text`` at 11 pt, each glyph in the font that has it."""
    primary, fallback = fit._font_files(bold, False)
    font = ImageFont.truetype(str(primary), 1100)
    other = ImageFont.truetype(str(fallback), 1100) if fallback else font
    m = fit.measure(11, bold)
    return sum((font if m._has(ch) else other).getlength(ch) for ch in text) / 100


@needs_font
def test_a_width_is_pillows_measure_of_the_text():
    m = fit.measure()
    ascii_text = "Plan and budget of the province, 2018"
    whole = ImageFont.truetype(str(fit._font_files(False, False)[0]), 1100).getlength(ascii_text) / 100
    assert m.width(ascii_text) == pytest.approx(whole, rel=0.01)
    assert m.width(TEXT) == pytest.approx(_pillow_width(TEXT), rel=0.001)
    assert fit.measure(11, True).width(TEXT) > m.width(TEXT)          # bold is wider
    assert m.width("0" * 10) == pytest.approx(55.0, abs=0.01)          # the digit: half an em


@needs_font
@pytest.mark.parametrize("width", [8, 13, 24, 30, 40])
def test_wrapping_fills_each_line_and_never_overflows(width):
    m = fit.measure()
    room = fit.text_room(width)
    lines = m.wrap(TEXT, room)
    assert " ".join(lines) == TEXT
    for k, line in enumerate(lines):
        assert _pillow_width(line) <= room + 1e-6, line
        if k + 1 < len(lines):       # greedy: the next line's first word would not have fitted
            assert _pillow_width(f"{line} {lines[k + 1].split(' ')[0]}") > room, (line, lines[k + 1])
    assert m.lines(TEXT, room) == len(lines)


@needs_font
def test_a_known_string_in_a_known_width():
    # 30 Excel units: 210 px of text at 96 dpi, 157.5 pt; the sentence takes five lines there.
    assert fit.text_room(30) == 157.5
    assert fit.text_lines(TEXT, 30) == 5
    assert fit.row_height([(TEXT, 30), ("Sở Tư pháp", 15)]) == pytest.approx(5 * 12.75 + 2.25)
    assert fit.row_height([("Sở Tư pháp", 15)]) == 15.0          # one line: Excel's row for Times 11
    assert fit.text_lines("Hoạt động 1.2.2", 13) == 2 and fit.text_lines("Hoạt động 1.2.2", 16) == 1
    assert fit.text_lines("a\nb\n\nc", 30) == 4
    word = "x" * 200                                               # a word wider than the column is cut
    per_line = int(fit.text_room(10) // fit.measure().width("x"))
    assert fit.text_lines(word, 10) == -(-200 // per_line)
    assert fit.row_height([("word " * 2000, 10)]) == fit.MAX_HEIGHT


@needs_font
def test_rowfit_gives_row_heights_answer():
    rows = fit.RowFit([13, 30, 24])
    for texts in (["Hoạt động 1.1", TEXT, ""], ["x", None, "Sở Nội vụ"], ["", "", ""]):
        cells = [(t, w) for t, w in zip(texts, [13, 30, 24]) if isinstance(t, str)]
        assert rows(texts) == fit.row_height(cells)
    assert rows(["", "", ""], min_lines=3) == pytest.approx(3 * 12.75 + 2.25)


def test_without_a_font_the_estimate_is_used_and_said_once(monkeypatch):
    monkeypatch.setattr(fit, "_font_files", lambda bold, italic: (None, None))
    monkeypatch.setattr(fit, "_SAID", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a, b = fit.Measure(11), fit.Measure(11, bold=True)
    said = [w for w in caught if issubclass(w.category, fit.FontMissingWarning)]
    assert len(said) == 1 and "Liberation Serif" in str(said[0].message)
    assert not a.available and a.lines(TEXT, fit.text_room(30)) == fit.estimate_lines(TEXT, 30) == 5
    assert b.lines("", 100) == 1


# --------------------------------------------------------------------------- page breaks
def test_the_page_room_follows_the_scale():
    narrow, wide = pages.page_room([20]), pages.page_room([13, 30, 24, 22, 8, 8, 10, 16, 17, 15])
    # at 100 %: LibreOffice's measured 459.6 pt of rows (rows of 3 pt: 143 fit below a 30 pt header)
    assert 0.98 * 459 <= narrow <= 0.98 * 462
    lo, excel = pages.print_scale([13, 30, 24, 22, 8, 8, 10, 16, 17, 15])
    assert lo == pytest.approx(0.7633, abs=0.001) and excel == 0.79     # LibreOffice's measured: 0.763
    assert wide > narrow


def test_a_header_row_never_ends_a_page():
    pager = pages.Pager([20], repeat=30, room=100)
    # (height, keep with next): the titles, two activities, a task and its output, activities...
    plan = [(30, False), (20, False), (20, False), (20, True), (20, True), (20, False), (20, False),
            (20, True), (20, False), (20, False)]
    for row, (height, keep) in enumerate(plan):
        pager.add(row, height, keep)
    # page 1 would end on the task and its output (rows 3-4): both go to page 2
    assert pager.breaks == [3, 6, 9]
    # each page starts with the header (30) and holds what fits in 100
    starts = [0, *pager.breaks]
    for first, end in zip(starts, [*pager.breaks, len(plan)]):
        used = (30 if first else 0) + sum(plan[r][0] for r in range(first, end))
        assert used <= 100
        assert not plan[end - 1][1] or end == len(plan)   # no page ends on a kept row


def test_a_chain_longer_than_a_page_still_breaks():
    pager = pages.Pager([20], repeat=0, room=50)
    for row in range(10):
        pager.add(row, 20, keep_with_next=True)
    assert pager.breaks == [2, 4, 6, 8]


@needs_font
def test_balanced_widths_keep_the_total_and_shorten_the_table():
    long_text = TEXT + " " + TEXT
    rows = [([f"Hoạt động 1.{k}", long_text, "Sở Tư pháp", "12"], False) for k in range(30)]
    widths = [13, 20, 30, 8]
    shared = fit.balance_widths(widths, rows, [0, 1, 2])

    def lines(ws):
        return sum(max(fit.text_lines(t, w) for t, w in zip(texts, ws)) for texts, _ in rows)

    assert sum(shared) == sum(widths) and shared[3] == 8               # the fixed column keeps its width
    assert shared[1] > 20 and shared[0] + shared[2] < 43              # the long texts take the room
    assert lines(shared) < lines(widths)
    assert fit.text_lines("Sở Tư pháp", shared[2]) == 1
    assert shared[0] >= 0.6 * 13 and shared[2] >= fit.measure().width("pháp") / 5.25  # a word is never cut
    assert fit.balance_widths(widths, [], [0, 1]) == widths            # nothing to measure: unchanged


@needs_font
def test_counting_lines_agrees_with_wrapping_them():
    m = fit.measure()
    texts = [TEXT, "Sở Tư pháp", "a  b", " lead", "x\n\ny z", "Hoạt động 1.2.2", TEXT.upper(), TEXT + "\n" + TEXT[:40]]
    for text in texts:
        for width in (5, 8, 10, 13, 16, 22, 30, 45):
            room = fit.text_room(width)
            assert m.lines(text, room) == len(m.wrap(text, room)), (text, width)


@needs_font
def test_counting_lines_agrees_with_wrapping_random_texts():
    import random

    rng = random.Random(12)
    words = TEXT.split() + ["QPPL", "x" * 30, "2018", "(nếu", "có)", "-", "CẢI CÁCH"]
    m = fit.measure(bold=True)
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        room = fit.text_room(rng.choice([4, 6, 9, 13, 17, 24, 33]))
        assert m.lines(text, room) == len(m.wrap(text, room)), (text, room)


def test_a_workbook_is_written_without_any_font(monkeypatch, tmp_path, recwarn):
    from pathlib import Path

    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.write import write_workbook

    monkeypatch.setattr(fit, "_font_files", lambda bold, italic: (None, None))
    monkeypatch.setattr(fit, "_SAID", False)
    fit.measure.cache_clear()
    try:
        returns = Path(__file__).resolve().parents[1] / "workbooks" / "daklak-2018" / "returns"
        out = write_workbook(consolidate([returns]), tmp_path / "tong-hop.xlsx")
    finally:
        fit.measure.cache_clear()
    assert out.stat().st_size > 10_000
    said = [w for w in recwarn if issubclass(w.category, fit.FontMissingWarning)]
    assert len(said) == 1


def test_breaks_stop_at_excels_limit():
    pager = pages.Pager([20], repeat=0, room=30)
    for row in range(3000):
        pager.add(row, 20)
    assert len(pager.breaks) == pages.MAX_BREAKS == 1023
    assert pager.breaks[:3] == [1, 2, 3]
