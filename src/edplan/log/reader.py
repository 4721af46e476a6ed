"""The one reader of the progress log: every command sees the same entries and the same warnings.

Status, show, report, validate, repair and the writers' id checks all read the log through
:func:`read`. The rules are coded here once:

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
from dataclasses import dataclass, field
from operator import itemgetter
from typing import IO, NamedTuple

from edplan.errors import Problem, msg
from edplan.log.amend import as_they_stand, orphans
from edplan.log.entries import Entry
from edplan.log.fingerprints import collisions, empty, id_hashes, merged, spread
from edplan.log.lines import (
    BATCH,
    CANONICAL,
    DATE,
    FORCED,
    ID,
    MAX_LINE_BYTES,
    NOTE,
    RECORDED,
    REPAIR_HINT,
    TALLY,
    TARGET,
    TO_ROW,
    UNIT,
    VALUE,
    Amendment,
    Commit,
    Row,
    entry_of,
    is_date,
    parse_line,
    plain,
    row_of,
)
from edplan.log.rules import Rules, fits, unusable
from edplan.log.sinks import Sink, TallySink
from edplan.log.tally import Table

BLOCK = 1 << 20
_ID, _TARGET, _VALUE, _DATE, _BATCH = (itemgetter(i) for i in (ID, TARGET, VALUE, DATE, BATCH))
_KEY = itemgetter(TARGET, UNIT, DATE)
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


class Span(NamedTuple):
    """Lines ``first``–``last`` of the log, bytes ``start``–``end``: what repair moves as one."""

    first: int
    last: int
    start: int
    end: int


# --- the result -----------------------------------------------------------------------------------


@dataclass
class Read:
    """What one read of the log found, beside what its sinks collected."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    # every amendment that counts, in log order (applied or not: --known-on may leave some out)
    amendments: list[Amendment] = field(default_factory=list)
    # the entries amendments name, as originally recorded (show tells their story)
    amended: dict[str, Entry] = field(default_factory=dict)
    set_aside: list[Span] = field(default_factory=list)  # what repair moves out
    lines: int = 0  # lines read
    entries: int = 0  # entries that count (as known on the day asked)
    duplicates: int = 0
    corrected: int = 0
    retracted: int = 0
    torn: bool = False
    exact_ids: int = 0  # fingerprints that collided and were read exactly (0 on most logs)

    def amendments_of(self, entry_id: str) -> tuple[Amendment, ...]:
        return tuple(a for a in self.amendments if a.entry_id == entry_id)


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


# --- pass two -------------------------------------------------------------------------------------


class _Batch:
    def __init__(self, batch: str, first: int, start: int) -> None:
        self.batch = batch
        self.first = self.last = first
        self.start = start
        self.end = start
        self.count = 0
        self.ids: list[int] = []
        self.held: list[tuple[Row, int]] = []
        self.exact: dict[str, tuple[int, tuple[str, ...]]] = {}
        self.taken = 0  # entries handed to the sinks' stage


