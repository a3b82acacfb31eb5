"""One poisoned file among good returns (issue 10, "What must hold").

``check`` and ``consolidate`` (the command line, in a child process) on a folder that holds two
good returns and one poisoned file of each kind: the good ones are consolidated, the poisoned one
is named on one line, the exit code is 1 (errors in the data) and no traceback reaches stderr.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(ROOT / "scripts"))

from returns_corpus import template_files  # noqa: E402

GOOD = {"cchc-2018-so-tu-phap.xlsx": "Sở Tư pháp", "cchc-2018-so-tai-chinh.xlsx": "Sở Tài chính"}


def _from_template(templates: dict[str, Path], folder: Path, name: str, edit) -> Path:
    book = openpyxl.load_workbook(templates["so-noi-vu"])
    edit(book)
    book.save(folder / name)
    return folder / name


def _budget_cell(book):
    ws = book["Phụ lục 1"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Hoạt động"))
    return ws.cell(row, 7)


def far_cell(templates, folder):
    return _from_template(templates, folder, "o-xa.xlsx", lambda book: book["Phụ lục 1"].__setitem__("XFD1048576", "x"))


def budget_1e303(templates, folder):
    return _from_template(templates, folder, "ngan-sach-1e303.xlsx", lambda book: setattr(_budget_cell(book), "value", 1e303))


def fifo(templates, folder):
    path = folder / "ong-dan.xlsx"
    os.mkfifo(path)
    return path


def unreadable(templates, folder):
    path = folder / "khong-cho-doc.xlsx"
    shutil.copyfile(templates["so-noi-vu"], path)
    path.chmod(0)
    return path


def broken_link(templates, folder):
    path = folder / "lien-ket-hong.xlsx"
    path.symlink_to(folder / "da-xoa.xlsx")
    return path


def truncated_zip(templates, folder):
    data = templates["so-noi-vu"].read_bytes()
    path = folder / "tai-do-dang.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def html_named_xls(templates, folder):
    path = folder / "xuat-tu-phan-mem.xls"
    path.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>STT</td><td>Nội dung</td></tr>"
                    "<tr><td>1</td><td>Báo cáo quý I</td></tr></table></body></html>", encoding="utf-8")
    return path


def encrypted(templates, folder):
    path = folder / "co-mat-khau.xlsx"
    shutil.copyfile(FIXTURES / "password-protected.xlsx", path)
    return path


POISONS = [
    pytest.param(far_cell, id="far-cell"),
    pytest.param(budget_1e303, id="budget-1e303"),
    pytest.param(fifo, id="fifo-named-xlsx"),
    pytest.param(unreadable, id="unreadable-permissions"),
    pytest.param(broken_link, id="broken-symlink"),
    pytest.param(truncated_zip, id="truncated-zip"),
    pytest.param(html_named_xls, id="html-named-xls"),
    pytest.param(encrypted, id="encrypted"),
]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    return template_files(tmp_path_factory.mktemp("poison-templates"))


def _run(args: list[str], poison: Path, cwd: Path) -> subprocess.CompletedProcess:
    """The command line in a child. As root, a file's permissions stop no one: the child then runs
    without the capabilities that bypass them (setpriv), so that mode 000 means unreadable."""
    command = [sys.executable, "-m", "cchc_xlsx.cli", *args]
    if poison.name.startswith("khong-cho-doc") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a file of mode 000 is readable, nothing to test")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    env = dict(os.environ, PYTHONPATH=str(ROOT), CCHC_XLSX_CACHE="off")
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args[:1])} did not end within 120 s with {poison.name} in the folder")


def _folder(tmp_path: Path, templates, poison) -> tuple[Path, Path]:
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    for name in GOOD:
        shutil.copyfile(templates[name.removeprefix("cchc-2018-").removesuffix(".xlsx")], folder / name)
    return folder, poison(templates, folder)


def _no_traceback(run: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-2000:]
    assert run.returncode >= 0, f"killed by signal {-run.returncode}: {run.stderr[-500:]}"


@pytest.mark.parametrize("poison", POISONS)
def test_consolidate_names_the_poisoned_file_and_uses_the_good_ones(tmp_path, templates, poison):
    folder, bad = _folder(tmp_path, templates, poison)
    out = tmp_path / "out"
    out.mkdir()
    run = _run(["consolidate", str(folder), "-o", str(out / "tong-hop.xlsx")], bad, tmp_path)
    _no_traceback(run)
    assert run.returncode == 1, run.stdout[-1500:] + run.stderr[-1500:]
    lines = run.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Đã đọc"))
    files = list(itertools.takewhile(lambda line: line.startswith("  "), lines[start + 1:]))
    for name, agency in GOOD.items():
        assert f"  {name}: dùng ({agency})" in files, "\n".join(files)
    assert len([line for line in files if bad.name in line]) == 1, "\n".join(files)
    assert (out / "tong-hop.xlsx").exists()


@pytest.mark.parametrize("poison", POISONS)
def test_check_names_the_poisoned_file_and_checks_the_good_ones(tmp_path, templates, poison):
    folder, bad = _folder(tmp_path, templates, poison)
    run = _run(["check", str(folder)], bad, tmp_path)
    _no_traceback(run)
    assert run.returncode == 1, run.stdout[-1500:] + run.stderr[-1500:]
    heads = [line for line in run.stdout.splitlines() if line and not line.startswith(" ")]
    for name, agency in GOOD.items():
        assert any(line.startswith(f"{name} ({agency}): 0 lỗi") for line in heads), "\n".join(heads)
    assert len([line for line in heads if bad.name in line]) == 1, "\n".join(heads)


def test_two_returns_with_one_name_in_two_subfolders_are_told_apart(tmp_path, templates):
    """Agencies all send «bao-cao.xlsx»; the officer saves each in its own folder. A return and its
    correction in two subfolders under one name: the one not used has no row used, and each finding
    says which of the two files it is about."""
    import openpyxl

    from cchc_xlsx.consolidate import consolidate

    folder = tmp_path / "bao-cao"
    (folder / "lan-1").mkdir(parents=True)
    (folder / "lan-2").mkdir()
    shutil.copyfile(templates["so-tu-phap"], folder / "lan-1" / "bao-cao.xlsx")
    book = openpyxl.load_workbook(templates["so-tu-phap"])
    book["Phụ lục 1"]["G11"] = 16
    book.save(folder / "lan-2" / "bao-cao.xlsx")
    result = consolidate([folder], workers=1)
    sources = result.sources[result.sources["path"].str.endswith("bao-cao.xlsx")]
    assert sorted(sources["status"]) == ["superseded", "used"]
    assert sources.set_index("status").loc["superseded", "rows_used"] == 0
    assert sources["file"].nunique() == 2                     # the user can tell the two apart
    assert sorted(sources["file"]) == ["lan-1/bao-cao.xlsx", "lan-2/bao-cao.xlsx"]
    used = sources.set_index("status").loc["used", "file"]
    assert "lan-2/bao-cao.xlsx" == used                        # saved last
    superseded = [f for f in result.findings if f.code == "duplicate-return"]
    assert [f.file for f in superseded] == ["lan-1/bao-cao.xlsx"] and "lan-2/bao-cao.xlsx" in superseded[0].message("en")
    from_returns = set(result.plan.plan["file"]) - {result.plan_file}
    assert from_returns == {"lan-2/bao-cao.xlsx"}


def test_a_return_beside_a_subfolder_of_the_same_name_is_named_by_its_own_name(tmp_path, templates):
    """«bao-cao.xlsx» in the folder and «lan-2/bao-cao.xlsx» below it: each is named from the folder
    given (no absolute path, which says nothing to the officer and changes from machine to machine)."""
    import openpyxl

    from cchc_xlsx.consolidate import consolidate

    folder = tmp_path / "bao-cao"
    (folder / "lan-2").mkdir(parents=True)
    shutil.copyfile(templates["so-tu-phap"], folder / "bao-cao.xlsx")
    book = openpyxl.load_workbook(templates["so-tu-phap"])
    book["Phụ lục 1"]["G11"] = 16
    book.save(folder / "lan-2" / "bao-cao.xlsx")
    result = consolidate([folder], workers=1)
    names = sorted(result.sources[result.sources["path"].str.endswith("bao-cao.xlsx")]["file"])
    assert names == ["bao-cao.xlsx", "lan-2/bao-cao.xlsx"]
    assert not any(f.file.startswith("/") for f in result.findings)
