"""What a plan's table is: its form (its columns graded: a full plan, a budget list, a return of
our template) and its money unit (the rule that puts every budget in triệu đồng).

Used by :func:`cchc_xlsx.normalise.normalise`, once per table; the unit itself is found in the sheet
by :mod:`cchc_xlsx.tables` (``RawTable.unit``). Rules: issue 11 (plans as provinces write them).
"""

from __future__ import annotations

from .findings import Finding
from .glossary import FIELD_LABELS, MONITORING_FIELDS, PLAN_FIELDS
from .notation import TRIEU, NotANumber, Unit, clean_text, parse_number, parse_unit
from .tables import RawRow, RawTable
from .workbook import cell_ref

__all__ = ["DONG_THRESHOLD", "DONG_FLOOR", "table_form", "grade_columns", "cell_columns", "table_unit",
           "budget_rule", "total_rule", "budget_from_parts", "MISSING_ADVICE", "TIME_COLUMN_LABEL"]

#: An activity's budget at or above this many triệu đồng (100 tỷ) once read in its table's unit is
#: taken for a figure written in đồng: the one rule for a row that stands out from its table's
#: unit, applied at normalisation (budget_rule), so that ``read``, ``check`` and ``consolidate`` agree.
DONG_THRESHOLD = 100_000
#: In a table in đồng, an activity's figure under this many đồng (above 0) was written in triệu đồng.
DONG_FLOOR = 1_000


# --------------------------------------------------------------------------- what the table is
#: Columns a plan of any form may well not have: their absence is only noted.
_OPTIONAL = {"plan": ("indicator", "evidence", "partners"), "monitoring": ("indicator", "evidence")}
_TIME_FIELDS = {"month_from", "month_to", "period"}
_RESULT_FIELDS = {"indicator", "evidence"}


def _has_budget(names: set[str]) -> bool:
    return "budget" in names or "budget_part_1" in names


def table_form(table: RawTable) -> str:
    """``budget_list`` for a Phụ lục 1 table with no time, indicator or evidence column (a dự toán
    kinh phí: STT, Nội dung, Kinh phí, often Đơn vị thực hiện …: a list of money, not a plan of work
    with its results through the year), else ``plan``."""
    names = set(table.columns)
    return "budget_list" if not (names & (_TIME_FIELDS | _RESULT_FIELDS)) else "plan"


#: The name of the missing time column(s) in ``missing-column``.
TIME_COLUMN_LABEL = "Thời gian (Từ tháng / Đến tháng, hoặc Thời gian thực hiện)"
MISSING_ADVICE = {
    "error": (" Hãy khôi phục cột này như trong biểu mẫu.", " Restore it as in the template."),
    "warning": (" Phần này của kế hoạch không được đọc và không được kiểm tra.",
                " That part of the plan is neither read nor checked."),
    "info": (" Mẫu kế hoạch này không có cột đó; không cần bổ sung.",
             " This form of plan has no such column; nothing to add."),
}


