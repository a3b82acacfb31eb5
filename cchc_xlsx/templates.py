"""Write stage for distribution: one protected, validated template workbook per agency.

Each template holds the agency's rows of Phụ lục 1 and 2 (with their task and output rows above
them for context), the cells it fills unlocked and validated, live subtotals with cached values,
spare rows for activities it proposes, an instruction sheet, and a very hidden metadata sheet
(format version, plan id, agency, a fingerprint of every locked row) so that a returned workbook
can be matched to its agency and its changes to locked cells found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from . import messages
from .agencies import Registry, default_registry
from .hierarchy import is_named_label
from .normalise import Plan
from .notation import FREQUENCY_CHOICES, fold
from .outputs import TEMP_SUFFIX, clean_leftovers, temp_prefix
from .write.book import header_title

__all__ = [
    "TEMPLATE_FORMAT", "TEMPLATE_VERSION", "META_SHEET", "LISTS_SHEET", "SHEET_PLAN", "SHEET_MONITORING",
    "SHEET_GUIDE", "PROPOSAL_LABEL", "TemplateOptions", "assign_activities", "activity_owners", "plan_id", "row_fingerprint",
    "slug", "write_templates", "write_template", "month_choices", "ALL_ROWS",
]

TEMPLATE_FORMAT = "cchc-xlsx/template"
TEMPLATE_VERSION = "1"
META_SHEET = "_cchc_meta"
LISTS_SHEET = "_danh_muc"
SHEET_GUIDE = "Hướng dẫn"
SHEET_PLAN = "Phụ lục 1"
SHEET_MONITORING = "Phụ lục 2"
#: The STT of a spare row; ``{output}`` is the output's code (``Đề xuất mới (1.1)``).
PROPOSAL_LABEL = "Đề xuất mới ({output})"
SPARE_ROWS = 2
#: Stands for "every row" where an agency is expected (the Sở Nội vụ's own workbook).
ALL_ROWS = ""

PLAN_HEADER = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu", "Tài liệu kiểm chứng, xác minh",
               "Thời gian", None, "Ngân sách dự kiến (triệu đồng)", "Cơ quan, đơn vị chủ trì",
               "Cơ quan, đơn vị phối hợp"]
MONITORING_HEADER = ["STT", "Nội dung công việc", "Chỉ số đánh giá/tác động/mục tiêu",
                     "Tài liệu kiểm chứng, xác minh", "Tần suất thu thập", "Trách nhiệm", None]
PLAN_WIDTHS = [17, 40, 28, 25, 10, 10, 11, 20, 24]
MONITORING_WIDTHS = [17, 42, 32, 28, 13, 32, 18]
FONT = "Times New Roman"


@dataclass
class TemplateOptions:
    password: str | None = None               # sheet protection password; none by default
    deadline: str = ""                        # "15/01/2018"; shown in the instructions
    contact: str = "Phòng Cải cách hành chính, Sở Nội vụ"
    generated_at: dt.datetime | None = None   # None: now
    spare_rows: int = SPARE_ROWS
    registry: Registry | None = None
    lang: str = "vi"                          # the instruction sheet's language ("vi" or "en")


# --------------------------------------------------------------------------- who fills what
def assign_activities(plan: Plan) -> dict[str, list[str]]:
    """agency -> the codes of the activities it answers for, in plan order.

    An activity belongs to its funded agency (the named lead, else the named partner: see
    docs/frames.md), so every funded agency and every named lead (the Sở Tài chính for task 5) gets
    its own; an activity with no named agency at all belongs to no agency's template (only to the
    Sở Nội vụ's all-rows workbook). Computed once per plan frame (the consolidation asks for it when
    it matches the returns and again when it merges them): the caller must not edit it.
    """
    def assign() -> dict[str, list[str]]:
        assigned: dict[str, list[str]] = {}
        for row in plan.rows("plan", "activity"):
            if row["funded_agency"]:
                assigned.setdefault(row["funded_agency"], []).append(row["code"])
        return assigned
    return plan.derived("assign_activities", ("plan",), assign)


def activity_owners(plan: Plan) -> dict[str, str]:
    """activity code -> the agency that answers for it (see :func:`assign_activities`), computed once per plan."""
    return plan.derived("activity_owners", ("plan",),
                        lambda: {code: agency for agency, codes in assign_activities(plan).items() for code in codes})


def slug(text: str) -> str:
    """ASCII-safe file name part: ``Sở Văn hóa, Thể thao và Du lịch`` -> ``so-van-hoa-the-thao-va-du-lich``."""
    return fold(text).replace(" ", "-") or "don-vi"


def _file_part(name: str, room: int = 80) -> str:
    """A file name part short enough for every file system (255 bytes a name): a long agency name is
    cut, with a short hash of it so that two long names stay apart."""
    if len(name) <= room:
        return name
    return f"{name[:room - 9].rstrip('-')}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def plan_id(plan: Plan) -> str:
    """A short id of the plan's structure (codes and contents), to tell one plan's templates from another's.

    Computed once per plan frame (every return of a consolidation asks for it).
    """
    return plan.derived("plan_id", ("plan",), lambda: _plan_id(plan))


def _plan_id(plan: Plan) -> str:
    digest = hashlib.sha256()
    for row in plan.rows("plan"):
        digest.update(f"{row['code']}\x1f{row['content']}\x1e".encode())
    return f"{plan.province or 'x'}-{plan.year}-{digest.hexdigest()[:12]}"


def row_fingerprint(code: str, content: str, lead: str = "") -> str:
    """Fingerprint of a locked row: its code, content and lead, white space folded."""
    text = "\x1f".join(" ".join(unicodedata.normalize("NFC", str(v)).split()) for v in (code, content, lead))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def month_choices(plan: Plan) -> list[str]:
    """``Tháng 01`` … ``Tháng 12`` of the plan year, the neighbouring years' months the plan uses, ``Theo yêu cầu``."""
    year = plan.year
    others = set()
    for side in ("from", "to"):
        frame = plan.plan[plan.plan[f"{side}_kind"] == "month"]
        for month, y in zip(frame[f"month_{side}"], frame[f"year_{side}"]):
            if int(y) != year:
                others.add((int(y), int(month)))
    before = [f"Tháng {m:02d}/{y}" for y, m in sorted(others) if y < year]
    after = [f"Tháng {m:02d}/{y}" for y, m in sorted(others) if y > year]
    return before + [f"Tháng {m:02d}" for m in range(1, 13)] + after + ["Theo yêu cầu"]


