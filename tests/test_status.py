"""``edplan status``: the verdicts, the JSON contract, and the table as a person sees it."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from edplan.plan.yaml_safe import make_yaml
from tests.conftest import PLAN_2006, SHARED_SOURCE_2006, SOURCE_2006, run


def status_json(plan: Path, *args: str) -> dict[str, Any]:
    r = run("--plan", plan, "status", "-f", "json", *args)
    assert r.code == 0, r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


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
    (492, "人", "其士生492人"),
    (5968, "人", "硕士生5968人"),
    (8.4, "万人", "计划录取8.4万人"),
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
]

# Figures of the document that are not targets of their own. Growth rates describe a quota against
# last year's intake: (the figure they describe, the rate, the words).
GROWTH_2006 = [
    ("t01-postgrad-enrol", 9.1, "比20*年增长9.1%"),
    ("t01-undergrad-admit", 5.3, "比20*年增长5.3%"),
]
# Parts of a total (其中…), which add up to it.
PARTS_2006 = {
    "t01-postgrad-enrol": ["t01-phd-enrol", "t01-master-enrol"],
    "t01-undergrad-admit": ["t01-bachelor-admit", "t01-higher-voc-admit"],
}
# Figures that name a scope that exists already: the target is the year's work on it, a milestone.
SCOPES_2006 = ["10大学科群", "113个*市重点学科", "69个*市重点建设学科", "14个大学科技园", "7个技术转移中心"]


@pytest.fixture(scope="module")
def plan_2006() -> dict[str, Any]:
    r = run("--plan", PLAN_2006, "--log", PLAN_2006.with_name("no-such.progress.jsonl"), "status", "-f", "json")
    assert r.code == 0, r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


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


def show_json_2006(target_id: str) -> dict[str, Any]:
    no_log = PLAN_2006.with_name("no-such.progress.jsonl")
    r = run("--plan", PLAN_2006, "--log", no_log, "show", target_id, "-f", "json")
    assert r.code == 0, r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


def plan_targets_2006() -> list[dict[str, Any]]:
    """The plan file's own targets as written (fields status does not report: part_of, tolerance)."""
    data = make_yaml().load(PLAN_2006.read_text(encoding="utf-8"))
    return [dict(t) for s in data["sections"] for task in s["tasks"] for t in task["targets"]]


def test_2006_growth_rates_are_relations_of_the_quota(plan_2006: dict[str, Any]) -> None:
    assert [t["id"] for t in plan_2006["targets"] if t["unit"] == "%" and "增长" in t["source"]] == []
    for target_id, rate, words in GROWTH_2006:
        t = target(plan_2006, target_id)
        assert words in t["source"], "the source quotes the rate with the figure"
        relations = show_json_2006(target_id)["relations"]
        assert (relations["growth"], relations["baseline_derived"]) == (rate, True)
        # the derived baseline grows by the rate into the figure
        grown = Decimal(str(relations["baseline"])) * (1 + Decimal(str(rate)) / 100)
        assert abs(grown - Decimal(str(t["target"]))) < Decimal("0.001")


def test_2006_parts_add_up_to_their_totals(plan_2006: dict[str, Any]) -> None:
    declared = {t["id"]: t["part_of"] for t in plan_targets_2006() if "part_of" in t}
    assert declared == {part: total for total, parts in PARTS_2006.items() for part in parts}
    for total_id, part_ids in PARTS_2006.items():
        total = target(plan_2006, total_id)
        assert show_json_2006(total_id)["relations"]["parts"] == part_ids
        parts = [target(plan_2006, p) for p in part_ids]
        assert {p["unit"] for p in parts} == {total["unit"]}
        assert sum(Decimal(str(p["target"])) for p in parts) == Decimal(str(total["target"]))
        assert all(show_json_2006(p)["relations"]["part_of"] == total_id for p in part_ids)


def test_2006_quotas_are_judged_within_a_tolerance() -> None:
    """计划招生/计划招收/计划录取 and their parts: the intake within ±3% of the quota, not 'at least'."""
    quotas = {t["id"] for t in plan_targets_2006() if re.search("计划(招生|招收|录取)", t["source"])}
    quotas |= {p for parts in PARTS_2006.values() for p in parts}
    assert len(quotas) == 8
    for t in plan_targets_2006():
        if t["id"] in quotas:
            assert (t["direction"], t["tolerance"]) == ("approximately", Decimal("0.03")), t["id"]


