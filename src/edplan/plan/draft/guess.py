"""Guesses a reviewer must confirm: a target's kind and schedule, its name, milestones, ids.

Every function here returns, with its guess, the note that says what was assumed: those notes are
the ``# check:`` comments of the draft. The rules are few and plain on purpose, so that a reviewer
can predict them:

- a rate (%) and an enrolment (招生, 招收, 录取, 在校生) are levels, read at the autumn intake (09-30);
- people trained (人次) and money (元) add up (cumulative), linear over the year; so does everything else;
- a clause without a figure that starts with a deliverable verb (制定, 颁布, 建立, …) is a milestone
  due at year end;
- a deadline in the sentence (9月底前, 上半年) is the due date instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from edplan.plan.draft.figures import PERCENT, PERCENT_POINTS, STABLE, Figure
from edplan.plan.draft.numerals import chinese_number
from edplan.units import parse_unit

LEVEL, CUMULATIVE, MILESTONE = "level", "cumulative", "milestone"

_ENROLMENT = re.compile(r"招生|招收|录取|在校生|在园|入学|入园|在读")
_TRAINING = re.compile(r"培训|研修|轮训")

# Words at the edges of a name that say what is done, not what is counted (longest first).
_LEADING = sorted(
    "进一步 继续 全面 积极 大力 努力 切实 加快 重点 认真 深入 稳步 不断 逐步 力争 确保 争取 全年 年内 今年 当年 "
    "全县 全市 全区 全省 累计 计划 预计 其中 以及 并且 同时 完成 选派 安排 组织 建立 建成 实现 开展 落实 支持 "
    "共 并 和 及 与 、 的 要 为 对".split(),
    key=len,
    reverse=True,
)
_TRAILING = sorted(
    "达到 控制在 保持在 不少于 不低于 不超过 不高于 不多于 至少 至多 超过 多于 高于 低于 少于 大约 约为 大概 接近 力争 "
    "计划 累计 提高到 提高至 增加到 增至 达 为 是 约 近 的 共 有 在 至 等".split(),
    key=len,
    reverse=True,
)
_TRAILING_QUALIFIERS = [w for w in _TRAILING if w != "的"]
# A year or a deadline at the start of a name says when, not what: 2019年, 9月底前, 上半年.
_YEAR_PREFIX = re.compile(
    r"^(?:(?:20\*|[0-9]{4})年度?|(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|份)?(?:前|之前|以前)?"
    r"|[上下]半年|年底前|年内)"
)
_QUOTA_WORD = re.compile(r"计划(?=招生|招收|录取)")

_DELIVERABLES = (
    "制定",
    "颁布",
    "建立",
    "完成",
    "出台",
    "修订",
    "启动",
    "实施",
    "设立",
    "起草",
    "拟定",
    "召开",
    "试行",
    "推行",
)
# Verbs whose object is the deliverable itself (制定…办法 → 办法); after the others the verb is the event
# (启动…工程 → 工程启动).
_THINGS = ("制定", "建立", "设立", "起草", "拟定", "出台", "完成")
_MILESTONE_LEADING = sorted(
    "进一步 继续 全面 积极 大力 努力 切实 加快 认真 深入 稳步 逐步 力争 确保 争取 年内 研究 抓紧 尽快 着力 及时 筹备 "
    "加紧 全县 全市 重点 同时 要 并".split(),
    key=len,
    reverse=True,
)
_MORE_VERBS = sorted(
    (*_DELIVERABLES, "健全", "完善", "落实", "推动", "和", "并", "及", "与", "、"), key=len, reverse=True
)

_MONTH = re.compile(
    r"(?:(?:20\*|[0-9]{4})年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末)?(?:前|之前|以前)|"
    r"(?:(?:20\*|[0-9]{4})年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末)"
)
_HALF = re.compile(r"上半年")


def _strip(text: str, leading: list[str], trailing: list[str]) -> str:
    """``text`` without the words of ``leading`` at its start and of ``trailing`` at its end (and a year)."""
    changed = True
    while changed and text:
        changed = False
        year = _YEAR_PREFIX.match(text)
        if year:
            text, changed = text[year.end() :], True
        for word in leading:
            if text.startswith(word):
                text, changed = text[len(word) :], True
                break
        for word in trailing:
            if text.endswith(word):
                text, changed = text[: -len(word)], True
                break
    return text.strip(" \u3000")


def name_for(before: str, after: str) -> str:
    """A target's name from the words before its figure and after it, within its segment.

    普通高中计划招生 + 7.8万人 → 普通高中招生; 组织 + 10所 + 高校对口支援远郊区县 → 高校对口支援远郊区县.
    A modifier ending in 的 before a counted noun gives way to the noun (…相适应的10个示范专业 → 示范专业).
    """
    tail = _strip(after, ["的", "、", "和"], ["等", "的"])
    head = _strip(_QUOTA_WORD.sub("", before), _LEADING, _TRAILING_QUALIFIERS)
    if head.endswith("的") and tail:
        return tail
    return _strip(head, [], _TRAILING) + tail


def borrowed(clause: str) -> str:
    """The subject of the clause before, for a figure its own words leave unnamed: 稳步发展本专科教育 → 本专科教育."""
    return _strip(clause, sorted((*_LEADING, "发展", "推进", "加强", "扩大"), key=len, reverse=True), _TRAILING)


def kind_for(figure: Figure, segment: str) -> tuple[str, bool, str]:
    """(kind, read at the autumn intake?, why) for a figure in its segment."""
    unit = figure.unit
    if figure.direction == STABLE:
        return LEVEL, False, f"kind level: kept stable ({figure.qualifier}) is a reading, not a sum"
    if unit in (PERCENT, PERCENT_POINTS):
        return LEVEL, True, "kind level: a rate (%) is read, not added up"
    enrolment = _ENROLMENT.search(segment)
    if enrolment:
        return LEVEL, True, f"kind level: an enrolment ({enrolment[0]}) is counted once, not added up"
    base = parse_unit(unit).base
    if base == "人次" or _TRAINING.search(segment):
        return CUMULATIVE, False, "kind cumulative, linear over the year: people trained add up as the year goes"
    if base in ("元", "块"):
        return CUMULATIVE, False, "kind cumulative, linear over the year: money spent adds up as the year goes"
    return CUMULATIVE, False, "kind cumulative, linear over the year: the default for a count to reach"


def autumn(year: int) -> tuple[dt.date, str]:
    return dt.date(year, 9, 30), f"due {year}-09-30: read at the autumn intake (the new school year)"


def year_end(year: int) -> tuple[dt.date, str]:
    return dt.date(year, 12, 31), f"due {year}-12-31: the text gives no date, so the year's end"


def deadline(sentence: str, year: int) -> tuple[dt.date, str] | None:
    """A deadline the sentence states: 9月底前 → 09-30, 上半年 → 06-30."""
    found = _MONTH.search(sentence)
    if found:
        numeral = found[1] or found[2]
        month_value = int(numeral) if numeral.isdigit() else chinese_number(numeral)
        if month_value is not None and 1 <= int(month_value) <= 12:
            month = int(month_value)
            day = calendar.monthrange(year, month)[1]
            return dt.date(year, month, day), f"due {year}-{month:02d}-{day:02d}: the text says {found[0]}"
    if _HALF.search(sentence):
        return dt.date(year, 6, 30), f"due {year}-06-30: the text says 上半年"
    return None


def milestone(clause: str) -> tuple[str, str] | None:
    """(name, verb) when a clause without a figure states a deliverable: 制定《…办法》, 启动…工程."""
    text = _strip(clause, _MILESTONE_LEADING, [])
    verb = next((v for v in _DELIVERABLES if text.startswith(v)), None)
    if verb is None:
        return None
    rest = text
    while True:
        more = next((v for v in _MORE_VERBS if rest.startswith(v) and len(rest) > len(v)), None)
        if more is None:
            break
        rest = rest[len(more) :]
    verbs = text[: len(text) - len(rest)]
    if len(rest) < 2 or rest.startswith(("的", "了", "好")):
        return None
    return (rest if verb in _THINGS else rest + verbs), verbs


def target_id(task: int, index: int, part: int | None = None) -> str:
    """t03-2: the task's number and the target's place in it; a part adds its place: t01-3.1."""
    base = f"t{task:02d}-{index}"
    return base if part is None else f"{base}.{part}"
