"""Read a consolidated workbook of ours back as a plan: its Phụ lục 1 and 2, and the allocation it shows."""

from __future__ import annotations

from pathlib import Path

from .agencies import Registry, default_registry
from .checks import run_checks
from .normalise import Plan, TABLE_COLUMNS, _frame
from .notation import clean_text
from .pipeline import plan_from_book
from .workbook import column_letter, open_book
from .write.layout import P1, P2

__all__ = ["read_consolidated"]

#: What reading our own layout reports that is no fault of the plan: the formula helper column
#: (Cấp), the funded agency column (recomputed from the lead by the rule), the Trong đó block.
_OUR_COLUMNS = ("Cấp (dùng cho công thức)",)
_SPLIT_TITLE = "Trong đó:"
_ALLOCATED = "Phân bổ theo Quyết định"


def read_consolidated(path: str | Path, registry: Registry | None = None) -> Plan:
    """The plan a consolidated workbook (``cchc-xlsx consolidate``) holds, checked.

    Phụ lục 1 and 2 are read as any plan; the allocation is the ``Phân bổ theo Quyết định`` column of
    the Trong đó block (triệu đồng, the decision's split the consolidation was checked against).
    Raises FileProblem as :func:`cchc_xlsx.pipeline.read_plan` does.
    """
    registry = registry or default_registry()
    book = open_book(path, sheets=[P1, P2])
    plan = plan_from_book(book, registry=registry)
    sheet = book.sheet(P1)
    split_at = _split_row(sheet) if sheet is not None else None
    plan.findings = [f for f in plan.findings if not _ours(f, split_at)]
    if sheet is not None and split_at is not None:
        plan.allocation = _frame(_allocation(sheet, split_at, Path(path).name, registry), TABLE_COLUMNS["allocation"])
        plan.allocation_total = int(plan.allocation["amount_dong"].sum()) if len(plan.allocation) else None
    plan.findings.extend(run_checks(plan))
    return plan


def _split_row(sheet) -> int | None:
    """Zero-based row of the Trong đó block's header (the row under «Trong đó:»)."""
    for r, row in enumerate(sheet.rows):
        if row and clean_text(row[0]) == _SPLIT_TITLE:
            return r + 1
    return None


def _ours(finding, split_at: int | None) -> bool:
    if finding.sheet != P1:
        return False
    if finding.code == "unknown-column":
        return finding.found in _OUR_COLUMNS
    if finding.code == "cell-outside-columns":
        return finding.cell.startswith("J")        # the funded agency column
    if finding.code == "unknown-row" and split_at is not None:
        digits = "".join(ch for ch in finding.cell if ch.isdigit())
        return bool(digits) and int(digits) - 1 >= split_at
    return False


def _allocation(sheet, header: int, file: str, registry: Registry) -> list[dict]:
    columns = [clean_text(v) for v in sheet.rows[header]]
    if _ALLOCATED not in columns:
        return []
    amount_col = columns.index(_ALLOCATED)
    rows = []
    for r in range(header + 1, len(sheet.rows)):
        label = clean_text(sheet.value(r, 1))
        if clean_text(sheet.value(r, 0)) == "Cộng" or not label:
            break
        amount = sheet.value(r, amount_col)
        if not isinstance(amount, (int, float)) or isinstance(amount, bool):
            continue            # not allocated by the decision (another funded agency, the remainder)
        known, _ = registry.resolve(label)
        agency = known.name if known is not None else label
        dong = round(amount * 1_000_000)
        rows.append({"agency": agency, "agency_text": label, "amount_dong": dong, "amount": dong / 1e6,
                     "file": file, "sheet": P1, "row": r + 1,
                     "cells": f"agency=B,amount={column_letter(amount_col)}"})
    return rows
