"""Schedules: which applies to a target, what share of its figure is expected on a day, its due date.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from edplan.plan.model import Plan, Schedule, Section, Target, Task
from edplan.status.report import ONE, ZERO


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


def date_expecting(plan: Plan, schedule: Schedule, share: Decimal) -> dt.date:
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
