"""The processes that read the returns (consolidate._Reader): the same result on one process or
several, a worker that dies loses only the file it died on, and the plan keeps a core of its own."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from cchc_xlsx import consolidate as consolidate_module
from cchc_xlsx.consolidate import consolidate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "daklak-2018" / "returns"
WHEN = dt.datetime(2030, 1, 2, 8, 0)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the reading workers are forked")


def _returns(folder: Path, copies: int) -> list[Path]:
    """The bundled returns, each also under ``copies`` other names: enough files for several chunks."""
    folder.mkdir()
    originals = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".ods") and not p.name.startswith("~$"))
    for path in originals:
        shutil.copyfile(path, folder / path.name)
        for i in range(copies):
            shutil.copyfile(path, folder / f"{path.stem}-ban-{i}{path.suffix}")
    return sorted(folder.iterdir())


def _seen(result) -> tuple:
    findings = sorted((f.code, f.file, f.sheet, f.cell, f.found) for f in result.findings)
    return findings, result.plan.plan.to_csv(index=False), list(result.sources["file"]), list(result.sources["status"])


def test_several_workers_read_what_one_reads(tmp_path: Path, bundled_path: Path) -> None:
    files = _returns(tmp_path / "returns", copies=3)
    alone = consolidate(files, bundled_path, generated_at=WHEN, workers=1)
    several = consolidate(files, bundled_path, generated_at=WHEN, workers=3)
    assert len(files) >= 32
    assert _seen(several) == _seen(alone)


def test_a_worker_that_dies_loses_only_its_file(tmp_path: Path, bundled_path: Path, monkeypatch) -> None:
    """A return that kills the process reading it (a native abort in a reading library, the memory
    killer) is a file-unreadable finding; every other return is read, as one process reads it."""
    files = _returns(tmp_path / "returns", copies=3)
    killer = files[len(files) // 2]
    parent = os.getpid()
    read = consolidate_module.read_return_file

    def read_or_die(path, *args, **kwargs):
        if path.name == killer.name and os.getpid() != parent:
            os._exit(70)                       # as a native abort ends a process: no exception, no cleanup
        return read(path, *args, **kwargs)

    monkeypatch.setattr(consolidate_module, "read_return_file", read_or_die)
    result = consolidate(files, bundled_path, generated_at=WHEN, workers=2)
    unreadable = [f for f in result.findings if f.code == "file-unreadable"]
    assert [f.file for f in unreadable] == [killer.name]
    status = dict(zip(result.sources["file"], result.sources["status"]))
    assert status[killer.name] == "unreadable"
    monkeypatch.setattr(consolidate_module, "read_return_file", read)
    others = [p for p in files if p != killer]
    alone = consolidate(others, bundled_path, generated_at=WHEN, workers=1)
    assert {name: s for name, s in status.items() if name != killer.name} == dict(
        zip(alone.sources["file"], alone.sources["status"]))
    assert result.plan.plan.to_csv(index=False) == alone.plan.plan.to_csv(index=False)


_DIES_WHILE_THE_PLAN_IS_READ = """
import json, os, sys, time, tempfile
from pathlib import Path
from cchc_xlsx import consolidate as module
files = [Path(p) for p in json.loads(sys.argv[1])]
tempfile.tempdir = sys.argv[2]
parent, read, cached_plan = os.getpid(), module.read_return_file, module.cached_plan

def read_or_die(path, *args, **kwargs):
    if path == files[0] and os.getpid() != parent:
        os._exit(70)                           # the first file read kills its worker
    return read(path, *args, **kwargs)

def slow_plan(*args, **kwargs):
    time.sleep(1.5)                            # the worker is dead before the plan is read
    return cached_plan(*args, **kwargs)

