"""The fast status read (summary.scan) gives exactly what the exact reader gives, whatever the log holds."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edplan.log.entries import Entry
from edplan.log.ledger import Amendment, amendment_line, commit_line, entry_line, read_log
from edplan.log.scan import scan
from edplan.log.tally import fold
from tests.conftest import run

TARGETS = ["t01-fund", "t01-enrol", "t02-rules"]
UNITS = {"t01-fund": ["亿元", "万元"], "t01-enrol": ["万人", "人"], "t02-rules": [""]}
NOTES = ["", "区县上报", 'a "quoted" note', "back\\slash", "tab\there"]


@st.composite
def entries(draw: st.DrawFn, n: int) -> Entry:
    target = draw(st.sampled_from(TARGETS))
    value = (
        draw(st.sampled_from(["drafted", "approved", "issued"]))
        if target == "t02-rules"
        else draw(st.sampled_from(["1", "2.5", "0.1", "0.2", "78000", "7.8"]))
    )
    unit = draw(st.sampled_from(UNITS[target])) or None
    day = dt.date(2006, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
    return Entry(f"e-{n}", target, value, unit, day, draw(st.sampled_from(NOTES)), "", "2006-12-31T00:00:00+00:00")


@st.composite
def logs(draw: st.DrawFn) -> bytes:
    """A log as edplan writes it, with what merges and crashes leave behind."""
    lines: list[str] = []
    written: list[Entry] = []
    for n in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["entry"] * 6 + ["batch", "unfinished", "correct", "retract", "copy", "junk"]))
        if kind == "entry":
            e = draw(entries(n))
            lines.append(entry_line(e))
            written.append(e)
        elif kind in ("batch", "unfinished"):
            batch = [draw(entries(n * 100 + i)) for i in range(draw(st.integers(1, 4)))]
            lines += [entry_line(e, batch=f"b-{n}") for e in batch]
            if kind == "batch":
                lines.append(commit_line(f"b-{n}", len(batch)))
                written += batch
        elif kind in ("correct", "retract") and written:
            e = draw(st.sampled_from(written))
            when = dt.date(2006, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
            new = "issued" if e.target == "t02-rules" else draw(st.sampled_from(["3", "0.3"]))
            lines.append(
                amendment_line(
                    Amendment(f"a-{n}", e.id, "correction", "typo", when, new, e.unit)
                    if kind == "correct"
                    else Amendment(f"a-{n}", e.id, "retraction", "double", when)
                )
            )
        elif kind == "copy" and written:
            lines.append(entry_line(draw(st.sampled_from(written))))  # both sides of a union merge
        elif kind == "junk":
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            '{"id": "x", "targ\n',
                            "not json\n",
                            "\n",
                            '{"id": 1}\n',
                            '{"id": "h", "target": "t01-fund", "value": "1", "unit": "亿元", "date": "2006-02-30"}\n',
                            '{"id": "v", "target": "t01-fund", "value": "lots", "unit": "亿元", "date": "2006-05-01"}'
                            "\n",
                        ]
                    )
                )
            )
    text = "".join(lines)
    if draw(st.booleans()) and text:
        text = text[: -draw(st.integers(1, min(len(text), 30)))]  # a torn tail
    return text.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=logs(), known_by=st.none() | st.dates(dt.date(2006, 1, 1), dt.date(2006, 12, 31)))
def test_fast_read_equals_exact_read(tmp_path: Path, data: bytes, known_by: dt.date | None) -> None:
    log = tmp_path / "p.progress.jsonl"
    log.write_bytes(data)
    fast = scan(log, known_by)
    exact = read_log(log, known_by)
    assert fast.table == fold(exact.entries)
    assert [str(p) for p in fast.problems] == [str(p) for p in exact.problems]


def test_a_plain_log_takes_the_fast_path(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    rows = [Entry(f"e-{i}", "t01-fund", "0.1", "亿元", dt.date(2006, 3, 1)) for i in range(30_000)]
    log.write_text("".join(entry_line(e) for e in rows), encoding="utf-8")
    fast = scan(log)
    assert not fast.exact
    [cell] = fast.table.values()
    assert cell[:3] == [Decimal("3000"), 30_000, "0.1"]  # exact: 30,000 × 0.1, no binary rounding


def test_a_union_merge_copy_is_counted_once_by_status(small_plan: Path) -> None:
    log = small_plan.with_name("plan.progress.jsonl")
    e = Entry("dept-1", "t01-fund", "1.5", "亿元", dt.date(2006, 3, 1))
    log.write_text(entry_line(e) + entry_line(e._replace(recorded="later")), encoding="utf-8")
    r = run("--plan", small_plan, "status", "--as-of", "2006-06-30", "-f", "json")
    fund = next(t for t in json.loads(r.out)["targets"] if t["id"] == "t01-fund")
    assert (fund["actual"], fund["entries"]) == (1.5, 1)


def _write(log: Path, entries: list[Entry], mode: str = "w") -> None:
    with log.open(mode, encoding="utf-8") as f:
        f.write("".join(entry_line(e) for e in entries))


def _fund(i: int, value: str = "1", day: int = 1) -> Entry:
    return Entry(f"e-{i}", "t01-fund", value, "亿元", dt.date(2006, 3, day))


def test_the_cached_tally_grows_with_the_log(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(i) for i in range(100)])
    first = scan(log)
    assert scan(log).table == first.table == fold(read_log(log).entries)
    _write(log, [_fund(100 + i, "0.5", day=2) for i in range(10)], mode="a")
    grown = scan(log)
    assert grown.table == fold(read_log(log).entries)
    assert grown.entries == 110 and not grown.exact


def test_a_copy_appended_after_the_cached_part_is_still_a_copy(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(i) for i in range(50)])
    scan(log)
    _write(log, [_fund(7)], mode="a")  # the same entry again, as a union merge leaves it
    again = scan(log)
    assert again.exact and again.table == fold(read_log(log).entries)


def test_an_amendment_appended_after_the_cached_part_is_applied(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(i) for i in range(20)])
    scan(log)
    with log.open("a", encoding="utf-8") as f:
        f.write(amendment_line(Amendment("c-1", "e-3", "correction", "typo", dt.date(2006, 4, 1), "3", "亿元")))
    [cell] = scan(log).table.values()
    assert cell[0] == Decimal(22)


def test_a_rewritten_log_is_read_again(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(i) for i in range(20)])
    scan(log)
    replacement = tmp_path / "new.jsonl"
    _write(replacement, [_fund(i, "2") for i in range(20)])
    replacement.replace(log)  # as repair and git do: a new file under the old name
    [cell] = scan(log).table.values()
    assert cell[0] == Decimal(40)
    with log.open("r+b") as f:  # an edit in place within the cached part
        f.seek(0)
        f.write(entry_line(_fund(0, "9")).encode("utf-8"))
    assert scan(log).table == fold(read_log(log).entries)


def test_a_log_that_cannot_be_read_is_one_line(small_plan: Path, tmp_path: Path) -> None:
    r = run("--plan", small_plan, "--log", tmp_path, "status")
    assert (r.code, r.out) == (2, "")
    assert r.err == f"{tmp_path}: the progress log is a directory\n"


def test_an_impossible_date_written_by_hand_is_reported_not_counted(tmp_path: Path) -> None:
    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(1)])
    with log.open("a", encoding="utf-8") as f:
        f.write('{"id": "h-1", "target": "t01-fund", "value": "5", "unit": "亿元", "date": "2006-02-30"}\n')
    fast = scan(log)
    exact = read_log(log)
    assert fast.exact and fast.table == fold(exact.entries)
    assert [str(p) for p in fast.problems] == [str(p) for p in exact.problems] != []


def test_a_copy_after_the_cached_part_is_caught_by_the_next_process(tmp_path: Path) -> None:
    """The cache outlives the process: the ids' hashes must not depend on Python's per-process seed."""
    import os
    import subprocess
    import sys

    log = tmp_path / "p.progress.jsonl"
    _write(log, [_fund(i) for i in range(50)])
    probe = "import sys; from edplan.log.scan import scan; s = scan(sys.argv[1]); print(s.exact, s.entries)"

    def scan_in_a_new_process(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        return subprocess.run(
            [sys.executable, "-c", probe, str(log)], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert scan_in_a_new_process("1") == "False 50"  # reads the log, keeps the tally
    _write(log, [_fund(7)], mode="a")  # a copy of entry 7, as a union merge leaves it
    assert scan_in_a_new_process("2") == "True 50"  # the copy is seen: the exact reader counts it once
