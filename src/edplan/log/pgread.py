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
from edplan.log.rules import ANY, NUMBER, Rules, fits, unusable
from edplan.log.tally import Table, fold_rows, merge

# The row's columns in the order of a log Row (lines.ID … lines.FORCED), then its seq.
ROW_COLUMNS = "id, target, value, unit, to_char(date, 'YYYY-MM-DD'), recorded, batch, note, source, forced, seq"
_KNOWN = "(%(known)s::text IS NULL OR e.recorded = '' OR substr(e.recorded, 1, 10) <= %(known)s)"
_UNAMENDED = "NOT EXISTS (SELECT 1 FROM edplan_amendments a WHERE a.plan_id = e.plan_id AND a.entry_id = e.id)"
_AMENDED = "EXISTS (SELECT 1 FROM edplan_amendments a WHERE a.plan_id = e.plan_id AND a.entry_id = e.id)"
_UNUSABLE = (
    "((e.amount IS NULL AND e.target = ANY(%(numeric)s))"
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


# One scan, per target, unit and day, numbers and other values (a milestone's stages) apart. Whether
# a group counts is then decided by the plan's rules in Python, per group, not per row: no pattern
# and no list of targets is matched against a million rows. A group of values that are not numbers
# carries its least and greatest value: when they are one stage, the group is that stage.
_GROUPS = """
SELECT g.target, g.unit, to_char(g.date, 'YYYY-MM-DD'), g.low, g.high, g.total, g.n, l.value, g.last
  FROM (SELECT target, unit, date, amount IS NULL AS staged,
               min(value) FILTER (WHERE amount IS NULL) AS low, max(value) FILTER (WHERE amount IS NULL) AS high,
               sum(amount) AS total, count(*) AS n, max(seq) AS last
          FROM edplan_entries e
         WHERE e.plan_id = %(plan)s{known}{unamended}
         GROUP BY target, unit, date, staged) g
  JOIN edplan_entries l ON l.plan_id = %(plan)s AND l.seq = g.last
"""


# The present, from the summary the insert trigger keeps (postgres.py): a row per group, the same
# columns as _GROUPS. The cells that amended entries fall in are summed again from the entries.
_CELLS = """
SELECT target, unit, to_char(date, 'YYYY-MM-DD'), low, high, total, n, last_value, last_seq
  FROM edplan_cells WHERE plan_id = %(plan)s
"""
# The groups of a few cells, summed again from their entries: one look-up of the tally index each.
_TOUCHED = """
SELECT k.t, k.u, to_char(k.d, 'YYYY-MM-DD'), g.low, g.high, g.total, g.n, l.value, g.last
  FROM unnest(%(t)s::text[], %(u)s::text[], %(d)s::date[]) AS k(t, u, d)
 CROSS JOIN LATERAL (
       SELECT min(value) FILTER (WHERE amount IS NULL) AS low, max(value) FILTER (WHERE amount IS NULL) AS high,
              sum(amount) AS total, count(*) AS n, max(seq) AS last
         FROM edplan_entries e
        WHERE e.plan_id = %(plan)s AND e.target = k.t AND e.unit = k.u AND e.date = k.d AND {unamended}
        GROUP BY amount IS NULL) g
  JOIN edplan_entries l ON l.plan_id = %(plan)s AND l.seq = g.last
"""


def _groups(conn: Any, args: dict[str, Any], known: str | None, changes: Amended) -> list[Any]:
    """The groups of the unamended entries known by ``known``: from the summary for the present
    (a read of a few thousand rows), else summed from the entries (``--known-on``: a full scan)."""
    unamended = " AND " + _UNAMENDED if changes.amendments else ""
    if known is not None:
        return list(conn.execute(_GROUPS.format(known=" AND " + _KNOWN, unamended=unamended), args).fetchall())
    rows = conn.execute(_CELLS, args).fetchall()
    if not changes.amendments:
        return list(rows)
    cells = {(row[TARGET], row[UNIT], row[DATE]) for row, _ in changes.held.values()}
    touched = sorted(cells)
    keep = [r for r in rows if (r[0], r[1], r[2]) not in cells]
    again = conn.execute(
        _TOUCHED.format(unamended=_UNAMENDED),
        {**args, "t": [t for t, _, _ in touched], "u": [u for _, u, _ in touched], "d": [d for _, _, d in touched]},
    ).fetchall()
    return keep + list(again)


def _counts(rule: frozenset[str] | None, low: str | None, high: str | None) -> bool | None:
    """Whether a group counts under its target's rule: True, False, or None (decided entry by entry:
    several values that are not numbers, or numbers for a milestone with a stage spelled as one)."""
    if rule is ANY:
        return True
    if low is not None:  # values that are not numbers
        if low != high:
            return None if rule is not None else False
        return rule is not None and low in rule
    if rule is None:
        return True
    return False if not any(NUMBER.fullmatch(s) for s in rule) else None


def tally(
    conn: Any, plan_id: str, rules: Rules | None, known_by: dt.date | None, path: str, changes: Amended | None = None
) -> Tally:
    """Per target, unit and day: the exact sum (None when a value is a stage), the count, the latest
    value in the order entries were appended, and that order; as known at the end of ``known_by``.

    The latest value is found by ``max(seq)`` and one index look-up per group, not by sorting every
    row of a group (``array_agg(… ORDER BY …)`` would hold a million values to keep a few thousand).
    """
    known = _known(known_by)
    args = _args(plan_id, rules, known)
    changes = changes if changes is not None else amended(conn, plan_id)
    unamended = " AND " + _UNAMENDED if changes.amendments else ""
    table: Table = {}
    entries = 0
    refused: set[str] = set()  # targets with entries their rule refuses (warned about below)
    for target, unit, day, low, high, total, count, last, order in _groups(conn, args, known, changes):
        rule = rules.get(target, ANY) if rules is not None else ANY
        if _counts(rule, low, high) is not True:
            refused.add(target)
            continue
        cell = [total if low is None else None, count, last, order]
        key = (target, unit or None, day)
        if key in table:
            merge(table, {key: cell})
        else:
            table[key] = cell
        entries += count
    problems: list[Problem] = []
    if refused and rules is not None:
        # The entries of those targets, one by one (few: a plan's rules refuse only what was recorded
        # under an older plan); those a stage spelled as a number still counts are folded in here.
        part: Table = {}
        rows, lines = [], []
        for row in conn.execute(
            f"SELECT {ROW_COLUMNS} FROM edplan_entries e WHERE e.plan_id = %(plan)s AND e.target = ANY(%(refused)s)"
            " AND (e.amount IS NULL OR e.target = ANY(%(staged)s))"  # a counted target's numbers all count
            + (" AND " + _KNOWN if known else "") + unamended + " ORDER BY seq",
            {**args, "refused": sorted(refused)},
        ).fetchall():
            rule = rules.get(row[TARGET], ANY)
            if fits(row[VALUE], rule):
                stage = None if NUMBER.fullmatch(row[VALUE]) else row[VALUE]
                if _counts(rule, stage, stage) is not True:  # its group did not count it: count it here
                    rows.append(tuple(row[:10]))
                    lines.append(int(row[10]))
                continue
            if len(problems) < 1000:
                message, hint = unusable(tuple(row[:10]), rule)
                problems.append(Problem(message, path=path, field="value", hint=hint))
        fold_rows(part, ((r[TARGET], r[VALUE], r[UNIT], r[DATE]) for r in rows), lines)
        merge(table, part)
        entries += len(rows)
    if changes.amendments:
        stand = changes.stand(rules, known)
        part = {}
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


def summary_drift(conn: Any, plan_id: str) -> int:
    """How many groups of the status summary (``edplan_cells``) differ from the entries summed again
    (0 unless someone changed the summary, or inserted rows with its trigger off)."""
    from edplan.log.postgres import CELLS_OF_ENTRIES

    args = {"plan": plan_id}
    kept = conn.execute(
        "SELECT plan_id, target, unit, date, staged, low, high, total, n, last_seq, last_value FROM edplan_cells"
        " WHERE plan_id = %(plan)s",
        args,
    ).fetchall()
    fresh = conn.execute(CELLS_OF_ENTRIES, args).fetchall()
    ours, theirs = {tuple(r[1:5]): tuple(r) for r in kept}, {tuple(r[1:5]): tuple(r) for r in fresh}
    return sum(ours.get(key) != theirs.get(key) for key in ours.keys() | theirs.keys())