def _month_text(kind: str, month, year, plan_year: int, text: str) -> str:
    if kind == "month":
        return f"Tháng {int(month):02d}" if int(year) == plan_year else f"Tháng {int(month):02d}/{int(year)}"
    if kind == "on_request":
        return "Theo yêu cầu"
    return text  # blank stays blank; an invalid month is shown as written


def _clean_agency_text(text: str, registry: Registry) -> str:
    """The cell with the registry's spelling of every named agency it misspelt (``Sơ Tư pháp`` -> ``Sở Tư pháp``).

    Generic groups (``Các cơ, ban, ngành có liên quan``) stay as written: their canonical name is
    shorter than the phrase, and rewriting would drop words.
    """
    for written, canonical in registry.parse_cell(text).corrections:
        agency = registry.by_name(canonical)
        if agency is not None and agency.is_named:
            text = text.replace(written, canonical)
    return text


# --------------------------------------------------------------------------- writing
def write_templates(plan: Plan, out_dir: str | Path, options: TemplateOptions | None = None) -> list[Path]:
    """One template per agency that answers for rows, plus the Sở Nội vụ's workbook with every row."""
    options = options or TemplateOptions()
    if options.generated_at is None:
        options.generated_at = dt.datetime.now().replace(microsecond=0)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    registry = options.registry or plan.registry or default_registry()
    context = _Context.build(plan, registry)
    prefix = f"cchc-{plan.year}"
    jobs = [(ALL_ROWS, set(plan.activities["code"]), out_dir / f"{prefix}-toan-bo-ke-hoach.xlsx")]
    for agency, codes in assign_activities(plan).items():
        known = registry.by_name(agency)
        name = _file_part(known.id if known else slug(agency))
        jobs.append((agency, set(codes), out_dir / f"{prefix}-{name}.xlsx"))
    jobs = jobs[1:] + jobs[:1]   # agencies first, the all-rows workbook last
    return _run_jobs(context, jobs, options)


_SHARED: tuple | None = None   # the context and options, inherited by forked workers (not pickled)


def _job(index: int) -> Path:
    context, jobs, options = _SHARED
    agency, codes, path = jobs[index]
    return write_template(context, agency, codes, path, options)


def _run_jobs(context: "_Context", jobs: list, options: TemplateOptions) -> list[Path]:
    """Write the templates, on every core where the platform can fork (each file is independent)."""
    import multiprocessing
    import os

    global _SHARED
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or len(jobs) < 8 or "fork" not in multiprocessing.get_all_start_methods():
        return [write_template(context, agency, codes, path, options) for agency, codes, path in jobs]
    _SHARED = (context, jobs, options)
    try:
        # the biggest job (the all-rows workbook, last) goes first so that it does not run alone at the end
        order = [len(jobs) - 1, *range(len(jobs) - 1)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = dict(zip(order, pool.map(_job, order, chunksize=4)))
    finally:
        _SHARED = None
    return [done[i] for i in range(len(jobs))]


@dataclass
class _Context:
    """What every template of one plan shares, computed once."""

    plan: Plan
    registry: Registry
    plan_rows: list[dict]
    monitoring: dict[str, dict]
    months: list[str]
    agencies: list[str]
    plan_id: str

    @classmethod
    def build(cls, plan: Plan, registry: Registry) -> "_Context":
        rows = plan.plan.to_dict("records")
        for row in rows:
            row["lead_written"] = _clean_agency_text(row["lead"], registry)
            row["partners_written"] = _clean_agency_text(row["partners"], registry)
            row["from_written"] = _month_text(row["from_kind"], row["month_from"], row["year_from"], plan.year,
                                              row["from_text"])
            row["to_written"] = _month_text(row["to_kind"], row["month_to"], row["year_to"], plan.year,
                                            row["to_text"])
        monitoring = {row["code"]: row for row in plan.monitoring.to_dict("records")}
        return cls(plan, registry, rows, monitoring, month_choices(plan), registry.names(), plan_id(plan))


def fit_height(texts: list[str], widths: list[int], line_height: float = 15.0) -> float:
    """A row height that shows every wrapped line: LibreOffice does not grow rows when it opens a file."""
    lines = 1
    for text, width in zip(texts, widths):
        if text:
            per_line = max(4, int(width * 1.3))
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in str(text).split("\n")))
    return round(lines * line_height + 2, 1)


class _Tree:
    """The rows of a template as a tree: children by parent code, in plan order; leaves are the
    activities (the rows an agency fills), any other row a group (a task or output)."""

    def __init__(self, rows: list[dict]):
        self.by_code = {row["code"]: row for row in rows}
        self.children: dict[str, list[str]] = {}
        self.roots: list[str] = []
        for row in rows:
            parent = row["parent_code"]
            if parent and parent in self.by_code:
                self.children.setdefault(parent, []).append(row["code"])
            else:
                self.roots.append(row["code"])

    def is_leaf(self, code: str) -> bool:
        return self.by_code[code]["level"] == "activity"

    def takes_proposals(self, code: str) -> bool:
        """Spare rows go under a group of activities (an output, even one without any yet)."""
        kids = self.children.get(code)
        return any(map(self.is_leaf, kids)) if kids else self.by_code[code]["level"] == "output"

    def kinds(self, code: str) -> str:
        """``leaves`` (only activities, or none: an output), ``groups`` (only groups: a task), ``mixed``."""
        kids = self.children.get(code, [])
        leaves = sum(map(self.is_leaf, kids))
        if leaves == len(kids) and (kids or self.by_code[code]["level"] == "output"):
            return "leaves"
        return "groups" if not leaves else "mixed"


