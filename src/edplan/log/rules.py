"""What each target of the plan can count, and the one warning for an entry it cannot.

The log layer knows values only as text; the plan says what a target counts: numbers (as edplan
writes them: digits, an optional point, no exponent, no NaN), or its milestone stages. The reader
skips an entry (or a correction) whose value its target cannot use, with this warning at its line,
so that one bad value never takes the target's other entries, or the whole plan, down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from edplan.errors import msg
from edplan.log.lines import ID, TARGET, VALUE, Row

# What a target accepts: None, a number; a set, those stages. A target not named accepts anything.
Rules = Mapping[str, frozenset[str] | None]
NUMBER = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,6})?")


# What rules.get(target, ANY) gives for a target the rules do not name (no stage can be this).
ANY: frozenset[str] | None = frozenset({"\x00any"})


def fits(value: str, rule: frozenset[str] | None) -> bool:
    return bool(NUMBER.fullmatch(value)) if rule is None else value in rule




def unusable(row: Row, rule: frozenset[str] | None, correction: bool = False) -> tuple[str, str]:
    """The warning and its hint for a value the target cannot use."""
    value = row[VALUE][:40]
    if rule is None:
        message = msg(
            "{id}: value '{value}' is not a number; {target} counts numbers",
            id=row[ID],
            value=value,
            target=row[TARGET],
        )
    else:
        message = msg(
            "{id}: '{value}' is not a stage of {target} ({stages})",
            id=row[ID],
            value=value,
            target=row[TARGET],
            stages=", ".join(sorted(rule)),
        )
    hint = (
        msg("correct the correction with 'edplan correct', or retract the entry")
        if correction
        else msg("correct it with 'edplan correct {id} --value …', or retract it", id=row[ID])
    )
    return message, hint
