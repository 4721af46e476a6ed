"""Shell completion: commands, options and target ids, as bash, zsh and fish ask for them.

The shells run ``edplan`` with ``_EDPLAN_COMPLETE=complete_SHELL`` and the words typed so far; these
tests do the same in a subprocess. Target ids come from ``cli.app.complete_target_id``; the probe app
below wires it to an argument the way ``record TARGET`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import pytest
import typer

from edplan.cli import app
from edplan.cli.app import complete_target_id
from tests.conftest import PLAN_2006, ROOT, SMALL_PLAN, write

EDPLAN = Path(sys.executable).parent / "edplan"

PROBE = """
import typer
from edplan.cli.app import app, command, complete_target_id

@command("probe")
def probe(ctx: typer.Context, target: str = typer.Argument(..., autocompletion=complete_target_id)) -> None:
    print(target)

app(prog_name="edplan")
"""


def complete(shell: str, words: str, program: list[str] | None = None, **env: str) -> list[str]:
    """What ``edplan`` offers when the shell asks with ``words`` typed (the last one being completed)."""
    full = {**os.environ, "_EDPLAN_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        parts = words.split(" ")
        full |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        full |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    r = subprocess.run(program or [str(EDPLAN)], capture_output=True, text=True, env=full, cwd=ROOT, timeout=30)
    assert r.returncode == 0, r.stderr
    return [line for line in r.stdout.splitlines() if line]  # bash gets an empty line for "nothing"


def test_commands_complete() -> None:
    assert complete("bash", "edplan va") == ["validate"]
    assert complete("bash", "edplan s") == ["schema", "show", "status"]
    assert "compare" in complete("bash", "edplan co")


def test_options_and_their_values_complete() -> None:
    assert complete("bash", "edplan validate --fo") == ["--format"]
    assert complete("bash", "edplan validate --format ") == ["text", "github", "json"]
    assert complete("bash", "edplan --pl") == ["--plan"]


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    script = tmp_path_factory.mktemp("probe") / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    return [sys.executable, str(script)]


def test_target_ids_complete_from_the_plan(probe: list[str]) -> None:
    assert complete("bash", "edplan probe t03-ru", probe) == [
        "t03-rural-fund",
        "t03-rural-teacher-training",
        "t03-rural-tech-training",
    ]
    # zsh and fish show each id's name beside it.
    assert complete("fish", "edplan probe t03-rural-f", probe) == ["t03-rural-fund\t农村教育专项资金"]
    assert complete("zsh", "edplan probe t03-rural-f", probe) == [
        '_arguments \'*: :(("t03-rural-fund":"农村教育专项资金"))\''
    ]


def test_target_ids_follow_the_plan_option_and_variable(probe: list[str], tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    assert complete("bash", f"edplan --plan {plan} probe t0", probe) == ["t01-fund", "t01-enrol", "t02-rules"]
    assert complete("bash", "edplan probe t02", probe, EDPLAN_PLAN=str(plan)) == ["t02-rules"]


def test_a_plan_that_cannot_be_read_completes_nothing_quietly(probe: list[str], tmp_path: Path) -> None:
    broken = write(tmp_path / "plan.yaml", SMALL_PLAN.replace("value: 4", "value: lots"))
    assert complete("bash", f"edplan --plan {broken} probe t", probe) == []
    assert complete("bash", f"edplan --plan {tmp_path / 'missing.yaml'} probe t", probe) == []


def test_completing_a_target_id_is_quick(probe: list[str]) -> None:
    complete("bash", "edplan probe t03", probe)  # the plan cache is warm after the first TAB
    started = time.perf_counter()
    assert len(complete("bash", "edplan probe t03", probe)) > 5
    assert time.perf_counter() - started < 1.5


def test_the_completer_on_its_own(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    command = typer.main.get_command(app)
    # Click builds the context; the completer reads it as Typer's (the same object at run time).
    ctx = cast(typer.Context, command.make_context("edplan", ["--plan", str(plan), "status"], resilient_parsing=True))
    assert complete_target_id(ctx, "t01") == [("t01-fund", "专项资金"), ("t01-enrol", "招生")]
    assert complete_target_id(ctx, "x") == []
    args = ["--plan", str(PLAN_2006), "status"]
    ctx = cast(typer.Context, command.make_context("edplan", args, resilient_parsing=True))
    assert len(complete_target_id(ctx, "")) == 113


def test_install_completion_is_offered() -> None:
    r = subprocess.run([str(EDPLAN), "--help"], capture_output=True, text=True, env={**os.environ, "EDPLAN_LANG": "en"})
    assert "--install-completion" in r.stdout and "--show-completion" in r.stdout


def test_the_installed_bash_script_completes_in_bash(tmp_path: Path) -> None:
    """What --install-completion puts in ~/.bashrc, run by a real bash."""
    script = r"""
eval "$(edplan --show-completion bash)"
COMP_WORDS=(edplan valid); COMP_CWORD=1; _edplan_completion edplan; echo "${COMPREPLY[@]}"
COMP_WORDS=(edplan validate --format g); COMP_CWORD=3; _edplan_completion edplan; echo "${COMPREPLY[@]}"
"""
    env = {**os.environ, "PATH": f"{EDPLAN.parent}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    r = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.splitlines() == ["validate", "github"], r.stderr


def test_record_and_show_complete_target_ids() -> None:
    assert complete("bash", "edplan record t03-ru") == [
        "t03-rural-fund",
        "t03-rural-teacher-training",
        "t03-rural-tech-training",
    ]
    assert complete("bash", "edplan show t25-") == ["t25-science-parks", "t25-tech-transfer-centres", "t25-patent-fund"]
