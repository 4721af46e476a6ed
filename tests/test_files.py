"""Files read and written whole (issue 10): no hang on a FIFO or a device, a cap on what is read, and
writes that leave either the old file or the new one, never half of one, nor a stray temporary file.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from edplan.errors import EXIT_USAGE
from edplan.files import NotReadable, TooBig, atomic_write, read_regular
from edplan.plan import load as planfile
from tests.conftest import ENV, PLAN_2006, ROOT, SMALL_PLAN, run, write
from tests.golden import write_scenario

AS_OF = ("--as-of", "2006-07-01", "--since", "2006-06-01")
ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def edplan(*args: str | Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """The real program in a child process, so that a hang is a timeout and not a stuck test run."""
    env = {**os.environ, **ENV, "EDPLAN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "edplan", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- reading: only a regular file, and no more than the cap --------------------------------------------


def test_a_fifo_as_the_plan_is_refused_at_once(fifo: Path, tmp_path: Path) -> None:
    line = f"{fifo}: plan file is not a regular file: it is a named pipe (FIFO)\n"
    for args in (("--plan", fifo, "status"), ("validate", fifo)):
        r = edplan(*args, cache=tmp_path / "cache")
        assert (r.returncode, r.stdout, r.stderr) == (EXIT_USAGE, "", line), args


def test_dev_zero_as_the_plan_is_refused() -> None:
    line = "/dev/zero: plan file is not a regular file: it is a character device\n"
    r = run("--plan", "/dev/zero", "status")
    assert (r.code, r.out, r.err) == (2, "", line)
    r = run("validate", "/dev/zero")
    assert (r.code, r.out, r.err) == (2, "", line)
    r = run("--lang", "zh", "validate", "/dev/zero")
    assert (r.code, r.err) == (2, "/dev/zero: 计划文件不是普通文件，而是字符设备\n")


def test_a_fifo_in_chinese(fifo: Path) -> None:
    r = run("--lang", "zh", "--plan", fifo, "status")
    assert (r.code, r.err) == (2, f"{fifo}: 计划文件不是普通文件，而是命名管道\n")


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(NotReadable) as caught:
            read_regular(path, 100, "plan file")
    assert caught.value.reason == "special"
    assert caught.value.lines() == [f"{path}: plan file is not a regular file: it is a socket"]


def test_a_fifo_as_the_document_is_refused(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", "source: doc.txt\n" + SMALL_PLAN)
    os.mkfifo(tmp_path / "doc.txt")
    r = edplan("validate", plan, cache=tmp_path / "cache")
    assert r.returncode == 1
    assert r.stdout == (
        f"{plan}:1:9: document doc.txt is not a regular file; 'source:' names the plan's document, a text file\n"
    )


def test_the_cap_is_on_the_bytes_of_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"x" * 101)
    assert read_regular(path, 101, "plan file") == b"x" * 101
    with pytest.raises(TooBig) as caught:
        read_regular(path, 100, "plan file")
    assert caught.value.size == 101
    assert caught.value.lines() == [
        f"{path}: plan file is 101 bytes; refusing files over 100 bytes; is this the right file?"
    ]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_the_cap_holds_when_stat_lies(monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc files say they are empty; what is read is what counts."""
    proc = Path("/proc/self/status")
    assert proc.stat().st_size == 0 and len(proc.read_bytes()) > 100
    with pytest.raises(TooBig) as caught:
        read_regular(proc, 100, "plan file")
    assert caught.value.size is None
    assert caught.value.lines() == [f"{proc}: plan file is over 100 bytes; is this the right file?"]
    # and end to end: the plan is refused like any other plan over the cap (exit 1, on stdout)
    monkeypatch.setattr(planfile, "MAX_PLAN_BYTES", 100)
    r = run("validate", proc)
    assert (r.code, r.out) == (1, f"{proc}: plan file is over 100 bytes; is this the right file?\n")


