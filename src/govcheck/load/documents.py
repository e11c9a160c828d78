"""Safe YAML loading with a line and column for every node.

Documents are composed (never constructed) with libyaml when it is present, then turned into
plain Python values under YAML 1.2 core-schema rules: only true/false are booleans, dates stay
strings, merge keys are reported instead of expanded, duplicate keys and language tags are
errors, and alias expansion is bounded.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

import yaml

from govcheck.model.document import Document, LoadProblem, Path_, Position

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 100

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


_NO_PATH_RESOLVERS: dict[object, object] = {}


class _ComposeLoader(_BaseLoader):
    """Tags every untagged node by its style only; values are resolved by `_scalar`."""

    # The composer calls these two hooks around every node, for path resolvers, which
    # govcheck never registers. C builtins that do nothing spare a Python call per node
    # (a tenth of the composing): dict.get(parent, index) and tuple() return without effect.
    descend_resolver = _NO_PATH_RESOLVERS.get  # type: ignore[assignment]
    ascend_resolver = tuple  # type: ignore[assignment]

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        if kind is yaml.MappingNode:
            return "tag:yaml.org,2002:map"
        return "tag:yaml.org,2002:seq"


class _Source:
    """A file's text (or its bytes, decoded when needed), kept so that positions can be
    worked out on demand."""

    def __init__(self, text: str | bytes) -> None:
        self.text = text
        self._positions: dict[int, tuple[dict[Path_, Position], dict[Path_, Position]]] | None = None

    def located(self, index: int) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
        if self._positions is None:
            self._positions = {}
            text = self.text
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
            try:
                for number, node in enumerate(_compose_all(text)):
                    if node is not None:
                        self._positions[number] = _locate(node)
            except yaml.YAMLError:
                pass  # positions of the documents before the error are kept
        return self._positions.get(index, ({}, {}))

    def may_spell(self, text: str) -> bool:
        # A YAML string holds `text` only if the file does, or if an escape spells it (only
        # double-quoted strings have escapes: `"\x54ODO"`, or a line break escaped mid-word).
        if isinstance(self.text, bytes):
            return text.encode() in self.text or b"\\" in self.text
        return text in self.text or "\\" in self.text


def source_of(data: bytes) -> _Source:
    """Where the documents of a cached file find their positions when asked."""
    return _Source(data)


def _locate(node: yaml.Node) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
    converter = _Converter(record=True)
    try:
        converter.convert(node, (), 0, False)
    except _Refused:
        pass  # reported by the first load; the positions reached so far are still right
    return converter.positions, converter.key_positions


class _Refused(Exception):
    """A node govcheck will not take; the rest of the document is still read."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


class _Unreadable(_Refused):
    """A document that cannot be read at all (recursion, alias bomb, absurd depth)."""


