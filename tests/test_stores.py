"""The same scenarios against both stores: the text log and PostgreSQL (issue 13).

Each test runs the real CLI against a log named as a user names it: a path in a tmp dir, or the URL
of a database of its own on a throwaway PostgreSQL server (tests/pgserver.py; skipped with the
reason where no server can be had, never in CI). The messages are pinned; where they name the log,
they name it as the user typed it (a URL with its password masked).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ENV, ROOT, SMALL_PLAN, run, write

STORES = ["file", "postgresql"]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The ``--log`` of one store: a file beside the plan, or a new database."""
    if request.param == "file":
        return str(tmp_path / "plan.progress.jsonl")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(tmp_path / "plan.yaml", SMALL_PLAN)


def ed(plan: Path, log: str, *args: str | Path) -> tuple[int, str, str]:
    r = run("--plan", plan, "--log", log, *args)
    return r.code, r.out, r.err


def status_json(plan: Path, log: str, *args: str) -> dict[str, object]:
    code, out, err = ed(plan, log, "status", "-f", "json", *args)
    assert (code, err) == (0, ""), err
    data: dict[str, object] = json.loads(out)
    return data


def fund(plan: Path, log: str, *args: str) -> dict[str, object]:
    targets = status_json(plan, log, "--as-of", "2006-12-31", *args)["targets"]
    assert isinstance(targets, list)
    found: dict[str, object] = next(t for t in targets if t["id"] == "t01-fund")
    return found


