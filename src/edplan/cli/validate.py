"""``edplan validate``: check plan files (and their logs); every problem as text, GitHub annotations or JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from edplan.cli.app import command, state_of
from edplan.errors import EXIT_OK, EXIT_PROBLEMS


class Format(StrEnum):
    text = "text"
    github = "github"
    json = "json"


@command("validate")
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILES", help="Plan files (.yaml) or progress logs (.progress.jsonl); default: the --plan file."
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text: path:line:column: message; github: ::error annotations for GitHub Actions; json: for scripts.",
        ),
    ] = Format.text,
) -> None:
    """Check plan files and progress logs; print every problem as path:line:column: message.

    Exit 0 when everything is valid, 1 when problems were found, 2 when a file cannot be read.
    """
    state = state_of(ctx)
    from edplan.core.validate import validate_paths
    from edplan.render.problems import github_annotation, text_lines, validation_data
    from edplan.render.words import word

    lang = state.language
    results = validate_paths(list(files or [state.plan]), log=state.progress_log if state.log and not files else None)
    problems = [p for r in results for p in r.problems]
    if fmt is Format.json:
        from edplan.render.safe import json_text

        typer.echo(json_text(validation_data(results, "en")))  # a contract: the same whatever --lang says
        raise typer.Exit(EXIT_PROBLEMS if problems else EXIT_OK)
    for result in results:
        if fmt is Format.github:
            # Annotations for the pull request on stdout; the full report on stderr for the log
            # (GitHub shows only the first few annotations of a step).
            for problem in result.problems:
                typer.echo(github_annotation(problem, lang))
            for line in text_lines(result.problems, lang):
                typer.echo(line, err=True)
        else:
            for line in text_lines(result.problems, lang):
                typer.echo(line)
        if not result.problems:
            key = "plan.valid" if result.kind == "plan" else "log.valid"
            typer.echo(word(key, lang, path=result.path, **result.counts), err=True)
    if problems:
        typer.echo(word("problems", lang, n=len(problems)), err=True)
    raise typer.Exit(EXIT_PROBLEMS if problems else EXIT_OK)
