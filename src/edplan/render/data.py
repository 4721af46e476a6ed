"""Report → plain data (the ``--format json`` contract) and the display strings every format shares.

Numbers stay numbers here; the text renderers call :func:`fmt` so that a figure reads the same in
the Rich table, Markdown, CSV and the JSON ``why``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from edplan.render.words import stage_word, word
from edplan.status import STATUS_ORDER, Report, Rollup, Status, TargetStatus

CN_NUMERALS = "一二三四五六七八九十"

_PLACES = Decimal("0.0001")


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


def number(value: Decimal | None) -> int | float | None:
    """A JSON number: integers stay integers, fractions keep four places at most."""
    if value is None:
        return None
    rounded = value.quantize(_PLACES, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded.normalize())


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
    return "—" if value is None else f"{fmt(value * 100, 0)}%"


def with_unit(value: Decimal | None, unit: str | None, group: bool = True) -> str:
    if value is None:
        return "—"
    return f"{fmt(value, group=group)}{unit or ''}"


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
    """Decimals worth showing beside a goal: one more than the goal has when it is small, at most 2."""
    value = row.target.value
    if value is None:
        return 0
    exponent = value.normalize().as_tuple().exponent
    written = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(written + (1 if value < 100 else 0), 2)


def actual_text(row: TargetStatus, lang: str, unit: bool = True) -> str:
    """The actual figure; in tables without the unit, which the goal column already shows."""
    if row.target.kind.value == "milestone":
        return stage_text(row.stage, lang)
    if not unit:
        return fmt(row.actual, places_for(row))
    return with_unit(row.actual, row.target.unit)


def expected_text(row: TargetStatus, lang: str, unit: bool = True) -> str:
    if row.target.kind.value == "milestone":
        return stage_text(row.expected_stage, lang)
    if not unit:
        return fmt(row.expected, places_for(row))
    return with_unit(row.expected, row.target.unit)


def status_text(row: TargetStatus, lang: str, sep: str = " · ") -> str:
    text = word(row.status.value, lang)
    if row.stale:
        text += sep + word("stale", lang)
    return text


def signed(value: Decimal, unit: str | None) -> str:
    return ("+" if value >= 0 else "") + with_unit(value, unit)


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

    if status == "not_due":
        say("why.not_due", due=row.due.isoformat())
    elif status == "overdue":
        say("why.past_due", due=row.due.isoformat())
    if row.band is not None and t.direction.value == "stable":
        say("why.band", low=fmt(row.band[0]), high=with_unit(row.band[1], unit))
    elif t.direction.value == "at_most":
        say("why.ceiling", value=with_unit(t.value, unit))
    elif status != "not_due":
        say("why.expected", value=expected_text(row, lang))
    if row.actual is None:
        say("why.nothing")
    else:
        say("why.actual", value=actual_text(row, lang))
        if reason == "above_band" and row.band is not None:
            say("why.above_band")
            say("why.band", low=fmt(row.band[0]), high=with_unit(row.band[1], unit))
        if reason == "over_ceiling" and t.value is not None:
            say("why.over_ceiling", value=with_unit(row.actual - t.value, unit))
        if reason == "ahead_of_ceiling_pace":
            say("why.ceiling_pace")
        show_gap = not milestone and status != "not_due" and t.direction.value != "at_most"
        if row.gap is not None and show_gap and reason not in ("in_band", "met"):
            say("why.gap", value=signed(row.gap, unit))
    if status not in ("achieved", "not_due") and not milestone and row.remaining:
        say("why.to_go", value=with_unit(row.remaining, unit))
        if row.rate_needed is not None:
            say("why.rate", rate=with_unit(row.rate_needed, unit), due=row.due.isoformat())
    if row.days_ahead is not None and status not in ("achieved", "not_due", "overdue"):
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
    *("col.figure", "col.actual", "col.expected", "col.progress", "col.status"),
)


def target_headers(lang: str) -> list[str]:
    return [word(k, lang) for k in TARGET_HEADERS]


def target_cells(row: TargetStatus, lang: str, group: bool = True) -> list[str]:
    """One row as text, in the order of :data:`TARGET_HEADERS` (CSV: numbers without grouping)."""
    places = places_for(row)
    milestone = row.target.kind.value == "milestone"
    actual = stage_text(row.stage, lang) if milestone else fmt(row.actual, places, group)
    expected = stage_text(row.expected_stage, lang) if milestone else fmt(row.expected, places, group)
    return [
        numeral(row.section),
        str(row.task),
        row.target.id,
        row.target.name,
        figure_text(row, lang, group),
        actual,
        expected,
        pct(row.progress),
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
        },
        "sections": [
            {
                "number": int(r.key),
                "title": r.title,
                "targets": r.targets,
                "completion": number(r.completion),
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
                "counts": _counts(tasks[str(t.number)]),
            }
            for s in plan.sections
            for t in s.tasks
            if str(t.number) in tasks
        ],
        "owners": [
            {"unit": r.key, "targets": r.targets, "completion": number(r.completion), "counts": _counts(r)}
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
        "entries": row.entries,
        "lead": row.lead,
        "support": list(row.support),
        "why": why(row, lang),
        "source": t.source,
    }
