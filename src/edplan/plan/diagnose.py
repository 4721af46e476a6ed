"""Problems of a plan file, placed and worded: YAML syntax errors, pydantic errors and whole-plan findings.

Each becomes a :class:`~edplan.errors.Problem` at the ``file:line:column`` of the YAML node it is
about (ruamel.yaml's round-trip positions), worded as a plan author would name the thing: "target
t03-rural-fund: 'value' must be a number", not pydantic's ``loc`` tuple.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel

from edplan.errors import Msg, Problem, msg
from edplan.plan.checks import Finding, Loc
from edplan.plan.model import Checkpoint, Period, Plan, Schedule, Section, Settings, Target, Task
from edplan.units import FigureError, PlanText, Unreadable

# What ruamel.yaml was reading when it failed, as a plan author would name it.
_YAML_CONTEXTS = {
    "while parsing a flow mapping": "check the {{ … }} that starts at {where}",
    "while parsing a flow sequence": "check the [ … ] that starts at {where}",
    "while scanning a quoted scalar": "check the quoted text that starts at {where}",
    "while parsing a block mapping": "check the indentation of the mapping that starts at {where}",
    "while parsing a block collection": "check the indentation of the list that starts at {where}",
    "while scanning a simple key": "check the key at {where}",
}

# ruamel.yaml's own wording of the problems a hand-written plan meets, as message templates, so that
# they can be shown in Chinese too; anything else is shown as ruamel.yaml words it.
_YAML_PROBLEMS = (
    "found character {char} that cannot start any token",
    'found duplicate key "{key}" with value "{value}" (original value: "{original}")',
    "expected ',' or '}}', but got {got}",
    "expected ',' or ']', but got {got}",
    "expected <block end>, but found {got}",
    "expected <document start>, but found {got}",
    "expected '<document start>', but found {got}",
    "expected ' ', but found {got}",
    "expected URI, but found {got}",
    "expected indentation indicator in the range 1-9, but found {got}",
    "expected a comment or a line break, but found {got}",
    "expected alphabetic or numeric character, but found {got}",
    "could not find expected ':'",
    "mapping values are not allowed here",
    "found unexpected end of stream",
    "found unexpected ':'",
    "found unknown escape character {char}",
    "found a tab character where an indentation space is expected",
    "found a tab character that violates indentation",
    "sequence entries are not allowed here",
    "mapping keys are not allowed here",
    "expected the node content, but found {got}",
    "expected chomping or indentation indicators, but found {got}",
)


def _template_pattern(template: str) -> re.Pattern[str]:
    """The regular expression that reads a template's arguments back out of its English text."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\{\{|\}\}|\{([a-z]+)\}", template):
        out.append(re.escape(template[pos : m.start()]))
        out.append(f"(?P<{m[1]}>.+?)" if m[1] else re.escape(m[0][0]))
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out))


_YAML_PATTERNS = [(t, _template_pattern(t)) for t in _YAML_PROBLEMS]


def _yaml_words(problem: str) -> Msg:
    for template, pattern in _YAML_PATTERNS:
        found = pattern.fullmatch(problem)
        if found:
            return msg(template, **found.groupdict())
    return msg("{problem}", problem=problem)


def yaml_problem(path: str, exc: Any) -> Problem:
    """A YAML error as one problem at its position, in words a plan author can act on."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    refusal_hint = getattr(exc, "hint", None)  # yamlsafe.PlanYAMLError: an alias or a custom tag
    if refusal_hint is not None:
        return Problem(exc.problem, path=path, line=line, column=column, hint=refusal_hint)
    problem = str(exc.problem or exc.context)
    if problem.startswith("maximum depth"):
        from edplan.plan.yaml_safe import MAX_DEPTH

        return Problem(
            msg("the plan is nested more than {depth} levels deep", depth=MAX_DEPTH),
            path=path,
            line=line,
            column=column,
            hint=msg("is this the right file?"),
        )
    if problem == "but found another document":
        return Problem(
            msg("a second YAML document starts here; a plan file holds one"),
            path=path,
            line=line,
            column=column,
            hint=msg("remove the '---' line, or put the second plan in a file of its own"),
        )
    hint: Msg | None = None
    if "'\\t'" in problem:
        hint = msg("indent with spaces, not tabs")
    elif exc.problem and exc.context_mark is not None and exc.context_mark is not mark:
        start = exc.context_mark
        template = _YAML_CONTEXTS.get(str(exc.context))
        if template and (start.line, start.column) != (mark.line, mark.column):
            where = msg("line {line}, column {column}", line=start.line + 1, column=start.column + 1)
            hint = msg(template, where=where)
    return Problem(
        msg("YAML syntax: {problem}", problem=_yaml_words(problem)), path=path, line=line, column=column, hint=hint
    )


def locate(raw: Any, loc: Loc, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the deepest node along ``loc`` that exists in the YAML tree."""
    position = (0, 0)
    node: Any = raw
    for i, segment in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and segment in node:
            marks: Any = cast(Any, node).lc  # ruamel's round-trip containers carry their positions here
            # An empty value (`source:`) has no node: its "position" is the next token, so use the key.
            on_key = (last and at_key) or node[segment] is None
            position = marks.key(segment) if on_key else marks.value(segment)
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            marks = cast(Any, node).lc
            position, node = marks.item(segment), node[segment]
        else:
            break
    return position[0] + 1, position[1] + 1


