"""Where every value lands in the consolidated workbook, and every total's value, before a cell is written.

The sheets reference each other (Tổng hợp shows Phụ lục 1's totals, Kiểm tra links to the cell a
finding concerns), and constant-memory writing goes row by row; so the layout is decided first.
Money is summed in whole đồng, so that a cached total is exactly the sum of its rows.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

import pandas as pd

from .book import LEVEL_WORDS, sheet_ref

__all__ = ["Layout", "PlanRow", "SplitLine", "plan_layout", "tree_order", "dong", "trieu",
           "P1", "P2", "SOURCES", "FINDINGS", "P1_COLUMNS", "P2_COLUMNS"]

P1, P2, SUMMARY, CALENDAR, TIMELINE, FINDINGS, SOURCES = (
    "Phụ lục 1", "Phụ lục 2", "Tổng hợp", "Lịch theo dõi", "Tiến độ", "Kiểm tra", "Nguồn")

#: Phụ lục 1, in the decision's column order, then the funded agency and the level (for SUMIFS).
P1_COLUMNS = ("code", "content", "indicator", "evidence", "month_from", "month_to", "budget", "lead",
              "partners", "funded_agency", "level")
P2_COLUMNS = ("code", "content", "indicator", "evidence", "frequency", "collector", "reporter")
P1_FIRST_ROW = 5        # zero-based: two title rows, the unit row, two header rows
P2_FIRST_ROW = 5
SOURCES_FIRST_ROW = 4
SUM_ARGUMENTS = 255     # Excel's limit on a function's arguments


def letter(field_name: str, columns: tuple[str, ...] = P1_COLUMNS) -> str:
    return chr(ord("A") + columns.index(field_name))


def dong(trieu_value) -> int | None:
    """Million đồng -> whole đồng (None for a blank)."""
    if trieu_value is None or trieu_value is pd.NA or (isinstance(trieu_value, float) and math.isnan(trieu_value)):
        return None
    return round(trieu_value * 1_000_000)


def trieu(dong_value: int | None) -> float | None:
    return None if dong_value is None else dong_value / 1_000_000


@dataclass(slots=True)
class PlanRow:
    """One row of Phụ lục 1 as written: its frame row, its Excel row and its budget cell."""

    index: int                      # position in the plan frame
    level: str
    code: str
    row: int                        # zero-based worksheet row
    children: list[int] = field(default_factory=list)   # zero-based rows of the child rows
    formula: str | None = None      # None: the budget is a value of its own (an activity)
    dong: int | None = None         # the budget (cached value of the formula), in đồng

    @property
    def cell(self) -> str:
        return f"G{self.row + 1}"


@dataclass
class SplitLine:
    """A line of the ``Trong đó`` block: what an agency's activities add up to, against the decision."""

    label: str                      # the agency (canonical name), or the unassigned remainder
    row: int
    formula: str
    dong: int
    allocation_dong: int | None     # None: the decision allocates nothing to it
    agency: str = ""                # "" for the remainder line

    @property
    def difference_dong(self) -> int:
        return self.dong - (self.allocation_dong or 0)


