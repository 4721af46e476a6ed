"""The PostgreSQL store's connections (issue 13 §5), against a real throwaway server."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edplan.errors import UsageError
from edplan.log import pgread, postgres
from edplan.log.database import connect, is_database_url, masked
from edplan.log.entries import Entry
from edplan.log.lines import Row, row_of
from edplan.render.words import problem_text


def test_a_url_is_a_database_and_a_path_is_a_file() -> None:
    assert is_database_url("postgresql://u@h/db") and is_database_url("POSTGRES://h/db")
    for path in ("plans/2006.progress.jsonl", "postgresql:/x", "C:/logs/x.jsonl", "mysql://h/db"):
        assert not is_database_url(path)


def test_passwords_are_never_shown() -> None:
    shown = masked("postgresql://bureau:s3cret@db.example:5432/plans")
    assert shown == "postgresql://bureau:***@db.example:5432/plans"
    assert masked("postgresql://db/plans?user=a&password=s3cret&sslmode=require") == (
        "postgresql://db/plans?user=a&password=***&sslmode=require"
    )
    assert masked("postgresql://bureau@db/plans") == "postgresql://bureau@db/plans"


def test_a_connection_to_a_real_server(pg_url: str) -> None:
    with connect(pg_url) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens there once the socket is closed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_server_that_is_down_is_one_line_with_the_password_masked(lang: str) -> None:
    url = f"postgresql://bureau:s3cret@127.0.0.1:{_closed_port()}/plans"
    with pytest.raises(UsageError) as caught:
        connect(url, timeout=3)
    assert caught.value.exit_code == 2
    (problem,) = caught.value.problems
    line = problem_text(problem, lang)
    assert "s3cret" not in line and "\n" not in line
    assert "postgresql://bureau:***@127.0.0.1:" in line
    expected = "cannot connect to the progress database" if lang == "en" else "无法连接进度数据库"
    assert line.startswith(expected)


def test_a_missing_driver_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(UsageError) as caught:
        connect("postgresql://h/db")
    assert problem_text(caught.value.problems[0], "en") == (
        "a progress log in a database needs the psycopg driver, which is not installed; "
        "install it with: pip install 'psycopg[binary]' (or use a log file)"
    )


# --- the store: tables, appends, the tally in SQL ---------------------------------------------------


def _entry(entry_id: str, target: str, value: str, unit: str | None, day: str, recorded: str) -> Entry:
    when = dt.date.fromisoformat(day)
    return Entry(entry_id, target, value, unit, when, "拨付（示例）", "财务处", f"{recorded}T09:00:00+00:00", 0, "")


def _entries() -> list[Entry]:
    """Cumulative figures in two units, a milestone's stages, two readings of a level on one day."""
    figures = [("1.2", "亿元"), ("0.9", "亿元"), ("3000", "万元"), ("0.45", "亿元")] * 5
    out = [
        _entry(f"e{i}", "t03-rural-fund", value, unit, f"2006-03-{1 + i % 28:02d}", f"2006-0{3 + i % 5}-1{i % 9}")
        for i, (value, unit) in enumerate(figures)
    ]
    out += [
        _entry("m1", "t02-education-plan", "drafted", None, "2006-03-01", "2006-03-02"),
        _entry("m2", "t02-education-plan", "approved", None, "2006-05-20", "2006-05-21"),
        _entry("l1", "t01-senior-high-enrol", "7.6", "万人", "2006-06-20", "2006-06-21"),
        _entry("l2", "t01-senior-high-enrol", "76500", "人", "2006-06-20", "2006-06-22"),
    ]
    return out


@pytest.fixture
def db(pg_url: str) -> Iterator[Any]:
    with connect(pg_url) as conn:
        conn.autocommit = True  # as the store uses it: each unit of work its own transaction
        postgres.ensure_schema(conn)
        yield conn


def _rows(entries: list[Entry]) -> list[Row]:
    return [row_of(e, "") for e in entries]


