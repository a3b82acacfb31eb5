"""The bundled sample returns (workbooks/daklak-2018/returns): their files, their defects, their build."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "workbooks" / "daklak-2018" / "returns"
SCRIPT = ROOT / "scripts" / "build_sample_returns.py"
P1, P2, META = "Phụ lục 1", "Phụ lục 2", "_cchc_meta"

EXPECTED_FILES = {
    "README.md",
    "cchc-2018-so-tu-phap.xlsx",
    "cchc-2018-van-phong-ubnd-tinh.xlsx",
    "cchc-2018-so-noi-vu.xlsx",
    "cchc-2018-so-noi-vu-ban-sua.xlsx",
    "~$cchc-2018-so-noi-vu.xlsx",
    "cchc-2018-so-thong-tin-va-truyen-thong.xlsx",
    "so-khcn-ban-sao.xlsx",
    "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods",
    "cchc-2018-so-tai-chinh.xlsx",
    "ghi-chu.txt",
}
WORKBOOKS = sorted(n for n in EXPECTED_FILES if n.endswith(".xlsx") and not n.startswith("~$"))

# Every cell that differs from the agency's template, as (sheet, column A text, column letter) -> new value.
# Values are compared as read by openpyxl (.xlsx) or python-calamine (.ods); "" and None are both blank.
CHANGES = {
    "cchc-2018-so-tu-phap.xlsx": {
        (P1, "Hoạt động 1.4.4", "E"): "Tháng 13",
        (P1, "Hoạt động 1.4.2", "G"): "10,5",
        (P2, "Hoạt động 1.1.3", "E"): "Hàng quý",
    },
    "cchc-2018-van-phong-ubnd-tinh.xlsx": {
        (P1, "Hoạt động 2.2.4", "G"): 43000000,
        (P1, "Hoạt động 2.2.3", "F"): "Tháng 03",
        (P2, "Hoạt động 4.4.5", "E"): None,
        (P2, "Hoạt động 4.4.5", "F"): None,
    },
    "cchc-2018-so-noi-vu.xlsx": {
        (P1, "Hoạt động 7.2.1", "G"): 150,
    },
    "cchc-2018-so-noi-vu-ban-sua.xlsx": {
        (P1, "Hoạt động 7.1.2", "I"): "Sơ Tài chính, các sở, ban, ngành",
        (P1, "Hoạt động 4.4.4", "G"): -20,
    },
    "cchc-2018-so-thong-tin-va-truyen-thong.xlsx": {
        (P1, "STT", "J"): "Ghi chú",
        (P1, "Hoạt động 6.2.1", "J"): "Đã ký hợp đồng",
        (P1, "Hoạt động 6.2.1", "G"): "1.949",
        (P1, "Hoạt động 6.2.2", "B"): "Triển khai chương trình truyền thông Chính phủ điện tử IT Today và "
                                      "tuyên truyền về ứng dụng CNTT với công tác CCHC (bổ sung truyền hình)",
        (P1, "Hoạt động 6.2.8", "G"): None,
    },
    "so-khcn-ban-sao.xlsx": {
        (P1, "Hoạt động 6.3.4", "G"): "chưa xác định",
        (P2, "Hoạt động 6.3.1", "E"): "Sở Khoa học và Công nghệ",
        (P1, "Đề xuất mới (6.3)", "B"): "Khảo sát mức độ hài lòng về dịch vụ ISO tại cấp xã",
        (P1, "Đề xuất mới (6.3)", "E"): "Tháng 09",
        (P1, "Đề xuất mới (6.3)", "F"): "Tháng 10",
        (P1, "Đề xuất mới (6.3)", "G"): 15,
    },
    "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods": {
        (P1, "Hoạt động 7.3.4", "D"): "Kế hoạch tổ chức; báo cáo kết quả liên hoan",
    },
    "cchc-2018-so-tai-chinh.xlsx": {
        (P1, "Hoạt động 5.1.1", "D"): "Quyết định giao quyền tự chủ cho 12 đơn vị",
        (META, "template_version", "B"): "0",
    },
}
TEMPLATE_OF = {"cchc-2018-so-noi-vu-ban-sua.xlsx": "cchc-2018-so-noi-vu.xlsx",
               "so-khcn-ban-sao.xlsx": "cchc-2018-so-khoa-hoc-va-cong-nghe.xlsx",
               "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods": "cchc-2018-so-van-hoa-the-thao-va-du-lich.xlsx"}


def _script():
    spec = importlib.util.spec_from_file_location("build_sample_returns", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _blank(value):
    return None if value == "" else value


def _letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index)


def _grids(path: Path) -> dict[str, list[list]]:
    """Every sheet's values; formulas as their text (openpyxl) for .xlsx, computed values for .ods."""
    if path.suffix == ".ods":
        book = CalamineWorkbook.from_path(str(path))
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    book = openpyxl.load_workbook(path)
    try:
        return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def _find(grid: list[list], label: str) -> list[int]:
    return [i for i, row in enumerate(grid) if row and isinstance(row[0], str) and " ".join(row[0].split()) == label]


