"""Corpus cases: text and numbers that are not what they look like (issue 10, items 2–4).

Every case is the Sở Tư pháp's template (activities 1.x) with a few cells changed as an agency's
machine would have changed them: invisible format characters, text typed in the legacy TCVN3 or
VNI encodings, budgets typed as text in en-US notation, values too large for any budget,
formulas saved without a value in any field, save times with a time-zone offset.
tests/test_returns_text.py says, case by case, what each must read as.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from cchc_xlsx.encodings import encode_legacy
from cchc_xlsx.templates import SHEET_MONITORING, SHEET_PLAN

from .base import SAVED, case, cell, save

AGENCY = "so-tu-phap"
P1, P2 = SHEET_PLAN, SHEET_MONITORING


def _edited(templates: dict[str, Path], out: Path, name: str, edits: list[tuple[str, str, str, object]],
            modified: dt.datetime = SAVED) -> Path:
    """The agency's template with ``edits`` (sheet, row label, field, value) saved as ``name``.xlsx.

    A value starting with ``=`` is a formula; openpyxl saves it without a cached value.
    """
    book = openpyxl.load_workbook(templates[AGENCY])
    for sheet, label, field, value in edits:
        target = cell(book[sheet], label, field)
        target.value = value
        if isinstance(value, str) and not value.startswith("="):
            target.data_type = "s"
    return save(book, out / f"{name}.xlsx", modified)


def _with_modified(path: Path, stamp: str) -> Path:
    """Rewrite ``dcterms:modified`` in docProps/core.xml as ``stamp`` (any ISO 8601 form)."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            dst.writestr(info, content)
    path.write_bytes(data.getvalue())
    return path


# --------------------------------------------------------------------------- format characters
@case("text-format-characters", "text",
      "BOM, zero-width space, word joiner, soft hyphen and no-break spaces inside a month, a budget typed as "
      "text, a code, partners, a frequency and a collector")
def format_characters(templates, out):
    return [_edited(templates, out, "text-format-characters", [
        (P1, "Hoạt động 1.4.2", "budget", "1\u00a0949"),                 # 1949, not "not a number"
        (P1, "Hoạt động 1.4.2", "from", "\ufeffTháng 03"),
        (P1, "Hoạt động 1.4.2", "to", "Tháng\u202f11\u2060"),
        (P1, "Hoạt động 1.4.3", "partners", "Sở\u200b Tư pháp; Sở\u00a0Nội vụ\u00ad"),
        (P1, "Hoạt động 1.4.3", "budget", "\u200b7,5\u00a0"),
        (P2, "Hoạt động 1.4.2", "frequency", "Hàng\u00a0quý\ufeff"),
        (P2, "Hoạt động 1.4.2", "collector", "\u2060Phòng\u3000Kiểm soát TTHC\u200d"),
    ])]


# --------------------------------------------------------------------------- legacy encodings
_LEGACY_EDITS = [
    (P1, "Hoạt động 1.4.2", "from", "Tháng 07"),
    (P1, "Hoạt động 1.4.2", "to", "Tháng 12"),
    (P1, "Hoạt động 1.4.2", "partners", "Sở Nội vụ, Sở Tài chính"),
    (P1, "Hoạt động 1.4.2", "evidence", "Báo cáo kết quả kiểm tra của Sở Tư pháp"),
    (P1, "Hoạt động 1.4.3", "indicator", "100% thủ tục hành chính được rà soát"),
    (P2, "Hoạt động 1.4.2", "frequency", "Hàng quý"),
    (P2, "Hoạt động 1.4.2", "collector", "Phòng Kiểm soát thủ tục hành chính"),
    (P2, "Hoạt động 1.4.3", "reporter", "Lưu: VT, KSTTHC"),     # in VNI «Löu» also reads as TCVN3 «Lửu»
]


def _legacy(templates, out, name: str, encoding: str) -> list[Path]:
    edits = [(sheet, label, field, encode_legacy(value, encoding)) for sheet, label, field, value in _LEGACY_EDITS]
    return [_edited(templates, out, name, edits)]


@case("text-legacy-tcvn3", "text", "months, partners, evidence, an indicator, a frequency and a collector typed "
      "with a TCVN3 (ABC, .VnTime) keyboard: «Th¸ng 07», «Së Néi vô»")
def legacy_tcvn3(templates, out):
    return _legacy(templates, out, "text-legacy-tcvn3", "TCVN3")


@case("text-legacy-vni", "text", "the same cells typed with a VNI keyboard (VNI-Times): «Thaùng 07», «Sôû Noäi vuï»")
def legacy_vni(templates, out):
    return _legacy(templates, out, "text-legacy-vni", "VNI")


# --------------------------------------------------------------------------- number notation
@case("text-number-en-us", "text", "budgets typed as text in en-US notation: «1,270.5» fixes the file's notation, "
      "so «1,949» is 1949 and «12,500,000» is read (then taken for đồng)")
def number_en_us(templates, out):
    return [_edited(templates, out, "text-number-en-us", [
        (P1, "Hoạt động 1.4.1", "budget", "1,270.5"),
        (P1, "Hoạt động 1.4.2", "budget", "1,949"),
        (P1, "Hoạt động 1.4.3", "budget", "12,500,000"),
    ])]


