"""The plan's document: reading it and finding quotes in it.

A plan may name the document it encodes (``source: 2006-work-plan.txt``, relative to the plan file's
folder). ``edplan validate`` then checks that every target's ``source:`` and every section and task
``title:`` is a contiguous, verbatim substring of that document, and reports each quote that is not
at the ``file:line:column`` of its value, with the nearest passage of the document as the hint.

Verbatim means verbatim: nothing in a quote or in the document is normalised before comparing. Only
to *explain* a miss are ASCII and full-width punctuation and whitespace treated alike, because that
is the usual mistake (a ``,`` typed where the document has ``，``), and the message then says so.

This is I/O on a file other than the plan, so only ``validate`` calls it: ``status`` and ``record``
must stay fast and must keep working when the document has moved.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edplan.errors import EdplanError, Msg, Problem, msg
from edplan.files import NotReadable, TooBig, read_regular
from edplan.plan.checks import Loc
from edplan.plan.diagnose import describe, locate
from edplan.plan.load import PlanLoad, read_plan_text

# The 2006 document is 26 KB; a plan's document is a text, not a data set. Reading stops here.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024

# Differences are spelled out in the hint only while they stay readable.
_MAX_DIFFERENCES = 4
_MAX_DIFFERENCE_CHARS = 12
_MAX_PASSAGE_CHARS = 120
# Matched runs considered when choosing where a passage begins and ends (pairs of them are tried).
_MAX_RUNS = 10


@dataclass(frozen=True, slots=True)
class Quote:
    """A value the plan says is the document's own words, and where it is in the plan data."""

    loc: Loc
    text: str


def quotes(tree: Any) -> Iterator[Quote]:
    """Every section and task ``title`` and every target ``source`` in a plan tree (plain or YAML).

    Walks the loaded YAML rather than the model so that a plan with schema errors is checked too; a
    value of the wrong type is pydantic's to report, not ours.
    """
    for si, section in _items(tree, "sections"):
        yield from _quote(section, ("sections", si, "title"))
        for ti, task in _items(section, "tasks"):
            yield from _quote(task, ("sections", si, "tasks", ti, "title"))
            for gi, target in _items(task, "targets"):
                yield from _quote(target, ("sections", si, "tasks", ti, "targets", gi, "source"))


def _items(node: Any, key: str) -> Iterator[tuple[int, Any]]:
    children = node.get(key) if isinstance(node, dict) else None
    if isinstance(children, list):
        yield from ((i, child) for i, child in enumerate(children) if isinstance(child, dict))


def _quote(node: dict[str, Any], loc: Loc) -> Iterator[Quote]:
    value = node.get(str(loc[-1]))
    if isinstance(value, str) and value:
        yield Quote(loc, str(value))


class DocumentError(EdplanError):
    """The document cannot be read: one problem, placed on the plan's ``source:`` by the caller."""


def read_document(path: Path, name: str) -> str:
    """The document's text (UTF-8, or GB18030 as Chinese documents often are), at most 8 MB.

    Only a regular file is opened, without blocking (a FIFO named by mistake must not hang validate),
    and no more than the cap is read, whatever the file claims its size is.
    """
    # Names from the plan are printed: control characters (escape sequences) spelled out.
    display, name = _visible(str(path)), _visible(name)
    # files.read_regular does the opening (no blocking on a FIFO) and the cap (on what is read); the
    # refusals are worded here, for a problem placed on the plan's 'source:' line.
    try:
        data = read_regular(path, MAX_DOCUMENT_BYTES, "document")
    except NotReadable as exc:
        if exc.reason == "missing":
            raise _unreadable(
                msg("document {doc} not found", doc=name),
                msg("looked for it at {path}: put the document there or correct 'source:'", path=display),
            ) from None
        if exc.reason == "invalid":  # a NUL in the name (a quoted "\0" in YAML) is no path at all
            raise _unreadable(msg("document {doc} not found", doc=name), _TEXT_FILE) from None
        if exc.reason == "directory":
            raise _unreadable(msg("document {doc} is a directory", doc=name), _TEXT_FILE) from None
        if exc.reason == "special":
            raise _unreadable(msg("document {doc} is not a regular file", doc=name), _TEXT_FILE) from None
        if exc.reason == "denied":
            raise _unreadable(msg("cannot read document {doc}: permission denied", doc=name)) from None
        raise _unreadable(msg("cannot read document {doc}: {error}", doc=name, error=exc.error)) from None
    except TooBig:
        raise _unreadable(
            msg("document {doc} is over {limit} bytes", doc=name, limit=f"{MAX_DOCUMENT_BYTES:,}"),
            msg("is this the right file?"),
        ) from None
    if b"\x00" in data:
        raise _unreadable(msg("document {doc} is not text: it holds NUL bytes", doc=name), _SAVE_AS_UTF8)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _unreadable(
                msg("document {doc} is neither UTF-8 nor GB18030 text", doc=name), _SAVE_AS_UTF8
            ) from None
    # Line ends are layout, not words: a quote never spans a line, and a passage is shown on one.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TEXT_FILE = msg("'source:' names the plan's document, a text file")
