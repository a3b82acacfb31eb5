#!/usr/bin/env python3
"""Benchmark: consolidating N returns, against the floor (bare calamine read, bare xlsxwriter write)
and the naive peer (pandas + openpyxl). Measures only; optimises nothing (issue 6, item 2).

    python scripts/bench_consolidate.py [--sizes 50,500,2000] [--repeat 3] [--cache DIR]
                                        [--skip-naive-above N] [--quick]

The returns are generated deterministically: ``write_synthetic_plan(folder, agencies=N,
activities_per_agency=120)`` then ``write_templates`` gives one filled template per agency (a filled
template is a realistic return: 120 activity rows, Vietnamese text). About 5 % of them (every 20th)
are then edited with openpyxl as an agency would: one activity budget typed as the text ``"1.949"``,
one ``Tháng 13`` in a "from" month (openpyxl also drops the cached values of the subtotal formulas on
save, as in real returns); and one return is sent twice (a byte copy under another name). The set is
cached under ``--cache DIR/n{N}`` (default: a temporary folder) and reused by later runs.

Every measured job runs in a fresh subprocess of this script (``--job NAME --n N --cache DIR``): the
child times its work after its imports and reports its own peak RSS (``ru_maxrss``), so the peak
includes the interpreter and the imported libraries. The jobs:

- ``end_to_end``: ``consolidate(returns, plan, registry=…)`` + ``write.write_workbook(...)``;
- ``read_check``: ``consolidate(...)`` only (read the plan and every return, normalise, merge, check);
- ``floor_read``: a bare threaded python-calamine read of each return's ``Phụ lục 1`` into one
  pandas frame (ThreadPoolExecutor(2));
- ``floor_write``: a bare xlsxwriter write (``constant_memory``) of as many cells as ``floor_read`` read;
- ``naive``: the peer: a ``pandas.read_excel(engine="openpyxl")`` loop over the returns (both
  appendices) with ``concat``, the subtotal check as a ``groupby``, and ``DataFrame.to_excel``
  (openpyxl).
- ``guard``: the far-cell guard's cost on ordinary returns (issue 10, item 1: under 5 %): the CPU of
  reading 200 returns with and without it, and with and without all of the scan's searches, in
  place (the scan) and in whole passes, alternated, with an A/A control (see :func:`job_guard`).

The table gives, per job and N, the median seconds of ``--repeat`` runs and the largest peak RSS;
then the ratios issue 6 asks for, and the read ratio again in CPU seconds (the jobs' own, their
threads' and their worker processes'): on a machine shared with other work the wall clock of
each run depends on the load, its CPU time much less. Profile one job with ``--job read_check --n 500 --cache DIR
--profile FILE`` (prints the top functions by cumulative and by own time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOBS = ("end_to_end", "read_check", "end_to_end_rerun", "read_check_rerun", "floor_read", "floor_read_p1",
        "floor_write", "naive", "guard")
#: Jobs run with the plan cache filled: a re-run after a correction (the plan read before).
RERUN_JOBS = ("end_to_end_rerun", "read_check_rerun")
LABELS = {
    "end_to_end": "consolidate end to end (read, normalise, check, write)",
    "read_check": "consolidate without writing (read, normalise, check)",
    "end_to_end_rerun": "re-run, plan cached: end to end",
    "read_check_rerun": "re-run, plan cached: without writing",
    "floor_read": "floor: bare calamine read of plan + returns, P1+P2",
    "floor_read_p1": "(reference) bare calamine read of returns' P1 only",
    "floor_write": "floor: bare xlsxwriter write (constant_memory)",
    "naive": "naive peer: read_excel(openpyxl) + groupby + to_excel",
    "guard": "(reference) the far-cell guard's share of a return's read",
}
ACTIVITIES = 120
#: Change when the generated set changes: a cache of another version is rebuilt.
CACHE_VERSION = 3
PLAN_SHEET, MONITORING_SHEET = "Phụ lục 1", "Phụ lục 2"
DEFECT_EVERY = 20                       # every 20th return gets the defects: 5 %
GENERATED_AT = dt.datetime(2030, 1, 2, 8, 0)


# --------------------------------------------------------------------------- the generated set
def ensure_set(cache: Path, n: int) -> Path:
    """The folder of the set of N returns (plan, agencies CSV, returns/), generated when missing."""
    folder = cache / f"n{n}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("version") == CACHE_VERSION and data.get("n") == n and data.get("activities") == ACTIVITIES:
                return folder
        except (OSError, ValueError):
            pass
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".n{n}-", dir=cache))
    start = time.perf_counter()
    try:
        data = _generate(building, n)
        data["generated_in_s"] = round(time.perf_counter() - start, 1)
        (building / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        building.rename(folder)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    print(f"generated N={n}: {data['returns']} files in {data['generated_in_s']} s -> {folder}", file=sys.stderr)
    return folder


def _generate(folder: Path, n: int) -> dict:
    import python_calamine as calamine

    from cchc_xlsx import Registry, read_plan
    from cchc_xlsx.synthetic import write_synthetic_plan
    from cchc_xlsx.templates import TemplateOptions, write_templates

    plan_path, agencies = write_synthetic_plan(folder, agencies=n, activities_per_agency=ACTIVITIES)
    registry = Registry.load(agencies)
    plan = read_plan(plan_path, registry=registry)
    returns = folder / "returns"
    paths = write_templates(plan, folder / "templates", TemplateOptions(generated_at=GENERATED_AT, registry=registry))
    returns.mkdir()
    agency_files = [p for p in paths if not p.name.endswith("-toan-bo-ke-hoach.xlsx")]  # the Sở Nội vụ's own
    for p in agency_files:
        p.rename(returns / p.name)
    shutil.rmtree(folder / "templates")
    files = sorted(returns.iterdir())
    defects = []
    for i, path in enumerate(files):
        if i % DEFECT_EVERY == 0:
            defects.append(_damage(path))
    if len(files) > 1:   # one agency sends its return twice (the copy sorts after the original)
        original = files[1]
        copy = original.with_name(original.stem + "-ban-sao.xlsx")
        shutil.copyfile(original, copy)
        defects.append({"file": copy.name, "defect": f"duplicate of {original.name}"})
    files = sorted(returns.iterdir())
    rows = cells = 0
    for path in files:                       # what the floors read and write
        book = calamine.CalamineWorkbook.from_path(str(path))
        grid = book.get_sheet_by_name(PLAN_SHEET).to_python()
        rows += len(grid)
        cells += sum(len(r) for r in grid)
        book.close()
    return {"version": CACHE_VERSION, "n": n, "activities": ACTIVITIES, "plan": plan_path.name,
            "agencies": agencies.name, "returns": len(files), "plan_rows": len(plan.plan),
            "p1_rows": rows, "p1_cells": cells, "defects": defects}


def _damage(path: Path) -> dict:
    """One activity budget as the text "1.949" and one "Tháng 13", as an agency would type them."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book[PLAN_SHEET]
    header = next(r for r in sheet.iter_rows(min_row=1, max_row=20) if r[0].value == "STT")
    header_row = header[0].row
    columns = {str(c.value): c.column for c in header if c.value}
    budget_col = next(col for text, col in columns.items() if text.startswith("Ngân sách"))
    time_col = columns["Thời gian"]                     # "Từ tháng" is the first column under it
    activities = [r[0].row for r in sheet.iter_rows(min_row=header_row + 1)
                  if isinstance(r[0].value, str) and r[0].value.startswith("Hoạt động")]
    budget_row, month_row = activities[2], activities[5]
    sheet.cell(budget_row, budget_col).value = "1.949"
    sheet.cell(month_row, time_col).value = "Tháng 13"
    book.save(path)
    return {"file": path.name, "defect": f"budget '1.949' (text) in row {budget_row}, 'Tháng 13' in row {month_row}"}


