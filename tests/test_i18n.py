"""Chinese and English: every word a person reads comes in both, and no English leaks into Chinese.

The leak check removes what may stay as written in Chinese output — paths, positions, ids, quoted
values, option and field names, codes, units and numbers — and fails on any English word left.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edplan.plan import diagnose, model
from edplan.render.messages_zh import MESSAGES_ZH
from edplan.render.words import _STAGES
from tests.conftest import ROOT, SMALL_PLAN, run, write

SRC = ROOT / "src" / "edplan"
PLANS = Path(__file__).parent / "plans"
INVALID = sorted((PLANS / "invalid").glob("*.yaml"))

# Names that stay as written in any language: YAML field names, codes (kinds, directions, milestone
# stages as typed on the command line), formats and programs.
FIELD_NAMES = {
    name for m in vars(model).values() if isinstance(m, type) and hasattr(m, "model_fields") for name in m.model_fields
}
CODES = {k.value for k in model.Kind} | {d.value for d in model.Direction} | set(_STAGES)
OTHER = "YAML UTF NUL true false edplan EDPLAN_PLAN YYYY MM DD TARGET VALUE YEAR json yaml"
KEEP = FIELD_NAMES | CODES | set(OTHER.split())


def english_words(text: str) -> list[str]:
    """English words in ``text`` that are none of the things allowed to stay as written."""
    leaks: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\S+?:\d+(?::\d+)?: ", "", line)  # path:line:column:
        line = re.sub(r"[^\s：，；（）]*/[^\s：，；（）]*", "", line)  # paths
        line = re.sub(r"[^\s：，；（）]+\.(?:yaml|yml|jsonl|json)\b", "", line)  # file names
        line = re.sub(r"'[^']*'|\"[^\"]*\"", "", line)  # values and names quoted as written
        line = re.sub(r"指标 [^：]+：", "", line)  # a target named by its id as written, even a wrong one
        line = re.sub(r"(?<![A-Za-z0-9])[a-z0-9]+(?:[-_.][a-z0-9]+)+", "", line)  # ids: t03-rural-fund, edu-2006
        line = re.sub(r"(?<![A-Za-z0-9])--?[a-z][a-z-]*", "", line)  # options
        line = re.sub(r"\bedplan [a-z]+", "", line)  # a command to type, as written
        line = re.sub(r"!{1,2}[^\s，；]+", "", line)  # a YAML tag as written
        line = re.sub(r"\*name", "", line)
        leaks += [w for w in re.findall(r"[A-Za-z][A-Za-z_]*", line) if w not in KEEP]
    return leaks


def test_the_leak_check_finds_english() -> None:
    assert english_words("plan.yaml:3:4: 计划：'year' must be a whole number") == ["must", "be", "a", "whole"]
    assert english_words("plan.yaml:3:4: 指标 t01-a：缺少 'source'；请添加 'source:'") == []


# --- the catalog ------------------------------------------------------------------------------------


def msg_templates() -> dict[str, str]:
    """Every ``msg("…")`` template in the source, with the file it is in."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name == "msg" and isinstance(node.args[0].value, str):
                found.setdefault(node.args[0].value, str(path.relative_to(ROOT)))
    # Templates chosen from tables at run time.
    for template in (
        *diagnose._YAML_PROBLEMS,
        *diagnose._YAML_CONTEXTS.values(),
        *(t for _, t in diagnose._BOUNDS.values()),
        "plan file",
    ):
        found.setdefault(template, "src/edplan/plan/diagnose.py")
    return found


def test_the_scan_sees_the_message_sites() -> None:
    found = msg_templates()
    assert len(found) > 100
    assert found["the plan file is empty"] == "src/edplan/plan/load.py"
    assert found["task number {n} is used twice"] == "src/edplan/plan/checks.py"


def test_every_message_template_has_its_chinese() -> None:
    missing = [f"{where}: {template!r}" for template, where in msg_templates().items() if template not in MESSAGES_ZH]
    assert missing == []


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_each_translation_keeps_the_template_fields() -> None:
    wrong = {en: zh for en, zh in MESSAGES_ZH.items() if _fields(en) != _fields(zh)}
    assert wrong == {}


# --- validate in Chinese ----------------------------------------------------------------------------


@pytest.mark.parametrize("plan", INVALID, ids=[p.stem for p in INVALID])
def test_validate_in_chinese_leaks_no_english(plan: Path) -> None:
    r = run("--lang", "zh", "validate", plan)
    assert r.code == 1
    assert r.out
    assert english_words(r.out) == [], r.out
    assert re.fullmatch(r"发现 \d+ 个问题\n", r.err)


