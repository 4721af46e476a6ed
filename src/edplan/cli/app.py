"""The Typer application, its global options, and the one error boundary every command goes through.

Imports here stay light (no Rich, pydantic or YAML at module level): shell completion imports this
module on every TAB, and ``edplan --help`` should not pay for libraries it does not use.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from edplan import __version__
from edplan.errors import EXIT_USAGE, EdplanError

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_PLAN = Path("plans/2006.yaml")

app = typer.Typer(
    name="edplan",
    help="Track the numeric targets of a work plan: validate the plan, record progress, see the status.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    plan: Path = DEFAULT_PLAN
    log: Path | None = None
    lang: str | None = None
    no_color: bool = False
    debug: bool = False

    @property
    def language(self) -> str:
        from edplan.render.words import pick_lang

        return pick_lang(self.lang)

    @property
    def log_path(self) -> Path:
        from edplan.progress import log_path_for

        return self.log or log_path_for(self.plan)


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"edplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    plan: Annotated[Path, typer.Option("--plan", envvar="EDPLAN_PLAN", help="Plan file (YAML).")] = DEFAULT_PLAN,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log", envvar="EDPLAN_LOG", help="Progress log (default: beside the plan, NAME.progress.jsonl)."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the output: zh or en (default: EDPLAN_LANG, then the locale)."),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """edplan: a tracker for the numeric targets of a government work plan."""
    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    state.plan, state.log, state.lang, state.no_color, state.debug = plan, log, lang, no_color, debug


def console(stderr: bool = False) -> Console:
    """A Console made per command run, so it reads NO_COLOR and COLUMNS as they are now."""
    from rich.console import Console

    return Console(stderr=stderr, no_color=state.no_color or None, highlight=False, soft_wrap=False)


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
    raise typer.Exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def command(name: str, **kwargs: Any) -> Callable[[F], F]:
    """Register a command behind the error boundary: expected errors become one-line messages."""

    def register(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except EdplanError as exc:
                if state.debug:
                    raise
                from edplan.render.words import problem_text

                lang = state.language
                lines = [problem_text(p, lang) for p in exc.problems]
                fail(
                    [line if p.path else f"edplan {name}: {line}" for p, line in zip(exc.problems, lines, strict=True)],
                    exc.exit_code,
                )
            except KeyboardInterrupt:
                raise typer.Exit(130) from None
            except BrokenPipeError:
                # `edplan status | head`: the reader left; that is not an error worth a traceback.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise typer.Exit(0) from None
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except Exception as exc:
                if state.debug or os.environ.get("EDPLAN_DEBUG"):
                    raise
                fail(
                    [
                        f"edplan {name}: internal error: {type(exc).__name__}: {exc} "
                        "(run with --debug for the traceback, and please report it)"
                    ],
                    EXIT_USAGE,
                )

        app.command(name, **kwargs)(guarded)
        return fn

    return register
