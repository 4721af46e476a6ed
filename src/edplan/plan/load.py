"""Read a plan file: YAML → :class:`~edplan.plan.model.Plan`, with every problem at ``file:line:column``.

The loader never stops at the first problem: YAML syntax errors end parsing, but every schema error
(pydantic) and every whole-plan finding (``checks``) is collected and placed on the YAML node it is
about, using the positions that ruamel.yaml's round-trip loader keeps.

Hostile files are refused before they cost anything: a size cap, no aliases (a "billion laughs"
document loads in microseconds and explodes when walked), no custom tags, bounded nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.files import atomic_write, read_regular
from edplan.plan.cache import cache_key, cache_read, cache_write
from edplan.plan.checks import Finding, Loc, check_plan
from edplan.plan.diagnose import from_finding, from_pydantic, yaml_problem
from edplan.plan.model import Plan

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
    key = cache_key(text)
    cached = cache_read(key)
    if cached is not None:
        return PlanLoad(display, cached, [], None)
    from ruamel.yaml.error import MarkedYAMLError

    from edplan.plan.yaml_safe import make_yaml

    try:
        raw = make_yaml().load(text)
    except MarkedYAMLError as exc:
        return PlanLoad(display, None, [yaml_problem(display, exc)])
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
    # Plan text is printed by every command: an escape sequence in a name would drive the terminal.
    controls = [from_finding(display, raw, f) for f in _controls(raw, ())]
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = controls + [from_pydantic(display, raw, err) for err in errors]
        # Every problem at once: when the schema errors are all inside targets, stand those targets
        # in with placeholders and still run the whole-plan checks (duplicate ids, dates, …).
        problems += [from_finding(display, raw, f) for f in _checks_despite(data, errors)]
        return PlanLoad(display, None, _sorted(problems), raw)
    findings = check_plan(plan)
    if findings or controls:
        return PlanLoad(display, None, _sorted(controls + [from_finding(display, raw, f) for f in findings]), raw)
    cache_write(key, plan)
    return PlanLoad(display, plan, [], raw)


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _controls(node: Any, loc: Loc) -> list[Finding]:
    """A finding for every text in the plan that holds a control character, at that text."""
    out: list[Finding] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _controls(value, (*loc, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _controls(value, (*loc, i))
    elif isinstance(node, str) and (found := _CONTROL.search(node)):
        out.append(
            Finding(
                loc,
                msg(
                    "text holds a control character ({code}): it would drive the terminal",
                    code=f"U+{ord(found[0]):04X}",
                ),
                msg("remove it; write the text as the document does"),
            )
        )
    return out


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
    """The plan, or a :class:`UsageError` listing every problem.

    A command that needs the plan cannot run on a broken one: exit 2, never 1, which a CI gate such
    as ``status --fail-on lagging`` reads as "lagging". ``validate`` reports the same problems with 1.
    """
    result = load_plan(path)
    if result.plan is None:
        raise UsageError(result.problems)
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
