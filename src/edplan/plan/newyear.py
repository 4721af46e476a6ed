"""A new plan year: ``edplan init`` starts next year's plan from this year's, ``edplan compare`` shows
what changed between two plans (targets added, removed and changed).

``init`` edits the round-trip YAML tree, so the new file keeps every comment, the key order, flow
style and quoting of the old one: only the year, the plan id and the dates move (by whole years; 29
February becomes 28 February in a common year). The new text is checked as a plan before it is
written, and an existing file is never replaced without ``--force``.

``compare`` matches targets by id. Dates are compared after moving the older plan's by the years
between the plans, so a schedule that simply moved with the year is not reported as changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edplan.errors import EdplanError, InputError, Problem, UsageError, msg
from edplan.plan.load import check_plan_text, read_plan_text, require_plan, write_new_plan
from edplan.plan.model import Plan, Schedule, Section, Target, Task

MODELINE = re.compile(r"^(# yaml-language-server: \$schema=)(\S+)$", re.MULTILINE)
OLD_NOTE = re.compile(
    r"^# Started from \S+ by `edplan init \d+`.*?^# 用 edplan compare 查看改动。\n", re.MULTILINE | re.DOTALL
)


def move_date(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February → 28 February when the new year has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def move_dates(node: Any, years: int) -> int:
    """Move every date in a round-trip tree by ``years``, in place; returns how many were moved."""
    moved = 0
    items: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    for key, value in items:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            node[key] = move_date(value, years)
            moved += 1
        else:
            moved += move_dates(value, years)
    return moved


def next_id(old_id: str, old_year: int, new_year: int) -> str:
    """edu-2006 → edu-2007; an id without the year gets it appended (plan → plan-2007)."""
    if str(old_year) in old_id:
        return old_id.replace(str(old_year), str(new_year))
    return f"{old_id}-{new_year}"


def header(source_name: str, old_year: int, new_year: int) -> str:
    return (
        f"# Started from {source_name} by `edplan init {new_year}`: same sections, tasks and target ids,\n"
        f"# dates moved from {old_year} to {new_year}. Edit each target's value, source and schedule for {new_year};\n"
        f"# `edplan compare` shows what changed.\n"
        f"# 由 edplan init 据 {source_name} 生成：部分、任务和指标编号不变，\n"
        f"# 日期已从 {old_year} 年移至 {new_year} 年；请修改各指标的目标值、原文和进度安排，\n"
        f"# 用 edplan compare 查看改动。\n"
    )


def drop_revisions(tree: Any) -> int:
    """Take out every target's ``revisions``: they were decisions of the old year, not the new one's."""
    dropped = 0
    for section in tree.get("sections") or []:
        for task in (section.get("tasks") or []) if isinstance(section, dict) else []:
            for target in (task.get("targets") or []) if isinstance(task, dict) else []:
                if isinstance(target, dict) and "revisions" in target:
                    dropped += len(target["revisions"] or [])
                    del target["revisions"]
    return dropped


def year_text(text: str, new_year: int, source: Path, output: Path) -> tuple[str, int, int]:
    """The new plan's text from the old one's: (text, dates moved, revisions left out). Comments and
    layout kept."""
    from edplan.plan.yaml_safe import dump_roundtrip, load_roundtrip

    yaml, tree = load_roundtrip(text)
    old_year = int(tree["year"])
    years = new_year - old_year
    tree["year"] = new_year
    tree["id"] = next_id(str(tree["id"]), old_year, new_year)
    if str(old_year) in str(tree["title"]):
        tree["title"] = str(tree["title"]).replace(str(old_year), str(new_year))
    dropped = drop_revisions(tree)
    moved = move_dates(tree, years)
    document = tree.get("source")
    if isinstance(document, str) and not os.path.isabs(document):
        # The plan's document is named relative to the plan's folder: a plan written elsewhere must
        # still name the same file (validate checks the quotes against it).
        old_folder, new_folder = source.parent.resolve(), output.parent.resolve()
        if old_folder != new_folder:
            tree["source"] = Path(os.path.relpath(old_folder / document, new_folder)).as_posix()
    out = dump_roundtrip(yaml, tree)
    # A plan started by init is started again: its old note gives way to the new one.
    out = OLD_NOTE.sub("", out, count=1)
    # The note goes under an editor modeline (which must stay first) and above everything else.
    note = header(source.name, old_year, new_year)
    first = MODELINE.match(out)
    if first:
        schema = (source.parent / first[2]).resolve()
        relative = Path(os.path.relpath(schema, output.parent.resolve())).as_posix()
        line = f"{first[1]}{relative}\n"
        out = line + note + out[first.end() + 1 :]
    else:
        out = note + out
    return out, moved, dropped


@dataclass(frozen=True)
class Started:
    """What ``init`` wrote."""

    path: Path
    source: Path
    plan: Plan
    moved: int
    dropped: int = 0  # revisions of the old year left out


def _given_plan(path: Path) -> Plan:
    """A plan named on the command line (not through --plan): a missing one says so plainly."""
    if not path.exists():
        raise UsageError(Problem(msg("plan file not found"), path=str(path), hint=msg("give an existing plan file")))
    return require_plan(path)


def start_year(source: Path, year: int, output: Path | None, replace: bool) -> Started:
    """``edplan init YEAR --from SOURCE``: write next year's plan beside the source (or at ``output``)."""
    old = _given_plan(source)
    if year == old.year:
        raise UsageError(
            Problem(
                msg("YEAR: {year} is the year of {source} already", year=year, source=str(source)),
                hint=msg("give the year of the new plan, e.g. {next}", next=old.year + 1),
            )
        )
    if not 1900 <= year <= 2200:
        raise UsageError(Problem(msg("YEAR: {year} is not a plan year", year=year), hint=msg("give a year like 2007")))
    target = output or source.with_name(f"{year}.yaml")
    text, moved, dropped = year_text(read_plan_text(source), year, source, target)
    checked = check_plan_text(text, str(target))
    if checked.plan is None:
        # Cannot happen for a valid source unless moving the dates broke something: say so, write nothing.
        raise InputError(checked.problems)
    write_new_plan(target, text, replace)
    return Started(target, source, checked.plan, moved, dropped)