def _value(grid: list[list], label: str, letter: str, which: int = 0):
    rows = _find(grid, label)
    assert rows, f"no row labelled {label}"
    row = grid[rows[which]]
    col = openpyxl.utils.column_index_from_string(letter) - 1
    return _blank(row[col]) if col < len(row) else None


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    from cchc_xlsx import bundled_plan_path, read_plan
    from cchc_xlsx.templates import TemplateOptions, write_templates

    out = tmp_path_factory.mktemp("templates")
    options = TemplateOptions(generated_at=dt.datetime(2018, 1, 2, 8))
    paths = write_templates(read_plan(bundled_plan_path()), out, options)
    return {p.name: p for p in paths}


# --------------------------------------------------------------------------- the folder
def test_folder_holds_exactly_the_expected_files():
    assert {p.name for p in RETURNS.iterdir()} == EXPECTED_FILES
    assert not any("cong-thong-tin" in name for name in EXPECTED_FILES)   # the Cổng TTĐT sends nothing


def test_script_lists_what_it_writes():
    assert set(_script().OUTPUTS) == EXPECTED_FILES - {"README.md"}


@pytest.mark.parametrize("name", WORKBOOKS)
def test_workbooks_open_with_openpyxl(name):
    book = openpyxl.load_workbook(RETURNS / name)
    assert P1 in book.sheetnames and P2 in book.sheetnames
    book.close()


def test_unrelated_files():
    assert (RETURNS / "ghi-chu.txt").read_text(encoding="utf-8") == "Danh sách đơn vị đã gửi báo cáo\n"
    lock = (RETURNS / "~$cchc-2018-so-noi-vu.xlsx").read_bytes()
    assert len(lock) == 165 and lock[0] == len("Nguyen Van A") and lock[1:13] == b"Nguyen Van A"
    with pytest.raises(Exception):
        openpyxl.load_workbook(RETURNS / "~$cchc-2018-so-noi-vu.xlsx")


# --------------------------------------------------------------------------- the defects, exactly where stated
@pytest.mark.parametrize("name", sorted(CHANGES))
def test_changes_from_the_template_are_exactly_the_stated_ones(name, templates):
    """Diff each return against its template: the changed cells are the listed ones, nothing else."""
    template = templates[TEMPLATE_OF.get(name, name)]
    before, after = _grids(template), _grids(RETURNS / name)
    expected_sheets = {P1, P2} | ({META} if META in after else set())
    found = {}
    for sheet in sorted(expected_sheets):
        old, new = before[sheet], after[sheet]
        width = max(max(map(len, old)), max(map(len, new)))
        for r in range(max(len(old), len(new))):
            old_row = old[r] + [None] * (width - len(old[r])) if r < len(old) else [None] * width
            new_row = new[r] + [None] * (width - len(new[r])) if r < len(new) else [None] * width
            label = " ".join(str(old_row[0] or new_row[0] or "").split())
            for c in range(width):
                a, b = _blank(old_row[c]), _blank(new_row[c])
                if isinstance(a, str) and a.startswith("="):
                    continue   # a subtotal: its value is checked below
                if a != b:
                    key = (sheet, label, _letter(c + 1))
                    assert key not in found, f"{key} changed twice (duplicate labels)"
                    found[key] = b
    assert found == CHANGES[name]