def csv(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("id,target,value,unit,date,note\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# --- one entry, a retry, a conflict ---------------------------------------------------------------


def test_record_a_retry_and_a_conflict(plan: Path, store: str) -> None:
    args = ["record", "t01-fund", "1.2", "--date", "2006-03-10", "--id", "x1", "--note", "一季度拨付"]
    assert ed(plan, store, *args) == (0, "recorded x1: t01-fund 1.2亿元 on 2006-03-10\n", "")
    assert ed(plan, store, *args) == (0, "already recorded x1: nothing added\n", "")
    args[2] = "1.3"
    assert ed(plan, store, *args) == (
        1,
        "",
        f"{store}: id 'x1' is already recorded with different content; "
        "use a new id, or 'edplan correct' to change a recorded figure\n",
    )
    assert fund(plan, store)["actual"] == 1.2


def test_a_bulk_import_dry_run_retry_and_conflict(plan: Path, store: str, tmp_path: Path) -> None:
    rows = [
        "b1,t01-fund,0.5,亿元,2006-04-01,第二批",
        "b2,t01-fund,3000,万元,2006-04-15,第三批",
        "b3,t02-rules,drafted,,2006-02-01,",
    ]
    source = csv(tmp_path, "in.csv", rows)
    assert ed(plan, store, "record", "--from", source, "--dry-run") == (
        0,
        f"checked 3 rows from {source}: 3 to add, 0 already recorded; nothing written (dry run)\n",
        "",
    )
    assert fund(plan, store)["entries"] == 0
    assert ed(plan, store, "record", "--from", source) == (0, f"recorded 3 entries from {source}\n", "")
    assert ed(plan, store, "record", "--from", source) == (
        0,
        f"nothing added: all 3 entries from {source} were already recorded\n",
        "",
    )
    clash = csv(tmp_path, "clash.csv", ["b4,t01-fund,0.1,亿元,2006-05-01,", "b2,t01-fund,2000,万元,2006-04-15,第三批"])
    code, out, err = ed(plan, store, "record", "--from", clash)
    assert (code, out) == (1, "")
    assert err.startswith(f"{clash}:3: id: id 'b2' is already recorded with different content")
    assert fund(plan, store)["entries"] == 2  # nothing of the refused batch counts, b4 included
    assert fund(plan, store)["actual"] == 0.8


# --- corrections and retractions: the same figures from both stores -------------------------------


def _history(plan: Path, log: str, tmp_path: Path) -> None:
    """A quarter's reports: single entries in two units, a batch, two corrections (one back-dated)
    of one entry, a retraction, a milestone's stages and a corrected stage."""
    records: list[tuple[str, ...]] = [
        ("t01-fund", "1.2", "--date", "2006-03-31", "--id", "f1", "--note", "一季度"),
        ("t01-fund", "3000", "--unit", "万元", "--date", "2006-04-20", "--id", "f2"),
        ("t01-enrol", "7.6万", "--date", "2006-06-20", "--id", "e1"),
        ("t01-enrol", "76500", "--unit", "人", "--date", "2006-06-20", "--id", "e2"),
        ("t02-rules", "drafted", "--date", "2006-02-01", "--id", "m1"),
        ("t02-rules", "approved", "--date", "2006-05-01", "--id", "m2"),
    ]
    for args in records:
        code, _, err = ed(plan, log, "record", *args)
        assert code == 0, err
    batch = csv(
        tmp_path,
        "q2.csv",
        [f"q{i},t01-fund,0.{i},亿元,2006-05-{10 + i:02d},二季度第{i}批" for i in range(1, 6)],
    )
    assert ed(plan, log, "record", "--from", batch)[0] == 0
    amendments: list[tuple[str, ...]] = [
        ("correct", "f1", "1.0", "--reason", "财务处更正", "--date", "2006-04-02", "--id", "c1"),
        ("correct", "f1", "0.95", "--reason", "再次更正", "--date", "2006-06-01", "--id", "c2"),
        ("retract", "q3", "--reason", "重复报送", "--date", "2006-05-20", "--id", "r1"),
        ("correct", "m2", "drafted", "--reason", "尚未批准", "--date", "2006-05-03", "--id", "c3"),
    ]
    for args in amendments:
        code, _, err = ed(plan, log, *args)
        assert code == 0, err


def test_the_same_history_gives_the_same_status_show_and_report_from_both_stores(
    plan: Path, pg_url: str, tmp_path: Path
) -> None:
    text = str(tmp_path / "plan.progress.jsonl")
    _history(plan, text, tmp_path)
    _history(plan, pg_url, tmp_path)
    for as_of in ("2006-03-31", "2006-05-15", "2006-07-01"):
        for known in ((), ("--known-on", "2006-04-02"), ("--known-on", "2006-05-10")):
            args = ("--as-of", as_of, *known)
            assert status_json(plan, pg_url, *args) == status_json(plan, text, *args), args
            for target in ("t01-fund", "t01-enrol", "t02-rules") if as_of == "2006-07-01" else ():
                # The two histories were recorded seconds apart: the stamps differ, nothing else may.
                shown = [
                    re.sub(r'"recorded": "[^"]*"', "", ed(plan, log, "show", target, "-f", "json", *args)[1])
                    for log in (text, pg_url)
                ]
                assert shown[0] == shown[1], (target, args)
    reports = [ed(plan, log, "report", "--as-of", "2006-07-01", "--since", "2006-05-01") for log in (text, pg_url)]
    assert reports[0] == reports[1]
    assert fund(plan, pg_url)["actual"] == 0.95 + 0.3 + 0.1 + 0.2 + 0.4 + 0.5


def test_corrections_and_retractions_are_refused_alike(plan: Path, store: str) -> None:
    assert ed(plan, store, "record", "t01-fund", "1.2", "--date", "2006-03-31", "--id", "f1")[0] == 0
    assert ed(plan, store, "retract", "f1", "--reason", "重复", "--id", "r1") == (
        0,
        "retracted f1: t01-fund 1.2亿元 on 2006-03-31 (r1)\n",
        "",
    )
    assert ed(plan, store, "retract", "f1", "--reason", "重复", "--id", "r1")[0] == 0  # a retry
    assert ed(plan, store, "correct", "f1", "1.0", "--reason", "更正") == (
        2,
        "",
        "edplan correct: ENTRY_ID: entry f1 is retracted; record a new entry instead\n",
    )
    code, _, err = ed(plan, store, "correct", "nope", "1.0", "--reason", "更正")
    assert (code, err) == (
        2,
        f"{store}: no entry with id 'nope' in the log; give the id of an entry (the first field of its line)\n",
    )
    assert ed(plan, store, "correct", "r1", "1.0", "--reason", "更正") == (
        2,
        "",
        "edplan correct: 'r1' is a retraction, not an entry; amend the entry it refers to: f1\n",
    )


# --- eight writers at once ----------------------------------------------------------------------------


def child_env(log: str) -> dict[str, str]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "EDPLAN_LOG": log}
    return env


def test_eight_processes_write_at_once(plan: Path, store: str, tmp_path: Path) -> None:
    """Four record one entry each and four import 250 rows each, all started together (on a new
    database: all eight race to create the tables). Exactly 1,004 entries count, with the exact sum."""
    expected: dict[str, Decimal] = {}
    commands: list[list[str]] = []
    for w in range(4):
        value = f"0.00{w + 1}"
        expected[f"s{w}"] = Decimal(value)
        commands.append(["record", "t01-fund", value, "--date", "2006-06-30", "--id", f"s{w}"])
        rows = [
            f"w{w}-{i},t01-fund,0.{i % 10}{w},亿元,2006-{1 + i % 12:02d}-{1 + i % 28:02d},第{w}批" for i in range(250)
        ]
        expected.update({f"w{w}-{i}": Decimal(f"0.{i % 10}{w}") for i in range(250)})
        commands.append(["record", "--from", str(csv(tmp_path, f"w{w}.csv", rows))])
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "edplan", "--plan", str(plan), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(store),
        )
        for argv in commands
    ]
    results = [p.communicate(timeout=120) for p in processes]
    assert [(p.returncode, err.decode()) for p, (_, err) in zip(processes, results, strict=True)] == [(0, "")] * 8
    got = fund(plan, store)
    assert got["entries"] == 1004
    assert Decimal(str(got["actual"])) == sum(expected.values(), Decimal(0))
    code, _, err = ed(plan, store, "validate")
    assert code == 0 and err.endswith(f"{store}: valid (1004 entries)\n")


