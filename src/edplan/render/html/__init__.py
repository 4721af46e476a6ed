"""``edplan report --output report.html``: a self-contained meeting page, and its PDF by headless Chromium.

The page shows what the terminal report shows (render/meeting.py), in the same order and with the
same figures: every number is text from render/data.py, every word from words.py or, for what only
the page has, labels.py. Jinja2 renders it with autoescape on, and every string shown passes
through :func:`~edplan.render.safe.visible` first, so a note holding ``<script>`` or a terminal
escape sequence is shown as text. Nothing is fetched: the CSS is inline, the charts are inline SVG,
the fonts are the reader's own (Noto Sans CJK SC first), and the page has no script.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from edplan.core.query import Meeting
from edplan.render.data import (
    as_of_text,
    forecast_cell,
    met_by_cell,
    numeral,
    pct,
    status_text,
    target_cells,
    target_headers,
    why,
)
from edplan.render.html import charts
from edplan.render.html.chromium import browser, pdf_from_html, run_headless
from edplan.render.html.labels import label
from edplan.render.meeting import gap_cell, since_heading, value_cell, worst_first
from edplan.render.safe import visible
from edplan.render.words import word
from edplan.status.engine import STATUS_ORDER, Status, TargetStatus

__all__ = ["ICONS", "browser", "meeting_page", "pdf_from_html", "run_headless"]

HERE = Path(__file__).resolve().parent

# A shape beside each status word, so that a badge reads in black and white and to the colour-blind:
# the word says it, the shape tells good (✔ ● ★) from bad (▲ ▼ ✖) at a glance.
ICONS: dict[Status, str] = {
    Status.achieved: "✔",
    Status.exceeded: "★",
    Status.on_track: "●",
    Status.nearly_met: "◐",
    Status.at_risk: "▲",
    Status.lagging: "▼",
    Status.overdue: "✖",
    Status.not_due: "○",
    Status.no_data: "?",
}


@dataclass(frozen=True)
class Badge:
    code: str
    icon: str
    text: str


def badge(status: Status, lang: str, text: str | None = None) -> Badge:
    return Badge(status.value, ICONS[status], text if text is not None else word(status.value, lang))


def row_badge(row: TargetStatus, lang: str) -> Badge:
    return badge(row.status, lang, status_text(row, lang))


def _shown(value: Any) -> Any:
    """Every string printed by the template, made visible: control characters written as ``\\x1b``."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def _css() -> Markup:
    # Our own stylesheet, not user text: inlined as it is (a file, so editors and linters see CSS).
    return Markup((HERE / "page.css").read_text(encoding="utf-8"))


def _attention(meeting: Meeting, lang: str) -> list[dict[str, Any]]:
    plan, as_of = meeting.report.plan, meeting.report.as_of
    return [
        {
            "row": row,
            "badge": row_badge(row, lang),
            "facts": [
                (word("col.gap", lang), gap_cell(row, lang)),
                (word("col.forecast", lang), forecast_cell(row, unit=True)),
                (word("col.met_by", lang), met_by_cell(row, lang)),
            ],
            "why": why(row, lang),
            "chart": charts.burn_up(row, plan, as_of, lang),
        }
        for row in meeting.attention
    ]


def _table(meeting: Meeting, lang: str) -> list[dict[str, Any]]:
    """The rows grouped by section (or one group when the rows were sorted across sections)."""
    report = meeting.report
    titles = {s.number: s.title for s in report.plan.sections}
    groups: list[dict[str, Any]] = []
    for row in report.rows:
        key = None if report.flat else row.section
        if not groups or groups[-1]["key"] != key:
            heading = None if key is None else f"{numeral(key)}、{titles[key]}"
            groups.append({"key": key, "heading": heading, "rows": []})
        groups[-1]["rows"].append(
            {"cells": target_cells(row, lang), "badge": row_badge(row, lang), "why": why(row, lang)}
        )
    return groups


