"""The orchestrator: each job is the list of its stages, read -> normalise -> check (-> write)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .agencies import Registry, default_registry
from .checks import run_checks
from .findings import ToolError
from .normalise import Plan, normalise
from .notation import parse_number
from .tables import find_tables, read_titles
from .workbook import Book, FileProblem, open_book

__all__ = ["read_plan", "plan_from_book", "BUNDLED_PLAN", "bundled_plan_path"]

BUNDLED_PLAN = Path("workbooks") / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"


def bundled_plan_path() -> Path:
    """The bundled 2018 Đắk Lắk plan, from the checkout this package runs in (or the current folder)."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (base / BUNDLED_PLAN).exists():
            return base / BUNDLED_PLAN
    raise ToolError(f"the bundled plan {BUNDLED_PLAN} is not here: run from the cchc-xlsx checkout")


def read_plan(path: str | Path, *, year: int | None = None, registry: Registry | None = None) -> Plan:
    """Read a decision's Phụ lục 1 and 2 into frames and check them.

    Raises FileProblem when the file cannot be read at all or holds no decision table.
    """
    book = open_book(path)                                          # read
    plan = plan_from_book(book, year=year, registry=registry)       # find tables, normalise
    plan.findings.extend(run_checks(plan))                          # check
    return plan


def plan_from_book(book: Book, *, year: int | None = None, registry: Registry | None = None) -> Plan:
    """The decision's tables of an opened workbook as a Plan (findings of reading only, no checks)."""
    registry = registry or default_registry()
    path = book.path
    tables = find_tables(book)
    if not tables:
        raise FileProblem(path, "không tìm thấy bảng Phụ lục 1 hay Phụ lục 2 (cần dòng tiêu đề có «STT» và «Nội dung công việc»)",
                          "no Phụ lục 1 or Phụ lục 2 table found (a header row with «STT» and «Nội dung công việc» is needed)")
    titles = read_titles(book)
    plan_year = year or titles.year or _year_from_months(tables)
    records, findings, totals = normalise(tables, path, plan_year, registry)
    plan = Plan.from_records(records, year=plan_year, province=titles.province, decision=titles.decision,
                             decision_date=titles.decision_date, registry=registry, findings=findings)
    if "stated_total_raw" in totals:
        plan.stated_total = _number_or_none(totals["stated_total_raw"])
        plan.stated_total_at = totals["stated_total_at"]
    if "allocation_total_raw" in totals:
        plan.allocation_total = _number_or_none(totals["allocation_total_raw"])
    return plan


def _number_or_none(value: object) -> float | None:
    try:
        return parse_number(value)
    except ValueError:
        return None


def _year_from_months(tables) -> int:
    """The plan year when no title says it: the year most month cells name, else this year."""
    import datetime
    import re
    years: Counter[int] = Counter()
    for table in tables:
        for row in table.rows:
            for name in ("month_from", "month_to"):
                match = re.search(r"(\d{4})", str(row.values.get(name) or ""))
                if match:
                    years[int(match.group(1))] += 1
    return years.most_common(1)[0][0] if years else datetime.date.today().year
