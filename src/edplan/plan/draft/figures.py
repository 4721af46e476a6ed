"""Figures in a clause: the number as written, its unit, a range, the qualifier that gives its direction.

:func:`scan` goes through a clause left to right. A number a target can track (7.8万人, 98.6%, 2~4所,
四分之三以上, 一千二百人次) becomes a :class:`Figure`; one that looks like a figure but is none (3-6周岁,
前五名, 19:1, 15年, “211”, a number without a unit) becomes an :class:`Unread` saying why. Years,
dates, times, ordinals (第一, 十六届, 六次全会) and Chinese numerals that count nothing (一批, 十六大)
are the document's words, not figures: they are passed over silently.

A change over last year (比上年增长9.1%, 比上年增加约0.05万人) is a figure too, marked with its
:class:`Change`: whether it describes the figure before it is the caller's question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from edplan.plan.draft.clauses import QUOTED, mask
from edplan.plan.draft.numerals import (
    CHINESE_FRACTION,
    CHINESE_NUMBER,
    DIGIT_CHARS,
    chinese_number,
    chinese_percent,
)
from edplan.units import COUNTERS, FULL_WIDTH

AT_LEAST, AT_MOST, APPROXIMATELY, STABLE = "at_least", "at_most", "approximately", "stable"
PERCENT = "%"
PERCENT_POINTS = "个百分点"

_ARABIC = r"[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?"
NUMBER = re.compile(rf"(?P<fraction>{CHINESE_FRACTION})|(?P<arabic>{_ARABIC})|(?P<chinese>{CHINESE_NUMBER})")
_RANGE = re.compile(r"\s*(?:~|～|〜|-|－|—|–|至|到)\s*")

# What may follow a number. 届 is left out: 十六届, 第三届 are ordinals, not counts.
_AGES = ("周岁", "岁")
_DURATIONS = ("个月", "小时", "年", "天", "周")
_FIGURE_UNITS = (COUNTERS - {"届"}) | {PERCENT_POINTS}
_UNIT_WORDS = sorted(_FIGURE_UNITS | set(_AGES) | set(_DURATIONS), key=len, reverse=True)
_UNIT = re.compile(
    r"(?P<more>多|余)?(?P<magnitude>千万|百万|十万|亿|万|千)?(?P<unit>%|％|"
    + "|".join(re.escape(u) for u in _UNIT_WORDS)
    + ")"
)
_TRAILING = re.compile(r"以上|以内|以下|之内|左右|上下")
_TRAILING_DIRECTIONS = {
    "以上": AT_LEAST,
    "以内": AT_MOST,
    "以下": AT_MOST,
    "之内": AT_MOST,
    "左右": APPROXIMATELY,
    "上下": APPROXIMATELY,
}
# Words right before a number that give its direction; longest first, so 不超过 is not read as 超过.
_LEADING_DIRECTIONS = sorted(
    {
        **dict.fromkeys(("不少于", "不低于", "至少", "超过", "多于", "高于", "达到"), AT_LEAST),
        **dict.fromkeys(("不超过", "不高于", "不多于", "至多", "低于", "少于", "控制在"), AT_MOST),
        **dict.fromkeys(("大约", "约为", "约", "大概", "接近", "近"), APPROXIMATELY),
    }.items(),
    key=lambda item: len(item[0]),
    reverse=True,
)
_QUOTA = re.compile(r"计划(?:招生|招收|录取)|招生计划")
# 预计全县高中在校生为31200人: a forecast, met by a figure close to it (neither a floor nor a ceiling).
_FORECAST = re.compile(r"预计|预期|预测")
_STABLE = re.compile(r"保持稳定|基本稳定|大体相当|基本持平|保持平稳")
_CHANGE = re.compile(
    r"(?P<words>(?:(?:比|较)(?:上年同期|去年同期|上一年|前一年|上年|去年|[^，,；;。比较]{1,8}?年(?:同期)?)|同比)"
    r"(?P<verb>增长|增加|提高|上升|下降|减少|降低))了?(?P<about>大约|约)?\s*$"
)
_FALLING = ("下降", "减少", "降低")
_DATE = re.compile(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")
_RATIO = re.compile(r"[0-9]+(?:\.[0-9]+)?\s*[:：∶]\s*[0-9]+(?:\.[0-9]+)?")
_ORDINAL_MEETING = re.compile(r"次(?:全会|全体会议|会议|代表大会|党代会)")


@dataclass(frozen=True, slots=True)
class Change:
    """比上年增长9.1% (growth) or 比上年增加约0.05万人 (increase): a change of the figure before it."""

    kind: str  # "growth" (percent over last year) or "increase" (in the figure's unit)
    sign: int  # -1 for 下降, 减少, 降低
    start: int  # where 比上年… begins in the clause
    words: str  # 比20*年增长
    about: bool  # 约 after the verb: the change is approximate


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a target can track, as written in the clause."""

    start: int  # the number's first character, in the clause
    end: int  # after its unit and a trailing qualifier (以上, 左右)
    text: str  # as written: 7.8万人, 2~4所, 四分之三以上
    value: Decimal
    unit: str
    upper: Decimal | None = None  # a range's upper bound: 2~4所 → 4
    direction: str | None = None  # read from a qualifier; None when the text gives none
    qualifier: str = ""  # the words the direction was read from: 以上, 不少于, 计划招生, 保持稳定
    quota: bool = False  # 计划招生, 计划招收, 计划录取
    forecast: str = ""  # 预计 (…为): a forecast figure, about exactly this
    reading: str = ""  # how a number not written in digits was read: 一千二百 → 1200
    change: Change | None = None


