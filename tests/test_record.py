"""``edplan record``: entries checked against the plan, appended once, refusals change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    assert (r.code, r.out, r.err) == (1, "", message + "\n")
    assert log_of(small_plan).read_bytes() == before


def test_default_date_today_outside_the_period_is_refused(small_plan: Path) -> None:
    r = run("--plan", small_plan, "record", "t01-fund", "1")
    assert r.code == 1
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
    assert r.code == 1
    assert r.err == f"{small_plan}:17:20: target t01-fund: 'value' must be a finite number, got 'four'\n"
    assert not log_of(small_plan).exists()
