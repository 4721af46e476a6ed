"""Narrowing and sorting a report: what --section, --owner, --status and --sort do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from edplan.status.report import STATUS_ORDER, ZERO, Report, TargetStatus, figure_of
from edplan.status.rollup import assemble

SORT_KEYS = ("id", "gap", "progress", "status")


@dataclass(frozen=True)
class Filters:
    """What ``status`` narrows to. Every field is optional; all given ones must match."""

    section: int | None = None
    task: int | None = None
    statuses: frozenset[str] = frozenset()  # status codes, and "stale"
    owner: str | None = None
    grep: str | None = None
    sort: str | None = None  # one of SORT_KEYS

    def matches(self, row: TargetStatus) -> bool:
        if self.section is not None and row.section != self.section:
            return False
        if self.task is not None and row.task != self.task:
            return False
        if self.statuses and row.status.value not in self.statuses and not ("stale" in self.statuses and row.stale):
            return False
        if self.owner is not None and self.owner not in row.units():
            return False
        if self.grep:
            needle = self.grep.casefold()
            t = row.target
            if not any(needle in text.casefold() for text in (t.id, t.name, t.source)):
                return False
        return True


def narrow(report: Report, filters: Filters) -> Report:
    """The report narrowed to the rows that match, in the requested order, rollups recomputed for them."""
    rows = [r for r in report.rows if filters.matches(r)]
    if filters.sort:
        rows = sort_rows(rows, filters.sort)
    if len(rows) == len(report.rows) and not filters.sort:
        return report
    tasks = {r.task for r in rows}
    sections = []
    for s in report.plan.sections:
        kept = [t for t in s.tasks if t.number in tasks]
        if kept:
            sections.append(s.model_copy(update={"tasks": kept}))
    plan = report.plan.model_copy(update={"sections": sections})
    return assemble(plan, report.as_of, rows, report.warnings, flat=bool(filters.sort))


def sort_rows(rows: list[TargetStatus], key: str) -> list[TargetStatus]:
    """``gap``: furthest behind first, as a share of the figure (gaps in different units do not compare);
    ``progress``: least done first; ``status``: worst first; ``id``: by id. Rows without the figure go last."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    keys: dict[str, Callable[[TargetStatus], tuple[object, ...]]] = {
        "id": lambda r: (r.target.id,),
        "status": lambda r: (order[r.status], r.target.id),
        "progress": lambda r: (r.progress is None, r.progress or ZERO, r.target.id),
        "gap": lambda r: (_relative_gap(r) is None, _relative_gap(r) or ZERO, r.target.id),
    }
    return sorted(rows, key=keys[key])


def _relative_gap(row: TargetStatus) -> Decimal | None:
    figure = figure_of(row.target)
    if row.gap is None or not figure:
        return None
    return row.gap / abs(figure)