def test_a_growing_file_is_cut_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that was small when stat looked and is big when read is refused, not read whole."""
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"x" * 10_000)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[stat.ST_SIZE] = 10
        return os.stat_result(info)

    asked: list[int] = []
    real_read = os.read

    def read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "fstat", small)
    monkeypatch.setattr(os, "read", read)
    with pytest.raises(TooBig):
        read_regular(path, 100, "plan file")
    assert sum(asked) <= 101


# --- writing: whole or not at all ------------------------------------------------------------------------


def test_atomic_write_replaces_and_keeps_the_mode(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "out.txt"
    atomic_write(path, b"one")
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (b"one", 0o644)
    path.chmod(0o600)
    atomic_write(path, b"two")
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (b"two", 0o600)
    atomic_write(path, b"three", mode=0o640)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert listing(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("hard_links", [True, False])
def test_atomic_write_exclusive_refuses_a_taken_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool
) -> None:
    """Linked into place when the filesystem has hard links; created with O_EXCL when it has not."""
    if not hard_links:

        def no_links(*args: object, **kwargs: object) -> None:
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "plan.yaml"
    atomic_write(path, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(path, b"second", exclusive=True)
    assert path.read_bytes() == b"first"
    assert listing(tmp_path) == ["plan.yaml"]


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.txt"
    path.write_bytes(b"old")

    def full(fd: int, data: object) -> int:
        raise ENOSPC

    monkeypatch.setattr(os, "write", full)
    for exclusive in (False, True):
        with pytest.raises(OSError) as caught:
            atomic_write(tmp_path / ("out.txt" if not exclusive else "new.txt"), b"new", exclusive=exclusive)
        assert caught.value.errno == errno.ENOSPC
    assert listing(tmp_path) == ["out.txt"]
    assert path.read_bytes() == b"old"


def test_a_partial_write_is_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write

    def one_byte(fd: int, data: bytes) -> int:
        return real(fd, bytes(data[:1]))

    monkeypatch.setattr(os, "write", one_byte)
    atomic_write(tmp_path / "out.txt", b"abcdef")
    assert (tmp_path / "out.txt").read_bytes() == b"abcdef"


def test_a_symlinked_file_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "out.txt"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "out.txt"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert listing(tmp_path) == ["out.txt", "real"] and listing(real.parent) == ["out.txt"]


# --- the writers: report --output and init ---------------------------------------------------------------


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_scenario(tmp_path / "scenario.progress.jsonl")


def report(log: Path, *args: str | Path) -> tuple[int, str, str]:
    r = run("--plan", PLAN_2006, "--log", log, "report", *AS_OF, *args)
    return r.code, r.out, r.err


def test_report_output_follows_the_umask(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    for mask, mode in ((0o022, 0o644), (0o027, 0o640)):
        old = os.umask(mask)
        try:
            out.unlink(missing_ok=True)
            assert report(log, "--output", out) == (0, "", f"wrote {out}\n")
        finally:
            os.umask(old)
        assert stat.S_IMODE(out.stat().st_mode) == mode
    # a report written again keeps the permissions its owner gave it
    out.chmod(0o600)
    assert report(log, "--output", out)[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert listing(tmp_path) == ["report.html", "scenario.progress.jsonl"]


def test_report_output_through_a_symlink(log: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    link = tmp_path / "report.md"
    link.symlink_to(shared / "weekly.md")  # dangling: the first report creates the target
    for _ in range(2):
        assert report(log, "-o", link) == (0, "", f"wrote {link}\n")
        assert link.is_symlink() and (shared / "weekly.md").read_text(encoding="utf-8").startswith("# ")
    assert listing(shared) == ["weekly.md"]


def test_report_output_on_a_full_disk(log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.md"
    out.write_text("last week's\n", encoding="utf-8")
    monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(ENOSPC))
    code, stdout, err = report(log, "-o", out)
    assert (code, stdout, err) == (2, "", f"edplan report: --output: cannot write {out}: No space left on device\n")
    assert out.read_text(encoding="utf-8") == "last week's\n"
    assert listing(tmp_path) == ["report.md", "scenario.progress.jsonl"]


def test_init_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "2006.yaml", SMALL_PLAN)
    monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(ENOSPC))
    r = run("init", "2007", "--from", source)
    new = tmp_path / "2007.yaml"
    assert (r.code, r.out, r.err) == (2, "", f"{new}: cannot write plan file: No space left on device\n")
    assert listing(tmp_path) == ["2006.yaml"]


def test_init_writes_a_plan_with_the_umask_mode_and_force_keeps_a_link(tmp_path: Path, umask: None) -> None:
    source = write(tmp_path / "2006.yaml", SMALL_PLAN)
    new = tmp_path / "2007.yaml"
    assert run("init", "2007", "--from", source).code == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    # a symlinked plan replaced with --force stays a symlink; without --force it is not touched
    (tmp_path / "plans").mkdir()
    real = tmp_path / "plans" / "2008.yaml"
    real.write_text("# draft\n", encoding="utf-8")
    link = tmp_path / "2008.yaml"
    link.symlink_to(real)
    r = run("init", "2008", "--from", source)
    assert (r.code, r.err) == (
        2,
        f"{link}: the file exists already; choose another name with --output, or replace it with --force\n",
    )
    assert run("init", "2008", "--from", source, "--force").code == 0
    assert link.is_symlink() and "year: 2008" in real.read_text(encoding="utf-8")
    assert listing(tmp_path) == ["2006.yaml", "2007.yaml", "2008.yaml", "plans"]
    assert listing(tmp_path / "plans") == ["2008.yaml"]


def test_atomic_write_never_replaces_a_device_or_fifo(fifo: Path) -> None:
    with pytest.raises(OSError) as caught:
        atomic_write(fifo, b"x")
    assert caught.value.strerror == "not a regular file"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert listing(fifo.parent) == ["plan.yaml"]
