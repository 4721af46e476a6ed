"""A task's text → its targets: figures with their relations (growth, increase, parts) and milestones.

Each figure's ``source:`` is its segment: the clause that holds it, cut between two figures of one
clause at the connector that joins them (、 以及 和 及 与), so 10个示范专业、50个重点专业 gives two
quotes. A change over last year (比上年增长9.1%) whose clause names nothing of its own describes the
figure before it in the sentence: it becomes that target's ``growth:`` (or ``increase:``) and its
quote extends over both. Parts: the figures after 其中 are parts of the figure before; so are the
figures right after one that add up to it exactly (其士生492人,硕士生5968人 after 6460人).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from edplan.plan.draft import guess
from edplan.plan.draft.clauses import Span, clauses, mask, sentences, trim
from edplan.plan.draft.figures import APPROXIMATELY, AT_LEAST, PERCENT, PERCENT_POINTS, STABLE, Figure, Unread, scan
from edplan.plan.draft.records import DraftTarget, Skipped
from edplan.plan.draft.structure import Piece, TaskText
from edplan.units import FULL_WIDTH, UnitError, convert, normalize

QUOTA_TOLERANCE = Decimal("0.03")
FORECAST_TOLERANCE = Decimal("0.01")
_CONNECTOR = re.compile(r"以及|、|和|及|与|并")
_PARTS = "其中"


@dataclass
class _Found:
    """One figure of the task, where it is, and what the draft makes of it."""

    figure: Figure
    piece: Piece
    sentence: int  # index of its sentence in the task
    clause: Span  # in the line
    segment: Span  # in the line
    before_clause: str  # the sentence's clause before this one, when it holds no figure (for a name)
    deadline: tuple[dt.date, str] | None
    source_end: int = 0
    change_of: _Found | None = None  # this is a change (比上年增长…) of that figure
    growth: Decimal | None = None
    increase: Decimal | None = None
    change_notes: tuple[str, ...] = ()
    part_of: _Found | None = None
    parts_complete: bool | None = None
    part_note: str = ""
    alone: str = ""  # why a change is a target of its own
    target: DraftTarget | None = None

    @property
    def line(self) -> str:
        return self.piece.line

    @property
    def at(self) -> int:
        return self.clause.start + self.figure.start

    @property
    def end(self) -> int:
        return self.clause.start + self.figure.end

    @property
    def relation(self) -> bool:
        return self.figure.change is not None


def _segments(line: str, clause: Span, figures: list[Figure]) -> list[Span]:
    """Cut a clause holding several figures at the connector between each pair."""
    out: list[Span] = []
    start = clause.start
    for i, figure in enumerate(figures):
        if i + 1 == len(figures):
            out.append(trim(line, Span(start, clause.end)))
            break
        gap_start, gap_end = clause.start + figure.end, clause.start + figures[i + 1].start
        connector = _CONNECTOR.search(line, gap_start, gap_end)
        end, following = (connector.start(), connector.end()) if connector else (gap_start, gap_start)
        out.append(trim(line, Span(start, end)))
        start = following
    return out


def draft_task(task: TaskText, number: int, year: int, skipped: list[Skipped]) -> list[DraftTarget]:
    """The targets of one task (numbered ``number`` in the plan); what is not read goes to ``skipped``."""
    found: list[_Found] = []
    milestones: list[DraftTarget] = []
    pieces = [(piece, mask(piece.line)) for piece in task.pieces]
    split = [(piece, inside, sentences(piece.line, piece.start, inside)) for piece, inside in pieces]
    total_sentences = sum(len(s) for _, _, s in split)
    index = 0
    for piece, inside, spans in split:
        for sentence in spans:
            title = index == 0 and total_sentences > 1
            here = _sentence(piece, sentence, inside, index, year, title, skipped, milestones)
            _changes(here)
            found.extend(here)
            index += 1
    _parts(found)
    targets = [_target(f, year) for f in found if f.change_of is None] + milestones
    if not targets:
        targets.append(_task_itself(task, year))
    targets.sort(key=lambda t: (t.line, t.offset))
    _number(targets, found, number)
    for f in found:
        if f.part_of is not None and f.target is not None and f.part_of.target is not None:
            _inherit(f.target, f.part_of.target, f)
    return targets


def _sentence(
    piece: Piece,
    sentence: Span,
    inside: list[bool],
    index: int,
    year: int,
    title: bool,
    skipped: list[Skipped],
    milestones: list[DraftTarget],
) -> list[_Found]:
    line = piece.line
    out: list[_Found] = []
    deadline = guess.deadline(sentence.of(line), year)
    previous_plain = ""
    for clause in clauses(line, sentence, inside):
        text = clause.of(line)
        items = scan(text)
        skipped.extend(Skipped(piece.number, u.text, u.why) for u in items if isinstance(u, Unread))
        figures = [f for f in items if isinstance(f, Figure)]
        if not figures:
            if not title:
                target = _milestone(text, piece.number, clause.start, year, deadline)
                if target is not None:
                    milestones.append(target)
            previous_plain = text
            continue
        for figure, segment in zip(figures, _segments(line, clause, figures), strict=True):
            out.append(_Found(figure, piece, index, clause, segment, previous_plain, deadline, segment.end))
        previous_plain = ""
    return out


def _changes(found: list[_Found]) -> None:
    """比上年增长9.1% right after a figure, naming nothing of its own, is that figure's growth."""
    for i, f in enumerate(found):
        change = f.figure.change
        if change is None:
            continue
        subject = f.line[f.segment.start : f.clause.start + change.start].strip()
        host = next((h for h in reversed(found[:i]) if not h.relation), None)
        if subject or host is None:
            f.alone = f"it is about {subject}, not the figure before it" if subject else "no figure before it"
            continue
        amount = f.figure.value * change.sign
        notes: list[str] = []
        if change.about:
            notes.append(f"{change.words}约{f.figure.text}: an approximate change, read as {amount}")
        host_unit = host.figure.unit
        if change.kind == "growth":
            if host.growth is not None:
                f.alone = "the figure before it has a growth already"
                continue
            host.growth = amount
        else:
            if host.increase is not None:
                f.alone = "the figure before it has an increase already"
                continue
            if f.figure.unit == PERCENT_POINTS and host_unit == PERCENT:
                notes.append(f"{f.figure.text} is an increase of {amount} in the rate's %")
            elif f.figure.unit != host_unit:
                try:
                    converted = convert(amount, f.figure.unit, host_unit)
                except UnitError:
                    f.alone = f"its unit does not convert to {host_unit}, the unit of the figure before it"
                    continue
                notes.append(f"{f.figure.text} written in the target's unit: {normalize(converted)}{host_unit}")
                amount = converted
            host.increase = amount
        f.change_of = host
        host.source_end = max(host.source_end, f.segment.end)
        host.change_notes += tuple(notes)