def return_files(folder: Path) -> list[Path]:
    return sorted((folder / "returns").iterdir())


# --------------------------------------------------------------------------- the jobs (run in a child)
def job_end_to_end(folder: Path, out: Path, write: bool = True) -> dict:
    from cchc_xlsx.agencies import Registry
    from cchc_xlsx.consolidate import consolidate

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = return_files(folder)
    start, cpu = time.perf_counter(), cpu_seconds()
    result = consolidate(files, folder / manifest["plan"], registry=Registry.load(folder / manifest["agencies"]),
                         generated_at=GENERATED_AT)
    if write:
        from cchc_xlsx.write import write_workbook
        write_workbook(result, out / "tong-hop.xlsx")
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    codes: dict[str, int] = {}
    for f in result.findings:
        codes[f.code] = codes.get(f.code, 0) + 1
    return {"seconds": seconds, "cpu_seconds": cpu, "files": len(files), "findings": len(result.findings),
            "codes": dict(sorted(codes.items()))}


def job_read_check(folder: Path, out: Path) -> dict:
    return job_end_to_end(folder, out, write=False)


def job_end_to_end_rerun(folder: Path, out: Path) -> dict:
    return job_end_to_end(folder, out)


def job_read_check_rerun(folder: Path, out: Path) -> dict:
    return job_end_to_end(folder, out, write=False)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process, its threads and its children that have ended (the
    workers that read the returns): what a job costs whatever else the machine is running."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


