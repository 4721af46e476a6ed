"""Report → Markdown, GitHub Markdown and plain text (tabulate); CSV is render/machine.py's contract.

The cells are the ones every format shares (:func:`edplan.render.data.target_cells`); tabulate only
lays them out. Numbers are formatted before they get here and ``disable_numparse`` keeps tabulate
from reformatting them (it would print 12.50 as 12.5). Chinese lines up because tabulate measures
with wcwidth, a declared dependency.
"""

from __future__ import annotations

from edplan.render.data import (
    as_of_text,
    pct,
    rollup_cells,
    rollup_headers,
    rollup_statuses,
    rollups_for,
    target_cells,
    target_headers,
)
from edplan.render.words import word
from edplan.status.engine import STATUS_ORDER, Report

TABLEFMT = {"markdown": "pipe", "github": "github", "plain": "simple"}


def tabulate_text(headers: list[str], rows: list[list[str]], fmt: str, right: set[int]) -> str:
    from tabulate import tabulate  # type: ignore[import-untyped]

    align = tuple("right" if i in right else "left" for i in range(len(headers)))
    return str(tabulate(rows, headers=headers, tablefmt=TABLEFMT[fmt], disable_numparse=True, colalign=align))


def summary_text(report: Report, lang: str) -> str:
    counts = report.total.counts
    sep = "," if lang == "zh" else ", "
    listed = sep.join(f"{counts[s]} {word(s.value, lang)}" for s in STATUS_ORDER if counts[s])
    completion = word("completion", lang, pct=pct(report.total.completion), expected=pct(report.total.expected))
    return word("summary", lang, n=len(report.rows), counts=listed) + "\n" + completion


def status_document(report: Report, fmt: str, lang: str, by: str | None = None) -> str:
    """The whole status in a text format: a title line, one table, the summary."""
    title = word("title.status", lang, title=report.plan.title, as_of=as_of_text(report, lang))
    if fmt == "markdown" or fmt == "github":
        title = f"**{title}**"
    if not report.rows:
        return f"{title}\n\n{word('no_match', lang)}\n"
    if by in ("section", "task", "owner"):
        rollups = rollups_for(report, by)
        statuses = rollup_statuses(rollups)
        heads = rollup_headers(by, statuses, lang)
        body = [rollup_cells(by, r, statuses) for r in rollups]
        right = set(range(1 if by == "owner" else 2, len(heads)))
    else:
        heads = target_headers(lang)
        body = [target_cells(row, lang) for row in report.rows]
        right = {1, 4, 5, 6, 7, 8}  # task number, goal, actual, expected, done, pace
    table = tabulate_text(heads, body, fmt, right)
    formula = f"\n\n{word('by.formula', lang)}" if by in ("section", "task", "owner") else ""
    return f"{title}\n\n{table}\n\n{summary_text(report, lang)}{formula}\n"
