"""Errors say one thing one way (issue 12 §6): the nearest right name when a word is misspelt, every
problem of a plan in one run of validate, and each warning on one line however narrow the terminal.

Every test runs the real CLI and pins the exact message.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edplan.log.entries import Entry
from edplan.log.lines import Amendment, amendment_line, entry_line
from tests.conftest import PLAN_2006, SMALL_PLAN, run, write

# A second section for SMALL_PLAN (append it), numbered as the first one is: a duplicate number.
SECTION_ONE_AGAIN = """\
  - number: 1
    title: 第二部分
    tasks:
      - number: 3
        title: 第三项任务
        targets:
          - id: t03-rules
            name: 办法
            kind: milestone
            source: 制定办法
"""


def validate(tmp_path: Path, text: str) -> tuple[int, list[str], Path]:
    plan = write(tmp_path / "plan.yaml", text)
    r = run("--plan", plan, "validate")
    assert r.err.endswith("problem(s) found\n"), r.err
    return r.code, r.out.splitlines(), plan


# --- 1. did you mean, for the words of a plan ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "line"),
    [
        (
            "kind: cumulativ",
            "16:19: target t01-fund: 'kind' must be one of 'cumulative', 'level' or 'milestone', got 'cumulativ'; "
            "did you mean 'cumulative'?",
        ),
        (
            "kind: Level",
            "16:19: target t01-fund: 'kind' must be one of 'cumulative', 'level' or 'milestone', got 'Level'; "
            "did you mean 'level'?",
        ),
        (
            "kind: cumulative\n            direction: at-least",
            "17:24: target t01-fund: 'direction' must be one of 'at_least', 'at_most', 'approximately' or "
            "'stable', got 'at-least'; did you mean 'at_least'?",
        ),
        (
            "kind: cumulative\n            direction: atmost",
            "17:24: target t01-fund: 'direction' must be one of 'at_least', 'at_most', 'approximately' or "
            "'stable', got 'atmost'; did you mean 'at_most'?",
        ),
        (
            "kind: sum",
            "16:19: target t01-fund: 'kind' must be one of 'cumulative', 'level' or 'milestone', got 'sum'",
        ),
    ],
)
def test_an_enum_value_misspelt_names_the_nearest_one(tmp_path: Path, written: str, line: str) -> None:
    code, lines, plan = validate(tmp_path, SMALL_PLAN.replace("kind: cumulative", written, 1))
    assert (code, lines) == (1, [f"{plan}:{line}"])


def test_the_nearest_value_in_chinese(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN.replace("kind: cumulative", "kind: cumulativ"))
    r = run("--plan", plan, "--lang", "zh", "validate")
    assert r.code == 1
    assert r.out.splitlines()[0].endswith("；是否指 'cumulative'？"), r.out


def test_an_unknown_field_names_the_nearest_one_or_says_remove_it(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("source: 安排4亿元专项资金", "sorce: 安排4亿元专项资金").replace(
        "source: 计划招生7.8万人", "source: 计划招生7.8万人\n            colour: red"
    )
    code, lines, plan = validate(tmp_path, text)
    assert code == 1
    assert f"{plan}:19:13: target t01-fund: unknown field 'sorce'; did you mean 'source'?" in lines
    assert f"{plan}:27:13: target t01-enrol: unknown field 'colour'; remove it or check its spelling" in lines
    # one mistake, one line: the misspelt field is not also reported as missing
    assert not any("missing 'source'" in line for line in lines), lines
    assert len(lines) == 2, lines


# --- 2. did you mean, for the names status takes ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "lagginh"), "--status: unknown status 'lagginh'; did you mean 'lagging'?"),
        (("--status", "At-Risc"), "--status: unknown status 'At-Risc'; did you mean 'at_risk'?"),
        (("--status", "not_d"), "--status: unknown status 'not_d'; did you mean 'not_due' or 'no_data'?"),
        (("--fail-on", "overdu"), "--fail-on: unknown status 'overdu'; did you mean 'overdue'?"),
        (("--sort", "progres"), "--sort: cannot sort by 'progres'; did you mean 'progress'?"),
        (
            ("--status", "late"),
            "--status: unknown status 'late'; use one or more of: "
            "overdue,lagging,at_risk,no_data,nearly_met,on_track,not_due,exceeded,achieved,stale",
        ),
        (("--sort", "name"), "--sort: cannot sort by 'name'; use one of: id, gap, progress, status"),
    ],
)
def test_a_misspelt_status_or_sort_key_names_the_nearest(args: tuple[str, ...], message: str) -> None:
    r = run("--plan", PLAN_2006, "status", *args)
    assert (r.code, r.out, r.err) == (2, "", f"edplan status: {message}\n")


def test_every_misspelt_option_at_once_one_line_each() -> None:
    r = run("--plan", PLAN_2006, "status", "--status", "lagginh,ontrack", "--fail-on", "overdu", "--sort", "gapp")
    assert r.code == 2
    assert r.err == (
        "edplan status: --status: unknown status 'lagginh'; did you mean 'lagging'?\n"
        "edplan status: --status: unknown status 'ontrack'; did you mean 'on_track'?\n"
        "edplan status: --fail-on: unknown status 'overdu'; did you mean 'overdue'?\n"
        "edplan status: --sort: cannot sort by 'gapp'; did you mean 'gap'?\n"
    )


def test_the_nearest_status_in_chinese() -> None:
    r = run("--plan", PLAN_2006, "--lang", "zh", "status", "--status", "lagginh")
    assert (r.code, r.err) == (2, "edplan status: --status:未知状态 'lagginh'；是否指 'lagging'？\n")


# --- 3. every problem of a plan in one run ---------------------------------------------------------


DUPLICATE_ID = "target id 't01-fund' is used twice; the first is in task 1; ids must be unique"
BAD_VALUE = "'value' must be a finite number, got 'lots'"


def test_a_duplicate_id_and_a_bad_value_in_the_first_of_the_two(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("id: t01-enrol", "id: t01-fund").replace("value: 4\n", "value: lots\n")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (1, [f"{plan}:17:20: target t01-fund: {BAD_VALUE}", f"{plan}:20:17: {DUPLICATE_ID}"])


def test_a_duplicate_id_and_a_bad_value_in_another_target(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("id: t02-rules", "id: t01-fund").replace("value: 7.8\n", "value: lots\n")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (1, [f"{plan}:23:20: target t01-enrol: {BAD_VALUE}", f"{plan}:30:17: {DUPLICATE_ID}"])


def test_a_duplicate_id_and_a_misspelt_kind_in_the_duplicate(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("id: t01-enrol", "id: t01-fund").replace("kind: level", "kind: levle")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:20:17: {DUPLICATE_ID}",
            f"{plan}:22:19: target t01-fund: 'kind' must be one of 'cumulative', 'level' or 'milestone', "
            "got 'levle'; did you mean 'level'?",
        ],
    )


def test_a_duplicate_section_number_and_a_bad_year(tmp_path: Path) -> None:
    code, lines, plan = validate(tmp_path, SMALL_PLAN.replace("year: 2006", "year: soon") + SECTION_ONE_AGAIN)
    assert (code, lines) == (
        1,
        [
            f"{plan}:3:7: plan: 'year' must be a whole number, got 'soon'",
            f"{plan}:35:13: section number 1 is used twice; the first is section #1",
        ],
    )


def test_a_duplicate_task_number_and_a_bad_section_title(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("title: 第一部分", "title: [第一部分]").replace(
        "number: 2\n        title: 第二项任务", "number: 1\n        title: 第二项任务"
    )
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:9:12: section 1: 'title' must be text, got a list",
            f"{plan}:27:17: task number 1 is used twice; task numbers run through the whole plan, as in the document",
        ],
    )


def test_a_date_outside_the_period_and_a_bad_setting(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("sections:", "settings:\n  lagging_below: lots\nsections:").replace(
        "due: 2006-09-30", "due: 2007-09-30"
    )
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:8:18: plan: 'settings.lagging_below' must be a finite number, got 'lots'",
            f"{plan}:27:29: target t01-enrol: due date 2007-09-30 is outside the plan period 2006-01-01 – 2006-12-31; "
            "use a date inside the period",
        ],
    )


def test_a_date_outside_the_period_and_a_bad_value(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("value: 4\n", "value: lots\n").replace("due: 2006-09-30", "due: 2007-09-30")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:17:20: target t01-fund: {BAD_VALUE}",
            f"{plan}:25:29: target t01-enrol: due date 2007-09-30 is outside the plan period 2006-01-01 – 2006-12-31; "
            "use a date inside the period",
        ],
    )


def test_a_duplicate_id_and_a_bad_default_schedule(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("sections:", "settings:\n  schedule: {due: soon}\nsections:").replace(
        "id: t02-rules", "id: t01-fund"
    )
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:8:19: plan: 'settings.schedule.due' must be a date like 2006-09-30, got 'soon'",
            f"{plan}:32:17: {DUPLICATE_ID}",
        ],
    )


def test_targets_outside_a_task_and_a_duplicate_id(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("sections:", "targets: []\nsections:").replace("id: t02-rules", "id: t01-fund")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:7:1: plan: targets must be listed inside a task; move them under a task's 'targets:'",
            f"{plan}:31:17: {DUPLICATE_ID}",
        ],
    )


def test_a_task_with_no_targets_and_a_duplicate_section_number(tmp_path: Path) -> None:
    rules = SMALL_PLAN.index("        targets:\n          - id: t02-rules")
    text = SMALL_PLAN[:rules] + "        targets: []\n" + SECTION_ONE_AGAIN
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:29:18: task 2: 'targets' must not be empty",
            f"{plan}:30:13: section number 1 is used twice; the first is section #1",
        ],
    )


def test_no_sections_and_a_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    head = "".join(SMALL_PLAN.splitlines(keepends=True)[:6])
    text = head.replace("year: 2006", "year: 2007").replace("end: 2006-12-31", "end: 2005-12-31")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:1:1: plan: missing 'sections'; add 'sections:'",
            f"{plan}:3:7: year 2007 does not match the period start 2006-01-01; "
            "make year the year the period starts in",
            f"{plan}:6:8: period ends (2005-12-31) before it starts (2006-01-01)",
        ],
    )


def test_a_part_of_nothing_and_a_bad_value_in_another_target(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace(
        "source: 计划招生7.8万人", "source: 计划招生7.8万人\n            part_of: t01-funds"
    ).replace("value: 4\n", "value: lots\n")
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (
        1,
        [
            f"{plan}:17:20: target t01-fund: {BAD_VALUE}",
            f"{plan}:27:22: target t01-enrol: part_of names 't01-funds', which is not a target of this plan; "
            "give the id of the total this figure is a part of",
        ],
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # The total stands in (a milestone, no figure): its part is not "part of a milestone".
        pytest.param(
            SMALL_PLAN.replace(
                "source: 计划招生7.8万人", "source: 计划招生7.8万人\n            part_of: t01-fund"
            ).replace("value: 4\n", "value: lots\n"),
            f"17:20: target t01-fund: {BAD_VALUE}",
            id="the-total-stands-in",
        ),
        # A part stands in: its total's parts do not "add up to nothing".
        pytest.param(
            SMALL_PLAN.replace(
                "kind: cumulative\n            value: 4\n", "kind: level\n            value: lots\n"
            ).replace("unit: 亿元\n", "unit: 万人\n            part_of: t01-enrol\n"),
            "17:20: target t01-fund: 'value' must be a finite number, got 'lots'",
            id="a-part-stands-in",
        ),
        # The thresholds are checked together: a default in for an unreadable one proves nothing.
        pytest.param(
            SMALL_PLAN.replace("sections:", "settings:\n  at_risk_below: lots\n  lagging_below: 0.95\nsections:"),
            "8:18: plan: 'settings.at_risk_below' must be a finite number, got 'lots'",
            id="a-threshold-stands-in",
        ),
        # Units the plan declares, unreadable: a unit it declares is not "unknown".
        pytest.param(
            SMALL_PLAN.replace("sections:", "settings:\n  units: 学分\nsections:").replace("unit: 万人", "unit: 学分"),
            "8:10: plan: 'settings.units' must be a list, got '学分'",
            id="declared-units-stand-in",
        ),
        # A task number stands in: a duplicate id is not said to be "first in task 900000000".
        pytest.param(
            SMALL_PLAN.replace("number: 1\n        title", "number: one\n        title").replace(
                "id: t02-rules", "id: t01-fund"
            ),
            "11:17: section 1, task #1: 'number' must be a whole number, got 'one'",
            id="a-task-number-stands-in",
        ),
        # The period's start stands in: the year is not checked against it.
        pytest.param(
            SMALL_PLAN.replace("start: 2006-01-01", "start: soon"),
            "5:10: plan: 'period.start' must be a date like 2006-09-30, got 'soon'",
            id="the-period-stands-in",
        ),
    ],
)
def test_nothing_is_said_about_a_stand_in(tmp_path: Path, text: str, line: str) -> None:
    code, lines, plan = validate(tmp_path, text)
    assert (code, lines) == (1, [f"{plan}:{line}"])


def test_every_problem_at_once_in_a_command_that_needs_the_plan(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("year: 2006", "year: soon") + SECTION_ONE_AGAIN
    plan = write(tmp_path / "plan.yaml", text)
    r = run("--plan", plan, "status")
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        f"{plan}:3:7: plan: 'year' must be a whole number, got 'soon'\n"
        f"{plan}:35:13: section number 1 is used twice; the first is section #1\n"
    )


# --- 4. a warning is one line, however narrow ------------------------------------------------------


def test_a_long_warning_is_one_line_on_stderr_at_80_columns(tmp_path: Path) -> None:
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)
    plan = write(folder / "plan.yaml", SMALL_PLAN)
    entry = Entry("e-1", "t01-fund", "1", "亿元", dt.date(2006, 3, 1))
    bad = Amendment("c-1", "e-1", "correction", "typo", dt.date(2006, 4, 1), "abc", "亿元")
    log = folder / "plan.progress.jsonl"
    log.write_text(entry_line(entry) + amendment_line(bad), encoding="utf-8")
    want = (
        f"warning: {log}:2: e-1: value 'abc' is not a number; t01-fund counts numbers; "
        "correct the correction with 'edplan correct', or retract the entry"
    )
    assert len(want) > 200
    for command in (("status",), ("show", "t01-fund"), ("report",)):
        r = run("--plan", plan, *command, "--as-of", "2006-06-30", env={"COLUMNS": "80"})
        assert r.code in (0, 1), r.err
        assert r.err.splitlines() == [want], command