# --- hostile rows ----------------------------------------------------------------------------------


def test_hostile_rows_are_kept_verbatim_and_shown_safely(plan: Path, store: str, tmp_path: Path) -> None:
    """A terminal escape in a note, SQL in a note, a stray quote: stored as typed, never run, never
    reaching the terminal raw."""
    escape = "\x1b[31m红字\x1b[0m"
    sql = "x'); DROP TABLE edplan_entries; --"
    source = csv(
        tmp_path,
        "hostile.csv",
        [f"h1,t01-fund,0.1,亿元,2006-03-01,{escape}", 'h2,t01-fund,0.2,亿元,2006-03-02,"a ""quoted"" note"'],
    )
    assert ed(plan, store, "record", "--from", source)[0] == 0
    assert ed(plan, store, "record", "t01-fund", "0.3", "--date", "2006-03-03", "--id", "h3", "--note", sql)[0] == 0
    code, out, _ = ed(plan, store, "show", "t01-fund", "--as-of", "2006-12-31", "-f", "json")
    assert code == 0
    assert [e["note"] for e in json.loads(out)["entries_list"]] == [escape, 'a "quoted" note', sql]
    code, out, _ = ed(plan, store, "show", "t01-fund", "--as-of", "2006-12-31")
    assert code == 0 and "\x1b" not in out and "红字" in out
    assert fund(plan, store)["entries"] == 3


# --- PostgreSQL only: a killed import, connections, repair, copies -------------------------------------


# The kill tests' stalled writer lives here, not in the product: the real command, with the driver
# made to stop at one point of the import's transaction (while COPY streams the rows, or after the
# INSERT and before the COMMIT) and say so in a file, so that the kill lands there however loaded
# the machine is.
STALLED_WRITER = """
import sys, time
from pathlib import Path
import psycopg
marker, point = Path(sys.argv[1]), sys.argv[2]
def stall():
    marker.write_text(point)
    time.sleep(120)
if point == "copy":
    real_write = psycopg.Copy.write_row
    seen = [0]
    def write_row(self, row):
        seen[0] += 1
        if seen[0] == 1000:
            stall()
        return real_write(self, row)
    psycopg.Copy.write_row = write_row
else:
    real_execute = psycopg.Connection.execute
    def execute(self, query, *args, **kwargs):
        result = real_execute(self, query, *args, **kwargs)
        if "INSERT INTO edplan_entries" in str(query):
            stall()
        return result
    psycopg.Connection.execute = execute
from edplan.cli import main
sys.argv = ["edplan", *sys.argv[3:]]
main()
"""


