"""Amounts of money in Vietnamese words and Vietnamese number notation."""

from __future__ import annotations

import decimal
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["amount_in_words", "format_dong", "format_trieu", "total_caption"]

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Reading rules (the ones used on Vietnamese budget and accounting documents):
#
# * The number is split into groups of three digits: đơn vị, nghìn, triệu; every
#   multiple of 10^9 is read recursively and followed by "tỷ", so 10^12 is
#   "một nghìn tỷ" and 10^18 "một tỷ tỷ".
# * The highest non-zero group is read without its leading zeros ("năm mươi",
#   not "không trăm năm mươi").
# * Every lower group that is non-zero is read in full, three digits:
#   "không trăm" when its hundreds digit is 0, "linh" when its tens digit is 0
#   and its units digit is not, e.g. 1_005 -> "một nghìn không trăm linh năm".
# * A lower group that is all zeros is skipped entirely, together with its unit
#   word: 1_000_000_005 -> "một tỷ không trăm linh năm" (never "... không triệu
#   không nghìn ...").
# * Inside a group: tens 1 is "mười", tens >= 2 is "<digit> mươi"; a units 1
#   after "mươi" is "mốt", a units 4 after "mươi" is "tư", a units 5 after
#   "mười"/"mươi" is "lăm"; otherwise the plain digit ("mười một", "mười bốn",
#   "linh một", "linh bốn", "linh năm").
# * Words used: "nghìn" (not "ngàn"), "linh" (not "lẻ"), "tỷ".
# * Zero is "Không đồng"; negative amounts are prefixed "Âm ".


def _to_int(value: object) -> int:
    """Coerce an int or an integral float/Decimal to int; refuse anything else."""
    if isinstance(value, bool):
        raise TypeError(f"expected an amount of money, got a bool: {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, Decimal)):
        try:
            as_int = int(value)
        except (ValueError, OverflowError, decimal.InvalidOperation) as exc:
            raise ValueError(f"amount is not a whole number: {value!r}") from exc
        if as_int != value:
            raise ValueError(f"amount is not a whole number: {value!r}")
        return as_int
    raise TypeError(f"expected an int amount, got {type(value).__name__}: {value!r}")


def _read_group(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads all three digits ("không trăm", "linh")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        words.append("tư" if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _read_below_billion(n: int, leading: bool) -> list[str]:
    """Words for 0 < n < 10^9; ``leading`` is True when no higher group precedes it."""
    words: list[str] = []
    for scale, unit in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group, n = divmod(n, scale)
        if group == 0:
            continue  # all-zero group: skipped with its unit word
        words += _read_group(group, full=not leading)
        if unit:
            words.append(unit)
        leading = False
    return words


def _read_positive(n: int) -> list[str]:
    """Words for n > 0."""
    billions, rest = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += _read_positive(billions)
        words.append("tỷ")
    if rest:
        words += _read_below_billion(rest, leading=not billions)
    return words


def amount_in_words(dong: int) -> str:
    """The amount in Vietnamese words, e.g. 8_000_000_000 -> "Tám tỷ đồng"."""
    n = _to_int(dong)
    if n == 0:
        words = ["không"]
    else:
        words = _read_positive(abs(n))
        if n < 0:
            words.insert(0, "âm")
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def format_dong(amount: int) -> str:
    """Vietnamese thousands separator: 8000000000 -> "8.000.000.000"."""
    n = _to_int(amount)
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", ".")


def format_trieu(x: float) -> str:
    """A triệu-đồng figure, at most one decimal (half up), ",0" dropped: 1478.4 -> "1.478,4"."""
    if isinstance(x, bool):
        raise TypeError(f"expected a number, got a bool: {x!r}")
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    try:
        # str() of a float is its shortest round-trip repr, so 0.05 rounds to 0,1.
        d = x if isinstance(x, Decimal) else Decimal(str(x))
    except decimal.InvalidOperation as exc:
        raise ValueError(f"not a number: {x!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    with decimal.localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + 3)
        q = d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""  # a value that rounds to 0 loses its sign
    q = abs(q)
    whole = int(q)
    tenth = int((q - whole) * 10)
    text = sign + f"{whole:,}".replace(",", ".")
    if tenth:
        text += f",{tenth}"
    return text


def total_caption(dong: int) -> str:
    """Figure and words: "8.000.000.000 đồng (Tám tỷ đồng)"."""
    return f"{format_dong(dong)} đồng ({amount_in_words(dong)})"
