"""``edplan status``: where every target stands, as a Rich table or JSON."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from edplan.cli.app import command, console, state


class Format(StrEnum):
    table = "table"
    json = "json"


@command("status")
def status(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Status as it stood on this date (default: today, at most the plan's end)."),
    ] = None,
    section: Annotated[int | None, typer.Option("--section", help="Only this section (1 = 一).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Show every target: actual against expected, progress, and a status (achieved, on track, at risk, lagging…)."""
    import datetime as dt

    from edplan.reporting import build_status, parse_as_of

    report = build_status(state.plan, state.log_path, parse_as_of(as_of), dt.date.today(), section)
    lang = state.language
    if fmt is Format.json:
        import json

        from edplan.render.data import report_data

        typer.echo(json.dumps(report_data(report, lang), ensure_ascii=False, indent=2))
        return
    from edplan.render.table import status_view

    out = console()
    for warning in report.warnings:
        console(stderr=True).print(f"warning: {warning}", style="yellow", markup=False)
    out.print(status_view(report, lang, out.width))