def test_a_retry_adds_nothing_and_other_content_under_an_id_is_a_conflict(db: Any) -> None:
    entries = _entries()
    first = postgres.append_entries(db, "edu-2006", _rows(entries))
    assert (first.added, first.already, first.conflicts) == (len(entries), 0, [])
    # A retry from another machine: the same figure, another recording time.
    again = postgres.append_entries(
        db, "edu-2006", _rows([e._replace(recorded="2026-12-01T00:00:00+00:00") for e in entries])
    )
    assert (again.added, again.already, again.written) == (0, len(entries), False)
    changed = entries[0]._replace(value="9")
    refused = postgres.append_entries(db, "edu-2006", _rows([entries[1]._replace(id="new"), changed]))
    assert [(i, entry_id) for i, entry_id, _ in refused.conflicts] == [(2, "e0")]
    assert (refused.added, refused.written) == (0, False)
    assert db.execute("SELECT count(*) FROM edplan_entries WHERE id = 'new'").fetchone() == (0,)
    # several plans share one database: the same id in another plan is another entry
    assert postgres.append_entries(db, "edu-2007", _rows([changed])).added == 1


def test_the_same_entries_give_the_same_status_from_a_file_and_from_postgresql(db: Any, tmp_path: Path) -> None:
    from edplan.log import store
    from edplan.log.lines import Amendment, amendment_line, entry_line
    from edplan.plan.load import require_plan
    from edplan.render.data import report_data
    from edplan.status.engine import compute_table
    from tests.conftest import PLAN_2006

    entries = _entries()
    fixes = [
        Amendment("c1", "e1", "correction", "财务处更正", dt.date(2006, 4, 2), "1.0", "亿元"),
        Amendment("c2", "e1", "correction", "再次更正", dt.date(2006, 6, 1), "0.95", "亿元"),
        Amendment("r1", "e2", "retraction", "重复报送", dt.date(2006, 5, 1)),
        Amendment("c3", "m2", "correction", "记错阶段", dt.date(2006, 6, 2), "drafted"),
        Amendment("c4", "e3", "correction", "手工改错", dt.date(2006, 4, 3), "abc", "万元"),  # cannot count: skipped
    ]
    log = tmp_path / "2006.progress.jsonl"
    log.write_text("".join(entry_line(e) for e in entries) + "".join(map(amendment_line, fixes)), encoding="utf-8")
    postgres.append_entries(db, "edu-2006", _rows(entries))
    assert postgres.copy_amendments(db, "edu-2006", fixes) == (len(fixes), 0, [])
    assert postgres.copy_amendments(db, "edu-2006", fixes[:1]) == (0, 1, [])  # a retry adds nothing
    plan = require_plan(PLAN_2006)
    rules = store.rules_of(plan)
    for known_by in (None, dt.date(2006, 5, 15), dt.date(2006, 4, 2)):
        text = store.tally(log, rules, known_by=known_by, use_cache=False).table
        sql = pgread.tally(db, "edu-2006", rules, known_by, "db").table
        assert {k: v[:3] for k, v in sql.items()} == {k: v[:3] for k, v in text.items()}
        as_of = dt.date(2006, 7, 1)
        assert report_data(compute_table(plan, sql, as_of)) == report_data(compute_table(plan, text, as_of))


def test_a_database_of_another_schema_version_is_refused(db: Any) -> None:
    db.execute("UPDATE edplan_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UsageError) as caught:
        postgres.ensure_schema(db)
    assert problem_text(caught.value.problems[0], "en") == (
        "the progress database has schema version 99; this edplan uses 1; use the edplan version that created it"
    )


def test_an_amendment_of_an_entry_the_store_lacks_is_refused(db: Any) -> None:
    from edplan.log.lines import Amendment

    orphan = Amendment("c9", "nope", "retraction", "x", dt.date(2006, 5, 1))
    assert postgres.copy_amendments(db, "edu-2006", [orphan]) == (0, 0, ["c9"])
    assert postgres.amendments(db, "edu-2006") == []