WIDTH = 12      # the widest appendix has 9 columns; rows are padded to one width for one frame


def _calamine_floor(paths: list[Path], sheets: tuple[str, ...]) -> tuple[float, int, int]:
    """A bare threaded python-calamine read of these sheets of these files into one frame."""
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd
    import python_calamine as calamine

    def read(path: Path) -> list[list]:
        book = calamine.CalamineWorkbook.from_path(str(path))
        name = path.name
        rows = [[name, sheet, *row, *[""] * (WIDTH - len(row))]
                for sheet in sheets for row in book.get_sheet_by_name(sheet).to_python()]
        book.close()
        return rows

    start, cpu = time.perf_counter(), cpu_seconds()
    with ThreadPoolExecutor(2) as pool:
        parts = list(pool.map(read, paths))
    frame = pd.DataFrame([row for part in parts for row in part])
    _calamine_floor.cpu = cpu_seconds() - cpu
    return time.perf_counter() - start, len(frame), int(frame.shape[0] * (frame.shape[1] - 2))


def job_floor_read(folder: Path, out: Path) -> dict:
    """The floor: every file consolidate reads (the plan and the returns), both appendices of each."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = [folder / manifest["plan"], *return_files(folder)]
    seconds, rows, cells = _calamine_floor(files, (PLAN_SHEET, MONITORING_SHEET))
    return {"seconds": seconds, "cpu_seconds": _calamine_floor.cpu, "files": len(files), "rows": rows, "cells": cells}


def job_floor_read_p1(folder: Path, out: Path) -> dict:
    """A smaller floor, for reference: the returns' Phụ lục 1 only (no plan, no Phụ lục 2)."""
    files = return_files(folder)
    seconds, rows, cells = _calamine_floor(files, (PLAN_SHEET,))
    return {"seconds": seconds, "files": len(files), "rows": rows, "cells": cells}