_SAVE_AS_UTF8 = msg("save the document as UTF-8 text")


def _unreadable(what: Msg, hint: Msg | None = None) -> DocumentError:
    return DocumentError(Problem(what, hint=hint))


def check_document(plan_path: Path, loaded: PlanLoad) -> list[Problem]:
    """The problems of a plan's quotes against the document it names; none when it names none.

    Works on the plan as loaded, valid or not, so these problems come with the others. Positions
    need the YAML tree, which a plan served from the cache does not carry: it is parsed again only
    when there is something to report.
    """
    tree: Any = loaded.raw
    if tree is None and loaded.plan is not None:
        tree = loaded.plan.model_dump(include={"source": True, "sections": True})
    if not isinstance(tree, dict):
        return []
    name = tree.get("source")
    if not isinstance(name, str) or not name.strip():
        return []
    name = str(name)
    display = loaded.path
    positions = _Positions(plan_path, loaded.raw)
    try:
        document = Document(read_document(plan_path.parent / name, name))
    except DocumentError as exc:
        line, column = positions.at(("source",))
        return [
            Problem(p.message, path=display, line=line, column=column, field="source", hint=p.hint)
            for p in exc.problems
        ]
    problems: list[Problem] = []
    for quote in quotes(tree):
        if quote.text in document.text:
            continue
        line, column = positions.at(quote.loc)
        context, fieldname = describe(positions.tree or tree, quote.loc)
        message, hint = document.explain(quote.text, context, fieldname, _visible(name))
        problems.append(Problem(message, path=display, line=line, column=column, field=fieldname, hint=hint))
    return problems


class _Positions:
    """Line and column of plan values, from the YAML tree (parsed again on first need when cached)."""

    def __init__(self, plan_path: Path, raw: Any) -> None:
        self.plan_path = plan_path
        self.tree = raw
        self._tried = raw is not None

    def at(self, loc: Loc) -> tuple[int | None, int | None]:
        if not self._tried:
            self._tried = True
            try:
                from edplan.plan.yaml_safe import make_yaml

                self.tree = make_yaml().load(read_plan_text(self.plan_path))
            except Exception:  # the plan was readable a moment ago; without positions the problems still stand
                self.tree = None
        if self.tree is None:
            return None, None
        return locate(self.tree, loc)


# --- finding a quote, or what is nearest to it --------------------------------------------------

# ASCII and full-width forms of the same punctuation; whitespace is left out altogether. Used only to
# tell the author that a miss is one of form, never to accept a quote.
_FULL_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if not chr(c - 0xFEE0).isalnum()}
_FULL_TO_ASCII.update({"“": '"', "”": '"', "‘": "'", "’": "'", "。": "."})


def _form(char: str) -> str:
    return _FULL_TO_ASCII.get(char, char)


