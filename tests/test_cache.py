"""The plan kept between runs (cchc_xlsx/cache.py): the same consolidation, never a stale one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cchc_xlsx import cache
from cchc_xlsx.consolidate import consolidate
from conftest import sheet_grids, write_grids

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "daklak-2018" / "returns"
WHEN = dt.datetime(2030, 1, 2, 8, 0)


@pytest.fixture
def plan_cache(tmp_path, monkeypatch, bundled_path) -> tuple[Path, Path]:
    """The cache on, in tmp_path, for plans of any size; a copy of the bundled plan."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CCHC_XLSX_CACHE", str(folder))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    plan = tmp_path / "ke-hoach.xlsx"
    shutil.copyfile(bundled_path, plan)
    return folder, plan


def _same(a, b) -> None:
    for table in ("plan", "monitoring", "allocation"):
        pd.testing.assert_frame_equal(getattr(a.plan, table), getattr(b.plan, table), obj=table)
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


def test_a_rerun_reads_the_plan_from_the_cache_with_the_same_result(plan_cache, monkeypatch):
    folder, plan = plan_cache
    first = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    entries = list((folder / "plans").glob("*.pickle"))
    assert len(entries) == 1
    from cchc_xlsx import consolidate as module

    real, read = module.read_plan_file, []
    monkeypatch.setattr(module, "read_plan_file", lambda *a, **k: read.append(1))
    again = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    assert read == []                       # the plan file was not parsed again
    _same(first, again)
    monkeypatch.setattr(module, "read_plan_file", real)
    monkeypatch.setenv("CCHC_XLSX_CACHE", "off")
    fresh = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    _same(fresh, again)
    assert len(list((folder / "plans").glob("*.pickle"))) == 1


def test_a_changed_plan_is_read_again(plan_cache, tmp_path):
    folder, plan = plan_cache
    before = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    grids = sheet_grids(plan)
    p1 = next(name for name in grids if name.startswith("Phụ lục 1"))
    row = next(r for r in grids[p1] if r and str(r[0]).startswith("Hoạt động 1.1.1"))
    row[1] = "Nội dung đã sửa sau khi gửi biểu mẫu"
    write_grids(plan, grids)
    after = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    assert len(list((folder / "plans").glob("*.pickle"))) == 2
    content = after.plan.plan.set_index("code").loc["1.1.1", "content"]
    assert content != before.plan.plan.set_index("code").loc["1.1.1", "content"]


def test_a_damaged_cache_entry_is_ignored(plan_cache):
    folder, plan = plan_cache
    first = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    for entry in (folder / "plans").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    again = consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    _same(first, again)


def test_the_cache_can_be_turned_off(plan_cache, monkeypatch):
    folder, plan = plan_cache
    monkeypatch.setenv("CCHC_XLSX_CACHE", "off")
    consolidate([SAMPLES], plan, generated_at=WHEN, workers=1)
    assert not folder.exists()
