"""``edplan validate``: example plans sorted into folders drive the tests (check-jsonschema style).

``tests/plans/valid/*.yaml`` must validate cleanly. Each ``tests/plans/invalid/NAME.yaml`` has a
``NAME.expected`` beside it holding the exact stdout, one ``path:line:column: message; hint`` per
problem, with the file's path written as ``{path}``. To add a case, drop in both files; to write the
``.expected``, run ``edplan validate`` on the plan and read every line before pinning it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from edplan import planfile, yamlsafe
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
