"""``edplan repair``: set aside the lines of the log that an interrupted write left behind."""

from __future__ import annotations

from typing import Annotated

import typer

from edplan.cli.app import command, state_of
from edplan.errors import EXIT_PROBLEMS


@command("repair")
def repair(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be set aside; change nothing.")] = False,
) -> None:
    """Move torn lines and unfinished batches out of the progress log into LOG.rejected-TIME (never deleted)."""
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.record import repair_log
    from edplan.render.words import problem_text, word

    lang = state.language
    done = repair_log(state.progress_log, dt.datetime.now(dt.UTC), dry_run, state.plan)
    path = str(state.progress_log)
    # What repair does not move (a value its target cannot count, a conflicting id) and how to fix it.
    for problem in done.left:
        typer.echo(problem_text(problem, lang), err=True)
    if done.database:
        for problem in done.problems:
            typer.echo(problem_text(problem, lang), err=True)
        key = "repair.database" if not done.problems else "repair.dry_run_summary" if dry_run else "repair.summary"
        typer.echo(word(key, lang, path=path))
        if done.left:
            raise typer.Exit(EXIT_PROBLEMS)
        return
    if not done.lines:
        typer.echo(word("repair.nothing", lang, path=path))
        if done.left:
            raise typer.Exit(EXIT_PROBLEMS)
        return
    for problem in done.problems:
        typer.echo(problem_text(problem, lang), err=True)
    lines = _ranges(done.lines)
    if done.side_file is None:
        typer.echo(word("repair.dry_run", lang, path=path, n=len(done.lines), lines=lines))
    else:
        typer.echo(word("repair.done", lang, path=path, n=len(done.lines), lines=lines, side=str(done.side_file)))


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → '3–5, 9'."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
