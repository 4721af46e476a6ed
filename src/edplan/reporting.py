"""``edplan status``: load the plan and the log, compute the report as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from edplan.entries import parse_date
from edplan.errors import Problem, UsageError
from edplan.planfile import require_plan
from edplan.progress import read_log
from edplan.status import Report, compute, default_as_of, select


def parse_as_of(text: str | None, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    when = parse_date(text)
    if when is None:
        raise UsageError(Problem(f"{option}: '{text}' is not a date", hint="write it as YYYY-MM-DD"))
    return when


def build_status(
    plan_path: Path, log_path: Path, as_of: dt.date | None, today: dt.date, section: int | None = None
) -> Report:
    """The report, with log problems turned into warnings (status works on the intact part)."""
    plan = require_plan(plan_path)
    numbers = [s.number for s in plan.sections]
    if section is not None and section not in numbers:
        raise UsageError(
            Problem(f"--section: there is no section {section}", hint=f"sections are {min(numbers)}–{max(numbers)}")
        )
    read = read_log(log_path)
    when = as_of or default_as_of(plan, today)
    report = compute(plan, read.entries, when)
    if section is not None:
        report = select(report, section)
    report.warnings[:0] = [str(p) for p in read.problems]
    return report
