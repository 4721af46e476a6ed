"""``edplan record``: append one progress entry to the log, or a whole file of them (``--from``)."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Annotated

import typer

from edplan.cli.app import State, command, complete_target_id, console, state_of
from edplan.errors import Problem, UsageError, msg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@command("record")
def record(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(metavar="TARGET", help="Target id, e.g. t03-rural-fund.", autocompletion=complete_target_id),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="VALUE",
            help="Figure achieved, in the target's unit (7.8 for 7.8万人), with a magnitude (7.8万) or as a "
            "count (78,000); or a milestone stage.",
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date the figure refers to, YYYY-MM-DD (default: today).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit of VALUE if not the target's, e.g. 人 for a 万人 target.")
    ] = None,
    force: Annotated[
        str | None,
        typer.Option(
            "--force",
            metavar="REASON",
            help="Record a figure the plausibility check refuses (e.g. 20× the goal); REASON is kept in the log.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A remark kept with the entry.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Who reported it (department, document).")] = None,
    entry_id: Annotated[
        str | None, typer.Option("--id", help="Entry id; a retry with the same id adds nothing.")
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Record every row of a CSV or JSON Lines file (- for stdin): all rows or none.",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
) -> None:
    """Record progress on a target. Entries are checked against the plan first; nothing is written if one is wrong.

    With --from FILE, the file's columns are target, value, unit, date, note, source, id (header row
    optional; unit, note, source and id may be left empty).
    """
    state = state_of(ctx)
    import datetime as dt

    from edplan.render.words import word

    now = dt.datetime.now(dt.UTC)
    today = dt.date.today()
    lang = state.language
    if from_file is not None:
        given = {"TARGET": target, "VALUE": value, "--date": date, "--unit": unit, "--note": note}
        given |= {"--source": source, "--id": entry_id}
        extra = [name for name, text in given.items() if text is not None]
        if extra:
            raise UsageError(
                Problem(
                    msg("{option} cannot be used with --from", option=", ".join(extra)),
                    hint=msg("give each row's fields in the file"),
                )
            )
        from edplan.core.record import import_entries
        from edplan.log.rows import open_input

        stream, name, size = open_input(from_file)
        try:
            with _progress_bar(state, size) as tick:
                done = import_entries(
                    state.plan,
                    state.progress_log,
                    stream,
                    name,
                    today,
                    now,
                    dry_run=dry_run,
                    progress=tick,
                    force=force,
                )
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        if done.dry_run:
            key = "import.dry_run"
        elif done.rows == 0:
            key = "import.empty"
        elif done.added == 0:
            key = "import.nothing"
        else:
            key = "import.done" if not done.already else "import.done_already"
        typer.echo(word(key, lang, source=done.source, rows=done.rows, added=done.added, already=done.already))
        return

    if target is None or value is None:
        raise UsageError(Problem(msg("give TARGET and VALUE, or --from FILE"), hint=msg("see: edplan record --help")))
    from edplan.core.record import record_one
    from edplan.log.entries import Draft

    one = record_one(
        state.plan,
        state.progress_log,
        Draft(target, value, date, unit, note, source, entry_id, force),
        today,
        now,
        dry_run,
    )
    e = one.entry
    shown = shown_value(e.value, one.unit)
    key = "record.dry_run" if one.dry_run else "recorded" if one.added else "already"
    typer.echo(word(key, lang, id=e.id, target=e.target, value=shown, date=e.date.isoformat()))


def shown_value(value: str, unit: str | None) -> str:
    """A recorded figure as confirmed to the user: exact (never rounded), grouped, with its unit."""
    from edplan.units import NumberError, format_number, parse_number

    try:
        return format_number(parse_number(value)) + (unit or "")
    except NumberError:
        return value  # a milestone stage


def _progress_bar(state: State, size: int | None) -> AbstractContextManager[Callable[[int], None] | None]:
    """A transient bar on stderr while a file is read and checked; nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return nullcontext(None)
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from edplan.render.words import word

    @contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        columns = [TextColumn(word("import.progress", state.language)), BarColumn(), DownloadColumn()]
        with Progress(*columns, TimeRemainingColumn(), console=console(state, stderr=True), transient=True) as progress:
            task = progress.add_task("import", total=size)
            yield lambda read: progress.update(task, completed=read)

    return bar()
