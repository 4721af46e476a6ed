"""The Typer application, its global options, and the one error boundary every command goes through.

Imports here stay light (no Rich, pydantic or YAML at module level): shell completion imports this
module on every TAB, and ``edplan --help`` should not pay for libraries it does not use.

Help and usage errors follow the output language too. Typer builds its help from English strings
at import time, so the Chinese is put in when the help is written: :class:`EdplanContext` gives
Click a formatter that looks each English text up in ``render/help_zh.py`` (``HELP_ZH``) and wraps by
terminal cells, and usage errors (unknown option, missing argument) are reworded the same way. The
language is ``--lang`` wherever it stands on the command line, else ``EDPLAN_LANG``, else the locale.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from edplan import __version__
from edplan.errors import EXIT_USAGE, EdplanError, msg
from edplan.render.wrap import cells as _cells
from edplan.render.wrap import wrap_cells as wrap_cells

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from rich.console import Console

    from edplan.log.store import Log

DEFAULT_PLAN = Path("plans/2006.yaml")

# Typer bundles its own Click and re-exports neither its help formatter nor UsageError by name. At run
# time both are reached through public attributes (a Context's formatter class, BadParameter's base);
# only the type checker is shown where they live.
if TYPE_CHECKING:
    from typer._click.exceptions import UsageError as ClickUsageError
    from typer._click.formatting import HelpFormatter
else:
    HelpFormatter = typer.Context.formatter_class
    ClickUsageError = typer.BadParameter.__mro__[1]


@dataclass
class State:
    """The global options of one run, kept in the root Click context (``ctx.obj``), not in a module."""

    plan: Path = DEFAULT_PLAN
    log: str | None = None  # as typed: a path, or a postgresql:// URL
    lang: str | None = None
    no_color: bool = False
    debug: bool = False
    argv_lang: str | None = None  # --lang as found on the command line, before Click has parsed it

    @property
    def language(self) -> str:
        from edplan.render.words import pick_lang

        return pick_lang(self.lang)

    @property
    def help_language(self) -> str:
        """The language of help and usage errors, which may be shown before --lang is parsed."""
        from edplan.render.words import pick_lang

        return pick_lang(self.lang or self.argv_lang)

    @property
    def progress_log(self) -> Log:
        """The progress log: ``--log`` (a file, or a database by its URL), else the file beside the plan."""
        from edplan.log.store import log_of

        return log_of(self.log, self.plan)


def state_of(ctx: Any) -> State:
    """The run's options, from the root context (a fresh default when a caller built no context)."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


# --- help and usage errors in the output language ----------------------------------------------------


