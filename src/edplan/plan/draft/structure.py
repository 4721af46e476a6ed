"""The document's own numbering: sections 一、二、… and the tasks numbered inside them.

A section starts a line with a Chinese numeral and 、 (一、). A task starts a line with 1. (1． 1、),
(一) / （一）, (1) or 1) / 1）; the first of these forms met under a section is the task form of the
whole document, and a line numbered in another form is text of the task it stands in (a list
inside a task). A title is the heading's first sentence, up to the first 。, verbatim.

A section without tasks becomes one task of its own text; a document without sections, one section
titled as the document. Lines before the first section (the title, a date, an introduction) belong
to no task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edplan.plan.draft.numerals import chinese_number

_SECTION = re.compile(r"([一二三四五六七八九十百]+)、")
_TASK_FORMS: dict[str, re.Pattern[str]] = {
    "1.": re.compile(r"([0-9]+)\s*[.．、](?![0-9])"),
    "(一)": re.compile(r"[(（]([一二三四五六七八九十百]+)[)）]"),
    "(1)": re.compile(r"[(（]([0-9]+)[)）]"),
    "1)": re.compile(r"([0-9]+)[)）]"),
}
_SPACE = " \t\u3000\xa0\r\ufeff"


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of one line of the document: ``line[start:]`` of line ``number`` (1-based)."""

    number: int
    line: str
    start: int


@dataclass
class TaskText:
    number: int | None  # as the document numbers it; None for a task the document does not number
    label: str  # the numbering as written: 1. or （一）; empty when there is none
    title: str
    line: int
    pieces: list[Piece] = field(default_factory=list)


@dataclass
class SectionText:
    number: int | None
    title: str
    line: int
    intro: list[Piece] = field(default_factory=list)  # text before the section's first task
    tasks: list[TaskText] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    title_line: int
    preamble: list[Piece] = field(default_factory=list)  # lines before the first section
    sections: list[SectionText] = field(default_factory=list)
    titles: list[Piece] = field(default_factory=list)  # section titles (as their own text): in no task


def _content_start(line: str) -> int:
    i = 0
    while i < len(line) and line[i] in _SPACE:
        i += 1
    return i


def _first_sentence(line: str, start: int) -> str:
    """The heading's title: up to the first 。, without it and without surrounding spaces."""
    end = line.find("。", start)
    text = line[start:] if end < 0 else line[start:end]
    return text.strip(_SPACE)


def _number(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    value = chinese_number(numeral)
    if value is None or value != value.to_integral_value() or value < 1:
        return None
    return int(value)


def outline(lines: list[str]) -> Outline:
    """Sections and tasks of a document given as its lines (without line ends)."""
    title_index = next((i for i, line in enumerate(lines) if line.strip(_SPACE)), None)
    if title_index is None:
        raise ValueError("the document is empty")
    doc = Outline(lines[title_index].strip(_SPACE), title_index + 1)
    has_sections = any(_SECTION.match(line, _content_start(line)) for line in lines[title_index + 1 :])
    if not has_sections:
        doc.sections.append(SectionText(None, doc.title, doc.title_line))
    form: str | None = None
    for index in range(title_index + 1, len(lines)):
        line = lines[index]
        start = _content_start(line)
        if start >= len(line.rstrip(_SPACE)):
            continue
        number = index + 1
        heading = _SECTION.match(line, start) if has_sections else None
        if heading:
            title = _first_sentence(line, heading.end()) or heading[0]  # 一、 alone: the numbering is all
            section = SectionText(_number(heading[1]), title, number)
            doc.sections.append(section)
            doc.titles.append(Piece(number, section.title, 0))
            end = line.find("。", heading.end())
            if end >= 0 and line[end + 1 :].strip(_SPACE):
                section.intro.append(Piece(number, line, end + 1))
            continue
        if not doc.sections:
            doc.preamble.append(Piece(number, line, start))
            continue
        current = doc.sections[-1]
        task_match: re.Match[str] | None = None
        for name, pattern in _TASK_FORMS.items():
            if form in (None, name):
                task_match = pattern.match(line, start)
                if task_match:
                    form = name
                    break
        if task_match:
            body = _content_start(line[task_match.end() :]) + task_match.end()
            task = TaskText(_number(task_match[1]), task_match[0].strip(), _first_sentence(line, body), number)
            task.pieces.append(Piece(number, line, body))
            current.tasks.append(task)
        elif current.tasks:
            current.tasks[-1].pieces.append(Piece(number, line, start))
        else:
            current.intro.append(Piece(number, line, start))
    for section in doc.sections:
        if not section.tasks:
            # A section the document does not divide: its text is one task.
            title = _first_sentence(section.intro[0].line, section.intro[0].start) if section.intro else ""
            first = section.intro[0].number if section.intro else section.line
            section.tasks.append(TaskText(None, "", title or section.title, first, list(section.intro)))
            section.intro = []
    return doc
