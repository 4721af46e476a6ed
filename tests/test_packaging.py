"""Packaging: the wheel says what it needs (Python ≥ 3.11, its dependencies), is typed, and installs a
working ``edplan``.

The wheel is built once without build isolation (the test venv has setuptools and wheel) and
installed into a fresh virtual environment without its dependencies, which are borrowed from the
test venv through a ``.pth`` file, so the test needs no network. ``pip install .`` with real
dependencies is exercised by the pre-commit test; ``pipx install .`` by the slow test at the end
(``pytest -m slow``, run by .ci/run after ``make test``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from edplan import __version__
from tests.conftest import PLAN_2006, ROOT

ENV = {**os.environ, "EDPLAN_LANG": "en", "NO_COLOR": "1", "EDPLAN_NO_CACHE": "1"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy of the sources, so that setuptools' build/ and egg-info stay out of the work tree.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (found,) = out.glob("edplan-*.whl")
    return found


def metadata(wheel: Path) -> tuple[list[str], dict[str, list[str]], str]:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        dist = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(f"{dist}/METADATA").decode())
        entry_points = z.read(f"{dist}/entry_points.txt").decode()
    fields = {key: meta.get_all(key) or [] for key in ("Requires-Python", "Requires-Dist", "Classifier", "Version")}
    return names, fields, entry_points


def test_the_wheel_declares_python_dependencies_and_its_command(wheel: Path) -> None:
    names, fields, entry_points = metadata(wheel)
    assert fields["Version"] == [__version__]
    assert fields["Requires-Python"] == [">=3.11"]
    required = {
        line.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip() for line in fields["Requires-Dist"]
    }
    assert {"typer", "pydantic", "rich", "ruamel.yaml", "tabulate", "wcwidth"} <= required
    assert "[console_scripts]\nedplan = edplan.cli:main" in entry_points
    assert "Typing :: Typed" in fields["Classifier"]
    assert "edplan/py.typed" in names
    assert "edplan/cli/__init__.py" in names and "edplan/render/words.py" in names
    assert not [n for n in names if n.startswith("tests/")]


@pytest.fixture(scope="module")
def fresh_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding only the wheel; its dependencies come from the test venv through a .pth file."""
    home = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A plain path line adds the test venv's packages but not its .pth files (so not its editable edplan).
    Path(purelib, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return home


def test_the_installed_command_runs_from_the_installed_package(fresh_env: Path) -> None:
    edplan = fresh_env / "bin" / "edplan"
    r = subprocess.run([str(edplan), "--version"], capture_output=True, text=True, env=ENV)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"edplan {__version__}\n", "")
    r = subprocess.run([str(edplan), "validate", str(PLAN_2006)], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    where = subprocess.run(
        [
            str(fresh_env / "bin" / "python"),
            "-c",
            "import edplan, pathlib; print(pathlib.Path(edplan.__file__).parent)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(fresh_env), where
    assert (Path(where) / "py.typed").is_file()


def test_python_m_edplan_works_too(fresh_env: Path) -> None:
    r = subprocess.run(
        [str(fresh_env / "bin" / "python"), "-m", "edplan", "--version"], capture_output=True, text=True, env=ENV
    )
    assert (r.returncode, r.stdout) == (0, f"edplan {__version__}\n")


@pytest.mark.slow
def test_pipx_install_gives_a_working_edplan(tmp_path: Path) -> None:
    """``pipx install .`` as a user would: a fresh venv, dependencies from PyPI (about 30 s)."""
    env = {**ENV, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    env["PIPX_MAN_DIR"] = str(tmp_path / "man")
    pipx = Path(sys.executable).parent / "pipx"
    source = tmp_path / "edplan"  # a copy, as a fresh checkout would be: no build/ in the work tree
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    r = subprocess.run([str(pipx), "install", str(source)], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(tmp_path / "bin" / "edplan"), "--version"], capture_output=True, text=True, env=env)
    assert (r.returncode, r.stdout) == (0, f"edplan {__version__}\n")
    command = [str(tmp_path / "bin" / "edplan"), "validate", str(PLAN_2006)]
    checked = subprocess.run(command, capture_output=True, env=env)
    assert checked.returncode == 0
