"""Text from files and arguments made safe for a terminal: control characters shown, never obeyed.

A document, a plan or a log line may hold an escape sequence (ESC ] 0 ; … retitles the terminal,
ESC [ 2 J clears it, ESC ] 8 forges a link). Rich passes such text through as it is, so every
renderer that prints the users' text passes it through :func:`visible` first.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``), so it prints as text."""
    return _CONTROLS.sub(_shown, text)


# JSON escapes C0 controls itself; DEL, C1 controls and the bidirectional overrides it leaves as they are.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_text(data: object) -> str:
    """``data`` as indented JSON with Chinese kept readable and every control character escaped
    (``\\u202e``), so that a script gets the same data and a terminal is never driven by it."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found[0]):04x}", text)
