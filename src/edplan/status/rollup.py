"""Rollups: completion of each row, and the counts and weighted completion per section, task and owner.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from edplan.plan.model import Direction, Plan
from edplan.status.report import (
    ONE,
    SETTLED,
    STATUS_ORDER,
    ZERO,
    Report,
    Rollup,
    Status,
    TargetStatus,
    figure_of,
)


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


def expected_share(row: TargetStatus) -> Decimal:
    """The share of one target its schedule expects done by the as-of date, 0..1, weighed as
    :func:`completion` weighs what is done (a ceiling or a level to hold: 1 once anything is owed)."""
    target = row.target
    if row.expected == 0 and not row.closed:
        return ZERO
    if target.direction in (Direction.at_most, Direction.stable):
        return ONE
    figure = figure_of(target)
    base = row.origin if row.origin is not None else ZERO
    if figure <= base:
        return ONE
    return min(max((row.expected - base) / (figure - base), ZERO), ONE)


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
    section_owed: list[tuple[Decimal, Decimal]] = []
    for section in plan.sections:
        task_parts: list[tuple[Decimal, Decimal]] = []
        task_owed: list[tuple[Decimal, Decimal]] = []
        section_rows: list[TargetStatus] = []
        for task in section.tasks:
            task_rows = by_task.get(task.number, [])
            if not task_rows:
                continue
            section_rows += task_rows
            counted = [r for r in task_rows if counts_in_rollup(r)]
            done = _weighted([(r.target.weight, completion(r)) for r in counted])
            owed = _weighted([(r.target.weight, expected_share(r)) for r in counted])
            task_rollups.append(
                Rollup(str(task.number), task.title, _counts(task_rows), done, len(task_rows), owed)
            )
            task_parts.append((task.weight, done))
            task_owed.append((task.weight, owed))
        if not section_rows:
            continue
        done, owed = _weighted(task_parts), _weighted(task_owed)
        section_rollups.append(
            Rollup(str(section.number), section.title, _counts(section_rows), done, len(section_rows), owed)
        )
        section_parts.append((section.weight, done))
        section_owed.append((section.weight, owed))
    total = Rollup(
        "plan", plan.title, _counts(rows), _weighted(section_parts), len(rows), _weighted(section_owed)
    )
    return section_rollups, task_rollups, total


def owner_rollups(rows: list[TargetStatus]) -> list[Rollup]:
    """One rollup per unit named as lead or support, in order of first appearance (key: the unit)."""
    by_unit: dict[str, list[TargetStatus]] = {}
    for row in rows:
        for unit in row.units():
            by_unit.setdefault(unit, []).append(row)
    out = []
    for unit, unit_rows in by_unit.items():
        counted = [r for r in unit_rows if counts_in_rollup(r)]
        done = _weighted([(r.target.weight, completion(r)) for r in counted])
        owed = _weighted([(r.target.weight, expected_share(r)) for r in counted])
        out.append(Rollup(unit, unit, _counts(unit_rows), done, len(unit_rows), owed))
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


def assemble(plan: Plan, as_of: dt.date, rows: list[TargetStatus], warnings: list[str], flat: bool = False) -> Report:
    section_rollups, task_rollups, total = rollups(plan, rows)
    return Report(plan, as_of, rows, section_rollups, task_rollups, total, warnings, owner_rollups(rows), flat)


# What needs attention before a meeting: missed, lagging, at risk, in that order.
ATTENTION = (Status.overdue, Status.lagging, Status.at_risk)


def needs_attention(rows: list[TargetStatus], stale: bool = True) -> list[TargetStatus]:
    """Overdue, lagging and at-risk targets, worst first (then furthest behind), and with ``stale``
    the targets whose reports are owed and late, after them (never-reported ones last)."""

    def behind(row: TargetStatus) -> Decimal:
        return row.of_expected if row.of_expected is not None else (row.progress if row.progress is not None else ZERO)

    out = sorted((r for r in rows if r.status in ATTENTION), key=lambda r: (ATTENTION.index(r.status), behind(r)))
    if stale:
        late = [r for r in rows if r.stale and r.status not in ATTENTION]
        out += sorted(late, key=lambda r: (r.status is Status.no_data, -(r.days_since_update or 0)))
    return out
