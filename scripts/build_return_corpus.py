#!/usr/bin/env python3
"""Build the corpus of returns as agencies really send them (issue 10) into a folder.

Each case is one of our own templates of the bundled 2018 plan with one condition; the list, with
what each case holds, is printed (and written to ``index.csv`` in the folder). The tests build
the same corpus in a temporary folder (tests/test_return_corpus.py).

Usage::

    python scripts/build_return_corpus.py -o /tmp/corpus [CASE …]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from returns_corpus import CASES, build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder to write")
    parser.add_argument("cases", nargs="*", help=f"cases to build (default: all {len(CASES)})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.cases if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    written = build(args.out, args.cases or None)
    with (args.out / "index.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["case", "family", "files", "condition"])
        for name, paths in written.items():
            out.writerow([name, CASES[name].family, " ".join(p.name for p in paths), CASES[name].condition])
    for name, paths in written.items():
        print(f"{name:40} {CASES[name].family:8} {' '.join(p.name for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
