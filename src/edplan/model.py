"""The plan as pydantic models: plan → sections → tasks → targets, with schedules and settings.

Field descriptions are written for plan authors (they become the JSON Schema that editors show).
Checks that need the whole plan (duplicate ids, dates inside the period) live in ``checks.py`` so
that each problem keeps its own location.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

TARGET_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class Kind(StrEnum):
    """How entries make up the actual value."""

    cumulative = "cumulative"  # entries add up (money spent, people trained)
    level = "level"  # the latest reading counts (enrolment, a share, schools meeting a standard)
    milestone = "milestone"  # stages reached (drafted → approved → issued), or done


class Direction(StrEnum):
    """Which side of the figure counts as meeting it."""

    at_least = "at_least"
    at_most = "at_most"
    approximately = "approximately"  # 左右: within the tolerance either side
    stable = "stable"  # 保持稳定: stay within the tolerance band around the baseline


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Checkpoint(_Strict):
    by: dt.date = Field(description="Date by which the share is expected. 截止日期。")
    percent: Annotated[Decimal, Field(ge=0, le=100)] = Field(
        description="Share of the target expected by that date, 0–100. 应完成的百分比。"
    )


class Schedule(_Strict):
    """When progress is expected. Empty means linear over the plan period."""

    due: dt.date | None = Field(None, description="Nothing is expected before this date, everything by it. 到期日。")
    start: dt.date | None = Field(None, description="Linear pace starts here (default: period start).")
    end: dt.date | None = Field(None, description="Linear pace ends here (default: period end).")
    checkpoints: list[Checkpoint] | None = Field(
        None, description="Explicit checkpoints, e.g. by 2006-06-30: 40%. 分阶段目标。"
    )


class Settings(_Strict):
    at_risk_below: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.9"), description="At risk when actual is below this share of expected. 有风险阈值。"
    )
    lagging_below: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.7"), description="Lagging when actual is below this share of expected. 滞后阈值。"
    )
    stale_after_days: Annotated[int, Field(ge=1)] = Field(
        45, description="A target not updated for longer is flagged stale. 多少天未更新视为过期。"
    )
    tolerance: Annotated[Decimal, Field(gt=0, lt=1)] = Field(
        Decimal("0.05"), description="Default band for 'approximately' and 'stable' targets (0.05 = ±5%)."
    )
    schedule: Schedule | None = Field(None, description="Default schedule for every target.")


class Period(_Strict):
    start: dt.date = Field(description="First day of the plan period. 计划开始日期。")
    end: dt.date = Field(description="Last day of the plan period. 计划结束日期。")


class Target(_Strict):
    id: Annotated[str, Field(pattern=TARGET_ID_PATTERN, max_length=32)] = Field(
        description="Stable id used by `edplan record`, e.g. t03-rural-fund. 指标编号。"
    )
    name: Annotated[str, Field(min_length=1)] = Field(description="Short name. 指标名称。")
    kind: Kind = Field(Kind.cumulative, description="cumulative | level | milestone. 指标类型。")
    direction: Direction = Field(
        Direction.at_least, description="at_least | at_most | approximately (左右) | stable (保持稳定)."
    )
    value: Decimal | None = Field(None, description="The figure as written, in `unit`. 目标值。")
    unit: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="Unit as written: 万人, 亿元, 所, 人次, %. 单位。"
    )
    stages: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None, description="Milestone stages in order, e.g. [drafted, approved, issued]. 里程碑阶段。"
    )
    tolerance: Annotated[Decimal, Field(gt=0, lt=1)] | None = Field(
        None, description="Band for approximately/stable targets (0.05 = ±5%). 允许偏差。"
    )
    baseline: Decimal | None = Field(None, description="Last year's figure, in `unit`. 基数。")
    growth: Decimal | None = Field(None, description="Growth over the baseline in percent. 增长率(%)。")
    allow_negative: bool = Field(False, description="Entries may be negative (adjustments).")
    schedule: Schedule | None = Field(None, description="When progress is expected. 进度安排。")
    weight: Annotated[Decimal, Field(ge=0)] = Field(Decimal(1), description="Weight in rollups. 权重。")
    lead: str | None = Field(None, description="Lead unit (牵头单位).")
    support: list[str] = Field(default_factory=list, description="Supporting units (配合单位).")
    source: Annotated[str, Field(min_length=1)] = Field(
        description="The document's exact words this target comes from. 原文。"
    )

    @property
    def stage_list(self) -> list[str]:
        return list(self.stages) if self.stages else ["done"]


class Task(_Strict):
    number: Annotated[int, Field(ge=1)] = Field(description="Task number as in the document. 任务序号。")
    title: Annotated[str, Field(min_length=1)] = Field(description="Task title as written. 任务标题。")
    lead: str | None = Field(None, description="Lead unit (牵头单位).")
    support: list[str] = Field(default_factory=list, description="Supporting units (配合单位).")
    schedule: Schedule | None = Field(None, description="Default schedule for this task's targets.")
    weight: Annotated[Decimal, Field(ge=0)] = Field(Decimal(1), description="Weight in rollups. 权重。")
    targets: Annotated[list[Target], Field(min_length=1)] = Field(description="What is tracked for this task. 指标。")


class Section(_Strict):
    number: Annotated[int, Field(ge=1)] = Field(description="Section number (一 = 1). 部分序号。")
    title: Annotated[str, Field(min_length=1)] = Field(description="Section title as written. 部分标题。")
    schedule: Schedule | None = Field(None, description="Default schedule for this section's targets.")
    weight: Annotated[Decimal, Field(ge=0)] = Field(Decimal(1), description="Weight in rollups. 权重。")
    tasks: Annotated[list[Task], Field(min_length=1)] = Field(description="Numbered tasks. 任务。")


class Plan(_Strict):
    """A work plan: 工作计划."""

    id: Annotated[str, Field(pattern=TARGET_ID_PATTERN)] = Field(description="Plan id, e.g. edu-2006.")
    title: Annotated[str, Field(min_length=1)] = Field(description="Title as written. 标题。")
    year: Annotated[int, Field(ge=1900, le=2200)] = Field(description="Plan year. 年度。")
    period: Period
    source: str | None = Field(None, description="Where the plan text comes from. 来源。")
    settings: Settings = Field(default_factory=Settings)
    sections: Annotated[list[Section], Field(min_length=1)] = Field(description="Sections 一 … 十.")

    def targets(self) -> list[tuple[Section, Task, Target]]:
        return [(s, t, g) for s in self.sections for t in s.tasks for g in t.targets]

    def find_target(self, target_id: str) -> tuple[Section, Task, Target] | None:
        for row in self.targets():
            if row[2].id == target_id:
                return row
        return None
