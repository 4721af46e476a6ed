"""The progress ledger in PostgreSQL: the tables, and the appends with the text log's guarantees.

The same guarantees as the text log, from the database: ids unique per plan, entries and amendments
in one id space (a retry adds nothing, whatever machine sends it; other content under a known id is
a conflict, not an overwrite); an append is one transaction (killed half-way, nothing counts); exact
decimals (``numeric``); nothing is ever updated or deleted. Several plans share one database: every
row is keyed by its plan's id. Reads (the tally in SQL, a target's story) are in
:mod:`edplan.log.pgread`; what the commands call is :mod:`edplan.log.dbstore`.

Appends go through ``COPY`` into a temporary table and one ``INSERT … SELECT``: a bulk import of a
million rows is one statement, and one entry takes the same path (one code path, one set of checks).
``seq`` (a sequence) is the order the rows were appended: the text log's line order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from edplan.errors import InputError, Problem, UsageError, msg
from edplan.log.amend import entry_as_it_stands
from edplan.log.entries import Entry
from edplan.log.lines import Amendment, Row
from edplan.log.writer import Amended

SCHEMA_VERSION = "1"
# A value is given an ``amount`` when it is a number as a counted target accepts it
# (:data:`edplan.log.rules.NUMBER`); a stage, or anything else, has none. So "amount IS NULL" is the
# whole test of whether a counted target can count an entry: no pattern is matched when reading.
NUMBER_RE = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edplan_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS edplan_entries (
    plan_id   text    NOT NULL,
    id        text    NOT NULL,
    seq       bigserial,            -- the order entries were appended: the text log's line order
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
CREATE INDEX IF NOT EXISTS edplan_entries_seq ON edplan_entries (plan_id, seq);
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
CREATE INDEX IF NOT EXISTS edplan_amendments_entry ON edplan_amendments (plan_id, entry_id);

-- The ledger is append-only: an UPDATE, DELETE or TRUNCATE of its rows is refused, whoever asks.
CREATE OR REPLACE FUNCTION edplan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the edplan progress ledger is append-only: % of % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'record a correction or a retraction with edplan correct / edplan retract';
END $$;
CREATE OR REPLACE TRIGGER edplan_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON edplan_entries
    FOR EACH STATEMENT EXECUTE FUNCTION edplan_append_only();
CREATE OR REPLACE TRIGGER edplan_amendments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON edplan_amendments
    FOR EACH STATEMENT EXECUTE FUNCTION edplan_append_only();

-- What status reads: per plan, target, unit, day and numbers-or-not, the sum, the count and the
-- latest value of every entry ever appended (amended or not: a read takes the few amended ones out).
-- Kept by a trigger in the transaction of each insert, so it cannot disagree with the entries, and
-- a million entries are read as a few thousand rows. It is derived data, never the ledger: repair
-- rebuilds it from the entries.
CREATE TABLE IF NOT EXISTS edplan_cells (
    plan_id    text    NOT NULL,
    target     text    NOT NULL,
    unit       text    NOT NULL,
    date       date    NOT NULL,
    staged     boolean NOT NULL,  -- values that are not numbers (a milestone's stages)
    low        text,              -- their least and greatest value
    high       text,
    total      numeric,
    n          bigint  NOT NULL,
    last_seq   bigint  NOT NULL,
    last_value text    NOT NULL,
    PRIMARY KEY (plan_id, target, unit, date, staged)
);
CREATE OR REPLACE FUNCTION edplan_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO edplan_cells AS c (plan_id, target, unit, date, staged, low, high, total, n, last_seq, last_value)
    SELECT plan_id, target, unit, date, amount IS NULL,
           min(value) FILTER (WHERE amount IS NULL), max(value) FILTER (WHERE amount IS NULL),
           sum(amount), count(*), max(seq), (array_agg(value ORDER BY seq DESC))[1]
      FROM new_rows
     GROUP BY plan_id, target, unit, date, amount IS NULL
     ORDER BY plan_id, target, unit, date, amount IS NULL  -- one lock order for every writer: no deadlock
    ON CONFLICT (plan_id, target, unit, date, staged) DO UPDATE SET
        low = least(c.low, excluded.low),
        high = greatest(c.high, excluded.high),
        total = c.total + excluded.total,
        n = c.n + excluded.n,
        last_value = CASE WHEN excluded.last_seq > c.last_seq THEN excluded.last_value ELSE c.last_value END,
        last_seq = greatest(c.last_seq, excluded.last_seq);
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER edplan_entries_count AFTER INSERT ON edplan_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION edplan_count();
"""

