"""``edplan status`` as a person and a script see it: formats, filters, sorting, rollups, --fail-on.

The scenario is the 2006 plan with half a year of entries (tests/golden/__init__.py), as of 2006-07-01.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcswidth

from tests.conftest import PLAN_2006, run, write
from tests.golden import check, tidy, write_scenario

AS_OF = ("--as-of", "2006-07-01")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_scenario(tmp_path / "scenario.progress.jsonl")


def status(log: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return run("--plan", PLAN_2006, "--log", log, "status", *AS_OF, *args, env=env)


# --- what a person reads -----------------------------------------------------------------------


def test_table_at_80_columns(log: Path) -> None:
    r = status(log, "--section", "1")
    assert r.code == 0
    check("status-section1-80.txt", tidy(r.out))
    assert max(wcswidth(line) for line in r.out.splitlines()) <= 80


def test_table_at_120_columns_gives_the_id_a_column(log: Path) -> None:
    r = status(log, "--section", "1", env={"COLUMNS": "120"})
    check("status-section1-120.txt", tidy(r.out))
    assert max(wcswidth(line) for line in r.out.splitlines()) <= 120


def test_table_in_chinese(log: Path) -> None:
    r = run("--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", *AS_OF, "--section", "1")
    check("status-section1-80-zh.txt", tidy(r.out))


def test_what_needs_attention_at_120_columns_in_chinese(log: Path) -> None:
    r = run("--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", *AS_OF, env={"COLUMNS": "120"})
    check("status-attention-120-zh.txt", r.out)
    assert max(wcswidth(line) for line in r.out.splitlines()) <= 120
    assert all(line == line.rstrip() for line in r.out.splitlines())


def test_markdown_of_the_2006_plan_lines_up_with_chinese_text(log: Path) -> None:
    for lang in ("en", "zh"):
        r = run("--plan", PLAN_2006, "--log", log, "--lang", lang, "status", *AS_OF, "-f", "markdown")
        assert r.code == 0
        rows = [line for line in r.out.splitlines() if line.startswith("|")]
        targets = len(json.loads(run("--plan", PLAN_2006, "status", "-f", "json").out)["targets"])
        assert len(rows) == 2 + targets, "header, rule and one row per target"
        assert len({wcswidth(row) for row in rows}) == 1, "every row the same display width"
        # every column boundary at the same display position in every row
        positions = {tuple(wcswidth(row[: m.start()]) for m in re.finditer(r"\|", row)) for row in rows}
        assert len(positions) == 1
    check("status-markdown.md", r.out)


def test_github_and_plain_line_up_too(log: Path) -> None:
    for fmt, prefix in (("github", "|"), ("plain", "")):
        r = status(log, "-f", fmt, "--section", "3")
        lines = r.out.splitlines()
        rows = lines[2 : lines.index("", 2)]
        assert rows[0].startswith(prefix)
        # plain leaves the last column unpadded: measure up to where it starts
        starts = {wcswidth(row if prefix else row[: row.rindex("  ") + 2]) for row in rows}
        assert len(starts) == 1, fmt


def test_the_same_numbers_in_every_format(log: Path) -> None:
    """Markdown shows what the table shows; CSV and JSON carry the same raw figures (a contract)."""
    data = json.loads(status(log, "-f", "json").out)
    table = list(csv.reader(io.StringIO(status(log, "-f", "csv").out)))
    assert table[0][:12] == [
        "section", "task", "id", "name", "kind", "direction", "unit",
        "target", "actual", "expected", "progress", "of_expected",
    ]  # fmt: skip

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    markdown = [cells(line) for line in status(log, "-f", "markdown").out.splitlines() if line.startswith("|")]
    assert markdown[0] == ["Sec", "Task", "ID", "Target", "Goal", "Actual", "Expected", "Done", "Pace", "Status"]
    for csv_row, md_row, target in zip(table[1:], markdown[2:], data["targets"], strict=True):
        assert csv_row[2] == md_row[2] == target["id"]
        assert csv_row[12] == target["status"]
        if target["kind"] != "milestone" and target["actual"] is not None:
            # CSV is exact; JSON numbers are the same figures
            assert float(csv_row[8]) == pytest.approx(target["actual"])
            assert float(csv_row[9]) == pytest.approx(target["expected"])
            # as displayed: at most two decimals, fewer for big figures
            shown = md_row[5].replace(",", "").rstrip("%")
            assert float(shown) == pytest.approx(target["actual"], abs=0.5)


def test_csv_is_the_same_in_every_language_and_neutralises_formulas(log: Path, tmp_path: Path) -> None:
    en = status(log, "-f", "csv")
    zh = run("--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", *AS_OF, "-f", "csv")
    assert en.out == zh.out
    for by in ("section", "task", "owner"):
        assert status(log, "-f", "csv", "--by", by).out == run(
            "--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", *AS_OF, "-f", "csv", "--by", by
        ).out
    rows = list(csv.reader(io.StringIO(en.out)))
    numbers = [cell for row in rows[1:] for cell in row[7:12] if cell]
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?|[a-z_]+", c) for c in numbers), numbers
    from edplan.render.machine import text

    assert [text(v) for v in ("=1+1", "+x", "-y", "@SUM(A1)", "\tz", "普通")] == [
        "'=1+1", "'+x", "'-y", "'@SUM(A1)", "'\tz", "普通",
    ]  # fmt: skip
    assert json.loads(status(log, "-f", "json").out) == json.loads(
        run("--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", *AS_OF, "-f", "json").out
    )


def test_json_contract(log: Path) -> None:
    data = json.loads(status(log, "-f", "json").out)
    assert set(data) == {"plan", "as_of", "summary", "sections", "tasks", "owners", "targets", "warnings"}
    t = next(t for t in data["targets"] if t["id"] == "t03-urban-teachers")
    assert {k: t[k] for k in ("direction", "due", "gap", "forecast", "forecast_date", "status", "stale")} == {
        "direction": "at_least",
        "due": "2006-12-31",
        "gap": -78.630137,  # JSON numbers: exact to 6 places
        "forecast": 842.307692,  # 420 in 182 days: 2.31 a day
        "forecast_date": "2007-03-10",
        "status": "at_risk",
        "stale": True,
    }
    assert t["why"] == (
        "expected 499名; actual 420名; gap -79名; 580名 to go; needs +96.5名/month to finish by "
        "2006-12-31; 28 days behind; last report 77 days ago"
    )
    enrol = next(t for t in data["targets"] if t["id"] == "t01-senior-high-enrol")
    # a quota (计划招生) met inside its band before the due date: on track, achieved if it holds
    assert (enrol["direction"], enrol["status"], enrol["reason"]) == ("approximately", "on_track", "met_early")
    assert data["summary"]["counts"]["lagging"] == 2
    assert data["tasks"][2] == {
        "number": 3,
        "section": 1,
        "title": "统筹城乡教育协调发展",
        "targets": 10,
        "completion": 0.236167,  # (0.525 + 1 + 0.42 + 0.2167 + 0.2) / 10
        "expected": 0.349041,  # what the ten targets' schedules expect done by 2006-07-01, weighted alike
        "counts": {
            "overdue": 0,
            "lagging": 2,
            "at_risk": 1,
            "no_data": 5,
            "nearly_met": 0,
            "on_track": 1,
            "not_due": 0,
            "exceeded": 0,
            "achieved": 1,
        },
    }


# --- filters, sorting, rollups -------------------------------------------------------------------


def ids(result: Any) -> list[str]:
    return [t["id"] for t in json.loads(result.out)["targets"]]


def test_filters(log: Path) -> None:
    assert ids(status(log, "-f", "json", "--status", "lagging,at-risk")) == [
        "t03-urban-teachers",
        "t03-arts-equipment",  # 130 of 600 by July: the forecast (261) falls short of its due date
        "t03-rural-tech-training",
        "t08-olympic-model-schools",
        "t22-village-graduates",
    ]
    # never reported since the plan started is stale too
    assert ids(status(log, "-f", "json", "--status", "stale", "--task", "3")) == [
        "t03-urban-teachers",
        "t03-rural-teacher-training",
        "t03-student-teachers",
        "t03-rural-tech-training",
        "t03-labour-transfer",
        "t03-community-education",
    ]
    assert ids(status(log, "-f", "json", "--grep", "奥林匹克")) == ["t08-olympic-model-schools"]
    assert ids(status(log, "-f", "json", "--grep", "SPECIAL-PLANS")) == ["t02-special-plans"]
    data = json.loads(status(log, "-f", "json", "--task", "18").out)
    assert data["summary"]["targets"] == 1 and [s["number"] for s in data["sections"]] == [4]
    r = status(log, "--grep", "没有这个")
    assert (r.code, r.out.splitlines()[-1]) == (0, "no target matches")


def test_sort(log: Path) -> None:
    assert ids(status(log, "-f", "json", "--status", "lagging,at_risk,on_track", "--sort", "gap")) == [
        "t03-rural-tech-training",  # −60% of its figure
        "t03-urban-teachers",  # −8%
        "t18-worker-training",
        "t03-rural-fund",
        # nothing is expected of these yet, so they have no gap: last
        "t01-senior-high-enrol",
        "t03-arts-equipment",
        "t08-olympic-model-schools",
        "t16-levy-share",
        "t22-village-graduates",
    ]
    by_progress = ids(status(log, "-f", "json", "--task", "3", "--sort", "progress"))
    assert by_progress[:3] == ["t03-rural-tech-training", "t03-arts-equipment", "t03-urban-teachers"]
    # nothing recorded: last, by id
    assert by_progress[-3:] == ["t03-rural-teacher-training", "t03-student-teachers", "t03-university-support"]


def test_rollups_by_section_and_task(log: Path) -> None:
    r = status(log, "--by", "section")
    check("status-by-section-80.txt", tidy(r.out))
    r = status(log, "--by", "task", "--section", "4", "-f", "markdown")
    check("status-by-task-section4.md", r.out)


OWNERS = """\
id: owners
title: 单位测试
year: 2006
period: {start: 2006-01-01, end: 2006-12-31}
sections:
  - number: 1
    title: 第一部分
    tasks:
      - number: 1
        title: 招生
        lead: 市教委
        support: [市财政局]
        targets:
          - {id: a-enrol, name: 招生, kind: level, value: 100, unit: 人, source: 招生100人}
          - {id: a-fund, name: 经费, value: 4, unit: 亿元, lead: 市财政局, support: [市教委, 区县], source: 经费4亿元}
      - number: 2
        title: 其他
        targets:
          - {id: b-rules, name: 办法, kind: milestone, source: 制定办法}
