"""Run a headless LibreOffice to convert workbooks (to PDF, or to a recalculated xlsx)."""

from __future__ import annotations

import glob
import ntpath
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .messages import register, text

__all__ = [
    "OfficeError",
    "OfficeNotFound",
    "convert",
    "find_soffice",
    "soffice_candidates",
    "recalculated_copy",
    "to_pdf",
]

INSTALL_HINT = (
    "LibreOffice is not installed: install the Debian package libreoffice-calc-nogui "
    "(apt-get install libreoffice-calc-nogui)"
)

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"

# Written into the throwaway profile when recalc=True, in the syntax LibreOffice itself
# writes to <profile>/user/registrymodifications.xcu.  Both settings are xs:int in the
# Calc schema (group Formula/Load): 0 = always recalculate, 1 = never (the default).
RECALC_XCU = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class OfficeNotFound(RuntimeError):
    """No soffice/libreoffice binary could be found."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


class OfficeError(RuntimeError):
    """LibreOffice ran but did not produce the expected file. ``str()`` is for the developer (English,
    with LibreOffice's own output); :meth:`reason` says why in a user's language."""

    def __init__(self, src: Path, fmt: str, detail: str, stderr: str = "", *, key: str = "", **values) -> None:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        msg = f"LibreOffice could not convert {src} to {fmt!r}: {detail}"
        super().__init__(msg + (f"\n--- LibreOffice output (tail) ---\n{tail}" if tail else ""))
        self.src, self.fmt, self.stderr = src, fmt, stderr
        self.key, self.values, self.detail = key, values, detail

    def reason(self, lang: str = "vi") -> str:
        """Why the conversion failed, in ``lang`` (the English detail when no message key was given)."""
        return text(self.key, lang, **self.values) if self.key else self.detail


register({
    "office.timeout": ("LibreOffice không xong sau {seconds} giây", "LibreOffice did not finish in {seconds} s"),
    "office.status": ("LibreOffice dừng với mã lỗi {status}", "LibreOffice stopped with status {status}"),
    "office.not-produced": ("LibreOffice không tạo ra tệp {name}", "LibreOffice produced no {name}"),
})


def soffice_candidates(platform: str | None = None, environ: dict | None = None) -> list[str]:
    """Where LibreOffice's ``soffice`` is installed on ``platform`` (``sys.platform``), most likely first:
    Windows' Program Files (64- and 32-bit, as the environment names them, else ``C:\\Program Files``),
    macOS' /Applications (and the user's ~/Applications), the Linux packages' and the tarball's /opt."""
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    if platform.startswith(("win", "cygwin")):
        roots = [environ.get(name) for name in ("PROGRAMFILES", "PROGRAMW6432", "PROGRAMFILES(X86)")]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        found = [ntpath.join(root, "LibreOffice", "program", "soffice.exe") for root in roots if root]
        return list(dict.fromkeys(found))
    if platform == "darwin":
        bundle = os.path.join("LibreOffice.app", "Contents", "MacOS", "soffice")
        home = environ.get("HOME") or os.path.expanduser("~")
        return [os.path.join("/Applications", bundle), os.path.join(home, "Applications", bundle)]
    candidates = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/lib/libreoffice/program/soffice",
                  "/snap/bin/libreoffice"]
    return candidates + sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)


def find_soffice(platform: str | None = None, environ: dict | None = None) -> str | None:
    """Return the path of the LibreOffice binary (on the PATH, else where :func:`soffice_candidates`
    says it is installed), or None if it is not installed."""
    for name in ("soffice", "libreoffice"):
        if found := shutil.which(name):
            return found
    for path in soffice_candidates(platform, environ):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def convert(src: Path, fmt: str, outdir: Path, *, recalc: bool = False, timeout: float = 180) -> Path:
    """Convert ``src`` with ``soffice --convert-to fmt`` into ``outdir``; return the new file.

    ``fmt`` is anything ``--convert-to`` accepts ("pdf", "xlsx:Calc MS Excel 2007 XML", ...).
    Each call uses its own throwaway user profile, so parallel calls and root both work.
    With ``recalc=True`` every formula is recomputed on load instead of trusting the
    values cached in the file.  Raises OfficeNotFound or OfficeError.
    """
    soffice = find_soffice()
    if soffice is None:
        raise OfficeNotFound()
    src, outdir = Path(src).resolve(), Path(outdir).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    target = outdir / f"{src.stem}.{fmt.split(':', 1)[0]}"
    if target == src:
        raise ValueError(f"converting {src} into {outdir} would overwrite the source")
    outdir.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # a stale file must not pass for this run's output

    profile = Path(tempfile.mkdtemp(prefix="cchc-soffice-"))
    try:
        if recalc:
            (profile / "user").mkdir()
            (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), str(src)]
        # Own session: on timeout kill the whole group (soffice is a wrapper around soffice.bin).
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace",
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise OfficeError(src, fmt, f"timed out after {timeout:g} s", err or out,
                              key="office.timeout", seconds=f"{timeout:g}") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    if proc.returncode != 0:
        raise OfficeError(src, fmt, f"soffice exited with status {proc.returncode}", err or out,
                          key="office.status", status=proc.returncode)
    if not target.is_file():
        raise OfficeError(src, fmt, f"{target} was not produced", (err + "\n" + out).strip(),
                          key="office.not-produced", name=target.name)
    return target


def to_pdf(src: Path, out_pdf: Path | None = None, *, recalc: bool = True) -> Path:
    """Print ``src`` to PDF (next to it, or at ``out_pdf``); return the PDF path.

    ``recalc`` defaults to True: files written by xlsxwriter cache 0 for every formula,
    and a PDF of those cached values would silently print zeros.
    """
    src = Path(src)
    out = Path(out_pdf) if out_pdf is not None else src.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as tmp:
        produced = convert(src, "pdf", Path(tmp), recalc=recalc)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(produced, out)
    return out


def recalculated_copy(src: Path, out_xlsx: Path) -> Path:
    """Write to ``out_xlsx`` a copy of ``src`` whose cached formula values are recomputed.

    Read it back with ``openpyxl.load_workbook(out_xlsx, data_only=True)``.
    """
    out = Path(out_xlsx)
    with tempfile.TemporaryDirectory(prefix="cchc-recalc-") as tmp:
        produced = convert(Path(src), XLSX_FILTER, Path(tmp), recalc=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(produced, out)
    return out
