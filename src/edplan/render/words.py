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


# --- status, show and report (issue 3) ---------------------------------------------------------------
_WORDS.update(
    {
        "col.sec": ("Sec", "部分"),
        "col.targets": ("Targets", "指标数"),
        "col.title": ("Title", "标题"),
        "col.unit_name": ("Unit", "单位"),
        "col.gap": ("Gap", "差距"),
        "col.forecast": ("Forecast", "预测"),
        "col.met_by": ("Met by", "预计达成"),
        "col.was": ("Was", "原状态"),
        "col.now": ("Now", "现状态"),
        "col.date": ("Date", "日期"),
        "col.value": ("Value", "数值"),
        "col.standing": ("Standing", "当时值"),
        "col.source": ("Source", "来源"),
        "col.note": ("Note", "备注"),
        "col.entry": ("Entry", "记录编号"),
        "role.lead": ("lead", "牵头"),
        "role.support": ("support", "配合"),
        "no_match": ("no target matches", "没有符合条件的指标"),
        "failing": ("--fail-on {codes}: {n} target(s) match: {ids}", "--fail-on {codes}:{n} 项指标符合:{ids}"),
        "by.section": ("Completion by section", "各部分完成情况"),
        "by.task": ("Completion by task", "各项任务完成情况"),
        "by.owner": ("{unit}: lead for {lead}, support for {support}", "{unit}:牵头 {lead} 项,配合 {support} 项"),
        "owner.none": ("no unit named", "未指定单位"),
        # why: one line that defends a verdict
        "why.sep": ("; ", ";"),
        "why.not_due": ("nothing expected before {due}", "{due} 前不要求进度"),
        "why.past_due": ("due {due}", "已于 {due} 到期"),
        "why.expected": ("expected {value}", "应达 {value}"),
        "why.band": ("band {low}–{high}", "允许范围 {low}–{high}"),
        "why.ceiling": ("ceiling {value}", "上限 {value}"),
        "why.actual": ("actual {value}", "实际 {value}"),
        "why.nothing": ("nothing recorded", "尚无记录"),
        "why.above_band": ("above the band", "高于允许范围"),
        "why.over_ceiling": ("over the ceiling by {value}", "超出上限 {value}"),
        "why.ceiling_pace": ("running ahead of the pace the ceiling allows", "快于上限允许的进度"),
        "why.gap": ("gap {value}", "差距 {value}"),
        "why.to_go": ("{value} to go", "尚差 {value}"),
        "why.rate": ("needs +{rate}/month to finish by {due}", "需每月 +{rate} 方能在 {due} 前完成"),
        "why.ahead": ("{n} days ahead", "超前 {n} 天"),
        "why.behind": ("{n} days behind", "落后 {n} 天"),
        "why.last": ("last report {n} days ago", "最近一次报告在 {n} 天前"),
        # forecasts
        "forecast.value": ("{value} by {due} at the current pace", "按当前进度 {due} 达到 {value}"),
        "forecast.met": ("met on {date}", "已于 {date} 达成"),
        "forecast.date": ("met by {date} at the current pace", "按当前进度 {date} 达成"),
        "forecast.never": ("not met at the current pace", "按当前进度无法达成"),
        "forecast.none": ("no pace yet", "尚无进度可推算"),
        # show
        "show.goal": ("Goal", "目标"),
        "show.kind": ("Kind", "类型"),
        "show.source": ("Source", "原文"),
        "show.schedule": ("Schedule", "进度安排"),
        "show.units": ("Units", "单位"),
        "show.baseline": ("Baseline", "基数"),
        "show.baseline_text": ("{baseline}, growth {growth}%", "{baseline},增长 {growth}%"),
        "show.weight": ("Weight", "权重"),
        "show.status": ("Status", "状态"),
        "show.as_of": ("as of {as_of}", "截至 {as_of}"),
        "show.why": ("Why", "原因"),
        "show.forecast": ("Forecast", "预测"),
        "show.entries": ("Entries ({n})", "记录({n} 条)"),
        "show.no_entries": ("no entries up to {as_of}", "截至 {as_of} 尚无记录"),
        "show.trend": ("Trend", "趋势"),
        "show.expected_now": ("expected now", "当前应达"),
        "show.scale": ("full bar = {value}", "整条 = {value}"),
        "show.corrected": ("corrected", "已更正"),
        "show.retracted": ("retracted", "已撤回"),
        "kind.cumulative": ("cumulative: entries add up", "累计:各次记录相加"),
        "kind.level": ("level: the latest reading counts", "时点:以最新一次为准"),
        "kind.milestone": ("milestone: {stages}", "里程碑:{stages}"),
        "sched.linear": ("linear {start} – {end}", "{start} 至 {end} 均匀推进"),
        "sched.due": ("due {due}: nothing expected before it", "{due} 到期,此前不要求进度"),
        "sched.checkpoints": ("checkpoints {points}", "分阶段 {points}"),
        "sched.from.target": ("set on the target", "指标自设"),
        "sched.from.task": ("from its task", "沿用任务设置"),
        "sched.from.section": ("from its section", "沿用部分设置"),
        "sched.from.plan": ("plan default", "计划默认"),
        "sched.from.default": ("default", "默认"),
        "units.text": ("lead {lead}; support {support}", "牵头 {lead};配合 {support}"),
        # report
        "report.title": ("{title} — report as of {as_of}", "{title} — 截至 {as_of} 的汇报"),
        "report.sections": ("Completion by section", "各部分完成情况"),
        "report.attention": ("Overdue, lagging and at risk", "逾期、滞后与有风险事项"),
        "report.all_clear": ("nothing overdue, lagging or at risk", "没有逾期、滞后或有风险的事项"),
        "report.since": ("Since {since}", "自 {since} 以来"),
        "report.recorded": ("{n} entries recorded", "新增 {n} 条记录"),
        "report.changed": ("{n} targets changed status", "{n} 项指标状态变化"),
        "report.more": ("… and {n} more", "……另有 {n} 项"),
        "report.written": ("wrote {path}", "已写入 {path}"),
    }
)

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