def grade_columns(table: RawTable, file: str, template: bool = False) -> list[Finding]:
    """Findings on a table's columns, graded by what the table is.

    A return of our template (``template``): every template column it lacks is an error
    (``missing-column``), every other column is not read (``unknown-column``). A plan as written:
    a budget list (no time, indicator or evidence column) is valid, with a note that it has none (``plan-budget-list``);
    a plan missing its time, lead or budget column gets a warning (one for the time, whether it is
    written as Từ tháng / Đến tháng or as one Thời gian column); indicator, evidence and partners
    missing are notes. Rule: issue 11, "what a plan of this form needs".
    """
    sheet = table.sheet.name
    header_cell = cell_ref(table.header_rows[0], 0)
    table_name = "Phụ lục 1" if table.kind == "plan" else "Phụ lục 2"
    expected = PLAN_FIELDS if table.kind == "plan" else MONITORING_FIELDS
    names = set(table.columns)
    findings = []

    def missing(name: str, severity: str = "", label: str = "") -> None:
        findings.append(Finding("missing-column", severity=severity, file=file, sheet=sheet, cell=header_cell,
                                expected=label or FIELD_LABELS[name],
                                params={"table": table_name, "reason": MISSING_ADVICE[severity or "error"]}))

    extra = dict(table.extra_columns)
    if template:
        for name in expected:
            if name not in names and name != "reporter":
                missing(name)
        for name, col in table.columns.items():          # kept in a plan, not part of the template
            if name not in expected:
                extra[col] = table.headers.get(name, name)
    elif table.kind == "plan" and table_form(table) == "budget_list":
        findings.append(Finding("plan-budget-list", file=file, sheet=sheet, cell=header_cell,
                                params={"table": table_name}))
        if not _has_budget(names):
            missing("budget", "warning")
    else:
        for name in expected:
            if name in names or name == "reporter" or name in _TIME_FIELDS or (name == "budget" and _has_budget(names)):
                continue
            missing(name, "info" if name in _OPTIONAL[table.kind] else "warning")
        if table.kind == "plan" and not names & _TIME_FIELDS:
            missing("month_from", "warning", TIME_COLUMN_LABEL)
        elif table.kind == "plan" and "period" not in names:
            for name in ("month_from", "month_to"):
                if name not in names:
                    missing(name, "warning")
    for col in sorted(extra):
        findings.append(Finding("unknown-column", file=file, sheet=sheet,
                                cell=cell_ref(table.header_rows[0], col), found=extra[col]))
    return findings


def cell_columns(columns: dict[str, int]) -> dict[str, int]:
    """The table's columns for ``cells``: a single time column stands for both month ends, the first
    share of a budget split without a total for the budget."""
    if "period" in columns and "month_from" not in columns and "month_to" not in columns:
        columns = columns | {"month_from": columns["period"], "month_to": columns["period"]}
    if "budget_part_1" in columns and "budget" not in columns:
        columns = columns | {"budget": columns["budget_part_1"]}
    return columns


def budget_from_parts(values: dict[str, object]) -> object:
    """The budget of a row whose table splits it into shares with no total (``Kinh phí`` over ``NS
    tỉnh | NS huyện``): their sum, or, when a share is not a number, the shares' texts joined (read
    as not a number, and said); None when every share is blank."""
    total, texts, numbers = 0.0, [], True
    for i in range(1, 100):
        name = f"budget_part_{i}"
        if name not in values:
            break
        text = clean_text(values[name])
        if not text:
            continue
        texts.append(text)
        try:
            total += parse_number(values[name])
        except NotANumber:
            numbers = False
    if not texts:
        return None
    return total if numbers else " + ".join(texts)


# --------------------------------------------------------------------------- units
def table_unit(table: RawTable, file: str, template: bool) -> tuple[Unit, list[Finding]]:
    """The unit a table's figures are read in (triệu đồng when it states none), and findings on it."""
    findings = []
    if table.unit_conflict is not None:
        header, line = table.unit_conflict
        findings.append(Finding("unit-conflict", file=file, sheet=table.sheet.name,
                                cell=cell_ref(table.header_rows[0], table.columns.get("budget", 0)),
                                found=header.text, expected=line.text))
    if table.unit is not None or table.kind != "plan" or not _has_budget(set(table.columns)):
        return table.unit or TRIEU, findings
    # No unit stated: triệu đồng, unless every budget of an activity is as large as a figure in đồng
    # (one finding for the table, instead of one budget-unit per row). The first smaller one decides:
    # the rows after it cannot change the answer, and are not read.
    if template:
        return TRIEU, findings
    budgets = []
    for raw in table.rows:
        if raw.role == "item" and raw.label.level == "activity":
            try:
                budget = raw.values.get("budget")
                value = parse_number(budget if budget is not None else budget_from_parts(raw.values))
            except NotANumber:
                continue
            if value:
                if value < DONG_THRESHOLD:
                    return TRIEU, findings
                budgets.append(value)
    if len(budgets) >= 2 and min(budgets) >= DONG_THRESHOLD:       # (not so when a NaN comes first)
        findings.append(Finding("unit-inferred", file=file, sheet=table.sheet.name,
                                cell=cell_ref(table.header_rows[0], cell_columns(table.columns)["budget"]),
                                found=_vn(min(budgets)), params={"table": "Phụ lục 1"}))
        return Unit("đồng", 0), findings
    return TRIEU, findings


