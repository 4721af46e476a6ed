"""Terminal manners: colour only on a terminal and never with NO_COLOR or --no-color, COLUMNS obeyed,
long Chinese names wrapped inside their column, help wrapped by terminal cells in both languages."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from edplan.cli import app
from edplan.cli.app import wrap_cells
from tests.conftest import PLAN_2006, SMALL_PLAN, run, write

EDPLAN = Path(sys.executable).parent / "edplan"
COLOUR = re.compile(r"\x1b\[[0-9;]*?(?:3[0-7]|9[0-7]|38;[0-9;]+)m")
ANY_ESCAPE = re.compile(r"\x1b\[")
STATUS = ("--plan", str(PLAN_2006), "status", "--as-of", "2006-07-01")


def test_colour_when_forced_none_with_no_color_or_the_option() -> None:
    forced = {"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}
    assert COLOUR.search(run(*STATUS, "--section", "1", env=forced).out)
    assert not COLOUR.search(run(*STATUS, "--section", "1", env={**forced, "NO_COLOR": "1"}).out)
    assert not COLOUR.search(run("--no-color", *STATUS, "--section", "1", env=forced).out)


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run edplan with stdout on a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 20)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: the program is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=20)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_colour_on_a_terminal_and_not_through_a_pipe() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env |= {"TERM": "xterm-256color", "COLUMNS": "100", "EDPLAN_LANG": "en", "EDPLAN_PAGER": "0"}
    args = [str(EDPLAN), *STATUS, "--section", "1"]
    assert COLOUR.search(_on_a_terminal(args, env))
    assert not COLOUR.search(_on_a_terminal(args, {**env, "NO_COLOR": "1"}))
    piped = subprocess.run(args, capture_output=True, text=True, env=env)
    assert piped.returncode == 0
    assert not ANY_ESCAPE.search(piped.stdout)


def test_a_view_taller_than_the_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    """As git does: on a terminal, output taller than the screen is paged; piped, never."""
    got = tmp_path / "paged.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\ncat > {got}\n", encoding="utf-8")
    pager.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "EDPLAN_PAGER")}
    env |= {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "20", "EDPLAN_LANG": "en", "PAGER": str(pager)}
    shown = _on_a_terminal([str(EDPLAN), *STATUS, "--all"], env)
    assert "Target" not in shown and got.exists()
    assert "t03-rural-fund" in got.read_text(encoding="utf-8")  # the pager got the listing
    got.unlink()
    _on_a_terminal([str(EDPLAN), *STATUS, "--section", "10"], env)  # short enough for the screen
    assert not got.exists()
    piped = subprocess.run([str(EDPLAN), *STATUS, "--all"], capture_output=True, text=True, env=env)
    assert "t03-rural-fund" in piped.stdout and not got.exists()
    assert all(line == line.rstrip() for line in piped.stdout.splitlines())  # no padding at line ends


@settings(max_examples=8, deadline=None)
@given(width=st.integers(50, 180), lang=st.sampled_from(["en", "zh"]))
def test_the_status_table_fits_columns(width: int, lang: str) -> None:
    r = run("--lang", lang, *STATUS, env={"COLUMNS": str(width)})
    assert r.code == 0
    too_wide = [line for line in r.out.splitlines() if cell_len(line) > width]
    assert too_wide == []


@pytest.mark.parametrize(("width", "id_column"), [(80, False), (120, True)])
def test_ids_get_their_own_column_on_wide_terminals(width: int, id_column: bool) -> None:
    header = next(line for line in run(*STATUS, env={"COLUMNS": str(width)}).out.splitlines() if "Target" in line)
    assert ("ID" in header.split()) is id_column


def test_a_long_chinese_name_wraps_inside_its_column(tmp_path: Path) -> None:
    name = "郊区农村中小学音乐美术器材配备及专用教室建设达标与城乡学校对口帮扶示范工程"
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN.replace("name: 专项资金", f"name: {name}"))
    # early in the year: nothing is stale yet, so the status column is narrow
    r = run("--plan", plan, "--lang", "zh", "status", "--as-of", "2006-02-01", "--all", env={"COLUMNS": "80"})
    lines = r.out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    # The name comes back whole when its column is read top to bottom, and the figures stay on its row.
    first = next(i for i, line in enumerate(lines) if name[:4] in line)
    last = next(i for i in range(first, len(lines)) if "t01-fund" in lines[i])
    column = "".join(re.findall(r"[\u4e00-\u9fff]+", line)[0] for line in lines[first:last])
    assert column == name
    assert "4亿元" in lines[first]


def _too_wide(text: str, width: int) -> list[str]:
    # A single word longer than the line (an option with its choices) may stand alone on its line.
    return [line for line in text.splitlines() if cell_len(line) > width and len(line.strip().split(" ")) > 1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_help_fits_80_columns(lang: str) -> None:
    """Click's test runner pins help to 80 columns; other widths are run in a real process below."""
    commands = [[], *([name] for name in typer.main.get_command(app).list_commands(None))]  # type: ignore[attr-defined]
    for command in commands:
        r = run("--lang", lang, *command, "--help")
        assert r.code == 0, command
        assert _too_wide(r.out, 80) == [], command


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_follows_columns(lang: str) -> None:
    env = {**os.environ, "COLUMNS": "60", "EDPLAN_LANG": lang}
    for command in ([], ["record"]):
        r = subprocess.run([str(EDPLAN), *command, "--help"], capture_output=True, text=True, env=env)
        assert r.returncode == 0
        assert _too_wide(r.stdout, 60) == []
        assert max(cell_len(line) for line in r.stdout.splitlines()) > 50  # the width is used, not squeezed


def test_wrap_cells_counts_chinese_as_two_cells() -> None:
    assert wrap_cells("计划文件中不允许使用别名", 10) == ["计划文件中", "不允许使用", "别名"]
    assert wrap_cells("edplan validate plans/2006.yaml", 16) == ["edplan validate", "plans/2006.yaml"]
    # A closing mark never starts a line.
    assert wrap_cells("计划文件，编号", 8) == ["计划文", "件，编号"]
    assert wrap_cells("副本：edplan schema > plan.schema.json）。", 20) == [
        "副本：edplan schema",
        ">",
        "plan.schema.json）。",
    ]


@given(st.text(st.sampled_from(list("计划文件编号abc ，。")), max_size=60), st.integers(4, 40))
def test_wrapping_keeps_every_character_and_fits(text: str, width: int) -> None:
    lines = wrap_cells(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # Past the margin go only closing marks hanging at the end, or a word longer than the line.
    alone = re.compile(r"[，。 ]*(?:[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+)?[，。 ]*")
    assert all(cell_len(line.rstrip("，。 ")) <= width or alone.fullmatch(line) for line in lines), lines
    assert not any(line.startswith(("，", "。")) for line in lines[1:] if line.strip("，。"))
