"""The core call behind ``edplan log copy``: name the two logs, refuse a copy onto itself, copy."""

from __future__ import annotations

import os
from pathlib import Path

from edplan.errors import Problem, UsageError, msg
from edplan.log.copy import Copied, copy_log
from edplan.log.database import Database
from edplan.log.store import Log, bound
from edplan.plan.load import require_plan


def copy_between(plan_path: Path, source: Log, dest: Log, dry_run: bool = False) -> Copied:
    """Copy the log ``source`` into ``dest``. A database keys its rows by the plan's id, so the plan
    is loaded when either side is one; a file-to-file copy needs no plan."""
    if _same(source, dest):
        raise UsageError(
            Problem(msg("FROM and TO are the same log: {log}", log=str(source)), hint=msg("copy to another log"))
        )
    if isinstance(source, Database) or isinstance(dest, Database):
        plan = require_plan(plan_path)
        source, dest = bound(source, plan), bound(dest, plan)
    return copy_log(source, dest, dry_run)


def _same(a: Log, b: Log) -> bool:
    if isinstance(a, Database) or isinstance(b, Database):
        return a == b
    return os.path.realpath(a) == os.path.realpath(b)