def budget_rule(table: RawTable, unit: Unit, file: str):
    """The function that puts a plan record's budget in triệu đồng, in place, with its findings.

    The budget is read in the row's unit (a unit column's money unit, else the table's). An
    activity whose budget, so read, is at or above :data:`DONG_THRESHOLD` triệu đồng stands out
    from its table's unit: it is taken for đồng, corrected (÷ 1 000 000 from đồng), reported
    (``budget-unit``, with the figure to write in the table's unit), and the corrected value is the
    one every total uses. In a table in đồng, a figure under :data:`DONG_FLOOR` đồng is taken for
    triệu đồng the same way.
    """
    column = table.columns.get("budget", table.columns.get("budget_part_1"))
    if column is None:
        return None
    unit_column = "unit" in table.columns
    sheet = table.sheet.name
    plain = unit.exponent == 6 and not unit_column

    def rule(record: dict, raw: RawRow, findings: list[Finding]) -> None:
        written = budget = record["budget"]          # as written, in the row's unit
        if budget != budget:
            return
        row_unit = unit
        if unit_column:
            row_unit = parse_unit(clean_text(raw.values.get("unit"))) or unit
        if not plain:
            budget = record["budget"] = row_unit.to_trieu(written)
        if budget >= DONG_THRESHOLD and row_unit.exponent and record["level"] == "activity":
            corrected = written / 1_000_000                      # the figure, taken for đồng
            written = written / 10 ** row_unit.exponent         # what to write, in the row's unit
            findings.append(Finding("budget-unit", agency=record["funded_agency"], file=file, sheet=sheet,
                                    cell=cell_ref(raw.row, column), row_code=record["code"], field="budget",
                                    found=record["budget_text"], expected=_vn(written), params=_in_dong(row_unit)))
            record["budget"] = corrected
        elif row_unit.exponent == 0 and 0 < written < DONG_FLOOR and record["level"] == "activity":
            # the other way round: a figure in triệu đồng in a table in đồng (150 among 100.000.000)
            params = {"reason": _COUNTED_FOR_NOW, "unit": ("đồng", "đồng"),
                      "written_unit": ("triệu đồng", "million đồng")}
            findings.append(Finding("budget-unit", agency=record["funded_agency"], file=file, sheet=sheet,
                                    cell=cell_ref(raw.row, column), row_code=record["code"], field="budget",
                                    found=record["budget_text"], expected=_vn(written * 1_000_000), params=params))
            record["budget"] = written

    return rule


_COUNTED_FOR_NOW = (" Tạm tính theo triệu đồng; hãy sửa lại trong tệp.", " Counted in million đồng for now; correct the file.")


def _in_dong(unit: Unit) -> dict:
    """The params of a ``budget-unit`` for a figure written in đồng in a table in ``unit``."""
    return {"reason": _COUNTED_FOR_NOW} | ({} if unit.exponent == 6 else {"unit": (unit.name, unit.name)})


def total_rule(stated: float, unit: Unit, where: tuple[str, str, str]) -> tuple[float, list[Finding]]:
    """The stated Tổng cộng in triệu đồng, by the rule the activities follow (:func:`budget_rule`):
    one that reads as 100 tỷ or more in a table not in đồng was written in đồng (``budget-unit``,
    corrected). ``where``: (file, sheet, cell)."""
    total = unit.to_trieu(stated)
    if total < DONG_THRESHOLD or not unit.exponent:
        return total, []
    file, sheet, cell = where
    return stated / 1_000_000, [Finding("budget-unit", file=file, sheet=sheet, cell=cell, row_code="Tổng cộng",
                                        field="budget", found=_vn(stated), expected=_vn(stated / 10 ** unit.exponent),
                                        params=_in_dong(unit))]


def _vn(value: float) -> str:
    """A figure in Vietnamese notation, every significant decimal kept: 43, 1.949, 3,4."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
