"""The progress ledger in PostgreSQL (issue 13, in progress): tables, appends, and the tally in SQL.

The same guarantees as the text log, from the database: ids unique per plan (a retry adds nothing,
whatever machine sends it; other content under a known id is a conflict, not an overwrite), a batch
is one transaction (killed half-way, nothing counts), exact decimals (``numeric``), and nothing is
ever updated or deleted. Several plans share one database: every row is keyed by its plan's id.

Status aggregates in SQL, per target, unit and day, into the same :data:`~edplan.log.tally.Table`
the text log's reader builds, so :func:`edplan.status.engine.compute_table` cannot tell them apart
(a test proves the status of the same entries equal from both stores). Corrections and retractions
are rows of their own, applied by the text log's rule; the bulk import with COPY and the commands'
use of this store are the next steps (the issue note says what remains).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from edplan.errors import Problem, UsageError, msg
from edplan.log.amend import as_they_stand
from edplan.log.entries import Entry
from edplan.log.lines import DATE, TARGET, UNIT, VALUE, Amendment
from edplan.log.rules import Rules
from edplan.log.tally import Table, fold_rows, merge

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edplan_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS edplan_entries (
    plan_id   text    NOT NULL,
    id        text    NOT NULL,
    seq       bigserial,            -- the order entries became known: the text log's line order
    target    text    NOT NULL,
    value     text    NOT NULL,     -- as recorded (a figure, or a milestone stage)
    amount    numeric,              -- the value as an exact decimal; NULL for a stage
    unit      text    NOT NULL DEFAULT '',
    date      date    NOT NULL,     -- the day the figure describes
    recorded  text    NOT NULL DEFAULT '',  -- when it became known (UTC, ISO 8601)
    batch     text    NOT NULL DEFAULT '',
    note      text    NOT NULL DEFAULT '',
    source    text    NOT NULL DEFAULT '',
    forced    text    NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, id)
);
CREATE INDEX IF NOT EXISTS edplan_entries_tally ON edplan_entries (plan_id, target, unit, date);
-- Corrections and retractions: rows of their own, never an update of the entry they amend.
CREATE TABLE IF NOT EXISTS edplan_amendments (
    plan_id   text    NOT NULL,
    id        text    NOT NULL,
    seq       bigserial,
    entry_id  text    NOT NULL,
    kind      text    NOT NULL CHECK (kind IN ('correction', 'retraction')),
    reason    text    NOT NULL,
    date      date    NOT NULL,     -- the day it became known
    value     text,
    unit      text,
    recorded  text    NOT NULL DEFAULT '',
    forced    text    NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, id)
);
"""


def ensure_schema(conn: Any) -> None:
    """Create the tables on first use and record the schema version; refuse a database of another."""
    with conn.transaction():
        conn.execute(_SCHEMA)
        conn.execute(
            "INSERT INTO edplan_meta (key, value) VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
            (SCHEMA_VERSION,),
        )
        row = conn.execute("SELECT value FROM edplan_meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        raise UsageError(
            Problem(
                msg(
                    "the progress database has schema version {found}; this edplan uses {ours}",
                    found=row[0] if row else "?",
                    ours=SCHEMA_VERSION,
                ),
                hint=msg("use the edplan version that created it"),
            )
        )


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _content(e: Entry) -> tuple[str, ...]:
    return (e.target, e.value, e.unit or "", e.date.isoformat(), e.recorded, e.note, e.source, e.forced)


@dataclass
class Appended:
    added: int = 0
    already: int = 0  # ids already there with the same content: a retry
    conflicts: list[str] = field(default_factory=list)  # ids already there with other content


def append_entries(conn: Any, plan_id: str, entries: Sequence[Entry], batch: str = "") -> Appended:
    """Append ``entries`` in one transaction: all of them count, or (on any error) none."""
    out = Appended()
    with conn.transaction():
        for e in entries:
            inserted = conn.execute(
                "INSERT INTO edplan_entries (plan_id, id, target, value, amount, unit, date, recorded, batch,"
                " note, source, forced) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (plan_id, id) DO NOTHING RETURNING id",
                (plan_id, e.id, e.target, e.value, _amount(e.value), e.unit or "", e.date, e.recorded, batch,
                 e.note, e.source, e.forced),
            ).fetchone()
            if inserted is not None:
                out.added += 1
                continue
            there = conn.execute(
                "SELECT target, value, unit, date, recorded, note, source, forced FROM edplan_entries"
                " WHERE plan_id = %s AND id = %s",
                (plan_id, e.id),
            ).fetchone()
            stored = (there[0], there[1], there[2], there[3].isoformat(), *there[4:])
            if stored == _content(e):
                out.already += 1
            else:
                out.conflicts.append(e.id)
    return out


