"""Reading and writing files whole: a bounded read of a regular file, and an all-or-nothing write.

Everything edplan reads for a person (a plan, the plan's document) goes through :func:`read_regular`,
and everything it writes for one (a new plan, a report) through :func:`atomic_write`, so that the
hostile and unlucky cases are handled once: a FIFO or a device named by mistake, a file whose size
in ``stat`` is not what a read gives, a full disk halfway through a write, a symlinked output file.
The progress log has its own writer (it appends, and locks); these are for whole files.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from typing import Literal

from edplan.errors import InputError, Msg, Problem, UsageError, msg

# Why a file was not read, for callers that word the refusal their own way (the plan's document).
Reason = Literal["missing", "invalid", "directory", "special", "denied", "failed"]

# Read in pieces so that the cap, not the file, decides how much memory a read may take.
_CHUNK = 1 << 20

# Errors that say a folder cannot be fsynced at all (some network and FUSE filesystems), as opposed
# to errors that say the data may be lost.
_NO_DIR_FSYNC = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF}

# Errors of os.link that mean "this filesystem has no hard links" rather than "the name is taken".
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


class NotReadable(UsageError):
    """A file that could not be read at all: exit 2. ``reason`` says why, ``kind`` names a special file."""

    def __init__(self, problem: Problem, reason: Reason, *, kind: Msg | None = None, error: str = "") -> None:
        super().__init__(problem)
        self.reason: Reason = reason
        self.kind = kind
        self.error = error


class TooBig(InputError):
    """A file over the cap: exit 1, like any other bad input. ``size`` is None when ``stat`` did not tell."""

    def __init__(self, problem: Problem, size: int | None) -> None:
        super().__init__(problem)
        self.size = size


def _kind(mode: int) -> Msg:
    """What a file that is not a regular file is, in words a person knows."""
    if stat.S_ISFIFO(mode):
        return msg("a named pipe (FIFO)")
    if stat.S_ISCHR(mode):
        return msg("a character device")
    if stat.S_ISBLK(mode):
        return msg("a block device")
    if stat.S_ISSOCK(mode):
        return msg("a socket")
    return msg("a special file")


def read_regular(path: Path, limit: int, what: str, *, missing_hint: Msg | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    ``what`` names the file in messages ("plan file") and is looked up in the message catalog.
    Raises :class:`NotReadable` when the file is missing, a directory, not a regular file (a FIFO,
    a device such as /dev/zero, a socket) or unreadable, and :class:`TooBig` when it holds more than
    ``limit`` bytes. Both carry one problem placed on ``path``.
    """
    display = str(path)
    what = what if isinstance(what, Msg) else msg(what)

    def refuse(
        message: Msg, reason: Reason, hint: Msg | None = None, *, kind: Msg | None = None, error: str = ""
    ) -> NotReadable:
        return NotReadable(Problem(message, path=display, hint=hint), reason, kind=kind, error=error)

    def special(mode: int) -> NotReadable:
        kind = _kind(mode)
        return refuse(msg("{what} is not a regular file: it is {kind}", what=what, kind=kind), "special", kind=kind)

    try:
        # O_NONBLOCK: opening a FIFO waits for a writer otherwise, and nobody is going to write.
        # O_CLOEXEC: nothing edplan starts should inherit the descriptor.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise refuse(msg("{what} not found", what=what), "missing", missing_hint) from None
    except IsADirectoryError:
        raise refuse(msg("{what} is a directory", what=what), "directory") from None
    except PermissionError:
        raise refuse(msg("cannot read {what}: permission denied", what=what), "denied") from None
    except ValueError:  # a NUL in the name is no path at all
        raise refuse(msg("{what} not found", what=what), "invalid", missing_hint) from None
    except OSError as exc:
        # A Unix socket cannot be opened (ENXIO): say what it is rather than "no such device".
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = 0
        if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise special(mode) from None
        error = exc.strerror or str(exc)
        raise refuse(msg("cannot read {what}: {error}", what=what, error=error), "failed", error=error) from None
    try:
        info = os.fstat(fd)
        # fstat, not stat: the file judged is the file opened, even if the name is swapped meanwhile.
        if stat.S_ISDIR(info.st_mode):
            raise refuse(msg("{what} is a directory", what=what), "directory")
        if not stat.S_ISREG(info.st_mode):
            raise special(info.st_mode)
        if info.st_size > limit:
            # Refused before reading a byte; the exact size helps tell a wrong file from a big one.
            raise TooBig(_too_big(what, display, limit, info.st_size), info.st_size)
        # The cap is on what is read, not on st_size: /proc files say 0 and a growing file says less.
        pieces: list[bytes] = []
        count = 0
        while count <= limit:
            piece = os.read(fd, min(_CHUNK, limit + 1 - count))
            if not piece:
                break
            pieces.append(piece)
            count += len(piece)
    except OSError as exc:
        error = exc.strerror or str(exc)
        raise refuse(msg("cannot read {what}: {error}", what=what, error=error), "failed", error=error) from None
    finally:
        os.close(fd)
    if count > limit:
        raise TooBig(_too_big(what, display, limit, None), None)
    return b"".join(pieces)


