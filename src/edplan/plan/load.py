"""Read a plan file: YAML → :class:`~edplan.plan.model.Plan`, with every problem at ``file:line:column``.

The loader never stops at the first problem: YAML syntax errors end parsing, but every schema error
(pydantic) and every whole-plan finding (``checks``) is collected and placed on the YAML node it is
about, using the positions that ruamel.yaml's round-trip loader keeps.

Hostile files are refused before they cost anything: a size cap, no aliases (a "billion laughs"
document loads in microseconds and explodes when walked), no custom tags, bounded nesting.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from edplan.errors import InputError, Msg, Problem, UsageError, msg
from edplan.files import atomic_write, read_regular
from edplan.plan.cache import cache_key, cache_read, cache_write
from edplan.plan.checks import Finding, Loc, check_plan
from edplan.plan.diagnose import from_finding, from_pydantic, yaml_problem
from edplan.plan.model import Plan, Section, Settings, Task

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
        # Every problem at once: stand placeholders in for what failed and still run the whole-plan
        # checks (duplicate ids and numbers, dates outside the period, …).
        problems += [from_finding(display, raw, f) for f in _checks_despite(data, errors)]
        return PlanLoad(display, None, _sorted(_misspelt_not_missing(problems)), raw)
    findings = check_plan(plan)
    if findings or controls:
        return PlanLoad(display, None, _sorted(controls + [from_finding(display, raw, f) for f in findings]), raw)
    cache_write(key, plan)
    return PlanLoad(display, plan, [], raw)


def _misspelt_not_missing(problems: list[Problem]) -> list[Problem]:
    """``sorce: …`` is one mistake: the unknown field that means 'source' says so, and the same
    object's "missing 'source'" is not said again."""
    meant: set[tuple[str, str]] = set()
    for p in problems:
        message, hint = p.message, p.hint
        if not (isinstance(message, Msg) and isinstance(hint, Msg)) or message.template != "{context}: {what}":
            continue
        what = message.args.get("what")
        unknown = isinstance(what, Msg) and what.template == "unknown field '{field}'"
        if unknown and isinstance(what, Msg) and hint.template == "did you mean '{name}'?":
            # 'period.ends' meant 'end' of the same mapping: the missing field is 'period.end'
            parent = str(what.args["field"]).rpartition(".")[0]
            name = str(hint.args["name"])
            meant.add((str(message.args["context"]), f"{parent}.{name}" if parent else name))
    if not meant:
        return problems
    return [
        p
        for p in problems
        if not (
            isinstance(p.message, Msg)
            and p.message.template == "{context}: missing '{field}'"
            and (str(p.message.args.get("context")), str(p.message.args.get("field"))) in meant
        )
    ]


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


# Stand-ins for what failed to validate, so that the whole-plan checks still run (_checks_despite):
# numbers no plan uses, a period no date falls outside, and ids no target has.
_STAND_IN_NUMBER = 900_000_000
_STAND_IN_YEAR = 2000
_WIDE_PERIOD = {"start": dt.date(1900, 1, 1), "end": dt.date(2200, 12, 31)}
_LEVELS = ("sections", "tasks", "targets")
_OWNERS: dict[int, type[BaseModel]] = {1: Plan, 3: Section, 5: Task}


def _checks_despite(data: Any, errors: list[Any]) -> list[Finding]:
    """The whole-plan findings (duplicate ids and numbers, dates outside the period, …) of a plan
    with schema errors, so that one run of validate reports every problem.

    What failed stands in as a placeholder: a whole target (its fields depend on each other), one
    field of a section, a task, the settings or the plan (dropped when it has a default), or the
    period (keeping the date that was readable). A finding about a stand-in, or worded with one of
    its made-up values, is left out: it would be about the placeholder, not the plan.
    """
    work = copy.deepcopy(data)
    failed: set[Loc] = set()  # every loc pydantic named, in any round
    units: list[Loc] = []  # what stands in, in the order stood in
    kept_ids: set[Loc] = set()  # stand-in targets that keep their own (readable) id
    period_start_kept = True
    for _ in range(4):  # a stand-in may let pydantic reach an error it stopped short of: stand in again
        locs = [tuple(err["loc"]) for err in errors]
        failed.update(locs)
        found = {_stand_in_unit(loc) for loc in locs}
        fresh = sorted((u for u in found if u is not None), key=len)
        if not fresh or None in found or any(u in units for u in fresh):
            return []  # an error at the top, or one that a stand-in did not remove
        for unit in fresh:
            if any(unit[: len(u)] == u for u in units):
                continue  # inside a part that stands in already
            try:
                kept = _stand_in(work, unit, failed, len(units))
            except (KeyError, IndexError, TypeError, AttributeError):
                return []
            units.append(unit)
            if unit == ("period",):
                period_start_kept = kept
            elif kept:
                kept_ids.add(unit)
        try:
            plan = Plan.model_validate(work)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            continue
        break
    else:
        return []
    scopes = list(units)
    if not period_start_kept:
        scopes.append(("year",))  # the year is checked against the period's start
    if ("settings", "at_risk_below") in units:
        scopes.append(("settings", "lagging_below"))  # the two thresholds are checked together
    units_declared = not any(u in (("settings",), ("settings", "units")) for u in units)
    made_up: set[object] = {*_WIDE_PERIOD.values(), *(_STAND_IN_NUMBER + n for n in range(len(units)))}

    def about_plan(f: Finding) -> bool:
        if any(f.loc[: len(s)] == s for s in scopes) and not (f.loc[-1:] == ("id",) and f.loc[:-1] in kept_ids):
            return False  # about a stand-in; but a target that kept its id can use it twice
        if not units_declared and len(f.loc) == 7 and f.loc[0] == "sections" and f.loc[6] == "unit":
            return False  # judged without the units the plan declares
        return not (_mentions(f.message, made_up) or _mentions(f.hint, made_up))

    alone = check_plan(plan, relations=False)
    related = [f for f in check_plan(plan) if f not in alone]  # part_of, and the sums of parts
    judged = _relations_despite(plan, data, related, [u for u in units if len(u) == 6], kept_ids)
    return [f for f in alone + judged if about_plan(f)]


