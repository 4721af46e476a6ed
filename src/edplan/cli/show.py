"""``edplan show TARGET``: one target's full story: definition, schedule, entries, trend, forecast, verdict."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from edplan.cli.app import KNOWN_ON_HELP, command, complete_target_id, console, print_warnings, state_of


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


@command("show")
def show(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Target id, e.g. t03-rural-fund.", autocompletion=complete_target_id)],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Figures up to this date (default: today, at most the plan's end)."),
    ] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help=KNOWN_ON_HELP),
    ] = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = ShowFormat.table,
) -> None:
    """One target's full story: definition and source, schedule, every entry, trend, forecast, and why its status."""
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.query import build_show, parse_as_of

    when, known = parse_as_of(as_of), parse_as_of(known_on, "--known-on")
    result = build_show(state.plan, state.progress_log, target, when, dt.date.today(), known)
    lang = state.language
    print_warnings(state, result.warnings)
    if fmt is ShowFormat.json:
        from edplan.render.safe import json_text
        from edplan.render.show import show_data

        typer.echo(json_text(show_data(result, "en")))  # a contract: the same whatever --lang says
        return
    from edplan.cli.pager import emit
    from edplan.render.show import show_view

    emit(console(state), show_view(result, lang))
