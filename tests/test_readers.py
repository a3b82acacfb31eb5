"""The result of a consolidation does not depend on the reader or on the parallelism (issue 6).

The fast path reads with python-calamine on worker processes; the slow path reads the same files
with openpyxl in this process. Both must give the same frames, findings, sources and returns.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_xlsx import Registry, read_plan
from cchc_xlsx.consolidate import consolidate, reading_workers
from cchc_xlsx.synthetic import write_synthetic_plan
from cchc_xlsx.templates import TemplateOptions, write_templates

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "daklak-2018" / "returns"
WHEN = dt.datetime(2030, 1, 2, 8, 0)


def _same(a, b) -> None:
    """Two consolidations are the same to the user: frames, findings, files, returns."""
    for table in ("plan", "monitoring", "allocation"):
        pd.testing.assert_frame_equal(getattr(a.plan, table), getattr(b.plan, table), obj=table)
    assert [f.to_dict("vi") for f in a.findings] == [f.to_dict("vi") for f in b.findings]
    pd.testing.assert_frame_equal(a.sources.drop(columns=["path"]), b.sources.drop(columns=["path"]), obj="sources")
    pd.testing.assert_frame_equal(a.returns, b.returns, obj="returns")


@pytest.fixture(scope="module")
def synthetic_returns(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A plan of 24 agencies and their 24 filled templates, three of them edited by hand (openpyxl)."""
    folder = tmp_path_factory.mktemp("synthetic")
    plan_path, agencies = write_synthetic_plan(folder, agencies=24, activities_per_agency=12, outputs_per_agency=2)
    registry = Registry.load(agencies)
    plan = read_plan(plan_path, registry=registry)
    paths = write_templates(plan, folder / "templates", TemplateOptions(generated_at=WHEN, registry=registry))
    returns = folder / "returns"
    returns.mkdir()
    for path in paths:
        if not path.name.endswith("-toan-bo-ke-hoach.xlsx"):
            shutil.copyfile(path, returns / path.name)
    for i, path in enumerate(sorted(returns.iterdir())[:3]):      # typed by hand, saved by another program
        book = openpyxl.load_workbook(path)
        sheet = book["Phụ lục 1"]
        rows = [r[0].row for r in sheet.iter_rows() if str(r[0].value or "").startswith("Hoạt động")]
        sheet.cell(rows[1], 7).value = ["1.949", "15 000 000", "=10+5"][i]
        sheet.cell(rows[2], 5).value = "Tháng 13"
        book.save(path)
    return plan_path, agencies, returns


def test_the_synthetic_set_is_read_on_several_processes_by_default(synthetic_returns):
    _, _, returns = synthetic_returns
    files = len(list(returns.iterdir()))
    assert files >= 16
    assert reading_workers(files) >= min(2, len(__import__("os").sched_getaffinity(0)))


def test_parallel_and_serial_reading_give_the_same_consolidation(synthetic_returns):
    plan_path, agencies, returns = synthetic_returns
    registry = Registry.load(agencies)
    serial = consolidate([returns], plan_path, registry=registry, generated_at=WHEN, workers=1)
    parallel = consolidate([returns], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=2)
    _same(serial, parallel)
    # the hand edits are seen either way
    codes = {f.code for f in parallel.findings}
    assert {"month-invalid", "budget-unit", "formula-no-value"} <= codes


def test_returns_of_one_name_in_two_folders_read_on_workers_as_in_this_process(synthetic_returns, tmp_path):
    """Every agency sends «bao-cao.xlsx», each in a folder of its own: the returns a worker sent back
    (their rows kept as columns) are told apart as those read here (tell_apart), not refused."""
    plan_path, agencies, returns = synthetic_returns
    for i, path in enumerate(sorted(returns.iterdir())):
        (tmp_path / f"don-vi-{i:02d}").mkdir()
        shutil.copyfile(path, tmp_path / f"don-vi-{i:02d}" / "bao-cao.xlsx")
    serial = consolidate([tmp_path], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=1)
    parallel = consolidate([tmp_path], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=2)
    _same(serial, parallel)
    assert "don-vi-03/bao-cao.xlsx" in set(parallel.plan.plan["file"])


