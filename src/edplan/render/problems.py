"""Problems found by ``edplan validate`` in the three output formats: text, GitHub annotations, JSON.

``text`` is one ``path:line:column: message; hint`` line per problem, as people and editors read it.
``github`` is the workflow-command form GitHub Actions turns into annotations on the pull request.
``json`` is for scripts: English keys, the message in the output language.
"""

from __future__ import annotations

from typing import Any

from edplan.core.validate import Checked
from edplan.errors import Problem
from edplan.render.words import localize, problem_text


def _escape_data(text: str) -> str:
    # The runner splits workflow commands on newlines and reads '%' as an escape: keep them literal.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, lang: str) -> str:
    """``::error file=PATH,line=N,col=M::message; hint`` (properties left out when unknown)."""
    props: list[str] = []
    if problem.path is not None:
        props.append(f"file={_escape_property(problem.path)}")
        if problem.line is not None:
            props.append(f"line={problem.line}")
            if problem.column is not None:
                props.append(f"col={problem.column}")
    props.append("title=edplan validate")
    text = localize(problem.message, lang)
    if problem.hint:
        text += ("；" if lang == "zh" else "; ") + localize(problem.hint, lang)
    return f"::error {','.join(props)}::{_escape_data(text)}"


def problem_data(problem: Problem, lang: str) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": localize(problem.message, lang),
        "hint": localize(problem.hint, lang) if problem.hint else None,
    }


def validation_data(results: list[Checked], lang: str) -> dict[str, Any]:
    """The JSON contract of ``edplan validate --format json``: every file checked, every problem."""
    problems = [p for r in results for p in r.problems]
    return {
        "valid": not problems,
        "files": [
            {"path": r.path, "kind": r.kind, "valid": not r.problems, "counts": r.counts or None} for r in results
        ],
        "problems": [problem_data(p, lang) for p in problems],
    }


def text_lines(problems: list[Problem], lang: str) -> list[str]:
    return [problem_text(p, lang) for p in problems]