def _pos(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _LongNumber(Exception):
    """An integer with more digits than Python converts (sys.get_int_max_str_digits)."""


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    tag: str = node.tag
    if tag == _STR:
        return value
    try:
        if tag == _PLAIN:
            return _core_schema(value)
        if tag.startswith(_CORE):
            return _explicit(node, tag[len(_CORE):], value)
    except _LongNumber:
        raise _Refused(node, _too_long(value)) from None
    raise _Refused(node, _tag_refused(tag))


def _too_long(value: str) -> str:
    digits = len(value.lstrip("+-"))
    return f"a number of {digits:,} digits is too long: write a shorter number, or quote it"


def _tag_refused(tag: str) -> str:
    shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
    return f"tag '{shown}' is not allowed: manifests hold plain data, no language-specific types"


_MAYBE_NOT_STRING = frozenset("0123456789+-.~nNtTfF")
_SCALAR = yaml.ScalarNode
_intern = sys.intern
_SEQ_TAGS = (_CORE + "seq", _CORE + "oseq")
_MAP_TAGS = (_CORE + "map", _CORE + "omap")


def _core_schema(value: str) -> Any:
    if value and value[0] not in _MAYBE_NOT_STRING:
        return value  # the common case: plain text
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        try:
            return int(value)
        except ValueError:   # more digits than Python converts
            raise _LongNumber from None
    if _INT_OCT.match(value):
        return int(value, 0)
    if _INT_HEX.match(value):
        return int(value, 0)
    if _FLOAT.match(value):
        return float(value)
    if value in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[value]
    return value


_EXPLICIT_TYPES: dict[str, type | tuple[type, ...]] = {
    "null": type(None), "bool": bool, "int": int, "float": (float, int)}


def _explicit(node: yaml.ScalarNode, name: str, value: str) -> Any:
    if name in ("str", "timestamp"):
        return value
    resolved = _core_schema(value)
    wanted = _EXPLICIT_TYPES.get(name)
    if wanted is None:
        raise _Refused(node, _tag_refused(node.tag))
    if not isinstance(resolved, wanted) or (name == "int" and isinstance(resolved, bool)):
        raise _Refused(node, f"'{value}' is not a valid !!{name}")
    return float(resolved) if name == "float" and isinstance(resolved, (int, float)) else resolved


class _Converter:
    """Walks a composed node graph into plain values (recording positions when asked)."""

    def __init__(self, record: bool = False) -> None:
        self.record = record
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self.seen: set[int] = set()      # collections converted so far
        self.open: set[int] = set()      # collections being converted: a repeat is recursion
        self.alias_nodes = 0
        self.refused: list[_Refused] = []   # nodes left out; the document is marked damaged

    def convert(self, node: yaml.Node, path: Path_, depth: int, via_alias: bool) -> Any:
        if self.record:
            self.positions.setdefault(path, _pos(node))
        if node.__class__ is _SCALAR:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag != _PLAIN:
                return self._tagged(node)
            return self._plain(node)
        return self._collection(node, path, depth, via_alias)

    def _plain(self, node: yaml.ScalarNode) -> Any:
        """A plain scalar's value under the core schema; a number too long to convert is
        refused (reported) and left out."""
        try:
            return _core_schema(node.value)
        except _LongNumber:
            self.refused.append(_Refused(node, _too_long(node.value)))
            return None

    def _tagged(self, node: yaml.ScalarNode) -> Any:
        try:
            return _scalar(node)
        except _Refused as refused:
            self.refused.append(refused)
            return None

    def _collection(self, node: yaml.Node, path: Path_, depth: int, via_alias: bool) -> Any:
        identity = id(node)
        if identity in self.open:
            raise _Unreadable(node, "an alias refers to the node that contains it (recursive alias)")
        if depth > MAX_DEPTH:
            raise _Unreadable(node, f"nesting deeper than {MAX_DEPTH} levels")
        if via_alias or identity in self.seen:
            via_alias = True
            self.alias_nodes += len(node.value) + 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _Unreadable(node, f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                                     "(a 'billion laughs' document?)")
        self.seen.add(identity)
        self.open.add(identity)
        try:
            if node.__class__ is yaml.SequenceNode:
                if node.tag not in _SEQ_TAGS:
                    self.refused.append(_Refused(node, _tag_refused(node.tag)))
                return self._sequence(node, path, depth, via_alias)
            if node.tag not in _MAP_TAGS:
                self.refused.append(_Refused(node, _tag_refused(node.tag)))
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, path, depth, via_alias)
        finally:
            self.open.discard(identity)

    # The two loops below take a plain or quoted scalar in line, without a call: scalars are
    # most of a manifest, and this walk is a third of a first run's parse. Anything else
    # (tags, collections, recording positions) goes through `convert`, which says the same.

    def _sequence(self, node: yaml.SequenceNode, path: Path_, depth: int,
                  via_alias: bool) -> list[Any]:
        result: list[Any] = []
        record = self.record
        for index, item in enumerate(node.value):
            if not record and item.__class__ is _SCALAR and item.tag == _STR:
                result.append(_intern(item.value))
            elif not record and item.__class__ is _SCALAR and item.tag == _PLAIN:
                value = item.value
                result.append(_intern(value) if value and value[0] not in _MAYBE_NOT_STRING
                              else self._plain(item))
            else:
                result.append(self.convert(item, path + (index,) if record else path,
                                           depth + 1, via_alias))
        return result

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int,
                 via_alias: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}   # each key's node, for a duplicate's message
        record = self.record
        for key_node, value_node in node.value:
            # Keys and text values are interned: an estate repeats the same few dozen keys in
            # every document and the same names and enum values across documents; one string
            # each instead of one per use is half of a large estate's memory.
            if key_node.__class__ is _SCALAR and (key_node.tag == _STR or (
                    key_node.tag == _PLAIN and key_node.value != "<<")):
                key: str = _intern(key_node.value)
            else:
                try:
                    key = _intern(_key(key_node))
                except _Refused as refused:
                    self.refused.append(refused)
                    continue
            if key in first:
                # never last-one-wins: the first value stays
                self.refused.append(_Refused(key_node, _duplicate(first[key], key)))
                continue
            first[key] = key_node
            if record:
                child = path + (key,)
                self.key_positions[child] = _pos(key_node)
                result[key] = self.convert(value_node, child, depth + 1, via_alias)
            elif value_node.__class__ is _SCALAR and value_node.tag == _STR:
                result[key] = _intern(value_node.value)
            elif value_node.__class__ is _SCALAR and value_node.tag == _PLAIN:
                value = value_node.value
                result[key] = (_intern(value) if value and value[0] not in _MAYBE_NOT_STRING
                               else self._plain(value_node))
            else:
                result[key] = self.convert(value_node, path, depth + 1, via_alias)
        return result


