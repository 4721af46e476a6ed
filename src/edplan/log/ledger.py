"""The progress log: a plain-text, append-only ledger, one JSON object per line.

Beside ``plans/2006.yaml`` lives ``plans/2006.progress.jsonl``. Four kinds of line (the README's
"The log as a ledger" shows each):

* an **entry** (``id``, ``target``, ``value``, ``unit``, ``date``, …): one figure reported;
* a **correction** (``id``, ``corrects``, ``value``, ``unit``, ``reason``, ``date``, …) and a
  **retraction** (``id``, ``retracts``, ``reason``, ``date``, …): amendments of an entry, appended,
  never written over it;
* a **commit** (``commit``, ``lines``) closing a batch: the entries of a bulk import carry
  ``"batch": ID`` and count only once the commit line naming that batch directly follows all of them.
  A single entry is one plain line.

Writers take an exclusive ``flock``, append with ``O_APPEND`` and ``fsync`` before reporting success;
a batch is written as its entries, ``fsync``, then its commit line, ``fsync``. A writer killed at any
moment (or a power loss) therefore leaves either a committed batch or lines that readers ignore:
an unfinished batch, or a last line without its newline. Readers take a shared lock; ``validate``
reports what they ignored and :func:`repair` moves it into a side file. Nothing else ever rewrites
the log.

Reading is two streaming passes under one shared lock: the first collects the amendments (a byte
search skips every other line), the second yields entries with their amendments applied. What is held
in memory: one int per distinct id (to drop the copies a union merge makes), the amendments, and up
to 10,000 entries of a batch until its commit (a longer batch is read again from the file). Writers
and repair read the whole log into memory (writers look ids up with a byte search).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, NamedTuple, Protocol

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.log.entries import Entry, new_id, parse_date

LOG_SUFFIX = ".progress.jsonl"
MAX_LINE_BYTES = 64 * 1024
# Crash tests only: seconds to pause between the pieces of a batch write, so that a test can kill the
# writer between lines, inside a line and before the commit. Never set in normal use.
SLOW_WRITE_ENV = "EDPLAN_TEST_SLOW_WRITE"

_REPAIR = msg("run 'edplan repair' to set it aside")


def log_path_for(plan_path: Path | str) -> Path:
    """``plans/2006.yaml`` → ``plans/2006.progress.jsonl``."""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + LOG_SUFFIX)


# --- the lines ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Amendment:
    """A correction or a retraction of one entry: a line of its own, after the entry's line.

    ``date`` is the day the amendment became known (not the day the figure refers to): ``status
    --known-on K`` applies only amendments dated on or before K; without it every one applies, to
    every ``--as-of`` date the entry concerns.
    """

    id: str
    entry_id: str  # the entry amended (never another amendment)
    kind: Literal["correction", "retraction"]
    reason: str
    date: dt.date
    value: str | None = None  # corrections: the new value, written as an entry writes it
    unit: str | None = None  # corrections: the unit of ``value`` (None for milestones)
    recorded: str = ""  # when it was appended (UTC)
    line: int = 0  # where it stands in the log (0: not read from a log)
    forced: str = ""  # corrections: why a figure the plausibility check refused was written anyway

    def key(self) -> tuple[str, str, str | None, str | None, dt.date, str]:
        """What makes two amendments with one id the same (the recording time does not)."""
        return (self.kind, self.entry_id, self.value, self.unit, self.date, self.reason)


def entry_line(entry: Entry, batch: str | None = None) -> str:
    """The canonical line for an entry: fixed key order, empty optional fields left out."""
    record: dict[str, str] = {"id": entry.id, "target": entry.target, "value": entry.value}
    if entry.unit:
        record["unit"] = entry.unit
    record["date"] = entry.date.isoformat()
    if entry.note:
        record["note"] = entry.note
    if entry.source:
        record["source"] = entry.source
    if entry.forced:
        record["forced"] = entry.forced
    if entry.recorded:
        record["recorded"] = entry.recorded
    if batch:
        record["batch"] = batch
    return json.dumps(record, ensure_ascii=False) + "\n"


def amendment_line(amendment: Amendment) -> str:
    """The canonical line for a correction or a retraction."""
    a = amendment
    record: dict[str, str] = {"id": a.id}
    if a.kind == "correction":
        record["corrects"] = a.entry_id
        record["value"] = a.value or ""
        if a.unit:
            record["unit"] = a.unit
    else:
        record["retracts"] = a.entry_id
    record["date"] = a.date.isoformat()
    record["reason"] = a.reason
    if a.forced:
        record["forced"] = a.forced
    if a.recorded:
        record["recorded"] = a.recorded
    return json.dumps(record, ensure_ascii=False) + "\n"


def commit_line(batch: str, lines: int) -> str:
    return json.dumps({"commit": batch, "lines": lines}) + "\n"


class Commit(NamedTuple):
    batch: str
    lines: int


_Record = Entry | Amendment | Commit

_ENTRY_FIELDS = frozenset(("id", "target", "value", "unit", "date", "note", "source", "forced", "recorded", "batch"))
_CORRECTION_FIELDS = frozenset(("id", "corrects", "value", "unit", "date", "reason", "forced", "recorded"))
_RETRACTION_FIELDS = frozenset(("id", "retracts", "date", "reason", "recorded"))
_COMMIT_FIELDS = frozenset(("commit", "lines"))


def parse_line(raw: bytes, number: int, path: str, problems: list[Problem]) -> tuple[_Record, str | None] | None:
    """One line → a record (and the batch an entry belongs to), or None with the problem recorded.

    The only place log lines are parsed: reading, appending, amending and repairing all agree.
    """
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        record = None
    # The common case, kept short (it runs once per line): an entry whose every field is text.
    if type(record) is dict:
        i, t, v, d = record.get("id"), record.get("target"), record.get("value"), record.get("date")
        if type(i) is str and type(t) is str and type(v) is str and type(d) is str and i and t and v:
            u, n, s, r, b, f = (record.get(k, "") for k in ("unit", "note", "source", "recorded", "batch", "forced"))
            when = _DATES.get(d) or _date(d)
            if (
                when is not None
                and type(u) is str
                and type(n) is str
                and type(s) is str
                and type(r) is str
                and type(b) is str
                and type(f) is str
                and record.keys() <= _ENTRY_FIELDS
            ):
                return Entry(i, t, v, u or None, when, n, s, r, number, f), b or None
    return _parse_slowly(raw, record, number, path, problems)


_DATES: dict[str, dt.date] = {}  # dates as written in the log, parsed once each (a log has few)


def _date(text: str) -> dt.date | None:
    when = parse_date(text)
    if when is not None and len(_DATES) < 100_000:
        _DATES[text] = when
    return when


def _parse_slowly(
    raw: bytes, record: object, number: int, path: str, problems: list[Problem]
) -> tuple[_Record, str | None] | None:
    """Everything but a well-formed entry: amendments, commits, and every way a line can be wrong."""

    def bad(message: str, field_name: str | None = None, hint: str | None = None) -> None:
        problems.append(Problem(message, path=path, line=number, field=field_name, hint=hint))

    if b"\x00" in raw:
        bad(msg("NUL bytes in the line (corrupt entry)"), hint=_REPAIR)
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        bad(msg("invalid UTF-8 (corrupt entry)"), hint=_REPAIR)
        return None
    if record is None:
        if raw.startswith(b"{") and not raw.rstrip().endswith(b"}"):
            # The start of a line without its end: a write cut short, later followed by a newline.
            bad(msg("incomplete entry (write interrupted)"), hint=_REPAIR)
        else:
            bad(msg("not a JSON object (corrupt or incomplete entry)"), hint=_REPAIR)
        return None
    if not isinstance(record, dict):
        bad(msg("not a JSON object (corrupt or incomplete entry)"), hint=_REPAIR)
        return None
    if "commit" in record:
        kind, allowed = "commit", _COMMIT_FIELDS
    elif "corrects" in record:
        kind, allowed = "correction", _CORRECTION_FIELDS
    elif "retracts" in record:
        kind, allowed = "retraction", _RETRACTION_FIELDS
    else:
        kind, allowed = "entry", _ENTRY_FIELDS
    for key in record:
        if key not in allowed:
            bad(msg("unknown field '{field}'", field=str(key)[:40]), str(key)[:40], _REPAIR)
            return None
    if kind == "commit":
        lines = record.get("lines")
        if not isinstance(record["commit"], str) or not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
            bad(msg("a commit line needs a batch id and a positive 'lines' count"), hint=_REPAIR)
            return None
        return Commit(record["commit"], lines), None
    required = {
        "entry": ("id", "target", "value", "date"),
        "correction": ("id", "corrects", "value", "date", "reason"),
        "retraction": ("id", "retracts", "date", "reason"),
    }[kind]
    for key in required:
        if not isinstance(record.get(key), str) or (not record[key] and key != "reason"):
            bad(msg("'{field}' is missing or not text", field=key), key, _REPAIR)
            return None
    for key in allowed:
        if key in record and not isinstance(record[key], str):
            bad(msg("'{field}' is not text", field=key), key, _REPAIR)
            return None
    when = parse_date(record["date"])
    if when is None:
        bad(msg("'{text}' is not a date", text=record["date"][:40]), "date", _REPAIR)
        return None
    if kind == "entry":
        entry = Entry(
            record["id"],
            record["target"],
            record["value"],
            record.get("unit"),
            when,
            record.get("note", ""),
            record.get("source", ""),
            record.get("recorded", ""),
            number,
            record.get("forced", ""),
        )
        return entry, record.get("batch")
    amendment = Amendment(
        id=record["id"],
        entry_id=record["corrects"] if kind == "correction" else record["retracts"],
        kind="correction" if kind == "correction" else "retraction",
        reason=record["reason"],
        date=when,
        value=record.get("value"),
        unit=record.get("unit"),
        recorded=record.get("recorded", ""),
        line=number,
        forced=record.get("forced", ""),
    )
    return amendment, None


# --- framing: raw lines → committed records -------------------------------------------------------


class _Raw(NamedTuple):
    number: int  # 1-based line number
    start: int  # byte offset of the line
    end: int  # byte offset after the line (and its newline)
    data: bytes | None  # without the newline; None: longer than MAX_LINE_BYTES
    complete: bool  # False: the last line, without its newline


_BLOCK = 1 << 20


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def _raw_lines(fh: _Readable, wanted: tuple[bytes, ...] = ()) -> Iterator[_Raw]:
    """Every line of the log with its position, reading a block at a time (memory: one block, plus one
    line of at most ``MAX_LINE_BYTES``; a longer line is skipped, not held).

    With ``wanted``, only lines containing one of those byte strings are handed out (line numbers and
    offsets stay true), and blocks without any are skipped at the speed of a byte search.
    """
    number = 0  # lines finished so far
    offset = 0  # byte offset of the start of ``carry``
    carry = b""  # the start of a line that continues in the next block
    oversize = False  # the current line is longer than MAX_LINE_BYTES: its bytes are being skipped
    skipped_from = 0
    while block := fh.read(_BLOCK):
        if oversize:
            newline = block.find(b"\n")
            if newline == -1:
                offset += len(block)
                continue
            number += 1
            offset += newline + 1
            yield _Raw(number, skipped_from, offset, None, True)
            block = block[newline + 1 :]
            oversize = False
        data = carry + block if carry else block
        last = data.rfind(b"\n")
        if last == -1:
            carry = data
        else:
            whole, carry = data[: last + 1], data[last + 1 :]
            if wanted and not any(w in whole for w in wanted):
                number += whole.count(b"\n")
                offset += len(whole)
            else:
                for line in whole.split(b"\n")[:-1]:
                    number += 1
                    end = offset + len(line) + 1
                    if len(line) > MAX_LINE_BYTES:
                        yield _Raw(number, offset, end, None, True)
                    elif not wanted or any(w in line for w in wanted):
                        yield _Raw(number, offset, end, line, True)
                    offset = end
        if len(carry) > MAX_LINE_BYTES:
            skipped_from = offset
            offset += len(carry)
            carry = b""
            oversize = True
    if oversize:
        yield _Raw(number + 1, skipped_from, offset, None, False)
    elif carry:
        yield _Raw(number + 1, offset, offset + len(carry), carry, False)


class _Span(NamedTuple):
    """Lines ``first``–``last`` of the log, bytes ``start``–``end`` (what repair moves as one)."""

    first: int
    last: int
    start: int
    end: int


class _Window:
    """Bytes ``start``–``end`` of a descriptor, read with ``pread`` (the main reader does not move)."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd, self.at, self.end = fd, start, end

    def read(self, size: int) -> bytes:
        data = os.pread(self.fd, min(size, self.end - self.at), self.at) if self.at < self.end else b""
        self.at += len(data)
        return data


