"""Read a plan file: YAML → :class:`~edplan.plan.model.Plan`, with every problem at ``file:line:column``.

The loader never stops at the first problem: YAML syntax errors end parsing, but every schema error
(pydantic) and every whole-plan finding (``checks``) is collected and placed on the YAML node it is
about, using the positions that ruamel.yaml's round-trip loader keeps.

Hostile files are refused before they cost anything: a size cap, no aliases (a "billion laughs"
document loads in microseconds and explodes when walked), no custom tags, bounded nesting.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from edplan.errors import InputError, Msg, Problem, UsageError, msg
from edplan.files import atomic_write, read_regular
from edplan.plan.checks import Finding, Loc, check_plan
from edplan.plan.model import Checkpoint, Period, Plan, Schedule, Section, Settings, Target, Task
from edplan.units import FigureError, PlanText, Unreadable

MAX_PLAN_BYTES = 5 * 1024 * 1024


@dataclass
class PlanLoad:
    """What loading gives: the plan (None when it has problems), the problems, and the raw tree."""

    path: str
    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)
    raw: Any = None


def read_text(path: Path, limit: int, what: str) -> str:
    """Read a UTF-8 file, refusing oversized, undecodable or NUL-containing input with a position.

    ``what`` names the file in messages ("plan file"); it is looked up in the message catalog too.
    """
    display = str(path)
    # A FIFO or a device is refused without blocking, and the cap holds whatever stat says: see files.py.
    data = read_regular(path, limit, what, missing_hint=msg("give the path with --plan or EDPLAN_PLAN"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise InputError(
            Problem(msg("invalid UTF-8"), path=display, line=line, column=col, hint=msg("save the file as UTF-8"))
        ) from None
    if "\x00" in text:
        line, col = _line_col(data, data.index(b"\x00"))
        raise InputError(Problem(msg("NUL byte in text"), path=display, line=line, column=col)) from None
    return text


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def load_plan(path: Path | str) -> PlanLoad:
    """Load and check a plan file; never raises for bad content (problems come back as values).

    Raises :class:`UsageError` only when the file cannot be read at all.
    """
    path = Path(path)
    display = str(path)
    try:
        text = read_text(path, MAX_PLAN_BYTES, "plan file")
    except InputError as exc:
        return PlanLoad(display, None, exc.problems)
    return check_plan_text(text, display)


def check_plan_text(text: str, display: str) -> PlanLoad:
    """Parse and check a plan's text (``display`` names it in problems); never raises for bad content."""
    key = _cache_key(text)
    cached = _cache_read(key)
    if cached is not None:
        return PlanLoad(display, cached, [], None)
    from ruamel.yaml.error import MarkedYAMLError

    from edplan.plan.yaml_safe import make_yaml

    try:
        raw = make_yaml().load(text)
    except MarkedYAMLError as exc:
        return PlanLoad(display, None, [_yaml_problem(display, exc)])
    if raw is None:
        return PlanLoad(
            display,
            None,
            [
                Problem(
                    msg("the plan file is empty"),
                    path=display,
                    line=1,
                    column=1,
                    hint=msg("start with id, title, year, period and sections"),
                )
            ],
        )
    if not isinstance(raw, dict):
        return PlanLoad(
            display,
            None,
            [
                Problem(
                    msg("a plan must be a YAML mapping"),
                    path=display,
                    line=1,
                    column=1,
                    hint=msg("start with id:, title:, year:, period:"),
                )
            ],
            raw,
        )
    data = _plain(raw)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_from_pydantic(display, raw, err) for err in errors]
        # Every problem at once: when the schema errors are all inside targets, stand those targets
        # in with placeholders and still run the whole-plan checks (duplicate ids, dates, …).
        problems += [_from_finding(display, raw, f) for f in _checks_despite(data, errors)]
        return PlanLoad(display, None, _sorted(problems), raw)
    findings = check_plan(plan)
    if findings:
        return PlanLoad(display, None, _sorted([_from_finding(display, raw, f) for f in findings]), raw)
    _cache_write(key, plan)
    return PlanLoad(display, plan, [], raw)


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


def _yaml_problem(path: str, exc: Any) -> Problem:
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


