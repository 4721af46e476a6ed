"""The README's examples run: every ```console block's command prints exactly what the block shows.

The blocks use the illustrative log in examples/ (made-up figures, not real data), at 80 columns,
without colour, in English unless the command says --lang zh. A README that drifts from what edplan
prints fails here; so does an example log that drifts from the golden scenario.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, run
from tests.golden import write_scenario

README = ROOT / "README.md"
BLOCK = re.compile(r"^```console\n\$ (edplan [^\n]+)\n(.*?)^```$", re.M | re.S)


def examples() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]


def test_the_readme_has_examples() -> None:
    assert len(examples()) >= 4


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_each_example_prints_what_the_readme_shows(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the commands name plans/ and examples/ relative to the clone
    r = run(*shlex.split(command)[1:])
    assert r.code == 0, r.err
    if os.environ.get("EDPLAN_UPDATE_GOLDEN") and r.out != shown:  # as for golden files: then read the diff
        text = README.read_text(encoding="utf-8")
        README.write_text(text.replace(f"$ {command}\n{shown}", f"$ {command}\n{r.out}", 1), encoding="utf-8")
        return
    assert r.out == shown, f"README example differs: {command}\n{r.out}"


def test_the_example_log_is_the_golden_scenario(tmp_path: Path) -> None:
    assert (ROOT / "examples" / "2006.progress.jsonl").read_bytes() == write_scenario(
        tmp_path / "log.jsonl"
    ).read_bytes()
    assert "not real data" in (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
