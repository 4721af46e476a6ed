"""Bulk input for ``edplan record --from``: CSV or JSON Lines rows → drafts, each with its line number.

Read as a department's export arrives: CSV with or without a header row, JSON Lines (one object per
line); UTF-8 with or without a BOM; LF or CRLF. Columns (CSV header or JSON keys) are ``target``,
``value``, ``date`` (required) and ``unit``, ``note``, ``source``, ``id`` (optional; an empty cell or a
JSON ``null`` is the same as leaving it out). Without a header, columns come in that order:
``target,value,unit,date,note,source,id`` and the first row says how many there are (at least four).

Nothing here judges a row against the plan (:class:`edplan.log.entries.Checker` does, for every path
alike); this module only reports what stops a row from being read at all, naming the line: bad
bytes, a line over 64 KB, a wrong number of columns, a missing trailing newline (a cut-off input).
It reads the user's input file and nothing else; the log is :mod:`edplan.log.writer`'s.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import itertools
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from edplan.errors import Problem, UsageError, msg
from edplan.log.entries import Draft
from edplan.log.lines import DuplicateKey, unique_object

COLUMNS = ("target", "value", "unit", "date", "note", "source", "id")
REQUIRED = ("target", "value", "date")
MIN_COLUMNS = COLUMNS.index("date") + 1
MAX_LINE_BYTES = 64 * 1024
STDIN_NAME = "<stdin>"

Progress = Callable[[int], None]  # bytes read so far


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # 1-based line of the input where the row starts
    draft: Draft


@dataclass
class Rows:
    """What an input holds: the rows that could be read, and every problem met (one per bad line)."""

    name: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def open_input(spec: str) -> tuple[IO[bytes], str, int | None]:
    """The input stream for ``--from SPEC`` (``-``: stdin), its name for messages, and its size if known."""
    if spec == "-":
        return sys.stdin.buffer, STDIN_NAME, None
    try:
        # O_NONBLOCK: a named pipe nobody writes to must not hang the open (it then reads as empty);
        # a pipe from the shell (--from <(…)) is read as it comes.
        fd = os.open(spec, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(
            Problem(msg("file not found"), path=spec, hint=msg("give a CSV or JSON Lines file, or - for stdin"))
        ) from None
    except IsADirectoryError:
        raise UsageError(Problem(msg("is a directory, not a file"), path=spec)) from None
    except PermissionError:
        raise UsageError(Problem(msg("cannot read the file: permission denied"), path=spec)) from None
    except OSError as exc:  # a socket, say: it cannot be opened as a file
        problem = Problem(msg("cannot read the file: {error}", error=exc.strerror or str(exc)), path=spec)
        raise UsageError(problem) from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise UsageError(Problem(msg("is a directory, not a file"), path=spec))
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        os.close(fd)  # /dev/zero would be read for ever
        raise UsageError(
            Problem(
                msg("is a device, not a file"),
                path=spec,
                hint=msg("give a CSV or JSON Lines file, or - for stdin"),
            )
        )
    os.set_blocking(fd, True)
    stream = os.fdopen(fd, "rb")  # the caller closes it
    return stream, spec, st.st_size if stat.S_ISREG(st.st_mode) else None


def read_rows(stream: IO[bytes], name: str, progress: Progress | None = None) -> Rows:
    """Read every row of a CSV or JSON Lines input (told apart by its first non-blank character)."""
    result = Rows(name)
    result.rows = list(iter_rows(stream, name, result.problems, progress))
    result.problems.sort(key=lambda p: p.line or 0)
    return result


def iter_rows(stream: IO[bytes], name: str, problems: list[Problem], progress: Progress | None = None) -> Iterator[Row]:
    """The rows of a CSV or JSON Lines input one at a time (a bulk import streams them: memory does
    not grow with the input); the problems met are appended to ``problems`` as they come."""
    result = Rows(name, problems=problems)
    decoded = _lines(stream, name, result.problems, progress)
    head: list[str] = []
    for text in decoded:
        head.append(text)
        if text.strip():
            break
    else:
        return  # empty input
    lines = _Counted(itertools.chain(head, decoded))
    if head[-1].lstrip().startswith("{"):
        yield from _read_jsonl(lines, result)
    else:
        yield from _read_csv(lines, result)


class _Counted:
    """An iterator of lines that knows how many it has handed out (the line number of the last one)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.number = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.number += 1
        return line


def _lines(stream: IO[bytes], name: str, problems: list[Problem], progress: Progress | None) -> Iterator[str]:
    """Decoded lines of the input, each checked for what would make it unreadable.

    A bad line is reported and handed on as an empty line, so that the numbers of the rest stay true.
    """

    def bad(number: int, message: str, hint: str) -> None:
        problems.append(Problem(message, path=name, line=number, hint=hint))

    number = 0
    read = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        read += len(raw)
        if progress is not None and number % 512 == 0:
            progress(read)
        if not raw.endswith(b"\n"):
            if len(raw) <= MAX_LINE_BYTES:
                bad(
                    number,
                    msg("last line has no newline: the input may be cut off"),
                    msg("end the last row with a newline (or check that the export finished)"),
                )
                break
            bad(
                number,
                msg("line is longer than {limit} bytes", limit=f"{MAX_LINE_BYTES:,}"),
                msg("one row per line; is this the right file?"),
            )
            while more := stream.readline(1 << 20):
                read += len(more)
                if more.endswith(b"\n"):
                    break
            yield "\n"
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if b"\x00" in raw:
            bad(number, msg("NUL byte in the line"), msg("save the file as UTF-8 text"))
            yield "\n"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
            bad(number, msg("invalid UTF-8 at column {column}", column=column), msg("save the file as UTF-8"))
            yield "\n"
            continue
        yield text
    if progress is not None:
        progress(read)


