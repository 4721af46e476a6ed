"""The ``edplan`` command line: one module per command, all behind one error boundary (``app.command``)."""

from __future__ import annotations

from edplan.cli import (  # noqa: F401  (registers the commands)
    correct,
    draft,
    init,
    log,
    record,
    repair,
    report,
    schema,
    show,
    status,
    validate,
)
from edplan.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="edplan")
