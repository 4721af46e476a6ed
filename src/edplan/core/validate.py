"""``edplan validate``: check plan files and the progress logs beside them, collecting every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from edplan.errors import Problem, UsageError, msg
from edplan.log.entries import Checker, check_logged
from edplan.log.store import LOG_SUFFIX, Log, bound, check_entries, log_path_for, rules_of
from edplan.plan.document import check_document
from edplan.plan.load import load_plan
from edplan.plan.model import Plan


@dataclass
class Checked:
    """One file checked: what it is, what was counted, and its problems."""

    path: str
    kind: str  # "plan" or "log"
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def validate_paths(paths: list[Path], log: Log | None = None) -> list[Checked]:
    """Check each plan (and its log, when there is one) or each log (against the plan beside it)."""
    results: list[Checked] = []
    for path in paths:
        if path.name.endswith(LOG_SUFFIX):
            plan_path = path.with_name(path.name[: -len(LOG_SUFFIX)] + ".yaml")
            results += _plan_and_log(plan_path, path, plan_wanted=False)
        else:
            results += _plan_and_log(path, log or log_path_for(path), plan_wanted=True)
    # A plan and its log both named (pre-commit passes every file a commit touches): check each once.
    seen: set[str] = set()
    once = []
    for result in results:
        if os.path.realpath(result.path) not in seen:
            seen.add(os.path.realpath(result.path))
            once.append(result)
    return once


def _plan_and_log(plan_path: Path, log_path: Log, plan_wanted: bool) -> list[Checked]:
    if not plan_path.exists():
        raise UsageError(
            Problem(msg("plan file not found"), path=str(plan_path), hint=msg("give an existing plan file"))
        )
    loaded = load_plan(plan_path)
    out: list[Checked] = []
    plan = loaded.plan
    if plan_wanted or plan is None:
        checked = Checked(str(plan_path), "plan", list(loaded.problems))
        # The plan's quotes against the document it names: validate only (status must not read it).
        document_problems = check_document(plan_path, loaded)
        if document_problems:
            checked.problems = sorted(
                [*checked.problems, *document_problems], key=lambda p: (p.line or 0, p.column or 0)
            )
        if plan is not None:
            checked.counts = {
                "sections": len(plan.sections),
                "tasks": sum(len(s.tasks) for s in plan.sections),
                "targets": len(plan.targets()),
            }
        out.append(checked)
    if plan is None or (isinstance(log_path, Path) and not log_path.exists()):
        if not plan_wanted and plan is not None:
            raise UsageError(Problem(msg("progress log not found"), path=str(log_path)))
        return out
    out.append(_log(plan, log_path))
    return out


def _log(plan: Plan, log_path: Log) -> Checked:
    """The log as readers see it (torn lines, unfinished batches, id conflicts), then every entry as it
    now stands (corrections applied, retractions left out) judged against the plan. A figure fixed by
    a correction is reported at the correction's line."""
    checker = Checker(plan)
    read, checks = check_entries(bound(log_path, plan), rules_of(plan), lambda entry: check_logged(checker, entry))
    checked = Checked(str(log_path), "log", list(read.problems), {"entries": checks.count})
    fixed_by = {a.entry_id: a.line for a in read.amendments if a.kind == "correction"}
    for entry, p in checks.problems:
        line = fixed_by.get(entry.id, entry.line) if p.field in ("value", "unit") else entry.line
        checked.problems.append(
            Problem(
                msg("{id}: {message}", id=entry.id, message=p.message),
                path=str(log_path),
                line=line,
                field=p.field,
                hint=p.hint,
            )
        )
    checked.problems.sort(key=lambda p: p.line or 0)
    return checked
