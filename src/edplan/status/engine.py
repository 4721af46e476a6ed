"""The status engine: (plan, entries, as-of date) → report rows, rollups, forecasts, filters.

Pure: no I/O, no clock, no rendering. Every verdict carries the figures that explain it (expected,
actual, gap, pace, days since the last report) and a ``reason`` code, so that each renderer can say
*why* without doing arithmetic of its own.

Rules (the README has them as a table). "Closed" means the end of the due date has come.

  no data   nothing recorded: ``no_data`` (未报送) at every date, never a failure; stale once the
            schedule expects something and the plan started more than ``stale_after_days`` ago
  at_least / approximately / milestone
    achieved     met (approximately: inside the band); a *level* met before its due date is
                 ``on_track`` (reason ``met_early``) unless the plan marks it ``once: true``
    exceeded     approximately: above the band when closed (a cumulative total above it cannot come
                 back, so at once); a level above it before the due date is ``at_risk``
    nearly_met   closed, not met, at ``nearly_met_at`` (90%) of the figure or more
    overdue      closed and not met otherwise (missed)
    not_due      nothing is expected yet and nothing projects a shortfall
    at_risk / lagging  before the due date: the forecast at the due date falls below
                 ``at_risk_below`` / ``forecast_lagging_below`` of the figure; once something is
                 expected: actual below ``at_risk_below`` / ``lagging_below`` of what is expected
    on_track     otherwise
  stable (保持稳定): the band is around the baseline, or around the figure when there is none
    achieved inside the band when closed; exceeded above it, nearly_met / overdue below it
    before: on_track inside, at_risk outside by less than the band's width, lagging beyond
    (above the band is never lagging: at_risk)
  at_most (a ceiling)
    overdue / lagging  the ceiling is broken (after / before the due date)
    achieved  under the ceiling when the due date has come
    cumulative: at_risk / lagging when spending runs ahead of the schedule by the same margins

"Recording more progress never makes a status worse" holds for at_least targets of every kind and
for milestones; for approximately targets it holds up to the top of the band (overshooting "about
N" is its own status on purpose); it does not apply to stable and at_most targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from edplan.errors import msg
from edplan.log.entries import Entry, amount_of, reading_of
from edplan.log.tally import Cell, Table, fold
from edplan.plan.model import Direction, Kind, Plan, Schedule, Section, Settings, Target, Task
from edplan.status.filters import SORT_KEYS as SORT_KEYS
from edplan.status.filters import Filters as Filters
from edplan.status.filters import narrow as narrow
from edplan.status.filters import sort_rows as sort_rows
from edplan.status.report import (
    DAYS_PER_MONTH,
    FORECAST_HORIZON_DAYS,
    SETTLED,
    ZERO,
    Point,
    Reason,
    Report,
    Status,
    TargetStatus,
    figure_of,
    origin_of,
)
from edplan.status.report import RANK as RANK
from edplan.status.report import STATUS_ORDER as STATUS_ORDER
from edplan.status.report import Rollup as Rollup
from edplan.status.rollup import assemble
from edplan.status.rollup import completion as completion
from edplan.status.rollup import counts_in_rollup as counts_in_rollup
from edplan.status.rollup import needs_attention as needs_attention
from edplan.status.schedule import date_expecting, due_date, effective_schedule, expected_fraction
from edplan.status.schedule import default_as_of as default_as_of
from edplan.units import UnitError

# The status layer's API, in one place for the layers above (the types live in report.py,
# schedules in schedule.py, rollups in rollup.py, filters in filters.py).
__all__ = [
    "DAYS_PER_MONTH",
    "FORECAST_HORIZON_DAYS",
    "RANK",
    "SETTLED",
    "SORT_KEYS",
    "STATUS_ORDER",
    "ZERO",
    "Filters",
    "Point",
    "Reason",
    "Report",
    "Rollup",
    "Status",
    "TargetStatus",
    "Verdict",
    "band_of",
    "completion",
    "compute",
    "compute_table",
    "counts_in_rollup",
    "default_as_of",
    "due_date",
    "effective_schedule",
    "expected_fraction",
    "narrow",
    "needs_attention",
    "owners_of",
    "sort_rows",
    "target_status",
]



def band_of(target: Target, settings: Settings) -> tuple[Decimal, Decimal] | None:
    """The accepted range of an approximately or stable target (stable: around its baseline if it has one)."""
    if target.direction not in (Direction.approximately, Direction.stable) or target.value is None:
        return None
    tolerance = target.tolerance if target.tolerance is not None else settings.tolerance
    center = target.baseline if target.direction is Direction.stable and target.baseline is not None else target.value
    # "增加约0.05万人": about the increase, so the band is a share of the increase, not of the level.
    width = abs(target.increase if origin_of(target) is not None and target.increase else center) * tolerance
    return center - width, center + width


def owners_of(task: Task, target: Target) -> tuple[str | None, tuple[str, ...]]:
    """Lead and supporting units: the target's own, else its task's (like schedules, the nearest wins)."""
    lead = target.lead or task.lead
    support = tuple(target.support) if target.support else tuple(task.support)
    return lead, support


def compute(plan: Plan, entries: Iterable[Entry], as_of: dt.date) -> Report:
    """The status of every target as it stood at the end of ``as_of``, from entries in log order."""
    return compute_table(plan, fold(entries), as_of)


def compute_table(plan: Plan, table: Table, as_of: dt.date) -> Report:
    """The same from the log's :mod:`~edplan.log.tally` table (what ``summary.scan`` streams a log into)."""
    last_day = as_of.isoformat()
    by_target: dict[str, list[tuple[str | None, str, Cell]]] = {}
    for (target_id, unit, day), cell in table.items():
        if day <= last_day:
            by_target.setdefault(target_id, []).append((unit, day, cell))
    known = {t.id for _, _, t in plan.targets()}
    warnings: list[str] = [
        msg(
            "{count} entries for '{target}', which is not a target of this plan, were left out",
            count=sum(c[1] for _, _, c in v),
            target=k,
        )
        for k, v in by_target.items()
        if k not in known
    ]
    rows: list[TargetStatus] = []
    for section, task, target in plan.targets():
        row, problem = target_status(plan, section, task, target, by_target.get(target.id, []), as_of)
        rows.append(row)
        if problem:
            warnings.append(problem)
    return assemble(plan, as_of, rows, warnings)


