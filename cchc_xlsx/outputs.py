"""What this program writes, recognised when it is found again among the returns.

The consolidated workbook and the feedback copies carry a custom document property
(``cchc-xlsx-output``: ``consolidated`` or ``feedback``, and ``cchc-xlsx-written``, the UTC time
they were written), which Excel and LibreOffice keep when they re-save a file. A folder of returns
that also holds the last run's output is then read without it, whatever the output is named:

- the consolidated workbook is never a return;
- a feedback copy is not a return as written; saved again after it was written (the agency
  corrected it and sent it back, as it is asked to), it is read as the agency's return;
- the temporary file a killed run left beside its output (``.NAME.XXXX.tmp.xlsx``) is not read,
  and the next write in that folder deletes those older than an hour.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
import zlib
from pathlib import Path

__all__ = ["OUTPUT_PROPERTY", "WRITTEN_PROPERTY", "CONSOLIDATED", "FEEDBACK", "DIFF", "PROGRESS", "FEEDBACK_SHEET_NAMES", "output_kind", "archive_output_kind", "is_leftover_temp",
           "temp_prefix", "TEMP_SUFFIX", "clean_leftovers", "written_stamp"]

OUTPUT_PROPERTY = "cchc-xlsx-output"
WRITTEN_PROPERTY = "cchc-xlsx-written"
CONSOLIDATED = "consolidated"
FEEDBACK = "feedback"
DIFF = "diff"                  # the comparison workbook of `cchc-xlsx diff`
PROGRESS = "progress"          # the progress workbook of `cchc-xlsx progress`
#: The list sheet a feedback copy begins with (vi, en: the language it was written in). The agency
#: corrects the copy and sends it back as its return: this sheet is ours, and not read as the return's.
FEEDBACK_SHEET_NAMES = ("Kết quả kiểm tra", "Check results")
TEMP_SUFFIX = ".tmp"           # a temporary output: ``.{stem}.{random}.tmp{suffix}``
#: A feedback copy saved this long after it was written has been edited by a person.
_EDITED_AFTER = dt.timedelta(seconds=120)
_STALE_SECONDS = 3600
_TEMP = re.compile(r"^\..+\.tmp\.(xlsx|xlsm)$", re.I)
_PROPERTY = re.compile(rb'<property\b[^>]*\bname="([^"]*)"[^>]*>\s*<vt:\w+>([^<]*)</vt:\w+>', re.S)
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)<")


def temp_prefix(out: Path) -> str:
    """The name start of a temporary file written for ``out``."""
    return f".{out.stem}."


def is_leftover_temp(path: Path) -> bool:
    """A temporary file of ours (``.tong-hop.k2j4.tmp.xlsx``): a run killed while writing leaves one."""
    return bool(_TEMP.match(path.name))


def clean_leftovers(folder: Path, out: Path) -> None:
    """Delete the temporary files an earlier, killed write of ``out`` left in ``folder`` (over an hour old:
    a younger one may be another run's, still writing)."""
    now = time.time()
    try:
        for path in folder.glob(f"{temp_prefix(out)}*{TEMP_SUFFIX}{out.suffix}"):
            try:
                if is_leftover_temp(path) and now - path.stat().st_mtime > _STALE_SECONDS:
                    path.unlink()
            except OSError:
                pass
    except OSError:
        pass


def written_stamp() -> str:
    """Now, in UTC, as the ``cchc-xlsx-written`` property holds it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0).isoformat()


def output_kind(path: Path) -> str:
    """``consolidated``, ``diff``, ``progress`` or ``feedback`` when ``path`` is one of our own outputs as written, else "".

    Reads two small parts of the zip (custom and core properties); "" for anything else, or on any
    doubt (the file is then read as a return, as before).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return archive_output_kind(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return ""


def archive_output_kind(archive: zipfile.ZipFile) -> str:
    """:func:`output_kind` of a zip already opened (a return read once as bytes: see
    :func:`cchc_xlsx.workbook.open_source`); "" on any doubt."""
    try:
        if "docProps/custom.xml" not in archive.NameToInfo:
            return ""
        props = {name.decode("utf-8", "replace"): value.decode("utf-8", "replace").strip()
                 for name, value in _PROPERTY.findall(archive.read("docProps/custom.xml"))}
        kind = props.get(OUTPUT_PROPERTY, "")
        if kind != FEEDBACK:
            return kind if kind in (CONSOLIDATED, DIFF, PROGRESS) else ""
        core = archive.read("docProps/core.xml") if "docProps/core.xml" in archive.NameToInfo else b""
    except (zipfile.BadZipFile, zlib.error, OSError, KeyError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return ""
    modified = _MODIFIED.search(core)
    try:
        written = dt.datetime.fromisoformat(props.get(WRITTEN_PROPERTY, ""))
        saved = dt.datetime.fromisoformat(modified.group(1).decode().strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return FEEDBACK
    if saved.tzinfo is not None:
        saved = saved.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return "" if saved - written > _EDITED_AFTER else FEEDBACK
