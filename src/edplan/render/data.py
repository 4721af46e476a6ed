"""Report → plain data (the ``--format json`` contract) and the display strings every format shares.

Numbers stay numbers here; the text renderers call :func:`fmt` so that a figure reads the same in
the Rich table, Markdown, CSV and the JSON ``why``. Rounding never crosses a verdict: an unmet
target never shows 100% (:func:`pct`), and an actual is shown with as many decimals as it takes to
see on which side of its goal or band it falls (:func:`places_for`). People and other counted
things are whole numbers; gaps of a percentage are percentage points.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from edplan.render.words import stage_word, word
from edplan.status.engine import STATUS_ORDER, Report, Rollup, Status, TargetStatus
from edplan.units import UnitError, parse_unit

CN_NUMERALS = "一二三四五六七八九十"

# JSON numbers: exact for what was recorded; computed figures (expected, forecast, rates) to 6 places.
_PLACES = Decimal("0.000001")
ZERO = Decimal(0)
_MOST_PLACES = 6


def numeral(n: int) -> str:
    """Section numbers as the document writes them: 1 → 一, 10 → 十, 12 → 十二."""
    if 1 <= n <= 10:
        return CN_NUMERALS[n - 1]
    if n < 20:
        return "十" + CN_NUMERALS[n - 11]
    if n < 100:
        tens, ones = divmod(n, 10)
        return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")
    return str(n)


def number(value: Decimal | None) -> int | float | str | None:
    """A JSON number that loses nothing: integers stay integers; a fraction (at most 6 places) becomes
    a float only when the float prints as the same decimal, else its exact text."""
    if value is None:
        return None
    rounded = value.quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    text = f"{rounded.normalize():f}"
    as_float = float(text)
    return as_float if repr(as_float) == text else text


def fmt(value: Decimal | None, places: int = 2, group: bool = True) -> str:
    """Display a figure: thousands grouped, at most ``places`` decimals, no trailing zeros."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    rounded = value.quantize(q, rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    text = f"{rounded:,}" if group else f"{rounded:f}"
    return "0" if text == "-0" else text


def pct(value: Decimal | None) -> str:
    """A share as a whole percentage, except where rounding would cross a line: an unmet 99.96% is
    '99.9%' (never '100%'), a started 0.3% is '0.3%' (never '0%')."""
    if value is None:
        return "—"
    share = value * 100
    for places in range(0, 3):
        shown = share.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if (shown == 100) == (share == 100) and (shown == 0) == (share == 0):
            return f"{fmt(shown, places)}%"
    # still on a line at 2 places: cut towards zero, which never reaches 100 from below
    return f"{fmt(share.quantize(Decimal('0.01'), rounding=ROUND_DOWN), 2)}%"


def with_unit(value: Decimal | None, unit: str | None, group: bool = True, places: int | None = None) -> str:
    if value is None:
        return "—"
    if places is None:
        places = 0 if whole_unit(unit) else 2
    return f"{fmt(value, places, group=group)}{unit or ''}"


def whole_unit(unit: str | None) -> bool:
    """Counted things without a magnitude (人, 所, 人次): shown as whole numbers. Money and shares are not."""
    if not unit:
        return False
    try:
        parsed = parse_unit(unit)
    except (UnitError, ValueError):
        return False
    return parsed.scale == 1 and parsed.base not in ("元", "%")


def apart(value: Decimal, edges: list[Decimal], places: int) -> int:
    """The fewest decimals from ``places`` on at which ``value`` still falls on the same side of each edge
    as it does exactly (74,099 against a band from 74,100 is not shown as 74,100)."""
    for p in range(places, _MOST_PLACES + 1):
        shown = _rounded(value, p)
        if all(_side(shown, _rounded(e, p)) == _side(value, e) for e in edges):
            return p
    return _MOST_PLACES


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _side(value: Decimal, edge: Decimal) -> int:
    """-1, 0 or 1: below, on or above the edge."""
    return (value > edge) - (value < edge)


def gap_text(row: TargetStatus, lang: str) -> str:
    """The gap in the precision of the expected figure beside it (expected 2亿元, actual 2.1亿元: gap
    +0.1亿元), with as many more decimals as keep a gap that is not nothing from reading as 0."""
    assert row.gap is not None
    return signed(row.gap, row.target.unit, lang, places=apart(row.gap, [ZERO], places_for(row)))


def as_of_text(report: Report, lang: str) -> str:
    """The report's date, and the second date when the log is replayed as known on an earlier day."""
    day = report.as_of.isoformat()
    if report.known_on is None:
        return day
    return day + word("title.known_on", lang, known_on=report.known_on.isoformat())


