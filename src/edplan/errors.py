"""Problems as values, and the one exception base that the CLI turns into one-line messages.

Loaders collect every :class:`Problem` they find (beancount's ``(result, errors)`` habit) instead of
stopping at the first; an :class:`EdplanError` carries them to the single error boundary in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes, as linters use them: 0 clean, 1 problems found, 2 could not run.
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, with where it is and how to fix it.

    ``line`` and ``column`` are 1-based; ``row`` is used instead for tabular input (CSV rows).
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None

    @property
    def where(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_msg(self) -> Msg:
        """The one-line form as a message, so that a renderer can show it in Chinese too."""
        if self.hint:
            return msg("{where}: {message}; {hint}", where=self.where, message=self.message, hint=self.hint)
        return msg("{where}: {message}", where=self.where, message=self.message)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class EdplanError(Exception):
    """Base of every expected failure; the CLI prints its problems, one line each, and exits."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: Problem | str | list[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) if p.path is not None else _bare(p) for p in self.problems]


class InputError(EdplanError):
    """The input is wrong (bad plan, bad entry): exit 1."""


class UsageError(EdplanError):
    """The command could not run (missing or unreadable file, bad option): exit 2."""

    exit_code = EXIT_USAGE


def _bare(p: Problem) -> str:
    text = p.message
    if p.hint:
        text += f"; {p.hint}"
    return text


class Msg(str):
    """A message that remembers its English template and arguments, so it can be shown in Chinese.

    Core code builds messages with :func:`msg` (not f-strings); the CLI looks the template up in the
    catalog of ``render/words.py`` when the output language is Chinese. A ``Msg`` is a ``str``, so
    everything that only wants the English text keeps working.
    """

    template: str
    args: dict[str, object]

    def __new__(cls, template: str, **args: object) -> Msg:
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template = template
        self.args = args
        return self


def msg(template: str, **args: object) -> Msg:
    return Msg(template, **args)
