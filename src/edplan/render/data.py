"""Report → plain data (the ``--format json`` contract) and the display strings every format shares.

Numbers stay numbers here; the text renderers call :func:`fmt` so that a figure reads the same in
the Rich table, Markdown, CSV and the JSON ``why``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from edplan.render.words import stage_word, word
from edplan.status import STATUS_ORDER, Report, TargetStatus

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


def fmt(value: Decimal | None, places: int = 2) -> str:
    """Display a figure: thousands grouped, at most ``places`` decimals, no trailing zeros."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    rounded = value.quantize(q, rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    text = f"{rounded:,}"
    return "0" if text == "-0" else text


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{fmt(value * 100, 0)}%"


def with_unit(value: Decimal | None, unit: str | None) -> str:
    if value is None:
        return "—"
    if not unit:
        return fmt(value)
    return f"{fmt(value)}{unit}" if unit != "%" else f"{fmt(value)}%"


def figure_text(row: TargetStatus, lang: str) -> str:
    """The goal as the plan states it: '≥ 7.8万人', '约 250万人次', 'issued'."""
    t = row.target
    if t.kind.value == "milestone":
        return stage_text(t.stage_list[-1], lang)
    prefix = {"at_least": "", "at_most": "≤", "approximately": "~", "stable": "≈"}[t.direction.value]
    return prefix + with_unit(t.value, t.unit)


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


def why(row: TargetStatus, lang: str) -> str:
    """One line that defends the verdict with the figures behind it."""
    t = row.target
    unit = t.unit or ""
    parts: list[str] = []
    zh = lang == "zh"
    if row.status.value == "not_due":
        parts.append(f"到期日 {row.due},此前不要求进度" if zh else f"nothing expected before {row.due}")
    else:
        exp = expected_text(row, lang)
        parts.append(f"应达 {exp}" if zh else f"expected {exp}")
    if row.actual is None:
        parts.append("尚无记录" if zh else "nothing recorded")
    else:
        act = actual_text(row, lang)
        parts.append(f"实际 {act}" if zh else f"actual {act}")
        if row.gap is not None and t.kind.value != "milestone" and row.status.value != "not_due":
            sign = "+" if row.gap >= 0 else ""
            parts.append(f"差距 {sign}{with_unit(row.gap, unit)}" if zh else f"gap {sign}{with_unit(row.gap, unit)}")
        if row.days_ahead is not None and row.status.value not in ("achieved", "not_due"):
            d = row.days_ahead
            if zh:
                parts.append(f"超前 {d} 天" if d >= 0 else f"落后 {-d} 天")
            else:
                parts.append(f"{d} days ahead" if d >= 0 else f"{-d} days behind")
    if row.rate_needed is not None and row.status.value != "achieved" and t.kind.value != "milestone":
        rate = with_unit(row.rate_needed, unit)
        parts.append(f"需每月 +{rate} 方能在 {row.due} 前完成" if zh else f"needs +{rate}/month to finish by {row.due}")
    if row.days_since_update is not None:
        n = row.days_since_update
        parts.append(f"最近一次报告在 {n} 天前" if zh else f"last report {n} days ago")
    return (";" if zh else "; ").join(parts)


def report_data(report: Report, lang: str = "en") -> dict[str, Any]:
    """The JSON contract of ``edplan status --format json``."""
    plan = report.plan
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
            "counts": {s.value: report.total.counts[s] for s in STATUS_ORDER},
            "completion": number(report.total.completion),
        },
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "completion": number(r.completion),
                "counts": {k.value: v for k, v in r.counts.items()},
            }
            for s, r in zip(plan.sections, report.sections, strict=True)
        ],
        "tasks": [{"number": t.number, "section": s.number, "title": t.title} for s in plan.sections for t in s.tasks],
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
        "stale": row.stale,
        "due": row.due.isoformat(),
        "gap": number(row.gap),
        "forecast": number(row.forecast),
        "forecast_date": row.forecast_date.isoformat() if row.forecast_date else None,
        "last_date": row.last_date.isoformat() if row.last_date else None,
        "entries": row.entries,
        "why": why(row, lang),
        "source": t.source,
    }
