#!/usr/bin/env python3
"""Build the bundled progress returns of the 2018 Đắk Lắk plan for 6 tháng, in
``workbooks/daklak-2018/progress-6-thang/``.

Each return starts from the progress template ``cchc-xlsx progress-templates --period 6-thang``
writes, filled with openpyxl as the agency would fill it by hand: an activity whose end month is
past is done (100 %, its evidence, its whole budget disbursed); a running one is in progress at the
share of its months elapsed by 30/6, with that share of its budget disbursed. On top of that, the
planted defects, each in one named row (the folder's README.md lists them with the findings they
must produce; tests/golden/progress-6-thang-findings.csv is the reviewed list):

* Văn phòng UBND tỉnh: 2.2.4 disbursed 45,5 (typed as text) against 43 planned — ``disbursed-over-plan``;
* Sở Nội vụ: 3.2.1 done without its evidence — ``done-without-evidence``; 4.5.1 (Tháng 01–02)
  still in progress — ``overdue``;
* Sở Thông tin và Truyền thông: sent twice; the first (6.2.5 still in progress) is superseded by
  the one saved later, in another folder — ``duplicate-return``;
* Sở Khoa học và Công nghệ: filled, then opened and saved again by LibreOffice (no defect: it must
  read as any other);
* Sở Tài chính: sends nothing — ``return-missing`` and ``report-missing`` for 5.1.1 and 5.2.1.

The .xlsx files written with openpyxl are byte-identical from run to run (fixed document times and
zip dates, as scripts/build_sample_returns.py saves them); the one LibreOffice saves is not.

Usage::

    python scripts/build_progress_sample.py [-o DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

import openpyxl

from cchc_xlsx import bundled_plan_path, read_plan
from cchc_xlsx.office import convert
from cchc_xlsx.periods import period
from cchc_xlsx.progress.model import plan_activities
from cchc_xlsx.progress.template import ProgressTemplateOptions, write_progress_templates
from cchc_xlsx.progress.words import SHEET, STATUSES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "workbooks" / "daklak-2018" / "progress-6-thang"
GENERATED_AT = dt.datetime(2018, 6, 20, 8, 0)     # when the Sở Nội vụ wrote the templates


def _returns_builder():
    """scripts/build_sample_returns.py, for its deterministic ``save`` (one way to save, not two)."""
    spec = importlib.util.spec_from_file_location("build_sample_returns", ROOT / "scripts" / "build_sample_returns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def honest_values(plan) -> dict[str, dict]:
    """What every agency reports when nothing goes wrong (see the module doc)."""
    when = period("6-thang", plan.year)
    values = {}
    for i, a in enumerate(plan_activities(plan, when)):
        if not a.schedule.listed:
            continue
        if a.schedule.ended:
            values[a.code] = {"status": STATUSES["done"], "percent": 100, "disbursed": a.planned_or_zero,
                              "evidence": f"Báo cáo số {100 + i}/BC ngày {min(28, 5 + i)}/6/2018"}
            continue
        window = a.schedule.window
        share = sum(1 for m in window if m <= when.end_month) / len(window) if window else 0.5
        values[a.code] = {"status": STATUSES["in_progress"], "percent": round(share * 100),
                          "disbursed": round(a.planned_or_zero * share, 1),
                          "evidence": f"Công văn số {200 + i}/CV ngày 15/6/2018" if i % 2 else ""}
    return values


def fill(template: Path, values: dict[str, dict]) -> openpyxl.Workbook:
    book = openpyxl.load_workbook(template)
    ws = book[SHEET]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Mã")
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    names = {"status": "Tình trạng", "percent": "Tỷ lệ hoàn thành (%)",
             "disbursed": "Kinh phí đã giải ngân lũy kế (triệu đồng)",
             "evidence": "Tài liệu kiểm chứng đã có (số/ký hiệu, ngày)", "difficulties": "Khó khăn, vướng mắc",
             "proposals": "Đề xuất"}
    for r in range(header + 1, ws.max_row + 1):
        for field, value in values.get(ws.cell(r, 1).value, {}).items():
            ws.cell(r, columns[names[field]]).value = value
    return book


def build(out: Path) -> list[Path]:
    save = _returns_builder().save
    plan = read_plan(bundled_plan_path())
    values = honest_values(plan)
    if out.exists():
        shutil.rmtree(out / "lan-1", ignore_errors=True)
        for old in out.glob("*.xlsx"):
            old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="cchc-progress-") as tmp:
        work = Path(tmp)
        templates = write_progress_templates(plan, period("6-thang", plan.year), work / "templates",
                                             ProgressTemplateOptions(generated_at=GENERATED_AT, deadline="05/07/2018"))
        t = {path.name.removeprefix("cchc-2018-tien-do-6-thang-").removesuffix(".xlsx"): path for path in templates}

        def send(agency: str, changes: dict[str, dict], saved: dt.datetime, target: Path | None = None) -> Path:
            mine = {code: dict(v) for code, v in values.items()}
            for code, change in changes.items():
                mine[code] = {**mine[code], **change}
            path = target or out / t[agency].name
            path.parent.mkdir(parents=True, exist_ok=True)
            written.append(save(fill(t[agency], mine), path, saved, created=GENERATED_AT))
            return path

        send("so-tu-phap", {}, dt.datetime(2018, 7, 2, 9, 10))
        send("van-phong-ubnd-tinh", {"2.2.4": {"disbursed": "45,5", "difficulties": "Phát sinh chi phí in ấn"}},
             dt.datetime(2018, 7, 3, 14, 0))
        send("so-noi-vu", {"3.2.1": {"evidence": ""},
                           "4.5.1": {"status": STATUSES["in_progress"], "percent": 70, "evidence": "",
                                     "difficulties": "Chờ ý kiến các sở, ngành"}},
             dt.datetime(2018, 7, 4, 16, 30))
        send("so-thong-tin-va-truyen-thong", {"6.2.5": {"status": STATUSES["in_progress"], "percent": 80,
                                                        "evidence": ""}},
             dt.datetime(2018, 7, 2, 10, 0), out / "lan-1" / t["so-thong-tin-va-truyen-thong"].name)
        send("so-thong-tin-va-truyen-thong", {}, dt.datetime(2018, 7, 5, 8, 15))
        staged = send("so-khoa-hoc-va-cong-nghe", {}, dt.datetime(2018, 7, 3, 9, 0), work / "lo" / "khcn.xlsx")
        produced = convert(staged, "xlsx", work / "lo-out")                    # saved again by LibreOffice
        target = out / t["so-khoa-hoc-va-cong-nghe"].name
        shutil.move(produced, target)
        written[-1] = target
        send("so-van-hoa-the-thao-va-du-lich", {}, dt.datetime(2018, 7, 4, 8, 0))
        send("cong-thong-tin-dien-tu-tinh", {}, dt.datetime(2018, 7, 5, 15, 45))
        # the Sở Tài chính sends nothing
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for path in build(args.output):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
