"""Reading the PostgreSQL ledger: the tally in SQL, a target's entries, the entries of a range.

Every read applies the text log reader's rules (:mod:`edplan.log.reader`), so that both stores give
the same answers: an entry counts once it is recorded by the day asked; an entry whose value its
target cannot count (the plan's :data:`~edplan.log.rules.Rules`) is skipped with one warning; the
few entries that amendments name are read and stood with the amendments known by then, by the text
log's own rule (:func:`edplan.log.amend.as_they_stand`). Everything else is summed in SQL, per
target, unit and day: a million entries come back as a few thousand cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from edplan.errors import Problem
from edplan.log.amend import Standing, as_they_stand
from edplan.log.entries import Entry
from edplan.log.lines import DATE, TARGET, UNIT, VALUE, Amendment, Row, entry_of
from edplan.log.postgres import AMENDMENT_COLUMNS, ENTRY_COLUMNS, amendment_of, entry_of_row
from edplan.log.rules import ANY, Rules, fits, unusable
from edplan.log.tally import Table, fold_rows, merge

# rules.NUMBER as PostgreSQL writes it.
_FITS_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
# The row's columns in the order of a log Row (lines.ID … lines.FORCED), then its seq.
ROW_COLUMNS = "id, target, value, unit, to_char(date, 'YYYY-MM-DD'), recorded, batch, note, source, forced, seq"
_KNOWN = "(%(known)s::text IS NULL OR e.recorded = '' OR substr(e.recorded, 1, 10) <= %(known)s)"
_UNAMENDED = "NOT EXISTS (SELECT 1 FROM edplan_amendments a WHERE a.plan_id = e.plan_id AND a.entry_id = e.id)"
_AMENDED = "EXISTS (SELECT 1 FROM edplan_amendments a WHERE a.plan_id = e.plan_id AND a.entry_id = e.id)"
_UNUSABLE = (
    "((e.target = ANY(%(numeric)s) AND e.value !~ %(number)s)"
    " OR (e.target = ANY(%(staged)s) AND NOT (e.target || E'\\t' || e.value) = ANY(%(stages)s)))"
)


def _args(plan_id: str, rules: Rules | None, known: str | None, **more: Any) -> dict[str, Any]:
    rules = rules or {}
    return {
        "plan": plan_id,
        "known": known,
        "numeric": [t for t, rule in rules.items() if rule is None],
        "staged": [t for t, rule in rules.items() if rule is not None],
        "stages": [f"{t}\t{v}" for t, rule in rules.items() if rule is not None for v in rule],
        "number": _FITS_NUMBER,
        **more,
    }


def _known(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass
class Amended:
    """The entries amendments name (as recorded, with their seq) and the amendments, by entry."""

    held: dict[str, tuple[Row, int]] = field(default_factory=dict)
    by_entry: dict[str, list[Amendment]] = field(default_factory=dict)
    amendments: list[Amendment] = field(default_factory=list)  # all, in the order appended

    def stand(self, rules: Rules | None, known: str | None) -> Standing:
        return as_they_stand(self.held, self.by_entry, rules, known)

    def counted(self, rules: Rules | None) -> list[Amendment]:
        """The amendments that count: not a correction to a value the entry's target cannot count."""
        if rules is None:
            return list(self.amendments)
        out = []
        for a in self.amendments:
            held = self.held.get(a.entry_id)
            rule = rules.get(held[0][TARGET], ANY) if held is not None else ANY
            if a.kind == "retraction" or rule is ANY or fits(a.value or "", rule):
                out.append(a)
        return out


def amended(conn: Any, plan_id: str) -> Amended:
    out = Amended()
    out.amendments = [
        amendment_of(r)
        for r in conn.execute(
            f"SELECT {AMENDMENT_COLUMNS} FROM edplan_amendments WHERE plan_id = %s ORDER BY seq", (plan_id,)
        ).fetchall()
    ]
    if not out.amendments:
        return out
    for a in out.amendments:
        out.by_entry.setdefault(a.entry_id, []).append(a)
    rows = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM edplan_entries WHERE plan_id = %s AND id = ANY(%s)",
        (plan_id, sorted(out.by_entry)),
    ).fetchall()
    out.held = {r[0]: (tuple(r[:10]), int(r[10])) for r in rows}
    return out


def _problems(path: str, stand: Standing) -> list[Problem]:
    return [Problem(message, path=path, field="value", hint=hint) for message, hint, _ in stand.unusable]


@dataclass
class Tally:
    table: Table
    problems: list[Problem]
    entries: int  # entries that count


