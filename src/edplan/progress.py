"""The progress log: a plain-text, append-only ledger of entries, one JSON object per line.

Beside ``plans/2006.yaml`` lives ``plans/2006.progress.jsonl``. Writers take an exclusive
``flock`` on the log, write the whole batch with one ``os.write`` on an ``O_APPEND`` descriptor and
``fsync`` before reporting success, so concurrent writers never interleave and a reported entry is
on disk. Readers take a shared lock, so they never see half a batch. A line without its final
newline is a write that was interrupted: it is reported, never parsed as data.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from edplan.entries import Entry, parse_date
from edplan.errors import InputError, Problem, UsageError

LOG_SUFFIX = ".progress.jsonl"
MAX_LINE_BYTES = 64 * 1024


def log_path_for(plan_path: Path | str) -> Path:
    """``plans/2006.yaml`` → ``plans/2006.progress.jsonl``."""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + LOG_SUFFIX)


def entry_line(entry: Entry) -> str:
    """The canonical line for an entry: fixed key order, empty fields left out."""
    record: dict[str, str] = {"id": entry.id, "target": entry.target, "value": entry.value}
    if entry.unit:
        record["unit"] = entry.unit
    record["date"] = entry.date.isoformat()
    if entry.note:
        record["note"] = entry.note
    if entry.source:
        record["source"] = entry.source
    if entry.recorded:
        record["recorded"] = entry.recorded
    return json.dumps(record, ensure_ascii=False) + "\n"


@dataclass
class LogRead:
    """Entries in log order (duplicates by id removed), and the problems met on the way."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: int = 0
    torn: bool = False


def read_log(path: Path | str) -> LogRead:
    """Read the whole log. A missing log is an empty one (nothing recorded yet)."""
    path = Path(path)
    result = LogRead(str(path))
    try:
        with _locked(path, fcntl.LOCK_SH, create=False) as fd:
            data = _read_all(fd)
    except FileNotFoundError:
        return result
    seen: dict[str, tuple[int, Entry]] = {}
    for number, line in _lines(data, result):
        entry = _parse(line, number, result)
        if entry is None:
            continue
        first = seen.get(entry.id)
        if first is None:
            seen[entry.id] = (number, entry)
            result.entries.append(entry)
        elif first[1].key() == entry.key():
            result.duplicates += 1  # e.g. both sides of a union merge: counted once
        else:
            result.problems.append(
                Problem(
                    f"id '{entry.id}' is used by a different entry on line {first[0]}",
                    path=result.path,
                    line=number,
                    field="id",
                    hint="ids identify one entry; correct a figure with 'edplan correct'",
                )
            )
    return result


def _lines(data: bytes, result: LogRead) -> Iterator[tuple[int, bytes]]:
    number = 0
    start = 0
    end = len(data)
    while start < end:
        newline = data.find(b"\n", start)
        number += 1
        if newline == -1:
            result.torn = True
            result.problems.append(
                Problem(
                    "incomplete entry (write interrupted)",
                    path=result.path,
                    line=number,
                    hint="run 'edplan repair' to set it aside",
                )
            )
            return
        yield number, data[start:newline]
        start = newline + 1


_FIELDS = ("id", "target", "value", "unit", "date", "note", "source", "recorded")


def _parse(raw: bytes, number: int, result: LogRead) -> Entry | None:
    def bad(message: str, field_name: str | None = None, hint: str | None = None) -> None:
        result.problems.append(Problem(message, path=result.path, line=number, field=field_name, hint=hint))

    if not raw.strip():
        return None
    if len(raw) > MAX_LINE_BYTES:
        bad(f"line is {len(raw)} bytes; entries are at most {MAX_LINE_BYTES}")
        return None
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        bad("invalid UTF-8")
        return None
    except ValueError:
        bad("not a JSON object (corrupt or incomplete entry)", hint="run 'edplan repair' to set it aside")
        return None
    if not isinstance(record, dict):
        bad("not a JSON object")
        return None
    for key in record:
        if key not in _FIELDS:
            bad(f"unknown field '{key}'", key)
            return None
    for key in ("id", "target", "value", "date"):
        if not isinstance(record.get(key), str) or not record[key]:
            bad(f"'{key}' is missing or not text", key)
            return None
    for key in ("unit", "note", "source", "recorded"):
        if key in record and not isinstance(record[key], str):
            bad(f"'{key}' is not text", key)
            return None
    when = parse_date(record["date"])
    if when is None:
        bad(f"'date' {record['date']!r} is not a date", "date")
        return None
    return Entry(
        record["id"],
        record["target"],
        record["value"],
        record.get("unit"),
        when,
        record.get("note", ""),
        record.get("source", ""),
        record.get("recorded", ""),
        number,
    )


@dataclass
class AppendResult:
    added: list[Entry]
    already: list[Entry]


def append_entries(path: Path | str, entries: Iterable[Entry]) -> AppendResult:
    """Append entries atomically: all of them or none, never an id twice.

    An entry whose id is already in the log with the same content is skipped (a retried script);
    the same id with different content refuses the whole batch.
    """
    path = Path(path)
    batch = list(entries)
    try:
        with _locked(path, fcntl.LOCK_EX, create=True) as fd:
            data = _read_all(fd)
            existing = _existing(path, data, {e.id for e in batch})
            added: list[Entry] = []
            already: list[Entry] = []
            conflicts: list[Problem] = []
            in_batch: dict[str, Entry] = {}
            for entry in batch:
                old = existing.get(entry.id) or in_batch.get(entry.id)
                if old is None:
                    in_batch[entry.id] = entry
                    added.append(entry)
                elif old.key() == entry.key():
                    already.append(entry)
                else:
                    conflicts.append(
                        Problem(
                            f"id '{entry.id}' is already recorded with different content",
                            path=str(path),
                            field="id",
                            hint="use a new id, or 'edplan correct' to change a recorded figure",
                        )
                    )
            if conflicts:
                raise InputError(conflicts)
            if added:
                payload = "".join(entry_line(e) for e in added).encode("utf-8")
                if data and not data.endswith(b"\n"):
                    # An interrupted write left a fragment: end it so ours is not glued onto it.
                    payload = b"\n" + payload
                _write_all(fd, payload)
                os.fsync(fd)
    except PermissionError:
        raise UsageError(Problem("cannot write the progress log: permission denied", path=str(path))) from None
    return AppendResult(added, already)


def _existing(path: Path, data: bytes, ids: set[str]) -> dict[str, Entry]:
    """Entries already in the log with one of ``ids`` (only lines that mention one are parsed)."""
    found: dict[str, Entry] = {}
    if not data or not ids:
        return found
    scratch = LogRead(str(path))
    for number, line in _lines(data, scratch):
        if b'"id": "' not in line:
            continue
        entry = _parse(line, number, scratch)
        if entry is not None and entry.id in ids and entry.id not in found:
            found[entry.id] = entry
    return found


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0) if size else b""


@contextmanager
def _locked(path: Path, mode: int, create: bool) -> Iterator[int]:
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT) if create else os.O_RDONLY
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)