# The summary rebuilt from the entries (repair, and a check in validate).
CELLS_OF_ENTRIES = """
SELECT plan_id, target, unit, date, amount IS NULL,
       min(value) FILTER (WHERE amount IS NULL), max(value) FILTER (WHERE amount IS NULL),
       sum(amount), count(*), max(seq), (array_agg(value ORDER BY seq DESC))[1]
  FROM edplan_entries WHERE plan_id = %(plan)s
 GROUP BY plan_id, target, unit, date, amount IS NULL
"""

# One number for every edplan: the lock that serialises creating the tables and amending entries.
_LOCK = 0x6564706C616E  # "edplan"


def ensure_schema(conn: Any) -> None:
    """Create the tables on first use and record the schema version; refuse a database of another.

    The tables are created under an advisory lock: eight writers starting on an empty database at
    once would otherwise race in ``CREATE TABLE IF NOT EXISTS`` (which is not safe concurrently).
    """
    found = _version(conn)
    if found is None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            conn.execute(_SCHEMA)
            conn.execute(
                "INSERT INTO edplan_meta (key, value) VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
                (SCHEMA_VERSION,),
            )
        found = _version(conn)
    if found != SCHEMA_VERSION:
        raise UsageError(
            Problem(
                msg(
                    "the progress database has schema version {found}; this edplan uses {ours}",
                    found=found or "?",
                    ours=SCHEMA_VERSION,
                ),
                hint=msg("use the edplan version that created it"),
            )
        )