@dataclass
class Layout:
    plan_rows: list[PlanRow]
    total_row: int
    total_formula: str
    total_dong: int
    split: list[SplitLine]
    split_total_row: int
    monitoring_order: list[int]                 # monitoring frame positions in written order
    p1_row_of: dict[str, int]                   # code -> zero-based row in Phụ lục 1
    p2_row_of: dict[str, int]
    source_row_of: dict[str, int]               # file name -> zero-based row in Nguồn
    year: int

    @property
    def tasks(self) -> list[PlanRow]:
        """The tasks; in a flat list (a plan of one level, no task), its rows."""
        tasks = [r for r in self.plan_rows if r.level == "task"]
        return tasks or [r for r in self.plan_rows if "." not in r.code]

    def locate(self, finding) -> str:
        """``internal:`` target of the cell a finding concerns in this workbook, or ""."""
        name = finding.field
        if finding.code == "total-mismatch":
            return sheet_ref(P1, f"G{self.total_row + 1}")
        if finding.code == "allocation-mismatch":
            line = next((s for s in self.split if s.agency == finding.agency), None)
            if line is not None:
                return sheet_ref(P1, f"I{line.row + 1}")
        if finding.row_code:
            # Monitoring fields live in Phụ lục 2; so does anything found on a sheet of that name.
            monitoring = name in ("frequency", "collector", "reporter") or finding.sheet == P2
            in_sheet = [(P2, self.p2_row_of, P2_COLUMNS)] if monitoring else []
            in_sheet += [(P1, self.p1_row_of, P1_COLUMNS), (P2, self.p2_row_of, P2_COLUMNS)]
            for sheet, rows, columns in in_sheet:
                row = rows.get(finding.row_code)
                if row is not None:
                    column = letter(name, columns) if name in columns and name != "level" else "A"
                    return sheet_ref(sheet, f"{column}{row + 1}")
        row = self.source_row_of.get(finding.file)
        if row is not None:
            return sheet_ref(SOURCES, f"C{row + 1}")
        return ""


def tree_order(codes: list[str], parents: list[object]) -> tuple[list[int], dict[int, list[int]]]:
    """Frame positions in reading order (each task, then its outputs, each followed by its activities).

    A row whose parent is not in the frame stays where it is, as a top-level row: nothing is dropped.
    """
    first_of: dict[str, int] = {}
    for i, code in enumerate(codes):
        first_of.setdefault(code, i)
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, parent in enumerate(parents):
        p = first_of.get(parent) if isinstance(parent, str) and parent else None
        if p is None or p == i:
            roots.append(i)
        else:
            children.setdefault(p, []).append(i)
    order: list[int] = []
    stack = list(reversed(roots))
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(reversed(children.get(i, ())))
    return order, children


def _sum_formula(rows: list[int], block: tuple[int, int], child_level: str | None) -> str:
    """The budget formula over child rows: a range when they are adjacent, else a list, else SUMIFS."""
    if rows == list(range(rows[0], rows[0] + len(rows))):
        return f"=SUM(G{rows[0] + 1}:G{rows[-1] + 1})"
    if len(rows) <= SUM_ARGUMENTS:
        return "=SUM(" + ",".join(f"G{r + 1}" for r in rows) + ")"
    if child_level is not None:     # many children, all of one level: sum that level inside the block
        first, last = block[0] + 1, block[1] + 1
        return f'=SUMIFS(G{first}:G{last},K{first}:K{last},"{LEVEL_WORDS[child_level]}")'
    chunks = [rows[i:i + SUM_ARGUMENTS] for i in range(0, len(rows), SUM_ARGUMENTS)]
    return "=" + "+".join("SUM(" + ",".join(f"G{r + 1}" for r in chunk) + ")" for chunk in chunks)


def _plan_rows(frame: pd.DataFrame) -> tuple[list[PlanRow], list[int]]:
    levels = frame["level"].astype(str).tolist()
    codes = frame["code"].tolist()
    order, children = tree_order(codes, frame["parent_code"].tolist())
    budgets = frame["budget"].tolist()
    rows = [PlanRow(i, levels[i], codes[i], P1_FIRST_ROW + k) for k, i in enumerate(order)]
    by_index = {r.index: r for r in rows}
    # Post-order (children before parents): reversed reading order.
    for r in reversed(rows):
        # an activity's rows below it are its detail lines (hierarchy._levels): its money is its own
        kids = [by_index[c] for c in children.get(r.index, ())] if r.level != "activity" else []
        if not kids:
            r.dong = dong(budgets[r.index])
            continue
        r.children = [k.row for k in kids]
        r.dong = sum(k.dong or 0 for k in kids)
        kid_levels = {k.level for k in kids}
        last = _last_descendant(r, by_index, children)
        r.formula = _sum_formula(r.children, (r.row + 1, last), kid_levels.pop() if len(kid_levels) == 1 else None)
    has_parent = _child_set(children)
    roots = [r.row for r in rows if r.index not in has_parent]
    return rows, roots


