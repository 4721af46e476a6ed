"""Every word edplan shows a person, in Chinese and English.

JSON keys and status codes stay English (scripts must not depend on the language); everything a
person reads goes through :func:`word`. The language is ``--lang``, else ``EDPLAN_LANG``, else the
locale (``LC_ALL``/``LANG`` starting with ``zh``), else English.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")

_WORDS: dict[str, tuple[str, str]] = {
    # statuses: one fixed translation each
    "achieved": ("achieved", "已完成"),
    "on_track": ("on track", "进度正常"),
    "at_risk": ("at risk", "有风险"),
    "lagging": ("lagging", "滞后"),
    "overdue": ("overdue", "逾期"),
    "not_due": ("not due", "未到期"),
    "no_data": ("no data", "无数据"),
    "stale": ("stale", "久未更新"),
    # kinds and directions
    "cumulative": ("cumulative", "累计"),
    "level": ("level", "时点"),
    "milestone": ("milestone", "里程碑"),
    "at_least": ("at least", "不少于"),
    "at_most": ("at most", "不超过"),
    "approximately": ("about", "左右"),
    "stable": ("keep stable", "保持稳定"),
    # table headers
    "col.task": ("Task", "任务"),
    "col.id": ("ID", "编号"),
    "col.target_name": ("Target", "指标"),
    "col.figure": ("Goal", "目标"),
    "col.actual": ("Actual", "实际"),
    "col.expected": ("Expected", "应达"),
    "col.progress": ("Done", "完成"),
    "col.status": ("Status", "状态"),
    "col.section": ("Section", "部分"),
    # sentences
    "title.status": ("{title} — status as of {as_of}", "{title} — 截至 {as_of} 的进度"),
    "summary": ("{n} targets: {counts}", "共 {n} 项指标:{counts}"),
    "completion": ("weighted completion {pct}", "加权完成率 {pct}"),
    "warning": ("warning", "警告"),
    "plan.valid": (
        "{path}: valid ({sections} sections, {tasks} tasks, {targets} targets)",
        "{path}:有效({sections} 个部分,{tasks} 项任务,{targets} 项指标)",
    ),
    "log.valid": ("{path}: valid ({entries} entries)", "{path}:有效({entries} 条记录)"),
    "recorded": ("recorded {id}: {target} {value} on {date}", "已记录 {id}:{target} {value}({date})"),
    "already": ("already recorded {id}: nothing added", "已存在 {id}:未重复记录"),
    "problems": ("{n} problem(s) found", "发现 {n} 个问题"),
}


# Milestone stages the plans use; an unknown stage is shown as written.
_STAGES: dict[str, str] = {
    "done": "完成",
    "drafted": "起草",
    "approved": "审定",
    "issued": "印发",
    "enacted": "颁布",
    "submitted": "提交",
    "prepared": "筹备",
    "held": "召开",
    "launched": "启动",
    "established": "建立",
    "piloted": "试点",
    "implemented": "实施",
    "studied": "研究",
    "completed": "完成",
    "started": "启动",
    "researched": "研究",
    "published": "发布",
    "adopted": "通过",
    "revised": "修订",
    "named": "命名",
    "built": "建成",
    "selected": "评选",
    "organised": "组织",
    "opened": "开通",
    "reviewed": "评审",
    "summarised": "总结",
    "promoted": "推广",
}


def stage_word(stage: str, lang: str) -> str:
    return _STAGES.get(stage, stage) if lang == "zh" else stage


def pick_lang(option: str | None) -> str:
    for value in (option, os.environ.get("EDPLAN_LANG")):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def word(key: str, lang: str, **fields: object) -> str:
    en, zh = _WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text
