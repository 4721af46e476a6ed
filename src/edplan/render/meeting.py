"""``edplan report``: a one-screen summary for a meeting, in the terminal and as Markdown.

The HTML page is render/html/ (a template and charts over the same figures from render/data.py);
the Markdown file is built from the same cells as the terminal. Lists are capped
so the report stays one screen: what is left out is counted ("… and 4 more"), never silently lost.
"""

from __future__ import annotations

from decimal import Decimal

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edplan.core.query import Change, Meeting
from edplan.render.data import (
    as_of_text,
    forecast_cell,
    gap_text,
    met_by_cell,
    numeral,
    pct,
    stage_text,
    status_text,
    with_unit,
)
from edplan.render.table import STYLES, summary_line
from edplan.render.words import word
from edplan.status.engine import STATUS_ORDER, Rollup, Status, TargetStatus

BAR = 20
MAX_ROWS = 10


def _bar(share: Decimal) -> str:
    filled = min(BAR, max(0, int((share * BAR).to_integral_value())))
    return "█" * filled + "░" * (BAR - filled)


def _problems(rollup: Rollup, lang: str) -> str:
    sep = "," if lang == "zh" else ", "
    bad = (Status.overdue, Status.lagging, Status.at_risk)
    return sep.join(f"{rollup.counts[s]} {word(s.value, lang)}" for s in bad if rollup.counts[s])


def gap_cell(row: TargetStatus, lang: str) -> str:
    if row.gap is None or row.target.kind.value == "milestone":
        return "—"
    return gap_text(row, lang)


def value_cell(row: TargetStatus, value: str, unit: str | None, lang: str) -> str:
    if row.target.kind.value == "milestone":
        return stage_text(value, lang)
    return with_unit(Decimal(value), unit)


def _more(n: int, lang: str) -> Text:
    return Text(word("report.more", lang, n=n), style="dim")


def meeting_view(meeting: Meeting, lang: str, width: int | None = None) -> RenderableType:
    report = meeting.report
    parts: list[RenderableType] = [
        Text(word("report.title", lang, title=report.plan.title, as_of=as_of_text(report, lang)), style="bold"),
        summary_line(report, lang, width),
        Text(""),
        Text(word("report.sections", lang), style="bold"),
    ]
    sections = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
    sections.add_column(no_wrap=True)
    sections.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    sections.add_column(no_wrap=True)
    sections.add_column(justify="right", no_wrap=True)
    sections.add_column(no_wrap=True, style="red")
    for r in report.sections:
        sections.add_row(numeral(int(r.key)), r.title, _bar(r.completion), pct(r.completion), _problems(r, lang))
    parts.append(sections)

    parts += [Text(""), Text(f"{word('report.attention', lang)} ({len(meeting.attention)})", style="bold")]
    if not meeting.attention:
        parts.append(Text(word("report.all_clear", lang), style="green"))
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
        table.add_column(word("col.target_name", lang), ratio=1, overflow="fold")
        for key in ("col.status", "col.gap", "col.forecast", "col.met_by"):
            table.add_column(word(key, lang), no_wrap=True, justify="left" if key == "col.status" else "right")
        for row in meeting.attention[:MAX_ROWS]:
            name = Text(row.target.name)
            name.append("\n" + row.target.id, style="dim cyan")
            status = Text(status_text(row, lang, sep="\n"), style=STYLES[row.status])
            table.add_row(name, status, gap_cell(row, lang), forecast_cell(row, unit=True), met_by_cell(row, lang))
        parts.append(table)
        if len(meeting.attention) > MAX_ROWS:
            parts.append(_more(len(meeting.attention) - MAX_ROWS, lang))

    parts += [Text(""), Text(since_heading(meeting, lang), style="bold")]
    if meeting.recorded:
        entries = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
        entries.add_column(word("col.date", lang), no_wrap=True)
        entries.add_column(word("col.target_name", lang), ratio=1, overflow="fold")
        entries.add_column(word("col.value", lang), justify="right", no_wrap=True)
        for entry, row in meeting.recorded[-MAX_ROWS:]:
            entries.add_row(entry.date.isoformat(), row.target.name, value_cell(row, entry.value, entry.unit, lang))
        if meeting.recorded_total > MAX_ROWS:
            parts.append(_more(meeting.recorded_total - MAX_ROWS, lang))
        parts.append(entries)
    if meeting.changes:
        changes = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
        changes.add_column(word("col.target_name", lang), ratio=1, overflow="fold")
        changes.add_column(word("col.was", lang), no_wrap=True)
        changes.add_column(word("col.now", lang), no_wrap=True)
        for change in worst_first(meeting.changes)[:MAX_ROWS]:
            row = change.row
            changes.add_row(
                row.target.name,
                Text(word(change.before.value, lang), style=STYLES[change.before]),
                Text(word(row.status.value, lang), style=STYLES[row.status]),
            )
        parts.append(changes)
        if len(meeting.changes) > MAX_ROWS:
            parts.append(_more(len(meeting.changes) - MAX_ROWS, lang))
    return Group(*parts)


