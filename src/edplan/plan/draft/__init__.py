"""A draft plan from a plan document: the document's sections, tasks and figures as YAML to review.

:func:`draft_text` reads the document's own numbering (structure), every figure with its unit and
qualifier (figures, numerals), guesses what the text leaves open (guess), ties changes and parts to
their figures (targets) and writes the YAML with a ``# check:`` comment above every guess (emit).
:func:`read_document` gives the text of a .txt, .docx or .html document (documents).

The same text always gives the same draft: ids come from places (t03-2), never from a clock or a
counter kept elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edplan.plan.draft.clauses import clauses, mask, sentences
from edplan.plan.draft.documents import read_document
from edplan.plan.draft.emit import emit
from edplan.plan.draft.figures import Figure, Unread, scan
from edplan.plan.draft.records import DraftPlan, DraftSection, DraftTask, Skipped
from edplan.plan.draft.structure import Outline, Piece, TaskText, outline
from edplan.plan.draft.targets import draft_task
from edplan.units import unit_problem

__all__ = ["Draft", "Skipped", "draft_text", "read_document"]

_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})(?![0-9])")


@dataclass(frozen=True)
class Draft:
    """A draft plan: its YAML text, what was not taken, and how much was found."""

    yaml: str
    skipped: list[Skipped]
    sections: int
    tasks: int
    targets: int


def find_year(title: str, source_name: str) -> int | None:
    """A four-digit year in the document's title, else in its file name."""
    for text in (title, source_name):
        found = _YEAR.search(text)
        if found:
            return int(found[1])
    return None


def draft_text(text: str, *, source_name: str, year: int | None = None) -> Draft:
    """Draft a plan from a document's text; ``source_name`` is the document's file name, for ``source:``.

    Raises ValueError when the text is empty, or when no year is given and neither the document's
    title nor its file name holds one.
    """
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    doc = outline(lines)
    found_in = ""
    if year is None:
        year = find_year(doc.title, "")
        found_in = f"the document's title ({doc.title})"
        if year is None:
            year = find_year("", source_name)
            found_in = f"the file name ({source_name})"
        if year is None:
            raise ValueError(
                f"no year in the document's title ({doc.title}) or its file name ({source_name}): pass --year"
            )
    skipped: list[Skipped] = []
    _outside_tasks(doc, skipped)
    plan = DraftPlan(id=f"draft-{year}", title=doc.title, year=year, source=source_name)
    if found_in:
        plan.check("year", f"year {year}: found in {found_in}")
    plan.check("period", "period: the calendar year, as an annual work plan runs")
    section_numbers = _numbers([s.number for s in doc.sections])
    tasks = [task for section in doc.sections for task in section.tasks]
    task_numbers = iter(_numbers([t.number for t in tasks]))
    for section, number in zip(doc.sections, section_numbers, strict=True):
        drafted = DraftSection(number=number, title=section.title)
        if section.number != number:
            drafted.check("", _renumbered(number, section.number))
        for task in section.tasks:
            task_number = next(task_numbers)
            drafted.tasks.append(_task(task, task_number, year, skipped))
        plan.sections.append(drafted)
    plan.units = _declared_units(plan)
    if plan.units:
        plan.check("units", f"units edplan does not know, declared for this plan: {', '.join(plan.units)}")
    plan.skipped = sorted(skipped, key=lambda s: s.line)
    targets = sum(len(t.targets) for s in plan.sections for t in s.tasks)
    return Draft(emit(plan), plan.skipped, len(plan.sections), len(tasks), targets)


def _numbers(numbers: list[int | None]) -> list[int]:
    """The document's numbers when they run through it once each; else 1, 2, 3, … in document order."""
    if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
        return [n for n in numbers if n is not None]
    return list(range(1, len(numbers) + 1))


def _renumbered(number: int, written: int | None) -> str:
    if written is None:
        return f"section number {number}: the document does not number this section"
    return f"section number {number}: the document's numbers repeat or skip, so sections are counted 1, 2, 3, …"


def _task(task: TaskText, number: int, year: int, skipped: list[Skipped]) -> DraftTask:
    title = task.title or task.label or "?"
    drafted = DraftTask(number=number, title=title)
    if task.number != number:
        if task.number is None:
            drafted.check("", f"task number {number}: the document does not number this task")
        else:
            drafted.check(
                "",
                f"task number {number}: the document numbers it {task.label} within its section, "
                "and a plan numbers tasks through the whole plan",
            )
    drafted.targets = draft_task(task, number, year, skipped)
    return drafted


def _outside_tasks(doc: Outline, skipped: list[Skipped]) -> None:
    """Figures where no task is (the introduction, section headings) are reported, not drafted."""
    places: list[tuple[Piece, str]] = [(p, "before the first section, in no task") for p in doc.preamble]
    places += [(p, "in a section heading, in no task") for p in doc.titles]
    places += [(p, "in a section's introduction, before its first task") for s in doc.sections for p in s.intro]
    for piece, where in places:
        inside = mask(piece.line)
        for sentence in sentences(piece.line, piece.start, inside):
            for clause in clauses(piece.line, sentence, inside):
                for item in scan(clause.of(piece.line)):
                    if isinstance(item, Unread):
                        skipped.append(Skipped(piece.number, item.text, item.why))
                    elif isinstance(item, Figure):
                        skipped.append(Skipped(piece.number, item.text, f"a figure {where}"))


def _declared_units(plan: DraftPlan) -> list[str]:
    units: list[str] = []
    for section in plan.sections:
        for task in section.tasks:
            for target in task.targets:
                unit = target.unit
                if unit and unit not in units and unit_problem(unit) is not None:
                    units.append(unit)
    return units
