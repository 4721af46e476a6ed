"""``edplan draft``: write a draft plan from a plan document, with a ``# check:`` above every guess."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from edplan.cli.app import command, state_of


@command("draft")
def draft(
    ctx: typer.Context,
    document: Annotated[
        Path, typer.Argument(metavar="DOCUMENT", help="The plan document: UTF-8 or GB18030 text, .docx or .html.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Year of the plan (default: the year in the title or file name).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
) -> None:
    """Draft a plan from its document: sections, tasks and every figure as a target, to review.

    Every guess (a kind, a schedule, a direction) has a # check: comment above it; what looks like a
    figure but is not taken is listed on stderr with its line. Review, then run edplan validate.
    """
    state = state_of(ctx)
    from edplan.core.draft import draft_document
    from edplan.render.safe import visible
    from edplan.render.words import word

    lang = state.language
    done = draft_document(document, year, output, force)
    if done.output is None:
        sys.stdout.write(done.text)
        sys.stdout.flush()
    err = sys.stderr
    for note in done.notes:
        err.write(visible(note) + "\n")
    for line, text, why in done.skipped:
        err.write(word("draft.skipped", lang, where=f"{document}:{line}", text=visible(text), why=visible(why)) + "\n")
    where = str(done.output) if done.output is not None else word("draft.stdout", lang)
    err.write(
        word(
            "draft.done",
            lang,
            path=where,
            sections=done.sections,
            tasks=done.tasks,
            targets=done.targets,
            checks=done.checks,
            skipped=len(done.skipped),
        )
        + "\n"
    )
    if done.output is not None:
        err.write(word("draft.next", lang, path=done.output) + "\n")
