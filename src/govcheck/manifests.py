"""From files to an estate: find the manifests, load them, check envelopes and schemas."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .loader import Document, LoadProblem, load_bytes
from .model import Entity, Estate

if TYPE_CHECKING:
    from .cache import ParseCache
from .schema import SchemaProblem

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A manifest file's bytes, named relative to the project root (POSIX separators)."""

    path: str
    data: bytes


def relative_name(path: Path | str, root: Path | str) -> str:
    """`path` relative to `root` with POSIX separators (absolute when outside it)."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    if path.startswith(root + os.sep):
        path = path[len(root) + 1:]
    return path.replace(os.sep, "/")


def discover(target: Path, root: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    """Every manifest file under `target` (a folder or one file), read from disk.

    Hidden folders are skipped; symlinks that leave the repository are reported, not read."""
    real_root = os.path.realpath(root)
    sources: list[SourceFile] = []
    problems: list[LoadProblem] = []
    if target.is_file():
        _read(str(target), str(root), real_root, sources, problems)
        return sources, problems
    for folder, subfolders, names in os.walk(target):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for link in [name for name in subfolders if os.path.islink(os.path.join(folder, name))]:
            problem = _escaping_link(os.path.join(folder, link), str(root), real_root)
            if problem is not None:
                problems.append(problem)
                subfolders.remove(link)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                _read(os.path.join(folder, name), str(root), real_root, sources, problems)
    return sources, problems


def _escaping_link(path: str, root: str, real_root: str) -> LoadProblem | None:
    resolved = os.path.realpath(path)
    if resolved == real_root or resolved.startswith(real_root + os.sep):
        return None
    return LoadProblem(relative_name(path, root), 1, 1,
                       f"symlink points outside the repository ({resolved}): not followed")


def _read(path: str, root: str, real_root: str, sources: list[SourceFile],
          problems: list[LoadProblem]) -> None:
    name = relative_name(path, root)
    if os.path.islink(path):
        problem = _escaping_link(path, root, real_root)
        if problem is not None:
            problems.append(problem)
            return
    try:
        with open(path, "rb") as stream:
            sources.append(SourceFile(name, stream.read()))
    except OSError as error:
        problems.append(LoadProblem(name, 1, 1, f"cannot read the file: {error.strerror}"))


@dataclass
class ParsedDocument:
    """A document with its kind (None when its envelope is not a known kind) and the schema
    problems found in it."""

    document: Document
    kind: str | None
    problems: list[SchemaProblem]


@dataclass
class ParsedFile:
    """Everything one file yields on its own: what the parse cache keeps."""

    documents: list[ParsedDocument]
    problems: list[LoadProblem]
    # Entity names the file seems to define although it could not all be read: once the
    # reported problem is fixed they may resolve, so GOV004 does not report them meanwhile.
    unreadable_names: tuple[str, ...] = ()


_NAME_LINE = re.compile(r"^\s*name:\s*[\"']?([a-z0-9][a-z0-9._-]*)", re.MULTILINE)
_NAME_FLOW = re.compile(r"metadata:\s*\{[^}\n]*?\bname:\s*[\"']?([a-z0-9][a-z0-9._-]*)")


def parse_file(source: SourceFile) -> ParsedFile:
    """Load one file and check each document's envelope and schema."""
    documents, problems = load_bytes(source.path, source.data)
    unreadable: tuple[str, ...] = ()
    if any(not problem.entity for problem in problems):   # a document was lost, not just a node
        text = source.data.decode("utf-8", "replace")
        unreadable = tuple(sorted({*_NAME_LINE.findall(text), *_NAME_FLOW.findall(text)}))
    return ParsedFile([_parse_document(document) for document in documents], problems, unreadable)


def _parse_document(document: Document) -> ParsedDocument:
    kind, problem = _envelope(document)
    if problem is not None:
        return ParsedDocument(document, None, [problem])
    if document.damaged or kind is None:
        return ParsedDocument(document, kind, [])  # already reported, not judged further
    problems = schema.validate(document.data, kind) + _structure(document.data, kind)
    return ParsedDocument(document, kind, problems)


def build_estate(sources: Iterable[SourceFile], problems: Iterable[LoadProblem] = (),
                 cache: ParseCache | None = None) -> Estate:
    """Parse every source (through the cache when given) and index the entities."""
    estate = Estate(load_problems=list(problems))
    for source in sorted(sources, key=lambda s: s.path):
        parsed = cache.get(source) if cache is not None else None
        if parsed is None:
            parsed = parse_file(source)
            if cache is not None:
                cache.put(source, parsed)
        estate.files.add(source.path)
        estate.load_problems.extend(parsed.problems)
        estate.unreadable_names.update(parsed.unreadable_names)
        for item in parsed.documents:
            add_document(estate, item)
    if cache is not None:
        cache.save()
    return estate


def add_document(estate: Estate, parsed: ParsedDocument) -> None:
    document = parsed.document
    estate.documents.append(document)
    estate.schema_problems.extend((document, problem) for problem in parsed.problems)
    metadata = document.data.get("metadata") if isinstance(document.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if parsed.kind is None or not isinstance(name, str):
        if isinstance(name, str):
            estate.unreadable_names.add(name)
        return
    entity = Entity(parsed.kind, name, document,
                    valid=not parsed.problems and not document.damaged)
    existing = estate.entities.get(entity.key)
    if existing is not None:
        line, _ = existing.locate(("metadata", "name"))
        estate.schema_problems.append((document, SchemaProblem(
            ("metadata", "name"),
            f"duplicate name: {entity.key} is already defined at {existing.file}:{line}")))
        return
    estate.entities[entity.key] = entity


def _envelope(document: Document) -> tuple[str | None, SchemaProblem | None]:
    """The document's kind when its envelope names a known apiVersion and kind, else the
    problem with the envelope."""
    data = document.data
    problem: SchemaProblem | None = None
    if not isinstance(data, dict):
        problem = SchemaProblem((), "a manifest must be a mapping with apiVersion, kind, "
                                    "metadata and spec")
    elif data.get("apiVersion") != schema.API_VERSION:
        problem = SchemaProblem(("apiVersion",), _api_version_message(data.get("apiVersion")),
                                missing="apiVersion" not in data)
    elif data.get("kind") not in schema.KINDS:
        problem = SchemaProblem(("kind",), _kind_message(data.get("kind")),
                                missing="kind" not in data)
    if problem is None:
        return str(data["kind"]), None
    return None, problem


def _api_version_message(value: Any) -> str:
    if value is None:
        return f"apiVersion is required: '{schema.API_VERSION}'"
    return f"unknown apiVersion '{value}': expected '{schema.API_VERSION}'"


def _kind_message(value: Any) -> str:
    kinds = ", ".join(schema.KINDS)
    if value is None:
        return f"kind is required: one of {kinds}"
    hint = schema.suggest(str(value), schema.KINDS)
    return f"unknown kind '{value}'{hint}: expected one of {kinds}"


def _structure(data: dict[str, Any], kind: str) -> list[SchemaProblem]:
    """What JSON Schema cannot say: dataset field names are unique."""
    if kind != "Dataset":
        return []
    spec = data.get("spec")
    fields = spec.get("fields") if isinstance(spec, dict) else None
    if not isinstance(fields, list):
        return []
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(fields):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name in seen:
            problems.append(SchemaProblem(("spec", "fields", index, "name"),
                                          f"field '{name}' is defined more than once"))
        if isinstance(name, str):
            seen.add(name)
    return problems