def test_tu_phap():
    p1, p2 = (_grids(RETURNS / "cchc-2018-so-tu-phap.xlsx")[s] for s in (P1, P2))
    assert _value(p1, "Hoạt động 1.4.4", "E") == "Tháng 13"
    assert _value(p1, "Hoạt động 1.4.2", "G") == "10,5"     # text, a Vietnamese decimal
    assert (_value(p1, "Hoạt động 1.1.3", "E"), _value(p1, "Hoạt động 1.1.3", "F")) == ("Tháng 06", "Tháng 06")
    assert _value(p2, "Hoạt động 1.1.3", "E") == "Hàng quý"


def test_van_phong():
    p1, p2 = (_grids(RETURNS / "cchc-2018-van-phong-ubnd-tinh.xlsx")[s] for s in (P1, P2))
    assert _value(p1, "Hoạt động 2.2.4", "G") == 43000000
    assert (_value(p1, "Hoạt động 2.2.3", "E"), _value(p1, "Hoạt động 2.2.3", "F")) == ("Tháng 04", "Tháng 03")
    assert _value(p2, "Hoạt động 4.4.5", "E") is None and _value(p2, "Hoạt động 4.4.5", "F") is None
    assert _value(p2, "NHIỆM VỤ 4", "F")     # the collector it inherits


def test_noi_vu_two_versions():
    first = openpyxl.load_workbook(RETURNS / "cchc-2018-so-noi-vu.xlsx")
    later = openpyxl.load_workbook(RETURNS / "cchc-2018-so-noi-vu-ban-sua.xlsx")
    assert later.properties.modified > first.properties.modified
    assert first.properties.modified == dt.datetime(2018, 1, 10, 9, 0)
    assert later.properties.modified == dt.datetime(2018, 1, 12, 16, 30)
    g1 = [list(r) for r in first[P1].iter_rows(values_only=True)]
    g2 = [list(r) for r in later[P1].iter_rows(values_only=True)]
    assert _value(g1, "Hoạt động 7.2.1", "G") == 150 and _value(g2, "Hoạt động 7.2.1", "G") == 160
    assert _value(g2, "Hoạt động 7.1.2", "I") == "Sơ Tài chính, các sở, ban, ngành"
    assert _value(g1, "Hoạt động 4.4.4", "G") == 20 and _value(g2, "Hoạt động 4.4.4", "G") == -20


def test_saved_times_in_the_files():
    saved_at = pytest.importorskip("cchc_xlsx.returns").saved_at
    assert saved_at(RETURNS / "cchc-2018-so-noi-vu.xlsx") < saved_at(RETURNS / "cchc-2018-so-noi-vu-ban-sua.xlsx")
    assert saved_at(RETURNS / "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods") == dt.datetime(2018, 1, 12, 10, 0)


def test_thong_tin():
    book = openpyxl.load_workbook(RETURNS / "cchc-2018-so-thong-tin-va-truyen-thong.xlsx")
    plan = book[P1]
    assert plan.protection.sheet is False and book[P2].protection.sheet is True
    grid = [list(r) for r in plan.iter_rows(values_only=True)]
    assert plan.max_column == 10
    assert _value(grid, "STT", "J") == "Ghi chú"
    assert _value(grid, "Hoạt động 6.2.1", "J") == "Đã ký hợp đồng"
    assert _value(grid, "Hoạt động 6.2.1", "G") == "1.949"
    assert _value(grid, "Hoạt động 6.2.2", "B").endswith(" (bổ sung truyền hình)")
    assert _value(grid, "Hoạt động 6.2.8", "G") is None