def test_2006_scopes_are_encoded_as_the_work_on_them(plan_2006: dict[str, Any]) -> None:
    for words in SCOPES_2006:
        tracked = [t for t in plan_2006["targets"] if words in t["source"]]
        assert [(t["kind"], t["target"]) for t in tracked] == [("milestone", "assessed")], words


# Every 制定/颁布/建立/起草/完成/出台/拟定/编制 of the document: the words and the target that tracks them.
DELIVERABLES_2006 = [
    ("颁布实施*市“*”时期教育发展规划", "t02-education-plan"),
    ("制定高等教育、职业教育、基础教育和学习型城市建设等重点专项规划", "t02-special-plans"),
    ("建立规划年度监测报告制度", "t02-monitoring-report"),
    ("研究制定首都教育2020发展纲要", "t02-outline-2020"),
    ("建立100对城乡“手拉手”学校", "t03-twinned-schools"),
    ("完成农村实用技术培训50万人次", "t03-rural-tech-training"),
    ("制定首都高等教育布局结构调整和体系建设方案", "t04-he-restructuring"),
    ("制定推进素质教育的政策措施", "t05-policy-measures"),
    ("建立实施素质教育的工作机制和考核评价体系", "t05-evaluation-system"),
    ("建立健全大学生思想政治教育的评估检查机制", "t06-evaluation-mechanism"),
    ("制定《*市校外教育机构工作规程》", "t10-out-of-school-rules"),
    ("制定管理办法", "t11-migrant-school-rules"),
    ("制定*市推进义务教育均衡发展的意见", "t12-balance-opinion"),
    ("制定实施中小学办学条件标准的具体办法", "t12-standards-measures"),
    ("研究制定*市加强信息技术应用的意见", "t13-it-opinion"),
    ("制定级类幼儿园信息化建设标准", "t14-kindergarten-it-std"),
    ("完成23所特殊教育学校必备设备的配备", "t14-special-ed-equipment"),
    ("做好新疆高中班扩招工作", "t14-xinjiang-classes"),
    ("建立中等职业学校贫困家庭学生助学制度", "t16-student-aid"),
    ("建立健全工学交替、半工半读、分阶段接受职业教育的弹性学习制度", "t17-flexible-learning"),
    ("研究制定“学习之都”建设规划和行动计划", "t19-learning-capital-plan"),
    ("建立完善终身学习制度", "t19-lifelong-learning"),
    ("建立并逐步完善以学生为本的教学管理制度", "t21-student-centred"),
    ("建立毕业生就业信息共享机制", "t22-job-info-sharing"),
    ("研究制定*高校科学技术“*”规划和2020年长远发展目标", "t23-science-plan"),
    ("建立健全民办教育管理规章制度", "t26-private-ed-rules"),
    ("研究拟定事业单位收入分配制度改革实施意见", "t28-pay-reform-opinion"),
    ("制定并落实教育对外开放行动计划实施方案", "t29-opening-up-scheme"),
    ("建立健全党员长期受教育、永葆先进性的长效机制", "t30-long-term-mechanism"),
    ("建立健全领导班子思想政治建设、基层党组织建设、党员队伍建设的工作机制", "t30-work-mechanism"),
    ("制定实施高校领导班子巡视制度", "t31-inspection-system"),
    ("建立以多维信息评价为主要内容的领导干部管理信息系统", "t31-cadre-info-system"),
    ("制定推进高校基层党建工作创新的意见", "t32-party-opinion"),
    ("建立完善学校章程等规章制度", "t34-school-charters"),
    ("建立健全教师、学生申诉制度", "t34-appeal-system"),
    ("制定教育系统推进依法治教的实施方案", "t35-rule-of-law-scheme"),
    ("立法起草并推动颁布实施", "t35-private-ed-regulation"),
    ("做好修订《*市实施〈中华人民共和国义务教育法〉办法》", "t35-compulsory-ed-measures"),
    ("起草《*市教育督导条例》", "t35-supervision-regulation"),
    ("完成教育执法依据梳理和职权分解工作", "t35-enforcement-review"),
    ("制定教育系统“五五”普法规划", "t35-law-education-plan"),
    ("建立和完善师德建设长效机制", "t39-ethics-mechanism"),
]
# The occurrences that name no deliverable of the bureau's, and why.
NOT_DELIVERABLES_2006 = {
    "高校编制并实施“*”发展规划": "the districts' and universities' own plans; the bureau guides (指导)",
    "建立和完善城市支持农村教育的机制": "the mechanism is the 十百千万工程, whose four figures are tracked",
    "建立相互尊重、平等、友爱的师生关系": "a quality of teaching, not a deliverable",
    "探索建立经济困难家庭儿童保育费减免制度": "探索: the text commits to exploring, not to a system this year",
    "完成承担的各项任务": "tasks set by the Olympic organising committee, not named in the plan",
    "科学制定人才培养目标和培养规格": "each university's own work under its major-building plan",
    "建立健全高等教育质量保障体系": "task 21's title: its deliverables are tracked (t21-…)",
    "建立对学校、教师和学生科学合理的评价体系": "the aim of the reform whose steps task 27 tracks",
    "支持建立若干所中国文化语言学院": "若干: no number, and the institutes are founded by universities",
    "建立健全保持共产党员先进性的长效机制": "task 30's title: tracked by t30-long-term-mechanism",
    "顺利完成学业": "students finishing their studies: the aim of student aid",
    "建立健全办学规范、管理有序、监督有效、安定和谐的学校管理制度": "what 管理年 (t39-management-year) aims at",
    "《建立健全教育、制度、监督并重的惩治和预防腐败体系实施纲要》": "the title of a central document to implement",
}


