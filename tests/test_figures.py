"""A figure means what the person typed (issue 9 §1): magnitudes, grouped counts, units, plausibility.

Every reading goes through the real CLI (``record``, ``record --from`` CSV and JSON Lines, ``correct``)
and is pinned by the exact line the log keeps and the figure ``status`` reads back; every refusal by
its exact message, exit 1 and a log left byte for byte as it was.
"""

from __future__ import annotations

import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edplan.log.lines import CANONICAL
from edplan.plan.load import require_plan
from tests.conftest import run, write
from tests.test_import import run_stdin

PLAN = """\
id: figures-2006
title: 数值测试计划
year: 2006
period:
  start: 2006-01-01
  end: 2006-12-31
settings:
  units: [学分]
sections:
  - number: 1
    title: 第一部分
    tasks:
      - number: 1
        title: 第一项任务
        targets:
          - id: t01-enrol
            name: 普通高中招生
            kind: level
            value: 7.8
            unit: 万人
            source: 计划招生7.8万人
          - id: t01-teachers
            name: 教师
            kind: level
            value: 80000
            unit: 人
            source: 教师8万人
          - id: t01-fund
            name: 专项资金
            value: 4
            unit: 亿元
            source: 安排4亿元专项资金
          - id: t01-share
            name: 达标率
            kind: level
            value: 95
            unit: "%"
            source: 达标率95%
          - id: t01-credits
            name: 学分
            value: 20000
            unit: 学分
            source: 学分2万
          - id: t01-rules
            name: 管理办法
            kind: milestone
            stages: [drafted, approved, issued]
            source: 制定管理办法
"""

DAY = "2006-09-01"
_RECORDED = re.compile(r'"recorded": "[^"]*"')


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(tmp_path / "plan.yaml", PLAN)


def log_of(plan: Path) -> Path:
    return plan.with_name("plan.progress.jsonl")


def logged(plan: Path) -> list[str]:
    """The log's lines, each recording time written as … (it is the only part that varies)."""
    return [_RECORDED.sub('"recorded": "…"', line) for line in log_of(plan).read_text(encoding="utf-8").splitlines()]


def entry_line(entry_id: str, target: str, value: str, unit: str | None, extra: str = "") -> str:
    unit_part = f'"unit": "{unit}", ' if unit else ""
    return (
        f'{{"id": "{entry_id}", "target": "{target}", "value": "{value}", {unit_part}"date": "{DAY}", '
        f'{extra}"recorded": "…"}}'
    )


