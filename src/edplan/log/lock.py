"""Opening the log under ``flock``: shared for readers, exclusive for writers, and only a real file.

Writers append with ``O_APPEND`` under an exclusive lock and ``fsync`` before they report success;
readers take a shared lock, so a reader never sees half of an append that is still being written
(a crash can still leave one: the reader's framing rules deal with it). ``repair`` replaces the file
by an atomic rename; a process waiting for the lock notices and opens the new file.

Only a regular file is a log: a FIFO, a device or a socket in its place is refused with one line
(opened with ``O_NONBLOCK``, so that a FIFO cannot hang the open), and so is a directory.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edplan.errors import Problem, UsageError, msg


def _refuse(path: Path, message: str) -> UsageError:
    return UsageError(Problem(message, path=str(path)))


def _check_regular(fd: int, path: Path) -> None:
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        raise _refuse(path, msg("the progress log is a directory"))
    if not stat.S_ISREG(mode):
        raise UsageError(
            Problem(
                msg("the progress log is not a regular file (a pipe, a device or a socket)"),
                path=str(path),
                hint=msg("give the path of a .progress.jsonl file"),
            )
        )


@contextmanager
def locked(path: Path, mode: int, create: bool) -> Iterator[int]:
    """Open and lock the log; if ``repair`` replaced the file while we waited, lock the new one.

    A symlinked log is followed (its target is the log: repair writes there too).
    """
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT) if create else os.O_RDONLY
    while True:
        try:
            fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        except IsADirectoryError:
            raise _refuse(path, msg("the progress log is a directory")) from None
        try:
            _check_regular(fd, path)
            os.set_blocking(fd, True)
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


@contextmanager
def opened(path: Path, mode: int, create: bool) -> Iterator[tuple[int, bool]]:
    """The log's descriptor under ``flock(mode)``, and whether this call created the file."""
    created = False
    if create and not os.path.lexists(path):
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644))
            created = True
        except FileExistsError:
            pass  # another writer created it first
        except PermissionError:
            raise _refuse(path, msg("cannot write the progress log: permission denied")) from None
        except (FileNotFoundError, NotADirectoryError):
            raise _refuse(path, msg("the folder of the progress log does not exist")) from None
    try:
        with locked(path, mode, create) as fd:
            yield fd, created
    except PermissionError:
        raise _refuse(path, msg("cannot write the progress log: permission denied")) from None


def fsync_dir(directory: Path) -> None:
    """Make a new file's name durable (a power loss must not lose the log that was just created)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