# status, show and report (issue 3)
MESSAGES_ZH.update(
    {
        "{option}: '{text}' is not a date": "{option}:'{text}' 不是日期",
        "write it as YYYY-MM-DD": "请写成 YYYY-MM-DD",
        "{option}: unknown status '{value}'": "{option}:未知状态 '{value}'",
        "{option}: no status given": "{option}:未给出状态",
        "use one or more of: {codes}": "可用:{codes}",
        "--section: there is no section {n}": "--section:没有第 {n} 部分",
        "sections are {first}–{last}": "部分编号为 {first}–{last}",
        "--task: there is no task {n}": "--task:没有第 {n} 项任务",
        "tasks are {first}–{last}": "任务编号为 {first}–{last}",
        "--task: task {n} is not in section {s}": "--task:第 {n} 项任务不在第 {s} 部分",
        "--owner: no target names the unit '{unit}'": "--owner:没有指标指定单位 '{unit}'",
        "this plan names no units (lead / support)": "本计划未指定任何单位(牵头 / 配合)",
        "units named in the plan: {units}": "计划中的单位:{units}",
        "--sort: cannot sort by '{key}'": "--sort:不能按 '{key}' 排序",
        "use one of: {keys}": "可用:{keys}",
        "TARGET: unknown target '{target}'": "TARGET:未知指标 '{target}'",
        "--since: {since} is not before the report date {as_of}": "--since:{since} 不早于汇报日期 {as_of}",
        "give an earlier date, e.g. the last meeting's": "请给出更早的日期,例如上次会议的日期",
        "--output: cannot write '{suffix}' files": "--output:不能写 '{suffix}' 文件",
        "use .html or .md (SVG export squeezes Chinese characters to half width)": "请用 .html 或 .md(SVG 导出会把汉字压成半宽)",
        "--output: cannot write {path}: {error}": "--output:无法写入 {path}:{error}",
    }
)


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