def append_amendment(conn: Any, plan_id: str, amendment: Amendment) -> bool:
    """Append a correction or retraction of an entry the store holds; False: the same one is there."""
    with conn.transaction():
        entry = conn.execute(
            "SELECT 1 FROM edplan_entries WHERE plan_id = %s AND id = %s", (plan_id, amendment.entry_id)
        ).fetchone()
        if entry is None:
            raise UsageError(
                Problem(
                    msg("no entry with id '{id}' in the log", id=amendment.entry_id),
                    hint=msg("give the id of an entry (the first field of its line)"),
                )
            )
        inserted = conn.execute(
            "INSERT INTO edplan_amendments (plan_id, id, entry_id, kind, reason, date, value, unit, recorded,"
            " forced) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (plan_id, id) DO NOTHING"
            " RETURNING id",
            (plan_id, amendment.id, amendment.entry_id, amendment.kind, amendment.reason, amendment.date,
             amendment.value, amendment.unit, amendment.recorded, amendment.forced),
        ).fetchone()
    return inserted is not None


def amendments(conn: Any, plan_id: str) -> list[Amendment]:
    """Every amendment of the plan's entries, in the order they became known."""
    rows = conn.execute(
        "SELECT id, entry_id, kind, reason, date, value, unit, recorded, seq, forced FROM edplan_amendments"
        " WHERE plan_id = %s ORDER BY seq",
        (plan_id,),
    ).fetchall()
    return [Amendment(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], int(r[8]), r[9]) for r in rows]


_KNOWN = " AND (recorded = '' OR substr(recorded, 1, 10) <= %(known)s)"


def tally(conn: Any, plan_id: str, known_by: dt.date | None = None, rules: Rules | None = None) -> Table:
    """Per target, unit and day: the exact sum (None when a value is a stage), the count, the latest
    value in the order entries became known, and that order; as known at the end of ``known_by``.

    The entries no amendment names are summed in SQL. The few that amendments name are read and
    folded as they stand with the amendments known by then, by the text log's own rule
    (:func:`edplan.log.amend.as_they_stand`: corrections in order, a retraction final, a correction
    its target cannot count skipped), so that both stores count the same.
    """
    known = "" if known_by is None else _KNOWN
    args = {"plan": plan_id, "known": known_by.isoformat() if known_by else None}
    rows = conn.execute(
        "SELECT target, unit, to_char(date, 'YYYY-MM-DD'), sum(amount), bool_and(amount IS NOT NULL), count(*),"
        " (array_agg(value ORDER BY seq DESC))[1], max(seq)"
        " FROM edplan_entries e WHERE plan_id = %(plan)s" + known + " AND NOT EXISTS (SELECT 1 FROM"
        " edplan_amendments a WHERE a.plan_id = e.plan_id AND a.entry_id = e.id) GROUP BY target, unit, date",
        args,
    ).fetchall()
    table: Table = {
        (target, unit or None, day): [total if numeric else None, count, last, order]
        for target, unit, day, total, numeric, count, last, order in rows
    }
    changes = amendments(conn, plan_id)
    if not changes:
        return table
    held_rows = conn.execute(
        "SELECT id, target, value, unit, to_char(date, 'YYYY-MM-DD'), recorded, batch, note, source, forced, seq"
        " FROM edplan_entries WHERE plan_id = %(plan)s AND id = ANY(%(ids)s)",
        {**args, "ids": sorted({a.entry_id for a in changes})},
    ).fetchall()
    held = {r[0]: (tuple(r[:10]), int(r[10])) for r in held_rows}
    by_entry: dict[str, list[Amendment]] = {}
    for a in changes:
        by_entry.setdefault(a.entry_id, []).append(a)
    stand = as_they_stand(held, by_entry, rules, known_by.isoformat() if known_by else None)
    part: Table = {}
    fold_rows(part, ((r[TARGET], r[VALUE], r[UNIT], r[DATE]) for r in stand.rows), stand.lines)
    merge(table, part)
    return table
