"""One streaming pass over the progress log for ``status``: the log folded into a tally table.

Why it is fast: ``status`` needs only the target, value, unit and date of each entry, summed per day
(:mod:`edplan.tally`), never the entries themselves. Lines written by edplan have one fixed shape, so a
block of the log (4 MB) is decoded once and matched by one compiled regular expression that accepts
exactly the canonical entry line, fields and JSON syntax included (``findall`` runs in C, about four
times faster than ``json.loads`` per line). The hot loop then folds each match into the table. Memory
stays flat: one block, the table (a few thousand cells), pending batch tallies, and 8 bytes per id
for the duplicate check (an ``array`` of hashes, sorted a block at a time).

Correctness first: a block whose lines are not all canonical entries is read line by line, and the
lines the pattern does not take (commit lines, amendments, anything else) go through
:func:`edplan.progress._parse`, the one parser of the log. Anything irregular — a line that does not
parse, a torn tail, an unfinished batch, an id seen twice, an amendment that does not apply cleanly —
stops the fast pass and the log is read again by the exact reader (:func:`edplan.progress.read_log`),
so the status and its warnings are the same as they were, line numbers included. A property test
compares the two on random, damaged and merged logs.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from edplan.entries import Entry
from edplan.errors import Problem
from edplan.progress import Amendment, LogRead, _amendments, _apply, _Commit, _locked, _parse, read_log
from edplan.tally import Row, Table, fold, fold_rows

_BLOCK = 1 << 22

# The canonical entry line (progress.entry_line), fully: strings without escapes or control
# characters, keys in their fixed order, optional keys where they may stand, nothing after the brace.
_TEXT = r'[^"\\\x00-\x1f]'
_ENTRY = re.compile(
    r'^\{"id": "(' + _TEXT + r'+)", "target": "(' + _TEXT + r'+)", "value": "(' + _TEXT + r'+)"'
    r'(?:, "unit": "(' + _TEXT + r'*)")?, "date": "(\d\d\d\d-\d\d-\d\d)"'
    r'(?:, "note": "' + _TEXT + r'*")?(?:, "source": "' + _TEXT + r'*")?(?:, "recorded": "' + _TEXT + r'*")?'
    r'(?:, "batch": "(' + _TEXT + r'+)")?\}$',
    re.MULTILINE,
)
_HASH_BUCKETS = 16  # the id hashes are kept in 16 arrays by value range, so each is checked alone
_BOUNDS = [(-(1 << 63)) + i * (1 << 60) for i in range(1, _HASH_BUCKETS)]
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


def scan(path: Path | str, known_by: dt.date | None = None) -> Scanned:
    """The log's tally as ``status`` needs it; amendments known by ``known_by`` applied (all if None)."""
    try:
        with _locked(Path(path), fcntl.LOCK_SH, create=False) as fd, os.fdopen(fd, "rb", closefd=False) as fh:
            return _fast(fh, str(path), known_by)
    except FileNotFoundError:
        return Scanned({})
    except _Irregular:
        read = read_log(path, known_by)
        return Scanned(fold(read.entries), read.problems, len(read.entries), exact=True)


def _fast(fh: IO[bytes], path: str, known_by: dt.date | None) -> Scanned:
    scratch = LogRead(path)
    by_entry = _amendments(fh, scratch)  # a byte search: costs little when there are none
    if scratch.problems or scratch.duplicates:
        raise _Irregular
    fh.seek(0)
    table: Table = {}
    hashes = [array("q") for _ in range(_HASH_BUCKETS)]
    pending: dict[str, Any] = {"batch": None, "rows": [], "count": 0}
    order = 0
    line_no = 0
    carry = b""
    problems: list[Problem] = []

    def take(rows: list[Row], plain_block: bool) -> None:
        """Fold a block's matched lines: plain entries at once, batch entries at their commit."""
        nonlocal order
        if plain_block and not by_entry and pending["batch"] is None:
            # The common case stays in C as far as it can: no batch, nothing amended in this block.
            order = fold_rows(table, rows, order)
            _remember(hashes, [r[0] for r in rows])
            return
        plain: list[Row] = []
        for row in rows:
            id_, target, value, unit, day, batch = row
            if by_entry and id_ in by_entry:
                new = _amended(id_, target, value, unit, day, by_entry, known_by)
                # A retracted entry still holds its id (a later copy is still a copy); it adds nothing.
                row = (
                    (id_, target, new[0], new[1] or "", day, batch) if new is not None else (id_, "", "", "", "", batch)
                )
            if batch:
                _hold(pending, batch, row)
            elif pending["batch"] is not None:
                raise _Irregular  # a plain line inside a batch: an unfinished batch
            else:
                plain.append(row)
        order = fold_rows(table, (r for r in plain if r[1]), order)
        _remember(hashes, [r[0] for r in plain])

    def commit(record: _Commit) -> None:
        if pending["batch"] != record.batch or pending["count"] != record.lines:
            raise _Irregular
        nonlocal order
        rows = pending["rows"]
        order = fold_rows(table, (r for r in rows if r[1]), order)
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
            for number, line in enumerate(text.split("\n")[:-1], start=line_no + 1):
                match = _ENTRY.match(line)
                if match is not None and match.end() == len(line):
                    take([match.groups(default="")], False)  # type: ignore[list-item]
                    continue
                if not line.strip():
                    continue
                parsed = _parse(line.encode("utf-8"), number, path, problems)
                if parsed is None or problems:
                    raise _Irregular
                record = parsed[0]
                if isinstance(record, _Commit):
                    commit(record)
                elif isinstance(record, Amendment):
                    continue  # applied to its entry, from the first pass
                else:
                    raise _Irregular  # an entry the pattern does not take: read exactly
        line_no += lines
    if carry or pending["batch"] is not None:
        raise _Irregular  # a torn last line, or a batch without its commit
    if _duplicates(hashes):
        raise _Irregular
    return Scanned(table, [], order)


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
    known_by: dt.date | None,
) -> tuple[str, str | None] | None:
    """Value and unit after the entry's amendments known by ``known_by``; None: retracted."""
    entry = Entry(entry_id, target, value, unit or None, dt.date.fromisoformat(day))
    amended = _apply(entry, by_entry[entry_id], known_by)
    return None if amended is None else (amended.value, amended.unit)


def _remember(hashes: list[array[int]], ids: list[str]) -> None:
    """Keep the ids' hashes, sorted within the block and split by value range (C-level work only)."""
    if not ids:
        return
    values = sorted(map(hash, ids))
    start = 0
    for bucket, bound in enumerate(_BOUNDS):
        end = bisect_left(values, bound, start)
        if end > start:
            hashes[bucket].extend(values[start:end])
        start = end
    if start < len(values):
        hashes[-1].extend(values[start:])


def _duplicates(hashes: list[array[int]]) -> bool:
    """Whether any id hash came twice (then an id may have: the exact reader decides)."""
    return any(len(set(bucket)) != len(bucket) for bucket in hashes)