def test_khoa_hoc_values_only_copy():
    path = RETURNS / "so-khcn-ban-sao.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [P1, P2]
    assert META not in CalamineWorkbook.from_path(str(path)).sheet_names
    assert not any(isinstance(c.value, str) and c.value.startswith("=") or c.data_type == "f"
                   for ws in book.worksheets for row in ws.iter_rows() for c in row)
    p1, p2 = ([list(r) for r in book[s].iter_rows(values_only=True)] for s in (P1, P2))
    assert _value(p1, "Hoạt động 6.3.4", "G") == "chưa xác định"
    assert _value(p2, "Hoạt động 6.3.1", "E") == "Sở Khoa học và Công nghệ"
    spare = [_value(p1, "Đề xuất mới (6.3)", letter) for letter in "BEFGH"]
    assert spare == ["Khảo sát mức độ hài lòng về dịch vụ ISO tại cấp xã", "Tháng 09", "Tháng 10", 15,
                     "Sở Khoa học và Công nghệ"]
    assert _value(p1, "Đề xuất mới (6.3)", "B", which=1) is None      # the second spare row stays empty
    for label in ("NHIỆM VỤ 6", "Kết quả đầu ra 6.3", "Tổng cộng"):
        assert _value(p1, label, "G") is None                         # formulas without a cached value


def test_van_hoa_ods():
    book = CalamineWorkbook.from_path(str(RETURNS / "cchc-2018-so-van-hoa-the-thao-va-du-lich.ods"))
    assert {P1, P2, META} <= set(book.sheet_names)
    p1 = book.get_sheet_by_name(P1).to_python()
    assert _value(p1, "Hoạt động 7.3.4", "G") == 180
    assert _value(p1, "Hoạt động 7.3.4", "D") == "Kế hoạch tổ chức; báo cáo kết quả liên hoan"
    assert _value(p1, "Kết quả đầu ra 7.3", "G") == 180             # LibreOffice computed the subtotal


def test_tai_chinh_old_template():
    book = openpyxl.load_workbook(RETURNS / "cchc-2018-so-tai-chinh.xlsx")
    meta = {r[0]: r[1] for r in book[META].iter_rows(values_only=True, max_col=2) if r[0]}
    assert meta["template_version"] == "0" and meta["agency"] == "Sở Tài chính"
    assert book[META].sheet_state == "veryHidden"
    grid = [list(r) for r in book[P1].iter_rows(values_only=True)]
    assert _value(grid, "Hoạt động 5.1.1", "D") == "Quyết định giao quyền tự chủ cho 12 đơn vị"


@pytest.mark.parametrize("name", [n for n in WORKBOOKS if n != "so-khcn-ban-sao.xlsx"])
def test_template_returns_keep_validations_and_lose_cached_values(name):
    """openpyxl kept the validations, protection and hidden sheets, and dropped every formula's cached value."""
    book = openpyxl.load_workbook(RETURNS / name)
    assert len(book[P1].data_validations.dataValidation) == 7 and len(book[P2].data_validations.dataValidation) == 3
    assert book[META].sheet_state == "veryHidden" and book["_danh_muc"].sheet_state == "hidden"
    values = openpyxl.load_workbook(RETURNS / name, data_only=True)[P1]
    formulas = [c.coordinate for row in book[P1].iter_rows() for c in row if c.data_type == "f"]
    assert formulas and all(values[ref].value is None for ref in formulas)


# --------------------------------------------------------------------------- the build is reproducible
def test_rebuild_gives_identical_xlsx(tmp_path, libreoffice):
    module = _script()
    from cchc_xlsx.pipeline import BUNDLED_PLAN

    if not (ROOT / BUNDLED_PLAN).exists():
        pytest.skip("the bundled plan is absent")
    if module.versions() != module.BUILT_WITH:
        pytest.skip(f"built with {module.BUILT_WITH}, running {module.versions()}: bytes may differ")
    module.build(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == EXPECTED_FILES - {"README.md"}
    for name in sorted(EXPECTED_FILES - {"README.md"}):
        if name.endswith(".ods"):
            continue   # LibreOffice's output is not byte-deterministic
        rebuilt, committed = (tmp_path / name).read_bytes(), (RETURNS / name).read_bytes()
        assert rebuilt == committed, f"{name} differs from the committed file"