def actual(plan: Path, target: str) -> Decimal:
    """What ``status`` reads back for a target at the close, in the target's unit, exactly."""
    r = run("--plan", plan, "status", "--as-of", "2006-12-31", "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out, parse_float=Decimal)
    return Decimal(str(next(t for t in data["targets"] if t["id"] == target)["actual"]))


# target, typed, options, stored value, stored unit, what status reads (target's unit), as confirmed
READINGS = [
    # a magnitude without a unit: that quantity, kept in the target's unit
    ("t01-enrol", "7.8万", (), "7.8", "万人", "7.8", "7.8万人"),
    ("t01-enrol", "0.62万", (), "0.62", "万人", "0.62", "0.62万人"),
    ("t01-enrol", "5千", (), "0.5", "万人", "0.5", "0.5万人"),
    ("t01-teachers", "7.8万", (), "78000", "人", "78000", "78,000人"),
    ("t01-fund", "4亿", (), "4", "亿元", "4", "4亿元"),
    ("t01-fund", "2500万", (), "0.25", "亿元", "0.25", "0.25亿元"),
    ("t01-credits", "1.2万", (), "12000", "学分", "12000", "12,000学分"),
    # digits grouped by thousands, no unit: a count of the target's base unit
    ("t01-enrol", "78,000", (), "78000", "人", "7.8", "78,000人"),
    ("t01-enrol", "6,460", (), "6460", "人", "0.646", "6,460人"),
    ("t01-teachers", "78,000", (), "78000", "人", "78000", "78,000人"),
    # a plain number, no unit: in the target's unit
    ("t01-enrol", "7.8", (), "7.8", "万人", "7.8", "7.8万人"),
    ("t01-share", "95.5", (), "95.5", "%", "95.5", "95.5%"),
    # a unit given: the figure is in it, converted by status
    ("t01-enrol", "7.8万", ("--unit", "人"), "78000", "人", "7.8", "78,000人"),
    ("t01-enrol", "78,000", ("--unit", "人"), "78000", "人", "7.8", "78,000人"),
    ("t01-enrol", "7.8", ("--unit", "万人"), "7.8", "万人", "7.8", "7.8万人"),
    ("t01-enrol", "7800", ("--unit", "名"), "7800", "名", "0.78", "7,800名"),
    ("t01-fund", "4亿", ("--unit", "元"), "400000000", "元", "4", "400,000,000元"),
    ("t01-credits", "1.2", ("--unit", "万学分"), "1.2", "万学分", "12000", "1.2万学分"),
    # full-width digits and marks, as a Chinese input method types them
    ("t01-enrol", "７.８万", (), "7.8", "万人", "7.8", "7.8万人"),
    ("t01-enrol", "７８，０００", (), "78000", "人", "7.8", "78,000人"),
    ("t01-enrol", "７．８", (), "7.8", "万人", "7.8", "7.8万人"),
]


@pytest.mark.parametrize(
    ("target", "typed", "options", "value", "unit", "reads", "shown"),
    READINGS,
    ids=[f"{r[1]} {' '.join(r[2])} on {r[0]}" for r in READINGS],
)
def test_record_reads_a_figure_as_typed(
    plan: Path, target: str, typed: str, options: tuple[str, ...], value: str, unit: str, reads: str, shown: str
) -> None:
    r = run("--plan", plan, "record", target, typed, *options, "--date", DAY, "--id", "x")
    assert (r.code, r.out, r.err) == (0, f"recorded x: {target} {shown} on {DAY}\n", "")
    assert logged(plan) == [entry_line("x", target, value, unit)]
    assert actual(plan, target) == Decimal(reads)


def test_record_from_csv_reads_every_row_as_record_does(plan: Path) -> None:
    rows = ["target,value,unit,date,id"]
    for i, (target, typed, options, *_) in enumerate(READINGS):
        unit = options[1] if options else ""
        rows.append(f'{target},"{typed}",{unit},{DAY},r{i}')
    csv = plan.with_name("rows.csv")
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run("--plan", plan, "record", "--from", csv)
    assert (r.code, r.out, r.err) == (0, f"recorded {len(READINGS)} entries from {csv}\n", "")
    got = {e["id"]: (e["value"], e.get("unit")) for e in map(json.loads, logged(plan)) if "id" in e}
    assert got == {f"r{i}": (value, unit) for i, (_, _, _, value, unit, _, _) in enumerate(READINGS)}


def test_record_from_json_lines_reads_every_row_as_record_does(plan: Path) -> None:
    rows = []
    for i, (target, typed, options, *_) in enumerate(READINGS):
        row: dict[str, str | None] = {"target": target, "value": typed, "date": DAY, "id": f"j{i}"}
        if options:
            row["unit"] = options[1]
        elif i % 2:
            row["unit"] = None  # null is the same as leaving the unit out
        rows.append(json.dumps(row, ensure_ascii=False))
    r = run_stdin(("\n".join(rows) + "\n").encode(), "--plan", plan, "record", "--from", "-")
    assert (r.code, r.err) == (0, "")
    got = {e["id"]: (e["value"], e.get("unit")) for e in map(json.loads, logged(plan)) if "id" in e}
    assert got == {f"j{i}": (value, unit) for i, (_, _, _, value, unit, _, _) in enumerate(READINGS)}


def test_correct_reads_a_figure_as_record_does_in_the_entry_s_unit(plan: Path) -> None:
    assert run("--plan", plan, "record", "t01-enrol", "7.8", "--date", DAY, "--id", "en").code == 0
    steps = [
        (("7.9万",), "7.8万人 → 7.9万人", "7.9", "万人"),  # a magnitude: 7.9万 people, in the entry's 万人
        (("79,500",), "7.9万人 → 79,500人", "79500", "人"),  # a grouped count: 人
        (("79600",), "79,500人 → 79,600人", "79600", "人"),  # a plain number: in the entry's unit, now 人
        (("8万", "--unit", "人"), "79,600人 → 80,000人", "80000", "人"),
        (("8.1", "--unit", "万人"), "80,000人 → 8.1万人", "8.1", "万人"),
    ]
    for n, (args, change, value, unit) in enumerate(steps, start=1):
        r = run("--plan", plan, "correct", "en", *args, "--reason", "复核", "--date", "2006-10-01", "--id", f"c{n}")
        assert (r.code, r.out, r.err) == (0, f"corrected en: t01-enrol {change} (c{n})\n", "")
        assert logged(plan)[-1] == (
            f'{{"id": "c{n}", "corrects": "en", "value": "{value}", "unit": "{unit}", "date": "2006-10-01", '
            f'"reason": "复核", "recorded": "…"}}'
        )
    assert actual(plan, "t01-enrol") == Decimal("8.1")


# --- refusals ------------------------------------------------------------------------------------------

FORCE = "if the figure is right, add --force REASON"
UNIT_HINT = (
    "use a counter such as 人, 所, 个, 项 or 元, optionally with 千, 万 or 亿, or %; "
    "declare other units under settings: units"
)
REFUSALS = [
    (
        ("t01-enrol", "0.5万", "--unit", "万人"),
        "VALUE: '0.5万' with unit 万人 is ambiguous: 0.5万人 = 5,000人, or 0.5万 万人 = 5,000万人; "
        "give the magnitude once: 0.5 with unit 万人, or 5,000 with unit 人",
    ),
    (
        ("t01-fund", "4亿", "--unit", "亿元"),
        "VALUE: '4亿' with unit 亿元 is ambiguous: 4亿元 = 400,000,000元, or 4亿 亿元 = 400,000,000亿元; "
        "give the magnitude once: 4 with unit 亿元, or 400,000,000 with unit 元",
    ),
    (
        ("t01-enrol", "78000"),
        "VALUE: 78,000万人 is more than 20 times the goal of t01-enrol (7.8万人); "
        f"did you mean 78,000人 (7.8万人)? write 7.8万 or 78,000; {FORCE}",
    ),
    (
        ("t01-fund", "400000000"),
        "VALUE: 400,000,000亿元 is more than 20 times the goal of t01-fund (4亿元); "
        f"did you mean 400,000,000元 (4亿元)? write 4亿 or 400,000,000; {FORCE}",
    ),
    (
        ("t01-enrol", "78000", "--unit", "万人"),
        "VALUE: 78,000万人 is more than 20 times the goal of t01-enrol (7.8万人); "
        f"did you mean 78,000人? write 78,000 with unit 人; {FORCE}",
    ),
    (
        ("t01-fund", "100"),
        "VALUE: 100亿元 is more than 20 times the goal of t01-fund (4亿元); check the figure; "
        "if it is right, add --force REASON",
    ),
    (
        ("t01-teachers", "7.8亿"),
        "VALUE: 780,000,000人 is more than 20 times the goal of t01-teachers (80,000人); check the figure; "
        "if it is right, add --force REASON",
    ),
    (("t01-share", "120"), f"VALUE: 120% is over 100%; a share in % is at most 100; {FORCE}"),
    (
        ("t01-share", "5万"),
        "VALUE: '5万' has a magnitude (万), but a figure in % takes none; write the percentage itself, e.g. 95.5",
    ),
    (
        ("t01-share", "1千", "--unit", "%"),
        "VALUE: '1千' has a magnitude (千), but a figure in % takes none; write the percentage itself, e.g. 95.5",
    ),
    (("t01-rules", "7.8万"), "VALUE: '7.8万' is not a stage of t01-rules; use one of: drafted, approved, issued"),
    (
        ("t01-enrol", "٣٠٠"),
        "VALUE: '٣٠٠' is written with digits other than 0-9; write the figure with the digits 0-9 "
        "(full-width ０-９ are read too)",
    ),
    (
        ("t01-enrol", "३.५"),
        "VALUE: '३.५' is written with digits other than 0-9; write the figure with the digits 0-9 "
        "(full-width ０-９ are read too)",
    ),
    (("t01-enrol", "7.8", "--unit", "万%"), "--unit: unknown unit '万%'; did you mean %?"),
    (("t01-enrol", "7", "--unit", "千位"), "--unit: unknown unit '千位'; did you mean 千人?"),
    (("t01-enrol", "7.8", "--unit", "万入"), "--unit: unknown unit '万入'; did you mean 万人?"),
    (("t01-share", "95", "--unit", "％"), "--unit: unknown unit '％'; did you mean %?"),
    (("t01-enrol", "7.8", "--unit", "kg"), f"--unit: unknown unit 'kg'; {UNIT_HINT}"),
    (
        ("t01-credits", "1", "--unit", "学时"),
        "--unit: unit '学时' does not convert to t01-credits's unit '学分'; record in 学分 or a unit like it",
    ),
    (("t01-enrol", "5百"), "VALUE: '5百' is not a number; write digits, e.g. 78000, 78,000 or 7.8万"),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_a_refused_figure_says_why_and_writes_nothing(plan: Path, args: tuple[str, ...], message: str) -> None:
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", DAY).code == 0
    before = log_of(plan).read_bytes()
    r = run("--plan", plan, "record", *args, "--date", DAY)
    assert (r.code, r.out, r.err) == (2, "", f"edplan record: {message}\n")
    assert log_of(plan).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2006-W13-5"), "--date: '2006-W13-5' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31"),
        (("--date", "20060331"), "--date: '20060331' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31"),
        (("--date", "٢٠٠٦-٠٩-٠١"), "--date: '٢٠٠٦-٠٩-٠١' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31"),
        (
            ("--date", DAY, "--force", " "),
            "--force: a reason is required; say why the figure is right, e.g. --force '含成人教育'",
        ),
    ],
)
def test_dates_and_force_reasons_are_refused_alike(plan: Path, args: tuple[str, ...], message: str) -> None:
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", DAY).code == 0
    before = log_of(plan).read_bytes()
    r = run("--plan", plan, "record", "t01-enrol", "7.8", *args)
    assert (r.code, r.out, r.err) == (2, "", f"edplan record: {message}\n")
    assert log_of(plan).read_bytes() == before