def test_a_worker_killed_mid_way_loses_no_file(synthetic_returns, monkeypatch):
    """A worker process that dies (out of memory, killed, a native abort) does not hang the
    consolidation nor lose a return: what it had not sent back is read again, each file in a
    process of its own, never in this one (issue 10: the file that killed the worker would kill
    the parent too). The file that kills its process again is a finding; every other is read."""
    import os

    from cchc_xlsx import consolidate as module

    plan_path, agencies, returns = synthetic_returns
    real, parent = module.read_return_file, os.getpid()
    victim = sorted(returns.iterdir())[7].name

    def dying(path, *args, **kwargs):
        if os.getpid() != parent and path.name == victim:
            os._exit(9)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, "read_return_file", dying)
    survived = consolidate([returns], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=2)
    monkeypatch.setattr(module, "read_return_file", real)
    serial = consolidate([returns], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=1)
    status = dict(zip(survived.sources["file"], survived.sources["status"]))
    assert status.pop(victim) == "unreadable"
    assert status == {f: s for f, s in zip(serial.sources["file"], serial.sources["status"]) if f != victim}
    assert [f.file for f in survived.findings if f.code == "file-unreadable"] == [victim]


def test_openpyxl_and_calamine_give_the_same_consolidation(synthetic_returns):
    plan_path, agencies, returns = synthetic_returns
    fast = consolidate([returns], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=2)
    slow = consolidate([returns], plan_path, registry=Registry.load(agencies), generated_at=WHEN, workers=1,
                       reader="openpyxl")
    _same(fast, slow)


def test_the_sample_returns_read_the_same_whichever_reader_or_workers():
    """The sample returns hold the bad files (lock file, text file, .ods, duplicates, …)."""
    fast = consolidate([SAMPLES], generated_at=WHEN, workers=1)
    slow = consolidate([SAMPLES], generated_at=WHEN, workers=1, reader="openpyxl")
    parallel = consolidate([SAMPLES], generated_at=WHEN, workers=2)
    _same(fast, slow)
    _same(fast, parallel)
    assert len(fast.findings) > 20       # the sample returns' defects, found by all three


def test_an_unknown_reader_is_refused():
    with pytest.raises(ValueError, match="unknown reader"):
        consolidate([SAMPLES], generated_at=WHEN, workers=1, reader="xlrd")

def _parts_of(path: Path) -> list:
    from cchc_xlsx.pipeline import plan_part
    from cchc_xlsx.workbook import open_book

    names = [sheet.name for sheet in open_book(path).sheets]
    return [plan_part(open_book(path, sheets=[name])) for name in names]


def test_a_plan_read_a_sheet_at_a_time_is_the_plan_read_at_once(bundled_path):
    from cchc_xlsx.pipeline import plan_from_book, plan_from_parts
    from cchc_xlsx.workbook import open_book

    whole = plan_from_book(open_book(bundled_path))
    parts = _parts_of(bundled_path)
    assert len(parts) >= 2 and [p.kinds for p in parts if p.kinds] == [["plan"], ["monitoring"]]
    joined = plan_from_parts(parts, bundled_path)
    for table in ("plan", "monitoring", "allocation"):
        pd.testing.assert_frame_equal(getattr(joined, table), getattr(whole, table), obj=table)
    assert [f.to_dict() for f in joined.findings] == [f.to_dict() for f in whole.findings]
    assert (joined.year, joined.province, joined.decision, joined.decision_date, joined.stated_total,
            joined.stated_total_at, joined.allocation_total) == (
        whole.year, whole.province, whole.decision, whole.decision_date, whole.stated_total,
        whole.stated_total_at, whole.allocation_total)


