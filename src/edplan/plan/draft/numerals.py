"""Chinese numerals and fractions, read with cn2an: 一千二百 → 1200, 四分之三 → 75 (%), 百分之三十五 → 35 (%).

This module only *finds* where a numeral may be (character classes); what it is worth is always
cn2an's answer, never a table of ours. cn2an is imported inside the functions: importing it costs a
quarter of a second, and a text written in digits never needs it.
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal, InvalidOperation

# Characters a Chinese numeral is written with; used to find candidates, not to read them.
DIGIT_CHARS = "零〇一二两三四五六七八九"
NUMERAL_CHARS = DIGIT_CHARS + "十百千万亿"
# 一千二百, 三点五, 二〇一九
CHINESE_NUMBER = rf"[{NUMERAL_CHARS}]+(?:点[{DIGIT_CHARS}]+)?"
# 四分之三, 百分之三十五, 百分之九十八点六
CHINESE_FRACTION = rf"(?:百分之|[{DIGIT_CHARS}十百]+分之)[{NUMERAL_CHARS}]+(?:点[{DIGIT_CHARS}]+)?"

_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")
_RATIO = re.compile(r"([0-9]+(?:\.[0-9]+)?)/([0-9]+(?:\.[0-9]+)?)")


def chinese_number(text: str) -> Decimal | None:
    """The value of a Chinese numeral (一千二百 → 1200, 两 → 2, 三点五 → 3.5), or None if cn2an cannot read it."""
    import cn2an  # type: ignore[import-untyped]

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def chinese_percent(text: str) -> tuple[Decimal, str] | None:
    """A fraction written in words as a percentage, and how it was read.

    百分之三十五 → (35, '35%'); 四分之三 → (75, '3/4'); 三分之二 → (66.67, '2/3', rounded to two places).
    cn2an.transform rewrites the words; None when it leaves them unread.
    """
    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns (UserWarning) about what it cannot read
        try:
            out = str(cn2an.transform(text, "cn2an"))
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    found = _PERCENT.fullmatch(out)
    if found:
        return Decimal(found[1]), out
    found = _RATIO.fullmatch(out)
    if found:
        numerator, denominator = Decimal(found[1]), Decimal(found[2])
        if denominator == 0:
            return None
        share = numerator * 100 / denominator
        if share == share.to_integral_value():
            return share.quantize(Decimal(1)), out
        return share.quantize(Decimal("0.01")), out
    return None
