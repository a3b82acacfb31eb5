"""The orchestrator: each job is the list of its stages, read -> normalise -> check (-> write)."""

from __future__ import annotations

import datetime
import gc
import re
from collections import Counter
from collections.abc import Iterator
from itertools import chain
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .agencies import Registry, default_registry
from .checks import run_checks
from .findings import Finding, ToolError
from .merged import spread_merged
from .messages import register
from .forms import MISSING_ADVICE, TIME_COLUMN_LABEL, total_rule
from .normalise import DONG_THRESHOLD, MAX_AMOUNT_DONG, MAX_BUDGET, Plan, normalise, plausible
from .notation import TRIEU, clean_text, parse_number
from .tables import find_tables, title_lines, titles_from_lines
from .workbook import Book, FileProblem, each_sheet, open_book

__all__ = ["read_plan", "read_plan_file", "plan_from_book", "plan_part", "plan_from_parts", "PlanPart", "BUNDLED_PLAN", "bundled_plan_path"]

_YEAR = re.compile(r"(\d{4})")
BUNDLED_PLAN = Path("workbooks") / "daklak-2018" / "ke-hoach-cchc-daklak-2018.xlsx"


register({"pipeline.no-bundled-plan": (
    "Không có kế hoạch đi kèm {path} ở đây: hãy chạy trong thư mục mã nguồn cchc-xlsx, hoặc chỉ ra kế hoạch bằng --plan.",
    "The bundled plan {path} is not here: run from the cchc-xlsx checkout, or name the plan with --plan.")})


def bundled_plan_path() -> Path:
    """The bundled 2018 Đắk Lắk plan, from the checkout this package runs in (or the current folder)."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (base / BUNDLED_PLAN).exists():
            return base / BUNDLED_PLAN
    raise ToolError(key="pipeline.no-bundled-plan", path=str(BUNDLED_PLAN))


def read_plan(path: str | Path, *, year: int | None = None, registry: Registry | None = None) -> Plan:
    """Read a decision's Phụ lục 1 and 2 into frames and check them.

    Raises FileProblem when the file cannot be read at all or holds no decision table.
    """
    plan = read_plan_file(path, year=year, registry=registry)       # read, find tables, normalise
    plan.findings.extend(run_checks(plan))                          # check
    return plan


def read_plan_file(path: str | Path, *, year: int | None = None, registry: Registry | None = None,
                   reader: str = "calamine") -> Plan:
    """The decision's tables of a file as a Plan (findings of reading only, no checks).

    The file is read a sheet at a time, each sheet's cells let go before the next is read, so a
    plan of a quarter of a million rows does not hold all its cells and all its rows at once. The
    result is the one :func:`plan_from_book` gives for the whole book, which is what is read when
    the sheets depend on each other (see :func:`plan_from_parts`).
    """
    registry = registry or default_registry()
    parts = []
    inflated = None                   # the file's sheets as the scan left them (Book.inflated)
    with collector_paused():
        for book in each_sheet(path, reader=reader):
            parts.append(plan_part(book, year=year, registry=registry))
            inflated = book.inflated
            del book                  # its cells go before the next sheet is read
    plan = plan_from_parts(parts, Path(path), year=year, registry=registry)
    if plan is None:
        book = open_book(path, reader=reader)
        plan, inflated = plan_from_book(book, year=year, registry=registry), book.inflated
        del book
    from .returns import plan_formulas      # returns reads with this module: imported when used
    plan.findings.extend(plan_formulas(plan, Path(path), registry, inflated))   # formulas saved without a value
    return plan


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, then resumed as it was.

    Reading a plan's sheet makes a few hundred thousand objects that live on (cells, rows, records)
    and no reference cycles; meanwhile each full collection walks every object alive, the sheet's
    cells included: about a fifth of the CPU of reading a plan of 126 000 rows, for nothing.
    A consolidation is paused as a whole (:func:`cchc_xlsx.consolidate.consolidate`: the plan, the
    returns received from the workers, the merge and the checks are millions of objects alive to
    its end). Objects are still freed as usual (by reference counting); only cycles wait for the
    resume, and the readers make none that hold cells (see ``workbook._openpyxl_sheets``).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # everything made meanwhile is in the youngest generation: the first collection after
            # the resume would walk it all (~0.3 s after a consolidation of 500 returns) and the
            # next generation's the survivors again. Moved at once to the oldest (two list splices),
            # it is walked by the next full collection only, as it would be in the end anyway.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def plan_from_book(book: Book, *, year: int | None = None, registry: Registry | None = None,
                   template: bool = False) -> Plan:
    """The decision's tables of an opened workbook as a Plan (findings of reading only, no checks).

    ``template``: the book is a return of our template (see :func:`cchc_xlsx.normalise.normalise`).
    """
    registry = registry or default_registry()
    plan = plan_from_parts([plan_part(book, year=year, registry=registry, template=template)], book.path,
                           year=year, registry=registry, template=template)
    assert plan is not None    # one part is always the whole book
    return plan


@dataclass
class PlanPart:
    """What some sheets of a plan workbook give, before the plan is put together (see plan_from_parts).

    A plan file is read a part (a sheet) at a time: see :func:`read_plan_file`.
    """

    plan: Plan
    totals: dict
    title_lines: list[str]
    month_years: Counter
    kinds: list[str]                  # the kinds of its tables, in order
    year: int                         # the year its months were read in


def plan_part(book: Book, *, year: int | None = None, registry: Registry | None = None,
              template: bool = False) -> PlanPart:
    """Find the tables of the book's sheets and normalise them (months read in ``year``, else the
    year the part's own titles or months say)."""
    registry = registry or default_registry()
    tables = find_tables(book)                                      # find tables
    merged = spread_merged(tables, book.path.name, book.path)       # merged cells: each row its value
    lines = title_lines(book)
    months = _month_years(tables)
    part_year = year or titles_from_lines(lines).year or _most_common_year(months)
    records, findings, totals = normalise(tables, book.path, part_year, registry, template=template)   # normalise
    return PlanPart(Plan.from_records(records, findings=book.findings + findings + merged), totals, lines, months,
                    [t.kind for t in tables], part_year)


