"""What the entries of a log add up to, per target, unit and day: the status engine's input.

Status needs, per target and day, the sum of the entries (cumulative targets), the latest reading
(level targets and milestones) and how many entries there were. A log of a million entries folds into
a few thousand such cells, so status runs in bounded memory whatever the size of the log: the reader
(:mod:`edplan.log.reader`) streams the log into a :data:`Table` and
:func:`edplan.status.engine.compute_table` reads the table.

:func:`fold_rows` is the one fold; :func:`fold` feeds it ``Entry`` objects (tests and callers that
hold entries), and a property test checks that the reader's table is the fold of the exact entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import repeat
from typing import Any

from edplan.log.entries import Entry

# (target id, unit as recorded, date as 'YYYY-MM-DD') → [total, count, last value, order]
#   total  the exact sum of the values (None when a value is not a number: milestone stages)
#   count  how many entries
#   last   the value of the latest entry in log order (a reading, or a stage)
#   order  the log line of that latest entry (compares cells of one day in different units)
Key = tuple[str, str | None, str]
Cell = list[Any]
Table = dict[Key, Cell]

_NUMBERS: dict[str, Decimal | None] = {}  # values as written, read once each (bounded below)


def _amount(value: str) -> Decimal | None:
    amount = _NUMBERS.get(value, _MISSING)
    if amount is _MISSING:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = None  # a milestone stage
        if len(_NUMBERS) < 200_000:
            _NUMBERS[value] = amount
    return amount  # type: ignore[no-any-return]


_MISSING: Any = object()


def fold_rows(table: Table, rows: Iterable[tuple[str, str, str, str]], lines: Iterable[int]) -> None:
    """Fold entries into the table: each row is (target, value, unit or '', day), with its log line.

    Rows may come in any order (the reader hands amended entries over at the end of the log): the
    sum does not care, and the latest reading is the one with the highest line.
    """
    for (target, value, unit, day), order in zip(rows, lines, strict=True):
        key = (target, unit or None, day)
        cell = table.get(key)
        amount = _amount(value)
        if cell is None:
            table[key] = [amount, 1, value, order]
            continue
        total = cell[0]
        cell[0] = total + amount if total is not None and amount is not None else None
        cell[1] += 1
        if order >= cell[3]:
            cell[2] = value
            cell[3] = order


RawKey = tuple[str, str, str]  # (target, unit or '', day): a key as the log's rows give it


def fold_block(raw: dict[RawKey, Cell], keys: Iterable[RawKey], values: Sequence[str], lines: Iterable[int]) -> None:
    """:func:`fold_rows` for the reader's hot loop: keys and values as the log's rows give them, taken
    apart in C (``map(itemgetter)``), amounts looked up in C; the loop body is all that runs per
    entry. :func:`as_table` turns the '' units into None once, at the end."""
    get = raw.get
    for key, amount, value, order in zip(keys, map(_NUMBERS.get, values, repeat(_MISSING)), values, lines, strict=True):
        if amount is _MISSING:
            amount = _amount(value)
        cell = get(key)
        if cell is None:
            raw[key] = [amount, 1, value, order]
            continue
        total = cell[0]
        if total is not None:
            cell[0] = None if amount is None else total + amount
        cell[1] += 1
        if order >= cell[3]:
            cell[2] = value
            cell[3] = order


def as_table(raw: dict[RawKey, Cell]) -> Table:
    return {(target, unit or None, day): cell for (target, unit, day), cell in raw.items()}


def merge(table: Table, part: Table) -> None:
    """Add a part (the tally of one batch) into the table."""
    for key, (total, count, last, order) in part.items():
        cell = table.get(key)
        if cell is None:
            table[key] = [total, count, last, order]
            continue
        cell[0] = cell[0] + total if cell[0] is not None and total is not None else None
        cell[1] += count
        if order >= cell[3]:
            cell[2] = last
            cell[3] = order


def fold(entries: Iterable[Entry]) -> Table:
    """The table of entries (their ``line`` orders the readings; 0 for all: the given order)."""
    table: Table = {}
    listed: Sequence[Entry] = list(entries)
    orders = [e.line for e in listed]
    if len(set(orders)) != len(orders):
        orders = list(range(len(listed)))
    fold_rows(table, ((e.target, e.value, e.unit or "", e.date.isoformat()) for e in listed), orders)
    return table