def _relations_despite(
    plan: Plan, data: Any, related: list[Finding], targets: list[Loc], kept_ids: set[Loc]
) -> list[Finding]:
    """The part_of findings that stand-in targets (milestones with no figure) leave true: none that
    names a stand-in as its total, none about the sum of a total a stand-in may have been part of."""
    if not targets:
        return related
    first: dict[str, Loc] = {}
    for si, section in enumerate(plan.sections):
        for ti, task in enumerate(section.tasks):
            for gi, target in enumerate(task.targets):
                first.setdefault(target.id, ("sections", si, "tasks", ti, "targets", gi))
    totals: set[str] = set()  # what the stand-ins said they were part of
    unknown_total = False  # a stand-in whose part_of is unreadable: any total may miss it
    for unit in targets:
        written: Any = data
        try:
            for segment in unit:
                written = written[segment]
        except (KeyError, IndexError, TypeError):  # not in the file as written: what it said is unknown
            unknown_total = True
            continue
        part_of = written.get("part_of") if isinstance(written, dict) else None
        if isinstance(part_of, str):
            totals.add(part_of)
        elif part_of is not None:
            unknown_total = True
    lost_ids = any(u not in kept_ids for u in targets)  # a part may name one by the id it failed with
    out: list[Finding] = []
    for f in related:
        target = plan.sections[int(f.loc[1])].tasks[int(f.loc[3])].targets[int(f.loc[5])]
        if f.loc[6] == "part_of":
            ref = target.part_of
            if (first[ref] in targets) if ref in first else lost_ids:
                continue
        elif unknown_total or target.id in totals:
            continue
        out.append(f)
    return out


def _stand_in_unit(loc: Loc) -> Loc | None:
    """The part of the plan that stands in for an error at ``loc`` (None: nothing can)."""
    if not loc:
        return None
    if loc[0] == "period":
        return loc[:1]
    if loc[0] == "settings":
        return loc[:2]
    if loc[0] != "sections":
        return loc[:1]
    for depth, key in enumerate(_LEVELS):
        at = 2 * depth
        if len(loc) <= at or loc[at] != key:
            return loc[:at]  # not reached: the loop returns at the level before
        if len(loc) == at + 1 or not isinstance(loc[at + 1], int):
            return loc[: at + 1]  # the list itself
        if key == "targets" or len(loc) == at + 2:
            return loc[: at + 2]  # a whole target; a section or task that is not a mapping
        if loc[at + 2] != _LEVELS[depth + 1]:
            return loc[: at + 3]  # one field of a section or task
    return None


def _stand_in(work: Any, unit: Loc, failed: set[Loc], n: int) -> bool:
    """Put a stand-in at ``unit``; True when a target keeps its id, or the period its start."""
    parent: Any = work
    for segment in unit[:-1]:
        parent = parent[segment]
    key = unit[-1]
    if unit == ("period",):
        old = work.get("period")
        readable = {
            end: old[end]
            for end in _WIDE_PERIOD
            if isinstance(old, dict) and end in old and not any(loc[:2] == ("period", end) for loc in failed)
        }
        work["period"] = {**_WIDE_PERIOD, **readable}
        return "start" in readable
    if unit == ("settings",):
        work["settings"] = {}
        return False
    if isinstance(key, int):  # an item of a list: a target, or a section or task that is no mapping
        level = str(unit[-2])
        old = parent[key]
        if level == "targets" and isinstance(old, dict) and isinstance(old.get("id"), str):
            if not any(loc[: len(unit) + 1] == (*unit, "id") for loc in failed):
                parent[key] = _placeholder(level, n, old["id"])
                return True
        parent[key] = _placeholder(level, n)
        return False
    if len(unit) % 2 == 1 and key == _LEVELS[len(unit) // 2]:
        parent[key] = [_placeholder(str(key), n)]  # a list of sections, tasks or targets
        return False
    if not isinstance(parent, dict):
        raise TypeError(unit)
    owner = Settings if unit[0] == "settings" else _OWNERS[len(unit)]
    info = owner.model_fields.get(str(key))
    if info is None or not info.is_required():
        parent.pop(key, None)  # an unknown field, or one with a default
    elif key == "number":
        parent[key] = _STAND_IN_NUMBER + n
    elif key == "year":
        parent[key] = _STAND_IN_YEAR
    elif key == "id":
        parent[key] = f"zz-stand-in-{n}"
    else:
        parent[key] = "?"  # a title
    return False


def _placeholder(level: str, n: int, target_id: str | None = None) -> dict[str, Any]:
    target = {"id": target_id or f"zz-stand-in-{n}", "name": "?", "kind": "milestone", "source": "?"}
    if level == "targets":
        return target
    task = {"number": _STAND_IN_NUMBER + n, "title": "?", "targets": [target]}
    if level == "tasks":
        return task
    return {"number": _STAND_IN_NUMBER + n, "title": "?", "tasks": [task]}


def _mentions(text: object, values: set[object]) -> bool:
    """Whether a message is worded with one of ``values`` (a stand-in's number or date)."""
    args = getattr(text, "args", None)
    if not isinstance(args, dict):
        return False
    for value in args.values():
        try:
            if value in values:
                return True
        except TypeError:  # unhashable: not a stand-in
            pass
        if _mentions(value, values):
            return True
    return False


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
