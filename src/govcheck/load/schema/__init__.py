"""JSON Schemas of the manifest kinds and of govcheck.yaml, and validation against them.

The schemas are package data (`govcheck/load/schema/*.json`). A property annotated with
`x-govcheck-rule` is a governance field: when it is missing, null or empty, the named rule
reports it, and so does it a list of several values where `x-govcheck-several` says the rule
counts them (one owner team); schema validation stays silent there (one defect, one
finding). Any other wrong type is GOV000's, and the entity is then not judged by the rules.
A value of the spec that is still `TODO` where a name, a date or one of a list of words
belongs is GOV020's.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from govcheck.model.document import Path_, SchemaProblem

API_VERSION = "govcheck/v1"
KINDS = ("Team", "Person", "System", "Dataset", "Integration")
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
SCHEMA_BASE = "https://govcheck.dev/schemas/v1/"
GOVERNED = "x-govcheck-rule"
SEVERAL = "x-govcheck-several"
_TYPE_NAMES = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
               int: "a number", float: "a number", type(None): "empty"}


def _read(name: str) -> dict[str, Any]:
    # beside this module, as package data (importlib.resources would cost more to import
    # than reading the schemas does)
    text = (Path(__file__).parent / f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def kind_schema(kind: str) -> dict[str, Any]:
    """The whole-document schema of one kind, self-contained (for editors and validation)."""
    return {"$schema": SCHEMA_DIALECT, "$id": f"{SCHEMA_BASE}{kind.lower()}.json",
            "title": f"govcheck {kind}", **_document(kind),
            "definitions": _read("common")["definitions"]}


def _document(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"const": kind},
            "metadata": {"$ref": "#/definitions/metadata"},
            "spec": _read(kind.lower()),
        },
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
    }


@cache
def manifest_schema() -> dict[str, Any]:
    """Every kind in one schema, for a folder or a file that holds several kinds.

    `kind` picks the kind's schema with if/then rather than oneOf: an editor then reports that
    kind's own errors ("missing property owner"), not "matches none of the alternatives"."""
    branches = [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                 "then": {"$ref": f"#/definitions/{kind}"}} for kind in KINDS]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{SCHEMA_BASE}manifest.json",
        "title": "govcheck manifest",
        "description": f"A govcheck manifest: its kind is one of {', '.join(KINDS)}.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"enum": list(KINDS)},
            "metadata": {"$ref": "#/definitions/metadata"},
        },
        "allOf": branches,
        "definitions": {**_read("common")["definitions"],
                        **{kind: _document(kind) for kind in KINDS}},
    }


@cache
def config_schema() -> dict[str, Any]:
    return _read("config")


@cache
def _validator(kind: str | None) -> Any:
    import jsonschema  # imported here: its import is costly and only needed to validate

    schema = config_schema() if kind is None else kind_schema(kind)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def _gate(kind: str | None) -> Any:
    from govcheck.load.schema.gate import compile_gate

    return compile_gate(config_schema()) if kind is None else compile_gate(kind_schema(kind),
                                                                            todo_key="spec")


def validate(data: Any, kind: str | None) -> list[SchemaProblem]:
    """Problems of one document against its kind's schema (kind None: govcheck.yaml).

    The compiled gate answers for valid documents; jsonschema explains the others."""
    if _gate(kind)(data):
        return []
    problems: list[SchemaProblem] = []
    for error in _validator(kind).iter_errors(data):
        problems.extend(explain(error))
    return sorted(set(problems), key=lambda p: (len(p.path), [str(s) for s in p.path], p.message))