def _version(conn: Any) -> str | None:
    with conn.transaction():
        if conn.execute("SELECT to_regclass('edplan_meta')").fetchone()[0] is None:
            return None
        row = conn.execute("SELECT value FROM edplan_meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else str(row[0])


# --- entries ----------------------------------------------------------------------------------------


@dataclass
class Appended:
    added: int = 0
    already: int = 0  # ids already there with the same content: a retry
    conflicts: list[tuple[int, str, int]] = field(default_factory=list)  # (position, id, seq holding it)
    written: bool = False


class _Refused(Exception):
    """Raised inside the transaction to roll it back; the result says why."""


_COLUMNS = "ord, id, target, value, unit, date, recorded, batch, note, source, forced"
_CONFLICTS = """
SELECT i.ord, i.id, e.seq FROM edplan_incoming i
  JOIN edplan_entries e ON e.plan_id = %(plan)s AND e.id = i.id
 WHERE (e.target, e.value, e.unit, e.date, e.note, e.source)
       IS DISTINCT FROM (i.target, i.value, i.unit, i.date, i.note, i.source)
UNION ALL
SELECT i.ord, i.id, a.seq FROM edplan_incoming i
  JOIN edplan_amendments a ON a.plan_id = %(plan)s AND a.id = i.id
ORDER BY 1 LIMIT 1000
"""
_INSERT = f"""
INSERT INTO edplan_entries (plan_id, id, target, value, amount, unit, date, recorded, batch, note, source, forced)
SELECT %(plan)s, id, target, value, CASE WHEN value ~ '{NUMBER_RE}' THEN value::numeric END,
       unit, date, recorded, batch, note, source, forced
  FROM edplan_incoming ORDER BY ord
ON CONFLICT (plan_id, id) DO NOTHING
"""


def append_entries(conn: Any, plan_id: str, rows: Iterable[Row], dry_run: bool = False) -> Appended:
    """Append entries, as log rows (:data:`~edplan.log.lines.Row`: id … forced, with the batch id, ''
    for none), in one transaction: all that are new count, or (on a conflict, an error or a kill)
    none. The ids must differ from each other.

    The rows are copied into a temporary table (``COPY``: a million rows is one stream), checked
    against the entries and amendments already there in one query, and inserted in one statement.
    A concurrent writer that takes one of the ids between the check and the insert is caught by the
    primary key (``ON CONFLICT DO NOTHING``) and checked again, so a conflict is never missed.
    """
    out = Appended()
    args = {"plan": plan_id}
    try:
        with conn.transaction():
            conn.execute(
                "CREATE TEMP TABLE edplan_incoming (ord bigint, id text, target text, value text, unit text,"
                " date date, recorded text, batch text, note text, source text, forced text) ON COMMIT DROP"
            )
            total = 0
            with conn.cursor() as cur, cur.copy(f"COPY edplan_incoming ({_COLUMNS}) FROM STDIN") as copy:
                for total, row in enumerate(rows, 1):
                    copy.write_row((total, *row))  # a log row's fields are the table's, in order
            out.conflicts = [tuple(r) for r in conn.execute(_CONFLICTS, args).fetchall()]
            if out.conflicts:
                raise _Refused
            if dry_run:
                new = conn.execute(
                    "SELECT count(*) FROM edplan_incoming i WHERE NOT EXISTS (SELECT 1 FROM edplan_entries e"
                    " WHERE e.plan_id = %(plan)s AND e.id = i.id)",
                    args,
                ).fetchone()[0]
                out.added, out.already = new, total - new
                raise _Refused
            out.added = conn.execute(_INSERT, args).rowcount
            out.already = total - out.added
            if out.already:
                out.conflicts = [tuple(r) for r in conn.execute(_CONFLICTS, args).fetchall()]
                if out.conflicts:
                    raise _Refused
            out.written = out.added > 0
    except _Refused:
        if out.conflicts:
            out.added = out.already = 0
    return out


# --- amendments -------------------------------------------------------------------------------------


def entry_of_row(row: Any) -> Entry:
    """An entry from the columns ENTRY_COLUMNS names (its ``line``: the row's ``seq``)."""
    entry_id, target, value, unit, day, note, source, recorded, seq, forced = row
    return Entry(entry_id, target, value, unit or None, day, note, source, recorded, int(seq), forced)


ENTRY_COLUMNS = "id, target, value, unit, date, note, source, recorded, seq, forced"
AMENDMENT_COLUMNS = "id, entry_id, kind, reason, date, value, unit, recorded, seq, forced"


def amendment_of(r: Any) -> Amendment:
    return Amendment(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], int(r[8]), r[9])


def amendments(conn: Any, plan_id: str, entry_id: str | None = None) -> list[Amendment]:
    """The amendments of the plan's entries (of one entry), in the order they were appended."""
    where, args = ("", (plan_id,)) if entry_id is None else (" AND entry_id = %s", (plan_id, entry_id))
    rows = conn.execute(
        f"SELECT {AMENDMENT_COLUMNS} FROM edplan_amendments WHERE plan_id = %s{where} ORDER BY seq", args
    ).fetchall()
    return [amendment_of(r) for r in rows]