class _Pass:
    def __init__(
        self,
        path: str,
        sinks: Sequence[Sink],
        rules: Rules | None,
        referenced: set[str],
        suspects: frozenset[int],
        first_line: int,
        hashes: Sequence[array[int]] | None,
    ) -> None:
        self.path = path
        self.sinks = sinks
        self.rules = rules
        # the knowledge the counts are about: the first sink's
        self.known = sinks[0].known if sinks else None
        self.referenced = referenced
        self.suspects = suspects
        self.result = Read(path)
        self.old = list(hashes) if hashes is not None else empty()
        self.new = empty()
        self.line = first_line - 1  # lines finished so far
        self.offset = 0
        self.pending: _Batch | None = None
        self.held: dict[str, tuple[Row, int]] = {}  # entries amendments name, as recorded
        self.exact: dict[str, tuple[int, tuple[str, ...]]] = {}  # suspect ids: first line, content
        self.amendments: list[Amendment] = []
        # Sinks that build entries need the note, source and forced reason of every line; the tally
        # does not, and the exact rerun compares them (a copy has the same note, a conflict may not).
        self.full = bool(suspects) or any(not isinstance(sink, TallySink) for sink in sinks)
        self.pattern = CANONICAL if self.full else TALLY
        self.usable: set[tuple[str, str]] = set()  # (target, value) pairs the rules accept

    # -- problems --

    def problem(self, message: str, line: int, field_name: str | None = None, hint: str | None = REPAIR_HINT) -> None:
        self.result.problems.append(Problem(message, path=self.path, line=line, field=field_name, hint=hint))

    def aside(self, first: int, last: int, start: int, end: int) -> None:
        self.result.set_aside.append(Span(first, last, start, end))

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
                self.pending = _Batch(batch, first, self.offset)
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
                self.pending = _Batch(batch, number, start)
            self._admit([row], [number], self.pending)
            self.pending.last = number
            self.pending.count += 1
            self.pending.end = self.offset
            return
        self._unfinished()
        self._admit([row], [number], None)

    # -- batches --

    def _commit(self, record: Commit, number: int, start: int) -> None:
        pending = self.pending
        if pending is not None and pending.batch == record.batch and pending.count == record.lines:
            self.pending = None
            self.new_ids(pending.ids)
            self.held.update((r[ID], (r, n)) for r, n in pending.held if r[ID] not in self.held)
            self.exact.update((k, v) for k, v in pending.exact.items() if k not in self.exact)
            self.result.entries += pending.taken
            for sink in self.sinks:
                sink.commit()
            return
        self._unfinished()
        self.problem(
            msg("commit of batch {batch} does not follow its {lines} lines", batch=record.batch, lines=record.lines),
            number,
        )
        self.aside(number, number, start, self.offset)

    def _unfinished(self) -> None:
        pending = self.pending
        if pending is None:
            return
        self.pending = None
        for sink in self.sinks:
            sink.drop()
        self.problem(
            msg(
                "unfinished batch {batch} (lines {first}–{last}): not counted (write interrupted)"
                if pending.last > pending.first
                else "unfinished batch {batch} (line {first}): not counted (write interrupted)",
                batch=pending.batch,
                first=pending.first,
                last=pending.last,
            ),
            pending.first,
        )
        self.aside(pending.first, pending.last, pending.start, pending.end)

    def new_ids(self, values: list[int]) -> None:
        if values:
            spread(values, self.new)

    # -- entries --

    def _admit(self, rows: Sequence[Row], lines: Sequence[int], batch: _Batch | None) -> None:
        """Entries that count once their batch (if any) does: ids, held entries, known-on, values."""
        ids = list(map(_ID, rows))
        hashes = id_hashes(ids)
        if self.suspects:
            rows, lines, hashes = self._exact_ids(rows, lines, hashes, batch)
        if batch is None:
            self.new_ids(hashes)
        else:
            batch.ids.extend(hashes)
        if self.referenced and not self.referenced.isdisjoint(ids):
            keep = [i for i, r in enumerate(rows) if r[ID] not in self.referenced]
            if len(keep) < len(rows):
                held = self.held if batch is None else None
                for i, r in enumerate(rows):
                    if r[ID] in self.referenced:
                        if held is not None:
                            held.setdefault(r[ID], (r, lines[i]))
                        else:
                            assert batch is not None
                            batch.held.append((r, lines[i]))
                rows = [rows[i] for i in keep]
                lines = [lines[i] for i in keep]
        if self.rules is not None:
            rows, lines = self._usable(rows, lines)
        if not rows:
            return
        known: dict[str | None, tuple[Sequence[Row], Sequence[int]]] = {None: (rows, lines)}
        for sink in self.sinks:
            day = sink.known
            if day is not None and day not in known:
                keep = [i for i, r in enumerate(rows) if not r[RECORDED] or r[RECORDED][:10] <= day]
                if len(keep) == len(rows):
                    known[day] = (rows, lines)
                else:
                    known[day] = ([rows[i] for i in keep], [lines[i] for i in keep])
            these, at = known[sink.known]
            if not these:
                continue
            if batch is None:
                sink.take(these, at)
            else:
                sink.stage(these, at)
        counted = len(known[self.known][0]) if self.known in known else len(rows)
        if batch is None:
            self.result.entries += counted
        else:
            batch.taken += counted

    def _exact_ids(
        self, rows: Sequence[Row], lines: Sequence[int], hashes: list[int], batch: _Batch | None
    ) -> tuple[list[Row], list[int], list[int]]:
        """The rerun's id rule for fingerprints that collided: the first line holds the id."""
        suspects = self.suspects
        out_rows: list[Row] = []
        out_lines: list[int] = []
        out_hashes: list[int] = []
        for row, line, h in zip(rows, lines, hashes, strict=True):
            if h in suspects:
                content = ("entry", *row[TARGET:RECORDED], *row[NOTE:FORCED])
                first = self.exact.get(row[ID]) or (batch.exact.get(row[ID]) if batch else None)
                if first is not None:
                    self._again(row[ID], line, first, content)
                    continue
                (batch.exact if batch is not None else self.exact)[row[ID]] = (line, content)
            out_rows.append(row)
            out_lines.append(line)
            out_hashes.append(h)
        return out_rows, out_lines, out_hashes

    def _again(self, entry_id: str, line: int, first: tuple[int, tuple[str, ...]], content: tuple[str, ...]) -> None:
        if first[1] == content:
            self.result.duplicates += 1
        else:
            self.problem(
                msg("id '{id}' is used by a different entry on line {line}", id=entry_id, line=first[0]),
                line,
                "id",
                msg("ids identify one entry; correct a figure with 'edplan correct'"),
            )

    def _usable(self, rows: Sequence[Row], lines: Sequence[int]) -> tuple[Sequence[Row], Sequence[int]]:
        """The rows whose value their target can count; a warning for each other one. Each distinct
        (target, value) is judged once (the usual block is judged in C: all of its pairs seen)."""
        rules = self.rules
        assert rules is not None
        pairs = set(zip(map(_TARGET, rows), map(_VALUE, rows), strict=True))
        new = pairs - self.usable
        if not new:
            return rows, lines
        bad = {(t, v) for t, v in new if t in rules and not fits(v, rules[t])}
        if len(self.usable) < 200_000:
            self.usable |= new - bad
        if not bad:
            return rows, lines
        keep: list[int] = []
        for i, row in enumerate(rows):
            if (row[TARGET], row[VALUE]) in bad:
                self._unusable(row, lines[i], rules[row[TARGET]])
            else:
                keep.append(i)
        return [rows[i] for i in keep], [lines[i] for i in keep]

    def _unusable(self, row: Row, line: int, rule: frozenset[str] | None, correction: bool = False) -> None:
        message, hint = unusable(row, rule, correction)
        self.problem(message, line, "value", hint)

    # -- amendments --

    def _amendment(self, amendment: Amendment) -> None:
        h = id_hashes([amendment.id])
        if self.suspects and h[0] in self.suspects:
            content = ("amendment", *map(str, amendment.key()))
            first = self.exact.get(amendment.id)
            if first is not None:
                self._again(amendment.id, amendment.line, first, content)
                return
            self.exact[amendment.id] = (amendment.line, content)
        self.new_ids(h)
        self.amendments.append(amendment)

    # -- the end --

    def collisions(self) -> frozenset[int]:
        return collisions(self.old, self.new)

    def fingerprints(self) -> list[array[int]]:
        return merged(self.old, self.new)

    def finish(self) -> Read:
        result = self.result
        by_entry: dict[str, list[Amendment]] = {}
        for a in self.amendments:
            by_entry.setdefault(a.entry_id, []).append(a)
        result.amendments = self.amendments
        result.problems += orphans(self.path, self.amendments, self.held)
        for entry_id, (row, line) in self.held.items():
            result.amended[entry_id] = entry_of(row, line)
        done: dict[str | None, tuple[list[Row], list[int]]] = {}
        for known in dict.fromkeys([self.known, *(sink.known for sink in self.sinks)]):
            stand = as_they_stand(self.held, by_entry, self.rules, known)
            if not done:  # the first knowledge asked about reports the problems and counts (once)
                result.corrected += stand.corrected
                result.retracted += stand.retracted
                result.problems += (
                    Problem(message, path=self.path, line=line, field="value", hint=hint)
                    for message, hint, line in stand.unusable
                )
            done[known] = (stand.rows, stand.lines)
        for sink in self.sinks:
            rows, lines = done[sink.known]
            if rows:
                sink.take(rows, lines)
        result.entries += len(done[self.known][0])
        result.lines = self.line
        result.problems.sort(key=lambda p: p.line or 0)
        result.set_aside.sort(key=lambda s: s.start)
        return result
