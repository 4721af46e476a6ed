"""``edplan init`` and ``edplan compare``: a new plan year that keeps the old one's comments and layout."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edplan.plan.load import require_plan
from edplan.plan.newyear import compare_plans, move_date
from tests.conftest import PLAN_2006, ROOT, SMALL_PLAN, SOURCE_2006, run, write
from tests.test_i18n import english_words

HEADER_LINES = 6  # the note init puts under the modeline


@pytest.fixture
def plan_2006(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    return Path(shutil.copy(PLAN_2006, folder / "2006.yaml"))


def test_init_keeps_everything_but_the_year(plan_2006: Path) -> None:
    r = run("init", "2007", "--from", plan_2006)
    new = plan_2006.with_name("2007.yaml")
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        f"started {new} from {plan_2006}: 10 sections, 41 tasks, 113 targets; 107 dates moved to 2007",
        f"next: edit the targets and schedules for 2007, then run: edplan compare {plan_2006} {new}",
    ]
    old_text = plan_2006.read_text(encoding="utf-8")
    new_lines = new.read_text(encoding="utf-8").splitlines(keepends=True)
    assert new_lines[0] == old_text.splitlines(keepends=True)[0]  # the editor modeline stays first
    assert new_lines[1].startswith("# Started from 2006.yaml by `edplan init 2007`")
    assert "2007" not in old_text
    # Every line but the note is the old one with the year moved: comments, order, flow style, quoting.
    body = new_lines[:1] + new_lines[1 + HEADER_LINES :]
    assert "".join(body).replace("2007", "2006") == old_text
    shutil.copy(SOURCE_2006, new.with_name(SOURCE_2006.name))  # the document the plans quote
    assert run("validate", new).code == 0


def test_init_then_compare_shows_no_change(plan_2006: Path) -> None:
    assert run("init", "2007", "--from", plan_2006).code == 0
    new = plan_2006.with_name("2007.yaml")
    r = run("compare", plan_2006, new)
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        f"{plan_2006} (2006) → {new} (2007)",
        "0 changed, 0 added, 0 removed, 113 unchanged",
    ]


def edit_2007(path: Path) -> None:
    """Next year's figures: more enrolment, one target dropped, one added, a date moved."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("            value: 7.8\n", "            value: 8.0\n", 1)
    start = text.index("          - id: t01-vocational-enrol")
    end = text.index("          - id:", start + 1)
    text = text[:start] + text[end:]
    text = text.replace(
        "          - id: t01-phd-enrol",
        "          - id: t01-new-schools\n            name: 新建学校\n            value: 5\n            unit: 所\n"
        "            source: 新建5所学校\n          - id: t01-phd-enrol",
        1,
    )
    text = text.replace("schedule: {due: 2007-09-30}", "schedule: {due: 2007-10-31}", 1)
    path.write_text(text, encoding="utf-8")


def test_compare_shows_targets_added_removed_and_changed(plan_2006: Path) -> None:
    run("init", "2007", "--from", plan_2006)
    new = plan_2006.with_name("2007.yaml")
    edit_2007(new)
    r = run("compare", plan_2006, new)
    assert r.code == 0
    assert r.out.splitlines() == [
        f"{plan_2006} (2006) → {new} (2007)",
        "changed  t01-senior-high-enrol  普通高中招生",
        "    value: 7.8万人 → 8.0万人",
        "    schedule: due 2006-09-30 → due 2007-10-31",
        "added    t01-new-schools  新建学校  5所",
        "removed  t01-vocational-enrol  中等职业教育招生  5.7万人",
        "1 changed, 1 added, 1 removed, 111 unchanged",
    ]
    zh = run("--lang", "zh", "compare", plan_2006, new)
    assert zh.out.splitlines()[1:] == [
        "变更  t01-senior-high-enrol  普通高中招生",
        "    目标值：7.8万人 → 8.0万人",
        "    进度安排：2006-09-30 到期 → 2007-10-31 到期",
        "新增  t01-new-schools  新建学校  5所",
        "删除  t01-vocational-enrol  中等职业教育招生  5.7万人",
        "变更 1 项，新增 1 项，删除 1 项，未变 111 项",
    ]
    assert english_words(zh.out) == []


