"""The consolidation: the plan, every return read and matched, merged into one plan, and every check.

The orchestrator reads as its list of stages (see :func:`consolidate`). The rules of the merge:

- each activity belongs to one agency (its funded agency, see docs/frames.md); that agency's
  return gives its indicator, evidence, months, budget and partners (Phụ lục 1) and its frequency,
  collector and reporter (Phụ lục 2); code, content and lead are the plan's (locked in the
  template): a return that changed them gets ``locked-cell-changed`` and the plan's text stays;
- task and output rows are locked in the template: an edit to any of their cells but the budget
  (a subtotal, recomputed) is ``locked-cell-changed``, one per field, and the plan's text stays (the
  Sở Nội vụ's all-rows workbook may change their frequency, collector and reporter);
- a row of another agency, or a row the plan does not have, is not used (``unknown-row``); a
  filled spare row is a proposed activity, numbered after its output's last one (``proposed-row``);
  a filled spare row of Phụ lục 2 goes with the return's Phụ lục 1 proposal of the same content
  (``proposed-row-monitoring``), never by position; with none, it is kept under a number of its
  own (``proposal-unpaired``);
- a return whose metadata names one agency and whose activities are mostly another's counts as
  the latter's, below any return of that agency, and never as the named one's (``agency-conflict``);
- a plan row missing from its agency's return keeps the plan's values (``missing-row``); an agency
  that sent nothing keeps the plan's values for all its rows (``missing-return``);
- of two returns of one agency the one saved last is used (``duplicate-return`` on the other);
- a budget that looks written in đồng is counted in triệu đồng (÷ 1 000 000) and reported (``budget-unit``):
  the rule of every file read, applied when it is normalised (:data:`cchc_xlsx.normalise.DONG_THRESHOLD`);
- output and task budgets are recomputed from their activities (returned subtotals are checked in
  their own file, never trusted).
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
import os
import pickle
import shutil
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import pandas as pd

from .agencies import Registry, default_registry
from .checks import run_checks
from .findings import SEVERITIES, Finding, ToolError
from .messages import register, text
from .normalise import Plan, cell_of
from .notation import fold
from .cache import cached_plan
from .pipeline import bundled_plan_path, collector_paused, read_plan_file
from .result import (RETURN_COLUMNS, SOURCE_COLUMNS, Consolidation, consolidation_from_plan, expected_agencies,
                     file_sha256)
from .returns import ReturnFile, collect_files, match_return, read_return_file, tell_apart
from .templates import activity_owners, assign_activities, plan_id

__all__ = ["consolidate", "check_files", "PLAN_VALUE_FIELDS", "MONITORING_VALUE_FIELDS"]

register({
    "consolidate.plan-changed": ("{path}: tệp kế hoạch thay đổi trong khi đang đọc; hãy chạy lại khi tệp đã lưu xong.",
                                 "{path}: the plan file changed while it was read; run again once it is saved."),
    "consolidate.reading": ("Đọc báo cáo", "Reading returns"),
    "consolidate.file": ("tệp", "file"),
})

#: What an agency's return gives for its activities.
PLAN_VALUE_FIELDS = ("indicator", "evidence", "month_from", "year_from", "from_kind", "from_text", "month_to",
                     "year_to", "to_kind", "to_text", "budget", "budget_text", "partners", "partner_agencies")
MONITORING_VALUE_FIELDS = ("frequency", "frequency_kind", "collections_per_year", "collector", "reporter")
PROVENANCE = ("file", "sheet", "row", "cells")
_ALL_PLAN_KEYS = PLAN_VALUE_FIELDS + PROVENANCE + ("content", "lead", "lead_agencies")
_MONITORING_KEYS_CHANGED = MONITORING_VALUE_FIELDS + PROVENANCE
_ALL_MONITORING_KEYS = _MONITORING_KEYS_CHANGED + ("content", "indicator", "evidence")
#: Those fields read from a row in one C-speed call each (the merge copies some 25 fields of every row).
_TAKE_PLAN, _TAKE_MONITORING, _TAKE_MONITORING_CHANGED = (
    itemgetter(*keys) for keys in (_ALL_PLAN_KEYS, _ALL_MONITORING_KEYS, _MONITORING_KEYS_CHANGED))


def consolidate(returns: list[Path], plan_path: Path | None = None, *, registry: Registry | None = None,
                progress: bool | str = False, generated_at: dt.datetime | None = None,
                deadline: dt.date | None = None, workers: int | None = None,
                reader: str = "calamine") -> Consolidation:
    """Read the plan and every return, merge them and check the result.

    With a ``deadline``, a return saved after it is late (``late-return``), and so is every agency
    that has sent nothing. ``workers``: processes reading the returns (default: one per core when
    there are 16 files or more; 1 reads them in this process) and ``reader`` (see
    :data:`cchc_xlsx.workbook.READERS`) change the speed, never the result. ``progress``: a bar on a
    terminal while the returns are read, in Vietnamese (True, "vi") or English ("en").
    """
    registry = registry or default_registry()
    plan_path = Path(plan_path) if plan_path else bundled_plan_path()
    if not returns:
        plan = read_plan_file(plan_path, registry=registry, reader=reader)
        plan.findings.extend(run_checks(plan))
        return consolidation_from_plan(plan, plan_path, generated_at)
    files, skipped = collect_files(returns)                                     # find the files
    findings = [finding for _, finding in skipped]
    plan_file = _PlanFile.before(plan_path)
    with collector_paused(), \
            _Reader(files, registry, progress, workers, reader) as returns_reader:  # read the returns …
        plan = cached_plan(plan_path, registry, reader,                         # … and the plan (kept
                           lambda: read_plan_file(plan_path, registry=registry, reader=reader))  # for re-runs)
        plan_file.check_unchanged()
        returns_reader.plan_read()                                              # every worker reads now
        merged = _Merge(plan, registry, files)
        read = returns_reader.matched(plan, merged.early)                       # match each to the plan
        returns_reader.close()                                                  # (and merge it, if it can be)
        tell_apart(read)                                                        # one name, two folders
        return _merged(plan, plan_path, plan_file, read, merged, findings, skipped, deadline, generated_at)


def _merged(plan: Plan, plan_path: Path, plan_file: "_PlanFile", read: list[ReturnFile], merged: "_Merge",
            findings: list[Finding], skipped: list, deadline: dt.date | None,
            generated_at: dt.datetime | None) -> Consolidation:
    """The rest of :func:`consolidate`, once every return is read and matched: choose, merge, check."""
    used, file_findings = _choose_returns(read, merged.expected)                # one per agency
    file_findings += _late(used, deadline)
    merged.add_all(used)                                                       # normalise into the plan
    consolidated = merged.plan(plan_path)
    findings += file_findings + list(plan.findings)
    for ret in read:
        findings += [f for f in ret.findings if f.code != "proposed-row"]
    findings += merged.findings
    for ret in used:                                                           # check
        findings += ret.subtotal_findings
    findings += run_checks(consolidated)
    consolidated.findings = findings
    sources = _sources(plan_file, plan, read + [ReturnFile(path, status="skipped", size=_size(path))
                                                for path, _ in skipped], merged, findings)
    result = Consolidation(consolidated, findings, sources, pd.DataFrame(columns=RETURN_COLUMNS), generated_at,
                           plan_file=plan_path.name, extra={"returns_read": read})
    expected = expected_agencies(plan) if merged.leads_rewritten else merged.expected    # of the merged plan
    result.returns = _returns_frame(expected, read, used, findings, deadline, result.findings_by_agency())
    return result


def check_files(paths: list[Path], plan_path: Path | None = None, *, registry: Registry | None = None,
                progress: bool | str = False, workers: int | None = None) -> Consolidation:
    """The checks of a consolidation, on some returns only: the findings about those files."""
    result = consolidate(paths, plan_path, registry=registry, progress=progress, workers=workers)
    names = {ret.name for ret in result.extra["returns_read"]} | set(result.sources["file"][1:])
    result.findings = [f for f in result.findings if f.file in names and f.code != "missing-return"]
    result.plan.findings = result.findings
    return result


# --------------------------------------------------------------------------- reading
class _Reader:
    """Reads the returns, on several processes when there are many, while the caller reads the plan.

    The worker processes are forked at the start and do the part of reading that needs no plan
    (open, find the tables, normalise, check the return's own subtotals: see
    :func:`read_return_file`); each gives back its returns' row records as columns, never a
    workbook (in a file: see below). :meth:`matched` then matches each to the plan, in the order of
    the files. The result does not depend on the number of workers.

    Everything after the reading waits for the plan, so while the caller reads it one core is left
    to it: one worker waits (:func:`_wait_for_plan`) and the others read, and every worker reads
    once the plan is read (:meth:`plan_read`). The plan is then read at the full speed of a core
    instead of sharing two cores with two workers.

    A worker never waits for this process between two chunks: one chunk more than the workers
    reading is always given (it waits its turn in the pool's queue), and a worker writes the returns
    of a chunk to a file of a private temporary folder and sends its name (see :func:`_sent`), not
    the returns through the pool's pipe. (A chunk's ~2 MB are taken from the pipe 64 KB at a time
    by a thread of this process that needs the interpreter's lock, which reading the plan holds for
    long stretches: at N = 500 the worker waited 0.2-0.3 s after each chunk, a third of the time
    the plan is read.)
    """

    def __init__(self, files: list[Path], registry: Registry, progress: bool | str, workers: int | None = None,
                 reader: str = "calamine"):
        from tqdm import tqdm

        self.files, self.registry, self.reader = files, registry, reader
        self.workers = reading_workers(len(files)) if workers is None else workers
        lang = progress if progress in ("vi", "en") else "vi"
        self.bar = tqdm(total=len(files), desc=text("consolidate.reading", lang), unit=text("consolidate.file", lang),
                        file=sys.stderr, leave=False, disable=not (progress and sys.stderr.isatty()))
        self.pool = None
        self.chunks: list[list[Path]] = []
        self.pending: list[tuple[Future, list[Path]]] = []     # the chunks given to the workers, in order
        self.busy_at_most = 0                                  # chunks given and not read yet, at most
        self.lock = threading.RLock()                          # a chunk's end feeds the next from another thread
        self.folder: str | None = None                         # where the workers leave what they read
        self.plan_is_read = None                               # what a worker waits for (_wait_for_plan)
        self.released = False                                  # whether plan_is_read was released

    def __enter__(self) -> "_Reader":
        if self.workers > 1:
            global _SHARED
            _SHARED = (self.registry, self.reader)
            context = multiprocessing.get_context("fork")
            # a semaphore, not an Event: Event.set() waits until every process waiting has woken,
            # and a worker killed while waiting (the pool kills them all when one dies) never does
            self.plan_is_read = context.Semaphore(0)
            try:
                self.folder = tempfile.mkdtemp(prefix="cchc-xlsx-reading-")
            except OSError:                          # no temporary folder to write to: the returns
                self.folder = None                   # come back through the pool's pipe, slower
            try:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_started,
                                                initargs=(self.plan_is_read,))
                self.pool.submit(_wait_for_plan)     # one core for the plan, read meanwhile
                self.chunks = _chunks(self.files, self.workers)
                self._feed(self.workers)             # the others read, and one chunk waits its turn
            except BaseException:
                self.close()
                raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """The workers stopped (every chunk read, or the rest cancelled) and the bar gone."""
        if self.pool is not None:
            self._release()                          # (the plan not read: an error) the waiting worker ends
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        self.bar.close()

    def _feed(self, busy_at_most: int | None = None) -> None:
        """Give the workers the next chunks, so that at most ``busy_at_most`` are being read."""
        with self.lock:
            if busy_at_most is not None:
                self.busy_at_most = busy_at_most
            busy = sum(1 for future, _ in self.pending if not future.done())
            while busy < self.busy_at_most and len(self.pending) < len(self.chunks):
                chunk = self.chunks[len(self.pending)]
                try:
                    future = self.pool.submit(_read_in_worker, chunk, self.folder)
                except (BrokenProcessPool, RuntimeError):     # a worker died: matched() reads the rest
                    return
                self.pending.append((future, chunk))
                busy += 1
                future.add_done_callback(lambda done, files=len(chunk): self._chunk_read(done, files))

    def _chunk_read(self, future: Future, files: int) -> None:
        """A chunk of ``files`` is read (called in the pool's own thread): the next one is given.
        Not after a failure: the pool is then broken, and :meth:`matched` reads what is left."""
        if not (future.cancelled() or future.exception()):
            self.bar.update(files)
            self._feed()

    def plan_read(self) -> None:
        """The plan is read: every worker reads, and one chunk more waits its turn (a worker that ends
        one starts the next without waiting for this process, busy matching and merging)."""
        if self.pool is not None:
            self._release()
            self._feed(self.workers + 1)

    def _release(self) -> None:
        """The worker waiting for the plan reads from now on (released once; never waits itself)."""
        if not self.released:
            self.released = True
            self.plan_is_read.release()

    def matched(self, plan: Plan, then: Callable[[ReturnFile], None] = lambda ret: None) -> list[ReturnFile]:
        """Every return, matched to the plan, in the order of the files; ``then`` is given each as soon
        as it is matched (while the workers read the rest). Called after :meth:`plan_read`."""
        read: list[ReturnFile] = []
        for i, paths in enumerate(self.chunks):
            with self.lock:
                future = self.pending[i][0] if i < len(self.pending) else None
            try:
                if future is None:
                    raise BrokenProcessPool("not given to a worker")
                chunk = _received(future.result())
            except BrokenProcessPool:
                # A worker died (killed, out of memory, a native abort in a reading library): the
                # pool is gone; or what a worker read could not be read back (see _received).
                # Each of those files is read in a process of its own, never here: a file that
                # kills the worker becomes a finding, the run goes on.
                chunk = [_read_alone(path) for path in paths]
                self.bar.update(len(paths))
            for ret in chunk:
                if ret.plan is not None:
                    ret.plan.registry = self.registry
                read.append(match_return(ret, plan, self.registry, reader=self.reader))
                then(read[-1])
        for path in self.files[len(read):]:
            ret = read_return_file(path, self.registry, year=plan.year, reader=self.reader)
            read.append(match_return(ret, plan, self.registry, reader=self.reader))
            then(read[-1])
            self.bar.update()
        return read


def _chunks(files: list[Path], workers: int) -> list[list[Path]]:
    """The files in chunks, one per task of a worker: each a quarter of what is left per worker (at
    most 64 files, at least 4), so large first and small last.

    Large chunks first make fewer files and fewer sends; small chunks at the end keep the workers
    ending together (a worker no longer waits between chunks: see :class:`_Reader`)."""
    chunks, start = [], 0
    while start < len(files):
        size = max(4, min(64, -(-(len(files) - start) // (workers * 4))))
        chunks.append(files[start:start + size])
        start += size
    return chunks


#: Processes that read returns: one per core, at most 8; none for a handful of files.
MAX_WORKERS = 8
_SHARED: tuple[Registry, str] | None = None      # what forked workers read with: registry, reader


def reading_workers(files: int) -> int:
    """How many processes read ``files`` returns: 1 (this one) without fork (Windows) or for under 16 files."""
    if files < 16 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cores))


def _worker_started(plan_is_read=None) -> None:
    """A reading worker's collector: what it inherits from this process (modules, the registry …)
    left alone for good (``gc.freeze``), and no collection while a chunk is read (its grids, rows
    and records live to the chunk's end and hold no cycles): :func:`_read_in_worker` collects once
    at the start of each chunk, when the last one is sent, walking only what that one left.
    ``plan_is_read``: the semaphore :func:`_wait_for_plan` waits for."""
    global _PLAN_IS_READ
    _PLAN_IS_READ = plan_is_read
    gc.freeze()
    gc.disable()


_PLAN_IS_READ = None        # in a worker: the semaphore released once the plan is read (see _Reader)


def _wait_for_plan() -> None:
    """A worker's first task while the plan is read: to wait until it is (see :class:`_Reader`)."""
    _PLAN_IS_READ.acquire()


class _Sent(NamedTuple):
    """The returns of a chunk, left by a worker in a file (see :func:`_sent`)."""

    path: str


def _read_in_worker(paths: list[Path], folder: str | None = None) -> "list[ReturnFile] | _Sent":
    """Read ``paths`` (in a worker); the returns, or, with a ``folder``, where they are (:func:`_sent`)."""
    gc.collect()        # what the last chunk left; what lives on (the memos of texts read) is then
    gc.freeze()         # left alone: each chunk's collection walks only what the chunk before made
    registry, reader = _SHARED
    read = []
    for path in paths:
        ret = read_return_file(path, registry, reader=reader)
        if ret.plan is not None:
            ret.plan.registry = None    # the parent has it: do not send it back with every return
        read.append(ret)
    return read if folder is None else _sent(read, folder)


def _sent(read: list[ReturnFile], folder: str) -> "list[ReturnFile] | _Sent":
    """The returns pickled to a new file of ``folder`` (the reader's own temporary folder, made by
    mkdtemp: no one else writes there) and its name; the returns themselves where the file cannot
    be written (then sent through the pipe, as they would be without a folder)."""
    name = None
    try:
        handle, name = tempfile.mkstemp(dir=folder, suffix=".pickle")
        with os.fdopen(handle, "wb") as f:
            pickle.dump(read, f, protocol=pickle.HIGHEST_PROTOCOL)
        return _Sent(name)
    except OSError:
        if name is not None:
            try:
                os.unlink(name)
            except OSError:
                pass
        return read


def _received(result: "list[ReturnFile] | _Sent") -> list[ReturnFile]:
    """The returns a worker sent (see :func:`_sent`), its file removed. A file that cannot be read
    back raises BrokenProcessPool: :meth:`_Reader.matched` then reads those returns again, each alone."""
    if not isinstance(result, _Sent):
        return result
    try:
        with open(result.path, "rb") as f:
            return pickle.load(f)
    except Exception as exc:        # gone, cut short, not what a worker wrote: read those returns again
        raise BrokenProcessPool(f"the returns a worker read could not be read back ({exc!r})") from exc
    finally:
        try:
            os.unlink(result.path)
        except OSError:
            pass


def _read_alone(path: Path) -> ReturnFile:
    """Read one return in a forked process of its own (after a worker died): a file that kills
    that process too is a ``file-unreadable`` finding."""
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            return pool.submit(_read_in_worker, [path]).result()[0]
    except BrokenProcessPool:
        ret = ReturnFile(path, status="unreadable", size=_size(path))
        ret.findings.append(Finding("file-unreadable", file=path.name, params={"reason": (
            "chương trình đọc tệp bị dừng khi đọc tệp này (hết bộ nhớ hoặc lỗi của thư viện đọc)",
            "the reading process stopped on this file (out of memory, or a crash of the reading library)")}))
        return ret


def _size(path: Path) -> int:
    """The file's size, 0 when it cannot be known (gone, not allowed)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sha256_or_blank(path: Path) -> str:
    """The SHA-256 of a file not read as a workbook (a skipped file), "" when it cannot be read or is
    not a regular file (a FIFO is never opened)."""
    try:
        return file_sha256(path) if path.is_file() else ""
    except OSError:
        return ""


def _choose_returns(read: list[ReturnFile], expected: list[str]) -> tuple[list[ReturnFile], list[Finding]]:
    """One return per agency (the one saved last); findings for the others and for who sent nothing
    (``expected``: :func:`expected_agencies` of the plan as read)."""
    by_agency: dict[str, list[ReturnFile]] = defaultdict(list)
    findings: list[Finding] = []
    for ret in read:
        if ret.status != "read":
            continue
        if not ret.agency or ret.agency not in expected:
            ret.status = "unexpected"
            findings.append(Finding("unexpected-agency", agency=ret.agency, file=ret.name,
                                    found=ret.agency or "?", params={"reason": ""}))
            continue
        by_agency[ret.agency].append(ret)
    used = []
    for agency, rets in by_agency.items():
        # a return whose metadata names another agency (agency-conflict) never replaces a return that
        # names its own agency: it is used only when the agency sent nothing else
        rets.sort(key=lambda r: (not r.conflict, r.saved or dt.datetime.min, r.name))
        chosen = rets[-1]
        used.append(chosen)
        for other in rets[:-1]:
            other.status = "superseded"
            findings.append(Finding("duplicate-return", agency=agency, file=other.name, expected=chosen.name,
                                    found=f"{other.rows_read}"))
    for agency in expected:
        if agency not in by_agency:
            findings.append(Finding("missing-return", agency=agency))
    order = {agency: i for i, agency in enumerate(expected)}
    used.sort(key=lambda r: order[r.agency])
    return used, findings


# --------------------------------------------------------------------------- merging
class _Merge:
    """The plan's rows, updated by each agency's return.

    The rows are the plan's own, updated in place (a copy would double the memory of a large
    plan): after the merge, ``plan`` holds the consolidated values.

    The returns used (one per agency, see :func:`_choose_returns`) are added in the order of the
    agencies (:attr:`expected`): a proposed row's number depends on the proposals before it. Most
    returns are merged before that, as soon as each is read (:meth:`early`, while the workers read
    the rest): those whose merge nothing another return does can change, nor changes anything
    another return's merge reads (see :meth:`_stands_alone`). Such a merge is undone if another
    return of its agency is used instead (or, seldom, if a return added at the end reads rows
    another agency's return writes: see :meth:`_reaches_others`); :meth:`add_all` adds the rest, in
    the order of the agencies. The result is the one adding every return used in that order gives.
    """

    def __init__(self, plan: Plan, registry: Registry, files: list[Path] = ()):
        self.source = plan
        self.registry = registry
        self.rows = {row["code"]: row for row in plan.rows("plan")}
        self.monitoring = {row["code"]: row for row in plan.rows("monitoring")}
        self.plan_has_monitoring = bool(self.monitoring)   # a plan without Phụ lục 2 takes the returns' rows
        self.assigned = assign_activities(plan)
        self.owner = activity_owners(plan)
        self.expected = expected_agencies(plan)           # as read: a merged lead may list its agencies otherwise
        self.expected_set = set(self.expected)
        self.leads_rewritten = False                      # whether a merge gave a row's lead_agencies otherwise
        self.findings: list[Finding] = []                 # every return's, in the order of the agencies (add_all)
        self.said: list[Finding] = []                     # the findings of the return being added
        self.said_by: dict[int, list[Finding]] = {}       # id(return) -> its findings
        self.used: dict[str, int] = defaultdict(int)      # file -> rows used
        self.merged_early: dict[int, tuple[ReturnFile, list[tuple[dict, dict]]]] = {}  # id -> (it, rows it overwrote)
        self.agencies_seen: set[str] = set()
        names = Counter(path.name for path in files)      # a name two files share is changed (tell_apart)
        self.unique_names = {name for name, n in names.items() if n == 1}
        if files and self.plan_has_monitoring:
            plan_id(plan)      # of the plan as read (matching a return asks for it; a merge may edit a content)
        self.order: dict[str, tuple[int, ...]] = {}       # code -> its place (see plan): the plan's codes
        self.plan_codes = _code_order(self.rows, self.order)              # in code order, and the plan's
        self.monitoring_codes = _code_order(self.monitoring, self.order)  # deepest first, made while the
        self.deepest_first = _deepest_first(self.plan_codes)              # workers read (a merge only adds
        #                                                                   rows, proposals: see plan)

    def early(self, ret: ReturnFile) -> None:
        """Merge a return as soon as it is matched, when it is the first of its agency and stands alone
        (:meth:`_stands_alone`); what it overwrote is kept, to undo it (:meth:`add_all`)."""
        first = ret.agency not in self.agencies_seen
        self.agencies_seen.add(ret.agency)
        if not (first and self._stands_alone(ret)):
            return
        overwritten = []          # (row, keys, their values): the fields a merge writes, kept as tuples (a
        tables = ((self.rows, _ALL_PLAN_KEYS, _TAKE_PLAN), (self.monitoring, _ALL_MONITORING_KEYS, _TAKE_MONITORING))
        try:                      # copy of each row cost 35 ms more to free at the end, N = 500)
            for code in self.assigned.get(ret.agency, ()):    # the only rows its merge writes
                for rows, keys, getter in tables:
                    row = rows.get(code)
                    if row is not None:
                        overwritten.append((row, keys, getter(row)))
        except KeyError:          # a plan row without one of those fields: merged in its turn
            return
        self.add(ret)
        self.merged_early[id(ret)] = (ret, overwritten)

    def _stands_alone(self, ret: ReturnFile) -> bool:
        """Whether merging ``ret`` before the returns of the agencies before it gives what merging it in
        its turn gives, whichever of them are used: a return of an expected agency, of the template of one
        agency (not the all-rows workbook, which writes task and output rows), with a file name no other
        file has (tell_apart would rename it), proposing nothing (a proposal's number depends on those
        before it), every row's code in the plan (never a row another return proposed) and a task or
        output row only where the plan has one (so it writes only its agency's activities, and reads
        only those and the rows no return but the all-rows workbook writes). A plan without Phụ lục 2
        takes the returns' rows: none is merged early then."""
        if not (self.plan_has_monitoring and ret.status == "read" and ret.plan is not None
                and ret.agency in self.expected_set
                and ret.path.name in self.unique_names and ret.meta.get("scope") != "all"):
            return False
        for table, targets in (("plan", self.rows), ("monitoring", self.monitoring)):
            columns = (ret.plan.column(table, name) for name in ("code", "proposed", "level"))
            for code, proposed, level in zip(*columns):
                target = targets.get(code)
                if proposed or target is None or (level != "activity" and target["level"] == "activity"):
                    return False
        return True

    def _reaches_others(self, ret: ReturnFile) -> bool:
        """Whether adding ``ret`` may read or write another agency's activities: the all-rows workbook
        (it writes task and output rows of Phụ lục 2), or a row the return says is a task or output
        where the plan has an activity (it reads that activity's row). A return merged early before
        such a one is undone and added again in its turn."""
        if ret.plan is None or ret.meta.get("scope") == "all":
            return ret.plan is not None
        for table, targets in (("plan", self.rows), ("monitoring", self.monitoring)):
            columns = (ret.plan.column(table, name) for name in ("code", "proposed", "level"))
            for code, proposed, level in zip(*columns):
                if not proposed and level != "activity" and code in targets and targets[code]["level"] == "activity":
                    return True
        return False

    def add_all(self, used: list[ReturnFile]) -> None:
        """Merge every return ``used`` (in the order of the agencies): keep those merged early that may
        stay (see the class), undo the others, add the rest in order; ``findings``, every return's in order."""
        chosen = {id(ret) for ret in used}
        late = [ret for ret in used if id(ret) not in self.merged_early]
        if self.merged_early and any(self._reaches_others(ret) for ret in late):
            chosen = set()
        for key, (ret, overwritten) in list(self.merged_early.items()):
            if key not in chosen:
                for row, keys, before in overwritten:
                    row.update(zip(keys, before))
                self.used.pop(ret.name, None)
                del self.merged_early[key], self.said_by[key]
        for ret in used:
            if id(ret) not in self.merged_early:
                self.add(ret)
        self.findings = [finding for ret in used for finding in self.said_by[id(ret)]]

    def add(self, ret: ReturnFile) -> None:
        """Merge one return: its values into the plan's rows, its findings to ``said_by``."""
        self.said = self.said_by[id(ret)] = []
        agency, name = ret.agency, ret.name
        proposals: list[tuple[dict, str]] = []       # (the return's Phụ lục 1 proposal, its code here)
        seen_plan: set[str] = set()
        used = 0                                     # rows taken here (the helpers count their own)
        for row in self._rows_to_compare(ret, "plan", seen_plan):
            code = row["code"]
            if row["proposed"]:
                proposals.append((row, self._propose(row, ret)))
                continue
            target = self._target(row, code, self.rows, ret)
            if target is None:
                continue
            seen_plan.add(code)
            changed = self._compare_locked(row, target, ret, ("content", "lead"))
            # the row now comes from the return: its texts too, where they say what the plan says
            # (the template writes agencies the registry's way), so that every value matches its cell
            if "lead" not in changed and row["lead_agencies"] != target["lead_agencies"]:
                self.leads_rewritten = True          # (the same agencies, in another order)
            if not changed:
                _take(target, row, _ALL_PLAN_KEYS, _TAKE_PLAN)
            else:
                _take(target, row, PLAN_VALUE_FIELDS + PROVENANCE + tuple(
                    k for k in ("content", "lead", "lead_agencies")
                    if k not in changed and (k != "lead_agencies" or "lead" not in changed)))
            used += 1
        seen_monitoring: set[str] = set()
        for row in self._rows_to_compare(ret, "monitoring", seen_monitoring):
            code = row["code"]
            if row["proposed"]:
                self._monitoring_proposal(row, proposals, ret)
                continue
            if not self.plan_has_monitoring and code in self.rows and code not in self.monitoring:
                self.monitoring[code] = dict(row)
                used += 1
                continue
            target = self._target(row, code, self.monitoring, ret)
            if target is None:
                continue
            seen_monitoring.add(code)
            if self._compare_locked(row, target, ret, ("content",)):
                _take(target, row, _MONITORING_KEYS_CHANGED, _TAKE_MONITORING_CHANGED)
            else:
                _take(target, row, _ALL_MONITORING_KEYS, _TAKE_MONITORING)
            used += 1
        if used:
            self.used[name] += used
        for code in self.assigned.get(agency, []):
            for seen, sheet in ((seen_plan, "Phụ lục 1"), (seen_monitoring, "Phụ lục 2"))[:2 if self.plan_has_monitoring else 1]:
                if code not in seen:
                    self.said.append(Finding("missing-row", agency=agency, file=name, sheet=sheet, row_code=code))

    def _rows_to_compare(self, ret: ReturnFile, table: str, seen: set[str]) -> Iterator[dict]:
        """The rows of a return's table that the rules of :meth:`add` must look at, as dicts.

        The others are done here, from the table's columns, without making their dicts (a worker's
        return keeps its rows as columns; nearly every row of a return is one of them): an activity
        of the return's agency whose locked cells hold the plan's very values takes the return's
        values, as add would (and is ``seen``); a task or output row holding the plan's very values
        has nothing to say (but in the all-rows workbook's Phụ lục 2, which gives some of their
        values). «The very values»: every field :func:`_same_locked` reads, equal, so that it
        would find them the same.
        """
        fast = _FAST[table]
        targets = self.rows if table == "plan" else self.monitoring
        context_open = table == "monitoring" and ret.meta.get("scope") == "all"
        rows, taken = None, 0
        for i, values in enumerate(zip(*(ret.plan.column(table, name) for name in fast.read))):
            code, proposed, level = fast.head(values)
            target = targets.get(code)
            if target is not None and not proposed:
                if level == "activity":
                    if self.owner.get(code) == ret.agency and fast.activity(values) == fast.activity_planned(target):
                        target.update(zip(fast.taken, values))
                        seen.add(code)
                        taken += 1
                        continue
                elif not context_open and fast.context(values) == fast.context_planned(target):
                    continue
            if rows is None:
                rows = ret.plan.rows(table)
            yield rows[i]
        if taken:
            self.used[ret.name] += taken

    def _target(self, row: dict, code: str, rows: dict[str, dict], ret: ReturnFile) -> dict | None:
        """The plan row an activity of the return updates; None, said, for any other row."""
        if code not in rows:
            self._unknown(row, ret, f"{code} không có trong kế hoạch", f"{code} is not in the plan")
            return None
        if row["level"] != "activity":
            self._context_row(row, rows[code], ret, rows is self.rows)
            return None
        if self.owner.get(code) != ret.agency:
            owner = self.owner.get(code) or "?"
            self._unknown(row, ret, f"Hoạt động {code} thuộc {owner}", f"activity {code} belongs to {owner}")
            return None
        return rows[code]

    def _context_row(self, row: dict, target: dict, ret: ReturnFile, in_plan: bool) -> None:
        """A task or output row of a return: locked in the template (see CONTEXT_LOCKED), compared like an
        activity's locked cells; its values stay the plan's. The Sở Nội vụ's all-rows workbook leaves the
        frequency, collector and reporter of these rows open in Phụ lục 2: there, they are used."""
        if in_plan:
            self._compare_locked(row, target, ret, CONTEXT_LOCKED_PLAN)
            return
        if ret.meta.get("scope") != "all":
            self._compare_locked(row, target, ret, CONTEXT_LOCKED_MONITORING)
            return
        if not self._compare_locked(row, target, ret, ("content", "indicator", "evidence")):
            for key in _MONITORING_KEYS_CHANGED:
                target[key] = row[key]
            self.used[ret.name] += 1

    def _compare_locked(self, row: dict, target: dict, ret: ReturnFile, keys: tuple[str, ...]) -> set[str]:
        """Findings for locked cells the return changed (one per field, naming the cell); those fields' names."""
        changed = set()
        for key in keys:
            if _same_locked(key, row, target):
                continue              # (asked first: far cheaper than the cell, and nearly always so)
            if not cell_of(row, key):
                continue              # the return has no such column: missing-column says so, nothing was edited
            changed.add(key)
            shown = _LOCKED_TEXT.get(key, key)
            self.said.append(Finding("locked-cell-changed", agency=ret.agency, file=ret.name,
                                         sheet=row["sheet"], cell=cell_of(row, key), row_code=row["code"],
                                         field=key, expected=target[shown], found=row[shown]))
        return changed

    def _unknown(self, row: dict, ret: ReturnFile, vi: str, en: str) -> None:
        self.said.append(Finding("unknown-row", agency=ret.agency, file=ret.name, sheet=row["sheet"],
                                     cell=cell_of(row, "code"), row_code=row["code"], found=vi))

    def _propose(self, row: dict, ret: ReturnFile) -> str:
        parent = row["parent_code"] or ""
        n = 1
        while (f"{parent}.{n}" if parent else str(n)) in self.rows:
            n += 1
        code = f"{parent}.{n}" if parent else str(n)
        lead = self.registry.parse_cell(row["lead"])
        self.rows[code] = dict(row) | {"code": code, "funded_agency": lead.named[0] if lead.named else ret.agency}
        self.used[ret.name] += 1
        self.said.append(Finding("proposed-row", agency=ret.agency, file=ret.name, sheet=row["sheet"],
                                     cell=cell_of(row, "content"), row_code=code, field="content",
                                     expected=parent, found=row["content"][:120]))
        return code

    def _monitoring_proposal(self, row: dict, proposals: list[tuple[dict, str]], ret: ReturnFile) -> None:
        """A filled spare row of Phụ lục 2: paired with the return's Phụ lục 1 proposal by content (the
        same text, else a close one under the same output; a row with no content goes with the only
        proposal of its output), never by position; unpaired, it is kept under its own number and said."""
        paired, how = _pair_proposal(row, proposals)
        found = row["content"][:120] or row["frequency"] or row["collector"]
        if paired is not None:
            code = paired[1]
            proposals.remove(paired)
            self.monitoring[code] = dict(row) | {"code": code}
            self.used[ret.name] += 1
            self.said.append(Finding("proposed-row-monitoring", agency=ret.agency, file=ret.name,
                                         sheet=row["sheet"], cell=cell_of(row, "content"), row_code=code,
                                         field="content", expected=row["parent_code"], found=found,
                                         params={"reason": how}))
            return
        parent, n = row["parent_code"], 1
        while f"{parent}.{n}" in self.rows or f"{parent}.{n}" in self.monitoring:
            n += 1
        code = f"{parent}.{n}"
        self.monitoring[code] = dict(row) | {"code": code}
        self.used[ret.name] += 1
        self.said.append(Finding("proposal-unpaired", agency=ret.agency, file=ret.name, sheet=row["sheet"],
                                     cell=cell_of(row, "content"), row_code=code, field="content",
                                     expected=parent, found=found))

    def _in_order(self, rows: dict[str, dict], made: list[str]) -> list[str]:
        """The codes of ``rows`` in code order: ``made`` (the plan's, in __init__) when no row was added."""
        return made if len(rows) == len(made) else _code_order(rows, self.order)

    def plan(self, plan_path: Path) -> Plan:
        codes = self._in_order(self.rows, self.plan_codes)
        deepest_first = self.deepest_first if codes is self.plan_codes else _deepest_first(codes)
        _recompute_subtotals([self.rows[code] for code in deepest_first])
        rows = [self.rows[code] for code in codes]
        monitoring = [self.monitoring[code] for code in self._in_order(self.monitoring, self.monitoring_codes)]
        source = self.source
        return Plan.from_records({"plan": rows, "monitoring": monitoring, "allocation": source.rows("allocation")},
                                 year=source.year, province=source.province, decision=source.decision,
                                 decision_date=source.decision_date, stated_total=source.stated_total,
                                 stated_total_at=source.stated_total_at, allocation_total=source.allocation_total,
                                 registry=self.registry, unit=source.unit, unit_text=source.unit_text,
                                 unit_factor=source.unit_factor, district=source.district)


def _take(target: dict, row: dict, keys: tuple[str, ...], getter: itemgetter | None = None) -> None:
    """``target[key] = row[key]`` for every key (of two or more; ``getter``: ``itemgetter(*keys)``, made
    once where the keys are always the same)."""
    target.update(zip(keys, (getter or itemgetter(*keys))(row)))


_SIMILAR = 0.8      # how alike two proposals' contents must be to pair them (difflib's ratio)


def _pair_proposal(row: dict, proposals: list[tuple[dict, str]]) -> tuple[tuple[dict, str] | None, tuple[str, str]]:
    """The Phụ lục 1 proposal a Phụ lục 2 spare row goes with, and how it was paired (vi, en)."""
    content = fold(row["content"])
    if content:
        for proposal in proposals:
            if fold(proposal[0]["content"]) == content:
                return proposal, ("cùng nội dung", "same content")
        best, score = None, _SIMILAR
        for proposal in proposals:
            if proposal[0]["parent_code"] == row["parent_code"]:
                ratio = SequenceMatcher(None, fold(proposal[0]["content"]), content).ratio()
                if ratio >= score:
                    best, score = proposal, ratio
        if best is not None:
            return best, ("nội dung gần giống, cùng kết quả đầu ra", "similar content, same output")
        return None, ("", "")
    same_output = [p for p in proposals if p[0]["parent_code"] == row["parent_code"]]
    if len(same_output) == 1:
        return same_output[0], ("dòng Phụ lục 2 không ghi nội dung; là đề xuất duy nhất của kết quả đầu ra này",
                                "the Phụ lục 2 row has no content; the only proposal under this output")
    return None, ("", "")


#: The cells of a task or output row that the template locks: Phụ lục 1 all but the budget (a subtotal
#: formula, recomputed from the activities and checked in its own file: ``subtotal-mismatch``);
#: Phụ lục 2 all (the Sở Nội vụ's all-rows workbook opens frequency, collector and reporter).
CONTEXT_LOCKED_PLAN = ("content", "indicator", "evidence", "month_from", "month_to", "lead", "partners")
CONTEXT_LOCKED_MONITORING = ("content", "indicator", "evidence", "frequency", "collector", "reporter")
_LOCKED_TEXT = {"month_from": "from_text", "month_to": "to_text"}     # the text shown for a field
_AGENCIES = {"lead": "lead_agencies", "partners": "partner_agencies"}


def _same_locked(key: str, row: dict, target: dict) -> bool:
    """Whether a locked field says what the plan says: agencies by name (the template writes the
    registry's spelling), months by value (``Tháng 2`` = ``Tháng 02``), texts with white space folded."""
    if key in _AGENCIES:
        named, planned = row[_AGENCIES[key]], target[_AGENCIES[key]]
        if named or planned:            # else generic texts («Các sở, ban, ngành»): compared as texts
            return named == planned or set(named) == set(planned)
    elif key in _LOCKED_TEXT:
        side = key.split("_")[1]
        kind = row[f"{side}_kind"]
        if kind == "month" and target[f"{side}_kind"] == "month":
            return (int(row[key]), int(row[f"year_{side}"])) == (int(target[key]), int(target[f"year_{side}"]))
        if kind != target[f"{side}_kind"]:
            return False
        key = _LOCKED_TEXT[key]
    a, b = row[key], target[key]
    return a == b or " ".join(str(a).split()) == " ".join(str(b).split())


def _read_to_compare(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Every field :func:`_same_locked` reads to compare ``keys`` (keep the two together)."""
    fields: list[str] = []
    for key in keys:
        fields.append(key)
        if key in _AGENCIES:
            fields.append(_AGENCIES[key])
        elif key in _LOCKED_TEXT:
            side = key.split("_")[1]
            fields += [f"{side}_kind", f"year_{side}", _LOCKED_TEXT[key]]
    return tuple(fields)


class _FastPath(NamedTuple):
    """How :meth:`_Merge._rows_to_compare` reads one table of a return: ``read``, the columns (the
    fields an activity takes first, so that zip pairs them with ``taken``); getters of those values
    (``head``: code, proposed, level; what an activity's and a task's or output's locked cells
    read) and of the same fields of the plan's row (``…_planned``)."""
    read: tuple[str, ...]
    taken: tuple[str, ...]
    head: itemgetter
    activity: itemgetter
    activity_planned: itemgetter
    context: itemgetter
    context_planned: itemgetter

    @classmethod
    def of(cls, taken: tuple[str, ...], activity: tuple[str, ...], context: tuple[str, ...]) -> "_FastPath":
        activity, context = _read_to_compare(activity), _read_to_compare(context)
        read = taken + tuple(dict.fromkeys(k for k in ("code", "proposed", "level") + activity + context
                                           if k not in taken))
        at = lambda fields: itemgetter(*(read.index(f) for f in fields))     # noqa: E731
        return cls(read, taken, at(("code", "proposed", "level")), at(activity), itemgetter(*activity),
                   at(context), itemgetter(*context))


_FAST = {"plan": _FastPath.of(_ALL_PLAN_KEYS, ("content", "lead"), CONTEXT_LOCKED_PLAN),
         "monitoring": _FastPath.of(_ALL_MONITORING_KEYS, ("content",), CONTEXT_LOCKED_MONITORING)}


def _code_order(codes: Iterable[str], order: dict[str, tuple[int, ...]]) -> list[str]:
    """The codes in code order (1.2 before 1.10), each code's place (its parts as numbers) computed
    once in ``order`` (the two appendices share most codes)."""
    for code in codes:
        if code not in order:
            order[code] = tuple(map(int, code.split(".")))
    return sorted(codes, key=order.__getitem__)


def _deepest_first(codes: list[str]) -> list[str]:
    """The codes, those of most parts first, each depth in the order given (children before parents:
    a stable sort by depth, without a key call per code)."""
    by_depth: dict[int, list[str]] = {}
    for code in codes:
        by_depth.setdefault(code.count("."), []).append(code)
    return [code for depth in sorted(by_depth, reverse=True) for code in by_depth[depth]]


def _recompute_subtotals(deepest_first: list[dict]) -> None:
    """Every row with child rows sums them (outputs their activities, tasks their outputs, at any
    depth in other hierarchies), in whole đồng; a task or output with no rows is 0. The rows come
    deepest first, in row order within a depth (see :func:`_deepest_first`)."""
    from .words import format_trieu

    sums: dict[str, int] = defaultdict(int)
    texts: dict[float, str] = {}                 # budget -> its text (many subtotals are alike)
    for row in deepest_first:                    # children before parents
        parent, level = row["parent_code"], row["level"]
        if parent:
            own = sums[row["code"]] if level != "activity" else (
                0 if row["budget"] != row["budget"] else round(row["budget"] * 1_000_000))
            sums[parent] += own
        # its sum is whole: every row below it came before it (nothing adds to it after)
        if (level == "task" or level == "output") and (row["code"] in sums or row["budget"] == row["budget"]):
            budget = row["budget"] = sums.get(row["code"], 0) / 1_000_000
            text = texts.get(budget)
            if text is None:
                text = texts[budget] = format_trieu(budget)
            row["budget_text"] = text


# --------------------------------------------------------------------------- bookkeeping
class _PlanFile:
    """The plan file's size and SHA-256, taken before it is read and checked unchanged after: the
    Nguồn sheet's figures are those of the bytes read (a plan saved meanwhile stops the run)."""

    def __init__(self, path: Path, stat: os.stat_result | None, sha256: str):
        self.path, self.stat, self.sha256 = path, stat, sha256

    @classmethod
    def before(cls, path: Path) -> "_PlanFile":
        try:
            stat = path.stat()
            return cls(path, stat, file_sha256(path))
        except OSError:
            return cls(path, None, "")       # reading it says why (ToolError / FileProblem)

    def check_unchanged(self) -> None:
        try:
            now = self.path.stat()
        except OSError:
            now = None
        if self.stat is None or now is None or (now.st_size, now.st_mtime_ns) != (self.stat.st_size, self.stat.st_mtime_ns):
            raise ToolError(key="consolidate.plan-changed", path=str(self.path))

    @property
    def size(self) -> int:
        return self.stat.st_size if self.stat is not None else 0


def _sources(plan_file: _PlanFile, plan: Plan, read: list[ReturnFile], merge: _Merge, findings: list[Finding]) -> pd.DataFrame:
    plan_path = plan_file.path
    per_file: dict[str, int] = defaultdict(int)
    for f in findings:
        per_file[f.file] += 1
    plan_rows = plan.size("plan") + plan.size("monitoring") + plan.size("allocation")
    replaced = sum(merge.used.values())
    rows = [{"agency": "Sở Nội vụ", "file": plan_path.name, "path": str(plan_path), "size": plan_file.size,
             "sha256": plan_file.sha256, "template_version": "", "rows_read": plan_rows,
             "rows_used": max(plan_rows - replaced, 0), "findings": per_file[plan_path.name], "status": "used"}]
    for ret in read:
        status = {"read": "used"}.get(ret.status, ret.status)
        rows.append({"agency": ret.agency, "file": ret.name, "path": str(ret.path), "size": ret.size,
                     "sha256": ret.sha256 or _sha256_or_blank(ret.path),
                     "template_version": ret.meta.get("template_version", "") or ("(không có)" if ret.plan else ""),
                     "rows_read": ret.rows_read, "rows_used": merge.used.get(ret.name, 0),
                     "findings": per_file[ret.name], "status": status})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def _late(used: list[ReturnFile], deadline: dt.date | None) -> list[Finding]:
    if deadline is None:
        return []
    return [Finding("late-return", agency=ret.agency, file=ret.name, found=f"{ret.saved:%d/%m/%Y %H:%M}",
                    expected=f"{deadline:%d/%m/%Y}") for ret in used if ret.saved and ret.saved.date() > deadline]


def _returns_frame(expected: list[str], read: list[ReturnFile], used: list[ReturnFile], findings: list[Finding],
                   deadline: dt.date | None, per_agency: dict[tuple[str, str], dict[str, int]]) -> pd.DataFrame:
    """One row per agency expected to send a return (``expected``: :func:`expected_agencies` of the
    merged plan), then each file of an agency outside the plan.

    ``errors`` and ``warnings`` are the agency's findings by the one rule (``per_agency``:
    Consolidation.findings_by_agency): the plan's own defects are the plan's, not the agency's whose
    template locked the row."""
    chosen = {ret.agency: ret for ret in used}
    per_file: dict[tuple[str, str], int] = defaultdict(int)       # a file that names no agency
    for f in findings:
        per_file[(f.file, f.severity)] += 1
    none = dict.fromkeys(SEVERITIES, 0)
    rows = []
    for agency in expected:
        ret = chosen.get(agency)
        mine = per_agency.get(("agency", agency), none)
        if ret is None:             # its missing-return is an error of its own
            rows.append({"agency": agency, "expected": True, "received": False, "file": "",
                         "errors": mine["error"], "warnings": mine["warning"], "status": "missing", "saved": "",
                         "late": deadline is not None and dt.date.today() > deadline})
            continue
        errors, warnings = mine["error"], mine["warning"]
        rows.append({"agency": agency, "expected": True, "received": True, "file": ret.name, "errors": errors,
                     "warnings": warnings, "status": "errors" if errors else "received",
                     "saved": f"{ret.saved:%d/%m/%Y %H:%M}" if ret.saved else "",
                     "late": bool(deadline and ret.saved and ret.saved.date() > deadline)})
    for ret in read:
        if ret.status == "unexpected":
            theirs = per_agency.get(("agency", ret.agency), none) if ret.agency else \
                {s: per_file[(ret.name, s)] for s in SEVERITIES}
            rows.append({"agency": ret.agency or "?", "expected": False, "received": True, "file": ret.name,
                         "errors": theirs["error"], "warnings": theirs["warning"],
                         "status": "unexpected", "saved": f"{ret.saved:%d/%m/%Y %H:%M}" if ret.saved else "",
                         "late": False})
    return pd.DataFrame(rows, columns=RETURN_COLUMNS)