def _group_formula(sheet, r: int, last: int, parts: list[int], kinds: str, budgets: dict[int, int], fmt) -> None:
    """A group's live subtotal: the range below it when it holds only activities (and spare rows),
    else the sum of its children's cells. Its cached value is the sum of theirs, in đồng."""
    value = sum(budgets.get(x, 0) for x in parts)
    budgets[r] = value
    formula = f"=SUM(G{r + 2}:G{last + 1})" if kinds == "leaves" else _sum_cells(parts, kinds == "groups")
    sheet.write_formula(r, 6, formula, fmt, value / 1e6)


def _sum_cells(rows: list[int], plain: bool) -> str:
    """``=G5+G9`` (``plain``: one cell each, as the Đắk Lắk form's tasks and total have it), else
    adjacent rows as ranges (``=SUM(G5:G40)+G44``), so that a long flat list stays a short formula."""
    if not rows:
        return "=0"
    if plain:
        return "=" + "+".join(f"G{x + 1}" for x in rows)
    runs: list[list[int]] = []
    for x in rows:
        if runs and x == runs[-1][-1] + 1:
            runs[-1].append(x)
        else:
            runs.append([x])
    return "=" + "+".join(f"SUM(G{run[0] + 1}:G{run[-1] + 1})" if len(run) > 1 else f"G{run[0] + 1}" for run in runs)


def _label(level: str, code: str) -> str:
    return {"task": f"NHIỆM VỤ {code}", "output": f"Kết quả đầu ra {code}", "activity": f"Hoạt động {code}"}[level]


def _stt(row: dict, level: str | None = None) -> str:
    """The STT a template shows: the Đắk Lắk form's named label (``Hoạt động 1.1.1``); for a plan
    numbered otherwise (``I``, ``a)``, ``-``), the row's code (``1.2.1``), which the reader places
    back on the same row (hierarchy.py) whichever rows a template holds."""
    label = row.get("label") or ""
    level = level or row["level"]
    if (not label or is_named_label(label)) and level in ("task", "output", "activity") \
            and row["code"].count(".") + 1 == {"task": 1, "output": 2, "activity": 3}[level]:
        return _label(level, row["code"])
    return row["code"]


def _proposal_label(parent: str) -> str:
    return PROPOSAL_LABEL.format(output=parent) if parent else "Đề xuất mới"


def _select_rows(ctx: _Context, codes: set[str]) -> list[dict]:
    """The agency's activities with their task and output rows, in plan order."""
    keep = set(codes)
    for code in codes:
        parts = code.split(".")
        keep.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return [row for row in ctx.plan_rows if row["code"] in keep]


#: Cell colours (issue 12): every locked cell has a grey fill (darker for tasks and outputs, blue-grey
#: for headers and the total); every cell to fill has none, so it prints and shows white.
LOCKED_FILL = "#EDEDED"
TASK_FILL = "#D9D9D9"
OUTPUT_FILL = "#E4E4E4"
HEADER_FILL = "#D9E1F2"
#: Numbers in the Vietnamese locale whatever the machine's (150,5; 1.949,0), as the consolidated
#: workbook writes them (cchc_xlsx/write/book.py): LibreOffice on an English locale then shows 150,5.
NUMBER = "[$-42A]#,##0.0##"
WHOLE = "[$-42A]#,##0"


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 11, "valign": "top", "text_wrap": True, "border": 1}
        add = lambda **kw: book.add_format(base | kw)  # noqa: E731
        self.title = book.add_format({"font_name": FONT, "font_size": 13, "bold": True})
        self.subtitle = book.add_format({"font_name": FONT, "font_size": 11, "italic": True})
        self.plain = book.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"font_name": FONT, "font_size": 11, "bold": True})
        self.guide_title = book.add_format({"font_name": FONT, "font_size": 13, "bold": True, "text_wrap": True,
                                            "valign": "top"})
        self.guide_bold = book.add_format({"font_name": FONT, "font_size": 11, "bold": True, "text_wrap": True,
                                           "valign": "top"})
        self.guide_note = book.add_format({"font_name": FONT, "font_size": 11, "italic": True, "text_wrap": True,
                                           "valign": "top"})
        self.header = add(bold=True, align="center", valign="vcenter", bg_color=HEADER_FILL)
        self.task = add(bold=True, bg_color=TASK_FILL)
        self.task_num = add(bold=True, bg_color=TASK_FILL, num_format=NUMBER)
        self.output = add(bold=True, italic=True, bg_color=OUTPUT_FILL)
        self.output_num = add(bold=True, italic=True, bg_color=OUTPUT_FILL, num_format=NUMBER)
        self.locked = add(bg_color=LOCKED_FILL)
        self.input = add(locked=False)
        self.input_num = add(locked=False, num_format=NUMBER)
        # a spare row: its STT cell (locked, grey) says «Đề xuất mới (1.1)» in blue italics; its cells to fill are white
        self.spare_label = add(italic=True, font_color="#1F4E79", bg_color=LOCKED_FILL)
        self.spare = add(locked=False)
        self.spare_num = add(locked=False, num_format=NUMBER)
        self.total = add(bold=True, num_format=NUMBER, bg_color=HEADER_FILL)
        self.total_label = add(bold=True, bg_color=HEADER_FILL)
        self.missing = book.add_format({"bg_color": "#FCE4D6"})
        self.bad = book.add_format({"bg_color": "#FF9999", "font_color": "#9C0006"})
        self.amount = book.add_format({"font_name": FONT, "font_size": 11, "num_format": WHOLE})