def test_a_full_width_date_is_read_and_a_week_date_is_not_an_as_of(plan: Path) -> None:
    r = run("--plan", plan, "record", "t01-enrol", "7.8", "--date", "２００６－０９－０１", "--id", "fw")
    assert (r.code, r.err) == (0, "")
    assert logged(plan) == [entry_line("fw", "t01-enrol", "7.8", "万人")]
    r = run("--plan", plan, "status", "--as-of", "2006-W13-5")
    assert (r.code, r.out, r.err) == (
        2,
        "",
        "edplan status: --as-of: '2006-W13-5' is not a date; write it as YYYY-MM-DD\n",
    )


def test_every_bad_row_of_an_import_is_named_and_nothing_is_written(plan: Path) -> None:
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", DAY).code == 0
    before = log_of(plan).read_bytes()
    csv = plan.with_name("rows.csv")
    csv.write_text(
        "target,value,unit,date\n"
        "t01-enrol,0.5万,万人,2006-09-01\n"
        "t01-enrol,78000,,2006-09-01\n"
        "t01-enrol,1,万入,2006-09-01\n"
        "t01-share,5万,,2006-09-01\n"
        "t01-enrol,7.8万,,2006-09-01\n",
        encoding="utf-8",
    )
    r = run("--plan", plan, "record", "--from", csv)
    assert (r.code, r.out) == (1, "")
    assert r.err.splitlines() == [
        f"{csv}:2: value: '0.5万' with unit 万人 is ambiguous: 0.5万人 = 5,000人, or 0.5万 万人 = 5,000万人; "
        "give the magnitude once: 0.5 with unit 万人, or 5,000 with unit 人",
        f"{csv}:3: value: 78,000万人 is more than 20 times the goal of t01-enrol (7.8万人); "
        f"did you mean 78,000人 (7.8万人)? write 7.8万 or 78,000; {FORCE}",
        f"{csv}:4: unit: unknown unit '万入'; did you mean 万人?",
        f"{csv}:5: value: '5万' has a magnitude (万), but a figure in % takes none; "
        "write the percentage itself, e.g. 95.5",
    ]
    assert log_of(plan).read_bytes() == before


