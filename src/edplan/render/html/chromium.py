"""Headless Chromium: print the meeting page to PDF (and, for the tests, screenshots and the DOM).

The page is printed by a real browser rather than a Python PDF library: the print stylesheet, the
Chinese fonts and the SVG charts then come out exactly as a person printing the page would get
them. Chromium is optional; :func:`browser` says whether it is there, and every failure becomes a
``RuntimeError`` saying what went wrong, never a hang (each run has a timeout).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 60  # seconds; a first start on a cold machine takes a few, a hang never ends
NAMES = ("chromium", "chromium-browser")
# No first-run dialogs, no update or sync traffic, no GPU: the page itself needs no network and
# the browser must not go looking for any either.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def browser() -> str | None:
    """The path of Chromium if it is installed, else None."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_headless(*args: str, timeout: float = TIMEOUT) -> str:
    """Run headless Chromium with ``args`` in a throwaway profile; return what it wrote to stdout."""
    path = browser()
    if path is None:
        raise RuntimeError("chromium not installed: install it (apt-get install chromium) to print the report")
    # A fresh profile each time: runs do not share state, and the user's own profile is never touched.
    with tempfile.TemporaryDirectory(prefix="edplan-chromium-") as profile:
        command = [path, *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"chromium did not finish within {timeout:g} s: {' '.join(args)}") from None
        except OSError as exc:
            raise RuntimeError(f"chromium could not be started ({path}): {exc.strerror or exc}") from None
    if done.returncode != 0:
        # Chromium logs many harmless lines (no D-Bus in a container): the last few say what failed.
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"chromium failed with exit code {done.returncode}: {tail}")
    return done.stdout


def pdf_from_html(html_path: Path, pdf_path: Path) -> None:
    """Print the page at ``html_path`` to ``pdf_path`` (A4, from the page's print stylesheet)."""
    source = html_path.resolve()
    if not source.is_file():
        raise RuntimeError(f"no page to print: {html_path} does not exist")
    target = pdf_path.resolve()
    target.unlink(missing_ok=True)  # so that a PDF left from an earlier run never passes for this one
    run_headless("--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri())
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF to {pdf_path}")