class _Batch:
    """The lines of a batch read so far, waiting for its commit. Up to ``HOLD`` entries are kept; a
    longer batch keeps only where it lies and is read again once its commit is seen, so that memory
    stays bounded whatever the size of an import."""

    HOLD = 10_000

    def __init__(self, batch: str, raw: _Raw) -> None:
        self.batch = batch
        self.first = self.last = raw
        self.count = 0
        self.held: list[Entry] | None = []

    def add(self, entry: Entry, raw: _Raw) -> None:
        self.last = raw
        self.count += 1
        if self.held is not None:
            self.held.append(entry)
            if len(self.held) > self.HOLD:
                self.held = None

    def span(self) -> _Span:
        return _Span(self.first.number, self.last.number, self.first.start, self.last.end)

    def entries(self, fd: int) -> Iterator[Entry]:
        if self.held is not None:
            yield from self.held
            return
        shift = self.first.number - 1
        for raw in _raw_lines(_Window(fd, self.first.start, self.last.end)):
            if raw.data is not None and raw.data.strip():
                parsed = parse_line(raw.data, raw.number + shift, "", [])
                if parsed is not None and isinstance(parsed[0], Entry):
                    yield parsed[0]


class _Scan:
    """Turns raw lines into the records that count, noting every line that does not.

    ``set_aside`` collects the lines a reader ignores because of how they were written (torn, corrupt,
    an unfinished batch, a commit without its batch): what :func:`repair` moves out.
    """

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.set_aside: list[_Span] = []
        self.torn = False

    def _aside(self, raw: _Raw) -> None:
        self.set_aside.append(_Span(raw.number, raw.number, raw.start, raw.end))

    def records(self, fh: IO[bytes]) -> Iterator[Entry | Amendment]:
        pending: _Batch | None = None

        def unfinished() -> None:
            nonlocal pending
            if pending is not None:
                first, last = pending.first.number, pending.last.number
                self.problems.append(
                    Problem(
                        msg(
                            "unfinished batch {batch} (lines {first}–{last}): not counted (write interrupted)"
                            if last > first
                            else "unfinished batch {batch} (line {first}): not counted (write interrupted)",
                            batch=pending.batch,
                            first=first,
                            last=last,
                        ),
                        path=self.path,
                        line=first,
                        hint=_REPAIR,
                    )
                )
                self.set_aside.append(pending.span())
            pending = None

        for raw in _raw_lines(fh):
            if not raw.complete:
                unfinished()
                self.torn = True
                self.problems.append(
                    Problem(msg("incomplete entry (write interrupted)"), path=self.path, line=raw.number, hint=_REPAIR)
                )
                self._aside(raw)
                return
            if raw.data is None:
                unfinished()
                self.problems.append(
                    Problem(
                        msg("line is longer than {limit} bytes (corrupt entry)", limit=f"{MAX_LINE_BYTES:,}"),
                        path=self.path,
                        line=raw.number,
                        hint=_REPAIR,
                    )
                )
                self._aside(raw)
                continue
            if not raw.data.strip():
                continue
            parsed = parse_line(raw.data, raw.number, self.path, self.problems)
            if parsed is None:
                unfinished()
                self._aside(raw)
                continue
            record, batch = parsed
            if isinstance(record, Commit):
                if pending is not None and pending.batch == record.batch and pending.count == record.lines:
                    yield from pending.entries(fh.fileno())
                    pending = None
                    continue
                unfinished()
                self.problems.append(
                    Problem(
                        msg(
                            "commit of batch {batch} does not follow its {lines} lines",
                            batch=record.batch,
                            lines=record.lines,
                        ),
                        path=self.path,
                        line=raw.number,
                        hint=_REPAIR,
                    )
                )
                self._aside(raw)
                continue
            if isinstance(record, Entry) and batch is not None:
                if pending is None or batch != pending.batch:
                    unfinished()
                    pending = _Batch(batch, raw)
                pending.add(record, raw)
                continue
            unfinished()
            yield record
        unfinished()