def tally(
    conn: Any, plan_id: str, rules: Rules | None, known_by: dt.date | None, path: str, changes: Amended | None = None
) -> Tally:
    """Per target, unit and day: the exact sum (None when a value is a stage), the count, the latest
    value in the order entries were appended, and that order; as known at the end of ``known_by``.

    The latest value is found by ``max(seq)`` and one index look-up per cell, not by sorting every
    row of a cell (``array_agg(… ORDER BY …)`` would hold a million values to keep a few thousand).
    """
    known = _known(known_by)
    args = _args(plan_id, rules, known)
    unusable_sql = _UNUSABLE if rules else "false"
    rows = conn.execute(
        "SELECT g.target, g.unit, to_char(g.date, 'YYYY-MM-DD'), g.total, g.numeric, g.n, l.value, g.last"
        " FROM (SELECT target, unit, date, sum(amount) AS total, bool_and(amount IS NOT NULL) AS numeric,"
        "        count(*) AS n, max(seq) AS last"
        "       FROM edplan_entries e WHERE e.plan_id = %(plan)s AND "
        + _KNOWN
        + " AND "
        + _UNAMENDED
        + "        AND NOT "
        + unusable_sql
        + " GROUP BY target, unit, date) g"
        " JOIN edplan_entries l ON l.plan_id = %(plan)s AND l.seq = g.last",
        args,
    ).fetchall()
    table: Table = {
        (target, unit or None, day): [total if numeric else None, count, last, order]
        for target, unit, day, total, numeric, count, last, order in rows
    }
    entries = sum(cell[1] for cell in table.values())
    problems: list[Problem] = []
    if rules:
        for entry_id, target, value in conn.execute(
            "SELECT id, target, value FROM edplan_entries e WHERE e.plan_id = %(plan)s AND "
            + _KNOWN
            + " AND "
            + _UNAMENDED
            + " AND "
            + _UNUSABLE
            + " ORDER BY seq LIMIT 1000",
            args,
        ).fetchall():
            message, hint = unusable((entry_id, target, value), rules.get(target, ANY))
            problems.append(Problem(message, path=path, field="value", hint=hint))
    changes = changes if changes is not None else amended(conn, plan_id)
    if changes.amendments:
        stand = changes.stand(rules, known)
        part: Table = {}
        fold_rows(part, ((r[TARGET], r[VALUE], r[UNIT], r[DATE]) for r in stand.rows), stand.lines)
        merge(table, part)
        entries += len(stand.rows)
        problems += _problems(path, stand)
    return Tally(table, problems, entries)


def target_entries(
    conn: Any,
    plan_id: str,
    target: str,
    rules: Rules | None,
    known_by: dt.date | None,
    until: dt.date | None,
    limit: int | None,
) -> tuple[list[Entry], int]:
    """The latest ``limit`` entries of ``target`` (by date, then order appended) dated by ``until`` and
    recorded by ``known_by``, as recorded, oldest first; and how many there are. Like the text log's
    ``show``: an entry its target cannot count is left out unless an amendment names it."""
    args = _args(plan_id, rules, _known(known_by), target=target, until=until or dt.date(9999, 12, 31), limit=limit)
    where = (
        " FROM edplan_entries e WHERE e.plan_id = %(plan)s AND e.target = %(target)s AND e.date <= %(until)s AND "
        + _KNOWN
        + (" AND (NOT " + _UNUSABLE + " OR " + _AMENDED + ")" if rules else "")
    )
    rows = conn.execute(
        f"SELECT {ENTRY_COLUMNS}" + where + " ORDER BY date DESC, seq DESC LIMIT %(limit)s", args
    ).fetchall()
    total = conn.execute("SELECT count(*)" + where, args).fetchone()[0]
    return [entry_of_row(r) for r in reversed(rows)], int(total)


def dated_between(
    conn: Any,
    plan_id: str,
    rules: Rules | None,
    known_by: dt.date | None,
    first: dt.date,
    last: dt.date,
    limit: int,
    changes: Amended,
) -> tuple[list[Entry], int]:
    """The latest ``limit`` entries (as they stand, by date then order) dated after ``first`` up to
    ``last`` and recorded by ``known_by``, oldest first; and how many there are."""
    known = _known(known_by)
    args = _args(plan_id, rules, known, first=first, last=last, limit=limit)
    where = (
        " FROM edplan_entries e WHERE e.plan_id = %(plan)s AND e.date > %(first)s AND e.date <= %(last)s AND "
        + _KNOWN
        + " AND "
        + _UNAMENDED
        + (" AND NOT " + _UNUSABLE if rules else "")
    )
    rows = conn.execute(f"SELECT {ROW_COLUMNS}" + where + " ORDER BY date DESC, seq DESC LIMIT %(limit)s", args)
    kept = [(r[DATE], int(r[10]), tuple(r[:10])) for r in rows.fetchall()]
    total = int(conn.execute("SELECT count(*)" + where, args).fetchone()[0])
    stand = changes.stand(rules, known)
    for row, line in zip(stand.rows, stand.lines, strict=True):
        if first.isoformat() < row[DATE] <= last.isoformat():
            kept.append((row[DATE], line, row))
            total += 1
    kept.sort()
    return [entry_of(row, line) for _, line, row in kept[-limit:]], total


def standing_rows(
    conn: Any, plan_id: str, rules: Rules | None, changes: Amended, block: int = 20_000
) -> Iterator[tuple[list[Row], list[int]]]:
    """Every entry that counts, as it stands, in blocks: the unamended ones in the order appended (a
    server-side cursor: the client holds one block), then the amended ones."""
    args = _args(plan_id, rules, None)
    where = " AND NOT " + _UNUSABLE if rules else ""
    with conn.transaction(), conn.cursor(name="edplan_rows") as cur:
        cur.itersize = block
        cur.execute(
            f"SELECT {ROW_COLUMNS} FROM edplan_entries e WHERE e.plan_id = %(plan)s AND {_UNAMENDED}{where}"
            " ORDER BY seq",
            args,
        )
        while rows := cur.fetchmany(block):
            yield [tuple(r[:10]) for r in rows], [int(r[10]) for r in rows]
    stand = changes.stand(rules, None)
    if stand.rows:
        yield stand.rows, stand.lines


def recorded_rows(conn: Any, plan_id: str, block: int = 20_000) -> Iterator[list[tuple[Row, int]]]:
    """Every entry as originally recorded, with its batch, in the order appended (for ``log copy``)."""
    with conn.transaction(), conn.cursor(name="edplan_copy") as cur:
        cur.itersize = block
        cur.execute(f"SELECT {ROW_COLUMNS} FROM edplan_entries WHERE plan_id = %s ORDER BY seq", (plan_id,))
        while rows := cur.fetchmany(block):
            yield [(tuple(r[:10]), int(r[10])) for r in rows]
