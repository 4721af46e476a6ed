"""``edplan status``: the verdicts, the JSON contract, and the table as a person sees it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PLAN_2006, SHARED_SOURCE_2006, SOURCE_2006, run


def status_json(plan: Path, *args: str) -> dict[str, Any]:
    r = run("--plan", plan, "status", "-f", "json", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)


def target(data: dict[str, Any], target_id: str) -> dict[str, Any]:
    return next(t for t in data["targets"] if t["id"] == target_id)


def record(plan: Path, *args: str) -> None:
    r = run("--plan", plan, "record", *args)
    assert r.code == 0, r.err


# --- the 2006 plan, encoded faithfully ---------------------------------------------------------

# Every figure the document states, as (value, unit, words around it). Read off the text by hand.
FIGURES_2006 = [
    (7.8, "万人", "普通高中计划招生7.8万人"),
    (5.7, "万人", "中等职业教育计划招生5.7万人"),
    (6460, "人", "计划招收6460人"),
    (9.1, "%", "增长9.1%"),
    (492, "人", "其士生492人"),
    (5968, "人", "硕士生5968人"),
    (8.4, "万人", "计划录取8.4万人"),
    (5.3, "%", "增长5.3%"),
    (4.2, "万人", "本科4.2万人"),
    (4.2, "万人", "高等职业学校4.2万人"),
    (4, "亿元", "4亿元专项资金"),
    (10, "所", "10所高校"),
    (100, "对", "100对城乡"),
    (1000, "名", "1000名城镇教师"),
    (10000, "人次", "不少于10000人次"),
    (1000, "名", "1000名大学生"),
    (600, "所", "600所郊区"),
    (50, "万人次", "培训50万人次"),
    (10, "万人次", "转移培训10万人次"),
    (30, "万人次", "活动30万人次"),
    (130, "所", "130所"),
    (100, "所", "100所中小学校"),
    (30, "所", "30所语言文字"),
    (20, "所", "20所左右"),
    (14, "所", "14所早期干预"),
    (23, "所", "23所特殊教育"),
    (30, "%", "30%用于职业教育"),
    (10, "个", "10个示范专业"),
    (50, "个", "50个重点专业"),
    (10, "个", "10个职业教育实训基地"),
    (250, "万人次", "250万人次左右"),
    (2000, "名", "2000名毕业生"),
    (10, "个", "10大学科群"),
    (113, "个", "113个"),
    (69, "个", "69个"),
    (14, "个", "14个大学科技园"),
    (7, "个", "7个技术转移中心"),
]


@pytest.fixture(scope="module")
def plan_2006() -> dict[str, Any]:
    r = run("--plan", PLAN_2006, "--log", PLAN_2006.with_name("no-such.progress.jsonl"), "status", "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_2006_structure(plan_2006: dict[str, Any]) -> None:
    assert plan_2006["plan"] == {
        "id": "edu-2006",
        "title": "教育局年度工作计划(市)",
        "year": 2006,
        "start": "2006-01-01",
        "end": "2006-12-31",
    }
    assert [s["number"] for s in plan_2006["sections"]] == list(range(1, 11))
    assert [t["number"] for t in plan_2006["tasks"]] == list(range(1, 42))
    tasks_with_targets = {t["task"] for t in plan_2006["targets"]}
    assert tasks_with_targets == set(range(1, 42)), "every task appears in status"
    # a finished plan is shown as it closed
    assert plan_2006["as_of"] == "2006-12-31"


@pytest.mark.skipif(not SHARED_SOURCE_2006.exists(), reason="no shared/ beside this clone")
def test_2006_document_copy_is_the_original() -> None:
    assert SOURCE_2006.read_bytes() == SHARED_SOURCE_2006.read_bytes()


def test_2006_titles_and_sources_are_verbatim(plan_2006: dict[str, Any]) -> None:
    text = SOURCE_2006.read_text(encoding="utf-8")
    for section in plan_2006["sections"]:
        assert section["title"] in text
    for task in plan_2006["tasks"]:
        assert f"{task['number']}.{task['title']}。" in text
    for t in plan_2006["targets"]:
        assert t["source"] in text, t["id"]


def test_2006_every_figure_of_the_document(plan_2006: dict[str, Any]) -> None:
    numeric = [t for t in plan_2006["targets"] if t["kind"] != "milestone"]
    unmatched = list(numeric)
    for value, unit, words in FIGURES_2006:
        match = next(
            (t for t in unmatched if t["target"] == value and t["unit"] == unit and words in t["source"]), None
        )
        assert match is not None, f"{value}{unit} ({words}) is not a target"
        unmatched.remove(match)
    assert unmatched == [], "targets whose figure is not in the list above"


def test_2006_json_fields(plan_2006: dict[str, Any]) -> None:
    t = target(plan_2006, "t03-rural-fund")
    assert {k: t[k] for k in ("section", "task", "name", "kind", "unit", "target", "actual", "progress", "status")} == {
        "section": 1,
        "task": 3,
        "name": "农村教育专项资金",
        "kind": "cumulative",
        "unit": "亿元",
        "target": 4,
        "actual": None,
        "progress": None,
        # the plan has closed: a figure with nothing recorded by its due date is overdue
        "status": "overdue",
    }
    assert t["expected"] == 4
    assert t["source"] == "20*年从市本级预算中安排4亿元专项资金支持农村教育"


# --- verdicts ------------------------------------------------------------------------------------


def test_behind_pace_is_lagging_ahead_on_track_met_achieved(small_plan: Path) -> None:
    # t01-fund: 4亿元, linear over 2006. By 2006-06-30 (181 days) 1.98亿元 are expected.
    record(small_plan, "t01-fund", "1", "--date", "2006-03-01")
    data = status_json(small_plan, "--as-of", "2006-06-30")
    t = target(data, "t01-fund")
    assert (t["actual"], t["expected"], t["status"]) == (1, 1.9836, "lagging")
    assert t["progress"] == 0.25

    record(small_plan, "t01-fund", "1.2", "--date", "2006-06-01")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert (t["actual"], t["status"]) == (2.2, "on_track")
    assert t["gap"] == 0.2164

    record(small_plan, "t01-fund", "18000", "--unit", "万元", "--date", "2006-06-30")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert (t["actual"], t["status"], t["progress"]) == (4, "achieved", 1)


def test_at_risk_between_the_thresholds(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "1.6", "--date", "2006-06-01")  # 1.6 / 1.98 = 81% of expected
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert t["status"] == "at_risk"


def test_due_date_target_is_not_due_then_overdue(small_plan: Path) -> None:
    # t01-enrol is due 2006-09-30: nothing is expected before, and not met after is overdue.
    before = target(status_json(small_plan, "--as-of", "2006-09-29"), "t01-enrol")
    assert (before["status"], before["expected"], before["due"]) == ("not_due", 0, "2006-09-30")
    after = target(status_json(small_plan, "--as-of", "2006-10-01"), "t01-enrol")
    assert after["status"] == "overdue"


def test_level_target_takes_the_latest_reading_in_any_unit(small_plan: Path) -> None:
    record(small_plan, "t01-enrol", "70000", "--unit", "人", "--date", "2006-09-05")
    record(small_plan, "t01-enrol", "7.9", "--date", "2006-09-20")
    t = target(status_json(small_plan, "--as-of", "2006-09-30"), "t01-enrol")
    assert (t["actual"], t["status"]) == (7.9, "achieved")
    # as it stood before the second reading
    t = target(status_json(small_plan, "--as-of", "2006-09-10"), "t01-enrol")
    assert (t["actual"], t["status"]) == (7, "not_due")


def test_milestone_stages(small_plan: Path) -> None:
    record(small_plan, "t02-rules", "approved", "--date", "2006-05-01")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t02-rules")
    assert (t["actual"], t["target"], t["status"]) == ("approved", "issued", "on_track")
    assert t["progress"] == 0.6667
    record(small_plan, "t02-rules", "issued", "--date", "2006-07-01")
    assert target(status_json(small_plan, "--as-of", "2006-07-01"), "t02-rules")["status"] == "achieved"


def test_no_data_and_summary(small_plan: Path) -> None:
    data = status_json(small_plan, "--as-of", "2006-06-30")
    assert data["summary"]["counts"] == {
        "overdue": 0,
        "lagging": 0,
        "at_risk": 0,
        "no_data": 2,
        "on_track": 0,
        "not_due": 1,
        "achieved": 0,
    }


def test_section_filter_and_errors(small_plan: Path) -> None:
    assert len(status_json(small_plan, "--section", "1")["targets"]) == 3
    r = run("--plan", small_plan, "status", "--section", "9")
    assert (r.code, r.err) == (2, "edplan status: --section: there is no section 9; sections are 1–1\n")
    r = run("--plan", small_plan, "status", "--as-of", "2006-13-01")
    assert (r.code, r.err) == (2, "edplan status: --as-of: '2006-13-01' is not a date; write it as YYYY-MM-DD\n")


def test_status_works_on_the_intact_part_of_a_damaged_log(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "1", "--date", "2006-03-01")
    log = small_plan.with_name("plan.progress.jsonl")
    with log.open("ab") as f:
        f.write(b'{"id": "torn", "target": "t01-fu')
    r = run("--plan", small_plan, "status", "--as-of", "2006-06-30", "-f", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert target(data, "t01-fund")["actual"] == 1
    assert data["warnings"] == [f"{log}:2: incomplete entry (write interrupted); run 'edplan repair' to set it aside"]


# --- the table, as a person reads it -------------------------------------------------------------

TABLE_80 = """\
测试计划 — status as of 2006-06-30

