"""Print a consolidated workbook to PDF through a headless LibreOffice."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import office
from .findings import ToolError
from .messages import register, text
from .workbook import SUPPORTED_SUFFIXES

__all__ = ["print_pdf", "PrintError", "OfficeMissing", "install_hint"]

PACKAGE = "libreoffice-calc-nogui"


class PrintError(ToolError):
    """The PDF cannot be made; the message says why and what to do."""


class OfficeMissing(PrintError, office.OfficeNotFound):
    """LibreOffice is not installed: the message says how to install it on this system."""


register({
    "print.missing": ("Không tìm thấy tệp {path}: hãy kiểm tra lại tên và đường dẫn.",
                      "No file {path}: check the name and the path."),
    "print.not-pdf": ("{path}: tệp in ra phải có đuôi .pdf (ví dụ {example}).",
                      "{path}: the output must end in .pdf (e.g. {example})."),
    "print.not-spreadsheet": ("{path} không phải bảng tính (.xlsx, .xlsm, .xls, .ods): lệnh print chỉ in bảng tính, "
                              "ví dụ bảng tổng hợp cchc-2018-tong-hop.xlsx.",
                              "{path} is not a spreadsheet (.xlsx, .xlsm, .xls, .ods): print prints workbooks only, "
                              "such as the consolidated cchc-2018-tong-hop.xlsx."),
    "print.same-file": ("Không ghi đè tệp {path}: hãy chọn tên khác cho tệp PDF.",
                        "Not overwriting {path}: choose another name for the PDF."),
    "print.no-folder": ("Thư mục {folder} không tồn tại: hãy tạo thư mục hoặc chọn nơi ghi khác.",
                        "The folder {folder} does not exist: create it or write elsewhere."),
    "print.no-libreoffice": ("Không tìm thấy LibreOffice để in {name} ra PDF: {how}, rồi chạy lại lệnh.",
                             "LibreOffice is not installed, so {name} cannot be printed to PDF: {how}, then run "
                             "the command again."),
    "print.failed": ("LibreOffice không in được {name} ra PDF: {detail}. Hãy mở tệp bằng LibreOffice hoặc Excel để "
                     "kiểm tra, rồi chạy lại.",
                     "LibreOffice could not print {name} to PDF: {detail}. Open the file in LibreOffice or Excel to "
                     "check it, then run again."),
    "print.install-windows": (
        "hãy cài LibreOffice cho Windows (tải bộ cài từ trang libreoffice.org, hoặc chạy «winget install "
        "TheDocumentFoundation.LibreOffice»); cchc-xlsx tìm nó ở C:\\Program Files\\LibreOffice",
        "install LibreOffice for Windows (the installer from libreoffice.org, or «winget install "
        "TheDocumentFoundation.LibreOffice»); cchc-xlsx looks for it in C:\\Program Files\\LibreOffice"),
    "print.install-macos": (
        "hãy cài LibreOffice cho macOS (tải từ trang libreoffice.org rồi kéo vào thư mục Applications, hoặc chạy "
        "«brew install --cask libreoffice»)",
        "install LibreOffice for macOS (download it from libreoffice.org and drag it into Applications, or run "
        "«brew install --cask libreoffice»)"),
    "print.install-linux": (
        "hãy cài gói {package} (Debian, Ubuntu: «sudo apt-get install {package}»; Fedora: «sudo dnf install "
        "libreoffice-calc»)",
        "install the package {package} (Debian, Ubuntu: «sudo apt-get install {package}»; Fedora: «sudo dnf "
        "install libreoffice-calc»)"),
})


def install_hint(platform: str | None = None) -> tuple[str, str]:
    """How to install LibreOffice on ``platform`` (``sys.platform``), as a (vi, en) pair."""
    platform = sys.platform if platform is None else platform
    key = ("print.install-windows" if platform.startswith(("win", "cygwin"))
           else "print.install-macos" if platform == "darwin" else "print.install-linux")
    return text(key, "vi", package=PACKAGE), text(key, "en", package=PACKAGE)


def print_pdf(xlsx: Path | str, pdf: Path | str | None = None) -> Path:
    """Print every sheet of ``xlsx`` to ``pdf`` (default: beside it, ``.pdf``); return the PDF's path.

    Formulas are recalculated on the way, so a workbook edited by a program that drops cached
    values still prints the right totals. The PDF is written beside its target and moved into place.
    """
    xlsx = Path(xlsx)
    out = Path(pdf) if pdf is not None else xlsx.with_suffix(".pdf")
    if not xlsx.is_file():
        raise PrintError(key="print.missing", path=str(xlsx))
    if xlsx.suffix.lower() not in SUPPORTED_SUFFIXES:       # a .pdf, a .docx: LibreOffice would print it anyway
        raise PrintError(key="print.not-spreadsheet", path=str(xlsx))
    if out.suffix.lower() != ".pdf":
        raise PrintError(key="print.not-pdf", path=str(out), example=xlsx.with_suffix(".pdf").name)
    if out.resolve() == xlsx.resolve():
        raise PrintError(key="print.same-file", path=str(xlsx))
    if not out.parent.is_dir():
        raise PrintError(key="print.no-folder", folder=str(out.parent))
    with tempfile.TemporaryDirectory(prefix="cchc-print-") as tmp:
        try:
            produced = office.convert(xlsx, "pdf", Path(tmp), recalc=True)
        except office.OfficeNotFound:
            raise OfficeMissing(key="print.no-libreoffice", name=xlsx.name, how=install_hint()) from None
        except office.OfficeError as error:
            raise PrintError(key="print.failed", name=xlsx.name, detail=(error.reason("vi"), error.reason("en"))) from error
        fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp.pdf", dir=out.parent)
        os.close(fd)
        try:
            shutil.copyfile(produced, name)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(name, 0o666 & ~mask)
            os.replace(name, out)
        finally:
            Path(name).unlink(missing_ok=True)
    return out
