"""Progress entries: what one line of the log says, and checking a new one against the plan.

Pure (no I/O): :class:`Checker` turns what a user or script typed into an :class:`Entry`, or into
problems that name the field and say how to fix it. The same checker serves ``record``, bulk imports
(``record --from``) and corrections, so all of them refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from edplan.errors import Msg, msg
from edplan.plan.model import Kind, Plan, Settings, Target
from edplan.units import (
    FULL_WIDTH,
    PERCENT,
    FigureError,
    Reading,
    Typed,
    UnitError,
    convert,
    format_number,
    normalize,
    parse_typed,
    parse_unit,
    read_figure,
    unit_problem,
)

MAX_TEXT = 2000  # note/source/reason length: a log line stays a line a person can read
MAX_ID = 64
# Ids are written into JSON and typed on command lines: no spaces, quotes, backslashes or control
# characters, so that a line can be found by its id with a plain byte search.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+@#-]*")
# Exactness: status sums figures with Python's default 28-digit decimal context. Bounding what one
# figure may hold (15 digits before the point, 6 after) keeps any realistic sum exact.
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 6


class Entry(NamedTuple):
    """One progress report. ``value`` is the text as recorded (a number, or a milestone stage).

    A NamedTuple rather than a frozen dataclass: just as immutable, and five times cheaper to build,
    which counts when a log of a million lines is read (change a field with ``entry._replace``).
    """

    id: str
    target: str
    value: str
    unit: str | None
    date: dt.date
    note: str = ""
    source: str = ""
    recorded: str = ""
    line: int = 0  # where it stands in the log (0: not read from a log)
    # Why a figure the plausibility check refused was recorded anyway (--force REASON); "" for most.
    # Last, so that positional constructions of the fields above keep working.
    forced: str = ""

    def key(self) -> tuple[str, str, str | None, dt.date, str, str]:
        """What makes two entries with one id the same entry (the recording time does not)."""
        return (self.target, self.value, self.unit, self.date, self.note, self.source)


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry as typed: every field still text (``None``: not given)."""

    target: str
    value: str
    date: str | None = None
    unit: str | None = None
    note: str | None = None
    source: str | None = None
    id: str | None = None
    force: str | None = None  # --force REASON: record the figure even if it looks implausible


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str
    hint: str | None = None


def new_id(prefix: str = "e") -> str:
    """A fresh id: ``e-`` for entries, ``c-`` for corrections, ``r-`` for retractions."""
    return prefix + "-" + secrets.token_hex(6)


def check_id(text: str, name: str = "id") -> list[FieldProblem]:
    """Problems of an id as given (an empty one included)."""
    if not text.strip():
        return [FieldProblem(name, msg("id is empty"), msg("leave it out to have one generated"))]
    if len(text) > MAX_ID or not ID_PATTERN.fullmatch(text):
        return [
            FieldProblem(
                name,
                msg("'{id}' is not a usable id", id=text[:80]),
                msg(
                    "use at most {limit} letters, digits and . _ : / + @ # -, starting with a letter or digit",
                    limit=MAX_ID,
                ),
            )
        ]
    return []


def check_text(name: str, text: str | None) -> list[FieldProblem]:
    """A free-text field (note, source, reason) must stay one line of reasonable length."""
    if text is not None and (len(text) > MAX_TEXT or any(c in text for c in "\n\r\x00")):
        return [
            FieldProblem(name, msg("{name} must be one line of at most {limit} characters", name=name, limit=MAX_TEXT))
        ]
    return []


