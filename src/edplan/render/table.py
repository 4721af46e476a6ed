"""Report → Rich renderables for the terminal: one table grouped by section, and a summary line."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edplan.render.data import actual_text, expected_text, figure_text, numeral, pct, status_text
from edplan.render.words import word
from edplan.status import STATUS_ORDER, Report, Status

STYLES: dict[Status, str] = {
    Status.achieved: "bold green",
    Status.on_track: "green",
    Status.at_risk: "yellow",
    Status.lagging: "bold red",
    Status.overdue: "bold white on red",
    Status.not_due: "dim",
    Status.no_data: "dim",
}

WIDE = 110  # from this width the id column fits beside the name


def status_view(report: Report, lang: str, width: int) -> RenderableType:
    wide = width >= WIDE
    title = word("title.status", lang, title=report.plan.title, as_of=report.as_of.isoformat())
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False,
                  title_justify="left", title_style="bold")
    table.add_column(word("col.task", lang), justify="right", no_wrap=True)
    if wide:
        table.add_column(word("col.id", lang), no_wrap=True, style="cyan")
    table.add_column(word("col.target_name", lang), ratio=1, overflow="fold")
    table.add_column(word("col.figure", lang), justify="right", no_wrap=True)
    table.add_column(word("col.actual", lang), justify="right", no_wrap=True)
    table.add_column(word("col.expected", lang), justify="right", no_wrap=True)
    table.add_column(word("col.progress", lang), justify="right", no_wrap=True)
    table.add_column(word("col.status", lang), no_wrap=not wide)

    by_section = {s.number: s for s in report.plan.sections}
    current: int | None = None
    for row in report.rows:
        if row.section != current:
            if current is not None:
                table.add_section()
            current = row.section
            heading = Text(f"{numeral(row.section)}、{by_section[row.section].title}", style="bold")
            cells: list[RenderableType] = ["", heading] if not wide else ["", heading, ""]
            if wide:
                cells = ["", Text(numeral(row.section) + "、", style="bold"), heading]
            table.add_row(*cells)
        name: RenderableType = Text(row.target.name)
        if not wide:
            name = Text.assemble(row.target.name, " ", (row.target.id, "dim cyan"))
        cells = [str(row.task)]
        if wide:
            cells.append(row.target.id)
        table.add_row(
            *cells, name, figure_text(row, lang), actual_text(row), expected_text(row),
            pct(row.progress), Text(status_text(row, lang), style=STYLES[row.status]),
        )
    return Group(table, summary_line(report, lang))


def summary_line(report: Report, lang: str) -> Text:
    counts = report.total.counts
    text = Text()
    sep = "," if lang == "zh" else ", "
    parts = [(f"{counts[s]} {word(s.value, lang)}", STYLES[s]) for s in STATUS_ORDER if counts[s]]
    n = len(report.rows)
    text.append(word("summary", lang, n=n, counts="").rstrip(":: "))
    text.append(":" if lang == "zh" else ": ")
    for i, (part, style) in enumerate(parts):
        if i:
            text.append(sep)
        text.append(part, style=style)
    text.append("  " + word("completion", lang, pct=pct(report.total.completion)), style="dim")
    return text
