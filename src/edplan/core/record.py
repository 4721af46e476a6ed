"""The core calls behind ``record``, ``record --from``, ``correct``, ``retract`` and ``repair``.

Each checks what it is given against the plan with the one :class:`~edplan.log.entries.Checker`, collects
every problem before refusing (nothing is written then), and hands the log work to
:mod:`edplan.log.writer` and :mod:`edplan.log.repair`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from edplan.errors import EdplanError, InputError, Problem, UsageError, msg
from edplan.log.database import Database
from edplan.log.entries import (
    Checker,
    Draft,
    Entry,
    FieldProblem,
    amount,
    check_force,
    check_id,
    check_text,
    new_id,
    parse_date,
    read_value,
)
from edplan.log.lines import Amendment, entry_line
from edplan.log.repair import Repaired, repair
from edplan.log.rows import Progress, iter_rows
from edplan.log.store import Log, bound, rules_of
from edplan.log.writer import Amended, append_amendment, append_entries, append_spooled
from edplan.plan.load import require_plan
from edplan.plan.model import Target
from edplan.units import UnitError

# How each field is spelled on the command line, for messages.
ARGUMENT_NAMES = {
    "target": "TARGET",
    "value": "VALUE",
    "date": "--date",
    "unit": "--unit",
    "note": "--note",
    "source": "--source",
    "id": "--id",
    "reason": "--reason",
    "force": "--force",
}
AMEND_NAMES = {**ARGUMENT_NAMES, "value": "NEW_VALUE", "entry": "ENTRY_ID"}


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def _as_problems(found: list[FieldProblem], names: dict[str, str]) -> list[Problem]:
    return [
        Problem(
            msg("{field}: {message}", field=names.get(p.field, p.field), message=p.message), field=p.field, hint=p.hint
        )
        for p in found
    ]


# --- one entry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    entry: Entry
    added: bool  # False: the id was already recorded with the same content (a retry), or a dry run
    unit: str | None  # the unit shown (the target's when none was given)
    dry_run: bool = False


def record_one(
    plan_path: Path, log_path: Log, draft: Draft, today: dt.date, now: dt.datetime, dry_run: bool = False
) -> Recorded:
    plan = require_plan(plan_path)
    # What is wrong with an argument is a usage error (exit 2), as an unknown target is in `show`.
    forced = check_force(draft.force)
    if forced:
        raise UsageError(_as_problems(forced, ARGUMENT_NAMES))
    result = Checker(plan).check(draft, today, _stamp(now))
    if isinstance(result, list):
        raise UsageError(_as_problems(result, ARGUMENT_NAMES))
    appended = append_entries(bound(log_path, plan), [result], dry_run=dry_run, rules=rules_of(plan))
    if appended.conflicts:
        raise InputError(
            Problem(
                msg("id '{id}' is already recorded with different content", id=result.id),
                path=str(log_path),
                field="id",
                hint=msg("use a new id, or 'edplan correct' to change a recorded figure"),
            )
        )
    found = plan.find_target(result.target)
    default_unit = found[2].unit if found else None
    return Recorded(result, bool(appended.added) and not dry_run, result.unit or default_unit, dry_run)


# --- a batch --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    source: str  # the input's name (a path, or <stdin>)
    rows: int
    added: int  # written (with dry_run: that would be)
    already: int  # ids already in the log with the same content
    dry_run: bool


def import_entries(
    plan_path: Path,
    log_path: Log,
    stream: IO[bytes],
    name: str,
    today: dt.date,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
    force: str | None = None,
) -> Imported:
    """Check every row of a CSV / JSON Lines input, then append all of them as one batch, or none.

    Every bad row is reported (``NAME:LINE: column: what; how to fix``) before anything is written.
    ``force`` (--force REASON) lets the rows the plausibility check refuses through, each keeping it.
    Rows stream: each is checked and written to a temporary spool file as its log line, so memory
    does not grow with the input (but for an id → line map that catches an id used twice); the
    spool is appended under the log's lock once every row is good.
    """
    plan = require_plan(plan_path)
    forced = check_force(force)
    if forced:
        raise UsageError(_as_problems(forced, ARGUMENT_NAMES))
    checker = Checker(plan)
    recorded = _stamp(now)
    problems: list[Problem] = []
    batch = new_id("b")
    # id → its input line and a fingerprint of its content (line << 64 | hash): enough to tell a
    # repeated row from a conflicting one in about 100 bytes per row.
    by_id: dict[str, int] = {}
    rows = 0
    with tempfile.TemporaryFile() as spool:
        for row in iter_rows(stream, name, problems, progress):
            rows += 1
            draft = row.draft if force is None else replace(row.draft, force=force)
            result = checker.check(draft, today, recorded, date_required=True)
            if isinstance(result, list):
                problems += [
                    Problem(
                        msg("{field}: {message}", field=p.field, message=p.message),
                        name,
                        row.line,
                        field=p.field,
                        hint=p.hint,
                    )
                    for p in result
                ]
                continue
            fingerprint = hash(result.key()) & _MASK
            first = by_id.get(result.id)
            if first is not None:
                if first & _MASK != fingerprint:
                    problems.append(_twice(name, row.line, result.id, first >> 64))
                continue  # the same row twice: written once
            by_id[result.id] = row.line << 64 | fingerprint
            if not problems:
                spool.write(entry_line(result, batch).encode("utf-8"))
        if problems:
            problems.sort(key=lambda p: p.line or 0)
            raise InputError(problems)
        if not by_id:
            return Imported(name, rows, 0, 0, dry_run)  # nothing to add: the log is not even created
        appended = append_spooled(
            bound(log_path, plan), spool, set(by_id), batch, dry_run=dry_run, rules=rules_of(plan)
        )
    if appended.conflicts:
        raise InputError(
            [
                Problem(
                    msg(
                        "{field}: {message}",
                        field="id",
                        message=msg(
                            "id '{id}' is already recorded with different content (log line {line})",
                            id=entry_id,
                            line=line,
                        )
                        if line
                        else msg("id '{id}' is already recorded with different content", id=entry_id),
                    ),
                    name,
                    by_id[entry_id] >> 64,
                    field="id",
                    hint=msg("use a new id, or 'edplan correct' to change a recorded figure"),
                )
                for entry_id, line in appended.conflicts
            ]
        )
    duplicates = rows - len(by_id)
    return Imported(name, rows, appended.added, appended.already + duplicates, dry_run)


_MASK = (1 << 64) - 1


def _twice(name: str, line: int, entry_id: str, first: int) -> Problem:
    return Problem(
        msg(
            "{field}: {message}",
            field="id",
            message=msg("id '{id}' is also used by line {line} for another entry", id=entry_id, line=first),
        ),
        name,
        line,
        field="id",
        hint=msg("give every entry its own id"),
    )


# --- corrections and retractions ------------------------------------------------------------------


def _amend_options(
    reason: str, date: str | None, amendment_id: str | None, today: dt.date
) -> tuple[dt.date, list[FieldProblem]]:
    found: list[FieldProblem] = []
    if not reason.strip():
        found.append(FieldProblem("reason", msg("a reason is required"), msg("say why, e.g. --reason '财务处更正'")))
    found += check_text("reason", reason)
    if amendment_id is not None:
        found += check_id(amendment_id)
    when = today
    if date is not None:
        parsed = parse_date(date)
        if parsed is None:
            found.append(
                FieldProblem(
                    "date",
                    msg("'{text}' is not a date", text=date[:80]),
                    msg("write it as YYYY-MM-DD, e.g. 2006-03-31"),
                )
            )
        elif parsed > today:
            found.append(
                FieldProblem(
                    "date",
                    msg("date {date} is after today ({today})", date=parsed.isoformat(), today=today.isoformat()),
                    msg("date a correction the day it became known"),
                )
            )
        else:
            when = parsed
    return when, found


def _not_before(entry: Entry, when: dt.date) -> list[FieldProblem]:
    """An amendment may be back-dated to the day the error was found, not before the figure's own date.
    (Not the entry's recorded day: a log filled in afterwards carries corrections dated as they happened.)"""
    if when >= entry.date:
        return []
    return [
        FieldProblem(
            "date",
            msg(
                "date {date} is before the entry's own date {entry_date}",
                date=when.isoformat(),
                entry_date=entry.date.isoformat(),
            ),
            msg("date a correction the day it became known"),
        )
    ]


def _retracted(entry: Entry) -> list[FieldProblem]:
    return [FieldProblem("entry", msg("entry {id} is retracted", id=entry.id), msg("record a new entry instead"))]


def correct_entry(
    plan_path: Path,
    log_path: Log,
    entry_id: str,
    value: str,
    unit: str | None,
    reason: str,
    date: str | None,
    amendment_id: str | None,
    today: dt.date,
    now: dt.datetime,
    force: str | None = None,
) -> Amended:
    """Append a correction: ENTRY_ID's figure is NEW_VALUE, read as ``record`` reads a figure, with the
    entry's unit in place of the target's (so 79000 corrects 78000人 to 79000人) unless ``unit``."""
    checker = Checker(require_plan(plan_path))
    when, found = _amend_options(reason, date, amendment_id, today)
    found += check_force(force)
    new_unit = (unit or "").strip() or None
    correction_id = (amendment_id or "").strip() or new_id("c")

    def build(entry: Entry, current: Entry | None) -> Amendment | list[Problem]:
        if current is None:
            return _as_problems(_retracted(entry), AMEND_NAMES)
        target = checker.targets.get(entry.target)
        if target is None:
            return [
                Problem(
                    msg(
                        "entry {id} is for '{target}', which is not a target of the plan",
                        id=entry.id,
                        target=entry.target,
                    ),
                    field="id",
                )
            ]
        figure = read_value(target, value.strip(), new_unit, checker.plan.settings, current.unit, force)
        problems = found + (figure if isinstance(figure, list) else [])
        problems += _not_before(entry, when)
        if problems or isinstance(figure, list):
            return _as_problems(problems, AMEND_NAMES)
        corrected = current._replace(value=figure.value, unit=figure.unit, forced=figure.forced)
        if _same_figure(target, current, corrected):
            return [
                Problem(
                    msg("nothing to correct: {id} is already {value}", id=entry.id, value=_shown(current)),
                    field="value",
                )
            ]
        return Amendment(
            id=correction_id,
            entry_id=entry.id,
            kind="correction",
            reason=reason.strip(),
            date=when,
            value=corrected.value,
            unit=corrected.unit,
            recorded=_stamp(now),
            forced=corrected.forced,
        )

    return append_amendment(bound(log_path, checker.plan), entry_id.strip(), correction_id, build)


def retract_entry(
    plan_path: Path,
    log_path: Log,
    entry_id: str,
    reason: str,
    date: str | None,
    amendment_id: str | None,
    today: dt.date,
    now: dt.datetime,
) -> Amended:
    """Append a retraction: ENTRY_ID no longer counts (its line stays, with the reason beside it)."""
    plan = require_plan(plan_path)  # a broken plan refuses every change to the log alike
    when, found = _amend_options(reason, date, amendment_id, today)
    retraction_id = (amendment_id or "").strip() or new_id("r")

    def build(entry: Entry, current: Entry | None) -> Amendment | list[Problem]:
        problems = found + (_retracted(entry) if current is None else []) + _not_before(entry, when)
        if problems:
            return _as_problems(problems, AMEND_NAMES)
        return Amendment(
            id=retraction_id,
            entry_id=entry.id,
            kind="retraction",
            reason=reason.strip(),
            date=when,
            recorded=_stamp(now),
        )

    return append_amendment(bound(log_path, plan), entry_id.strip(), retraction_id, build)


def _same_figure(target: Target, a: Entry, b: Entry) -> bool:
    try:
        return amount(target, a) == amount(target, b)
    except (UnitError, ValueError, ArithmeticError):
        return a.value == b.value and a.unit == b.unit


def _shown(entry: Entry) -> str:
    return entry.value + (entry.unit or "")


# --- repair ---------------------------------------------------------------------------------------


def repair_log(log_path: Log, now: dt.datetime, dry_run: bool = False, plan_path: Path | None = None) -> Repaired:
    """Set aside what readers ignore. With a plan that loads, also name (without moving) the entries
    whose value their target cannot count: only a correction or a retraction fixes those. A plan
    that does not load never stops a repair (a crash must be repairable whatever the plan says); a
    database log needs the plan, whose id keys its rows."""
    if isinstance(log_path, Database):
        plan = require_plan(plan_path or Path())
        return repair(bound(log_path, plan), now, dry_run, rules=rules_of(plan))
    rules = None
    if plan_path is not None:
        try:
            rules = rules_of(require_plan(plan_path))
        except EdplanError:
            rules = None
    return repair(log_path, now, dry_run, rules=rules)
