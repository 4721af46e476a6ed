"""A throwaway PostgreSQL server for the database tests: its own directory, a free localhost port.

The server binaries are Debian's ``postgresql`` package (``pg_config --bindir``, or
/usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` user on a directory that user owns. When no server can be had, :func:`server` says why
and the tests that need one are skipped with that reason (``.ci/run`` has the binaries).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(fsync: bool = False) -> Iterator[str]:
    """Start a server; yield its URL (``postgresql://postgres@127.0.0.1:PORT/postgres``); remove it.

    Raises RuntimeError with the reason when no server can be started here. ``fsync=False`` (the
    tests: nothing there must survive a power cut) makes it start and write faster; the benchmark
    runs with ``fsync=True``, as a bureau's server would.
    """
    bins = bindir()
    if bins is None:
        raise RuntimeError("no PostgreSQL server binaries (install Debian's postgresql package)")
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        raise RuntimeError("running as root without runuser: PostgreSQL will not start as root")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="edplan-pg-"))
    if as_root:
        shutil.chown(folder, "postgres")
    data, log, port = folder / "data", folder / "server.log", _free_port()
    try:
        initdb = subprocess.run(
            [*prefix, str(bins / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stderr.strip()[-300:]}")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'}"
        start = subprocess.run(
            [*prefix, str(bins / "pg_ctl"), "-D", str(data), "-w", "-l", str(log), "-o", options, "start"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if start.returncode != 0:
            tail = log.read_text(errors="replace")[-300:] if log.exists() else start.stderr
            raise RuntimeError(f"the server did not start: {tail.strip()}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*prefix, str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
