"""``edplan compare`` output: the differences between two plans as styled lines or as JSON data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from edplan.plan.model import Schedule, Section, Target, Task
from edplan.plan.newyear import Comparison, FieldChange
from edplan.render.data import fmt, number
from edplan.render.words import stage_word, word

STYLES = {"added": "green", "removed": "red", "changed": "yellow"}
SHORT = 40  # cells of a long text (a source quote) shown before it is cut


def _short(text: str) -> str:
    if cell_len(text) <= SHORT:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > SHORT - 1:
            break
        out += char
    return out + "…"


def schedule_text(schedule: Schedule | None, lang: str) -> str:
    if schedule is None:
        return word("none", lang)
    if schedule.due:
        return word("schedule.due", lang, date=schedule.due.isoformat())
    if schedule.checkpoints:
        sep = "，" if lang == "zh" else ", "
        points = sep.join(f"{cp.by.isoformat()} {fmt(cp.percent, 1)}%" for cp in schedule.checkpoints)
        return word("schedule.checkpoints", lang, points=points)
    if schedule.start or schedule.end:
        start = schedule.start.isoformat() if schedule.start else "…"
        end = schedule.end.isoformat() if schedule.end else "…"
        return word("schedule.span", lang, start=start, end=end)
    return word("schedule.linear", lang)


def as_written(value: Decimal | None, unit: str | None) -> str:
    """A figure as the plan writes it (8.0 stays 8.0), thousands grouped: 7.8万人, 5,968人."""
    if value is None:
        return "—"
    return f"{value:,f}{unit or ''}"


def value_text(value: Any, lang: str) -> str:
    """One side of a change, as a person reads it."""
    if value is None:
        return word("none", lang)
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if isinstance(value, Enum):
        return word(str(value.value), lang)
    if isinstance(value, Decimal):
        return fmt(value, 4)
    if isinstance(value, Schedule):
        return schedule_text(value, lang)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dt.date):
        return f"{value[0].isoformat()} – {value[1].isoformat()}"
    if isinstance(value, tuple):  # (value, unit)
        return as_written(value[0], value[1]) if value[0] is not None else word("none", lang)
    if isinstance(value, list):
        sep = "，" if lang == "zh" else ", "
        return sep.join(stage_word(str(v), lang) for v in value) or word("none", lang)
    return _short(str(value))


def goal_text(target: Target, lang: str) -> str:
    if target.kind.value == "milestone":
        return " → ".join(stage_word(s, lang) for s in target.stage_list)
    return as_written(target.value, target.unit)


def _change_line(change: FieldChange, lang: str) -> Text:
    name = word(f"field.{change.field}", lang)
    colon = "：" if lang == "zh" else ": "
    before, after = value_text(change.before, lang), value_text(change.after, lang)
    line = Text(f"    {name}{colon}")
    line.append(before, style="red")
    line.append(" → ")
    line.append(after, style="green")
    return line


def comparison_lines(c: Comparison, lang: str) -> list[Text]:
    """Plan-level changes, then changed, added and removed targets, then a summary line."""
    kinds = {k: word(f"compare.{k}", lang) for k in ("changed", "added", "removed")}
    width = max(cell_len(w) for w in kinds.values())

    def head(kind: str, target_id: str, name: str, extra: str = "") -> Text:
        label = kinds[kind] + " " * (width - cell_len(kinds[kind]))
        line = Text(label, style=STYLES[kind])
        line.append(f"  {target_id}", style="cyan")
        line.append(f"  {name}")
        if extra:
            line.append(f"  {extra}")
        return line

    title = word("compare.title", lang, old=c.old_path, new=c.new_path, old_year=c.old.year, new_year=c.new.year)
    lines = [Text(title, style="bold")]
    if c.plan_changes:
        lines.append(Text(word("compare.plan", lang), style="bold"))
        lines += [_change_line(change, lang) for change in c.plan_changes]
    for change in c.changed:
        lines.append(head("changed", change.id, change.name))
        lines += [_change_line(f, lang) for f in change.changes]
    for _, _, target in c.added:
        lines.append(head("added", target.id, target.name, goal_text(target, lang)))
    for _, _, target in c.removed:
        lines.append(head("removed", target.id, target.name, goal_text(target, lang)))
    summary = word(
        "compare.summary",
        lang,
        changed=len(c.changed),
        added=len(c.added),
        removed=len(c.removed),
        unchanged=c.unchanged,
    )
    lines.append(Text(summary))
    return lines


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, Schedule):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dt.date):
        return {"start": value[0].isoformat(), "end": value[1].isoformat()}
    if isinstance(value, tuple):
        return {"value": number(value[0]), "unit": value[1]}
    return value


def _target_data(row: tuple[Section, Task, Target]) -> dict[str, Any]:
    section, task, target = row
    return {
        "id": target.id,
        "name": target.name,
        "section": section.number,
        "task": task.number,
        "kind": target.kind.value,
        "value": number(target.value),
        "unit": target.unit,
        "stages": target.stages,
    }


def _change_data(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "before": _json_value(change.before), "after": _json_value(change.after)}


def comparison_data(c: Comparison) -> dict[str, Any]:
    """The JSON contract of ``edplan compare --format json`` (English keys and codes)."""
    return {
        "old": {"path": c.old_path, "id": c.old.id, "year": c.old.year},
        "new": {"path": c.new_path, "id": c.new.id, "year": c.new.year},
        "summary": {
            "changed": len(c.changed),
            "added": len(c.added),
            "removed": len(c.removed),
            "unchanged": c.unchanged,
        },
        "plan": [_change_data(ch) for ch in c.plan_changes],
        "changed": [
            {
                "id": t.id,
                "name": t.name,
                "section": t.section,
                "task": t.task,
                "changes": [_change_data(ch) for ch in t.changes],
            }
            for t in c.changed
        ],
        "added": [_target_data(row) for row in c.added],
        "removed": [_target_data(row) for row in c.removed],
    }