def test_compare_json_for_scripts(plan_2006: Path) -> None:
    run("init", "2007", "--from", plan_2006)
    new = plan_2006.with_name("2007.yaml")
    edit_2007(new)
    data = json.loads(run("--lang", "zh", "compare", "--format", "json", plan_2006, new).out)
    assert data["summary"] == {"changed": 1, "added": 1, "removed": 1, "unchanged": 111}
    assert data["old"] == {"path": str(plan_2006), "id": "edu-2006", "year": 2006}
    assert data["new"]["id"] == "edu-2007"
    assert data["changed"] == [
        {
            "id": "t01-senior-high-enrol",
            "name": "普通高中招生",
            "section": 1,
            "task": 1,
            "changes": [
                {"field": "value", "before": {"value": 7.8, "unit": "万人"}, "after": {"value": 8, "unit": "万人"}},
                {"field": "schedule", "before": {"due": "2006-09-30"}, "after": {"due": "2007-10-31"}},
            ],
        }
    ]
    assert [t["id"] for t in data["added"]] == ["t01-new-schools"]
    assert [t["id"] for t in data["removed"]] == ["t01-vocational-enrol"]


def test_init_never_replaces_a_file_unless_forced(plan_2006: Path) -> None:
    new = plan_2006.with_name("2007.yaml")
    new.write_text("# my draft\n", encoding="utf-8")
    r = run("init", "2007", "--from", plan_2006)
    assert (r.code, r.out) == (2, "")
    assert r.err == f"{new}: the file exists already; choose another name with --output, or replace it with --force\n"
    assert new.read_text(encoding="utf-8") == "# my draft\n"
    assert run("init", "2007", "--from", plan_2006, "--force").code == 0
    assert require_plan(new).year == 2007
    assert sorted(p.name for p in plan_2006.parent.iterdir()) == ["2006.yaml", "2007.yaml"]  # no temp file left


