"""CSV for scripts and spreadsheets: a contract that never changes with the language or the locale.

English column names, status codes, raw numbers (no thousands separators, no %, no magnitude: a
figure is in the target's own unit, named in the ``unit`` column), dates as YYYY-MM-DD, and the same
values as ``--format json``. A text cell that a spreadsheet would read as a formula (it starts with
= + - @, a tab or a carriage return) is neutralised with a leading apostrophe; numbers are ours and
never are.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from edplan.status.engine import STATUS_ORDER, Report, Rollup, TargetStatus

TARGET_COLUMNS = (
    "section",
    "task",
    "id",
    "name",
    "kind",
    "direction",
    "unit",
    "target",
    "actual",
    "expected",
    "progress",
    "of_expected",
    "status",
    "reason",
    "stale",
    "due",
    "gap",
    "remaining",
    "forecast",
    "last_date",
    "entries",
    "lead",
)

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def text(value: str | None) -> str:
    """A text cell as a spreadsheet will not run it."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA) else value


def raw(value: Decimal | None) -> str:
    """A number as digits: 78000, 7.8, -0.1 (never 7.8E+4, never 78,000)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _target_row(row: TargetStatus) -> list[str]:
    t = row.target
    milestone = t.kind.value == "milestone"
    figure = text(t.stage_list[-1]) if milestone else raw(t.value)
    actual = text(row.stage) if milestone else raw(row.actual)
    expected = text(row.expected_stage) if milestone else raw(row.expected)
    return [
        str(row.section),
        str(row.task),
        t.id,
        text(t.name),
        t.kind.value,
        t.direction.value,
        text(t.unit),
        figure,
        actual,
        expected,
        raw(row.progress),
        raw(row.of_expected),
        row.status.value,
        row.reason.value,
        "true" if row.stale else "false",
        row.due.isoformat(),
        "" if milestone else raw(row.gap),
        "" if milestone else raw(row.remaining),
        raw(row.forecast),
        row.last_date.isoformat() if row.last_date else "",
        str(row.entries),
        text(row.lead),
    ]


def _rollup_columns(kind: str) -> list[str]:
    first = {"section": ["section", "title"], "task": ["task", "title"], "owner": ["unit"]}[kind]
    return [*first, "targets", *(s.value for s in STATUS_ORDER), "completion", "expected"]


def _rollup_row(kind: str, rollup: Rollup) -> list[str]:
    first = [rollup.key, text(rollup.title)] if kind != "owner" else [text(rollup.key)]
    counts = (str(rollup.counts[s]) for s in STATUS_ORDER)
    return [*first, str(rollup.targets), *counts, raw(rollup.completion), raw(rollup.expected)]


def status_csv(report: Report, by: str | None = None) -> str:
    """``edplan status --format csv``: one row per target, or per section, task or unit with ``by``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if by in ("section", "task", "owner"):
        rollups = {"section": report.sections, "task": report.tasks, "owner": report.owners}[by]
        writer.writerow(_rollup_columns(by))
        writer.writerows(_rollup_row(by, r) for r in rollups)
    else:
        writer.writerow(TARGET_COLUMNS)
        writer.writerows(_target_row(row) for row in report.rows)
    return out.getvalue()
