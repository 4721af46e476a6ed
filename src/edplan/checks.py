"""Checks that need the whole plan: unique ids and numbers, dates inside the period, coherent figures.

Pure: takes a validated :class:`~edplan.model.Plan`, returns findings as ``(loc, message, hint)``
with ``loc`` a path into the plan data (as pydantic gives), so the file layer can put a line and
column on each one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from edplan.model import Direction, Kind, Plan, Schedule, Target
from edplan.units import UnitError, parse_unit

Loc = tuple[str | int, ...]


class Finding(NamedTuple):
    loc: Loc
    message: str
    hint: str | None = None


def check_plan(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    p = plan.period
    if p.start > p.end:
        out.append(Finding(("period", "end"), f"period ends ({p.end}) before it starts ({p.start})"))
    if p.start.year != plan.year:
        out.append(
            Finding(
                ("year",),
                f"year {plan.year} does not match the period start {p.start}",
                "make year the year the period starts in",
            )
        )
    if plan.settings.lagging_below > plan.settings.at_risk_below:
        out.append(
            Finding(
                ("settings", "lagging_below"),
                "lagging_below is above at_risk_below",
                "lagging must be the lower threshold, e.g. at_risk_below: 0.9, lagging_below: 0.7",
            )
        )
    out += _schedule(plan, plan.settings.schedule, ("settings", "schedule"), "plan")

    sections_seen: dict[int, int] = {}
    tasks_seen: dict[int, tuple[int, int]] = {}
    targets_seen: dict[str, tuple[int, int, int]] = {}
    for si, section in enumerate(plan.sections):
        sloc: Loc = ("sections", si)
        if section.number in sections_seen:
            out.append(
                Finding(
                    (*sloc, "number"),
                    f"section number {section.number} is used twice",
                    f"the first is section #{sections_seen[section.number] + 1}",
                )
            )
        sections_seen.setdefault(section.number, si)
        out += _schedule(plan, section.schedule, (*sloc, "schedule"), f"section {section.number}")
        for ti, task in enumerate(section.tasks):
            tloc: Loc = (*sloc, "tasks", ti)
            if task.number in tasks_seen:
                out.append(
                    Finding(
                        (*tloc, "number"),
                        f"task number {task.number} is used twice",
                        "task numbers run through the whole plan, as in the document",
                    )
                )
            tasks_seen.setdefault(task.number, (si, ti))
            out += _schedule(plan, task.schedule, (*tloc, "schedule"), f"task {task.number}")
            for gi, target in enumerate(task.targets):
                gloc: Loc = (*tloc, "targets", gi)
                label = f"target {target.id}"
                if target.id in targets_seen:
                    first = targets_seen[target.id]
                    out.append(
                        Finding(
                            (*gloc, "id"),
                            f"target id '{target.id}' is used twice",
                            f"the first is in task {plan.sections[first[0]].tasks[first[1]].number}"
                            "; ids must be unique",
                        )
                    )
                targets_seen.setdefault(target.id, (si, ti, gi))
                out += _schedule(plan, target.schedule, (*gloc, "schedule"), label)
                out += _target(target, gloc, label)
    return out


def _target(target: Target, gloc: Loc, label: str) -> list[Finding]:
    out: list[Finding] = []
    if target.kind is Kind.milestone:
        for field in ("value", "unit", "baseline", "growth"):
            if getattr(target, field) is not None:
                out.append(
                    Finding(
                        (*gloc, field),
                        f"{label}: a milestone has no '{field}'",
                        "remove it, or make the target cumulative or level",
                    )
                )
        stages = target.stages or []
        twice = [i for i, stage in enumerate(stages) if stage in stages[:i]]
        if twice:
            out.append(
                Finding(
                    (*gloc, "stages", twice[0]),
                    f"{label}: stage '{stages[twice[0]]}' is listed twice",
                    "list each stage once, in order",
                )
            )
        return out
    if target.value is None:
        out.append(
            Finding((*gloc, "value"), f"{label}: missing 'value'", "give the figure as written, e.g. value: 7.8")
        )
    if target.unit is None:
        out.append(Finding((*gloc, "unit"), f"{label}: missing 'unit'", "give the unit as written, e.g. unit: 万人"))
    else:
        try:
            parse_unit(target.unit)
        except UnitError as exc:
            out.append(Finding((*gloc, "unit"), f"{label}: {exc}"))
    if target.stages is not None:
        out.append(
            Finding(
                (*gloc, "stages"), f"{label}: only milestones have stages", "remove 'stages' or set kind: milestone"
            )
        )
    if target.value is not None and target.value < 0 and not target.allow_negative:
        out.append(
            Finding((*gloc, "value"), f"{label}: value is negative", "set allow_negative: true if that is meant")
        )
    if target.direction is Direction.stable and target.kind is Kind.cumulative:
        out.append(
            Finding(
                (*gloc, "direction"),
                f"{label}: a cumulative total cannot be kept stable",
                "use kind: level for a figure that must stay within a band",
            )
        )
    if target.tolerance is not None and target.direction not in (Direction.approximately, Direction.stable):
        out.append(Finding((*gloc, "tolerance"), f"{label}: tolerance only applies to approximately or stable targets"))
    if target.growth is not None and target.baseline is not None and target.value is not None:
        if target.baseline <= 0:
            out.append(Finding((*gloc, "baseline"), f"{label}: baseline must be positive"))
        else:
            implied = (target.value / target.baseline - 1) * 100
            exponent = target.growth.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            half_step = Decimal(5).scaleb(-places - 1)
            if abs(implied - target.growth) > half_step:
                out.append(
                    Finding(
                        (*gloc, "growth"),
                        f"{label}: growth {target.growth}% does not agree with baseline {target.baseline} "
                        f"and value {target.value} (they imply {implied.quantize(Decimal('0.01'))}%)",
                        "correct the baseline, the value or the growth figure",
                    )
                )
    return out


def _schedule(plan: Plan, schedule: Schedule | None, loc: Loc, label: str) -> list[Finding]:
    if schedule is None:
        return []
    out: list[Finding] = []
    start, end = plan.period.start, plan.period.end

    def inside(d: dt.date | None, field_loc: Loc, what: str) -> None:
        if d is not None and not start <= d <= end:
            out.append(
                Finding(
                    field_loc,
                    f"{label}: {what} {d} is outside the plan period {start} – {end}",
                    "use a date inside the period",
                )
            )

    inside(schedule.due, (*loc, "due"), "due date")
    inside(schedule.start, (*loc, "start"), "schedule start")
    inside(schedule.end, (*loc, "end"), "schedule end")
    if schedule.due is not None and (schedule.start or schedule.end or schedule.checkpoints):
        out.append(
            Finding(
                (*loc, "due"),
                f"{label}: a schedule has either 'due', a linear start/end, or checkpoints, not several",
                "keep one of them",
            )
        )
    if schedule.start and schedule.end and schedule.start > schedule.end:
        out.append(Finding((*loc, "end"), f"{label}: schedule ends before it starts"))
    previous: tuple[dt.date, Decimal] | None = None
    for i, cp in enumerate(schedule.checkpoints or []):
        inside(cp.by, (*loc, "checkpoints", i, "by"), "checkpoint")
        if previous and cp.by <= previous[0]:
            out.append(
                Finding(
                    (*loc, "checkpoints", i, "by"),
                    f"{label}: checkpoint {cp.by} is not after the one before it ({previous[0]})",
                    "list checkpoints in date order",
                )
            )
        elif previous and cp.percent < previous[1]:
            out.append(
                Finding(
                    (*loc, "checkpoints", i, "percent"),
                    f"{label}: checkpoint {cp.by} expects {cp.percent}%, less than the "
                    f"{previous[1]}% expected before it",
                    "percentages are cumulative: each checkpoint expects at least the one before",
                )
            )
        previous = (cp.by, cp.percent)
    return out
