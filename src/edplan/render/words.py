"""Every word edplan shows a person, in Chinese and English.

JSON keys and status codes stay English (scripts must not depend on the language); everything a
person reads goes through :func:`word`. The language is ``--lang``, else ``EDPLAN_LANG``, else the
locale (``LC_ALL``/``LANG`` starting with ``zh``), else English.
"""

from __future__ import annotations

import os
import re

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
    "no_data": ("no report", "未报送"),
    "exceeded": ("exceeded", "超额"),
    "nearly_met": ("nearly met", "基本完成"),
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
    "title.known_on": (" (as known on {known_on})", "（按 {known_on} 已知情况）"),
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
        "by.formula": (
            "Done: each target's actual over its goal, at most 100% (met or exceeded: 100%; not reported: 0; "
            "a ceiling: 100% once kept; keep stable: 100% inside the band), weighted by the targets' weights "
            "within a task, the tasks' within a section, the sections' for the plan; parts of a total count "
            "through their total only.",
            "完成率:各指标实际值除以目标值,最多 100%(已完成或超额为 100%;未报送为 0;上限类到期未超即为 100%;"
            "保持稳定类在允许范围内为 100%),任务内按指标权重加权,部分内按任务权重加权,全计划按部分权重加权;"
            "总数的组成部分只通过总数计入。",
        ),
        "owner.none": ("no unit named", "未指定单位"),
        # why: one line that defends a verdict
        "why.sep": ("; ", ";"),
        "why.not_due": ("nothing expected before {due}", "{due} 前不要求进度"),
        "why.past_due": ("due {due}", "已于 {due} 到期"),
        "why.expected": ("expected {value}", "应达 {value}"),
        "why.band": ("band {low}–{high}", "允许范围 {low}–{high}"),
        "why.ceiling": ("ceiling {value}", "上限 {value}"),
        "why.actual": ("actual {value}", "实际 {value}"),
        "why.nothing": ("nothing reported", "尚未报送"),
        "why.never": ("no report since the plan started", "计划开始以来未有报送"),
        "why.met_early": (
            "reached before its due date; achieved if it holds on {due}",
            "已提前达到;{due} 仍保持即为完成",
        ),
        "why.nearly_met": ("{pct} of the goal: nearly met", "达到目标的 {pct}:基本完成"),
        "why.forecast_short": ("forecast {value} by {due}, short of {goal}", "预计 {due} 达到 {value},低于 {goal}"),
        "unit.pp": (" pp", "个百分点"),
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
        "forecast.date": ("met by {date} at the current pace", "预计 {date} 达成"),
        "forecast.never": ("not met at the current pace", "按当前进度无法达成"),
        "forecast.none": ("no pace yet", "尚无进度可推算"),
        # show
        "show.goal": ("Goal", "目标"),
        "goal.at_least": ("at least {value}", "不少于 {value}"),
        "goal.at_most": ("at most {value}", "不超过 {value}"),
        "goal.approximately": ("about {value}", "{value}左右"),
        "goal.stable": ("keep stable at {value}", "{value} 保持稳定"),
        "show.kind": ("Kind", "类型"),
        "show.source": ("Source", "原文"),
        "show.schedule": ("Schedule", "进度安排"),
        "show.units": ("Units", "单位"),
        "show.baseline": ("Baseline", "基数"),
        "show.weight": ("Weight", "权重"),
        "show.status": ("Status", "状态"),
        "show.as_of": ("as of {as_of}", "截至 {as_of}"),
        "show.why": ("Why", "原因"),
        "show.forecast": ("Forecast", "预测"),
        "show.entries": ("Entries ({n})", "记录({n} 条)"),
        "show.latest": ("the latest {shown} of {n} are listed", "列出最近 {shown} 条，共 {n} 条"),
        "show.no_entries": ("no entries up to {as_of}", "截至 {as_of} 尚无记录"),
        "show.trend": ("Trend", "趋势"),
        "show.expected_now": ("expected now", "当前应达"),
        "show.scale": ("full bar = {value}", "整条 = {value}"),
        "show.corrected": ("corrected to {new} on {date}: {reason}", "{date} 更正为 {new}:{reason}"),
        "show.retracted": ("retracted on {date}: {reason}", "{date} 撤回:{reason}"),
        "show.forced": ("recorded despite the plausibility check: {reason}", "未通过合理性检查仍记录:{reason}"),
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

# --- progress log: record --from, correct, retract, repair (issue 4) ------------------------------
_WORDS.update(
    {
        "record.dry_run": (
            "would record {id}: {target} {value} on {date}; nothing written (dry run)",
            "将记录 {id}：{target} {value}（{date}）；试运行，未写入",
        ),
        "import.done": ("recorded {added} entries from {source}", "已从 {source} 记录 {added} 条"),
        "import.done_already": (
            "recorded {added} entries from {source}; {already} were already recorded",
            "已从 {source} 记录 {added} 条；另有 {already} 条此前已记录",
        ),
        "import.nothing": (
            "nothing added: all {rows} entries from {source} were already recorded",
            "未新增：{source} 的 {rows} 条均已记录",
        ),
        "import.empty": ("nothing added: {source} has no rows", "未新增：{source} 没有数据行"),
        "import.dry_run": (
            "checked {rows} rows from {source}: {added} to add, {already} already recorded; nothing written (dry run)",
            "已检查 {source} 的 {rows} 行：{added} 条将新增，{already} 条已记录；试运行，未写入",
        ),
        "import.progress": ("checking", "检查中"),
        "corrected": ("corrected {entry}: {target} {before} → {after} ({id})", "已更正 {entry}：{target} {before} → {after}（{id}）"),
        "retracted": ("retracted {entry}: {target} {value} on {date} ({id})", "已撤销 {entry}：{target} {value}（{date}）（{id}）"),
        "repair.nothing": ("{path}: nothing to repair", "{path}：无需修复"),
        "repair.done": ("{path}: set aside line(s) {lines} into {side}", "{path}：已将第 {lines} 行移入 {side}"),
        "repair.dry_run": (
            "{path}: would set aside line(s) {lines}; nothing written (dry run)",
            "{path}：将移出第 {lines} 行；试运行，未写入",
        ),
    }
)

