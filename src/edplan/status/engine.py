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
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from edplan.errors import msg
from edplan.log.entries import Entry, amount_of, reading_of
from edplan.log.tally import Cell, Table, fold
from edplan.plan.model import Direction, Kind, Plan, Schedule, Section, Settings, Target, Task
from edplan.units import UnitError

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_MONTH = Decimal("30.4375")
# A forecast date further out than this is not a date anyone plans by: "not at current pace".
FORECAST_HORIZON_DAYS = 3650


class Status(StrEnum):
    achieved = "achieved"
    exceeded = "exceeded"  # above the band of an "about N" or "keep stable" figure: not a failure
    on_track = "on_track"
    nearly_met = "nearly_met"  # closed, not met, but close (基本完成)
    at_risk = "at_risk"
    lagging = "lagging"
    overdue = "overdue"  # closed and not met: missed
    not_due = "not_due"
    no_data = "no_data"  # nothing reported (未报送): not a judgement of progress


# Worst first: the order of summaries and of "--sort status".
STATUS_ORDER = (
    Status.overdue,
    Status.lagging,
    Status.at_risk,
    Status.no_data,
    Status.nearly_met,
    Status.on_track,
    Status.not_due,
    Status.exceeded,
    Status.achieved,
)

# How good a verdict is, for "more progress never makes it worse". no_data is not a judgement of
# progress, so it sits outside; not_due ranks with on_track (nothing owed, nothing projected short).
RANK: dict[Status, int] = {
    Status.overdue: 0,
    Status.lagging: 1,
    Status.at_risk: 2,
    Status.nearly_met: 3,
    Status.on_track: 4,
    Status.not_due: 4,
    Status.achieved: 5,
    Status.exceeded: 5,
}

# Verdicts that say the figure is settled as met: nothing more is owed, so never stale.
SETTLED = frozenset((Status.achieved, Status.exceeded))


class Reason(StrEnum):
    """What decided the verdict; renderers turn it into the first words of ``why``."""

    met = "met"
    met_early = "met_early"  # a level reading at the figure before its due date: on track, not yet achieved
    nearly_met = "nearly_met"
    in_band = "in_band"
    above_band = "above_band"
    outside_band = "outside_band"
    under_ceiling = "under_ceiling"
    over_ceiling = "over_ceiling"
    ahead_of_ceiling_pace = "ahead_of_ceiling_pace"
    not_due = "not_due"
    past_due = "past_due"
    no_data = "no_data"
    behind_pace = "behind_pace"
    on_pace = "on_pace"
    forecast_short = "forecast_short"  # before the due date: the forecast falls short of the figure


@dataclass(frozen=True, slots=True)
class Point:
    date: dt.date
    value: Decimal  # the actual value as it stood after this date's entries


@dataclass(frozen=True)
class TargetStatus:
    section: int
    task: int
    target: Target
    status: Status
    reason: Reason
    actual: Decimal | None
    expected: Decimal
    progress: Decimal | None  # actual ÷ target figure
    gap: Decimal | None  # actual − expected, in the target's unit (negative: behind)
    remaining: Decimal | None  # still to go to meet the figure (at_least, approximately)
    rate_needed: Decimal | None  # per month, to meet the figure by its due date
    days_ahead: int | None  # where the actual stands on the schedule: + ahead, − behind
    due: dt.date  # when the full figure is expected
    schedule: Schedule  # the schedule in force (inherited target → task → section → plan)
    schedule_from: str  # "target", "task", "section", "plan" or "default"
    band: tuple[Decimal, Decimal] | None  # approximately / stable: the accepted range
    last_date: dt.date | None
    days_since_update: int | None
    stale: bool
    entries: int
    forecast: Decimal | None  # projected value at the due date at the current pace
    forecast_date: dt.date | None  # when the figure would be met at the current pace
    stage: str | None  # milestones: the stage reached
    expected_stage: str | None  # milestones: the last stage the schedule expects by now
    lead: str | None  # 牵头单位 (the target's, else its task's)
    support: tuple[str, ...]  # 配合单位 (the target's, else its task's)
    trend: tuple[Point, ...] = ()
    closed: bool = False  # the as-of date has reached the end of the due date

    def units(self) -> tuple[str, ...]:
        """Every unit named on this target, lead first."""
        return ((self.lead,) if self.lead else ()) + tuple(u for u in self.support if u != self.lead)


