"""``edplan repair``: move every line readers ignore into a side file, byte for byte.

What readers ignore because of how it was written — a torn last line, a corrupt line, an unfinished
batch, a commit without its batch — is what the one reader lists as ``set_aside``; repair moves
exactly that into ``LOG.rejected-TIME`` and rewrites the log through a temporary file and an atomic
rename (a writer waiting for the lock notices and opens the new file). Nothing is deleted. A
symlinked log is repaired at its target, so the link stays. Entries that are well-formed but wrong
for the plan (a value the target cannot count, a conflicting id) are not moved: they are the
ledger's history, and ``correct`` or ``retract`` fixes them (repair names them).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from edplan.errors import Problem, UsageError, msg
from edplan.log.database import Database
from edplan.log.lock import fsync_dir, opened
from edplan.log.reader import Read, read
from edplan.log.rules import Rules
from edplan.log.writer import refuse_non_log, write_all


@dataclass(frozen=True)
class Repaired:
    lines: list[int]  # line numbers set aside (numbered as in the log before the repair)
    side_file: Path | None  # where they went (None: nothing to do, or dry run)
    problems: list[Problem]  # what was wrong with them
    kept: int  # lines left in the log
    left: list[Problem]  # problems repair does not move (fix them with correct or retract)
    database: bool = False  # a database log: transactions leave nothing to repair


def repair(
    path: Path | str | Database, now: dt.datetime, dry_run: bool = False, rules: Rules | None = None
) -> Repaired:
    """Set aside what readers ignore; report, without moving, what only an amendment can fix."""
    if isinstance(path, Database):
        from edplan.log import dbstore

        return dbstore.repair(path, rules, dry_run)
    path = Path(path)
    if not os.path.lexists(path):
        raise UsageError(Problem(msg("progress log not found"), path=str(path)))
    target = path.resolve()  # a symlink is repaired at its target
    with opened(path, fcntl.LOCK_EX, create=False) as (fd, _):
        refuse_non_log(fd, path)
        with os.fdopen(os.dup(fd), "rb") as fh:
            result, _ = read(fh, str(path), [], rules=rules)
            fh.seek(0)
            data = fh.read()
        bad = result.set_aside
        lines = [n for span in bad for n in range(span.first, span.last + 1)]
        moved = _moved_problems(result)
        left = [p for p in result.problems if p not in moved]
        total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        if not bad or dry_run:
            return Repaired(lines, None, moved, total - len(lines), left)
        mode = os.fstat(fd).st_mode & 0o777
        side = _side_file(target, now)
        _write_new(side, b"".join(_with_newline(data[span.start : span.end]) for span in bad), mode, exclusive=True)
        keep, cursor = [], 0
        for span in bad:
            keep.append(data[cursor : span.start])
            cursor = span.end
        keep.append(data[cursor:])
        temporary = target.with_name(f".{target.name}.repair-{os.getpid()}")
        try:
            _write_new(temporary, b"".join(keep), mode, exclusive=False)
            os.replace(temporary, target)
        finally:
            if temporary.exists():
                temporary.unlink()
        fsync_dir(target.parent)
    return Repaired(lines, side, moved, total - len(lines), left)


def _moved_problems(result: Read) -> list[Problem]:
    """The problems about the lines set aside."""
    spans = result.set_aside
    return [
        p
        for p in result.problems
        if p.line is not None and any(s.first <= p.line <= s.last for s in spans)
    ]


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
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC) | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(target, flags, mode or 0o644)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
