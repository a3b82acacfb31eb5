"""The returns corpus (issue 10): every case builds, builds the same way twice, reads the same with
both readers, and the ``saved_by`` family reads its filled values right.

Cases register in ``scripts/returns_corpus`` (one module per family); ``scripts/build_return_corpus.py
-o DIR`` writes them. Reading runs in forked children under a memory and a time limit
(``tests/accounting.py``), so that a case that aborts the reader fails that case, not the run.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from accounting import Limited, run_limited

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from returns_corpus import CASES, build  # noqa: E402
from returns_corpus import saved_by  # noqa: E402

FAMILIES = ("reading", "text", "merge", "saved_by")


def test_the_corpus_has_thirty_cases_from_every_family():
    families = {case.family for case in CASES.values()}
    assert len(CASES) >= 30 and set(FAMILIES) <= families


def test_every_case_is_described():
    for name, case in CASES.items():
        assert case.family in FAMILIES, name
        assert case.condition and "\n" not in case.condition, name


# --------------------------------------------------------------------------- both readers agree
def _consolidation(path: Path, reader: str):
    from cchc_xlsx.consolidate import consolidate

    return consolidate([path], workers=1, reader=reader)


def _differences(path: Path) -> list[str]:
    """How the calamine and openpyxl readings of one file differ (frames, findings, sources, returns)."""
    fast, slow = _consolidation(path, "calamine"), _consolidation(path, "openpyxl")
    out = []
    for table in ("plan", "monitoring", "allocation"):
        try:
            pd.testing.assert_frame_equal(getattr(fast.plan, table), getattr(slow.plan, table), obj=table)
        except AssertionError as error:
            out.append(f"{path.name}: {table} frame: {' '.join(str(error).split())[:400]}")
    a = [f.to_dict("en") for f in fast.findings]
    b = [f.to_dict("en") for f in slow.findings]
    if a != b:
        only_a = [f"{x['code']} {x['sheet']}!{x['cell']} {x['found']}" for x in a if x not in b]
        only_b = [f"{x['code']} {x['sheet']}!{x['cell']} {x['found']}" for x in b if x not in a]
        out.append(f"{path.name}: findings: calamine only {only_a[:5]}; openpyxl only {only_b[:5]}")
    for name in ("sources", "returns"):
        left, right = getattr(fast, name), getattr(slow, name)
        if name == "sources":
            left, right = left.drop(columns=["path"]), right.drop(columns=["path"])
        try:
            pd.testing.assert_frame_equal(left, right, obj=name)
        except AssertionError as error:
            out.append(f"{path.name}: {name}: {' '.join(str(error).split())[:400]}")
    return out


@pytest.fixture(scope="module")
def reader_differences(corpus) -> dict[str, list[str]]:
    jobs, owners = [], []
    for name in CASES:
        for path in corpus.get(name, []):
            jobs.append(partial(_differences, path))
            owners.append((name, path.name))
    out: dict[str, list[str]] = {name: [] for name in CASES}
    for (name, file), result in zip(owners, run_limited(jobs)):
        if isinstance(result, Limited):
            out[name].append(f"{file}: {result.outcome}: {result.detail[-1500:]}")
        else:
            out[name].extend(result)
    return out


def _needs_files(corpus, case: str) -> None:
    if not corpus[case] and case.startswith("libreoffice"):
        from cchc_xlsx.office import INSTALL_HINT
        pytest.skip(INSTALL_HINT)
    assert corpus[case], f"case {case} wrote no file"


@pytest.mark.parametrize("case", list(CASES))
def test_both_readers_read_the_case_the_same(reader_differences, corpus, case):
    _needs_files(corpus, case)
    assert reader_differences[case] == []


# --------------------------------------------------------------------------- builds deterministically
def _written_by_libreoffice(data: bytes) -> bool:
    """LibreOffice stamps its own save time and version into what it writes: those files are compared
    by what they read, not by their bytes."""
    if data[:2] == b"PK":
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            meta = archive.read("meta.xml") if "meta.xml" in names else (
                archive.read("docProps/app.xml") if "docProps/app.xml" in names else b"")
        return b"LibreOffice" in meta
    return b"L\x00i\x00b\x00r\x00e\x00O\x00f\x00f\x00i\x00c\x00e" in data or b"LibreOffice" in data


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict[str, list[Path]]:
    return build(tmp_path_factory.mktemp("corpus-again"), work=tmp_path_factory.mktemp("corpus-again-work"))


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_builds_the_same_twice(corpus, rebuilt, case):
    first, second = corpus[case], rebuilt[case]
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        data_a, data_b = a.read_bytes(), b.read_bytes()
        if data_a == data_b:
            continue
        assert _written_by_libreoffice(data_a), f"{case}: {a.name} differs between two builds"
        [left, right] = run_limited([partial(_reading, a), partial(_reading, b)])
        assert left == right, f"{case}: {a.name} reads differently between two builds"


def _reading(path: Path) -> tuple:
    result = _consolidation(path, "calamine")
    rows = [{k: v for k, v in row.items() if k != "file"} for row in result.plan.rows("plan") + result.plan.rows("monitoring")]
    return repr(rows), [(f.code, f.sheet, f.cell, f.found) for f in result.findings]


def test_the_build_script_writes_the_cases_and_an_index(tmp_path):
    names = [name for name, case in CASES.items() if case.family == "saved_by" and "libreoffice" not in name][:3]
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_return_corpus.py"), "-o", str(tmp_path), *names],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    with (tmp_path / "index.csv").open(encoding="utf-8") as f:
        index = list(csv.DictReader(f))
    assert [row["case"] for row in index] == names
    for row in index:
        for file in row["files"].split():
            assert (tmp_path / file).stat().st_size > 0
        assert row["family"] == "saved_by" and row["condition"]
    refused = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_return_corpus.py"), "-o", str(tmp_path),
                              "no-such-case"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "no-such-case" in refused.stderr


# --------------------------------------------------------------------------- saved by another program
SAVED_BY = [name for name, case in CASES.items() if case.family == "saved_by"]


def _filled_values(path: Path, reader: str) -> dict:
    result = _consolidation(path, reader)
    plan = {row["code"]: row for row in result.plan.rows("plan")}
    monitoring = {row["code"]: row for row in result.plan.rows("monitoring")}
    values = {}
    for sheet, label, field, _ in saved_by.FILLED:
        code = label.split()[-1]
        row = (plan if sheet == "Phụ lục 1" else monitoring)[code]
        values[(sheet, label, field)] = (row[field], row["file"] == path.name)
    [source] = result.sources[result.sources["file"] == path.name].to_dict("records")
    [ret] = [r for r in result.extra["returns_read"] if r.name == path.name]
    return {"values": values, "agency": source["agency"], "status": source["status"], "matched_by": ret.matched_by,
            "codes": sorted({f.code for f in result.findings if f.file == path.name})}


@pytest.mark.parametrize("case", SAVED_BY)
@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_return_saved_another_way_reads_its_filled_values(corpus, case, reader):
    _needs_files(corpus, case)
    [path] = corpus[case]
    [seen] = run_limited([partial(_filled_values, path, reader)], processes=1)
    assert not isinstance(seen, Limited), str(seen)
    assert (seen["agency"], seen["status"], seen["matched_by"]) == ("Sở Tư pháp", "used", "metadata")
    assert seen["values"] == {(sheet, label, field): (value, True) for sheet, label, field, value in saved_by.FILLED}
    bad = {"unknown-row", "missing-row", "wrong-template", "file-unreadable", "missing-column", "locked-cell-changed",
           "duplicate-row", "unexpected-agency"}
    assert bad.isdisjoint(seen["codes"]), seen["codes"]
    assert ("unknown-column" in seen["codes"]) == (case == "column-inserted")


# --------------------------------------------------------------------------- both readers agree on mutants
#: Far-cell kinds are left out: openpyxl is slow to walk them, and tests/test_returns_reading.py
#: compares both readers on the far-cell corpus cases.


def _mutant_kinds():
    from mutations import MUTATIONS

    for kind in MUTATIONS:
        if kind.startswith("far-"):
            continue
        yield pytest.param(kind, id=kind)


@pytest.fixture(scope="module")
def mutant_differences(tmp_path_factory) -> dict[str, list[str]]:
    """Two mutants of each kind (tests/mutations.py), each read with both readers."""
    from mutations import MUTATIONS, recipes
    from returns_corpus import template_files

    templates = list(template_files(tmp_path_factory.mktemp("reader-templates")).values())
    made = recipes(templates, tmp_path_factory.mktemp("reader-mutants"), seed=20180109,
                   per_kind={kind: 0 if kind.startswith("far-") else 2 for kind in MUTATIONS})
    out: dict[str, list[str]] = {kind: [] for kind in MUTATIONS}
    for recipe, result in zip(made, run_limited([partial(lambda r: _differences(r.make().path), r) for r in made])):
        if isinstance(result, Limited):
            out[recipe.kind].append(f"{recipe.stem}: {result.outcome}: {result.detail[-1500:]}")
        else:
            out[recipe.kind].extend(result)
    return out


@pytest.mark.parametrize("kind", list(_mutant_kinds()))
def test_both_readers_read_a_mutant_the_same(mutant_differences, kind):
    assert mutant_differences[kind] == []
