"""Titles as provinces and districts write them (issue 11), and what --json prints for a file that
cannot be used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cchc_xlsx import read_plan
from cchc_xlsx.cli import main
from cchc_xlsx.tables import titles_from_lines
from plan_builders import FULL, plan_grid, write_plan

# (title lines, province, district, year, decision, decision date)
TITLES = [
    (["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2019",
      "(Kèm theo Quyết định số 123/QĐ-UBND ngày 15/01/2019 của UBND tỉnh)"],
     "Lâm Đồng", "", 2019, "123/QĐ-UBND", "15/01/2019"),
    (["UBND TỈNH BÀ RỊA - VŨNG TÀU", "DỰ TOÁN KINH PHÍ THỰC HIỆN CCHC NĂM 2020",
      "(Ban hành kèm theo Quyết định số 88/QĐ-UBND ngày 5 tháng 3 năm 2020)"],
     "Bà Rịa - Vũng Tàu", "", 2020, "88/QĐ-UBND", "05/03/2020"),
    (["UBND HUYỆN KRÔNG PẮC", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2021",
      "Kèm theo Quyết định số 45/QĐ-UBND ngày 3/2/2021 của UBND huyện"],
     "", "huyện Krông Pắc", 2021, "45/QĐ-UBND", "03/02/2021"),
    (["ỦY BAN NHÂN DÂN HUYỆN CƯ M'GAR", "TỈNH ĐẮK LẮK", "KẾ HOẠCH CCHC NĂM 2019"],
     "Đắk Lắk", "huyện Cư M'gar", 2019, "", ""),
    (["Ủy ban nhân dân thị xã Buôn Hồ, tỉnh Đắk Lắk", "Kế hoạch cải cách hành chính năm 2019"],
     "Đắk Lắk", "thị xã Buôn Hồ", 2019, "", ""),
    (["UBND THÀNH PHỐ HÀ NỘI", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2022"], "Hà Nội", "", 2022, "", ""),
    (["UBND TP. BUÔN MA THUỘT", "Kế hoạch CCHC năm 2019"], "", "thành phố Buôn Ma Thuột", 2019, "", ""),
    (["ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "QUYẾT ĐỊNH SỐ 77/QĐ-UBND NGÀY 10/12/2018"], "Thừa Thiên Huế", "", None, "77/QĐ-UBND", "10/12/2018"),
    (["Về việc ban hành Kế hoạch hoạt động và ngân sách thực hiện cải cách hành chính nhà nước tỉnh Đắk Lắk năm 2018",
      "(Ban hành kèm theo Quyết định số 3598/QĐ-UBND ngày 28 tháng 12 năm 2017 của UBND tỉnh)"],
     "Đắk Lắk", "", 2018, "3598/QĐ-UBND", "28/12/2017"),
    (["UBND tỉnh ĐẮK NÔNG năm 2019", "các sở, ban, ngành; UBND các huyện, thị xã, thành phố"], "Đắk Nông", "", None,
     "", ""),
]


@pytest.mark.parametrize("lines, province, district, year, decision, date", TITLES, ids=[t[0][0][:30] for t in TITLES])
def test_titles_in_any_case(lines, province, district, year, decision, date):
    titles = titles_from_lines(lines)
    assert (titles.province, titles.district, titles.year, titles.decision, titles.decision_date) == \
        (province, district, year, decision, date)


def test_capital_titles_through_read(tmp_path, capsys):
    grid = plan_grid(FULL, (150, 150, 100, 50), total=150, above=TITLES[0][0] + ["ĐVT: triệu đồng"])
    path = write_plan(tmp_path / "lam-dong.xlsx", grid)
    assert main(["read", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"] == {"year": 2019, "province": "Lâm Đồng", "decision": "123/QĐ-UBND",
                            "decision_date": "15/01/2019", "district": ""}
    assert main(["read", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Kế hoạch CCHC Lâm Đồng năm 2019 (Quyết định 123/QĐ-UBND)"


def test_a_district_plan_through_read(tmp_path, capsys):
    grid = plan_grid(FULL, (150, 150, 100, 50), total=150, above=TITLES[3][0])
    path = write_plan(tmp_path / "cu-mgar.xlsx", grid)
    plan = read_plan(path)
    assert (plan.province, plan.district, plan.year) == ("Đắk Lắk", "huyện Cư M'gar", 2019)
    main(["read", str(path)])
    assert capsys.readouterr().out.startswith("Kế hoạch CCHC huyện Cư M'gar (Đắk Lắk) năm 2019")


def test_a_plan_in_dong_says_its_unit_on_screen(tmp_path, capsys):
    grid = plan_grid(FULL, ("150.000.000", "150.000.000", "100.000.000", "50.000.000"), total="150.000.000",
                     above=["ĐVT: đồng"])
    main(["read", str(write_plan(tmp_path / "dong.xlsx", grid))])
    out = capsys.readouterr().out
    assert "Đơn vị tính của bảng: đồng (ghi «đồng»); các số dưới đây đã quy ra triệu đồng." in out
    assert "Tổng ngân sách các hoạt động: 150 triệu đồng (dòng Tổng cộng ghi: 150)" in out


# ---------------------------------------------------------------- --json when a file cannot be used
def _bad_files(tmp_path):
    text = tmp_path / "ke-hoach.xlsx"
    text.write_text("không phải bảng tính")
    no_table = tmp_path / "danh-sach.xlsx"
    from conftest import write_grids
    write_grids(no_table, {"Sheet1": [["Họ tên", "Tuổi"], ["An", 30]]})
    return {"file-unreadable": text, "wrong-template": no_table, "missing": tmp_path / "khong-co.xlsx"}


@pytest.mark.parametrize("kind", ["file-unreadable", "wrong-template", "missing"])
@pytest.mark.parametrize("command", ["read", "consolidate", "check"])
def test_json_says_why_a_file_cannot_be_used(tmp_path, kind, command):
    bad = _bad_files(tmp_path)[kind]
    args = {"read": ["read", str(bad)], "consolidate": ["consolidate", "--plan", str(bad), "-o", str(tmp_path / "o.xlsx")],
            "check": ["check", str(tmp_path), "--plan", str(bad)]}[command]
    result = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", *args, "--json"], capture_output=True, text=True)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "file", "message"}
    assert error["code"] == (kind if kind != "missing" else error["code"])
    assert error["code"] in ("file-unreadable", "wrong-template", "unusable-input")
    assert bad.name in error["file"] + error["message"]
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert error["message"] in result.stderr


def test_without_json_nothing_is_printed_on_stdout(tmp_path):
    bad = _bad_files(tmp_path)["file-unreadable"]
    result = subprocess.run([sys.executable, "-m", "cchc_xlsx.cli", "read", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
