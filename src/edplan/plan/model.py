"""The plan as pydantic models: plan → sections → tasks → targets, with schedules and settings.

Field descriptions are written for plan authors (they become the JSON Schema that editors show).
Checks that need the whole plan (duplicate ids, dates inside the period) live in ``checks.py`` so
that each problem keeps its own location.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from edplan.units import PlanText, plan_figure

TARGET_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class Kind(StrEnum):
    """How entries make up the actual value. 指标类型：累计 (cumulative)、时点 (level)、里程碑 (milestone)。"""

    cumulative = "cumulative"  # entries add up (money spent, people trained)
    level = "level"  # the latest reading counts (enrolment, a share, schools meeting a standard)
    milestone = "milestone"  # stages reached (drafted → approved → issued), or done


class Direction(StrEnum):
    """Which side of the figure counts as meeting it. 方向：不少于、不超过、左右、保持稳定。"""

    at_least = "at_least"
    at_most = "at_most"
    approximately = "approximately"  # 左右： within the tolerance either side
    stable = "stable"  # 保持稳定： stay within the tolerance band around the baseline


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Checkpoint(_Strict):
    """A share of the target expected by a date. 阶段目标：某日之前应完成的百分比。"""

    by: dt.date = Field(title="by · 截止日期", description="Date by which the share is expected. 截止日期。")
    percent: Annotated[Decimal, Field(ge=0, le=100)] = Field(
        title="percent · 百分比", description="Share of the target expected by that date, 0–100. 应完成的百分比。"
    )


class Schedule(_Strict):
    """When progress is expected: one of due, start/end, or checkpoints. Empty means linear over the plan period.
    进度安排：到期日、起止日期或分阶段目标，三选一；不写则按计划期匀速推进。"""

    due: dt.date | None = Field(
        None, title="due · 到期日", description="Nothing is expected before this date, everything by it. 到期日。"
    )
    start: dt.date | None = Field(
        None,
        title="start · 开始日期",
        description="Linear pace starts here (default: period start). 匀速推进的开始日期（默认计划期开始）。",
    )
    end: dt.date | None = Field(
        None,
        title="end · 结束日期",
        description="Linear pace ends here (default: period end). 匀速推进的结束日期（默认计划期结束）。",
    )
    checkpoints: list[Checkpoint] | None = Field(
        None,
        title="checkpoints · 分阶段目标",
        description="Explicit checkpoints, e.g. by 2006-06-30: 40%. 分阶段目标。",
    )


class Settings(_Strict):
    """Thresholds and defaults for the whole plan. 全计划的阈值与默认值。"""

    at_risk_below: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.9"),
        title="at_risk_below · 有风险阈值",
        description="At risk when actual is below this share of expected. 实际低于应达的这一比例即为有风险。",
    )
    lagging_below: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.7"),
        title="lagging_below · 滞后阈值",
        description="Lagging when actual is below this share of expected. 实际低于应达的这一比例即为滞后。",
    )
    nearly_met_at: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.9"),
        title="nearly_met_at · 基本完成阈值",
        description="At the due date, a figure not met but at this share of the goal or more is nearly met. "
        "到期未完成但达到目标的这一比例，即为基本完成。",
    )
    nearly_met_points: Annotated[Decimal, Field(gt=0, le=100)] = Field(
        Decimal(1),
        title="nearly_met_points · 基本完成差距（百分点）",
        description="For a rate (unit %): at the due date, a rate at most this many percentage points short of its "
        "goal is nearly met (98.6% asked, 97.8% reached: 0.8 pp short). A share of the goal would let 88.7% pass "
        "for 98.6%. 比率类指标（单位 %）：到期时低于目标不超过这么多个百分点，即为基本完成。",
    )
    forecast_lagging_below: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        Decimal("0.5"),
        title="forecast_lagging_below · 预测滞后阈值",
        description="Before the due date: lagging when the forecast at the due date is below this share of the goal "
        "(at risk below at_risk_below). 到期前，预测到期值低于目标的这一比例即为滞后（低于有风险阈值为有风险）。",
    )
    stale_after_days: Annotated[int, Field(ge=1)] = Field(
        45,
        title="stale_after_days · 久未更新天数",
        description="A target not updated for longer is flagged stale. 超过这些天未更新即标为久未更新。",
    )
    tolerance: Annotated[Decimal, Field(gt=0, lt=1)] = Field(
        Decimal("0.05"),
        title="tolerance · 允许偏差",
        description="Default band for 'approximately' and 'stable' targets (0.05 = ±5%). "
        "左右、保持稳定类指标的默认偏差。",
    )
    schedule: Schedule | None = Field(
        None,
        title="schedule · 默认进度安排",
        description="Default schedule for every target. 所有指标的默认进度安排。",
    )
    implausible_factor: Annotated[Decimal, Field(gt=1)] = Field(
        Decimal(20),
        title="implausible_factor · 不合理倍数",
        description="A figure more than this many times its target's goal is refused as a likely slip "
        "(78000 typed for 7.8万人); record --force REASON records it anyway. "
        "超过目标值这么多倍的数值视为误录而拒绝（如把 7.8万人 录成 78000）；record --force 理由 可强制记录。",
    )
    units: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        title="units · 自定义单位",
        description="Units this plan uses besides the counters edplan knows (人, 所, 个, 项, 元, …, with 千/万/亿, "
        "and %), e.g. [学分]; they may take a magnitude too. 本计划使用的其他单位（可带千/万/亿），例如 [学分]。",
    )


class Period(_Strict):
    """The plan period. 计划期。"""

    start: dt.date = Field(title="start · 开始日期", description="First day of the plan period. 计划开始日期。")
    end: dt.date = Field(title="end · 结束日期", description="Last day of the plan period. 计划结束日期。")


def _figure(value: Any) -> Any:
    """A figure the plan wrote as text (6,460; 7.8万), read in its target's unit; numbers pass as they are."""
    if isinstance(value, PlanText):
        return plan_figure(value.text, value.unit, value.field)
    if isinstance(value, str):
        return plan_figure(value, None)
    return value


