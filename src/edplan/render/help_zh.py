"""Help texts and Click's usage errors in Chinese.

Typer builds help from English strings; cli/app.py's formatter looks each one up here when the output
language is Chinese (tests check that every command's help and every option's help is here).
"""

from __future__ import annotations

import re

HELP_ZH: dict[str, str] = {
    # --- edplan draft (issue 11) ---
    "List every target (default: what needs attention, the rest one line a section).": "列出全部指标（默认：只列需关注的指标，其余每个部分一行）。",
    "Start an empty plan instead, with a comment explaining every field.": "改为生成空白计划，每个字段均附说明。",
    "Draft a plan from its document: sections, tasks and every figure as a target, to review.\n\nEvery guess (a kind, a schedule, a direction) has a # check: comment above it; what looks like a\nfigure but is not taken is listed on stderr with its line. Review, then run edplan validate.": "根据计划文档起草计划：部分、任务，每个数字作为一项指标，供审核。\n\n每处推测（指标类型、进度安排、方向）上方都有 # check: 注释；看似数字但未采用的内容连同行号列在标准错误输出中。审核后运行 edplan validate。",
    "The plan document: UTF-8 or GB18030 text, .docx or .html.": "计划文档：UTF-8 或 GB18030 文本、.docx 或 .html。",
    "File to write (default: standard output).": "写入的文件（默认：标准输出）。",
    "Year of the plan (default: the year in the title or file name).": "计划年度（默认：标题或文件名中的年份）。",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Track the numeric targets of a work plan: validate the plan, record progress, see the status.": "跟踪工作计划的数字指标：检查计划、记录进度、查看完成情况。",
    "Plan file (YAML).": "计划文件（YAML）。",
    "Work on the progress log itself: copy it between a file and a database.": "处理进度日志本身：在文件与数据库之间复制。",
    "Copy every entry and amendment, as recorded, from FROM to TO (ids already there are skipped).": (
        "把每条记录及其更正、撤回按原样从 FROM 复制到 TO（已有的编号跳过）。"
    ),
    "The log to copy: a file or a postgresql:// URL.": "要复制的日志：文件或 postgresql:// 地址。",
    "Where to copy it: a file or a postgresql:// URL.": "复制到：文件或 postgresql:// 地址。",
    "Say what would be copied; write nothing.": "只说明将复制什么，不写入。",
    "Progress log: a file (default: beside the plan, NAME.progress.jsonl) or a postgresql:// URL.": (
        "进度日志：文件（默认：计划文件旁的 NAME.progress.jsonl）或 postgresql:// 数据库地址。"
    ),
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
    "Write the report to a file instead: report.html, report.md, or report.pdf.": "把汇报写入文件：report.html、report.md 或 report.pdf。",
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
