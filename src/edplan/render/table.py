"""Report → Rich renderables for the terminal: target tables, rollup tables and the summary line.

Rich tables have no column spans, so a section heading cannot run across one table. Instead each
section is its own table under a full-width heading, with the same fixed column widths (measured
over all rows, in terminal cells so Chinese counts double) so the columns line up down the page.
Sorted output (``--sort``) is one table: the order, not the sections, is the point there.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from edplan.render.data import (
    actual_text,
    as_of_text,
    expected_text,
    figure_text,
    numeral,
    pct,
    rollup_cells,
    rollup_headers,
    rollup_statuses,
    rollups_for,
    status_text,
)
from edplan.render.words import word
from edplan.render.wrap import wrap_cells
from edplan.status.engine import STATUS_ORDER, Report, Status, TargetStatus

STYLES: dict[Status, str] = {
    Status.achieved: "bold green",
    Status.exceeded: "bold cyan",
    Status.on_track: "green",
    Status.nearly_met: "yellow",
    Status.at_risk: "yellow",
    Status.lagging: "bold red",
    Status.overdue: "bold white on red",
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
        pct(row.of_expected),
        status_text(row, lang, sep="\n"),
    ]


class _Layout:
    """Column widths measured once over every row shown, so separate tables line up."""

    def __init__(self, rows: list[TargetStatus], lang: str, width: int) -> None:
        self.lang = lang
        self.wide = width >= WIDE
        self.headers = [
            word(k, lang)
            for k in ("col.figure", "col.actual", "col.expected", "col.progress", "col.pace", "col.status")
        ]
        self.cells = {id(row): _cells(row, lang) for row in rows}
        self.widths = [
            max([cell_len(h)] + [cell_len(line) for c in self.cells.values() for line in c[i].splitlines()])
            for i, h in enumerate(self.headers)
        ]
        self.id_width = max([cell_len(word("col.id", lang))] + [len(r.target.id) for r in rows])
        self.task_width = max(cell_len(word("col.task", lang)), 3)
        # Ids are copied into `show`: never split. When the name column (which holds the id on a line
        # of its own) would be narrower than the longest id, the columns lose their padding first and
        # the Pace column (also in show, Markdown, CSV and JSON) second.
        need = 8 if self.wide else self.id_width
        self.shown = list(range(len(self.headers)))
        self.padding = 1
        for shown, padding in ((self.shown, 1), (self.shown, 0), ([0, 1, 2, 3, 5], 1), ([0, 1, 2, 3, 5], 0)):
            self.shown, self.padding = shown, padding
            if self._room(width) >= need:
                break
        # What the name column gets (the box puts one space between columns): names are wrapped to
        # it here, as Chinese typesetting wraps, instead of being folded anywhere by Rich.
        self.name_width = max(self._room(width), need)

    def _room(self, width: int) -> int:
        """The cells left for the name column with the columns shown and the padding chosen."""
        columns = 2 + len(self.shown) + (1 if self.wide else 0)
        fixed = self.task_width + sum(self.widths[i] for i in self.shown) + (self.id_width if self.wide else 0)
        return width - fixed - (columns - 1) - self.padding * (columns - 1)

    def table(self, rows: Iterable[TargetStatus], header: bool, support_of: str | None = None) -> Table:
        lang = self.lang
        table = Table(
            box=box.SIMPLE_HEAD if header else box.SIMPLE,
            show_header=header,
            show_edge=False,
            pad_edge=False,
            expand=False,
            padding=(0, self.padding, 0, 0),
        )
        table.add_column(word("col.task", lang), justify="right", width=self.task_width, no_wrap=True)
        if self.wide:
            table.add_column(word("col.id", lang), width=self.id_width, no_wrap=True, style="cyan")
        # Ids are typed at the prompt: the name column is never narrower than they are.
        # The name column is as wide as the names were wrapped to (so Rich never folds them again).
        table.add_column(word("col.target_name", lang), width=self.name_width, overflow="fold")
        for i in self.shown:
            table.add_column(
                self.headers[i], justify="left" if i == 5 else "right", width=self.widths[i], no_wrap=i < 5
            )
        for row in rows:
            cells = self.cells[id(row)]
            name = Text("\n".join(wrap_cells(row.target.name, self.name_width)))
            if support_of is not None and row.lead != support_of:
                name.append(f" ({word('role.support', lang)})", style="dim")
            if not self.wide:
                name.append("\n" + row.target.id, style="dim cyan")
            status = Text(cells[5], style=STYLES[row.status])
            lead = [str(row.task), row.target.id] if self.wide else [str(row.task)]
            # Text, not str: a str cell is parsed for markup and emoji codes, which names never contain.
            figures = [Text(cells[i]) for i in self.shown if i < 5]
            table.add_row(*(Text(c) for c in lead), name, *figures, status)
        return table


def status_view(report: Report, lang: str, width: int) -> RenderableType:
    parts: list[RenderableType] = [_title(report, lang)]
    if not report.rows:
        parts += [Text(""), Text(word("no_match", lang))]
        return Group(*parts)
    layout = _Layout(report.rows, lang, width)
    if report.flat:
        parts += [Text(""), layout.table(report.rows, header=True)]
    else:
        by_section = {s.number: s for s in report.plan.sections}
        for i, number in enumerate(dict.fromkeys(r.section for r in report.rows)):
            heading = f"{numeral(number)}、{by_section[number].title}"
            rows = [r for r in report.rows if r.section == number]
            parts += [Text(""), Text(heading, style="bold"), layout.table(rows, header=i == 0)]
    parts.append(summary_line(report, lang, width))
    return Group(*parts)


def attention_view(report: Report, attention: list[TargetStatus], lang: str, width: int) -> RenderableType:
    """The default status: the counts, then what needs attention worst first, then the rest folded
    into one line per section (``--all`` lists every target instead)."""
    parts: list[RenderableType] = [_title(report, lang), summary_line(report, lang, width), Text("")]
    if attention:
        parts.append(Text(word("attention.heading", lang, n=len(attention)), style="bold"))
        parts.append(_Layout(attention, lang, width).table(attention, header=True))
    else:
        parts += [Text(word("attention.none", lang)), Text("")]
    shown = {id(r) for r in attention}
    rest = [r for r in report.rows if id(r) not in shown]
    if rest:
        if attention:
            parts.append(Text(""))
        parts.append(Text(word("attention.rest", lang), style="bold"))
        titles = {s.number: s.title for s in report.plan.sections}
        sep = "," if lang == "zh" else ", "
        for number in dict.fromkeys(r.section for r in rest):
            rows = [r for r in rest if r.section == number]
            # One line a section: the counts first, the title after them cut to what fits.
            line = Text(f"{numeral(number)}、", no_wrap=True, overflow="ellipsis")
            line.append(word("attention.count", lang, n=len(rows)))
            for i, status in enumerate(s for s in STATUS_ORDER if any(r.status is s for r in rows)):
                line.append(sep if i else "")
                count = sum(1 for r in rows if r.status is status)
                line.append(f"{count} {word(status.value, lang)}", style=STYLES[status])
            line.append(f"  {titles[number]}", style="dim")
            parts.append(line)
    parts += [Text(""), Text(word("attention.more", lang), style="dim")]
    return Group(*parts)


def owner_view(report: Report, lang: str, width: int) -> RenderableType:
    """Each unit its own table (``--by owner``): the targets it leads, then those it supports."""
    parts: list[RenderableType] = [_title(report, lang)]
    if not report.rows:
        parts += [Text(""), Text(word("no_match", lang))]
        return Group(*parts)
    layout = _Layout(report.rows, lang, width)
    groups: list[tuple[str, list[TargetStatus], str | None]] = []
    for rollup in report.owners:
        unit: str | None = rollup.key
        rows = [r for r in report.rows if r.lead == unit]
        rows += [r for r in report.rows if unit in r.support and r.lead != unit]
        lead = sum(1 for r in rows if r.lead == unit)
        heading = word("by.owner", lang, unit=unit, lead=lead, support=len(rows) - lead)
        groups.append((f"{heading} — {pct(rollup.completion)}", rows, unit))
    unowned = [r for r in report.rows if not r.units()]
    if unowned:
        groups.append((word("owner.none", lang), unowned, None))
    for i, (heading, rows, unit) in enumerate(groups):
        parts += [Text(""), Text(heading, style="bold"), layout.table(rows, header=i == 0, support_of=unit)]
    parts.append(summary_line(report, lang, width))
    return Group(*parts)


TITLE_ROOM = 16  # narrower than this, a title goes on a line of its own under the figures


def rollup_view(report: Report, kind: str, lang: str, width: int = 80) -> RenderableType:
    """Counts per status and weighted completion per section or task (``--by section|task``).

    The figures keep one line per row; the title takes the room they leave, and when that is too
    little to read (a Chinese title folded a character a line), the titles are listed under the
    table, each after its number, instead.
    """
    rollups = rollups_for(report, kind)
    statuses = rollup_statuses(rollups)
    headers = rollup_headers(kind, statuses, lang)
    has_title = kind != "owner"
    cells = [rollup_cells(kind, rollup, statuses) for rollup in rollups]
    figures = [i for i in range(len(headers)) if not (has_title and i == 1)]
    needed = sum(max([cell_len(headers[i])] + [cell_len(c[i]) for c in cells]) + 1 for i in figures)
    inline = not has_title or width - needed >= TITLE_ROOM
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=inline, padding=(0, 1, 0, 0))
    for i, head in enumerate(headers):
        if has_title and i == 1:
            if inline:
                table.add_column(head, ratio=1, overflow="fold", min_width=TITLE_ROOM)
        else:
            table.add_column(head, justify="left" if i == 0 else "right", no_wrap=True)
    for row in cells:
        table.add_row(*(Text(c) for i, c in enumerate(row) if inline or i != 1))
    key: list[RenderableType] = [] if inline else [Text(f"{row[0]}  {row[1]}", overflow="fold") for row in cells]
    title = Text(word(f"by.{kind}", lang), style="bold")
    formula = Text(word("by.formula", lang), style="dim")
    return Group(_title(report, lang), Text(""), title, table, *key, summary_line(report, lang, width), formula)


def _title(report: Report, lang: str) -> Text:
    return Text(word("title.status", lang, title=report.plan.title, as_of=as_of_text(report, lang)), style="bold")


def summary_line(report: Report, lang: str, width: int | None = None) -> Text:
    """The counts per status and the weighted completion; with ``width``, a count and its status word
    are never split across lines (the line breaks before the item that would not fit)."""
    counts = report.total.counts
    sep = "," if lang == "zh" else ", "
    text = Text(word("summary", lang, n=len(report.rows), counts=""))
    used = cell_len(text.plain)
    for i, status in enumerate(s for s in STATUS_ORDER if counts[s]):
        item = f"{counts[status]} {word(status.value, lang)}"
        if i:
            text.append(sep.rstrip() if width is not None and used + cell_len(sep + item) > width else sep)
            if width is not None and used + cell_len(sep + item) > width:
                text.append("\n")
                used = 0
            else:
                used += cell_len(sep)
        text.append(item, style=STYLES[status])
        used += cell_len(item)
    text.append("\n" + word("completion", lang, pct=pct(report.total.completion), expected=pct(report.total.expected)))
    return text