# A figure of the plan: a YAML number, or text spelt as `record` takes it (6,460; 7.8万). The reader
# stands outside the union with None, so that a problem is reported once, at the field.
_Figure = Annotated[Decimal | None, BeforeValidator(_figure)]


class Revision(_Strict):
    """A later decision that changes the figure during the year. 年中调整：后来的决定改变了目标值。"""

    date: dt.date = Field(
        title="date · 生效日期", description="The day the revised figure is in force from. 调整后目标值的生效日期。"
    )
    value: _Figure = Field(
        title="value · 调整后目标值",
        description="The revised figure, in the target's unit. 调整后的目标值，按指标单位。",
    )
    source: Annotated[str, Field(min_length=1)] = Field(
        title="source · 依据",
        description="The decision's words, or where it is (a later document, a meeting's minutes). 调整的依据。",
    )


class Target(_Strict):
    """One tracked figure or deliverable of a task. 指标：任务中的一个数字目标或交付成果。"""

    id: Annotated[str, Field(pattern=TARGET_ID_PATTERN, max_length=32)] = Field(
        title="id · 指标编号",
        description="Stable id used by `edplan record`, e.g. t03-rural-fund. 指标编号，记录进度时使用。",
    )
    name: Annotated[str, Field(min_length=1)] = Field(title="name · 指标名称", description="Short name. 指标名称。")
    kind: Kind = Field(
        Kind.cumulative,
        title="kind · 指标类型",
        description="cumulative (entries add up) | level (latest reading counts) | milestone (stages). "
        "指标类型：累计 | 时点 | 里程碑。",
    )
    direction: Direction = Field(
        Direction.at_least,
        title="direction · 方向",
        description="at_least | at_most | approximately (左右) | stable (保持稳定). "
        "不少于 | 不超过 | 左右 | 保持稳定。",
    )
    value: _Figure = Field(
        None,
        title="value · 目标值",
        description="The figure as written, in `unit`: 7.8 (unit 万人), 6,460 or 7.8万 (unit 人). 目标值，按原文单位。",
    )
    unit: Annotated[str, Field(min_length=1)] | None = Field(
        None, title="unit · 单位", description="Unit as written: 万人， 亿元， 所， 人次， %. 单位，按原文。"
    )
    stages: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None,
        title="stages · 里程碑阶段",
        description="Milestone stages in order, e.g. [drafted, approved, issued]. 里程碑阶段，按先后顺序。",
    )
    tolerance: Annotated[Decimal, Field(gt=0, lt=1)] | None = Field(
        None,
        title="tolerance · 允许偏差",
        description="Band for approximately/stable targets (0.05 = ±5%). 左右、保持稳定类指标的允许偏差。",
    )
    baseline: _Figure = Field(None, title="baseline · 基数", description="Last year's figure, in `unit`. 上年基数。")
    growth: Decimal | None = Field(
        None,
        title="growth · 增长率",
        description="Growth over the previous year in percent (比上年增长 9.1% → 9.1): a relation of the figure, "
        "not a target of its own. Without a baseline, the baseline is derived as value / (1 + growth/100). "
        "比上年增长（%）：目标值的关系，不单独考核；未给基数时，基数按 目标值 ÷ (1 + 增长率/100) 推算。",
    )
    increase: _Figure = Field(
        None,
        title="increase · 增加量",
        description="The planned change over the previous year, in `unit` (比上年增加约0.05万人 → 0.05; negative for "
        "减少): with a baseline and no value, the level to reach is baseline + increase; with a value, the baseline "
        "it implies is value − increase. 比上年增加量（按指标单位，减少为负数）："
        "有基数而无目标值时，目标值 = 基数 + 增加量；有目标值时，推算基数 = 目标值 − 增加量。",
    )
    revisions: list[Revision] | None = Field(
        None,
        title="revisions · 年中调整",
        description="Figures changed during the year, in date order: status judges against the figure in force "
        "on the as-of date; the plan's own figure is kept and shown. "
        "年中调整的目标值，按日期先后：按截至日期时有效的目标值判断状态；原目标值保留并显示。",
    )
    part_of: Annotated[str, Field(pattern=TARGET_ID_PATTERN, max_length=32)] | None = Field(
        None,
        title="part_of · 所属总数",
        description="The id of the total this figure is a part of (其中博士生492人 is part of 6460人). Rollups "
        "weigh the total once; validate checks the parts add up to it. "
        "所属总数的指标编号（“其中……”）：汇总时总数只计一次，校验各分项之和与总数相符。",
    )
    parts_complete: bool = Field(
        True,
        title="parts_complete · 分项完整",
        description="On a total: true (default) when its parts cover all of it, so they must add up to its value "
        "exactly; false when the document names only some parts, so they add up to at most its value. "
        "用于总数：各分项构成全部时为 true（默认），分项之和须等于总数；"
        "原文只列出部分分项时为 false，分项之和不超过总数。",
    )
    once: bool = Field(
        False,
        title="once · 一次性读数",
        description="A level read once (a reading at the figure is achieved at once, not only at the due date). "
        "一次性读数：达到即为完成，不必等到期。",
    )
    allow_negative: bool = Field(
        False,
        title="allow_negative · 允许负数",
        description="Entries may be negative (adjustments). 进度记录可以为负数（调整）。",
    )
    schedule: Schedule | None = Field(
        None, title="schedule · 进度安排", description="When progress is expected. 进度安排。"
    )
    weight: Annotated[Decimal, Field(ge=0)] = Field(
        Decimal(1), title="weight · 权重", description="Weight in rollups. 汇总时的权重。"
    )
    lead: str | None = Field(None, title="lead · 牵头单位", description="Lead unit. 牵头单位。")
    support: list[str] = Field(
        default_factory=list, title="support · 配合单位", description="Supporting units. 配合单位。"
    )
    source: Annotated[str, Field(min_length=1)] = Field(
        title="source · 原文",
        description="The document's exact words this target comes from. 指标所依据的原文。",
    )

    @model_validator(mode="before")
    @classmethod
    def _figures_with_their_unit(cls, data: Any) -> Any:
        """Hand a figure written as text its target's unit: 7.8万 is 78000 in 人, ambiguous in 万人."""
        if isinstance(data, dict):
            unit = data.get("unit")
            texts = {
                key: PlanText(text, unit if isinstance(unit, str) else None, key)
                for key in ("value", "baseline", "increase")
                if isinstance(text := data.get(key), str)
            }
            if texts:
                data = {**data, **texts}
            revisions = data.get("revisions")
            if isinstance(revisions, list) and isinstance(unit, str):
                data = {
                    **data,
                    "revisions": [
                        {**r, "value": PlanText(r["value"], unit, "value")}
                        if isinstance(r, dict) and isinstance(r.get("value"), str)
                        else r
                        for r in revisions
                    ],
                }
        return data

    @model_validator(mode="after")
    def _level_from_last_year(self) -> Target:
        """比上年增加0.05万人 with last year's 1.2万人: the level to reach follows (1.25), as the plan states it.

        The value is derived only when the plan gives a baseline and no value; status then judges the
        level. The plan cache stores the derived value; it agrees with baseline and increase, so a plan
        read back from the cache is the same plan.
        """
        if self.value is None and self.baseline is not None and self.kind is not Kind.milestone:
            derived: Decimal | None = None
            if self.increase is not None and self.growth is None:
                derived = self.baseline + self.increase
            elif self.growth is not None and self.increase is None and self.growth > -100:
                derived = self.baseline * (1 + self.growth / 100)
            if derived is not None:
                # Frozen models are set once: the derived figure is written where pydantic keeps fields.
                self.__dict__["value"] = derived
        return self

    @property
    def stage_list(self) -> list[str]:
        return list(self.stages) if self.stages else ["done"]

    def in_force(self, when: dt.date) -> tuple[Target, Revision | None]:
        """The target as it stands on ``when``: with the latest revision dated by then, if any."""
        current = None
        for revision in self.revisions or ():
            if revision.date <= when:
                current = revision
        if current is None or current.value is None:
            return self, None
        return self.model_copy(update={"value": current.value}), current

    def last_year(self) -> tuple[Decimal, bool] | None:
        """The figure growth is measured from, and whether it is derived (value / (1 + growth/100)).

        The document often gives only the rate (比上年增长9.1%): the baseline it implies is still worth
        showing, marked as derived, but status never judges against a figure the plan does not state.
        """
        if self.baseline is not None:
            return self.baseline, False
        if self.increase is not None and self.value is not None:
            return self.value - self.increase, True
        if self.growth is None or self.value is None or self.growth <= -100:
            return None
        return self.value / (1 + self.growth / 100), True


