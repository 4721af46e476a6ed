"""The pre-commit hook, run as another repository would: ``pre-commit try-repo`` on this repository.

pre-commit builds the hook's environment with ``pip install`` of this repository's committed HEAD
(``--ref HEAD``: the work tree of a shared checkout may hold other people's unfinished files), so
this also proves that the package installs from PyPI's dependencies and its ``edplan`` runs.
try-repo builds a fresh environment on every call (about 20 s), so the two runs go in parallel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLAN_2006, ROOT, SOURCE_2006

PLANS = Path(__file__).parent / "plans"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository that uses the hook: a good plan, a broken one, and a YAML file that is no plan."""
    repo = tmp_path_factory.mktemp("user-repo")
    (repo / "plans").mkdir()
    shutil.copy(PLAN_2006, repo / "plans" / "2006.yaml")
    shutil.copy(SOURCE_2006, repo / "plans" / SOURCE_2006.name)  # the document its quotes are checked against
    shutil.copy(PLANS / "invalid" / "unknown-field.yaml", repo / "plans" / "broken.yaml")
    (repo / "ci.yaml").write_text("steps: [checkout]\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    return repo


def try_repo(repo: Path, *files: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PRE_COMMIT_COLOR": "never", "EDPLAN_LANG": "en", "EDPLAN_NO_CACHE": "1"}
    return subprocess.Popen(
        [str(PRE_COMMIT), "try-repo", str(ROOT), "edplan-validate", "--ref", "HEAD", "--files", *files],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def runs(user_repo: Path) -> dict[str, tuple[int, str]]:
    """Both runs at once: try-repo builds a fresh environment for each (about 20 s of pip)."""
    started = {
        "good": try_repo(user_repo, "plans/2006.yaml", "ci.yaml"),
        "broken": try_repo(user_repo, "plans/2006.yaml", "plans/broken.yaml"),
    }
    done: dict[str, tuple[int, str]] = {}
    for name, proc in started.items():
        out, _ = proc.communicate(timeout=300)
        done[name] = (proc.returncode, out)
    return done


def test_the_hook_passes_a_valid_plan_and_leaves_other_yaml_alone(runs: dict[str, tuple[int, str]]) -> None:
    code, out = runs["good"]
    assert code == 0, out
    assert re.search(r"^edplan validate\.+Passed$", out, re.MULTILINE), out


def test_the_hook_fails_a_broken_plan_and_says_where(runs: dict[str, tuple[int, str]]) -> None:
    code, out = runs["broken"]
    assert code == 1, out
    assert re.search(r"^edplan validate\.+Failed$", out, re.MULTILINE), out
    assert "plans/broken.yaml:12:9: task 1: unknown field 'tittle'; did you mean 'title'?" in out
    assert "3 problem(s) found" in out
