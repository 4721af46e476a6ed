"""``edplan validate``: check plan files (and their logs); one line per problem; exit 1 if any."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edplan.cli.app import command, state
from edplan.errors import EXIT_OK, EXIT_PROBLEMS


@command("validate")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Plan files (.yaml) or progress logs (.progress.jsonl); default: the --plan file."),
    ] = None,
) -> None:
    """Check plan files and progress logs; print every problem as path:line:column: message.

    Exit 0 when everything is valid, 1 when problems were found, 2 when a file cannot be read.
    """
    from edplan.render.words import problem_text, word
    from edplan.validation import validate_paths

    lang = state.language
    results = validate_paths(list(files or [state.plan]), log=state.log if not files else None)
    problems = [p for r in results for p in r.problems]
    for result in results:
        for problem in result.problems:
            typer.echo(problem_text(problem, lang))
        if not result.problems:
            key = "plan.valid" if result.kind == "plan" else "log.valid"
            typer.echo(word(key, lang, path=result.path, **result.counts), err=True)
    if problems:
        typer.echo(word("problems", lang, n=len(problems)), err=True)
    raise typer.Exit(EXIT_PROBLEMS if problems else EXIT_OK)