def write_template(ctx: _Context, agency: str, codes: set[str], path: Path, options: TemplateOptions) -> Path:
    """One template: instructions, Phụ lục 1, Phụ lục 2, the hidden lists and metadata."""
    rows = _select_rows(ctx, codes)
    buffer = io.BytesIO()          # written whole, then moved into place: a killed run leaves no half file
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "in_memory": True})
    book.set_properties({"title": f"Biểu mẫu kế hoạch CCHC năm {ctx.plan.year}", "author": "cchc-xlsx",
                         "company": agency or "Sở Nội vụ", "created": options.generated_at})
    formats = _Formats(book)
    guide = book.add_worksheet(SHEET_GUIDE)
    plan_sheet = book.add_worksheet(SHEET_PLAN)
    monitoring_sheet = book.add_worksheet(SHEET_MONITORING)
    lists = book.add_worksheet(LISTS_SHEET)
    meta = book.add_worksheet(META_SHEET)
    agency_range = _write_lists(lists, ctx)
    fingerprints: list[tuple] = []
    plan_cells = _write_plan_sheet(plan_sheet, ctx, agency, rows, formats, options, agency_range, fingerprints)
    _write_monitoring_sheet(monitoring_sheet, ctx, agency, rows, formats, options, fingerprints)
    _write_guide(guide, ctx, agency, formats, options, plan_cells)
    _write_meta(meta, ctx, agency, options, fingerprints)
    lists.hide()
    meta.very_hidden()
    plan_sheet.activate()
    book.close()
    _replace(path, buffer.getvalue())
    return path


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` (named as cchc_xlsx/outputs.py knows it) and
    move it over ``path``."""
    clean_leftovers(path.parent, path)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=f"{TEMP_SUFFIX}{path.suffix}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(name, 0o666 & ~mask)
        os.replace(name, path)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def _titles(sheet, ctx: _Context, agency: str, heading: str, formats: _Formats) -> None:
    plan = ctx.plan
    sheet.write_string(0, 0, f"{heading} NĂM {plan.year}", formats.title)
    decision = ""
    if plan.decision:
        decision = f"Quyết định số {plan.decision}"
        if plan.decision_date:
            d, m, y = plan.decision_date.split("/")
            decision += f" ngày {int(d)} tháng {int(m)} năm {y}"
    province = f" tỉnh {plan.province}" if plan.province else ""
    sheet.write_string(1, 0, f"(Kèm theo {decision or 'Kế hoạch'} của Ủy ban nhân dân{province})", formats.subtitle)
    who = agency or "Tất cả các cơ quan, đơn vị (bản tổng hợp của Sở Nội vụ)"
    sheet.write_string(2, 0, f"Đơn vị điền: {who}. Đơn vị tính: triệu đồng.", formats.bold)


def _write_header(sheet, header: list, first_row: int, formats: _Formats, sub: dict[int, str]) -> None:
    sheet.set_row(first_row, 32)
    sheet.set_row(first_row + 1, 18)
    for col, text in enumerate(header):
        if text is None:
            continue
        if col + 1 < len(header) and header[col + 1] is None:   # a group over two columns
            sheet.merge_range(first_row, col, first_row, col + 1, text, formats.header)
        elif col not in sub:
            sheet.merge_range(first_row, col, first_row + 1, col, text, formats.header)
    for col, text in sub.items():
        sheet.write_string(first_row + 1, col, text, formats.header)


def _page_setup(sheet, ctx: _Context, header_rows: tuple[int, int], widths: list[int], title: str) -> None:
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.repeat_rows(*header_rows)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)   # 30, 15, 20, 20 mm (Decree 30/2020)
    sheet.set_header(f"&C&\"{FONT},Regular\"&10{header_title(title)}")   # a long or «&» agency name too
    sheet.set_footer(f"&C&\"{FONT},Regular\"&10Trang &P/&N")
    sheet.freeze_panes(header_rows[1] + 1, 2)


def _protect(sheet, options: TemplateOptions) -> None:
    sheet.protect(options.password or "", {"format_rows": True, "format_columns": True,
                                          "select_locked_cells": True, "select_unlocked_cells": True})


DATA_START = 6  # rows 0-2 titles, 3 blank, 4-5 header


def _write_plan_sheet(sheet, ctx: _Context, agency: str, rows: list[dict], f: _Formats, options: TemplateOptions,
                      agency_range: str, fingerprints: list) -> dict:
    _titles(sheet, ctx, agency, "Phụ lục 1. KẾ HOẠCH HOẠT ĐỘNG VÀ NGÂN SÁCH THỰC HIỆN CCHC", f)
    _write_header(sheet, PLAN_HEADER, 4, f, {4: "Từ tháng", 5: "Đến tháng"})
    all_rows = agency == ALL_ROWS
    tree = _Tree(rows)
    budgets: dict[int, int] = {}                    # row -> cached value in đồng
    input_rows: list[int] = []
    spare_rows: list[int] = []
    row_of: dict[str, int] = {}

    def spares(r: int, parent: str) -> int:
        for _ in range(options.spare_rows):
            sheet.write_string(r, 0, _proposal_label(parent), f.spare_label)
            for col in range(1, 9):
                if col == 6:
                    sheet.write_blank(r, col, None, f.spare_num)
                else:
                    sheet.write_blank(r, col, None, f.spare)
            sheet.write_string(r, 7, agency, f.spare) if agency else None
            spare_rows.append(r)
            r += 1
        return r

    def write(codes: list[str], r: int, detail: bool = False) -> int:
        """These sibling rows and everything under them from row r; the next free row."""
        for code in codes:
            row = tree.by_code[code]
            row_of[code] = r
            if detail:              # a detail line under an activity: context, its money is the activity's
                _context_row(sheet, r, row, f.output, fingerprints)
                r = write(tree.children.get(code, []), r + 1, True)
                continue
            if tree.is_leaf(code):
                _write_activity(sheet, r, row, f, budgets)
                fingerprints.append((code, "activity", SHEET_PLAN, r + 1,
                                     row_fingerprint(code, row["content"], row["lead_written"])))
                input_rows.append(r)
                r = write(tree.children.get(code, []), r + 1, True)       # its detail lines, if any
                continue
            group_row = r
            _context_row(sheet, r, row, f.task if row["level"] == "task" else f.output, fingerprints)
            kids = tree.children.get(code, [])
            r = write(kids, r + 1)
            first_spare = r
            if tree.takes_proposals(code):
                r = spares(r, code)
            _group_formula(sheet, group_row, r - 1, [row_of[k] for k in kids] + list(range(first_spare, r)),
                           tree.kinds(code), budgets, f.task_num if row["level"] == "task" else f.output_num)
        return r

    roots = tree.roots
    r = write(roots, DATA_START)
    top = [row_of[code] for code in roots]
    if any(tree.is_leaf(code) for code in roots):          # a flat list: proposals at its end
        first_spare = r
        r = spares(r, "")
        top += list(range(first_spare, r))
    task_rows = top
    total_row = r
    sheet.write_string(total_row, 0, "Tổng cộng", f.total_label)
    for col in range(1, 9):
        if col != 6:
            sheet.write_blank(total_row, col, None, f.total_label)
    total = sum(budgets.get(x, 0) for x in task_rows)
    sheet.write_formula(total_row, 6, _sum_cells(task_rows, not any(map(tree.is_leaf, roots))), f.total, total / 1e6)
    r = total_row + 1
    if all_rows and not ctx.plan.allocation.empty:
        r += 1
        sheet.write_string(r, 0, "Trong đó:", f.bold)
        r += 1
        for i, alloc in enumerate(ctx.plan.allocation.itertuples(), start=1):
            sheet.write_string(r, 0, f"{i}. {alloc.agency}:", f.plain)
            sheet.write_string(r, 1, ":", f.plain)
            sheet.write_number(r, 2, int(alloc.amount_dong), f.amount)
            r += 1
    _validate_plan(sheet, ctx, input_rows, spare_rows, agency_range, f)
    _page_setup(sheet, ctx, (4, 5), PLAN_WIDTHS, f"Kế hoạch CCHC năm {ctx.plan.year} — {agency or 'Tổng hợp'}")
    _protect(sheet, options)
    return {"input_rows": input_rows, "spare_rows": spare_rows, "total_row": total_row}


def _context_row(sheet, r: int, row: dict, fmt, fingerprints: list) -> None:
    """A task or output row of Phụ lục 1: locked, for context; its budget is written later as a formula."""
    sheet.write_string(r, 0, _stt(row), fmt)
    for col, key in ((1, "content"), (2, "indicator"), (3, "evidence"), (4, "from_written"), (5, "to_written"),
                     (7, "lead_written"), (8, "partners_written")):
        sheet.write_string(r, col, row[key], fmt)
    fingerprints.append((row["code"], row["level"], SHEET_PLAN, r + 1, row_fingerprint(row["code"], row["content"])))
    sheet.set_row(r, fit_height(_plan_texts(row), PLAN_WIDTHS))


def _plan_texts(row: dict) -> list[str]:
    return ["", row["content"], row["indicator"], row["evidence"], row["from_written"], row["to_written"], "",
            row["lead_written"], row["partners_written"]]


def _write_activity(sheet, r: int, row: dict, f: _Formats, budgets: dict[int, int]) -> None:
    sheet.set_row(r, fit_height(_plan_texts(row), PLAN_WIDTHS))
    sheet.write_string(r, 0, _stt(row, "activity"), f.locked)
    sheet.write_string(r, 1, row["content"], f.locked)
    sheet.write_string(r, 2, row["indicator"], f.input)
    sheet.write_string(r, 3, row["evidence"], f.input)
    sheet.write_string(r, 4, row["from_written"], f.input)
    sheet.write_string(r, 5, row["to_written"], f.input)
    budget = row["budget"]
    if budget == budget:  # not NaN
        sheet.write_number(r, 6, budget, f.input_num)
        budgets[r] = round(budget * 1_000_000)
    else:
        sheet.write_blank(r, 6, None, f.input_num)
    sheet.write_string(r, 7, row["lead_written"], f.locked)
    sheet.write_string(r, 8, row["partners_written"], f.input)


def _ranges(rows: list[int], first_col: int, last_col: int) -> str:
    """Rows (zero-based) as space-separated A1 ranges, runs of consecutive rows merged: ``E7:F9 E12:F12``."""
    from xlsxwriter.utility import xl_range

    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return " ".join(xl_range(a, first_col, b, last_col) for a, b in runs)


def _apply(sheet, method: str, rows: list[int], first_col: int, last_col: int, options: dict) -> None:
    """One data validation or conditional format over every given row: one rule, not one per cell."""
    if not rows:
        return
    first = min(rows)
    getattr(sheet, method)(first, first_col, first, last_col, options | {"multi_range": _ranges(rows, first_col, last_col)})


def _validate_plan(sheet, ctx: _Context, input_rows: list[int], spare_rows: list[int], agency_range: str,
                   f: _Formats) -> None:
    months = ",".join(ctx.months)
    rows = sorted(input_rows + spare_rows)
    source = ctx.months if len(months) <= 255 else f"={LISTS_SHEET}!$A$2:$A${len(ctx.months) + 1}"
    _apply(sheet, "data_validation", rows, 4, 5, {
        "validate": "list", "source": source,
        "input_title": "Tháng", "input_message": "Chọn tháng trong danh sách (Tháng 01 … Tháng 12), hoặc «Theo yêu cầu».",
        "error_title": "Tháng không hợp lệ", "error_message": "Hãy chọn một giá trị trong danh sách."})
    _apply(sheet, "data_validation", rows, 6, 6, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "input_title": "Ngân sách (triệu đồng)",
        "input_message": "Ghi số triệu đồng, không ghi đồng. Ví dụ: 3,4 là 3.400.000 đồng. Ghi 0 nếu không dùng ngân sách.",
        "error_title": "Ngân sách không hợp lệ", "error_message": "Ngân sách là một số không âm, đơn vị triệu đồng."})
    _apply(sheet, "data_validation", rows, 8, 8, {
        "validate": "list", "source": agency_range, "error_type": "information",
        "input_title": "Cơ quan phối hợp", "input_message": "Chọn trong danh mục hoặc ghi tên cơ quan, đơn vị.",
        "error_title": "Tên ngoài danh mục", "error_message": "Tên này không có trong danh mục; vẫn được ghi nhận."})
    _apply(sheet, "data_validation", rows, 2, 2, {
        "validate": "any", "input_title": "Chỉ số đánh giá",
        "input_message": "Chỉ số đánh giá/tác động/mục tiêu của hoạt động, ví dụ: 100% văn bản được ban hành đúng hạn."})
    _apply(sheet, "data_validation", rows, 3, 3, {
        "validate": "any", "input_title": "Tài liệu kiểm chứng",
        "input_message": "Tài liệu chứng minh kết quả, ví dụ: Báo cáo, Quyết định, hồ sơ thanh toán."})
    _apply(sheet, "data_validation", spare_rows, 1, 1, {
        "validate": "any", "input_title": "Hoạt động đề xuất mới",
        "input_message": "Ghi nội dung hoạt động đơn vị đề xuất thêm dưới kết quả đầu ra này; để trống nếu không đề xuất."})
    _apply(sheet, "data_validation", spare_rows, 7, 7, {
        "validate": "list", "source": agency_range, "error_type": "information",
        "input_title": "Cơ quan chủ trì", "input_message": "Đơn vị chủ trì hoạt động đề xuất."})
    # required cells left empty (activities only: a spare row may stay empty), then bad budgets
    if input_rows:
        top = f"E{min(input_rows) + 1}"   # relative to the first cell: the rule moves with each cell
        _apply(sheet, "conditional_format", input_rows, 4, 6, {
            "type": "formula", "criteria": f"=LEN(TRIM({top}))=0", "format": f.missing})
    if rows:
        cell = f"G{min(rows) + 1}"
        _apply(sheet, "conditional_format", rows, 6, 6, {
            "type": "formula", "criteria": f'=OR(AND({cell}<>"",NOT(ISNUMBER({cell}))),AND(ISNUMBER({cell}),{cell}<0))',
            "format": f.bad})


def _write_monitoring_sheet(sheet, ctx: _Context, agency: str, rows: list[dict], f: _Formats,
                            options: TemplateOptions, fingerprints: list) -> None:
    _titles(sheet, ctx, agency, "Phụ lục 2. BẢNG PHÂN CÔNG THEO DÕI, ĐÁNH GIÁ THỰC HIỆN KẾ HOẠCH CCHC", f)
    _write_header(sheet, MONITORING_HEADER, 4, f, {5: "Thu thập số liệu", 6: "Báo cáo"})
    all_rows = agency == ALL_ROWS
    frequency_rows: list[int] = []
    tree = _Tree(rows)

    def write(codes: list[str], r: int) -> int:
        for code in codes:
            row = tree.by_code[code]
            if tree.is_leaf(code):
                _monitoring_row(sheet, r, "activity", code, row, ctx.monitoring.get(code, {}),
                                f.locked, f.input, fingerprints)
                frequency_rows.append(r)
                r = write(tree.children.get(code, []), r + 1)
                continue
            level = row["level"]
            fmt = f.task if level == "task" else f.output
            editable = f.input if all_rows else fmt
            _monitoring_row(sheet, r, level, code, row, ctx.monitoring.get(code, {}), fmt, editable, fingerprints)
            if all_rows:
                frequency_rows.append(r)
            r = write(tree.children.get(code, []), r + 1)
            if tree.takes_proposals(code):
                r = spares(r, code)
        return r

    def spares(r: int, parent: str) -> int:
        for _ in range(options.spare_rows):
            sheet.write_string(r, 0, _proposal_label(parent), f.spare_label)
            for col in range(1, 7):
                sheet.write_blank(r, col, None, f.spare)
            frequency_rows.append(r)
            r += 1
        return r

    r = write(tree.roots, DATA_START)
    if any(map(tree.is_leaf, tree.roots)):
        spares(r, "")
    _apply(sheet, "data_validation", frequency_rows, 4, 4, {
        "validate": "list", "source": list(FREQUENCY_CHOICES),
        "input_title": "Tần suất thu thập", "input_message": "Chọn: Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, Theo yêu cầu hoặc số lần trong năm.",
        "error_title": "Tần suất không hợp lệ", "error_message": "Hãy chọn một giá trị trong danh sách."})
    _apply(sheet, "data_validation", frequency_rows, 5, 5, {
        "validate": "any", "input_title": "Thu thập số liệu",
        "input_message": "Họ tên, chức vụ, đơn vị của người thu thập số liệu."})
    _apply(sheet, "data_validation", frequency_rows, 6, 6, {
        "validate": "any", "input_title": "Báo cáo",
        "input_message": "Người hoặc đơn vị báo cáo kết quả theo dõi (để trống nếu là người thu thập)."})
    _page_setup(sheet, ctx, (4, 5), MONITORING_WIDTHS, f"Theo dõi, đánh giá CCHC năm {ctx.plan.year} — {agency or 'Tổng hợp'}")
    _protect(sheet, options)


def _monitoring_row(sheet, r: int, level: str, code: str, row: dict, monitoring: dict, fixed, editable,
                    fingerprints: list) -> None:
    content = monitoring.get("content") or row["content"]
    fingerprints.append((code, level, SHEET_MONITORING, r + 1, row_fingerprint(code, content)))
    texts = ["", content, monitoring.get("indicator", row["indicator"]), monitoring.get("evidence", row["evidence"]),
             monitoring.get("frequency", ""), monitoring.get("collector", ""), monitoring.get("reporter", "")]
    sheet.set_row(r, fit_height(texts, MONITORING_WIDTHS))
    sheet.write_string(r, 0, _stt(row, level), fixed)
    sheet.write_string(r, 1, content, fixed)
    sheet.write_string(r, 2, monitoring.get("indicator", row["indicator"]), fixed)
    sheet.write_string(r, 3, monitoring.get("evidence", row["evidence"]), fixed)
    sheet.write_string(r, 4, monitoring.get("frequency", ""), editable)
    sheet.write_string(r, 5, monitoring.get("collector", ""), editable)
    sheet.write_string(r, 6, monitoring.get("reporter", ""), editable)


def _write_lists(sheet, ctx: _Context) -> str:
    """Dropdown lists too long for Excel's 255-character inline limit. Returns the agencies' range."""
    sheet.write_string(0, 0, "Tháng")
    for i, month in enumerate(ctx.months, start=1):
        sheet.write_string(i, 0, month)
    sheet.write_string(0, 1, "Cơ quan, đơn vị")
    for i, name in enumerate(ctx.agencies, start=1):
        sheet.write_string(i, 1, name)
    sheet.write_string(0, 2, "Tần suất")
    for i, name in enumerate(FREQUENCY_CHOICES, start=1):
        sheet.write_string(i, 2, name)
    return f"={LISTS_SHEET}!$B$2:$B${len(ctx.agencies) + 1}"


#: The instruction sheet, in the template's language (TemplateOptions.lang): one entry a paragraph.
GUIDE_MESSAGES = {
    "templates.guide.title": ("HƯỚNG DẪN ĐIỀN BIỂU MẪU KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year}",
                              "HOW TO FILL IN THE ADMINISTRATIVE REFORM PLAN TEMPLATE FOR {year}"),
    "templates.guide.agency": ("Đơn vị: {agency}", "Agency: {agency}"),
    "templates.guide.all_rows": ("Sở Nội vụ (bản có tất cả các dòng của kế hoạch)",
                                 "Sở Nội vụ (the copy with every row of the plan)"),
    "templates.guide.allocated": ("Kinh phí được phân bổ theo Quyết định: {amount} đồng",
                                  "Funds allocated by the decision: {amount} đồng"),
    "templates.guide.sheets": (
        "1. Biểu mẫu có 2 trang: «Phụ lục 1» (kế hoạch và ngân sách) và «Phụ lục 2» (phân công theo dõi, đánh giá). "
        "Chỉ điền vào các ô nền trắng; các ô nền xám là nội dung của kế hoạch đã được phê duyệt và đã được khóa.",
        "1. The template has 2 sheets: «Phụ lục 1» (plan and budget) and «Phụ lục 2» (monitoring duties). "
        "Fill in only the white cells; the grey cells hold the approved plan and are locked."),
    "templates.guide.budget": (
        "2. Ngân sách dự kiến ghi bằng TRIỆU ĐỒNG và gõ dạng số (ví dụ 1949 là 1.949 triệu đồng; 3,4 là "
        "3.400.000 đồng). Ghi 0 nếu hoạt động không dùng ngân sách; không để trống. Nếu ô chuyển màu đỏ ngay khi "
        "gõ «3,4», máy đang dùng dấu chấm thập phân: hãy gõ 3.4. Các dòng kết quả đầu ra, nhiệm vụ và Tổng cộng "
        "tự cộng, không cần sửa.",
        "2. Budgets are in MILLION ĐỒNG, typed as numbers (e.g. 1949 is 1,949 million đồng; 3.4 is 3,400,000 "
        "đồng). Write 0 if the activity needs no budget; do not leave it blank. If the cell turns red as soon as "
        "you type «3,4», the computer uses a decimal point: type 3.4. The output, task and Tổng cộng rows add up "
        "by themselves; do not edit them."),
    "templates.guide.months": (
        "3. Thời gian: chọn «Tháng 01» … «Tháng 12» trong danh sách (tháng của năm khác ghi kèm năm, ví dụ "
        "«Tháng 12/2017»), hoặc «Theo yêu cầu».",
        "3. Months: choose «Tháng 01» … «Tháng 12» from the list (a month of another year with its year, "
        "e.g. «Tháng 12/2017»), or «Theo yêu cầu» (on request)."),
    "templates.guide.frequency": (
        "4. Tần suất thu thập (Phụ lục 2): chọn Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, "
        "Theo yêu cầu, hoặc số lần trong năm (01 lần, 02 lần …). Ghi họ tên, chức vụ người thu thập số liệu.",
        "4. Collection frequency (Phụ lục 2): choose Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, "
        "Theo yêu cầu, or a number of times a year (01 lần, 02 lần …). Write the name and position of the "
        "person who collects the data."),
    "templates.guide.proposals": (
        "5. Hoạt động đề xuất thêm: ghi vào dòng «Đề xuất mới (…)» (chữ nghiêng màu xanh) dưới kết quả đầu ra "
        "tương ứng, ở CẢ HAI trang: ở Phụ lục 1 ghi nội dung, thời gian, ngân sách, cơ quan chủ trì; ở Phụ lục 2 "
        "ghi cùng nội dung, tần suất và người thu thập số liệu. Để trống các dòng không dùng.",
        "5. Proposed activities: write them in a «Đề xuất mới (…)» row (blue italics) under their output, on "
        "BOTH sheets: in Phụ lục 1 the content, months, budget and lead agency; in Phụ lục 2 the same content, "
        "the frequency and the data collector. Leave unused rows blank."),
    "templates.guide.rules": (
        "6. Không thêm, xóa hay đổi tên cột, trang; không sửa cột STT và nội dung đã khóa; không xóa các trang ẩn. "
        "Ô tô màu hồng là ô bắt buộc còn trống; ô tô đỏ là ngân sách âm hoặc không phải số.",
        "6. Do not add, delete or rename columns or sheets; do not edit the STT column or the locked content; do "
        "not delete the hidden sheets. A pink cell is a required cell left blank; a red cell is a budget that is "
        "negative or not a number."),
    "templates.guide.deadline": ("7. Thời hạn gửi lại: {deadline}. Lưu tệp dạng .xlsx, giữ nguyên tên tệp.",
                                 "7. Send it back by: {deadline}. Save it as .xlsx and keep the file name."),
    "templates.guide.deadline_default": ("theo thời hạn trong công văn của Sở Nội vụ",
                                         "the date in the Sở Nội vụ's letter"),
    "templates.guide.contact": ("8. Liên hệ: {contact}.", "8. Contact: {contact}."),
    "templates.guide.stamp": ("Mã kế hoạch: {plan_id} · phiên bản biểu mẫu {version} · tạo lúc {when}",
                              "Plan id: {plan_id} · template version {version} · made {when}"),
}
messages.register(GUIDE_MESSAGES)

#: The instruction sheet's one column, in Excel character widths (the default font's digit: 7 px in
#: Excel, up to 9 px in a LibreOffice without Calibri's metrics). A4 portrait between the Decree 30/2020
#: margins is 165 mm: 68 widths fit it in either, so no program needs to shrink it. LibreOffice ignores
#: «fit to one page wide» on the first sheet when it prints a whole workbook (measured with 7.3), so
#: the width itself must fit; the setting stays as a second guard for Excel.
GUIDE_WIDTH = 68


def guide_lines(text: str, width: float = GUIDE_WIDTH, *, bold: bool = False) -> int:
    """The lines ``text`` wraps to in a column ``width`` characters wide, counted generously.

    A simple rule (issue 12 item 5) until a font-metrics module measures text: Times New Roman 11 pt
    averages 5.5 px a letter, Vietnamese with its marks included, under one Excel character width
    (7 px or more); counting one letter a width unit (0.85 bold) and breaking only between words
    never gives fewer lines than Excel or LibreOffice show.
    """
    per_line = max(8, int(width * (0.85 if bold else 1.0)))
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            used += (1 if used else 0) + len(word)
            while used > per_line:        # a word longer than a line breaks inside itself
                count, used = count + 1, used - per_line
        lines += count
    return max(1, lines)


def _write_guide(sheet, ctx: _Context, agency: str, f: _Formats, options: TemplateOptions, cells: dict) -> None:
    """The instruction sheet: one paragraph a row in one column as wide as an A4 portrait page, each
    row as tall as its wrapped lines, so that it prints whole in Excel and LibreOffice."""
    plan, lang = ctx.plan, options.lang

    def say(key: str, **values) -> str:
        return messages.text(key, lang, **values)

    allocated = ""
    if agency and not plan.allocation.empty:
        match = plan.allocation[plan.allocation["agency"] == agency]
        if len(match):
            amount = f"{int(match['amount_dong'].iloc[0]):,}"
            allocated = say("templates.guide.allocated", amount=amount.replace(",", ".") if lang == "vi" else amount)
    lines = [
        (say("templates.guide.title", year=plan.year), f.guide_title, 13),
        (say("templates.guide.agency", agency=agency or say("templates.guide.all_rows")), f.guide_bold, 11),
        (allocated, f.plain, 11),
        ("", f.plain, 11),
        *((say(f"templates.guide.{key}"), f.plain, 11) for key in ("sheets", "budget", "months", "frequency",
                                                                 "proposals", "rules")),
        (say("templates.guide.deadline", deadline=options.deadline or say("templates.guide.deadline_default")),
         f.plain, 11),
        (say("templates.guide.contact", contact=options.contact), f.plain, 11),
        ("", f.plain, 11),
        (say("templates.guide.stamp", plan_id=ctx.plan_id, version=TEMPLATE_VERSION,
             when=f"{options.generated_at:%d/%m/%Y %H:%M}"), f.guide_note, 11),
    ]
    sheet.set_column(0, 0, GUIDE_WIDTH)
    for i, (text, fmt, size) in enumerate(lines):
        if text:
            sheet.write_string(i, 0, text, fmt)
            bold = fmt in (f.guide_title, f.guide_bold)
            # 11 pt Times New Roman takes 15 points a line in both programs; 13 pt, 18
            sheet.set_row(i, guide_lines(text, GUIDE_WIDTH * 11 / size, bold=bold) * (15 if size == 11 else 18) + 4)
    sheet.set_paper(9)
    sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
    sheet.print_area(0, 0, len(lines) - 1, 0)
    sheet.protect(options.password or "")


def _write_meta(sheet, ctx: _Context, agency: str, options: TemplateOptions, fingerprints: list) -> None:
    known = ctx.registry.by_name(agency) if agency else None
    entries = [
        ("format", TEMPLATE_FORMAT), ("template_version", TEMPLATE_VERSION), ("plan_id", ctx.plan_id),
        ("plan_year", str(ctx.plan.year)), ("province", ctx.plan.province), ("decision", ctx.plan.decision),
        ("agency", agency), ("agency_id", known.id if known else (slug(agency) if agency else "")),
        ("scope", "agency" if agency else "all"), ("generated_at", options.generated_at.isoformat()),
        ("rows", str(len(fingerprints))),
    ]
    for i, (key, value) in enumerate(entries):
        sheet.write_string(i, 0, key)
        sheet.write_string(i, 1, value)
    start = len(entries) + 1
    for col, name in enumerate(("code", "level", "sheet", "row", "fingerprint")):
        sheet.write_string(start, col, name)
    for i, (code, level, sheet_name, row, fingerprint) in enumerate(fingerprints, start=start + 1):
        sheet.write_string(i, 0, code)
        sheet.write_string(i, 1, level)
        sheet.write_string(i, 2, sheet_name)
        sheet.write_number(i, 3, row)
        sheet.write_string(i, 4, fingerprint)
    sheet.protect(options.password or "")