@pytest.mark.parametrize("point", ["copy", "insert"])
def test_an_import_killed_mid_transaction_counts_nothing_and_a_retry_counts_all(
    plan: Path, pg_url: str, tmp_path: Path, point: str
) -> None:
    rows = [f"k{i},t01-fund,0.0001,亿元,2006-{1 + i % 12:02d}-{1 + i % 28:02d}," for i in range(3000)]
    source = csv(tmp_path, "big.csv", rows)
    marker = tmp_path / "stalled"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            STALLED_WRITER,
            str(marker),
            point,
            "--plan",
            str(plan),
            "record",
            "--from",
            str(source),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(pg_url),
    )
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline and not marker.exists():
        time.sleep(0.01)
    assert marker.exists(), writer.communicate()
    # Killed inside its transaction: the server sees the connection drop and rolls it back.
    writer.send_signal(signal.SIGKILL)
    writer.communicate()
    assert fund(plan, pg_url)["entries"] == 0
    assert ed(plan, pg_url, "record", "--from", source) == (0, f"recorded 3000 entries from {source}\n", "")
    assert fund(plan, pg_url)["entries"] == 3000
    assert ed(plan, pg_url, "validate")[0] == 0  # the status summary agrees with the entries


def test_a_server_that_refuses_is_one_line_and_exit_2(plan: Path, pg_server: str) -> None:
    url = pg_server.rsplit("/", 1)[0].replace("postgres@", "postgres:s3cret@") + "/no_such_db"
    code, out, err = ed(plan, url, "status")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "s3cret" not in err
    assert err.startswith("edplan status: cannot connect to the progress database postgresql://postgres:***@")
    assert 'database "no_such_db" does not exist' in err


def test_repair_and_validate_over_a_database(plan: Path, pg_url: str) -> None:
    assert ed(plan, pg_url, "record", "t01-fund", "1.2", "--date", "2006-03-31", "--id", "f1")[0] == 0
    assert ed(plan, pg_url, "repair") == (
        0,
        f"{pg_url}: nothing to repair: a database appends in transactions, so nothing is torn or half-written\n",
        "",
    )
    assert ed(plan, pg_url, "validate") == (
        0,
        "",
        f"{plan}: valid (1 sections, 2 tasks, 3 targets)\n{pg_url}: valid (1 entries)\n",
    )


def test_the_ledger_refuses_updates_and_a_tampered_summary_is_found_and_summed_again(plan: Path, pg_url: str) -> None:
    import psycopg

    for i, value in enumerate(("1.2", "0.3", "0.5")):
        assert ed(plan, pg_url, "record", "t01-fund", value, "--date", f"2006-0{i + 3}-01", "--id", f"f{i}")[0] == 0
    before = status_json(plan, pg_url, "--as-of", "2006-12-31")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in (
            "UPDATE edplan_entries SET value = '9'",
            "DELETE FROM edplan_entries",
            "TRUNCATE edplan_entries",
        ):
            with pytest.raises(psycopg.errors.RaiseException) as refused:
                conn.execute(statement)
            assert str(refused.value).startswith("the edplan progress ledger is append-only")
        conn.execute("UPDATE edplan_cells SET n = n + 5, total = total + 1")  # the summary is derived data
    code, out, _ = ed(plan, pg_url, "validate")
    assert code == 1
    assert out == (
        f"{pg_url}: the status summary (edplan_cells) disagrees with the entries in 3 group(s); "
        "run 'edplan repair' to sum it again from the entries\n"
    )
    assert ed(plan, pg_url, "repair", "--dry-run")[1] == (
        f"{pg_url}: would sum the status summary again from the entries; nothing written (dry run)\n"
    )
    assert ed(plan, pg_url, "repair")[1] == (
        f"{pg_url}: summed the status summary again from the entries; the entries needed nothing\n"
    )
    assert ed(plan, pg_url, "validate")[0] == 0
    assert status_json(plan, pg_url, "--as-of", "2006-12-31") == before


def test_several_plans_share_one_database(tmp_path: Path, pg_url: str) -> None:
    first = write(tmp_path / "a" / "plan.yaml", SMALL_PLAN)
    second = write(tmp_path / "b" / "plan.yaml", SMALL_PLAN.replace("id: test-2006", "id: test-2007"))
    assert ed(first, pg_url, "record", "t01-fund", "1.2", "--date", "2006-03-31", "--id", "f1")[0] == 0
    assert ed(second, pg_url, "record", "t01-fund", "2.5", "--date", "2006-03-31", "--id", "f1")[0] == 0
    assert (fund(first, pg_url)["actual"], fund(second, pg_url)["actual"]) == (1.2, 2.5)


