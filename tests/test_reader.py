"""The one reader: its fast path gives exactly what the exact path gives, whatever the log holds; the
tally cache answers only when it provably matches the log; every finding of issue 10 pinned."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from edplan.log import cache, framing, reader, sinks
from edplan.log.entries import Entry
from edplan.log.lines import Amendment, amendment_line, commit_line, entry_line
from edplan.log.store import rules_of, tally
from edplan.log.tally import Table, fold
from edplan.plan.load import require_plan
from tests.conftest import SMALL_PLAN, run, write

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
                            '{"id": "n", "target": "t01-fund", "value": "NaN", "unit": "亿元", "date": "2006-05-01"}\n',
                            '{"id": "s", "target": "t01-fund", "value": "1", "note": "\\ud800", "date": "2006-05-01"}'
                            "\n",
                            '{"id": "d", "id": "e-1", "target": "t01-fund", "value": "1", "date": "2006-05-01"}\n',
                            '{"id": "e\\u002d1", "target": "t01-fund", "value": "9", "date": "2006-05-01"}\n',
                            '{"id": "r", "target": "t02-rules", "value": "adopted", "date": "2006-05-01"}\n',
                            '{"id": "o", "target": "t01-fund", "value": "1", "date": "2006-05-01", "note": "'
                            + "长" * 30_000
                            + '"}\n',
                        ]
                    )
                )
            )
    text = "".join(lines)
    if draw(st.booleans()) and text:
        text = text[: -draw(st.integers(1, min(len(text), 30)))]  # a torn tail
    return text.encode("utf-8")



RULES = rules_of(require_plan(write(Path("/tmp/edplan-test-reader-plan.yaml"), SMALL_PLAN)))


def read_all(data: bytes, known_by: dt.date | None = None) -> tuple[Table, reader.Read, list[Entry]]:
    import io

    tally_sink, entries = sinks.TallySink(known_by), sinks.EntrySink(None, known_by)
    result, _ = reader.read(io.BytesIO(data), "p.progress.jsonl", [tally_sink, entries], rules=RULES)
    return tally_sink.table, result, sorted(entries.entries, key=lambda e: e.line)


def exactly(data: bytes, known_by: dt.date | None = None) -> tuple[Table, reader.Read, list[Entry]]:
    """The same read with the fast path off: every line through json.loads, one line at a time."""
    import re
    from unittest import mock

    with mock.patch.object(framing, "CANONICAL", re.compile("(?!)")), mock.patch.object(reader, "BLOCK", 97):
        return read_all(data, known_by)


@settings(max_examples=200, deadline=None)
@given(data=logs(), known_by=st.none() | st.dates(dt.date(2006, 1, 1), dt.date(2006, 12, 31)))
def test_the_fast_path_equals_the_exact_path(data: bytes, known_by: dt.date | None) -> None:
    """Random logs with merges, crashes, amendments anywhere and hostile lines: the block-at-a-time
    pattern path and the line-at-a-time json.loads path give the same tally, entries and warnings,
    and the tally is the fold of the entries."""
    fast_table, fast, fast_entries = read_all(data, known_by)
    slow_table, slow, slow_entries = exactly(data, known_by)
    assert fast_table == slow_table == fold(fast_entries)
    assert fast_entries == slow_entries
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert (fast.set_aside, fast.duplicates, fast.corrected, fast.retracted) == (
        slow.set_aside,
        slow.duplicates,
        slow.corrected,
        slow.retracted,
    )


def test_a_plain_log_is_exact(tmp_path: Path) -> None:
    rows = [Entry(f"e-{i}", "t01-fund", "0.1", "亿元", dt.date(2006, 3, 1)) for i in range(30_000)]
    table, result, _ = read_all("".join(entry_line(e) for e in rows).encode())
    [cell] = table.values()
    assert cell[:3] == [Decimal("3000"), 30_000, "0.1"]  # exact: 30,000 × 0.1, no binary rounding
    assert (result.problems, result.exact_ids) == ([], 0)


def test_a_batch_of_any_size_counts_at_its_commit() -> None:
    rows = [Entry(f"e-{i}", "t01-fund", "1", "亿元", dt.date(2006, 3, 1), "区县上报：第3批") for i in range(25_000)]
    body = "".join(entry_line(e, "b-1") for e in rows)
    table, result, _ = read_all((body + commit_line("b-1", len(rows))).encode())
    assert [c[:2] for c in table.values()] == [[Decimal(25_000), 25_000]] and result.problems == []
    table, result, _ = read_all(body.encode())
    assert table == {} and [p.line for p in result.problems] == [1]


def test_a_correction_inside_a_batch_leaves_the_batch_unfinished_for_every_reader() -> None:
    e = [Entry(f"e-{i}", "t01-fund", "1", "亿元", dt.date(2006, 3, 1)) for i in range(3)]
    fix = Amendment("c-1", "e-0", "correction", "typo", dt.date(2006, 4, 1), "2", "亿元")
    text = entry_line(e[0]) + entry_line(e[1], "b") + amendment_line(fix) + entry_line(e[2], "b") + commit_line("b", 2)
    _table, result, entries = read_all(text.encode())
    assert [x.id for x in entries] == ["e-0"] and entries[0].value == "2"
    assert [str(p).split(": ", 1)[1] for p in result.problems] == [
        "unfinished batch b (line 2): not counted (write interrupted); run 'edplan repair' to set it aside",
        "unfinished batch b (line 4): not counted (write interrupted); run 'edplan repair' to set it aside",
        "commit of batch b does not follow its 2 lines; run 'edplan repair' to set it aside",
    ]


def _fund(i: int, value: str = "1", day: int = 1) -> Entry:
    return Entry(f"e-{i}", "t01-fund", value, "亿元", dt.date(2006, 3, day))


def _log(plan: Path, *lines: str) -> Path:
    log = plan.with_name("plan.progress.jsonl")
    log.write_text("".join(lines), encoding="utf-8")
    return log


def _json(plan: Path, *args: str) -> dict[str, object]:
    r = run("--plan", plan, *args, "--as-of", "2006-06-30", "-f", "json")
    assert r.code in (0, 1), r.err
    parsed: dict[str, object] = json.loads(r.out)
    return parsed


def _fund_of(status: dict[str, object]) -> object:
    targets = status["targets"]
    assert isinstance(targets, list)
    return next((t["actual"], t["entries"]) for t in targets if t["id"] == "t01-fund")


HOSTILE_VALUES = ["NaN", "Infinity", "-Infinity", "1e400", "abc", "0x10", " 1", "1_000"]


def test_a_bad_value_is_one_warning_and_takes_nothing_else_down(small_plan: Path) -> None:
    """Each hostile value in the log: status, show, report and validate all run (no internal error),
    the valid entries of the same target and day still count, and each command names the line."""
    for value in HOSTILE_VALUES:
        bad = json.dumps({"id": "x9", "target": "t01-fund", "value": value, "unit": "亿元", "date": "2006-03-01"})
        _log(small_plan, entry_line(_fund(1, "1.5")), bad + "\n", entry_line(_fund(2, "0.5")))
        warning = (
            f"plan.progress.jsonl:2: x9: value '{value}' is not a number; t01-fund counts numbers; "
            "correct it with 'edplan correct x9 --value …', or retract it"
        )
        status = _json(small_plan, "status")
        assert _fund_of(status) == (2.0, 2), value
        assert [w for w in status["warnings"] if "x9" in w] == [  # type: ignore[attr-defined]
            str(small_plan.parent / warning)
        ], value
        shown = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", "-f", "json")
        assert shown.code == 0 and json.loads(shown.out)["actual"] == 2.0, value
        assert run("--plan", small_plan, "report", "--as-of", "2006-06-30").code in (0, 1), value
        checked = run("--plan", small_plan, "validate")
        assert checked.code == 1 and warning in checked.out, value


def test_a_lone_surrogate_or_a_duplicated_key_is_a_bad_line(small_plan: Path) -> None:
    _log(
        small_plan,
        entry_line(_fund(1, "1.5")),
        '{"id": "x1", "target": "t01-fund", "value": "1", "unit": "亿元", "date": "2006-03-01", "note": "\\udc80"}\n',
        '{"id": "x2", "target": "t01-fund", "value": "1", "value": "7", "unit": "亿元", "date": "2006-03-01"}\n',
    )
    status = _json(small_plan, "status")
    assert _fund_of(status) == (1.5, 1)
    log = small_plan.with_name("plan.progress.jsonl")
    assert status["warnings"] == [
        f"{log}:2: 'note' holds a lone surrogate (not text); run 'edplan repair' to set it aside",
        f"{log}:3: the field 'value' is given twice; run 'edplan repair' to set it aside",
    ]
    repaired = run("--plan", small_plan, "repair")
    assert repaired.code == 0 and "set aside line(s) 2–3" in repaired.out


def test_an_escaped_id_cannot_hide_from_the_writer(small_plan: Path) -> None:
    """The log holds id "b2" written as "b\\u0032": a new entry with id b2 is the same id, not a
    second entry that would silently lose to the first."""
    _log(small_plan, '{"id": "b\\u0032", "target": "t01-fund", "value": "1", "unit": "亿元", "date": "2006-03-01"}\n')
    r = run("--plan", small_plan, "record", "t01-fund", "2", "--date", "2006-03-02", "--id", "b2")
    assert r.code == 1 and "id 'b2' is already recorded with different content" in r.err
    assert _fund_of(_json(small_plan, "status")) == (1.0, 1)


def test_every_command_gives_the_same_figures_and_warnings(small_plan: Path) -> None:
    """Status, show and report on one log full of what merges, crashes and hand edits leave."""
    fix = Amendment("c-1", "e-1", "correction", "typo", dt.date(2006, 4, 1), "2", "亿元")
    ghost = Amendment("c-2", "nope", "correction", "typo", dt.date(2006, 4, 1), "2", "亿元")
    _log(
        small_plan,
        entry_line(_fund(1)),
        entry_line(_fund(2), "b") + amendment_line(fix) + entry_line(_fund(3), "b") + commit_line("b", 2),
        '{"id": "long", "target": "t01-fund", "value": "1", "date": "2006-03-01", "note": "' + "x" * 70_000 + '"}\n',
        amendment_line(ghost),
        entry_line(_fund(1)),
        '{"id": "n", "target": "t01-fund", "value": "NaN", "date": "2006-03-01"}\n',
        entry_line(_fund(4, "0.5")),
    )
    status = _json(small_plan, "status")
    shown = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", "-f", "json", env={"COLUMNS": "300"})
    figures = json.loads(shown.out)
    assert _fund_of(status) == (figures["actual"], figures["entries"]) == (2.5, 2)
    warnings = status["warnings"]
    assert isinstance(warnings, list) and [w.split(":")[1] for w in warnings] == ["2", "4", "5", "6", "7", "9"]
    validated = run("--plan", small_plan, "validate")
    for warning in warnings:
        assert warning in shown.err
        assert str(warning) in validated.out
    report = run("--plan", small_plan, "report", "--as-of", "2006-06-30", env={"COLUMNS": "300"})
    assert report.code in (0, 1)
    for warning in warnings:
        assert warning in report.err


def test_a_correction_its_target_cannot_count_leaves_the_entry_as_it_was_everywhere(small_plan: Path) -> None:
    """A hand-written correction to 'abc' is one warning; status, show and report count the entry as
    recorded (show failed with an internal error on it once), and show lists no correction that did
    not count."""
    bad = Amendment("c-1", "e-1", "correction", "typo", dt.date(2006, 4, 1), "abc", "亿元")
    _log(small_plan, entry_line(_fund(1)), amendment_line(bad))
    status = _json(small_plan, "status")
    shown = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", "-f", "json", env={"COLUMNS": "300"})
    assert shown.code == 0, shown.err
    figures = json.loads(shown.out)
    assert _fund_of(status) == (figures["actual"], figures["entries"]) == (1.0, 1)
    assert [e["amendments"] for e in figures["entries_list"]] == [[]]
    warnings = status["warnings"]
    assert isinstance(warnings, list) and len(warnings) == 1
    assert warnings[0].endswith("plan.progress.jsonl:2: e-1: value 'abc' is not a number; t01-fund counts numbers; "
                                "correct the correction with 'edplan correct', or retract the entry")
    assert " ".join(shown.err.split()) == f"warning: {warnings[0]}"
    table = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", env={"COLUMNS": "200"})
    assert table.code == 0 and "corrected" not in table.out, table.out
    report = run("--plan", small_plan, "report", "--as-of", "2006-06-30", env={"COLUMNS": "300"})
    assert report.code in (0, 1) and " ".join(report.err.split()) == f"warning: {warnings[0]}"


# --- the tally cache ------------------------------------------------------------------------------


def test_the_cache_answers_only_for_the_same_file(small_plan: Path) -> None:
    log = _log(small_plan, *(entry_line(_fund(i)) for i in range(20)))
    assert tally(log, RULES).cached is False
    assert tally(log, RULES).cached is True
    with log.open("r+b") as f:  # an edit in place, same size: the kernel moves st_ctime
        f.seek(log.read_bytes().index(b'"value": "1"') + len('"value": "'))
        f.write(b"9")
    again = tally(log, RULES)
    assert again.cached is False and [c[0] for c in again.table.values()] == [Decimal(28)]


def test_a_tampered_or_corrupt_cache_is_ignored(small_plan: Path) -> None:
    log = _log(small_plan, *(entry_line(_fund(i)) for i in range(20)))
    tally(log, RULES)
    file = cache.cache_file(log)
    assert file is not None and file.exists()
    data = file.read_bytes()
    # the payload edited so that status would say "achieved": the checksum no longer matches
    file.write_bytes(data.replace(b'"20"', b'"99"', 1))
    assert tally(log, RULES).cached is False
    assert [c[0] for c in tally(log, RULES).table.values()] == [Decimal(20)]
    for junk in (b"", b"{not json\n", b'{"format": 3, "length": 1, "checksum": "x"}\n?', data[:100]):
        file.write_bytes(junk)
        assert tally(log, RULES).table == tally(log, RULES, use_cache=False).table


def test_a_fifo_in_place_of_the_cache_does_not_hang(small_plan: Path) -> None:
    import os

    log = _log(small_plan, *(entry_line(_fund(i)) for i in range(5)))
    file = cache.cache_file(log)
    assert file is not None
    file.parent.mkdir(parents=True, exist_ok=True)
    file.unlink(missing_ok=True)
    os.mkfifo(file)
    assert _fund_of(_json(small_plan, "status")) == (5.0, 5)  # returns: the FIFO was not opened to wait
    assert file.is_file()  # and the next save replaced it with a regular file


def test_a_writer_extends_the_cache_with_what_it_wrote(small_plan: Path) -> None:
    log = _log(small_plan, *(entry_line(_fund(i)) for i in range(20)))
    tally(log, RULES)
    assert run("--plan", small_plan, "record", "t01-fund", "0.5", "--date", "2006-03-02").code == 0
    kept = tally(log, RULES)
    assert kept.cached is True
    assert kept.table == tally(log, RULES, use_cache=False).table
    assert sum(c[0] for c in kept.table.values()) == Decimal("20.5")


def test_a_copy_is_seen_by_the_next_process(tmp_path: Path, small_plan: Path) -> None:
    """The cache outlives the process: id fingerprints must not depend on Python's per-process seed."""
    import os
    import subprocess
    import sys

    _log(small_plan, *(entry_line(_fund(i)) for i in range(50)))
    env = {**os.environ, "PYTHONHASHSEED": "1", "EDPLAN_LANG": "en"}
    args = [sys.executable, "-m", "edplan", "--plan", str(small_plan), "status", "--as-of", "2006-06-30", "-f", "json"]
    subprocess.run(args, env=env, capture_output=True, check=False)
    cmd = [sys.executable, "-m", "edplan", "--plan", str(small_plan), "record", "t01-fund", "1", "--date", "2006-03-01"]
    retry = subprocess.run([*cmd, "--id", "e-7"], env={**env, "PYTHONHASHSEED": "2"}, capture_output=True)
    assert retry.returncode == 0
    out = subprocess.run(args, env={**env, "PYTHONHASHSEED": "3"}, capture_output=True, text=True).stdout
    assert _fund_of(json.loads(out)) == (50.0, 50)  # the retry of e-7 added nothing


