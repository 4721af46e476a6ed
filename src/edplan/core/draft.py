"""``edplan draft``: a plan document in, a draft plan out (to review, then ``edplan validate``).

The drafting itself is :mod:`edplan.plan.draft`; this module reads the document as the rest of
edplan reads files (regular files only, a size cap, one clear problem when it cannot), checks that
the draft is a plan ``validate`` accepts, and writes it whole or not at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.files import read_regular
from edplan.plan.load import check_plan_text, write_new_plan

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Drafted:
    """A draft: its text, where it went (None: stdout), what was counted and left out."""

    text: str
    output: Path | None
    sections: int
    tasks: int
    targets: int
    checks: int  # `# check:` comments a reviewer reads
    skipped: list[tuple[int, str, str]]  # (line, text as written, why)
    notes: list[str]  # how the document was read ("read as GB18030")


def draft_document(document: Path, year: int | None, output: Path | None, replace: bool) -> Drafted:
    """Draft a plan from ``document``; write it to ``output`` (exclusive unless ``replace``)."""
    from edplan.plan.draft import draft_text, read_document

    display = str(document)
    read_regular(document, MAX_DOCUMENT_BYTES, msg("plan document"), missing_hint=msg("give the path of the document"))
    try:
        text, notes = read_document(document)
    except ValueError as exc:
        raise InputError(
            Problem(msg("cannot read {what}: {error}", what=msg("plan document"), error=str(exc)), path=display)
        ) from None
    except Exception as exc:  # a damaged .docx: python-docx raises its own (zipfile, lxml) errors
        raise InputError(
            Problem(
                msg("cannot read {what}: {error}", what=msg("plan document"), error=f"{type(exc).__name__}: {exc}"),
                path=display,
                hint=msg("save it as UTF-8 text, .docx or .html and try again"),
            )
        ) from None
    # The draft's `source:` names the document as validate will look for it: relative to the plan
    # (beside it, by its name, when the draft goes to stdout and is saved there).
    name = document.name
    if output is not None:
        name = os.path.relpath(document.resolve(), output.resolve().parent)
    try:
        drafted = draft_text(text, source_name=name, year=year)
    except ValueError as exc:
        raise UsageError(
            Problem(msg("{error}", error=str(exc)), path=display, hint=msg("give the plan's year with --year"))
        ) from None
    # The draft must load: a draft that validate refuses would be edplan's bug, not the user's to find.
    checked = check_plan_text(drafted.yaml, str(output or "<draft>"))
    if checked.plan is None:
        raise InputError(checked.problems)
    if output is not None:
        write_new_plan(output, drafted.yaml, replace)
    return Drafted(
        drafted.yaml,
        output,
        drafted.sections,
        drafted.tasks,
        drafted.targets,
        drafted.yaml.count("# check:"),
        [(s.line, s.text, s.why) for s in drafted.skipped],
        notes,
    )