@dataclass(frozen=True, slots=True)
class Unread:
    """Something that looks like a figure and is not one a target can track."""

    start: int
    end: int
    text: str
    why: str


Found = Figure | Unread


def scan(clause: str) -> list[Found]:
    """Every figure of a clause and every look-alike that is not one, left to right."""
    quoted = mask(clause, QUOTED)
    out: list[Found] = []
    pos = 0
    previous_end = 0
    while (found := NUMBER.search(clause, pos)) is not None:
        item, consumed = _classify(clause, found, quoted)
        pos = max(consumed, found.end())
        if isinstance(item, Figure):
            item = _qualify(clause, item, previous_end)
            previous_end = item.end
        if item is not None:
            out.append(item)
    return out


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.translate(FULL_WIDTH).replace(",", ""))
    except InvalidOperation:
        return None


def _number_value(family: str, text: str) -> tuple[Decimal | None, str]:
    """The value of one number token and, when it is not digits, how it was read."""
    if family == "arabic":
        return _decimal(text), ""
    value = chinese_number(text)
    return value, (f"{text} → {value}" if value is not None else "")


def _classify(clause: str, found: re.Match[str], quoted: list[bool]) -> tuple[Found | None, int]:
    """What one number token is; and how far the clause is read by it."""
    family = str(found.lastgroup)
    start, end = found.span()
    token = found[0]
    before = clause[start - 1] if start > 0 else ""
    if before == "第":
        return None, end  # an ordinal: 第一, 第3
    if family == "fraction":
        return _fraction(clause, found, quoted), end
    if family == "arabic":
        if clause[end : end + 1] == "*" or _ascii_letter(before) or _ascii_letter(clause[end : end + 1]):
            return None, end  # 20*年 (a redacted year), 5G, A1: names
        date = _DATE.match(clause, start)
        if date:
            return None, date.end()
        ratio = _RATIO.match(clause, start)
        if ratio:
            return Unread(start, ratio.end(), ratio[0], "a ratio, which one target value cannot hold"), ratio.end()
    elif _not_a_count(clause, found):
        return None, end
    # A range: 2~4所, 2-3个百分点, 二至三所.
    upper_text = ""
    after_number = end
    dash = _RANGE.match(clause, end)
    if dash:
        second = NUMBER.match(clause, dash.end())
        if second and second.lastgroup == family and clause[second.start() - 1] != "第":
            upper_text, after_number = second[0], second.end()
    unit_match = _UNIT.match(clause, after_number)
    following = clause[after_number : after_number + 1]
    if _is_year(family, token, unit_match, clause, after_number):
        return None, after_number + 1
    if following and following in "月日号":
        return None, after_number + 1  # a date: 9月, 5-6月, 十月
    if family == "chinese" and (
        _ORDINAL_MEETING.match(clause, after_number) or (start > 0 and clause[start - 1] == "届")
    ):
        return None, after_number  # 六次全会, 九届十次全会
    unit = unit_match["unit"] if unit_match else ""
    unit_end = unit_match.end() if unit_match else after_number
    shown = clause[start:unit_end]
    if quoted[start]:
        whole = _whole_quote(clause, start, after_number)
        if unit or whole or family == "arabic":
            return Unread(start, unit_end, shown, "inside quotation marks: a name or a slogan, not a figure"), unit_end
        return None, after_number
    if unit in _AGES:
        return Unread(start, unit_end, shown, "an age, not a figure to reach"), unit_end
    if before == "前" and unit in ("名", "位", ""):
        return Unread(start - 1, unit_end, "前" + shown, "a ranking, not a figure to reach"), unit_end
    if unit in _DURATIONS:
        if unit == "年" and clause[unit_end : unit_end + 1] in ("级", "度"):
            return None, unit_end  # 一年级, 学年度
        return Unread(start, unit_end, shown, "a duration, not a figure to reach"), unit_end
    if not unit:
        if family == "chinese":
            return None, after_number  # 十六大, 两免一补: words, not counts
        context = clause[start : min(len(clause), after_number + 4)]
        return Unread(start, after_number, context, "no unit after the number"), after_number
    return _figure(clause, family, found, upper_text, unit_match, unit_end)


