"""Two dates, kept apart: ``--as-of`` is the day the figures describe, ``--known-on`` the day whose
knowledge is replayed (entries recorded and corrections dated by then). Without ``--known-on`` every
recorded correction applies to every as-of date it concerns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run

# t01-fund (4亿元, cumulative): e1 reported 1.5 for March on 2 April; corrected to 1.2 on 10 May; that
# correction superseded by a second one (1.3) found on 1 June. e2 reports 1.0 for June on 3 July.
LOG = [
    {"id": "e1", "target": "t01-fund", "value": "1.5", "unit": "亿元", "date": "2006-03-31",
     "recorded": "2006-04-02T08:00:00+00:00"},
    {"id": "c1", "corrects": "e1", "value": "1.2", "unit": "亿元", "date": "2006-05-10", "reason": "财务处更正",
     "recorded": "2006-05-10T08:00:00+00:00"},
    {"id": "c2", "corrects": "e1", "value": "1.3", "unit": "亿元", "date": "2006-06-01", "reason": "审计复核",
     "recorded": "2006-06-01T08:00:00+00:00"},
    {"id": "e2", "target": "t01-fund", "value": "1", "unit": "亿元", "date": "2006-06-30",
     "recorded": "2006-07-03T08:00:00+00:00"},
]  # fmt: skip


@pytest.fixture
def plan(small_plan: Path) -> Path:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in LOG)
    small_plan.with_name("plan.progress.jsonl").write_text(lines, encoding="utf-8")
    return small_plan


def fund(plan: Path, *args: str) -> float | None:
    r = run("--plan", plan, "status", "-f", "json", *args)
    assert r.code == 0, r.err
    actual = next(t for t in json.loads(r.out)["targets"] if t["id"] == "t01-fund")["actual"]
    return None if actual is None else float(actual)


def test_a_correction_made_later_applies_to_every_as_of_date_it_concerns(plan: Path) -> None:
    assert fund(plan, "--as-of", "2006-04-30") == 1.3
    assert fund(plan, "--as-of", "2006-12-31") == 2.3


@pytest.mark.parametrize(
    ("known_on", "actual"),
    [
        ("2006-04-01", None),  # e1 not recorded yet
        ("2006-04-02", 1.5),
        ("2006-05-09", 1.5),
        ("2006-05-10", 1.2),
        ("2006-06-01", 1.3),  # the second correction supersedes the first
    ],
)
def test_known_on_replays_the_log_as_it_was_known(plan: Path, known_on: str, actual: float | None) -> None:
    assert fund(plan, "--as-of", "2006-04-30", "--known-on", known_on) == actual


def test_the_two_dates_are_independent(plan: Path) -> None:
    # June's figure is dated 30 June but known only on 3 July
    assert fund(plan, "--as-of", "2006-07-31", "--known-on", "2006-07-02") == 1.3
    assert fund(plan, "--as-of", "2006-07-31", "--known-on", "2006-07-03") == 2.3
    assert fund(plan, "--as-of", "2006-06-29", "--known-on", "2006-07-03") == 1.3


def test_a_closed_plan_reads_the_same_with_and_without_its_end_date(plan: Path) -> None:
    # today is after 2006: the default as-of date is the plan's end, and the figures must be identical
    for fmt in ("json", "table", "csv"):
        plain = run("--plan", plan, "status", "-f", fmt)
        dated = run("--plan", plan, "status", "-f", fmt, "--as-of", "2006-12-31")
        assert (plain.code, plain.out) == (dated.code, dated.out)
    show = run("--plan", plan, "show", "t01-fund", "-f", "json")
    dated_show = run("--plan", plan, "show", "t01-fund", "-f", "json", "--as-of", "2006-12-31")
    assert show.out == dated_show.out


def test_show_and_report_replay_the_same_knowledge(plan: Path) -> None:
    r = run("--plan", plan, "show", "t01-fund", "-f", "json", "--as-of", "2006-04-30", "--known-on", "2006-05-09")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["actual"] == 1.5
    # the story as known then: the entry, without the corrections found later
    assert [(e["id"], e["amendments"]) for e in data["entries_list"]] == [("e1", [])]
    later = json.loads(run("--plan", plan, "show", "t01-fund", "-f", "json").out)
    assert [(e["id"], [a["value"] for a in e["amendments"]]) for e in later["entries_list"]] == [
        ("e1", ["1.2", "1.3"]),
        ("e2", []),
    ]
    md = plan.with_name("report.md")
    for known_on, completion in (("2006-05-09", "9%"), ("2006-05-10", "8%")):  # 1.5 of 4亿元, then 1.2
        r = run("--plan", plan, "report", "--as-of", "2006-04-30", "--known-on", known_on, "-o", md)
        assert r.code == 0, r.err
        head = md.read_text(encoding="utf-8").splitlines()[:4]
        assert head[0] == f"# 测试计划 — report as of 2006-04-30 (as known on {known_on})"
        assert head[3].startswith(f"weighted completion {completion} (expected by now: ")


def test_known_on_must_be_a_date(plan: Path) -> None:
    r = run("--plan", plan, "status", "--known-on", "yesterday")
    assert (r.code, r.err) == (2, "edplan status: --known-on: 'yesterday' is not a date; write it as YYYY-MM-DD\n")


def test_a_back_dated_correction_counts_from_its_date(small_plan: Path) -> None:
    assert run("--plan", small_plan, "record", "t01-fund", "2", "--date", "2006-03-31", "--id", "q1").code == 0
    r = run("--plan", small_plan, "correct", "q1", "1.8", "--reason", "复核", "--date", "2006-04-15", "--id", "fix")
    assert r.code == 0, r.err
    assert fund(small_plan, "--as-of", "2006-03-31") == 1.8
    line = json.loads(small_plan.with_name("plan.progress.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert line["date"] == "2006-04-15"
