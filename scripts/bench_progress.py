#!/usr/bin/env python3
"""Benchmark: reading, checking and writing N agencies' progress returns, against ``consolidate`` on the
same N agencies' plan returns (issue 13: "a time of the same order"). Measures only.

    python scripts/bench_progress.py [--n 200] [--repeat 3] [--cache DIR] [--quick]

The set: the synthetic plan and N filled plan returns of scripts/bench_consolidate.py
(``ensure_set``: N agencies × 120 activities), plus, for the same plan, the N progress templates of
the year (``--period nam``: every activity listed) filled with openpyxl as an agency would (done, 100 %,
90 % of the budget disbursed, evidence; in every 20th return a few rows in progress and over plan,
typed as text), cached under ``--cache DIR/progress-n{N}``.
Each job runs in a fresh subprocess (``--job NAME``) and reports its seconds (after its imports)
and its peak RSS; the plan cache is off (``CCHC_XLSX_CACHE=off``), so both jobs read the plan.

- ``progress``: ``run_progress(returns, plan)`` + ``write_progress_book``;
- ``consolidate``: ``consolidate(returns, plan)`` + ``write_workbook``.
"""

from __future__ import annotations

import argparse
import importlib.util
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

ROOT = Path(__file__).resolve().parents[1]
JOBS = ("progress", "consolidate")
CACHE_VERSION = 2
DEFECT_EVERY = 20                 # every 20th agency's return has a few defects (over plan, overdue)


def _consolidate_bench():
    spec = importlib.util.spec_from_file_location("bench_consolidate", ROOT / "scripts" / "bench_consolidate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_progress_set(cache: Path, n: int) -> Path:
    """The folder of N filled progress returns for the synthetic plan of N agencies (generated when missing)."""
    bench = _consolidate_bench()
    plan_set = bench.ensure_set(cache, n)
    folder = cache / f"progress-n{n}"
    manifest = folder / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("version") == CACHE_VERSION:
        return folder
    import openpyxl

    from cchc_xlsx import Registry, read_plan
    from cchc_xlsx.periods import period
    from cchc_xlsx.progress.template import ProgressTemplateOptions, write_progress_templates
    from cchc_xlsx.progress.words import SHEET, STATUSES

    meta = json.loads((plan_set / "manifest.json").read_text(encoding="utf-8"))
    registry = Registry.load(plan_set / meta["agencies"])
    plan = read_plan(plan_set / meta["plan"], registry=registry)
    building = Path(tempfile.mkdtemp(prefix=f".progress-n{n}-", dir=cache))
    start = time.perf_counter()
    try:
        returns = building / "returns"
        paths = write_progress_templates(plan, period("nam", plan.year), returns,
                                         ProgressTemplateOptions(generated_at=bench.GENERATED_AT, registry=registry))
        for k, path in enumerate(paths):
            book = openpyxl.load_workbook(path)
            ws = book[SHEET]
            for r in range(7, ws.max_row + 1):
                code = ws.cell(r, 1).value
                if isinstance(code, str) and code.count(".") == 2:
                    planned = ws.cell(r, 4).value or 0
                    ws.cell(r, 8).value = STATUSES["done"]
                    ws.cell(r, 9).value = 100
                    ws.cell(r, 10).value = round(planned * 0.9, 1)
                    ws.cell(r, 11).value = f"Báo cáo số {r}/BC ngày 20/12"
                    if k % DEFECT_EVERY == 0 and r % 40 == 0:     # a defect now and then, as in real returns
                        ws.cell(r, 8).value = STATUSES["in_progress"]
                        ws.cell(r, 9).value = 60
                        ws.cell(r, 10).value = f"{planned + 1:g}".replace(".", ",")
            book.save(path)
        (building / "manifest.json").write_text(json.dumps({"version": CACHE_VERSION, "n": n, "returns": len(paths),
                                                            "plan_set": str(plan_set)}), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        building.rename(folder)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    print(f"generated {n} progress returns in {time.perf_counter() - start:.1f} s -> {folder}", file=sys.stderr)
    return folder


def run_job_here(name: str, cache: Path, n: int) -> dict:
    from cchc_xlsx import Registry

    bench = _consolidate_bench()
    plan_set = cache / f"n{n}"
    meta = json.loads((plan_set / "manifest.json").read_text(encoding="utf-8"))
    registry = Registry.load(plan_set / meta["agencies"])
    plan = plan_set / meta["plan"]
    from cchc_xlsx.consolidate import consolidate
    from cchc_xlsx.progress.job import run_progress
    from cchc_xlsx.write import write_workbook
    from cchc_xlsx.write.progress_book import write_progress_book

    out = Path(tempfile.mkdtemp(prefix="bench-progress-out-"))
    try:
        start = time.perf_counter()
        if name == "progress":
            files = sorted((cache / f"progress-n{n}" / "returns").iterdir())
            result = run_progress(files, plan, registry=registry, generated_at=bench.GENERATED_AT)
            write_progress_book(result, out / "tien-do.xlsx")
        else:
            files = bench.return_files(plan_set)
            result = consolidate(files, plan, registry=registry, generated_at=bench.GENERATED_AT)
            write_workbook(result, out / "tong-hop.xlsx")
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"seconds": seconds, "files": len(files), "findings": len(result.findings),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_job_child(name: str, cache: Path, n: int) -> dict:
    env = dict(os.environ, CCHC_XLSX_CACHE="off", PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    proc = subprocess.run([sys.executable, __file__, "--job", name, "--cache", str(cache), "--n", str(n)],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--quick", action="store_true", help="N = 5, one run (the CI smoke size)")
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.repeat = 5, 1
    if args.job:
        print(json.dumps(run_job_here(args.job, args.cache, args.n)))
        return 0
    cache = args.cache or Path(tempfile.mkdtemp(prefix="bench-progress-"))
    ensure_progress_set(cache, args.n)
    runs = {name: [run_job_child(name, cache, args.n) for _ in range(args.repeat)] for name in JOBS}
    seconds = {name: statistics.median(r["seconds"] for r in results) for name, results in runs.items()}
    print(f"N={args.n} agencies, median of {args.repeat}:")
    for name, results in runs.items():
        print(f"  {name:<12} {seconds[name]:7.2f} s  peak RSS {max(r['rss_mb'] for r in results):6.0f} MB  "
              f"{results[0]['files']} files, {results[0]['findings']} findings")
    print(f"  progress / consolidate: {seconds['progress'] / seconds['consolidate']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
