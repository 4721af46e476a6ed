"""Checks that need the whole plan: unique ids and numbers, dates inside the period, coherent figures.

Pure: takes a validated :class:`~edplan.model.Plan`, returns findings as ``(loc, message, hint)``
with ``loc`` a path into the plan data (as pydantic gives), so the file layer can put a line and
column on each one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from edplan.errors import Msg, msg
from edplan.model import Direction, Kind, Plan, Schedule, Target
from edplan.units import UnitError, parse_unit

Loc = tuple[str | int, ...]


class Finding(NamedTuple):
    loc: Loc
    message: Msg
    hint: Msg | None = None


def check_plan(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    p = plan.period
    if p.start > p.end:
        out.append(
            Finding(("period", "end"), msg("period ends ({end}) before it starts ({start})", end=p.end, start=p.start))
        )
    if p.start.year != plan.year:
        out.append(
            Finding(
                ("year",),
                msg("year {year} does not match the period start {start}", year=plan.year, start=p.start),
                msg("make year the year the period starts in"),
            )
        )
    if plan.settings.lagging_below > plan.settings.at_risk_below:
        out.append(
            Finding(
                ("settings", "lagging_below"),
                msg("lagging_below is above at_risk_below"),
                msg("lagging must be the lower threshold, e.g. at_risk_below: 0.9, lagging_below: 0.7"),
            )
        )
    out += _schedule(plan, plan.settings.schedule, ("settings", "schedule"), msg("plan"))

    sections_seen: dict[int, int] = {}
    tasks_seen: dict[int, tuple[int, int]] = {}
    targets_seen: dict[str, tuple[int, int, int]] = {}
    for si, section in enumerate(plan.sections):
        sloc: Loc = ("sections", si)
        if section.number in sections_seen:
            out.append(
                Finding(
                    (*sloc, "number"),
                    msg("section number {n} is used twice", n=section.number),
                    msg("the first is section #{i}", i=sections_seen[section.number] + 1),
                )
            )
        sections_seen.setdefault(section.number, si)
        out += _schedule(plan, section.schedule, (*sloc, "schedule"), msg("section {n}", n=section.number))
        for ti, task in enumerate(section.tasks):
            tloc: Loc = (*sloc, "tasks", ti)
            if task.number in tasks_seen:
                out.append(
                    Finding(
                        (*tloc, "number"),
                        msg("task number {n} is used twice", n=task.number),
                        msg("task numbers run through the whole plan, as in the document"),
                    )
                )
            tasks_seen.setdefault(task.number, (si, ti))
            out += _schedule(plan, task.schedule, (*tloc, "schedule"), msg("task {n}", n=task.number))
            for gi, target in enumerate(task.targets):
                gloc: Loc = (*tloc, "targets", gi)
                label = msg("target {id}", id=target.id)
                if target.id in targets_seen:
                    first = targets_seen[target.id]
                    out.append(
                        Finding(
                            (*gloc, "id"),
                            msg("target id '{id}' is used twice", id=target.id),
                            msg(
                                "the first is in task {n}; ids must be unique",
                                n=plan.sections[first[0]].tasks[first[1]].number,
                            ),
                        )
                    )
                targets_seen.setdefault(target.id, (si, ti, gi))
                out += _schedule(plan, target.schedule, (*gloc, "schedule"), label)
                out += _target(target, gloc, label)
    return out


def _target(target: Target, gloc: Loc, label: Msg) -> list[Finding]:
    out: list[Finding] = []
    if target.kind is Kind.milestone:
        for field in ("value", "unit", "baseline", "growth"):
            if getattr(target, field) is not None:
                out.append(
                    Finding(
                        (*gloc, field),
                        msg("{label}: a milestone has no '{field}'", label=label, field=field),
                        msg("remove it, or make the target cumulative or level"),
                    )
                )
        stages = target.stages or []
        twice = [i for i, stage in enumerate(stages) if stage in stages[:i]]
        if twice:
            out.append(
                Finding(
                    (*gloc, "stages", twice[0]),
                    msg("{label}: stage '{stage}' is listed twice", label=label, stage=stages[twice[0]]),
                    msg("list each stage once, in order"),
                )
            )
        return out
    if target.value is None:
        out.append(
            Finding(
                (*gloc, "value"),
                msg("{label}: missing 'value'", label=label),
                msg("give the figure as written, e.g. value: 7.8"),
            )
        )
    if target.unit is None:
        out.append(
            Finding(
                (*gloc, "unit"),
                msg("{label}: missing 'unit'", label=label),
                msg("give the unit as written, e.g. unit: 万人"),
            )
        )
    else:
        try:
            parse_unit(target.unit)
        except UnitError:  # only a blank unit fails to parse
            out.append(
                Finding(
                    (*gloc, "unit"),
                    msg("{label}: 'unit' is blank", label=label),
                    msg("give the unit as written, e.g. unit: 万人"),
                )
            )
    if target.stages is not None:
        out.append(
            Finding(
                (*gloc, "stages"),
                msg("{label}: only milestones have stages", label=label),
                msg("remove 'stages' or set kind: milestone"),
            )
        )
    if target.value is not None and target.value < 0 and not target.allow_negative:
        out.append(
            Finding(
                (*gloc, "value"),
                msg("{label}: value is negative", label=label),
                msg("set allow_negative: true if that is meant"),
            )
        )
    if target.direction is Direction.stable and target.kind is Kind.cumulative:
        out.append(
            Finding(
                (*gloc, "direction"),
                msg("{label}: a cumulative total cannot be kept stable", label=label),
                msg("use kind: level for a figure that must stay within a band"),
            )
        )
    if target.tolerance is not None and target.direction not in (Direction.approximately, Direction.stable):
        out.append(
            Finding(
                (*gloc, "tolerance"),
                msg("{label}: tolerance only applies to approximately or stable targets", label=label),
            )
        )
    if target.growth is not None and target.baseline is not None and target.value is not None:
        if target.baseline <= 0:
            out.append(Finding((*gloc, "baseline"), msg("{label}: baseline must be positive", label=label)))
        else:
            implied = (target.value / target.baseline - 1) * 100
            exponent = target.growth.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            half_step = Decimal(5).scaleb(-places - 1)
            if abs(implied - target.growth) > half_step:
                out.append(
                    Finding(
                        (*gloc, "growth"),
                        msg(
                            "{label}: growth {growth}% does not agree with baseline {baseline} "
                            "and value {value} (they imply {implied}%)",
                            label=label,
                            growth=target.growth,
                            baseline=target.baseline,
                            value=target.value,
                            implied=implied.quantize(Decimal("0.01")),
                        ),
                        msg("correct the baseline, the value or the growth figure"),
                    )
                )
    return out


def _schedule(plan: Plan, schedule: Schedule | None, loc: Loc, label: Msg) -> list[Finding]:
    if schedule is None:
        return []
    out: list[Finding] = []
    start, end = plan.period.start, plan.period.end

    def inside(d: dt.date | None, field_loc: Loc, what: Msg) -> None:
        if d is not None and not start <= d <= end:
            out.append(
                Finding(
                    field_loc,
                    msg(
                        "{label}: {what} {date} is outside the plan period {start} – {end}",
                        label=label,
                        what=what,
                        date=d,
                        start=start,
                        end=end,
                    ),
                    msg("use a date inside the period"),
                )
            )

    inside(schedule.due, (*loc, "due"), msg("due date"))
    inside(schedule.start, (*loc, "start"), msg("schedule start"))
    inside(schedule.end, (*loc, "end"), msg("schedule end"))
    if schedule.due is not None and (schedule.start or schedule.end or schedule.checkpoints):
        out.append(
            Finding(
                (*loc, "due"),
                msg(
                    "{label}: a schedule has either 'due', a linear start/end, or checkpoints, not several", label=label
                ),
                msg("keep one of them"),
            )
        )
    if schedule.start and schedule.end and schedule.start > schedule.end:
        out.append(Finding((*loc, "end"), msg("{label}: schedule ends before it starts", label=label)))
    previous: tuple[dt.date, Decimal] | None = None
    for i, cp in enumerate(schedule.checkpoints or []):
        inside(cp.by, (*loc, "checkpoints", i, "by"), msg("checkpoint"))
        if previous and cp.by <= previous[0]:
            out.append(
                Finding(
                    (*loc, "checkpoints", i, "by"),
                    msg(
                        "{label}: checkpoint {by} is not after the one before it ({before})",
                        label=label,
                        by=cp.by,
                        before=previous[0],
                    ),
                    msg("list checkpoints in date order"),
                )
            )
        elif previous and cp.percent < previous[1]:
            out.append(
                Finding(
                    (*loc, "checkpoints", i, "percent"),
                    msg(
                        "{label}: checkpoint {by} expects {percent}%, less than the {before}% expected before it",
                        label=label,
                        by=cp.by,
                        percent=cp.percent,
                        before=previous[1],
                    ),
                    msg("percentages are cumulative: each checkpoint expects at least the one before"),
                )
            )
        previous = (cp.by, cp.percent)
    return out
