"""The log's line format: what each of its four kinds of line says, written and parsed in one place.

Beside ``plans/2006.yaml`` lives ``plans/2006.progress.jsonl``, one JSON object per line:

* an **entry** (``id``, ``target``, ``value``, ``unit``, ``date``, …): one figure reported;
* a **correction** (``id``, ``corrects``, ``value``, ``unit``, ``reason``, ``date``, …) and a
  **retraction** (``id``, ``retracts``, ``reason``, ``date``, …): amendments of an entry, appended,
  never written over it;
* a **commit** (``commit``, ``lines``) closing a batch: the entries of a bulk import carry
  ``"batch": ID`` and count only once the commit line naming that batch directly follows all of them.

Writers produce one canonical shape (:func:`entry_line`): fixed key order, no escapes but the ones
JSON needs. :data:`CANONICAL` matches exactly that shape, so the reader can take most lines without
``json.loads``; :func:`parse_line` takes every other line, strictly: a duplicated key, a lone
surrogate, a field of the wrong type or an unknown field makes the line unreadable (one problem, with
its line), so that no two readers can see a line differently.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from edplan.errors import Problem, msg
from edplan.log.entries import Entry, parse_date

MAX_LINE_BYTES = 64 * 1024
REPAIR_HINT = msg("run 'edplan repair' to set it aside")


@dataclass(frozen=True, slots=True)
class Amendment:
    """A correction or a retraction of one entry: a line of its own, after the entry's line.

    ``date`` is the day the amendment became known (not the day the figure refers to): ``status
    --known-on K`` applies only amendments dated on or before K; without it every one applies, to
    every ``--as-of`` date the entry concerns.
    """

    id: str
    entry_id: str  # the entry amended (never another amendment)
    kind: Literal["correction", "retraction"]
    reason: str
    date: dt.date
    value: str | None = None  # corrections: the new value, written as an entry writes it
    unit: str | None = None  # corrections: the unit of ``value`` (None for milestones)
    recorded: str = ""  # when it was appended (UTC)
    line: int = 0  # where it stands in the log (0: not read from a log)
    forced: str = ""  # corrections: why a figure the plausibility check refused was written anyway

    def key(self) -> tuple[str, str, str | None, str | None, dt.date, str]:
        """What makes two amendments with one id the same (the recording time does not)."""
        return (self.kind, self.entry_id, self.value, self.unit, self.date, self.reason)


class Commit(NamedTuple):
    batch: str
    lines: int


Record = Entry | Amendment | Commit


def entry_line(entry: Entry, batch: str | None = None) -> str:
    """The canonical line for an entry: fixed key order, empty optional fields left out."""
    record: dict[str, str] = {"id": entry.id, "target": entry.target, "value": entry.value}
    if entry.unit:
        record["unit"] = entry.unit
    record["date"] = entry.date.isoformat()
    if entry.note:
        record["note"] = entry.note
    if entry.source:
        record["source"] = entry.source
    if entry.forced:
        record["forced"] = entry.forced
    if entry.recorded:
        record["recorded"] = entry.recorded
    if batch:
        record["batch"] = batch
    return json.dumps(record, ensure_ascii=False) + "\n"


def amendment_line(amendment: Amendment) -> str:
    """The canonical line for a correction or a retraction."""
    a = amendment
    record: dict[str, str] = {"id": a.id}
    if a.kind == "correction":
        record["corrects"] = a.entry_id
        record["value"] = a.value or ""
        if a.unit:
            record["unit"] = a.unit
    else:
        record["retracts"] = a.entry_id
    record["date"] = a.date.isoformat()
    record["reason"] = a.reason
    if a.forced:
        record["forced"] = a.forced
    if a.recorded:
        record["recorded"] = a.recorded
    return json.dumps(record, ensure_ascii=False) + "\n"


def commit_line(batch: str, lines: int) -> str:
    return json.dumps({"commit": batch, "lines": lines}) + "\n"


# --- the canonical entry line ---------------------------------------------------------------------
# Strings are matched as "anything but a quote": the caller first makes sure that the text holds no
# backslash and no control character (plain(), one C-level pass over a whole block), and then every
# quote is a string's end, what json.dumps(ensure_ascii=False) writes for a string is the string
# itself, and a match needs no decoding. A line with an escape or a control character is left to
# parse_line (json.loads); both give the same fields for the same line (a property test checks it).
# Lengths are bounded so that a canonical line is always shorter than MAX_LINE_BYTES (a longer note
# is still read, by parse_line). The reader takes a block's matches only when there are as many as
# lines: a match that ran across a newline would cover two lines, so the counts could not agree.
_TEXT = '[^"]'  # a newline too: see above why a match still never spans two lines
_SHORT = _TEXT + "{1,256}"
_LONG = _TEXT + "{1,4096}"


def _pattern(notes: bool) -> re.Pattern[str]:
    # ``notes``: capture note, source and forced too (show and validate need them; status does not,
    # and every group costs: the pattern for status is the same line shape with those uncaptured).
    n = "(" if notes else "(?:"
    return re.compile(
        r'^\{"id": "(' + _SHORT + r')", "target": "(' + _SHORT + r')", "value": "(' + _SHORT + r')"'
        r'(?:, "unit": "(' + _SHORT + r')")?, "date": "([0-9]{4}-[0-9]{2}-[0-9]{2})"'
        r'(?:, "note": "' + n + _LONG + r')")?(?:, "source": "' + n + _LONG + r')")?'
        r'(?:, "forced": "' + n + _LONG + r')")?'
        r'(?:, "recorded": "(' + _SHORT + r')")?'
        r'(?:, "batch": "(' + _SHORT + r')")?\}$',
        re.MULTILINE,
    )


CANONICAL = _pattern(notes=True)  # groups: id, target, value, unit, date, note, source, forced, recorded, batch
TALLY = _pattern(notes=False)  # groups: id, target, value, unit, date, recorded, batch: a short Row as it is
# A full match's groups in Row order (the tally's seven first, so both rows share their indexes).
TO_ROW = operator.itemgetter(0, 1, 2, 3, 4, 8, 9, 5, 6, 7)
_CONTROL_BYTES = bytes([*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F])


def plain(data: bytes) -> bool:
    """No backslash and no control character but the newline: CANONICAL's precondition."""
    return b"\\" not in data and len(data.translate(None, _CONTROL_BYTES)) == len(data)