def _figure(
    clause: str,
    family: str,
    found: re.Match[str],
    upper_text: str,
    unit_match: re.Match[str] | None,
    unit_end: int,
) -> tuple[Found, int]:
    assert unit_match is not None
    start = found.start()
    token = found[0]
    magnitude = unit_match["magnitude"] or ""
    unit = PERCENT if unit_match["unit"] in ("%", "％") else unit_match["unit"]
    if family == "chinese" and not magnitude and len(token) > 1 and token[-1] in "万亿":
        # 五万人 is 5 万人 as written, not 50000 人
        token, magnitude = token[:-1], token[-1]
        if upper_text.endswith(magnitude):
            upper_text = upper_text[:-1]
    value, reading = _number_value(family, token)
    upper = _number_value(family, upper_text)[0] if upper_text else None
    if value is None or (upper_text and upper is None):
        return Unread(start, unit_end, clause[start:unit_end], "a numeral that cannot be read"), unit_end
    end = unit_end
    direction: str | None = None
    qualifier = ""
    more = unit_match["more"]
    if more:
        direction, qualifier = AT_LEAST, more  # 500多人, 300余所
    trailing = _TRAILING.match(clause, unit_end)
    if trailing:
        direction, qualifier, end = _TRAILING_DIRECTIONS[trailing[0]], trailing[0], trailing.end()
    figure = Figure(
        start=start,
        end=end,
        text=clause[start:end],
        value=value,
        unit=magnitude + unit,
        upper=upper,
        direction=direction,
        qualifier=qualifier,
        reading=reading,
    )
    return figure, end


def _fraction(clause: str, found: re.Match[str], quoted: list[bool]) -> Found | None:
    start, end = found.span()
    if quoted[start]:
        return Unread(start, end, found[0], "inside quotation marks: a name or a slogan, not a figure")
    read = chinese_percent(found[0])
    if read is None:
        return Unread(start, end, found[0], "a fraction that cannot be read")
    value, reading = read
    direction: str | None = None
    qualifier = ""
    trailing = _TRAILING.match(clause, end)
    if trailing:
        direction, qualifier, end = _TRAILING_DIRECTIONS[trailing[0]], trailing[0], trailing.end()
    shown = clause[start:end]
    return Figure(start, end, shown, value, PERCENT, None, direction, qualifier, reading=f"{found[0]} → {reading}")


def _qualify(clause: str, figure: Figure, previous_end: int) -> Figure:
    """The direction and relations the words before a figure give it (since the figure before it)."""
    before = clause[previous_end : figure.start].rstrip()
    direction, qualifier = figure.direction, figure.qualifier
    quota = _QUOTA.search(before)
    change = _CHANGE.search(before)
    if change:
        verb = change["verb"]
        kind = "increase" if figure.unit not in (PERCENT,) else "growth"
        figure_change = Change(
            kind=kind,
            sign=-1 if verb in _FALLING else 1,
            start=previous_end + change.start(),
            words=change["words"],
            about=bool(change["about"]),
        )
        return replace(figure, change=figure_change)
    if figure.direction is None:
        for word, leading in _LEADING_DIRECTIONS:
            if before.endswith(word):
                direction, qualifier = leading, word
                break
    if quota and direction in (None, APPROXIMATELY):
        direction, qualifier = APPROXIMATELY, quota[0]
    forecast = _FORECAST.search(before)
    if forecast and not quota and direction in (None, APPROXIMATELY):
        direction, qualifier = APPROXIMATELY, forecast[0]
    stable = _STABLE.search(clause)
    if stable:
        direction, qualifier = STABLE, stable[0]
    return replace(
        figure,
        direction=direction,
        qualifier=qualifier,
        quota=bool(quota),
        forecast=forecast[0] if forecast and not quota and direction == APPROXIMATELY else "",
    )


def _not_a_count(clause: str, found: re.Match[str]) -> bool:
    """A Chinese numeral that is a word, not a count: 一 alone (一批, 每一所), 万 or 百 alone (百姓)."""
    token = found[0]
    if len(token) == 1 and token not in "二两三四五六七八九十":
        return True
    return not any(c in DIGIT_CHARS or c == "十" for c in token)


def _is_year(family: str, token: str, unit: re.Match[str] | None, clause: str, after: int) -> bool:
    """2020年, 2020 (首都教育2020发展纲要), 二〇一九年, 2019—2021年: a year, not a figure."""
    followed_by_year = clause[after : after + 1] == "年"
    if family == "arabic":
        digits = token.translate(FULL_WIDTH)
        if not (len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100):
            return False
        return unit is None or followed_by_year
    return followed_by_year and len(token) == 4 and all(c in DIGIT_CHARS for c in token)


def _whole_quote(clause: str, start: int, end: int) -> bool:
    """Is the number all there is between its quotation marks (“211”, “十一五”)?"""
    return start > 0 and clause[start - 1] in '“‘"《「' and clause[end : end + 1] in '”’"》」'


def _ascii_letter(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalpha()