def plan_from_parts(parts: list[PlanPart], path: Path, *, year: int | None = None,
                    registry: Registry | None = None, template: bool = False) -> Plan | None:
    """The plan the parts make, in order: the same Plan one read of the whole book gives.

    None when the parts cannot be put together so (a kind of table on two parts, where duplicate
    rows and spare-row numbers depend on each other; or months read in another year than the
    plan's): then read the whole book at once.
    """
    kinds = [kind for part in parts for kind in dict.fromkeys(part.kinds)]
    if not kinds:
        problem = FileProblem(path, key="file.no-table")
        problem.code = "wrong-template"     # the code --json gives (see cli._json_error)
        raise problem
    if len(kinds) != len(set(kinds)):
        return None
    titles = titles_from_lines([line for part in parts for line in part.title_lines])
    plan_year = year or titles.year or _most_common_year(sum((part.month_years for part in parts), Counter()))
    if any(part.year != plan_year for part in parts if "plan" in part.kinds):
        return None
    records = {table: list(chain.from_iterable(part.plan.rows(table) for part in parts))
               for table in ("plan", "monitoring", "allocation")}
    _monitoring_levels_as_planned(records)
    totals: dict = {}
    for part in parts:
        totals.update(part.totals)
    unit = next((part.totals["unit"] for part in parts if "unit" in part.totals), TRIEU)
    unit_stated = next((part.totals.get("unit_source") for part in parts if "unit" in part.totals), "")
    plan = Plan.from_records(records, year=plan_year, province=titles.province, decision=titles.decision,
                             decision_date=titles.decision_date, registry=registry or default_registry(),
                             findings=[f for part in parts for f in part.plan.findings],
                             unit=unit.name, unit_text=unit.text if unit_stated else "", unit_factor=unit.factor,
                             district=titles.district)
    notation = totals.get("notation", "vi")
    if "stated_total_raw" in totals:
        plan.stated_total_at = totals["stated_total_at"]
        stated = _number_or_none(totals["stated_total_raw"], notation)
        plan.stated_total = None
        if stated is not None:
            plan.stated_total, said = total_rule(stated, totals["stated_total_unit"], plan.stated_total_at)
            plan.findings.extend(said)
        if plan.stated_total is not None and not plausible(plan.stated_total):
            file, sheet, cell = plan.stated_total_at
            plan.findings.append(Finding("budget-implausible", file=file, sheet=sheet, cell=cell,
                                         found=clean_text(totals["stated_total_raw"])[:60], expected=f"{MAX_BUDGET:,.0f}".replace(",", ".")))
            plan.stated_total = None
    if "allocation_total_raw" in totals:
        amount, unit_of = _number_or_none(totals["allocation_total_raw"], notation), totals["allocation_total_unit"]
        if amount is not None and unit_of.to_trieu(amount) < DONG_THRESHOLD:   # in the table's unit, not đồng
            amount = round(unit_of.to_trieu(amount) * 1_000_000)
        plan.allocation_total = amount if plausible(amount, MAX_AMOUNT_DONG) else None
    if not template:
        forms = [form for part in parts for form in part.totals.get("plan_forms", [])]
        plan.findings.extend(_monitoring_missing(kinds, forms, path))
        if "monitoring" in kinds:
            plan.findings = _not_a_budget_list(plan.findings)
    return plan


