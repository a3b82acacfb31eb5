"""Make the committed test fixtures that cannot be built with the project's own dependencies.

    pip install msoffcrypto-tool && python scripts/make_test_fixtures.py

- tests/fixtures/password-protected.xlsx: a template of the bundled plan encrypted with the
  password "cchc" (what an agency sends when it sets "Encrypt with password" in Excel).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import msoffcrypto.format.ooxml

from cchc_xlsx import bundled_plan_path, read_plan
from cchc_xlsx.templates import TemplateOptions, write_templates

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_templates(read_plan(bundled_plan_path()), Path(tmp),
                                TemplateOptions(generated_at=dt.datetime(2018, 1, 2)))
        source = next(p for p in paths if "so-tu-phap" in p.name)
        plain = io.BytesIO(source.read_bytes())
        encrypted = io.BytesIO()
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("cchc", encrypted)
        (FIXTURES / "password-protected.xlsx").write_bytes(encrypted.getvalue())
    print(f"wrote {FIXTURES / 'password-protected.xlsx'}")


if __name__ == "__main__":
    main()