@dataclass(frozen=True)
class Rollup:
    key: str
    title: str
    counts: dict[Status, int]
    completion: Decimal  # weighted, 0..1
    targets: int = 0


@dataclass(frozen=True)
class Report:
    plan: Plan
    as_of: dt.date
    rows: list[TargetStatus]
    sections: list[Rollup]
    tasks: list[Rollup]
    total: Rollup
    warnings: list[str] = field(default_factory=list)
    owners: list[Rollup] = field(default_factory=list)
    flat: bool = False  # rows were sorted across sections: show one table, not one per section
    known_on: dt.date | None = None  # the log as it was known on this day (None: everything recorded)


def default_as_of(plan: Plan, today: dt.date) -> dt.date:
    """Today, but a finished plan is shown as it closed (and a future one as it opens)."""
    return min(max(today, plan.period.start), plan.period.end)


def effective_schedule(plan: Plan, section: Section, task: Task, target: Target) -> tuple[Schedule, str]:
    levels = (
        (target.schedule, "target"),
        (task.schedule, "task"),
        (section.schedule, "section"),
        (plan.settings.schedule, "plan"),
    )
    for schedule, level in levels:
        if schedule is not None:
            return schedule, level
    return Schedule(), "default"


def expected_fraction(plan: Plan, schedule: Schedule, when: dt.date) -> Decimal:
    """Share of the figure the schedule expects by the end of ``when`` (0..1)."""
    if schedule.due is not None:
        return ONE if when >= schedule.due else ZERO
    start, end = plan.period.start, plan.period.end
    if schedule.checkpoints:
        # Checkpoints may start at a date: nothing is expected before it (admissions open in July).
        start = schedule.start or start
        points = [(start - dt.timedelta(days=1), ZERO)]
        points += [(cp.by, cp.percent / 100) for cp in schedule.checkpoints]
        if points[-1][1] < ONE:
            points.append((end, ONE))
        if when >= points[-1][0]:
            return points[-1][1]
        for (d0, f0), (d1, f1) in itertools.pairwise(points):
            if when < d1:
                if when <= d0:
                    return f0
                return f0 + (f1 - f0) * Decimal((when - d0).days) / Decimal((d1 - d0).days)
        return points[-1][1]  # pragma: no cover - the loop always returns
    s, e = schedule.start or start, schedule.end or end
    if when < s:
        return ZERO
    if when >= e:
        return ONE
    return Decimal((when - s).days + 1) / Decimal((e - s).days + 1)


def due_date(plan: Plan, schedule: Schedule) -> dt.date:
    if schedule.due is not None:
        return schedule.due
    if schedule.checkpoints:
        full = [cp.by for cp in schedule.checkpoints if cp.percent >= 100]
        if full:
            return full[0]
        return plan.period.end
    return schedule.end or plan.period.end


def band_of(target: Target, settings: Settings) -> tuple[Decimal, Decimal] | None:
    """The accepted range of an approximately or stable target (stable: around its baseline if it has one)."""
    if target.direction not in (Direction.approximately, Direction.stable) or target.value is None:
        return None
    tolerance = target.tolerance if target.tolerance is not None else settings.tolerance
    center = target.baseline if target.direction is Direction.stable and target.baseline is not None else target.value
    width = abs(center) * tolerance
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
    return _assemble(plan, as_of, rows, warnings)


def _assemble(plan: Plan, as_of: dt.date, rows: list[TargetStatus], warnings: list[str], flat: bool = False) -> Report:
    section_rollups, task_rollups, total = rollups(plan, rows)
    return Report(plan, as_of, rows, section_rollups, task_rollups, total, warnings, owner_rollups(rows), flat)