"""


def test_each_unit_its_own_table(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", OWNERS)
    r = run("--plan", plan, "status", "--as-of", "2006-06-30", "--by", "owner")
    assert r.code == 0
    check("status-by-owner-80.txt", tidy(r.out))
    r = run("--plan", plan, "status", "--as-of", "2006-06-30", "-f", "json", "--owner", "区县")
    data = json.loads(r.out)
    assert ids(r) == ["a-fund"]
    assert (data["targets"][0]["lead"], data["targets"][0]["support"]) == ("市财政局", ["市教委", "区县"])
    assert [o["unit"] for o in data["owners"]] == ["市财政局", "市教委", "区县"]
    r = run("--plan", plan, "status", "--owner", "市教育局")
    assert (r.code, r.err) == (
        2,
        "edplan status: --owner: no target names the unit '市教育局'; did you mean 市教委, 市财政局?\n",
    )


# --- the CI gate and bad options ----------------------------------------------------------------


def test_fail_on(log: Path) -> None:
    r = status(log, "-f", "json", "--fail-on", "lagging,overdue")
    assert r.code == 1
    assert json.loads(r.out)["summary"]["counts"]["lagging"] == 2, "the output is printed all the same"
    assert r.err == (
        "edplan status: --fail-on lagging,overdue: 2 target(s) match: t03-arts-equipment, t03-rural-tech-training\n"
    )
    assert status(log, "--fail-on", "overdue").code == 0
    assert status(log, "--section", "9", "--fail-on", "lagging,at_risk").code == 0, "only what is shown counts"
    assert status(log, "--fail-on", "stale").code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--status", "late"),
            "--status: unknown status 'late'; use one or more of: "
            "overdue,lagging,at_risk,no_data,nearly_met,on_track,not_due,exceeded,achieved,stale",
        ),
        (
            ("--fail-on", ","),
            "--fail-on: no status given; use one or more of: "
            "overdue,lagging,at_risk,no_data,nearly_met,on_track,not_due,exceeded,achieved,stale",
        ),
        (("--task", "99"), "--task: there is no task 99; tasks are 1–41"),
        (("--section", "2", "--task", "3"), "--task: task 3 is not in section 2"),
        (("--sort", "name"), "--sort: cannot sort by 'name'; use one of: id, gap, progress, status"),
        (("--owner", "x"), "--owner: no target names the unit 'x'; this plan names no units (lead / support)"),
    ],
)
def test_bad_options_say_what_would_be_right(log: Path, args: tuple[str, ...], message: str) -> None:
    r = status(log, *args)
    assert (r.code, r.out, r.err) == (2, "", f"edplan status: {message}\n")


def test_every_bad_option_at_once_and_in_chinese(log: Path) -> None:
    r = run("--plan", PLAN_2006, "--log", log, "--lang", "zh", "status", "--task", "99", "--sort", "x")
    assert r.code == 2
    assert r.err == (
        "edplan status: --task:没有第 99 项任务；任务编号为 1–41\n"
        "edplan status: --sort:不能按 'x' 排序；可用:id, gap, progress, status\n"
    )
