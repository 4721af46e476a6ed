"""Report → Rich renderables for the terminal: one table per section, aligned, and a summary line.

Rich tables have no column spans, so a section heading cannot run across one table. Instead each
section is its own table under a full-width heading, with the same fixed column widths (measured
over all rows, in terminal cells so Chinese counts double) so the columns line up down the page.
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edplan.render.data import actual_text, expected_text, figure_text, numeral, pct, status_text
from edplan.render.words import word
from edplan.status import STATUS_ORDER, Report, Status, TargetStatus

STYLES: dict[Status, str] = {
    Status.achieved: "bold green",
    Status.on_track: "green",
    Status.at_risk: "yellow",
    Status.lagging: "bold red",
    Status.overdue: "bold red reverse",
    Status.not_due: "dim",
    Status.no_data: "dim",
}

WIDE = 110  # from this width the id gets a column of its own instead of a line under the name


def _cells(row: TargetStatus, lang: str) -> list[str]:
    # Units appear once, in the goal column; actual and expected are in the same unit.
    return [
        figure_text(row, lang),
        actual_text(row, lang, unit=False),
        expected_text(row, lang, unit=False),
        pct(row.progress),
        status_text(row, lang, sep="\n"),
    ]


def status_view(report: Report, lang: str, width: int) -> RenderableType:
    wide = width >= WIDE
    headers = [word(k, lang) for k in ("col.figure", "col.actual", "col.expected", "col.progress", "col.status")]
    rows = [(row, _cells(row, lang)) for row in report.rows]
    widths = [
        max([cell_len(h)] + [cell_len(line) for _, c in rows for line in c[i].splitlines()])
        for i, h in enumerate(headers)
    ]
    id_width = max([cell_len(word("col.id", lang))] + [len(r.target.id) for r, _ in rows])
    task_width = max(cell_len(word("col.task", lang)), 3)

    by_section = {s.number: s for s in report.plan.sections}
    parts: list[RenderableType] = [
        Text(word("title.status", lang, title=report.plan.title, as_of=report.as_of.isoformat()), style="bold")
    ]
    first = True
    for number in dict.fromkeys(r.section for r in report.rows):
        table = Table(
            box=box.SIMPLE_HEAD if first else box.SIMPLE,
            show_header=first,
            show_edge=False,
            pad_edge=False,
            expand=True,
            padding=(0, 1, 0, 0),
        )
        table.add_column(word("col.task", lang), justify="right", width=task_width, no_wrap=True)
        if wide:
            table.add_column(word("col.id", lang), width=id_width, no_wrap=True, style="cyan")
        # Ids are typed at the prompt: the name column is never narrower than they are.
        table.add_column(word("col.target_name", lang), ratio=1, overflow="fold", min_width=id_width)
        for i, header in enumerate(headers):
            table.add_column(header, justify="left" if i == 4 else "right", width=widths[i], no_wrap=i < 4)
        for row, cells in rows:
            if row.section != number:
                continue
            name = Text(row.target.name)
            if not wide:
                name.append("\n" + row.target.id, style="dim cyan")
            status = Text(cells[4], style=STYLES[row.status])
            lead = [str(row.task), row.target.id] if wide else [str(row.task)]
            table.add_row(*lead, name, *cells[:4], status)
        heading = f"{numeral(number)}、{by_section[number].title}"
        parts += [Text(""), Text(heading, style="bold"), table]
        first = False
    parts.append(summary_line(report, lang))
    return Group(*parts)


def summary_line(report: Report, lang: str) -> Text:
    counts = report.total.counts
    sep = "," if lang == "zh" else ", "
    text = Text(word("summary", lang, n=len(report.rows), counts=""))
    for i, status in enumerate(s for s in STATUS_ORDER if counts[s]):
        if i:
            text.append(sep)
        text.append(f"{counts[status]} {word(status.value, lang)}", style=STYLES[status])
    text.append("\n" + word("completion", lang, pct=pct(report.total.completion)))
    return text
