#!/usr/bin/env python3
"""Load the intake portal (issue 15): N agencies upload real returns at once to `cchc-xlsx serve`
on 127.0.0.1, while the pages are read; then the server is restarted and the register read again.

The plan is a synthetic one of N agencies (cchc_xlsx.synthetic), each return the agency's own
template as the portal hands it out, every 10th with a month typed «Tháng 13». Prints the figures
(JSON with --json) that the README quotes. Bounded: N uploads, one each, and timeouts on every wait.

Usage::

    python scripts/bench_portal.py [-n 50] [--activities 12] [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from portal_helpers import csrf_of, path_of, start_server, stop_server  # noqa: E402

PASSWORD = "bench-portal"


def _return(template: bytes, wrong: bool) -> bytes:
    """The agency's template, with its first activity's start month «Tháng 13» when ``wrong``."""
    if not wrong:
        return template
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Phụ lục 1"]
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value or "").startswith("Hoạt động"))
    sheet.cell(row, 5).value = "Tháng 13"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(folder: Path, n: int = 50, activities: int = 12, workers: int = 2, timeout: float = 600) -> dict:
    """The load run in ``folder``; returns the figures and what was checked (see main)."""
    import httpx

    from cchc_xlsx.synthetic import write_synthetic_plan

    plan, agencies = write_synthetic_plan(folder / "plan", agencies=n, activities_per_agency=activities,
                                          outputs_per_agency=2)
    data = folder / "data"
    started = time.perf_counter()
    process, base = start_server(data, str(plan), "--agencies", str(agencies), "--workers", str(workers),
                                 password=PASSWORD, timeout=timeout)
    figures: dict = {"agencies": n, "activities_per_agency": activities, "workers": workers,
                     "start_s": round(time.perf_counter() - started, 1)}
    try:
        links = json.loads(subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "links", "--data", str(data),
                                           "--base-url", base, "--json"], capture_output=True, text=True, check=True,
                                          env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)
        assert len(links) == n, f"{len(links)} links for {n} agencies"
        with httpx.Client(timeout=60) as client:
            returns = {}
            for i, (agency, url) in enumerate(links.items()):
                returns[agency] = _return(client.get(url + "/template").content, wrong=i % 10 == 0)

        latencies: list[float] = []
        page_failures: list[str] = []
        stop = threading.Event()

        def read_pages() -> None:           # a person reading pages while the uploads arrive
            urls = [base + "/healthz", next(iter(links.values()))]
            with httpx.Client(timeout=30) as reader:
                while not stop.is_set():
                    for url in urls:
                        t = time.perf_counter()
                        try:
                            status = reader.get(url).status_code
                        except httpx.HTTPError as error:
                            status = type(error).__name__
                        latencies.append(time.perf_counter() - t)
                        if status != 200:
                            page_failures.append(f"{url}: {status}")
                    time.sleep(0.05)

        def upload(agency: str) -> str:
            with httpx.Client(timeout=120) as client:
                page = client.get(links[agency])
                answer = client.post(links[agency] + "/upload", data={"csrf": csrf_of(page.text)},
                                     files={"file": (f"bao-cao-{hashlib.sha1(agency.encode()).hexdigest()[:6]}.xlsx",
                                                     returns[agency])})
                assert answer.status_code == 303, answer.text
                return path_of(answer.headers["location"])

        reader = threading.Thread(target=read_pages, daemon=True)
        reader.start()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            locations = dict(zip(links, pool.map(upload, links)))
        figures["all_received_s"] = round(time.perf_counter() - t0, 2)
        results = {}
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + timeout
            for agency, location in locations.items():
                while True:
                    answer = client.get(base + location + ".json").json()
                    if answer["status"] == "done":
                        results[agency] = answer
                        break
                    assert time.monotonic() < deadline, f"{agency}: not checked in {timeout} s"
                    time.sleep(0.2)
        figures["all_checked_s"] = round(time.perf_counter() - t0, 2)
        stop.set()
        reader.join()
        figures["page_requests"] = len(latencies)
        figures["page_failures"] = len(page_failures)
        figures["page_median_ms"] = round(statistics.median(latencies) * 1000, 1) if latencies else None
        figures["page_p95_ms"] = round(sorted(latencies)[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None
        figures["page_max_ms"] = round(max(latencies) * 1000, 1) if latencies else None
        checked = {"results": results, "sent": {a: hashlib.sha256(b).hexdigest() for a, b in returns.items()}}
    finally:
        stop_server(process)

    # a restart: the register and the files as they were
    process, base = start_server(data, str(plan), "--agencies", str(agencies), password=PASSWORD, timeout=timeout)
    try:
        with httpx.Client(timeout=30) as client:
            checked["after_restart"] = {agency: client.get(base + location + ".json").json()
                                        for agency, location in locations.items()}
            checked["files_after_restart"] = {agency: hashlib.sha256(client.get(base + location + "/file").content).hexdigest()
                                              for agency, location in locations.items()}
    finally:
        stop_server(process)
    return {"figures": figures, **checked}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50, help="agencies uploading at once (default 50)")
    parser.add_argument("--activities", type=int, default=12, help="activities per agency (default 12)")
    parser.add_argument("--workers", type=int, default=2, help="check processes (default 2)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-portal-") as tmp:
        result = run(Path(tmp), args.n, args.activities, args.workers)
    lost = [a for a, sha in result["sent"].items() if result["results"].get(a, {}).get("sha256") != sha]
    result["figures"]["lost"] = len(lost)
    result["figures"]["with_errors"] = sum(1 for r in result["results"].values() if r["severity_counts"]["error"])
    if args.json:
        print(json.dumps(result["figures"], indent=1))
    else:
        for key, value in result["figures"].items():
            print(f"{key:24} {value}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
