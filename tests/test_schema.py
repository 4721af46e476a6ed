"""``edplan schema``: the JSON Schema editors use, checked with a standard validator (jsonschema)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from edplan.plan.yaml_safe import make_yaml
from tests.conftest import PLAN_2006, ROOT, run

SCHEMA_COPY = ROOT / "schema" / "plan.schema.json"
PLANS = Path(__file__).parent / "plans"


def as_json(node: Any) -> Any:
    """YAML as an editor's language server sees it: dates are text (YAML 1.2 has no date type)."""
    if isinstance(node, dict):
        return {str(k): as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_json(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, Decimal):
        return float(node)
    if isinstance(node, bool | int | str):
        return type(node)(node)
    return node


def load(path: Path) -> Any:
    # edplan's own loader: it keeps a date that is not in the calendar as text, as a language server does.
    return as_json(make_yaml().load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    r = run("schema")
    assert (r.code, r.err) == (0, "")
    data: dict[str, Any] = json.loads(r.out)
    return data


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def test_the_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_copy_in_the_repository_is_what_the_models_give() -> None:
    r = run("schema")
    assert SCHEMA_COPY.read_text(encoding="utf-8") == r.out, (
        "schema/plan.schema.json drifted from the models: run `edplan schema > schema/plan.schema.json`"
    )


def test_the_2006_plan_validates_against_the_schema(validator: Draft202012Validator) -> None:
    assert errors(validator, load(PLAN_2006)) == []


@pytest.mark.parametrize("plan", sorted((PLANS / "valid").glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_examples_validate_against_the_schema(validator: Draft202012Validator, plan: Path) -> None:
    assert errors(validator, load(plan)) == []


@pytest.mark.parametrize(
    ("case", "where"),
    [
        ("unknown-field", "sections/0/tasks/0"),
        ("unknown-nested-field", "period"),
        ("wrong-type", "year"),
        ("missing-required", "sections/0/tasks/0/targets/0"),
        ("missing-sections", ""),
        ("bad-target-id", "sections/0/tasks/0/targets/0/id"),
        ("targets-outside-task", ""),
        ("tolerance-out-of-range", "settings/tolerance"),
        ("empty-values", "title"),
        ("impossible-date", "sections/0/tasks/0/targets/0/schedule"),
    ],
)
def test_the_schema_flags_shape_errors_where_they_are(validator: Draft202012Validator, case: str, where: str) -> None:
    found = errors(validator, load(PLANS / "invalid" / f"{case}.yaml"))
    assert any(e.split(": ", 1)[0] == where for e in found), found


def test_whole_plan_checks_are_left_to_validate(validator: Draft202012Validator) -> None:
    """A duplicate id is well-formed to a schema: only `edplan validate` sees the whole plan."""
    plan = PLANS / "invalid" / "duplicate-target-id.yaml"
    assert errors(validator, load(plan)) == []
    assert run("validate", plan).code == 1


def test_a_number_written_as_text_is_accepted_as_the_loader_does(validator: Draft202012Validator) -> None:
    data = load(PLANS / "valid" / "minimal.yaml")
    target = data["sections"][0]["tasks"][0]["targets"][0]
    target["value"] = "7.8"
    assert errors(validator, data) == []
    target["value"] = "lots"
    assert errors(validator, data) != []


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [("Plan", name, prop) for name, prop in schema["properties"].items()]
    for model, definition in schema["$defs"].items():
        found += [(model, name, prop) for name, prop in definition.get("properties", {}).items()]
    return found


def test_every_field_has_a_title_and_a_description_in_both_languages(schema: dict[str, Any]) -> None:
    props = _properties(schema)
    assert len(props) >= 40
    chinese = re.compile(r"[\u4e00-\u9fff]")
    missing = [
        f"{model}.{name}"
        for model, name, prop in props
        if not (prop.get("title", "").startswith(f"{name} · ") and chinese.search(prop.get("title", "")))
        or not (re.search(r"[A-Za-z]", prop.get("description", "")) and chinese.search(prop.get("description", "")))
    ]
    assert missing == []
    for name, definition in schema["$defs"].items():
        assert chinese.search(definition.get("description", "")), name


def test_the_2006_plan_names_its_schema_for_editors() -> None:
    first = PLAN_2006.read_text(encoding="utf-8").splitlines()[0]
    found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert found, first
    assert (PLAN_2006.parent / found[1]).resolve() == SCHEMA_COPY


def test_codes_carry_their_meaning_for_editors(schema: dict[str, Any]) -> None:
    for name in ("Kind", "Direction"):
        definition = schema["$defs"][name]
        assert len(definition["enumDescriptions"]) == len(definition["enum"])
        assert all(re.search(r"[\u4e00-\u9fff]", d) for d in definition["enumDescriptions"])