def figure_text(row: TargetStatus, lang: str, group: bool = True) -> str:
    """The goal as the plan states it: '≥ 7.8万人', '约 250万人次', 'issued'."""
    t = row.target
    if t.kind.value == "milestone":
        return stage_text(t.stage_list[-1], lang)
    prefix = {"at_least": "", "at_most": "≤", "approximately": "~", "stable": "≈"}[t.direction.value]
    return prefix + with_unit(t.value, t.unit, group)


def stage_text(stage: str | None, lang: str) -> str:
    return "—" if stage is None else stage_word(stage, lang)


def places_for(row: TargetStatus) -> int:
    """Decimals worth showing beside a goal: none for counted things (people are whole numbers), else
    one more than the goal has when it is small, at most 2."""
    value = row.target.value
    if value is None or whole_unit(row.target.unit):
        return 0
    return min(_written(value) + (1 if value < 100 else 0), 2)


def actual_places(row: TargetStatus) -> int:
    """Decimals for the actual figure: enough to see which side of the goal and of the band it is on."""
    base = places_for(row)
    if row.actual is None or row.target.value is None:
        return base
    edges = [row.target.value, *(row.band or ())]
    return apart(row.actual, edges, base)


def band_text(row: TargetStatus) -> tuple[str, str]:
    """The band's ends, with as many decimals as the actual needs beside them."""
    assert row.band is not None
    # A band's ends are thresholds: shown exactly (7.41, 237.5), or as far as the actual needs.
    places = max(actual_places(row), *(min(_written(e), _MOST_PLACES) for e in row.band))
    return fmt(row.band[0], places), with_unit(row.band[1], row.target.unit, places=places)


