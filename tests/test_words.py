"""Tests for cchc_xlsx.words: amounts in Vietnamese words and number notation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc_xlsx.words import amount_in_words, format_dong, format_trieu, total_caption

WORDS = [
    # units and tens
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (19, "Mười chín đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (31, "Ba mươi mốt đồng"),
    (44, "Bốn mươi tư đồng"),
    (50, "Năm mươi đồng"),
    (55, "Năm mươi lăm đồng"),
    (99, "Chín mươi chín đồng"),
    # hundreds
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (124, "Một trăm hai mươi tư đồng"),
    (999, "Chín trăm chín mươi chín đồng"),
    # thousands: lower non-zero groups are read in full
    (1_000, "Một nghìn đồng"),
    (1_001, "Một nghìn không trăm linh một đồng"),
    (1_005, "Một nghìn không trăm linh năm đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (1_015, "Một nghìn không trăm mười lăm đồng"),
    (1_050, "Một nghìn không trăm năm mươi đồng"),
    (1_100, "Một nghìn một trăm đồng"),
    (1_234, "Một nghìn hai trăm ba mươi tư đồng"),
    (10_000, "Mười nghìn đồng"),
    (20_000, "Hai mươi nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    # millions: all-zero groups are skipped
    (1_000_000, "Một triệu đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
    (1_100_000, "Một triệu một trăm nghìn đồng"),
    (1_500_500, "Một triệu năm trăm nghìn năm trăm đồng"),
    (150_000_000, "Một trăm năm mươi triệu đồng"),
    (999_999_999, "Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng"),
    # billions (tỷ)
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
    (1_000_001_000, "Một tỷ không trăm linh một nghìn đồng"),
    (1_478_400_000, "Một tỷ bốn trăm bảy mươi tám triệu bốn trăm nghìn đồng"),
    (2_050_000_000, "Hai tỷ không trăm năm mươi triệu đồng"),
    (3_470_000_000, "Ba tỷ bốn trăm bảy mươi triệu đồng"),
    (8_000_000_000, "Tám tỷ đồng"),
    (
        99_999_999_999,
        "Chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
        "chín trăm chín mươi chín đồng",
    ),
    # thousands of billions: the multiple of 10^9 is read recursively
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_000_000_000_500, "Một nghìn tỷ năm trăm đồng"),
    (1_005_000_000_000, "Một nghìn không trăm linh năm tỷ đồng"),
    (
        1_234_567_890_123,
        "Một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi nghìn "
        "một trăm hai mươi ba đồng",
    ),
    (1_000_000_000_000_000_000, "Một tỷ tỷ đồng"),
    # negatives
    (-1, "Âm một đồng"),
    (-1_500, "Âm một nghìn năm trăm đồng"),
    (-8_000_000_000, "Âm tám tỷ đồng"),
    # integral floats and Decimals are accepted
    (8e9, "Tám tỷ đồng"),
    (25.0, "Hai mươi lăm đồng"),
    (-0.0, "Không đồng"),
    (Decimal("1005"), "Một nghìn không trăm linh năm đồng"),
]


@pytest.mark.parametrize(("dong", "expected"), WORDS)
def test_amount_in_words(dong, expected):
    assert amount_in_words(dong) == expected


@pytest.mark.parametrize("bad", [1.5, 0.1, -2.25, float("nan"), float("inf"), Decimal("1.5")])
def test_amount_in_words_rejects_fractions(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


@pytest.mark.parametrize("bad", ["1000", None, True])
def test_amount_in_words_rejects_non_numbers(bad):
    with pytest.raises(TypeError):
        amount_in_words(bad)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1_000, "1.000"),
        (1_500, "1.500"),
        (-1_500, "-1.500"),
        (150_000_000, "150.000.000"),
        (1_478_400_000, "1.478.400.000"),
        (8_000_000_000, "8.000.000.000"),
        (1_000_000_000_000, "1.000.000.000.000"),
        (8e9, "8.000.000.000"),
    ],
)
def test_format_dong(amount, expected):
    assert format_dong(amount) == expected


def test_format_dong_rejects_fractions():
    with pytest.raises(ValueError):
        format_dong(1.5)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0, "0"),
        (0.0, "0"),
        (3.4, "3,4"),
        (8000, "8.000"),
        (8000.0, "8.000"),
        (1478.4, "1.478,4"),
        (1478.44, "1.478,4"),
        (1478.45, "1.478,5"),  # half up on the written decimal, not binary rounding
        (0.05, "0,1"),
        (0.04, "0"),
        (-0.04, "0"),  # rounds to zero: no "-0"
        (-3.4, "-3,4"),
        (-1478.4, "-1.478,4"),
        (999.96, "1.000"),
        (150, "150"),
        (1_234_567.8, "1.234.567,8"),
        (Decimal("2.25"), "2,3"),
    ],
)
def test_format_trieu(x, expected):
    assert format_trieu(x) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_format_trieu_rejects_non_finite(bad):
    with pytest.raises(ValueError):
        format_trieu(bad)


@pytest.mark.parametrize(
    ("dong", "expected"),
    [
        (8_000_000_000, "8.000.000.000 đồng (Tám tỷ đồng)"),
        (0, "0 đồng (Không đồng)"),
        (1_005, "1.005 đồng (Một nghìn không trăm linh năm đồng)"),
        (
            1_478_400_000,
            "1.478.400.000 đồng (Một tỷ bốn trăm bảy mươi tám triệu bốn trăm nghìn đồng)",
        ),
        (-1_500, "-1.500 đồng (Âm một nghìn năm trăm đồng)"),
    ],
)
def test_total_caption(dong, expected):
    assert total_caption(dong) == expected