def _duplicate(first: yaml.Node, key: str) -> str:
    return f"duplicate key '{key}' (first at line {_pos(first)[0]}): keys must be unique"


def _key(node: yaml.Node) -> str:
    if node.__class__ is not yaml.ScalarNode:
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


def load_text(file: str, text: str, source: _Source | None = None
              ) -> tuple[list[Document], list[LoadProblem]]:
    """Every non-empty document of one file, and what stopped any of them loading; `source`
    is where positions are worked out from when asked (by default, this text)."""
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    text = text.replace("\r\n", "\n")
    source = source or _Source(text)
    try:
        for index, node in enumerate(_compose_all(text)):
            if node is None:
                continue
            document = Document(file, index, None, _pos(node), source)
            converter = _Converter()
            try:
                document.data = converter.convert(node, (), 0, False)
            except _Unreadable as unreadable:
                problems.append(_problem(file, unreadable, ""))
                continue
            document.damaged = bool(converter.refused)
            problems.extend(_problem(file, refused, entity_key(document.data))
                            for refused in converter.refused)
            if document.data is not None:
                documents.append(document)
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(file, error, text))
    except yaml.YAMLError as error:
        problems.append(LoadProblem(file, 1, 1, f"YAML error: {error}"))
    return documents, problems


def _problem(file: str, refused: _Refused, entity: str) -> LoadProblem:
    line, column = _pos(refused.node)
    return LoadProblem(file, line, column, refused.message, entity)


def entity_key(data: Any) -> str:
    """"kind/name" of a manifest document, or "" when it does not name both."""
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        return ""
    kind, name = data.get("kind"), data["metadata"].get("name")
    return f"{kind.lower()}/{name}" if isinstance(kind, str) and isinstance(name, str) else ""


def _compose_all(text: str) -> Iterator[yaml.Node | None]:
    loader = _ComposeLoader(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()


# What usually causes libyaml's terser complaints, said as what to do about them.
_SYNTAX_HINTS = (
    ("mapping values are not allowed", ("check this line's indentation against the lines "
                                       "above, or quote a value that contains ': '")),
    ("did not find expected key", ("check the indentation: this line does not line up with "
                                  "the keys above it")),
    ("could not find expected ':'", "a key needs ': ' after it; quote a value that spans lines"),
)


def _syntax_problem(file: str, error: yaml.MarkedYAMLError, text: str) -> LoadProblem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = error.problem or "invalid YAML"
    if error.context:
        what = f"{error.context}: {what}" if "while" not in error.context else f"{what} ({error.context})"
    return LoadProblem(file, line, column, f"YAML syntax error: {what}{_hint(what, text, line, column)}")


def _hint(what: str, text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if line <= len(lines) and "\t" in lines[line - 1][:column]:
        return ": indent with spaces, YAML does not allow tabs"
    return next((f": {hint}" for cause, hint in _SYNTAX_HINTS if cause in what), "")


def load_bytes(file: str, data: bytes, max_bytes: int = MAX_FILE_BYTES
               ) -> tuple[list[Document], list[LoadProblem]]:
    if len(data) > max_bytes:
        return [], [LoadProblem(file, 1, 1, f"file is {len(data):,} bytes, over the "
                                            f"{max_bytes:,}-byte limit for a manifest: split it")]
    text, problem = decode(file, data)
    if problem is not None or text is None:
        return [], [problem] if problem else []
    # Positions come from the bytes, decoded again if ever asked: the caller keeps the bytes
    # anyway, and keeping the text as well would double what every file costs in memory.
    return load_text(file, text, _Source(data))
