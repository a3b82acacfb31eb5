"""Benchmark: `cchc-xlsx diff` on two versions of a synthetic plan (default 209 agencies × 120 = 25 080 activities).

    python scripts/bench_diff.py [--agencies 209] [--activities 120] [--repeat 3]

The old plan is ``cchc_xlsx.synthetic``'s; the new one is the old one edited in both appendices:
every 40th output gets an activity inserted in its middle (the later codes shift), every 40th
(another one) loses its third activity (the later codes shift), and in the other outputs some
activities have their budget changed, their content reworded or their lead changed. The
synthetic plan draws its contents from a dozen sentences, so most outputs hold identical contents:
a hard case for matching by content. Prints the time to read each plan, to compare them (median of
``--repeat``), to make the JSON and to write the workbook; the peak memory; and the counts found
against the counts of the edits made.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import python_calamine
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc_xlsx import Registry, read_plan  # noqa: E402
from cchc_xlsx.diff import diff_plans  # noqa: E402
from cchc_xlsx.notation import parse_number  # noqa: E402
from cchc_xlsx.synthetic import write_synthetic_plan  # noqa: E402
from cchc_xlsx.write.diff_book import write_diff_book  # noqa: E402

INSERTED = "Khảo sát nhu cầu bồi dưỡng kỹ năng chuyển đổi số cho công chức cấp xã, đợt {n}"


def edited_plan(old: Path, new: Path, leads: list[str]) -> dict[str, int]:
    """Write ``new``: ``old`` with the edits of the module's doc; return how many of each were made."""
    book = python_calamine.CalamineWorkbook.from_path(str(old))
    expected = {"added": 0, "removed": 0, "renumbered": 0, "budget": 0, "content": 0, "lead": 0}
    out = xlsxwriter.Workbook(str(new), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    for name in ("Phụ lục 1", "Phụ lục 2"):
        grid = book.get_sheet_by_name(name).to_python()
        rows = _edit(grid, plan_sheet=name == "Phụ lục 1", counts=expected if name == "Phụ lục 1" else {}, leads=leads)
        ws = out.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    ws.write_string(r, c, value)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
    out.close()
    return expected


def _edit(grid: list[list], *, plan_sheet: bool, counts: dict, leads: list[str]) -> list[list]:
    out: list[list] = []
    i, output = 0, -1
    while i < len(grid):
        row = list(grid[i])
        out.append(row)
        i += 1
        if not str(row[0]).startswith("Kết quả đầu ra "):
            continue
        output += 1
        code = str(row[0]).split()[-1]
        group = []
        while i < len(grid) and str(grid[i][0]).startswith("Hoạt động "):
            group.append(list(grid[i]))
            i += 1
        out.extend(_edit_output(output, code, group, plan_sheet, counts, leads))
    return out


def _count(counts: dict, key: str, n: int = 1) -> None:
    if counts:
        counts[key] += n


def _edit_output(n: int, code: str, group: list[list], plan_sheet: bool, counts: dict, leads: list[str]) -> list[list]:
    if n % 40 == 0 and group:
        middle = len(group) // 2
        new = [""] * len(group[0])
        new[1] = INSERTED.format(n=n)
        if plan_sheet:
            new[4:9] = ["Tháng 03", "Tháng 06", "12", group[0][7], ""]
        else:
            new[4] = "01 lần"
        group.insert(middle, new)
        _count(counts, "added")
        _count(counts, "renumbered", len(group) - middle - 1)
    elif n % 40 == 20 and len(group) > 3:
        del group[2]
        _count(counts, "removed")
        _count(counts, "renumbered", len(group) - 2)
    else:
        for position, row in enumerate(group):
            key = n * 1000 + position
            if key % 61 == 0:
                row[1] = f"{row[1]} (bổ sung)"
                _count(counts, "content")
            if plan_sheet and key % 25 == 0:
                row[6] = f"{parse_number(row[6]) + 1:g}".replace(".", ",")
                _count(counts, "budget")
            if plan_sheet and key % 149 == 0:
                row[7] = leads[(leads.index(row[7]) + 1) % len(leads)] if row[7] in leads else leads[0]
                _count(counts, "lead")
    for k, row in enumerate(group, start=1):
        row[0] = f"Hoạt động {code}.{k}"
    return group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=209)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old_path, agencies = write_synthetic_plan(folder, args.agencies, args.activities)
        leads = [f"Sở Thử nghiệm {k:03d}" for k in range(1, args.agencies + 1)]
        expected = edited_plan(old_path, folder / "moi.xlsx", leads)
        registry = Registry.load(agencies)
        start = time.perf_counter()
        old = read_plan(old_path, registry=registry)
        read_old = time.perf_counter() - start
        start = time.perf_counter()
        new = read_plan(folder / "moi.xlsx", registry=registry)
        read_new = time.perf_counter() - start
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            diff = diff_plans(old, new)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        diff.to_json()
        json_s = time.perf_counter() - start
        start = time.perf_counter()
        write_diff_book(diff, folder / "so-sanh.xlsx")
        book_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = diff.counts()
        found = {"added": counts["added"], "removed": counts["removed"], "renumbered": counts["renumbered"],
                 **{f: sum(1 for r in diff.matched if f in r.fields) for f in ("budget", "content", "lead")}}
        activities = int((old.plan["level"] == "activity").sum())
        print(f"plans: {activities} / {int((new.plan['level'] == 'activity').sum())} activities, "
              f"{len(old.plan)} / {len(new.plan)} rows; read in {read_old:.2f} s / {read_new:.2f} s")
        print(f"diff: {statistics.median(times):.2f} s (median of {args.repeat}; "
              f"{', '.join(f'{t:.2f}' for t in times)}; CPU {statistics.median(cpu):.2f} s); "
              f"JSON {json_s:.2f} s; workbook {book_s:.2f} s; "
              f"peak RSS {peak_mb:.0f} MB")
        print(f"edits made:  {expected}")
        print(f"found:       {found}")
        print(f"uncertain matches: {counts['uncertain']}, moved: {counts['moved']}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
