"""What the status engine gives: statuses, reasons, one row per target, rollups and the report.

Plain data for the renderers (they do no arithmetic of their own); the engine (engine.py) fills it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from edplan.plan.model import Direction, Kind, Plan, Revision, Schedule, Target

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
    progress: Decimal | None  # actual ÷ target figure (an increase target: the share of the increase made)
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
    # An increase target (比上年增加 X with last year's figure): the level it starts from. Progress,
    # pace and "nearly met" count the increase made over it, as the plan states the target.
    origin: Decimal | None = None
    # The revision in force on the as-of date (``target`` then carries its figure); None: the plan's own.
    revision: Revision | None = None
    planned: Decimal | None = None  # with a revision in force: the plan's own figure, kept and shown
    # actual ÷ what the schedule expects by now (an increase target: of the increase expected): the
    # pace that decides on_track / at_risk / lagging before the due date; None while nothing is expected
    of_expected: Decimal | None = None

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
    # what the targets' own schedules expect done by the as-of date, weighted alike, 0..1: completion
    # is read against it ("4% done, 12% expected by now")
    expected: Decimal = ZERO


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


def origin_of(target: Target) -> Decimal | None:
    """Last year's level, for a level target the plan states as an increase over it (baseline + increase)."""
    growing = target.direction in (Direction.at_least, Direction.approximately)
    if target.kind is Kind.level and growing and target.increase is not None and target.baseline is not None:
        return target.baseline
    return None


def figure_of(target: Target) -> Decimal:
    """The figure a target is judged against (a milestone: its number of stages)."""
    if target.kind is Kind.milestone:
        return Decimal(len(target.stage_list))
    return target.value if target.value is not None else ZERO
