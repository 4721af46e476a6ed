"""What counts in the progress log, coded once: batches and their commits, ids, values, amendments.

The reader (:mod:`edplan.log.reader`) finds the lines; :class:`Framing` decides what each one adds.
The entries of a batch count only when the commit naming the batch and their number directly follows
them; anything else between them leaves the batch unfinished (not counted, set aside by repair). The
first line with an id holds it: a later copy is dropped and counted, a conflict is one warning. An
entry whose value its target cannot count is one warning. Amendments apply to the entry they name,
wherever it stands, as known on the day each sink asks about; the entries they name are held back
and handed over amended at the end. Ids are 64-bit fingerprints; when the reader reruns a pass with
``suspects`` (fingerprints that collided), those ids are compared exactly.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from edplan.errors import Problem, msg
from edplan.log.amend import as_they_stand, orphans
from edplan.log.entries import Entry
from edplan.log.fingerprints import collisions, empty, id_hashes, merged, spread
from edplan.log.lines import (
    BATCH,
    CANONICAL,
    FORCED,
    ID,
    NOTE,
    RECORDED,
    REPAIR_HINT,
    TALLY,
    TARGET,
    VALUE,
    Amendment,
    Commit,
    Row,
    corrected_row,
    entry_of,
)
from edplan.log.rules import ANY, Rules, fits, unusable
from edplan.log.sinks import Sink, TallySink

_ID, _TARGET, _VALUE = (itemgetter(i) for i in (ID, TARGET, VALUE))

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
    amended_batches: dict[str, str] = field(default_factory=dict)  # their batch ids ('' for none)
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




# --- the rules of one pass -------------------------------------------------------------------------------------


class Batch:
    """A batch being read: its lines so far, and what it adds once its commit follows."""

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


class Framing:
    """The state of one pass over the log and the rules that decide what each line adds."""

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
        self.pending: Batch | None = None
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

    def _admit(self, rows: Sequence[Row], lines: Sequence[int], batch: Batch | None) -> None:
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
        self, rows: Sequence[Row], lines: Sequence[int], hashes: list[int], batch: Batch | None
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

    def _counts(self, a: Amendment) -> bool:
        held = self.held.get(a.entry_id)
        if a.kind != "correction" or self.rules is None or held is None:
            return True
        rule = self.rules.get(held[0][TARGET], ANY)
        return rule is ANY or fits(corrected_row(held[0], a)[VALUE], rule)

    def finish(self) -> Read:
        result = self.result
        by_entry: dict[str, list[Amendment]] = {}
        for a in self.amendments:
            by_entry.setdefault(a.entry_id, []).append(a)
        # Only the amendments that count: a correction to a value its target cannot count is a
        # warning (as_they_stand below) and leaves the entry as it was, in every command's view.
        result.amendments = [a for a in self.amendments if self._counts(a)]
        result.problems += orphans(self.path, self.amendments, self.held)
        for entry_id, (row, line) in self.held.items():
            result.amended[entry_id] = entry_of(row, line)
            result.amended_batches[entry_id] = row[BATCH] if len(row) > BATCH else ""
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