def append_amendment(
    conn: Any,
    plan_id: str,
    entry_id: str,
    amendment_id: str,
    build: Callable[[Entry, Entry | None], Amendment | list[Problem]],
    not_an_entry: Callable[[Amendment | None], Problem],
) -> Amended:
    """Append a correction or retraction of an entry the store holds, as the text log's writer does:
    ``build(entry, current)`` makes it from the entry as recorded and as it stands (None: retracted),
    or says why not. Amendments of a plan are serialised by an advisory lock, so two scripts that
    retract and correct one entry at once are applied one after the other, as under the file lock."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK & 0x7FFFFFFF, plan_id))
        found = conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM edplan_entries WHERE plan_id = %s AND id = %s", (plan_id, entry_id)
        ).fetchone()
        if found is None:
            other = conn.execute(
                f"SELECT {AMENDMENT_COLUMNS} FROM edplan_amendments WHERE plan_id = %s AND id = %s",
                (plan_id, entry_id),
            ).fetchone()
            raise UsageError(not_an_entry(None if other is None else amendment_of(other)))
        entry = entry_of_row(found)
        changes = [a for a in amendments(conn, plan_id, entry_id) if a.id != amendment_id]
        before = entry_as_it_stands(entry, changes, None)
        built = build(entry, before)
        if isinstance(built, list):
            raise UsageError(built)
        same = conn.execute(
            f"SELECT {AMENDMENT_COLUMNS} FROM edplan_amendments WHERE plan_id = %s AND id = %s",
            (plan_id, amendment_id),
        ).fetchone()
        taken = conn.execute(
            "SELECT 1 FROM edplan_entries WHERE plan_id = %s AND id = %s", (plan_id, amendment_id)
        ).fetchone()
        if same is not None and taken is None and amendment_of(same).key() == built.key():
            return Amended(amendment_of(same), entry, before, False)
        if same is not None or taken is not None:
            raise InputError(
                Problem(
                    msg("id '{id}' is already recorded with different content", id=amendment_id),
                    field="id",
                    hint=msg("use a new id, or leave it out to have one generated"),
                )
            )
        a = built
        conn.execute(
            "INSERT INTO edplan_amendments (plan_id, id, entry_id, kind, reason, date, value, unit, recorded,"
            " forced) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (plan_id, a.id, a.entry_id, a.kind, a.reason, a.date, a.value, a.unit, a.recorded, a.forced),
        )
    return Amended(built, entry, before, True)


def copy_amendments(conn: Any, plan_id: str, changes: Iterable[Amendment]) -> tuple[int, int, list[str]]:
    """Amendments copied from another log, in one transaction: (added, already there, conflicting ids).
    An amendment of an entry the database lacks is refused (the entries are copied first)."""
    added = already = 0
    conflicts: list[str] = []
    try:
        with conn.transaction():
            for a in changes:
                there = conn.execute(
                    f"SELECT {AMENDMENT_COLUMNS} FROM edplan_amendments WHERE plan_id = %s AND id = %s",
                    (plan_id, a.id),
                ).fetchone()
                if there is not None:
                    if amendment_of(there).key() == a.key():
                        already += 1
                    else:
                        conflicts.append(a.id)
                    continue
                held = {
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM edplan_entries WHERE plan_id = %s AND id IN (%s, %s)",
                        (plan_id, a.id, a.entry_id),
                    ).fetchall()
                }
                if held != {a.entry_id} or a.id == a.entry_id:
                    conflicts.append(a.id)  # its id is an entry's, or the entry it amends is missing
                    continue
                conn.execute(
                    "INSERT INTO edplan_amendments (plan_id, id, entry_id, kind, reason, date, value, unit,"
                    " recorded, forced) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (plan_id, a.id, a.entry_id, a.kind, a.reason, a.date, a.value, a.unit, a.recorded, a.forced),
                )
                added += 1
            if conflicts:
                raise _Refused
    except _Refused:
        added = already = 0
    return added, already, conflicts


def rebuild_cells(conn: Any, plan_id: str) -> None:
    """The status summary of a plan, summed again from its entries, in one transaction."""
    with conn.transaction():
        conn.execute("DELETE FROM edplan_cells WHERE plan_id = %s", (plan_id,))
        conn.execute(
            "INSERT INTO edplan_cells (plan_id, target, unit, date, staged, low, high, total, n, last_seq, last_value)"
            + CELLS_OF_ENTRIES,
            {"plan": plan_id},
        )