# A row: the fields of an entry line as text ("" for a field left out). A short row (the status path's)
# stops after BATCH: it has no note, source or forced reason.
Row = tuple[str, ...]
ID, TARGET, VALUE, UNIT, DATE, RECORDED, BATCH, NOTE, SOURCE, FORCED = range(10)


def row_of(entry: Entry, batch: str | None) -> Row:
    return (
        entry.id,
        entry.target,
        entry.value,
        entry.unit or "",
        entry.date.isoformat(),
        entry.recorded,
        batch or "",
        entry.note,
        entry.source,
        entry.forced,
    )


def entry_of(row: Row, line: int) -> Entry:
    if len(row) <= NOTE:
        row = (*row, "", "", "")
    return Entry(
        row[ID],
        row[TARGET],
        row[VALUE],
        row[UNIT] or None,
        _day(row[DATE]),
        row[NOTE],
        row[SOURCE],
        row[RECORDED],
        line,
        row[FORCED],
    )


def corrected_row(row: Row, a: Amendment) -> Row:
    """The entry's row with a correction's value, unit and forced reason."""
    if len(row) <= NOTE:
        return (*row[:VALUE], a.value or "", a.unit or "", *row[DATE:NOTE])
    return (*row[:VALUE], a.value or "", a.unit or "", *row[DATE:FORCED], a.forced)


_DAYS: dict[str, dt.date] = {}


def _day(text: str) -> dt.date:
    day = _DAYS.get(text)
    if day is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)  # the reader checks every date before a row is used
        if len(_DAYS) < 100_000:
            _DAYS[text] = day
    return day


def is_date(text: str) -> bool:
    """A calendar date written YYYY-MM-DD (CANONICAL takes any dddd-dd-dd)."""
    if text in _DAYS:
        return True
    try:
        _day(text)
    except ValueError:
        return False
    return True


# --- every other line -----------------------------------------------------------------------------