def target_status(
    plan: Plan,
    section: Section,
    task: Task,
    target: Target,
    cells: list[tuple[str | None, str, Cell]],
    as_of: dt.date,
) -> tuple[TargetStatus, str | None]:
    """One target's row; the second value is a warning about entries that could not be used."""
    settings = plan.settings
    schedule, schedule_from = effective_schedule(plan, section, task, target)
    due = due_date(plan, schedule)
    figure = _figure(target)
    band = band_of(target, settings)
    fraction = expected_fraction(plan, schedule, as_of)
    expected = _expected(target, figure, band, fraction)
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

    verdict = Verdict(target, figure, threshold, band, actual, expected, fraction, closed, forecast, settings)
    status, reason = verdict.classify()
    progress = actual / figure if actual is not None and figure else None
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
    if actual is not None and grows and figure > 0 and schedule.due is None:
        days_ahead = (_date_expecting(plan, schedule, actual / figure) - as_of).days
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
        if self.expected == 0:
            return Status.on_track, Reason.on_pace
        status = _pace(actual / self.expected, self.settings)
        return status, (Reason.on_pace if status is Status.on_track else Reason.behind_pace)

    def _missed(self, actual: Decimal) -> tuple[Status, Reason]:
        near = self.target.kind is not Kind.milestone and self.figure > 0
        if near and actual / self.figure >= self.settings.nearly_met_at:
            return Status.nearly_met, Reason.nearly_met
        return Status.overdue, Reason.past_due

    def _projected(self) -> tuple[Status, Reason]:
        """Nothing is expected yet: a forecast that falls short of the figure is a warning all the same."""
        if self.forecast is None or self.threshold <= 0:
            return Status.not_due, Reason.not_due
        ratio = self.forecast / self.threshold
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


def _figure(target: Target) -> Decimal:
    if target.kind is Kind.milestone:
        return Decimal(len(target.stage_list))
    return target.value if target.value is not None else ZERO


def _expected(target: Target, figure: Decimal, band: tuple[Decimal, Decimal] | None, fraction: Decimal) -> Decimal:
    """What the schedule expects by now, in the target's unit."""
    if fraction == 0:
        return ZERO
    if target.direction is Direction.stable and band is not None:
        return (band[0] + band[1]) / 2  # a level to hold, not to build up to
    if target.direction is Direction.at_most and target.kind is not Kind.cumulative:
        return figure  # a ceiling on a reading holds all along
    return figure * fraction


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


def _date_expecting(plan: Plan, schedule: Schedule, share: Decimal) -> dt.date:
    """The first date by which the schedule expects ``share`` of the figure (binary search)."""
    lo, hi = plan.period.start, plan.period.end
    if share > ONE or expected_fraction(plan, schedule, hi) < share:
        return hi + dt.timedelta(days=1)
    if expected_fraction(plan, schedule, lo) >= share:
        return lo
    while (hi - lo).days > 1:
        mid = lo + (hi - lo) // 2
        if expected_fraction(plan, schedule, mid) >= share:
            hi = mid
        else:
            lo = mid
    return hi


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


def completion(row: TargetStatus) -> Decimal:
    """One target's share done, 0..1 (the README's completion formula).

    Nothing reported: 0. Met or exceeded: 1. A ceiling (at_most): 1 once kept at its due date, else 0.
    Keep stable: 1 while inside the band, else the reading over the figure. Otherwise actual over
    the figure, capped at 1 (an unmet target stays below 1: rounding must not show it as 100%).
    """
    if row.progress is None:
        return ZERO
    if row.status in SETTLED:
        return ONE
    if row.target.direction is Direction.at_most:
        return ZERO
    if row.target.direction is Direction.stable:
        return ONE if row.status is Status.on_track else min(max(row.progress, ZERO), ONE)
    return min(max(row.progress, ZERO), ONE)


def counts_in_rollup(row: TargetStatus) -> bool:
    """A part of a total (``part_of``) is shown and judged, but its total already weighs its figure."""
    return row.target.part_of is None


