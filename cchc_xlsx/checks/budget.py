"""Budget checks: values, blanks, units, subtotals (activities -> outputs -> tasks -> total), allocation."""

from __future__ import annotations

from collections import defaultdict

from ..findings import Finding
from ..normalise import MAX_BUDGET, cell_of
from ..hierarchy import is_named_label
from ..notation import NotANumber, parse_number
from ._common import LEVEL_WORDS, activity_codes, by_code, error_or, at, dong, level_rows, trieu


def budget_values(plan) -> list[Finding]:
    """Budgets that are not numbers, implausibly large (read as missing, see normalise.MAX_BUDGET),
    or negative.

    A budget written in đồng instead of its table's unit is corrected and reported when the file is
    normalised (``budget-unit``, :data:`cchc_xlsx.normalise.DONG_THRESHOLD`), so that every command
    counts the corrected value.
    """
    findings = []
    for row in plan.rows("plan"):
        text, value = row["budget_text"], row["budget"]
        if text and value != value:  # written, but not read as a number
            if _is_number(text):
                findings.append(at("budget-implausible", row, "budget", found=text[:60] + ("…" if len(text) > 60 else ""),
                                   expected=f"{MAX_BUDGET:,.0f}".replace(",", ".")))
            else:
                findings.append(at(error_or("budget-not-number", text), row, "budget", found=text))
        elif value < 0:
            findings.append(at("budget-negative", row, "budget", found=text))
    return findings


def budget_no_agency(plan) -> list[Finding]:
    """Activities with a budget but no lead or funded agency: their money is counted for no agency.

    One warning per row, with the amount; a table without a lead column (a budget list) gets one
    note per table with the sum instead (``budget-unassigned``). A lead the registry does not know
    is ``agency-unknown`` already (agencies.agency_unknown), not said again here.
    """
    findings = []
    unassigned: dict[tuple[str, str], list[int]] = {}
    for row in level_rows(plan, "plan", "activity"):
        if row["funded_agency"] or row["lead"] or row["budget"] != row["budget"] or row["budget"] <= 0:
            continue
        if cell_of(row, "lead"):
            findings.append(at("budget-no-agency", row, "budget", found=trieu(dong(row["budget"]))))
        else:
            unassigned.setdefault((row["file"], row["sheet"]), []).append(dong(row["budget"]))
    for (file, sheet), amounts in unassigned.items():
        findings.append(Finding("budget-unassigned", file=file, sheet=sheet, found=trieu(sum(amounts)),
                                expected=str(len(amounts))))
    return findings


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NotANumber:
        return False


def budget_missing(plan) -> list[Finding]:
    """Activities whose budget cell is blank (not 0): the decision must say what they cost."""
    activities = level_rows(plan, "plan", "activity")
    codes = activity_codes(plan)
    # a detail line under an activity that states the money (hierarchy._levels) has no budget of its own;
    # a table without a budget column is said once (grading), not per row
    return [at("budget-missing", row, "budget") for row in activities
            if row["budget_text"] == "" and cell_of(row, "budget") and row["parent_code"] not in codes]


def subtotals(plan) -> list[Finding]:
    """Each row that states a budget and has child rows equals the sum of its children (an output of
    its activities, a task of its outputs; any depth in other hierarchies). A child that states no
    budget counts as the sum of its own children, an activity left blank as 0 (it is ``budget-missing``);
    a row whose only children are its detail lines (rows under an activity) is not checked."""
    stated = by_code(plan, "plan")
    sums, has_children = _child_sums(plan)
    findings = []
    for code in has_children:
        row = stated.get(code)
        if row is None or row["budget_text"] == "" or row["budget"] != row["budget"] or code not in sums:
            continue
        if dong(row["budget"]) != sums[code]:
            findings.append(at("subtotal-mismatch", row, "budget", found=trieu(dong(row["budget"])),
                               expected=trieu(sums[code]), params={"level": _level_words(row)}))
    return sorted(findings, key=lambda f: [int(p) for p in f.row_code.split(".")])


def _states_budget(row: dict) -> bool:
    return row["budget_text"] != "" and row["budget"] == row["budget"]


def _child_sums(plan) -> tuple[dict[str, int], set[str]]:
    """parent code -> the sum of its children in đồng (only parents some child of which carries
    money, directly or below), and every code that has children. Children before parents: a code
    has one part more than its parent's. Computed once per plan (subtotals and grand_total ask)."""
    return plan.derived("child_sums", ("plan",), lambda: _sum_children(plan.rows("plan"), by_code(plan, "plan")))