def target_status(
    plan: Plan,
    section: Section,
    task: Task,
    target: Target,
    cells: list[tuple[str | None, str, Cell]],
    as_of: dt.date,
) -> tuple[TargetStatus, str | None]:
    """One target's row; the second value is a warning about entries that could not be used.

    A target revised during the year is judged against the figure in force on ``as_of``.
    """
    planned = target.value
    target, revision = target.in_force(as_of)
    settings = plan.settings
    schedule, schedule_from = effective_schedule(plan, section, task, target)
    due = due_date(plan, schedule)
    figure = figure_of(target)
    origin = origin_of(target)
    base = origin if origin is not None else ZERO  # what progress is counted from
    band = band_of(target, settings)
    fraction = expected_fraction(plan, schedule, as_of)
    expected = _expected(target, figure, band, fraction, base)
    trend, skipped = _trend(target, cells)
    problem = (
        msg(
            "{count} entries for {target} in a unit that does not convert were left out",
            count=skipped,
            target=target.id,
        )
        if skipped
        else None
    )
    actual = trend[-1].value if trend else None
    last_day = max((day for _, day, _ in cells), default=None)
    last_date = dt.date.fromisoformat(last_day) if last_day else None
    closed = as_of >= due
    # The one figure that counts as met: the band's low end for "about N", else the figure. The
    # remaining amount, the monthly rate and the "met by" date all aim at it.
    threshold = band[0] if band is not None and target.direction is Direction.approximately else figure
    forecast, forecast_date = _forecast(plan, schedule, target, threshold, trend, as_of, due)

    verdict = Verdict(target, figure, threshold, band, actual, expected, fraction, closed, forecast, settings, base)
    status, reason = verdict.classify()
    progress = (actual - base) / (figure - base) if actual is not None and figure != base else None
    growing_kind = target.direction in (Direction.at_least, Direction.approximately)
    of_expected = (
        (actual - base) / (expected - base)
        if actual is not None and growing_kind and expected > base and target.kind is not Kind.milestone
        else None
    )
    # Nothing expected yet (before a due date or a schedule's start): there is no gap to speak of.
    owed = closed or fraction > 0 or target.direction is Direction.at_most
    gap = actual - expected if actual is not None and owed else None
    grows = target.direction in (Direction.at_least, Direction.approximately)
    remaining = (max(threshold - actual, ZERO) if actual is not None else threshold) if grows else None
    rate_needed = None
    if remaining and not closed and target.kind is not Kind.milestone:
        rate_needed = _rate_needed(plan, schedule, threshold, figure, actual or ZERO, as_of, due)
    days_ahead = None
    # A due date is a step, not a pace: "days ahead" only means something on a linear or checkpoint schedule.
    if actual is not None and grows and figure > base and schedule.due is None:
        days_ahead = (date_expecting(plan, schedule, (actual - base) / (figure - base)) - as_of).days
    since = (as_of - last_date).days if last_date else None
    stale = _stale(plan, target, status, fraction, closed, last_date, as_of, due)
    stage = expected_stage = None
    if target.kind is Kind.milestone:
        stages = target.stage_list
        stage = stages[int(actual) - 1] if actual is not None else None
        reached = int(expected)  # whole stages expected by now
        expected_stage = stages[reached - 1] if reached >= 1 else None
    lead, support = owners_of(task, target)
    return TargetStatus(
        section=section.number,
        task=task.number,
        target=target,
        status=status,
        reason=reason,
        actual=actual,
        expected=expected,
        progress=progress,
        gap=gap,
        remaining=remaining,
        rate_needed=rate_needed,
        days_ahead=days_ahead,
        due=due,
        schedule=schedule,
        schedule_from=schedule_from,
        band=band,
        last_date=last_date,
        days_since_update=since,
        stale=stale,
        entries=sum(cell[1] for _, _, cell in cells),
        forecast=forecast,
        forecast_date=forecast_date,
        stage=stage,
        expected_stage=expected_stage,
        lead=lead,
        support=support,
        trend=tuple(trend),
        closed=closed,
        origin=origin,
        revision=revision,
        planned=planned if revision is not None else None,
        of_expected=of_expected,
    ), problem