@case("text-number-ambiguous", "text", "one budget typed «1,949» and nothing else that shows the notation")
def number_ambiguous(templates, out):
    return [_edited(templates, out, "text-number-ambiguous", [(P1, "Hoạt động 1.4.2", "budget", "1,949")])]


@case("text-number-vietnamese", "text", "«3,4» and «1.478,4» fix Vietnamese notation: «1,949» is 1.949 and "
      "«2.500» is 2500, without a warning")
def number_vietnamese(templates, out):
    return [_edited(templates, out, "text-number-vietnamese", [
        (P1, "Hoạt động 1.4.1", "budget", "3,4"),
        (P1, "Hoạt động 1.4.2", "budget", "1,949"),
        (P1, "Hoạt động 1.4.3", "budget", "1.478,4"),
        (P1, "Hoạt động 1.4.4", "budget", "2.500"),
    ])]


# --------------------------------------------------------------------------- numbers that must not raise
@case("text-budget-huge", "text", "budgets no plan can have: the number 1E+303, 400 digits typed as text, "
      "«1E+400» typed as text")
def budget_huge(templates, out):
    return [_edited(templates, out, "text-budget-huge", [
        (P1, "Hoạt động 1.4.2", "budget", 1e303),
        (P1, "Hoạt động 1.4.3", "budget", "9" * 400),
        (P1, "Hoạt động 1.4.4", "budget", "1E+400"),
    ])]


@case("text-formula-overflow", "text", "budget formulas saved without a value that overflow or nest thousands deep "
      "(=1E+300*1E+300, =((((…1…)))), =1+1+…+1), and one that is plain arithmetic (=2,5*4)")
def formula_overflow(templates, out):
    return [_edited(templates, out, "text-formula-overflow", [
        (P1, "Hoạt động 1.4.1", "budget", "=1E+300*1E+300"),
        (P1, "Hoạt động 1.4.2", "budget", "=" + "(" * 3000 + "1" + ")" * 3000),
        (P1, "Hoạt động 1.4.3", "budget", "=" + "+".join(["1"] * 5000)),
        (P1, "Hoạt động 1.4.4", "budget", "=2.5*4"),
    ])]


# --------------------------------------------------------------------------- formulas in every field
@case("text-formula-fields", "text", "formulas saved without a value in months, partners, evidence, indicator, "
      "frequency, collector and reporter: simple text formulas computed, others reported")
def formula_fields(templates, out):
    return [_edited(templates, out, "text-formula-fields", [
        (P1, "Hoạt động 1.4.2", "from", '="Tháng "&"03"'),
        (P1, "Hoạt động 1.4.2", "to", '=CONCATENATE("Tháng ",11)'),
        (P1, "Hoạt động 1.4.2", "partners", '="Sở Nội vụ"'),
        (P1, "Hoạt động 1.4.2", "evidence", '=B12&" (bản sao)"'),              # a cell reference: reported
        (P1, "Hoạt động 1.4.3", "indicator", '=VLOOKUP(A1,Z1:Z9,1,FALSE)'),   # reported
        (P2, "Hoạt động 1.4.2", "frequency", '=_xlfn.CONCAT("Hàng"," quý")'),
        (P2, "Hoạt động 1.4.2", "collector", '=UPPER("Phòng KSTTHC")'),     # a function not computed here
        (P2, "Hoạt động 1.4.2", "reporter", '="Sở Tư pháp"'),
    ])]


# --------------------------------------------------------------------------- save times
@case("text-saved-offset", "text", "two returns of one agency whose save times carry a UTC offset: the one saved "
      "later in absolute time wins, whatever its local clock says")
def saved_offset(templates, out):
    earlier = _edited(templates, out, "text-saved-offset-a", [(P1, "Hoạt động 1.4.2", "budget", 11)])
    later = _edited(templates, out, "text-saved-offset-b", [(P1, "Hoạt động 1.4.2", "budget", 12)])
    # a: 16:30 in Hà Nội = 09:30 UTC; b: 10:15 UTC, later although its clock reads earlier
    return [_with_modified(earlier, "2018-01-08T16:30:00+07:00"), _with_modified(later, "2018-01-08T10:15:00.250Z")]


@case("text-proposal-legacy", "text", "a spare row filled as a proposal in TCVN3, with its budget typed «2,500» "
      "and nothing else in the file that shows the notation")
def proposal_legacy(templates, out):
    from .base import column, rows_labelled

    book = openpyxl.load_workbook(templates[AGENCY])
    plan = book[P1]
    spare = rows_labelled(plan, "Đề xuất mới (1.4)")[0]
    for field, value in (("content", encode_legacy("Tập huấn kỹ năng kiểm tra cho cán bộ pháp chế", "TCVN3")),
                         ("from", encode_legacy("Tháng 09", "TCVN3")), ("to", encode_legacy("Tháng 10", "TCVN3")),
                         ("budget", "2,500"), ("lead", "Sở Tư pháp")):
        plan.cell(spare, column(plan, field), value).data_type = "s"
    return [save(book, out / "text-proposal-legacy.xlsx", SAVED)]
