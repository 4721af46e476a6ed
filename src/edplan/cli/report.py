"""``edplan report``: a one-screen summary for a meeting; ``--output`` writes it as HTML or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edplan.cli.app import KNOWN_ON_HELP, command, console, print_warnings, state_of
from edplan.errors import Problem, UsageError, msg

SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf"}


@command("report")
def report(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Report the figures up to this date (default: today, at most the plan's end)."),
    ] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help=KNOWN_ON_HELP),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Show what changed after this date, e.g. the last meeting (default: 30 days)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to a file instead: report.html, report.md, or report.pdf."
        ),
    ] = None,
) -> None:
    """Headline counts, completion per section, what is lagging or at risk, and what changed since a date."""
    state = state_of(ctx)
    import datetime as dt

    from edplan.core.query import build_meeting, parse_as_of

    kind = None
    if output is not None:
        kind = SUFFIXES.get(output.suffix.lower())
        if kind is None:
            hint = msg("use .html, .md or .pdf")
            raise UsageError(Problem(msg("--output: cannot write '{suffix}' files", suffix=output.suffix), hint=hint))
    meeting = build_meeting(
        state.plan,
        state.progress_log,
        parse_as_of(as_of),
        parse_as_of(since, "--since"),
        dt.date.today(),
        parse_as_of(known_on, "--known-on"),
    )
    lang = state.language
    from edplan.render import meeting as render

    print_warnings(state, meeting.report.warnings)
    if output is None:
        from edplan.cli.pager import emit

        out = console(state)
        emit(out, render.meeting_view(meeting, lang, out.width))
        return
    if kind == "markdown":
        _write(output, render.meeting_markdown(meeting, lang))
    else:
        from edplan.render.html import meeting_page

        page = meeting_page(
            meeting,
            lang,
            plan_path=str(state.plan),
            log_path=str(state.progress_log),
            generated_at=dt.datetime.now().astimezone(),  # the command reads the clock; the page never does
        )
        if kind == "html":
            _write(output, page)
        else:
            _write_pdf(output, page)
    from edplan.render.words import word

    typer.echo(word("report.written", lang, path=output), err=True)


def _write(path: Path, text: str | bytes) -> None:
    """Write the whole file or nothing: a half-written report must not be sent round.

    The report is for people, so it gets the umask's permissions (0644 typically), not a temporary
    file's 0600, and a report replaced keeps its own; a symlinked report file stays a symlink.
    """
    from edplan.files import atomic_write

    try:
        atomic_write(path, text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        raise UsageError(
            Problem(msg("--output: cannot write {path}: {error}", path=str(path), error=exc.strerror or str(exc)))
        ) from None


def _write_pdf(path: Path, page: str) -> None:
    """Print the page to PDF with headless Chromium (A4, as its print stylesheet says), whole or not at all."""
    import tempfile

    from edplan.render.html import browser, pdf_from_html

    if browser() is None:
        raise UsageError(
            Problem(
                msg("--output: a PDF needs Chromium, which is not installed"),
                hint=msg("write report.html and print it from a browser, or install chromium"),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        html_file, pdf_file = Path(folder) / "report.html", Path(folder) / "report.pdf"
        html_file.write_text(page, encoding="utf-8")
        try:
            pdf_from_html(html_file, pdf_file)
        except RuntimeError as exc:
            raise UsageError(Problem(msg("--output: cannot print the PDF: {error}", error=str(exc)))) from None
        _write(path, pdf_file.read_bytes())

