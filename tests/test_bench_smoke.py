"""CI smoke test of the consolidation benchmark (issue 6): it runs and its table lists every job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "bench_consolidate.py"


def _labels() -> dict[str, str]:
    namespace: dict = {"__name__": "bench_consolidate_labels"}
    exec(compile(SCRIPT.read_text(encoding="utf-8"), str(SCRIPT), "exec"), namespace)
    return namespace["LABELS"]


def test_bench_consolidate_quick(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, encoding="utf-8", timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    labels = _labels()
    assert set(labels) == {"end_to_end", "read_check", "end_to_end_rerun", "read_check_rerun", "floor_read",
                           "floor_read_p1", "floor_write", "naive", "guard"}
    table = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    for label in labels.values():
        assert label in table, f"{label!r} missing from the table:\n{out}"
        assert "N=5" in out and " s " in table[label] and "MB" in table[label], table[label]
        assert "skipped" not in table[label]
    assert "read+normalise+check / bare calamine read" in out
    assert "naive peer / consolidate end to end" in out
    assert "peak RSS of our path" in out
    assert "the far-cell guard (item 1) on ordinary returns: in place" in out and "two passes that do the same work" in out
    # the generated set is cached: a second look finds it complete
    assert (tmp_path / "cache" / "n5" / "manifest.json").exists()