def test_init_elsewhere_points_the_modeline_at_the_schema(plan_2006: Path, tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    shutil.copy(ROOT / "schema" / "plan.schema.json", tmp_path / "schema" / "plan.schema.json")
    out = tmp_path / "next" / "year" / "plan-2007.yaml"
    out.parent.mkdir(parents=True)
    assert run("init", "2007", "--from", plan_2006, "--output", out).code == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/plan.schema.json"
    assert (out.parent / "../../schema/plan.schema.json").resolve().is_file()


def test_init_defaults_to_the_plan_option(plan_2006: Path) -> None:
    r = run("--plan", plan_2006, "init", "2008")
    assert r.code == 0
    assert require_plan(plan_2006.with_name("2008.yaml")).id == "edu-2008"


def test_init_refusals(plan_2006: Path, tmp_path: Path) -> None:
    r = run("init", "2006", "--from", plan_2006)
    assert (r.code, r.err) == (
        2,
        f"edplan init: YEAR: 2006 is the year of {plan_2006} already; give the year of the new plan, e.g. 2007\n",
    )
    r = run("init", "2007", "--from", plan_2006, "--output", tmp_path / "nowhere" / "2007.yaml")
    assert (r.code, r.out) == (2, "")
    assert (
        r.err
        == f"{tmp_path / 'nowhere' / '2007.yaml'}: folder {tmp_path / 'nowhere'} does not exist; create it first\n"
    )
    bad = write(tmp_path / "bad.yaml", SMALL_PLAN.replace("value: 4", "value: lots"))
    r = run("init", "2007", "--from", bad)
    assert r.code == 2
    assert r.err == f"{bad}:17:20: target t01-fund: 'value' must be a finite number, got 'lots'\n"
    assert not bad.with_name("2007.yaml").exists()
    zh = run("--lang", "zh", "init", "2006", "--from", plan_2006)
    assert english_words(zh.err.removeprefix("edplan init: ")) == [], zh.err


def test_compare_reports_every_problem_of_both_plans(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", SMALL_PLAN.replace("value: 4", "value: lots"))
    b = write(tmp_path / "b.yaml", SMALL_PLAN.replace("unit: 亿元", "unit: 亿元\n            colour: red"))
    r = run("compare", a, b)
    assert r.code == 2
    assert r.err.splitlines() == [
        f"{a}:17:20: target t01-fund: 'value' must be a finite number, got 'lots'",
        f"{b}:19:13: target t01-fund: unknown field 'colour'; remove it or check its spelling",
    ]
    r = run("compare", a, tmp_path / "missing.yaml")
    assert (r.code, r.out) == (2, "")
    assert r.err.splitlines() == [
        f"{a}:17:20: target t01-fund: 'value' must be a finite number, got 'lots'",
        f"{tmp_path / 'missing.yaml'}: plan file not found; give an existing plan file",
    ]
    r = run("init", "2007", "--from", tmp_path / "missing.yaml")
    assert (r.code, r.out, r.err) == (
        2,
        "",
        f"{tmp_path / 'missing.yaml'}: plan file not found; give an existing plan file\n",
    )


def test_29_february_becomes_28_february(tmp_path: Path) -> None:
    leap = SMALL_PLAN.replace("2006", "2008").replace("due: 2008-09-30", "due: 2008-02-29")
    plan = write(tmp_path / "2008.yaml", leap)
    assert run("init", "2009", "--from", plan).code == 0
    new = require_plan(tmp_path / "2009.yaml")
    assert new.sections[0].tasks[0].targets[1].schedule is not None
    assert new.sections[0].tasks[0].targets[1].schedule.due == dt.date(2009, 2, 28)
    assert move_date(dt.date(2008, 2, 29), 4) == dt.date(2012, 2, 29)


def test_the_authors_indentation_is_kept(tmp_path: Path) -> None:
    """A plan written with list dashes at the parent's column comes back the same way."""
    compact = (
        SMALL_PLAN.replace("  - number: 1\n    title: 第一部分\n    tasks:", "- number: 1\n  title: 第一部分\n  tasks:")
        .replace("\n      - number", "\n  - number")
        .replace("\n        title: 第", "\n    title: 第")
        .replace("\n        targets:", "\n    targets:")
        .replace("\n          - id", "\n    - id")
        .replace("\n            ", "\n      ")
    )
    plan = write(tmp_path / "2006.yaml", compact)
    assert run("validate", plan).code == 0, run("validate", plan).out
    assert run("init", "2007", "--from", plan).code == 0
    new_text = (tmp_path / "2007.yaml").read_text(encoding="utf-8")
    body = "".join(new_text.splitlines(keepends=True)[HEADER_LINES:])
    assert body.replace("2007", "2006") == compact


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.integers(1950, 2150).filter(lambda y: y != 2006))
def test_init_then_compare_is_empty_for_any_year(tmp_path: Path, year: int) -> None:
    source = write(tmp_path / "source.yaml", SMALL_PLAN)
    out = tmp_path / f"{year}.yaml"
    assert run("init", str(year), "--from", source, "--output", out, "--force").code == 0
    old, new = require_plan(source), require_plan(out)
    result = compare_plans(old, new)
    assert (result.added, result.removed, result.changed, result.plan_changes) == ([], [], [], [])
    assert new.year == year and new.period.start.year == year


def test_a_plan_started_by_init_can_start_the_next_one(plan_2006: Path) -> None:
    assert run("init", "2007", "--from", plan_2006).code == 0
    assert run("init", "2008", "--from", plan_2006.with_name("2007.yaml")).code == 0
    text = plan_2006.with_name("2008.yaml").read_text(encoding="utf-8")
    assert text.count("# Started from") == 1
    assert "# Started from 2007.yaml by `edplan init 2008`" in text
    body = "".join(text.splitlines(keepends=True)[1 + HEADER_LINES :])
    assert "2007" not in body and "2006" in body  # every date moved on; the old comments still say 2006
    r = run("compare", plan_2006, plan_2006.with_name("2008.yaml"))
    assert r.out.splitlines()[-1] == "0 changed, 0 added, 0 removed, 113 unchanged"
