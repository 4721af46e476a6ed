"""Printing a view: through a pager when it is taller than the terminal (as git does), plain when piped.

On a terminal, output taller than the screen goes to ``$PAGER`` (default ``less``, with ``LESS=FRX``
unless set: quit at once if it fits, keep colours, leave the screen as it was). Piped, the lines
carry no padding at their ends (Rich pads table cells to the width), so that a script or a diff
sees the text and nothing else. ``EDPLAN_PAGER=0`` (or ``PAGER=cat``) turns paging off.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def emit(out: Console, view: RenderableType) -> None:
    """Print ``view`` on ``out``'s stream: paged when it does not fit a terminal, trimmed when piped."""
    with out.capture() as captured:
        out.print(view)
    text = captured.get()
    # FORCE_COLOR makes Rich colour a pipe: only a real terminal gets untrimmed lines or a pager.
    tty = out.is_terminal and sys.stdout.isatty()
    if not tty:
        sys.stdout.write("\n".join(line.rstrip() for line in text.split("\n")))
        sys.stdout.flush()
        return
    command = _pager()
    if command is None or text.count("\n") <= out.size.height:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX"), "LV": os.environ.get("LV", "-c")}
    try:
        with subprocess.Popen(command, stdin=subprocess.PIPE, env=env) as pager:
            assert pager.stdin is not None
            try:
                pager.stdin.write(text.encode("utf-8"))
                pager.stdin.close()
            except BrokenPipeError:
                pass  # the reader quit the pager before the end: that is fine
            pager.wait()
    except OSError:
        sys.stdout.write(text)  # the pager named cannot be started: print instead
        sys.stdout.flush()


def _pager() -> list[str] | None:
    if os.environ.get("EDPLAN_PAGER", "1") in ("0", "", "no", "false"):
        return None
    named = os.environ.get("PAGER", "less").strip()
    try:
        command = shlex.split(named)
    except ValueError:
        return None
    if not command or command[0] == "cat" or shutil.which(command[0]) is None:
        return None
    return command
