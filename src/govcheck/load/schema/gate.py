"""A fast yes/no gate compiled from the same JSON Schemas that jsonschema validates with.

Most documents are valid, and asking jsonschema about each costs as much as parsing it (and
importing it costs more than a whole small run). The gate compiles the schema into nested
closures once; a document the gate accepts is valid, and only the rest go to jsonschema for
its precise messages. The gate is conservative: wherever it is unsure it says "no", so it can
make a run slower but never let an invalid document through. It knows only the keywords our
schemas use and refuses to compile any other (a schema edit then fails the tests, not users).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Gate = Callable[[Any], bool]
_SCALARS = (str, int, float, bool, type(None))
_IGNORED = {"$schema", "$id", "title", "description", "default", "x-govcheck-rule",
            "x-govcheck-several", "x-message", "definitions"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class _Compiler:
    def __init__(self, root: dict[str, Any], todo_key: str | None = None) -> None:
        self.root = root
        self.refs: dict[tuple[str, bool], Gate] = {}
        self.compiling: set[tuple[str, bool]] = set()
        self.todo_key = todo_key    # the root property under which a TODO value is allowed
        self.todo_ok = False        # compiling inside it: a TODO passes enum, pattern, format

    def compile(self, schema: Any) -> Gate:
        if schema is True or schema == {}:
            return _accept_all
        if schema is False:
            return lambda value: False
        tests = [self._keyword(name, schema) for name in schema if name not in _IGNORED]
        if "properties" not in schema and ("additionalProperties" in schema
                                           or "patternProperties" in schema):
            tests.append(self._properties({}, schema))
        return _all([test for test in tests if test is not None])

    def _keyword(self, name: str, schema: dict[str, Any]) -> Gate | None:
        argument = schema[name]
        if name in ("then", "else", "additionalProperties", "patternProperties"):
            return None  # compiled together with "if" / "properties"
        builder = getattr(self, "_" + name.replace("$", "dollar_"), None)
        if builder is None:
            raise ValueError(f"schema keyword '{name}' is not supported by the gate")
        gate: Gate = builder(argument, schema)
        return gate

    def _dollar_ref(self, ref: str, schema: dict[str, Any]) -> Gate:
        refs, key = self.refs, (ref, self.todo_ok)
        if key in self.compiling:   # a schema that refers to itself: look it up when run
            return lambda value: refs[key](value)
        if key not in refs:
            self.compiling.add(key)
            target: Any = self.root
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            refs[key] = self.compile(target)
            self.compiling.discard(key)
        return refs[key]

    def _or_todo(self, gate: Gate) -> Gate:
        """Inside the TODO-tolerant part, a decision still to make passes (GOV020's)."""
        if not self.todo_ok:
            return gate
        # Imported here, as is the date parser below: the gate also checks a baseline file on
        # the remembered check's path, whose schema has neither TODOs nor dates to parse.
        from govcheck.model.estate import is_todo
        return lambda value: is_todo(value) or gate(value)

    def _type(self, names: str | list[str], schema: dict[str, Any]) -> Gate:
        if isinstance(names, str):
            return _TYPES[names]
        checks = [_TYPES[name] for name in names]
        return lambda value: any(check(value) for check in checks)

    def _enum(self, options: list[Any], schema: dict[str, Any]) -> Gate:
        if all(isinstance(option, _SCALARS) for option in options):
            typed = frozenset((type(option), option) for option in options)
            return self._or_todo(lambda value: isinstance(value, _SCALARS)
                                 and (type(value), value) in typed)
        return self._or_todo(lambda value: any(value == o and type(value) is type(o)
                                               for o in options))

    def _const(self, expected: Any, schema: dict[str, Any]) -> Gate:
        return lambda value: value == expected and type(value) is type(expected)

    def _pattern(self, pattern: str, schema: dict[str, Any]) -> Gate:
        search = re.compile(pattern).search
        return self._or_todo(lambda value: not isinstance(value, str)
                             or search(value) is not None)

    def _format(self, name: str, schema: dict[str, Any]) -> Gate:
        if name != "date":
            raise ValueError(f"format '{name}' is not supported by the gate")
        from govcheck.model.timing import parse_date
        return self._or_todo(lambda value: not isinstance(value, str)
                             or parse_date(value) is not None)

    def _minLength(self, size: int, schema: dict[str, Any]) -> Gate:
        return lambda value: not isinstance(value, str) or len(value) >= size

    def _minItems(self, size: int, schema: dict[str, Any]) -> Gate:
        return lambda value: not isinstance(value, list) or len(value) >= size

    def _minProperties(self, size: int, schema: dict[str, Any]) -> Gate:
        return lambda value: not isinstance(value, dict) or len(value) >= size

    def _uniqueItems(self, unique: bool, schema: dict[str, Any]) -> Gate:
        def distinct(value: Any) -> bool:
            if not unique or not isinstance(value, list):
                return True
            return all(isinstance(item, str) for item in value) and len(set(value)) == len(value)
        return distinct

    def _minimum(self, bound: float, schema: dict[str, Any]) -> Gate:
        return lambda value: not _TYPES["number"](value) or value >= bound

    def _maximum(self, bound: float, schema: dict[str, Any]) -> Gate:
        return lambda value: not _TYPES["number"](value) or value <= bound

    def _required(self, names: list[str], schema: dict[str, Any]) -> Gate:
        wanted = frozenset(names)
        return lambda value: not isinstance(value, dict) or wanted.issubset(value)

    def _items(self, item_schema: Any, schema: dict[str, Any]) -> Gate:
        item = self.compile(item_schema)

        def each(value: Any) -> bool:
            if isinstance(value, list):
                for entry in value:
                    if not item(entry):
                        return False
            return True
        return each

    def _propertyNames(self, name_schema: Any, schema: dict[str, Any]) -> Gate:
        name = self.compile(name_schema)
        return lambda value: not isinstance(value, dict) or all(name(key) for key in value)

    def _not(self, inner: Any, schema: dict[str, Any]) -> Gate:
        gate = self.compile(inner)
        return lambda value: not gate(value)

    def _if(self, condition: Any, schema: dict[str, Any]) -> Gate:
        test, then = self.compile(condition), self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda value: then(value) if test(value) else otherwise(value)

    def _dependencies(self, needs: dict[str, list[str]], schema: dict[str, Any]) -> Gate:
        return lambda value: not isinstance(value, dict) or all(
            all(other in value for other in needs[key]) for key in value if key in needs)

    def _properties(self, properties: dict[str, Any], schema: dict[str, Any]) -> Gate:
        patterns = [(_matcher(p), self.compile(sub))
                    for p, sub in schema.get("patternProperties", {}).items()]
        extra = schema.get("additionalProperties", True)
        other = self.compile(extra) if isinstance(extra, dict) else (lambda value: bool(extra))

        def gate_of(key: str, gate: Gate | None) -> Gate:
            """What a value under `key` must pass: its property's schema and every
            matching pattern's, or additionalProperties when neither names it."""
            tests = [sub for matches, sub in patterns if matches(key)]
            if gate is None and not tests:
                return other
            return _all([test for test in ([gate] if gate else []) + tests
                         if test is not _accept_all])

        # A known key's gate is worked out once; only other keys are matched each time.
        plans = {key: gate_of(key, self._property(key, sub, schema))
                 for key, sub in properties.items()}

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                gate = plans.get(key)
                if not (gate or gate_of(key, None))(item):
                    return False
            return True
        return check

    def _property(self, key: str, sub: Any, schema: dict[str, Any]) -> Gate:
        if schema is not self.root or key != self.todo_key:
            return self.compile(sub)
        self.todo_ok = True
        try:
            return self.compile(sub)
        finally:
            self.todo_ok = False


def _matcher(pattern: str) -> Callable[[str], object]:
    """A key test for a patternProperties pattern: `^x-` is a prefix, no regex needed."""
    if re.fullmatch(r"\^[\w-]+", pattern):
        prefix = pattern[1:]
        return lambda key: key.startswith(prefix)
    return re.compile(pattern).search


def _accept_all(value: Any) -> bool:
    return True


def _all(tests: list[Gate]) -> Gate:
    """One gate from several, without a generator per call for the common small cases."""
    if not tests:
        return _accept_all
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda value: first(value) and second(value)

    def every(value: Any) -> bool:
        for test in tests:
            if not test(value):
                return False
        return True
    return every


def compile_gate(schema: dict[str, Any], todo_key: str | None = None) -> Gate:
    """A function telling whether a value is certainly valid against `schema`; under the
    root property `todo_key`, a value still `TODO` passes where a word, a name or a date
    belongs (as schema validation leaves it to GOV020)."""
    return _Compiler(schema, todo_key).compile(schema)


_GATES: dict[int, tuple[dict[str, Any], Gate]] = {}


def gate_for(schema: dict[str, Any]) -> Gate:
    """The gate of a schema that lives for the whole run (a module constant), compiled once."""
    cached = _GATES.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _GATES[id(schema)] = (schema, compile_gate(schema))
    return cached[1]