def _child_set(children: dict[int, list[int]]) -> set[int]:
    return {c for kids in children.values() for c in kids}


def _last_descendant(r: PlanRow, by_index: dict[int, PlanRow], children: dict[int, list[int]]) -> int:
    index = r.index
    while children.get(index):
        index = children[index][-1]
    return by_index[index].row


def _split(frame: pd.DataFrame, allocation: pd.DataFrame, first: int, last: int, start: int) -> list[SplitLine]:
    """One line per allocated agency (the decision's order), then any other funded agency, then the rest."""
    activities = frame[frame["level"] == "activity"]
    spent: dict[str, int] = {}
    for agency, budget in zip(activities["funded_agency"].tolist(), activities["budget"].tolist()):
        spent[agency or ""] = spent.get(agency or "", 0) + (dong(budget) or 0)
    allocated: dict[str, int] = {}
    for agency, amount in zip(allocation["agency"].tolist(), allocation["amount_dong"].tolist()):
        if agency not in allocated:
            allocated[agency] = 0 if amount is pd.NA else int(amount)
    names = list(allocated) + [a for a in spent if a and a not in allocated]
    g, j, k = (f"{c}${first + 1}:{c}${last + 1}" for c in "GJK")
    lines = []
    for n, agency in enumerate(names):
        row = start + n
        if any(ch in agency for ch in "*?~<>="):
            # SUMIFS would read these as wildcards or an operator: compare exactly instead.
            formula = f'=SUMPRODUCT(({j}=B{row + 1})*({k}="{LEVEL_WORDS["activity"]}"),{g})'
        else:
            formula = f'=SUMIFS({g},{j},B{row + 1},{k},"{LEVEL_WORDS["activity"]}")'
        lines.append(SplitLine(agency, row, formula, spent.get(agency, 0), allocated.get(agency), agency))
    if "" in spent:
        row = start + len(names)
        others = f"-SUM(G{start + 1}:G{row})" if names else ""
        lines.append(SplitLine("Chưa xác định đơn vị được cấp kinh phí", row,
                               f'=SUMIFS({g},{k},"{LEVEL_WORDS["activity"]}"){others}', spent[""], None))
    return lines


def plan_layout(consolidation) -> Layout:
    plan = consolidation.plan
    rows, roots = _plan_rows(plan.plan)
    total_row = P1_FIRST_ROW + len(rows)
    root_rows = set(roots)
    total_dong = sum(r.dong or 0 for r in rows if r.row in root_rows)
    if roots:
        total_formula = _sum_formula(roots, (P1_FIRST_ROW, total_row - 1), None)
    else:
        total_formula = ""
    # Below the total: a blank row, "Trong đó:", the block's header, its lines, its sum.
    split_start = total_row + 4
    first, last = P1_FIRST_ROW, max(P1_FIRST_ROW, total_row - 1)
    split = _split(plan.plan, plan.allocation, first, last, split_start)
    monitoring = plan.monitoring
    m_order, _ = tree_order(monitoring["code"].tolist(), monitoring["parent_code"].tolist())
    m_codes = monitoring["code"].tolist()
    p2_row_of: dict[str, int] = {}
    for k, i in enumerate(m_order):
        p2_row_of.setdefault(m_codes[i], P2_FIRST_ROW + k)
    p1_row_of: dict[str, int] = {}
    for r in rows:
        p1_row_of.setdefault(r.code, r.row)
    source_row_of: dict[str, int] = {}
    for k, name in enumerate(consolidation.sources["file"].tolist()):
        source_row_of.setdefault(name, SOURCES_FIRST_ROW + k)
    return Layout(rows, total_row, total_formula, total_dong, split, split_start + len(split),
                  m_order, p1_row_of, p2_row_of, source_row_of, plan_year(plan))


def plan_year(plan) -> int:
    """The plan year; when the titles do not say it, the year most activities start in."""
    if plan.year:
        return int(plan.year)
    years = plan.plan["year_from"].dropna()
    if len(years):
        return int(years.mode().iloc[0])
    return datetime.date.today().year