# --- reading --------------------------------------------------------------------------------------


@dataclass
class LogRead:
    """What the log says, as of a knowledge date.

    ``entries``: in log order, each once (copies of an id with the same content, e.g. from both
    sides of a union merge, are dropped and counted in ``duplicates``), with corrections applied
    and retracted entries left out. ``amendments``: every correction and retraction, in log order.
    ``problems``: everything a reader skipped, with where it is and how to fix it.
    """

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    duplicates: int = 0
    corrected: int = 0  # entries whose figure a correction changed
    retracted: int = 0
    torn: bool = False


def read_log(path: Path | str, known_by: dt.date | None = None) -> LogRead:
    """Read the whole log. A missing log is an empty one (nothing recorded yet).

    ``known_by``: the log as it was known at the end of that day (``--known-on``): entries recorded
    by then (see :func:`known_on`) and amendments dated by then; None: everything recorded.
    """
    result = LogRead(str(path))
    result.entries = list(iter_entries(path, result, known_by))
    return result


def iter_entries(path: Path | str, result: LogRead, known_by: dt.date | None = None) -> Iterator[Entry]:
    """Stream the entries :func:`read_log` would list, filling ``result`` with the rest as it goes.

    Holds the shared lock until the iterator is exhausted or closed.
    """
    try:
        with locked(Path(path), fcntl.LOCK_SH, create=False) as fd, os.fdopen(fd, "rb", closefd=False) as fh:
            yield from _entries(fh, result, known_by)
    except FileNotFoundError:
        return
    except PermissionError:
        raise UsageError(Problem(msg("cannot read the progress log: permission denied"), path=result.path)) from None
    except IsADirectoryError:
        raise UsageError(Problem(msg("the progress log is a directory"), path=result.path)) from None


