"""One streaming pass over the progress log for ``status``: the log folded into a tally table.

Why it is fast: ``status`` needs only the target, value, unit and date of each entry, summed per day
(:mod:`edplan.log.tally`), never the entries themselves. Lines written by edplan have one fixed shape, so a
block of the log (512 KB) is decoded once and matched by one compiled regular expression that accepts
exactly the canonical entry line, fields and JSON syntax included (``findall`` runs in C, about three
times faster than ``json.loads`` per line). The hot loop then folds each match into the table. Memory
stays flat: one block, the table (a few thousand cells), the rows of a batch until its commit (at most
10,000), and 8 bytes per id for the duplicate check (arrays of id fingerprints, sorted a block at a
time).

Correctness first: a block whose lines are not all canonical entries is read line by line, and the
lines the pattern does not take (commit lines, amendments, anything else) go through
:func:`edplan.log.ledger.parse_line`, the one parser of the log. Anything irregular — a line that does not
parse, a torn tail, an unfinished batch, an id seen twice, a date not in the calendar — stops the
fast pass and the log is read again by the exact reader (:func:`edplan.log.ledger.read_log`),
so the status and its warnings are the same as they were, line numbers included. A property test
compares the two on random, damaged and merged logs.

And it is read once: the tally of a log without amendments is cached (beside the plan cache) with how
far it reaches and a fingerprint of the file, so the next ``status`` folds only the lines appended
since. The log is append-only; anything else (repair, a git merge, a hand edit that changes the first
or last 4 KB covered) shows in the fingerprint and the log is read again from the start.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import operator
import os
import re
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import repeat
from pathlib import Path
from typing import IO, Any

from edplan.errors import Problem
from edplan.log.entries import Entry, parse_date
from edplan.log.ledger import (
    Amendment,
    Commit,
    LogRead,
    amendments_by_entry,
    apply_amendments,
    locked,
    parse_line,
    read_log,
)
from edplan.log.tally import Row, Table, fold, fold_rows

_BLOCK = 1 << 19

# The canonical entry line (progress.entry_line), fully: strings without escapes or control
# characters, keys in their fixed order, optional keys where they may stand, nothing after the brace.
_TEXT = r'[^"\\\x00-\x1f]'
_ENTRY = re.compile(
    r'^\{"id": "(' + _TEXT + r'+)", "target": "(' + _TEXT + r'+)", "value": "(' + _TEXT + r'+)"'
    r'(?:, "unit": "(' + _TEXT + r'*)")?, "date": "([0-9]{4}-[0-9]{2}-[0-9]{2})"'
    r'(?:, "note": "' + _TEXT + r'*")?(?:, "source": "' + _TEXT + r'*")?(?:, "forced": "' + _TEXT + r'*")?'
    r'(?:, "recorded": "' + _TEXT + r'*")?'
    r'(?:, "batch": "(' + _TEXT + r'+)")?\}$',
    re.MULTILINE,
)
_HASH_BUCKETS = 16  # the id hashes are kept in 16 arrays by value range, so each is checked alone
_BOUNDS = [i << 60 for i in range(1, _HASH_BUCKETS)]
_MAX_HOLD = 10_000  # entries of one batch held before falling back (a long import reads exactly)


class _Irregular(Exception):
    """The log is not plain: read it with the exact reader instead."""


@dataclass
class Scanned:
    """The tally of the log and what the reader met (problems only come from the exact reader)."""

    table: Table
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0
    exact: bool = False  # True: the fast pass gave way to the exact reader


def scan(path: Path | str, known_by: dt.date | None = None, cache: bool = True) -> Scanned:
    """The log's tally as ``status`` needs it, as known on ``known_by`` (everything recorded if None).

    With ``cache``, the tally of a log without amendments is kept (see :func:`_cache_file`) and the
    next scan reads only what was appended since.
    """
    path = Path(path)
    if known_by is not None:
        # The log as it was known on a past day (entries recorded and amendments dated by then) is
        # an occasional question: the exact reader answers it, and the cache is for the present.
        read = read_log(path, known_by)
        return Scanned(fold(read.entries), read.problems, len(read.entries), exact=True)
    try:
        with locked(path, fcntl.LOCK_SH, create=False) as fd, os.fdopen(fd, "rb", closefd=False) as fh:
            stat = os.fstat(fd)
            state = _cache_load(path, stat, fd) if cache else None
            fh.seek(state.offset if state else 0)
            scratch = LogRead(str(path))
            by_entry = amendments_by_entry(fh, scratch)  # a byte search: costs little when there are none
            if state is not None and by_entry:
                # An amendment appended since may change an entry the cached tally already holds.
                state = None
                fh.seek(0)
                scratch = LogRead(str(path))
                by_entry = amendments_by_entry(fh, scratch)
            if scratch.problems or scratch.duplicates:
                raise _Irregular
            state = state or _State()
            fh.seek(state.offset)
            _fold_log(fh, str(path), state, by_entry)
            state.offset = stat.st_size
            if cache and not by_entry and state.new_ids():
                _cache_save(path, stat, fd, state)
            return Scanned(state.table, [], state.order)
    except FileNotFoundError:
        return Scanned({})
    except (_Irregular, IsADirectoryError, PermissionError):
        # The exact reader reads what is irregular, and words what cannot be read (a directory, no access).
        read = read_log(path)
        return Scanned(fold(read.entries), read.problems, len(read.entries), exact=True)


@dataclass
class _State:
    """Where a fold of the log stands: the tally, the id hashes, and how far it has read."""

    table: Table = field(default_factory=dict)
    old: list[array[int]] = field(default_factory=lambda: [array("Q") for _ in range(_HASH_BUCKETS)])
    new: list[array[int]] = field(default_factory=lambda: [array("Q") for _ in range(_HASH_BUCKETS)])
    order: int = 0
    lines: int = 0
    offset: int = 0

    def new_ids(self) -> int:
        return sum(len(b) for b in self.new)

    def duplicates(self) -> bool:
        """Whether an id hash came twice: within what was read now, or again after the cached part."""
        for old, new in zip(self.old, self.new, strict=True):
            if len(set(new)) != len(new):
                return True
            if old and any(_contains(old, h) for h in new):
                return True
        return False

    def merged(self) -> Iterator[array[int]]:
        """Each bucket of old and new hashes, sorted: one at a time, to keep memory flat."""
        for old, new in zip(self.old, self.new, strict=True):
            yield array("Q", sorted(old + new))


def _contains(sorted_hashes: array[int], h: int) -> bool:
    i = bisect_left(sorted_hashes, h)
    return i < len(sorted_hashes) and sorted_hashes[i] == h


def _fold_log(
    fh: IO[bytes], path: str, state: _State, by_entry: dict[str, list[Amendment]]
) -> None:
    table, hashes = state.table, state.new
    pending: dict[str, Any] = {"batch": None, "rows": [], "count": 0}
    carry = b""
    problems: list[Problem] = []

    def take(rows: list[Row], plain_block: bool) -> None:
        """Fold a block's matched lines: plain entries at once, batch entries at their commit."""
        if plain_block and not by_entry and pending["batch"] is None:
            # The common case stays in C as far as it can: no batch, nothing amended in this block.
            state.order = fold_rows(table, rows, state.order)
            _remember(hashes, [r[0] for r in rows])
            return
        plain: list[Row] = []
        for row in rows:
            id_, target, value, unit, day, batch = row
            if by_entry and id_ in by_entry:
                new = _amended(id_, target, value, unit, day, by_entry)
                # A retracted entry still holds its id (a later copy is still a copy); it adds nothing.
                row = (id_, "", "", "", "", batch) if new is None else (id_, target, new[0], new[1] or "", day, batch)
            if batch:
                _hold(pending, batch, row)
            elif pending["batch"] is not None:
                raise _Irregular  # a plain line inside a batch: an unfinished batch
            else:
                plain.append(row)
        state.order = fold_rows(table, (r for r in plain if r[1]), state.order)
        _remember(hashes, [r[0] for r in plain])

    def commit(record: Commit) -> None:
        if pending["batch"] != record.batch or pending["count"] != record.lines:
            raise _Irregular
        rows = pending["rows"]
        state.order = fold_rows(table, (r for r in rows if r[1]), state.order)
        _remember(hashes, [r[0] for r in rows])
        pending.update(batch=None, rows=[], count=0)

    while True:
        block = fh.read(_BLOCK)
        if not block:
            break
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) > 64 * 1024:
                raise _Irregular  # an overlong line: the exact reader reports it
            carry = data
            continue
        whole, carry = data[:cut], data[cut:]
        try:
            text = whole.decode("utf-8")
        except UnicodeDecodeError:
            raise _Irregular from None
        rows = _ENTRY.findall(text)
        lines = text.count("\n")
        if len(rows) == lines:
            take(rows, '"batch": ' not in text)
        else:
            # Not all canonical entries: line by line, so commits and amendments keep their place.
            for number, line in enumerate(text.split("\n")[:-1], start=state.lines + 1):
                match = _ENTRY.match(line)
                if match is not None and match.end() == len(line):
                    take([match.groups(default="")], False)  # type: ignore[list-item]
                    continue
                if not line.strip():
                    continue
                parsed = parse_line(line.encode("utf-8"), number, path, problems)
                if parsed is None or problems:
                    raise _Irregular
                record = parsed[0]
                if isinstance(record, Commit):
                    commit(record)
                elif isinstance(record, Amendment):
                    continue  # applied to its entry, from the first pass
                else:
                    raise _Irregular  # an entry the pattern does not take: read exactly
        state.lines += lines
    if carry or pending["batch"] is not None:
        raise _Irregular  # a torn last line, or a batch without its commit
    if state.duplicates():
        raise _Irregular
    # The pattern takes any dddd-dd-dd; the exact reader reports one that is not a calendar date.
    if any(parse_date(day) is None for day in {key[2] for key in table}):
        raise _Irregular


