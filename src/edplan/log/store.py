"""The text log as a store: what the commands ask of the ledger, answered by the one reader.

``core`` asks for a tally (status, report), a target's history (show), the entries in a range of
dates (report), a check of every entry (validate), and for appends (record, correct, retract) and
repair (:mod:`edplan.log.writer`, :mod:`edplan.log.repair`). Everything here opens the log under a
shared lock and reads it with :func:`edplan.log.reader.read`, so all of them see the same entries
and the same warnings.

A log named by a URL lives in PostgreSQL (:class:`~edplan.log.database.Database`): each call here
hands it to :mod:`edplan.log.dbstore`, which answers with the same result types, so ``core`` never
asks which store it has. :func:`log_of` reads the ``--log`` text; :func:`bound` names the plan whose
rows a database log means.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from edplan.errors import Problem, UsageError, msg
from edplan.log import cache
from edplan.log.amend import entry_as_it_stands
from edplan.log.database import Database, is_database_url
from edplan.log.entries import Entry
from edplan.log.lines import DATE, ID, RECORDED, TARGET, Amendment, Row, entry_of, row_of
from edplan.log.lock import locked
from edplan.log.reader import Read, read
from edplan.log.rules import Rules
from edplan.log.sinks import EntrySink, LatestSink, Sink, TallySink
from edplan.log.tally import Table
from edplan.plan.model import Kind, Plan

LOG_SUFFIX = ".progress.jsonl"

# A progress log: a text file, or a table in PostgreSQL.
Log = Path | Database


def log_of(text: str | None, plan_path: Path | str) -> Log:
    """``--log`` (or ``EDPLAN_LOG``) as typed: a ``postgresql://`` URL, a path, or (none) beside the plan."""
    if not text:
        return log_path_for(plan_path)
    return Database(text) if is_database_url(text) else Path(text)


def bound(log: Log, plan: Plan) -> Log:
    """The log for this plan's entries: a database keeps several plans, keyed by the plan's id."""
    return log.for_plan(plan.id) if isinstance(log, Database) else log


def log_path_for(plan_path: Path | str) -> Path:
    """``plans/2006.yaml`` → ``plans/2006.progress.jsonl``."""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + LOG_SUFFIX)


def rules_of(plan: Plan) -> Rules:
    """What each target of the plan can count: numbers, or its milestone stages."""
    return {
        target.id: frozenset(target.stage_list) if target.kind is Kind.milestone else None
        for _, _, target in plan.targets()
    }