def _too_big(what: Msg, display: str, limit: int, size: int | None) -> Problem:
    hint = msg("is this the right file?")
    if size is None:
        return Problem(msg("{what} is over {limit} bytes", what=what, limit=f"{limit:,}"), path=display, hint=hint)
    # In bytes: rounded megabytes said "is 5 MB; refusing files over 5 MB" at the boundary.
    return Problem(
        msg(
            "{what} is {size} bytes; refusing files over {limit} bytes", what=what, size=f"{size:,}", limit=f"{limit:,}"
        ),
        path=display,
        hint=hint,
    )


def atomic_write(path: Path, data: bytes, *, mode: int | None = None, exclusive: bool = False) -> None:
    """Make ``path`` hold ``data``, whole or not at all, even if the machine stops halfway.

    The data goes to a temporary file in the same folder, is fsynced, and is renamed over ``path``
    (with ``exclusive``: linked in, which fails with :class:`FileExistsError` if the name is taken,
    even by a file that appeared meanwhile); then the folder is fsynced so the rename lasts too. On
    every failure (a full disk included) the temporary file is removed and the OSError propagates:
    callers word it, since "cannot write the report" and "the plan exists" are theirs to say.

    ``mode``: the new file's permissions exactly. When None, a file replaced keeps its permissions,
    and a new one gets those ``open(path, "w")`` would give (0o666 less the umask).

    A symlink at ``path`` is followed (without ``exclusive``): its target is replaced and the link
    stays, as a plain ``open(path, "w")`` would leave it.
    """
    if not exclusive and os.path.islink(path):
        path = Path(os.path.realpath(path))
    folder = path.parent
    keep: os.stat_result | None = None
    if not exclusive:
        try:
            keep = os.stat(path)
        except FileNotFoundError:
            keep = None
        if keep is not None and not stat.S_ISREG(keep.st_mode) and not stat.S_ISDIR(keep.st_mode):
            # Renaming over /dev/null or a FIFO would replace the device with a file (as root, even
            # in /dev): refuse instead. A directory is left to os.replace, which says so itself.
            raise OSError(errno.EINVAL, "not a regular file", str(path))
    fd, tmp = _create_temporary(folder, path.name)
    linked = False
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            elif keep is not None and stat.S_ISREG(keep.st_mode):
                os.fchmod(fd, stat.S_IMODE(keep.st_mode))
                _keep_owner(fd, keep)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if not exclusive:
            os.replace(tmp, path)
            linked = True
        else:
            try:
                os.link(tmp, path, follow_symlinks=False)
                linked = True
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
                # No hard links here (FAT, some network filesystems): create the name with O_EXCL
                # instead, which refuses a taken name just as well, though a crash may leave it short.
                _write_exclusive(path, data, mode)
                linked = True
            os.unlink(tmp)
        _fsync_folder(folder)
    except BaseException:
        # BaseException: an interrupt (Ctrl-C) must not leave a stray ".name.xxxx.tmp" behind either.
        if not linked or exclusive:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise


def _create_temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new, empty file beside the target, created with the mode ``open(…, "w")`` would use.

    Not tempfile.mkstemp: it creates files 0o600, and a report written that way cannot be shared.
    """
    # The name is cut so that prefix and suffix fit within NAME_MAX (255 bytes on most filesystems).
    stem = name.encode("utf-8", "surrogateescape")[:200].decode("utf-8", "ignore")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
    for _ in range(100):
        tmp = os.path.join(folder, f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666: the kernel applies the umask (or the folder's default ACL) just as for open().
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _write_all(fd: int, data: bytes) -> None:
    # os.write may write less than asked (signals, pipes, quotas): loop until all is written.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group when allowed, so a shared plan stays shared."""
    if (old.st_uid, old.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except PermissionError:
        try:  # a member of the group may keep the group, though not the owner
            os.fchown(fd, -1, old.st_gid)
        except PermissionError:
            pass  # the file is written all the same, owned by whoever wrote it


def _write_exclusive(path: Path, data: bytes, mode: int | None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(path)  # the name was free before, so what is there now is our half-written file
        raise
    os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: without this, a crash may bring back the old file or none."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return  # a folder we may write in but not open (mode -wx) cannot be fsynced; the file is in place
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _NO_DIR_FSYNC:
            raise
    finally:
        os.close(fd)
