"""The draft as YAML text, each reviewer's note a ``# check:`` comment right above what it is about.

Written line by line rather than dumped, so that every comment sits exactly above its field or its
target and the layout is the one of the hand-made plans (plans/2006.yaml). A string is written plain
only when YAML is sure to read it back as that same string, and double-quoted otherwise (the
escapes used are common to JSON and YAML).
"""

from __future__ import annotations

import re
from decimal import Decimal

from edplan.plan.draft.records import Checked, DraftPlan, DraftTarget
from edplan.units import normalize

# ASCII words YAML reads as text: a letter in them, and neither a number, a date nor a boolean.
_PLAIN_ASCII = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")
_NOT_TEXT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_RESERVED = frozenset("y n yes no on off true false null".split())
# A plain scalar may not start with an indicator; the typographic quotes are refused as well, so that
# a title starting with “ is never mistaken for a quoted one by a reader (or a lesser parser).
_BAD_FIRST = set("-?:,[]{}#&*!|>'\"%@`“”‘’「」《》（(")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or code == 0x7F or char in "\x85\u2028\u2029\ufeff" or 0xD800 <= code <= 0xDFFF


def scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly ``text``."""
    if (
        _PLAIN_ASCII.fullmatch(text)
        and any(c.isalpha() for c in text)
        and not _NOT_TEXT.fullmatch(text)
        and text.lower() not in _RESERVED
    ):
        return text
    plain = (
        bool(text)
        and text == text.strip()
        and text[0] not in _BAD_FIRST
        and not any(c in text for c in ":#")
        and not any(_needs_escape(c) for c in text)
        and not text.isascii()  # every other ASCII string could read as a number, a date or a boolean
    )
    return text if plain else quoted(text)


def quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _needs_escape(char):
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def number(value: Decimal) -> str:
    return f"{normalize(value):f}"


def _comment(text: str) -> str:
    return " ".join(text.split())


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, indent: int, text: str) -> None:
        self.lines.append((" " * indent + "# " + _comment(text)).rstrip())

    def checks(self, indent: int, record: Checked, key: str) -> None:
        for note in record.checks.get(key, []):
            self.comment(indent, "check: " + note)

    def field(self, indent: int, record: Checked, key: str, value: str, name: str | None = None) -> None:
        self.checks(indent, record, key)
        self.lines.append(" " * indent + f"{name or key}: {value}")


def _header(w: _Writer, plan: DraftPlan) -> None:
    source = _comment(plan.source)
    for line in (
        f"DRAFT written by edplan from the document {source}: a starting point, not yet a plan.",
        "Review it before use. Every guess (a kind, a schedule, a direction, a name, a part, a tolerance)",
        "has a `# check:` comment right above the field or the target it is about: confirm or correct",
        "each one, then delete the comment (grep -n '# check:' lists them); nothing else needs reading.",
        "Titles and `source:` quotes are the document's own words, verbatim; values and units are as",
        "the text writes them (7.8 万人, never 78000 人); a name is the words around its figure, without",
        "verbs such as 完成 or 组织 (marked only when taken from elsewhere). Ids are places: t03-2 is the",
        "second target of task 3, t01-3.1 the first part of t01-3. Validate with the document beside",
        "this file: edplan --plan THIS_FILE validate",
    ):
        w.comment(0, line)
    if plan.skipped:
        w.comment(0, "")
        w.comment(0, "Not taken as targets (they look like figures but are not ones to reach), by line:")
        for item in plan.skipped:
            w.comment(0, f"  line {item.line}: {item.text} — {item.why}")
    w.lines.append("")


def _target(w: _Writer, target: DraftTarget) -> None:
    w.checks(10, target, "")
    w.lines.append(f"          - id: {scalar(target.id)}")
    w.field(12, target, "name", scalar(target.name))
    w.field(12, target, "kind", target.kind)
    if target.direction is not None:
        w.field(12, target, "direction", target.direction)
    if target.tolerance is not None:
        w.field(12, target, "tolerance", number(target.tolerance))
    if target.value is not None:
        w.field(12, target, "value", number(target.value))
    if target.unit is not None:
        w.field(12, target, "unit", scalar(target.unit))
    if target.growth is not None:
        w.field(12, target, "growth", number(target.growth))
    if target.increase is not None:
        w.field(12, target, "increase", number(target.increase))
    if target.part_of is not None:
        w.field(12, target, "part_of", scalar(target.part_of))
    if target.parts_complete is not None:
        w.field(12, target, "parts_complete", "true" if target.parts_complete else "false")
    if target.due is not None:
        w.field(12, target, "schedule", f"{{due: {target.due.isoformat()}}}")
    w.field(12, target, "source", scalar(target.source))


def emit(plan: DraftPlan) -> str:
    """The YAML text of a draft plan."""
    w = _Writer()
    _header(w, plan)
    w.lines.append(f"id: {scalar(plan.id)}")
    w.lines.append(f"title: {scalar(plan.title)}")
    w.checks(0, plan, "year")
    w.lines.append(f"year: {plan.year}")
    w.checks(0, plan, "period")
    w.lines.append("period:")
    w.lines.append(f"  start: {plan.year}-01-01")
    w.lines.append(f"  end: {plan.year}-12-31")
    w.lines.append(f"source: {scalar(plan.source)}")
    if plan.units:
        w.lines.append("settings:")
        w.checks(2, plan, "units")
        w.lines.append("  units: [" + ", ".join(quoted(u) for u in plan.units) + "]")
    w.lines.append("")
    w.lines.append("sections:")
    for section in plan.sections:
        w.checks(2, section, "")
        w.lines.append(f"  - number: {section.number}")
        w.field(4, section, "title", scalar(section.title))
        w.lines.append("    tasks:")
        for task in section.tasks:
            w.checks(6, task, "")
            w.lines.append(f"      - number: {task.number}")
            w.field(8, task, "title", scalar(task.title))
            w.lines.append("        targets:")
            for target in task.targets:
                _target(w, target)
            w.lines.append("")
    while w.lines and not w.lines[-1]:
        w.lines.pop()
    return "\n".join(w.lines) + "\n"