def _entries(fh: IO[bytes], result: LogRead, known_by: dt.date | None) -> Iterator[Entry]:
    by_entry = amendments_by_entry(fh, result)
    fh.seek(0)
    scan = _Scan(result.path, result.problems)
    # id → its line and a fingerprint of its content packed in one int (line << 64 | fingerprint):
    # enough to tell a harmless copy from a conflict, in about 100 bytes per id.
    seen: dict[str, int] = {}
    for record in scan.records(fh):
        if isinstance(record, Amendment):
            continue  # collected by the first pass
        entry = record
        fingerprint = hash(entry[1:7]) & _MASK  # the fields of Entry.key()
        first = seen.get(entry.id)
        if first is not None:
            if first & _MASK == fingerprint:
                result.duplicates += 1
            else:
                result.problems.append(_conflict(result.path, entry.line, entry.id, first >> 64))
            continue
        seen[entry.id] = entry.line << 64 | fingerprint
        if known_by is not None and not known_on(entry, known_by):
            continue  # recorded later than the day asked about: not known then
        changes = by_entry.get(entry.id)
        if changes:
            amended = apply_amendments(entry, changes, known_by)
            if amended is None:
                result.retracted += 1
                continue
            if amended is not entry:
                result.corrected += 1
            entry = amended
        yield entry
    result.torn = scan.torn
    for a in result.amendments:
        if a.id in seen:
            result.problems.append(_conflict(result.path, a.line, a.id, seen[a.id] >> 64))
        elif a.entry_id not in seen:
            result.problems.append(
                Problem(
                    msg(
                        "correction {id} refers to '{entry}', which is not an entry of this log"
                        if a.kind == "correction"
                        else "retraction {id} refers to '{entry}', which is not an entry of this log",
                        id=a.id,
                        entry=a.entry_id,
                    ),
                    path=result.path,
                    line=a.line,
                    field="corrects" if a.kind == "correction" else "retracts",
                    hint=msg("amend an entry by its id"),
                )
            )
    result.problems.sort(key=lambda p: p.line or 0)


