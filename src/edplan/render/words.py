"""Every word edplan shows a person, in Chinese and English.

JSON keys and status codes stay English (scripts must not depend on the language); everything a
person reads goes through :func:`word`. The language is ``--lang``, else ``EDPLAN_LANG``, else the
locale (``LC_ALL``/``LANG`` starting with ``zh``), else English.
"""

from __future__ import annotations

import os

from edplan.errors import Msg, Problem
from edplan.render.messages_zh import MESSAGES_ZH
from edplan.render.safe import visible

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
    "col.pace": ("Pace", "进度比"),
    "col.status": ("Status", "状态"),
    "col.section": ("Section", "部分"),
    # sentences
    "title.status": ("{title} — status as of {as_of}", "{title} — 截至 {as_of} 的进度"),
    "title.known_on": (" (as known on {known_on})", "（按 {known_on} 已知情况）"),
    "summary": ("{n} targets: {counts}", "共 {n} 项指标:{counts}"),
    "completion": ("weighted completion {pct} (expected by now: {expected})", "加权完成率 {pct}（截至此时应达 {expected}）"),
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
        "why.revised": ("goal revised to {value} from {date} (planned {planned})", "目标自 {date} 起调整为 {value}(原计划 {planned})"),
        "why.increase_made": ("{made} of the {increase} increase ({pct})", "已增加 {made},计划增加 {increase}({pct})"),
        "why.nothing": ("nothing reported", "尚未报送"),
        "why.never": ("no report since the plan started", "计划开始以来未有报送"),
        "why.met_early": (
            "reached before its due date; achieved if it holds on {due}",
            "已提前达到;{due} 仍保持即为完成",
        ),
        "why.nearly_met": ("{pct} of the goal: nearly met", "达到目标的 {pct}:基本完成"),
        "why.nearly_met_increase": ("nearly met", "基本完成"),
        "why.nearly_met_points": ("{short} short of the goal: nearly met", "距目标 {short}:基本完成"),
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
        "copy.done": (
            "copied {added} entries and {amended} amendments from {source} to {dest}; {already} were already there",
            "已从 {source} 复制 {added} 条记录和 {amended} 条更正或撤回到 {dest}；{already} 条此前已有",
        ),
        "copy.dry_run": (
            "would copy {added} entries and {amended} amendments from {source} to {dest}; {already} are already "
            "there; nothing written (dry run)",
            "将从 {source} 复制 {added} 条记录和 {amended} 条更正或撤回到 {dest}；{already} 条此前已有；试运行，未写入",
        ),
        "repair.summary": (
            "{path}: summed the status summary again from the entries; the entries needed nothing",
            "{path}：已按记录重新汇总状态汇总表；记录本身无需修复",
        ),
        "repair.dry_run_summary": (
            "{path}: would sum the status summary again from the entries; nothing written (dry run)",
            "{path}：将按记录重新汇总状态汇总表；试运行，未写入",
        ),
        "repair.database": (
            "{path}: nothing to repair: a database appends in transactions, so nothing is torn or half-written",
            "{path}：无需修复：数据库以事务追加，不会有残行或半截批次",
        ),
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
        "show.increase": ("Increase", "增加"),
        "show.revised": ("Revised", "年中调整"),
        "show.revision": ("{value} from {date}: {source}", "{date} 起 {value}:{source}"),
        "show.revision_in_force": ("{value} from {date}: {source} (in force)", "{date} 起 {value}:{source}(现行)"),
        "show.planned": ("planned {value} (the plan's own figure)", "原计划 {value}"),
        "show.increase_given": (
            "{increase} over the previous year (baseline {baseline}; the level to reach {level})",
            "比上年增加 {increase}(基数 {baseline},应达到 {level})",
        ),
        "show.increase_derived": (
            "{increase} over the previous year (baseline ≈ {baseline}, derived)",
            "比上年增加 {increase}(基数约 {baseline},推算)",
        ),
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

# init and compare (issue 6)
_WORDS.update(
    {
        "draft.skipped": ("{where}: not drafted: «{text}»: {why}", "{where}：未起草：«{text}»：{why}"),
        "draft.stdout": ("standard output", "标准输出"),
        "draft.done": (
            "drafted {path}: {sections} sections, {tasks} tasks, {targets} targets; {checks} guesses marked "
            "# check: to review; {skipped} figures not drafted (listed above)",
            "已起草 {path}：{sections} 个部分，{tasks} 项任务，{targets} 项指标；{checks} 处推测标有 # check: 待核对；"
            "{skipped} 个数字未起草（见上）",
        ),
        "draft.next": (
            "next: read every # check: comment in {path}, fix what is wrong, then run: edplan validate {path}",
            "下一步：逐条核对 {path} 中的 # check: 注释并改正，然后运行 edplan validate {path}",
        ),
        "attention.heading": ("Needs attention: {n}, worst first", "需关注：{n} 项，最严重的在前"),
        "attention.none": (
            "Nothing needs attention: no target is overdue, lagging, at risk or stale.",
            "没有需关注的指标：没有逾期、滞后、有风险或久未更新的指标。",
        ),
        "attention.rest": ("The rest, by section", "其余指标，按部分"),
        "attention.count": ("{n}: ", "{n} 项："),
        "attention.more": (
            "edplan status --all lists every target; --status, --section or --grep narrow it.",
            "edplan status --all 列出全部指标；--status、--section 或 --grep 可筛选。",
        ),
        "init.blank": (
            "started {path}: a blank plan for {year}, every field explained; fill it in, or draft it from its "
            "document with: edplan draft DOCUMENT",
            "已生成 {path}：{year} 年的空白计划，每个字段均有说明；请填写，或用 edplan draft 文档 根据计划文档起草",
        ),
        "init.revisions": (
            "{count} revisions of {source} left out: they were that year's decisions; the plan's own figures stay",
            "未带入 {source} 的 {count} 项年中调整：那是该年度的决定；保留计划原有目标值",
        ),
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
    """The words for ``key`` in ``lang``; text fields (names, paths, ids from files and arguments) are
    shown with their control characters escaped, so that they print as text and never drive the terminal."""
    en, zh = _WORDS[key]
    text = zh if lang == "zh" else en
    if not fields:
        return text
    return text.format(**{k: visible(v) if isinstance(v, str) else v for k, v in fields.items()})

def localize(text: str | None, lang: str) -> str:
    """The text in ``lang``: a :class:`~edplan.errors.Msg` is looked up by its English template."""
    if text is None:
        return ""
    if not isinstance(text, Msg):
        return str(text)
    if not text.args:
        return MESSAGES_ZH.get(text.template, str(text)) if lang == "zh" else str(text)
    template = (MESSAGES_ZH.get(text.template) if lang == "zh" else None) or text.template
    # The arguments are what came from files and arguments (a name, a value, a path): escaped.
    args = {k: (localize(v, lang) if isinstance(v, Msg) else visible(v)) if isinstance(v, str) else v for k, v in text.args.items()}
    return template.format(**args)


def problem_text(problem: Problem, lang: str) -> str:
    """One problem as one line: ``where: what; how to fix`` in the output language."""
    text = localize(problem.message, lang)
    if problem.hint:
        text += ("；" if lang == "zh" else "; ") + localize(problem.hint, lang)
    return f"{problem.where}: {text}" if problem.path is not None else text
