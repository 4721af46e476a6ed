"""Appending to the log: entries (one, or a batch that counts only once its commit is on disk) and
amendments, under the exclusive lock, never an id twice.

A writer finds the ids already taken with the one reader (:mod:`edplan.log.reader`), not by a byte
search: an id written with an escape, or a line that only ``json.loads`` reads the way readers do,
cannot hide from it. To keep ``record`` instant on a long log, it asks the tally cache first: when
the cache provably matches the file (:mod:`edplan.log.cache`) and none of the new ids' fingerprints
is in it, no id can be taken; otherwise it reads the log. After its append it extends the cache with
exactly the bytes it wrote, so the next ``status`` is instant too.

A log in PostgreSQL (a :class:`~edplan.log.database.Database`) is handed to :mod:`edplan.log.dbstore`,
which keeps the same promises with transactions and the primary key instead of the lock.

Only logs are logs: a writer refuses a file whose lines are mostly not JSON objects (the plan given
as ``--log`` by mistake, a YAML file, a text file) before writing a byte.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.log import cache
from edplan.log.amend import entry_as_it_stands
from edplan.log.database import Database
from edplan.log.entries import Entry, new_id
from edplan.log.fingerprints import contains, id_hashes
from edplan.log.lines import Amendment, amendment_line, commit_line, entry_line, parse_line
from edplan.log.lock import fsync_dir, opened
from edplan.log.reader import extend, read
from edplan.log.rules import Rules
from edplan.log.sinks import EntrySink, TallySink
from edplan.log.store import first_records, kept_read, rules_digest, with_ids
from edplan.log.tally import merge

_SNIFF = 64 * 1024


def refuse_non_log(fd: int, path: Path) -> None:
    """A log is empty or made of JSON objects, one per line: refuse anything else before writing."""
    head = os.pread(fd, _SNIFF, 0)
    lines = [line.strip() for line in head.split(b"\n")[:-1] if line.strip()] if b"\n" in head else []
    if not lines and head.strip():
        lines = [head.strip()]
    objects = sum(1 for line in lines if line.startswith(b"{"))
    if lines and objects * 2 < len(lines):
        raise UsageError(
            Problem(
                msg("this is not a progress log: {bad} of its first {lines} lines are not JSON objects",
                    bad=len(lines) - objects, lines=len(lines)),
                path=str(path),
                hint=msg("check --log: a progress log has one JSON object per line (plans/NAME.progress.jsonl)"),
            )
        )


@dataclass(frozen=True)
class Conflict:
    """An id of the batch already used by something else: nothing of the batch was written."""

    index: int  # position of the refused entry in the batch
    entry: Entry
    line: int  # log line holding the id (0: an earlier entry of the same batch)


@dataclass
class AppendResult:
    added: list[Entry]  # written (or, with dry_run, that would be)
    already: list[Entry]  # ids already in the log with the same content: skipped (a retry)
    conflicts: list[Conflict]  # when not empty, nothing was written
    written: bool = False


class _Known:
    """What the writer knows of the log before its append: the ids taken, and the cache to extend."""

    def __init__(self, fd: int, path: Path, ids: set[str], rules: Rules | None) -> None:
        self.path = path
        self.rules = rules
        self.digest = rules_digest(rules)
        self.before = os.fstat(fd)
        self.kept: cache.Cached | None = None
        self.found: dict[str, Entry | Amendment] = {}
        kept = cache.load(path, self.digest, with_ids=True) if rules is not None else None
        if kept is not None and kept.identity == cache.identity(self.before) and kept.tail_ok:
            if not any(contains(kept.hashes, h) for h in id_hashes(ids)):
                self.kept = kept  # no fingerprint of a new id is in the log: none is taken
                return
        with os.fdopen(os.dup(fd), "rb") as fh:
            if rules is None:
                self.found, _ = with_ids(fh, str(path), ids)
                return
            # One read finds the ids and gives the tally the cache keeps (the next writer is instant).
            tally_sink, entries = TallySink(), EntrySink(lambda row: row[0] in ids)
            result, hashes = read(fh, str(path), [tally_sink, entries], rules=rules)
        self.found = first_records(entries.entries, result, ids)
        if not result.torn:
            self.kept = kept_read(self.before, self.digest, result, tally_sink.table, hashes)

    def extend(self, fd: int) -> None:
        """After an append: the cache, extended by exactly what was appended (or forgotten)."""
        kept = self.kept
        after = os.fstat(fd)
        if kept is None or after.st_size <= self.before.st_size:
            return
        with os.fdopen(os.dup(fd), "rb") as fh:
            tail = extend(fh, str(self.path), self.rules, kept.offset, kept.lines + 1, kept.hashes, kept.referenced)
        if tail is None or cache.identity(os.fstat(fd)) != cache.identity(after):
            cache.forget(self.path)
            return
        result, table, hashes = tail
        merge(kept.table, table)
        kept.identity = cache.identity(after)
        kept.offset = after.st_size
        kept.lines = result.lines
        kept.problems = sorted([*kept.problems, *result.problems], key=lambda p: p.line or 0)
        kept.entries += result.entries
        kept.hashes = hashes
        cache.save(self.path, kept)


def append_entries(
    path: Path | str | Database, entries: Iterable[Entry], dry_run: bool = False, rules: Rules | None = None
) -> AppendResult:
    """Append entries as one unit: all of them or none, never an id twice.

    An entry whose id is already in the log with the same content is skipped (a retried script);
    the same id with other content (in the log or earlier in the batch) is a conflict, and then
    nothing is written. More than one new entry is written as a batch with a commit line.
    ``rules`` (the plan's, as status reads with them) lets the writer use and extend the tally cache.
    """
    batch = list(entries)
    if not batch:
        return AppendResult([], [], [])
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.append_entries(path, batch, dry_run, new_id("b"))
    path = Path(path)
    wanted = {e.id for e in batch}
    if dry_run:
        try:
            with opened(path, fcntl.LOCK_SH, create=False) as (fd, _):
                refuse_non_log(fd, path)
                return _sort_batch(batch, _Known(fd, path, wanted, rules).found)
        except FileNotFoundError:
            return _sort_batch(batch, {})
    with opened(path, fcntl.LOCK_EX, create=True) as (fd, created):
        refuse_non_log(fd, path)
        known = _Known(fd, path, wanted, rules)
        result = _sort_batch(batch, known.found)
        if result.added and not result.conflicts:
            if len(result.added) > 1:
                batch_id = new_id("b")
                lines = [entry_line(e, batch_id) for e in result.added]
                lines.append(commit_line(batch_id, len(result.added)))
            else:
                lines = [entry_line(e) for e in result.added]
            append_lines(fd, lines, path, created)
            result.written = True
            known.extend(fd)
    return result


def _sort_batch(batch: list[Entry], existing: dict[str, Entry | Amendment]) -> AppendResult:
    result = AppendResult([], [], [])
    in_batch: dict[str, Entry] = {}
    for index, entry in enumerate(batch):
        old = existing.get(entry.id)
        earlier = in_batch.get(entry.id)
        if old is None and earlier is None:
            in_batch[entry.id] = entry
            result.added.append(entry)
        elif (isinstance(old, Entry) and old.key() == entry.key()) or (
            earlier is not None and earlier.key() == entry.key()
        ):
            result.already.append(entry)
        else:
            line = old.line if old is not None else 0
            result.conflicts.append(Conflict(index, entry, line))
    return result


@dataclass(frozen=True)
class Amended:
    amendment: Amendment
    entry: Entry  # the entry amended, as originally recorded
    before: Entry | None  # the entry as it stood before this amendment (None: already retracted)
    added: bool  # False: the same amendment was already in the log (a retry)


def append_amendment(
    path: Path | str | Database,
    entry_id: str,
    amendment_id: str,
    build: Callable[[Entry, Entry | None], Amendment | list[Problem]],
) -> Amended:
    """Append a correction or retraction (id ``amendment_id``) of an entry already in the log.

    Under the exclusive lock: the entry must be in the log (committed); ``build(entry, current)``
    gets it as originally recorded and as it stands now (None: retracted), and returns the amendment
    to write or the problems that refuse it. An amendment with this id already in the log with the
    same content adds nothing (a retry); with other content it is refused.
    """
    if isinstance(path, Database):
        from edplan.log import dbstore

        db = path
        return dbstore.append_amendment(db, entry_id, amendment_id, build, lambda r: _not_an_entry(db, entry_id, r))
    path = Path(path)
    with opened(path, fcntl.LOCK_EX, create=True) as (fd, created):
        refuse_non_log(fd, path)
        with os.fdopen(os.dup(fd), "rb") as fh:
            found, result = with_ids(fh, str(path), {entry_id, amendment_id})
        record = found.get(entry_id)
        # An id or a value the arguments name wrongly is a usage error (exit 2), as everywhere.
        if not isinstance(record, Entry):
            raise UsageError(_not_an_entry(path, entry_id, record))
        entry = record
        changes = [a for a in result.amendments if a.entry_id == entry_id and a.id != amendment_id]
        before = entry_as_it_stands(entry, changes, None)
        built = build(entry, before)
        if isinstance(built, list):
            raise UsageError(built)
        same_id = found.get(amendment_id)
        if same_id is not None:
            if isinstance(same_id, Amendment) and same_id.key() == built.key():
                return Amended(same_id, entry, before, False)
            raise InputError(
                Problem(
                    msg("id '{id}' is already recorded with different content", id=amendment_id),
                    path=str(path),
                    field="id",
                    hint=msg("use a new id, or leave it out to have one generated"),
                )
            )
        append_lines(fd, [amendment_line(built)], path, created)
    return Amended(built, entry, before, True)


def _not_an_entry(path: Path | Database, entry_id: str, record: Amendment | None) -> Problem:
    if record is not None:
        return Problem(
            msg(
                "'{id}' is a correction, not an entry"
                if record.kind == "correction"
                else "'{id}' is a retraction, not an entry",
                id=entry_id,
            ),
            field="id",
            hint=msg("amend the entry it refers to: {entry}", entry=record.entry_id),
        )
    return Problem(
        msg("no entry with id '{id}' in the log", id=entry_id),
        path=str(path),
        field="id",
        hint=msg("give the id of an entry (the first field of its line)"),
    )


def append_lines(fd: int, lines: list[str], path: Path, created: bool) -> None:
    """Append lines; several are a batch whose last line (the commit) is written after the rest is on disk."""
    size = os.fstat(fd).st_size
    # An interrupted write left a fragment: end it, so that ours is not glued onto it.
    prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
    body = [line.encode("utf-8") for line in lines]
    if len(body) == 1:
        write_all(fd, prefix + body[0])
        os.fsync(fd)
    else:
        write_all(fd, prefix + b"".join(body[:-1]))
        os.fsync(fd)  # the entries are on disk before the commit line that makes them count
        write_all(fd, body[-1])
        os.fsync(fd)
    if created:
        fsync_dir(path.parent)


def write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --- bulk imports: checked into a spool file first, appended from it -------------------------------


@dataclass
class BatchResult:
    added: int  # written (or, with dry_run, that would be)
    already: int  # ids already in the log with the same content: skipped (a retry)
    conflicts: list[tuple[str, int]]  # (id, log line holding it with other content): nothing written
    written: bool = False


def append_spooled(
    path: Path | str | Database,
    spool: IO[bytes],
    ids: set[str],
    batch: str,
    dry_run: bool = False,
    rules: Rules | None = None,
) -> BatchResult:
    """Append a batch that a bulk import has already checked and written, as canonical lines of batch
    ``batch``, into ``spool`` (a temporary file): all of it or nothing, never an id twice.

    Memory stays flat whatever the size of the import: the lines are copied from the spool in blocks
    under the exclusive lock, then the commit line; a writer killed half-way leaves an unfinished
    batch, which counts for nothing. Ids already in the log are skipped when the content is the same
    (a retried import) and refuse the whole batch when it is not.
    """
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.append_spooled(path, spool, batch, dry_run)
    path = Path(path)
    mode = fcntl.LOCK_SH if dry_run else fcntl.LOCK_EX
    try:
        with opened(path, mode, create=not dry_run) as (fd, created):
            refuse_non_log(fd, path)
            known = _Known(fd, path, ids, rules)
            kept, result = _kept_lines(spool, known.found)
            if result.conflicts or dry_run or not result.added:
                return result
            if result.added == 1:
                # One new entry is a plain line, as 'record' writes it.
                line = kept.read()
                entry = parse_line(line.rstrip(b"\n"), 0, "", [])
                assert entry is not None and isinstance(entry[0], Entry)
                append_lines(fd, [entry_line(entry[0])], path, created)
            else:
                append_spool(fd, kept, commit_line(batch, result.added).encode(), path, created)
            result.written = True
            known.extend(fd)
            return result
    except FileNotFoundError:  # a dry run on a log that does not exist yet
        kept, result = _kept_lines(spool, {})
        return result


def _kept_lines(spool: IO[bytes], found: dict[str, Entry | Amendment]) -> tuple[IO[bytes], BatchResult]:
    """The spool as it will be appended: without the lines whose id the log already holds."""
    spool.seek(0)
    result = BatchResult(0, 0, [])
    if not found:
        for block in iter(lambda: spool.read(1 << 20), b""):
            result.added += block.count(b"\n")
        spool.seek(0)
        return spool, result
    kept = tempfile.TemporaryFile()
    for line in spool:
        parsed = parse_line(line.rstrip(b"\n"), 0, "", [])
        assert parsed is not None and isinstance(parsed[0], Entry)  # the import wrote it
        entry = parsed[0]
        old = found.get(entry.id)
        if old is None:
            kept.write(line)
            result.added += 1
        elif isinstance(old, Entry) and old.key() == entry.key():
            result.already += 1
        else:
            result.conflicts.append((entry.id, old.line))
    kept.seek(0)
    return kept, result


def append_spool(fd: int, source: IO[bytes], commit: bytes, path: Path, created: bool) -> None:
    """Append ``source`` in blocks, on disk before ``commit`` (the line that makes a batch count)."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        write_all(fd, b"\n")  # end an interrupted write's fragment, so that ours is not glued onto it
    while chunk := source.read(1 << 20):
        write_all(fd, chunk)
    os.fsync(fd)  # the entries are on disk before the commit line that makes them count
    write_all(fd, commit)
    os.fsync(fd)
    if created:
        fsync_dir(path.parent)
