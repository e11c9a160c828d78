"""The small condition language of policy files (`where:`), and message templates."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from govcheck.model.estate import Entity, is_blank
from govcheck.model.timing import parse_date, parse_duration

# Recursive: primitives' parameter schemas carry it as #/definitions/condition.
CONDITION_DEFINITION: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "path": {"type": "string"},
        "equals": {},
        "in": {"type": "array"},
        "not_in": {"type": "array"},
        "present": {"type": "boolean"},
        "within": {"type": "string", "pattern": "^P"},
        "any": {"type": "array", "items": {"$ref": "#/definitions/condition"}},
        "all": {"type": "array", "items": {"$ref": "#/definitions/condition"}},
        "not": {"$ref": "#/definitions/condition"},
    },
    "dependencies": {"equals": ["path"], "in": ["path"], "not_in": ["path"], "present": ["path"],
                     "within": ["path"]},
}
CONDITION_SCHEMA: dict[str, Any] = {"$ref": "#/definitions/condition"}


def matches(entity: Entity, condition: dict[str, Any] | None, as_of: dt.date) -> bool:
    """Whether an entity meets a condition; no condition always matches.

    {path, equals|in|not_in|present|within} test one value (`within: P18M`: a date no later
    than that long after the as-of date); any/all/not combine conditions."""
    if not condition:
        return True
    if "any" in condition:
        return any(matches(entity, item, as_of) for item in condition["any"])
    if "all" in condition:
        return all(matches(entity, item, as_of) for item in condition["all"])
    if "not" in condition:
        return not matches(entity, condition["not"], as_of)
    return _test(entity.get(condition["path"]), condition, as_of)


def _test(value: Any, condition: dict[str, Any], as_of: dt.date) -> bool:
    if "equals" in condition:
        return bool(value == condition["equals"])
    if "in" in condition:
        return value in condition["in"]
    if "not_in" in condition:
        return value not in condition["not_in"]
    if "within" in condition:
        date, duration = parse_date(value), parse_duration(condition["within"])
        return date is not None and duration is not None and date <= duration.after(as_of)
    return is_blank(value) != bool(condition.get("present", True))


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def render(template: str, entity: Entity | None, values: dict[str, Any]) -> str:
    """Fill `{name}` from `values`, else from the entity's dotted path (`{spec.target}`)."""
    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in values:
            return str(values[key])
        found = entity.get(key) if entity is not None else None
        return str(found) if found is not None else "?"
    return _PLACEHOLDER.sub(fill, template)