一、第一部分
Task  Target                            Goal    Actual  Expected  Done  Status
────────────────────────────────────────────────────────────────────────────────
   1  专项资金                         4亿元       2.2         2   55%  on track
      t01-fund
   1  招生                           7.8万人         —         0     —  not due
      t01-enrol
   2  管理办法                        issued  approved   drafted   67%  on track
      t02-rules                                                         stale
3 targets: 2 on track, 1 not due
weighted completion 47%
"""


def test_table_at_80_columns(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "2.2", "--date", "2006-06-01")
    record(small_plan, "t02-rules", "approved", "--date", "2006-05-01")
    r = run("--plan", small_plan, "status", "--as-of", "2006-06-30")
    assert r.code == 0
    assert "\n".join(line.rstrip() for line in r.out.splitlines()) + "\n" == TABLE_80
    assert all(len(line) <= 80 for line in r.out.splitlines())


def test_table_in_chinese(small_plan: Path) -> None:
    r = run("--plan", small_plan, "--lang", "zh", "status", "--as-of", "2006-06-30")
    assert r.code == 0
    assert "测试计划 — 截至 2006-06-30 的进度" in r.out
    assert "无数据" in r.out and "未到期" in r.out
    assert "共 3 项指标:" in r.out


def test_warnings_follow_the_language(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "1", "--date", "2006-03-01")
    log = small_plan.with_name("plan.progress.jsonl")
    with log.open("ab") as f:
        f.write(b'{"id": "torn", "target": "t01-fu')
    r = run("--plan", small_plan, "--lang", "zh", "status", "--as-of", "2006-06-30", env={"COLUMNS": "200"})
    assert r.code == 0
    assert r.err == f"警告: {log}:2:记录不完整（写入被中断）；可运行 'edplan repair' 将其移出\n"
    data = json.loads(run("--plan", small_plan, "--lang", "zh", "status", "-f", "json").out)
    assert data["warnings"] == [f"{log}:2: incomplete entry (write interrupted); run 'edplan repair' to set it aside"]