def _stale(
    plan: Plan,
    target: Target,
    status: Status,
    fraction: Decimal,
    closed: bool,
    last_date: dt.date | None,
    as_of: dt.date,
    due: dt.date,
) -> bool:
    """Stale is about reports that are owed: only where the schedule expects something and the figure
    is not settled. A one-off reading (level, milestone) past its due date owes nothing more; a
    cumulative total past it is stale when no report came near the close."""
    days = plan.settings.stale_after_days
    if status in SETTLED or status is Status.not_due or fraction == 0:
        return False
    if last_date is None:
        return (min(as_of, due) - plan.period.start).days + 1 > days  # no report since the plan started
    if closed:
        return target.kind is Kind.cumulative and (due - last_date).days > days
    return (as_of - last_date).days > days


def _rate_needed(
    plan: Plan,
    schedule: Schedule,
    threshold: Decimal,
    figure: Decimal,
    actual: Decimal,
    as_of: dt.date,
    due: dt.date,
) -> Decimal | None:
    """Per month, to reach the next checkpoint (checkpoint schedules) or the figure by its due date."""
    goal, by = threshold, due
    if schedule.checkpoints and figure:
        start = schedule.start or plan.period.start
        for cp in schedule.checkpoints:
            if cp.by > as_of and cp.by >= start and cp.by < due and figure * cp.percent / 100 > actual:
                goal, by = figure * cp.percent / 100, cp.by
                break
    days_left = (by - as_of).days
    if days_left <= 0 or goal <= actual:
        return None
    return (goal - actual) / (Decimal(days_left) / DAYS_PER_MONTH)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What decides one target's verdict, and the rules that decide it (the module docstring's table)."""

    target: Target
    figure: Decimal
    threshold: Decimal  # what counts as met: the figure, or the band's low end for "about N"
    band: tuple[Decimal, Decimal] | None
    actual: Decimal | None
    expected: Decimal
    fraction: Decimal
    closed: bool  # the end of the due date has come: what is not met now is missed
    forecast: Decimal | None
    settings: Settings
    base: Decimal = ZERO  # what progress counts from: 0, or last year's level for an increase target

    def classify(self) -> tuple[Status, Reason]:
        if self.actual is None:
            return Status.no_data, Reason.no_data  # never reported is not missed
        if self.target.direction is Direction.at_most:
            return self._ceiling(self.actual)
        if self.target.direction is Direction.stable:
            return self._stable(self.actual)
        return self._growing(self.actual)

    def _growing(self, actual: Decimal) -> tuple[Status, Reason]:
        """at_least, approximately and milestones: more is better, up to the band's top."""
        target, band = self.target, self.band
        if band is not None and actual > band[1]:
            # Over-fulfilment is not failure. A cumulative total cannot come back down: settled now.
            if self.closed or target.kind is Kind.cumulative:
                return Status.exceeded, Reason.above_band
            return Status.at_risk, Reason.above_band
        if actual >= self.threshold:
            reason = Reason.in_band if band is not None else Reason.met
            if target.kind is Kind.level and not self.closed and not target.once:
                return Status.on_track, Reason.met_early  # a reading can still fall before the due date
            return Status.achieved, reason
        if self.closed:
            return self._missed(actual)
        if self.fraction == 0:
            return self._projected()
        if self.expected == self.base:
            return Status.on_track, Reason.on_pace
        status = _pace((actual - self.base) / (self.expected - self.base), self.settings)
        return status, (Reason.on_pace if status is Status.on_track else Reason.behind_pace)

    def _missed(self, actual: Decimal) -> tuple[Status, Reason]:
        near = self.target.kind is not Kind.milestone and self.figure > self.base
        if near and self.target.unit == "%" and self.base == 0:
            # A rate is near its goal by percentage points, not by a share of it (88.7% is 90% of 98.6%).
            if self.figure - actual <= self.settings.nearly_met_points:
                return Status.nearly_met, Reason.nearly_met
        elif near and (actual - self.base) / (self.figure - self.base) >= self.settings.nearly_met_at:
            return Status.nearly_met, Reason.nearly_met
        return Status.overdue, Reason.past_due

    def _projected(self) -> tuple[Status, Reason]:
        """Nothing is expected yet: a forecast that falls short of the figure is a warning all the same."""
        if self.forecast is None or self.threshold <= self.base:
            return Status.not_due, Reason.not_due
        ratio = (self.forecast - self.base) / (self.threshold - self.base)
        if ratio < self.settings.forecast_lagging_below:
            return Status.lagging, Reason.forecast_short
        if ratio < self.settings.at_risk_below:
            return Status.at_risk, Reason.forecast_short
        return Status.not_due, Reason.not_due

    def _stable(self, actual: Decimal) -> tuple[Status, Reason]:
        band = self.band
        assert band is not None  # stable targets have a figure (checked by validate)
        inside = band[0] <= actual <= band[1]
        if self.closed:
            if inside:
                return Status.achieved, Reason.in_band
            if actual > band[1]:
                return Status.exceeded, Reason.above_band
            return self._missed(actual)
        if self.fraction == 0:
            return Status.not_due, Reason.not_due
        if inside:
            return Status.on_track, Reason.in_band
        if actual > band[1]:
            return Status.at_risk, Reason.above_band  # above a level to hold: never lagging
        width = band[1] - band[0]
        return (Status.at_risk if band[0] - actual <= width else Status.lagging), Reason.outside_band

    def _ceiling(self, actual: Decimal) -> tuple[Status, Reason]:
        if actual > self.figure:
            return (Status.overdue if self.closed else Status.lagging), Reason.over_ceiling
        if self.closed:
            return Status.achieved, Reason.under_ceiling
        if self.fraction == 0:
            return Status.not_due, Reason.not_due
        if self.target.kind is Kind.cumulative and self.expected > 0 and actual > 0:
            # Spending ahead of the schedule heads for the ceiling: the same margins, mirrored.
            status = _pace(self.expected / actual, self.settings)
            if status is not Status.on_track:
                return status, Reason.ahead_of_ceiling_pace
        return Status.on_track, Reason.under_ceiling


