"""The core calls behind ``status``, ``show`` and ``report``: load plan and log, compute, narrow.

Options arrive as the user typed them; every wrong one is reported (all of them, not the first)
as a :class:`~edplan.errors.UsageError` naming the option and saying what would be right.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edplan.errors import Msg, Problem, UsageError, msg
from edplan.log import store
from edplan.log.entries import Entry, parse_date, suggest_ids
from edplan.log.store import Log
from edplan.plan.load import require_plan
from edplan.plan.model import Plan
from edplan.status.engine import (
    SORT_KEYS,
    STATUS_ORDER,
    Filters,
    Report,
    Status,
    TargetStatus,
    compute_table,
    default_as_of,
    narrow,
    needs_attention,
)

STATUS_CODES = (*(s.value for s in STATUS_ORDER), "stale")
DEFAULT_SINCE_DAYS = 30


def parse_as_of(text: str | None, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    when = parse_date(text)
    if when is None:
        raise UsageError(
            Problem(
                msg("{option}: '{text}' is not a date", option=option, text=text), hint=msg("write it as YYYY-MM-DD")
            )
        )
    return when


def did_you_mean(typed: str, names: Sequence[str]) -> Msg | None:
    """'lagginh' → did you mean 'lagging'?; two or three names as close: 'a', 'b' or 'c'; none: None."""
    close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
    if len(close) < 2:
        return msg("did you mean '{name}'?", name=close[0]) if close else None
    quoted = [f"'{name}'" for name in close]
    options = msg("{options} or {last}", options=", ".join(quoted[:-1]), last=quoted[-1])
    return msg("did you mean {options}?", options=options)


def parse_statuses(text: str | None, option: str) -> tuple[frozenset[str], list[Problem]]:
    """``lagging,at-risk`` → {"lagging", "at_risk"}; unknown words become problems."""
    if text is None:
        return frozenset(), []
    found: set[str] = set()
    problems: list[Problem] = []
    for part in text.split(","):
        code = part.strip().lower().replace("-", "_").replace(" ", "_")
        if not code:
            continue
        if code in STATUS_CODES:
            found.add(code)
        else:
            problems.append(
                Problem(
                    msg("{option}: unknown status '{value}'", option=option, value=part.strip()),
                    hint=did_you_mean(code, STATUS_CODES)
                    or msg("use one or more of: {codes}", codes=",".join(STATUS_CODES)),
                )
            )
    if not found and not problems:
        problems.append(
            Problem(
                msg("{option}: no status given", option=option),
                hint=msg("use one or more of: {codes}", codes=",".join(STATUS_CODES)),
            )
        )
    return frozenset(found), problems


@dataclass(frozen=True)
class StatusOptions:
    """``status`` options as typed (None: not given)."""

    section: int | None = None
    task: int | None = None
    status: str | None = None
    owner: str | None = None
    grep: str | None = None
    sort: str | None = None
    fail_on: str | None = None


def _filters(plan: Plan, options: StatusOptions) -> tuple[Filters, frozenset[str], list[Problem]]:
    problems: list[Problem] = []
    numbers = [s.number for s in plan.sections]
    if options.section is not None and options.section not in numbers:
        problems.append(
            Problem(
                msg("--section: there is no section {n}", n=options.section),
                hint=msg("sections are {first}–{last}", first=min(numbers), last=max(numbers)),
            )
        )
    tasks = [t.number for s in plan.sections for t in s.tasks]
    if options.task is not None and options.task not in tasks:
        problems.append(
            Problem(
                msg("--task: there is no task {n}", n=options.task),
                hint=msg("tasks are {first}–{last}", first=min(tasks), last=max(tasks)),
            )
        )
    elif options.task is not None and options.section is not None and options.section in numbers:
        section = next(s for s in plan.sections if s.number == options.section)
        if options.task not in [t.number for t in section.tasks]:
            problems.append(Problem(msg("--task: task {n} is not in section {s}", n=options.task, s=options.section)))
    statuses, found = parse_statuses(options.status, "--status")
    problems += found
    fail_on, found = parse_statuses(options.fail_on, "--fail-on")
    problems += found
    owner = options.owner.strip() if options.owner is not None else None
    if owner is not None:
        units = plan_units(plan)
        if owner not in units:
            close = difflib.get_close_matches(owner, units, n=3, cutoff=0.3)
            if not units:
                hint = msg("this plan names no units (lead / support)")
            elif close:
                hint = msg("did you mean {options}?", options=", ".join(close))
            else:
                hint = msg("units named in the plan: {units}", units=", ".join(units))
            problems.append(Problem(msg("--owner: no target names the unit '{unit}'", unit=owner), hint=hint))
    sort = options.sort.strip().lower() if options.sort is not None else None
    if sort is not None and sort not in SORT_KEYS:
        problems.append(
            Problem(
                msg("--sort: cannot sort by '{key}'", key=options.sort),
                hint=did_you_mean(sort, SORT_KEYS) or msg("use one of: {keys}", keys=", ".join(SORT_KEYS)),
            )
        )
    grep = options.grep.strip() if options.grep is not None else None
    filters = Filters(options.section, options.task, statuses, owner, grep or None, sort)
    return filters, fail_on, problems


def plan_units(plan: Plan) -> list[str]:
    """Every unit the plan names as lead or support, in order of appearance."""
    units: dict[str, None] = {}
    for _, task, target in plan.targets():
        for unit in (task.lead, *task.support, target.lead, *target.support):
            if unit:
                units.setdefault(unit, None)
    return list(units)


@dataclass
class StatusResult:
    report: Report
    failing: list[TargetStatus] = field(default_factory=list)  # rows that match --fail-on
    attention: list[TargetStatus] = field(default_factory=list)  # overdue, lagging, at risk, stale: worst first


def build_status(
    plan_path: Path,
    log_path: Log,
    as_of: dt.date | None,
    today: dt.date,
    options: StatusOptions | None = None,
    known_on: dt.date | None = None,
) -> StatusResult:
    """The report, narrowed and sorted; log problems become warnings (status works on the intact part).

    Two dates, kept apart: ``as_of`` is the day the figures describe (entries dated up to it count);
    ``known_on`` replays the log as it was known on that day (None: everything recorded so far, so
    a correction made today applies to every as-of date it concerns).
    """
    options = options or StatusOptions()
    plan = require_plan(plan_path)
    filters, fail_on, problems = _filters(plan, options)
    if problems:
        raise UsageError(problems)
    # One streaming pass into a tally (log/reader.py says why it is fast), or the tally cache.
    scanned = store.tally(store.bound(log_path, plan), store.rules_of(plan), known_by=known_on)
    report = narrow(compute_table(plan, scanned.table, as_of or default_as_of(plan, today)), filters)
    report = dataclasses.replace(report, known_on=known_on)
    report.warnings[:0] = [p.as_msg() for p in scanned.problems]
    failing = [r for r in report.rows if r.status.value in fail_on or ("stale" in fail_on and r.stale)]
    return StatusResult(report, failing, needs_attention(report.rows))


# --- show ----------------------------------------------------------------------------------------


# show lists a target's latest entries: a target fed by district imports can have a hundred thousand.
SHOW_ENTRIES = 200


@dataclass(frozen=True)
class Story:
    """One entry as ``show`` tells it: as recorded, and the corrections and retractions made since."""

    entry: Entry
    amendments: tuple[Any, ...] = ()  # progress.Amendment: kind, value, unit, date, reason

    @property
    def retracted(self) -> bool:
        return any(a.kind == "retraction" for a in self.amendments)


@dataclass
class ShowResult:
    row: TargetStatus
    report: Report
    stories: list[Story]
    section_title: str
    task_title: str
    warnings: list[str] = field(default_factory=list)
    total: int = 0  # entries of the target up to the date; ``stories`` lists the latest SHOW_ENTRIES


def build_show(
    plan_path: Path,
    log_path: Log,
    target_id: str,
    as_of: dt.date | None,
    today: dt.date,
    known_on: dt.date | None = None,
) -> ShowResult:
    """One target's row as of the date, with every entry dated up to then (as known on ``known_on``)."""
    plan = require_plan(plan_path)
    found = plan.find_target(target_id.strip())
    if found is None:
        raise UsageError(
            Problem(
                msg("TARGET: unknown target '{target}'", target=target_id), hint=suggest_ids(plan, target_id.strip())
            )
        )
    section, task, target = found
    # --known-on replays what was known then, here as in status; --as-of only picks the entries' dates.
    # One pass: the same tally as status (so the same figures) and this target's entries as recorded.
    when = as_of or default_as_of(plan, today)
    told = store.story(
        store.bound(log_path, plan), target.id, store.rules_of(plan), known_by=known_on, until=when, limit=SHOW_ENTRIES
    )
    report = dataclasses.replace(compute_table(plan, told.table, when), known_on=known_on)
    row = next(r for r in report.rows if r.target.id == target.id)
    stories = [
        Story(h.entry, tuple(a for a in h.amendments if known_on is None or a.date <= known_on))
        for h in told.histories
        if h.entry.date <= when and (known_on is None or store.known_on(h.entry, known_on))
    ]
    stories.sort(key=lambda s: (s.entry.date, s.entry.line))
    warnings = [p.as_msg() for p in told.read.problems] + [w for w in report.warnings if target.id in w]
    return ShowResult(row, report, stories, section.title, task.title, warnings, told.total)


