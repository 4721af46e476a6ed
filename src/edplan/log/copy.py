"""``edplan log copy FROM TO``: a log from a file to a database or back, as it was recorded.

A bureau starts with the file beside the plan and moves to PostgreSQL later; a database is exported
to a file for git or an archive. What is copied is the ledger, not a summary: every entry as
originally recorded (retracted ones too), in its order, with its batch id, and then every
amendment, so that the copy gives the same status, the same stories and the same ``--known-on``
replays. The source is read by the one reader (a file) or in the order rows were appended (a
database); what the reader does not count (a torn line, an unfinished batch) is not copied, and
said so.

Idempotent by id: an entry or amendment already at the destination with the same content is
skipped, so a copy interrupted or run twice ends with one of each. An id there with other content
refuses the whole copy (nothing written). Into a database the copy is one transaction; into a
file it is one append under the exclusive lock, the entries of each batch followed by its commit
line, as ``record --from`` writes them.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.log.database import Database
from edplan.log.entries import Entry
from edplan.log.lines import BATCH, ID, Amendment, Row, amendment_line, commit_line, entry_line, entry_of, row_of
from edplan.log.lock import opened
from edplan.log.reader import read
from edplan.log.sinks import EntrySink, Sink
from edplan.log.store import reading
from edplan.log.writer import append_spool, refuse_non_log


@dataclass
class Copied:
    source: str
    dest: str
    entries: int = 0  # entries read from the source (retracted ones included)
    added: int = 0
    already: int = 0  # already at the destination with the same content
    amendments: int = 0
    amendments_added: int = 0
    amendments_already: int = 0
    skipped: list[Problem] = field(default_factory=list)  # what the source's reader did not count
    dry_run: bool = False


# --- the source, as recorded ------------------------------------------------------------------------


class _Spool(Sink):
    """Every committed row the reader hands over, with its line, kept in a temporary file (a million
    entries cost disk, not memory; the rows of an open batch wait in memory for its commit)."""

    def __init__(self, spool: IO[str]) -> None:
        super().__init__()
        self.spool = spool

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self.spool.writelines(json.dumps([n, *r], ensure_ascii=False) + "\n" for r, n in zip(rows, lines, strict=True))


@dataclass
class _Source:
    rows: Iterator[tuple[Row, int]]  # entries as recorded, in order, with their batch (Row[BATCH])
    amendments: list[Amendment]
    skipped: list[Problem]


def _from_file(path: Path, spool: IO[str]) -> _Source:
    sink = _Spool(spool)
    with reading(path) as fh:
        if fh is None:
            raise UsageError(Problem(msg("progress log not found"), path=str(path)))
        refuse_non_log(fh.fileno(), path)  # the plan given as FROM by mistake: refused, not read as a log
        result, _ = read(fh, str(path), [sink])
    spool.flush()
    amended = result.amended

    def spooled() -> Iterator[tuple[Row, int]]:
        spool.seek(0)
        for text in spool:
            line, *row = json.loads(text)
            if row[ID] not in amended:  # an amended entry comes as it stands: its original is below
                yield tuple(row), line

    originals = sorted(
        ((row_of(e, result.amended_batches.get(entry_id)), e.line) for entry_id, e in amended.items()),
        key=lambda item: item[1],
    )
    rows = heapq.merge(spooled(), originals, key=lambda item: item[1])
    orphaned = {p.line for p in result.problems if p.field in ("corrects", "retracts")}
    changes = [a for a in result.amendments if a.line not in orphaned]
    return _Source(rows, changes, list(result.problems))


def _from_database(db: Database, stack: ExitStack) -> _Source:
    from edplan.log import dbstore, pgread, postgres

    conn = stack.enter_context(dbstore.opened(db))
    changes = postgres.amendments(conn, db.plan_id)

    def rows() -> Iterator[tuple[Row, int]]:
        for block in pgread.recorded_rows(conn, db.plan_id):
            yield from block

    return _Source(rows(), changes, [])


# --- the destination --------------------------------------------------------------------------------


def copy_log(source: Path | Database, dest: Path | Database, dry_run: bool = False) -> Copied:
    """Copy every entry and amendment of ``source`` to ``dest`` (see the module's docstring)."""
    out = Copied(str(source), str(dest), dry_run=dry_run)
    with ExitStack() as stack:
        if isinstance(source, Database):
            found = _from_database(source, stack)
        else:
            found = _from_file(source, stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")))
        out.skipped = found.skipped
        if isinstance(dest, Database):
            _into_database(dest, found, out)
        else:
            _into_file(dest, found, out)
    return out


def _conflict(where: str, entry_id: str) -> Problem:
    return Problem(
        msg("id '{id}' is already recorded with different content", id=entry_id),
        path=where,
        field="id",
        hint=msg("the two logs disagree on this id: correct one of them, then copy again"),
    )


def _counting(rows: Iterator[tuple[Row, int]], out: Copied) -> Iterator[Row]:
    for row, _ in rows:
        out.entries += 1
        yield row


def _into_database(db: Database, found: _Source, out: Copied) -> None:
    from edplan.log import dbstore, postgres

    out.amendments = len(found.amendments)
    conflicts: list[str] = []
    with dbstore.opened(db) as conn:
        try:
            # One transaction: the entries and then the amendments, or (a conflict, a dry run) nothing.
            with conn.transaction():
                done = postgres.append_entries(conn, db.plan_id, _counting(found.rows, out))
                out.added, out.already = done.added, done.already
                conflicts = [entry_id for _, entry_id, _ in done.conflicts]
                if not conflicts:
                    out.amendments_added, out.amendments_already, conflicts = postgres.copy_amendments(
                        conn, db.plan_id, found.amendments
                    )
                if conflicts or out.dry_run:
                    raise _RollBack
        except _RollBack:
            pass
    if conflicts:
        raise InputError([_conflict(str(db), entry_id) for entry_id in conflicts[:20]])


class _RollBack(Exception):
    pass


def _into_file(path: Path, found: _Source, out: Copied) -> None:
    """Stream the source into a spool of log lines, checked against every id the destination holds
    (read under the lock), then append the spool: memory is the destination's ids, not the source."""
    out.amendments = len(found.amendments)
    mode = fcntl.LOCK_SH if out.dry_run else fcntl.LOCK_EX
    with tempfile.TemporaryFile() as spool:
        try:
            with opened(path, mode, create=not out.dry_run) as (fd, created):
                refuse_non_log(fd, path)
                with os.fdopen(os.dup(fd), "rb") as fh:
                    there = _records(fh, str(path))
                _spool(found, there, out, str(path), spool)
                if out.added + out.amendments_added and not out.dry_run:
                    spool.seek(0)
                    append_spool(fd, spool, b"", path, created)
        except FileNotFoundError:  # a dry run into a file that does not exist yet
            _spool(found, {}, out, str(path), spool)


def _records(fh: IO[bytes], path: str) -> dict[str, Entry | Amendment]:
    """Every id the log holds, with its first record: entries as recorded, then amendments."""
    sink = EntrySink()
    result, _ = read(fh, path, [sink])
    held: dict[str, Entry | Amendment] = dict(result.amended)  # amended entries: as recorded
    for e in sink.entries:
        held.setdefault(e.id, e)
    for a in result.amendments:
        held.setdefault(a.id, a)
    return held


def _spool(found: _Source, there: dict[str, Entry | Amendment], out: Copied, where: str, spool: IO[bytes]) -> None:
    """The log lines of what ``there`` lacks, written to ``spool``: entries in order, each batch
    followed by its commit line, then the amendments; a conflicting id refuses the whole copy."""
    conflicts: list[str] = []
    batch_id, batch_lines = "", 0

    def close_batch() -> None:
        nonlocal batch_id, batch_lines
        if batch_lines:
            spool.write(commit_line(batch_id, batch_lines).encode())
        batch_id, batch_lines = "", 0

    def taken(record: Entry | Amendment) -> bool:
        """Whether the destination holds the record's id; a conflict when with other content."""
        old = there.get(record.id)
        if old is not None and (type(old) is not type(record) or old.key() != record.key()):
            conflicts.append(record.id)
        return old is not None

    for row, line in found.rows:
        out.entries += 1
        entry = entry_of(row, line)
        if taken(entry):
            out.already += 1
            continue
        if row[BATCH] != batch_id:
            close_batch()
            batch_id = row[BATCH]
        if batch_id:
            spool.write(entry_line(entry, batch_id).encode())
            batch_lines += 1
        else:
            spool.write(entry_line(entry).encode())
        out.added += 1
    close_batch()
    for a in found.amendments:
        if taken(a):
            out.amendments_already += 1
            continue
        spool.write(amendment_line(a).encode())
        out.amendments_added += 1
    if conflicts:
        out.added = out.amendments_added = 0
        raise InputError([_conflict(where, entry_id) for entry_id in conflicts[:20]])