class Checker:
    """Checks drafts against one plan; built once per command, so a batch of rows costs no re-indexing."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.targets: dict[str, Target] = {t.id: t for _, _, t in plan.targets()}
        # A bulk import repeats figures and dates: each distinct one is read once (both are pure).
        self._figures: dict[tuple[str, str, str | None, str | None], Figure | list[FieldProblem]] = {}
        self._dates: dict[str, dt.date | None] = {}

    def check(
        self, draft: Draft, today: dt.date, recorded: str, date_required: bool = False
    ) -> Entry | list[FieldProblem]:
        """Validate a draft. Returns the entry, or every problem found in it.

        Without a date the entry is dated ``today``; ``date_required`` (bulk rows) refuses that instead.
        """
        plan = self.plan
        problems: list[FieldProblem] = []
        target_id = draft.target.strip()
        target = self.targets.get(target_id)
        if not target_id:
            problems.append(
                FieldProblem("target", msg("target id is empty"), msg("give a target id such as t03-rural-fund"))
            )
        elif target is None:
            problems.append(
                FieldProblem(
                    "target", msg("unknown target '{target}'", target=target_id[:80]), suggest_ids(plan, target_id)
                )
            )

        when: dt.date | None = today
        date_given = draft.date is not None and bool(draft.date.strip())
        if date_given:
            assert draft.date is not None
            if draft.date in self._dates:
                when = self._dates[draft.date]
            else:
                when = parse_date(draft.date)
                if len(self._dates) < 10_000:
                    self._dates[draft.date] = when
            if when is None:
                problems.append(
                    FieldProblem(
                        "date",
                        msg("'{text}' is not a date", text=draft.date[:80]),
                        msg("write it as YYYY-MM-DD, e.g. 2006-03-31"),
                    )
                )
        elif date_required:
            when = None
            problems.append(
                FieldProblem("date", msg("date is empty"), msg("give the date the figure refers to, YYYY-MM-DD"))
            )
        if when is not None and not plan.period.start <= when <= plan.period.end:
            period = {
                "date": when.isoformat(),
                "start": plan.period.start.isoformat(),
                "end": plan.period.end.isoformat(),
            }
            if date_given:
                problems.append(
                    FieldProblem("date", msg("date {date} is outside the plan period {start} – {end}", **period))
                )
            else:
                problems.append(
                    FieldProblem(
                        "date",
                        msg("date {date} (today) is outside the plan period {start} – {end}", **period),
                        msg("give the date the progress refers to with --date"),
                    )
                )

        unit = (draft.unit or "").strip() or None
        value_text = draft.value.strip()
        figure: Figure | list[FieldProblem] = []
        if target is not None:
            key = (target.id, value_text, unit, draft.force)
            known = self._figures.get(key)
            if known is None:
                known = read_value(target, value_text, unit, plan.settings, force=draft.force)
                if len(self._figures) < 100_000:
                    self._figures[key] = known
            figure = list(known) if isinstance(known, list) else known
            if isinstance(figure, list):
                problems += figure
        problems += check_text("note", draft.note) + check_text("source", draft.source)
        if draft.id is not None:
            problems += check_id(draft.id.strip())
        if problems or target is None or when is None or isinstance(figure, list):
            return problems
        return Entry(
            id=(draft.id or "").strip() or new_id(),
            target=target.id,
            value=figure.value,
            # Always store the unit: an entry must keep its meaning if the plan's unit is edited later.
            unit=figure.unit,
            date=when,
            note=(draft.note or "").strip(),
            source=(draft.source or "").strip(),
            recorded=recorded,
            forced=figure.forced,
        )


def check_draft(plan: Plan, draft: Draft, today: dt.date, recorded: str) -> Entry | list[FieldProblem]:
    """Validate one draft against the plan (see :meth:`Checker.check`)."""
    return Checker(plan).check(draft, today, recorded)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (2006-02-30 is not one), or None.

    Full-width digits and dashes are read as ASCII; nothing else is a date, although Python 3.11's
    ``date.fromisoformat`` would also take a week date (2006-W13-5) or 20060331.
    """
    text = text.strip().translate(FULL_WIDTH)
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_logged(checker: Checker | Plan, entry: Entry) -> list[FieldProblem]:
    """Problems of an entry already in the log, judged against the plan as it is now."""
    if not isinstance(checker, Checker):
        checker = Checker(checker)
    draft = Draft(entry.target, entry.value, entry.date.isoformat(), entry.unit, force=entry.forced or None)
    result = checker.check(draft, entry.date, entry.recorded)
    return result if isinstance(result, list) else []


class Figure(NamedTuple):
    """What an entry keeps of a typed figure: the value (a plain decimal, or a stage), its unit, and
    the reason it was recorded despite the plausibility check ("" when it passed)."""

    value: str
    unit: str | None
    forced: str = ""


def check_force(reason: str | None) -> list[FieldProblem]:
    """Problems of a ``--force REASON`` as given (None: not given)."""
    if reason is None:
        return []
    if not reason.strip():
        return [
            FieldProblem(
                "force", msg("a reason is required"), msg("say why the figure is right, e.g. --force '含成人教育'")
            )
        ]
    return check_text("force", reason)