# --- only logs are logs ---------------------------------------------------------------------------


def test_the_plan_given_as_the_log_is_refused(small_plan: Path) -> None:
    before = small_plan.read_bytes()
    for args in (("record", "t01-fund", "1", "--date", "2006-03-01"), ("repair",)):
        r = run("--plan", small_plan, "--log", small_plan, *args)
        assert r.code == 2, args
        assert r.err.startswith(f"{small_plan}: this is not a progress log: ")
    assert small_plan.read_bytes() == before


def test_a_symlinked_log_is_repaired_at_its_target(small_plan: Path) -> None:
    real = small_plan.parent / "real.jsonl"
    real.write_text(entry_line(_fund(1)) + "junk\n", encoding="utf-8")
    link = small_plan.with_name("plan.progress.jsonl")
    link.symlink_to(real)
    assert run("--plan", small_plan, "repair").code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == entry_line(_fund(1))


def test_a_fifo_or_a_device_as_the_log_is_refused(small_plan: Path) -> None:
    import os

    fifo = small_plan.parent / "fifo.jsonl"
    os.mkfifo(fifo)
    for log in (fifo, Path("/dev/zero")):
        for args in (("status",), ("record", "t01-fund", "1", "--date", "2006-03-01"), ("repair",), ("validate",)):
            r = run("--plan", small_plan, "--log", log, *args)
            assert r.code == 2, (log, args)
            assert "the progress log is not a regular file (a pipe, a device or a socket)" in r.err, (log, args)