def test_correct_refuses_what_record_refuses(plan: Path) -> None:
    assert run("--plan", plan, "record", "t01-enrol", "7.8", "--date", DAY, "--id", "en").code == 0
    before = log_of(plan).read_bytes()
    for args, message in [
        (
            ("0.5万", "--unit", "万人"),
            "NEW_VALUE: '0.5万' with unit 万人 is ambiguous: 0.5万人 = 5,000人, or 0.5万 万人 = 5,000万人; "
            "give the magnitude once: 0.5 with unit 万人, or 5,000 with unit 人",
        ),
        (
            ("78000",),
            "NEW_VALUE: 78,000万人 is more than 20 times the goal of t01-enrol (7.8万人); "
            f"did you mean 78,000人 (7.8万人)? write 7.8万 or 78,000; {FORCE}",
        ),
        (("7.8", "--unit", "千位"), "--unit: unknown unit '千位'; did you mean 千人?"),
    ]:
        r = run("--plan", plan, "correct", "en", *args, "--reason", "复核")
        assert (r.code, r.out, r.err) == (2, "", f"edplan correct: {message}\n")
        assert log_of(plan).read_bytes() == before


# --- --force: recorded anyway, with the reason kept -------------------------------------------------------


def test_force_records_an_implausible_figure_and_keeps_the_reason(plan: Path) -> None:
    r = run("--plan", plan, "record", "t01-enrol", "78000", "--date", DAY, "--id", "f1", "--force", "含成人教育")
    assert (r.code, r.out, r.err) == (0, f"recorded f1: t01-enrol 78,000万人 on {DAY}\n", "")
    # A plausible figure needs no reason: --force is kept only where the check would have refused.
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", DAY, "--id", "f2", "--force", "x").code == 0
    assert logged(plan) == [
        entry_line("f1", "t01-enrol", "78000", "万人", '"forced": "含成人教育", '),
        entry_line("f2", "t01-fund", "1", "亿元"),
    ]
    assert list(json.loads(log_of(plan).read_text(encoding="utf-8").splitlines()[0])) == [
        "id",
        "target",
        "value",
        "unit",
        "date",
        "forced",
        "recorded",
    ]
    assert actual(plan, "t01-enrol") == Decimal(78000)
    # the reader's fast pattern takes a forced line as it is (no detour through json.loads)
    assert CANONICAL.fullmatch(log_of(plan).read_text(encoding="utf-8").splitlines()[0])
    assert run("--plan", plan, "validate").code == 0  # judged again as forced: still valid
    shown = run("--plan", plan, "show", "t01-enrol", "--as-of", "2006-12-31", env={"COLUMNS": "200"})
    assert shown.code == 0
    assert "recorded despite the plausibility check: 含成人教育" in shown.out
    data = json.loads(run("--plan", plan, "show", "t01-enrol", "--as-of", "2006-12-31", "-f", "json").out)
    assert [(e["id"], e["forced"]) for e in data["entries_list"]] == [("f1", "含成人教育")]


