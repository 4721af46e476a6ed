"""What the entries of a log add up to, per target, unit and day: the status engine's input.

Status needs, per target and day, the sum of the entries (cumulative targets), the latest reading
(level targets and milestones) and how many entries there were. A log of a million entries folds into
a few thousand such cells, so status runs in bounded memory whatever the size of the log: the file
layer streams the log into a :data:`Table` (``summary.py`` does it without building an ``Entry`` per
line) and :func:`edplan.status.engine.compute_table` reads the table.

:func:`fold_rows` is the one fold: ``summary.py`` feeds it rows straight from the log's text, :func:`fold`
from ``Entry`` objects; a property test checks that both ways give the same table.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from edplan.log.entries import Entry

# (target id, unit as recorded, date as 'YYYY-MM-DD') → [total, count, last value, order]
#   total  the exact sum of the values (None when a value is not a number: milestone stages)
#   count  how many entries
#   last   the value of the latest entry in log order (a reading, or a stage)
#   order  the log position of that latest entry (compares cells of one day in different units)
Key = tuple[str, str | None, str]
Cell = list[Any]
Table = dict[Key, Cell]


# As the log's text gives them: id, target, value, unit ('' when none), day, batch ('' when none).
Row = tuple[str, str, str, str, str, str]


def fold_rows(table: Table, rows: Iterable[Row], order: int) -> int:
    """Fold entries, given as rows in log order from ``order`` on, into the table; the next order.

    The one place entries are added up: ``summary.scan`` hands it the rows its pattern matched in a
    block of the log, :func:`fold` rows made from ``Entry`` objects.
    """
    for _id, target, value, unit, day, _batch in rows:
        key = (target, unit or None, day)
        cell = table.get(key)
        try:
            amount: Decimal | None = Decimal(value)
        except InvalidOperation:
            amount = None  # a milestone stage
        if cell is None:
            table[key] = [amount, 1, value, order]
        else:
            total = cell[0]
            cell[0] = total + amount if total is not None and amount is not None else None
            cell[1] += 1
            cell[2] = value
            cell[3] = order
        order += 1
    return order


def fold(entries: Iterable[Entry]) -> Table:
    """The table of entries given in log order."""
    table: Table = {}
    fold_rows(table, ((e.id, e.target, e.value, e.unit or "", e.date.isoformat(), "") for e in entries), 0)
    return table