def _expected(
    target: Target, figure: Decimal, band: tuple[Decimal, Decimal] | None, fraction: Decimal, base: Decimal = ZERO
) -> Decimal:
    """What the schedule expects by now, in the target's unit (an increase target: from last year's level)."""
    if fraction == 0:
        return ZERO
    if target.direction is Direction.stable and band is not None:
        return (band[0] + band[1]) / 2  # a level to hold, not to build up to
    if target.direction is Direction.at_most and target.kind is not Kind.cumulative:
        return figure  # a ceiling on a reading holds all along
    return base + (figure - base) * fraction


def _trend(target: Target, cells: list[tuple[str | None, str, Cell]]) -> tuple[list[Point], int]:
    """The actual value after each date that has entries, and how many entries were unusable.

    Cumulative: the day's sums in every unit, converted. Level and milestone: the day's latest
    reading (the cell whose latest entry came last in the log).
    """
    by_day: dict[str, list[tuple[str | None, Cell]]] = {}
    for unit, day, cell in cells:
        by_day.setdefault(day, []).append((unit, cell))
    skipped = 0
    points: list[Point] = []
    running = ZERO
    for day in sorted(by_day):
        parts = by_day[day]
        if target.kind is Kind.cumulative:
            usable = False
            for unit, cell in parts:
                try:
                    if cell[0] is None:
                        raise ValueError("not a number")
                    running += amount_of(target, cell[0], unit)
                    usable = True
                except (UnitError, ValueError, ArithmeticError):
                    skipped += cell[1]
            if not usable:
                continue
        else:
            unusable = 0
            latest: Decimal | None = None
            for unit, cell in sorted(parts, key=lambda p: p[1][3], reverse=True):
                try:
                    latest = reading_of(target, cell[2], unit)
                    break
                except (UnitError, ValueError, ArithmeticError):
                    unusable += cell[1]
            skipped += unusable
            if latest is None:
                continue
            running = latest
        points.append(Point(dt.date.fromisoformat(day), running))
    return points, skipped


