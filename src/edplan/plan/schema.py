"""The JSON Schema of a plan file, generated from the pydantic models, for editors and CI.

Editors (VS Code's YAML extension and other yaml-language-server clients) read it through a
``# yaml-language-server: $schema=…`` comment at the top of a plan and check and complete the file
while it is typed. A copy is kept in the repository (``schema/plan.schema.json``); a test fails when
the copy drifts from the models. The schema checks the shape of one file; what needs the whole plan
(unique ids, dates inside the period, coherent growth figures) only ``edplan validate`` checks.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from edplan.plan.model import Plan

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# A number written as text ("7.8"): the loader accepts it, so the schema does too, but nothing else.
DECIMAL_TEXT = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


# What each code means, shown by editors beside the completion (VS Code reads "enumDescriptions").
ENUM_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Kind": {
        "cumulative": "Entries add up (money spent, people trained). 累计：各次记录相加。",
        "level": "The latest reading counts (an enrolment, a share). 时点：以最近一次读数为准。",
        "milestone": "Stages reached (drafted → approved → issued). 里程碑：达到的阶段。",
    },
    "Direction": {
        "at_least": "The figure or more. 不少于。",
        "at_most": "The figure or less. 不超过。",
        "approximately": "Within the tolerance either side of the figure. 左右：在允许偏差之内。",
        "stable": "Stay within the tolerance band around the figure. 保持稳定。",
    },
}


class _PlanSchema(GenerateJsonSchema):
    def get_decimal_pattern(self, schema: core_schema.DecimalSchema) -> str | None:
        return DECIMAL_TEXT


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a plan file."""
    body = Plan.model_json_schema(schema_generator=_PlanSchema, mode="validation")
    head = {
        "$schema": DIALECT,
        "title": "edplan plan file · edplan 计划文件",
        "description": (
            "A work plan tracked by edplan: sections of numbered tasks, each with the targets tracked. "
            "Checked in full by `edplan validate`. 由 edplan 跟踪的工作计划；完整检查请用 edplan validate。"
        ),
    }
    body.pop("title", None)
    body.pop("description", None)
    for name, meanings in ENUM_DESCRIPTIONS.items():
        definition = body["$defs"][name]
        definition["enumDescriptions"] = [meanings[value] for value in definition["enum"]]
    return {**head, **body}


def schema_text() -> str:
    """The schema as the file in the repository holds it: stable key order, two-space indent, newline."""
    return json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n"
