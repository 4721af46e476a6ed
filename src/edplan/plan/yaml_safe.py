"""A YAML loader for plan files that keeps positions and refuses what a plan never needs.

Round-trip mode (ruamel.yaml) keeps line/column on every mapping and sequence. Aliases are refused
(a "billion laughs" document loads in microseconds and explodes when walked), and so are custom
tags and deep nesting. Floats are read as ``Decimal`` from their text, so 7.8 stays 7.8.

Imported only when a plan must really be parsed: the plan cache spares most commands this cost.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode

from edplan.errors import Msg, msg

MAX_DEPTH = 40
_STANDARD_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


class PlanYAMLError(MarkedYAMLError):
    """Something a plan never needs (an alias, a custom tag): refused with a hint, not as bad syntax."""

    def __init__(self, problem: Msg, mark: Any, hint: Msg) -> None:
        super().__init__(None, None, problem, mark)
        self.hint = hint


def _shown_tag(tag: Any) -> str:
    """A tag as the author wrote it: ``!!python/...``, not ``tag:yaml.org,2002:python/...``."""
    text = str(tag)
    return "!!" + text.removeprefix("tag:yaml.org,2002:") if text.startswith("tag:yaml.org,2002:") else text


class _SafeComposer(Composer):
    """Refuses aliases and non-standard tags at the node where they occur."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise PlanYAMLError(
                msg("YAML aliases (*name) are not allowed in a plan file"),
                event.start_mark,
                msg("write the value out in full"),
            )
        if isinstance(parent, MappingNode) and index is None and isinstance(event, CollectionStartEvent):
            # `? - a` or `? {a: 1}`: a list or mapping as a key, which no plan needs (and Python cannot hash).
            raise PlanYAMLError(
                msg("a key must be plain text, not a list or a mapping"),
                event.start_mark,
                msg("remove the '?' before it, or write the key as text"),
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            tag = getattr(event, "ctag", None) or getattr(event, "tag", None)
            if tag is not None and str(tag) not in _STANDARD_TAGS and str(tag) != "!":
                raise PlanYAMLError(
                    msg("custom YAML tag {tag} is not allowed in a plan file", tag=_shown_tag(tag)),
                    event.start_mark,
                    msg("remove the tag"),
                )
        return super().compose_node(parent, index)


class _DecimalConstructor(RoundTripConstructor):
    """Floats become ``Decimal`` from their text, so 7.8 stays exactly 7.8."""

    def construct_yaml_float(self, node: Any) -> Any:
        text = str(node.value).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return super().construct_yaml_float(node)  # .inf / .nan: pydantic refuses them
        return value if value.is_finite() else super().construct_yaml_float(node)

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        """A date that is not in the calendar (2006-09-31) stays text, so the schema reports it in place."""
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(node.value)


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _DecimalConstructor.construct_yaml_float)
_DecimalConstructor.add_constructor("tag:yaml.org,2002:timestamp", _DecimalConstructor.construct_yaml_timestamp)


def make_yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps positions and comments
    yaml.Composer = _SafeComposer
    yaml.Constructor = _DecimalConstructor
    yaml.max_depth = MAX_DEPTH
    return yaml


# --- writing back --------------------------------------------------------------------------------
# `edplan init` edits a plan as a round-trip tree and writes it back: comments, key order, flow style
# and quoting stay as the author left them. Floats keep their text (no Decimal constructor here).

# (mapping, sequence, offset) layouts seen in hand-written YAML; the first that reproduces the file wins.
LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 2, 2))


def _writer(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()
    yaml.Composer = _SafeComposer
    yaml.max_depth = MAX_DEPTH
    yaml.preserve_quotes = True
    # Line folding counts code points: Chinese lines would fold unpredictably, so never fold.
    yaml.width = 4096
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def load_roundtrip(text: str) -> tuple[YAML, Any]:
    """The round-trip tree of a plan, and a writer set to the file's own indentation."""
    first: tuple[YAML, Any] | None = None
    for layout in LAYOUTS:
        yaml = _writer(layout)
        tree = yaml.load(text)
        if dump_roundtrip(yaml, tree) == text:
            return yaml, tree
        first = first or (yaml, tree)
    assert first is not None
    return first


def dump_roundtrip(yaml: YAML, tree: Any) -> str:
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()