def _sum(parts: list[_Found], unit: str) -> Decimal | None:
    try:
        return sum((convert(p.figure.value, p.figure.unit, unit) for p in parts), Decimal(0))
    except UnitError:
        return None


def _parts(found: list[_Found]) -> None:
    """其中 …: parts of the figure before; figures right after one that add up to it: its parts."""
    base = [f for f in found if not f.relation]
    for i, f in enumerate(base):
        if f.part_of is not None or _PARTS not in f.line[f.segment.start : f.at]:
            continue
        total = next((t for t in reversed(base[:i]) if t.part_of is None), None)
        if total is None:
            continue
        group = [f]
        for g in base[i + 1 :]:
            if g.sentence != f.sentence or _PARTS in g.line[g.segment.start : g.at]:
                break
            if _sum([g], total.figure.unit) is None:
                break  # another kind of figure (a rate after the parts of a count): the parts end here
            group.append(g)
        added = _sum(group, total.figure.unit)
        if added is None or added > total.figure.value:
            note = "其中 …, but the figures after it do not add up to at most the total: not made its parts"
            for g in group:
                g.part_note = note
            continue
        shown = " + ".join(g.figure.text for g in group)
        for g in group:
            g.part_of = total
            g.part_note = f"part_of the total {total.figure.text} (其中 {shown})"
        if added < total.figure.value:
            total.parts_complete = False
    for i, total in enumerate(base):
        if total.part_of is not None or any(g.part_of is total for g in base):
            continue
        run: list[_Found] = []
        for g in base[i + 1 :]:
            if g.sentence != total.sentence or g.part_of is not None or g.figure.change is not None:
                break
            run.append(g)
            if len(run) >= 2 and _sum(run, total.figure.unit) == total.figure.value:
                shown = " + ".join(p.figure.text for p in run)
                for p in run:
                    p.part_of = total
                    p.part_note = f"part_of the total {total.figure.text}: the figures after it add up to it ({shown})"
                break