def _pace(ratio: Decimal, settings: Settings) -> Status:
    if ratio < settings.lagging_below:
        return Status.lagging
    if ratio < settings.at_risk_below:
        return Status.at_risk
    return Status.on_track


def _forecast(
    plan: Plan,
    schedule: Schedule,
    target: Target,
    threshold: Decimal,
    trend: list[Point],
    as_of: dt.date,
    due: dt.date,
) -> tuple[Decimal | None, dt.date | None]:
    """The value projected for the due date at the current pace, and when ``threshold`` would be met.

    Cumulative: the pace since the schedule began. Level: the change from the first reading to the
    last, spread over the days since the first. Milestones have no pace; stable and at_most targets
    are not "met" on a date, so they get a projection but no date.
    """
    if not trend or target.kind is Kind.milestone:
        return None, None
    last = trend[-1]
    dated = target.direction in (Direction.at_least, Direction.approximately)
    met = next((p.date for p in trend if p.value >= threshold), None) if dated and last.value >= threshold else None
    if target.kind is Kind.cumulative:
        begin = max(schedule.start or plan.period.start, plan.period.start)
        origin, base = begin - dt.timedelta(days=1), ZERO
    elif len(trend) >= 2:
        origin, base = trend[0].date, trend[0].value
    else:
        return last.value, met
    elapsed = (as_of - origin).days
    if elapsed <= 0:
        return None, met  # the schedule has not begun: no pace to project
    per_day = (last.value - base) / Decimal(elapsed)
    forecast = last.value + per_day * Decimal(max((due - as_of).days, 0))
    if forecast < 0 and not target.allow_negative:
        forecast = ZERO  # a falling trend ends at nothing, not below it
    if met is not None or not dated:
        return forecast, met
    if per_day <= 0:
        return forecast, None
    days = int(((threshold - last.value) / per_day).to_integral_value(rounding=ROUND_CEILING))
    if days > FORECAST_HORIZON_DAYS:
        return forecast, None
    return forecast, as_of + dt.timedelta(days=days)


