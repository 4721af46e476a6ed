"""Amendments applied: the entries corrections and retractions name, as they stand on a day.

The reader holds back every entry an amendment names (they are few) and hands it over at the end,
once every amendment of the log is known, as it stands with the amendments known by a given day:
corrections in log order (a correction whose value the target cannot use is skipped, with a warning,
and the entry stands as before it), a retraction final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from edplan.errors import Problem, msg
from edplan.log.entries import Entry
from edplan.log.lines import RECORDED, TARGET, VALUE, Amendment, Row, corrected_row
from edplan.log.rules import ANY, Rules, fits, unusable


@dataclass
class Standing:
    rows: list[Row] = field(default_factory=list)  # the held entries that count, as they stand
    lines: list[int] = field(default_factory=list)
    corrected: int = 0
    retracted: int = 0
    unusable: list[tuple[str, str, int]] = field(default_factory=list)  # (warning, hint, line)


def as_they_stand(
    held: Mapping[str, tuple[Row, int]],
    by_entry: Mapping[str, Sequence[Amendment]],
    rules: Rules | None,
    known: str | None,
) -> Standing:
    """The held entries with their amendments known by ``known`` (YYYY-MM-DD; None: all)."""
    out = Standing()
    for entry_id, (row, line) in sorted(held.items(), key=lambda item: item[1][1]):
        if known is not None and row[RECORDED] and row[RECORDED][:10] > known:
            continue
        rule = rules.get(row[TARGET], ANY) if rules is not None else ANY
        now: Row | None = row
        for a in by_entry.get(entry_id, ()):
            if known is not None and a.date.isoformat() > known:
                continue
            if a.kind == "retraction":
                now = None  # a retraction is final
                break
            corrected = corrected_row(row, a)
            if rule is not ANY and not fits(corrected[VALUE], rule):
                out.unusable.append((*unusable(corrected, rule, correction=True), a.line))
                continue  # the entry stands as it was before this correction
            now = corrected
        if now is None:
            out.retracted += 1
            continue
        if now is not row:
            out.corrected += 1
        elif rule is not ANY and not fits(row[VALUE], rule):
            out.unusable.append((*unusable(row, rule), line))
            continue
        out.rows.append(now)
        out.lines.append(line)
    return out


def orphans(path: str, amendments: Sequence[Amendment], held: Mapping[str, object]) -> list[Problem]:
    """A warning for each amendment of something that is not a committed entry of the log."""
    return [
        Problem(
            msg(
                "correction {id} refers to '{entry}', which is not an entry of this log"
                if a.kind == "correction"
                else "retraction {id} refers to '{entry}', which is not an entry of this log",
                id=a.id,
                entry=a.entry_id,
            ),
            path=path,
            line=a.line,
            field="corrects" if a.kind == "correction" else "retracts",
            hint=msg("amend an entry by its id"),
        )
        for a in amendments
        if a.entry_id not in held
    ]


def entry_as_it_stands(entry: Entry, changes: Sequence[Amendment], known_by: dt.date | None) -> Entry | None:
    """The entry after its amendments known by ``known_by``, in log order; None once retracted.

    ``changes`` are amendments that count (a read's ``amendments``: a correction to a value the
    target cannot count is not among them), so this agrees with :func:`as_they_stand`.
    """
    for a in changes:
        if known_by is not None and a.date > known_by:
            continue
        if a.kind == "retraction":
            return None
        entry = entry._replace(value=a.value or "", unit=a.unit, forced=a.forced)
    return entry