_MASK = (1 << 64) - 1


def known_on(entry: Entry, day: dt.date) -> bool:
    """Whether the entry had been recorded by the end of ``day``: the date of its ``recorded`` stamp
    (UTC, as written). An entry without one (written by hand or by an old version) always was."""
    return not entry.recorded or entry.recorded[:10] <= day.isoformat()


def amendments_by_entry(fh: IO[bytes], result: LogRead) -> dict[str, list[Amendment]]:
    """First pass: every correction and retraction, by the entry they amend. Other lines are skipped
    with a byte search, so this pass costs little when there are few amendments."""
    by_entry: dict[str, list[Amendment]] = {}
    by_id: dict[str, Amendment] = {}
    scratch: list[Problem] = []  # the second pass reports line problems
    for raw in _raw_lines(fh, (b'"corrects"', b'"retracts"')):
        if not raw.complete or raw.data is None:
            continue
        parsed = parse_line(raw.data, raw.number, result.path, scratch)
        if parsed is None or not isinstance(parsed[0], Amendment):
            continue
        amendment = parsed[0]
        first = by_id.get(amendment.id)
        if first is not None:
            if first.key() == amendment.key():
                result.duplicates += 1
            else:
                result.problems.append(_conflict(result.path, amendment.line, amendment.id, first.line))
            continue
        by_id[amendment.id] = amendment
        by_entry.setdefault(amendment.entry_id, []).append(amendment)
        result.amendments.append(amendment)
    return by_entry


def apply_amendments(entry: Entry, changes: Iterable[Amendment], known_by: dt.date | None) -> Entry | None:
    """The entry after its amendments known by ``known_by``, in log order; None once retracted."""
    for a in changes:
        if known_by is not None and a.date > known_by:
            continue
        if a.kind == "retraction":
            return None  # a retraction is final
        # A correction's figure stands on its own check: forced only if the correction was.
        entry = entry._replace(value=a.value or "", unit=a.unit, forced=a.forced)
    return entry


def _conflict(path: str, line: int, entry_id: str, first: int) -> Problem:
    return Problem(
        msg("id '{id}' is used by a different entry on line {line}", id=entry_id, line=first),
        path=path,
        line=line,
        field="id",
        hint=msg("ids identify one entry; correct a figure with 'edplan correct'"),
    )


