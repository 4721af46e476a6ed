"""Chart geometry for the meeting page: the section bar chart and one burn-up chart per target.

Only geometry is done here (values scaled to pixels, labels placed); every figure shown is text
from render/data.py and every word from words.py or labels.py, and the template draws the SVG
(autoescaped), so no user text is ever pasted into markup by hand. The expected line comes from
the status layer's :func:`expected_fraction`; this module only scales it to the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len

from edplan.plan.model import Direction, Kind, Plan
from edplan.render.data import (
    actual_text,
    figure_text,
    forecast_cell,
    numeral,
    pct,
    places_for,
    stage_text,
    why,
    with_unit,
)
from edplan.render.html.labels import label
from edplan.render.words import word
from edplan.status.engine import Rollup, Status, TargetStatus, expected_fraction
from edplan.status.report import ZERO, figure_of

# The charts are drawn in these units and scaled by the browser (viewBox): text sizes are chosen
# so that a chart squeezed into a 400 px phone screen still reads at about 9 px.
SECTION_WIDTH = 420
SECTION_ROW = 46
SECTION_TOP = 26
SECTION_BAR = 220
SECTION_FONT = 13
BURN_WIDTH = 420
BURN_HEIGHT = 250
BURN_LEFT, BURN_RIGHT, BURN_TOP, BURN_BOTTOM = 70, 44, 26, 40
TICK_GAP = 66  # the least room between two date labels on the x axis (a date is about 60 units wide)
BAD = (Status.overdue, Status.lagging, Status.at_risk)


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    cls: str = ""


@dataclass(frozen=True)
class SectionBar:
    title: Label
    full_title: str  # the title as written, for the tooltip when the label had to be shortened
    value: Label
    problems: Label | None
    x: float
    y: float
    width: float
    track: float
    height: float
    expected_x: float  # where the section's expected share by now falls on its bar


@dataclass(frozen=True)
class SectionChart:
    width: float
    height: float
    bars: list[SectionBar]
    marker_x: float
    marker_label: Label
    title: str
    desc: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: Label


@dataclass(frozen=True)
class BurnUp:
    """One target's progress over the plan period; every coordinate is in the chart's viewBox units."""

    chart_id: str
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    actual: str  # SVG polyline points
    dots: list[tuple[float, float]]
    actual_label: Label | None
    expected: str | None
    goal_y: float | None
    goal_label: Label | None
    band: tuple[float, float] | None  # top and bottom of the accepted range
    forecast: tuple[float, float, float, float] | None
    forecast_label: Label | None
    as_of_x: float | None
    as_of_label: Label | None
    title: str
    desc: str


def _r(value: float) -> float:
    return round(value, 1)


def _shorten(text: str, room: float, size: float) -> str:
    """Cut ``text`` with an ellipsis where it would run past ``room`` (a wide character is about one em)."""
    if cell_len(text) * size * 0.52 <= room:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch + "…") * size * 0.52 > room:
            break
        out += ch
    return out + "…"


def problems_text(rollup: Rollup, lang: str) -> str:
    """'2 lagging, 1 at risk': the bad counts of a section, as the terminal report lists them."""
    sep = "," if lang == "zh" else ", "
    return sep.join(f"{rollup.counts[s]} {word(s.value, lang)}" for s in BAD if rollup.counts[s])


def section_chart(sections: list[Rollup], expected: Decimal, as_of: dt.date, lang: str) -> SectionChart:
    """Horizontal bars of weighted completion, each labelled with its value; on each bar a dashed mark
    for the share its targets' schedules expect by the report date (``expected``: the plan's, labelled)."""
    x = 8.0
    bars: list[SectionBar] = []
    for i, rollup in enumerate(sections):
        top = SECTION_TOP + i * SECTION_ROW
        heading = f"{numeral(int(rollup.key))}、{rollup.title}"
        shown = _shorten(heading, SECTION_WIDTH - 2 * x, SECTION_FONT)
        width = float(min(max(rollup.completion, ZERO), Decimal(1))) * SECTION_BAR
        bar_y = top + 22
        problems = problems_text(rollup, lang)
        bars.append(
            SectionBar(
                title=Label(x, top + 14, shown, cls="t"),
                full_title=heading,
                value=Label(x + SECTION_BAR + 8, bar_y + 12, pct(rollup.completion), cls="v"),
                problems=Label(x + SECTION_BAR + 52, bar_y + 12, problems, cls="p") if problems else None,
                x=x,
                y=bar_y,
                width=_r(width),
                track=SECTION_BAR,
                height=16,
                expected_x=_r(x + float(min(max(rollup.expected, ZERO), Decimal(1))) * SECTION_BAR),
            )
        )
    height = SECTION_TOP + len(sections) * SECTION_ROW + 6
    marker_x = _r(x + float(min(max(expected, ZERO), Decimal(1))) * SECTION_BAR)
    marker = Label(marker_x, 16, label("page.expected_mark", lang, pct=pct(expected)), anchor="middle", cls="m")
    desc = "; ".join(f"{numeral(int(r.key))}、{r.title}: {pct(r.completion)}" for r in sections)
    return SectionChart(
        SECTION_WIDTH, height, bars, marker_x, marker, label("chart.sections", lang), desc + f" ({as_of.isoformat()})"
    )


def _quarters(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of quarters strictly between ``start`` and ``end``."""
    out: list[dt.date] = []
    year, month = start.year, ((start.month - 1) // 3) * 3 + 1
    while True:
        month += 3
        if month > 12:
            year, month = year + 1, month - 12
        day = dt.date(year, month, 1)
        if day >= end:
            return out
        out.append(day)


def _sample_dates(plan: Plan, row: TargetStatus, start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates where the schedule's expected share may bend or step, plus month starts: between them
    ``expected_fraction`` is a straight line, so a polyline through them draws it exactly."""
    schedule = row.schedule
    days = {start, end}
    for year in range(start.year, end.year + 1):
        days.update(dt.date(year, m, 1) for m in range(1, 13))
    edges = [row.due, schedule.start, schedule.end, *(cp.by for cp in schedule.checkpoints or [])]
    for edge in edges:
        if edge is not None:
            days.update((edge - dt.timedelta(days=1), edge))
    return sorted(d for d in days if start <= d <= end)


def burn_up(row: TargetStatus, plan: Plan, as_of: dt.date, lang: str) -> BurnUp:
    """Actual over time, the expected line, the goal, the forecast to the due date and the report date."""
    target = row.target
    milestone = target.kind is Kind.milestone
    figure = figure_of(target)
    base = row.origin if row.origin is not None else ZERO
    start = plan.period.start
    last = row.trend[-1].date if row.trend else start
    end = max(plan.period.end, row.due, last)
    left, right = float(BURN_LEFT), float(BURN_WIDTH - BURN_RIGHT)
    top, bottom = float(BURN_TOP), float(BURN_HEIGHT - BURN_BOTTOM)

    draw_expected = target.direction is not Direction.stable and not (
        target.direction is Direction.at_most and target.kind is not Kind.cumulative
    )
    expected_points: list[tuple[dt.date, Decimal]] = []
    if draw_expected:
        for day in _sample_dates(plan, row, start, end):
            # The engine's expected value: from the base, the schedule's share of the way to the figure.
            expected_points.append((day, base + (figure - base) * expected_fraction(plan, row.schedule, day)))

    values = [figure, base, *(p.value for p in row.trend), *(v for _, v in expected_points)]
    if row.forecast is not None:
        values.append(row.forecast)
    if row.band is not None:
        values += list(row.band)
    lo = min(values)  # the base (0, or last year's level for an increase) is among them
    hi = max(values)
    if target.direction is Direction.stable and target.kind is Kind.level and row.band is not None:
        # A level to hold, not to build up to: zoom on the band, or the band is a hairline at the top.
        near = [row.band[0], *(p.value for p in row.trend), *([row.forecast] if row.forecast is not None else [])]
        lo = max(min(near) - (row.band[1] - row.band[0]), min(lo, ZERO))
    if hi == lo:
        hi = lo + 1
    span_days = max((end - start).days, 1)
    lo_f, span_v = float(lo), float(hi - lo) * 1.08  # headroom above the highest line for its label

    def sx(day: dt.date) -> float:
        return _r(left + (day - start).days / span_days * (right - left))

    def sy(value: Decimal) -> float:
        return _r(bottom - (float(value) - lo_f) / span_v * (bottom - top))

    # x axis: the period's ends and the quarters between, thinned so that labels never touch.
    days = [start, *_quarters(start, end), end]
    kept: list[dt.date] = []
    for day in days:
        if kept and sx(day) - sx(kept[-1]) < TICK_GAP:
            if day != end:
                continue
            kept.pop()
        kept.append(day)
    x_ticks = [Tick(sx(d), Label(sx(d), bottom + 18, d.isoformat(), anchor="middle")) for d in kept]

    y_ticks: list[Tick] = []
    if milestone:
        for i, stage in enumerate(target.stage_list, 1):
            y = sy(Decimal(i))
            y_ticks.append(Tick(y, Label(left - 6, y + 4, stage_text(stage, lang), anchor="end")))
    else:
        places = places_for(row)
        for value, text in ((lo, with_unit(lo, target.unit, places=places)), (figure, figure_text(row, lang))):
            y = sy(value)
            if all(abs(t.at - y) >= 14 for t in y_ticks):
                y_ticks.append(Tick(y, Label(left - 6, y + 4, text, anchor="end")))

    points: list[tuple[float, float]] = []
    if target.kind is Kind.cumulative and row.trend and row.trend[0].date > start:
        points.append((sx(start), sy(ZERO)))  # entries add up from nothing at the period's start
    dots = [(sx(p.date), sy(p.value)) for p in row.trend]
    points += dots
    actual_label = None
    if dots:
        x, y = dots[-1]
        below = y + 18 if y < bottom - 24 else y - 10
        actual_label = Label(x + 6, below, actual_text(row, lang), cls="a")

    goal_y = None if milestone else sy(figure)
    goal_label = Label(right + 4, sy(figure) + 4, label("line.goal", lang), cls="g")
    band = (sy(row.band[1]), sy(row.band[0])) if row.band is not None else None

    forecast = forecast_label = None
    if row.forecast is not None and row.trend and row.due > last:
        fx, fy = sx(row.due), sy(row.forecast)
        forecast = (dots[-1][0], dots[-1][1], fx, fy)
        text = forecast_cell(row, unit=True) if not milestone else ""
        forecast_label = Label(fx - 6, fy - 8, text, anchor="end", cls="f") if text else None

    as_of_x = as_of_label = None
    if start <= as_of <= end:
        as_of_x = sx(as_of)
        anchor = "middle" if left + 50 < as_of_x < right - 50 else ("start" if as_of_x <= left + 50 else "end")
        as_of_label = Label(as_of_x, top - 10, label("chart.as_of", lang, date=as_of.isoformat()), anchor=anchor)

    expected = " ".join(f"{sx(d)},{sy(v)}" for d, v in expected_points) or None
    return BurnUp(
        chart_id=f"chart-{target.id}",
        width=BURN_WIDTH,
        height=BURN_HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        actual=" ".join(f"{x},{y}" for x, y in points),
        dots=dots,
        actual_label=actual_label,
        expected=expected,
        goal_y=goal_y,
        goal_label=goal_label if goal_y is not None else None,
        band=band,
        forecast=forecast,
        forecast_label=forecast_label,
        as_of_x=as_of_x,
        as_of_label=as_of_label,
        title=label("chart.burnup", lang, name=target.name),
        desc=why(row, lang),
    )