def test_force_on_an_import_applies_to_the_rows_that_need_it(plan: Path) -> None:
    rows = b"t01-enrol,78000,,2006-09-01,,,big\nt01-enrol,7.8,,2006-09-02,,,fine\n"
    r = run_stdin(rows, "--plan", plan, "record", "--from", "-", "--force", "含成人教育")
    assert (r.code, r.err) == (0, "")
    by_id = {e["id"]: e for e in map(json.loads, logged(plan)) if "id" in e}
    assert (by_id["big"]["forced"], "forced" in by_id["fine"]) == ("含成人教育", False)
    assert list(by_id["big"]) == ["id", "target", "value", "unit", "date", "forced", "recorded", "batch"]


def test_force_on_a_correction_is_kept_and_shown(plan: Path) -> None:
    assert run("--plan", plan, "record", "t01-enrol", "7.8", "--date", DAY, "--id", "en").code == 0
    r = run(
        "--plan", plan, "correct", "en", "80000", "--unit", "万人", "--reason", "复核", "--date", "2006-10-01",
        "--id", "c1", "--force", "含成人",
    )  # fmt: skip
    assert (r.code, r.out, r.err) == (0, "corrected en: t01-enrol 7.8万人 → 80,000万人 (c1)\n", "")
    assert logged(plan)[-1] == (
        '{"id": "c1", "corrects": "en", "value": "80000", "unit": "万人", "date": "2006-10-01", '
        '"reason": "复核", "forced": "含成人", "recorded": "…"}'
    )
    assert actual(plan, "t01-enrol") == Decimal(80000)
    assert run("--plan", plan, "validate").code == 0
    data = json.loads(run("--plan", plan, "show", "t01-enrol", "--as-of", "2006-12-31", "-f", "json").out)
    assert [a["forced"] for a in data["entries_list"][0]["amendments"]] == ["含成人"]


