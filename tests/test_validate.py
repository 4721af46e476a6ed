"""``edplan validate``: example plans sorted into folders drive the tests (check-jsonschema style).

``tests/plans/valid/*.yaml`` must validate cleanly. Each ``tests/plans/invalid/NAME.yaml`` has a
``NAME.expected`` beside it holding the exact stdout, one ``path:line:column: message; hint`` per
problem, with the file's path written as ``{path}``. To add a case, drop in both files; to write the
``.expected``, run ``edplan validate`` on the plan and read every line before pinning it.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edplan.errors import Problem
from edplan.plan import load as planfile
from edplan.plan import yaml_safe as yamlsafe
from edplan.render.problems import github_annotation
from tests.conftest import ROOT, SMALL_PLAN, run, write

PLANS = Path(__file__).parent / "plans"
VALID = sorted((PLANS / "valid").glob("*.yaml"))
INVALID = sorted((PLANS / "invalid").glob("*.yaml"))


def expected_lines(plan: Path) -> list[str]:
    text = plan.with_suffix(".expected").read_text(encoding="utf-8")
    return [line.replace("{path}", str(plan)) for line in text.splitlines()]


def valid_line(path: str | Path) -> str:
    """The line stderr shows for a valid plan (counts left open)."""
    return re.escape(str(path)) + r": valid \(\d+ sections, \d+ tasks, \d+ targets\)"


def test_the_folders_hold_the_cases() -> None:
    assert len(VALID) >= 2
    assert len(INVALID) >= 16
    missing = [p.name for p in INVALID if not p.with_suffix(".expected").is_file()]
    assert missing == []
    strays = [p.name for p in (PLANS / "invalid").iterdir() if p.suffix not in (".yaml", ".expected")]
    assert strays == []


@pytest.mark.parametrize("plan", VALID, ids=[p.stem for p in VALID])
def test_valid_plan(plan: Path) -> None:
    r = run("validate", plan)
    assert (r.code, r.out) == (0, "")
    assert re.fullmatch(valid_line(plan) + "\n", r.err)


@pytest.mark.parametrize("plan", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_plan(plan: Path) -> None:
    want = expected_lines(plan)
    assert want, f"{plan.with_suffix('.expected').name} is empty"
    r = run("validate", plan)
    assert r.out.splitlines() == want
    assert r.code == 1
    assert r.err == f"{len(want)} problem(s) found\n"


def test_byte_level_cases_still_hold_their_bytes() -> None:
    """An editor that 'repairs' these files would silently turn the cases into something else."""
    utf8 = (PLANS / "invalid" / "invalid-utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        utf8.decode("utf-8")
    assert b"\x00" in (PLANS / "invalid" / "nul-byte.yaml").read_bytes()


def test_several_files_report_every_problem_in_order() -> None:
    files = [
        PLANS / "invalid" / "wrong-type.yaml",
        PLANS / "valid" / "minimal.yaml",
        PLANS / "invalid" / "missing-required.yaml",
    ]
    r = run("validate", *files)
    assert r.out.splitlines() == expected_lines(files[0]) + expected_lines(files[2])
    assert r.code == 1
    err = r.err.splitlines()
    assert re.fullmatch(valid_line(files[1]), err[0])
    assert err[1:] == ["7 problem(s) found"]


# --- could not run: exit 2, one line, no traceback ---------------------------------------------------


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "plan.yaml"
    r = run("validate", missing)
    assert (r.code, r.out) == (2, "")
    assert r.err == f"{missing}: plan file not found; give an existing plan file\n"


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "plans.yaml"
    folder.mkdir()
    r = run("validate", folder)
    assert (r.code, r.out, r.err) == (2, "", f"{folder}: plan file is a directory\n")


# --- hostile input is refused before it costs anything -------------------------------------------


def test_oversized_plan_is_refused_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing() -> None:
        raise AssertionError("an oversized plan must be refused before it is parsed")

    monkeypatch.setattr(yamlsafe, "make_yaml", no_parsing)
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # a comment line padded to one byte over the limit
        f.write(b"#" * planfile.MAX_PLAN_BYTES + b"\n")
    r = run("validate", big)
    size, limit = planfile.MAX_PLAN_BYTES + 1, planfile.MAX_PLAN_BYTES
    assert r.out == (
        f"{big}: plan file is {size:,} bytes; refusing files over {limit:,} bytes; is this the right file?\n"
    )
    assert (r.code, r.err) == (1, "1 problem(s) found\n")


def test_size_limit_is_read_when_the_plan_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    size = plan.stat().st_size
    monkeypatch.setattr(planfile, "MAX_PLAN_BYTES", size)
    assert run("validate", plan).code == 0  # at the limit: fine
    monkeypatch.setattr(planfile, "MAX_PLAN_BYTES", size - 1)
    r = run("validate", plan)
    assert r.out == (
        f"{plan}: plan file is {size:,} bytes; refusing files over {size - 1:,} bytes; is this the right file?\n"
    )
    assert r.code == 1


def test_billion_laughs_is_refused_at_the_first_alias_quickly() -> None:
    laughs = PLANS / "invalid" / "billion-laughs.yaml"
    run("validate", PLANS / "valid" / "minimal.yaml")  # imports warmed up: time the refusal only
    started = time.perf_counter()
    r = run("validate", laughs)
    elapsed = time.perf_counter() - started
    assert r.out.splitlines() == [
        f"{laughs}:6:8: YAML aliases (*name) are not allowed in a plan file; write the value out in full"
    ]
    assert r.code == 1
    assert elapsed < 0.5, f"refusing the billion laughs took {elapsed:.2f} s"


# --- the real plan -------------------------------------------------------------------------------


def test_the_2006_plan_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    r = run("validate", "plans/2006.yaml")
    assert (r.code, r.out) == (0, ""), r.out
    assert re.fullmatch(valid_line("plans/2006.yaml"), r.err.splitlines()[0])


def _line_of(text: str, after: str, needle: str) -> int:
    """1-based number of the first line holding ``needle`` after the line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines[start:], start) if needle in line) + 1


