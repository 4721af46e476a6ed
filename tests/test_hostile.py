"""Hostile and broken input, one table: each case gets its one-line error naming the file and line (or
row) and field, a non-zero exit, no traceback, and a progress log left byte for byte as it was.

Inputs reach edplan four ways and each is here: a bulk import (CSV or JSON Lines), a single
``record`` / ``correct`` on the command line, the plan file, and the log itself (read by ``validate``
and ``status``). In the messages ``{input}`` is the import file, ``{plan}`` the plan, ``{log}`` the log.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, SMALL_PLAN, run, write

INVALID_PLANS = ROOT / "tests" / "plans" / "invalid"
NUMBER_HINT = "write digits, e.g. 78000, 78,000 or 7.8万"
REPAIR_HINT = "run 'edplan repair' to set it aside"
BIG = 10 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]  # after --plan PLAN --log LOG; "{input}" is replaced by the import file
    expected: tuple[str, ...]  # stderr lines (stdout for validate), with {input}, {plan}, {log}
    code: int = 1
    input: bytes | None = None  # the import file's bytes
    plan: Callable[[Path], None] | None = None  # replaces the plan file
    log_tail: bytes = b""  # appended to the log before the command
    stdout: bool = False  # validate prints problems on stdout


def csv(row: str) -> bytes:
    return ("target,value,unit,date\n" + row + "\n").encode()


def jsonl(line: str) -> bytes:
    return (line + "\n").encode()


def plan_from(name: str) -> Callable[[Path], None]:
    def put(plan: Path) -> None:
        plan.write_bytes((INVALID_PLANS / name).read_bytes())

    return put


def huge_plan(plan: Path) -> None:
    """A 300 MB plan file (sparse: it costs no disk) that must be refused before it is read."""
    with open(plan, "r+b") as f:
        f.truncate(300 * 1024 * 1024)


IMPORT = ("record", "--from", "{input}")
ENTRY_LINE = (
    b'{"id": "x9", "target": "t01-fund", "value": "1", "unit": "\xe4\xba\xbf\xe5\x85\x83", "date": "2006-04-01"}'
)

CASES = [
    # --- a bulk import: every figure checked like a single record, and the bytes of the file too ---
    Case(
        "csv NaN",
        IMPORT,
        (f"{{input}}:2: value: 'NaN' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,NaN,,2006-03-31"),
    ),
    Case(
        "csv +Infinity",
        IMPORT,
        (f"{{input}}:2: value: '+Infinity' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,+Infinity,,2006-03-31"),
    ),
    Case(
        "csv -Infinity",
        IMPORT,
        (f"{{input}}:2: value: '-Infinity' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,-Infinity,,2006-03-31"),
    ),
    Case(
        "csv inf",
        IMPORT,
        (f"{{input}}:2: value: 'inf' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,inf,,2006-03-31"),
    ),
    Case(
        "csv 1e400",
        IMPORT,
        (f"{{input}}:2: value: '1e400' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,1e400,,2006-03-31"),
    ),
    Case(
        "csv 40 digits",
        IMPORT,
        ("{input}:2: value: '1234567890123456789012345678901234567890' has too many digits; " + NUMBER_HINT,),
        input=csv("t01-fund,1234567890123456789012345678901234567890,,2006-03-31"),
    ),
    Case(
        "csv too precise",
        IMPORT,
        (
            "{input}:2: value: '0.0000001' is too large or too precise; "
            "a figure has at most 15 digits before the point and 6 after",
        ),
        input=csv("t01-fund,0.0000001,,2006-03-31"),
    ),
    Case(
        "csv negative",
        IMPORT,
        (
            "{input}:2: value: negative value -5 for t01-fund; "
            "record what was achieved; fix a mistake with a correction",
        ),
        input=csv("t01-fund,-5,,2006-03-31"),
    ),
    Case(
        "csv empty target",
        IMPORT,
        ("{input}:2: target: target id is empty; give a target id such as t03-rural-fund",),
        input=csv(",1,,2006-03-31"),
    ),
    Case(
        "csv unknown target",
        IMPORT,
        ("{input}:2: target: unknown target 't09-nothing'; did you mean t01-enrol?",),
        input=csv("t09-nothing,1,,2006-03-31"),
    ),
    Case(
        "csv 2006-02-30",
        IMPORT,
        ("{input}:2: date: '2006-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2006-03-31",),
        input=csv("t01-fund,1,,2006-02-30"),
    ),
    Case(
        "csv outside the period",
        IMPORT,
        ("{input}:2: date: date 2005-12-31 is outside the plan period 2006-01-01 – 2006-12-31",),
        input=csv("t01-fund,1,,2005-12-31"),
    ),
    Case(
        "csv wrong unit",
        IMPORT,
        ("{input}:2: unit: unit '人' does not convert to t01-fund's unit '亿元'; record in 亿元 or a unit like it",),
        input=csv("t01-fund,5,人,2006-03-31"),
    ),
    Case(
        "csv text for a number",
        IMPORT,
        (f"{{input}}:2: value: 'about five' is not a number; {NUMBER_HINT}",),
        input=csv("t01-fund,about five,,2006-03-31"),
    ),
    Case(
        "csv invalid UTF-8",
        IMPORT,
        ("{input}:2: invalid UTF-8 at column 12; save the file as UTF-8",),
        input=b"target,value,note,date\nt01-fund,1,\xff\xfe,2006-03-31\n",
    ),
    Case(
        "csv NUL byte",
        IMPORT,
        ("{input}:2: NUL byte in the line; save the file as UTF-8 text",),
        input=b"target,value,unit,date\nt01-fund,1\x00,,2006-03-31\n",
    ),
    Case(
        "csv 10 MB line",
        IMPORT,
        ("{input}:2: line is longer than 65,536 bytes; one row per line; is this the right file?",),
        input=b"target,value,unit,date\nt01-fund," + b"9" * BIG + b",,2006-03-31\n",
    ),
    Case(
        "csv no trailing newline",
        IMPORT,
        (
            "{input}:3: last line has no newline: the input may be cut off; "
            "end the last row with a newline (or check that the export finished)",
        ),
        input=b"target,value,unit,date\nt01-fund,1,,2006-03-31\nt01-fund,7800",
    ),
    Case(
        "csv missing column",
        IMPORT,
        ("{input}:2: row has 3 columns, expected 4 (a column is missing); columns are: target,value,unit,date",),
        input=csv("t01-fund,1,2006-03-31"),
    ),
    Case(
        "csv extra column",
        IMPORT,
        ("{input}:2: row has 5 columns, expected 4 (an extra column); columns are: target,value,unit,date",),
        input=csv("t01-fund,1,,2006-03-31,surplus"),
    ),
    Case(
        "jsonl NaN",
        IMPORT,
        (f"{{input}}:1: value: 'NaN' is not a number; {NUMBER_HINT}",),
        input=jsonl('{"target": "t01-fund", "value": NaN, "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl Infinity",
        IMPORT,
        (f"{{input}}:1: value: 'Infinity' is not a number; {NUMBER_HINT}",),
        input=jsonl('{"target": "t01-fund", "value": Infinity, "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl -Infinity",
        IMPORT,
        (f"{{input}}:1: value: '-Infinity' is not a number; {NUMBER_HINT}",),
        input=jsonl('{"target": "t01-fund", "value": -Infinity, "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl 1e400",
        IMPORT,
        (f"{{input}}:1: value: '1e400' is not a number; {NUMBER_HINT}",),
        input=jsonl('{"target": "t01-fund", "value": 1e400, "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl a list for a number",
        IMPORT,
        ("{input}:1: value: must be text or a number, not […]",),
        input=jsonl('{"target": "t01-fund", "value": [1], "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl empty target",
        IMPORT,
        ("{input}:1: target: target id is empty; give a target id such as t03-rural-fund",),
        input=jsonl('{"target": "", "value": "1", "date": "2006-03-31"}'),
    ),
    Case(
        "jsonl deeply nested",
        IMPORT,
        ("{input}:1: JSON nested too deeply; write one JSON object per line",),
        input=jsonl('{"target": "t01-fund", "value": ' + "[" * 20_000 + "]" * 20_000 + "}"),
    ),
    # --- the command line ---
    Case(
        "record Infinity",
        ("record", "t01-fund", "Infinity", "--date", "2006-03-31"),
        (f"edplan record: VALUE: 'Infinity' is not a number; {NUMBER_HINT}",),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "record -Infinity",
        ("record", "t01-fund", "--date", "2006-03-31", "--", "-Infinity"),
        (f"edplan record: VALUE: '-Infinity' is not a number; {NUMBER_HINT}",),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "record 1e400",
        ("record", "t01-fund", "1e400", "--date", "2006-03-31"),
        (f"edplan record: VALUE: '1e400' is not a number; {NUMBER_HINT}",),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "record NUL in a note",
        ("record", "t01-fund", "1", "--date", "2006-03-31", "--note", "a\x01b\x00"),
        ("edplan record: --note: note must be one line of at most 2000 characters",),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "record an id with a quote",
        ("record", "t01-fund", "1", "--date", "2006-03-31", "--id", 'x"y'),
        (
            "edplan record: --id: 'x\"y' is not a usable id; use at most 64 letters, digits and . _ : / + @ # -, "
            "starting with a letter or digit",
        ),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "correct NaN",
        ("correct", "x1", "NaN", "--reason", "typo"),
        (f"edplan correct: NEW_VALUE: 'NaN' is not a number; {NUMBER_HINT}",),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    # --- the plan file: refused before anything else happens ---
    Case(
        "plan billion laughs",
        ("record", "t01-fund", "1", "--date", "2006-03-31"),
        ("{plan}:6:8: YAML aliases (*name) are not allowed in a plan file; write the value out in full",),
        plan=plan_from("billion-laughs.yaml"),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "plan python tag",
        ("record", "t01-fund", "1", "--date", "2006-03-31"),
        ("{plan}:2:8: custom YAML tag !!python/object/apply:os.system is not allowed in a plan file; remove the tag",),
        plan=plan_from("python-tag.yaml"),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "plan 300 MB",
        ("record", "t01-fund", "1", "--date", "2006-03-31"),
        ("{plan}: plan file is 314,572,800 bytes; refusing files over 5,242,880 bytes; is this the right file?",),
        plan=huge_plan,
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "plan invalid UTF-8",
        ("record", "t01-fund", "1", "--date", "2006-03-31"),
        ("{plan}:2:8: invalid UTF-8; save the file as UTF-8",),
        plan=plan_from("invalid-utf8.yaml"),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    Case(
        "plan NUL byte",
        ("record", "t01-fund", "1", "--date", "2006-03-31"),
        ("{plan}:2:10: NUL byte in text",),
        plan=plan_from("nul-byte.yaml"),
        code=2,  # an argument or the plan is wrong: the command cannot run
    ),
    # --- the log itself: validate reports, status works on the intact part ---
    Case(
        "log torn last line",
        ("validate",),
        (f"{{log}}:2: incomplete entry (write interrupted); {REPAIR_HINT}",),
        log_tail=ENTRY_LINE[:40],
        stdout=True,
    ),
    Case(
        "log no trailing newline",
        ("validate",),
        (f"{{log}}:2: incomplete entry (write interrupted); {REPAIR_HINT}",),
        log_tail=ENTRY_LINE,
        stdout=True,
    ),
    Case(
        "log NUL bytes",
        ("validate",),
        (f"{{log}}:2: NUL bytes in the line (corrupt entry); {REPAIR_HINT}",),
        log_tail=b"\x00" * 64 + b"\n",
        stdout=True,
    ),
    Case(
        "log invalid UTF-8",
        ("validate",),
        (f"{{log}}:2: invalid UTF-8 (corrupt entry); {REPAIR_HINT}",),
        log_tail=ENTRY_LINE.replace(b"\xe4\xba\xbf", b"\xff\xbf\xbf") + b"\n",
        stdout=True,
    ),
    Case(
        "log 10 MB line",
        ("validate",),
        (f"{{log}}:2: line is longer than 65,536 bytes (corrupt entry); {REPAIR_HINT}",),
        log_tail=b'{"id": "' + b"x" * BIG + b'"}\n',
        stdout=True,
    ),
    Case(
        "log NaN",
        ("validate",),
        (
            "{log}:2: x9: value 'NaN' is not a number; t01-fund counts numbers; "
            "correct it with 'edplan correct x9 --value …', or retract it",
        ),
        log_tail=ENTRY_LINE.replace(b'"value": "1"', b'"value": "NaN"') + b"\n",
        stdout=True,
    ),
    Case(
        "log negative",
        ("validate",),
        ("{log}:2: x9: negative value -1 for t01-fund; record what was achieved; fix a mistake with a correction",),
        log_tail=ENTRY_LINE.replace(b'"value": "1"', b'"value": "-1"') + b"\n",
        stdout=True,
    ),
    Case(
        "log number not text",
        ("validate",),
        (f"{{log}}:2: 'value' is missing or not text; {REPAIR_HINT}",),
        log_tail=ENTRY_LINE.replace(b'"value": "1"', b'"value": 1e400') + b"\n",
        stdout=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(tmp_path: Path, case: Case) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    log = tmp_path / "plan.progress.jsonl"
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", "2006-03-01", "--id", "x1").code == 0
    with open(log, "ab") as f:
        f.write(case.log_tail)
    before = log.read_bytes()
    source = tmp_path / "input.txt"
    if case.input is not None:
        source.write_bytes(case.input)
    if case.plan is not None:
        case.plan(plan)
    args = [a.replace("{input}", str(source)) for a in case.args]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    r = run("--plan", plan, "--log", log, *args)
    took = time.perf_counter() - started
    shown = r.out if case.stdout else r.err
    expected = [line.format(input=source, plan=plan, log=log) for line in case.expected]
    assert (r.code, shown.splitlines()) == (case.code, expected)
    if not case.stdout:
        assert r.out == ""
    assert "Traceback" not in r.err + r.out
    assert log.read_bytes() == before
    # Refused quickly and in bounded memory, however big the input (ru_maxrss is in KB on Linux).
    assert took < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024


def test_status_works_on_the_intact_part_and_warns(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", SMALL_PLAN)
    log = tmp_path / "plan.progress.jsonl"
    assert run("--plan", plan, "record", "t01-fund", "1", "--date", "2006-03-01").code == 0
    with open(log, "ab") as f:
        f.write(ENTRY_LINE[:40])
    before = log.read_bytes()
    r = run("--plan", plan, "status", "--as-of", "2006-12-31", "-f", "json")
    assert r.code == 0
    assert f"{log}:2: incomplete entry (write interrupted); {REPAIR_HINT}" in r.out
    assert '"actual": 1,' in r.out
    assert log.read_bytes() == before


def test_every_case_of_the_issue_is_in_the_table() -> None:
    """Point 6 of issue 4, item by item: each has at least one case above."""
    names = " ".join(c.name for c in CASES)
    for item in ("NaN", "Infinity", "-Infinity", "1e400", "negative", "empty target", "unknown target",
                 "2006-02-30", "outside the period", "wrong unit", "text for a number", "invalid UTF-8",
                 "NUL", "10 MB line", "no trailing newline", "missing column", "extra column",
                 "billion laughs", "python tag", "300 MB"):  # fmt: skip
        assert item in names, item
