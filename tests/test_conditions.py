"""The condition language of policy files over values of every type: an answer, never an
exception (a user's `where:` may point at any path, and a valid entity may hold null there)."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from govcheck.model.document import Document
from govcheck.model.estate import Entity
from govcheck.rules.conditions import matches, render

AS_OF = dt.date(2026, 11, 23)
ODD_VALUES = [None, "", [], {}, 0, -1, 10 ** 400, math.inf, math.nan, True, 1.5, "x" * 10_000,
              ["a", ["b"]], {"a": {"b": 1}}, "2026-02-30", "2027-01-01", "\u202e\u0301\x00"]


def entity_with(value: Any) -> Entity:
    data = {"kind": "System", "metadata": {"name": "crm"}, "spec": {"value": value}}
    return Entity("System", "crm", Document("x.yaml", 0, data, (1, 1)))


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("condition", [
    {"path": "spec.value", "equals": "a"}, {"path": "spec.value", "in": ["a", None, [], {}]},
    {"path": "spec.value", "not_in": [1, "b"]}, {"path": "spec.value", "present": True},
    {"path": "spec.value", "present": False}, {"path": "spec.value", "within": "P18M"},
    {"path": "spec.value", "within": "P99999999999Y"},
    {"path": "spec.value.deeper.0", "equals": 1},
    {"any": [{"path": "spec.value", "within": "P1D"}, {"not": {"path": "spec.value"}}]},
    {"all": [{"path": "spec.value", "in": [1]}, {"path": "spec.value", "equals": 1}]},
], ids=str)
def test_every_condition_answers_for_every_value(value: Any, condition: dict[str, Any]) -> None:
    assert matches(entity_with(value), condition, AS_OF) in (True, False)


def test_within_judges_dates_only() -> None:
    assert matches(entity_with("2027-01-01"), {"path": "spec.value", "within": "P18M"}, AS_OF)
    assert not matches(entity_with("2029-01-01"), {"path": "spec.value", "within": "P18M"}, AS_OF)
    for value in ("2026-02-30", 20270101, ["2027-01-01"], {"on": "2027-01-01"}):
        assert not matches(entity_with(value), {"path": "spec.value", "within": "P18M"}, AS_OF)
    assert matches(entity_with("9999-12-31"), {"path": "spec.value", "within": "P18M"},
                   dt.date(9999, 12, 31))


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_a_message_renders_any_value(value: Any) -> None:
    assert render("{spec.value} {spec.value.deeper} {missing}", entity_with(value), {}).endswith(" ?")
