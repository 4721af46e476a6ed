"""``edplan init`` (start next year's plan from this year's) and ``edplan compare`` (what changed)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from edplan.cli.app import command, console, state_of


@command("init")
def init(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(metavar="YEAR", help="Year of the new plan, e.g. 2007.")],
    source: Annotated[
        Path | None, typer.Option("--from", help="Plan to start from (default: the --plan file).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: YEAR.yaml beside the source).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
    blank: Annotated[
        bool, typer.Option("--blank", help="Start an empty plan instead, with a comment explaining every field.")
    ] = False,
) -> None:
    """Start a new plan year: same sections, tasks, target ids and comments; dates moved to YEAR.

    Edit the targets and schedules of the new file afterwards; edplan compare shows what changed.
    """
    state = state_of(ctx)
    if blank:
        from edplan.plan.blank import start_blank
        from edplan.render.words import word

        path = output or state.plan.with_name(f"{year}.yaml")
        start_blank(year, path, force)
        typer.echo(word("init.blank", state.language, path=path, year=year))
        return
    from edplan.plan.newyear import start_year
    from edplan.render.words import word

    origin = source or state.plan
    done = start_year(origin, year, output, force)
    plan = done.plan
    lang = state.language
    counts = {
        "sections": len(plan.sections),
        "tasks": sum(len(s.tasks) for s in plan.sections),
        "targets": len(plan.targets()),
    }
    typer.echo(word("init.done", lang, path=done.path, source=origin, dates=done.moved, year=year, **counts))
    if done.dropped:
        typer.echo(word("init.revisions", lang, count=done.dropped, source=origin))
    typer.echo(word("init.next", lang, year=year, source=origin, path=done.path))


class Format(StrEnum):
    text = "text"
    json = "json"


@command("compare")
def compare(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier plan, e.g. plans/2006.yaml.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later plan, e.g. plans/2007.yaml.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="text, or json for scripts.")] = Format.text,
) -> None:
    """Show the targets added, removed and changed between two plans (matched by id).

    Dates that moved with the year are not counted as changes.
    """
    state = state_of(ctx)
    from edplan.plan.newyear import compare_files

    result = compare_files(old, new)
    if fmt is Format.json:
        from edplan.render.compare import comparison_data
        from edplan.render.safe import json_text

        typer.echo(json_text(comparison_data(result)))
        return
    from edplan.render.compare import comparison_lines

    out = console(state)
    for line in comparison_lines(result, state.language):
        out.print(line, soft_wrap=True)  # a path is never folded; the terminal wraps long lines itself
