"""``edplan init --blank YEAR``: an empty plan to fill in, with a comment explaining every field.

The comments are the models' own field descriptions (the ones the JSON Schema shows editors), so
they cannot drift from what validate accepts. The plan holds one example section, task and target,
because a plan needs at least one of each; it validates as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from edplan.plan.model import Plan, Section, Settings, Target, Task


def _comment(model: type[BaseModel], name: str, indent: str) -> str:
    info = model.model_fields[name]
    return f"{indent}# {info.title}: {info.description}\n"


def _scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def blank_plan_text(year: int) -> str:
    """The text of a blank plan for ``year``."""
    out = [
        f"# A blank edplan plan for {year}: fill in the sections, tasks and targets of the plan document.\n",
        "# `edplan draft DOCUMENT` drafts them from the document instead. Every field is explained in the\n",
        "# comment above it; optional ones are shown at their defaults or commented out. When done, run\n",
        "# edplan --plan THIS_FILE validate.\n",
        "\n",
        _comment(Plan, "id", ""),
        f"id: plan-{year}\n",
        _comment(Plan, "title", ""),
        f"title: {year}年工作计划\n",
        _comment(Plan, "year", ""),
        f"year: {year}\n",
        _comment(Plan, "period", ""),
        f"period:\n  start: {year}-01-01\n  end: {year}-12-31\n",
        _comment(Plan, "source", ""),
        "# Every title and source: below is then checked, verbatim, against that document.\n",
        f"# source: {year}-work-plan.txt\n",
        "\n",
        _comment(Plan, "settings", ""),
        "settings:\n",
    ]
    defaults = Settings()
    for name in Settings.model_fields:
        out.append(_comment(Settings, name, "  "))
        value = getattr(defaults, name)
        if name == "schedule":
            out.append(f"  # schedule: {{start: {year}-03-01, end: {year}-12-31}}\n")
        elif name == "units":
            out.append("  units: []\n")
        else:
            out.append(f"  {name}: {_scalar(value)}\n")
    out += [
        "\n",
        _comment(Plan, "sections", ""),
        "sections:\n",
        _comment(Section, "number", "  "),
        "  - number: 1\n",
        _comment(Section, "title", "    "),
        "    title: 第一部分\n",
        _comment(Section, "tasks", "    "),
        "    tasks:\n",
        _comment(Task, "number", "      "),
        "      - number: 1\n",
        _comment(Task, "title", "        "),
        "        title: 第一项任务\n",
        _comment(Task, "targets", "        "),
        "        targets:\n",
    ]
    example = {
        "id": "t01-example",
        "name": "示例指标",
        "kind": "cumulative",
        "direction": "at_least",
        "value": "100",
        "unit": "人",
        "source": "示例原文",
    }
    first = True
    for name, value in example.items():
        out.append(_comment(Target, name, "          " if first else "            "))
        out.append(f"          {'- ' if first else '  '}{name}: {value}\n")
        first = False
    optional = ("tolerance", "baseline", "growth", "part_of", "schedule", "lead", "support", "weight")
    for name in optional:
        out.append(_comment(Target, name, "            "))
        out.append(f"            # {name}: …\n")
    return "".join(out)


def start_blank(year: int, output: Path, replace: bool) -> Plan:
    """Write a blank plan for ``year`` at ``output`` (kept if it exists, unless ``replace``)."""
    from edplan.errors import InputError, Problem, UsageError, msg
    from edplan.plan.load import check_plan_text, write_new_plan

    if not 1900 <= year <= 2200:
        raise UsageError(Problem(msg("YEAR: {year} is not a plan year", year=year), hint=msg("give a year like 2007")))
    text = blank_plan_text(year)
    checked = check_plan_text(text, str(output))
    if checked.plan is None:  # a blank plan validate refuses would be edplan's bug: say so, write nothing
        raise InputError(checked.problems)
    write_new_plan(output, text, replace)
    return checked.plan

