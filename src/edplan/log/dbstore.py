"""The progress log in PostgreSQL, as the commands ask for it: the calls of :mod:`edplan.log.store`
and :mod:`edplan.log.writer`, answered by the database with the same result types.

:mod:`edplan.log.store` and :mod:`edplan.log.writer` hand a :class:`~edplan.log.database.Database`
over to these functions, so ``core`` never asks which store it has. Each call opens one connection
(created tables on first use, schema version checked), does its work in as few statements as it
can, and closes it: a department's script that records one figure holds nothing open.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from edplan.errors import Problem, UsageError, msg
from edplan.log import pgread, postgres
from edplan.log.database import Database, connect, first_line
from edplan.log.entries import Entry
from edplan.log.framing import Read
from edplan.log.lines import Amendment, Row, entry_of, row_of
from edplan.log.repair import Repaired
from edplan.log.rules import Rules
from edplan.log.store import RECORDED_KEPT, CheckSink, History, Meeting, Story, Tallied
from edplan.log.writer import Amended, AppendResult, BatchResult, Conflict


@contextmanager
def opened(db: Database) -> Iterator[Any]:
    """A connection with the tables ready, closed after."""
    if not db.plan_id:
        raise AssertionError("a database log is used before it is bound to its plan (store.bound)")
    import psycopg

    with connect(db.url) as conn:
        try:
            conn.autocommit = True  # every unit of work is its own explicit transaction
            # Compiling a query costs more than running edplan's (a few scans and look-ups by key).
            conn.execute("SET jit = off")
            postgres.ensure_schema(conn)
            yield conn
        except psycopg.Error as exc:
            # A server that fails mid-way (a lost connection, a full disk, permissions): one line, and
            # the transaction it was in is rolled back by the server, so nothing of it counts.
            raise UsageError(
                Problem(
                    msg("the progress database failed: {error}", error=first_line(exc, db.url)),
                    path=str(db),
                    hint=msg("nothing of this command was written; check the server and run it again"),
                )
            ) from None


def _read(db: Database, tallied: pgread.Tally, changes: pgread.Amended, rules: Rules | None) -> Read:
    held = changes.held
    return Read(
        str(db),
        problems=list(tallied.problems),
        amendments=changes.counted(rules),
        amended={entry_id: entry_of(row, line) for entry_id, (row, line) in held.items()},
        entries=tallied.entries,
    )


def tally(db: Database, rules: Rules | None, known_by: dt.date | None = None) -> Tallied:
    with opened(db) as conn:
        found = pgread.tally(conn, db.plan_id, rules, known_by, str(db))
    return Tallied(found.table, found.problems, found.entries)


def story(
    db: Database,
    target_id: str,
    rules: Rules | None,
    known_by: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
) -> Story:
    with opened(db) as conn:
        changes = pgread.amended(conn, db.plan_id)
        found = pgread.tally(conn, db.plan_id, rules, known_by, str(db), changes)
        entries, total = pgread.target_entries(conn, db.plan_id, target_id, rules, known_by, until, limit)
    read = _read(db, found, changes, rules)
    histories = [History(e, read.amendments_of(e.id)) for e in entries]
    return Story(found.table, histories, read, total)


def meeting(
    db: Database, rules: Rules | None, known_by: dt.date | None, then_known: dt.date, first: dt.date, last: dt.date
) -> Meeting:
    with opened(db) as conn:
        changes = pgread.amended(conn, db.plan_id)
        now = pgread.tally(conn, db.plan_id, rules, known_by, str(db), changes)
        then = pgread.tally(conn, db.plan_id, rules, then_known, str(db), changes)
        recorded, total = pgread.dated_between(conn, db.plan_id, rules, known_by, first, last, RECORDED_KEPT, changes)
    return Meeting(now.table, then.table, recorded, _read(db, now, changes, rules), total)


def check_entries(db: Database, rules: Rules | None, check: Callable[[Entry], list[Any]]) -> tuple[Read, CheckSink]:
    sink = CheckSink(check)
    with opened(db) as conn:
        changes = pgread.amended(conn, db.plan_id)
        found = pgread.tally(conn, db.plan_id, rules, None, str(db), changes)
        for rows, lines in pgread.standing_rows(conn, db.plan_id, rules, changes):
            sink.take(rows, lines)
        drift = pgread.summary_drift(conn, db.plan_id)
    read = _read(db, found, changes, rules)
    if drift:
        read.problems.append(_drifted(db, drift))
    return read, sink


def _drifted(db: Database, groups: int) -> Problem:
    return Problem(
        msg("the status summary (edplan_cells) disagrees with the entries in {n} group(s)", n=groups),
        path=str(db),
        hint=msg("run 'edplan repair' to sum it again from the entries"),
    )


# --- appends ----------------------------------------------------------------------------------------


def append_entries(db: Database, entries: list[Entry], dry_run: bool, batch: str) -> AppendResult:
    """Entries from ``record``: several are one batch (``batch``), all counted or none."""
    with opened(db) as conn:
        ids = [e.id for e in entries]
        found = conn.execute("SELECT id FROM edplan_entries WHERE plan_id = %s AND id = ANY(%s)", (db.plan_id, ids))
        there = {r[0] for r in found.fetchall()}
        batch_id = batch if len(entries) > 1 else ""
        done = postgres.append_entries(conn, db.plan_id, (row_of(e, batch_id) for e in entries), dry_run)
    if done.conflicts:
        return AppendResult([], [], [Conflict(i - 1, entries[i - 1], 0) for i, _, _ in done.conflicts])
    # The ids already there (with the same content: else a conflict above) are the retries.
    added = [e for e in entries if e.id not in there]
    return AppendResult(added, [e for e in entries if e.id in there], [], done.written)


def append_spooled(db: Database, spool: IO[bytes], batch: str, dry_run: bool) -> BatchResult:
    """A bulk import: the checked canonical lines in ``spool``, copied into the database as one batch."""

    def rows() -> Iterator[Row]:
        # The spool holds the canonical lines the import has just checked and written (lines.entry_line):
        # read back with json alone, not validated a second time.
        spool.seek(0)
        loads = json.loads
        for raw in spool:
            d = loads(raw)
            get = d.get
            yield (d["id"], d["target"], d["value"], get("unit", ""), d["date"], get("recorded", ""), batch,
                   get("note", ""), get("source", ""), get("forced", ""))

    with opened(db) as conn:
        done = postgres.append_entries(conn, db.plan_id, rows(), dry_run)
    return BatchResult(done.added, done.already, [(entry_id, 0) for _, entry_id, _ in done.conflicts], done.written)


def append_amendment(
    db: Database,
    entry_id: str,
    amendment_id: str,
    build: Callable[[Entry, Entry | None], Amendment | list[Problem]],
    not_an_entry: Callable[[Amendment | None], Problem],
) -> Amended:
    with opened(db) as conn:
        return postgres.append_amendment(conn, db.plan_id, entry_id, amendment_id, build, not_an_entry)


def repair(db: Database, rules: Rules | None, dry_run: bool) -> Repaired:
    """A database's entries need no repair: every append is a transaction, so nothing is torn or
    half-written. The status summary is checked against them and summed again if it disagrees
    (``problems`` then says so). What repair never moves (values their targets cannot count) is
    still named."""
    with opened(db) as conn:
        drift = pgread.summary_drift(conn, db.plan_id)
        if drift and not dry_run:
            postgres.rebuild_cells(conn, db.plan_id)
        found = pgread.tally(conn, db.plan_id, rules, None, str(db))
    return Repaired([], None, [_drifted(db, drift)] if drift else [], found.entries, found.problems, database=True)
