"""Units as written in a Chinese plan (万人, 亿元, 所, 人次, %) and the numbers that go with them.

A unit is an optional magnitude prefix (万 = 10⁴, 亿 = 10⁸, …) on a base unit. Two units convert
when their bases measure the same thing (人 and 名 both count people); 人次 (person-times) does
not convert to 人. Numbers are ``Decimal`` throughout so that sums stay exact.

A figure as a person types it (:func:`parse_typed`) is digits (ASCII, or full-width ０-９), an optional
magnitude (7.8万) and, separately, the unit it is in, if one is given. :func:`read_figure` says what
quantity that is, one rule for ``record``, ``record --from``, ``correct`` and the plan's ``value:``:
a magnitude is that many base units (7.8万 on a 万人 target is 7.8万人, never 78,000万人), digits
grouped by thousands (78,000) are a count of base units, a plain number is in the unit of reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from edplan.errors import Msg, msg

# The magnitudes written after a number (7.8万) or before a unit's base (万人). Longest first, so that
# 千万 wins over 万. Not 百: 百人 is not how a plan counts, and 5百 is a typo more often than a figure.
MAGNITUDES: dict[str, Decimal] = {
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "十万": Decimal(10) ** 5,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
}

# Base units that count the same thing under different measure words.
_DIMENSION_ALIASES: dict[str, str] = {"名": "人", "位": "人", "块": "元"}

# The counters edplan knows (a plan declares others in settings.units). Each may carry a magnitude.
# Not 位: a polite measure word for people that plans do not use as a unit, and in 千位 a typo for 千人.
COUNTERS: frozenset[str] = frozenset(
    "人 名 所 个 项 对 人次 元 家 门 本 套 台 间 次 场 册 部 件 篇 种 批 期 校 园 班 户 "
    "张 条 支 座 届 辆 课时 学时 亩 平方米".split()
)
PERCENT = "%"

# What a slip of the keyboard or the input method writes for a known unit: 万入 for 万人, ％ for %,
# traditional characters for simplified ones. Used only to suggest, never to accept.
_LOOKALIKES = str.maketrans(
    {"入": "人", "八": "人", "位": "人", "圆": "元", "％": "%", "萬": "万", "億": "亿", "個": "个", "項": "项"}
    | {"對": "对", "門": "门", "臺": "台", "間": "间", "場": "场", "種": "种", "園": "园", "戶": "户", "冊": "册"}
)

# Full-width digits and marks, as a Chinese input method types them, read as their ASCII forms.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")

# ASCII digits only ([0-9], not \d, which takes every script's digits), an optional fraction, no
# exponent: NaN, Infinity and 1e400 are refused by shape.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
MAX_DIGITS = 30
NUMBER_HINT = "write digits, e.g. 78000, 78,000 or 7.8万"


@dataclass(frozen=True, slots=True)
class Unit:
    """A parsed unit: ``text`` as written, ``scale`` of its prefix, ``base`` and ``dimension``."""

    text: str
    scale: Decimal
    base: str
    dimension: str


class UnitError(ValueError):
    """Two units that do not measure the same thing, or an unreadable unit."""


class FigureError(ValueError):
    """A figure that cannot be read as typed: ``message`` says what is wrong, ``hint`` how to write it."""

    def __init__(self, message: Msg, hint: Msg | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NumberError(FigureError):
    """Text that is not a finite decimal number."""


class Unreadable(NumberError):
    """Text that is no number at all (as opposed to one written in a way edplan refuses)."""


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
    """The quantity a figure written alone stands for: ``78000``, ``78,000``, ``7.8万`` → 78000.

    Refuses NaN, infinities, exponents and absurdly long numbers with a :class:`NumberError`. Which
    unit that quantity is in is :func:`read_figure`'s question.
    """
    return parse_typed(text).quantity


@dataclass(frozen=True, slots=True)
class Typed:
    """A figure as typed: ``number`` (the digits), ``magnitude`` written after them, ``grouped`` (78,000)."""

    text: str  # as typed, for messages
    number: Decimal  # exactly as written (7.80 keeps its 0: a plan's figure is shown as written)
    magnitude: str | None = None
    grouped: bool = False

    @property
    def quantity(self) -> Decimal:
        """The number times its magnitude, in plain form: 7.8万 → 78000, 7.80 → 7.8."""
        return normalize(self.number * MAGNITUDES[self.magnitude] if self.magnitude else self.number)

    @property
    def digits(self) -> str:
        """The number in its plain spelling (full-width digits, grouping and trailing zeros gone): ``0.5``."""
        return f"{normalize(self.number):f}"

    @property
    def written(self) -> str:
        """The figure in its plain spelling: ``0.5万``."""
        return self.digits + (self.magnitude or "")


def parse_typed(text: str) -> Typed:
    """Read ``78000``, ``78,000``, ``7.8万``, ``４亿`` (full-width) as :class:`Typed`, or raise NumberError."""
    shown = text.strip()
    raw = shown.translate(FULL_WIDTH)
    if any(c.isdigit() and not "0" <= c <= "9" for c in raw):
        raise NumberError(
            msg("'{text}' is written with digits other than 0-9", text=shown[:40]),
            msg("write the figure with the digits 0-9 (full-width ０-９ are read too)"),
        )
    magnitude: str | None = None
    for prefix in MAGNITUDES:
        if raw.endswith(prefix) and len(raw) > len(prefix):
            raw, magnitude = raw[: -len(prefix)].strip(), prefix
            break
    grouped = _GROUPED.fullmatch(raw) is not None
    if grouped:
        raw = raw.replace(",", "")
    if not _NUMBER.fullmatch(raw):
        raise Unreadable(msg("'{text}' is not a number", text=shown), msg(NUMBER_HINT))
    if len(raw) > MAX_DIGITS:
        raise NumberError(msg("'{text}' has too many digits", text=shown[:40]), msg(NUMBER_HINT))
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees a decimal
        raise Unreadable(msg("'{text}' is not a number", text=shown), msg(NUMBER_HINT)) from exc
    return Typed(shown, number, magnitude, grouped)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed figure stands for: ``value`` in ``unit`` (None only when no unit is known at all)."""

    value: Decimal
    unit: str | None


