"""Nothing lost between a return and the consolidation (issue 10, "What must hold").

For every corpus file (``scripts/returns_corpus``) and for a few hundred seeded random mutations
of our own templates (``tests/mutations.py``: a kind per condition of the issue), the file is
consolidated alone with the bundled plan, in a forked child under a memory limit (1.5 GB of
address space) and a time limit (30 s), and judged by ``tests/accounting.py``.

What the property means, precisely:

- **read from a return**: every non-empty cell (a value, an error, a formula with or without a
  cached result, as the file's XML stores it, read by the judge's own parser, not by either of
  the tool's readers) of every row in scope of every sheet of the file, hidden sheets included
  and the template's metadata sheet excepted. Rows in scope: below a ``STT`` header row, each
  task/output/activity row (``NHIỆM VỤ n``, ``Kết quả đầu ra n.m``, ``Hoạt động n.m.k`` in one of
  its first cells), each spare row ``Đề xuất mới (n.m)`` that holds anything besides its
  pre-filled code and lead, the ``Tổng cộng`` row, and every other non-empty row but the ``Trong
  đó`` block.
- **in the frames**: a row of the consolidated ``plan`` or ``monitoring`` frame has this file,
  sheet and row as its provenance (``file``, ``sheet``, ``row``), its ``cells`` map a field to the
  cell's column, and that field's text as written (``budget_text``, ``from_text``, ``to_text``,
  else the field) carries the cell's value; for task and output rows and unused activities (whose
  consolidated values are the plan's), the consolidated row of the same code carries the value
  (an unchanged locked cell), or the cell is a subtotal (a formula, recomputed; or the sum of the
  return's own activities, checked); a ``Tổng cộng`` cell holds a formula or what the return's
  rows add up to (checked).
- **named in a finding**: a finding with this file, sheet and the cell (or a range holding it);
  a row finding (``unknown-row``, ``duplicate-row``, ``proposed-row``) on a cell of its row; an
  ``unknown-column`` finding on its column's header; a file finding (``file-unreadable``,
  ``file-skipped``, ``wrong-template``, ``unexpected-agency``, ``duplicate-return``) for the whole
  file.

Besides, each mutation states cells that must be named whatever the frames hold (a TCVN3 text,
a cell under a merge, an ambiguous ``1,949`` …) and values that must be read (``1,270.5`` is
1270.5); no file may raise, abort natively or take over 30 s.

Knobs: ``CCHC_MUTATIONS=N`` makes N mutants of each kind (default 7, about 230 in all; a slow run
sets it to 100 or more), ``CCHC_MUTATION_SEED`` changes the draw. A failure prints its recipe: the
same seed makes the same file again (``Recipe.make``).
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

import pytest

from accounting import Limited, Verdict, every_command, judge_files, judge_folder, run_limited
from mutations import MUTATIONS, Recipe, recipes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from returns_corpus import CASES, template_files  # noqa: E402

PER_KIND = int(os.environ.get("CCHC_MUTATIONS", "7"))
SEED = int(os.environ.get("CCHC_MUTATION_SEED", "20180108"))
#: Kinds whose mutants cost a killed child or many seconds each today: fewer of them by default
#: (none in the command test, where the poisoned-folder test has them).
COSTLY = {"far-cell": 3, "far-row": 1}

def _owned(kind: str):
    return pytest.param(kind, id=kind)


def _make(recipe: Recipe) -> tuple[Path, list, list]:
    mutant = recipe.make()
    return mutant.path, mutant.must_name, mutant.expect


@pytest.fixture(scope="module")
def mutation_verdicts(tmp_path_factory) -> dict[str, list[tuple[Recipe, Verdict]]]:
    work = tmp_path_factory.mktemp("mutation-templates")
    templates = list(template_files(work).values())
    per_kind = {kind: min(PER_KIND, COSTLY.get(kind, PER_KIND)) if PER_KIND <= 7 else PER_KIND for kind in MUTATIONS}

    made = recipes(templates, tmp_path_factory.mktemp("mutants"), seed=SEED, per_kind=per_kind)
    verdicts = judge_files([partial(_make, recipe) for recipe in made])
    by_kind: dict[str, list[tuple[Recipe, Verdict]]] = {kind: [] for kind in MUTATIONS}
    for recipe, verdict in zip(made, verdicts):
        by_kind[recipe.kind].append((recipe, verdict))
    return by_kind


def _report(failures: list[tuple[Recipe, Verdict]]) -> str:
    lines = []
    for recipe, verdict in failures:
        try:
            detail = recipe.make().detail
        except Exception as exc:     # noqa: BLE001
            detail = f"(cannot remake: {exc})"
        lines.append(f"{recipe.stem} [seed {recipe.seed}]: {detail}\n  {verdict}".replace("\n", "\n  "))
    return "\n".join(lines)


@pytest.mark.parametrize("kind", [_owned(kind) for kind in MUTATIONS])
def test_no_mutation_loses_a_cell(mutation_verdicts, kind):
    judged = mutation_verdicts[kind]
    assert judged, f"no mutant of kind {kind}"
    failures = [(recipe, verdict) for recipe, verdict in judged if verdict.outcome != "ok"]
    assert not failures, f"{len(failures)} of {len(judged)} mutants of {kind}:\n" + _report(failures)


def test_every_template_as_sent_loses_nothing(tmp_path):
    """The templates returned untouched: the baseline of the property (and of the judge)."""
    templates = list(template_files(tmp_path).values())
    verdicts = judge_files([partial(lambda p: (p, [], []), path) for path in templates])
    assert [str(v) for v in verdicts if v.outcome != "ok"] == []


def test_the_judge_sees_a_lost_cell(tmp_path):
    """The judge is not a test that cannot fail: a value the frames do not carry, a cell that must
    be named and is not, a process that aborts and one that hangs are all caught."""
    from cchc_xlsx.consolidate import consolidate

    from accounting import unaccounted

    template = template_files(tmp_path)["so-tai-chinh"]
    result = consolidate([template], workers=1)
    assert unaccounted(template, result) == []
    row = next(r for r in result.plan.rows("plan") if r["file"] == template.name and r["level"] == "activity")
    row["indicator"] = "something else"                       # as if the tool had read it wrong
    [lost] = unaccounted(template, result)
    assert (lost.sheet, lost.cell) == ("Phụ lục 1", f"C{row['row']}") and "indicator" in lost.why

    def aborts():
        os.abort()

    def hangs():
        import time
        time.sleep(5)

    verdicts = judge_files([lambda: (template, [("Phụ lục 1", "B3")], []), aborts, hangs,
                            lambda: (template, [], [])], time_limit=2)
    assert [v.outcome for v in verdicts] == ["lost", "abort", "timeout", "ok"]
    assert "Phụ lục 1!B3" in verdicts[0].lost[0]


#: Corpus cases the independent oracle cannot read: it reads .ods and .xls with python-calamine,
#: which aborts natively on their far cell (the very fault the tool now guards against). They are
#: judged by tests/test_returns_reading.py (far cells under a memory limit, both readers).
ORACLE_CANNOT_READ = {"far-cell-ods", "far-cell-xls"}


def _case_param(name: str):
    if name in ORACLE_CANNOT_READ:
        return pytest.param(name, id=name, marks=pytest.mark.skip(
            reason="the oracle reads .ods/.xls with python-calamine, which aborts on a far cell; "
                   "judged by tests/test_returns_reading.py"))
    return pytest.param(name, id=name)


@pytest.fixture(scope="module")
def corpus_verdicts(corpus) -> dict[str, list[Verdict]]:
    names = [name for name in CASES if name in corpus and name not in ORACLE_CANNOT_READ]
    jobs, owners = [], []
    for name in names:
        for path in corpus[name]:
            jobs.append(partial(lambda p: (p, [], []), path))
            owners.append(name)
    verdicts = judge_files(jobs)
    out: dict[str, list[Verdict]] = {name: [] for name in names}
    for name, verdict in zip(owners, verdicts):
        out[name].append(verdict)
    return out


@pytest.mark.parametrize("case", [_case_param(name) for name in CASES])
def test_no_corpus_file_loses_a_cell(corpus_verdicts, case):
    failures = [str(v) for v in corpus_verdicts.get(case, []) if v.outcome != "ok"]
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def corpus_command_failures(corpus, tmp_path_factory) -> dict[str, list[str]]:
    out = tmp_path_factory.mktemp("corpus-commands")
    jobs, owners = [], []
    for name in CASES:
        for i, path in enumerate(corpus.get(name, [])):
            jobs.append(partial(every_command, path, out / f"{name}-{i}"))
            owners.append((name, path.name))
    failures: dict[str, list[str]] = {name: [] for name in CASES}
    for (name, file), result in zip(owners, run_limited(jobs)):
        if isinstance(result, Limited):
            failures[name].append(f"{file}: {result.outcome}: {result.detail[-1500:]}")
        elif result:
            failures[name].append(f"{file}: {result[-1500:]}")
    return failures


@pytest.mark.parametrize("case", list(CASES))
def test_no_corpus_file_breaks_a_command(corpus_command_failures, case):
    """``read``, ``consolidate`` with its workbook and ``check --feedback`` on each corpus file."""
    assert corpus_command_failures[case] == []


def _command_job(recipe: Recipe, out: Path) -> str:
    return every_command(recipe.make().path, out / recipe.stem)


@pytest.fixture(scope="module")
def command_failures(tmp_path_factory) -> dict[str, list[str]]:
    """A mutant of each kind (``CCHC_MUTATIONS`` with the knob) through read, consolidate (workbook
    written) and check --feedback."""
    work = tmp_path_factory.mktemp("command-templates")
    templates = list(template_files(work).values())
    per_kind = {kind: (0 if kind in COSTLY else 1) if PER_KIND <= 7 else PER_KIND for kind in MUTATIONS}
    made = recipes(templates, tmp_path_factory.mktemp("command-mutants"), seed=SEED + 1, per_kind=per_kind)
    out = tmp_path_factory.mktemp("command-out")
    failures: dict[str, list[str]] = {kind: [] for kind in MUTATIONS}
    for recipe, result in zip(made, run_limited([partial(_command_job, recipe, out) for recipe in made])):
        if isinstance(result, Limited):
            failures[recipe.kind].append(f"{recipe.stem}: {result.outcome}: {result.detail[-1500:]}")
        elif result:
            failures[recipe.kind].append(f"{recipe.stem}: {result[-1500:]}")
    return failures


def _breaks(kind: str):
    return pytest.param(kind, id=kind)


@pytest.mark.parametrize("kind", [_breaks(kind) for kind in MUTATIONS if kind not in COSTLY or PER_KIND > 7])
def test_no_mutation_breaks_a_command(command_failures, kind):
    """``read``, ``consolidate`` with its workbook and ``check --feedback``: no traceback, abort or hang."""
    assert command_failures[kind] == []


def test_a_folder_of_mutants_read_in_parallel_loses_nothing(tmp_path):
    """Many returns at once, on two reading processes, some agencies twice: per file, nothing lost."""
    templates = template_files(tmp_path / "t")
    clean = [kind for kind, mutation in MUTATIONS.items()
             if not mutation.owner and kind not in ("named-xls", "save-time-offset")]
    folder = tmp_path / "bao-cao"
    made = recipes([p for name, p in templates.items() if name != "toan-bo-ke-hoach"], folder, seed=SEED + 2,
                   per_kind={kind: 1 for kind in clean})
    [verdict] = run_limited([lambda: judge_folder(_made(made, folder), workers=2)], processes=1, time_limit=120)
    assert not isinstance(verdict, Limited), f"{verdict.outcome}: {verdict.detail}"
    assert len(verdict) >= 16
    assert {name: lost for name, lost in verdict.items() if lost} == {}


def _made(made: list[Recipe], folder: Path) -> Path:
    for recipe in made:
        recipe.make()
    return folder


def test_an_agency_that_sent_twice_one_save_time_with_an_offset(tmp_path):
    """Two returns of one agency, one stamped 2018-01-08T10:00:00+07:00: the later is used, no traceback."""
    import random
    import re
    import zipfile

    import mutations

    templates = template_files(tmp_path / "t")
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    (folder / "cchc-2018-so-tu-phap.xlsx").write_bytes(templates["so-tu-phap"].read_bytes())
    later = mutations.mutate(templates["so-tu-phap"], "protection-removed", random.Random(0), folder, "so-tu-phap-gui-lai")
    with zipfile.ZipFile(later.path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2018-01-08T10:00:00+07:00\g<2>",
                                          members["docProps/core.xml"])
    with zipfile.ZipFile(later.path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    [verdict] = run_limited([lambda: judge_folder(folder, workers=1)], processes=1)
    assert not isinstance(verdict, Limited), f"{verdict.outcome}: {verdict.detail}"
    assert verdict == {"cchc-2018-so-tu-phap.xlsx": [], "so-tu-phap-gui-lai.xlsx": []}
