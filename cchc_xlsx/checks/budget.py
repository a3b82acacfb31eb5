"""Budget checks: values, blanks, units, subtotals (activities -> outputs -> tasks -> total), allocation."""

from __future__ import annotations

from collections import defaultdict

from ..findings import Finding
from ..normalise import MAX_BUDGET, cell_of
from ..notation import NotANumber, parse_number
from ._common import LEVEL_WORDS, at, dong, trieu

#: A budget at or above this many million đồng (100 tỷ) is taken for a figure written in đồng.
DONG_THRESHOLD = 100_000


def budget_values(plan) -> list[Finding]:
    """Budgets that are not numbers, implausibly large (read as missing, see normalise.MAX_BUDGET),
    negative, or written in đồng instead of triệu đồng."""
    findings = []
    for row in plan.rows("plan"):
        text, value = row["budget_text"], row["budget"]
        if text and value != value:  # written, but not read as a number
            if _is_number(text):
                findings.append(at("budget-implausible", row, "budget", found=text[:60] + ("…" if len(text) > 60 else ""),
                                   expected=f"{MAX_BUDGET:,.0f}".replace(",", ".")))
            else:
                findings.append(at("budget-not-number", row, "budget", found=text))
        elif value < 0:
            findings.append(at("budget-negative", row, "budget", found=text))
        elif value >= DONG_THRESHOLD and row["level"] == "activity":   # a large subtotal can be right
            findings.append(at("budget-unit", row, "budget", found=text, expected=trieu(round(value))))
    return findings


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NotANumber:
        return False


def budget_missing(plan) -> list[Finding]:
    """Activities whose budget cell is blank (not 0): the decision must say what they cost."""
    return [at("budget-missing", row, "budget") for row in plan.rows("plan", "activity") if row["budget_text"] == ""]


def subtotals(plan) -> list[Finding]:
    """Each output's stated budget equals the sum of its activities; each task's, of its outputs."""
    rows = plan.rows("plan")
    stated = {row["code"]: row for row in rows}
    sums: dict[str, int] = defaultdict(int)
    has_children: set[str] = set()
    for row in rows:
        parent = row["parent_code"]
        if parent is not None and parent == parent:
            sums[parent] += dong(row["budget"])
            has_children.add(parent)
    findings = []
    for code in has_children:
        row = stated.get(code)
        if row is None or row["budget_text"] == "" or row["budget"] != row["budget"]:
            continue
        if dong(row["budget"]) != sums[code]:
            findings.append(at("subtotal-mismatch", row, "budget", found=trieu(dong(row["budget"])),
                               expected=trieu(sums[code]), params={"level": LEVEL_WORDS[row["level"]]}))
    return sorted(findings, key=lambda f: [int(p) for p in f.row_code.split(".")])


def grand_total(plan) -> list[Finding]:
    """The Tổng cộng row equals the sum of the tasks."""
    if plan.stated_total is None:
        return []
    expected = sum(dong(row["budget"]) for row in plan.rows("plan", "task"))
    if dong(plan.stated_total) == expected:
        return []
    file, sheet, cell = plan.stated_total_at
    return [Finding("total-mismatch", file=file, sheet=sheet, cell=cell,
                    found=trieu(dong(plan.stated_total)), expected=trieu(expected))]


def allocation(plan) -> list[Finding]:
    """Each funded agency's activities add up to its share in the Trong đó split."""
    if not plan.size("allocation"):
        return []
    funded: dict[str, int] = defaultdict(int)
    for row in plan.rows("plan", "activity"):
        if row["funded_agency"]:
            funded[row["funded_agency"]] += dong(row["budget"])
    findings = []
    allocated = set()
    for row in plan.rows("allocation"):
        agency = row["agency"]
        allocated.add(agency)
        if funded.get(agency, 0) != int(row["amount_dong"]):
            findings.append(Finding("allocation-mismatch", agency=agency, file=row["file"], sheet=row["sheet"],
                                    cell=cell_of(row, "amount"), found=trieu(funded.get(agency, 0)),
                                    expected=trieu(int(row["amount_dong"]))))
    for agency, amount in funded.items():
        if agency not in allocated and amount:
            findings.append(Finding("allocation-mismatch", agency=agency, found=trieu(amount), expected="0"))
    return findings
