"""What a draft is made of before it is written out: sections, tasks, targets, and what was skipped.

Each record carries its ``checks``: the notes a reviewer reads, keyed by the field they are about
("" for the record as a whole). They become ``# check:`` comments above that field in the YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Skipped:
    """Something in the document that looks like a figure but was not taken as a target."""

    line: int  # 1-based line of the document
    text: str  # as written: 3-6周岁, 前五名
    why: str


@dataclass
class Checked:
    """A record with notes for the reviewer, by field."""

    checks: dict[str, list[str]] = field(default_factory=dict)

    def check(self, key: str, note: str) -> None:
        notes = self.checks.setdefault(key, [])
        if note not in notes:
            notes.append(note)


@dataclass
class DraftTarget(Checked):
    id: str = ""
    name: str = ""
    kind: str = "cumulative"
    direction: str | None = None
    tolerance: Decimal | None = None
    value: Decimal | None = None
    unit: str | None = None
    growth: Decimal | None = None
    increase: Decimal | None = None
    part_of: str | None = None
    parts_complete: bool | None = None
    due: dt.date | None = None
    source: str = ""
    line: int = 0  # where the source is, for ordering
    offset: int = 0


@dataclass
class DraftTask(Checked):
    number: int = 0
    title: str = ""
    targets: list[DraftTarget] = field(default_factory=list)


@dataclass
class DraftSection(Checked):
    number: int = 0
    title: str = ""
    tasks: list[DraftTask] = field(default_factory=list)


@dataclass
class DraftPlan(Checked):
    id: str = ""
    title: str = ""
    year: int = 0
    source: str = ""
    units: list[str] = field(default_factory=list)  # units to declare under settings
    sections: list[DraftSection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
