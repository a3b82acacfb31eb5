"""The agency registry: canonical names, spellings seen in practice, cells naming several agencies."""

from __future__ import annotations

import pytest

from cchc_xlsx.agencies import Registry, default_registry
from cchc_xlsx.normalise import funded_agency


@pytest.mark.parametrize("written, canonical, corrected", [
    ("Sở Tư pháp", "Sở Tư pháp", False),
    ("Sơ Tư pháp", "Sở Tư pháp", True),                       # the seed's typo
    ("So Tu phap", "Sở Tư pháp", True),                       # no diacritics
    ("Sở Văn hóa Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch", False),   # missing commas
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch", False),  # old tone placement
    ("Công Thông tin điện tử của tỉnh", "Cổng Thông tin điện tử tỉnh", True),
    ("Cổng Thông tin điện tử của tỉnh", "Cổng Thông tin điện tử tỉnh", False),
    ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh", False),
    ("Các cơ, ban, ngành", "Các sở, ban, ngành", True),
    ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", False),
])
def test_resolve(written, canonical, corrected):
    agency, was_corrected = default_registry().resolve(written)
    assert agency is not None and agency.name == canonical
    assert was_corrected is corrected


@pytest.mark.parametrize("cell, named", [
    ("- Sở Nội vụ - Văn phòng UBND tỉnh", ("Sở Nội vụ", "Văn phòng UBND tỉnh")),
    ("- Sở Nội vụ - Sở Văn hóa Thể thao và Du lịch - Công Thông tin điện tử của tỉnh",
     ("Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch", "Cổng Thông tin điện tử tỉnh")),
    ("Sở Khoa học và Công nghệ và các cơ quan, đơn vị có liên quan", ("Sở Khoa học và Công nghệ",)),
    ("Văn phòng UBND tỉnh, các sở, ban, ngành có liên quan, UBND cấp huyện", ("Văn phòng UBND tỉnh",)),
    ("Các sở, ban, ngành, UBND cấp huyện", ()),
    ("Các đơn vị hành chính cấp xã", ()),
    ("", ()),
])
def test_cells_naming_several_agencies_become_lists(cell, named):
    assert default_registry().parse_cell(cell).named == named


def test_unknown_lead_is_named_but_generic_groups_are_not():
    registry = default_registry()
    assert registry.parse_cell("Phòng Kỹ thuật số 9").unknown == ("Phòng Kỹ thuật số 9",)
    assert registry.parse_cell("Các cơ quan, đơn vị có liên quan").unknown == ()


def test_funded_agency_falls_back_to_the_named_partner():
    registry = default_registry()
    # seed 6.3.2: communes lead, the department that funds them is the partner
    lead = registry.parse_cell("Các đơn vị hành chính cấp xã")
    partners = registry.parse_cell("Sơ Khoa học và Công nghệ")
    assert funded_agency(lead, partners) == "Sở Khoa học và Công nghệ"
    assert funded_agency(registry.parse_cell("Sở Nội vụ"), partners) == "Sở Nội vụ"
    assert funded_agency(registry.parse_cell("Các sở, ban, ngành"), registry.parse_cell("")) == ""


def test_a_province_extends_the_registry_with_a_csv(tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("id,name,kind,aliases,typos\n"
                     "ban-quan-ly-khu-cong-nghiep,Ban Quản lý các khu công nghiệp tỉnh,agency,BQL KCN,\n"
                     "so-noi-vu,Sở Nội vụ,agency,Sở NV,\n", encoding="utf-8")
    registry = Registry.load(extra)
    assert registry.resolve("BQL KCN")[0].name == "Ban Quản lý các khu công nghiệp tỉnh"
    assert registry.resolve("Sở NV")[0].name == "Sở Nội vụ"          # overridden by id
    assert registry.resolve("Sở Tư pháp")[0].name == "Sở Tư pháp"    # the rest still there
    assert default_registry().resolve("BQL KCN")[0] is None


def test_registry_rejects_an_unknown_kind(tmp_path):
    extra = tmp_path / "bad.csv"
    extra.write_text("id,name,kind,aliases,typos\nx,X,department,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        Registry.load(extra)
