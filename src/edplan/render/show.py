"""One target's full story for ``edplan show``: definition, schedule, entries, trend, forecast, verdict.

The trend is a bar per reporting date, scaled to the goal (or to the largest value, if it passed the
goal), with the schedule's expectation for the as-of date as the last, dim bar: a person sees at a
glance whether the bars climb as fast as the line they are held to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edplan.core.query import ShowResult
from edplan.render.data import (
    as_of_text,
    expected_text,
    figure_text,
    fmt,
    forecast_text,
    number,
    numeral,
    places_for,
    stage_text,
    status_text,
    target_data,
    why,
    with_unit,
)
from edplan.render.safe import visible
from edplan.render.table import STYLES
from edplan.render.words import word
from edplan.status.engine import TargetStatus

BAR_CELLS = 24
MAX_BARS = 12
SPARKS = "▁▂▃▄▅▆▇█"


def schedule_text(row: TargetStatus, lang: str, period_start: dt.date) -> str:
    s = row.schedule
    if s.due is not None:
        text = word("sched.due", lang, due=s.due.isoformat())
    elif s.checkpoints:
        points = ", ".join(f"{cp.by.isoformat()} {fmt(cp.percent, 1)}%" for cp in s.checkpoints)
        text = word("sched.checkpoints", lang, points=points)
    else:
        text = word("sched.linear", lang, start=(s.start or period_start).isoformat(), end=row.due.isoformat())
    return f"{text} ({word('sched.from.' + row.schedule_from, lang)})"


def units_text(row: TargetStatus, lang: str) -> str | None:
    if not row.lead and not row.support:
        return None
    return word("units.text", lang, lead=row.lead or "—", support=", ".join(row.support) or "—")


def relation_rows(result: ShowResult, lang: str) -> list[tuple[str, str]]:
    """How the figure relates to others: growth over last year, the parts of a total, the total of a part.

    A baseline the document does not give is derived from the growth rate and marked so (≈, derived),
    rounded as the goal is: an analyst must not mistake it for a reported figure.
    """
    t = result.row.target
    plan = result.report.plan
    rows: list[tuple[str, str]] = []
    last = t.last_year()
    if t.increase is not None and last is not None:
        baseline, derived = last
        key = "show.increase_derived" if derived else "show.increase_given"
        change = ("+" if t.increase > 0 else "") + with_unit(t.increase, t.unit)
        base, level = with_unit(baseline, t.unit), with_unit(t.value, t.unit)
        rows.append((word("show.increase", lang), word(key, lang, increase=change, baseline=base, level=level)))
    elif t.growth is not None and last is not None:
        baseline, derived = last
        places = places_for(result.row) if derived else 2
        key = "show.growth_derived" if derived else "show.growth_given"
        base = f"{fmt(baseline, places)}{t.unit or ''}"
        rows.append((word("show.growth", lang), word(key, lang, growth=fmt(t.growth), baseline=base)))
    elif t.baseline is not None:
        rows.append((word("show.baseline", lang), with_unit(t.baseline, t.unit)))
    for i, revision in enumerate(t.revisions or ()):
        key = "show.revision_in_force" if revision == result.row.revision else "show.revision"
        value, date = with_unit(revision.value, t.unit), revision.date.isoformat()
        text = word(key, lang, value=value, date=date, source=revision.source)
        rows.append((word("show.revised", lang) if i == 0 else "", text))
    if result.row.planned is not None:
        rows.append(("", word("show.planned", lang, value=with_unit(result.row.planned, t.unit))))
    parts = plan.parts_of(t.id)
    if parts:
        listed = " + ".join(f"{p.id} {with_unit(p.value, p.unit)}" for p in parts)
        if not t.parts_complete:
            listed = word("show.parts_some", lang, parts=listed)
        rows.append((word("show.parts", lang), listed))
    total = plan.find_target(t.part_of) if t.part_of else None
    if total is not None:
        whole = total[2]
        text = word("show.part_of_text", lang, id=whole.id, value=with_unit(whole.value, whole.unit))
        rows.append((word("show.part_of", lang), text))
    return rows


def relation_data(result: ShowResult) -> dict[str, Any]:
    """The same relations for ``show --format json``: ids and exact figures, no words."""
    t = result.row.target
    last = t.last_year()
    return {
        "growth": number(t.growth),
        "increase": number(t.increase),
        "revisions": [
            {"date": r.date.isoformat(), "value": number(r.value), "source": r.source} for r in t.revisions or ()
        ],
        "baseline": number(last[0]) if last else None,
        "baseline_derived": last[1] if last else None,
        "part_of": t.part_of,
        "parts": [p.id for p in result.report.plan.parts_of(t.id)],
        "parts_complete": t.parts_complete,
    }


def bar(value: Decimal, scale: Decimal) -> str:
    filled = 0 if scale <= 0 else int((max(value, Decimal(0)) / scale * BAR_CELLS).to_integral_value())
    filled = min(filled, BAR_CELLS)
    return "█" * filled + "░" * (BAR_CELLS - filled)


def sparkline(values: list[Decimal], top: Decimal) -> str:
    if not values or top <= 0:
        return ""
    steps = len(SPARKS) - 1
    return "".join(SPARKS[min(steps, max(0, int(v / top * steps)))] for v in values)


def show_view(result: ShowResult, lang: str) -> RenderableType:
    row = result.row
    t = row.target
    milestone = t.kind.value == "milestone"
    parts: list[RenderableType] = []
    head = Text()
    head.append(t.id, style="bold cyan")
    head.append("  " + t.name, style="bold")
    parts.append(head)
    parts.append(Text(f"{numeral(row.section)}、{result.section_title} › {row.task}. {result.task_title}", style="dim"))

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    goal = figure_text(row, lang)
    if not milestone:
        goal = word(f"goal.{t.direction.value}", lang, value=with_unit(t.value, t.unit))
    facts.add_row(word("show.goal", lang), goal)
    if milestone:
        stages = " → ".join(stage_text(s, lang) for s in t.stage_list)
        facts.add_row(word("show.kind", lang), word("kind.milestone", lang, stages=stages))
    else:
        facts.add_row(word("show.kind", lang), word(f"kind.{t.kind.value}", lang))
    facts.add_row(word("show.source", lang), f"“{t.source}”")
    facts.add_row(word("show.schedule", lang), schedule_text(row, lang, result.report.plan.period.start))
    units = units_text(row, lang)
    if units:
        facts.add_row(word("show.units", lang), units)
    for label, text in relation_rows(result, lang):
        facts.add_row(label, text)
    if t.weight != 1:
        facts.add_row(word("show.weight", lang), fmt(t.weight))
    verdict = facts  # one grid, so both blocks share the label column
    verdict.add_row("", "")
    status = Text(status_text(row, lang), style=STYLES[row.status])
    status.append("  " + word("show.as_of", lang, as_of=as_of_text(result.report, lang)), style="dim")
    verdict.add_row(word("show.status", lang), status)
    verdict.add_row(word("show.why", lang), why(row, lang))
    if not milestone:
        verdict.add_row(word("show.forecast", lang), forecast_text(row, lang))
    parts += [Text(""), verdict]

    parts += [Text(""), Text(word("show.entries", lang, n=result.total or len(result.stories)), style="bold")]
    if result.total > len(result.stories):
        parts.append(Text(word("show.latest", lang, shown=len(result.stories), n=result.total), style="dim"))
    if not result.stories:
        parts.append(Text(word("show.no_entries", lang, as_of=as_of_text(result.report, lang)), style="dim"))
    else:
        parts.append(_entries_table(result, lang))
        parts += [Text(""), Text(word("show.trend", lang), style="bold"), _trend(row, lang)]
    return Group(*parts)


def _entries_table(result: ShowResult, lang: str) -> Table:
    row = result.row
    milestone = row.target.kind.value == "milestone"
    standing = {p.date: p.value for p in row.trend}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column(word("col.date", lang), no_wrap=True)
    table.add_column(word("col.value", lang), justify="right", no_wrap=True)
    table.add_column(word("col.standing", lang), justify="right", no_wrap=True)
    table.add_column(word("col.source", lang), overflow="fold")
    table.add_column(word("col.note", lang), overflow="fold", ratio=1)
    table.add_column(word("col.entry", lang), overflow="fold", style="dim")
    # The standing is shown once per date, beside the last entry of that date.
    last_of_date = {story.entry.date: i for i, story in enumerate(result.stories)}
    for i, story in enumerate(result.stories):
        e = story.entry
        value = stage_text(e.value, lang) if milestone else with_unit(Decimal(e.value), e.unit)
        total = standing.get(e.date) if last_of_date[e.date] == i else None
        shown = ""
        if total is not None:
            shown = stage_text(row.target.stage_list[int(total) - 1], lang) if milestone else fmt(total)
        notes = [visible(e.note)] if e.note else []
        if e.forced:  # recorded despite the plausibility check: say why, beside the figure
            notes.append(word("show.forced", lang, reason=e.forced))
        for a in story.amendments:
            if a.kind == "retraction":
                notes.append(word("show.retracted", lang, date=a.date.isoformat(), reason=a.reason))
            else:
                new = stage_text(a.value, lang) if milestone else with_unit(Decimal(a.value), a.unit)
                notes.append(word("show.corrected", lang, new=new, date=a.date.isoformat(), reason=a.reason))
                if a.forced:
                    notes.append(word("show.forced", lang, reason=a.forced))
        style = "strike dim" if story.retracted else ""
        table.add_row(e.date.isoformat(), Text(value, style=style), shown, visible(e.source), "\n".join(notes), e.id)
    return table


def _trend(row: TargetStatus, lang: str) -> RenderableType:
    t = row.target
    milestone = t.kind.value == "milestone"
    figure = Decimal(len(t.stage_list)) if milestone else (t.value or Decimal(0))
    points = list(row.trend)[-MAX_BARS:]
    top = max([figure, row.expected] + [p.value for p in points])
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, justify="right")
    for p in points:
        label = stage_text(t.stage_list[int(p.value) - 1], lang) if milestone else fmt(p.value)
        grid.add_row(p.date.isoformat(), Text(bar(p.value, top), style=STYLES[row.status]), label)
    expected = expected_text(row, lang, unit=False)
    grid.add_row(word("show.expected_now", lang), Text(bar(row.expected, top), style="dim"), expected)
    spark = sparkline([p.value for p in row.trend], top)
    full = stage_text(t.stage_list[-1], lang) if milestone else with_unit(top, t.unit)
    return Group(grid, Text(f"{spark}  {word('show.scale', lang, value=full)}", style="dim"))


def show_data(result: ShowResult, lang: str) -> dict[str, Any]:
    """``show --format json``: the target as in ``status --format json``, plus its entries and trend."""
    row = result.row
    data = target_data(row, lang)
    s = row.schedule
    data["schedule"] = {
        "from": row.schedule_from,
        "due": s.due.isoformat() if s.due else None,
        "start": s.start.isoformat() if s.start else None,
        "end": s.end.isoformat() if s.end else None,
        "checkpoints": [{"by": cp.by.isoformat(), "percent": number(cp.percent)} for cp in s.checkpoints or []],
    }
    data["relations"] = relation_data(result)
    data["as_of"] = result.report.as_of.isoformat()
    data["entries_total"] = result.total or len(result.stories)  # entries_list holds the latest 200
    data["entries_list"] = [
        {
            "id": st.entry.id,
            "date": st.entry.date.isoformat(),
            "value": st.entry.value,
            "unit": st.entry.unit,
            "source": st.entry.source,
            "note": st.entry.note,
            "recorded": st.entry.recorded,
            "forced": st.entry.forced or None,  # the reason given with --force, if it was needed
            "amendments": [
                {
                    "kind": a.kind,
                    "value": a.value,
                    "unit": a.unit,
                    "date": a.date.isoformat(),
                    "reason": a.reason,
                    "forced": a.forced or None,
                }
                for a in st.amendments
            ],
        }
        for st in result.stories
    ]
    data["trend"] = [{"date": p.date.isoformat(), "value": number(p.value)} for p in row.trend]
    return data