# --- report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    row: TargetStatus
    before: Status


@dataclass
class Meeting:
    """What ``edplan report`` shows: the status now, and what changed since a date."""

    report: Report
    since: dt.date
    recorded: list[tuple[Entry, TargetStatus]]  # the latest entries dated after ``since``, up to the as-of date
    changes: list[Change]  # targets whose status is not what it was on ``since``
    attention: list[TargetStatus]  # overdue, lagging and at-risk targets, worst first
    recorded_total: int = 0  # how many entries were dated after ``since`` in all


def build_meeting(
    plan_path: Path,
    log_path: Log,
    as_of: dt.date | None,
    since: dt.date | None,
    today: dt.date,
    known_on: dt.date | None = None,
) -> Meeting:
    plan = require_plan(plan_path)
    when = as_of or default_as_of(plan, today)
    start = since if since is not None else when - dt.timedelta(days=DEFAULT_SINCE_DAYS)
    if start >= when:
        raise UsageError(
            Problem(
                msg(
                    "--since: {since} is not before the report date {as_of}",
                    since=start.isoformat(),
                    as_of=when.isoformat(),
                ),
                hint=msg("give an earlier date, e.g. the last meeting's"),
            )
        )
    # The status as it stood at the last meeting: as of that day, with what was known that day.
    then_known = start if known_on is None else min(start, known_on)
    # One pass: the tally now, the tally as known then, and the entries dated since the last meeting.
    read = store.meeting(store.bound(log_path, plan), store.rules_of(plan), known_on, then_known, start, when)
    now = dataclasses.replace(compute_table(plan, read.now, when), known_on=known_on)
    now.warnings[:0] = [p.as_msg() for p in read.read.problems]
    then = compute_table(plan, read.then, start)
    by_id = {r.target.id: r for r in now.rows}
    recorded = [(e, by_id[e.target]) for e in read.recorded if e.target in by_id]
    recorded.sort(key=lambda pair: (pair[0].date, pair[0].line))
    changes = [Change(r, b.status) for r, b in zip(now.rows, then.rows, strict=True) if r.status is not b.status]
    attention = needs_attention(now.rows, stale=False)
    return Meeting(now, start, recorded, changes, attention, read.recorded_total)
