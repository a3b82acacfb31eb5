"""The portal's background work: checks and consolidations run in a small pool of processes.

The pool has as many processes as the machine has cores (2 here) at most, so a burst of uploads
queues instead of starving the pages; a file that kills its process (memory, a crash of a reading
library) is a ``file-unreadable`` finding, and the pool is started again for the others."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
import zipfile
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

__all__ = ["Checker", "check_upload", "consolidate_round", "round_templates", "MAX_INFLATED", "MAX_RATIO"]

#: A workbook whose parts would inflate past this is refused before any reader opens it (a zip
#: bomb): the engine's own limit (400 MB, workbook.MAX_UNCOMPRESSED) is for one file on a desk,
#: the portal serves many agencies at once on a small machine.
MAX_INFLATED = 100 * 1024 * 1024
#: … and so is one whose parts inflate more than this many times over a few MB.
MAX_RATIO = 200


def _finding(code: str, file: str, vi: str, en: str) -> dict:
    from cchc_xlsx.findings import Finding
    finding = Finding(code, file=file, params={"reason": (vi, en)})
    return {**finding.to_dict("vi"), "message_en": finding.message("en")}


def _inflation(path: Path) -> str | None:
    """Why a zip-based file is refused before reading, or None."""
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None                      # the reader says what is wrong with it
    packed = max(1, path.stat().st_size)
    if inflated > MAX_INFLATED or (inflated > 8 * 1024 * 1024 and inflated / packed > MAX_RATIO):
        return f"{inflated // (1024 * 1024)}"
    return None


def _registry(agencies: str | None):
    from cchc_xlsx.agencies import Registry
    return Registry.load(agencies) if agencies else None


def check_upload(blob: str, stored_name: str, folder: str, plan_path: str, store_root: str,
                 work_root: str, agencies: str | None = None) -> dict:
    """Check one uploaded file as ``folder/stored_name`` against the plan (in a worker process).

    Returns ``{"findings": [dict], "agency": matched agency or "", "status": read|unreadable|skipped,
    "feedback_sha256", "feedback_name"}``; the feedback workbook is kept in the store. ``agencies``: the
    CSV of extra agencies (``--agencies``). Never raises:
    what goes wrong is a ``file-unreadable`` finding."""
    from cchc_xlsx.consolidate import check_files
    from cchc_xlsx.feedback import write_feedback
    from cchc_xlsx.portal.store import FileStore

    work = Path(tempfile.mkdtemp(prefix="check-", dir=work_root))
    try:
        source = work / "in" / folder / stored_name
        source.parent.mkdir(parents=True)
        shutil.copyfile(blob, source)
        inflated = _inflation(source)
        if inflated:
            return {"findings": [_finding(
                "file-unreadable", stored_name,
                f"tệp nén bên trong lên tới {inflated} MB (quá {MAX_INFLATED // (1024 * 1024)} MB, có thể là «bom nén»); "
                "hãy lưu lại bảng tính bằng Excel hoặc LibreOffice rồi gửi lại",
                f"its parts inflate to {inflated} MB (over {MAX_INFLATED // (1024 * 1024)} MB, perhaps a zip bomb); "
                "save the workbook again with Excel or LibreOffice and send it again")],
                    "agency": "", "status": "unreadable", "feedback_sha256": "", "feedback_name": ""}
        result = check_files([source], Path(plan_path), workers=1, registry=_registry(agencies))
        read = result.extra["returns_read"]
        ret = read[0] if read else None
        findings = [{**f.to_dict("vi"), "message_en": f.message("en")} for f in result.findings]
        feedback_sha, feedback_name = "", ""
        if ret is not None and ret.status == "read":
            out = write_feedback(source, result.findings, work / "out", lang="vi")
            feedback_sha, feedback_name = FileStore(Path(store_root)).put_file(out), out.name
        return {"findings": findings, "agency": ret.agency if ret else "",
                "status": ret.status if ret else "skipped", "feedback_sha256": feedback_sha,
                "feedback_name": feedback_name}
    except Exception as error:     # noqa: BLE001 - a bad file is a finding, never a traceback
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        return {"findings": [_finding("file-unreadable", stored_name, f"không kiểm tra được: {reason}",
                                      f"it could not be checked: {reason}")],
                "agency": "", "status": "unreadable", "feedback_sha256": "", "feedback_name": ""}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def consolidate_round(items: list[tuple[str, str, str]], plan_path: str, store_root: str, work_root: str,
                      pdf: bool = True, agencies: str | None = None) -> dict:
    """Consolidate the files ``[(blob path, folder, stored name)]`` with the plan, as ``cchc-xlsx
    consolidate`` does; keep the workbook (and its PDF when LibreOffice is there) in the store.

    Returns ``{"xlsx_sha256", "xlsx_name", "pdf_sha256", "total", "budget_by_agency",
    "severity_counts", "pdf_problem"}`` (money in triệu đồng), or ``{"problem": why}``."""
    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.portal.store import FileStore
    from cchc_xlsx.report import consolidation_summary
    from cchc_xlsx.write import write_workbook

    store = FileStore(Path(store_root))
    work = Path(tempfile.mkdtemp(prefix="consolidate-", dir=work_root))
    try:
        folder = work / "returns"
        folder.mkdir()
        for blob, sub, name in items:
            target = folder / sub / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(blob, target)
        result = consolidate([folder] if items else [], Path(plan_path), workers=1, registry=_registry(agencies))
        (work / "out").mkdir()
        out = write_workbook(result, work / "out" / f"cchc-{result.plan.year}-tong-hop.xlsx",
                             inputs=[Path(plan_path)])
        summary = consolidation_summary(result, "vi")
        answer = {"xlsx_sha256": store.put_file(out), "xlsx_name": out.name, "pdf_sha256": "", "pdf_problem": "",
                  "total": summary["total"], "budget_by_agency": summary["budget_by_agency"],
                  "severity_counts": summary["severity_counts"]}
        if pdf:
            from cchc_xlsx.printing import PrintError, print_pdf
            try:
                answer["pdf_sha256"] = store.put_file(print_pdf(out))
            except PrintError as error:
                answer["pdf_problem"] = " ".join(str(error).split())[:300]
        return answer
    except Exception as error:     # noqa: BLE001 - said on the page; an exception may not cross processes
        message = error.message("vi") if hasattr(error, "message") else str(error)
        return {"problem": " ".join(message.split())[:300] or type(error).__name__}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def round_templates(plan_path: str, store_root: str, work_root: str, deadline: str = "",
                    agencies: str | None = None) -> dict:
    """Read the plan and write its templates into the store (in a worker process: writing them
    forks processes of its own, which a server's threads must not do).

    Returns ``{"year", "templates": {agency: {"sha256", "name"}}}`` in the plan's order of agencies,
    or ``{"problem": (vi, en)}`` when the plan cannot be read."""
    from cchc_xlsx.pipeline import read_plan
    from cchc_xlsx.portal.store import FileStore
    from cchc_xlsx.templates import TemplateOptions, assign_activities, write_templates
    from cchc_xlsx.workbook import FileProblem

    try:
        plan = read_plan(Path(plan_path), registry=_registry(agencies))
    except FileProblem as problem:
        name = Path(plan_path).name
        return {"problem": (f"{name}: {problem.message('vi')}", f"{name}: {problem.message('en')}")}
    store = FileStore(Path(store_root))
    names = list(assign_activities(plan))
    work = Path(tempfile.mkdtemp(prefix="templates-", dir=work_root))
    try:
        paths = write_templates(plan, work, TemplateOptions(deadline=deadline, registry=plan.registry))
        # write_templates gives the agencies' templates in assign_activities' order, then the all-rows one
        return {"year": plan.year, "templates": {agency: {"sha256": store.put_file(path), "name": path.name}
                                                 for agency, path in zip(names, paths)}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _lower_priority() -> None:
    if hasattr(os, "nice"):
        try:
            os.nice(10)
        except OSError:
            pass


class Checker:
    """A bounded pool of worker processes; ``submit(fn, *args, done=callback)`` runs ``fn`` in it and
    calls ``done(result, error)`` in a thread of this process (it returns the job's Future). A pool broken by a dying worker is
    replaced, and the job that was in it runs once more, alone; if it breaks that too, ``done``
    gets the BrokenProcessPool."""

    def __init__(self, workers: int | None = None):
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.workers = max(1, min(workers or cores, cores, 4))
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the server has threads, which a forked child must not inherit mid-lock; the
        # workers run at a lower priority, so that the pages keep the CPU they need meanwhile
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_lower_priority)

    def submit(self, fn: Callable, *args, done: Callable[[object, BaseException | None], None],
               retried: bool = False) -> Future:
        with self._lock:
            pool = self._pool
            try:
                future = pool.submit(fn, *args)
            except (BrokenProcessPool, RuntimeError):
                self._pool = pool = self._new_pool()
                future = pool.submit(fn, *args)

        def finished(f: Future) -> None:
            if f.cancelled():            # the server is stopping: the job stays queued in the register
                return
            error = f.exception()
            if isinstance(error, BrokenProcessPool):
                with self._lock:
                    if self._pool is pool:
                        self._pool = self._new_pool()
                if not retried:
                    self.submit(fn, *args, done=done, retried=True)
                    return
            done(None if error else f.result(), error)
        future.add_done_callback(finished)
        return future

    def run(self, fn: Callable, *args):
        """``fn(*args)`` in the pool, waited for (raises what it raises)."""
        for attempt in (1, 2):
            with self._lock:
                pool = self._pool
            try:
                return pool.submit(fn, *args).result()
            except BrokenProcessPool:
                if attempt == 2:
                    raise
                with self._lock:
                    if self._pool is pool:
                        self._pool = self._new_pool()

    def shutdown(self) -> None:
        """Stop: the job running finishes, the queued ones are dropped (they stay queued in the
        register and run again at the next start)."""
        with self._lock:
            self._pool.shutdown(wait=True, cancel_futures=True)
