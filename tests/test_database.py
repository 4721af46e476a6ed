"""The PostgreSQL store's connections (issue 13 §5), against a real throwaway server."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator

import pytest

from edplan.errors import UsageError
from edplan.log.database import connect, is_database_url, masked
from edplan.render.words import problem_text
from tests.pgserver import server


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with server() as url:
            yield url
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL server here: {exc}")


def test_a_url_is_a_database_and_a_path_is_a_file() -> None:
    assert is_database_url("postgresql://u@h/db") and is_database_url("POSTGRES://h/db")
    for path in ("plans/2006.progress.jsonl", "postgresql:/x", "C:/logs/x.jsonl", "mysql://h/db"):
        assert not is_database_url(path)


def test_passwords_are_never_shown() -> None:
    assert masked("postgresql://bureau:s3cret@db.example:5432/plans") == "postgresql://bureau:***@db.example:5432/plans"
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