# --- plan relations (issue 9 §4): growth over last year and parts of a total in `show` ---------------
_WORDS.update(
    {
        "show.growth": ("Growth", "增长"),
        "show.growth_given": (
            "{growth}% over the previous year (baseline {baseline})",
            "比上年增长 {growth}%(基数 {baseline})",
        ),
        "show.growth_derived": (
            "{growth}% over the previous year (baseline ≈ {baseline}, derived)",
            "比上年增长 {growth}%(基数约 {baseline},推算)",
        ),
        "show.parts": ("Parts", "分项"),
        "show.parts_some": ("{parts} (only some parts named)", "{parts}(原文只列出部分分项)"),
        "show.part_of": ("Part of", "所属总数"),
        "show.part_of_text": ("{id}, {value} in all", "{id},共 {value}"),
        # compare: the fields by name
        "field.part_of": ("part_of", "所属总数"),
        "field.parts_complete": ("parts_complete", "分项完整"),
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
    # plan relations (issue 9 §4): the work on an existing scope, an expanded intake
    "funded": "经费下达",
    "assessed": "考核",
    "enrolled": "招生入学",
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
    # --- plan document (issue 9 §4) ---
    # plandoc.py: every source: and title: against the document the plan names
    "{context}: {field} is not in the document {doc}": "{context}：{field} 不在文档 {doc} 中",
    "{context}: {field} is not in the document {doc}: only ASCII/full-width punctuation or spacing differs": "{context}：{field} 不在文档 {doc} 中：仅半角/全角标点或空白不同",
    "nearest: «{passage}»": "最接近的原文：«{passage}»",
    "nearest: «{passage}», which has {differences}": "最接近的原文：«{passage}»，其中{differences}",
    "'{doc}' where the quote has '{quote}'": "原文为 '{doc}' 处引文为 '{quote}'",
    "full-width '{doc}' where the quote has ASCII '{quote}'": "原文为全角 '{doc}' 处引文为半角 '{quote}'",
    "ASCII '{doc}' where the quote has full-width '{quote}'": "原文为半角 '{doc}' 处引文为全角 '{quote}'",
    "no space after '{char}'": "原文 '{char}' 后没有空格",
    "a space after '{char}'": "原文 '{char}' 后有空格",
    "no space before '{char}'": "原文 '{char}' 前没有空格",
    "a space before '{char}'": "原文 '{char}' 前有空格",
    "{first}, {then}": "{first}，{then}",
    "nothing in the document comes close: does 'source:' name the right document?": "文档中没有相近的段落，请检查 'source:' 是否指向正确的文档",
    "document {doc} not found": "找不到文档 {doc}",
    "looked for it at {path}: put the document there or correct 'source:'": "应在 {path}：请把文档放在那里，或改正 'source:'",
    "document {doc} is a directory": "文档 {doc} 是一个目录",
    "document {doc} is not a regular file": "文档 {doc} 不是普通文件",
    "'source:' names the plan's document, a text file": "'source:' 应指向计划所依据的文档（文本文件）",
    "cannot read document {doc}: permission denied": "无法读取文档 {doc}：没有权限",
    "cannot read document {doc}: {error}": "无法读取文档 {doc}：{error}",
    "document {doc} is over {limit} bytes": "文档 {doc} 超过 {limit} 字节",
    "document {doc} is not text: it holds NUL bytes": "文档 {doc} 不是文本：含有 NUL 字节",
    "document {doc} is neither UTF-8 nor GB18030 text": "文档 {doc} 既不是 UTF-8 也不是 GB18030 文本",
    "save the document as UTF-8 text": "请将文档存为 UTF-8 文本",
    # --- plan relations (issue 9 §4) ---
    # checks.py: growth, part_of and parts_complete
    "{label}: growth must be above -100%, got {growth}%": "{label}：增长率须大于 -100%，给出的是 {growth}%",
    "write the percentage over last year: 比上年增长9.1% is growth: 9.1": "请写比上年增长的百分数：比上年增长9.1% 即 growth: 9.1",
    "{label}: part_of names the target itself": "{label}：part_of 指向了指标自身",
    "name the total this figure is a part of": "请写出本分项所属总数的指标编号",
    "{label}: part_of names '{ref}', which is not a target of this plan": "{label}：part_of 指向的 '{ref}' 不是本计划的指标",
    "give the id of the total this figure is a part of": "请给出本分项所属总数的指标编号",
    "{label}: part_of names {ref}, a milestone": "{label}：part_of 指向的 {ref} 是里程碑",
    "only a figure has parts: name a cumulative or level target": "只有数值指标才有分项：请指向 cumulative 或 level 指标",
    "{label}: part_of names {ref}, which is itself part of {top}": "{label}：part_of 指向的 {ref} 本身是 {top} 的分项",
    "parts are one level deep: name the whole total instead": "分项只有一层：请直接指向总数",
    "{label}: a {kind} target cannot be part of {ref}, a {total_kind} target": "{label}：{kind} 指标不能是 {total_kind} 指标 {ref} 的分项",
    "a part is counted as its total is: give both the same kind": "分项与总数的计算方式相同：请给二者同一 kind",
    "{label}: unit '{unit}' does not convert to {ref}'s unit '{total_unit}'": "{label}：单位 '{unit}' 无法换算为 {ref} 的单位 '{total_unit}'",
    "give the part in {total_unit} or a unit like it": "请用 {total_unit} 或可换算的单位给出分项",
    "{label}: parts_complete is false, but no target is part_of it": "{label}：parts_complete 为 false，但没有指标以它为 part_of",
    "remove parts_complete, or add part_of: {id} to its parts": "请删除 parts_complete，或在其分项中写 part_of: {id}",
    "{label}: its parts add up to {sum}{unit} ({terms}), not {value}{unit}": "{label}：各分项之和为 {sum}{unit}（{terms}），不等于 {value}{unit}",
    "correct a part or the total; if the document names only some of its parts, set parts_complete: false": "请更正分项或总数；如原文只列出部分分项，请设 parts_complete: false",
    "{label}: its parts add up to {sum}{unit} ({terms}), more than {value}{unit}": "{label}：各分项之和为 {sum}{unit}（{terms}），超过 {value}{unit}",
    "correct a part or the total": "请更正分项或总数",
    # --- end of plan relations (issue 9 §4) ---
    # warnings: a problem as one line, and what status leaves out
    "{where}: {message}; {hint}": "{where}:{message}；{hint}",
    "{where}: {message}": "{where}:{message}",
    "{count} entries for '{target}', which is not a target of this plan, were left out": "有 {count} 条记录的指标 '{target}' 不在本计划中,未计入",
    "{count} entries for {target} in a unit that does not convert were left out": "{target} 有 {count} 条记录的单位无法换算,未计入",
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
    # --- figures (issue 9 §1) ---
    "'{text}' is written with digits other than 0-9": "'{text}' 使用了 0-9 以外的数字",
    "write the figure with the digits 0-9 (full-width ０-９ are read too)": "请用数字 0-9 书写（全角 ０-９ 也可）",
    "'{text}' has a magnitude ({magnitude}), but a figure in % takes none": "'{text}' 带有数量级（{magnitude}），但百分数不带数量级",
    "write the percentage itself, e.g. 95.5": "请直接写百分数，例如 95.5",
    "'{text}' with unit {unit} is ambiguous: {once} = {once_value}, or {twice} = {twice_value}": "'{text}' 配单位 {unit} 有歧义：是 {once} = {once_value}，还是 {twice} = {twice_value}",
    "give the magnitude once: {number} with unit {unit}, or {count} with unit {base}": "数量级只写一次：{number} 配单位 {unit}，或 {count} 配单位 {base}",
    "unknown unit '{unit}'": "未知单位 '{unit}'",
    "use a counter such as 人, 所, 个, 项 or 元, optionally with 千, 万 or 亿, or %; declare other units under settings: units": "请用 人、所、个、项、元 等计数单位（可加 千、万、亿），或 %；其他单位请在 settings: units 中声明",
    "'{text}' is not a plain number": "'{text}' 不是单纯的数字",
    "write {word} as `direction: {direction}`, and value: {number}": "请把“{word}”写成 `direction: {direction}`，并写 value: {number}",
    "'{text}' has its unit in it": "'{text}' 中含有单位",
    "write the number alone: {field}: {number}": "请只写数字：{field}: {number}",
    "write {field}: {number} and unit: {unit}": "请写 {field}: {number} 和 unit: {unit}",
    "'{text}' is a count of {base}, but the unit is {unit}": "'{text}' 是以 {base} 计的数，但单位是 {unit}",
    "write it in {unit}: {field}: {number}": "请按 {unit} 书写：{field}: {number}",
    "say why the figure is right, e.g. --force '含成人教育'": "请说明该数值为何无误，例如 --force '含成人教育'",
    "{value} is over 100%": "{value} 超过 100%",
    "a share in % is at most 100; if the figure is right, add --force REASON": "百分比最多为 100；如数值无误，请加 --force 理由",
    "{value} is more than {factor} times the goal of {target} ({goal})": "{value} 超过 {target} 目标值（{goal}）的 {factor} 倍",
    "check the figure; if it is right, add --force REASON": "请核对数值；如无误，请加 --force 理由",
    "did you mean {intended} ({as_target})? write {short} or {count}; if the figure is right, add --force REASON": "是否指 {intended}（{as_target}）？请写 {short} 或 {count}；如数值无误，请加 --force 理由",
    "did you mean {intended}? write {count} with unit {base}; if the figure is right, add --force REASON": "是否指 {intended}？请写 {count} 并用单位 {base}；如数值无误，请加 --force 理由",
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


# plan files, checks, validate, init/compare (issue 6)
MESSAGES_ZH.update(
    {
        "{problem}": "{problem}",
        "{id}: {message}": "{id}：{message}",
        "plan": "计划",
        "plan file": "计划文件",
        "progress log": "进度日志",
        "plan file not found": "找不到计划文件",
        "give an existing plan file": "请给出一个存在的计划文件",
        "progress log not found": "找不到进度日志",
        "section {n}": "第 {n} 部分",
        "section #{i}": "第 {i} 个部分",
        "task {n}": "第 {n} 项任务",
        "{context}, task #{i}": "{context}，第 {i} 个任务",
        "target {id}": "指标 {id}",
        "{context}, target #{i}": "{context}，第 {i} 个指标",
        "due date": "到期日",
        "schedule start": "进度开始日期",
        "schedule end": "进度结束日期",
        "checkpoint": "节点",
        # reading the file
        "{what} is {size} bytes; refusing files over {limit} bytes": "{what}有 {size} 字节；超过 {limit} 字节的文件不予读取",
        "is this the right file?": "是不是文件选错了？",
        "{what} not found": "找不到{what}",
        "give the path with --plan or EDPLAN_PLAN": "请用 --plan 或 EDPLAN_PLAN 给出路径",
        "{what} is a directory": "{what}是一个目录",
        "cannot read {what}: permission denied": "无法读取{what}：没有权限",
        "invalid UTF-8": "不是有效的 UTF-8",
        "save the file as UTF-8": "请把文件存为 UTF-8",
        "NUL byte in text": "文本中有 NUL 字节",
        "the plan file is empty": "计划文件为空",
        "start with id, title, year, period and sections": "请以 id、title、year、period 和 sections 开头",
        "a plan must be a YAML mapping": "计划必须是 YAML 映射",
        "start with id:, title:, year:, period:": "请以 id:、title:、year:、period: 开头",
        # YAML
        "YAML syntax: {problem}": "YAML 语法错误：{problem}",
        "YAML aliases (*name) are not allowed in a plan file": "计划文件中不允许使用 YAML 别名（*name）",
        "write the value out in full": "请把值完整写出",
        "custom YAML tag {tag} is not allowed in a plan file": "计划文件中不允许使用自定义 YAML 标签 {tag}",
        "remove the tag": "请删除该标签",
        "the plan is nested more than {depth} levels deep": "计划嵌套超过 {depth} 层",
        "indent with spaces, not tabs": "请用空格缩进，不要用制表符",
        "line {line}, column {column}": "第 {line} 行第 {column} 列",
        "check the {{ … }} that starts at {where}": "请检查从{where}开始的 {{ … }}",
        "check the [ … ] that starts at {where}": "请检查从{where}开始的 [ … ]",
        "check the quoted text that starts at {where}": "请检查从{where}开始的引号文本",
        "check the indentation of the mapping that starts at {where}": "请检查从{where}开始的映射的缩进",
        "check the indentation of the list that starts at {where}": "请检查从{where}开始的列表的缩进",
        "check the key at {where}": "请检查{where}的键",
        "found character {char} that cannot start any token": "字符 {char} 不能出现在此处",
        'found duplicate key "{key}" with value "{value}" (original value: "{original}")': '键 "{key}" 重复，值为 "{value}"（原值："{original}"）',
        "expected ',' or '}}', but got {got}": "此处应为 ',' 或 '}}'，却遇到 {got}",
        "expected ',' or ']', but got {got}": "此处应为 ',' 或 ']'，却遇到 {got}",
        "expected <block end>, but found {got}": "缩进不一致：此处不应出现 {got}",
        "expected <document start>, but found {got}": "文档开头不应出现 {got}",
        "expected '<document start>', but found {got}": "文档开头不应出现 {got}",
        "expected ' ', but found {got}": "此处应为空格，却遇到 {got}",
        "expected URI, but found {got}": "标签（!）后应为标签名，却遇到 {got}",
        "expected indentation indicator in the range 1-9, but found {got}": "缩进标记应为 1-9，却遇到 {got}",
        "a key must be plain text, not a list or a mapping": "键只能是文本，不能是列表或映射",
        "remove the '?' before it, or write the key as text": "请删除前面的 '?'，或把键写成文本",
        "expected a comment or a line break, but found {got}": "此处应为注释或换行，却遇到 {got}",
        "expected alphabetic or numeric character, but found {got}": "此处应为字母或数字，却遇到 {got}",
        "could not find expected ':'": "找不到应有的 ':'",
        "mapping values are not allowed here": "此处不能有映射值（多了一个 ':'？）",
        "found unexpected end of stream": "文件意外结束",
        "found unexpected ':'": "出现多余的 ':'",
        "found unknown escape character {char}": "未知的转义字符 {char}",
        "found a tab character where an indentation space is expected": "应为缩进空格处出现了制表符",
        "found a tab character that violates indentation": "制表符破坏了缩进",
        "sequence entries are not allowed here": "此处不能有列表项（'-'）",
        "mapping keys are not allowed here": "此处不能有键（'?'）",
        "a second YAML document starts here; a plan file holds one": "此处开始了第二个 YAML 文档；一个计划文件只能有一个",
        "remove the '---' line, or put the second plan in a file of its own": "请删除 '---' 行，或把第二份计划放到单独的文件里",
        "expected the node content, but found {got}": "此处应有值，却遇到 {got}",
        "expected chomping or indentation indicators, but found {got}": "'|' 或 '>' 之后只能是缩进或截断标记，却遇到 {got}",
        # the schema (pydantic)
        "{context}: {what}": "{context}：{what}",
        "{context}: '{field}' {what}": "{context}：'{field}' {what}",
        "{context}: missing '{field}'": "{context}：缺少 '{field}'",
        "add '{name}:'": "请添加 '{name}:'",
        "unknown field '{field}'": "未知字段 '{field}'",
        "did you mean '{name}'?": "是否指 '{name}'？",
        "remove it or check its spelling": "请删除或检查拼写",
        "targets must be listed inside a task": "指标必须列在某项任务之下",
        "move them under a task's 'targets:'": "请移到某项任务的 'targets:' 之下",
        "write it as a fraction: 0.05 means ±5%": "请写成小数：0.05 表示 ±5%",
        "must be a finite number, got {got}": "必须是有限的数字，实际为 {got}",
        "must be a whole number, got {got}": "必须是整数，实际为 {got}",
        "is not a date in the calendar, got {got}": "不是日历上存在的日期，实际为 {got}",
        "must be a date like 2006-09-30, got {got}": "必须是日期（如 2006-09-30），实际为 {got}",
        "must be text, got {got}": "必须是文本，实际为 {got}",
        "must be a list, got {got}": "必须是列表，实际为 {got}",
        "must be a mapping of fields, got {got}": "必须是字段映射，实际为 {got}",
        "must be true or false, got {got}": "必须是 true 或 false，实际为 {got}",
        "must be one of {expected}, got {got}": "必须是 {expected} 之一，实际为 {got}",
        "{options} or {last}": "{options} 或 {last}",
        "must be lowercase letters, digits, '.', '_' or '-' (starting with a letter or digit), got {got}": "只能由小写字母、数字、'.'、'_' 或 '-' 组成（以字母或数字开头），实际为 {got}",
        "must not be empty": "不能为空",
        "is too long (at most {limit} characters)": "过长（最多 {limit} 个字符）",
        "should be greater than {limit}, got {got}": "应大于 {limit}，实际为 {got}",
        "should be greater than or equal to {limit}, got {got}": "应不小于 {limit}，实际为 {got}",
        "should be less than {limit}, got {got}": "应小于 {limit}，实际为 {got}",
        "should be less than or equal to {limit}, got {got}": "应不大于 {limit}，实际为 {got}",
        "{detail}, got {got}": "{detail}，实际为 {got}",
        "a mapping": "一个映射",
        "a list": "一个列表",
        "nothing": "空值",
        # whole-plan checks
        "period ends ({end}) before it starts ({start})": "计划期结束日（{end}）早于开始日（{start}）",
        "year {year} does not match the period start {start}": "年度 {year} 与计划期开始日 {start} 不符",
        "make year the year the period starts in": "year 应为计划期开始的年份",
        "lagging_below is above at_risk_below": "lagging_below 高于 at_risk_below",
        "lagging must be the lower threshold, e.g. at_risk_below: 0.9, lagging_below: 0.7": "滞后阈值应较低，例如 at_risk_below: 0.9, lagging_below: 0.7",
        "section number {n} is used twice": "部分序号 {n} 重复",
        "the first is section #{i}": "第一次出现在第 {i} 个部分",
        "task number {n} is used twice": "任务序号 {n} 重复",
        "task numbers run through the whole plan, as in the document": "任务序号在全计划中连续编号，与原文一致",
        "target id '{id}' is used twice": "指标编号 '{id}' 重复",
        "the first is in task {n}; ids must be unique": "第一次出现在第 {n} 项任务；编号必须唯一",
        "{label}: a milestone has no '{field}'": "{label}：里程碑没有 '{field}'",
        "remove it, or make the target cumulative or level": "请删除，或把指标改为 cumulative 或 level",
        "{label}: stage '{stage}' is listed twice": "{label}：阶段 '{stage}' 重复",
        "list each stage once, in order": "每个阶段只列一次，按先后顺序",
        "{label}: missing 'value'": "{label}：缺少 'value'",
        "give the figure as written, e.g. value: 7.8": "请按原文给出数值，例如 value: 7.8",
        "{label}: missing 'unit'": "{label}：缺少 'unit'",
        "give the unit as written, e.g. unit: 万人": "请按原文给出单位，例如 unit: 万人",
        "{label}: 'unit' is blank": "{label}：'unit' 为空白",
        "{label}: only milestones have stages": "{label}：只有里程碑才有阶段（stages）",
        "remove 'stages' or set kind: milestone": "请删除 'stages'，或设 kind: milestone",
        "{label}: value is negative": "{label}：目标值为负数",
        "set allow_negative: true if that is meant": "如确属有意，请设 allow_negative: true",
        "{label}: a cumulative total cannot be kept stable": "{label}：累计值不能“保持稳定”",
        "use kind: level for a figure that must stay within a band": "须保持在区间内的数值请用 kind: level",
        "{label}: tolerance only applies to approximately or stable targets": "{label}：tolerance 只适用于 approximately 或 stable 指标",
        "{label}: baseline must be positive": "{label}：基数（baseline）必须为正数",
        "{label}: growth {growth}% does not agree with baseline {baseline} and value {value} (they imply {implied}%)": "{label}：增长率 {growth}% 与基数 {baseline} 和目标值 {value} 不符（二者意味着 {implied}%）",
        "correct the baseline, the value or the growth figure": "请更正基数、目标值或增长率",
        "{label}: {what} {date} is outside the plan period {start} – {end}": "{label}：{what} {date} 不在计划期 {start} – {end} 之内",
        "use a date inside the period": "请使用计划期内的日期",
        "{label}: a schedule has either 'due', a linear start/end, or checkpoints, not several": "{label}：进度安排只能是 'due'、线性的 start/end 或 checkpoints 之一，不能并用",
        "keep one of them": "请只保留其一",
        "{label}: schedule ends before it starts": "{label}：进度安排的结束日早于开始日",
        "{label}: checkpoint {by} is not after the one before it ({before})": "{label}：节点 {by} 不晚于前一个节点（{before}）",
        "list checkpoints in date order": "请按日期先后列出节点",
        "{label}: checkpoint {by} expects {percent}%, less than the {before}% expected before it": "{label}：节点 {by} 要求 {percent}%，少于前一节点要求的 {before}%",
        "percentages are cumulative: each checkpoint expects at least the one before": "百分比是累计的：每个节点的要求不低于前一个",
        # init and compare
        "YEAR: {year} is the year of {source} already": "YEAR：{year} 已是 {source} 的年度",
        "give the year of the new plan, e.g. {next}": "请给出新计划的年度，例如 {next}",
        "YEAR: {year} is not a plan year": "YEAR：{year} 不是计划年度",
        "give a year like 2007": "请给出年度，例如 2007",
        "folder {folder} does not exist": "文件夹 {folder} 不存在",
        "create it first": "请先创建",
        "cannot write here: permission denied": "无法在此写入：没有权限",
        "the file exists already": "文件已存在",
        "choose another name with --output, or replace it with --force": "请用 --output 另选文件名，或用 --force 覆盖",
        "use zh or en": "请用 zh 或 en",
        "internal error: {error} (run with --debug for the traceback, and please report it)": "内部错误：{error}（请加 --debug 运行查看调用栈，并报告此问题）",
        # files.py: reading a regular file within a cap, writing a file whole (issue 10)
        "{what} is not a regular file: it is {kind}": "{what}不是普通文件，而是{kind}",
        "a named pipe (FIFO)": "命名管道",
        "a character device": "字符设备",
        "a block device": "块设备",
        "a socket": "套接字",
        "a special file": "特殊文件",
        "cannot read {what}: {error}": "无法读取{what}：{error}",
        "{what} is over {limit} bytes": "{what}超过 {limit} 字节",
        "cannot write {what}: {error}": "无法写入{what}：{error}",
    }
)

# init and compare (issue 6)
_WORDS.update(
    {
        "init.done": (
            "started {path} from {source}: {sections} sections, {tasks} tasks, {targets} targets; {dates} dates moved to {year}",
            "已据 {source} 生成 {path}：{sections} 个部分，{tasks} 项任务，{targets} 项指标；{dates} 个日期已移至 {year} 年",
        ),
        "init.next": (
            "next: edit the targets and schedules for {year}, then run: edplan compare {source} {path}",
            "下一步：修改 {year} 年的各项指标和进度安排，然后运行 edplan compare {source} {path}",
        ),
        "compare.title": (
            "{old} ({old_year}) → {new} ({new_year})",
            "{old}（{old_year} 年）→ {new}（{new_year} 年）",
        ),
        "compare.added": ("added", "新增"),
        "compare.removed": ("removed", "删除"),
        "compare.changed": ("changed", "变更"),
        "compare.plan": ("plan", "计划"),
        "compare.summary": (
            "{changed} changed, {added} added, {removed} removed, {unchanged} unchanged",
            "变更 {changed} 项，新增 {added} 项，删除 {removed} 项，未变 {unchanged} 项",
        ),
        "field.name": ("name", "名称"),
        "field.kind": ("kind", "类型"),
        "field.direction": ("direction", "方向"),
        "field.value": ("value", "目标值"),
        "field.stages": ("stages", "阶段"),
        "field.tolerance": ("tolerance", "允许偏差"),
        "field.baseline": ("baseline", "基数"),
        "field.growth": ("growth", "增长率"),
        "field.allow_negative": ("allow_negative", "允许负数"),
        "field.schedule": ("schedule", "进度安排"),
        "field.weight": ("weight", "权重"),
        "field.lead": ("lead", "牵头单位"),
        "field.support": ("support", "配合单位"),
        "field.source": ("source", "原文"),
        "field.task": ("task", "任务"),
        "field.title": ("title", "标题"),
        "field.period": ("period", "计划期"),
        "field.at_risk_below": ("at_risk_below", "有风险阈值"),
        "field.lagging_below": ("lagging_below", "滞后阈值"),
        "field.stale_after_days": ("stale_after_days", "久未更新天数"),
        "schedule.linear": ("linear over the period", "全期匀速"),
        "schedule.due": ("due {date}", "{date} 到期"),
        "schedule.span": ("linear {start} – {end}", "{start} – {end} 匀速"),
        "schedule.checkpoints": ("checkpoints {points}", "分阶段 {points}"),
        "none": ("none", "无"),
        "yes": ("yes", "是"),
        "no": ("no", "否"),
    }
)

# progress log: the log's lines, record --from, correct, retract, repair (issue 4)
MESSAGES_ZH.update(
    {
        # reading the log
        "run 'edplan repair' to set it aside": "可运行 'edplan repair' 将其移出",
        # --- the one reader (issue 10): lines.py, reader.py, lock.py, writer.py ---
        "the field '{field}' is given twice": "字段 '{field}' 出现了两次",
        "'{field}' holds a lone surrogate (not text)": "'{field}' 含孤立的代理码位（不是文本）",
        "'{field}' holds a control character": "'{field}' 含控制字符",
        "the progress log is not a regular file (a pipe, a device or a socket)": "进度日志不是普通文件（而是管道、设备或套接字）",
        "give the path of a .progress.jsonl file": "请给出 .progress.jsonl 文件的路径",
        "{id}: value '{value}' is not a number; {target} counts numbers": "{id}：值 '{value}' 不是数字；{target} 按数字计",
        "{id}: '{value}' is not a stage of {target} ({stages})": "{id}：'{value}' 不是 {target} 的阶段（{stages}）",
        "correct the correction with 'edplan correct', or retract the entry": "请用 'edplan correct' 再次更正，或撤回该记录",
        "correct it with 'edplan correct {id} --value …', or retract it": "请用 'edplan correct {id} --value …' 更正，或撤回",
        "this is not a progress log: {bad} of its first {lines} lines are not JSON objects": "这不是进度日志：前 {lines} 行中有 {bad} 行不是 JSON 对象",
        "check --log: a progress log has one JSON object per line (plans/NAME.progress.jsonl)": "请检查 --log：进度日志每行一个 JSON 对象（plans/名称.progress.jsonl）",
        "is a device, not a file": "是设备，不是文件",
        "cannot read the file: {error}": "无法读取该文件：{error}",
        # --- end of the one reader (issue 10) ---
        "incomplete entry (write interrupted)": "记录不完整（写入被中断）",
        "unfinished batch {batch} (lines {first}–{last}): not counted (write interrupted)": "批次 {batch}（第 {first}–{last} 行）未完成：不计入（写入被中断）",
        "unfinished batch {batch} (line {first}): not counted (write interrupted)": "批次 {batch}（第 {first} 行）未完成：不计入（写入被中断）",
        "commit of batch {batch} does not follow its {lines} lines": "批次 {batch} 的提交行没有紧跟在它的 {lines} 行之后",
        "line is longer than {limit} bytes (corrupt entry)": "该行超过 {limit} 字节（记录已损坏）",
        "NUL bytes in the line (corrupt entry)": "该行含 NUL 字节（记录已损坏）",
        "invalid UTF-8 (corrupt entry)": "不是有效的 UTF-8（记录已损坏）",
        "not a JSON object (corrupt or incomplete entry)": "不是 JSON 对象（记录损坏或不完整）",
        "a commit line needs a batch id and a positive 'lines' count": "提交行须有批次编号和正数的 'lines'",
        "'{field}' is missing or not text": "'{field}' 缺失或不是文本",
        "'{field}' is not text": "'{field}' 不是文本",
        "id '{id}' is used by a different entry on line {line}": "编号 '{id}' 已被第 {line} 行的另一条记录使用",
        "ids identify one entry; correct a figure with 'edplan correct'": "一个编号只对应一条记录；更正数字请用 'edplan correct'",
        "correction {id} refers to '{entry}', which is not an entry of this log": "更正 {id} 指向的 '{entry}' 不是本日志中的记录",
        "retraction {id} refers to '{entry}', which is not an entry of this log": "撤销 {id} 指向的 '{entry}' 不是本日志中的记录",
        "amend an entry by its id": "请用记录的编号来更正或撤销",
        "cannot read the progress log: permission denied": "无法读取进度日志：没有权限",
        "cannot write the progress log: permission denied": "无法写入进度日志：没有权限",
        "the progress log is a directory": "进度日志是一个目录",
        "the folder of the progress log does not exist": "进度日志所在的目录不存在",
        # appending, correcting, retracting
        "id '{id}' is already recorded with different content": "编号 '{id}' 已用于内容不同的记录",
        "use a new id, or 'edplan correct' to change a recorded figure": "请换一个编号；要修改已记录的数字请用 'edplan correct'",
        "use a new id, or leave it out to have one generated": "请换一个编号，或省略以自动生成",
        "no entry with id '{id}' in the log": "日志中没有编号为 '{id}' 的记录",
        "give the id of an entry (the first field of its line)": "请给出记录的编号（即该行的第一个字段）",
        "'{id}' is a correction, not an entry": "'{id}' 是一条更正，不是记录",
        "'{id}' is a retraction, not an entry": "'{id}' 是一条撤销，不是记录",
        "amend the entry it refers to: {entry}": "请对它所指的记录 {entry} 操作",
        "a reason is required": "必须给出原因",
        "say why, e.g. --reason '财务处更正'": "请说明原因，例如 --reason '财务处更正'",
        "date {date} is after today ({today})": "日期 {date} 晚于今天（{today}）",
        "date {date} is before the entry's own date {entry_date}": "日期 {date} 早于该记录本身的日期 {entry_date}",
        "date a correction the day it became known": "更正的日期应为得知更正的那一天",
        "entry {id} is retracted": "记录 {id} 已撤销",
        "record a new entry instead": "请改为新记一条",
        "entry {id} is for '{target}', which is not a target of the plan": "记录 {id} 属于 '{target}'，它不是本计划的指标",
        "nothing to correct: {id} is already {value}": "无需更正：{id} 已经是 {value}",
        "'{id}' is not a usable id": "'{id}' 不能用作编号",
        "use at most {limit} letters, digits and . _ : / + @ # -, starting with a letter or digit": "编号最多 {limit} 个字符，只用字母、数字和 . _ : / + @ # -，并以字母或数字开头",
        "'{text}' is too large or too precise": "'{text}' 过大或小数位过多",
        "a figure has at most {integer} digits before the point and {fraction} after": "数字的整数部分最多 {integer} 位，小数部分最多 {fraction} 位",
        "date is empty": "日期为空",
        "give the date the figure refers to, YYYY-MM-DD": "请给出数字所指的日期，格式 YYYY-MM-DD",
        # record --from: reading the input
        "give TARGET and VALUE, or --from FILE": "请给出 TARGET 和 VALUE，或用 --from FILE",
        "see: edplan record --help": "参见：edplan record --help",
        "{option} cannot be used with --from": "{option} 不能与 --from 同用",
        "give each row's fields in the file": "请在文件的各列中给出每行的内容",
        "file not found": "找不到文件",
        "give a CSV or JSON Lines file, or - for stdin": "请给出 CSV 或 JSON Lines 文件，或用 - 表示标准输入",
        "is a directory, not a file": "是目录，不是文件",
        "cannot read the file: permission denied": "无法读取文件：没有权限",
        "last line has no newline: the input may be cut off": "最后一行没有换行符：输入可能被截断",
        "end the last row with a newline (or check that the export finished)": "请在最后一行末尾加换行符（或检查导出是否完成）",
        "line is longer than {limit} bytes": "该行超过 {limit} 字节",
        "one row per line; is this the right file?": "每行一条；是不是文件选错了？",
        "NUL byte in the line": "该行含 NUL 字节",
        "save the file as UTF-8 text": "请把文件存为 UTF-8 文本",
        "invalid UTF-8 at column {column}": "第 {column} 列不是有效的 UTF-8",
        "unreadable CSV: a quoted field is not closed": "无法读取 CSV：引号括起的字段没有闭合",
        "close the quote at the end of the field": "请在字段末尾补上引号",
        "unreadable CSV: a quote inside a quoted field": "无法读取 CSV：引号字段内出现了引号",
        'write a quote inside a field as two: ""': '字段内的引号请写成两个：""',
        "unreadable CSV row": "无法读取的 CSV 行",
        "unknown column '{column}'": "未知列 '{column}'",
        "unknown key '{column}'": "未知键 '{column}'",
        "did you mean '{column}'?": "是否指 '{column}'？",
        "columns are: {columns}": "列为：{columns}",
        "column '{column}' appears twice": "列 '{column}' 出现了两次",
        "the header has no '{column}' column": "表头缺少 '{column}' 列",
        "row has {n} columns; without a header a row is {columns}": "该行有 {n} 列；没有表头时每行为 {columns}",
        "give at least target,value,unit,date, or add a header row naming the columns": "请至少给出 target,value,unit,date，或加一行表头写明各列",
        "row has {n} columns, expected {expected} (a column is missing)": "该行有 {n} 列，应为 {expected} 列（缺少一列）",
        "row has {n} columns, expected {expected} (an extra column)": "该行有 {n} 列，应为 {expected} 列（多出一列）",
        "not valid JSON at column {column}": "第 {column} 列处不是有效的 JSON",
        "not a JSON object": "不是 JSON 对象",
        "JSON nested too deeply": "JSON 嵌套过深",
        "write one JSON object per line": "每行写一个 JSON 对象",
        "key appears twice": "键出现了两次",
        "is missing": "缺失",
        "must be text or a number, not {kind}": "必须是文本或数字，而不是 {kind}",
        "id '{id}' is also used by line {line} for another entry": "编号 '{id}' 已被第 {line} 行的另一条记录使用",
        "give every entry its own id": "请为每条记录使用不同的编号",
        "id '{id}' is already recorded with different content (log line {line})": "编号 '{id}' 已用于内容不同的记录（日志第 {line} 行）",
    }
)


# --- help and usage errors (issue 6) -----------------------------------------------------------------
# Typer builds help from English strings; cli/app.py's formatter looks each one up here when the output
# language is Chinese (tests check that every command's help and every option's help is here).

HELP_ZH: dict[str, str] = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Track the numeric targets of a work plan: validate the plan, record progress, see the status.": "跟踪工作计划的数字指标：检查计划、记录进度、查看完成情况。",
    "Plan file (YAML).": "计划文件（YAML）。",
    "Progress log (default: beside the plan, NAME.progress.jsonl).": "进度日志（默认：计划文件旁的 NAME.progress.jsonl）。",
    "Language of the output: zh or en (default: EDPLAN_LANG, then the locale).": "输出语言：zh 或 en（默认：EDPLAN_LANG，其次为系统语言环境）。",
    "No colour (NO_COLOR is honoured too).": "不使用颜色（也遵从 NO_COLOR）。",
    "Show the traceback of an error.": "出错时显示调用栈。",
    "Print the version and exit.": "显示版本号并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，以便复制或自行安装。",
    "Record progress on a target. Entries are checked against the plan first; nothing is written if one is wrong.\n\nWith --from FILE, the file's columns are target, value, unit, date, note, source, id (header row\noptional; unit, note, source and id may be left empty).": "记录某项指标的进度。记录先按计划检查，有一条不对就什么也不写入。\n\n使用 --from FILE 时，文件各列依次为 target、value、unit、date、note、source、id（标题行可有可无；unit、note、source 和 id 可以留空）。",
    "Target id, e.g. t03-rural-fund.": "指标编号，例如 t03-rural-fund。",
    "Date the figure refers to, YYYY-MM-DD (default: today).": "数值所指的日期，YYYY-MM-DD（默认：今天）。",
    "Unit of VALUE if not the target's, e.g. 人 for a 万人 target.": "VALUE 的单位（与指标单位不同时），例如万人指标用 人。",
    "A remark kept with the entry.": "随记录保存的备注。",
    "Who reported it (department, document).": "数据来源（部门、文件）。",
    "Entry id; a retry with the same id adds nothing.": "记录编号；用同一编号重试不会重复记录。",
    "Record every row of a CSV or JSON Lines file (- for stdin): all rows or none.": "记录 CSV 或 JSON Lines 文件（- 表示标准输入）中的每一行：要么全部写入，要么都不写入。",
    "Check only; write nothing.": "只检查，不写入。",
    "Correct a recorded figure. The entry's line stays; a correction line with the reason is appended.": "更正已记录的数值。原记录保留，另追加一行更正及其理由。",
    "Id of the entry to correct.": "要更正的记录编号。",
    "The right figure (or milestone stage).": "正确的数值（或里程碑阶段）。",
    "Why (kept in the log beside the entry, shown by edplan show).": "理由（与记录一同保存在日志中，edplan show 会显示）。",
    "Unit of NEW_VALUE (default: the unit the entry was recorded in).": "NEW_VALUE 的单位（默认：原记录的单位）。",
    "Id of this correction; a retry with the same id adds nothing.": "本次更正的编号；用同一编号重试不会重复追加。",
    "Retract a recorded entry: it stops counting; its line stays and a retraction line with the reason follows.": "撤销一条记录：不再计入；原记录保留，另追加一行撤销及其理由。",
    "Id of the entry that should not count.": "不应计入的记录编号。",
    "Id of this retraction; a retry adds nothing.": "本次撤销的编号；重试不会重复追加。",
    "Start a new plan year: same sections, tasks, target ids and comments; dates moved to YEAR.\n\nEdit the targets and schedules of the new file afterwards; edplan compare shows what changed.": "开始新一年的计划：部分、任务、指标编号和注释不变，日期移至 YEAR 年。\n\n之后请修改新文件中的指标和进度安排；edplan compare 显示改动。",
    "Year of the new plan, e.g. 2007.": "新计划的年度，例如 2007。",
    "Plan to start from (default: the --plan file).": "据以生成的计划（默认：--plan 指定的文件）。",
    "File to write (default: YEAR.yaml beside the source).": "要写入的文件（默认：原计划旁的 YEAR.yaml）。",
    "Replace the output file if it exists.": "输出文件已存在时覆盖。",
    "Show the targets added, removed and changed between two plans (matched by id).\n\nDates that moved with the year are not counted as changes.": "显示两份计划之间新增、删除和变更的指标（按编号对应）。\n\n随年度平移的日期不算变更。",
    "The earlier plan, e.g. plans/2006.yaml.": "较早的计划，例如 plans/2006.yaml。",
    "The later plan, e.g. plans/2007.yaml.": "较晚的计划，例如 plans/2007.yaml。",
    "text, or json for scripts.": "text，或供脚本使用的 json。",
    "Move torn lines and unfinished batches out of the progress log into LOG.rejected-TIME (never deleted).": "把进度日志中残缺的行和未完成的批次移到 LOG.rejected-TIME（不会删除）。",
    "Say what would be set aside; change nothing.": "只说明将移出什么，不做改动。",
    "Headline counts, completion per section, what is lagging or at risk, and what changed since a date.": "汇总数字、各部分完成率、滞后和有风险的指标，以及某日以来的变化。",
    "Report the figures up to this date (default: today, at most the plan's end).": "汇报截至此日期的数据（默认：今天，最晚为计划结束日）。",
    "Replay the log as it was known at the end of this day: entries recorded and corrections dated by then (default: everything recorded).": "按此日结束时已知的情况重放记录：此前录入的记录和此前日期的更正（默认：已录入的全部）。",
    "Day this became known, YYYY-MM-DD (default: today; may be back-dated); --known-on earlier ignores it.": "得知此事的日期，YYYY-MM-DD（默认：今天；可以倒填）；更早的 --known-on 不计入。",
    "Show what changed after this date, e.g. the last meeting (default: 30 days).": "显示此日期之后的变化，例如上次会议以来（默认：30 天）。",
    "Write the report to a file instead: report.html or report.md.": "把汇报写入文件：report.html 或 report.md。",
    "Print the JSON Schema of the plan file (draft 2020-12), generated from the models.\n\nEditors check and complete a plan that starts with\n# yaml-language-server: $schema=../schema/plan.schema.json\n(the copy kept in the repository: edplan schema > schema/plan.schema.json).": "输出计划文件的 JSON Schema（draft 2020-12），由数据模型生成。\n\n计划文件以\n# yaml-language-server: $schema=../schema/plan.schema.json\n开头时，编辑器会据此检查和补全（仓库中的副本：edplan schema > schema/plan.schema.json）。",
    "One target's full story: definition and source, schedule, every entry, trend, forecast, and why its status.": "一项指标的全部情况：定义与原文、进度安排、每条记录、趋势、预测及其状态的理由。",
    "Figures up to this date (default: today, at most the plan's end).": "截至此日期的数据（默认：今天，最晚为计划结束日）。",
    "Output format.": "输出格式。",
    "Show every target: actual against expected, progress, and a status (achieved, on track, at risk, lagging…).\n\nExit 0, or 1 when --fail-on matches; 2 when the plan or an option is wrong.": "显示每项指标：实际与应达、完成率和状态（已完成、进度正常、有风险、滞后……）。\n\n退出码 0；--fail-on 匹配时为 1；计划或选项有误时为 2。",
    "Status of the figures up to this date (default: today, at most the plan's end).": "截至此日期的数据的状态（默认：今天，最晚为计划结束日）。",
    "Only this section (1 = 一).": "只看这一部分（1 = 一）。",
    "Only this task (its number in the document).": "只看这项任务（原文中的序号）。",
    "Only these statuses, comma-separated, e.g. lagging,at_risk (or stale).": "只看这些状态，用逗号分隔，例如 lagging,at_risk（或 stale）。",
    "Only targets this unit leads or supports (牵头 / 配合单位).": "只看该单位牵头或配合的指标（牵头 / 配合单位）。",
    "Only targets whose id, name or source contain TEXT.": "只看编号、名称或原文中含有 TEXT 的指标。",
    "gap (furthest behind first), progress (least done first), status or id.": "gap（差距最大的在前）、progress（完成最少的在前）、status 或 id。",
    "Rollups per section or task; owner: one table per unit.": "按部分或任务汇总；owner：每个单位一张表。",
    "Exit 1 if any target shown has one of these statuses, e.g. lagging,overdue.": "显示的指标中有任一处于这些状态时退出码为 1，例如 lagging,overdue。",
    "Check plan files and progress logs; print every problem as path:line:column: message.\n\nExit 0 when everything is valid, 1 when problems were found, 2 when a file cannot be read.": "检查计划文件和进度日志；每个问题输出为 路径：行：列： 说明。\n\n全部有效时退出码为 0，发现问题时为 1，文件无法读取时为 2。",
    "Plan files (.yaml) or progress logs (.progress.jsonl); default: the --plan file.": "计划文件（.yaml）或进度日志（.progress.jsonl）；默认：--plan 指定的文件。",
    "text: path:line:column: message; github: ::error annotations for GitHub Actions; json: for scripts.": "text：路径：行：列： 说明；github：供 GitHub Actions 使用的 ::error 注释；json：供脚本使用。",
    # --- figures (issue 9 §1) ---
    "Figure achieved, in the target's unit (7.8 for 7.8万人), with a magnitude (7.8万) or as a count (78,000); or a milestone stage.": "完成的数值：按指标的单位（7.8万人 写 7.8）、带数量级（7.8万）或写成计数（78,000）；或里程碑阶段。",
    "Record a figure the plausibility check refuses (e.g. 20× the goal); REASON is kept in the log.": "记录未通过合理性检查的数值（例如超过目标 20 倍）；理由保存在日志中。",
    "Correct to a figure the plausibility check refuses (e.g. 20× the goal); REASON is kept in the log.": "更正为未通过合理性检查的数值（例如超过目标 20 倍）；理由保存在日志中。",
}

# Typer's own bracketed notes after an option's help: [env var: X; default: Y; required].
_HELP_NOTES = (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填"))


def help_zh(text: str) -> str:
    """The Chinese of a help text (an English text not in the catalog is shown as it is)."""
    notes = ""
    found = re.fullmatch(r"(?s)(.*?)\s*\[([^\[\]]*)\]", text)
    if found and any(found[2].startswith(en) or f"; {en}" in found[2] for en, _ in _HELP_NOTES):
        text = found[1]
        parts = []
        for part in found[2].split("; "):
            for en, zh in _HELP_NOTES:
                if part.startswith(en):
                    part = zh + part[len(en) :]
                    break
            parts.append(part)
        notes = "  [" + "；".join(parts) + "]"
    return HELP_ZH.get(text, text) + notes


# Click's usage errors, as English templates and their Chinese; {detail} is looked up again.
CLICK_ERRORS_ZH: list[tuple[str, str]] = [
    ("No such option: {name} Did you mean {other}?", "没有这个选项：{name};是否指 {other}？"),
    ("No such option: {name} (Possible options: {options})", "没有这个选项：{name}（可用的选项：{options}）"),
    ("No such option: {name}", "没有这个选项：{name}"),
    ("No such command '{name}'.", "没有这个命令：'{name}'。"),
    ("Missing command.", "缺少命令。"),
    ("Missing argument '{name}'.", "缺少参数 '{name}'。"),
    ("Missing option '{name}'.", "缺少选项 '{name}'。"),
    ("Got unexpected extra argument ({args})", "多余的参数（{args}）"),
    ("Got unexpected extra arguments ({args})", "多余的参数（{args}）"),
    ("Got unexpected extra argument(s) ({args})", "多余的参数（{args}）"),
    ("Option '{name}' requires an argument.", "选项 '{name}' 需要一个值。"),
    ("Option '{name}' does not take a value.", "选项 '{name}' 不接受值。"),
    ("Invalid value for {param}: {detail}", "{param} 的值无效：{detail}"),
    ("Value error, {detail}", "{detail}"),
    ("'{value}' is not one of {choices}.", "'{value}' 不是 {choices} 之一。"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    ("'{value}' is not a valid integer.", "'{value}' 不是整数。"),
    ("'{value}' is not a valid float.", "'{value}' 不是数字。"),
    ("use zh or en", "请用 zh 或 en"),
]


def _template_regex(template: str) -> re.Pattern[str]:
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\{([a-z]+)\}", template):
        out.append(re.escape(template[pos : m.start()]))
        out.append(f"(?P<{m[1]}>.+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out), re.DOTALL)


_CLICK_PATTERNS = [(_template_regex(en), zh) for en, zh in CLICK_ERRORS_ZH]


def click_error_zh(text: str) -> str:
    """A usage error of Click's in Chinese (an unknown wording is shown as it is)."""
    for pattern, zh in _CLICK_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            fields = found.groupdict()
            if "detail" in fields:
                fields["detail"] = click_error_zh(fields["detail"])
            return zh.format(**fields)
    return text


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