def _scan_lang(args: Sequence[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _display_options_first(args: list[str]) -> list[str]:
    """``edplan status --lang zh`` as ``edplan --lang zh status``: the display options may follow the command.

    Only ``--lang VALUE``, ``--lang=VALUE`` and ``--no-color`` move, and nothing after ``--``.
    """
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--lang" and i + 1 < len(args):
            moved += args[i : i + 2]
            i += 2
            continue
        if arg.startswith("--lang=") or arg == "--no-color":
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return moved + rest


def _paragraphs(text: str) -> list[str]:
    """Paragraphs (split at blank lines), each one line: Chinese joins without a space, Latin with one."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        joined = ""
        for line in block.split("\n"):
            line = line.strip()
            tight = joined and _cells(joined[-1]) == 2 and line and _cells(line[0]) == 2
            joined = f"{joined}{'' if tight or not joined else ' '}{line}"
        out.append(joined)
    return out


class EdplanFormatter(HelpFormatter):
    """Click's help formatter, wrapping by terminal cells (Chinese counts two) and in Chinese when the
    output language is: each English text is looked up in ``HELP_ZH``."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def _text(self, text: str) -> str:
        if self.lang != "zh":
            return text
        from edplan.render.help_zh import help_zh

        return help_zh(text)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        zh = self.lang == "zh"
        super().write_usage(prog, args, "用法：" if zh and prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        colon = "：" if self.lang == "zh" else ":"
        self.write(f"{'':>{self.current_indent}}{self._text(heading)}{colon}\n")

    def _wrapped(self, text: str, width: int) -> list[str]:
        lines: list[str] = []
        for i, paragraph in enumerate(_paragraphs(self._text(text))):
            lines += ([""] if i else []) + wrap_cells(paragraph, width)
        return lines

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        lines = self._wrapped(text, max(self.width - self.current_indent, 20))
        self.write("".join(f"{indent}{line}\n" if line else "\n" for line in lines))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((_cells(t) for t, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if _cells(term) <= first - col_spacing:
                self.write(" " * (first - _cells(term)))
            else:
                self.write("\n" + " " * (first + self.current_indent))
            lines = self._wrapped(text, max(self.width - first - self.current_indent - 2, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first + self.current_indent) + line + "\n" if line else "\n")


class EdplanContext(typer.Context):
    formatter_class = EdplanFormatter

    def make_formatter(self) -> Any:
        return EdplanFormatter(
            width=self.terminal_width, max_width=self.max_content_width, lang=state_of(self).help_language
        )


@contextlib.contextmanager
def _worded_usage_errors(state: State) -> Iterator[None]:
    """Usage errors (unknown option, missing argument, bad value) as one line in edplan's format and
    the output language, like every other error: ``edplan status: no such option: --bogus; see …``."""
    try:
        yield
    except ClickUsageError as exc:
        # Only the plain report; `edplan` alone shows the help (already in the language) instead.
        if type(exc).show is ClickUsageError.show:
            exc.show = functools.partial(_show_usage_error, exc, state.help_language)  # type: ignore[method-assign]
        raise


def usage_error_line(exc: Any, lang: str) -> str:
    """One line for a usage error of Click's: where, what (escaped, in the language), how to see the help."""
    from edplan.render.help_zh import click_error_zh
    from edplan.render.safe import visible

    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "edplan"
    # Typer passes pydantic's wording through for some conversions ("Value error, …"): not ours to show.
    text = exc.format_message().replace("Value error, ", "")
    if lang == "zh":
        return f"{command}: {visible(click_error_zh(text).rstrip('。.'))}；运行 '{command} --help' 查看帮助"
    return f"{command}: {visible(text[:1].lower() + text[1:]).rstrip('.')}; see '{command} --help'"


def _show_usage_error(exc: Any, lang: str, file: Any = None) -> None:
    typer.echo(usage_error_line(exc, lang), err=True)


class EdplanCommand(TyperCommand):
    context_class = EdplanContext


class EdplanGroup(TyperGroup):
    context_class = EdplanContext

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # Each run gets its own State, so that nothing of a previous run (in tests, the same process) leaks.
        state = extra.setdefault("obj", State(argv_lang=_scan_lang(args)))
        with _worded_usage_errors(state):
            return super().make_context(info_name, _display_options_first(args), parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _worded_usage_errors(state_of(ctx)):
            return super().invoke(ctx)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        if state_of(ctx).help_language != "zh":
            return super().format_commands(ctx, formatter)
        from edplan.render.help_zh import help_zh

        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = help_zh(inspect.cleandoc(cmd.help or ""))
            first = text.split("\n")[0].split("。")[0]
            rows.append((name, first + ("。" if first and not first.endswith("。") else "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="edplan",
    cls=EdplanGroup,
    help="Track the numeric targets of a work plan: validate the plan, record progress, see the status.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)



# --known-on is the second date of every report: what was known, beside what the figures describe.
KNOWN_ON_HELP = (
    "Replay the log as it was known at the end of this day: entries recorded and corrections dated by then "
    "(default: everything recorded)."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"edplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    plan: Annotated[Path, typer.Option("--plan", envvar="EDPLAN_PLAN", help="Plan file (YAML).")] = DEFAULT_PLAN,
    log: Annotated[
        str | None,
        typer.Option(
            "--log",
            envvar="EDPLAN_LOG",
            help="Progress log: a file (default: beside the plan, NAME.progress.jsonl) or a postgresql:// URL.",
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
        raise typer.BadParameter(msg("use zh or en"), param_hint="--lang")
    state = state_of(ctx)
    state.plan, state.log, state.lang, state.no_color, state.debug = plan, log, lang, no_color, debug


def complete_target_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a TARGET argument: the plan's target ids (with their names as help).

    Runs on every TAB, so it reads the plan through the plan cache and never fails loudly: a plan
    that cannot be read completes nothing. The plan is ``--plan`` as typed so far, else
    ``EDPLAN_PLAN``, else the default.
    """
    try:
        root = ctx.find_root()
        plan = root.params.get("plan") or os.environ.get("EDPLAN_PLAN") or DEFAULT_PLAN
        from edplan.plan.load import load_plan

        loaded = load_plan(Path(plan))
        if loaded.plan is None:
            return []
        return [(t.id, t.name) for _, _, t in loaded.plan.targets() if t.id.startswith(incomplete)]
    except Exception:  # completion must never print a traceback into the shell
        return []


def console(state: State, stderr: bool = False) -> Console:
    """A Console made per command run, so it reads NO_COLOR and COLUMNS as they are now."""
    from rich.console import Console


    # Notes, sources and names are the users' text: '[/]' or ':100:' in them is text, not Rich markup
    # or an emoji code (markup once made `show` fail on a note).
    return Console(
        stderr=stderr, no_color=state.no_color or None, highlight=False, soft_wrap=False, markup=False, emoji=False
    )


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
    raise typer.Exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def command(name: str, on: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a command behind the error boundary: expected errors become one-line messages.
    ``on``: a group of commands (``edplan log copy``); the root app when None.

    The command's first parameter is ``ctx: typer.Context``: the run's options come from it (``state_of``).
    """

    def register(fn: F) -> F:
        if next(iter(inspect.signature(fn).parameters), None) != "ctx":
            raise TypeError(f"command {name}: the first parameter must be ctx: typer.Context")

        shown = f"{on.info.name} {name}" if on is not None else name  # as typed: edplan log copy

        @functools.wraps(fn)
        def guarded(ctx: typer.Context, *args: Any, **kw: Any) -> Any:
            state = state_of(ctx)
            try:
                return fn(ctx, *args, **kw)
            except EdplanError as exc:
                if state.debug:
                    raise
                from edplan.render.words import problem_text

                lang = state.language
                texts = [(p.path, problem_text(p, lang)) for p in exc.problems]
                fail([text if path else f"edplan {shown}: {text}" for path, text in texts], exc.exit_code)
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
                from edplan.render.words import localize

                report = msg(
                    "internal error: {error} (run with --debug for the traceback, and please report it)",
                    error=f"{type(exc).__name__}: {exc}",
                )
                fail([f"edplan {shown}: {localize(report, state.language)}"], EXIT_USAGE)

        kwargs.setdefault("cls", EdplanCommand)
        (on or app).command(name, **kwargs)(guarded)
        return fn

    return register


def print_warnings(state: State, warnings: list[str]) -> None:
    """Warnings (problems the command worked around) on stderr, one line each, in the output language."""
    if not warnings:
        return
    from edplan.render.words import localize, word

    lang = state.language
    err = console(state, stderr=True)
    for warning in warnings:
        # One line each, however long: Rich would wrap it at the width (80 columns through a pipe), and
        # a CI log or a grep would then read one warning as two or three. A terminal wraps it for show.
        err.print(f"{word('warning', lang)}: {localize(warning, lang)}", style="yellow", markup=False, soft_wrap=True)
