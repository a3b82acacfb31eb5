"""Benchmark: `cchc-xlsx templates` for a synthetic plan of many agencies (default 200 × 120 activities).

    python scripts/bench_templates.py [--agencies 200] [--activities 120] [--repeat 3]

Prints the median wall time of writing every template (plus the all-rows workbook), the time to read
the plan, and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import tempfile
import time
from pathlib import Path

from cchc_xlsx import Registry, read_plan
from cchc_xlsx.synthetic import write_synthetic_plan
from cchc_xlsx.templates import TemplateOptions, write_templates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan_path, agencies = write_synthetic_plan(folder, args.agencies, args.activities)
        start = time.perf_counter()
        plan = read_plan(plan_path, registry=Registry.load(agencies))
        read_s = time.perf_counter() - start
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            paths = write_templates(plan, folder / f"out{i}", TemplateOptions(generated_at=dt.datetime(2030, 1, 1)))
            times.append(time.perf_counter() - start)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = len(plan.plan)
        print(f"plan: {args.agencies} agencies, {rows} rows; read in {read_s:.2f} s")
        print(f"templates: {len(paths)} files in {statistics.median(times):.2f} s (median of {args.repeat}; "
              f"{', '.join(f'{t:.2f}' for t in times)}); peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
