"""Print a consolidated workbook to PDF through a headless LibreOffice."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import office
from .findings import ToolError

__all__ = ["print_pdf", "PrintError", "OfficeMissing"]

PACKAGE = "libreoffice-calc-nogui"


class PrintError(ToolError):
    """The PDF cannot be made; the message says why and what to do."""


class OfficeMissing(PrintError, office.OfficeNotFound):
    """LibreOffice is not installed: the message names the Debian package."""


def print_pdf(xlsx: Path | str, pdf: Path | str | None = None) -> Path:
    """Print every sheet of ``xlsx`` to ``pdf`` (default: beside it, ``.pdf``); return the PDF's path.

    Formulas are recalculated on the way, so a workbook edited by a program that drops cached
    values still prints the right totals. The PDF is written beside its target and moved into place.
    """
    xlsx = Path(xlsx)
    out = Path(pdf) if pdf is not None else xlsx.with_suffix(".pdf")
    if not xlsx.is_file():
        raise PrintError(f"Không tìm thấy tệp {xlsx}: hãy kiểm tra lại tên và đường dẫn.")
    if out.suffix.lower() != ".pdf":
        raise PrintError(f"{out}: tệp in ra phải có đuôi .pdf (ví dụ {xlsx.with_suffix('.pdf').name}).")
    if out.resolve() == xlsx.resolve():
        raise PrintError(f"Không ghi đè tệp {xlsx}: hãy chọn tên khác cho tệp PDF.")
    if not out.parent.is_dir():
        raise PrintError(f"Thư mục {out.parent} không tồn tại: hãy tạo thư mục hoặc chọn nơi ghi khác.")
    with tempfile.TemporaryDirectory(prefix="cchc-print-") as tmp:
        try:
            produced = office.convert(xlsx, "pdf", Path(tmp), recalc=True)
        except office.OfficeNotFound:
            raise OfficeMissing(
                f"Không tìm thấy LibreOffice để in {xlsx.name} ra PDF: hãy cài gói Debian {PACKAGE} "
                f"(sudo apt-get install {PACKAGE}) rồi chạy lại lệnh. "
                f"(LibreOffice is not installed: install the Debian package {PACKAGE}.)") from None
        except office.OfficeError as error:
            raise PrintError(f"LibreOffice không in được {xlsx.name} ra PDF: {str(error).splitlines()[0]}. "
                             "Hãy mở tệp bằng LibreOffice hoặc Excel để kiểm tra, rồi chạy lại.") from error
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