def test_log_copy_both_ways_keeps_every_figure_and_is_idempotent(plan: Path, pg_url: str, tmp_path: Path) -> None:
    text = str(tmp_path / "plan.progress.jsonl")
    _history(plan, text, tmp_path)
    r = run("--plan", plan, "log", "copy", text, pg_url)
    assert (r.code, r.out, r.err) == (
        0,
        f"copied 11 entries and 4 amendments from {text} to {pg_url}; 0 were already there\n",
        "",
    )
    r = run("--plan", plan, "log", "copy", text, pg_url)
    assert r.out == f"copied 0 entries and 0 amendments from {text} to {pg_url}; 15 were already there\n"
    back = str(tmp_path / "back.progress.jsonl")
    r = run("--plan", plan, "log", "copy", pg_url, back)
    assert r.out == f"copied 11 entries and 4 amendments from {pg_url} to {back}; 0 were already there\n"
    for known in ((), ("--known-on", "2006-05-10")):
        want = status_json(plan, text, "--as-of", "2006-07-01", *known)
        assert status_json(plan, pg_url, "--as-of", "2006-07-01", *known) == want
        assert status_json(plan, back, "--as-of", "2006-07-01", *known) == want
    # The batch stays a batch: its five entries, then its commit line, as 'record --from' wrote them.
    lines = [json.loads(line) for line in Path(back).read_text(encoding="utf-8").splitlines()]
    commits = [line for line in lines if "commit" in line]
    assert [c["lines"] for c in commits] == [5]
    assert Path(text).read_text(encoding="utf-8").splitlines() == Path(back).read_text(encoding="utf-8").splitlines()


def test_a_copy_onto_a_conflicting_log_writes_nothing(plan: Path, pg_url: str, tmp_path: Path) -> None:
    text = str(tmp_path / "plan.progress.jsonl")
    assert ed(plan, text, "record", "t01-fund", "1.2", "--date", "2006-03-31", "--id", "f1")[0] == 0
    assert ed(plan, text, "record", "t01-fund", "0.3", "--date", "2006-04-30", "--id", "f2")[0] == 0
    assert ed(plan, pg_url, "record", "t01-fund", "9", "--date", "2006-03-31", "--id", "f1")[0] == 0
    r = run("--plan", plan, "log", "copy", text, pg_url)
    assert (r.code, r.out) == (1, "")
    assert r.err == (
        f"{pg_url}: id 'f1' is already recorded with different content; "
        "the two logs disagree on this id: correct one of them, then copy again\n"
    )
    assert fund(plan, pg_url)["entries"] == 1
    before = Path(text).read_bytes()
    r = run("--plan", plan, "log", "copy", pg_url, text)
    assert r.code == 1 and Path(text).read_bytes() == before


def test_log_copy_refuses_what_is_not_a_log_and_writes_nothing(plan: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.progress.jsonl"
    r = run("--plan", plan, "log", "copy", plan, dest)
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        f"{plan}: this is not a progress log: 34 of its first 34 lines are not JSON objects; "
        "check --log: a progress log has one JSON object per line (plans/NAME.progress.jsonl)\n"
    )
    assert not dest.exists()
    r = run("--plan", plan, "log", "copy", tmp_path / "missing.jsonl", dest)
    assert (r.code, r.err) == (2, f"{tmp_path / 'missing.jsonl'}: progress log not found\n")
    r = run("--plan", plan, "log", "copy", dest, dest)
    assert (r.code, r.err) == (2, f"edplan log copy: FROM and TO are the same log: {dest}; copy to another log\n")


def test_a_url_urllib_cannot_split_is_one_line_with_its_password_masked(plan: Path) -> None:
    code, out, err = ed(plan, "postgresql://bureau:s3cret@[bad/plans", "status")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "s3cret" not in err
    assert err.startswith("edplan status: cannot connect to the progress database postgresql://bureau:***@[bad/plans: ")