def _legend(lang: str) -> dict[str, Any]:
    statuses = [(badge(s, lang), label(f"means.{s.value}", lang)) for s in STATUS_ORDER]
    lines = [
        (kind, label(f"line.{kind}", lang)) for kind in ("actual", "expected", "goal", "band", "forecast", "as_of")
    ]
    return {
        "statuses": statuses,
        "stale": (word("stale", lang), label("means.stale", lang)),
        "lines": [("section_bar", label("line.section_bar", lang)), *lines],
        "formula": word("by.formula", lang),
    }


def meeting_page(meeting: Meeting, lang: str, *, plan_path: str, log_path: str, generated_at: dt.datetime) -> str:
    """The meeting report as one complete HTML document (no script, nothing fetched)."""
    report = meeting.report
    plan = report.plan
    # "Against expected": what the targets' own schedules expect done by now, weighted as completion is.
    expected = report.total.expected
    counts = report.total.counts
    headers = target_headers(lang)
    context = {
        "lang": "zh-CN" if lang == "zh" else "en",
        "css": _css(),
        "title": word("report.title", lang, title=plan.title, as_of=as_of_text(report, lang)),
        "plan_title": plan.title,
        "subtitle": label("page.as_of", lang, as_of=as_of_text(report, lang)),
        "headline": {
            "title": label("page.headline", lang),
            "targets": label("page.targets_n", lang, n=len(report.rows)),
            "tiles": [(badge(s, lang), counts[s]) for s in STATUS_ORDER],
            "completion_title": label("page.completion", lang),
            "completion": pct(report.total.completion),
            "expected": label("page.expected", lang, pct=pct(expected), date=report.as_of.isoformat()),
            "expected_note": label("page.expected_note", lang),
        },
        "sections_title": word("report.sections", lang),
        "section_chart": charts.section_chart(report.sections, expected, report.as_of, lang),
        "attention_title": f"{word('report.attention', lang)} ({len(meeting.attention)})",
        "all_clear": word("report.all_clear", lang),
        "attention": _attention(meeting, lang),
        "since": since_heading(meeting, lang),
        "changes_title": label("page.changes", lang),
        "changes": [
            {
                "row": c.row,
                "was": badge(c.before, lang),
                "now": badge(c.row.status, lang),
                "said": label("page.arrow", lang, was=word(c.before.value, lang), now=word(c.row.status.value, lang)),
            }
            for c in worst_first(meeting.changes)
        ],
        "no_changes": label("page.no_changes", lang),
        "entries_title": label("page.entries", lang),
        "entries": [{"entry": e, "row": r, "value": value_cell(r, e.value, e.unit, lang)} for e, r in meeting.recorded],
        "entries_more": (
            word("show.latest", lang, shown=len(meeting.recorded), n=meeting.recorded_total)
            if meeting.recorded_total > len(meeting.recorded)
            else None
        ),
        "no_entries": label("page.no_entries", lang),
        "table_title": label("page.all_targets", lang, n=len(report.rows)),
        "headers": headers,
        # Grouped by section, the group's heading names the section: a column of 一 would read as dashes.
        "show_sec": report.flat,
        "why_header": word("show.why", lang),
        "groups": _table(meeting, lang),
        "no_match": word("no_match", lang),
        "warnings_title": label("page.warnings", lang),
        "warnings": list(report.warnings),
        "legend_title": label("page.legend", lang),
        "legend_statuses": label("page.legend_statuses", lang),
        "legend_lines": label("page.legend_lines", lang),
        "legend": _legend(lang),
        "col": {k: word(f"col.{k}", lang) for k in ("date", "id", "target_name", "value", "source", "note", "was")},
        "col_now": word("col.now", lang),
        "footer": label(
            "page.footer",
            lang,
            at=generated_at.isoformat(sep=" ", timespec="seconds"),
            plan=plan_path,
            log=log_path,
        ),
    }
    return _environment().get_template("page.html.j2").render(context)