# --- the tally cache ------------------------------------------------------------------------------
# An analyst runs status many times on a log that only grows. The tally of a log without amendments
# is kept with how far it reaches (bytes, lines, order) and a fingerprint of the file (device, inode,
# the first and the last 4 KB it covers); the next scan checks the fingerprint and folds only what
# was appended. edplan never rewrites a log in place (repair and git replace the file: a new inode).

_CACHE_FORMAT = 2
_WINDOW = 4096


def _cache_file(path: Path) -> Path | None:
    from edplan.plan.load import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"tally-{digest}.bin"


def _fingerprint(fd: int, stat: os.stat_result, offset: int) -> str:
    head = os.pread(fd, min(_WINDOW, offset), 0)
    tail = os.pread(fd, min(_WINDOW, offset), max(offset - _WINDOW, 0))
    digest = hashlib.sha256(f"{stat.st_dev}:{stat.st_ino}:{offset}:".encode())
    digest.update(head)
    digest.update(tail)
    return digest.hexdigest()


def _cache_load(path: Path, stat: os.stat_result, fd: int) -> _State | None:
    from edplan import __version__

    file = _cache_file(path)
    if file is None:
        return None
    try:
        with file.open("rb") as cached:
            meta = json.loads(cached.readline())
            if meta.get("format") != _CACHE_FORMAT or meta.get("version") != __version__:
                return None
            offset = int(meta["offset"])
            if offset > stat.st_size or meta.get("fingerprint") != _fingerprint(fd, stat, offset):
                return None
            state = _State(order=int(meta["order"]), lines=int(meta["lines"]), offset=offset)
            for target, unit, day, total, count, last, order in meta["cells"]:
                state.table[(target, unit, day)] = [None if total is None else Decimal(total), count, last, order]
            if offset < stat.st_size:
                # Only new lines need the ids of the cached part (to tell a copy from a new entry).
                for bucket, size in zip(state.old, meta["buckets"], strict=True):
                    bucket.fromfile(cached, size)
            return state
    except (OSError, EOFError, ValueError, KeyError, TypeError, InvalidOperation):
        return None  # no cache, or one from elsewhere: read the whole log


