"""Shared test helpers: run the real CLI (Typer's CliRunner) on real files in tmp dirs."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
PLAN_2006 = ROOT / "plans" / "2006.yaml"
# The plan document, kept beside the plan so the tests need nothing outside the repository.
SOURCE_2006 = ROOT / "plans" / "2006-work-plan.txt"
SHARED_SOURCE_2006 = ROOT.parent / "shared" / "source" / "2006-work-plan.txt"

# Fixed width, no colour, fixed language: pinned output must not depend on the terminal.
ENV = {"COLUMNS": "80", "NO_COLOR": "1", "EDPLAN_LANG": "en", "LANG": "C.UTF-8", "TERM": "dumb"}


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run ``edplan ARGS`` in-process and return exit code, stdout and stderr."""
    runner = CliRunner()
    result = runner.invoke(app, [str(a) for a in args], env={**ENV, **(env or {})}, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


SMALL_PLAN = """\
id: test-2006
title: 测试计划
year: 2006
period:
  start: 2006-01-01
  end: 2006-12-31
sections:
  - number: 1
    title: 第一部分
    tasks:
      - number: 1
        title: 第一项任务
        targets:
          - id: t01-fund
            name: 专项资金
            kind: cumulative
            value: 4
            unit: 亿元
            source: 安排4亿元专项资金
          - id: t01-enrol
            name: 招生
            kind: level
            value: 7.8
            unit: 万人
            schedule: {due: 2006-09-30}
            source: 计划招生7.8万人
      - number: 2
        title: 第二项任务
        targets:
          - id: t02-rules
            name: 管理办法
            kind: milestone
            stages: [drafted, approved, issued]
            source: 制定管理办法
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def small_plan(tmp_path: Path) -> Path:
    """A three-target plan in a tmp dir; its log is ``plan.progress.jsonl`` beside it."""
    return write(tmp_path / "plan.yaml", SMALL_PLAN)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write the user's plan cache."""
    monkeypatch.setenv("EDPLAN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def why_in(plan: Path, as_of: str, lang: str, target: int = 0) -> str:
    """The why line of a target as the terminal shows it in ``lang`` (JSON's is English whatever
    --lang says: a contract), built by the library the CLI calls."""
    import datetime as _dt

    from edplan.core.query import build_status
    from edplan.log.store import log_path_for
    from edplan.render.data import why

    day = _dt.date.fromisoformat(as_of)
    report = build_status(plan, log_path_for(plan), day, day).report
    return why(report.rows[target], lang)


def markdown_cells(out: str, row: int = 0) -> list[str]:
    """The cells of a target row of ``status -f markdown`` (after the title, header and rule)."""
    lines = [line for line in out.splitlines() if line.startswith("|")]
    return [cell.strip() for cell in lines[2 + row].strip("|").split("|")]


# --- PostgreSQL: one throwaway server per test session, a new database per test -----------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a throwaway server (tests/pgserver.py), started the first time a test asks for one;
    the tests that need it are skipped, with the reason, when none can be had."""
    from tests.pgserver import server

    try:
        with server() as url:
            yield url
    except RuntimeError as exc:
        if os.environ.get("EDPLAN_REQUIRE_POSTGRES"):  # CI: the database tests must run
            pytest.fail(f"no PostgreSQL server, and EDPLAN_REQUIRE_POSTGRES is set: {exc}")
        pytest.skip(f"no PostgreSQL server here: {exc}")


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A database of its own for this test (empty: edplan creates its tables on first use)."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg_server.rsplit("/", 1)[0] + "/" + name