def _written(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def actual_text(row: TargetStatus, lang: str, unit: bool = True) -> str:
    """The actual figure; in tables without the unit, which the goal column already shows."""
    if row.target.kind.value == "milestone":
        return stage_text(row.stage, lang)
    if not unit:
        return fmt(row.actual, actual_places(row))
    return with_unit(row.actual, row.target.unit, places=actual_places(row))


def nothing_expected_yet(row: TargetStatus) -> bool:
    """Before a due date or a schedule's start nothing is owed: shown as —, not as 0."""
    return not row.closed and row.expected == 0 and row.target.direction.value != "at_most"


def expected_text(row: TargetStatus, lang: str, unit: bool = True) -> str:
    if row.target.kind.value == "milestone":
        return stage_text(row.expected_stage, lang)
    if nothing_expected_yet(row):
        return "—"
    if not unit:
        return fmt(row.expected, places_for(row))
    return with_unit(row.expected, row.target.unit, places=places_for(row))


def status_text(row: TargetStatus, lang: str, sep: str = " · ") -> str:
    text = word(row.status.value, lang)
    if row.stale:
        text += sep + word("stale", lang)
    return text


def signed(value: Decimal, unit: str | None, lang: str = "en", places: int | None = None) -> str:
    """A difference: percentage points where the figure is a percentage (98% − 96% is 2 pp, not 2%)."""
    sign = "+" if value >= 0 else ""
    if unit == "%":
        return sign + fmt(value, 2 if places is None else places) + word("unit.pp", lang)
    return sign + with_unit(value, unit, places=places)


def why(row: TargetStatus, lang: str) -> str:
    """One line that defends the verdict with the figures behind it (every word from words.py)."""
    t = row.target
    unit = t.unit
    milestone = t.kind.value == "milestone"
    status = row.status.value
    reason = row.reason.value
    parts: list[str] = []

    def say(key: str, **fields: object) -> None:
        parts.append(word(key, lang, **fields))

    if row.revision is not None:  # the figure judged is not the plan's own: say so first
        say(
            "why.revised",
            value=with_unit(t.value, unit),
            date=row.revision.date.isoformat(),
            planned=with_unit(row.planned, unit),
        )
    # Nothing is expected yet (before a due date, or a schedule's start): say so, not "expected 0".
    nothing_yet = nothing_expected_yet(row)
    if nothing_yet and status != "no_data":
        say("why.not_due", due=row.due.isoformat())
    elif row.closed and status in ("overdue", "nearly_met", "exceeded"):
        say("why.past_due", due=row.due.isoformat())
    band_said = False
    if row.band is not None and t.direction.value == "stable":
        low, high = band_text(row)
        say("why.band", low=low, high=high)
        band_said = True
    elif t.direction.value == "at_most":
        say("why.ceiling", value=with_unit(t.value, unit))
    elif status != "no_data" and not nothing_yet:
        say("why.expected", value=expected_text(row, lang))
    if row.actual is None:
        say("why.nothing")
        if row.stale:
            say("why.never")
    else:
        say("why.actual", value=actual_text(row, lang))
        if row.origin is not None and t.increase is not None and row.progress is not None:
            # The plan states the increase: say how much of it is made, as "done" counts it.
            change = row.actual - row.origin
            exponent = change.normalize().as_tuple().exponent
            places = min(max(-exponent if isinstance(exponent, int) else 0, 0), 6)  # 0.046 is not "0.05"
            made = signed(change, unit, lang, places=places if places > 2 else None)
            say("why.increase_made", made=made, increase=signed(t.increase, unit, lang), pct=pct(row.progress))
        if reason == "above_band" and row.band is not None:
            say("why.above_band")
            if not band_said:
                low, high = band_text(row)
                say("why.band", low=low, high=high)
        if reason == "met_early":
            say("why.met_early", due=row.due.isoformat())
        if reason == "nearly_met" and unit == "%" and row.actual is not None and t.value is not None:
            say("why.nearly_met_points", short=signed(t.value - row.actual, unit, lang).lstrip("+"))
        elif reason == "nearly_met" and row.origin is not None:
            say("why.nearly_met_increase")  # the share of the increase is said beside the actual
        elif reason == "nearly_met":
            say("why.nearly_met", pct=pct(row.progress))
        if reason == "forecast_short" and row.forecast is not None:
            goal = with_unit(row.band[0] if row.band and t.direction.value == "approximately" else t.value, unit)
            say("why.forecast_short", value=with_unit(row.forecast, unit), due=row.due.isoformat(), goal=goal)
        if reason == "over_ceiling" and t.value is not None:
            say("why.over_ceiling", value=with_unit(row.actual - t.value, unit))
        if reason == "ahead_of_ceiling_pace":
            say("why.ceiling_pace")
        quiet = ("in_band", "met", "met_early", "above_band", "forecast_short")
        show_gap = not milestone and status != "not_due" and t.direction.value != "at_most"
        if row.gap is not None and show_gap and reason not in quiet:
            say("why.gap", value=gap_text(row, lang))
    if status not in ("achieved", "exceeded", "not_due") and not milestone and row.remaining:
        places = apart(row.remaining, [ZERO], places_for(row))
        # A rate's remainder is percentage points: 98.5% of 98.6% leaves 0.1 pp, not "0.1%".
        to_go = signed(row.remaining, unit, lang, places).lstrip("+") if unit == "%" else None
        say("why.to_go", value=to_go or with_unit(row.remaining, unit, places=places))
        if row.rate_needed is not None:
            rate = with_unit(row.rate_needed, unit, places=max(places_for(row), 1))
            say("why.rate", rate=rate, due=row.due.isoformat())
    if row.days_ahead is not None and status not in ("achieved", "exceeded", "not_due", "overdue", "nearly_met"):
        d = row.days_ahead
        say("why.ahead" if d >= 0 else "why.behind", n=abs(d))
    if row.days_since_update is not None:
        say("why.last", n=row.days_since_update)
    return word("why.sep", lang).join(parts)


def forecast_text(row: TargetStatus, lang: str) -> str:
    """The forecast in words: the projected value and when the figure would be met."""
    if row.status.value == "achieved" and row.forecast_date is not None:
        return word("forecast.met", lang, date=row.forecast_date.isoformat())
    if row.forecast is None:
        return word("forecast.none", lang)
    text = word("forecast.value", lang, value=with_unit(row.forecast, row.target.unit), due=row.due.isoformat())
    if row.target.direction.value in ("at_least", "approximately"):
        if row.forecast_date is not None:
            when = word("forecast.date", lang, date=row.forecast_date.isoformat())
        else:
            when = word("forecast.never", lang)
        text += word("why.sep", lang) + when
    return text


def forecast_cell(row: TargetStatus, unit: bool = False) -> str:
    """The forecast in a table: the projected value (without the unit where a goal column shows it)."""
    if row.forecast is None:
        return "—"
    return fmt(row.forecast, places_for(row)) + ((row.target.unit or "") if unit else "")


def met_by_cell(row: TargetStatus, lang: str) -> str:
    if row.forecast_date is not None:
        return row.forecast_date.isoformat()
    if row.forecast is not None and row.target.direction.value in ("at_least", "approximately"):
        return word("forecast.never", lang)
    return "—"


# --- the same columns for every text format -------------------------------------------------------

TARGET_HEADERS = (
    "col.sec",
    "col.task",
    "col.id",
    "col.target_name",
    *("col.figure", "col.actual", "col.expected", "col.progress", "col.pace", "col.status"),
)


def target_headers(lang: str) -> list[str]:
    return [word(k, lang) for k in TARGET_HEADERS]


def target_cells(row: TargetStatus, lang: str, group: bool = True) -> list[str]:
    """One row as text, in the order of :data:`TARGET_HEADERS` (CSV: numbers without grouping)."""
    places = places_for(row)
    milestone = row.target.kind.value == "milestone"
    actual = stage_text(row.stage, lang) if milestone else fmt(row.actual, actual_places(row), group)
    expected = (
        stage_text(row.expected_stage, lang)
        if milestone
        else "—"
        if nothing_expected_yet(row)
        else fmt(row.expected, places, group)
    )
    return [
        numeral(row.section),
        str(row.task),
        row.target.id,
        row.target.name,
        figure_text(row, lang, group),
        actual,
        expected,
        pct(row.progress),
        pct(row.of_expected),
        status_text(row, lang),
    ]


def rollup_statuses(rollups: list[Rollup]) -> list[Status]:
    """The statuses that occur in any of the rollups, worst first: the columns of a rollup table."""
    return [s for s in STATUS_ORDER if any(r.counts[s] for r in rollups)]


def rollup_headers(kind: str, statuses: list[Status], lang: str) -> list[str]:
    first = {"section": "col.sec", "task": "col.task", "owner": "col.unit_name"}[kind]
    return [
        word(first, lang),
        *([word("col.title", lang)] if kind != "owner" else []),
        word("col.targets", lang),
        *(word(s.value, lang) for s in statuses),
        word("col.progress", lang),
    ]


def rollup_cells(kind: str, rollup: Rollup, statuses: list[Status]) -> list[str]:
    key = numeral(int(rollup.key)) if kind == "section" else rollup.key
    return [
        key,
        *([rollup.title] if kind != "owner" else []),
        str(rollup.targets),
        *(str(rollup.counts[s]) for s in statuses),
        pct(rollup.completion),
    ]


def rollups_for(report: Report, kind: str) -> list[Rollup]:
    return {"section": report.sections, "task": report.tasks, "owner": report.owners}[kind]


def _counts(rollup: Rollup) -> dict[str, int]:
    return {s.value: rollup.counts[s] for s in STATUS_ORDER}


def report_data(report: Report, lang: str = "en") -> dict[str, Any]:
    """The JSON contract of ``edplan status --format json`` (keys in English whatever the language)."""
    plan = report.plan
    tasks = {r.key: r for r in report.tasks}
    return {
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "year": plan.year,
            "start": plan.period.start.isoformat(),
            "end": plan.period.end.isoformat(),
        },
        "as_of": report.as_of.isoformat(),
        "summary": {
            "targets": len(report.rows),
            "counts": _counts(report.total),
            "completion": number(report.total.completion),
            "expected": number(report.total.expected),
        },
        "sections": [
            {
                "number": int(r.key),
                "title": r.title,
                "targets": r.targets,
                "completion": number(r.completion),
                "expected": number(r.expected),
                "counts": _counts(r),
            }
            for r in report.sections
        ],
        "tasks": [
            {
                "number": t.number,
                "section": s.number,
                "title": t.title,
                "targets": tasks[str(t.number)].targets,
                "completion": number(tasks[str(t.number)].completion),
                "expected": number(tasks[str(t.number)].expected),
                "counts": _counts(tasks[str(t.number)]),
            }
            for s in plan.sections
            for t in s.tasks
            if str(t.number) in tasks
        ],
        "owners": [
            {
                "unit": r.key,
                "targets": r.targets,
                "completion": number(r.completion),
                "expected": number(r.expected),
                "counts": _counts(r),
            }
            for r in report.owners
        ],
        "targets": [target_data(row, lang) for row in report.rows],
        "warnings": list(report.warnings),
    }