def rules_digest(rules: Rules | None) -> str:
    if rules is None:
        return "-"
    text = json.dumps(sorted((k, None if v is None else sorted(v)) for k, v in rules.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@contextmanager
def reading(path: Path) -> Iterator[IO[bytes] | None]:
    """The log open for reading under a shared lock; None when there is no log yet (nothing recorded)."""
    try:
        with locked(path, fcntl.LOCK_SH, create=False) as fd, os.fdopen(fd, "rb", closefd=False) as fh:
            yield fh
    except FileNotFoundError:
        yield None
    except PermissionError:
        raise UsageError(Problem(msg("cannot read the progress log: permission denied"), path=str(path))) from None


def read_with(path: Path, sinks: Sequence[Sink], rules: Rules | None = None) -> Read:
    """Read the whole log into ``sinks``."""
    with reading(path) as fh:
        if fh is None:
            return Read(str(path))
        return read(fh, str(path), sinks, rules=rules)[0]


# --- status and report: the tally -----------------------------------------------------------------


@dataclass
class Tallied:
    table: Table
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0
    cached: bool = False  # True: answered from the tally cache


def tally(path: Log, rules: Rules | None, known_by: dt.date | None = None, use_cache: bool = True) -> Tallied:
    """The log's tally as status needs it, as known on ``known_by`` (everything recorded if None).

    The present (no ``known_by``) is cached: a log whose identity has not changed since the last
    read is not read again (:mod:`edplan.log.cache` says why that is safe). A database sums in SQL.
    """
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.tally(path, rules, known_by)
    digest = rules_digest(rules)
    with reading(path) as fh:
        if fh is None:
            return Tallied({})
        st = os.fstat(fh.fileno())
        if known_by is None and use_cache:
            kept = cache.load(path, digest)
            if kept is not None and kept.identity == cache.identity(st):
                return Tallied(kept.table, kept.problems, kept.entries, cached=True)
        sink = TallySink(known_by)
        result, hashes = read(fh, str(path), [sink], rules=rules)
        if known_by is None and use_cache and cache.identity(os.fstat(fh.fileno())) == cache.identity(st):
            cache.save(path, kept_read(st, digest, result, sink.table, hashes))
        return Tallied(sink.table, result.problems, result.entries)


def kept_read(st: os.stat_result, digest: str, result: Read, table: Table, hashes: list[array[int]]) -> cache.Cached:
    """A whole read of the log as the cache keeps it (``st``: the log's identity when it was read)."""
    return cache.Cached(
        identity=cache.identity(st),
        rules=digest,
        offset=st.st_size,
        lines=result.lines,
        table=table,
        problems=result.problems,
        referenced=sorted({a.entry_id for a in result.amendments} | set(result.amended)),
        entries=result.entries,
        duplicates=result.duplicates,
        hashes=hashes,
        tail_ok=not result.torn,
    )


# --- show: one target's story ---------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """One entry of a target and what happened to it since, for ``edplan show``.

    ``entry`` is the entry as originally recorded (``entry.line`` is its line in the log).
    ``amendments`` are its corrections and retractions in log order; empty when never amended.
    """

    entry: Entry
    amendments: tuple[Amendment, ...] = ()

    def current(self, known_by: dt.date | None = None) -> Entry | None:
        """The entry as it stands with the amendments known by ``known_by`` (all when None); None:
        retracted."""
        return entry_as_it_stands(self.entry, self.amendments, known_by)

    @property
    def retraction(self) -> Amendment | None:
        return next((a for a in self.amendments if a.kind == "retraction"), None)


@dataclass
class Story:
    """What ``show`` needs from the log: the tally (the same as status's) and one target's entries."""

    table: Table
    histories: list[History]  # the latest ``limit`` (all when no limit), oldest first
    read: Read
    total: int = 0  # how many entries the target has (up to the date, as known on the day)


def story(
    path: Log,
    target_id: str,
    rules: Rules | None,
    known_by: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
) -> Story:
    """One pass: the tally as known on ``known_by`` and the entries of ``target_id`` dated up to
    ``until`` and recorded by ``known_by``, as recorded, with their amendments; with ``limit`` only
    the latest that many are kept (a target may have a hundred thousand), and ``total`` counts all."""
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.story(path, target_id, rules, known_by, until, limit)
    last = until.isoformat() if until is not None else "9999-12-31"
    known = known_by.isoformat() if known_by is not None else None

    def wanted(row: Row) -> bool:
        return (
            row[TARGET] == target_id
            and row[DATE] <= last
            and (known is None or not row[RECORDED] or row[RECORDED][:10] <= known)
        )

    tally_sink = TallySink(known_by)
    entries: EntrySink | LatestSink = EntrySink(wanted) if limit is None else LatestSink(wanted, limit)
    result = read_with(path, [tally_sink, entries], rules)
    originals = {e.id: e for e in entries.entries}
    total = entries.count if isinstance(entries, LatestSink) else len(originals)
    for entry_id, entry in result.amended.items():
        if wanted(row_of(entry, None)):
            if entry_id not in originals and limit is not None:
                total += 1  # retracted: the sink never saw it
            originals[entry_id] = entry  # as recorded, not as it stands
    ordered = sorted(originals.values(), key=lambda e: (e.date, e.line))
    if limit is not None:
        ordered = ordered[-limit:]
    histories = [History(e, result.amendments_of(e.id)) for e in ordered]
    return Story(tally_sink.table, histories, result, total if limit is not None else len(histories))


def history(path: Path | str, target_id: str) -> list[History]:
    """Every entry of ``target_id`` in log order, each with all its corrections and retractions."""
    return story(Path(path), target_id, None).histories


# --- report: now, then, and what was recorded between ---------------------------------------------


@dataclass
class Meeting:
    now: Table
    then: Table
    recorded: list[Entry]  # the latest RECORDED_KEPT of those recorded_in accepts, oldest first
    read: Read
    recorded_total: int = 0


RECORDED_KEPT = 100  # a report lists the last few entries recorded since the last meeting


def meeting(
    path: Log,
    rules: Rules | None,
    known_by: dt.date | None,
    then_known: dt.date,
    dated_after: dt.date,
    dated_until: dt.date,
) -> Meeting:
    """One pass for ``report``: the tally now (as known on ``known_by``), the tally as it was known on
    ``then_known``, and the entries (as they stand now) dated after ``dated_after`` up to ``dated_until``."""
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.meeting(path, rules, known_by, then_known, dated_after, dated_until)
    now, then = TallySink(known_by), TallySink(then_known)
    known = known_by.isoformat() if known_by is not None else None
    first, last = dated_after.isoformat(), dated_until.isoformat()

    def wanted(row: Row) -> bool:
        return first < row[DATE] <= last and (known is None or not row[RECORDED] or row[RECORDED][:10] <= known)

    recorded = LatestSink(wanted, RECORDED_KEPT)
    result = read_with(path, [now, then, recorded], rules)
    return Meeting(now.table, then.table, recorded.entries, result, recorded.count)


# --- validate: every entry as it stands -----------------------------------------------------------


class CheckSink(Sink):
    """Hands every entry that counts to ``check`` (validate judges each against the plan), keeping
    the problems of a batch until its commit."""

    def __init__(self, check: Callable[[Entry], list[Any]]) -> None:
        super().__init__()
        self.check = check
        self.problems: list[tuple[Entry, Any]] = []  # (entry, what check said of it)
        self.staged_problems: list[tuple[Entry, Any]] = []
        self.count = 0
        self.staged_count = 0

    def _checked(self, rows: Sequence[Row], lines: Sequence[int]) -> list[tuple[Entry, Any]]:
        out: list[tuple[Entry, Any]] = []
        for row, line in zip(rows, lines, strict=True):
            entry = entry_of(row, line)
            out += ((entry, p) for p in self.check(entry))
        return out

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self.problems += self._checked(rows, lines)
        self.count += len(rows)

    def stage(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self.staged_problems += self._checked(rows, lines)
        self.staged_count += len(rows)

    def commit(self) -> None:
        self.problems += self.staged_problems
        self.count += self.staged_count
        self.drop()

    def drop(self) -> None:
        self.staged_problems, self.staged_count = [], 0

    def reset(self) -> None:
        self.drop()
        self.problems, self.count = [], 0


def check_entries(path: Log, rules: Rules | None, check: Callable[[Entry], list[Any]]) -> tuple[Read, CheckSink]:
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.check_entries(path, rules, check)
    sink = CheckSink(check)
    return read_with(path, [sink], rules), sink


# --- the whole log as a list (small logs, tests, the writers' look-up) ----------------------------


@dataclass
class LogRead:
    """The log as a list of entries as they stand, with what the reader found."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    duplicates: int = 0
    corrected: int = 0
    retracted: int = 0
    torn: bool = False


def read_log(path: Path | str, known_by: dt.date | None = None, rules: Rules | None = None) -> LogRead:
    """Every entry that counts, in log order (amended entries in their place), as known on ``known_by``."""
    sink = EntrySink(None, known_by)
    result = read_with(Path(path), [sink], rules)
    entries = sorted(sink.entries, key=lambda e: e.line)
    return LogRead(
        result.path,
        entries,
        result.problems,
        result.amendments,
        result.duplicates,
        result.corrected,
        result.retracted,
        result.torn,
    )


def known_on(entry: Entry, day: dt.date) -> bool:
    """Whether the entry had been recorded by the end of ``day``: the date of its ``recorded`` stamp
    (UTC, as written). An entry without one (written by hand or by an old version) always was."""
    return not entry.recorded or entry.recorded[:10] <= day.isoformat()


def with_ids(fh: IO[bytes], path: str, ids: set[str]) -> tuple[dict[str, Entry | Amendment], Read]:
    """The first record (entry or amendment) holding each of ``ids``: the writers' look-up."""
    sink = EntrySink(lambda row: row[ID] in ids)
    result, _ = read(fh, path, [sink])
    return first_records(sink.entries, result, ids), result


def first_records(entries: list[Entry], result: Read, ids: set[str]) -> dict[str, Entry | Amendment]:
    """Of the entries a sink collected and the read's amendments, the first line holding each id
    (entries as recorded, not as they stand)."""
    found: dict[str, Entry | Amendment] = {}
    for entry_id, e in result.amended.items():
        if entry_id in ids:
            found[entry_id] = e
    for e in entries:
        if e.id not in found or found[e.id].line > e.line:
            found[e.id] = e
    for a in result.amendments:
        if a.id in ids and (a.id not in found or found[a.id].line > a.line):
            found[a.id] = a
    return found
