"""The portal under load (issue 15): 50 agencies upload their returns at once to `cchc-xlsx serve`
on 127.0.0.1 while the pages are read; every file is stored, checked and in the register, none is
lost, the pages answer meanwhile, and a restart keeps the register and the files. Bounded: 50
uploads and a timeout on every wait; speed is measured by scripts/bench_portal.py, not asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from bench_portal import run  # noqa: E402

AGENCIES = 50
pytestmark = pytest.mark.load


def test_fifty_agencies_upload_at_once_and_nothing_is_lost(tmp_path):
    result = run(tmp_path, n=AGENCIES, activities=4, workers=2, timeout=300)
    sent, results = result["sent"], result["results"]
    assert len(sent) == len(results) == AGENCIES
    for agency, sha in sent.items():
        assert results[agency]["sha256"] == sha, agency                    # stored as sent
        assert results[agency]["status"] == "done", agency                 # checked
        assert results[agency]["superseded_by"] is None, agency            # the current file of its agency
        assert results[agency]["matched_agency"] == agency, agency         # read as that agency's return
    wrong = {agency for agency, r in results.items() if r["severity_counts"]["error"]}
    assert wrong == {agency for i, agency in enumerate(sent) if i % 10 == 0}   # the «Tháng 13» ones, only
    assert all(any(f["code"] == "month-invalid" for f in results[a]["findings"]) for a in wrong)
    figures = result["figures"]
    assert figures["page_requests"] > 0 and figures["page_failures"] == 0  # the pages answered meanwhile
    assert result["after_restart"] == results                              # a restart keeps the register …
    assert result["files_after_restart"] == sent                           # … and the files