_CONTAINERS = ("sections", "tasks", "targets")


def describe(raw: Any, loc: Loc) -> tuple[Msg, str]:
    """('task 11 target t11-x', 'schedule.due') — the thing a loc is about, in a plan author's words."""
    context = msg("plan")
    node = raw
    rest: list[str] = []
    parent_key: str | int | None = None
    for i, segment in enumerate(loc):
        child = None
        if isinstance(node, dict) and segment in node:
            child = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            child = node[segment]
        if isinstance(segment, int) and parent_key in ("sections", "tasks", "targets"):
            context = _name_item(str(parent_key), segment, child, context)
            rest = []
        elif isinstance(segment, str) and (segment not in _CONTAINERS or i == len(loc) - 1):
            rest.append(segment)  # a list key stays named when it is itself the subject: missing 'sections'
        elif isinstance(segment, int):
            rest.append(f"[{segment + 1}]")
        parent_key = segment
        node = child
    return context, ".".join(rest).replace(".[", "[")


def _name_item(kind: str, index: int, item: Any, context: Msg) -> Msg:
    value = item.get("id" if kind == "targets" else "number") if isinstance(item, dict) else None
    if kind == "sections":
        return msg("section {n}", n=value) if isinstance(value, int) else msg("section #{i}", i=index + 1)
    if kind == "tasks":
        return (
            msg("task {n}", n=value)
            if isinstance(value, int)
            else msg("{context}, task #{i}", context=context, i=index + 1)
        )
    if isinstance(value, str) and value:
        return msg("target {id}", id=value)
    return msg("{context}, target #{i}", context=context, i=index + 1)


# The model a mapping is validated as, by the key that holds it (None: the top of the file).
_MODELS: dict[str | None, type[BaseModel]] = {
    None: Plan,
    "sections": Section,
    "tasks": Task,
    "targets": Target,
    "settings": Settings,
    "period": Period,
    "schedule": Schedule,
    "checkpoints": Checkpoint,
}


def _owner(loc: Loc) -> type[BaseModel] | None:
    return _MODELS.get(next((s for s in reversed(loc[:-1]) if isinstance(s, str)), None))


