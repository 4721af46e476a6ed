"""The verdict rules, pinned by running ``edplan status`` with fixed ``--as-of`` dates on one-target plans.

Most cases use a 100-day linear schedule (2006-01-01 … 2006-04-10) and a figure of 100, so that on
day n the schedule expects n: on 2006-02-19 (day 50) it expects 50, and the default thresholds put
"at risk" below 45 and "lagging" below 35.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edplan.log.entries import Entry
from edplan.plan.model import Plan
from edplan.status.engine import RANK, compute
from tests.conftest import markdown_cells, run, why_in

PLAN = """\
id: classify
title: 分类测试
year: 2006
period: {{start: 2006-01-01, end: 2006-12-31}}
settings: {{at_risk_below: 0.9, lagging_below: 0.7, stale_after_days: 45, tolerance: 0.05}}
sections:
  - number: 1
    title: 第一部分
    tasks:
      - number: 1
        title: 任务
        targets:
          - id: x
            name: 指标
            source: 原文
{spec}
"""

HUNDRED_DAYS = "schedule: {start: 2006-01-01, end: 2006-04-10}"
DAY_50 = "2006-02-19"
END_100 = "2006-04-10"


def plan_with(tmp_path: Path, spec: str, entries: list[tuple[str, str]]) -> Path:
    plan = tmp_path / "plan.yaml"
    body = "\n".join("            " + line for line in spec.strip().splitlines())
    plan.write_text(PLAN.format(spec=body), encoding="utf-8")
    lines = [
        json.dumps({"id": f"e{i}", "target": "x", "value": value, "date": date}) + "\n"
        for i, (date, value) in enumerate(entries)
    ]
    plan.with_name("plan.progress.jsonl").write_text("".join(lines), encoding="utf-8")
    return plan


def status_of(tmp_path: Path, spec: str, entries: list[tuple[str, str]], as_of: str) -> dict[str, Any]:
    plan = plan_with(tmp_path, spec, entries)
    r = run("--plan", plan, "status", "-f", "json", "--as-of", as_of)
    assert r.code == 0, r.err
    [target] = json.loads(r.out)["targets"]
    return dict(target)


CUMULATIVE = f"kind: cumulative\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}"
LEVEL = f"kind: level\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}"

CASES = [
    # (what, spec, entries, as_of, status)
    # cumulative, at least, linear: the boundaries of both thresholds
    ("on the at-risk line", CUMULATIVE, [("2006-01-10", "45")], DAY_50, "on_track"),
    ("just under it", CUMULATIVE, [("2006-01-10", "44.99")], DAY_50, "at_risk"),
    ("on the lagging line", CUMULATIVE, [("2006-01-10", "35")], DAY_50, "at_risk"),
    ("just under it", CUMULATIVE, [("2006-01-10", "34.99")], DAY_50, "lagging"),
    ("entries add up", CUMULATIVE, [("2006-01-10", "20"), ("2006-02-01", "30")], DAY_50, "on_track"),
    ("met early", CUMULATIVE, [("2006-01-10", "60"), ("2006-02-01", "40")], DAY_50, "achieved"),
    ("nothing recorded", CUMULATIVE, [], DAY_50, "no_data"),
    ("nearly met at the end of the due date", CUMULATIVE, [("2006-04-01", "99")], END_100, "nearly_met"),
    ("on the nearly-met line", CUMULATIVE, [("2006-04-01", "90")], END_100, "nearly_met"),
    ("missed at the end of the due date", CUMULATIVE, [("2006-04-01", "89.99")], END_100, "overdue"),
    ("never reported is not missed", CUMULATIVE, [], END_100, "no_data"),
    ("never reported, long after the close", CUMULATIVE, [], "2006-12-31", "no_data"),
    ("met on the due date", CUMULATIVE, [("2006-04-10", "100")], END_100, "achieved"),
    ("entries after the as-of date do not count", CUMULATIVE, [("2006-03-01", "100")], DAY_50, "no_data"),
    (
        "before a linear schedule starts",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {start: 2006-03-01}",
        [("2006-02-01", "5")],
        DAY_50,
        "not_due",
    ),
    # level, at least: the latest reading counts, not the largest
    ("latest reading", LEVEL, [("2006-01-10", "30"), ("2006-02-01", "48")], DAY_50, "on_track"),
    ("a lower later reading", LEVEL, [("2006-01-10", "48"), ("2006-02-01", "30")], DAY_50, "lagging"),
    # due date: nothing expected before it
    (
        "due date: not due while the forecast reaches the figure",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}",
        [("2006-03-01", "60")],
        "2006-06-30",
        "not_due",
    ),
    (
        "due date: at risk when the forecast falls short",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}",
        [("2006-03-01", "40")],
        "2006-06-30",
        "at_risk",
    ),
    (
        "due date: a due date does not hide a miss",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}",
        [("2006-03-01", "10")],
        "2006-09-29",
        "lagging",
    ),
    (
        "due date: missed",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}",
        [("2006-03-01", "10")],
        "2006-09-30",
        "overdue",
    ),
    (
        "due date: enrolment known in September",
        "kind: level\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-09-20", "7.9")],
        "2006-09-30",
        "achieved",
    ),
    # checkpoints: 40% by June, 70% by September
    (
        "checkpoint met at 90%",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {checkpoints: "
        "[{by: 2006-06-30, percent: 40}, {by: 2006-09-30, percent: 70}]}",
        [("2006-06-01", "36")],
        "2006-06-30",
        "on_track",
    ),
    (
        "checkpoint missed by a little",
        "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {checkpoints: "
        "[{by: 2006-06-30, percent: 40}, {by: 2006-09-30, percent: 70}]}",
        [("2006-06-01", "35.9")],
        "2006-06-30",
        "at_risk",
    ),
    # approximately (左右) with its own tolerance: band 18–22
    (
        "inside the band, low edge",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "18")],
        DAY_50,
        "on_track",
    ),
    (
        "a level reached early is on track until its due date",
        f"kind: level\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}",
        [("2006-01-10", "100")],
        DAY_50,
        "on_track",
    ),
    (
        "a one-time reading is achieved when reached",
        f"kind: level\nonce: true\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}",
        [("2006-01-10", "100")],
        DAY_50,
        "achieved",
    ),
    (
        "a level reached is achieved at its due date",
        f"kind: level\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}",
        [("2006-01-10", "100")],
        END_100,
        "achieved",
    ),
    (
        "inside the band, high edge",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "22")],
        END_100,
        "achieved",
    ),
    (
        "above the band",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "22.01")],
        DAY_50,
        "at_risk",
    ),
    (
        "below the band, on pace",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "9")],
        DAY_50,
        "on_track",
    ),
    (
        "below the band at the end",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "17.9")],
        END_100,
        "overdue",
    ),
    (
        "above the band at the end",
        f"kind: level\ndirection: approximately\nvalue: 20\nunit: 所\ntolerance: 0.1\n{HUNDRED_DAYS}",
        [("2006-01-10", "22.5")],
        END_100,
        "exceeded",
    ),
    (
        "270 against 250万人次左右 is exceeded, not overdue",
        f"kind: cumulative\ndirection: approximately\nvalue: 250\nunit: 万人次\n{HUNDRED_DAYS}",
        [("2006-01-10", "270")],
        END_100,
        "exceeded",
    ),
    (
        "a cumulative total above the band cannot come back: exceeded at once",
        f"kind: cumulative\ndirection: approximately\nvalue: 250\nunit: 万人次\n{HUNDRED_DAYS}",
        [("2006-01-10", "270")],
        DAY_50,
        "exceeded",
    ),
    (
        "plan tolerance (5%) by default",
        f"kind: cumulative\ndirection: approximately\nvalue: 250\nunit: 万人次\n{HUNDRED_DAYS}",
        [("2006-01-10", "237.5")],
        DAY_50,
        "achieved",
    ),
    # stable (保持稳定): a band around the baseline, or around the figure without one
    (
        "stable before its due date",
        "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-03-01", "7.8")],
        "2006-09-29",
        "not_due",
    ),
    (
        "stable held at the due date",
        "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-09-20", "7.41")],
        "2006-09-30",
        "achieved",
    ),
    (
        "stable lost at the due date",
        "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-09-20", "8.3")],
        "2006-09-30",
        "exceeded",
    ),
    (
        "stable below the band at the due date, but close",
        "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-09-20", "7.2")],
        "2006-09-30",
        "nearly_met",
    ),
    (
        "stable well below the band at the due date",
        "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}",
        [("2006-09-20", "7")],
        "2006-09-30",
        "overdue",
    ),
    (
        "stable inside the band",
        f"kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\n{HUNDRED_DAYS}",
        [("2006-01-10", "8.19")],
        DAY_50,
        "on_track",
    ),
    (
        "stable out by less than the band's width",
        f"kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\n{HUNDRED_DAYS}",
        [("2006-01-10", "8.5")],
        DAY_50,
        "at_risk",
    ),
    (
        "stable above the band is never lagging",
        f"kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\n{HUNDRED_DAYS}",
        [("2006-01-10", "9")],
        DAY_50,
        "at_risk",
    ),
    (
        "stable below by more than the band's width",
        f"kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\n{HUNDRED_DAYS}",
        [("2006-01-10", "6.5")],
        DAY_50,
        "lagging",
    ),
    (
        "stable around its baseline",
        f"kind: level\ndirection: stable\nvalue: 7.8\nbaseline: 7.7\nunit: 万人\n{HUNDRED_DAYS}",
        [("2006-01-10", "8.1")],
        DAY_50,
        "at_risk",
    ),
    # at most: a ceiling
    (
        "under a ceiling",
        f"kind: level\ndirection: at_most\nvalue: 0.5\nunit: '%'\n{HUNDRED_DAYS}",
        [("2006-01-10", "0.4")],
        DAY_50,
        "on_track",
    ),
    (
        "ceiling broken",
        f"kind: level\ndirection: at_most\nvalue: 0.5\nunit: '%'\n{HUNDRED_DAYS}",
        [("2006-01-10", "0.6")],
        DAY_50,
        "lagging",
    ),
    (
        "under the ceiling at the end",
        f"kind: level\ndirection: at_most\nvalue: 0.5\nunit: '%'\n{HUNDRED_DAYS}",
        [("2006-01-10", "0.4")],
        END_100,
        "achieved",
    ),
    (
        "over the ceiling at the end",
        f"kind: level\ndirection: at_most\nvalue: 0.5\nunit: '%'\n{HUNDRED_DAYS}",
        [("2006-01-10", "0.6")],
        END_100,
        "overdue",
    ),
    (
        "spending on the allowed pace",
        f"kind: cumulative\ndirection: at_most\nvalue: 100\nunit: 万元\n{HUNDRED_DAYS}",
        [("2006-01-10", "55")],
        DAY_50,
        "on_track",
    ),
    (
        "spending ahead of it",
        f"kind: cumulative\ndirection: at_most\nvalue: 100\nunit: 万元\n{HUNDRED_DAYS}",
        [("2006-01-10", "56")],
        DAY_50,
        "at_risk",
    ),
    (
        "spending far ahead of it",
        f"kind: cumulative\ndirection: at_most\nvalue: 100\nunit: 万元\n{HUNDRED_DAYS}",
        [("2006-01-10", "71.5")],
        DAY_50,
        "lagging",
    ),
    # milestones: stage numbers against the stages the schedule expects
    (
        "milestone half-way, on pace",
        f"kind: milestone\nstages: [drafted, approved, issued, enacted]\n{HUNDRED_DAYS}",
        [("2006-01-20", "approved")],
        DAY_50,
        "on_track",
    ),
    (
        "milestone half-way, late",
        f"kind: milestone\nstages: [drafted, approved, issued, enacted]\n{HUNDRED_DAYS}",
        [("2006-01-20", "approved")],
        "2006-03-21",
        "lagging",
    ),
    (
        "milestone before its due date",
        "kind: milestone\nstages: [drafted, approved, issued, enacted]\nschedule: {due: 2006-06-30}",
        [("2006-01-20", "approved")],
        "2006-06-29",
        "not_due",
    ),
    (
        "milestone done",
        "kind: milestone\nschedule: {due: 2006-06-30}",
        [("2006-05-20", "done")],
        "2006-06-29",
        "achieved",
    ),
]


@pytest.mark.parametrize(("what", "spec", "entries", "as_of", "expected"), CASES, ids=[c[0] for c in CASES])
def test_verdict(
    tmp_path: Path, what: str, spec: str, entries: list[tuple[str, str]], as_of: str, expected: str
) -> None:
    assert status_of(tmp_path, spec, entries, as_of)["status"] == expected, what


def test_milestone_half_way_reads_fifty_percent(tmp_path: Path) -> None:
    spec = f"kind: milestone\nstages: [drafted, approved, issued, enacted]\n{HUNDRED_DAYS}"
    t = status_of(tmp_path, spec, [("2006-01-20", "approved")], DAY_50)
    assert (t["actual"], t["expected"], t["target"], t["progress"]) == ("approved", "approved", "enacted", 0.5)
    assert t["gap"] is None and t["forecast"] is None


def test_stale_is_beside_the_verdict_not_instead(tmp_path: Path) -> None:
    # last report on day 1; stale after more than 45 days
    entries = [("2006-01-01", "30")]
    assert status_of(tmp_path, CUMULATIVE, entries, "2006-02-15")["stale"] is False
    t = status_of(tmp_path, CUMULATIVE, entries, "2006-02-16")
    assert (t["stale"], t["status"], t["days_since_update"]) == (True, "lagging", 46)


def test_nothing_owed_is_never_stale(tmp_path: Path) -> None:
    spec = "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}"
    t = status_of(tmp_path, spec, [("2006-01-01", "95")], "2006-09-01")
    assert (t["status"], t["stale"]) == ("not_due", False)


def test_stale_only_where_reports_are_expected(tmp_path: Path) -> None:
    level = "kind: level\nvalue: 100\nunit: 所\nschedule: {due: 2006-06-30}"
    # a one-off reading past its due date owes nothing more
    t = status_of(tmp_path, level, [("2006-03-01", "80")], "2006-12-31")
    assert (t["status"], t["stale"]) == ("overdue", False)
    # an achieved target is not stale
    t = status_of(tmp_path, CUMULATIVE, [("2006-01-01", "100")], "2006-12-31")
    assert (t["status"], t["stale"]) == ("achieved", False)
    # a cumulative total whose last report came long before the close is
    t = status_of(tmp_path, CUMULATIVE, [("2006-01-05", "50")], "2006-12-31")
    assert (t["status"], t["stale"]) == ("overdue", True)
    # never reported: stale once something is expected, "no report since the plan started"
    t = status_of(tmp_path, CUMULATIVE, [], "2006-02-14")
    assert (t["status"], t["stale"], t["days_since_update"]) == ("no_data", False, None)
    t = status_of(tmp_path, CUMULATIVE, [], "2006-02-15")
    assert (t["status"], t["stale"]) == ("no_data", True)
    t = status_of(tmp_path, level, [], "2006-06-29")
    assert (t["status"], t["stale"]) == ("no_data", False)


def test_thresholds_are_plan_settings(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, CUMULATIVE, [("2006-01-10", "40")])
    text = plan.read_text(encoding="utf-8").replace(
        "at_risk_below: 0.9, lagging_below: 0.7", "at_risk_below: 0.8, lagging_below: 0.5"
    )
    plan.write_text(text, encoding="utf-8")
    r = run("--plan", plan, "status", "-f", "json", "--as-of", DAY_50)
    assert json.loads(r.out)["targets"][0]["status"] == "on_track"  # 40 ≥ 0.8 × 50


def test_why_forecast_and_the_figures_behind_a_verdict(tmp_path: Path) -> None:
    # 25 by day 25: a pace of 1 a day meets 100 exactly on the due date
    t = status_of(tmp_path, CUMULATIVE, [("2006-01-10", "25")], "2006-01-25")
    assert {k: t[k] for k in ("status", "expected", "gap", "remaining", "forecast", "forecast_date", "days_ahead")} == {
        "status": "on_track",
        "expected": 25,
        "gap": 0,
        "remaining": 75,
        "forecast": 100,
        "forecast_date": "2006-04-10",
        "days_ahead": 0,
    }
    t = status_of(tmp_path, CUMULATIVE, [("2006-01-01", "20")], DAY_50)
    assert t["why"] == (
        "expected 50所; actual 20所; gap -30所; 80所 to go; needs +48.7所/month to finish by 2006-04-10; "
        "30 days behind; last report 49 days ago"
    )
    assert (t["status"], t["forecast"], t["forecast_date"]) == ("lagging", 40, "2006-09-07")  # 0.4 a day


def test_why_in_chinese_and_for_other_directions(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, CUMULATIVE, [("2006-01-01", "20")])
    assert why_in(plan, DAY_50, "zh") == (
        "应达 50所;实际 20所;差距 -30所;尚差 80所;需每月 +48.7所 方能在 2006-04-10 前完成;"
        "落后 30 天;最近一次报告在 49 天前"
    )
    stable = f"kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\n{HUNDRED_DAYS}"
    assert status_of(tmp_path, stable, [("2006-01-10", "8.5")], DAY_50)["why"] == (
        "band 7.41–8.19万人; actual 8.5万人; above the band; last report 40 days ago"
    )
    ceiling = f"kind: level\ndirection: at_most\nvalue: 0.5\nunit: '%'\n{HUNDRED_DAYS}"
    assert status_of(tmp_path, ceiling, [("2006-01-10", "0.6")], DAY_50)["why"] == (
        "ceiling 0.5%; actual 0.6%; over the ceiling by 0.1%; last report 40 days ago"
    )
    due = "kind: cumulative\nvalue: 100\nunit: 所\nschedule: {due: 2006-09-30}"
    assert status_of(tmp_path, due, [("2006-03-01", "10")], "2006-06-30")["why"] == (
        "nothing expected before 2006-09-30; actual 10所; forecast 15所 by 2006-09-30, short of 100所; "
        "90所 to go; needs +29.8所/month to finish by 2006-09-30; last report 121 days ago"
    )


def test_why_for_the_verdicts_that_read_the_plan_as_written(tmp_path: Path) -> None:
    # 130 of 600 schools equipped by June: "not due" would hide a projected shortfall
    due = "kind: cumulative\nvalue: 600\nunit: 所\nschedule: {due: 2006-12-31}"
    t = status_of(tmp_path, due, [("2006-06-01", "130")], "2006-07-01")
    assert (t["status"], t["reason"], t["forecast"]) == ("lagging", "forecast_short", 260.714286)
    assert t["why"] == (
        "nothing expected before 2006-12-31; actual 130所; forecast 261所 by 2006-12-31, short of 600所; "
        "470所 to go; needs +78.2所/month to finish by 2006-12-31; last report 30 days ago"
    )
    nearly = status_of(tmp_path, CUMULATIVE, [("2006-04-01", "95")], END_100)
    assert nearly["why"] == (
        "due 2006-04-10; expected 100所; actual 95所; 95% of the goal: nearly met; gap -5所; 5所 to go; "
        "last report 9 days ago"
    )
    level = f"kind: level\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}"
    early = status_of(tmp_path, level, [("2006-01-10", "100")], DAY_50)
    assert early["why"] == (
        "expected 50所; actual 100所; reached before its due date; achieved if it holds on 2006-04-10; "
        "50 days ahead; last report 40 days ago"
    )
    about = f"kind: cumulative\ndirection: approximately\nvalue: 250\nunit: 万人次\n{HUNDRED_DAYS}"
    over = status_of(tmp_path, about, [("2006-01-10", "270")], END_100)
    assert over["why"] == (
        "due 2006-04-10; expected 250万人次; actual 270万人次; above the band; band 237.5–262.5万人次; "
        "last report 90 days ago"
    )
    never = status_of(tmp_path, CUMULATIVE, [], "2006-03-01")
    assert (never["status"], never["stale"], never["why"]) == (
        "no_data",
        True,
        "nothing reported; no report since the plan started; 100所 to go; needs +76.1所/month to finish by 2006-04-10",
    )


# --- the property: recording more progress never makes a status worse ------------------------------

PLAN_FOR_PROPERTY = {
    "id": "prop",
    "title": "性质",
    "year": 2006,
    "period": {"start": "2006-01-01", "end": "2006-12-31"},
    "sections": [{"number": 1, "title": "部分", "tasks": [{"number": 1, "title": "任务", "targets": []}]}],
}
SCHEDULES = [
    None,
    {"due": "2006-09-30"},
    {"start": "2006-03-01", "end": "2006-10-31"},
    {"checkpoints": [{"by": "2006-06-30", "percent": 40}, {"by": "2006-09-30", "percent": 70}]},
]
START = dt.date(2006, 1, 1)


def make_plan(kind: str, direction: str, schedule: dict[str, Any] | None) -> Plan:
    target: dict[str, Any] = {"id": "x", "name": "指标", "kind": kind, "direction": direction, "source": "原文"}
    if kind == "milestone":
        target["stages"] = ["a", "b", "c", "d"]
    else:
        target.update(value=100, unit="所")
    if schedule:
        target["schedule"] = schedule
    data = json.loads(json.dumps(PLAN_FOR_PROPERTY))
    data["sections"][0]["tasks"][0]["targets"] = [target]
    return Plan.model_validate(data)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Plan, list[Entry], Entry, dt.date]:
    kind = draw(st.sampled_from(["cumulative", "level", "milestone"]))
    direction = "at_least" if kind == "milestone" else draw(st.sampled_from(["at_least", "approximately"]))
    plan = make_plan(kind, direction, draw(st.sampled_from(SCHEDULES)))
    as_of = START + dt.timedelta(days=draw(st.integers(0, 364)))
    days = st.integers(0, (as_of - START).days)
    # approximately: the property holds up to the top of the band (105 with the default 5%)
    top = 105 if direction == "approximately" else 150
    entries: list[Entry] = []
    for i in range(draw(st.integers(1, 4))):
        when = START + dt.timedelta(days=draw(days))
        if kind == "milestone":
            value = draw(st.sampled_from(["a", "b", "c", "d"]))
        else:
            value = str(draw(st.integers(0, top // 4 if kind == "cumulative" else top)))
        entries.append(Entry(f"e{i}", "x", value, "所" if kind != "milestone" else None, when))
    before = compute(plan, entries, as_of).rows[0]
    last = max(e.date for e in entries)
    current = before.actual or Decimal(0)
    if kind == "cumulative":
        value = str(draw(st.integers(0, max(0, top - int(current)))))
        when = START + dt.timedelta(days=draw(days))
    elif kind == "level":
        value = str(draw(st.integers(int(current.to_integral_value(rounding="ROUND_CEILING")), top)))
        when = last + dt.timedelta(days=draw(st.integers(0, (as_of - last).days)))
    else:
        value = ["a", "b", "c", "d"][draw(st.integers(int(current) - 1, 3))]
        when = last + dt.timedelta(days=draw(st.integers(0, (as_of - last).days)))
    more = Entry("more", "x", value, "所" if kind != "milestone" else None, when)
    return plan, entries, more, as_of


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_more_progress_never_makes_a_status_worse(case: tuple[Plan, list[Entry], Entry, dt.date]) -> None:
    plan, entries, more, as_of = case
    before = compute(plan, entries, as_of).rows[0]
    after = compute(plan, [*entries, more], as_of).rows[0]
    assert after.actual is not None and before.actual is not None
    assert after.actual >= before.actual
    # not_due ranks with on_track: a level reached before its due date is on track, not worse
    assert after.status in RANK and before.status in RANK
    assert RANK[after.status] >= RANK[before.status], (before.status, after.status)


def test_overshooting_about_n_is_the_documented_exception(tmp_path: Path) -> None:
    spec = f"kind: cumulative\ndirection: approximately\nvalue: 100\nunit: 所\n{HUNDRED_DAYS}"
    assert status_of(tmp_path, spec, [("2006-01-10", "100")], DAY_50)["status"] == "achieved"
    assert status_of(tmp_path, spec, [("2006-01-10", "100"), ("2006-01-11", "10")], DAY_50)["status"] == "exceeded"


# --- rounding never crosses a verdict -----------------------------------------------------------


def cells_of(tmp_path: Path, spec: str, entries: list[tuple[str, str]], as_of: str) -> list[str]:
    """The row as people read it (Markdown: the figures as shown); CSV carries raw numbers."""
    plan = plan_with(tmp_path, spec, entries)
    r = run("--plan", plan, "status", "-f", "markdown", "--as-of", as_of)
    assert r.code == 0, r.err
    return markdown_cells(r.out)


def test_an_unmet_target_never_shows_100_percent(tmp_path: Path) -> None:
    spec = f"kind: cumulative\nvalue: 1000\nunit: 人\n{HUNDRED_DAYS}"
    row = cells_of(tmp_path, spec, [("2006-01-10", "999.9")], END_100)
    assert (row[5], row[7], row[9]) == ("999.9", "99.99%", "nearly met · stale")
    money = f"kind: cumulative\nvalue: 4\nunit: 亿元\n{HUNDRED_DAYS}"
    row = cells_of(tmp_path, money, [("2006-01-10", "3.996")], END_100)
    assert (row[5], row[7], row[9]) == ("3.996", "99.9%", "nearly met · stale")
    started = cells_of(tmp_path, money, [("2006-01-10", "0.01")], DAY_50)
    assert started[7] == "0.3%"  # not 0%


def test_the_actual_is_shown_on_its_side_of_the_band(tmp_path: Path) -> None:
    # band 7.41–8.19万人: 7.4099万人 (74,099人) is outside it and must not read as 7.41
    spec = "kind: level\ndirection: stable\nvalue: 7.8\nunit: 万人\nschedule: {due: 2006-09-30}"
    t = status_of(tmp_path, spec, [("2006-09-20", "7.4099")], "2006-09-30")
    assert t["status"] == "nearly_met" and t["actual"] == 7.4099
    assert t["why"].startswith("due 2006-09-30; band 7.41–8.19万人; actual 7.4099万人;")
    assert cells_of(tmp_path, spec, [("2006-09-20", "7.4099")], "2006-09-30")[5] == "7.4099"


def test_a_gap_in_percent_is_in_percentage_points(tmp_path: Path) -> None:
    spec = f"kind: level\nvalue: 98.6\nunit: '%'\n{HUNDRED_DAYS}"
    t = status_of(tmp_path, spec, [("2006-01-10", "40")], DAY_50)
    assert "gap -9.3 pp" in t["why"], t["why"]
    plan = plan_with(tmp_path, spec, [("2006-01-10", "40")])
    assert "差距 -9.3个百分点" in why_in(plan, DAY_50, "zh")
