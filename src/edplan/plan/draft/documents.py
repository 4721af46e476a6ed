"""Reading a plan document as text: .txt (UTF-8 or GB18030), .docx (python-docx), .html/.htm (html.parser).

Every reader gives the text a draft quotes from, one paragraph a line, and notes on how it was read
("read as GB18030"). A .docx gives its paragraphs (and the cells of its tables) in document order;
a web page the text of its body, each block element (p, div, li, h1, tr, …) a line, with scripts,
styles and the head left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

MAX_BYTES = 8 * 1024 * 1024  # a plan document is a text, not a data set (as document.py reads it)

_BLOCKS = frozenset(
    "address article aside blockquote body br caption dd details div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_DROPPED = frozenset("script style noscript template head svg iframe object".split())
_SPACES = re.compile(r"[ \t\r\n\f\xa0\u3000]+")


def read_document(path: Path) -> tuple[str, list[str]]:
    """The text of a plan document and notes on how it was read; ValueError if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx(path), []
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ValueError(f"{path.name} is over {MAX_BYTES:,} bytes: is this the right file?")
    text, notes = decode(data, path.name)
    if suffix in (".html", ".htm"):
        return html_text(text), notes
    return text, notes


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without a byte order mark), else GB18030, as Chinese documents often are."""
    if b"\x00" in data:
        raise ValueError(f"{name} is not text: it holds NUL bytes")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), [f"{name}: read as GB18030 (it is not UTF-8)"]
    except UnicodeDecodeError:
        raise ValueError(f"{name} is neither UTF-8 nor GB18030 text") from None


def _docx(path: Path) -> str:
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs if p.text.strip())
        else:
            lines.append(block.text)
    return "\n".join(lines)


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.dropped = 0

    def _break(self) -> None:
        line = _collapse("".join(self.current))
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropped += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropped = max(0, self.dropped - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.dropped:
            self.current.append(data)


def _wide(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def _collapse(text: str) -> str:
    """White space as a browser shows it: a run is one space, none where a line break joins Chinese text."""

    def one(found: re.Match[str]) -> str:
        before = text[found.start() - 1] if found.start() > 0 else ""
        after = text[found.end()] if found.end() < len(text) else ""
        if "\n" in found[0] and _wide(before) and _wide(after):
            return ""
        return " "

    return _SPACES.sub(one, text).strip()


def html_text(page: str) -> str:
    """The text of a web page: each block element a line, scripts, styles and the head left out."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    parser._break()
    return "\n".join(parser.lines)
