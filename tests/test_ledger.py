"""The log as a ledger under stress: many writers at once, writers killed mid-write, torn files, merges.

Real processes (``python -m edplan``) write real files; the checks read the log back with the same
reader ``status`` uses. Every byte prefix of a batch write is also tried in-process: that is every
state a writer killed with SIGKILL can leave behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edplan.core.validate import validate_paths
from edplan.log import lines as progress
from edplan.log import reader, sinks
from edplan.log.entries import Entry
from edplan.log.repair import repair
from edplan.log.store import read_log, with_ids
from tests.conftest import ENV, ROOT, SMALL_PLAN, run, write

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def edplan(plan: Path, *args: str) -> list[str]:
    """The command line of ``python -m edplan --plan PLAN ARGS`` (for Popen)."""
    return [sys.executable, "-m", "edplan", "--plan", str(plan), *args]


# The crash tests' slow writer lives here, not in the product: the real command, with the writer's
# one write function replaced by one that writes the same bytes in pieces with pauses (line by line,
# the last entry line in two halves), so that a kill lands between lines, inside a line or before
# the commit however loaded the machine is.
SLOW_WRITER = """
import sys, time
import edplan.log.writer as writer
real = writer.write_all
pause = float(sys.argv[1])
def slow(fd, payload):
    pieces = payload.splitlines(keepends=True)
    if len(pieces) > 1:
        last = pieces[-1]
        pieces[-1:] = [last[: len(last) // 2], last[len(last) // 2 :]]
    for piece in pieces:
        real(fd, piece)
        time.sleep(pause)
writer.write_all = slow
from edplan.cli import main
sys.argv = ["edplan", *sys.argv[2:]]
main()
"""


def slow_edplan(plan: Path, pause: float, *args: str) -> list[str]:
    return [sys.executable, "-c", SLOW_WRITER, str(pause), "--plan", str(plan), *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), **(extra or {})}
    env.pop("EDPLAN_LOG", None)
    return env


def csv_rows(rows: list[tuple[str, str, str, str]]) -> bytes:
    """CSV with a header from (id, target, value, date) tuples."""
    lines = ["id,target,value,date"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def jsonl_rows(rows: list[tuple[str, str, str, str]]) -> bytes:
    return b"".join(json.dumps({"id": i, "target": t, "value": v, "date": d}).encode() + b"\n" for i, t, v, d in rows)


def committed(log: Path) -> dict[str, str]:
    """id → value of every entry the reader counts."""
    return {e.id: e.value for e in read_log(log).entries}


# --- eight writers at once -----------------------------------------------------------------------------


def test_eight_processes_record_4000_entries_at_once(small_plan: Path, tmp_path: Path) -> None:
    """Eight processes started together: four record one entry each, four import 999 entries each (two
    CSV files, two JSON Lines on stdin). Exactly 4,000 entries come out, each once, with the exact total."""
    log = small_plan.with_name("plan.progress.jsonl")
    rng = random.Random(4)
    expected: dict[str, Decimal] = {}

    def value() -> str:
        # At most 20 times the 4亿元 goal: a larger figure is refused as implausible (issue 9).
        text = f"{rng.randint(0, 79999) / 1000:.3f}".rstrip("0").rstrip(".")
        return text or "0"

    commands: list[tuple[list[str], bytes | None]] = []
    for w in range(4):
        single_id, single_value = f"s{w}", value()
        expected[single_id] = Decimal(single_value)
        commands.append(
            (edplan(small_plan, "record", "t01-fund", single_value, "--date", "2006-06-30", "--id", single_id), None)
        )
        rows = [(f"w{w}-{i}", "t01-fund", value(), f"2006-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(999)]
        expected.update({i: Decimal(v) for i, _, v, _ in rows})
        if w % 2:
            commands.append((edplan(small_plan, "record", "--from", "-"), jsonl_rows(rows)))
        else:
            path = tmp_path / f"w{w}.csv"
            path.write_bytes(csv_rows(rows))
            commands.append((edplan(small_plan, "record", "--from", str(path)), None))
    rng.shuffle(commands)
    processes = [
        subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
        for argv, _ in commands
    ]
    results = [p.communicate(data, timeout=120) for p, (_, data) in zip(processes, commands, strict=True)]
    assert [(p.returncode, err) for p, (_, err) in zip(processes, results, strict=True)] == [(0, b"")] * 8
    said = sorted(out.decode() for out, _ in results)
    assert [line.split(" on ")[0] for line in said[4:]] == [
        f"recorded s{w}: t01-fund {expected[f's{w}']}亿元" for w in range(4)
    ]
    assert said[:4] == sorted(
        [f"recorded 999 entries from {tmp_path / 'w0.csv'}\n", f"recorded 999 entries from {tmp_path / 'w2.csv'}\n"]
        + ["recorded 999 entries from <stdin>\n"] * 2
    )

    read = read_log(log)
    assert read.problems == []
    assert len(read.entries) == 4000
    assert {e.id for e in read.entries} == set(expected)
    assert sum((Decimal(e.value) for e in read.entries), Decimal(0)) == sum(expected.values(), Decimal(0))
    # Every line whole: 4,000 entries, and one commit line per batch.
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert sum(line.startswith(b'{"commit"') for line in lines) == 4
    assert len(lines) - 1 == 4000 + 4
    status = json.loads(run("--plan", small_plan, "status", "--as-of", "2006-12-31", "-f", "json").out)
    fund = next(t for t in status["targets"] if t["id"] == "t01-fund")
    assert Decimal(str(fund["actual"])) == sum(expected.values(), Decimal(0))
    assert fund["entries"] == 4000


# --- killed at any moment --------------------------------------------------------------------------------


def batch_size(rows: list[tuple[str, str, str, str]]) -> int:
    """How many bytes importing ``rows`` appends (timestamps and batch ids have fixed lengths)."""
    stamp, batch = "2006-01-01T00:00:00+00:00", "b-000000000000"
    lines = [Entry(i, t, v, "亿元", dt.date.fromisoformat(d), recorded=stamp) for i, t, v, d in rows]
    return sum(len(progress.entry_line(e, batch).encode()) for e in lines) + len(progress.commit_line(batch, len(rows)))


def kill_lane(lane: int, plan: Path, rounds: int) -> list[str]:
    """Import small batches and kill each writer with SIGKILL at a random moment; after each kill the
    batch is all there or not at all, every earlier entry is intact, and repair makes the log valid."""
    rng = random.Random(lane)
    log = plan.with_name("plan.progress.jsonl")
    known: dict[str, str] = {}
    outcomes: list[str] = []
    for k in range(rounds):
        rows = [(f"k{lane}-{k}-{j}", "t01-fund", f"{k}.{j + 1}", "2006-05-01") for j in range(5)]
        source = plan.with_name(f"batch-{k}.csv")
        source.write_bytes(csv_rows(rows))
        before = log.stat().st_size if log.exists() else 0
        # Slow writes spread a batch over pieces with pauses between them: line by line, the last line
        # in two halves, then the commit. Most kills wait until the log has grown by a random number of
        # bytes of the batch (so they land between lines, inside a line, before or after the commit,
        # however loaded the machine is); every fourth lands at a random time from the start.
        writer = subprocess.Popen(
            slow_edplan(plan, 0.02, "record", "--from", str(source)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        if k % 4 == 3:
            time.sleep(rng.uniform(0, 0.6))
        else:
            size = batch_size(rows)
            grown = rng.randint(1, size + size // 2)
            deadline = time.monotonic() + 30
            while writer.poll() is None and time.monotonic() < deadline:
                if log.exists() and log.stat().st_size - before >= grown:
                    break
                time.sleep(0.001)
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        now = committed(log)
        ids = {r[0] for r in rows}
        got = ids & set(now)
        assert got in (set(), ids), f"round {k}: part of a batch counts: {sorted(got)}"
        assert {i: now[i] for i in known} == known, f"round {k}: an earlier entry changed"
        assert set(now) - ids == set(known), f"round {k}: entries appeared from nowhere"
        known.update({r[0]: r[2] for r in rows if r[0] in got})
        repaired = repair(log, NOW)
        outcomes.append("whole" if got else "cut" if repaired.lines else "none")
        [checked_plan, checked_log] = validate_paths([plan])
        assert checked_plan.problems == []
        assert checked_log.problems == [], f"round {k}: {checked_log.problems}"
        assert committed(log) == known
    return outcomes


def test_sigkill_mid_import_leaves_the_whole_batch_or_none(tmp_path: Path) -> None:
    plans = [write(tmp_path / f"lane{lane}" / "plan.yaml", SMALL_PLAN) for lane in range(2)]
    with ThreadPoolExecutor(2) as pool:
        outcomes = [o for lane in pool.map(kill_lane, range(2), plans, [10, 10]) for o in lane]
    assert len(outcomes) == 20
    # Kills landed after the commit (whole) and in the middle of a write (cut: repair had lines to move).
    assert {"whole", "cut"} <= set(outcomes), outcomes
    for plan in plans:
        r = run("validate", plan)
        assert r.code == 0, r.out


def test_every_prefix_of_a_batch_write_reads_as_all_or_none(small_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer killed after any number of bytes: the reader counts the batch whole or not at all, and
    after repair the log reads clean with every earlier entry intact. Zeros in place of the tail (what
    a power loss can leave) behave the same."""
    log = small_plan.with_name("plan.progress.jsonl")
    rows = [("a1", "t01-fund", "1.5", "2006-03-01")]
    log.parent.joinpath("one.csv").write_bytes(csv_rows(rows))
    assert run("--plan", small_plan, "record", "--from", log.parent / "one.csv").code == 0
    base = log.read_bytes()
    batch = [(f"b{j}", "t01-fund", f"0.{j + 1}", "2006-04-01") for j in range(3)]
    log.parent.joinpath("three.csv").write_bytes(csv_rows(batch))
    assert run("--plan", small_plan, "record", "--from", log.parent / "three.csv").code == 0
    written = log.read_bytes()[len(base) :]
    assert written.count(b"\n") == 4 and written.splitlines()[-1].startswith(b'{"commit"')
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not what this loop tests
    zeroed = set(random.Random(0).sample(range(len(written)), 40))
    for cut in range(len(written) + 1):
        tails = [written[:cut]] + ([written[:cut] + b"\x00" * (len(written) - cut)] if cut in zeroed else [])
        for tail in tails:
            log.write_bytes(base + tail)
            ids = set(committed(log))
            assert ids == ({"a1", "b0", "b1", "b2"} if tail == written else {"a1"}), cut
            repair(log, NOW)
            read = read_log(log)
            assert (read.problems, {e.id for e in read.entries}) == ([], ids), cut
            for side in log.parent.glob("plan.progress.jsonl.rejected-*"):
                side.unlink()
    assert validate_paths([small_plan])[1].problems == []


# --- repair and its neighbours ---------------------------------------------------------------------------


def test_a_writer_waiting_while_repair_replaces_the_log_writes_to_the_new_one(small_plan: Path) -> None:
    log = small_plan.with_name("plan.progress.jsonl")
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-01", "--id", "first").code == 0
    with open(log, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        writer = subprocess.Popen(
            edplan(small_plan, "record", "t01-fund", "2", "--date", "2006-03-02", "--id", "waiting"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        time.sleep(1.0)  # the writer is now blocked on the lock of the old file
        replacement = log.with_name("replacement")
        replacement.write_bytes(log.read_bytes())
        os.replace(replacement, log)  # what repair does
    _, err = writer.communicate(timeout=60)
    assert (writer.returncode, err) == (0, b"")
    assert set(committed(log)) == {"first", "waiting"}


def test_repair_sets_lines_aside_byte_for_byte(small_plan: Path) -> None:
    log = small_plan.with_name("plan.progress.jsonl")
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-01", "--id", "ok1").code == 0
    good = log.read_bytes()
    garbage = b'{"id": "x", "target": "t01-fund", "value": "1", "batch": "b-1"}\nnot json at all\n{"id": "torn'
    log.write_bytes(good + garbage)
    mode = 0o640
    log.chmod(mode)
    r = run("--plan", small_plan, "repair", "--dry-run")
    assert (r.code, r.out) == (0, f"{log}: would set aside line(s) 2–4; nothing written (dry run)\n")
    assert log.read_bytes() == good + garbage
    r = run("--plan", small_plan, "repair")
    [side] = log.parent.glob("plan.progress.jsonl.rejected-*")
    assert r.code == 0
    assert r.out == f"{log}: set aside line(s) 2–4 into {side}\n"
    assert r.err.splitlines() == [
        f"{log}:2: 'date' is missing or not text; run 'edplan repair' to set it aside",
        f"{log}:3: not a JSON object (corrupt or incomplete entry); run 'edplan repair' to set it aside",
        f"{log}:4: incomplete entry (write interrupted); run 'edplan repair' to set it aside",
    ]
    assert log.read_bytes() == good
    assert side.read_bytes() == garbage + b"\n"
    assert log.stat().st_mode & 0o777 == mode
    again = run("--plan", small_plan, "repair")
    assert (again.code, again.out) == (0, f"{log}: nothing to repair\n")
    assert run("--plan", small_plan, "validate").code == 0


def test_repair_without_a_log_says_so(small_plan: Path) -> None:
    r = run("--plan", small_plan, "repair")
    log = small_plan.with_name("plan.progress.jsonl")
    assert (r.code, r.out, r.err) == (2, "", f"{log}: progress log not found\n")


def test_a_torn_tail_then_more_writes(small_plan: Path) -> None:
    """After a crash the next writer ends the fragment with a newline, so its own line is whole; the
    fragment is still reported until repair moves it."""
    log = small_plan.with_name("plan.progress.jsonl")
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-01", "--id", "a").code == 0
    with open(log, "ab") as f:
        f.write(b'{"id": "half", "target": "t01-f')
    r = run("--plan", small_plan, "validate")
    assert (r.code, r.out) == (
        1,
        f"{log}:2: incomplete entry (write interrupted); run 'edplan repair' to set it aside\n",
    )
    status = run("--plan", small_plan, "status", "--as-of", "2006-12-31", "-f", "json")
    assert status.code == 0
    assert json.loads(status.out)["warnings"][0] == (
        f"{log}:2: incomplete entry (write interrupted); run 'edplan repair' to set it aside"
    )
    assert run("--plan", small_plan, "record", "t01-fund", "2", "--date", "2006-03-02", "--id", "b").code == 0
    assert committed(log) == {"a": "1", "b": "2"}
    r = run("--plan", small_plan, "validate")
    assert r.out == f"{log}:2: incomplete entry (write interrupted); run 'edplan repair' to set it aside\n"
    assert run("--plan", small_plan, "repair").code == 0
    assert run("--plan", small_plan, "validate").code == 0
    assert committed(log) == {"a": "1", "b": "2"}


# --- two branches, one log -------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_union_merge_of_two_branches_counts_each_entry_once(tmp_path: Path) -> None:
    """Both branches append (one entry was cherry-picked onto both): the union merge has no conflict,
    and the ids keep the entry that arrived twice from counting twice."""
    repo = tmp_path / "repo"
    repo.mkdir()
    plan = repo / "plan.yaml"
    plan.write_text(SMALL_PLAN, encoding="utf-8")
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, env=git_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def record(*args: str) -> None:
        assert run("--plan", plan, "record", *args).code == 0

    def shared(recorded: str) -> None:
        """The same entry sent to both branches, appended at different times."""
        entry = Entry("shared", "t01-fund", "0.25", "亿元", dt.date(2006, 3, 31), recorded=recorded)
        with open(repo / "plan.progress.jsonl", "a", encoding="utf-8") as f:
            f.write(progress.entry_line(entry))

    git("init", "-q", "-b", "main")
    record("t01-fund", "1", "--date", "2006-01-31", "--id", "base")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "finance")
    record("t01-fund", "0.5", "--date", "2006-02-28", "--id", "fin-feb")
    shared("2006-04-01T09:00:00+00:00")
    git("commit", "-q", "-am", "finance")
    git("checkout", "-q", "main")
    record("t01-enrol", "7", "--date", "2006-09-01", "--id", "enrol-sep")
    shared("2006-04-02T10:30:00+00:00")
    git("commit", "-q", "-am", "enrolment")
    git("merge", "-q", "--no-edit", "finance")
    read = read_log(repo / "plan.progress.jsonl")
    assert read.problems == []
    assert sorted(e.id for e in read.entries) == ["base", "enrol-sep", "fin-feb", "shared"]
    assert read.duplicates == 1
    assert sum(Decimal(e.value) for e in read.entries if e.target == "t01-fund") == Decimal("1.75")
    assert run("validate", plan).code == 0


# --- the writer's look-up agrees with the reader ---------------------------------------------------------

IDS = [f"id{n}" for n in range(40)]


@st.composite
def logs(draw: st.DrawFn) -> bytes:
    """A log as crashes, retries and hand edits leave it: plain lines, batches committed or not (or
    with a wrong count), amendments, corrupt and blank lines, ids used more than once, a torn tail."""
    out: list[bytes] = []

    def entry(batch: str | None = None) -> bytes:
        e = Entry(draw(st.sampled_from(IDS)), "t01-fund", str(draw(st.integers(0, 3))), "亿元", dt.date(2006, 3, 1))
        return progress.entry_line(e, batch).encode()

    for n in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["entry", "batch", "unfinished", "miscounted", "amendment", "corrupt", "blank"]))
        if kind == "entry":
            out.append(entry())
        elif kind in ("batch", "unfinished", "miscounted"):
            size = draw(st.integers(1, 4))
            out += [entry(f"b-{n}") for _ in range(size)]
            if kind != "unfinished":
                out.append(progress.commit_line(f"b-{n}", size + (kind == "miscounted")).encode())
        elif kind == "amendment":
            a = progress.Amendment(
                draw(st.sampled_from(IDS)), draw(st.sampled_from(IDS)), "retraction", "r", dt.date(2006, 4, 1)
            )
            out.append(progress.amendment_line(a).encode())
        elif kind == "corrupt":
            out.append(draw(st.sampled_from([b'{"id": "id1", "tar\n', b"\x00\x00\n", b"[]\n", b'{"id": "id2"}\n'])))
        else:
            out.append(b"\n")
    text = b"".join(out)
    if draw(st.booleans()) and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    return text


@settings(max_examples=150, deadline=None)
@given(data=logs(), few=st.lists(st.sampled_from(IDS), min_size=1, max_size=3, unique=True))
def test_a_writer_finds_what_a_reader_counts(data: bytes, few: list[str]) -> None:
    """The writers' look-up (few ids, and many) finds the first line holding each id among what the
    reader counts, on every kind of damaged log; and a reader fed the log in 7-byte blocks (every line
    cut across blocks) reads what it reads in 1 MB blocks."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "plan.progress.jsonl"
        log.write_bytes(data)
        with open(log, "rb") as fh:
            sink = sinks.EntrySink()
            whole, _ = reader.read(fh, str(log), [sink])
            records: list[Entry | progress.Amendment] = [*sink.entries, *whole.amended.values(), *whole.amendments]
            expected: dict[str, Entry | progress.Amendment] = {}
            for record in sorted(records, key=lambda r: r.line):
                if record.id not in whole.amended or isinstance(record, progress.Amendment):
                    expected.setdefault(record.id, record)
            for entry_id, original in whole.amended.items():
                if entry_id not in expected or expected[entry_id].line > original.line:
                    expected[entry_id] = original
            for ids in (set(few), set(IDS)):
                found, _ = with_ids(fh, str(log), ids)
                assert found == {i: r for i, r in expected.items() if i in ids}
            with mock.patch.object(reader, "BLOCK", 7):
                small = sinks.EntrySink()
                again, _ = reader.read(fh, str(log), [small])
            assert (again.problems, again.set_aside, sorted(small.entries)) == (
                whole.problems,
                whole.set_aside,
                sorted(sink.entries),
            )


def test_a_long_batch_counts_whole_or_not_at_all(small_plan: Path) -> None:
    """A batch is tallied as it streams by (its rows are not held); what it counts, and what repair
    moves when the commit is missing, do not depend on how the log is cut into blocks."""
    log = small_plan.with_name("plan.progress.jsonl")
    rows = [(f"r{j}", "t01-fund", f"0.{j + 1}", "2006-04-01") for j in range(7)]
    write(small_plan.parent / "seven.csv", csv_rows(rows).decode())
    assert run("--plan", small_plan, "record", "--from", small_plan.parent / "seven.csv").code == 0
    with mock.patch.object(reader, "BLOCK", 100):
        read = read_log(log)
        assert [(e.id, e.value, e.line) for e in read.entries] == [(f"r{j}", f"0.{j + 1}", j + 1) for j in range(7)]
        whole = log.read_bytes()
        log.write_bytes(whole[: whole.rindex(b'{"commit"')])  # the commit never made it
        assert read_log(log).entries == []
        repaired = repair(log, NOW)
        assert (repaired.lines, log.read_bytes()) == ([1, 2, 3, 4, 5, 6, 7], b"")