_ENTRY_FIELDS = frozenset(("id", "target", "value", "unit", "date", "note", "source", "forced", "recorded", "batch"))
_CORRECTION_FIELDS = frozenset(("id", "corrects", "value", "unit", "date", "reason", "forced", "recorded"))
_RETRACTION_FIELDS = frozenset(("id", "retracts", "date", "reason", "recorded"))
_COMMIT_FIELDS = frozenset(("commit", "lines"))
_REQUIRED = {
    "entry": ("id", "target", "value", "date"),
    "correction": ("id", "corrects", "value", "date", "reason"),
    "retraction": ("id", "retracts", "date", "reason"),
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


class DuplicateKey(ValueError):
    """A JSON object with a key twice: json.loads would keep the last silently."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for json.loads that refuses a key given twice (the log, and imports)."""
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key in record:
            raise DuplicateKey(key)
        record[key] = value
    return record


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


def parse_line(raw: bytes, number: int, path: str, problems: list[Problem]) -> tuple[Record, str | None] | None:
    """One line (without its newline) → a record (and the batch an entry belongs to), or None with
    the problem recorded. The one parser of the log: every reader and writer goes through it."""

    def bad(message: str, field_name: str | None = None) -> None:
        problems.append(Problem(message, path=path, line=number, field=field_name, hint=REPAIR_HINT))

    if b"\x00" in raw:
        bad(msg("NUL bytes in the line (corrupt entry)"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        bad(msg("invalid UTF-8 (corrupt entry)"))
        return None
    try:
        record = json.loads(text, object_pairs_hook=unique_object, parse_constant=_no_constant)
    except DuplicateKey as exc:
        bad(msg("the field '{field}' is given twice", field=_shown(exc.key)), _shown(exc.key))
        return None
    except (ValueError, RecursionError):
        if text.startswith("{") and not text.rstrip().endswith("}"):
            # The start of a line without its end: a write cut short, later followed by a newline.
            bad(msg("incomplete entry (write interrupted)"))
        else:
            bad(msg("not a JSON object (corrupt or incomplete entry)"))
        return None
    if not isinstance(record, dict):
        bad(msg("not a JSON object (corrupt or incomplete entry)"))
        return None
    if "commit" in record:
        kind, allowed = "commit", _COMMIT_FIELDS
    elif "corrects" in record:
        kind, allowed = "correction", _CORRECTION_FIELDS
    elif "retracts" in record:
        kind, allowed = "retraction", _RETRACTION_FIELDS
    else:
        kind, allowed = "entry", _ENTRY_FIELDS
    for key in record:
        if key not in allowed:
            bad(msg("unknown field '{field}'", field=_shown(key)), _shown(key))
            return None
    if kind == "commit":
        batch, lines = record["commit"], record.get("lines")
        if (
            not isinstance(batch, str)
            or not batch
            or _SURROGATE.search(batch)
            or type(lines) is not int
            or lines < 1
        ):
            bad(msg("a commit line needs a batch id and a positive 'lines' count"))
            return None
        return Commit(batch, lines), None
    for key in _REQUIRED[kind]:
        if not isinstance(record.get(key), str) or (not record[key] and key != "reason"):
            bad(msg("'{field}' is missing or not text", field=key), key)
            return None
    for key, value in record.items():
        if not isinstance(value, str):
            bad(msg("'{field}' is not text", field=key), key)
            return None
        if _SURROGATE.search(value):
            bad(msg("'{field}' holds a lone surrogate (not text)", field=key), key)
            return None
        if key not in ("note", "source", "reason", "forced") and _CONTROL.search(value):
            bad(msg("'{field}' holds a control character", field=key), key)
            return None
    when = parse_date(record["date"])
    if when is None:
        bad(msg("'{text}' is not a date", text=_shown(record["date"])), "date")
        return None
    if kind == "entry":
        if "unit" in record and not record["unit"]:
            record.pop("unit")
        entry = Entry(
            record["id"],
            record["target"],
            record["value"],
            record.get("unit"),
            when,
            record.get("note", ""),
            record.get("source", ""),
            record.get("recorded", ""),
            number,
            record.get("forced", ""),
        )
        return entry, record.get("batch") or None
    amendment = Amendment(
        id=record["id"],
        entry_id=record["corrects"] if kind == "correction" else record["retracts"],
        kind="correction" if kind == "correction" else "retraction",
        reason=record["reason"],
        date=when,
        value=record.get("value"),
        unit=record.get("unit") or None,
        recorded=record.get("recorded", ""),
        line=number,
        forced=record.get("forced", ""),
    )
    return amendment, None


def _shown(text: str) -> str:
    """At most 40 characters of a text from the log, for a message."""
    return text[:40]
