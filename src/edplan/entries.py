"""Progress entries: what one line of the log says, and checking a new one against the plan.

Pure (no I/O): ``check_draft`` turns what a user or script typed into an :class:`Entry`, or into
problems that name the field and say how to fix it. The same function serves ``record`` and bulk
imports, so both refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from edplan.errors import msg
from edplan.model import Kind, Plan, Target
from edplan.units import NumberError, UnitError, convert, parse_number

MAX_TEXT = 2000  # note/source length: a log line stays a line a person can read


@dataclass(frozen=True, slots=True)
class Entry:
    """One progress report. ``value`` is the text as recorded (a number, or a milestone stage)."""

    id: str
    target: str
    value: str
    unit: str | None
    date: dt.date
    note: str = ""
    source: str = ""
    recorded: str = ""
    line: int = 0  # where it stands in the log (0: not read from a log)

    def key(self) -> tuple[str, str, str | None, dt.date, str, str]:
        """What makes two entries with one id the same entry (the recording time does not)."""
        return (self.target, self.value, self.unit, self.date, self.note, self.source)


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry as typed: every field still text."""

    target: str
    value: str
    date: str | None = None
    unit: str | None = None
    note: str | None = None
    source: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str
    hint: str | None = None


def new_id() -> str:
    return "e-" + secrets.token_hex(6)


def check_draft(plan: Plan, draft: Draft, today: dt.date, recorded: str) -> Entry | list[FieldProblem]:
    """Validate a draft against the plan. Returns the entry, or every problem found in it."""
    problems: list[FieldProblem] = []
    target_id = draft.target.strip()
    found = plan.find_target(target_id) if target_id else None
    target = found[2] if found else None
    if not target_id:
        problems.append(
            FieldProblem("target", msg("target id is empty"), msg("give a target id such as t03-rural-fund"))
        )
    elif target is None:
        problems.append(
            FieldProblem("target", msg("unknown target '{target}'", target=target_id), suggest_ids(plan, target_id))
        )

    when: dt.date | None = today
    if draft.date is not None and draft.date.strip():
        when = parse_date(draft.date)
        if when is None:
            problems.append(
                FieldProblem(
                    "date",
                    msg("'{text}' is not a date", text=draft.date),
                    msg("write it as YYYY-MM-DD, e.g. 2006-03-31"),
                )
            )
    if when is not None and not plan.period.start <= when <= plan.period.end:
        today_used = draft.date is None or not draft.date.strip()
        template = (
            "date {date} (today) is outside the plan period {start} – {end}"
            if today_used
            else ("date {date} is outside the plan period {start} – {end}")
        )
        problems.append(
            FieldProblem(
                "date",
                msg(
                    template,
                    date=when.isoformat(),
                    start=plan.period.start.isoformat(),
                    end=plan.period.end.isoformat(),
                ),
                msg("give the date the progress refers to with --date"),
            )
        )

    unit = (draft.unit or "").strip() or None
    value_text = draft.value.strip()
    if target is not None:
        problems += _check_value(target, value_text, unit)
    for name, text in (("note", draft.note), ("source", draft.source), ("id", draft.id)):
        if text is not None and (len(text) > MAX_TEXT or "\n" in text or "\r" in text):
            problems.append(
                FieldProblem(
                    name, msg("{name} must be one line of at most {limit} characters", name=name, limit=MAX_TEXT)
                )
            )
    entry_id = (draft.id or "").strip()
    if draft.id is not None and not entry_id:
        problems.append(FieldProblem("id", msg("id is empty"), msg("leave it out to have one generated")))
    if problems or target is None or when is None:
        return problems
    if target.kind is not Kind.milestone:
        value_text = str(parse_number(value_text))
    return Entry(
        id=entry_id or new_id(),
        target=target.id,
        value=value_text,
        # Always store the unit: an entry must keep its meaning if the plan's unit is edited later.
        unit=(unit or target.unit) if target.kind is not Kind.milestone else None,
        date=when,
        note=(draft.note or "").strip(),
        source=(draft.source or "").strip(),
        recorded=recorded,
    )


def parse_date(text: str) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (2006-02-30 is not one), or None."""
    text = text.strip()
    if len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_logged(plan: Plan, entry: Entry) -> list[FieldProblem]:
    """Problems of an entry already in the log, judged against the plan as it is now."""
    draft = Draft(entry.target, entry.value, entry.date.isoformat(), entry.unit)
    result = check_draft(plan, draft, entry.date, entry.recorded)
    return result if isinstance(result, list) else []


def _check_value(target: Target, text: str, unit: str | None) -> list[FieldProblem]:
    if target.kind is Kind.milestone:
        stages = target.stage_list
        if text not in stages:
            return [
                FieldProblem(
                    "value",
                    msg("'{value}' is not a stage of {target}", value=text, target=target.id),
                    msg("use one of: {stages}", stages=", ".join(stages)),
                )
            ]
        if unit:
            return [FieldProblem("unit", msg("a milestone has no unit (got '{unit}')", unit=unit))]
        return []
    try:
        number = parse_number(text)
    except NumberError as exc:
        return [FieldProblem("value", exc.args[0], msg("write digits, e.g. 78000, 78,000 or 7.8万"))]
    out = []
    if number < 0 and not target.allow_negative:
        out.append(
            FieldProblem(
                "value",
                msg("negative value {value} for {target}", value=text, target=target.id),
                msg("record what was achieved; fix a mistake with a correction"),
            )
        )
    if unit is not None and target.unit is not None:
        try:
            convert(Decimal(1), unit, target.unit)
        except UnitError:
            out.append(
                FieldProblem(
                    "unit",
                    msg(
                        "unit '{unit}' does not convert to {target}'s unit '{target_unit}'",
                        unit=unit,
                        target=target.id,
                        target_unit=target.unit,
                    ),
                    msg("record in {target_unit} or a unit like it", target_unit=target.unit),
                )
            )
    return out


def suggest_ids(plan: Plan, wrong: str) -> str:
    ids = [t.id for _, _, t in plan.targets()]
    close = difflib.get_close_matches(wrong, ids, n=3, cutoff=0.5)
    prefix = [i for i in ids if i.startswith(wrong[:3])][:3] if not close else []
    options = close or prefix
    if options:
        return msg("did you mean {options}?", options=", ".join(options))
    return msg("see the ids with: edplan status --format json")


def amount(target: Target, entry: Entry) -> Decimal:
    """The entry's value in the target's unit (milestones: the stage's 1-based position)."""
    if target.kind is Kind.milestone:
        return Decimal(target.stage_list.index(entry.value) + 1)
    value = Decimal(entry.value)
    if entry.unit is None or target.unit is None:
        return value
    return convert(value, entry.unit, target.unit)
