"""The tally cache: a log's tally kept between runs, used only when it provably matches the file.

An analyst runs status many times on a log that only grows. The reader's result for the whole log
(the tally, its warnings, the id fingerprints, what amendments name) is kept in one file beside the
plan cache, with the log's identity when it was read: device, inode, size, ``st_mtime_ns`` and
``st_ctime_ns``. Any change to the file changes ``st_ctime_ns`` (the kernel sets it on every write,
and no program can set it back), so:

* same identity: the file is byte for byte what was read, and the cache answers;
* the writers of edplan extend the cache after their own append, under the log's lock, with the
  identity after the append: they know exactly which bytes they added;
* anything else (a hand edit, git, repair, an old version's write): the log is read again.

The cache is two checksummed files (BLAKE2b): the tally, which status reads, and the ids' fingerprints
(8 bytes an entry), which only writers read. Both are read with ``O_NOFOLLOW | O_NONBLOCK`` and
only if they are regular files: a corrupt, edited, truncated or foreign cache (a FIFO, a device, a
symlink) is ignored and replaced, never trusted and never waited on. Writes go through a temporary
file that is removed on every path, a full disk included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from edplan.errors import Problem
from edplan.log.tally import Table

FORMAT = 4
MAX_BYTES = 256 << 20  # a cache larger than this is not ours


@dataclass
class Cached:
    """What a read of the whole log found, as the cache keeps it."""

    identity: tuple[int, ...]
    rules: str  # digest of the plan's value rules the tally was read with
    offset: int  # bytes read (the whole file)
    lines: int
    table: Table
    problems: list[Problem]
    referenced: list[str]  # ids amendments name: an entry appended with one of them needs a full read
    entries: int
    duplicates: int
    hashes: list[array[int]] = field(default_factory=list)  # loaded only when asked for (writers)
    tail_ok: bool = True  # False: the log ended inside a batch or a torn line (cannot be extended)
    sizes: list[int] = field(default_factory=list)  # of the id buckets, as saved
    ids_checksum: str = ""


def identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def cache_file(log: Path) -> Path | None:
    from edplan.plan.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(str(log.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / f"tally-{digest}.bin"


def _read_regular(file: Path, limit: int) -> bytes | None:
    """A cache file's bytes, if it is a regular file of at most ``limit`` bytes (never a FIFO to wait
    on, never a symlink to follow)."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None


def load(log: Path, rules: str, with_ids: bool = False) -> Cached | None:
    """The cache of ``log`` read with ``rules``, if there is a sound one (its identity is checked by
    the caller against the open log). The tally and the ids are two files: status reads only the
    first; ``with_ids`` (writers, to check new ids) reads the second too, checked against the
    checksum the first keeps of it."""
    file = cache_file(log)
    if file is None:
        return None
    data = _read_regular(file, MAX_BYTES)
    if data is None:
        return None
    try:
        cached = _decode(data, rules)
        if cached is None or not with_ids:
            return cached
        ids = _read_regular(file.with_suffix(".ids"), MAX_BYTES)
        if ids is None or hashlib.blake2b(ids, digest_size=32).hexdigest() != cached.ids_checksum:
            return None
        at = 0
        for size in cached.sizes:
            bucket = array("Q")
            end = at + size * bucket.itemsize
            if end > len(ids):
                return None
            bucket.frombytes(ids[at:end])
            cached.hashes.append(bucket)
            at = end
        return cached if at == len(ids) else None
    except (ValueError, KeyError, TypeError, IndexError, InvalidOperation, OverflowError):
        return None  # corrupt or foreign: ignored, and replaced by the next save


def _decode(data: bytes, rules: str) -> Cached | None:
    head, _, payload = data.partition(b"\n")
    top = json.loads(head)
    if top.get("format") != FORMAT or top.get("length") != len(payload):
        return None
    if hashlib.blake2b(payload, digest_size=32).hexdigest() != top.get("checksum"):
        return None
    meta = json.loads(payload)
    from edplan import __version__

    if meta["version"] != __version__ or meta["rules"] != rules:
        return None
    table: Table = {}
    for target, unit, day, total, count, last, order in meta["cells"]:
        table[(str(target), None if unit is None else str(unit), str(day))] = [
            None if total is None else Decimal(total),
            int(count),
            str(last),
            int(order),
        ]
    problems = [Problem(**{k: v for k, v in p.items() if k in _PROBLEM_FIELDS}) for p in meta["problems"]]
    return Cached(
        identity=tuple(int(x) for x in meta["identity"]),
        rules=rules,
        offset=int(meta["offset"]),
        lines=int(meta["lines"]),
        table=table,
        problems=problems,
        referenced=[str(x) for x in meta["referenced"]],
        entries=int(meta["entries"]),
        duplicates=int(meta["duplicates"]),
        tail_ok=bool(meta["tail_ok"]),
        sizes=[int(x) for x in meta["buckets"]],
        ids_checksum=str(meta["ids"]),
    )


_PROBLEM_FIELDS = ("message", "path", "line", "column", "field", "hint")


def save(log: Path, cached: Cached) -> None:
    """Keep the read for the next run (a cache that cannot be written is only a slower next run).
    The ids go first, so that a tally file never names an ids file that is not there yet."""
    from edplan import __version__

    file = cache_file(log)
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.blake2b(digest_size=32)
        with _replacing(file.with_suffix(".ids")) as out:
            for bucket in cached.hashes:
                chunk = bucket.tobytes()
                digest.update(chunk)
                out.write(chunk)
        meta: dict[str, Any] = {
            "version": __version__,
            "rules": cached.rules,
            "identity": list(cached.identity),
            "offset": cached.offset,
            "lines": cached.lines,
            "entries": cached.entries,
            "duplicates": cached.duplicates,
            "referenced": cached.referenced,
            "tail_ok": cached.tail_ok,
            "problems": [{k: getattr(p, k) for k in _PROBLEM_FIELDS} for p in cached.problems],
            "buckets": [len(b) for b in cached.hashes],
            "ids": digest.hexdigest(),
            "cells": [
                [target, unit, day, None if cell[0] is None else str(cell[0]), cell[1], cell[2], cell[3]]
                for (target, unit, day), cell in cached.table.items()
            ],
        }
        payload = json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogateescape")
        checksum = hashlib.blake2b(payload, digest_size=32).hexdigest()
        top = {"format": FORMAT, "length": len(payload), "checksum": checksum}
        with _replacing(file) as out:
            out.write(json.dumps(top).encode("ascii") + b"\n")
            out.write(payload)
    except (OSError, UnicodeEncodeError):
        pass


@contextlib.contextmanager
def _replacing(file: Path) -> Iterator[IO[bytes]]:
    """A temporary file in the same folder that replaces ``file`` when the block ends well, and is
    removed on every other path (a full disk included)."""
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tally-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, file)  # replaces a FIFO or a symlink in its place too: never followed
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def forget(log: Path) -> None:
    file = cache_file(log)
    if file is not None:
        for each in (file, file.with_suffix(".ids")):
            with contextlib.suppress(OSError):
                os.unlink(each)
