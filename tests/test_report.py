"""``edplan report``: the one-screen meeting summary, and the same report as HTML and Markdown files."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from wcwidth import wcswidth

from tests.conftest import PLAN_2006, run
from tests.golden import check, tidy, write_scenario

AS_OF = ("--as-of", "2006-07-01", "--since", "2006-06-01")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_scenario(tmp_path / "scenario.progress.jsonl")


def report(log: Path, *args: str | Path, lang: str = "en", columns: str = "80") -> tuple[int, str, str]:
    r = run("--plan", PLAN_2006, "--log", log, "--lang", lang, "report", *args, env={"COLUMNS": columns})
    return r.code, r.out, r.err


def test_one_screen_at_80_columns(log: Path) -> None:
    code, out, err = report(log, *AS_OF)
    assert (code, err) == (0, "")
    check("report-80.txt", tidy(out))
    lines = out.splitlines()
    assert max(wcswidth(line) for line in lines) <= 80
    assert len(lines) <= 60, "one screen"


def test_in_chinese(log: Path) -> None:
    code, out, _ = report(log, *AS_OF, lang="zh")
    assert code == 0
    check("report-80-zh.txt", tidy(out))


def test_what_changed_since(log: Path) -> None:
    _, out, _ = report(log, *AS_OF)
    # entries dated 2006-06-02 … 2006-07-01, and the targets whose verdict moved since 2006-06-01
    assert "Since 2006-06-01: 6 entries recorded, 8 targets changed status" in out
    # what the last meeting saw: the figures up to 2006-06-01 as known that day
    args = ("--as-of", "2006-06-01", "--known-on", "2006-06-01")
    status_then = json.loads(run("--plan", PLAN_2006, "--log", log, "status", "-f", "json", *args).out)
    status_now = json.loads(run("--plan", PLAN_2006, "--log", log, "status", "-f", "json", "--as-of", "2006-07-01").out)
    moved = [
        (a["id"], a["status"], b["status"])
        for a, b in zip(status_then["targets"], status_now["targets"], strict=True)
        if a["status"] != b["status"]
    ]
    assert moved == [
        ("t01-senior-high-enrol", "no_data", "on_track"),
        ("t03-rural-fund", "at_risk", "on_track"),
        ("t03-urban-teachers", "on_track", "at_risk"),
        ("t03-arts-equipment", "no_data", "lagging"),
        ("t08-olympic-model-schools", "no_data", "at_risk"),
        ("t16-levy-share", "no_data", "on_track"),
        ("t18-worker-training", "lagging", "on_track"),
        ("t22-village-graduates", "no_data", "at_risk"),
    ]


def _text_of(page: str) -> str:
    body = page.split("<code>", 1)[1].split("</code>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_html_file_is_a_page_for_people(log: Path, tmp_path: Path) -> None:
    """The page itself is tested in test_report_html.py (a real browser); here: the command writes
    it whole, with the umask's permissions (it is sent round), and says where."""
    import os

    out_file = tmp_path / "report.html"
    code, out, err = report(log, *AS_OF, "--output", out_file)
    assert (code, out, err) == (0, "", f"wrote {out_file}\n")
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page
    assert "<title>教育局年度工作计划(市)" in page
    umask = os.umask(0)
    os.umask(umask)
    assert out_file.stat().st_mode & 0o777 == 0o666 & ~umask


def test_markdown_file(log: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "report.md"
    code, _, err = report(log, *AS_OF, "-o", out_file)
    assert (code, err) == (0, f"wrote {out_file}\n")
    text = out_file.read_text(encoding="utf-8")
    check("report.md", text)
    for table in re.findall(r"(?:^\|.*\n)+", text, flags=re.M):
        assert len({wcswidth(row) for row in table.splitlines()}) == 1, "tables line up in a terminal too"


def test_svg_and_bad_dates_are_refused(log: Path, tmp_path: Path) -> None:
    code, _, err = report(log, "-o", tmp_path / "report.svg")
    assert (code, err) == (
        2,
        "edplan report: --output: cannot write '.svg' files; use .html, .md or .pdf\n",
    )
    assert not (tmp_path / "report.svg").exists()
    code, _, err = report(log, "--as-of", "2006-07-01", "--since", "2006-07-01")
    assert (code, err) == (
        2,
        "edplan report: --since: 2006-07-01 is not before the report date 2006-07-01; "
        "give an earlier date, e.g. the last meeting's\n",
    )
    code, _, err = report(log, "-o", tmp_path / "no-such-dir" / "report.html")
    assert code == 2 and err.startswith("edplan report: --output: cannot write ")
