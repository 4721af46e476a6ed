"""``edplan record``: check one entry against the plan and append it to the log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from edplan.entries import Draft, Entry, check_draft
from edplan.errors import InputError, Problem, msg
from edplan.planfile import require_plan
from edplan.progress import append_entries

# How each field is spelled on the command line, for messages.
ARGUMENT_NAMES = {
    "target": "TARGET",
    "value": "VALUE",
    "date": "--date",
    "unit": "--unit",
    "note": "--note",
    "source": "--source",
    "id": "--id",
}


@dataclass(frozen=True)
class Recorded:
    entry: Entry
    added: bool  # False: the id was already recorded with the same content (a retry)
    unit: str | None  # the unit shown (the target's when none was given)


def record_one(plan_path: Path, log_path: Path, draft: Draft, today: dt.date, now: dt.datetime) -> Recorded:
    plan = require_plan(plan_path)
    result = check_draft(plan, draft, today, now.isoformat(timespec="seconds"))
    if isinstance(result, list):
        raise InputError(
            [
                Problem(
                    msg("{field}: {message}", field=ARGUMENT_NAMES.get(p.field, p.field), message=p.message),
                    field=p.field,
                    hint=p.hint,
                )
                for p in result
            ]
        )
    appended = append_entries(log_path, [result])
    found = plan.find_target(result.target)
    default_unit = found[2].unit if found else None
    return Recorded(result, bool(appended.added), result.unit or default_unit)