def dotted(path: Iterable[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "document"


def _describe(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


# Up to this many choices every one is compared (difflib); beyond, only the choices one typo
# away are, found through an index, so that thousands of dangling references among thousands
# of names stay linear (difflib over all of them took minutes).
_COMPARE_ALL = 200


def suggest(word: str, choices: Iterable[str], count: int = 1) -> str:
    """" (did you mean 'x'?)" for the closest of `choices`, or up to `count` of them
    (" (did you mean 'x', 'y' or 'z'?)"); "" when none is close."""
    options = choices if isinstance(choices, (set, frozenset, list, tuple)) else list(choices)
    if len(options) > _COMPARE_ALL:
        options = sorted(_one_typo_away(word, frozenset(options)))
    close = [f"'{match}'" for match in difflib.get_close_matches(word, list(options), n=count,
                                                                 cutoff=0.6)]
    if not close:
        return ""
    listed = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    return f" (did you mean {listed}?)"


def _one_typo_away(word: str, choices: frozenset[str]) -> set[str]:
    """The choices that share a string with `word` once each drops at most one character: one
    letter replaced, added, dropped, or two swapped."""
    index = _deletion_index(choices)
    return {choice for variant in _deletions(word) for choice in index.get(variant, ())}


@lru_cache(maxsize=16)   # a frozenset caches its hash: an estate's names are indexed once
def _deletion_index(choices: frozenset[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for choice in choices:
        for variant in _deletions(choice):
            index.setdefault(variant, []).append(choice)
    return {variant: tuple(found) for variant, found in index.items()}


def _deletions(word: str) -> set[str]:
    return {word, *(word[:at] + word[at + 1:] for at in range(len(word)))}


def explain(error: Any, prefix: Path_ = ()) -> Iterator[SchemaProblem]:
    """A jsonschema error as govcheck's problems (a path and a sentence); `prefix` is where
    the validated value stands in its document."""
    from govcheck.model.estate import is_todo  # only when there is an error to explain
    path: Path_ = prefix + tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    if "x-message" in schema and validator in ("required", "not", "pattern"):
        yield SchemaProblem(path, f"{dotted(path)}: {schema['x-message']}")
    elif validator == "additionalProperties":
        yield from _unknown_keys(path, error.instance, schema)
    elif validator == "required":
        yield from _missing_keys(path, error.instance, schema)
    elif schema.get(GOVERNED) and _left_to_the_rule(validator, error.instance, schema):
        return
    elif is_todo(error.instance) and validator in ("enum", "pattern", "format") \
            and path[:1] == ("spec",):
        return  # a decision still to make: GOV020 reports it
    else:
        yield SchemaProblem(path, _message(path, validator, error))


def _left_to_the_rule(validator: str, instance: Any, schema: dict[str, Any]) -> bool:
    """Whether a governance rule reports this instead of GOV000: missing, null or empty, or
    several values where the rule counts them."""
    if instance is None or instance == "" or validator in ("minLength", "minItems"):
        return True
    return validator == "type" and isinstance(instance, list) and bool(schema.get(SEVERAL))


def _unknown_keys(path: Path_, instance: dict[str, Any], schema: dict[str, Any]
                  ) -> Iterator[SchemaProblem]:
    known = schema.get("properties", {})
    for key in instance:
        if key in known or key.startswith("x-"):
            continue
        where = f" in {dotted(path)}" if path else ""
        hint = suggest(key, known) or " (extension keys start with 'x-')"
        yield SchemaProblem(path + (key,), f"unknown key '{key}'{where}{hint}", at_key=True)


def _missing_keys(path: Path_, instance: dict[str, Any], schema: dict[str, Any]
                  ) -> Iterator[SchemaProblem]:
    properties = schema.get("properties", {})
    for key in schema.get("required", []):
        if key in instance or properties.get(key, {}).get(GOVERNED):
            continue
        yield SchemaProblem(path + (key,), f"{dotted(path + (key,))} is required", missing=True)


def _message(path: Path_, validator: str, error: Any) -> str:
    where = dotted(path)
    value = error.instance
    if validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"{where} must be {_article(wanted)}, not {_describe(value)}"
    if validator == "enum":
        options = [str(option) for option in error.validator_value]
        return (f"{where}: '{value}' is not one of {', '.join(options)}"
                f"{suggest(str(value), options)}")
    if validator == "const":
        return f"{where} must be '{error.validator_value}', not '{value}'"
    if validator == "pattern":
        hint = error.schema.get("description", f"it must match {error.validator_value}")
        return f"{where}: '{value}' is not valid: {hint}"
    if validator == "format":
        return f"{where}: '{value}' is not a valid {error.validator_value}"
    if validator in ("minItems", "minLength"):
        return f"{where} must not be empty"
    if validator == "uniqueItems":
        return f"{where} lists the same item more than once"
    return f"{where}: {error.message}"


def _article(type_name: str) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
             "number": "a number", "boolean": "true or false", "null": "empty"}
    return " or ".join(names.get(part, part) for part in type_name.split(" or "))
