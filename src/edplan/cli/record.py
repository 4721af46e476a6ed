"""``edplan record``: append one progress entry to the log."""

from __future__ import annotations

from typing import Annotated

import typer

from edplan.cli.app import command, state


@command("record")
def record(
    target: Annotated[str, typer.Argument(help="Target id, e.g. t03-rural-fund.")],
    value: Annotated[str, typer.Argument(help="Figure achieved (78000, 78,000 or 7.8万) or a milestone stage.")],
    date: Annotated[
        str | None, typer.Option("--date", help="Date the figure refers to, YYYY-MM-DD (default: today).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit of VALUE if not the target's, e.g. 人 for a 万人 target.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A remark kept with the entry.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Who reported it (department, document).")] = None,
    entry_id: Annotated[
        str | None, typer.Option("--id", help="Entry id; a retry with the same id adds nothing.")
    ] = None,
) -> None:
    """Record progress on a target. The entry is checked against the plan first; nothing is written if it is wrong."""
    import datetime as dt

    from edplan.entries import Draft
    from edplan.recording import record_one
    from edplan.render.data import with_unit
    from edplan.render.words import word
    from edplan.units import parse_number

    draft = Draft(target, value, date, unit, note, source, entry_id)
    now = dt.datetime.now(dt.UTC)
    done = record_one(state.plan, state.log_path, draft, dt.date.today(), now)
    e = done.entry
    shown = with_unit(parse_number(e.value), done.unit) if e.unit or done.unit else e.value
    key = "recorded" if done.added else "already"
    typer.echo(word(key, state.language, id=e.id, target=e.target, value=shown, date=e.date.isoformat()))