def test_validate_in_both_languages() -> None:
    plan = PLANS / "invalid" / "unknown-field.yaml"
    en = run("--lang", "en", "validate", plan)
    zh = run("--lang", "zh", "validate", plan)
    assert en.out.splitlines()[0] == f"{plan}:12:9: task 1: unknown field 'tittle'; did you mean 'title'?"
    assert zh.out.splitlines()[0] == f"{plan}:12:9: 第 1 项任务：未知字段 'tittle'；是否指 'title'？"
    assert (en.err, zh.err) == ("3 problem(s) found\n", "发现 3 个问题\n")
    ok = PLANS / "valid" / "minimal.yaml"
    assert run("--lang", "zh", "validate", ok).err == f"{ok}:有效(1 个部分,1 项任务,1 项指标)\n"


def test_yaml_syntax_errors_in_chinese() -> None:
    plan = PLANS / "invalid" / "yaml-syntax.yaml"
    r = run("--lang", "zh", "validate", plan)
    assert (
        r.out == f"{plan}:5:9: YAML 语法错误：此处应为 ',' 或 '}}'，却遇到 ':'；请检查从第 4 行第 9 列开始的 {{ … }}\n"
    )


def test_github_follows_the_language_and_json_does_not() -> None:
    plan = PLANS / "invalid" / "negative-value.yaml"
    r = run("--lang", "zh", "validate", "--format", "github", plan)
    assert r.out == (
        f"::error file={plan},line=16,col=20,title=edplan validate::"
        "指标 t01-fund：目标值为负数；如确属有意，请设 allow_negative: true\n"
    )
    r = run("--lang", "zh", "validate", "--format", "json", plan)
    assert r.out == run("validate", "--format", "json", plan).out  # a contract for scripts
    assert '"hint": "set allow_negative: true if that is meant"' in r.out


BAD_VALUES = ["abc", "-1", "[1, 2]", "{a: 1}", "", "2006-02-30", "2007-05-01", "null", "yes", "0", "1.5e3", "x: y"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_broken_plans_in_chinese_leak_no_english(tmp_path: Path, data: st.DataObject) -> None:
    """Any one value of a small plan replaced by something wrong, or any one line dropped."""
    lines = SMALL_PLAN.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    if data.draw(st.booleans(), label="drop"):
        del lines[i]
    else:
        key, sep, _ = lines[i].partition(":")
        if not sep:
            return
        lines[i] = f"{key}: {data.draw(st.sampled_from(BAD_VALUES), label='value')}"
    plan = write(tmp_path / "plan.yaml", "\n".join(lines) + "\n")
    r = run("--lang", "zh", "validate", plan)
    assert r.code in (0, 1)
    assert english_words(r.out) == [], r.out


# --- status in both languages ------------------------------------------------------------------------


def test_status_words_in_chinese(small_plan: Path) -> None:
    r = run("--lang", "zh", "--plan", small_plan, "status", "--as-of", "2006-07-01")
    assert r.code == 0
    for words in ("任务", "指标", "目标", "实际", "应达", "完成", "状态", "未报送", "截至 2006-07-01 的进度"):
        assert words in r.out
    assert english_words(r.out) == [], r.out


def test_status_words_in_english(small_plan: Path) -> None:
    r = run("--lang", "en", "--plan", small_plan, "status", "--as-of", "2006-07-01")
    assert r.code == 0
    for words in ("Task", "Target", "Goal", "Actual", "Expected", "Status", "no report", "status as of"):
        assert words in r.out
    assert "截至" not in r.out and "状态" not in r.out


def test_status_codes_stay_english_in_chinese_json(small_plan: Path) -> None:
    r = run("--lang", "zh", "--plan", small_plan, "status", "--as-of", "2006-07-01", "--format", "json")
    assert r.code == 0
    assert '"status": "not_due"' in r.out or '"status": "no_data"' in r.out


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2006-13-01"),
        ("status", "--section", "9"),
        ("record", "t01-fnd", "1", "--date", "2006-03-01"),
        ("record", "t01-fund", "lots", "--date", "2006-03-01"),
        ("record", "t01-fund", "1", "--date", "2006-02-30"),
        ("record", "t01-fund", "1", "--date", "2007-03-01"),
        ("record", "t01-fund", "5", "--unit", "人", "--date", "2006-03-01"),
        ("record", "t02-rules", "printed", "--date", "2006-03-01"),
    ],
    ids=lambda a: "-".join(a),
)
def test_refusals_in_chinese_leak_no_english(small_plan: Path, args: tuple[str, ...]) -> None:
    r = run("--lang", "zh", "--plan", small_plan, *args)
    assert r.code in (1, 2)
    line = r.err.removeprefix(f"edplan {args[0]}: ")
    assert english_words(line) == [], r.err


