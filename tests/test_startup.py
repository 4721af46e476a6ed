"""What a command imports at start: each library costs tens of milliseconds on every run.

``status`` and ``record`` run many times a day from scripts and shells. Once the plan cache is warm,
neither parses YAML (ruamel.yaml) nor imports tabulate; ``record`` of one entry draws nothing, so it
imports no Rich; ``--version`` needs none of the heavy libraries. The commands run in a real
subprocess, so the modules counted are the ones a user's run loads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLAN_2006

PROBE = """
import io, json, sys, contextlib
sys.argv = ["edplan", *sys.argv[1:]]
from edplan.cli import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

HEAVY = ("ruamel.yaml", "tabulate", "rich", "pydantic")


def loaded(tmp: Path, *args: str) -> set[str]:
    """The top-level libraries among HEAVY that ``edplan ARGS`` imported."""
    env = {**os.environ, "EDPLAN_CACHE_DIR": str(tmp / "cache"), "EDPLAN_LANG": "en", "COLUMNS": "120"}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, "--plan", str(tmp / "2006.yaml"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=60,
    )
    result = json.loads(r.stderr.splitlines()[-1])
    assert result["code"] == 0, r.stderr
    return {lib for lib in HEAVY if lib in result["modules"]}


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    shutil.copy(PLAN_2006, tmp_path / "2006.yaml")
    shutil.copy(PLAN_2006.parent / "2006-work-plan.txt", tmp_path / "2006-work-plan.txt")
    return tmp_path


def test_status_with_a_warm_plan_cache_parses_no_yaml(plan_dir: Path) -> None:
    assert "ruamel.yaml" in loaded(plan_dir, "status", "--as-of", "2006-06-30")  # the first run fills the cache
    assert loaded(plan_dir, "status", "--as-of", "2006-06-30") == {"rich", "pydantic"}


def test_record_of_one_entry_imports_neither_yaml_nor_a_renderer(plan_dir: Path) -> None:
    loaded(plan_dir, "validate")
    assert loaded(plan_dir, "record", "t03-rural-fund", "1", "--date", "2006-03-01") == {"pydantic"}


def test_version_imports_none_of_the_heavy_libraries(plan_dir: Path) -> None:
    assert loaded(plan_dir, "--version") == set()