@dataclass(frozen=True)
class History:
    """One entry of a target and what happened to it since, for ``edplan show``.

    ``entry`` is the entry as originally recorded (``entry.line`` is its line in the log).
    ``amendments`` are its corrections and retractions in log order, each with its ``reason``, its
    ``date`` (the day it became known) and its ``line``; empty when the entry was never amended.
    """

    entry: Entry
    amendments: tuple[Amendment, ...] = ()

    def current(self, known_by: dt.date | None = None) -> Entry | None:
        """The entry as it stands with the amendments known by ``known_by`` (all when None); None:
        retracted."""
        return apply_amendments(self.entry, self.amendments, known_by)

    @property
    def retraction(self) -> Amendment | None:
        return next((a for a in self.amendments if a.kind == "retraction"), None)


def history(path: Path | str, target_id: str) -> list[History]:
    """Every entry of ``target_id`` in log order, each with all its corrections and retractions.

    Retracted entries are included (their ``current()`` is None). Problems of the log (torn lines,
    unfinished batches) are not repeated here: ``read_log(path).problems`` has them.
    """
    result = LogRead(str(path))
    found: list[Entry] = []
    try:
        with locked(Path(path), fcntl.LOCK_SH, create=False) as fd, os.fdopen(fd, "rb", closefd=False) as fh:
            by_entry = amendments_by_entry(fh, result)
            fh.seek(0)
            seen: set[str] = set()
            for record in _Scan(result.path, []).records(fh):
                if isinstance(record, Entry) and record.target == target_id and record.id not in seen:
                    seen.add(record.id)
                    found.append(record)
    except FileNotFoundError:
        return []
    return [History(entry, tuple(by_entry.get(entry.id, ()))) for entry in found]


# --- appending ------------------------------------------------------------------------------------


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


def append_entries(path: Path | str, entries: Iterable[Entry], dry_run: bool = False) -> AppendResult:
    """Append entries as one unit: all of them or none, never an id twice.

    An entry whose id is already in the log with the same content is skipped (a retried script);
    the same id with other content (in the log or earlier in the batch) is a conflict, and then
    nothing is written. More than one new entry is written as a batch with a commit line.
    """
    path = Path(path)
    batch = list(entries)
    wanted = {e.id for e in batch}
    if not batch:
        return AppendResult([], [], [])
    if dry_run:
        with suppress(FileNotFoundError), _opened(path, fcntl.LOCK_SH, create=False) as (fd, _):
            return _sort_batch(batch, _records_with_ids(fd, path, wanted))
        return _sort_batch(batch, {})
    with _opened(path, fcntl.LOCK_EX, create=True) as (fd, created):
        result = _sort_batch(batch, _records_with_ids(fd, path, wanted))
        if result.added and not result.conflicts:
            if len(result.added) > 1:
                batch_id = new_id("b")
                lines = [entry_line(e, batch_id) for e in result.added]
                lines.append(commit_line(batch_id, len(result.added)))
            else:
                lines = [entry_line(e) for e in result.added]
            _append(fd, lines, path, created)
            result.written = True
    return result


def _sort_batch(batch: list[Entry], existing: dict[str, _Record]) -> AppendResult:
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
            line = old.line if isinstance(old, Entry | Amendment) else 0
            result.conflicts.append(Conflict(index, entry, line))
    return result


def _records_with_ids(fd: int, path: Path, ids: set[str]) -> dict[str, _Record]:
    """The committed records (the first of each) whose id is one of ``ids``."""
    found: dict[str, _Record] = {}
    for record in _mentioning(fd, ids):
        if record.id in ids and record.id not in found:
            found[record.id] = record
    return found


_CANONICAL_ID = re.compile(rb'^\{"id": "([^"\\\n]*)"', re.MULTILINE)
_OTHER_LINE = re.compile(rb'^(?!\{"id": "|\{"commit": |\n)', re.MULTILINE)