def test_a_tampered_ids_file_is_not_trusted_by_a_writer(small_plan: Path) -> None:
    """The writer checks new ids against the cached fingerprints only when their file matches the
    checksum the tally keeps; zeroed, it reads the log, and a retry still adds nothing."""
    log = _log(small_plan, *(entry_line(_fund(i)) for i in range(20)))
    tally(log, RULES)
    file = cache.cache_file(log)
    assert file is not None
    ids = file.with_suffix(".ids")
    ids.write_bytes(b"\0" * len(ids.read_bytes()))
    before = log.read_bytes()
    r = run("--plan", small_plan, "record", "t01-fund", "1", "--unit", "亿元", "--date", "2006-03-01", "--id", "e-3")
    assert r.code == 0, r.err
    assert log.read_bytes() == before


def test_show_lists_the_latest_entries_of_a_busy_target_in_bounded_memory(small_plan: Path) -> None:
    """A target fed by district imports has thousands of entries: show counts them all, lists the
    latest 200 (kept in a bounded heap while the log streams by, batches included)."""
    day = dt.date(2006, 1, 1)
    rows = [Entry(f"e-{i}", "t01-fund", "0.001", "亿元", day + dt.timedelta(days=i % 180)) for i in range(900)]
    body = "".join(entry_line(e, "b-1") for e in rows[:600]) + commit_line("b-1", 600)
    _log(small_plan, body, *(entry_line(e) for e in rows[600:]))
    shown = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", "-f", "json")
    data = json.loads(shown.out)
    assert (data["entries"], data["entries_total"], len(data["entries_list"])) == (900, 900, 200)
    assert [e["date"] for e in data["entries_list"]] == sorted(e["date"] for e in data["entries_list"])
    assert data["entries_list"][-1]["date"] == "2006-06-29"
    text = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", env={"COLUMNS": "120"})
    assert "Entries (900)" in text.out and "the latest 200 of 900 are listed" in text.out


def test_repair_names_the_bad_values_it_cannot_move(small_plan: Path) -> None:
    """A value its target cannot count is the ledger's history, not a torn line: repair moves
    nothing, says how to fix it, and exits 1 (there is a problem left)."""
    bad = '{"id": "x9", "target": "t01-fund", "value": "NaN", "unit": "亿元", "date": "2006-03-01"}\n'
    log = _log(small_plan, entry_line(_fund(1)), bad)
    before = log.read_bytes()
    r = run("--plan", small_plan, "repair")
    assert (r.code, r.out) == (1, f"{log}: nothing to repair\n")
    assert r.err == (
        f"{log}:2: x9: value 'NaN' is not a number; t01-fund counts numbers; "
        "correct it with 'edplan correct x9 --value …', or retract it\n"
    )
    assert log.read_bytes() == before