def read_value(
    target: Target,
    text: str,
    unit: str | None,
    settings: Settings,
    reference: str | None = None,
    force: str | None = None,
) -> Figure | list[FieldProblem]:
    """What an entry keeps for a figure typed for a target, or every problem that refuses it.

    The one reading of ``record``, ``record --from`` and ``correct`` (:func:`edplan.units.read_figure`):
    ``unit`` is the unit typed with the figure (``--unit``, a CSV unit column), ``reference`` the unit
    of a figure typed without one (default: the target's). A milestone takes a stage. A figure more
    than ``settings.implausible_factor`` times the goal, or over 100 in %, is refused unless ``force``
    gives the reason it is right; the figure then keeps that reason.
    """
    if target.kind is Kind.milestone:
        stages = target.stage_list
        if text not in stages:
            return [
                FieldProblem(
                    "value",
                    msg("'{value}' is not a stage of {target}", value=text[:80], target=target.id),
                    msg("use one of: {stages}", stages=", ".join(stages)),
                )
            ]
        if unit:
            return [FieldProblem("unit", msg("a milestone has no unit (got '{unit}')", unit=unit[:80]))]
        return Figure(text, None)
    out: list[FieldProblem] = []
    typed: Typed | None = None
    try:
        typed = parse_typed(text)
    except FigureError as exc:
        out.append(FieldProblem("value", exc.message, exc.hint))
    if unit is not None:
        problem = unit_problem(unit, settings.units)
        if problem is not None:
            out.append(FieldProblem("unit", *problem))
        elif target.unit is not None:
            try:
                convert(Decimal(1), unit, target.unit)
            except UnitError:
                out.append(
                    FieldProblem(
                        "unit",
                        msg(
                            "unit '{unit}' does not convert to {target}'s unit '{target_unit}'",
                            unit=unit[:80],
                            target=target.id,
                            target_unit=target.unit,
                        ),
                        msg("record in {target_unit} or a unit like it", target_unit=target.unit),
                    )
                )
    if out or typed is None:
        return out
    try:
        reading = read_figure(typed, reference or target.unit, unit)
    except FigureError as exc:
        return [FieldProblem("value", exc.message, exc.hint)]
    number = reading.value
    if not _bounded(number):
        out.append(
            FieldProblem(
                "value",
                msg("'{text}' is too large or too precise", text=text[:40]),
                msg(
                    "a figure has at most {integer} digits before the point and {fraction} after",
                    integer=MAX_INTEGER_DIGITS,
                    fraction=MAX_FRACTION_DIGITS,
                ),
            )
        )
    elif number < 0 and not target.allow_negative:
        out.append(
            FieldProblem(
                "value",
                msg("negative value {value} for {target}", value=text, target=target.id),
                msg("record what was achieved; fix a mistake with a correction"),
            )
        )
    if out:
        return out
    doubt = _implausible(target, typed, reading, settings, given=unit)
    if doubt is not None and force is None:
        return [doubt]
    return Figure(str(number), reading.unit, force.strip() if doubt is not None and force else "")


def _implausible(
    target: Target, typed: Typed, reading: Reading, settings: Settings, given: str | None
) -> FieldProblem | None:
    """Why a figure is implausible for its target (a slip of magnitude, most likely), or None.

    More than ``implausible_factor`` times the goal, or over 100 where the unit is %. The hint names
    the figure most likely meant: the digits typed, read as a count of base units (78000 typed on a
    7.8万人 target is 78,000人, i.e. 7.8万人).
    """
    if target.unit is None or reading.unit is None:
        return None
    amount = convert(reading.value, reading.unit, target.unit)
    shown = format_number(reading.value) + reading.unit
    if target.unit == PERCENT and amount > 100:
        return FieldProblem(
            "value",
            msg("{value} is over 100%", value=shown),
            msg("a share in % is at most 100; if the figure is right, add --force REASON"),
        )
    goal, times = target.value, settings.implausible_factor
    if goal is None or goal <= 0 or amount <= goal * times:
        return None
    message = msg(
        "{value} is more than {factor} times the goal of {target} ({goal})",
        value=shown,
        factor=format_number(times),
        target=target.id,
        goal=format_number(goal) + target.unit,
    )
    return FieldProblem("value", message, _meant(target, typed, reading, goal, times, given))


def _meant(target: Target, typed: Typed, reading: Reading, goal: Decimal, times: Decimal, given: str | None) -> Msg:
    """The hint: the figure most likely meant, when the digits read as a count of base units (the 万
    left out: 78000 for 7.8万人) are whole and within ``times`` of the goal either way; else: check it."""
    assert target.unit is not None and reading.unit is not None
    read_in, unit = parse_unit(reading.unit), parse_unit(target.unit)
    count = normalize(typed.number)
    in_target = normalize(count / unit.scale)
    if (
        typed.magnitude
        or read_in.scale == 1
        or count != count.to_integral_value()
        or not goal / times <= in_target <= goal * times
    ):
        return msg("check the figure; if it is right, add --force REASON")
    intended = format_number(count) + unit.base
    if given is None and unit.scale != 1:
        return msg(
            "did you mean {intended} ({as_target})? write {short} or {count}; "
            "if the figure is right, add --force REASON",
            intended=intended,
            as_target=format_number(in_target) + target.unit,
            short=f"{in_target:f}{unit.text[: len(unit.text) - len(unit.base)]}",
            count=format_number(count),
        )
    return msg(
        "did you mean {intended}? write {count} with unit {base}; if the figure is right, add --force REASON",
        intended=intended,
        count=format_number(count),
        base=unit.base,
    )


def _bounded(number: Decimal) -> bool:
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # parse_number refuses NaN and infinities
    fraction = max(-exponent, 0)
    integer = max(len(digits) + exponent, 0)
    return integer <= MAX_INTEGER_DIGITS and fraction <= MAX_FRACTION_DIGITS


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
    return reading_of(target, entry.value, entry.unit)


def reading_of(target: Target, value: str, unit: str | None) -> Decimal:
    """A recorded value in the target's unit (milestones: the stage's 1-based position)."""
    if target.kind is Kind.milestone:
        return Decimal(target.stage_list.index(value) + 1)
    return amount_of(target, Decimal(value), unit)


def amount_of(target: Target, value: Decimal, unit: str | None) -> Decimal:
    """A number recorded in ``unit``, in the target's unit."""
    if target.kind is Kind.milestone:
        raise ValueError("a milestone has stages, not amounts")
    if unit is None or target.unit is None:
        return value
    return convert(value, unit, target.unit)