def _mentioning(fd: int, ids: set[str]) -> Iterator[Entry | Amendment]:
    """Committed records, in log order, on the lines that mention one of ``ids``.

    A writer's look-up: instead of parsing every line, find the lines by a byte search (for a few
    ids, each id as JSON writes it, ``"ID"``; for many, the id at the start of each canonical line,
    plus every line not written by edplan), then parse just those lines and check, like
    :class:`_Scan`, that a line of a batch is followed by its commit. Holds the whole log in memory.
    """
    data = os.pread(fd, os.fstat(fd).st_size, 0)
    if not data or not ids:
        return
    starts: set[int] = set()
    if len(ids) <= 32:
        for needle in (json.dumps(i, ensure_ascii=False).encode() for i in ids):
            at = data.find(needle)
            while at != -1:
                start = data.rfind(b"\n", 0, at) + 1
                starts.add(start)
                end = data.find(b"\n", at)
                at = -1 if end == -1 else data.find(needle, end)
    else:
        wanted = {i.encode() for i in ids}
        starts.update(m.start() for m in _CANONICAL_ID.finditer(data) if m.group(1) in wanted)
        starts.update(m.start() for m in _OTHER_LINE.finditer(data) if m.start() < len(data))
    number, counted = 1, 0
    verdicts: dict[str, bool] = {}
    for start in sorted(starts):
        end = data.find(b"\n", start)
        if end == -1 or end - start > MAX_LINE_BYTES:
            continue  # a torn last line, or one no reader parses
        number += data.count(b"\n", counted, start)
        counted = start
        parsed = parse_line(data[start:end], number, "", [])
        if parsed is None or isinstance(parsed[0], Commit):
            continue
        record, batch = parsed
        if batch is not None:
            if batch not in verdicts:
                verdicts[batch] = _batch_committed(data, start, batch)
            if not verdicts[batch]:
                continue
        assert not isinstance(record, Commit)
        yield record


def _batch_committed(data: bytes, start: int, batch: str) -> bool:
    """Whether the batch line at ``start`` counts: the same rule as :class:`_Scan` (the batch's lines
    are contiguous, blank lines aside, and the next line is its commit with their number)."""

    def of_batch(line: bytes) -> bool:
        if len(line) > MAX_LINE_BYTES:
            return False
        parsed = parse_line(line, 0, "", [])
        return parsed is not None and isinstance(parsed[0], Entry) and parsed[1] == batch

    first = start
    while first > 0:
        before = data.rfind(b"\n", 0, first - 1) + 1
        line = data[before : first - 1]
        if line.strip() and not of_batch(line):
            break
        first = before
    lines, at = 0, first
    while (end := data.find(b"\n", at)) != -1:
        line = data[at:end]
        at = end + 1
        if not line.strip():
            continue
        if of_batch(line):
            lines += 1
            continue
        parsed = parse_line(line, 0, "", []) if len(line) <= MAX_LINE_BYTES else None
        return parsed is not None and parsed[0] == Commit(batch, lines)
    return False


@dataclass(frozen=True)
class Amended:
    amendment: Amendment
    entry: Entry  # the entry amended, as originally recorded
    before: Entry | None  # the entry as it stood before this amendment (None: already retracted)
    added: bool  # False: the same amendment was already in the log (a retry)