def read_figure(typed: Typed, reference: str | None, given: str | None = None) -> Reading:
    """The quantity a typed figure stands for, in the unit it is kept in.

    ``given`` is the unit typed with it (``--unit``, a CSV unit column); ``reference`` the unit a
    figure without one is in (the target's; for ``correct``, the entry's). Without a given unit a
    magnitude is a quantity of base units, kept in the reference unit (7.8万 on 万人 → 7.8万人; on 人 →
    78000人), grouped digits are a count of base units (78,000 on 万人 → 78000人), a plain number is
    in the reference unit. With one, the figure is in it (7.8万 with 人 → 78000人). Raises
    :class:`FigureError` for a magnitude with a % and for a magnitude said twice (0.5万 with 万人).
    """
    if typed.magnitude and PERCENT in (reference, given):
        raise FigureError(
            msg(
                "'{text}' has a magnitude ({magnitude}), but a figure in % takes none",
                text=typed.text,
                magnitude=typed.magnitude,
            ),
            msg("write the percentage itself, e.g. 95.5"),
        )
    if given is not None:
        unit = parse_unit(given)
        if typed.magnitude and unit.scale != 1:
            raise FigureError(
                msg(
                    "'{text}' with unit {unit} is ambiguous: {once} = {once_value}, or {twice} = {twice_value}",
                    text=typed.text,
                    unit=given,
                    once=typed.digits + given,
                    once_value=format_number(typed.number * unit.scale) + unit.base,
                    twice=f"{typed.written} {given}",
                    twice_value=format_number(typed.quantity) + given,
                ),
                msg(
                    "give the magnitude once: {number} with unit {unit}, or {count} with unit {base}",
                    number=typed.digits,
                    unit=given,
                    count=format_number(typed.number * unit.scale),
                    base=unit.base,
                ),
            )
        return Reading(typed.quantity, given)
    if reference is None:
        return Reading(typed.quantity, None)
    unit = parse_unit(reference)
    if typed.magnitude:
        return Reading(normalize(typed.quantity / unit.scale), reference)
    if typed.grouped and unit.scale != 1:
        return Reading(typed.quantity, unit.base)
    return Reading(typed.quantity, reference)


