"""Units as written in a Chinese plan (万人, 亿元, 所, 人次, %) and the numbers that go with them.

A unit is an optional magnitude prefix (万 = 10⁴, 亿 = 10⁸, …) on a base unit. Two units convert
when their bases measure the same thing (人 and 名 both count people); 人次 (person-times) does
not convert to 人. Numbers are ``Decimal`` throughout so that sums stay exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from edplan.errors import msg

# Longest first, so that 十万 wins over 十.
MAGNITUDES: dict[str, Decimal] = {
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "十万": Decimal(10) ** 5,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
    "百": Decimal(10) ** 2,
}

# Base units that count the same thing under different measure words.
_DIMENSION_ALIASES: dict[str, str] = {"名": "人", "位": "人", "块": "元"}

# Plain digits, an optional fraction, no exponent: NaN, Infinity and 1e400 are refused by shape.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MAX_DIGITS = 30


@dataclass(frozen=True, slots=True)
class Unit:
    """A parsed unit: ``text`` as written, ``scale`` of its prefix, ``base`` and ``dimension``."""

    text: str
    scale: Decimal
    base: str
    dimension: str


class UnitError(ValueError):
    """Two units that do not measure the same thing, or an unreadable unit."""


class NumberError(ValueError):
    """Text that is not a finite decimal number."""


@lru_cache(maxsize=256)
def parse_unit(text: str) -> Unit:
    text = text.strip()
    if not text:
        raise UnitError("empty unit")
    for prefix, scale in MAGNITUDES.items():
        if text.startswith(prefix) and len(text) > len(prefix):
            base = text[len(prefix) :]
            return Unit(text, scale, base, _DIMENSION_ALIASES.get(base, base))
    return Unit(text, Decimal(1), text, _DIMENSION_ALIASES.get(text, text))


@lru_cache(maxsize=1024)
def factor(from_unit: str, to_unit: str) -> Decimal:
    """How many ``to_unit`` one ``from_unit`` is: factor('人', '万人') == Decimal('0.0001')."""
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.dimension != b.dimension:
        raise UnitError(f"unit '{from_unit}' does not convert to '{to_unit}'")
    return a.scale / b.scale


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    if from_unit == to_unit:
        return value
    return normalize(value * factor(from_unit, to_unit))


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (78000, not 7.8E+4)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_number(text: str) -> Decimal:
    """Read a finite decimal as people write it: ``78000``, ``78,000``, ``7.8万``, ``4亿``.

    Refuses NaN, infinities, exponents and absurdly long numbers with a :class:`NumberError`.
    """
    raw = text.strip()
    scale = Decimal(1)
    for prefix, magnitude in MAGNITUDES.items():
        if raw.endswith(prefix) and len(raw) > len(prefix):
            raw, scale = raw[: -len(prefix)].strip(), magnitude
            break
    if _GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    if not _NUMBER.fullmatch(raw):
        raise NumberError(msg("'{text}' is not a number", text=text))
    if len(raw) > MAX_DIGITS:
        raise NumberError(msg("'{text}' has too many digits", text=text[:40]))
    try:
        return normalize(Decimal(raw) * scale)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees a decimal
        raise NumberError(msg("'{text}' is not a number", text=text)) from exc


def format_number(value: Decimal, places: int | None = None) -> str:
    """Group thousands and drop noise: 78000 → '78,000', 7.80 → '7.8'."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))
    value = normalize(value)
    return f"{value:,}"