def target_data(row: TargetStatus, lang: str) -> dict[str, Any]:
    t = row.target
    milestone = t.kind.value == "milestone"
    return {
        "id": t.id,
        "section": row.section,
        "task": row.task,
        "name": t.name,
        "kind": t.kind.value,
        "direction": t.direction.value,
        "unit": t.unit,
        "target": number(t.value) if not milestone else t.stage_list[-1],
        "actual": number(row.actual) if not milestone else row.stage,
        "expected": number(row.expected) if not milestone else row.expected_stage,
        "progress": number(row.progress),
        "of_expected": number(row.of_expected),
        "status": row.status.value,
        "reason": row.reason.value,
        "stale": row.stale,
        "due": row.due.isoformat(),
        "gap": number(row.gap) if not milestone else None,
        "remaining": number(row.remaining) if not milestone else None,
        "rate_needed": number(row.rate_needed) if not milestone else None,
        "days_ahead": row.days_ahead,
        "forecast": number(row.forecast),
        "forecast_date": row.forecast_date.isoformat() if row.forecast_date else None,
        "last_date": row.last_date.isoformat() if row.last_date else None,
        "days_since_update": row.days_since_update,
        "revised": (
            {
                "date": row.revision.date.isoformat(),
                "planned": number(row.planned),
                "source": row.revision.source,
            }
            if row.revision is not None
            else None
        ),
        "entries": row.entries,
        "lead": row.lead,
        "support": list(row.support),
        "why": why(row, lang),
        "source": t.source,
    }
