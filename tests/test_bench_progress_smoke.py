"""CI smoke test of the progress benchmark (issue 13): it runs at N = 5 and prints both jobs and their ratio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_progress_quick(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_progress.py"), "--quick", "--cache",
                           str(tmp_path / "cache")], capture_output=True, text=True, encoding="utf-8", timeout=300,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if "peak RSS" in line}
    assert "5 files" in lines["progress"] and "6 files" in lines["consolidate"]    # 5 agencies; one resent plan return
    assert "progress / consolidate:" in proc.stdout
    assert (tmp_path / "cache" / "progress-n5" / "manifest.json").exists()