def _target(f: _Found, year: int) -> DraftTarget:
    figure = f.figure
    line = f.line
    segment = line[f.segment.start : f.segment.end]
    target = DraftTarget(source=line[f.segment.start : f.source_end], line=f.piece.number, offset=f.at)
    f.target = target
    before, after = line[f.segment.start : f.at], line[f.end : f.segment.end]
    if figure.change is not None:
        change = figure.change
        subject = guess.name_for(line[f.segment.start : f.clause.start + change.start], "")
        target.name = subject + change.words
        target.check("", f"{change.words}{figure.text}: {f.alone or 'a change'}, so a target of its own")
    else:
        target.name = guess.name_for(before, after)
    if len(target.name) <= 2 and f.part_of is None and f.before_clause:
        lender = guess.borrowed(f.before_clause)
        if lender:
            target.check("name", f"name: {lender} taken from the clause before ({f.before_clause})")
            target.name = lender + target.name
    if not target.name:
        target.name = segment
        target.check("name", "name: the text names nothing beside the figure, so the whole quote")
    kind, at_autumn, kind_note = guess.kind_for(figure, segment)
    target.kind = kind
    target.check("kind", kind_note)
    target.value, target.unit = figure.value, figure.unit
    if figure.reading:
        target.check("value", f"value read from {figure.reading}")
    elif figure.text != figure.text.translate(FULL_WIDTH):
        target.check("value", f"value {figure.value}: written in full-width digits, {figure.text}")
    if "％" in figure.text:
        target.check("unit", "unit %: the text writes ％ (full-width)")
    if figure.upper is not None:
        # A range (2~4所) is one commitment: the lower bound is the figure to reach and the upper one
        # a ceiling nobody reports against. Two targets would count the same schools twice in every
        # rollup, so one target at the lower bound, the upper bound left to the reviewer.
        target.check(
            "direction" if figure.direction is None else "value",
            f"the text gives a range, {figure.text}: at least {figure.value} is tracked, "
            f"the upper bound {figure.upper} is not",
        )
    _direction(target, figure)
    if f.deadline is not None:
        target.due, note = f.deadline
        target.check("schedule", note)
    elif at_autumn:
        target.due, note = guess.autumn(year)
        target.check("schedule", note)
    if f.growth is not None:
        target.growth = f.growth
    if f.increase is not None:
        target.increase = f.increase
    for note in f.change_notes:
        target.check("increase" if f.increase is not None else "growth", note)
    if f.part_note:
        target.check("part_of" if f.part_of is not None else "", f.part_note)
    if f.parts_complete is False:
        target.parts_complete = False
        target.check("parts_complete", "parts_complete false: its parts (其中) add up to less than it")
    return target


def _direction(target: DraftTarget, figure: Figure) -> None:
    direction = figure.direction
    if direction == STABLE:
        target.direction = STABLE
        target.kind = guess.LEVEL
        return
    if figure.quota and direction == APPROXIMATELY:
        target.direction, target.tolerance = APPROXIMATELY, QUOTA_TOLERANCE
        target.check(
            "direction",
            f"direction approximately, tolerance ±3%: a quota ({figure.qualifier}) is met by an intake close to it",
        )
        return
    if figure.forecast:
        target.direction, target.tolerance = APPROXIMATELY, FORECAST_TOLERANCE
        target.check(
            "direction",
            f"direction approximately, tolerance ±1%: a forecast ({figure.forecast}…) is met by a figure close to it; "
            "set the tolerance the plan means",
        )
        return
    if direction is None:
        target.direction = AT_LEAST
        if figure.upper is None:
            target.check("direction", "direction at_least: the text gives the figure without 以上, 约 or 不超过")
        return
    target.direction = direction


def _milestone(
    text: str, line: int, offset: int, year: int, deadline: tuple[dt.date, str] | None
) -> DraftTarget | None:
    read = guess.milestone(text)
    if read is None:
        return None
    name, verbs = read
    target = DraftTarget(name=name, kind=guess.MILESTONE, source=text, line=line, offset=offset)
    target.check("kind", f"kind milestone: {verbs} without a figure states a deliverable")
    due, note = deadline if deadline is not None else guess.year_end(year)
    target.due = due
    target.check("schedule", note)
    return target


def _task_itself(task: TaskText, year: int) -> DraftTarget:
    piece = task.pieces[0] if task.pieces else None
    target = DraftTarget(
        name=task.title,
        kind=guess.MILESTONE,
        source=task.title,
        line=piece.number if piece else task.line,
        offset=piece.start if piece else 0,
    )
    target.check("", "no figure and no deliverable verb in the task: the task itself as one milestone")
    target.due, note = guess.year_end(year)
    target.check("schedule", note)
    return target


def _number(targets: list[DraftTarget], found: list[_Found], task: int) -> None:
    """Ids by place: t03-1, t03-2, …; a part after its total's id: t01-3.1, t01-3.2."""
    totals = {
        id(f.target): f.part_of.target
        for f in found
        if f.part_of is not None and f.target is not None and f.part_of.target is not None
    }
    index = 0
    parts: dict[int, int] = {}
    for target in targets:
        total = totals.get(id(target))
        if total is None:
            index += 1
            target.id = guess.target_id(task, index)
        else:
            parts[id(total)] = parts.get(id(total), 0) + 1
            target.id = f"{total.id}.{parts[id(total)]}"


def _inherit(part: DraftTarget, total: DraftTarget, found: _Found) -> None:
    """A part is counted as its total is: same kind, schedule and (unless it says otherwise) direction."""
    part.part_of = total.id
    part.kind = total.kind
    part.checks.pop("kind", None)
    part.check("kind", f"kind {total.kind}: as its total {total.id}")
    part.due = total.due
    part.checks.pop("schedule", None)
    if total.due is not None:
        part.check("schedule", f"due {total.due.isoformat()}: as its total {total.id}")
    if found.figure.direction is None or found.figure.quota:
        part.direction, part.tolerance = total.direction, total.tolerance
        part.checks.pop("direction", None)
        part.check("direction", f"direction {total.direction}: as its total {total.id}")
