"""Revisions during the year (issue 11 §2): a later decision changes a figure; status judges against
the figure in force on the as-of date, and the plan's own figure is kept and shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run, write

PLAN = """\
id: rev-2006
title: 测试计划
year: 2006
period: {{start: 2006-01-01, end: 2006-12-31}}
sections:
  - number: 1
    title: 发展
    tasks:
      - number: 1
        title: 招生
        targets:
          - id: t01-enrol
            name: 普通高中招生
            kind: {kind}
            value: 7.8
            unit: 万人
            schedule: {{due: 2006-09-30}}
            revisions:
{revisions}
            source: 普通高中计划招生7.8万人
"""

ONE = """\
              - date: 2006-07-15
                value: 8.0
                source: 市政府常务会议决定扩大招生"""


def plan_with(tmp_path: Path, revisions: str = ONE, kind: str = "level") -> Path:
    return write(tmp_path / "p.yaml", PLAN.format(revisions=revisions, kind=kind))


def status_row(plan: Path, as_of: str) -> dict[str, object]:
    r = run("--plan", plan, "status", "--as-of", as_of, "-f", "json")
    assert r.code == 0, r.err
    row: dict[str, object] = json.loads(r.out)["targets"][0]
    return row


def test_status_judges_against_the_figure_in_force(tmp_path: Path) -> None:
    plan = plan_with(tmp_path)
    assert run("--plan", plan, "record", "t01-enrol", "7.9", "--date", "2006-06-20").code == 0
    before = status_row(plan, "2006-07-14")
    assert (before["target"], before["revised"]) == (7.8, None)
    after = status_row(plan, "2006-10-01")  # 7.9 meets the plan's 7.8, not the revised 8.0
    assert (after["target"], after["status"]) == (8, "nearly_met")
    assert after["revised"] == {"date": "2006-07-15", "planned": 7.8, "source": "市政府常务会议决定扩大招生"}
    assert str(after["why"]).startswith("goal revised to 8万人 from 2006-07-15 (planned 7.8万人); due 2006-09-30")
    for _ in range(2):  # read from the plan cache the second time: the same revisions
        assert status_row(plan, "2006-10-01")["revised"] == after["revised"]


def test_show_lists_every_revision_and_the_plans_own_figure(tmp_path: Path) -> None:
    revisions = ONE + "\n              - date: 2006-08-01\n                value: 8.2\n                source: 再次调整"
    plan = plan_with(tmp_path, revisions)
    r = run("--plan", plan, "show", "t01-enrol", "--as-of", "2006-07-20", env={"COLUMNS": "120"})
    lines = [line.rstrip() for line in r.out.splitlines()]
    at = lines.index("Revised   8万人 from 2006-07-15: 市政府常务会议决定扩大招生 (in force)")
    assert lines[at + 1 : at + 3] == [
        "          8.2万人 from 2006-08-01: 再次调整",
        "          planned 7.8万人 (the plan's own figure)",
    ]
    zh = run("--plan", plan, "--lang", "zh", "show", "t01-enrol", "--as-of", "2006-08-02", env={"COLUMNS": "120"})
    assert "2006-08-01 起 8.2万人:再次调整(现行)" in zh.out and "原计划 7.8万人" in zh.out
    data = json.loads(run("--plan", plan, "show", "t01-enrol", "-f", "json").out)["relations"]["revisions"]
    assert [r["value"] for r in data] == [8, 8.2]


@pytest.mark.parametrize(
    ("revisions", "kind", "message"),
    [
        (
            ONE + "\n              - date: 2006-07-01\n                value: 8.2\n                source: 再次调整",
            "level",
            "target t01-enrol: revision 2006-07-01 is not after the one before it (2006-07-15); "
            "list revisions in date order, one a day",
        ),
        (
            ONE.replace("2006-07-15", "2007-01-15"),
            "level",
            "target t01-enrol: revision date 2007-01-15 is outside the plan period 2006-01-01 – 2006-12-31; "
            "use a date inside the period",
        ),
        (
            ONE,
            "milestone",
            "target t01-enrol: a milestone has no 'revisions'; "
            "a milestone's stages are not revised; make the target cumulative or level",
        ),
    ],
)
def test_revisions_that_cannot_stand_are_refused(tmp_path: Path, revisions: str, kind: str, message: str) -> None:
    plan = plan_with(tmp_path, revisions, kind)
    r = run("--plan", plan, "validate")
    assert r.code == 1
    found = [line.partition(": ")[2] for line in r.out.splitlines()]
    assert message in found, r.out


def test_a_new_year_starts_without_the_old_years_revisions(tmp_path: Path) -> None:
    plan = plan_with(tmp_path)
    new = tmp_path / "2007.yaml"
    r = run("init", "2007", "--from", plan, "-o", new)
    assert r.code == 0, r.err
    assert r.out.splitlines()[1] == (
        f"1 revisions of {plan} left out: they were that year's decisions; the plan's own figures stay"
    )
    text = new.read_text(encoding="utf-8")
    assert "revisions" not in text and "value: 7.8" in text and "due: 2007-09-30" in text
    assert run("--plan", new, "validate").code == 0