def _cache_save(path: Path, stat: os.stat_result, fd: int, state: _State) -> None:
    from edplan import __version__

    file = _cache_file(path)
    if file is None:
        return
    meta = {
        "format": _CACHE_FORMAT,
        "version": __version__,
        "offset": state.offset,
        "lines": state.lines,
        "order": state.order,
        "fingerprint": _fingerprint(fd, stat, state.offset),
        "buckets": [len(old) + len(new) for old, new in zip(state.old, state.new, strict=True)],
        "cells": [
            [target, unit, day, None if cell[0] is None else str(cell[0]), cell[1], cell[2], cell[3]]
            for (target, unit, day), cell in state.table.items()
        ],
    }
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp_fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tally-", suffix=".tmp")
        with os.fdopen(tmp_fd, "wb") as out:
            out.write(json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\n")
            for bucket in state.merged():
                bucket.tofile(out)
        os.replace(tmp, file)
    except OSError:
        pass  # a cache that cannot be written is only a slower next run


def _hold(pending: dict[str, Any], batch: str, row: Row) -> None:
    """Keep a batch entry until its commit (a retracted one as a row without target)."""
    if pending["batch"] != batch:
        if pending["batch"] is not None:
            raise _Irregular  # the previous batch never got its commit
        pending.update(batch=batch, rows=[], count=0)
    pending["count"] += 1
    pending["rows"].append(row)
    if pending["count"] > _MAX_HOLD:
        raise _Irregular


def _amended(
    entry_id: str,
    target: str,
    value: str,
    unit: str,
    day: str,
    by_entry: dict[str, list[Amendment]],
) -> tuple[str, str | None] | None:
    """Value and unit after all the entry's amendments; None: retracted. (The fast pass reads the log
    as known now; a past day's knowledge, --known-on, goes to the exact reader.)"""
    entry = Entry(entry_id, target, value, unit or None, dt.date.fromisoformat(day))
    amended = apply_amendments(entry, by_entry[entry_id], None)
    return None if amended is None else (amended.value, amended.unit)


def id_hashes(ids: list[str]) -> list[int]:
    """A 64-bit fingerprint of each id that is the same in every process (CRC-32 and Adler-32 side by
    side), so that the hashes kept in the tally cache still match the next run's. Python's own
    ``hash`` of a string changes from one process to the next. Two ids with one fingerprint only send
    the log to the exact reader, which compares the ids themselves."""
    encoded = list(map(str.encode, ids))
    return list(
        map(operator.or_, map(operator.lshift, map(zlib.crc32, encoded), repeat(32)), map(zlib.adler32, encoded))
    )


def _remember(hashes: list[array[int]], ids: list[str]) -> None:
    """Keep the ids' hashes, sorted within the block and split by value range (C-level work only)."""
    if not ids:
        return
    values = sorted(id_hashes(ids))
    start = 0
    for bucket, bound in enumerate(_BOUNDS):
        end = bisect_left(values, bound, start)
        if end > start:
            hashes[bucket].extend(values[start:end])
        start = end
    if start < len(values):
        hashes[-1].extend(values[start:])