def _sum_children(rows: list[dict], by_code: dict[str, dict]) -> tuple[dict[str, int], set[str]]:
    sums: dict[str, int] = {}
    has_children: set[str] = set()
    by_depth: dict[int, list[dict]] = {}             # deepest first, in row order within a depth: a stable
    for row in rows:                                 # sort by depth without a key call per row
        by_depth.setdefault(row["code"].count("."), []).append(row)
    for depth in sorted(by_depth, reverse=True):
        for row in by_depth[depth]:
            parent = row["parent_code"]
            if parent is None or parent != parent:
                continue
            has_children.add(parent)
            code, text, budget = row["code"], row["budget_text"], row["budget"]
            if text != "" and (budget == budget or code not in has_children):   # states a budget, or a
                value = round(budget * 1_000_000) if type(budget) is float and budget == budget \
                    else dong(budget)                # row with no children of its own writes one (dong, inlined)
            elif code in sums:
                value = sums[code]
            elif row["level"] == "activity" and (parent not in by_code or by_code[parent]["level"] != "activity"):
                value = 0                # an activity left blank (budget-missing) adds nothing to its output
            else:
                continue                 # a detail line of an activity, or a group with no money below it
            sums[parent] = sums.get(parent, 0) + value
    return sums, has_children


def _level_words(row: dict) -> tuple[str, str]:
    """How a message names the row: its named level (Đắk Lắk form), else «mục a)» / «row a)»."""
    label = row.get("label") or ""
    if not label or is_named_label(label):
        return LEVEL_WORDS[row["level"]]
    return f"mục «{label}»", f"row «{label}»"


def grand_total(plan) -> list[Finding]:
    """The Tổng cộng row equals the sum of the top rows (the tasks; in other hierarchies the rows
    of depth 1, each its stated budget or, when blank, the sum of its children)."""
    if plan.stated_total is None:
        return []
    rows = plan.rows("plan")
    sums, _ = _child_sums(plan)
    expected = 0
    for row in rows:
        parent = row["parent_code"]
        if parent is None or parent != parent:
            expected += dong(row["budget"]) if _states_budget(row) or row["code"] not in sums else sums[row["code"]]
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
    for row in level_rows(plan, "plan", "activity"):
        agency = row["funded_agency"]
        if agency:
            budget = row["budget"]
            funded[agency] += round(budget * 1_000_000) if type(budget) is float and budget == budget \
                else dong(budget)                    # (dong, inlined for the common case)
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


def text_left_out(plan, mismatches: list[Finding], findings: list[Finding]) -> list[Finding]:
    """A return's subtotals (and Tổng cộng) that differ only because budgets typed as text
    (``budget-text``) are left out of them: the mismatch is said on those cells, not on the locked
    subtotal the agency cannot edit.

    Excel and LibreOffice leave text out of ``SUM``, so a saved subtotal shows its rows without the
    text cells, which this reader reads as numbers. When a ``subtotal-mismatch`` (``total-mismatch``)
    states exactly its children's (top rows') sum less their text cells, it is dropped and each of
    those cells' ``budget-text`` in ``findings`` becomes ``budget-text-subtotal`` (warning, naming
    the subtotal and both amounts). Returns the mismatches that remain.
    """
    typed = {f.row_code: i for i, f in enumerate(findings) if f.code == "budget-text"}
    if not typed or not mismatches:
        return mismatches
    rows = plan.rows("plan")
    by_code = {row["code"]: row for row in rows}
    kept = []
    for mismatch in mismatches:
        if mismatch.code == "subtotal-mismatch" and mismatch.row_code in by_code:
            row = by_code[mismatch.row_code]
            parent, stated = row["code"], dong(row["budget"])
            words = _level_words(row)
            subtotal = (f"{words[0]} {parent}", f"{words[1]} {parent}") if words == LEVEL_WORDS.get(row["level"]) \
                else words
        elif mismatch.code == "total-mismatch" and plan.stated_total is not None:
            parent, stated, subtotal = None, dong(plan.stated_total), ("Tổng cộng", "Tổng cộng row")
        else:
            kept.append(mismatch)
            continue
        texts = [r for r in rows if r["code"] in typed and
                 (r["parent_code"] == parent if parent else not isinstance(r["parent_code"], str))]
        try:
            expected = dong(parse_number(mismatch.expected))
        except NotANumber:
            expected = None
        if not texts or expected is None or stated + sum(dong(r["budget"]) for r in texts) != expected:
            kept.append(mismatch)
            continue
        for child in texts:
            said = findings[typed[child["code"]]]
            findings[typed[child["code"]]] = Finding(
                "budget-text-subtotal", agency=said.agency, file=said.file, sheet=said.sheet, cell=said.cell,
                row_code=said.row_code, field="budget", found=said.found, expected=said.expected,
                params=said.params | {"subtotal": subtotal, "stated": trieu(stated), "total": trieu(expected)})
    return kept
