"""The estate: every entity indexed by kind/name, with the helpers rules use to read it."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from govcheck.model.document import (
    Document,
    LoadProblem,
    Path_,
    Position,
    SchemaProblem,
)

# A reference to a person or a team: "person:jane-doe", "team:finance".
TYPED_KINDS = {"person": "Person", "team": "Team"}


@dataclass
class Entity:
    """One manifest document that names a known kind and a name."""

    kind: str
    name: str
    document: Document
    valid: bool = True

    @property
    def key(self) -> str:
        return f"{self.kind.lower()}/{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.document.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def file(self) -> str:
        return self.document.file

    def get(self, path: str | Path_) -> Any:
        """The value at a dotted path ("spec.fallback.strategy"), or None."""
        return get_path(self.document.data, split_path(path) if isinstance(path, str) else path)

    def locate(self, path: Path_ = ()) -> Position:
        """Where a node stands; a missing node is located at the entity's metadata.name."""
        found = self.document.position(path) if path else None
        return found or self.document.position(("metadata", "name")) or self.document.start


@lru_cache(maxsize=4096)   # rules ask for the same few dotted paths of every entity
def split_path(path: str) -> Path_:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def get_path(data: Any, path: Path_) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data.get(step) if isinstance(step, str) else data[step]
    return data


def expand(data: Any, pattern: str) -> list[tuple[Path_, Any]]:
    """Every (path, value) that a dotted pattern with `[]` list steps reaches in `data`.

    `spec.datasets[].dataset` gives [(("spec", "datasets", 0, "dataset"), "lead"), ...].
    An absent value comes back as None at its path, so that callers can report it; an absent
    or empty list gives nothing for the steps below it."""
    keys = _plain_keys(pattern)
    if keys is not None:   # a plain dotted path: one value
        value = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return [(keys, value)]
    steps = _steps(pattern)
    reached: list[tuple[Path_, Any]] = [((), data)]
    for key, is_list in steps:
        following: list[tuple[Path_, Any]] = []
        for prefix, value in reached:
            child = value.get(key) if isinstance(value, dict) else None
            if not is_list:
                following.append((prefix + (key,), child))
            elif isinstance(child, list):
                following.extend((prefix + (key, index), item) for index, item in enumerate(child))
        reached = following
    return reached


@cache
def _steps(pattern: str) -> tuple[tuple[str, bool], ...]:
    return tuple((step[:-2], True) if step.endswith("[]") else (step, False)
                 for step in pattern.split("."))


@cache
def _plain_keys(pattern: str) -> tuple[str, ...] | None:
    """The keys of a pattern without list steps; None when it has one."""
    steps = _steps(pattern)
    return None if any(is_list for _, is_list in steps) else tuple(step for step, _ in steps)


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


TODO = "TODO"


def is_todo(value: Any) -> bool:
    """A decision still to make: the text `TODO`, or `TODO: what to decide` (as `govcheck
    import` writes what it cannot infer). GOV020 reports it; nothing else judges it."""
    return isinstance(value, str) and (value == TODO or value.startswith(TODO + ":"))


def todos(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every TODO value in a document, with its path, in document order. It walks every value
    of every document, so it keeps a path only for what it yields or descends into."""
    if not isinstance(data, (dict, list)):
        if is_todo(data):
            yield path, data
        return
    stack: list[tuple[Path_, Any]] = [(path, data)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, str):      # only TODO values are ever put on the stack
            yield here, value
            continue
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend(reversed([
            (here + (key,), child) for key, child in pairs
            if isinstance(child, (dict, list))
            or (isinstance(child, str) and child.startswith(TODO) and is_todo(child))]))


@dataclass
class Estate:
    """All entities of one check run, plus what could not be read."""

    entities: dict[str, Entity] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    load_problems: list[LoadProblem] = field(default_factory=list)
    schema_problems: list[tuple[Document, SchemaProblem]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    # Names that documents which could not be read (GOV000: a syntax error, an unknown kind)
    # seem to define: references to them are not reported again as dangling (GOV004).
    unreadable_names: set[str] = field(default_factory=set)
    _by_kind: dict[str, list[Entity]] | None = field(default=None, repr=False)
    _indexed: int = field(default=0, repr=False)
    _names: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _names_indexed: int = field(default=-1, repr=False)

    def of_kind(self, kind: str) -> list[Entity]:
        if self._by_kind is None or self._indexed != len(self.entities):
            self._by_kind = {}
            for entity in self.entities.values():
                self._by_kind.setdefault(entity.kind, []).append(entity)
            self._indexed = len(self.entities)
        return self._by_kind.get(kind, [])

    def names(self, kind: str) -> frozenset[str]:
        """The names of every entity of `kind` (one set per kind while the estate is unchanged,
        so that what is derived from it, a suggestion index, is built once)."""
        if self._names_indexed != len(self.entities):
            self._names = {}
            self._names_indexed = len(self.entities)
        if kind not in self._names:
            self._names[kind] = frozenset(entity.name for entity in self.of_kind(kind))
        return self._names[kind]

    def lookup(self, kind: str, name: Any) -> Entity | None:
        if not isinstance(name, str):
            return None
        return self.entities.get(f"{kind.lower()}/{name}")

    def lookup_typed(self, reference: Any) -> Entity | None:
        """Resolve "person:NAME" / "team:NAME"."""
        if not isinstance(reference, str) or ":" not in reference:
            return None
        prefix, _, name = reference.partition(":")
        kind = TYPED_KINDS.get(prefix)
        return self.lookup(kind, name) if kind else None

    def people_of(self, reference: Any) -> set[str]:
        """The person names a typed reference stands for (a team expands to its members)."""
        entity = self.lookup_typed(reference)
        if entity is None:
            return set()
        if entity.kind == "Person":
            return {entity.name}
        members = entity.spec.get("members")
        return {member for member in members if isinstance(member, str)} if isinstance(members, list) else set()

    def function_of(self, reference: Any) -> str | None:
        """The team function a typed reference belongs to (a person: their team's)."""
        entity = self.lookup_typed(reference)
        if entity is not None and entity.kind == "Person":
            entity = self.lookup("Team", entity.spec.get("team"))
        function = entity.spec.get("function") if entity is not None else None
        return function if isinstance(function, str) else None