def test_2006_every_deliverable_the_document_names_is_tracked(plan_2006: dict[str, Any]) -> None:
    text = SOURCE_2006.read_text(encoding="utf-8")
    for words, target_id in DELIVERABLES_2006:
        assert words in target(plan_2006, target_id)["source"], target_id
    spans = []
    for words in [w for w, _ in DELIVERABLES_2006] + list(NOT_DELIVERABLES_2006):
        assert words in text, words
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(words), text)]
    verbs = re.finditer("制定|颁布|建立|起草|完成|出台|拟定|编制", text)
    unaccounted = [text[v.start() : v.end() + 12] for v in verbs if not any(a <= v.start() < b for a, b in spans)]
    assert unaccounted == []


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
        # the plan has closed, but never reported is not missed: 未报送, counted apart
        "status": "no_data",
    }
    assert t["expected"] == 4
    assert t["source"] == "20*年从市本级预算中安排4亿元专项资金支持农村教育"


# --- verdicts ------------------------------------------------------------------------------------


def test_behind_pace_is_lagging_ahead_on_track_met_achieved(small_plan: Path) -> None:
    # t01-fund: 4亿元, linear over 2006. By 2006-06-30 (181 days) 1.98亿元 are expected.
    record(small_plan, "t01-fund", "1", "--date", "2006-03-01")
    data = status_json(small_plan, "--as-of", "2006-06-30")
    t = target(data, "t01-fund")
    assert (t["actual"], t["expected"], t["status"]) == (1, 1.983562, "lagging")
    assert t["progress"] == 0.25

    record(small_plan, "t01-fund", "1.2", "--date", "2006-06-01")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert (t["actual"], t["status"]) == (2.2, "on_track")
    assert t["gap"] == 0.216438

    record(small_plan, "t01-fund", "18000", "--unit", "万元", "--date", "2006-06-30")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert (t["actual"], t["status"], t["progress"]) == (4, "achieved", 1)


def test_at_risk_between_the_thresholds(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "1.6", "--date", "2006-06-01")  # 1.6 / 1.98 = 81% of expected
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t01-fund")
    assert t["status"] == "at_risk"


