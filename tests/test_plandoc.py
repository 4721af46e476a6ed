"""``edplan validate`` checks every ``source:`` and title against the document the plan names.

Each case runs the real CLI on a copy of ``plans/2006.yaml`` and its document in a tmp dir, with one
quote of the copy changed. Positions are read off the edited text itself, so the cases hold however
the plan grows (another quote, another target), as long as it stays faithful to its document.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from edplan.plan import document as plandoc
from tests.conftest import PLAN_2006, SMALL_PLAN, SOURCE_2006, run
from tests.test_i18n import english_words

DOC = SOURCE_2006.name
RURAL_FUND = "20*年从市本级预算中安排4亿元专项资金支持农村教育"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A copy of the 2006 plan with its document beside it."""
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(SOURCE_2006, folder / DOC)
    return Path(shutil.copy(PLAN_2006, folder / "2006.yaml"))


def edit(plan: Path, key: str, old: str, new: str) -> str:
    """Replace the one ``key: old`` line's value with ``new``; the ``path:line:column`` of that value."""
    text = plan.read_text(encoding="utf-8")
    found = list(re.finditer(rf"^( *){re.escape(key)}: {re.escape(old)}$", text, re.MULTILINE))
    assert len(found) == 1, f"{key}: {old} is not once in the plan"
    value = found[0].start() + len(found[0][1]) + len(key) + 2
    line = text.count("\n", 0, value) + 1
    column = value - (text.rfind("\n", 0, value) + 1) + 1
    plan.write_text(text[:value] + new + text[found[0].end() :], encoding="utf-8")
    return f"{plan}:{line}:{column}"


def source_line(plan: Path) -> str:
    """``path:line:column`` of the plan's own ``source:`` value (the document's name)."""
    lines = plan.read_text(encoding="utf-8").splitlines()
    return f"{plan}:{lines.index(f'source: {DOC}') + 1}:9"


def validate(plan: Path, *args: str) -> tuple[int, list[str], str]:
    r = run("validate", *args, plan)
    return r.code, r.out.splitlines(), r.err


# --- a faithful plan -------------------------------------------------------------------------------


def test_the_2006_plan_is_faithful_to_its_document(plan: Path) -> None:
    for path in (PLAN_2006, plan):
        r = run("validate", path)
        assert (r.code, r.out) == (0, ""), r.out
        assert re.fullmatch(re.escape(str(path)) + r": valid \(\d+ sections, \d+ tasks, \d+ targets\)\n", r.err)


def test_a_plan_that_names_no_document_is_not_checked(small_plan: Path) -> None:
    # SMALL_PLAN's quotes are in no document; without `source:` nobody asks.
    assert "\nsource:" not in SMALL_PLAN
    r = run("validate", small_plan)
    assert (r.code, r.out) == (0, "")


def test_a_gb18030_document_is_read_too(plan: Path) -> None:
    text = SOURCE_2006.read_text(encoding="utf-8")
    (plan.parent / DOC).write_bytes(text.encode("gb18030"))
    assert run("validate", plan).code == 0


# --- quotes that are not in the document ----------------------------------------------------------


def test_a_changed_quote_is_reported_with_the_nearest_passage(plan: Path) -> None:
    where = edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("4亿元", "5亿元"))
    line = (
        f"{where}: target t03-rural-fund: source is not in the document {DOC}; "
        f"nearest: «{RURAL_FUND}», which has '4' where the quote has '5'"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_every_format_shows_it(plan: Path) -> None:
    where = edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("4亿元", "5亿元"))
    path, line, column = where.rsplit(":", 2)
    message = f"target t03-rural-fund: source is not in the document {DOC}"
    hint = f"nearest: «{RURAL_FUND}», which has '4' where the quote has '5'"
    r = run("validate", "--format", "github", plan)
    assert r.code == 1
    assert r.out == f"::error file={path},line={line},col={column},title=edplan validate::{message}; {hint}\n"
    r = run("validate", "--format", "json", plan)
    assert r.code == 1
    data = json.loads(r.out)
    assert data["valid"] is False
    assert data["problems"] == [
        {"path": path, "line": int(line), "column": int(column), "field": "source", "message": message, "hint": hint}
    ]