def _row_problem(result: Rows, line: int, column: str | None, message: str, hint: str | None = None) -> None:
    text = msg("{field}: {message}", field=column, message=message) if column else message
    result.problems.append(Problem(text, path=result.name, line=line, field=column, hint=hint))


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
    if close:
        return msg("did you mean '{column}'?", column=close[0])
    return msg("columns are: {columns}", columns=", ".join(COLUMNS))


# --- CSV -----------------------------------------------------------------------------------------


def _read_csv(lines: _Counted, result: Rows) -> Iterator[Row]:
    reader = csv.reader(lines, strict=True)
    columns: tuple[str, ...] | None = None
    while True:
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _row_problem(result, start, None, *_csv_problem(str(exc)))
            continue
        if not cells or all(not c.strip() for c in cells):
            continue
        if columns is None:
            columns = _header(cells, start, result)
            if columns is None:
                return  # the header itself is wrong: no row can be read
            if columns != ():
                continue
            columns = COLUMNS[: len(cells)]
            if len(cells) < MIN_COLUMNS or len(cells) > len(COLUMNS):
                _row_problem(
                    result,
                    start,
                    None,
                    msg(
                        "row has {n} columns; without a header a row is {columns}",
                        n=len(cells),
                        columns=",".join(COLUMNS),
                    ),
                    msg("give at least target,value,unit,date, or add a header row naming the columns"),
                )
                return
        if len(cells) != len(columns):
            template = (
                "row has {n} columns, expected {expected} (a column is missing)"
                if len(cells) < len(columns)
                else "row has {n} columns, expected {expected} (an extra column)"
            )
            _row_problem(
                result,
                start,
                None,
                msg(template, n=len(cells), expected=len(columns)),
                msg("columns are: {columns}", columns=",".join(columns)),
            )
            continue
        values = {name: cell for name, cell in zip(columns, cells, strict=True)}
        yield Row(start, _draft(values))


def _csv_problem(reason: str) -> tuple[str, str | None]:
    if "end of data" in reason:
        return msg("unreadable CSV: a quoted field is not closed"), msg("close the quote at the end of the field")
    if "expected after" in reason:
        return msg("unreadable CSV: a quote inside a quoted field"), msg('write a quote inside a field as two: ""')
    return msg("unreadable CSV row"), None


def _header(cells: list[str], line: int, result: Rows) -> tuple[str, ...] | None:
    """The columns a header row names; ``()`` when the row is data; None when the header is wrong
    (problems reported)."""
    names = [c.strip().lower() for c in cells]
    # Headerless rows start with a target id; a note or source that happens to read "note" must not
    # turn a data row into a header, so a header names the target column or at least two columns.
    if "target" not in names and sum(n in COLUMNS for n in names) < 2:
        return ()
    before = len(result.problems)
    for name in names:
        if name not in COLUMNS:
            _row_problem(result, line, None, msg("unknown column '{column}'", column=name[:40]), _suggest(name))
    for name in sorted({n for n in names if names.count(n) > 1 and n in COLUMNS}):
        _row_problem(result, line, None, msg("column '{column}' appears twice", column=name))
    for name in REQUIRED:
        if name not in names:
            _row_problem(
                result,
                line,
                None,
                msg("the header has no '{column}' column", column=name),
                msg("columns are: {columns}", columns=", ".join(COLUMNS)),
            )
    return None if len(result.problems) > before else tuple(names)


# --- JSON Lines ----------------------------------------------------------------------------------


def _read_jsonl(lines: _Counted, result: Rows) -> Iterator[Row]:
    for text in lines:
        number = lines.number
        if not text.strip():
            continue
        try:
            # Numbers are kept as written (1e400 and 0.1 stay text, for the checker to judge exactly);
            # NaN and Infinity arrive as the words, which the checker refuses like any other non-number.
            record = json.loads(
                text, object_pairs_hook=unique_object, parse_float=str, parse_int=str, parse_constant=str
            )
        except DuplicateKey as exc:
            _row_problem(result, number, str(exc)[:40], msg("key appears twice"))
            continue
        except json.JSONDecodeError as exc:
            _row_problem(result, number, None, msg("not valid JSON at column {column}", column=exc.colno))
            continue
        except RecursionError:
            _row_problem(result, number, None, msg("JSON nested too deeply"), msg("write one JSON object per line"))
            continue
        if not isinstance(record, dict):
            _row_problem(result, number, None, msg("not a JSON object"), msg("write one JSON object per line"))
            continue
        values: dict[str, str] = {}
        bad = False
        for key, value in record.items():
            if key not in COLUMNS:
                _row_problem(result, number, None, msg("unknown key '{column}'", column=key[:40]), _suggest(key))
                bad = True
            elif value is None:
                continue
            elif not isinstance(value, str):
                _row_problem(result, number, key, msg("must be text or a number, not {kind}", kind=_kind(value)))
                bad = True
            else:
                values[key] = value
        for key in REQUIRED:
            if key not in values and key in record and record[key] is None:
                _row_problem(result, number, key, msg("is missing"))
                bad = True
            elif key not in record:
                _row_problem(result, number, key, msg("is missing"))
                bad = True
        if not bad:
            yield Row(number, _draft(values))


def _kind(value: object) -> str:
    """A JSON value's kind, written as JSON writes it (the same in every language)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "{…}" if isinstance(value, dict) else "[…]"


def _draft(values: dict[str, str]) -> Draft:
    def optional(name: str) -> str | None:
        text = values.get(name)
        return text if text is not None and text.strip() else None

    return Draft(
        target=values.get("target", ""),
        value=values.get("value", ""),
        date=values.get("date", ""),
        unit=optional("unit"),
        note=optional("note"),
        source=optional("source"),
        id=optional("id"),
    )