class Task(_Strict):
    """A numbered task of the document. 任务：原文中编号的一项工作。"""

    number: Annotated[int, Field(ge=1)] = Field(
        title="number · 任务序号", description="Task number as in the document. 任务序号，与原文一致。"
    )
    title: Annotated[str, Field(min_length=1)] = Field(
        title="title · 任务标题", description="Task title as written. 任务标题。"
    )
    lead: str | None = Field(None, title="lead · 牵头单位", description="Lead unit. 牵头单位。")
    support: list[str] = Field(
        default_factory=list, title="support · 配合单位", description="Supporting units. 配合单位。"
    )
    schedule: Schedule | None = Field(
        None,
        title="schedule · 默认进度安排",
        description="Default schedule for this task's targets. 本任务各指标的默认进度安排。",
    )
    weight: Annotated[Decimal, Field(ge=0)] = Field(
        Decimal(1), title="weight · 权重", description="Weight in rollups. 汇总时的权重。"
    )
    targets: Annotated[list[Target], Field(min_length=1)] = Field(
        title="targets · 指标", description="What is tracked for this task. 本任务跟踪的指标。"
    )


class Section(_Strict):
    """A section of the document (一、二、…). 部分。"""

    number: Annotated[int, Field(ge=1)] = Field(
        title="number · 部分序号", description="Section number (一 = 1). 部分序号（一 = 1）。"
    )
    title: Annotated[str, Field(min_length=1)] = Field(
        title="title · 部分标题", description="Section title as written. 部分标题。"
    )
    schedule: Schedule | None = Field(
        None,
        title="schedule · 默认进度安排",
        description="Default schedule for this section's targets. 本部分各指标的默认进度安排。",
    )
    weight: Annotated[Decimal, Field(ge=0)] = Field(
        Decimal(1), title="weight · 权重", description="Weight in rollups. 汇总时的权重。"
    )
    tasks: Annotated[list[Task], Field(min_length=1)] = Field(
        title="tasks · 任务", description="Numbered tasks. 编号的任务。"
    )


