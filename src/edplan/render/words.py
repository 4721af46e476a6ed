"""Every word edplan shows a person, in Chinese and English.

JSON keys and status codes stay English (scripts must not depend on the language); everything a
person reads goes through :func:`word`. The language is ``--lang``, else ``EDPLAN_LANG``, else the
locale (``LC_ALL``/``LANG`` starting with ``zh``), else English.
"""

from __future__ import annotations

import os

from edplan.errors import Msg, Problem

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


# --- messages --------------------------------------------------------------------------------------
# Core code builds messages with errors.msg(template, **args); the English template is the key here.
# A template missing from this catalog is shown in English (tests check the catalog is complete).

MESSAGES_ZH: dict[str, str] = {
    "{field}: {message}": "{field}:{message}",
    # entries.py: checking an entry against the plan
    "target id is empty": "指标编号为空",
    "give a target id such as t03-rural-fund": "请给出指标编号,例如 t03-rural-fund",
    "unknown target '{target}'": "未知指标 '{target}'",
    "did you mean {options}?": "是否指 {options}?",
    "see the ids with: edplan status --format json": "可用 edplan status --format json 查看指标编号",
    "'{text}' is not a date": "'{text}' 不是日期",
    "write it as YYYY-MM-DD, e.g. 2006-03-31": "请写成 YYYY-MM-DD,例如 2006-03-31",
    "date {date} is outside the plan period {start} – {end}": "日期 {date} 不在计划期 {start} – {end} 之内",
    "date {date} (today) is outside the plan period {start} – {end}": "日期 {date}(今天)不在计划期 {start} – {end} 之内",
    "give the date the progress refers to with --date": "请用 --date 给出进度所指的日期",
    "{name} must be one line of at most {limit} characters": "{name} 必须是一行,最多 {limit} 个字符",
    "id is empty": "编号为空",
    "leave it out to have one generated": "省略即可自动生成",
    "'{value}' is not a stage of {target}": "'{value}' 不是 {target} 的阶段",
    "use one of: {stages}": "可用阶段:{stages}",
    "a milestone has no unit (got '{unit}')": "里程碑没有单位(给出的是 '{unit}')",
    "'{text}' is not a number": "'{text}' 不是数字",
    "'{text}' has too many digits": "'{text}' 位数过多",
    "write digits, e.g. 78000, 78,000 or 7.8万": "请写数字,例如 78000、78,000 或 7.8万",
    "negative value {value} for {target}": "{target} 的数值为负:{value}",
    "record what was achieved; fix a mistake with a correction": "请记录实际完成的数;更正错误请用 correct",
    "unit '{unit}' does not convert to {target}'s unit '{target_unit}'": "单位 '{unit}' 无法换算为 {target} 的单位 '{target_unit}'",
    "record in {target_unit} or a unit like it": "请用 {target_unit} 或可换算的单位记录",
}


def localize(text: str | None, lang: str) -> str:
    """The text in ``lang``: a :class:`~edplan.errors.Msg` is looked up by its English template."""
    if text is None:
        return ""
    if lang != "zh" or not isinstance(text, Msg):
        return str(text)
    template = MESSAGES_ZH.get(text.template)
    if template is None:
        return str(text)
    return template.format(**{k: localize(v, lang) if isinstance(v, str) else v for k, v in text.args.items()})


def problem_text(problem: Problem, lang: str) -> str:
    """One problem as one line: ``where: what; how to fix`` in the output language."""
    text = localize(problem.message, lang)
    if problem.hint:
        text += ("；" if lang == "zh" else "; ") + localize(problem.hint, lang)
    return f"{problem.where}: {text}" if problem.path is not None else text
