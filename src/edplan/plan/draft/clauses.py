"""Sentences and clauses of a line, as spans of the line's own text.

Every piece is a slice of the line, never a rewritten copy, so a ``source:`` built from one is a
verbatim quote. A sentence ends at 。！？; a clause at ，,；;：: as well. Nothing splits inside
quotes, book titles or brackets (“每天锻炼一小时,健康工作五十年”), inside grouped digits (10,000), or
inside a ratio or a time (19:1, 12:49).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_ENDS = "。！？!?"
CLAUSE_ENDS = "，,；;：:" + SENTENCE_ENDS
# Spans whose punctuation belongs to a quotation or a title, not to the sentence around it.
PROTECTED = re.compile(
    r"“[^“”]*”|‘[^‘’]*’|《[^《》]*》|〈[^〈〉]*〉|（[^（）]*）|\([^()]*\)|\"[^\"]*\"|「[^「」]*」|【[^【】]*】"
)
# Quotations only (not brackets): a figure inside one is a name or a slogan.
QUOTED = re.compile(r"“[^“”]*”|‘[^‘’]*’|《[^《》]*》|\"[^\"]*\"|「[^「」]*」")
_SPACE = " \t\u3000\xa0\r"


@dataclass(frozen=True, slots=True)
class Span:
    """``line[start:end]``."""

    start: int
    end: int

    def of(self, line: str) -> str:
        return line[self.start : self.end]


def mask(text: str, pattern: re.Pattern[str] = PROTECTED) -> list[bool]:
    """For each character of ``text``: is it inside a protected span (quotes, titles, brackets)?"""
    inside = [False] * len(text)
    for found in pattern.finditer(text):
        for i in range(found.start() + 1, found.end() - 1):
            inside[i] = True
    return inside


def _is_break(text: str, i: int, ends: str, inside: list[bool]) -> bool:
    char = text[i]
    if char not in ends or inside[i]:
        return False
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1 : i + 4]
    if char == "," and before.isdigit() and re.match(r"[0-9]{3}(?![0-9])", text[i + 1 : i + 5]):
        return False  # 10,000
    if char in ":：" and before.isdigit() and after[:1].isdigit():
        return False  # 19:1, 12:49
    return True


def trim(text: str, span: Span) -> Span:
    """The span without surrounding spaces (ASCII, full-width, no-break)."""
    start, end = span.start, span.end
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return Span(start, end)


def _split(text: str, span: Span, ends: str, inside: list[bool]) -> list[Span]:
    out: list[Span] = []
    start = span.start
    for i in range(span.start, span.end):
        if _is_break(text, i, ends, inside):
            piece = trim(text, Span(start, i))
            if piece.end > piece.start:
                out.append(piece)
            start = i + 1
    piece = trim(text, Span(start, span.end))
    if piece.end > piece.start:
        out.append(piece)
    return out


def sentences(text: str, start: int = 0, inside: list[bool] | None = None) -> list[Span]:
    """The sentences of ``text[start:]``, without their final 。！？ (``inside``: the text's mask)."""
    return _split(text, Span(start, len(text)), SENTENCE_ENDS, mask(text) if inside is None else inside)


def clauses(text: str, sentence: Span, inside: list[bool] | None = None) -> list[Span]:
    """The clauses of one sentence, without the punctuation between them (``inside``: the text's mask)."""
    return _split(text, sentence, CLAUSE_ENDS, mask(text) if inside is None else inside)