def test_validate_reports_an_implausible_entry_already_in_the_log(plan: Path) -> None:
    """What edplan 0.1 stored for ``record t01-enrol 7.8万`` (78,000万人) is named, with the way out."""
    log_of(plan).write_text(
        '{"id": "old", "target": "t01-enrol", "value": "78000", "unit": "万人", "date": "2006-09-01"}\n',
        encoding="utf-8",
    )
    r = run("--plan", plan, "validate")
    assert r.code == 1
    assert r.out.splitlines()[-1] == (
        f"{log_of(plan)}:1: old: 78,000万人 is more than 20 times the goal of t01-enrol (7.8万人); "
        f"did you mean 78,000人? write 78,000 with unit 人; {FORCE}"
    )
    assert run("--plan", plan, "correct", "old", "7.8万", "--reason", "万人误录为人").code == 0
    assert run("--plan", plan, "validate").code == 0


def test_the_refusal_in_chinese(plan: Path) -> None:
    r = run("--lang", "zh", "--plan", plan, "record", "t01-enrol", "78000", "--date", DAY)
    assert (r.code, r.err) == (
        2,
        "edplan record: VALUE:78,000万人 超过 t01-enrol 目标值（7.8万人）的 20 倍；"
        "是否指 78,000人（7.8万人）？请写 7.8万 或 78,000；如数值无误，请加 --force 理由\n",
    )


def test_the_factor_is_a_setting(tmp_path: Path) -> None:
    plan = write(
        tmp_path / "plan.yaml", PLAN.replace("  units: [学分]\n", "  units: [学分]\n  implausible_factor: 2\n")
    )
    assert run("--plan", plan, "record", "t01-fund", "8", "--date", DAY).code == 0
    r = run("--plan", plan, "record", "t01-fund", "8.1", "--date", DAY)
    assert (r.code, r.err) == (
        2,
        "edplan record: VALUE: 8.1亿元 is more than 2 times the goal of t01-fund (4亿元); check the figure; "
        "if it is right, add --force REASON\n",
    )


# --- the plan's own figures and units ----------------------------------------------------------------------

APPROX = "is not a plain number; write {} as `direction: approximately`, and value: 7.8"
BAD_PLAN_TARGETS = [
    ("value: 约7.8", "unit: 万人", "'value' '约7.8' " + APPROX.format("约")),
    ("value: 7.8左右", "unit: 万人", "'value' '7.8左右' " + APPROX.format("左右")),
    (
        "value: 500以上",
        "unit: 人",
        "'value' '500以上' is not a plain number; write 以上 as `direction: at_least`, and value: 500",
    ),
    (
        "value: 不少于500",
        "unit: 人",
        "'value' '不少于500' is not a plain number; write 不少于 as `direction: at_least`, and value: 500",
    ),
    (
        "value: 不超过5",
        "unit: '%'",
        "'value' '不超过5' is not a plain number; write 不超过 as `direction: at_most`, and value: 5",
    ),
    (
        "value: 5以内",
        "unit: '%'",
        "'value' '5以内' is not a plain number; write 以内 as `direction: at_most`, and value: 5",
    ),
    (
        "value: 7.8万",
        "unit: 万人",
        "'value' '7.8万' with unit 万人 is ambiguous: 7.8万人 = 78,000人, or 7.8万 万人 = 78,000万人; "
        "give the magnitude once: 7.8 with unit 万人, or 78,000 with unit 人",
    ),
    (
        "value: 78,000",
        "unit: 万人",
        "'value' '78,000' is a count of 人, but the unit is 万人; write it in 万人: value: 7.8",
    ),
    ("value: 7.8万人", "unit: 万人", "'value' '7.8万人' has its unit in it; write value: 7.8 and unit: 万人"),
    (
        "value: 5万",
        "unit: '%'",
        "'value' '5万' has a magnitude (万), but a figure in % takes none; write the percentage itself, e.g. 95.5",
    ),
    ("value: 7.8", "unit: 万入", "unknown unit '万入'; did you mean 万人?"),
    ("value: 95", "unit: ％", "unknown unit '％'; did you mean %?"),
    ("value: 95", "unit: 万%", "unknown unit '万%'; did you mean %?"),
    ("value: 7", "unit: 千位", "unknown unit '千位'; did you mean 千人?"),
    ("value: 7", "unit: 学时分", f"unknown unit '学时分'; {UNIT_HINT}"),
]


