"""Regenerate the reviewed golden of the bundled consolidation's findings.

    python scripts/update_golden.py        # then read `git diff tests/golden` before committing

The golden is what `cchc-xlsx consolidate` must find in workbooks/daklak-2018/returns/ (see the
README there for what each agency did); tests/test_consolidate.py compares against it.
"""

from __future__ import annotations

from pathlib import Path

from cchc_xlsx import bundled_plan_path, findings_frame
from cchc_xlsx.consolidate import consolidate

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "consolidated-findings.csv"
COLUMNS = ["code", "severity", "agency", "file", "sheet", "cell", "row_code", "expected", "found", "message"]


def bundled_findings():
    result = consolidate([bundled_plan_path().parent / "returns"])
    return findings_frame(result.findings)[COLUMNS]


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    bundled_findings().to_csv(GOLDEN, index=False, encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
