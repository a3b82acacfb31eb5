#!/usr/bin/env python3
"""Benchmark the consolidated workbook writer on a synthetic plan of many activity rows.

Builds a plan of N activities (default 100 000; 10 tasks, outputs of 50 activities each, 20 funded
agencies, realistic Vietnamese texts, blank budgets and findings), then times ``write_workbook`` and
reports the peak resident memory it added (``resource.getrusage``). ``--sheets`` adds the time of
each sheet; ``--tracemalloc`` the peak of Python allocations (slower).

Without ``--activities`` it runs 1 000, 10 000 and 100 000 activities, each in a fresh interpreter
(so that each peak RSS is its own), and prints one line per size.

Usage::

    python scripts/bench_write.py                      # the three sizes
    python scripts/bench_write.py [--activities 100000] [-o /tmp/bench.xlsx] [--sheets] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc_xlsx.findings import Finding  # noqa: E402
from cchc_xlsx.normalise import Plan, to_frames  # noqa: E402
from cchc_xlsx.result import RETURN_COLUMNS, SOURCE_COLUMNS, Consolidation  # noqa: E402

AGENCIES = ["Sở Nội vụ", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư",
            "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch",
            "Cổng Thông tin điện tử tỉnh", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng",
            "Sở Giao thông vận tải", "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn",
            "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội", "Thanh tra tỉnh",
            "Ban Dân tộc", "Sở Ngoại vụ"]
FREQUENCIES = [("Hàng quý", "quarterly", 4), ("01 lần", "times", 1), ("Thường xuyên", "continuous", None),
               ("02 lần", "times", 2), ("Hàng tháng", "monthly", 12), ("6 tháng", "semiannual", 2),
               ("Theo yêu cầu", "on_request", None), ("", "missing", None)]
CONTENT = "Tổ chức triển khai, kiểm tra, đôn đốc việc thực hiện nhiệm vụ cải cách hành chính số {}"
INDICATOR = "100% cơ quan, đơn vị thực hiện đúng tiến độ; kết quả được đánh giá, báo cáo đầy đủ, kịp thời"
EVIDENCE = "Báo cáo của cơ quan chủ trì; văn bản chỉ đạo, kế hoạch và biên bản kiểm tra kèm theo"
CELLS_1 = "code=A,content=B,indicator=C,evidence=D,month_from=E,month_to=F,budget=G,lead=H,partners=I"
CELLS_2 = "code=A,content=B,indicator=C,evidence=D,frequency=E,collector=F,reporter=G"


def synthetic_consolidation(activities: int = 100_000, tasks: int = 10, per_output: int = 50) -> Consolidation:
    """A plan of ``activities`` activity rows, with an allocation that matches, returns and findings."""
    outputs_per_task = max(1, activities // (tasks * per_output))
    plan_rows, monitoring_rows, findings = [], [], []
    spent: dict[str, int] = {}
    n = 0
    row = 8
    for t in range(1, tasks + 1):
        task = f"{t}"
        plan_rows.append(_plan_row("task", task, None, f"NHIỆM VỤ CẢI CÁCH SỐ {t}", "", row))
        monitoring_rows.append(_monitoring_row("task", task, None, "Hàng quý", "quarterly", 4, row))
        row += 1
        for o in range(1, outputs_per_task + 1):
            output = f"{t}.{o}"
            plan_rows.append(_plan_row("output", output, task, f"Kết quả đầu ra {output}", "", row))
            monitoring_rows.append(_monitoring_row("output", output, task, "Hàng quý", "quarterly", 4, row))
            row += 1
            for a in range(1, per_output + 1):
                if n >= activities:
                    break
                code = f"{output}.{a}"
                agency = AGENCIES[n % len(AGENCIES)]
                budget = None if n % 97 == 0 else round((n % 500) * 0.1 + 1, 1)
                plan_rows.append(_plan_row("activity", code, output, CONTENT.format(n), agency, row,
                                           budget=budget, month_from=1 + n % 6, month_to=7 + n % 6))
                text, kind, per_year = FREQUENCIES[n % len(FREQUENCIES)]
                monitoring_rows.append(_monitoring_row("activity", code, output, text, kind, per_year, row))
                if budget is None:
                    findings.append(Finding("budget-missing", agency=agency, file=f"{agency}.xlsx",
                                            sheet="Phụ lục 1", cell=f"G{row}", row_code=code, field="budget"))
                else:
                    spent[agency] = spent.get(agency, 0) + round(budget * 1_000_000)
                row += 1
                n += 1
    allocation = [{"agency": a, "agency_text": a, "amount_dong": d, "amount": d / 1e6, "file": "plan.xlsx",
                   "sheet": "Phụ lục 1", "row": row + k, "cells": "agency=A,amount=C"}
                  for k, (a, d) in enumerate(spent.items())]
    plan_frame, monitoring, allocation_frame = to_frames(
        {"plan": plan_rows, "monitoring": monitoring_rows, "allocation": allocation})
    plan = Plan(plan_frame, monitoring, allocation_frame, year=2018, province="Đắk Lắk",
                decision="3598/QĐ-UBND", decision_date="28/12/2017", findings=findings)
    sources = pd.DataFrame([{"agency": a, "file": f"{a}.xlsx", "path": f"/nonexistent/{a}.xlsx", "size": 30_000 + k,
                             "sha256": f"{k:064x}", "template_version": "1", "rows_read": activities // 20,
                             "rows_used": activities // 20, "findings": 0, "status": "used"}
                            for k, a in enumerate(AGENCIES)], columns=SOURCE_COLUMNS)
    returns = pd.DataFrame([{"agency": a, "expected": True, "received": k % 5 != 0, "file": f"{a}.xlsx",
                             "errors": k % 3, "warnings": k % 4,
                             "status": "missing" if k % 5 == 0 else ("errors" if k % 3 else "received")}
                            for k, a in enumerate(AGENCIES)], columns=RETURN_COLUMNS)
    return Consolidation(plan, findings, sources, returns, None, plan_file="plan.xlsx")


def _plan_row(level, code, parent, content, agency, row, *, budget=None, month_from=None, month_to=None) -> dict:
    month = month_from is not None
    return {
        "level": level, "code": code, "parent_code": parent, "content": content,
        "indicator": INDICATOR if level != "task" else "", "evidence": EVIDENCE if level == "activity" else "",
        "month_from": month_from, "year_from": 2018 if month else None, "from_kind": "month" if month else "missing",
        "from_text": f"Tháng {month_from:02d}" if month else "",
        "month_to": month_to, "year_to": 2018 if month else None, "to_kind": "month" if month else "missing",
        "to_text": f"Tháng {month_to:02d}" if month else "",
        "budget": float("nan") if budget is None else budget,
        "budget_text": "" if budget is None else str(budget).replace(".", ","),
        "lead": agency, "lead_agencies": [agency] if agency else [], "partners": "Các sở, ban, ngành liên quan",
        "partner_agencies": [], "funded_agency": agency, "file": "plan.xlsx", "sheet": "Phụ lục 1", "row": row,
        "cells": CELLS_1,
    }


def _monitoring_row(level, code, parent, text, kind, per_year, row) -> dict:
    return {"level": level, "code": code, "parent_code": parent, "content": f"Nội dung {code}",
            "indicator": INDICATOR, "evidence": EVIDENCE, "frequency": text, "frequency_kind": kind,
            "collections_per_year": per_year, "collector": "Phòng Cải cách hành chính - Sở Nội vụ" if level != "activity" else "",
            "reporter": "", "file": "plan.xlsx", "sheet": "Phụ lục 2", "row": row, "cells": CELLS_2}


def _month_findings(consolidation: Consolidation, every: int) -> list[Finding]:
    """A ``month-order`` finding on every ``every``-th activity (its end month cell)."""
    activities = consolidation.plan.plan[consolidation.plan.plan["level"] == "activity"]
    return [Finding("month-order", agency=agency, file=f"{agency}.xlsx", sheet="Phụ lục 1", row_code=code,
                    field="month_to", found="Tháng 1", expected="Tháng 7")
            for code, agency in list(zip(activities["code"], activities["funded_agency"]))[::every]]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _time_sheets() -> dict[str, float]:
    """Time each sheet writer (wraps the functions ``write_workbook`` calls)."""
    import cchc_xlsx.write as write

    times: dict[str, float] = {}
    for name in [n for n in vars(write) if n.startswith("write_") and n.endswith("_sheet")]:
        function = getattr(write, name)

        def timed(*args, _function=function, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                times[_name] = time.perf_counter() - start

        setattr(write, name, timed)
    return times


SIZES = (1_000, 10_000, 100_000)


def _sizes(sizes, extra: list[str]) -> int:
    """Each size in a fresh interpreter; a summary line per size after its own report."""
    import platform
    import subprocess

    print(f"machine: {os.cpu_count()} CPU, Python {platform.python_version()}, {platform.platform()}")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--activities", str(n), *extra],
                             capture_output=True, text=True, check=True).stdout
        print(out.rstrip())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, help="one size (default: 1 000, 10 000 and 100 000 in turn)")
    parser.add_argument("-o", "--out", type=Path)
    parser.add_argument("--tracemalloc", action="store_true", help="also report the peak of Python allocations")
    parser.add_argument("--sheets", action="store_true", help="also report the time spent on each sheet")
    parser.add_argument("--marked", type=int, default=0, metavar="K",
                        help="also a finding on the months of every K-th activity: more cells filled and commented "
                             "on Phụ lục 1 (K=1: every activity)")
    args = parser.parse_args(argv)
    if args.activities is None:
        return _sizes(SIZES, [a for a in (argv if argv is not None else sys.argv[1:])])
    from cchc_xlsx.write import write_workbook

    sheet_times = _time_sheets() if args.sheets else {}

    t0 = time.perf_counter()
    consolidation = synthetic_consolidation(args.activities)
    if args.marked:
        consolidation.findings += _month_findings(consolidation, args.marked)
    built = time.perf_counter() - t0
    rows = len(consolidation.plan.plan)
    scratch = None if args.out else tempfile.TemporaryDirectory(prefix="cchc-bench-")
    out = args.out or Path(scratch.name) / "tong-hop.xlsx"
    if args.tracemalloc:
        import tracemalloc
        tracemalloc.start()
    before = _rss_mb()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    write_workbook(consolidation, out)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"synthetic plan: {args.activities:,} activities, {rows:,} Phụ lục 1 rows (built in {built:.1f} s)")
    print(f"findings: {len(consolidation.findings):,}")
    print(f"write_workbook: {elapsed:.1f} s (CPU {cpu:.1f} s), {out.stat().st_size / 2**20:.1f} MB written"
          + (f" to {out}" if args.out else ""))
    print(f"memory: RSS {before:.0f} MB before writing, peak {peak:.0f} MB "
          f"(+{max(0.0, peak - max(before, peak_before)):.0f} MB above the earlier peak, "
          f"+{peak - before:.0f} MB above the RSS before writing)")
    for name, seconds in sheet_times.items():
        print(f"  {name}: {seconds:.1f} s")
    if args.tracemalloc:
        current, top = tracemalloc.get_traced_memory()
        print(f"tracemalloc: peak of Python allocations while writing {top / 2**20:.1f} MB")
    if scratch is not None:
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
