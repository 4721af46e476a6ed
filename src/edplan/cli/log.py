"""``edplan log copy FROM TO``: move a progress log between a file and a PostgreSQL database."""

from __future__ import annotations

from typing import Annotated

import typer

from edplan.cli.app import EdplanGroup, app, command, state_of

log_app = typer.Typer(
    name="log",
    cls=EdplanGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Work on the progress log itself: copy it between a file and a database.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(log_app, name="log")


@command("copy", on=log_app)
def copy(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The log to copy: a file or a postgresql:// URL.")],
    dest: Annotated[str, typer.Argument(metavar="TO", help="Where to copy it: a file or a postgresql:// URL.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be copied; write nothing.")] = False,
) -> None:
    """Copy every entry and amendment, as recorded, from FROM to TO (ids already there are skipped)."""
    state = state_of(ctx)
    from edplan.core.copy import copy_between
    from edplan.log.store import log_of
    from edplan.render.words import problem_text, word

    lang = state.language
    done = copy_between(state.plan, log_of(source, state.plan), log_of(dest, state.plan), dry_run)
    for problem in done.skipped:
        typer.echo(problem_text(problem, lang), err=True)
    key = "copy.dry_run" if dry_run else "copy.done"
    typer.echo(
        word(
            key,
            lang,
            source=done.source,
            dest=done.dest,
            added=done.added,
            amended=done.amendments_added,
            already=done.already + done.amendments_already,
        )
    )
