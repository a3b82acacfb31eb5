"""What a command is given, judged before any work: paths that exist, spreadsheets to read, an output that may be replaced.

Every refusal is a :class:`~cchc_xlsx.findings.ToolError` with a message key (one line, both
languages): the command line prints it and exits with code 2, having written nothing.

- A path that does not exist is never a finding of a file "that cannot be read": it is a mistyped
  argument (``cli.missing-path``).
- A command given no spreadsheet at all (an empty folder, a folder of documents, a .docx) has
  nothing to check: saying "no errors" would mislead (``cli.nothing-to-check``).
- Our own consolidated workbook is not a plan nor a return; read as one it would list hundreds of
  meaningless errors (``cli.is-consolidated``).
- ``consolidate`` never replaces a consolidated workbook silently with a poorer one: not one that
  is not ours, not one edited by a person since it was written, not one open in Excel or
  LibreOffice, not one built from more returns than the new one (:func:`check_replace`); and
  ``templates`` never writes over a return an agency filled in (:func:`check_templates_target`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .findings import ToolError
from .messages import count, register
from .outputs import CONSOLIDATED, output_kind
from .workbook import is_regular_file, path_exists

__all__ = ["require_paths", "refuse_consolidated", "is_consolidated", "require_spreadsheets", "require_read",
           "check_replace", "check_templates_target", "returns_used", "workbook_returns_used"]

register({
    "cli.missing-path": (
        "{path}: không có tệp hay thư mục này; hãy kiểm tra lại tên và đường dẫn (đường dẫn có dấu cách thì đặt trong "
        "dấu ngoặc kép).",
        "{path}: no such file or folder; check the name and the path (put a path with spaces in quotes)."),
    "cli.nothing-to-check": (
        "Không có bảng tính nào (.xlsx, .xlsm, .xls, .ods) để kiểm tra trong {paths}{skipped}: hãy chỉ ra tệp hoặc "
        "thư mục chứa báo cáo của các đơn vị.",
        "No spreadsheet (.xlsx, .xlsm, .xls, .ods) to check in {paths}{skipped}: name the files or the folder "
        "holding the agencies' returns."),
    "cli.nothing-to-consolidate": (
        "Không có bảng tính nào (.xlsx, .xlsm, .xls, .ods) để tổng hợp trong {paths}{skipped}; không ghi gì. Hãy chỉ "
        "ra tệp hoặc thư mục chứa báo cáo của các đơn vị (chỉ tổng hợp kế hoạch: dùng --plan và không ghi báo cáo).",
        "No spreadsheet (.xlsx, .xlsm, .xls, .ods) to consolidate in {paths}{skipped}; nothing written. Name the "
        "files or the folder holding the agencies' returns (the plan alone: --plan and no returns)."),
    "cli.nothing-to-progress": (
        "Không có bảng tính nào (.xlsx, .xlsm, .xls, .ods) để tổng hợp tiến độ trong {paths}{skipped}; không ghi gì. "
        "Hãy chỉ ra tệp hoặc thư mục chứa báo cáo tiến độ của các đơn vị.",
        "No spreadsheet (.xlsx, .xlsm, .xls, .ods) to read progress from in {paths}{skipped}; nothing written. Name "
        "the files or the folder holding the agencies' progress returns."),
    "cli.skipped-some": (
        " (bỏ qua {n} tệp: {names})",
        " ({n} file skipped: {names})| ({n} files skipped: {names})"),
    "cli.is-consolidated": (
        "{path} là bảng tổng hợp do cchc-xlsx ghi ra, không phải kế hoạch hay báo cáo của đơn vị: các lỗi của nó "
        "có ở trang «Kiểm tra»; để tổng hợp lại hãy chạy «cchc-xlsx consolidate» với các báo cáo, để in hãy chạy "
        "«cchc-xlsx print {path}».",
        "{path} is a consolidated workbook written by cchc-xlsx, not a plan nor an agency's return: its findings "
        "are on its «Kiểm tra» sheet; to consolidate again run «cchc-xlsx consolidate» on the returns, to print "
        "it run «cchc-xlsx print {path}»."),
    "cli.output-not-ours": (
        "{path} đã có và không phải bảng tổng hợp do cchc-xlsx ghi ra: không ghi đè. Hãy chọn tên khác bằng -o, "
        "hoặc thêm --force để ghi đè.",
        "{path} exists and is not a consolidated workbook written by cchc-xlsx: not overwritten. Choose another "
        "name with -o, or add --force to overwrite it."),
    "cli.output-not-written-by-us": (
        "{path} đã có và không phải tệp do cchc-xlsx ghi ra: không ghi đè. Hãy chọn tên khác bằng -o, hoặc thêm "
        "--force để ghi đè.",
        "{path} exists and was not written by cchc-xlsx: not overwritten. Choose another name with -o, or add "
        "--force to overwrite it."),
    "cli.output-is-input": (
        "{path} là một tệp đầu vào của lệnh này: không ghi đè. Hãy chọn tên khác bằng -o.",
        "{path} is an input of this command: not overwritten. Choose another name with -o."),
    "cli.output-edited": (
        "{path} đã được sửa và lưu lại sau khi cchc-xlsx ghi ra (lưu lúc {saved}): không ghi đè để khỏi mất phần "
        "đã sửa. Hãy chọn tên khác bằng -o, hoặc thêm --force để ghi đè.",
        "{path} was edited and saved after cchc-xlsx wrote it (saved {saved}): not overwritten, so that the edits "
        "are not lost. Choose another name with -o, or add --force to overwrite it."),
    "cli.output-open": (
        "{path} đang mở trong Excel hoặc LibreOffice (có tệp khóa {lock}): hãy đóng tệp rồi chạy lại, hoặc thêm "
        "--force nếu tệp khóa là của một lần mở đã kết thúc.",
        "{path} is open in Excel or LibreOffice (its lock file {lock} is there): close it and run again, or add "
        "--force if the lock file is left from a session that has ended."),
    "cli.templates-filled": (
        "{path} đã có và đã được lưu lại sau khi tạo (lúc {saved}), có thể là báo cáo đơn vị đã điền: không ghi đè "
        "biểu mẫu lên. Hãy ghi biểu mẫu vào thư mục khác bằng -o, hoặc thêm --force để ghi đè.",
        "{path} exists and was saved after it was written ({saved}), perhaps an agency's filled return: no template "
        "is written over it. Write the templates into another folder with -o, or add --force to overwrite."),
    "cli.output-fewer": (
        "{path} đã có, được tổng hợp từ {before} báo cáo; lần chạy này chỉ dùng được {now}: không ghi đè bảng "
        "tổng hợp tốt hơn. Hãy kiểm tra thư mục báo cáo, chọn tên khác bằng -o, hoặc thêm --force để ghi đè.",
        "{path} exists, consolidated from {before} returns; this run could use only {now}: the better workbook is "
        "not overwritten. Check the returns folder, choose another name with -o, or add --force to overwrite it."),
})

#: The sheets only our consolidated workbook has (cchc_xlsx/write): it is known by them when it lost
#: its document properties (saved through another program).
CONSOLIDATED_SHEETS = {"Tổng hợp", "Kiểm tra", "Nguồn"}
#: How many skipped files a one-line message names before "…".
NAMED = 3


def require_paths(paths: Iterable[Path | str | None]) -> None:
    """Raise ToolError ``cli.missing-path`` for the first given path that does not exist (None: not given)."""
    for path in paths:
        if path is not None and not path_exists(Path(path)):
            raise ToolError(key="cli.missing-path", path=str(path))


def is_consolidated(path: Path) -> bool:
    """``path`` is a consolidated workbook written by cchc-xlsx: by its document property, else (an .xlsx
    saved through another program) by its sheets. Reads two small parts of the zip; False on any doubt."""
    path = Path(path)
    if not is_regular_file(path) or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    kind = output_kind(path)
    if kind:                 # the progress workbook has the same sheet names, and is no consolidated one
        return kind == CONSOLIDATED
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(re.findall(rb'<sheet\b[^>]*\bname="([^"]*)"', archive.read("xl/workbook.xml")))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return False
    return CONSOLIDATED_SHEETS <= {_unescape(name) for name in names}


def refuse_consolidated(paths: Iterable[Path | str | None]) -> None:
    """Raise ToolError ``cli.is-consolidated`` for a named file that is our consolidated workbook
    (a folder's are skipped when read, each with its note)."""
    for path in paths:
        if path is not None and is_consolidated(Path(path)):
            raise ToolError(key="cli.is-consolidated", path=str(path))


def require_spreadsheets(paths: Sequence[Path], command: str = "check") -> list[Path]:
    """The files the returns reader would open among ``paths`` (files, or folders walked);
    ToolError ``cli.nothing-to-check`` / ``cli.nothing-to-consolidate`` when there is none, naming
    the paths and the first files skipped (documents, Excel lock files)."""
    from .returns import collect_files

    files, skipped = collect_files(list(paths))
    if not files:
        _nothing(paths, [path.name for path, _ in skipped], command)
    return files


def require_read(result, paths: Sequence[Path], command: str = "check") -> None:
    """After reading: ToolError as :func:`require_spreadsheets` when every spreadsheet found was
    skipped (our own outputs, lock files), so that nothing was checked at all; each skipped file is
    named with why (a feedback copy not edited since, a consolidated workbook …)."""
    read = result.extra.get("returns_read", [])
    if read and all(ret.status == "skipped" for ret in read):
        why = {f.file: f for f in result.findings if f.code == "file-skipped"}
        skipped = [(f"{name} ({why[name].params['reason'][0]})", f"{name} ({why[name].params['reason'][1]})")
                   if name in why and isinstance(why[name].params.get("reason"), tuple) else name
                   for name, status in zip(result.sources["file"], result.sources["status"]) if status == "skipped"]
        _nothing(paths, skipped, command)


def _nothing(paths: Sequence[Path], skipped: list, command: str) -> None:
    """``skipped``: names, or (vi, en) pairs naming a file with why it was skipped."""
    def named(lang: str) -> str:
        names = [s if isinstance(s, str) else s[0 if lang == "vi" else 1] for s in skipped]
        listed = ", ".join(names[:NAMED]) + (", …" if len(names) > NAMED else "")
        return count("cli.skipped-some", len(names), lang, names=listed) if names else ""
    raise ToolError(key=f"cli.nothing-to-{command}", paths=", ".join(str(p) for p in paths) or ".",
                    skipped=(named("vi"), named("en")))


# --------------------------------------------------------------------------- replacing the output
def returns_used(result) -> int:
    """Returns a consolidation used (its Nguồn rows marked used, less the plan's own row)."""
    return max(int((result.sources["status"] == "used").sum()) - 1, 0)


def workbook_returns_used(path: Path) -> int | None:
    """Returns a written consolidated workbook was built from, as its Nguồn sheet says (None: unknown)."""
    from .write.sources import STATUS_WORDS

    try:
        import openpyxl
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            sheet = book["Nguồn"]
            used = sum(1 for row in sheet.iter_rows(values_only=True) for value in row
                       if value == STATUS_WORDS["used"])
        finally:
            book.close()
    except Exception:      # whatever a damaged or foreign file raises: unknown, never a traceback
        return None
    return max(used - 1, 0)


def check_replace(out: Path, used_now: int, *, force: bool = False, compare_returns: bool = True) -> None:
    """Refuse (ToolError, nothing written) to replace the workbook at ``out`` unless ``force``:

    - ``cli.output-not-ours``: a file that is not a consolidated workbook of ours;
    - ``cli.output-open``: open in Excel (``~$name``) or LibreOffice (``.~lock.name#``);
    - ``cli.output-edited``: ours, but saved again by a person after it was written;
    - ``cli.output-fewer``: ours, built from more returns than the ``used_now`` of this run (the
      wrong folder, an empty one, a folder whose files were moved away); not with
      ``compare_returns=False`` (the plan checked alone, as asked with ``--plan`` and no returns).
    A consolidated workbook of ours, untouched, from as many returns or fewer, is replaced.
    """
    out = Path(out)
    if force or not path_exists(out) or not is_regular_file(out):
        return                                   # a folder or a pipe: the writer says what it is
    for lock in (out.with_name("~$" + out.name), out.with_name(f".~lock.{out.name}#")):
        if path_exists(lock):
            raise ToolError(key="cli.output-open", path=str(out), lock=lock.name)
    if not is_consolidated(out):
        raise ToolError(key="cli.output-not-ours", path=str(out))
    saved = _saved_after_written(out)
    if saved is not None:
        raise ToolError(key="cli.output-edited", path=str(out), saved=f"{saved:%d/%m/%Y %H:%M}")
    before = workbook_returns_used(out) if compare_returns else None
    if compare_returns and before is not None and used_now < before:
        raise ToolError(key="cli.output-fewer", path=str(out), before=before, now=used_now)


def check_output_free(out: Path | None, inputs: Iterable[Path | str | None], *, force: bool = False) -> None:
    """Before ``progress`` or ``diff`` writes its workbook at ``out``: refuse (ToolError, nothing written)
    ``cli.output-is-input`` when ``out`` is one of the files in ``inputs``, even
    with ``force`` (an input file is never modified); ``cli.output-not-written-by-us`` when ``out``
    exists and is no output of ours (a plan, a return, a person's workbook) unless ``force``. Our own
    earlier output (``outputs.output_kind``) is replaced, as a re-run expects."""
    if out is None:
        return
    out = Path(out)
    if not path_exists(out) or not is_regular_file(out):
        return                                   # nothing there, or a folder: the writer says what it is
    for given in inputs:
        if given is None:
            continue
        try:
            same = Path(given).is_file() and os.path.samefile(out, given)
        except OSError:
            same = False
        if same:
            raise ToolError(key="cli.output-is-input", path=str(out))
    if not force and not output_kind(out):
        raise ToolError(key="cli.output-not-written-by-us", path=str(out))


def check_templates_target(folder: Path, year: int | None, *, force: bool = False) -> None:
    """Refuse (ToolError ``cli.templates-filled``, nothing written) to write templates into ``folder``
    over a file of their names (``cchc-YEAR-….xlsx``) that was saved after it was written: an agency's
    filled return, or a template someone edited. Untouched templates are replaced; ``force`` replaces all."""
    folder = Path(folder)
    if force or not folder.is_dir():
        return
    try:
        names = sorted(folder.glob(f"cchc-{year or ''}*.xlsx"))
    except OSError:
        return
    for path in names:
        if output_kind(path) or not is_regular_file(path):      # our consolidated workbook or feedback: not a template
            continue
        saved = _saved_after_written(path)
        if saved is not None:
            raise ToolError(key="cli.templates-filled", path=str(path), saved=f"{saved:%d/%m/%Y %H:%M}")


_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)<")
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)<")


def _saved_after_written(path: Path) -> dt.datetime | None:
    """When the workbook was saved again after cchc-xlsx wrote it, else None: xlsxwriter stamps created
    and modified alike, Excel, LibreOffice and openpyxl move modified when they save (not when
    LibreOffice merely converts it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
        created = _when(_CREATED.search(core).group(1))
        modified = _when(_MODIFIED.search(core).group(1))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, AttributeError):
        return None
    return modified if modified != created else None


def _when(raw: bytes) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(raw.decode().strip().replace("Z", "+00:00"))
    return stamp.astimezone(dt.timezone.utc).replace(tzinfo=None) if stamp.tzinfo else stamp


def _unescape(name: bytes) -> str:
    import html
    return html.unescape(name.decode("utf-8", "replace"))