@pytest.mark.parametrize(
    ("part", "old", "new", "total", "message"),
    [
        (
            "id: t01-master-enrol",
            "value: 5968",
            "value: 5958",
            "id: t01-postgrad-enrol",
            "target t01-postgrad-enrol: its parts add up to 6450人 (t01-phd-enrol 492人 + t01-master-enrol 5958人), "
            "not 6460人",
        ),
        (
            "id: t01-higher-voc-admit",
            "value: 4.2",
            "value: 4.3",
            "id: t01-undergrad-admit",
            "target t01-undergrad-admit: its parts add up to 8.5万人 (t01-bachelor-admit 4.2万人 + "
            "t01-higher-voc-admit 4.3万人), not 8.4万人",
        ),
    ],
)
def test_the_2006_plan_parts_must_add_up_to_their_totals(
    tmp_path: Path, part: str, old: str, new: str, total: str, message: str
) -> None:
    """A slip in a part of the real plan is caught at its total's figure, whose parts are named."""
    text = (ROOT / "plans" / "2006.yaml").read_text(encoding="utf-8")
    at = _line_of(text, part, old)
    lines = text.splitlines(keepends=True)
    lines[at - 1] = lines[at - 1].replace(old, new)
    plan = tmp_path / "2006.yaml"
    plan.write_text("".join(lines), encoding="utf-8")
    (tmp_path / "2006-work-plan.txt").write_bytes((ROOT / "plans" / "2006-work-plan.txt").read_bytes())
    r = run("validate", plan)
    hint = "correct a part or the total; if the document names only some of its parts, set parts_complete: false"
    assert r.out == f"{plan}:{_line_of(text, total, 'value:')}:20: {message}; {hint}\n"
    assert (r.code, r.err) == (1, "1 problem(s) found\n")


# --- output formats: text (default), github, json --------------------------------------------------


def test_github_format_annotates_each_problem_at_its_file_and_line() -> None:
    plan = PLANS / "invalid" / "unknown-nested-field.yaml"
    r = run("validate", "--format", "github", plan)
    assert r.code == 1
    assert r.out.splitlines() == [
        f"::error file={plan},line=6,col=3,title=edplan validate::"
        "plan: unknown field 'period.ends'; did you mean 'end'?",
        f"::error file={plan},line=8,col=3,title=edplan validate::"
        "plan: unknown field 'settings.schedules'; did you mean 'schedule'?",
        f"::error file={plan},line=21,col=15,title=edplan validate::"
        "target t01-a: unknown field 'schedule.dew'; did you mean 'due'?",
    ]
    # GitHub shows only the first annotations of a step: the log keeps the whole text report.
    assert r.err.splitlines() == [*expected_lines(plan), "3 problem(s) found"]


def test_github_format_escapes_what_the_runner_would_read_as_syntax(tmp_path: Path) -> None:
    plan = PLANS / "invalid" / "growth-disagrees.yaml"
    odd = tmp_path / "a,b:c.yaml"
    odd.write_bytes(plan.read_bytes())
    r = run("validate", "-f", "github", odd)
    escaped_path = str(odd).replace(":", "%3A").replace(",", "%2C")
    assert r.out == (
        f"::error file={escaped_path},line=20,col=21,title=edplan validate::target t01-postgrad: growth 12%25 does "
        "not agree with baseline 5921 and value 6460 (they imply 9.10%25); correct the baseline, the value or the "
        "growth figure\n"
    )
    assert r.code == 1


def test_github_format_on_a_valid_plan_prints_no_annotation() -> None:
    plan = PLANS / "valid" / "minimal.yaml"
    r = run("validate", "--format", "github", plan)
    assert (r.code, r.out) == (0, "")
    assert re.fullmatch(valid_line(plan) + "\n", r.err)