def _not_a_budget_list(findings: list[Finding]) -> list[Finding]:
    """A table that has the columns of a budget list but comes with a Phụ lục 2 is a plan of work
    whose time columns are missing: the note ``plan-budget-list`` becomes that warning (a sheet is
    graded alone, before the plan knows it has a Phụ lục 2)."""
    out = []
    for finding in findings:
        if finding.code == "plan-budget-list":
            finding = Finding("missing-column", severity="warning", file=finding.file, sheet=finding.sheet,
                              cell=finding.cell, expected=TIME_COLUMN_LABEL,
                              params={"table": "Phụ lục 1", "reason": MISSING_ADVICE["warning"]})
        out.append(finding)
    return out


def _monitoring_missing(kinds: list[str], forms: list[str], path: Path) -> list[Finding]:
    """No Phụ lục 2 in a plan: a warning; for a budget list, which has none by its nature, a note."""
    if "monitoring" in kinds or "plan" not in kinds:
        return []
    severity = "info" if forms and all(form == "budget_list" for form in forms) else "warning"
    return [Finding("monitoring-missing", severity=severity, file=Path(path).name)]


def _monitoring_levels_as_planned(records: dict[str, list[dict]]) -> None:
    """Phụ lục 2 has no budgets: a row its numbering makes a group but whose money makes it an
    activity in Phụ lục 1 (a budget over detail lines, hierarchy._levels) takes Phụ lục 1's level."""
    levels = {row["code"]: row["level"] for row in records["plan"]}
    for row in records["monitoring"]:
        level = levels.get(row["code"])
        if level is not None and level != row["level"]:
            row["level"] = level


def _number_or_none(value: object, notation: str = "vi") -> float | None:
    try:
        return parse_number(value, notation)
    except ValueError:
        return None


def _month_years(tables) -> Counter:
    """How many month cells name each year (``Tháng 12/2017``), counted in the order first named.

    A row's values hold only its table's columns (and an allocation's own fields), so a table
    without a time column is passed by; a text is searched once (a plan repeats ``Tháng 01`` …)."""
    years: dict[int, int] = {}
    year_of: dict[str, int | None] = {}
    for table in tables:
        names = [name for name in ("month_from", "month_to", "period") if name in table.columns]
        if not names:
            continue
        for row in table.rows:
            values = row.values
            for name in names:
                value = values.get(name)
                if type(value) is str:
                    year = year_of.get(value, -1)
                    if year == -1:
                        year = year_of[value] = _year_in(value)
                else:
                    year = _year_in(value)
                if year is not None:
                    years[year] = years.get(year, 0) + 1
    return Counter(years)


def _year_in(value: object) -> int | None:
    """The first four digits written in a cell (its text), as a year; None if none."""
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else None


def _most_common_year(years: Counter) -> int:
    """The plan year when no title says it: the year most month cells name, else this year."""
    return years.most_common(1)[0][0] if years else datetime.date.today().year