# --- which language -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "env", "lang"),
    [
        (None, {"EDPLAN_LANG": "zh"}, "zh"),
        (None, {"EDPLAN_LANG": "", "LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"EDPLAN_LANG": "", "LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        (None, {"EDPLAN_LANG": "", "LANG": "C.UTF-8"}, "en"),
        ("en", {"EDPLAN_LANG": "zh"}, "en"),
        ("zh", {"EDPLAN_LANG": "en", "LANG": "en_US.UTF-8"}, "zh"),
    ],
)
def test_lang_option_then_edplan_lang_then_locale(option: str | None, env: dict[str, str], lang: str) -> None:
    plan = PLANS / "invalid" / "negative-value.yaml"
    args = ("--lang", option) if option else ()
    r = run(*args, "validate", plan, env=env)
    assert r.err == ("发现 1 个问题\n" if lang == "zh" else "1 problem(s) found\n")


def test_an_unknown_language_is_a_usage_error() -> None:
    r = run("--lang", "fr", "validate", PLANS / "valid" / "minimal.yaml")
    assert r.code == 2
    assert "--lang" in r.err


# --- help and usage errors ------------------------------------------------------------------------------


def help_texts() -> dict[str, str]:
    """Every help text of the command line: the app's, each command's and each parameter's."""
    import inspect

    import typer

    from edplan.cli import app

    root = typer.main.get_command(app)
    found: dict[str, str] = {inspect.cleandoc(root.help or ""): "edplan"}
    commands = [("edplan", root)] + [(f"edplan {n}", root.get_command(None, n)) for n in root.list_commands(None)]  # type: ignore[attr-defined]
    for where, command in commands:
        if command is None:
            continue
        if command.help:
            found.setdefault(inspect.cleandoc(command.help), where)
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                found.setdefault(text, f"{where} {param.name}")
    return found


def test_every_help_text_has_its_chinese() -> None:
    from edplan.render.help_zh import HELP_ZH

    texts = help_texts()
    assert len(texts) > 30
    missing = [f"{where}: {text!r}" for text, where in texts.items() if text not in HELP_ZH]
    assert missing == []


# Words that stay as they are inside Chinese help: metavars, proper names, file formats.
HELP_KEEP = set(
    "OPTIONS COMMAND ARGS FILES FILE TEXT NAME LOG TIME NEW_VALUE ENTRY OLD NEW YEAR path str int GitHub Actions "
    "JSON Schema REASON "
    "Lines CSV draft shell EDPLAN_LANG EDPLAN_LOG NO_COLOR table markdown github plain csv text list Path "
    "owner gap progress status id rejected ENTRY_ID zh en error date note target section task lagging overdue "
    "stale DOCUMENT UTF GB docx html check FROM TO".split()
)


def test_help_in_chinese_leaks_no_english() -> None:
    import typer

    from edplan.cli import app

    root = typer.main.get_command(app)
    commands: list[list[str]] = [[]]
    names: set[str] = set()
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        commands.append([name])
        names.add(name)
        group = root.get_command(None, name)  # type: ignore[attr-defined]
        for sub in getattr(group, "list_commands", lambda _: [])(None):
            commands.append([name, sub])  # edplan log copy
            names.add(sub)
    for command in commands:
        r = run("--lang", "zh", *command, "--help")
        assert r.code == 0
        assert r.out.startswith("用法：edplan")
        leaks = [w for w in english_words(r.out) if w not in HELP_KEEP | names]
        assert leaks == [], (command, r.out)


def test_help_language_follows_lang_anywhere_and_the_environment() -> None:
    assert run("--lang", "zh", "--help").out.startswith("用法：edplan [OPTIONS] COMMAND [ARGS]...")
    assert run("--help", "--lang", "zh").out.startswith("用法：")
    assert run("validate", "--help", env={"EDPLAN_LANG": "zh"}).out.startswith("用法：edplan validate")
    assert "选项：" in run("validate", "--help", env={"EDPLAN_LANG": "zh"}).out
    assert run("validate", "--help").out.startswith("Usage: edplan validate")


def test_options_of_one_run_never_reach_the_next() -> None:
    """The global options live in the run's Click context: runs in one process share nothing."""
    assert run("--lang", "zh", "--no-color", "validate", "--help").out.startswith("用法：")
    assert run("validate", "--help").out.startswith("Usage: edplan validate")
    assert "查看帮助" in run("--lang", "zh", "validate", "--formt", "x").err
    assert run("validate", "--formt", "x").err.endswith("; see 'edplan validate --help'\n")


def test_usage_errors_are_one_line_in_the_language() -> None:
    """Click's usage errors speak as every other error: one line, where and what and how, exit 2."""
    r = run("--lang", "zh", "validate", "--formt", "x")
    assert (r.code, r.out, r.err) == (
        2,
        "",
        "edplan validate: 没有这个选项：--formt（可用的选项：--format）；运行 'edplan validate --help' 查看帮助\n",
    )
    r = run("--lang", "zh", "validate", "--format", "xml")
    assert r.err == (
        "edplan validate: '--format' / '-f' 的值无效：'xml' 不是 'text', 'github', 'json' 之一；"
        "运行 'edplan validate --help' 查看帮助\n"
    )
    assert run("--lang", "zh", "bogus").err == "edplan: 没有这个命令：'bogus'；运行 'edplan --help' 查看帮助\n"
    assert run("--lang", "zh", "init").err == "edplan init: 缺少参数 'YEAR'；运行 'edplan init --help' 查看帮助\n"
    assert run("--lang", "zh", "compare", "a", "b", "c").err.startswith("edplan compare: 多余的参数（c）；")
    en = run("validate", "--formt", "x")
    assert (en.code, en.err) == (
        2,
        "edplan validate: no such option: --formt (Possible options: --format); see 'edplan validate --help'\n",
    )
    assert run("status", "--as-of").err.startswith("edplan")
    for r in (en, run("--lang", "zh", "init"), run("record", "x", "1", "--bogus")):
        assert len(r.err.splitlines()) == 1 and r.code == 2, r.err


def test_display_options_may_follow_the_command() -> None:
    plan = PLANS / "invalid" / "negative-value.yaml"
    assert run("validate", "--lang", "zh", plan).err == "发现 1 个问题\n"
    assert run("validate", plan, "--lang=zh", "--no-color").err == "发现 1 个问题\n"
    # After `--` nothing moves: `--lang` there is a file name.
    r = run("validate", "--", "--lang")
    assert (r.code, r.err) == (2, "--lang: plan file not found; give an existing plan file\n")


def test_edplan_alone_shows_the_help_in_the_language() -> None:
    r = run(env={"EDPLAN_LANG": "zh"})
    assert r.code == 2
    assert r.err.startswith("用法：edplan [OPTIONS] COMMAND [ARGS]...\n\n  跟踪工作计划的数字指标")
    assert "命令：" in r.err and "错误" not in r.err
    assert run().err.startswith("Usage: edplan [OPTIONS] COMMAND [ARGS]...\n\n  Track the numeric targets")


def _unbalanced(text: str) -> bool:
    pairs = {")": "(", "）": "（", "]": "[", "}": "{"}
    stack: list[str] = []
    for char in text:
        if char in "(（[{":
            stack.append(char)
        elif char in pairs and (not stack or stack.pop() != pairs[char]):
            return True
    return bool(stack)


def test_chinese_brackets_pair_up() -> None:
    """(…） slips in when half-width and full-width marks are mixed."""
    from edplan.render import help_zh, words

    pairs = [*MESSAGES_ZH.items(), *help_zh.HELP_ZH.items(), *words._WORDS.values()]
    assert [zh for en, zh in pairs if _unbalanced(zh) and not _unbalanced(en)] == []


def test_a_bug_is_one_line_in_either_language(monkeypatch: pytest.MonkeyPatch) -> None:
    import edplan.plan.schema

    def broken() -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(edplan.plan.schema, "schema_text", broken)
    en, zh = run("schema"), run("--lang", "zh", "schema")
    assert (en.code, en.out, zh.code, zh.out) == (2, "", 2, "")
    assert en.err == (
        "edplan schema: internal error: RuntimeError: boom (run with --debug for the traceback, and please report it)\n"
    )
    assert zh.err == "edplan schema: 内部错误：RuntimeError: boom（请加 --debug 运行查看调用栈，并报告此问题）\n"