def test_due_date_target_is_not_due_then_overdue(small_plan: Path) -> None:
    # t01-enrol (7.8万人) is due 2006-09-30: never reported is no_data before and after it
    for day in ("2006-09-29", "2006-10-01"):
        assert target(status_json(small_plan, "--as-of", day), "t01-enrol")["status"] == "no_data"
    record(small_plan, "t01-enrol", "7.5", "--date", "2006-06-01")
    before = target(status_json(small_plan, "--as-of", "2006-09-29"), "t01-enrol")
    assert (before["status"], before["expected"], before["due"]) == ("not_due", 0, "2006-09-30")
    after = target(status_json(small_plan, "--as-of", "2006-10-01"), "t01-enrol")
    assert after["status"] == "nearly_met"  # 7.5 of 7.8: 96%
    record(small_plan, "t01-enrol", "6", "--date", "2006-09-20")
    assert target(status_json(small_plan, "--as-of", "2006-10-01"), "t01-enrol")["status"] == "overdue"


def test_level_target_takes_the_latest_reading_in_any_unit(small_plan: Path) -> None:
    record(small_plan, "t01-enrol", "70000", "--unit", "人", "--date", "2006-09-05")
    record(small_plan, "t01-enrol", "7.9", "--date", "2006-09-20")
    t = target(status_json(small_plan, "--as-of", "2006-09-30"), "t01-enrol")
    assert (t["actual"], t["status"]) == (7.9, "achieved")
    # as it stood before the second reading
    t = target(status_json(small_plan, "--as-of", "2006-09-10"), "t01-enrol")
    assert (t["actual"], t["status"], t["reason"]) == (7, "at_risk", "forecast_short")  # 7 of 7.8 by its due date


def test_milestone_stages(small_plan: Path) -> None:
    record(small_plan, "t02-rules", "approved", "--date", "2006-05-01")
    t = target(status_json(small_plan, "--as-of", "2006-06-30"), "t02-rules")
    assert (t["actual"], t["target"], t["status"]) == ("approved", "issued", "on_track")
    assert t["progress"] == 0.666667
    record(small_plan, "t02-rules", "issued", "--date", "2006-07-01")
    assert target(status_json(small_plan, "--as-of", "2006-07-01"), "t02-rules")["status"] == "achieved"


def test_no_data_and_summary(small_plan: Path) -> None:
    data = status_json(small_plan, "--as-of", "2006-06-30")
    assert data["summary"]["counts"] == {
        "overdue": 0,
        "lagging": 0,
        "at_risk": 0,
        "no_data": 3,
        "nearly_met": 0,
        "on_track": 0,
        "not_due": 0,
        "exceeded": 0,
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
Task  Target                     Goal    Actual  Expected  Done  Pace  Status
────────────────────────────────────────────────────────────────────────────────
   1  专项资金                  4亿元       2.2         2   55%  111%  on track
      t01-fund
   1  招生                    7.8万人         —         —     —     —  no report
      t01-enrol
   2  管理办法                 issued  approved   drafted   67%     —  on track
      t02-rules                                                        stale
3 targets: 1 no report, 2 on track
weighted completion 47% (expected by now: 37%)
"""

ATTENTION_80 = """\
测试计划 — status as of 2006-06-30
3 targets: 1 no report, 2 on track
weighted completion 47% (expected by now: 37%)

Needs attention: 1, worst first
Task  Target                      Goal    Actual  Expected  Done  Pace  Status
────────────────────────────────────────────────────────────────────────────────
   2  管理办法                  issued  approved   drafted   67%     —  on track
      t02-rules                                                         stale

The rest, by section
一、2: 1 no report, 1 on track  第一部分

edplan status --all lists every target; --status, --section or --grep narrow it.
"""


def test_table_at_80_columns(small_plan: Path) -> None:
    record(small_plan, "t01-fund", "2.2", "--date", "2006-06-01")
    record(small_plan, "t02-rules", "approved", "--date", "2006-05-01")
    r = run("--plan", small_plan, "status", "--as-of", "2006-06-30", "--all")
    assert r.code == 0
    assert r.out == TABLE_80  # piped: no padding at the ends of lines
    assert all(len(line) <= 80 for line in r.out.splitlines())
    # by default: the counts, what needs attention worst first, the rest one line a section
    assert run("--plan", small_plan, "status", "--as-of", "2006-06-30").out == ATTENTION_80


def test_table_in_chinese(small_plan: Path) -> None:
    r = run("--plan", small_plan, "--lang", "zh", "status", "--as-of", "2006-06-30")
    assert r.code == 0
    assert "测试计划 — 截至 2006-06-30 的进度" in r.out
    assert "未报送" in r.out and "无数据" not in r.out
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