def unit_problem(text: str, declared: Iterable[str] = ()) -> tuple[Msg, Msg] | None:
    """Why a unit is not one edplan knows (message and hint, with a did-you-mean), or None.

    Known: a counter of :data:`COUNTERS` or of ``declared`` (the plan's ``settings.units``), with an
    optional magnitude (万人, 千所, 亿元), or ``%`` alone (万% means nothing).
    """
    declared = frozenset(declared)
    if _known(text, declared):
        return None
    guess = text.translate(_LOOKALIKES).translate(FULL_WIDTH)
    if guess.endswith(PERCENT):
        guess = PERCENT
    if guess != text and _known(guess, declared):
        hint = msg("did you mean {options}?", options=guess)
    else:
        hint = msg(
            "use a counter such as 人, 所, 个, 项 or 元, optionally with 千, 万 or 亿, or %; "
            "declare other units under settings: units"
        )
    return msg("unknown unit '{unit}'", unit=text[:40]), hint


def _known(text: str, declared: frozenset[str]) -> bool:
    if text == PERCENT or text in declared:
        return True
    if not text.strip():
        return False
    base = parse_unit(text).base
    return base in COUNTERS or base in declared


class PlanText(NamedTuple):
    """A figure the plan wrote as text, paired with its target's unit before it is read (the model
    pairs them, so that a problem still points at the ``value:`` itself; see :func:`plan_figure`)."""

    text: str
    unit: str | None
    field: str = "value"


# Words of a plan's text that belong in ``direction:``, not in the figure: 约7.8, 500以上, 不超过5.
_DIRECTION_WORDS: tuple[tuple[str, str, bool], ...] = (
    *((w, "approximately", True) for w in ("大约", "约为", "约", "大概", "近")),
    *((w, "approximately", False) for w in ("左右", "上下")),
    *((w, "at_least", True) for w in ("不少于", "不低于", "至少", "超过", "多于", "达到")),
    *((w, "at_least", False) for w in ("以上", "多")),
    *((w, "at_most", True) for w in ("不超过", "不高于", "不多于", "至多", "低于", "控制在")),
    *((w, "at_most", False) for w in ("以内", "以下", "之内")),
)


def plan_figure(text: str, unit: str | None, field: str = "value") -> Decimal:
    """The plan's ``value:`` or ``baseline:`` (``field``) written as text, in ``unit``: ``6,460``; ``7.8万``
    when the unit has no magnitude (→ 78000). Otherwise raises :class:`FigureError` saying how to write
    it: 约 belongs in ``direction:``, 7.8万 with unit 万人 is ambiguous, 78,000 with 万人 is in 人."""
    shown = text.strip()
    raw = shown.translate(FULL_WIDTH)
    for word, direction, before in _DIRECTION_WORDS:
        rest = raw[len(word) :] if before and raw.startswith(word) else None
        if not before and raw.endswith(word):
            rest = raw[: -len(word)]
        if rest and _NUMBER.fullmatch(rest.strip().replace(",", "").rstrip("".join(MAGNITUDES))):
            number = rest.strip()
            raise FigureError(
                msg("'{text}' is not a plain number", text=shown),
                msg(
                    "write {word} as `direction: {direction}`, and value: {number}",
                    word=word,
                    direction=direction,
                    number=number,
                )
                if field == "value"
                else msg("write the number alone: {field}: {number}", field=field, number=number),
            )
    for known in sorted(COUNTERS | {PERCENT}, key=len, reverse=True):
        head = raw[: -len(known)].strip()
        if raw.endswith(known) and head:
            try:
                typed = parse_typed(head)
            except NumberError:
                continue
            number, magnitude = typed.digits, typed.magnitude or ""
            raise FigureError(
                msg("'{text}' has its unit in it", text=shown),
                msg("write {field}: {number} and unit: {unit}", field=field, number=number, unit=magnitude + known),
            )
    typed = parse_typed(shown)
    if unit is None or not unit.strip():
        return typed.quantity if typed.magnitude else typed.number  # the missing unit is reported on its own
    parsed = parse_unit(unit)
    if typed.grouped and parsed.scale != 1 and not typed.magnitude:
        raise FigureError(
            msg("'{text}' is a count of {base}, but the unit is {unit}", text=shown, base=parsed.base, unit=unit),
            msg(
                "write it in {unit}: {field}: {number}",
                unit=unit,
                field=field,
                number=f"{normalize(typed.number / parsed.scale):f}",
            ),
        )
    # A plain number stays as written (8.0 is shown 8.0, and a cached plan reads back the same).
    return read_figure(typed, None, unit).value if typed.magnitude else typed.number


def format_number(value: Decimal, places: int | None = None) -> str:
    """Group thousands and drop noise: 78000 → '78,000', 7.80 → '7.8'."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places)) if places else value.quantize(Decimal(1))
    value = normalize(value)
    return f"{value:,}"