def test_json_format_lists_files_and_problems() -> None:
    bad, good = PLANS / "invalid" / "schema-and-checks.yaml", PLANS / "valid" / "minimal.yaml"
    r = run("validate", "--format", "json", bad, good)
    assert (r.code, r.err) == (1, "")
    data = json.loads(r.out)
    assert data["valid"] is False
    assert data["files"] == [
        {"path": str(bad), "kind": "plan", "valid": False, "counts": None},
        {"path": str(good), "kind": "plan", "valid": True, "counts": {"sections": 1, "tasks": 1, "targets": 1}},
    ]
    assert data["problems"][:2] == [
        {
            "path": str(bad),
            "line": 17,
            "column": 20,
            "field": "value",
            "message": "target t01-a: 'value' must be a finite number, got 'lots'",
            "hint": None,
        },
        {
            "path": str(bad),
            "line": 24,
            "column": 29,
            "field": "schedule.due",
            "message": "target t01-b: due date 2005-12-31 is outside the plan period 2006-01-01 – 2006-12-31",
            "hint": "use a date inside the period",
        },
    ]
    # Each problem is the same one the text format prints.
    texts = [
        f"{p['path']}:{p['line']}:{p['column']}: {p['message']}" + (f"; {p['hint']}" if p["hint"] else "")
        for p in data["problems"]
    ]
    assert texts == expected_lines(bad)


def test_json_format_on_valid_plans_exits_0() -> None:
    r = run("validate", "--format", "json", PLANS / "valid" / "minimal.yaml")
    assert (r.code, r.err) == (0, "")
    assert json.loads(r.out)["valid"] is True
    assert json.loads(r.out)["problems"] == []


def test_json_keys_stay_english_in_chinese() -> None:
    bad = PLANS / "invalid" / "missing-required.yaml"
    r = run("--lang", "zh", "validate", "--format", "json", bad)
    data = json.loads(r.out)
    assert list(data) == ["valid", "files", "problems"]
    assert list(data["problems"][0]) == ["path", "line", "column", "field", "message", "hint"]
    assert data["files"][0]["kind"] == "plan"


def test_formats_share_the_could_not_run_exit(tmp_path: Path) -> None:
    missing = tmp_path / "plan.yaml"
    for fmt in ("text", "github", "json"):
        r = run("validate", "--format", fmt, missing)
        assert (r.code, r.out) == (2, ""), fmt
        assert r.err == f"{missing}: plan file not found; give an existing plan file\n"


def test_unknown_format_is_a_usage_error() -> None:
    r = run("validate", "--format", "xml", PLANS / "valid" / "minimal.yaml")
    assert r.code == 2
    assert r.out == ""


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@given(
    message=st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    path=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20),
)
def test_annotations_are_one_line_that_reads_back_as_written(message: str, path: str) -> None:
    line = github_annotation(Problem(message, path=path, line=3, column=4), "en")
    assert "\n" not in line and "\r" not in line
    head, _, data = line.partition("::")[2].partition("::")
    assert _unescape(data) == message
    props = dict(p.split("=", 1) for p in head.removeprefix("error ").split(","))
    assert _unescape(props["file"]) == path
    assert (props["line"], props["col"]) == ("3", "4")


def test_a_plan_and_its_log_named_together_are_checked_once(tmp_path: Path) -> None:
    """pre-commit passes every file a commit touches: the plan and its log may both be named."""
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    log = tmp_path / "plan.progress.jsonl"
    log.write_text(
        '{"id": "a", "target": "nope", "value": "1", "unit": "亿元", "date": "2006-03-01", '
        '"recorded": "2026-01-01T00:00:00+00:00"}\n',
        encoding="utf-8",
    )
    r = run("validate", plan, log, plan)
    assert r.code == 1
    assert len(r.out.splitlines()) == 1
    assert r.out.startswith(f"{log}:1: a: unknown target 'nope'")
    assert r.err.splitlines()[-1] == "1 problem(s) found"


MUTATIONS = list(":{}[],-'\"\t#&*!|>%@` \n?.0~=\\")


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, len(SMALL_PLAN)), st.sampled_from(MUTATIONS), st.booleans()), max_size=4)
)
def test_any_mangled_plan_gives_problems_with_positions_never_a_crash(edits: list[tuple[int, str, bool]]) -> None:
    """Characters that mean something to YAML, inserted or overwritten anywhere in a small plan."""
    text = SMALL_PLAN
    for at, char, insert in edits:
        text = text[:at] + char + text[at + (0 if insert else 1) :]
    loaded = planfile.check_plan_text(text, "plan.yaml")
    assert (loaded.plan is None) == bool(loaded.problems)
    assert all(p.path == "plan.yaml" and p.line is not None for p in loaded.problems)