module.read_return_file, module.cached_plan = read_or_die, slow_plan
result = module.consolidate(files, Path(sys.argv[3]), workers=2)
print(json.dumps([f.file for f in result.findings if f.code == "file-unreadable"]))
"""


def test_a_worker_that_dies_while_the_plan_is_read_stops_nothing(tmp_path: Path, bundled_path: Path) -> None:
    """The pool kills every worker when one dies, the one waiting for the plan too: the plan read,
    the run goes on (the waiting worker is released without waiting for it), and the files not
    read are each read alone. Run in a process of its own, so that a hang fails the test."""
    import json
    import subprocess
    import sys

    files = _returns(tmp_path / "returns", copies=3)
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.run([sys.executable, "-c", _DIES_WHILE_THE_PLAN_IS_READ, json.dumps([str(p) for p in files]),
                           str(temp), str(bundled_path)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=dict(os.environ, CCHC_XLSX_CACHE="off"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [files[0].name]
    assert not list(temp.iterdir())            # the reading folder removed


def test_the_plan_keeps_a_core_while_the_workers_read(tmp_path: Path, monkeypatch) -> None:
    """While the plan is read (before plan_read()), one worker waits and the others read every chunk,
    one after the other; one chunk more than they read waits its turn, so that a worker never waits
    for this process between two chunks."""
    files = _returns(tmp_path / "returns", copies=3)
    log = tmp_path / "read.log"
    read = consolidate_module.read_return_file

    def read_and_say(path, *args, **kwargs):
        start = time.monotonic()
        try:
            return read(path, *args, **kwargs)
        finally:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()} {start} {time.monotonic()}\n")

    monkeypatch.setattr(consolidate_module, "read_return_file", read_and_say)
    busy: list[int] = []
    reader = consolidate_module._Reader(files, consolidate_module.default_registry(), False, workers=3)
    with reader:
        folder = Path(reader.folder)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with reader.lock:
                busy.append(sum(1 for future, _ in reader.pending if not future.done()))
                finished = len(reader.pending) == len(reader.chunks) and all(f.done() for f, _ in reader.pending)
            if finished:
                break
            time.sleep(0.001)
        assert finished, "the workers stopped before every chunk was read"
        read_back = [ret for future, _ in reader.pending for ret in consolidate_module._received(future.result())]
    assert len(reader.chunks) > 3
    assert [ret.path for ret in read_back] == files
    assert max(busy) == 3, busy                # two read, one more waits its turn
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(files)
    assert len({pid for pid, _, _ in lines}) == 2     # the third worker waited for the plan all along
    assert folder.name.startswith("cchc-xlsx-reading-") and not folder.exists()   # removed by close()


def test_the_returns_a_worker_leaves_in_a_file_are_read_back_once(tmp_path: Path) -> None:
    """A worker writes a chunk's returns to a file of the reader's folder; they are read back and
    the file removed. A folder it cannot write to: the returns come back themselves; a file that
    cannot be read back: BrokenProcessPool (matched() then reads those returns alone)."""
    returns = [consolidate_module.ReturnFile(tmp_path / f"{i}.xlsx", status="read") for i in range(3)]
    folder = tmp_path / "reading"
    folder.mkdir()
    sent = consolidate_module._sent(returns, str(folder))
    assert isinstance(sent, consolidate_module._Sent) and Path(sent.path).parent == folder
    assert [ret.path for ret in consolidate_module._received(sent)] == [ret.path for ret in returns]
    assert not list(folder.iterdir())
    assert consolidate_module._sent(returns, str(tmp_path / "gone")) is returns
    with pytest.raises(consolidate_module.BrokenProcessPool):
        consolidate_module._received(sent)


def test_no_temporary_folder_sends_the_returns_through_the_pipe(tmp_path: Path, bundled_path: Path,
                                                                 monkeypatch) -> None:
    files = _returns(tmp_path / "returns", copies=3)
    alone = consolidate(files, bundled_path, generated_at=WHEN, workers=1)

    def no_folder(*args, **kwargs):
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(consolidate_module.tempfile, "mkdtemp", no_folder)
    several = consolidate(files, bundled_path, generated_at=WHEN, workers=2)
    assert _seen(several) == _seen(alone)


def test_returns_that_cannot_be_read_back_are_read_again_alone(tmp_path: Path, bundled_path: Path,
                                                               monkeypatch) -> None:
    files = _returns(tmp_path / "returns", copies=3)
    alone = consolidate(files, bundled_path, generated_at=WHEN, workers=1)
    received = consolidate_module._received
    calls = []

    def lost_once(result):
        calls.append(result)
        if len(calls) == 2:
            os.unlink(result.path)               # the file gone (a cleaner of the temporary folder)
        return received(result)

    monkeypatch.setattr(consolidate_module, "_received", lost_once)
    monkeypatch.setattr(consolidate_module.tempfile, "tempdir", str(tmp_path))
    several = consolidate(files, bundled_path, generated_at=WHEN, workers=2)
    assert len(calls) > 2
    assert _seen(several) == _seen(alone)
    assert not list(tmp_path.glob("cchc-xlsx-reading-*"))


@pytest.mark.parametrize("later_first", [True, False])
def test_a_return_merged_while_the_others_are_read_is_undone_when_a_later_one_comes(
        tmp_path: Path, bundled_path: Path, monkeypatch, later_first: bool) -> None:
    """A return is merged as soon as it is read when it can be (consolidate._Merge.early); a return
    of the same agency saved later, read after it, supersedes it: the result is the one merging only
    in the end gives, whichever of the two is read first, on one process or two."""
    folder = _returns(tmp_path / "returns", copies=0)
    for path in folder[0].parent.iterdir():      # other agencies' returns, again: enough files for chunks
        if path.name.startswith("cchc-2018-so-noi-vu") or path.suffix not in (".xlsx", ".ods"):
            continue
        for i in range(6):
            shutil.copyfile(path, path.with_name(f"{path.stem}-lai-{i}{path.suffix}"))
    earlier, later = folder[0].parent / "cchc-2018-so-noi-vu.xlsx", folder[0].parent / "cchc-2018-so-noi-vu-ban-sua.xlsx"
    first, second = ("a-dau", "z-cuoi") if later_first else ("z-cuoi", "a-dau")
    _blank_row(later, "Phụ lục 1", "Hoạt động 7.2.1")     # the earlier one's 150 must not stay: the plan's 160
    later.rename(later.with_name(f"{first}-{later.name}"))
    earlier.rename(earlier.with_name(f"{second}-{earlier.name}"))
    files = sorted(folder[0].parent.iterdir())
    assert len(files) >= 32

    early: list[str] = []
    add_all = consolidate_module._Merge.add_all

    def add_all_seen(self, used):
        early.extend(ret.name for ret, _ in self.merged_early.values())
        add_all(self, used)

    monkeypatch.setattr(consolidate_module._Merge, "add_all", add_all_seen)
    results = [consolidate(files, bundled_path, generated_at=WHEN, workers=workers) for workers in (2, 1)]
    assert files[0].name.startswith("a-dau-cchc-2018-so-noi-vu") and files[0].name in early
    monkeypatch.setattr(consolidate_module._Merge, "_stands_alone", lambda self, ret: False)
    at_the_end = consolidate(files, bundled_path, generated_at=WHEN, workers=2)
    for result in results:
        assert _seen(result) == _seen(at_the_end)
        assert [f.code for f in result.findings] == [f.code for f in at_the_end.findings]
        status = dict(zip(result.sources["file"], result.sources["status"]))
        assert status[f"{first}-cchc-2018-so-noi-vu-ban-sua.xlsx"] == "used"
        assert result.plan.plan.set_index("code").loc["7.2.1", "budget"] == 160
        assert ("missing-row", "7.2.1") in {(f.code, f.row_code) for f in result.findings}


def _blank_row(path: Path, sheet: str, first_cell: str) -> None:
    """The row of ``sheet`` whose first cell reads ``first_cell`` emptied (the agency deleted it)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if row[0].value == first_cell:
            for cell in row:
                cell.value = None
    book.save(path)