def _checks_despite(data: Any, errors: list[Any]) -> list[Finding]:
    bad: set[Loc] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if len(loc) < 7 or loc[0] != "sections" or loc[2] != "tasks" or loc[4] != "targets":
            return []
        bad.add(loc[:6])
    for n, (_, si, _, ti, _, gi) in enumerate(sorted(bad, key=str)):
        placeholder = {"id": f"zz-placeholder-{n}", "name": "?", "kind": "milestone", "source": "?"}
        try:
            data["sections"][si]["tasks"][ti]["targets"][gi] = placeholder
        except (KeyError, IndexError, TypeError):
            return []
    try:
        plan = Plan.model_validate(data)
    except ValidationError:
        return []
    # A stand-in has another id and no figure: parts and totals it replaces would read as wrong sums.
    return [f for f in check_plan(plan, relations=False) if f.loc[:6] not in bad]


# --- cache ---------------------------------------------------------------------------------------
# Parsing YAML with positions costs far more than the rest of a status run. A valid plan is stored
# as JSON under the hash of its text and of the code that judged it, so an edit to either misses.

# The modules whose code decides what a valid plan is; an edit to any of them (in a checkout, where
# the version does not move) must miss the cache. A test checks that each of these files exists.
_HERE = Path(__file__).parent
_JUDGING = ("model.py", "checks.py", "load.py", "yaml_safe.py", "document.py")
JUDGES = (*(_HERE / name for name in _JUDGING), _HERE.parent / "units.py")


def cache_dir() -> Path | None:
    if os.environ.get("EDPLAN_NO_CACHE"):
        return None
    configured = os.environ.get("EDPLAN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "edplan"


def _cache_key(text: str) -> str:
    from edplan import __version__

    digest = hashlib.sha256(__version__.encode())
    for judge in JUDGES:
        try:
            digest.update(str(judge.stat().st_mtime_ns).encode())
        except OSError:
            pass
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _cache_read(key: str) -> Plan | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"plan-{key}.json").read_bytes()
        return Plan.model_validate_json(data)
    except (OSError, ValidationError, ValueError):
        return None


def _cache_write(key: str, plan: Plan) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".plan-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(plan.model_dump_json().encode("utf-8"))
        os.replace(tmp, folder / f"plan-{key}.json")
    except OSError:
        pass  # a cache that cannot be written is only a slower run


def read_plan_text(path: Path) -> str:
    """The text of a plan file, refused with a problem when it is too big, not UTF-8 or unreadable."""
    return read_text(path, MAX_PLAN_BYTES, "plan file")


def write_new_plan(path: Path, text: str, replace: bool) -> None:
    """Write a plan file whole or not at all; an existing file is kept unless ``replace``.

    The text goes to a temporary file beside the target first, so a reader never sees half a plan;
    without ``replace`` it is linked into place, which fails if the name was taken meanwhile. A new
    plan gets the umask's permissions, a replaced one keeps its own (files.atomic_write).
    """
    display = str(path)
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            Problem(
                msg("folder {folder} does not exist", folder=str(folder)), path=display, hint=msg("create it first")
            )
        )
    try:
        atomic_write(path, text.encode("utf-8"), exclusive=not replace)
    except FileExistsError:
        raise UsageError(
            Problem(
                msg("the file exists already"),
                path=display,
                hint=msg("choose another name with --output, or replace it with --force"),
            )
        ) from None
    except IsADirectoryError:
        raise UsageError(Problem(msg("{what} is a directory", what=msg("plan file")), path=display)) from None
    except PermissionError:
        raise UsageError(Problem(msg("cannot write here: permission denied"), path=display)) from None
    except OSError as exc:  # a full disk, a read-only filesystem: one line, not a traceback
        raise UsageError(
            Problem(
                msg("cannot write {what}: {error}", what=msg("plan file"), error=exc.strerror or str(exc)),
                path=display,
            )
        ) from None


def require_plan(path: Path | str) -> Plan:
    """The plan, or an :class:`InputError` listing every problem."""
    result = load_plan(path)
    if result.plan is None:
        raise InputError(result.problems)
    return result.plan


def _plain(node: Any) -> Any:
    """Round-trip containers and scalar subclasses → plain Python, for pydantic."""
    if isinstance(node, dict):
        return {(_plain(k) if not isinstance(k, str) else str(k)): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, str):
        return str(node)
    return node


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


# --- positions and words -------------------------------------------------------------------------


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


def _from_pydantic(path: str, raw: Any, err: Any) -> Problem:
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
    return Problem(label, path=path, line=line, column=col, field=fieldname, hint=hint)


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


def _from_finding(path: str, raw: Any, finding: Finding) -> Problem:
    line, col = locate(raw, finding.loc)
    fieldname = describe(raw, finding.loc)[1]
    return Problem(finding.message, path=path, line=line, column=col, field=fieldname or None, hint=finding.hint)