def from_pydantic(path: str, raw: Any, err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    extra = kind == "extra_forbidden"
    line, col = locate(raw, loc, at_key=extra)
    context, fieldname = describe(raw, loc)
    got = err.get("input")
    hint: Msg | None = None
    if extra:
        name = str(loc[-1])
        owner = _owner(loc)
        if name == "targets" and owner in (Plan, Section):
            what = msg("targets must be listed inside a task")
            hint = msg("move them under a task's 'targets:'")
        else:
            what = msg("unknown field '{field}'", field=fieldname)
            known = sorted(owner.model_fields) if owner is not None else []
            close = difflib.get_close_matches(name, known, n=1)
            hint = msg("did you mean '{name}'?", name=close[0]) if close else msg("remove it or check its spelling")
        return Problem(
            msg("{context}: {what}", context=context, what=what),
            path=path,
            line=line,
            column=col,
            field=fieldname,
            hint=hint,
        )
    if kind == "missing":
        return Problem(
            msg("{context}: missing '{field}'", context=context, field=fieldname),
            path=path,
            line=line,
            column=col,
            field=fieldname,
            hint=msg("add '{name}:'", name=loc[-1]),
        )
    error = err.get("ctx", {}).get("error") if kind == "value_error" else None
    if isinstance(got, PlanText):
        got = got.text  # a figure the model handed its unit: show it as written
    if isinstance(error, FigureError) and not isinstance(error, Unreadable):
        what, hint = error.message, error.hint  # units.plan_figure says how to write it
    else:
        what = _explain("decimal_parsing" if isinstance(error, Unreadable) else kind, err, got)
    if fieldname:
        label = msg("{context}: '{field}' {what}", context=context, field=fieldname, what=what)
    else:
        label = msg("{context}: {what}", context=context, what=what)
    if loc[-1] == "tolerance":
        hint = msg("write it as a fraction: 0.05 means ±5%")
    elif kind in ("enum", "literal_error") and isinstance(got, str):
        hint = _nearest_option(got, str(err.get("ctx", {}).get("expected", "")))
    return Problem(label, path=path, line=line, column=col, field=fieldname, hint=hint)


def _nearest_option(got: str, expected: str) -> Msg | None:
    """'cumulativ' among "'cumulative', 'level' or 'milestone'" → did you mean 'cumulative'?"""
    options = re.findall(r"'([^']*)'", expected)
    typed = got.strip().lower().replace("-", "_").replace(" ", "_")
    close = difflib.get_close_matches(typed, options, n=1, cutoff=0.6)
    return msg("did you mean '{name}'?", name=close[0]) if close else None


# pydantic's bounds, as its messages word them ("should be greater than 0").
_BOUNDS = {
    "greater_than": ("gt", "should be greater than {limit}, got {got}"),
    "greater_than_equal": ("ge", "should be greater than or equal to {limit}, got {got}"),
    "less_than": ("lt", "should be less than {limit}, got {got}"),
    "less_than_equal": ("le", "should be less than or equal to {limit}, got {got}"),
}


def _explain(kind: str, err: Any, got: Any) -> Msg:
    shown = _show(got)
    if kind.startswith("decimal") or kind in ("float_parsing", "float_type", "finite_number"):
        return msg("must be a finite number, got {got}", got=shown)
    if kind.startswith("int"):
        return msg("must be a whole number, got {got}", got=shown)
    if kind.startswith("date") or kind.startswith("datetime"):
        if isinstance(got, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", got):
            return msg("is not a date in the calendar, got {got}", got=shown)
        return msg("must be a date like 2006-09-30, got {got}", got=shown)
    if kind in ("string_type",):
        return msg("must be text, got {got}", got=shown)
    if kind in ("list_type",):
        return msg("must be a list, got {got}", got=shown)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return msg("must be a mapping of fields, got {got}", got=shown)
    if kind == "bool_type" or kind == "bool_parsing":
        return msg("must be true or false, got {got}", got=shown)
    if kind == "enum" or kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return msg("must be one of {expected}, got {got}", expected=_or_list(str(expected)), got=shown)
    if kind == "string_pattern_mismatch":
        return msg(
            "must be lowercase letters, digits, '.', '_' or '-' (starting with a letter or digit), got {got}", got=shown
        )
    if kind in ("too_short", "string_too_short"):
        return msg("must not be empty")
    if kind == "string_too_long":
        return msg("is too long (at most {limit} characters)", limit=err.get("ctx", {}).get("max_length"))
    if kind in _BOUNDS:
        key, template = _BOUNDS[kind]
        return msg(template, limit=err.get("ctx", {}).get(key), got=shown)
    # A kind no plan has met yet: pydantic's own words (English).
    return msg("{detail}, got {got}", detail=f"{err['msg'][0].lower()}{err['msg'][1:]}", got=shown)


def _or_list(expected: str) -> Msg | str:
    """pydantic's "'a', 'b' or 'c'" with its "or" made translatable."""
    head, sep, last = expected.rpartition(" or ")
    return msg("{options} or {last}", options=head, last=last) if sep else expected


def _show(value: Any) -> Msg | str:
    if isinstance(value, dict):
        return msg("a mapping")
    if isinstance(value, list):
        return msg("a list")
    if value is None:
        return msg("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"  # as written in YAML, not Python's True
    if isinstance(value, Decimal):
        text = f"{value:f}"  # 1.5e3 read as Decimal would show as 1.5E+3
    else:
        text = repr(str(value)) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def from_finding(path: str, raw: Any, finding: Finding) -> Problem:
    line, col = locate(raw, finding.loc)
    fieldname = describe(raw, finding.loc)[1]
    return Problem(finding.message, path=path, line=line, column=col, field=fieldname or None, hint=finding.hint)
