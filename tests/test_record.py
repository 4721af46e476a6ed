"""``edplan record``: entries checked against the plan, appended once, refusals change nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from edplan.log.store import history, read_log
from tests.conftest import run


def log_of(plan: Path) -> Path:
    return plan.with_name("plan.progress.jsonl")


def lines(plan: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in log_of(plan).read_text(encoding="utf-8").splitlines()]


def test_record_appends_one_line(small_plan: Path) -> None:
    r = run(
        "--plan",
        small_plan,
        "record",
        "t01-fund",
        "1.5",
        "--date",
        "2006-03-31",
        "--note",
        "一季度拨付",
        "--source",
        "财务处",
        "--id",
        "q1-fund",
    )
    assert (r.code, r.out, r.err) == (0, "recorded q1-fund: t01-fund 1.5亿元 on 2006-03-31\n", "")
    [entry] = lines(small_plan)
    assert {k: v for k, v in entry.items() if k != "recorded"} == {
        "id": "q1-fund",
        "target": "t01-fund",
        "value": "1.5",
        "unit": "亿元",
        "date": "2006-03-31",
        "note": "一季度拨付",
        "source": "财务处",
    }
    assert entry["recorded"].endswith("+00:00")
    # readable in git: one line, Chinese as is
    assert "一季度拨付" in log_of(small_plan).read_text(encoding="utf-8")


def test_values_as_people_write_them(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-enrol", "78,000", "--unit", "人", "--date", "2006-09-01").code == 0
    assert run("--plan", small_plan, "record", "t01-fund", "4亿", "--unit", "元", "--date", "2006-09-01").code == 0
    assert [(e["value"], e["unit"]) for e in lines(small_plan)] == [("78000", "人"), ("400000000", "元")]


def test_milestone_stage(small_plan: Path) -> None:
    r = run("--plan", small_plan, "record", "t02-rules", "approved", "--date", "2006-05-01")
    assert r.code == 0
    assert lines(small_plan)[0]["value"] == "approved"
    assert "unit" not in lines(small_plan)[0]


def test_same_id_twice_counts_once(small_plan: Path) -> None:
    args = ("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", "--id", "batch-7")
    assert run(*args).code == 0
    again = run(*args)
    assert (again.code, again.out) == (0, "already recorded batch-7: nothing added\n")
    assert len(lines(small_plan)) == 1
    status = json.loads(run("--plan", small_plan, "status", "--as-of", "2006-12-31", "-f", "json").out)
    assert next(t for t in status["targets"] if t["id"] == "t01-fund")["actual"] == 1


REFUSALS = [
    (
        ("t01-fnd", "1", "--date", "2006-03-01"),
        "edplan record: TARGET: unknown target 't01-fnd'; did you mean t01-fund, t01-enrol?",
    ),
    (
        ("", "1", "--date", "2006-03-01"),
        "edplan record: TARGET: target id is empty; give a target id such as t03-rural-fund",
    ),
    (
        ("t01-fund", "1", "--date", "2006-02-30"),
        "edplan record: --date: '2006-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31",
    ),
    (
        ("t01-fund", "1", "--date", "31/03/2006"),
        "edplan record: --date: '31/03/2006' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31",
    ),
    (
        ("t01-fund", "1", "--date", "2007-01-01"),
        "edplan record: --date: date 2007-01-01 is outside the plan period 2006-01-01 – 2006-12-31",
    ),
    (
        ("t01-fund", "abc", "--date", "2006-03-01"),
        "edplan record: VALUE: 'abc' is not a number; write digits, e.g. 78000, 78,000 or 7.8万",
    ),
    (
        ("t01-fund", "NaN", "--date", "2006-03-01"),
        "edplan record: VALUE: 'NaN' is not a number; write digits, e.g. 78000, 78,000 or 7.8万",
    ),
    (
        ("t01-fund", "1e400", "--date", "2006-03-01"),
        "edplan record: VALUE: '1e400' is not a number; write digits, e.g. 78000, 78,000 or 7.8万",
    ),
    (
        ("t01-fund", "--date", "2006-03-01", "--", "-5"),
        "edplan record: VALUE: negative value -5 for t01-fund; "
        "record what was achieved; fix a mistake with a correction",
    ),
    (
        ("t01-fund", "5", "--unit", "人", "--date", "2006-03-01"),
        "edplan record: --unit: unit '人' does not convert to t01-fund's unit '亿元'; record in 亿元 or a unit like it",
    ),
    (
        ("t02-rules", "published", "--date", "2006-03-01"),
        "edplan record: VALUE: 'published' is not a stage of t02-rules; use one of: drafted, approved, issued",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[a[0][0] + " " + a[0][1] for a in REFUSALS])
def test_refusals_leave_the_log_byte_for_byte(small_plan: Path, args: tuple[str, ...], message: str) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-01-31").code == 0
    before = log_of(small_plan).read_bytes()
    r = run("--plan", small_plan, "record", *args)
    assert (r.code, r.out, r.err) == (2, "", message + "\n")  # an argument is wrong: a usage error
    assert log_of(small_plan).read_bytes() == before


def test_default_date_today_outside_the_period_is_refused(small_plan: Path) -> None:
    r = run("--plan", small_plan, "record", "t01-fund", "1")
    assert r.code == 2
    assert r.err.startswith("edplan record: --date: date ") and "(today) is outside the plan period" in r.err
    assert not log_of(small_plan).exists()


def test_same_id_with_other_content_is_refused(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", "--id", "x1").code == 0
    before = log_of(small_plan).read_bytes()
    r = run("--plan", small_plan, "record", "t01-fund", "2", "--date", "2006-03-31", "--id", "x1")
    assert (r.code, r.err) == (
        1,
        f"{log_of(small_plan)}: id 'x1' is already recorded with different content; "
        "use a new id, or 'edplan correct' to change a recorded figure\n",
    )
    assert log_of(small_plan).read_bytes() == before


def test_log_option_and_env(small_plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.jsonl"
    assert run("--plan", small_plan, "--log", other, "record", "t01-fund", "1", "--date", "2006-03-31").code == 0
    assert (
        run(
            "--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", env={"EDPLAN_LOG": str(other)}
        ).code
        == 0
    )
    assert len(other.read_text().splitlines()) == 2
    assert not log_of(small_plan).exists()


def test_missing_plan_is_a_usage_error(tmp_path: Path) -> None:
    r = run("--plan", tmp_path / "nope.yaml", "record", "t01-fund", "1", "--date", "2006-03-31")
    assert (r.code, r.out) == (2, "")
    assert r.err == f"{tmp_path / 'nope.yaml'}: plan file not found; give the path with --plan or EDPLAN_PLAN\n"


def test_broken_plan_refuses_to_record(small_plan: Path) -> None:
    small_plan.write_text(small_plan.read_text().replace("value: 4\n", "value: four\n"))
    r = run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31")
    assert r.code == 2  # a broken plan: the command cannot run
    assert r.err == f"{small_plan}:17:20: target t01-fund: 'value' must be a finite number, got 'four'\n"
    assert not log_of(small_plan).exists()


# --- corrections and retractions ---------------------------------------------------------------------


def fund_actual(plan: Path, *args: str) -> object:
    status = json.loads(run("--plan", plan, "status", "-f", "json", *args).out)
    return next(t for t in status["targets"] if t["id"] == "t01-fund")["actual"]


def test_a_correction_is_a_line_of_its_own(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1.5", "--date", "2006-03-31", "--id", "q1").code == 0
    before = log_of(small_plan).read_bytes()
    r = run(
        "--plan", small_plan, "correct", "q1", "1.2", "--reason", "财务处更正", "--date", "2006-05-10", "--id", "fix-q1"
    )
    assert (r.code, r.out, r.err) == (0, "corrected q1: t01-fund 1.5亿元 → 1.2亿元 (fix-q1)\n", "")
    after = log_of(small_plan).read_bytes()
    assert after.startswith(before)  # nothing rewritten
    correction = json.loads(after[len(before) :])
    assert list(correction) == ["id", "corrects", "value", "unit", "date", "reason", "recorded"]
    assert {k: v for k, v in correction.items() if k != "recorded"} == {
        "id": "fix-q1",
        "corrects": "q1",
        "value": "1.2",
        "unit": "亿元",
        "date": "2006-05-10",
        "reason": "财务处更正",
    }
    assert fund_actual(small_plan, "--as-of", "2006-12-31") == 1.2
    # What was known on a day: entries recorded by then (this one today), corrections dated by then.
    assert [e.value for e in read_log(log_of(small_plan), known_by=dt.date(2006, 5, 10)).entries] == []
    assert [e.value for e in read_log(log_of(small_plan), known_by=dt.date.today()).entries] == ["1.2"]
    assert [e.value for e in read_log(log_of(small_plan)).entries] == ["1.2"]
    assert run("--plan", small_plan, "validate").code == 0


def test_the_new_value_is_in_the_entry_s_unit_unless_told(small_plan: Path) -> None:
    args = ("t01-enrol", "78,000", "--unit", "人", "--date", "2006-09-01", "--id", "en")
    assert run("--plan", small_plan, "record", *args).code == 0
    r = run("--plan", small_plan, "correct", "en", "79000", "--reason", "复核")
    assert r.out.startswith("corrected en: t01-enrol 78,000人 → 79,000人 (c-")
    r = run("--plan", small_plan, "correct", "en", "8万", "--unit", "人", "--reason", "复核")
    assert r.out.startswith("corrected en: t01-enrol 79,000人 → 80,000人 (c-")
    r = run("--plan", small_plan, "correct", "en", "8", "--unit", "万人", "--reason", "同上")
    assert (r.code, r.err) == (2, "edplan correct: nothing to correct: en is already 80000人\n")


def test_a_retraction_stops_an_entry_counting(small_plan: Path) -> None:
    for value, entry_id in (("1", "a"), ("2", "b")):
        assert (
            run("--plan", small_plan, "record", "t01-fund", value, "--date", "2006-03-31", "--id", entry_id).code == 0
        )
    r = run("--plan", small_plan, "retract", "b", "--reason", "重复上报", "--date", "2006-04-02", "--id", "no-b")
    assert (r.code, r.out) == (0, "retracted b: t01-fund 2亿元 on 2006-03-31 (no-b)\n")
    assert json.loads(log_of(small_plan).read_text().splitlines()[-1]) | {"recorded": "…"} == {
        "id": "no-b",
        "retracts": "b",
        "date": "2006-04-02",
        "reason": "重复上报",
        "recorded": "…",
    }
    assert fund_actual(small_plan, "--as-of", "2006-12-31") == 1
    assert [e.id for e in read_log(log_of(small_plan), known_by=dt.date.today()).entries] == ["a"]
    again = run("--plan", small_plan, "retract", "b", "--reason", "重复上报", "--date", "2006-04-02", "--id", "no-b")
    assert (again.code, again.out) == (0, "already recorded no-b: nothing added\n")
    r = run("--plan", small_plan, "retract", "b", "--reason", "x")
    assert (r.code, r.err) == (2, "edplan retract: ENTRY_ID: entry b is retracted; record a new entry instead\n")
    r = run("--plan", small_plan, "correct", "b", "3", "--reason", "x")
    assert (r.code, r.err) == (2, "edplan correct: ENTRY_ID: entry b is retracted; record a new entry instead\n")


def test_history_gives_each_entry_with_what_happened_to_it(small_plan: Path) -> None:
    for value, entry_id in (("1", "a"), ("2", "b"), ("3", "c")):
        assert (
            run("--plan", small_plan, "record", "t01-fund", value, "--date", "2006-03-31", "--id", entry_id).code == 0
        )
    assert run("--plan", small_plan, "record", "t01-enrol", "7", "--date", "2006-09-01", "--id", "en").code == 0
    assert run("--plan", small_plan, "correct", "a", "1.1", "--reason", "r1", "--date", "2006-04-01").code == 0
    assert run("--plan", small_plan, "correct", "a", "1.2", "--reason", "r2", "--date", "2006-05-01").code == 0
    assert run("--plan", small_plan, "retract", "c", "--reason", "r3", "--date", "2006-04-15").code == 0
    stories = history(log_of(small_plan), "t01-fund")
    assert [(h.entry.id, h.entry.value) for h in stories] == [("a", "1"), ("b", "2"), ("c", "3")]
    a, b, c = stories
    assert [(x.kind, x.value, x.reason, x.date.isoformat()) for x in a.amendments] == [
        ("correction", "1.1", "r1", "2006-04-01"),
        ("correction", "1.2", "r2", "2006-05-01"),
    ]
    assert a.current() is not None and a.current().value == "1.2"  # type: ignore[union-attr]
    assert a.current(dt.date(2006, 4, 20)).value == "1.1"  # type: ignore[union-attr]
    assert (b.amendments, b.current()) == ((), b.entry)
    assert c.current() is None and c.retraction is not None and c.retraction.reason == "r3"
    assert c.current(dt.date(2006, 4, 14)) == c.entry
    assert history(log_of(small_plan), "t02-rules") == []


AMEND_REFUSALS = [
    (
        ("correct", "nope", "1", "--reason", "x"),
        "{log}: no entry with id 'nope' in the log; give the id of an entry (the first field of its line)",
    ),
    (
        ("correct", "a", "abc", "--reason", ""),
        "edplan correct: --reason: a reason is required; "
        "say why, e.g. --reason '财务处更正'\nedplan correct: NEW_VALUE: 'abc' is not a number; "
        "write digits, e.g. 78000, 78,000 or 7.8万",
    ),
    (
        ("correct", "a", "5", "--unit", "人", "--reason", "x"),
        "edplan correct: --unit: unit '人' does not convert "
        "to t01-fund's unit '亿元'; record in 亿元 or a unit like it",
    ),
    (
        ("correct", "a", "--reason", "x", "--", "-1"),
        "edplan correct: NEW_VALUE: negative value -1 for t01-fund; "
        "record what was achieved; fix a mistake with a correction",
    ),
    (
        ("correct", "a", "2", "--reason", "x", "--date", "2006-03-30"),
        "edplan correct: --date: date 2006-03-30 is "
        "before the entry's own date 2006-03-31; date a correction the day it became known",
    ),
    (
        ("correct", "a", "2", "--reason", "x", "--date", "2999-01-01"),
        "edplan correct: --date: date 2999-01-01 is after today ({today}); date a correction the day it became known",
    ),
    (
        ("correct", "a", "2", "--reason", "x", "--date", "2006-02-30"),
        "edplan correct: --date: '2006-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31",
    ),
    (("correct", "a", "1", "--reason", "x"), "edplan correct: nothing to correct: a is already 1亿元"),
    (
        ("correct", "fix", "2", "--reason", "x"),
        "edplan correct: 'fix' is a correction, not an entry; amend the entry it refers to: a",
    ),
    (
        ("correct", "a", "2", "--reason", "x", "--id", "fix"),
        "{log}: id 'fix' is already recorded with different "
        "content; use a new id, or leave it out to have one generated",
    ),
    (
        ("correct", "a", "2", "--reason", "x", "--id", "a b"),
        "edplan correct: --id: 'a b' is not a usable id; use at "
        "most 64 letters, digits and . _ : / + @ # -, starting with a letter or digit",
    ),
    (
        ("retract", "a", "--reason", "two\nlines"),
        "edplan retract: --reason: reason must be one line of at most 2000 characters",
    ),
    (("correct", "a", "2"), None),  # --reason is required: a usage error from the option parser
]


@pytest.mark.parametrize(("args", "message"), AMEND_REFUSALS, ids=[" ".join(a[0][:3]) for a in AMEND_REFUSALS])
def test_amendments_refused_leave_the_log_byte_for_byte(
    small_plan: Path, args: tuple[str, ...], message: str | None
) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", "--id", "a").code == 0
    assert run("--plan", small_plan, "correct", "a", "1.5", "--reason", "x", "--id", "fix").code == 0
    assert run("--plan", small_plan, "correct", "a", "1", "--reason", "back", "--id", "fix2").code == 0
    before = log_of(small_plan).read_bytes()
    r = run("--plan", small_plan, *args)
    assert r.out == ""
    if message is None:
        assert r.code == 2
    else:
        expected = message.format(log=log_of(small_plan), today=dt.date.today().isoformat())
        # an argument is wrong: 2; an id the log holds with other content is a problem found: 1
        assert (r.code, r.err) == (1 if "already recorded" in message else 2, expected + "\n")
    assert log_of(small_plan).read_bytes() == before


def test_validate_reports_an_amendment_of_a_missing_entry(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", "--id", "a").code == 0
    with open(log_of(small_plan), "a", encoding="utf-8") as f:
        f.write(
            '{"id": "c-1", "corrects": "gone", "value": "2", "unit": "亿元", "date": "2006-04-01", "reason": "x"}\n'
        )
        f.write('{"id": "c-2", "corrects": "a", "value": "-3", "unit": "亿元", "date": "2006-04-01", "reason": "x"}\n')
    r = run("--plan", small_plan, "validate")
    log = log_of(small_plan)
    assert (r.code, r.out.splitlines()) == (
        1,
        [
            f"{log}:2: correction c-1 refers to 'gone', which is not an entry of this log; amend an entry by its id",
            f"{log}:3: a: negative value -3 for t01-fund; record what was achieved; fix a mistake with a correction",
        ],
    )


def test_correct_in_chinese(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "1", "--date", "2006-03-31", "--id", "a").code == 0
    r = run("--lang", "zh", "--plan", small_plan, "correct", "a", "2", "--reason", "更正", "--id", "f")
    assert r.out == "已更正 a：t01-fund 1亿元 → 2亿元（f）\n"
    r = run("--lang", "zh", "--plan", small_plan, "retract", "a", "--reason", "作废", "--id", "g")
    assert r.out == "已撤销 a：t01-fund 2亿元（2006-03-31）（g）\n"
    r = run("--lang", "zh", "--plan", small_plan, "correct", "zz", "2", "--reason", "x")
    assert r.err == f"{log_of(small_plan)}: 日志中没有编号为 'zz' 的记录；请给出记录的编号（即该行的第一个字段）\n"
