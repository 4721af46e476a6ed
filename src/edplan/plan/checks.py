"""Checks that need the whole plan: unique ids and numbers, dates inside the period, coherent figures.

Pure: takes a validated :class:`~edplan.plan.model.Plan`, returns findings as ``(loc, message, hint)``
with ``loc`` a path into the plan data (as pydantic gives), so the file layer can put a line and
column on each one.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import NamedTuple

from edplan.errors import Msg, msg
from edplan.plan.model import Direction, Kind, Plan, Schedule, Target
from edplan.units import UnitError, convert, factor, normalize, parse_unit, unit_problem

Loc = tuple[str | int, ...]


class Finding(NamedTuple):
    loc: Loc
    message: Msg
    hint: Msg | None = None


def check_plan(plan: Plan, relations: bool = True) -> list[Finding]:
    """Every whole-plan finding; ``relations=False`` leaves out part_of and the sums of parts, which
    mean nothing while some targets stand in for unreadable ones (see planfile._checks_despite)."""
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
                out += _revisions(plan, target, gloc, label)
                out += _known_unit(target, gloc, label, plan.settings.units)
    if relations:
        out += _parts(plan, targets_seen)
    return out


def _known_unit(target: Target, gloc: Loc, label: Msg, declared: list[str]) -> list[Finding]:
    """A unit must be one edplan knows or the plan declares: 万入 or ％ would convert to nothing, and
    every entry recorded against it would silently stand apart (issue 9)."""
    if target.kind is Kind.milestone or target.unit is None or not target.unit.strip():
        return []  # a milestone's unit and a blank one are reported by _target
    problem = unit_problem(target.unit, declared)
    if problem is None:
        return []
    return [Finding((*gloc, "unit"), msg("{context}: {what}", context=label, what=problem[0]), problem[1])]


def _target(target: Target, gloc: Loc, label: Msg) -> list[Finding]:
    out: list[Finding] = []
    if target.kind is Kind.milestone:
        for field in ("value", "unit", "baseline", "growth", "increase", "part_of"):
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
    both = target.increase is not None and target.growth is not None
    if target.value is None and not both:  # with both, the one problem below says what to fix
        relative = target.increase is not None or target.growth is not None
        out.append(
            Finding(
                (*gloc, "value"),
                msg("{label}: missing 'value'", label=label),
                msg("give last year's figure as 'baseline' (the level to reach follows), or the 'value'")
                if relative
                else msg("give the figure as written, e.g. value: 7.8"),
            )
        )
    if both:
        out.append(
            Finding(
                (*gloc, "increase"),
                msg("{label}: give 'increase' or 'growth', not both", label=label),
                msg("比上年增加 X is increase: X; 比上年增长 X% is growth: X"),
            )
        )
    elif (
        target.increase is not None
        and target.baseline is not None
        and target.value is not None
        and target.baseline + target.increase != target.value
    ):
        out.append(
            Finding(
                (*gloc, "increase"),
                msg(
                    "{label}: increase {increase} does not agree with baseline {baseline} and value {value}",
                    label=label,
                    increase=target.increase,
                    baseline=target.baseline,
                    value=target.value,
                ),
                msg("correct the baseline, the value or the increase (or leave the value out: it follows)"),
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
    # Growth without a baseline is fine (the document usually gives only the rate); show derives one.
    if target.growth is not None and target.growth <= -100:
        out.append(
            Finding(
                (*gloc, "growth"),
                msg("{label}: growth must be above -100%, got {growth}%", label=label, growth=target.growth),
                msg("write the percentage over last year: 比上年增长9.1% is growth: 9.1"),
            )
        )
    elif target.growth is not None and target.baseline is not None and target.value is not None:
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


def _parts(plan: Plan, first_seen: dict[str, tuple[int, int, int]]) -> list[Finding]:
    """``part_of``: each names a total that is a figure, not itself a part, in a unit that converts;
    a total's parts add up to it exactly (at most, when ``parts_complete: false``).

    Parts are one level deep on purpose: rollups leave parts out so that a total weighs once, and a
    part of a part would need the same rule applied twice to mean anything.
    """
    out: list[Finding] = []

    def target_loc(where: tuple[int, int, int]) -> Loc:
        return ("sections", where[0], "tasks", where[1], "targets", where[2])

    # Only a figure that is not itself a part can be a total: suggest those, never the part itself.
    totals = [g.id for _, _, g in plan.targets() if g.kind is not Kind.milestone and g.part_of is None]
    named: set[str] = set()
    refused: set[str] = set()  # totals with a part refused above: their sum would mislead
    parts: dict[str, list[Target]] = {}
    for si, section in enumerate(plan.sections):
        for ti, task in enumerate(section.tasks):
            for gi, part in enumerate(task.targets):
                ref = part.part_of
                if ref is None or part.kind is Kind.milestone:  # a milestone's part_of is reported already
                    continue
                named.add(ref)
                loc: Loc = (*target_loc((si, ti, gi)), "part_of")
                label = msg("target {id}", id=part.id)
                total = None
                if ref in first_seen:
                    s, t, g = first_seen[ref]
                    total = plan.sections[s].tasks[t].targets[g]
                if ref == part.id:
                    out.append(
                        Finding(
                            loc,
                            msg("{label}: part_of names the target itself", label=label),
                            msg("name the total this figure is a part of"),
                        )
                    )
                elif total is None:
                    close = difflib.get_close_matches(ref, [i for i in totals if i != part.id], n=3, cutoff=0.6)
                    out.append(
                        Finding(
                            loc,
                            msg(
                                "{label}: part_of names '{ref}', which is not a target of this plan",
                                label=label,
                                ref=ref,
                            ),
                            msg("did you mean {options}?", options=", ".join(close))
                            if close
                            else msg("give the id of the total this figure is a part of"),
                        )
                    )
                elif total.kind is Kind.milestone:
                    out.append(
                        Finding(
                            loc,
                            msg("{label}: part_of names {ref}, a milestone", label=label, ref=ref),
                            msg("only a figure has parts: name a cumulative or level target"),
                        )
                    )
                elif total.part_of is not None:
                    out.append(
                        Finding(
                            loc,
                            msg(
                                "{label}: part_of names {ref}, which is itself part of {top}",
                                label=label,
                                ref=ref,
                                top=total.part_of,
                            ),
                            msg("parts are one level deep: name the whole total instead"),
                        )
                    )
                elif total.kind is not part.kind:
                    out.append(
                        Finding(
                            loc,
                            msg(
                                "{label}: a {kind} target cannot be part of {ref}, a {total_kind} target",
                                label=label,
                                kind=part.kind.value,
                                ref=ref,
                                total_kind=total.kind.value,
                            ),
                            msg("a part is counted as its total is: give both the same kind"),
                        )
                    )
                elif part.unit is not None and total.unit is not None and not _converts(part.unit, total.unit):
                    out.append(
                        Finding(
                            loc,
                            msg(
                                "{label}: unit '{unit}' does not convert to {ref}'s unit '{total_unit}'",
                                label=label,
                                unit=part.unit,
                                ref=ref,
                                total_unit=total.unit,
                            ),
                            msg("give the part in {total_unit} or a unit like it", total_unit=total.unit),
                        )
                    )
                else:
                    parts.setdefault(ref, []).append(part)
                    continue
                refused.add(ref)

    for ref, where in first_seen.items():
        total = plan.sections[where[0]].tasks[where[1]].targets[where[2]]
        label = msg("target {id}", id=ref)
        if not total.parts_complete and ref not in named and total.kind is not Kind.milestone:
            out.append(
                Finding(
                    (*target_loc(where), "parts_complete"),
                    msg("{label}: parts_complete is false, but no target is part_of it", label=label),
                    msg("remove parts_complete, or add part_of: {id} to its parts", id=ref),
                )
            )
        listed = parts.get(ref, [])
        if not listed or ref in refused or total.value is None or total.unit is None:
            continue
        if any(p.value is None or p.unit is None for p in listed):
            continue  # a missing value or unit is reported on the part itself
        unit = total.unit
        added = sum((convert(p.value, p.unit, unit) for p in listed if p.value is not None and p.unit), Decimal(0))
        terms = " + ".join(f"{p.id} {normalize(p.value)}{p.unit}" for p in listed if p.value is not None)
        if total.parts_complete and added != total.value:
            out.append(
                Finding(
                    (*target_loc(where), "value"),
                    msg(
                        "{label}: its parts add up to {sum}{unit} ({terms}), not {value}{unit}",
                        label=label,
                        sum=normalize(added),
                        unit=unit,
                        terms=terms,
                        value=normalize(total.value),
                    ),
                    msg(
                        "correct a part or the total; if the document names only some of its parts, "
                        "set parts_complete: false"
                    ),
                )
            )
        elif not total.parts_complete and added > total.value:
            out.append(
                Finding(
                    (*target_loc(where), "value"),
                    msg(
                        "{label}: its parts add up to {sum}{unit} ({terms}), more than {value}{unit}",
                        label=label,
                        sum=normalize(added),
                        unit=unit,
                        terms=terms,
                        value=normalize(total.value),
                    ),
                    msg("correct a part or the total"),
                )
            )
    return out


def _converts(unit: str, to_unit: str) -> bool:
    try:
        factor(unit, to_unit)
    except UnitError:
        return False
    return True


def _revisions(plan: Plan, target: Target, gloc: Loc, label: Msg) -> list[Finding]:
    """A revision changes a figure from a date inside the period, later than the one before it."""
    if not target.revisions:
        return []
    loc = (*gloc, "revisions")
    if target.kind is Kind.milestone:
        return [
            Finding(
                loc,
                msg("{label}: a milestone has no 'revisions'", label=label),
                msg("a milestone's stages are not revised; make the target cumulative or level"),
            )
        ]
    out: list[Finding] = []
    start, end = plan.period.start, plan.period.end
    before: dt.date | None = None
    for i, revision in enumerate(target.revisions):
        if revision.value is None:
            out.append(
                Finding((*loc, i, "value"), msg("{label}: revision {n} has no value", label=label, n=i + 1))
            )
        if not start <= revision.date <= end:
            out.append(
                Finding(
                    (*loc, i, "date"),
                    msg(
                        "{label}: {what} {date} is outside the plan period {start} – {end}",
                        label=label,
                        what=msg("revision date"),
                        date=revision.date,
                        start=start,
                        end=end,
                    ),
                    msg("use a date inside the period"),
                )
            )
        if before is not None and revision.date <= before:
            out.append(
                Finding(
                    (*loc, i, "date"),
                    msg(
                        "{label}: revision {date} is not after the one before it ({before})",
                        label=label,
                        date=revision.date,
                        before=before,
                    ),
                    msg("list revisions in date order, one a day"),
                )
            )
        before = revision.date
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
