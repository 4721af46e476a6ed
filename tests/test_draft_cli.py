"""``edplan draft`` end to end: a document in a tmp dir, the draft written, validated, and reviewed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from edplan.render.safe import visible
from tests.conftest import SOURCE_2006, run

SUMMARY = (
    "drafted {path}: 10 sections, 41 tasks, {targets} targets; {checks} guesses marked # check: to review; "
    "{skipped} figures not drafted (listed above)"
)


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    return Path(shutil.copy(SOURCE_2006, tmp_path / "2006-work-plan.txt"))


def test_a_draft_is_written_validated_and_says_what_to_review(doc: Path) -> None:
    out = doc.with_name("2006.yaml")
    r = run("draft", doc, "--output", out)
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    lines = r.err.splitlines()
    skipped = [line for line in lines if ": not drafted: " in line]
    assert skipped and all(line.startswith(f"{doc}:") for line in skipped)
    assert f"{doc}:41: not drafted: «0—3岁»: an age, not a figure to reach" in skipped
    assert lines[-2] == SUMMARY.format(
        path=out, targets=text.count("\n          - id: "), checks=text.count("# check:"), skipped=len(skipped)
    )
    assert lines[-1] == (
        f"next: read every # check: comment in {out}, fix what is wrong, then run: edplan validate {out}"
    )
    assert r.out == ""
    checked = run("--plan", out, "validate")
    assert (checked.code, checked.err) == (0, f"{out}: valid (10 sections, 41 tasks, 100 targets)\n")


def test_the_draft_goes_to_stdout_and_is_the_same_every_time(doc: Path) -> None:
    first, second = run("draft", doc), run("draft", doc)
    assert first.code == 0 and first.out == second.out
    assert first.out.splitlines()[0].startswith("# DRAFT written by edplan")
    assert first.err.splitlines()[-1].startswith("drafted standard output: 10 sections, 41 tasks")
    out = doc.with_name("again.yaml")
    run("draft", doc, "-o", out)
    assert out.read_text(encoding="utf-8") == first.out


def test_an_existing_plan_is_kept_unless_forced(doc: Path) -> None:
    out = doc.with_name("2006.yaml")
    out.write_text("mine\n", encoding="utf-8")
    r = run("draft", doc, "-o", out)
    assert (r.code, r.err) == (
        2,
        f"{out}: the file exists already; choose another name with --output, or replace it with --force\n",
    )
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run("draft", doc, "-o", out, "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("# DRAFT")


def test_a_document_in_another_folder_is_named_relative_to_the_plan(doc: Path, tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    out = tmp_path / "plans" / "2006.yaml"
    assert run("draft", doc, "-o", out).code == 0
    assert '\nsource: "../2006-work-plan.txt"\n' in out.read_text(encoding="utf-8")
    assert run("--plan", out, "validate").code == 0


def test_documents_that_cannot_be_drafted_are_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    r = run("draft", missing)
    assert (r.code, r.out) == (2, "")
    assert r.err.startswith(f"{missing}: plan document not found")
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    r = run("draft", fifo)
    assert r.code == 2 and r.err.startswith(f"{fifo}: plan document is not a regular file"), r.err
    plain = tmp_path / "plan.txt"
    plain.write_text("工作计划\n\n一、总体\n\n1.招生。计划招生500人。\n", encoding="utf-8")
    r = run("draft", plain)
    assert r.code == 2 and r.err.endswith("; give the plan's year with --year\n"), r.err
    assert len(r.err.splitlines()) == 1
    ok = run("draft", plain, "--year", "2019")
    assert ok.code == 0 and "\nyear: 2019\n" in ok.out and "value: 500" in ok.out


def test_the_summary_in_chinese(doc: Path) -> None:
    r = run("--lang", "zh", "draft", doc, "-o", doc.with_name("2006.yaml"))
    assert r.code == 0
    assert r.err.splitlines()[-2].startswith(f"已起草 {doc.with_name('2006.yaml')}：10 个部分，41 项任务，")
    assert r.err.splitlines()[-1].startswith("下一步：逐条核对")


def test_text_from_a_document_cannot_drive_the_terminal() -> None:
    assert visible("A\x1b]0;owned\x07B\x1b[2J\u202e") == "A\\x1b]0;owned\\x07B\\x1b[2J\\u202e"
    assert visible("普通高中\t7.8万人") == "普通高中\t7.8万人"


def test_a_blank_plan_explains_every_field_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "2007.yaml"
    r = run("init", "2007", "--blank", "-o", out)
    assert (r.code, r.out) == (
        0,
        f"started {out}: a blank plan for 2007, every field explained; fill it in, or draft it from its document "
        "with: edplan draft DOCUMENT\n",
    )
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    from edplan.plan.model import Settings

    for name in Settings.model_fields:  # each setting, at its default, under the comment that explains it
        at = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith(f"{name}:"))
        assert lines[at - 1].lstrip().startswith(f"# {name} · "), name
    assert "  stale_after_days: 45" in lines and "year: 2007" in lines
    assert run("--plan", out, "validate").code == 0
    again = run("init", "2007", "--blank", "-o", out)
    assert again.code == 2 and "the file exists already" in again.err