# --- compare ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field of a target (or of the plan) before and after. ``value`` pairs carry their unit."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class TargetChange:
    id: str
    name: str
    section: int
    task: int
    changes: list[FieldChange]


@dataclass
class Comparison:
    old_path: str
    new_path: str
    old: Plan
    new: Plan
    added: list[tuple[Section, Task, Target]] = field(default_factory=list)
    removed: list[tuple[Section, Task, Target]] = field(default_factory=list)
    changed: list[TargetChange] = field(default_factory=list)
    unchanged: int = 0
    plan_changes: list[FieldChange] = field(default_factory=list)


# Target fields compared one by one, in the order a reader wants them; value and unit go together.
_FIELDS = (
    "name",
    "kind",
    "direction",
    "value",
    "stages",
    "tolerance",
    "baseline",
    "growth",
    "part_of",
    "parts_complete",
    "allow_negative",
    "schedule",
    "weight",
    "lead",
    "support",
    "source",
)


def _moved_schedule(schedule: Schedule | None, years: int) -> Schedule | None:
    if schedule is None or years == 0:
        return schedule
    return schedule.model_copy(
        update={
            "due": schedule.due and move_date(schedule.due, years),
            "start": schedule.start and move_date(schedule.start, years),
            "end": schedule.end and move_date(schedule.end, years),
            "checkpoints": [cp.model_copy(update={"by": move_date(cp.by, years)}) for cp in schedule.checkpoints or []]
            or schedule.checkpoints,
        }
    )


def target_changes(old: Target, new: Target, years: int) -> list[FieldChange]:
    """What differs between two versions of a target, with the old dates moved by ``years``."""
    changes: list[FieldChange] = []
    for name in _FIELDS:
        if name == "value":
            # Decimal('7.8') == Decimal('7.80'): the same figure however it is written.
            if old.value != new.value or old.unit != new.unit:
                changes.append(FieldChange("value", (old.value, old.unit), (new.value, new.unit)))
            continue
        if name == "schedule":
            before = _moved_schedule(old.schedule, years)
            if before != new.schedule:
                changes.append(FieldChange("schedule", old.schedule, new.schedule))
            continue
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            changes.append(FieldChange(name, a, b))
    return changes


def compare_plans(old: Plan, new: Plan, old_path: str = "", new_path: str = "") -> Comparison:
    """Targets added, removed and changed from ``old`` to ``new`` (pure: no I/O)."""
    years = new.year - old.year
    result = Comparison(old_path, new_path, old, new)
    before = {t.id: (s, k, t) for s, k, t in old.targets()}
    after = {t.id: (s, k, t) for s, k, t in new.targets()}
    for target_id, (section, task, target) in after.items():
        if target_id not in before:
            result.added.append((section, task, target))
            continue
        _, old_task, old_target = before[target_id]
        changes = target_changes(old_target, target, years)
        if old_task.number != task.number:
            changes.insert(0, FieldChange("task", old_task.number, task.number))
        if changes:
            result.changed.append(TargetChange(target_id, target.name, section.number, task.number, changes))
        else:
            result.unchanged += 1
    result.removed = [row for target_id, row in before.items() if target_id not in after]
    if old.title != new.title:
        result.plan_changes.append(FieldChange("title", old.title, new.title))
    moved_period = (move_date(old.period.start, years), move_date(old.period.end, years))
    if moved_period != (new.period.start, new.period.end):
        result.plan_changes.append(
            FieldChange("period", (old.period.start, old.period.end), (new.period.start, new.period.end))
        )
    for name in ("at_risk_below", "lagging_below", "stale_after_days", "tolerance"):
        a, b = getattr(old.settings, name), getattr(new.settings, name)
        if a != b:
            result.plan_changes.append(FieldChange(name, a, b))
    if _moved_schedule(old.settings.schedule, years) != new.settings.schedule:
        result.plan_changes.append(FieldChange("schedule", old.settings.schedule, new.settings.schedule))
    return result


def compare_files(old_path: Path, new_path: Path) -> Comparison:
    """``edplan compare OLD NEW``: both plans must be valid (every problem of both is reported)."""
    problems: list[Problem] = []
    plans: list[Plan] = []
    for path in (old_path, new_path):
        try:
            plans.append(_given_plan(path))
        except EdplanError as exc:
            problems += exc.problems
    if problems:
        raise UsageError(problems)  # a broken plan: compare cannot run (exit 2)
    return compare_plans(plans[0], plans[1], str(old_path), str(new_path))