def _target(n: int, value: str, unit: str) -> str:
    return (
        f"          - id: t01-x{n}\n            name: x\n            kind: level\n"
        f"            {value}\n            {unit}\n            source: s\n"
    )


def test_validate_says_how_to_write_a_plan_figure_at_its_position(tmp_path: Path) -> None:
    head = PLAN.split("        targets:\n")[0] + "        targets:\n"
    text = head + "".join(_target(n, v, u) for n, (v, u, _) in enumerate(BAD_PLAN_TARGETS))
    plan = write(tmp_path / "bad.yaml", text)
    lines = text.splitlines()
    expected = []
    for n, (value, unit, message) in enumerate(BAD_PLAN_TARGETS):
        bad = value if message.startswith("'value'") else unit
        number = lines.index(f"            {bad}", lines.index(f"          - id: t01-x{n}"))
        column = len("            ") + len(bad.split(": ")[0]) + 3
        expected.append(f"{plan}:{number + 1}:{column}: target t01-x{n}: {message}")
    r = run("validate", plan)
    assert (r.code, r.out.splitlines(), r.err) == (1, expected, f"{len(expected)} problem(s) found\n")


def test_a_plan_figure_takes_the_spellings_record_takes(tmp_path: Path) -> None:
    text = PLAN.replace("value: 80000\n            unit: 人", "value: 8万\n            unit: 人").replace(
        "value: 20000\n            unit: 学分",
        "value: 20,000\n            unit: 学分\n            baseline: '１８，０００'",
    )
    plan = write(tmp_path / "plan.yaml", text)
    assert run("validate", plan).code == 0
    r = run("--plan", plan, "status", "--as-of", "2006-12-31", "-f", "json")
    assert r.code == 0, r.err
    goals = {t["id"]: t["target"] for t in json.loads(r.out)["targets"]}
    assert (goals["t01-teachers"], goals["t01-credits"]) == (80000, 20000)
    found = require_plan(plan).find_target("t01-credits")
    assert found is not None and found[2].baseline == Decimal(18000)


# --- a property: a magnitude typed is the quantity read back ---------------------------------------------------

# A goal of 1 and a factor of 10¹⁴: every figure generated is plausible, and none is judged on it.
UNITS_PLAN = PLAN.split("        targets:\n")[0].replace(
    "  units: [学分]\n", "  implausible_factor: 100000000000000\n"
) + (
    "        targets:\n"
    + "".join(
        f"          - id: t01-{name}\n            name: {name}\n            kind: level\n"
        f"            value: 1\n            unit: {unit}\n            source: s\n"
        for name, unit in (("ren", "人"), ("wanren", "万人"), ("yuan", "元"), ("wanyuan", "万元"), ("yiyuan", "亿元"))
    )
)
SCALES = {"人": 1, "万人": 10**4, "元": 1, "万元": 10**4, "亿元": 10**8}
MAGNITUDES = {"千": 10**3, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7, "亿": 10**8}


@settings(max_examples=30, deadline=None)
@given(
    number=st.integers(1, 999_999).map(lambda n: Decimal(n).scaleb(-1)),
    magnitude=st.sampled_from(sorted(MAGNITUDES)),
    target=st.sampled_from(["ren", "wanren", "yuan", "wanyuan", "yiyuan"]),
    full_width=st.booleans(),
)
def test_a_figure_typed_with_a_magnitude_reads_back_as_that_quantity(
    number: Decimal, magnitude: str, target: str, full_width: bool
) -> None:
    typed = f"{number:f}{magnitude}"
    if full_width:
        typed = typed.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    unit = {"ren": "人", "wanren": "万人", "yuan": "元", "wanyuan": "万元", "yiyuan": "亿元"}[target]
    with tempfile.TemporaryDirectory() as folder:
        plan = write(Path(folder) / "plan.yaml", UNITS_PLAN)
        r = run("--plan", plan, "record", f"t01-{target}", typed, "--date", DAY)
        assert r.code == 0, r.err
        [line] = logged(plan)
        assert json.loads(line)["unit"] == unit  # kept in the target's unit
        assert actual(plan, f"t01-{target}") * SCALES[unit] == number * MAGNITUDES[magnitude]
