"""Wrapping text to terminal cells as Chinese typesetting does: by cells (a Chinese character is two),
between any two Chinese characters or at spaces, no closing mark at the start of a line and no
opening mark at its end. Used by the help formatter and by the tables' name column.
"""

from __future__ import annotations

import re
import unicodedata


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: a Chinese character two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# Chinese typesetting (and the ASCII marks Chinese text uses): these never start a line ...
_NO_LINE_START = set("，。；：、）！？」』》】”’,.;:!?)")
# ... and these never end one.
_NO_LINE_END = set("（《「『【“‘(")
_CLOSERS = _NO_LINE_START | {" "}


def wrap_cells(text: str, width: int) -> list[str]:
    """Wrap text to ``width`` terminal cells: at spaces, or between any two Chinese characters.

    A closing mark (，。）…) never starts a line, as in Chinese typesetting: the word before it moves
    down with it; an opening mark (（《“…) never ends one: it moves down to the word it opens. A single
    word longer than the line stands alone on its line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        start = len(lines)
        words: list[str] = []
        for word in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+|\s+", paragraph):
            word = " " if word.isspace() else word
            if word == " " and not words:
                continue
            if word in _NO_LINE_START and not words and len(lines) > start:
                lines[-1] += word  # the line broke at a space just before it: it hangs on that line
                continue
            if not words or cells("".join(words) + word) <= width:
                words.append(word)
                continue
            carried: list[str] = []
            if word in _NO_LINE_START:
                # Take back the marks just before it and the word they close.
                while words and words[-1] in _CLOSERS:
                    carried.insert(0, words.pop())
                if words:
                    carried.insert(0, words.pop())
                if not "".join(words).strip():  # nothing to leave behind: the mark hangs past the margin
                    words += [*carried, word]
                    continue
            while words and words[-1] in _NO_LINE_END and len(words) > 1:
                carried.insert(0, words.pop())  # an opening mark goes down with what it opens
            if words:
                lines.append("".join(words).rstrip())
            words = [*carried, word] if carried or word != " " else []
            while words and words[0] == " ":
                words.pop(0)
        if words or len(lines) == start:
            lines.append("".join(words).rstrip())
    return lines