def worst_first(changes: list[Change]) -> list[Change]:
    """The status changes, the worst status now first (the terminal, Markdown and HTML reports)."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(changes, key=lambda c: order[c.row.status])


def since_heading(meeting: Meeting, lang: str) -> str:
    """'Since 2006-06-01: 6 entries recorded, 8 targets changed status'."""
    sep = "," if lang == "zh" else ", "
    return (
        word("report.since", lang, since=meeting.since.isoformat())
        + (":" if lang == "zh" else ": ")
        + word("report.recorded", lang, n=meeting.recorded_total)
        + sep
        + word("report.changed", lang, n=len(meeting.changes))
    )


def meeting_markdown(meeting: Meeting, lang: str) -> str:
    """The same report as Markdown: headings, pipe tables (aligned for a terminal too), text bars."""
    from edplan.render.text import summary_text, tabulate_text

    report = meeting.report
    out = [f"# {word('report.title', lang, title=report.plan.title, as_of=as_of_text(report, lang))}", ""]
    out += [line + "  " for line in summary_text(report, lang).splitlines()]
    out += ["", f"## {word('report.sections', lang)}", ""]
    rows = [
        [numeral(int(r.key)), r.title, _bar(r.completion), pct(r.completion), _problems(r, lang)]
        for r in report.sections
    ]
    heads = [word("col.sec", lang), word("col.title", lang), "", word("col.progress", lang), ""]
    out += [tabulate_text(heads, rows, "markdown", {3}), ""]
    out += [f"## {word('report.attention', lang)} ({len(meeting.attention)})", ""]
    if not meeting.attention:
        out += [word("report.all_clear", lang), ""]
    else:
        heads = [word(k, lang) for k in ("col.id", "col.target_name", "col.status", "col.gap", "col.forecast")]
        heads.append(word("col.met_by", lang))
        rows = [
            [
                r.target.id,
                r.target.name,
                status_text(r, lang),
                gap_cell(r, lang),
                forecast_cell(r, unit=True),
                met_by_cell(r, lang),
            ]
            for r in meeting.attention[:MAX_ROWS]
        ]
        out += [tabulate_text(heads, rows, "markdown", {3, 4, 5}), ""]
        if len(meeting.attention) > MAX_ROWS:
            out += [word("report.more", lang, n=len(meeting.attention) - MAX_ROWS), ""]
    out += [f"## {since_heading(meeting, lang)}", ""]
    if meeting.recorded:
        heads = [word(k, lang) for k in ("col.date", "col.id", "col.target_name", "col.value")]
        rows = [
            [e.date.isoformat(), r.target.id, r.target.name, value_cell(r, e.value, e.unit, lang)]
            for e, r in meeting.recorded[-MAX_ROWS:]
        ]
        if meeting.recorded_total > MAX_ROWS:
            out += [word("report.more", lang, n=meeting.recorded_total - MAX_ROWS), ""]
        out += [tabulate_text(heads, rows, "markdown", {3}), ""]
    if meeting.changes:
        heads = [word(k, lang) for k in ("col.id", "col.target_name", "col.was", "col.now")]
        rows = [
            [c.row.target.id, c.row.target.name, word(c.before.value, lang), word(c.row.status.value, lang)]
            for c in worst_first(meeting.changes)[:MAX_ROWS]
        ]
        out += [tabulate_text(heads, rows, "markdown", set()), ""]
        if len(meeting.changes) > MAX_ROWS:
            out += [word("report.more", lang, n=len(meeting.changes) - MAX_ROWS), ""]
    return "\n".join(out)