def test_a_changed_title(plan: Path) -> None:
    where = edit(plan, "title", "统筹城乡教育协调发展", "统筹城乡教育均衡发展")
    line = (
        f"{where}: task 3: title is not in the document {DOC}; "
        "nearest: «统筹城乡教育协调发展», which has '协调' where the quote has '均衡'"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_ascii_punctuation_where_the_document_has_full_width(plan: Path) -> None:
    where = edit(plan, "source", "建立100对城乡“手拉手”学校", '建立100对城乡"手拉手"学校')
    line = (
        f"{where}: target t03-twinned-schools: source is not in the document {DOC}: "
        "only ASCII/full-width punctuation or spacing differs; nearest: «建立100对城乡“手拉手”学校», which has "
        "full-width '“' where the quote has ASCII '\"', full-width '”' where the quote has ASCII '\"'"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_full_width_punctuation_where_the_document_has_ascii(plan: Path) -> None:
    title = "贯彻落实科学发展观,促进首都教育全面协调可持续发展"
    where = edit(plan, "title", title, title.replace(",", "，"))
    line = (
        f"{where}: section 1: title is not in the document {DOC}: only ASCII/full-width punctuation or spacing "
        f"differs; nearest: «{title}», which has ASCII ',' where the quote has full-width '，'"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_a_space_the_document_does_not_have(plan: Path) -> None:
    where = edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("安排", "安排 "))
    line = (
        f"{where}: target t03-rural-fund: source is not in the document {DOC}: only ASCII/full-width "
        f"punctuation or spacing differs; nearest: «{RURAL_FUND}», which has no space after '排'"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_every_miss_is_reported_in_line_order_with_the_other_problems(plan: Path) -> None:
    fund = edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("农村", "城市"))
    task = edit(plan, "title", "统筹城乡教育协调发展", "统筹城乡教育发展")
    # A schema error too: the quotes are still checked, on the YAML as written.
    year = edit(plan, "year", "2006", "twenty")
    code, out, err = validate(plan)
    assert code == 1
    assert out == [
        f"{year}: plan: 'year' must be a whole number, got 'twenty'",
        f"{task}: task 3: title is not in the document {DOC}; "
        "nearest: «统筹城乡教育协调发展», which has '育协调' where the quote has '育'",
        f"{fund}: target t03-rural-fund: source is not in the document {DOC}; "
        f"nearest: «{RURAL_FUND}», which has '农村' where the quote has '城市'",
    ]
    assert err == "3 problem(s) found\n"


def test_a_plan_read_from_the_cache_still_gets_positions(plan: Path, tmp_path: Path) -> None:
    """A plan whose only problems are quotes loads as valid and is cached without its YAML tree."""
    cache = {"EDPLAN_CACHE_DIR": str(tmp_path / "cache")}
    edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("4亿元", "5亿元"))
    first = run("validate", plan, env=cache)
    assert list((tmp_path / "cache").glob("plan-*.json")), "the plan was not cached"
    second = run("validate", plan, env=cache)
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
    assert first.code == 1 and re.match(re.escape(str(plan)) + r":\d+:21: target t03-rural-fund", first.out)


def test_the_plan_cache_key_follows_the_code_that_judges_a_plan() -> None:
    """An edit to the models, checks, loader or units (a checkout, same version) must miss the cache."""
    from edplan.plan import cache as load

    assert all(judge.is_file() for judge in load.JUDGES), [j for j in load.JUDGES if not j.is_file()]
    names = {judge.name for judge in load.JUDGES}
    assert {"model.py", "checks.py", "load.py", "yaml_safe.py", "units.py"} <= names


def test_the_miss_in_chinese(plan: Path) -> None:
    where = edit(plan, "source", RURAL_FUND, RURAL_FUND.replace("4亿元", "5亿元"))
    r = run("--lang", "zh", "validate", plan)
    assert r.code == 1
    assert r.out == (
        f"{where}: 指标 t03-rural-fund：source 不在文档 {DOC} 中；"
        f"最接近的原文：«{RURAL_FUND}»，其中原文为 '4' 处引文为 '5'\n"
    )
    assert english_words(r.out) == [], r.out


def test_nothing_close_says_so(plan: Path) -> None:
    where = edit(plan, "source", RURAL_FUND, "qwxz")
    line = (
        f"{where}: target t03-rural-fund: source is not in the document {DOC}; "
        "nothing in the document comes close: does 'source:' name the right document?"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


# --- a document that cannot be read ---------------------------------------------------------------


def test_a_missing_document_is_one_problem_and_hides_no_other(plan: Path) -> None:
    (plan.parent / DOC).unlink()
    text = plan.read_text(encoding="utf-8")
    anchor = f"            source: {RURAL_FUND}\n"
    assert text.count(anchor) == 1
    at = text.index(anchor) + len(anchor)
    plan.write_text(text[:at] + "            sorce: x\n" + text[at:], encoding="utf-8")
    unknown = f"{plan}:{text.count(chr(10), 0, at) + 1}:13"
    code, out, err = validate(plan)
    assert code == 1
    assert out == [
        f"{source_line(plan)}: document {DOC} not found; looked for it at {plan.parent / DOC}: "
        "put the document there or correct 'source:'",
        f"{unknown}: target t03-rural-fund: unknown field 'sorce'; did you mean 'source'?",
    ]
    assert err == "2 problem(s) found\n"


def test_a_name_that_is_no_path(plan: Path) -> None:
    where = edit(plan, "source", DOC, '"a\\x1b[2J\\0b"')  # an escape sequence and a NUL, as YAML escapes
    line = f"{where}: document a\\x1b[2J\\x00b not found; 'source:' names the plan's document, a text file"
    control = (
        f"{where}: text holds a control character (U+001B): it would drive the terminal; "
        "remove it; write the text as the document does"
    )
    assert validate(plan) == (1, [control, line], "2 problem(s) found\n")


def test_a_directory(plan: Path) -> None:
    (plan.parent / DOC).unlink()
    (plan.parent / DOC).mkdir()
    line = f"{source_line(plan)}: document {DOC} is a directory; 'source:' names the plan's document, a text file"
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(plan: Path) -> None:
    (plan.parent / DOC).unlink()
    os.mkfifo(plan.parent / DOC)
    line = (
        f"{source_line(plan)}: document {DOC} is not a regular file; 'source:' names the plan's document, a text file"
    )
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_not_utf8_nor_gb18030(plan: Path) -> None:
    (plan.parent / DOC).write_bytes(b"\xff\xfe\x80 " + SOURCE_2006.read_bytes())
    line = f"{source_line(plan)}: document {DOC} is neither UTF-8 nor GB18030 text; save the document as UTF-8 text"
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_not_text(plan: Path) -> None:
    (plan.parent / DOC).write_bytes(SOURCE_2006.read_text(encoding="utf-8").encode("utf-16"))
    line = f"{source_line(plan)}: document {DOC} is not text: it holds NUL bytes; save the document as UTF-8 text"
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


def test_an_oversized_document_is_not_read(plan: Path) -> None:
    with open(plan.parent / DOC, "wb") as f:
        f.truncate(plandoc.MAX_DOCUMENT_BYTES + 1)  # sparse: costs no disk
    line = f"{source_line(plan)}: document {DOC} is over 8,388,608 bytes; is this the right file?"
    assert validate(plan) == (1, [line], "1 problem(s) found\n")


# --- only validate reads the document ---------------------------------------------------------------


def test_status_and_record_never_read_the_document(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    real = plandoc.read_document

    def spy(path: Path, name: str) -> str:
        read.append(path)
        return real(path, name)

    monkeypatch.setattr(plandoc, "read_document", spy)
    assert run("validate", plan).code == 0
    assert read == [plan.parent / DOC]  # the spy sees what validate reads
    (plan.parent / DOC).unlink()  # and the document may even be gone
    assert run("--plan", plan, "record", "t03-rural-fund", "1", "--date", "2006-03-01").code == 0
    r = run("--plan", plan, "status", "--as-of", "2006-07-01", "-f", "json")
    assert r.code == 0
    assert json.loads(r.out)["warnings"] == []
    assert read == [plan.parent / DOC]


def test_init_elsewhere_still_names_the_document(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "next" / "2007.yaml"
    out.parent.mkdir()
    assert run("init", "2007", "--from", plan, "--output", out).code == 0
    assert f"\nsource: ../plans/{DOC}\n" in out.read_text(encoding="utf-8")
    assert run("validate", out).code == 0


def test_a_wrong_document_is_reported_quote_by_quote_in_good_time(plan: Path) -> None:
    """Every quote a miss (every other character of the document kept): each gets its nearest passage, fast."""
    (plan.parent / DOC).write_text(SOURCE_2006.read_text(encoding="utf-8")[::2], encoding="utf-8")
    started = time.perf_counter()
    code, out, _ = validate(plan)
    elapsed = time.perf_counter() - started
    assert code == 1
    assert len(out) > 50
    assert all(" is not in the document " in line for line in out)
    assert elapsed < 3, f"{elapsed:.2f} s"  # about 0.3 s here; the bound only catches a quadratic search
