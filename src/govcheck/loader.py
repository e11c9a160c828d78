"""Safe YAML loading with a line and column for every node.

Documents are composed (never constructed) with libyaml when it is present, then turned into
plain Python values under YAML 1.2 core-schema rules: only true/false are booleans, dates stay
strings, merge keys are reported instead of expanded, duplicate keys and language tags are
errors, and alias expansion is bounded.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 100

Path_ = tuple[Union[str, int], ...]
Position = tuple[int, int]

_PLAIN = "tag:govcheck:plain"
_STR = "tag:yaml.org,2002:str"
_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_FLOAT_SPECIAL = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
                  "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
                  "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
                  ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}


class _ComposeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Tags every untagged node by its style only; values are resolved by `_scalar`."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        if kind is yaml.MappingNode:
            return "tag:yaml.org,2002:map"
        return "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class LoadProblem:
    """A file or document that could not be read as a manifest (reported as GOV000)."""

    file: str
    line: int
    column: int
    message: str


@dataclass
class Document:
    """One YAML document: its plain value and where each node of it stands."""

    file: str
    index: int
    data: Any
    start: Position
    positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)

    def position(self, path: Path_) -> Position | None:
        return self.positions.get(tuple(path))


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def _pos(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    tag: str = node.tag
    if tag == _STR:
        return value
    if tag == _PLAIN:
        return _core_schema(value)
    if tag.startswith(_CORE):
        return _explicit(node, tag[len(_CORE):], value)
    raise _Refused(node, _tag_refused(tag))


def _tag_refused(tag: str) -> str:
    shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
    return f"tag '{shown}' is not allowed: manifests hold plain data, no language-specific types"


def _core_schema(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if value in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[value]
    return value


def _explicit(node: yaml.ScalarNode, name: str, value: str) -> Any:
    if name in ("str", "timestamp"):
        return value
    resolved = _core_schema(value)
    wanted = {"null": type(None), "bool": bool, "int": int, "float": (float, int)}.get(name)
    if wanted is None:
        raise _Refused(node, _tag_refused(node.tag))
    if not isinstance(resolved, wanted) or (name == "int" and isinstance(resolved, bool)):
        raise _Refused(node, f"'{value}' is not a valid !!{name}")
    return float(resolved) if name == "float" else resolved


class _Converter:
    """Walks a composed node graph into plain values, recording positions."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.seen: set[int] = set()
        self.alias_nodes = 0

    def convert(self, node: yaml.Node, path: Path_, ancestors: frozenset[int],
                via_alias: bool) -> Any:
        if len(path) > MAX_DEPTH:
            raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in ancestors:
            raise _Refused(node, "an alias refers to the node that contains it (recursive alias)")
        via_alias = via_alias or id(node) in self.seen
        if via_alias:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _Refused(node, f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                                     "(a 'billion laughs' document?)")
        self.seen.add(id(node))
        self.document.positions.setdefault(path, _pos(node))
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            self._check_collection_tag(node, "seq")
            return [self.convert(item, path + (i,), inner, via_alias)
                    for i, item in enumerate(node.value)]
        self._check_collection_tag(node, "map")
        return self._mapping(node, path, inner, via_alias)

    @staticmethod
    def _check_collection_tag(node: yaml.Node, name: str) -> None:
        if node.tag not in (_CORE + name, _CORE + "o" + name):
            raise _Refused(node, _tag_refused(node.tag))

    def _mapping(self, node: yaml.MappingNode, path: Path_, ancestors: frozenset[int],
                 via_alias: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key in result:
                first = self.document.key_positions[path + (key,)]
                raise _Refused(key_node, f"duplicate key '{key}' (first at line {first[0]}): "
                                         "keys must be unique")
            self.document.key_positions[path + (key,)] = _pos(key_node)
            result[key] = self.convert(value_node, path + (key,), ancestors, via_alias)
        return result

    @staticmethod
    def _key(node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _Refused(node, "a mapping key must be a plain scalar")
        if node.tag == _PLAIN and node.value == "<<":
            raise _Refused(node, "merge keys ('<<') are not expanded: write the keys out")
        if node.tag not in (_PLAIN, _STR):
            _scalar(node)  # refuses disallowed tags with their own message
        return str(node.value)


def decode(file: str, data: bytes) -> tuple[str | None, LoadProblem | None]:
    """Bytes to text: UTF-8 (a BOM is allowed); binary and other encodings are reported."""
    if b"\x00" in data:
        return None, LoadProblem(file, 1, 1, "binary file (contains NUL bytes), not a YAML manifest")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, LoadProblem(file, line, column,
                                 f"not valid UTF-8 (byte 0x{data[error.start]:02x}): save the file as UTF-8")
    return text, None


def load_text(file: str, text: str) -> tuple[list[Document], list[LoadProblem]]:
    """Every non-empty document of one file, and what stopped any of them loading."""
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    text = text.replace("\r\n", "\n")
    try:
        for index, node in enumerate(_compose_all(text)):
            if node is None:
                continue
            document = Document(file, index, None, _pos(node))
            try:
                document.data = _Converter(document).convert(node, (), frozenset(), False)
            except _Refused as refused:
                line, column = _pos(refused.node)
                problems.append(LoadProblem(file, line, column, refused.message))
                continue
            if document.data is not None:
                documents.append(document)
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(file, error))
    except yaml.YAMLError as error:
        problems.append(LoadProblem(file, 1, 1, f"YAML error: {error}"))
    return documents, problems


def _compose_all(text: str) -> Iterator[yaml.Node | None]:
    loader = _ComposeLoader(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()


def _syntax_problem(file: str, error: yaml.MarkedYAMLError) -> LoadProblem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = error.problem or "invalid YAML"
    if error.context:
        what = f"{error.context}: {what}" if "while" not in error.context else f"{what} ({error.context})"
    return LoadProblem(file, line, column, f"YAML syntax error: {what}")


def load_bytes(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES
               ) -> tuple[list[Document], list[LoadProblem]]:
    if len(data) > max_bytes:
        return [], [LoadProblem(file, 1, 1, f"file is {len(data):,} bytes, over the "
                                            f"{max_bytes:,}-byte limit for a manifest: split it")]
    text, problem = decode(file, data)
    if problem is not None or text is None:
        return [], [problem] if problem else []
    return load_text(file, text)
