"""``edplan show TARGET``: one target's full story, as a person reads it and as JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from wcwidth import wcswidth

from tests.conftest import PLAN_2006, run
from tests.golden import check, tidy, write_scenario


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_scenario(tmp_path / "scenario.progress.jsonl")


def show(log: Path, *args: str, lang: str = "en") -> tuple[int, str, str]:
    r = run("--plan", PLAN_2006, "--log", log, "--lang", lang, "show", *args)
    return r.code, r.out, r.err


def test_a_cumulative_target_at_80_columns(log: Path) -> None:
    code, out, err = show(log, "t03-rural-fund", "--as-of", "2006-07-01")
    assert (code, err) == (0, "")
    check("show-rural-fund-80.txt", tidy(out))
    assert max(wcswidth(line) for line in out.splitlines()) <= 80


def test_a_milestone_in_chinese(log: Path) -> None:
    code, out, _ = show(log, "t02-education-plan", "--as-of", "2006-07-01", lang="zh")
    assert code == 0
    check("show-education-plan-80-zh.txt", tidy(out))


def test_the_as_of_date_leaves_later_entries_out(log: Path) -> None:
    _, out, _ = show(log, "t18-worker-training", "--as-of", "2006-04-30")
    assert "Entries (1)" in out and "2006-06-30" not in out.split("Entries")[1]
    _, out, _ = show(log, "t03-student-teachers", "--as-of", "2006-07-01")
    assert "no entries up to 2006-07-01" in out and "Trend" not in out


def test_json_has_the_status_fields_and_the_story(log: Path) -> None:
    code, out, _ = show(log, "t18-worker-training", "--as-of", "2006-07-01", "-f", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["status"], data["direction"], data["actual"], data["forecast_date"]) == (
        "on_track",
        "approximately",
        130,
        "2006-11-29",  # 130 in 182 days: the band's floor, 237.5, is 151 days further at that pace
    )
    assert data["schedule"] == {"from": "default", "due": None, "start": None, "end": None, "checkpoints": []}
    assert [(e["date"], e["value"]) for e in data["entries_list"]] == [("2006-03-31", "60"), ("2006-06-30", "70")]
    assert data["trend"] == [{"date": "2006-03-31", "value": 60}, {"date": "2006-06-30", "value": 130}]


def test_corrections_and_retractions_are_part_of_the_story(small_plan: Path) -> None:
    for args in (("1", "--date", "2006-03-01", "--id", "a"), ("2", "--date", "2006-04-01", "--id", "b")):
        assert run("--plan", small_plan, "record", "t01-fund", *args).code == 0
    r = run("--plan", small_plan, "correct", "a", "1.5", "--reason", "财务处更正", "--date", "2006-03-10")
    assert r.code == 0, r.err
    r = run("--plan", small_plan, "retract", "b", "--reason", "重复上报", "--date", "2006-04-05")
    assert r.code == 0, r.err
    r = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", "-f", "json")
    data = json.loads(r.out)
    assert data["actual"] == 1.5, "the correction counts, the retracted entry does not"
    assert [[(a["kind"], a["value"], a["reason"]) for a in e["amendments"]] for e in data["entries_list"]] == [
        [("correction", "1.5", "财务处更正")],
        [("retraction", None, "重复上报")],
    ]
    out = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", env={"COLUMNS": "120"}).out
    assert "corrected to 1.5亿元 on 2006-03-10: 财务处更正" in out
    assert "retracted on 2006-04-05: 重复上报" in out
    # the figures up to 2006-04-02, with everything recorded since: both amendments apply
    r = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-04-02", "-f", "json")
    data = json.loads(r.out)
    assert data["actual"] == 1.5
    assert [len(e["amendments"]) for e in data["entries_list"]] == [1, 1]
    r = run("--plan", small_plan, "status", "--as-of", "2006-03-05", "-f", "json")
    assert json.loads(r.out)["targets"][0]["actual"] == 1.5, "a correction applies to every date it concerns"


def test_unknown_target_suggests_the_nearest(log: Path) -> None:
    code, out, err = show(log, "t03-rural-fnd")
    assert (code, out) == (2, "")
    assert err == (
        "edplan show: TARGET: unknown target 't03-rural-fnd'; "
        "did you mean t03-rural-fund, t03-rural-tech-training, t03-rural-teacher-training?\n"
    )
    code, _, err = show(log, "t03-rural-fund", "--as-of", "yesterday")
    assert (code, err) == (2, "edplan show: --as-of: 'yesterday' is not a date; write it as YYYY-MM-DD\n")


def test_notes_are_text_not_markup(small_plan: Path) -> None:
    """A note may hold what Rich would read as markup or an emoji code: it is shown as written."""
    for note, day in (("[/]补报[red]", "2006-03-01"), ("比例:100:1", "2006-03-02")):
        r = run("--plan", small_plan, "record", "t01-fund", "1", "--date", day, "--note", note, "--source", "[b]财务处")
        assert r.code == 0, r.err
    r = run("--plan", small_plan, "show", "t01-fund", "--as-of", "2006-06-30", env={"COLUMNS": "120"})
    assert (r.code, r.err) == (0, "")
    assert "[/]补报[red]" in r.out and "比例:100:1" in r.out and "[b]财务处" in r.out
    r = run("--plan", small_plan, "report", "--as-of", "2006-06-30", "--since", "2006-01-01")
    assert r.code == 0, r.err


# --- relations: growth over last year, parts of a total (issue 9 §4) ----------------------------

RELATIONS = Path(__file__).parent / "plans" / "valid" / "relations.yaml"
EVERY_FEATURE = Path(__file__).parent / "plans" / "valid" / "every-feature.yaml"


def facts(plan: Path, target_id: str, lang: str = "en") -> list[str]:
    """The label/value lines of ``show`` above the status, trailing spaces dropped."""
    r = run("--plan", plan, "--log", plan.with_name("no-such.progress.jsonl"), "--lang", lang, "show", target_id)
    assert (r.code, r.err) == (0, "")
    return [line.rstrip() for line in r.out.split("\n\n")[1].splitlines()]


def test_a_growth_rate_without_a_baseline_shows_the_baseline_it_implies() -> None:
    # 6460 / 1.091 = 5921.17…: shown as the goal is rounded, and marked as derived
    lines = facts(PLAN_2006, "t01-postgrad-enrol")
    assert "Growth    9.1% over the previous year (baseline ≈ 5,921人, derived)" in lines
    zh = facts(PLAN_2006, "t01-undergrad-admit", lang="zh")
    assert "增长      比上年增长 5.3%(基数约 7.98万人,推算)" in zh
    assert "分项      t01-bachelor-admit 4.2万人 + t01-higher-voc-admit 4.2万人" in zh


def test_a_baseline_the_plan_gives_is_shown_as_given() -> None:
    lines = facts(EVERY_FEATURE, "t01-postgrad-enrol")
    assert "Growth    9.1% over the previous year (baseline 5,921人)" in lines
    assert not any("derived" in line for line in lines)


def test_parts_and_their_total_name_each_other() -> None:
    assert "Parts     t01-phd-enrol 492人 + t01-master-enrol 5,968人" in facts(PLAN_2006, "t01-postgrad-enrol")
    assert "Part of   t01-postgrad-enrol, 6,460人 in all" in facts(PLAN_2006, "t01-phd-enrol")
    assert "所属总数  t01-postgrad-enrol,共 6,460人" in facts(PLAN_2006, "t01-master-enrol", lang="zh")
    # a total whose document names only some of its parts says so
    assert "Parts     t02-rural-fund 15,000万元 (only some parts named)" in facts(RELATIONS, "t02-fund")
    assert "分项      t02-rural-fund 15,000万元(原文只列出部分分项)" in facts(RELATIONS, "t02-fund", lang="zh")
    # a figure with no relation shows none of these lines
    plain = facts(PLAN_2006, "t03-rural-fund")
    assert not any(line.startswith(("Growth", "Parts", "Part of", "Baseline")) for line in plain)


def test_json_carries_the_relations_as_ids_and_figures() -> None:
    def relations(plan: Path, target_id: str) -> dict[str, object]:
        r = run("--plan", plan, "--log", plan.with_name("no-such.progress.jsonl"), "show", target_id, "-f", "json")
        assert r.code == 0, r.err
        data: dict[str, object] = json.loads(r.out)["relations"]
        return data

    derived = relations(PLAN_2006, "t01-postgrad-enrol")
    baseline = derived.pop("baseline")
    assert abs(Decimal(str(baseline)) * Decimal("1.091") - 6460) < Decimal("0.001")
    assert derived == {
        "growth": 9.1,
        "increase": None,
        "revisions": [],
        "baseline_derived": True,
        "part_of": None,
        "parts": ["t01-phd-enrol", "t01-master-enrol"],
        "parts_complete": True,
    }
    assert relations(RELATIONS, "t02-rural-fund") == {
        "growth": None,
        "increase": None,
        "revisions": [],
        "baseline": None,
        "baseline_derived": None,
        "part_of": "t02-fund",
        "parts": [],
        "parts_complete": True,
    }
    given = relations(EVERY_FEATURE, "t01-postgrad-enrol")
    assert (given["baseline"], given["baseline_derived"]) == (5921, False)