class Document:
    """A document's text, indexed on first need for finding what is nearest to a quote."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._bigrams: dict[str, list[int]] | None = None
        self._chars: dict[str, list[int]] | None = None
        self._loose: tuple[str, list[int]] | None = None

    # The document as a sequence of punctuation forms without whitespace, with each character's
    # place in the text, so that a quote found there maps back to the document's own passage.
    def _loose_text(self) -> tuple[str, list[int]]:
        if self._loose is None:
            chars: list[str] = []
            where: list[int] = []
            for i, c in enumerate(self.text):
                if not c.isspace():
                    chars.append(_form(c))
                    where.append(i)
            self._loose = ("".join(chars), where)
        return self._loose

    def loose_find(self, quote: str) -> tuple[int, int] | None:
        """Where the quote is in the document when punctuation forms and whitespace are ignored."""
        wanted = "".join(_form(c) for c in quote if not c.isspace())
        if not wanted:
            return None
        loose, where = self._loose_text()
        at = loose.find(wanted)
        if at < 0:
            return None
        return where[at], where[at + len(wanted) - 1] + 1

    def _index(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        if self._bigrams is None or self._chars is None:
            bigrams: dict[str, list[int]] = {}
            chars: dict[str, list[int]] = {}
            text = self.text
            for i, c in enumerate(text):
                chars.setdefault(c, []).append(i)
                pair = text[i : i + 2]
                if len(pair) == 2 and "\n" not in pair:
                    bigrams.setdefault(pair, []).append(i)
            self._bigrams, self._chars = bigrams, chars
        return self._bigrams, self._chars

    def nearest(self, quote: str) -> tuple[int, int] | None:
        """The span of the document's passage most like the quote, or None when nothing is alike.

        Candidate places come from the quote's rarest pairs of characters (each occurrence votes for
        where the quote would start); difflib aligns the quote with the line around each candidate,
        and the candidate that matches most characters wins. Its passage is then the stretch between
        two matched runs that is most like the quote (a run matched further on, such as 城市 in
        "…支持农村教育。建立和完善城市支持…", must not drag the passage past the quote's end).
        """
        n = len(quote)
        if n == 0:
            return None
        bigrams, chars = self._index()
        votes = self._votes(quote, bigrams, 2) or self._votes(quote, chars, 1)
        if not votes:
            return None
        candidates: list[int] = []
        for start, _ in votes.most_common():
            if all(abs(start - c) > max(2, n // 4) for c in candidates):
                candidates.append(start)
            if len(candidates) == 6:
                break
        best: tuple[int, int, list[difflib.Match]] | None = None
        for start in candidates:
            aligned = self._align(quote, start)
            if aligned is not None and (best is None or sum(b.size for b in aligned[1]) > sum(b.size for b in best[2])):
                best = (start, *aligned)
        if best is None:
            return None
        _, lo, blocks = best
        span: tuple[tuple[int, int, int, int], int, int] | None = None
        for i, first in enumerate(blocks):
            for last in blocks[i:]:
                # Stretch the matched runs by what the quote has unmatched before and after them.
                begin = lo + max(0, first.b - first.a)
                end = lo + last.b + last.size + (n - last.a - last.size)
                if begin < end:
                    score = _distance(quote, self.text[begin:end])
                    if span is None or score < span[0]:
                        span = (score, begin, end)
        if span is None:
            return None
        return self._trim(quote, span[1], span[2])

    @staticmethod
    def _votes(quote: str, index: dict[str, list[int]], size: int) -> Counter[int]:
        grams = [(i, quote[i : i + size]) for i in range(len(quote) - size + 1)]
        found = [(i, index[g]) for i, g in grams if g in index]
        # Rare pairs place a quote; "教育" occurs everywhere and would only cost time and add noise.
        found.sort(key=lambda item: len(item[1]))
        rare = [item for item in found if len(item[1]) <= 64] or found[:3]
        votes: Counter[int] = Counter()
        for i, places in rare:
            for p in places:
                votes[p - i] += 1
        return votes

    def _line_around(self, at: int) -> tuple[int, int]:
        at = min(max(at, 0), len(self.text) - 1)
        begin = self.text.rfind("\n", 0, at) + 1
        end = self.text.find("\n", at)
        return begin, len(self.text) if end < 0 else end

    def _align(self, quote: str, start: int) -> tuple[int, list[difflib.Match]] | None:
        """Where the window around ``start`` begins, and the runs of the quote matched in it."""
        n = len(quote)
        line_begin, line_end = self._line_around(start + n // 2)
        lo, hi = max(line_begin, start - n // 2 - 2), min(line_end, start + n + n // 2 + 2)
        if lo >= hi:
            return None
        matcher = difflib.SequenceMatcher(None, quote, self.text[lo:hi], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        # Single characters matched here and there (的, 和) are noise; the longest runs place a quote.
        blocks = [b for b in blocks if b.size > 1] or blocks
        if len(blocks) > _MAX_RUNS:
            blocks = sorted(sorted(blocks, key=lambda b: -b.size)[:_MAX_RUNS], key=lambda b: b.a)
        return (lo, blocks) if blocks else None

    def _trim(self, quote: str, begin: int, end: int) -> tuple[int, int]:
        line_begin, line_end = self._line_around(begin)
        best = (_distance(quote, self.text[begin:end]), begin, end)
        for b in range(max(line_begin, begin - 2), begin + 3):
            for e in range(max(b + 1, end - 2), min(line_end, end + 2) + 1):
                score = _distance(quote, self.text[b:e])
                if score < best[0]:
                    best = (score, b, e)
        return best[1], best[2]

    def explain(self, quote: str, context: Msg, fieldname: str, name: str) -> tuple[Msg, Msg]:
        """The message and hint for a quote that is not in the document."""
        loose = self.loose_find(quote)
        if loose is not None:
            passage = self.text[loose[0] : loose[1]]
            message = msg(
                "{context}: {field} is not in the document {doc}: only ASCII/full-width punctuation or spacing differs",
                context=context,
                field=fieldname,
                doc=name,
            )
            return message, _nearest_hint(quote, passage)
        message = msg("{context}: {field} is not in the document {doc}", context=context, field=fieldname, doc=name)
        span = self.nearest(quote)
        if span is None:
            return message, msg("nothing in the document comes close: does 'source:' name the right document?")
        return message, _nearest_hint(quote, self.text[span[0] : span[1]])


def _distance(quote: str, passage: str) -> tuple[int, int, int, int]:
    """How far a passage is from the quote, smallest first: the edits between them (a changed
    character is one edit, not a deletion plus an insertion), then fewer characters in common, then
    punctuation or space at the passage's ends, then the difference in length. So a passage keeps a
    changed first or last character rather than losing it, and takes no stray comma at an end."""
    edits = matched = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, quote, passage, autojunk=False).get_opcodes():
        if op == "equal":
            matched += i2 - i1
        else:
            edits += max(i2 - i1, j2 - j1)
    loose_ends = sum(
        1
        for ours, theirs in ((quote[:1], passage[:1]), (quote[-1:], passage[-1:]))
        if not theirs.isalnum() and theirs != ours
    )
    return edits, -matched, loose_ends, abs(len(passage) - len(quote))


def _nearest_hint(quote: str, passage: str) -> Msg:
    shown = _visible(passage)
    if len(shown) > _MAX_PASSAGE_CHARS:
        shown = shown[: _MAX_PASSAGE_CHARS - 1] + "…"
    differences = _differences(quote, passage)
    if differences is None:
        return msg("nearest: «{passage}»", passage=shown)
    return msg("nearest: «{passage}», which has {differences}", passage=shown, differences=differences)


def _differences(quote: str, passage: str) -> Msg | None:
    """'，' where the quote has ',' … for each place they differ, or None when too many to read."""
    ops = [op for op in difflib.SequenceMatcher(None, quote, passage, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops or len(ops) > _MAX_DIFFERENCES:
        return None
    said: Msg | None = None
    for _, i1, i2, j1, j2 in ops:
        ours, theirs = quote[i1:i2], passage[j1:j2]
        if max(len(ours), len(theirs)) > _MAX_DIFFERENCE_CHARS:
            return None
        extra = ours or theirs
        if (not ours or not theirs) and extra.isspace():
            # A space cannot be seen between quotes at the end of a line: say where it is instead.
            text, at, to = (quote, i1, i2) if ours else (passage, j1, j2)
            if at > 0:
                char = _visible(text[at - 1])
                one = msg("no space after '{char}'", char=char) if ours else msg("a space after '{char}'", char=char)
            elif to < len(text):
                char = _visible(text[to])
                one = msg("no space before '{char}'", char=char) if ours else msg("a space before '{char}'", char=char)
            else:
                return None
            said = one if said is None else msg("{first}, {then}", first=said, then=one)
            continue
        if not ours or not theirs:
            # Something added or left out is shown with the character before it (or after, at the start).
            if i1 > 0 and j1 > 0:
                ours, theirs = quote[i1 - 1 : i2], passage[j1 - 1 : j2]
            else:
                ours, theirs = quote[i1 : i2 + 1], passage[j1 : j2 + 1]
        one = _difference(ours, theirs)
        said = one if said is None else msg("{first}, {then}", first=said, then=one)
    return said


def _difference(ours: str, theirs: str) -> Msg:
    q, d = _visible(ours), _visible(theirs)
    if len(ours) == 1 and len(theirs) == 1 and _form(ours) == _form(theirs):
        if theirs in _FULL_TO_ASCII:
            return msg("full-width '{doc}' where the quote has ASCII '{quote}'", doc=d, quote=q)
        return msg("ASCII '{doc}' where the quote has full-width '{quote}'", doc=d, quote=q)
    return msg("'{doc}' where the quote has '{quote}'", doc=d, quote=q)


def _visible(text: str) -> str:
    """Text from the files as it may be printed: control characters (escape sequences) spelled out."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