class Plan(_Strict):
    """A work plan: sections of numbered tasks, each with the targets tracked. 工作计划。"""

    id: Annotated[str, Field(pattern=TARGET_ID_PATTERN)] = Field(
        title="id · 计划编号", description="Plan id, e.g. edu-2006. 计划编号。"
    )
    title: Annotated[str, Field(min_length=1)] = Field(title="title · 标题", description="Title as written. 标题。")
    year: Annotated[int, Field(ge=1900, le=2200)] = Field(title="year · 年度", description="Plan year. 年度。")
    period: Period = Field(title="period · 计划期", description="First and last day of the plan. 计划期的起止日期。")
    source: str | None = Field(
        None, title="source · 来源", description="Where the plan text comes from. 计划原文的来源。"
    )
    settings: Settings = Field(
        default_factory=Settings,
        title="settings · 设置",
        description="Thresholds and defaults (all optional). 阈值与默认值（均可省略）。",
    )
    sections: Annotated[list[Section], Field(min_length=1)] = Field(
        title="sections · 部分", description="Sections 一 … 十. 各部分。"
    )

    def targets(self) -> list[tuple[Section, Task, Target]]:
        return [(s, t, g) for s in self.sections for t in s.tasks for g in t.targets]

    def find_target(self, target_id: str) -> tuple[Section, Task, Target] | None:
        for row in self.targets():
            if row[2].id == target_id:
                return row
        return None

    def parts_of(self, total_id: str) -> list[Target]:
        """The targets that say ``part_of: total_id``, in plan order."""
        return [g for _, _, g in self.targets() if g.part_of == total_id]
