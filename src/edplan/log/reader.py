"""The one reader of the progress log: every command sees the same entries and the same warnings.

Status, show, report, validate, repair and the writers' id checks all read the log through
:func:`read`. This module finds the lines; :mod:`edplan.log.framing` holds the rules, coded once:

* **Framing.** A line counts when it is whole (ends with a newline), at most ``MAX_LINE_BYTES``, and
  parses (:mod:`edplan.log.lines`). The entries of a batch count only when the commit line naming the
  batch and their number directly follows them (blank lines aside); anything else between them, a
  correction included, leaves the batch unfinished (not counted, set aside by repair).
* **Ids.** The first line with an id holds it. A later entry with the same id and the same content is
  a copy (both sides of a union merge; dropped and counted); with other content it is a conflict (not
  counted, one warning). Entries and amendments share one id space.
* **Amendments.** Corrections and retractions apply to the entry they name, wherever it stands, in
  log order; an amendment of something that is not a committed entry is a warning.
* **Values.** With the plan's :data:`Rules`, an entry (or correction) whose value the target cannot
  use (not a number for a counted target; not a stage of a milestone) is skipped with its line.

One bad line is skipped with its line number in one warning; it never takes the rest down.

Why it is fast for every log users make: a block of the log (1 MB) is decoded once and matched by one
compiled pattern that accepts exactly the canonical entry line (``findall`` runs in C), batches are
tallied as they stream by (a batch of any size costs its cells, not its rows), and ids are kept as
64-bit fingerprints in sorted arrays (8 bytes an id). Two passes: a byte search for amendments first
(they are few; an entry they name is held back and handed over amended at the end), then the fold.
When two fingerprints collide (a copy, a conflict, or chance) the pass is run again with exact ids
for just those fingerprints, so the answer is always the exact one.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import IO

from edplan.errors import msg
from edplan.log.framing import Batch, Framing, Read, Span
from edplan.log.lines import (
    BATCH,
    DATE,
    MAX_LINE_BYTES,
    TO_ROW,
    Amendment,
    Commit,
    Row,
    is_date,
    parse_line,
    plain,
    row_of,
)
from edplan.log.rules import Rules
from edplan.log.sinks import Sink, TallySink
from edplan.log.tally import Table

__all__ = ["BLOCK", "Read", "Span", "extend", "read"]

BLOCK = 1 << 20
_DATE, _BATCH = itemgetter(DATE), itemgetter(BATCH)
# What stands on the lines that cut a block of entries: commits and amendments (found with a byte
# search; any other odd line only costs its stretch of the block the bulk path).
_CUTS = (b'{"commit"', b'"corrects"', b'"retracts"')


def _specials(whole: bytes) -> list[int]:
    """Where the lines holding a commit or an amendment start, in order."""
    starts: set[int] = set()
    for needle in _CUTS:
        at = whole.find(needle)
        while at != -1:
            start = whole.rfind(b"\n", 0, at) + 1
            starts.add(start)
            end = whole.find(b"\n", at)
            at = -1 if end == -1 else whole.find(needle, end)
    return sorted(starts)
# Every amendment line holds one of these: its key as edplan writes it, or (a key written with an
# escape, by hand) a backslash.
_AMENDMENT_BYTES = (b'cts"', b"\\")  # "corrects", "retracts"


def read(
    fh: IO[bytes],
    path: str,
    sinks: Sequence[Sink],
    *,
    rules: Rules | None = None,
    start: int = 0,
    first_line: int = 1,
    hashes: Sequence[array[int]] | None = None,
) -> tuple[Read, list[array[int]]]:
    """Read the log from byte ``start`` (line ``first_line``) to its end into ``sinks``.

    Each sink may ask for the log as known at the end of a day (its ``known``): entries recorded and
    amendments dated by then. ``hashes``: the id fingerprints of the part before ``start`` (a cache's), so that a copy
    of an earlier id is still seen as one. Returns the read and the id fingerprints of the whole log
    (sorted arrays, by value range) for a cache to keep.
    """
    referenced = _referenced(fh, start)
    suspects: frozenset[int] = frozenset()
    while True:
        fh.seek(start)
        for sink in sinks:
            sink.reset()
        pass_ = _Pass(path, sinks, rules, referenced, suspects, first_line, hashes)
        pass_.run(fh)
        if suspects:
            break
        found = pass_.collisions()
        if not found:
            break
        suspects = found
    result = pass_.finish()
    result.exact_ids = len(suspects)
    return result, pass_.fingerprints()


def extend(
    fh: IO[bytes],
    path: str,
    rules: Rules | None,
    start: int,
    first_line: int,
    hashes: Sequence[array[int]],
    referenced: Iterable[str],
) -> tuple[Read, Table, list[array[int]]] | None:
    """Read only what was appended after ``start`` to a log whose read up to there is known (a
    cache's), when that is exactly what a read of the whole log would add: the new part holds no
    amendment, no entry an earlier amendment names, and no id seen before. None: read it all."""
    if _referenced(fh, start):
        return None
    sink = TallySink()
    pass_ = _Pass(path, [sink], rules, set(referenced), frozenset(), first_line, hashes)
    fh.seek(start)
    pass_.run(fh)
    if pass_.held or pass_.amendments or pass_.collisions():
        return None
    return pass_.finish(), sink.table, pass_.fingerprints()


def _referenced(fh: IO[bytes], start: int) -> set[str]:
    """Pass one: the ids that amendments name, found by a byte search a block at a time (read, not
    mapped: a mapped file would count in the process's memory). A superset is harmless: pass two
    decides which amendments count."""
    fh.seek(start)
    names: set[str] = set()
    carry = b""
    while block := fh.read(BLOCK):
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        whole, carry = data[:cut], data[cut:]
        if len(carry) > MAX_LINE_BYTES:
            carry = b""  # an overlong line counts for nothing
        for needle in _AMENDMENT_BYTES:
            at = whole.find(needle)
            while at != -1:
                line_start = whole.rfind(b"\n", 0, at) + 1
                end = whole.find(b"\n", at)
                if end - line_start <= MAX_LINE_BYTES:
                    parsed = parse_line(whole[line_start:end], 0, "", [])
                    if parsed is not None and isinstance(parsed[0], Amendment):
                        names.add(parsed[0].entry_id)
                at = whole.find(needle, end)
    return names


# --- the scan ---------------------------------------------------------------------------------------


class _Pass(Framing):
    """One pass: the blocks and lines of the log, each handed to the rules of :class:`Framing`."""

    # -- the stream --

    def run(self, fh: IO[bytes]) -> None:
        self.offset = fh.tell()  # where the bytes not yet handled start
        at = self.offset  # where the next block starts
        carry = b""
        skip_from: int | None = None  # an overlong line being skipped started here
        while block := fh.read(BLOCK):
            block_at, at = at, at + len(block)
            if skip_from is not None:
                newline = block.find(b"\n")
                if newline == -1:
                    continue
                self.line += 1
                self.offset = block_at + newline + 1
                self._overlong(skip_from, self.offset)
                block = block[newline + 1 :]
                skip_from = None
            data = carry + block if carry else block
            cut = data.rfind(b"\n") + 1
            whole, carry = data[:cut], data[cut:]
            if whole:
                self._block(whole)
            if len(carry) > MAX_LINE_BYTES:
                skip_from, carry = self.offset, b""
        if skip_from is not None or carry:
            self._unfinished()
            self.result.torn = True
            self.problem(msg("incomplete entry (write interrupted)"), self.line + 1)
            self.aside(self.line + 1, self.line + 1, self.offset, at)
            return
        self._unfinished()

    def _overlong(self, start: int, end: int) -> None:
        self._unfinished()
        self.problem(msg("line is longer than {limit} bytes (corrupt entry)", limit=f"{MAX_LINE_BYTES:,}"), self.line)
        self.aside(self.line, self.line, start, end)

    def _block(self, whole: bytes) -> None:
        """Lines ending in a newline, from ``self.offset``: in bulk where they are canonical entries,
        one at a time around the lines that are not (commits, amendments, anything else)."""
        if self._bulk(whole):
            return
        starts = _specials(whole)
        if not starts or len(starts) > max(16, len(whole) // 4096):
            self._lines(whole)  # no help in cutting: entry-shaped lines that are not canonical, or many
            return
        at = 0
        for start in starts:
            if start > at and not self._bulk(whole[at:start]):
                self._lines(whole[at:start])
            at = whole.index(b"\n", start) + 1
            self._lines(whole[start:at])
        if at < len(whole) and not self._bulk(whole[at:]):
            self._lines(whole[at:])

    def _lines(self, whole: bytes) -> None:
        for raw in whole.split(b"\n")[:-1]:
            self.line += 1
            start = self.offset
            self.offset += len(raw) + 1
            self._one(raw, start)

    def _bulk(self, whole: bytes) -> bool:
        """Take a run of lines at once if every one is a canonical entry of the same batch (or of no
        batch, with none open); False (nothing taken) otherwise."""
        if not plain(whole):
            return False
        try:
            text = whole.decode("utf-8")
        except UnicodeDecodeError:
            return False
        count = whole.count(b"\n")
        rows: list[Row] = self.pattern.findall(text)
        if len(rows) != count or not self._plain_dates(rows):
            return False
        if self.full:
            rows = list(map(TO_ROW, rows))
        batches = set(map(_BATCH, rows))
        first = self.line + 1
        lines = range(first, first + count)
        if batches == {""} and self.pending is None:
            self._admit(rows, lines, None)
        elif len(batches) == 1 and "" not in batches:
            batch = next(iter(batches))
            if self.pending is not None and self.pending.batch != batch:
                return False
            if self.pending is None:
                self.pending = Batch(batch, first, self.offset)
            self._admit(rows, lines, self.pending)
            self.pending.last = first + count - 1
            self.pending.count += count
            self.pending.end = self.offset + len(whole)
        else:
            return False
        self.line += count
        self.offset += len(whole)
        return True

    def _plain_dates(self, rows: list[Row]) -> bool:
        return all(map(is_date, set(map(_DATE, rows))))

    def _one(self, raw: bytes, start: int) -> None:
        number = self.line
        if len(raw) > MAX_LINE_BYTES:
            self._overlong(start, self.offset)
            return
        if not raw.strip():
            return
        row: Row | None = None
        batch = ""
        try:
            text = raw.decode("utf-8") if plain(raw) else None
        except UnicodeDecodeError:
            text = None
        match = self.pattern.fullmatch(text) if text is not None else None
        if match is not None and is_date(match.group(DATE + 1)):
            row = match.groups(default="")
            if self.full:
                row = TO_ROW(row)
            batch = row[BATCH]
        else:
            parsed = parse_line(raw, number, self.path, self.result.problems)
            if parsed is None:
                self._unfinished()
                self.aside(number, number, start, self.offset)
                return
            record, batch_of = parsed
            if isinstance(record, Commit):
                self._commit(record, number, start)
                return
            if isinstance(record, Amendment):
                self._unfinished()
                self._amendment(record)
                return
            row = row_of(record, batch_of)
            batch = batch_of or ""
        if batch:
            if self.pending is not None and self.pending.batch != batch:
                self._unfinished()
            if self.pending is None:
                self.pending = Batch(batch, number, start)
            self._admit([row], [number], self.pending)
            self.pending.last = number
            self.pending.count += 1
            self.pending.end = self.offset
            return
        self._unfinished()
        self._admit([row], [number], None)