def test_the_all_rows_workbook_undoes_what_was_merged_early(tmp_path: Path, bundled_path: Path, monkeypatch) -> None:
    """The Sở Nội vụ's all-rows workbook writes the frequency of task and output rows of Phụ lục 2,
    which the agencies after it compare their own with: every return merged early is undone and
    each added in its turn, as merging only in the end does."""
    import openpyxl

    from cchc_xlsx.pipeline import read_plan_file
    from cchc_xlsx.templates import TemplateOptions, write_templates

    paths = [path for path in write_templates(read_plan_file(bundled_path), tmp_path / "returns",
                                              TemplateOptions(generated_at=WHEN))
             if not path.name.endswith("so-noi-vu.xlsx")]      # the Sở Nội vụ's return: the all-rows workbook
    all_rows = next(path for path in paths if path.name.endswith("toan-bo-ke-hoach.xlsx"))
    book = openpyxl.load_workbook(all_rows)
    for row in book["Phụ lục 2"].iter_rows():
        if str(row[0].value or "").startswith(("NHIỆM VỤ", "Kết quả đầu ra")) and row[4].value:
            row[4].value = "Hàng tháng"
    book.save(all_rows)

    kept: list[int] = []
    add_all = consolidate_module._Merge.add_all

    def add_all_seen(self, used):
        add_all(self, used)
        kept.append(len(self.merged_early))

    monkeypatch.setattr(consolidate_module._Merge, "add_all", add_all_seen)
    result = consolidate(paths, bundled_path, generated_at=WHEN, workers=2)
    assert kept == [0]
    monkeypatch.setattr(consolidate_module._Merge, "_stands_alone", lambda self, ret: False)
    at_the_end = consolidate(paths, bundled_path, generated_at=WHEN, workers=2)
    assert _seen(result) == _seen(at_the_end)
    assert [f.code for f in result.findings] == [f.code for f in at_the_end.findings]
    assert "locked-cell-changed" in {f.code for f in result.findings}


def test_chunks_are_large_first_and_small_last() -> None:
    files = [Path(f"{i}.xlsx") for i in range(500)]
    chunks = consolidate_module._chunks(files, 2)
    assert [path for chunk in chunks for path in chunk] == files
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] <= 64 and min(sizes[:-1]) >= 4