def rollups(plan: Plan, rows: list[TargetStatus]) -> tuple[list[Rollup], list[Rollup], Rollup]:
    """Counts per status and weighted completion per task, per section and for the whole plan."""
    by_task: dict[int, list[TargetStatus]] = {}
    for row in rows:
        by_task.setdefault(row.task, []).append(row)
    task_rollups: list[Rollup] = []
    section_rollups: list[Rollup] = []
    section_parts: list[tuple[Decimal, Decimal]] = []
    for section in plan.sections:
        task_parts: list[tuple[Decimal, Decimal]] = []
        section_rows: list[TargetStatus] = []
        for task in section.tasks:
            task_rows = by_task.get(task.number, [])
            if not task_rows:
                continue
            section_rows += task_rows
            done = _weighted([(r.target.weight, completion(r)) for r in task_rows if counts_in_rollup(r)])
            task_rollups.append(Rollup(str(task.number), task.title, _counts(task_rows), done, len(task_rows)))
            task_parts.append((task.weight, done))
        if not section_rows:
            continue
        done = _weighted(task_parts)
        section_rollups.append(
            Rollup(str(section.number), section.title, _counts(section_rows), done, len(section_rows))
        )
        section_parts.append((section.weight, done))
    total = Rollup("plan", plan.title, _counts(rows), _weighted(section_parts), len(rows))
    return section_rollups, task_rollups, total


def owner_rollups(rows: list[TargetStatus]) -> list[Rollup]:
    """One rollup per unit named as lead or support, in order of first appearance (key: the unit)."""
    by_unit: dict[str, list[TargetStatus]] = {}
    for row in rows:
        for unit in row.units():
            by_unit.setdefault(unit, []).append(row)
    out = []
    for unit, unit_rows in by_unit.items():
        done = _weighted([(r.target.weight, completion(r)) for r in unit_rows if counts_in_rollup(r)])
        out.append(Rollup(unit, unit, _counts(unit_rows), done, len(unit_rows)))
    return out


def _weighted(parts: list[tuple[Decimal, Decimal]]) -> Decimal:
    weight = sum((w for w, _ in parts), ZERO)
    if not weight:
        return ZERO
    return sum((w * v for w, v in parts), ZERO) / weight


def _counts(rows: list[TargetStatus]) -> dict[Status, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


# --- filters and sorting ---------------------------------------------------------------------------

SORT_KEYS = ("id", "gap", "progress", "status")


@dataclass(frozen=True)
class Filters:
    """What ``status`` narrows to. Every field is optional; all given ones must match."""

    section: int | None = None
    task: int | None = None
    statuses: frozenset[str] = frozenset()  # status codes, and "stale"
    owner: str | None = None
    grep: str | None = None
    sort: str | None = None  # one of SORT_KEYS

    def matches(self, row: TargetStatus) -> bool:
        if self.section is not None and row.section != self.section:
            return False
        if self.task is not None and row.task != self.task:
            return False
        if self.statuses and row.status.value not in self.statuses and not ("stale" in self.statuses and row.stale):
            return False
        if self.owner is not None and self.owner not in row.units():
            return False
        if self.grep:
            needle = self.grep.casefold()
            t = row.target
            if not any(needle in text.casefold() for text in (t.id, t.name, t.source)):
                return False
        return True


def narrow(report: Report, filters: Filters) -> Report:
    """The report narrowed to the rows that match, in the requested order, rollups recomputed for them."""
    rows = [r for r in report.rows if filters.matches(r)]
    if filters.sort:
        rows = sort_rows(rows, filters.sort)
    if len(rows) == len(report.rows) and not filters.sort:
        return report
    tasks = {r.task for r in rows}
    sections = []
    for s in report.plan.sections:
        kept = [t for t in s.tasks if t.number in tasks]
        if kept:
            sections.append(s.model_copy(update={"tasks": kept}))
    plan = report.plan.model_copy(update={"sections": sections})
    return _assemble(plan, report.as_of, rows, report.warnings, flat=bool(filters.sort))


def sort_rows(rows: list[TargetStatus], key: str) -> list[TargetStatus]:
    """``gap``: furthest behind first, as a share of the figure (gaps in different units do not compare);
    ``progress``: least done first; ``status``: worst first; ``id``: by id. Rows without the figure go last."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    keys: dict[str, Callable[[TargetStatus], tuple[object, ...]]] = {
        "id": lambda r: (r.target.id,),
        "status": lambda r: (order[r.status], r.target.id),
        "progress": lambda r: (r.progress is None, r.progress or ZERO, r.target.id),
        "gap": lambda r: (_relative_gap(r) is None, _relative_gap(r) or ZERO, r.target.id),
    }
    return sorted(rows, key=keys[key])


def _relative_gap(row: TargetStatus) -> Decimal | None:
    figure = _figure(row.target)
    if row.gap is None or not figure:
        return None
    return row.gap / abs(figure)
