"""``edplan correct`` and ``edplan retract``: amend a recorded entry by appending a line that says so."""

from __future__ import annotations

from typing import Annotated

import typer

from edplan.cli.app import command, state_of
from edplan.cli.record import shown_value

_REASON_HELP = "Why (kept in the log beside the entry, shown by edplan show)."
_DATE_HELP = "Day this became known, YYYY-MM-DD (default: today; may be back-dated); --known-on earlier ignores it."
_ID_HELP = "Id of this correction; a retry with the same id adds nothing."


@command("correct")
def correct(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ENTRY_ID", help="Id of the entry to correct.")],
    new_value: Annotated[str, typer.Argument(metavar="NEW_VALUE", help="The right figure (or milestone stage).")],
    reason: Annotated[str, typer.Option("--reason", help=_REASON_HELP)],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit of NEW_VALUE (default: the unit the entry was recorded in).")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help=_DATE_HELP)] = None,
    correction_id: Annotated[str | None, typer.Option("--id", help=_ID_HELP)] = None,
    force: Annotated[
        str | None,
        typer.Option(
            "--force",
            metavar="REASON",
            help="Correct to a figure the plausibility check refuses (e.g. 20× the goal); REASON is kept in the log.",
        ),
    ] = None,
) -> None:
    """Correct a recorded figure. The entry's line stays; a correction line with the reason is appended."""
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.record import correct_entry
    from edplan.render.words import word

    done = correct_entry(
        state.plan,
        state.progress_log,
        entry_id,
        new_value,
        unit,
        reason,
        date,
        correction_id,
        dt.date.today(),
        dt.datetime.now(dt.UTC),
        force,
    )
    a, lang = done.amendment, state.language
    if not done.added:
        typer.echo(word("already", lang, id=a.id))
        return
    before = shown_value(done.before.value, done.before.unit) if done.before else "—"
    after = shown_value(a.value or "", a.unit)
    typer.echo(word("corrected", lang, entry=a.entry_id, target=done.entry.target, before=before, after=after, id=a.id))


@command("retract")
def retract(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ENTRY_ID", help="Id of the entry that should not count.")],
    reason: Annotated[str, typer.Option("--reason", help=_REASON_HELP)],
    date: Annotated[str | None, typer.Option("--date", help=_DATE_HELP)] = None,
    retraction_id: Annotated[
        str | None, typer.Option("--id", help="Id of this retraction; a retry adds nothing.")
    ] = None,
) -> None:
    """Retract a recorded entry: it stops counting; its line stays and a retraction line with the reason follows."""
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.record import retract_entry
    from edplan.render.words import word

    done = retract_entry(
        state.plan, state.progress_log, entry_id, reason, date, retraction_id, dt.date.today(), dt.datetime.now(dt.UTC)
    )
    a, e, lang = done.amendment, done.entry, state.language
    if not done.added:
        typer.echo(word("already", lang, id=a.id))
        return
    shown = shown_value(done.before.value, done.before.unit) if done.before else shown_value(e.value, e.unit)
    typer.echo(word("retracted", lang, entry=e.id, target=e.target, value=shown, date=e.date.isoformat(), id=a.id))
