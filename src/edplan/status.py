"""The status engine: (plan, entries, as-of date) → report rows, rollups and forecasts.

Pure: no I/O, no clock, no rendering. Every verdict carries the figures that explain it (expected,
actual, gap, pace, days since the last report) so that each renderer can say *why* without doing
arithmetic of its own.

Rules, in order (documented in the README):
  achieved  the figure is met (for "approximately": within the tolerance band)
  not_due   nothing is expected yet (before a due date or a schedule's start)
  overdue   the due date has passed and the figure is not met
  no_data   nothing recorded yet
  at_risk / lagging  actual below ``at_risk_below`` / ``lagging_below`` of what the schedule expects
  on_track  otherwise
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from edplan.entries import Entry, amount
from edplan.model import Direction, Kind, Plan, Schedule, Section, Settings, Target, Task
from edplan.units import UnitError

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_MONTH = Decimal("30.4375")


class Status(StrEnum):
    achieved = "achieved"
    on_track = "on_track"
    at_risk = "at_risk"
    lagging = "lagging"
    overdue = "overdue"
    not_due = "not_due"
    no_data = "no_data"


# Worst first: the order of summaries and of "--sort status".
STATUS_ORDER = (
    Status.overdue,
    Status.lagging,
    Status.at_risk,
    Status.no_data,
    Status.on_track,
    Status.not_due,
    Status.achieved,
)


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
    actual: Decimal | None
    expected: Decimal
    progress: Decimal | None  # actual ÷ target figure
    gap: Decimal | None  # actual − expected, in the target's unit (negative: behind)
    remaining: Decimal | None  # still to go to meet the figure
    rate_needed: Decimal | None  # per month, to meet the figure by its due date
    days_ahead: int | None  # at the current figure: + ahead of schedule, − behind
    due: dt.date  # when the full figure is expected
    last_date: dt.date | None
    days_since_update: int | None
    stale: bool
    entries: int
    forecast: Decimal | None
    forecast_date: dt.date | None
    stage: str | None  # milestones: the stage reached
    expected_stage: str | None  # milestones: the last stage the schedule expects by now
    trend: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Rollup:
    key: str
    title: str
    counts: dict[Status, int]
    completion: Decimal  # weighted, 0..1


@dataclass(frozen=True)
class Report:
    plan: Plan
    as_of: dt.date
    rows: list[TargetStatus]
    sections: list[Rollup]
    tasks: list[Rollup]
    total: Rollup
    warnings: list[str] = field(default_factory=list)


def default_as_of(plan: Plan, today: dt.date) -> dt.date:
    """Today, but a finished plan is shown as it closed (and a future one as it opens)."""
    return min(max(today, plan.period.start), plan.period.end)


def effective_schedule(plan: Plan, section: Section, task: Task, target: Target) -> Schedule:
    for schedule in (target.schedule, task.schedule, section.schedule, plan.settings.schedule):
        if schedule is not None:
            return schedule
    return Schedule()


def expected_fraction(plan: Plan, schedule: Schedule, when: dt.date) -> Decimal:
    """Share of the figure the schedule expects by the end of ``when`` (0..1)."""
    if schedule.due is not None:
        return ONE if when >= schedule.due else ZERO
    start, end = plan.period.start, plan.period.end
    if schedule.checkpoints:
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
    if schedule.checkpoints and schedule.checkpoints[-1].percent >= 100:
        return schedule.checkpoints[-1].by
    return schedule.end or plan.period.end


def compute(plan: Plan, entries: Iterable[Entry], as_of: dt.date) -> Report:
    """The status of every target as it stood at the end of ``as_of``."""
    by_target: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.date <= as_of:
            by_target.setdefault(entry.target, []).append(entry)
    known = {t.id for _, _, t in plan.targets()}
    warnings = [
        f"{len(v)} entries for '{k}', which is not a target of this plan, were left out"
        for k, v in by_target.items()
        if k not in known
    ]
    rows: list[TargetStatus] = []
    for section, task, target in plan.targets():
        row, problem = _target_status(plan, section, task, target, by_target.get(target.id, []), as_of)
        rows.append(row)
        if problem:
            warnings.append(problem)
    section_rollups, task_rollups, total = rollups(plan, rows)
    return Report(plan, as_of, rows, section_rollups, task_rollups, total, warnings)


def _target_status(
    plan: Plan, section: Section, task: Task, target: Target, entries: list[Entry], as_of: dt.date
) -> tuple[TargetStatus, str | None]:
    settings = plan.settings
    schedule = effective_schedule(plan, section, task, target)
    due = due_date(plan, schedule)
    figure = _figure(target)
    fraction = expected_fraction(plan, schedule, as_of)
    expected = figure * fraction
    trend, skipped = _trend(target, entries)
    problem = f"{skipped} entries for {target.id} in a unit that does not convert were left out" if skipped else None
    actual = trend[-1].value if trend else None
    last_date = max((e.date for e in entries), default=None)
    tolerance = target.tolerance if target.tolerance is not None else settings.tolerance

    status = _classify(target, figure, actual, expected, fraction, as_of, due, tolerance, settings)
    progress = actual / figure if actual is not None and figure else None
    gap = actual - expected if actual is not None else None
    remaining = max(figure - actual, ZERO) if actual is not None else figure
    days_left = (due - as_of).days
    rate_needed = None
    if remaining and days_left > 0 and target.direction is not Direction.at_most:
        rate_needed = remaining / (Decimal(days_left) / DAYS_PER_MONTH)
    days_ahead = None
    if actual is not None and target.direction in (Direction.at_least, Direction.approximately) and figure:
        days_ahead = (_date_expecting(plan, schedule, actual / figure) - as_of).days
    since = (as_of - last_date).days if last_date else None
    stale = since is not None and since > settings.stale_after_days and status is not Status.achieved
    forecast, forecast_date = _forecast(plan, target, figure, trend, as_of)
    stage = expected_stage = None
    if target.kind is Kind.milestone:
        stages = target.stage_list
        stage = stages[int(actual) - 1] if actual is not None else None
        reached = int(expected)  # whole stages expected by now
        expected_stage = stages[reached - 1] if reached >= 1 else None
    return TargetStatus(
        section=section.number,
        task=task.number,
        target=target,
        status=status,
        actual=actual,
        expected=expected,
        progress=progress,
        gap=gap,
        remaining=remaining,
        rate_needed=rate_needed,
        days_ahead=days_ahead,
        due=due,
        last_date=last_date,
        days_since_update=since,
        stale=stale,
        entries=len(entries),
        forecast=forecast,
        forecast_date=forecast_date,
        stage=stage,
        expected_stage=expected_stage,
        trend=tuple(trend),
    ), problem


def _figure(target: Target) -> Decimal:
    if target.kind is Kind.milestone:
        return Decimal(len(target.stage_list))
    return target.value if target.value is not None else ZERO


def _trend(target: Target, entries: list[Entry]) -> tuple[list[Point], int]:
    """The actual value after each date that has entries, and how many entries were unusable."""
    by_date: dict[dt.date, list[Decimal]] = {}
    skipped = 0
    for entry in sorted(entries, key=lambda e: e.date):  # stable: log order within a date
        try:
            by_date.setdefault(entry.date, []).append(amount(target, entry))
        except (UnitError, ValueError, ArithmeticError):
            skipped += 1
    points: list[Point] = []
    running = ZERO
    for when, values in sorted(by_date.items()):
        if target.kind is Kind.cumulative:
            running += sum(values, ZERO)
        else:
            running = values[-1]  # level and milestone: the latest reading counts
        points.append(Point(when, running))
    return points, skipped


def _classify(
    target: Target,
    figure: Decimal,
    actual: Decimal | None,
    expected: Decimal,
    fraction: Decimal,
    as_of: dt.date,
    due: dt.date,
    tolerance: Decimal,
    settings: Settings,
) -> Status:
    direction = target.direction
    band = figure * tolerance
    if actual is not None:
        if direction is Direction.at_least and actual >= figure:
            return Status.achieved
        if direction is Direction.approximately and figure - band <= actual <= figure + band:
            return Status.achieved
        if direction is Direction.stable and as_of >= due and abs(actual - figure) <= band:
            return Status.achieved
        if direction is Direction.at_most and as_of >= due and actual <= figure:
            return Status.achieved
    if direction is Direction.at_most:
        if actual is None:
            return Status.no_data
        if actual > figure:
            return Status.lagging  # the ceiling is already broken
        return Status.on_track
    if fraction == 0:
        return Status.not_due
    if as_of > due:
        return Status.overdue
    if actual is None:
        return Status.no_data
    if direction is Direction.stable:
        off = abs(actual - figure)
        if off <= band:
            return Status.on_track
        return Status.at_risk if off <= 2 * band else Status.lagging
    if direction is Direction.approximately and actual > figure + band:
        return Status.at_risk  # well above "about N" is off target too
    if expected == 0:
        return Status.on_track
    ratio = actual / expected
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
    plan: Plan, target: Target, figure: Decimal, trend: list[Point], as_of: dt.date
) -> tuple[Decimal | None, dt.date | None]:
    """Projected value at the period's end, and the date the figure would be met, at the current pace."""
    if not trend or target.kind is Kind.milestone:
        return None, None
    end = plan.period.end
    last = trend[-1]
    if target.kind is Kind.cumulative:
        origin, base = plan.period.start - dt.timedelta(days=1), ZERO
    elif len(trend) >= 2:
        origin, base = trend[0].date, trend[0].value
    else:
        return last.value, (last.date if last.value >= figure else None)
    elapsed = (as_of - origin).days
    if elapsed <= 0:
        return last.value, None
    per_day = (last.value - base) / Decimal(elapsed)
    forecast = last.value + per_day * Decimal(max((end - as_of).days, 0))
    if last.value >= figure:
        met = next(p.date for p in trend if p.value >= figure)
        return forecast, met
    if per_day <= 0:
        return forecast, None
    days = int(((figure - last.value) / per_day).to_integral_value(rounding="ROUND_CEILING"))
    return forecast, as_of + dt.timedelta(days=days)


def completion(row: TargetStatus) -> Decimal:
    if row.progress is None:
        return ZERO
    if row.target.direction is Direction.at_most:
        return ONE if row.status is Status.achieved else ZERO
    return min(max(row.progress, ZERO), ONE)


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
            section_rows += task_rows
            done = _weighted([(r.target.weight, completion(r)) for r in task_rows])
            task_rollups.append(Rollup(str(task.number), task.title, _counts(task_rows), done))
            task_parts.append((task.weight, done))
        done = _weighted(task_parts)
        section_rollups.append(Rollup(str(section.number), section.title, _counts(section_rows), done))
        section_parts.append((section.weight, done))
    total = Rollup("plan", plan.title, _counts(rows), _weighted(section_parts))
    return section_rollups, task_rollups, total


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


def select(report: Report, section: int) -> Report:
    """The report narrowed to one section (rollups recomputed for what is shown)."""
    plan = report.plan.model_copy(update={"sections": [s for s in report.plan.sections if s.number == section]})
    rows = [r for r in report.rows if r.section == section]
    section_rollups, task_rollups, total = rollups(plan, rows)
    return Report(plan, report.as_of, rows, section_rollups, task_rollups, total, report.warnings)
