"""What the reader hands the entries that count to: a tally, a list of entries, the latest few.

A sink receives rows (:data:`~edplan.log.lines.Row`) with their log lines. The rows of an open batch
are *staged* and then committed or dropped when the reader learns whether the batch counts; a sink
that keeps something per row would grow with a batch, so the tally stages into a table of its own
(a batch costs its cells, not its rows) and the entry list stages only the rows its filter takes.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Sequence
from operator import itemgetter

from edplan.log.entries import Entry
from edplan.log.lines import DATE, TARGET, UNIT, VALUE, Row, entry_of
from edplan.log.tally import Cell, RawKey, Table, as_table, fold_block, merge

_VALUE = itemgetter(VALUE)
_KEY = itemgetter(TARGET, UNIT, DATE)


class Sink:
    """Receives the entries that count, as they stand (amendments applied), with their lines.

    Rows of an open batch are staged and then committed or dropped; the default keeps staged rows
    in a list (fine for a sink that filters: show's one target, a writer's few ids). Rows arrive in
    log order, except the amended entries, which come at the end.
    """

    def __init__(self, known_by: dt.date | None = None) -> None:
        self._staged: list[tuple[Row, int]] = []
        # the log as known at the end of this day: entries recorded and amendments dated by then
        self.known = known_by.isoformat() if known_by is not None else None

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        raise NotImplementedError

    def stage(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self._staged.extend(zip(rows, lines, strict=True))

    def commit(self) -> None:
        if self._staged:
            staged, self._staged = self._staged, []
            self.take([r for r, _ in staged], [n for _, n in staged])

    def drop(self) -> None:
        self._staged = []

    def reset(self) -> None:
        """The reader starts over (exact ids for colliding fingerprints): forget everything."""
        self._staged = []


class TallySink(Sink):
    """Folds entries into a :data:`~edplan.log.tally.Table`; a batch folds into its own table until
    its commit, so memory is the cells, whatever the size of the batch."""

    def __init__(self, known_by: dt.date | None = None) -> None:
        super().__init__(known_by)
        self.raw: dict[RawKey, Cell] = {}  # units as the log writes them ('' for none)
        self.part: dict[RawKey, Cell] = {}

    @property
    def table(self) -> Table:
        return as_table(self.raw)

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        fold_block(self.raw, map(_KEY, rows), list(map(_VALUE, rows)), lines)

    def stage(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        fold_block(self.part, map(_KEY, rows), list(map(_VALUE, rows)), lines)

    def commit(self) -> None:
        merge(self.raw, self.part)  # type: ignore[arg-type]
        self.part = {}

    def drop(self) -> None:
        self.part = {}

    def reset(self) -> None:
        self.raw, self.part = {}, {}


class EntrySink(Sink):
    """Collects the entries a test accepts (on the row, before an ``Entry`` is built)."""

    def __init__(self, wanted: Callable[[Row], bool] | None = None, known_by: dt.date | None = None) -> None:
        super().__init__(known_by)
        self.wanted = wanted
        self.entries: list[Entry] = []

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        wanted = self.wanted
        self.entries.extend(entry_of(r, n) for r, n in zip(rows, lines, strict=True) if wanted is None or wanted(r))

    def stage(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        wanted = self.wanted
        if wanted is None:
            super().stage(rows, lines)
        else:
            self._staged.extend((r, n) for r, n in zip(rows, lines, strict=True) if wanted(r))

    def reset(self) -> None:
        super().reset()
        self.entries = []


class LatestSink(Sink):
    """The ``limit`` latest entries (by date, then line) that ``wanted`` accepts, and how many it
    accepted: memory is the limit, however many entries a target has (a batch's rows are staged in
    a bounded heap of their own)."""

    def __init__(self, wanted: Callable[[Row], bool], limit: int) -> None:
        super().__init__()
        self.wanted = wanted
        self.limit = limit
        self.count = 0
        self._heap: list[tuple[str, int, Row]] = []
        self._staged_heap: list[tuple[str, int, Row]] = []
        self._staged_count = 0

    def _push(self, heap: list[tuple[str, int, Row]], rows: Sequence[Row], lines: Sequence[int]) -> int:
        taken = 0
        for row, line in zip(rows, lines, strict=True):
            if self.wanted(row):
                taken += 1
                item = (row[DATE], line, row)
                if len(heap) < self.limit:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        return taken

    def take(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self.count += self._push(self._heap, rows, lines)

    def stage(self, rows: Sequence[Row], lines: Sequence[int]) -> None:
        self._staged_count += self._push(self._staged_heap, rows, lines)

    def commit(self) -> None:
        for item in self._staged_heap:
            if len(self._heap) < self.limit:
                heapq.heappush(self._heap, item)
            elif item > self._heap[0]:
                heapq.heapreplace(self._heap, item)
        self.count += self._staged_count
        self.drop()

    def drop(self) -> None:
        self._staged_heap, self._staged_count = [], 0

    def reset(self) -> None:
        self.drop()
        self._heap, self.count = [], 0

    @property
    def entries(self) -> list[Entry]:
        """The kept entries, oldest first."""
        return [entry_of(row, line) for _, line, row in sorted(self._heap)]