def append_amendment(
    path: Path | str,
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
    path = Path(path)
    with _opened(path, fcntl.LOCK_EX, create=True) as (fd, created):
        entry: Entry | None = None
        same_id: _Record | None = None
        not_an_entry: Amendment | None = None
        changes: list[Amendment] = []
        for record in _mentioning(fd, {entry_id, amendment_id}):
            if record.id == amendment_id:
                same_id = same_id or record
                continue
            if isinstance(record, Entry) and record.id == entry_id:
                entry = entry or record
            elif isinstance(record, Amendment):
                if record.id == entry_id:
                    not_an_entry = record
                elif record.entry_id == entry_id and all(c.id != record.id for c in changes):
                    changes.append(record)
        if entry is None:
            if not_an_entry is not None:
                problem = Problem(
                    msg(
                        "'{id}' is a correction, not an entry"
                        if not_an_entry.kind == "correction"
                        else "'{id}' is a retraction, not an entry",
                        id=entry_id,
                    ),
                    field="id",
                    hint=msg("amend the entry it refers to: {entry}", entry=not_an_entry.entry_id),
                )
            else:
                problem = Problem(
                    msg("no entry with id '{id}' in the log", id=entry_id),
                    path=str(path),
                    field="id",
                    hint=msg("give the id of an entry (the first field of its line)"),
                )
            raise InputError(problem)
        before = apply_amendments(entry, changes, None)
        built = build(entry, before)
        if isinstance(built, list):
            raise InputError(built)
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
        _append(fd, [amendment_line(built)], path, created)
    return Amended(built, entry, before, True)


def _append(fd: int, lines: list[str], path: Path, created: bool) -> None:
    """Append lines; several are a batch whose last line (the commit) is written after the rest is on disk."""
    size = os.fstat(fd).st_size
    # An interrupted write left a fragment: end it, so that ours is not glued onto it.
    prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
    body = [line.encode("utf-8") for line in lines]
    slow = _slow_write()
    if slow is not None:
        _append_slowly(fd, prefix, body, slow)
    elif len(body) == 1:
        _write_all(fd, prefix + body[0])
        os.fsync(fd)
    else:
        _write_all(fd, prefix + b"".join(body[:-1]))
        os.fsync(fd)  # the entries are on disk before the commit line that makes them count
        _write_all(fd, body[-1])
        os.fsync(fd)
    if created:
        _fsync_dir(path.parent)


def _slow_write() -> float | None:
    text = os.environ.get(SLOW_WRITE_ENV)
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _append_slowly(fd: int, prefix: bytes, body: list[bytes], pause: float) -> None:
    """The same bytes as a normal append, in pieces with pauses: line by line, the last entry line in
    two halves, so that a crash test's kill lands between lines, inside a line or before the commit."""
    pieces = [prefix + body[0], *body[1:]]
    if len(pieces) > 1:
        last = pieces[-2]
        pieces[-2:-1] = [last[: len(last) // 2], last[len(last) // 2 :]]
    for piece in pieces:
        if piece:
            _write_all(fd, piece)
        time.sleep(pause)
    os.fsync(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    """Make a new file's name durable (a power loss must not lose the log that was just created)."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- repairing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repaired:
    lines: list[int]  # line numbers set aside (numbered as in the log before the repair)
    side_file: Path | None  # where they went (None: nothing to do, or dry run)
    problems: list[Problem]  # what was wrong with them
    kept: int  # lines left in the log


def repair(path: Path | str, now: dt.datetime, dry_run: bool = False) -> Repaired:
    """Move every line readers ignore (torn, corrupt, an unfinished batch) into ``LOG.rejected-TIME``.

    Nothing is deleted: the side file keeps those lines byte for byte. The log is rewritten through a
    temporary file and an atomic rename (writers waiting for the lock notice and reopen it). Entries
    that are well-formed but wrong for the plan are left alone: correct or retract them.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(Problem(msg("progress log not found"), path=str(path)))
    with _opened(path, fcntl.LOCK_EX, create=False) as (fd, _):
        problems: list[Problem] = []
        scan = _Scan(str(path), problems)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            fh.seek(0)
            for _ in scan.records(fh):
                pass
            fh.seek(0)
            data = fh.read()
        bad = sorted(scan.set_aside, key=lambda span: span.start)
        lines = [n for span in bad for n in range(span.first, span.last + 1)]
        total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        problems.sort(key=lambda p: p.line or 0)
        if not bad or dry_run:
            return Repaired(lines, None, problems, total - len(lines))
        side = _side_file(path, now)
        aside = b"".join(_with_newline(data[span.start : span.end]) for span in bad)
        _write_new(side, aside, os.fstat(fd).st_mode & 0o777, exclusive=True)
        keep, cursor = [], 0
        for span in bad:
            keep.append(data[cursor : span.start])
            cursor = span.end
        keep.append(data[cursor:])
        temporary = path.with_name(f".{path.name}.repair-{os.getpid()}")
        _write_new(temporary, b"".join(keep), os.fstat(fd).st_mode & 0o777, exclusive=False)
        os.replace(temporary, path)
        _fsync_dir(path.parent)
    return Repaired(lines, side, problems, total - len(lines))


def _with_newline(data: bytes) -> bytes:
    return data if data.endswith(b"\n") else data + b"\n"


def _side_file(path: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    side = path.with_name(f"{path.name}.rejected-{stamp}")
    number = 1
    while side.exists():
        number += 1
        side = path.with_name(f"{path.name}.rejected-{stamp}-{number}")
    return side


def _write_new(target: Path, data: bytes, mode: int, exclusive: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags, mode or 0o644)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


# --- locking --------------------------------------------------------------------------------------


@contextmanager
def _opened(path: Path, mode: int, create: bool) -> Iterator[tuple[int, bool]]:
    """The log's descriptor under ``flock(mode)``, and whether this call created the file."""
    created = False
    if create and not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644))
            created = True
        except FileExistsError:
            pass  # another writer created it first
        except PermissionError:
            raise UsageError(Problem(msg("cannot write the progress log: permission denied"), path=str(path))) from None
        except (FileNotFoundError, NotADirectoryError):
            raise UsageError(Problem(msg("the folder of the progress log does not exist"), path=str(path))) from None
    try:
        with locked(path, mode, create) as fd:
            yield fd, created
    except PermissionError:
        raise UsageError(Problem(msg("cannot write the progress log: permission denied"), path=str(path))) from None
    except IsADirectoryError:
        raise UsageError(Problem(msg("the progress log is a directory"), path=str(path))) from None


@contextmanager
def locked(path: Path, mode: int, create: bool) -> Iterator[int]:
    """Open and lock the log; if ``repair`` replaced the file while we waited, lock the new one."""
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT) if create else os.O_RDONLY
    while True:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, mode)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
            held = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(fd)
    try:
        yield fd
    finally:
        os.close(fd)