def test_sheets_that_depend_on_each_other_are_not_put_together(tmp_path):
    """Phụ lục 1 split over two sheets: duplicates and spare-row numbers span them, so the parts
    are refused and the whole book is read at once."""
    from cchc_xlsx.pipeline import plan_from_parts
    from conftest import sheet_grids, write_grids

    grids = sheet_grids()
    p1 = next(name for name in grids if name.startswith("Phụ lục 1"))
    rows = grids[p1]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    half = header + 2 + (len(rows) - header) // 2
    grids = {"A": rows[:half], "B": rows[:header + 2] + rows[half:],
             **{k: v for k, v in grids.items() if k != p1}}
    path = write_grids(tmp_path / "split.xlsx", grids)
    assert plan_from_parts(_parts_of(path), path) is None


def test_no_workbook_is_kept_alive_after_it_is_read():
    """Memory grows with the rows kept, not with the files opened: no grid outlives its reading."""
    import gc

    from cchc_xlsx.tables import RawTable
    from cchc_xlsx.workbook import Book, Sheet

    result = consolidate([SAMPLES], generated_at=WHEN, workers=1)
    gc.collect()
    alive = [type(o).__name__ for o in gc.get_objects() if isinstance(o, (Book, Sheet, RawTable))]
    assert alive == []
    assert len(result.extra["returns_read"]) >= 8     # the returns read are kept, as rows


def test_a_consolidation_leaves_the_collector_as_it_found_it_and_openpyxl_cells_go_at_once():
    """The cyclic collector is paused while a consolidation runs (its objects live to its end) and
    resumed after; what a reader leaves behind is freed without it: an openpyxl cell points back to
    its sheet (a cycle), so the cells are let go by the reader itself."""
    import gc

    from openpyxl.cell.cell import Cell

    from cchc_xlsx.workbook import open_book

    assert gc.isenabled()
    consolidate([SAMPLES], generated_at=WHEN, workers=1, reader="openpyxl")
    assert gc.isenabled()
    gc.disable()
    try:
        consolidate([SAMPLES], generated_at=WHEN, workers=1)
        assert not gc.isenabled()                  # a caller's own pause is kept
        gc.collect()
        book = open_book(SAMPLES / sorted(p.name for p in SAMPLES.glob("*.xlsx"))[0], reader="openpyxl")
        assert book.sheets and any(any(v not in (None, "") for v in row) for s in book.sheets for row in s.rows)
        assert [o for o in gc.get_objects() if isinstance(o, Cell)] == []
    finally:
        gc.enable()


def test_with_many_files_the_summary_names_only_those_that_need_attention(synthetic_returns, tmp_path):
    """A province's communes send hundreds of files: the command line lists the ones not used."""
    from cchc_xlsx.report import MAX_LISTED, consolidation_summary, render_consolidation

    plan_path, agencies, returns = synthetic_returns
    folder = tmp_path / "returns"
    shutil.copytree(returns, folder)
    first = sorted(folder.iterdir())[0]
    shutil.copyfile(first, folder / f"{first.stem}-gui-lai.xlsx")     # sent twice
    (folder / "ghi-chu.txt").write_text("xem tệp đính kèm", encoding="utf-8")
    result = consolidate([folder], plan_path, registry=Registry.load(agencies), generated_at=WHEN)
    text = render_consolidation(consolidation_summary(result))
    lines = text.splitlines()
    files = [line for line in lines if line.startswith("  ") and (".xlsx:" in line or ".txt:" in line)]
    assert len(result.sources) > MAX_LISTED
    assert any("ghi-chu.txt: bỏ qua" in line for line in files)
    assert any("bị thay thế" in line for line in files)
    assert not any(": dùng" in line for line in files)
    used = int((result.sources["status"] == "used").sum())
    assert f"  … và {used} tệp được dùng (xem trang Nguồn)" in lines