def job_floor_write(folder: Path, out: Path) -> dict:
    import python_calamine as calamine
    import xlsxwriter

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    book = calamine.CalamineWorkbook.from_path(str(return_files(folder)[0]))
    sample = [row for row in book.get_sheet_by_name(PLAN_SHEET).to_python()]
    book.close()
    width = max(len(r) for r in sample)
    total_rows = -(-manifest["p1_cells"] // width)
    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(out / "floor.xlsx"), {"constant_memory": True, "strings_to_numbers": False,
                                                              "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(PLAN_SHEET)
    wrap = workbook.add_format({"text_wrap": True, "font_name": "Times New Roman"})
    for r in range(total_rows):
        row = sample[r % len(sample)]
        for c, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, value, wrap)
            else:
                sheet.write_blank(r, c, None, wrap)
    workbook.close()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": total_rows, "cells": total_rows * width}


def job_naive(folder: Path, out: Path) -> dict:
    """What one would write with pandas alone: read every return, concat, check subtotals by groupby, to_excel."""
    import pandas as pd

    files = return_files(folder)
    plan_columns = ["stt", "content", "indicator", "evidence", "from", "to", "budget", "lead", "partners"]
    monitoring_columns = ["stt", "content", "indicator", "evidence", "frequency", "collector", "reporter"]
    start = time.perf_counter()
    plans, monitorings = [], []
    for path in files:
        sheets = pd.read_excel(path, sheet_name=[PLAN_SHEET, MONITORING_SHEET], header=None, engine="openpyxl")
        p1 = sheets[PLAN_SHEET].iloc[:, :len(plan_columns)]
        p1.columns = plan_columns[:p1.shape[1]]
        p1 = p1[p1["stt"].astype(str).str.match(r"(NHIỆM VỤ|Kết quả đầu ra|Hoạt động) \d")].assign(file=path.name)
        p2 = sheets[MONITORING_SHEET].iloc[:, :len(monitoring_columns)]
        p2.columns = monitoring_columns[:p2.shape[1]]
        p2 = p2[p2["stt"].astype(str).str.match(r"(NHIỆM VỤ|Kết quả đầu ra|Hoạt động) \d")].assign(file=path.name)
        plans.append(p1)
        monitorings.append(p2)
    plan = pd.concat(plans, ignore_index=True)
    monitoring = pd.concat(monitorings, ignore_index=True)
    # the subtotal check: each output's budget against the sum of its activities, per file
    plan["level"] = plan["stt"].str.extract(r"^(NHIỆM VỤ|Kết quả đầu ra|Hoạt động)", expand=False)
    plan["code"] = plan["stt"].str.extract(r"([\d.]+)$", expand=False)
    texts = plan["budget"].where(plan["budget"].map(type) == str)          # "1.949" = 1949, "3,4" = 3.4
    plan["amount"] = pd.to_numeric(plan["budget"].where(texts.isna()), errors="coerce").fillna(pd.to_numeric(
        texts.str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce"))
    activities = plan[plan["level"] == "Hoạt động"].assign(output=lambda f: f["code"].str.rsplit(".", n=1).str[0])
    sums = activities.groupby(["file", "output"])["amount"].sum()
    outputs = plan[plan["level"] == "Kết quả đầu ra"].set_index(["file", "code"])["amount"]
    outputs.index.names = ["file", "output"]
    joined = pd.concat({"stated": outputs, "sum": sums}, axis=1)
    mismatches = joined[(joined["stated"] - joined["sum"]).abs().fillna(1) > 0.001]
    with pd.ExcelWriter(out / "naive.xlsx", engine="openpyxl") as writer:
        plan.drop(columns=["amount"]).to_excel(writer, sheet_name=PLAN_SHEET, index=False)
        monitoring.to_excel(writer, sheet_name=MONITORING_SHEET, index=False)
        mismatches.reset_index().to_excel(writer, sheet_name="Sai lệch", index=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "files": len(files), "rows": len(plan) + len(monitoring), "mismatches": len(mismatches)}


def job_guard(folder: Path, out: Path, files: int = 200, rounds: int = 8) -> dict:
    """What the guard of issue 10, item 1 costs on ordinary returns: the CPU of reading returns
    (``read_return_file``: open, scan, read, find the tables, normalise, the return's own checks)
    with the scan's search for far cells (``scan._NOT_ORDINARY``, item 1's guard) and without it;
    and with and without all three of the scan's searches of each sheet's XML (far cells, and item
    3's error cells and hidden rows). A search left out is replaced by a pattern that fails at once:
    the sheets are still inflated once and the metadata cut to its keys, as the scan does.

    Each of ``rounds`` rounds makes four passes over ``files`` returns, each kind first, second,
    third and fourth in turn: every search (``all``), all but item 1's (``no_far``), none
    (``none``), and every search again (``control``). Each pass times the scan (``scan.scan_xlsx``,
    where the searches run) and the whole read, with no garbage collection inside it. Shares are
    medians over the rounds: in place (what the scan gains, of a whole read with every search) and
    in whole passes (each round's passes compared). The control compares two passes that do the
    same work: what a whole-pass comparison is worth on this machine."""
    import gc
    import re

    from cchc_xlsx import scan
    from cchc_xlsx.agencies import Registry
    from cchc_xlsx.returns import read_return_file

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    registry = Registry.load(folder / manifest["agencies"])
    paths = return_files(folder)[:files]
    searches = {name: getattr(scan, name) for name in ("_NOT_ORDINARY", "_ERROR_MARK", "_HIDDEN_MARK")}
    fails_at_once = re.compile(rb"\A(?!)")
    left_out = {"all": (), "control": (), "no_far": ("_NOT_ORDINARY",), "none": tuple(searches)}
    scan_xlsx = scan.scan_xlsx
    in_scan = [0.0]

    def timed_scan(*args, **kwargs):
        start = time.process_time()
        try:
            return scan_xlsx(*args, **kwargs)
        finally:
            in_scan[0] += time.process_time() - start

    def one_pass(kind: str) -> tuple[float, float]:
        """(whole reads, of which the scan), seconds per return."""
        for name, pattern in searches.items():
            setattr(scan, name, fails_at_once if name in left_out[kind] else pattern)
        in_scan[0] = 0.0
        gc.collect()                             # no collection in a pass: each would land in one kind
        gc.disable()
        try:
            start = time.process_time()
            for path in paths:
                read_return_file(path, registry)
            return (time.process_time() - start) / len(paths), in_scan[0] / len(paths)
        finally:
            gc.enable()

    scan.scan_xlsx = timed_scan
    try:
        for path in paths[:10]:                  # warm: imports, caches
            read_return_file(path, registry)
        start = time.perf_counter()
        kinds = list(left_out)
        runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
        for i in range(rounds):                  # each kind of pass first, second … in turn
            for kind in kinds[i % 4:] + kinds[:i % 4]:
                runs[kind].append(one_pass(kind))
    finally:
        scan.scan_xlsx = scan_xlsx
        for name, pattern in searches.items():
            setattr(scan, name, pattern)
    med = statistics.median
    whole = {kind: med(w for w, _ in runs[kind]) for kind in kinds}
    in_the_scan = {kind: med(s for _, s in runs[kind]) for kind in kinds}

    def paired(a: str, b: str) -> float:
        return round(med((x - y) / y for (x, _), (y, _) in zip(runs[a], runs[b])), 4)

    return {"seconds": time.perf_counter() - start, "files": len(paths),
            **{f"{kind}_ms": round(whole[kind] * 1000, 3) for kind in kinds},
            **{f"scan_{kind}_ms": round(in_the_scan[kind] * 1000, 3) for kind in kinds},
            "far_share": round((in_the_scan["all"] - in_the_scan["no_far"]) / whole["all"], 4),
            "far_whole_share": paired("all", "no_far"),
            "share": round((in_the_scan["all"] - in_the_scan["none"]) / whole["all"], 4),
            "whole_share": paired("all", "none"), "control_share": paired("control", "all")}


def run_job_here(name: str, folder: Path, profile: str | None) -> dict:
    """Run one job in this process; its result with this process's peak RSS."""
    function = globals()[f"job_{name}"]
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(function, folder, Path(out))
            profiler.dump_stats(profile)
            stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(25)
        else:
            result = function(folder, Path(out))
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    return result


def run_job_child(name: str, folder: Path) -> dict:
    """Run one job in a fresh interpreter; its JSON result.

    The plan cache (cchc_xlsx/cache.py) is off, but for the re-run jobs, which use one in the set's
    folder, filled by a first run that is not counted.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--job", name, "--set", str(folder)]
    env = dict(os.environ, CCHC_XLSX_CACHE=str(folder / "plan-cache") if name in RERUN_JOBS else "off")
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"job {name} on {folder.name} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the report
def fmt_cell(stats: dict | None) -> str:
    if stats is None:
        return "skipped"
    return f"{stats['median']:.2f} s {stats['rss']:.0f} MB"


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or not b["median"]:
        return None
    return a["median"] / b["median"]


def report(results: dict, sizes: list[int], repeat: int) -> str:
    lines = []
    width = max(len(LABELS[j]) for j in JOBS)
    head = f"{'job (median of ' + str(repeat) + ' s, peak RSS MB)':<{width}}  " + "  ".join(f"{'N=' + str(n):>18}" for n in sizes)
    lines += [head, "-" * len(head)]
    for job in JOBS:
        lines.append(f"{LABELS[job]:<{width}}  " + "  ".join(f"{fmt_cell(results.get((job, n))):>18}" for n in sizes))
    lines.append("")
    lines.append("ratios (issue 6)")
    for n in sizes:
        r = ratio(results.get(("read_check", n)), results.get(("floor_read", n)))
        target = "  (target <= 2 at N=500 and 2000)" if n in (500, 2000) else ""
        lines.append(f"  N={n:<5} read+normalise+check / bare calamine read: {_num(r)}{target}"
                     + (_verdict(r is not None and r <= 2) if n in (500, 2000) and r is not None else ""))
    for n in sizes:
        a, b = results.get(("read_check", n)), results.get(("floor_read", n))
        if a and b and len(a["runs"]) == len(b["runs"]) > 1:
            paired = [x["seconds"] / y["seconds"] for x, y in zip(a["runs"], b["runs"])]
            lines.append(f"  N={n:<5} the same, run by run (each round runs the floor right after): median "
                         f"{statistics.median(paired):.2f}, from {min(paired):.2f} to {max(paired):.2f}")
    for n in sizes:
        a, b = results.get(("read_check", n)), results.get(("floor_read", n))
        if a and b and a.get("cpu") and b.get("cpu"):
            lines.append(f"  N={n:<5} the same in CPU seconds (a loaded machine slows the wall clock, less the CPU): "
                         f"{a['cpu']:.2f} / {b['cpu']:.2f} s = {a['cpu'] / b['cpu']:.2f}")
    for n in sizes:
        guard = results.get(("guard", n))
        if guard:
            far = max(guard["far_share"], guard["far_whole_share"])
            lines.append(f"  N={n:<5} the far-cell guard (item 1) on ordinary returns: in place "
                         f"{guard['scan_all_ms'] - guard['scan_no_far_ms']:.2f} ms of a return's {guard['all_ms']:.2f} ms = "
                         f"{100 * guard['far_share']:.1f} %, in whole passes {100 * guard['far_whole_share']:+.1f} %  "
                         f"(target < 5 %)" + _verdict(far < 0.05))
            lines.append(f"  N={n:<5}   with item 3's searches too (error cells, hidden rows): in place "
                         f"{guard['scan_all_ms'] - guard['scan_none_ms']:.2f} ms = {100 * guard['share']:.1f} %, in whole "
                         f"passes {100 * guard['whole_share']:+.1f} %; two passes that do the same work "
                         f"{100 * guard['control_share']:+.1f} % (what a whole-pass comparison is worth on this machine)")
    for n in sizes:
        r = ratio(results.get(("naive", n)), results.get(("end_to_end", n)))
        target = "  (target >= 10 at N=500 and 2000)" if n in (500, 2000) else ""
        lines.append(f"  N={n:<5} naive peer / consolidate end to end:       {_num(r)}{target}"
                     + (_verdict(r is not None and r >= 10) if n in (500, 2000) and r is not None else ""))
    lines.append("  re-runs (the plan read before, from the plan cache):")
    for n in sizes:
        r = ratio(results.get(("read_check_rerun", n)), results.get(("floor_read", n)))
        e = ratio(results.get(("naive", n)), results.get(("end_to_end_rerun", n)))
        lines.append(f"  N={n:<5} read+normalise+check / bare read: {_num(r)};  naive peer / end to end: {_num(e)}")
    for n in sizes:
        peak = max((results[(j, n)]["rss"] for j in ("end_to_end", "read_check", *RERUN_JOBS) if results.get((j, n))),
                   default=None)
        target = "  (target < 1536 MB at N=2000)" if n == 2000 else ""
        lines.append(f"  N={n:<5} peak RSS of our path (MB):                  "
                     f"{'n/a' if peak is None else f'{peak:.0f}'}{target}"
                     + (_verdict(peak < 1536) if n == 2000 and peak is not None else ""))
    return "\n".join(lines)


def _num(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.2f}"


def _verdict(ok: bool) -> str:
    return "  met" if ok else "  NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,2000", help="comma-separated N (default 50,500,2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per job and N; the median is shown")
    parser.add_argument("--cache", type=Path, help="folder of the generated sets, reused (default: a temp dir)")
    parser.add_argument("--skip-naive-above", type=int, default=None, metavar="N",
                        help="do not run the naive peer for sizes above N (default: run it for all)")
    parser.add_argument("--quick", action="store_true", help="N=5, repeat 1 (the CI smoke test)")
    parser.add_argument("--jobs", default=",".join(JOBS), help="comma-separated subset of " + ",".join(JOBS))
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    # child mode
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)
    parser.add_argument("--set", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help="with --job: the N of the set in --cache")
    parser.add_argument("--profile", help="with --job: cProfile the job, write the stats to this file")
    args = parser.parse_args(argv)

    if args.job:
        folder = args.set
        if folder is None:
            if args.cache is None or args.n is None:
                parser.error("--job needs --cache DIR and --n N")
            folder = ensure_set(args.cache, args.n)
        print(json.dumps(run_job_here(args.job, folder, args.profile)))
        return 0

    sizes = [5] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    repeat = 1 if args.quick else args.repeat
    jobs = [j for j in args.jobs.split(",") if j]
    unknown = set(jobs) - set(JOBS)
    if unknown:
        parser.error(f"unknown jobs: {', '.join(sorted(unknown))}")
    temp = None
    cache = args.cache
    if cache is None:
        temp = tempfile.TemporaryDirectory(prefix="bench-consolidate-")
        cache = Path(temp.name)
    try:
        results: dict = {}
        raw: list = []
        for n in sizes:
            folder = ensure_set(cache, n)
            here = [job for job in jobs
                    if not (job == "naive" and args.skip_naive_above is not None and n > args.skip_naive_above)]
            for job in here:
                if job in RERUN_JOBS:
                    run_job_child(job, folder)      # fills the plan cache; not counted
            runs: dict[str, list[dict]] = {job: [] for job in here}
            for i in range(repeat):                 # the jobs in turn, round after round: a machine whose
                for job in here:                    # speed drifts weighs on every job alike
                    run = run_job_child(job, folder)
                    runs[job].append(run)
                    print(f"N={n} {job} run {i + 1}/{repeat}: {run['seconds']:.2f} s"
                          + (f" (CPU {run['cpu_seconds']:.2f} s)" if "cpu_seconds" in run else "")
                          + f", {run['rss_mb']:.0f} MB"
                          + "".join(f", {k}={run[k]}" for k in ("files", "rows", "findings", "mismatches", "codes")
                                    if k in run)
                          + (f", a return {run['all_ms']} ms with every search ({run['scan_all_ms']} in the scan), "
                             f"{run['no_far_ms']} without the far-cell one ({run['scan_no_far_ms']}), "
                             f"{run['none_ms']} without any ({run['scan_none_ms']})" if job == "guard" else ""),
                          file=sys.stderr, flush=True)
            for job in here:
                results[(job, n)] = {"median": statistics.median(r["seconds"] for r in runs[job]),
                                     "rss": max(r["rss_mb"] for r in runs[job]), "runs": runs[job]}
                if job == "guard":
                    for key in ("all_ms", "no_far_ms", "none_ms", "control_ms", "scan_all_ms", "scan_no_far_ms",
                                "scan_none_ms", "scan_control_ms", "far_share", "far_whole_share", "share",
                                "whole_share", "control_share"):
                        results[(job, n)][key] = statistics.median(r[key] for r in runs[job])
                if all("cpu_seconds" in r for r in runs[job]):
                    results[(job, n)]["cpu"] = statistics.median(r["cpu_seconds"] for r in runs[job])
                raw.append({"job": job, "n": n, "runs": runs[job]})
        print(f"nproc {os.cpu_count()}, Python {sys.version.split()[0]}, {ACTIVITIES} activities per return, "
              f"cache {cache}")
        print(report(results, sizes, repeat))
        if args.json:
            args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if temp is not None:
            temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
