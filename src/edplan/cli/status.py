"""``edplan status``: where every target stands, in the format the meeting or the script needs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from edplan.cli.app import KNOWN_ON_HELP, command, console, print_warnings, state_of
from edplan.errors import EXIT_PROBLEMS


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    github = "github"
    plain = "plain"
    csv = "csv"
    json = "json"


class By(StrEnum):
    section = "section"
    task = "task"
    owner = "owner"


@command("status")
def status(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Status of the figures up to this date (default: today, at most the plan's end)."),
    ] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help=KNOWN_ON_HELP),
    ] = None,
    section: Annotated[int | None, typer.Option("--section", help="Only this section (1 = 一).")] = None,
    task: Annotated[int | None, typer.Option("--task", help="Only this task (its number in the document).")] = None,
    status_filter: Annotated[
        str | None,
        typer.Option("--status", help="Only these statuses, comma-separated, e.g. lagging,at_risk (or stale)."),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only targets this unit leads or supports (牵头 / 配合单位).")
    ] = None,
    grep: Annotated[
        str | None, typer.Option("--grep", help="Only targets whose id, name or source contain TEXT.")
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option("--sort", help="gap (furthest behind first), progress (least done first), status or id."),
    ] = None,
    by: Annotated[
        By | None, typer.Option("--by", help="Rollups per section or task; owner: one table per unit.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit 1 if any target shown has one of these statuses, e.g. lagging,overdue."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="List every target (default: what needs attention, the rest one line a section)."),
    ] = False,
) -> None:
    """Show every target: actual against expected, progress, and a status (achieved, on track, at risk, lagging…).

    Exit 0, or 1 when --fail-on matches; 2 when the plan or an option is wrong.
    """
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.query import StatusOptions, build_status, parse_as_of

    options = StatusOptions(section, task, status_filter, owner, grep, sort, fail_on)
    when, known = parse_as_of(as_of), parse_as_of(known_on, "--known-on")
    result = build_status(state.plan, state.progress_log, when, dt.date.today(), options, known)
    report = result.report
    lang = state.language
    kind = by.value if by is not None else None
    print_warnings(state, report.warnings)
    if fmt is Format.json:
        from edplan.render.data import report_data
        from edplan.render.safe import json_text

        typer.echo(json_text(report_data(report, "en")))  # a contract: the same whatever --lang says
    elif fmt is Format.csv:
        from edplan.render.machine import status_csv

        typer.echo(status_csv(report, kind), nl=False)
    elif fmt is not Format.table:
        from edplan.render.text import status_document

        typer.echo(status_document(report, fmt.value, lang, kind), nl=False)
    else:
        from edplan.cli.pager import emit
        from edplan.render import table

        out = console(state)
        narrowed = any(v is not None for v in (section, task, status_filter, owner, grep, sort))
        if kind == "owner":
            view = table.owner_view(report, lang, out.width)
        elif kind is not None:
            view = table.rollup_view(report, kind, lang, out.width)
        elif every or narrowed:
            view = table.status_view(report, lang, out.width)  # asked for: the full listing
        else:
            view = table.attention_view(report, result.attention, lang, out.width)
        emit(out, view)
    if result.failing:
        from edplan.render.words import word

        ids = ", ".join(r.target.id for r in result.failing[:5]) + (", …" if len(result.failing) > 5 else "")
        typer.echo(f"edplan status: {word('failing', lang, codes=fail_on, n=len(result.failing), ids=ids)}", err=True)
        raise typer.Exit(EXIT_PROBLEMS)
