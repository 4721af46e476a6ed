"""Text that came from a file or an argument never drives the terminal (issue 12 §7).

An escape sequence in a note (OSC 0 retitles the terminal, CSI 2 J clears it, OSC 8 forges a link),
a BEL, or a bidirectional override is shown escaped (``\\x1b``) by every command and every format;
the plan refuses such text outright, since every command prints it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from edplan.log.entries import Entry
from edplan.log.lines import Amendment, amendment_line, entry_line
from tests.conftest import PLAN_2006, SOURCE_2006, run

HOSTILE = "a\x1b]0;owned\x07b\x1b[2Jc\x1b]8;;http://x\x1b\\link\u202ed"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def clean(*texts: str) -> bool:
    return not any(c in text for text in texts for c in RAW)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    shutil.copy(SOURCE_2006, tmp_path / SOURCE_2006.name)
    path = Path(shutil.copy(PLAN_2006, tmp_path / "2006.yaml"))
    entry = Entry("e-1", "t03-rural-fund", "1", "亿元", dt.date(2006, 3, 1), HOSTILE, HOSTILE)
    fix = Amendment("c-1", "e-1", "correction", HOSTILE, dt.date(2006, 4, 1), "2", "亿元")
    path.with_name("2006.progress.jsonl").write_text(entry_line(entry) + amendment_line(fix), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2006-06-30"),
        ("status", "--as-of", "2006-06-30", "-f", "markdown"),
        ("status", "--as-of", "2006-06-30", "-f", "csv"),
        ("status", "--as-of", "2006-06-30", "-f", "json"),
        ("show", "t03-rural-fund", "--as-of", "2006-06-30"),
        ("show", "t03-rural-fund", "--as-of", "2006-06-30", "-f", "json"),
        ("report", "--as-of", "2006-06-30", "--since", "2006-01-01"),
        ("validate",),
    ],
)
def test_notes_sources_and_reasons_are_shown_escaped(plan: Path, args: tuple[str, ...]) -> None:
    for lang in ("en", "zh"):
        r = run("--plan", plan, "--lang", lang, *args, env={"COLUMNS": "200"})
        assert r.code in (0, 1), r.err
        assert clean(r.out, r.err), (args, r.out)
    shown = run("--plan", plan, "show", "t03-rural-fund", "--as-of", "2006-06-30", env={"COLUMNS": "300"}).out
    assert "a\\x1b]0;owned\\x07b" in shown


def test_a_markdown_report_escapes_it_too(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert run("--plan", plan, "report", "--as-of", "2006-06-30", "--since", "2006-01-01", "-o", out).code == 0
    assert clean(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "args",
    [
        ("show", "t01" + HOSTILE),
        ("record", "t01" + HOSTILE, "1"),
        ("record", "t03-rural-fund", "1" + HOSTILE),
        ("record", "t03-rural-fund", "1", "--date", HOSTILE),
        ("correct", "e" + HOSTILE, "2", "--reason", "x"),
        ("retract", "e" + HOSTILE, "--reason", "x"),
        ("status", "--status", HOSTILE),
        ("status", "--as-of", HOSTILE),
        ("report", "-o", "r" + HOSTILE + ".svg"),
        ("status", "--bogus" + HOSTILE),
    ],
)
def test_arguments_echoed_in_errors_are_escaped(plan: Path, args: tuple[str, ...]) -> None:
    for lang in ("en", "zh"):
        r = run("--plan", plan, "--lang", lang, *args)
        assert r.code == 2, (args, r.err)
        assert clean(r.out, r.err), (args, r.err)


def test_rows_of_an_import_are_escaped_in_its_errors(plan: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"target,value,unit,date\nt03-rural-f{HOSTILE},1,亿元,2006-03-01\n", encoding="utf-8")
    r = run("--plan", plan, "record", "--from", rows)
    assert r.code == 1 and clean(r.out, r.err), r.err
    assert "t03-rural-f" + "a\\x1b]0;owned" in r.err


def test_the_plan_refuses_control_characters_in_its_text(plan: Path) -> None:
    text = plan.read_text(encoding="utf-8").replace("name: 农村教育专项资金", 'name: "农村\\e]0;owned\\a资金"')
    plan.write_text(text, encoding="utf-8")
    r = run("--plan", plan, "validate")
    assert r.code == 1 and clean(r.out, r.err)
    assert "text holds a control character (U+001B): it would drive the terminal" in r.out
    status = run("--plan", plan, "status")
    assert status.code == 2 and clean(status.out, status.err)
    data = json.loads(run("--plan", plan, "validate", "-f", "json").out)
    assert data


def test_draft_shows_a_documents_control_characters_escaped(tmp_path: Path) -> None:
    document = tmp_path / "2019-plan.txt"
    document.write_text(f"2019年工作计划\n\n一、总体\n\n1.招生。“{HOSTILE}15”计划招生500人。\n", encoding="utf-8")
    r = run("draft", document)
    assert clean(r.err), r.err
