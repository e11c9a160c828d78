"""The compiled schema gate never accepts what jsonschema rejects."""
from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govcheck.load.documents import load_bytes
from govcheck.load.schema import KINDS, config_schema, kind_schema
from govcheck.load.schema.gate import compile_gate
from govcheck.rules.policy import POLICY_SCHEMA

ECOSYSTEM = Path(__file__).resolve().parent.parent / "ecosystem"
ODD_VALUES: list[Any] = [None, True, 0, 1.5, "", "x", "NO", "2026-02-30", "P6M", [], ["a", "a"], {},
                         {"x-note": 1}, {"unknown": 1}, -1, 101]


def _documents() -> list[dict[str, Any]]:
    documents = []
    for path in sorted(ECOSYSTEM.rglob("*.yaml")):
        loaded, problems = load_bytes(path.name, path.read_bytes())
        assert not problems
        documents.extend(document.data for document in loaded)
    return documents


def _nodes(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_nodes(value, prefix + (key,)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_nodes(value, prefix + (index,)))
    return found


def _mutated(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    result = copy.deepcopy(data)
    path = rng.choice(_nodes(result)[1:])
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    if rng.random() < 0.3 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return result


def _validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(kind_schema(kind), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("kind", KINDS)
def test_gate_accepts_the_valid_example_estate(kind: str) -> None:
    gate = compile_gate(kind_schema(kind))
    documents = [d for d in _documents() if d["kind"] == kind]
    assert documents
    assert all(gate(document) for document in documents)


@pytest.mark.parametrize("kind", KINDS)
def test_gate_never_accepts_an_invalid_document(kind: str) -> None:
    rng = random.Random(kind)
    gate, validator = compile_gate(kind_schema(kind)), _validator(kind)
    documents = [d for d in _documents() if d["kind"] == kind]
    rejected = 0
    for _ in range(600):
        mutant = _mutated(rng.choice(documents), rng)
        valid = not list(validator.iter_errors(mutant))
        if gate(mutant):
            assert valid, mutant
        rejected += not valid
    assert rejected > 100  # the mutations did produce invalid documents


def test_gate_and_jsonschema_agree_on_the_config_and_policy_schemas() -> None:
    config_gate = compile_gate(config_schema())
    assert config_gate({"ecosystem": "ecosystem", "rules": {"GOV012": {"severity": "off"}}})
    assert not config_gate({"rules": {"GOV012": {"severity": "loud"}}})
    assert not config_gate({"waivers": [{"rule": "GOV003"}]})
    policy_gate = compile_gate(POLICY_SCHEMA)
    assert not policy_gate({"id": "X1", "title": "t", "severity": "error"})


def test_gate_refuses_to_compile_an_unknown_keyword() -> None:
    with pytest.raises(ValueError, match="oneOf"):
        compile_gate({"oneOf": [{"type": "string"}]})


@pytest.mark.parametrize("todo", ["TODO", "TODO: decide it"])
def test_a_todo_passes_in_the_spec_as_validation_leaves_it_to_gov020(todo: str) -> None:
    """Under `spec`, where a word, a name or a date belongs, a TODO is a decision still to
    make: the gate and the explained validation agree; anywhere else it is invalid."""
    from govcheck.load.schema import validate

    system = {"apiVersion": "govcheck/v1", "kind": "System", "metadata": {"name": "crm"},
              "spec": {"category": todo, "role": todo, "owner": todo,
                       "lifecycle": {"contract_end": todo}}}
    gate = compile_gate(kind_schema("System"), todo_key="spec")
    assert gate(system) and validate(system, "System") == []
    named = {**system, "metadata": {"name": todo}}
    assert not gate(named)
    assert [problem.path for problem in validate(named, "System")] == [("metadata", "name")]
    assert not compile_gate(kind_schema("System"))(system)   # only where it is asked for
