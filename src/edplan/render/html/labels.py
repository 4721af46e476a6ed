"""The meeting page's own words, in English and Chinese (key → (en, zh)), like render/words.py.

Everything the page shares with the terminal (statuses, column heads, report headings) comes from
:func:`edplan.render.words.word`; only what exists on the page alone (legend, chart captions, the
footer) is here, so the catalogue of words.py stays the single source for what both show.
"""

from __future__ import annotations

_LABELS: dict[str, tuple[str, str]] = {
    "page.as_of": ("Report as of {as_of}", "截至 {as_of} 的汇报"),
    "page.headline": ("Targets by status", "各状态指标数"),
    "page.targets_n": ("{n} targets", "共 {n} 项指标"),
    "page.completion": ("Weighted completion", "加权完成率"),
    "page.expected": (
        "expected by {date}: {pct}",
        "截至 {date} 应达 {pct}",
    ),
    "page.expected_note": (
        "what each target's own schedule expects by now, weighted as completion is",
        "按各指标自己的进度安排截至此时应完成的比例，与完成率同样加权",
    ),
    "page.expected_mark": ("┆ expected by now ({pct} for the plan)", "┆ 截至此时应达（全计划 {pct}）"),
    "page.all_targets": ("All targets ({n})", "全部指标({n} 项)"),
    "page.changes": ("Status changes", "状态变化"),
    "page.entries": ("Entries recorded", "新增记录"),
    "page.no_changes": ("no target changed status", "没有指标状态变化"),
    "page.no_entries": ("nothing recorded", "没有新增记录"),
    "page.warnings": ("Warnings", "警告"),
    "page.legend": ("Legend", "图例"),
    "page.legend_statuses": ("Statuses", "状态"),
    "page.legend_lines": ("Chart lines", "图线"),
    "page.footer": ("Generated at {at} from {plan} and {log}.", "生成于 {at},依据 {plan} 和 {log}。"),
    "page.arrow": ("was {was}, now {now}", "原为 {was},现为 {now}"),
    # charts
    "chart.sections": ("Completion by section, as a bar chart", "各部分完成情况条形图"),
    "chart.burnup": ("{name}: progress over time", "{name}:进度变化"),
    "chart.as_of": ("as of {date}", "截至 {date}"),
    "line.actual": ("actual, as reported", "实际(按报送)"),
    "line.expected": ("expected on the target's schedule", "按进度安排应达"),
    "line.goal": ("goal", "目标"),
    "line.band": ("accepted range of an “about” or “keep stable” goal", "“左右”或“保持稳定”目标的允许范围"),
    "line.forecast": ("forecast at the current pace, to the due date", "按当前进度预测至到期日"),
    "line.as_of": ("the report date", "汇报日期"),
    "line.section_bar": ("weighted completion of the section", "该部分加权完成率"),
    # what each status means, for the legend
    "means.achieved": ("the goal is met", "已达到目标"),
    "means.exceeded": ("above the band of an “about” or “keep stable” goal", "超出“左右”或“保持稳定”目标的允许范围"),
    "means.on_track": ("on pace for the goal", "按进度可以完成"),
    "means.nearly_met": ("due, not met, but close", "已到期,未完成但接近目标"),
    "means.at_risk": ("somewhat behind the pace, or forecast short", "略落后于进度,或预测不能完成"),
    "means.lagging": ("well behind the pace", "明显落后于进度"),
    "means.overdue": ("due and not met", "已到期未完成"),
    "means.not_due": ("nothing expected yet", "尚未到要求时间"),
    "means.no_data": ("nothing reported: not a judgement of progress", "尚未报送:不代表进度判断"),
    "means.stale": ("a report is owed and none came for a long time", "应报送而长时间未更新"),
}


def label(key: str, lang: str, **fields: object) -> str:
    """The page's own word for ``key`` in ``lang`` (English unless ``zh``), with ``fields`` filled in."""
    en, zh = _LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def keys() -> list[str]:
    """Every key, for the test that each has both languages."""
    return list(_LABELS)
