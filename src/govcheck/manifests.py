"""From files to an estate: find the manifests, load them, check envelopes and schemas."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema
from .loader import Document, LoadProblem, load_bytes
from .model import Entity, Estate
from .schema import SchemaProblem

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A manifest file's bytes, named relative to the project root (POSIX separators)."""

    path: str
    data: bytes


def relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(target: Path, root: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    """Every manifest file under `target` (a folder or one file), read from disk.

    Symlinks are followed only while they stay inside `root`; hidden folders are skipped."""
    if target.is_file():
        return [SourceFile(relative_name(target, root), target.read_bytes())], []
    sources: list[SourceFile] = []
    problems: list[LoadProblem] = []
    real_root = root.resolve()
    for folder, subfolders, names in os.walk(target, followlinks=False):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for link in [name for name in subfolders if (Path(folder) / name).is_symlink()]:
            problem = _escaping_link(Path(folder) / link, root, real_root)
            if problem is not None:
                problems.append(problem)
                subfolders.remove(link)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                _read(Path(folder) / name, root, real_root, sources, problems)
    return sources, problems


def _escaping_link(path: Path, root: Path, real_root: Path) -> LoadProblem | None:
    resolved = path.resolve()
    if resolved == real_root or real_root in resolved.parents:
        return None
    return LoadProblem(relative_name(path, root), 1, 1,
                       f"symlink points outside the repository ({resolved}): not followed")


def _read(path: Path, root: Path, real_root: Path, sources: list[SourceFile],
          problems: list[LoadProblem]) -> None:
    name = relative_name(path, root)
    if path.is_symlink():
        problem = _escaping_link(path, root, real_root)
        if problem is not None:
            problems.append(problem)
            return
    try:
        sources.append(SourceFile(name, path.read_bytes()))
    except OSError as error:
        problems.append(LoadProblem(name, 1, 1, f"cannot read the file: {error.strerror}"))


def build_estate(sources: Iterable[SourceFile], problems: Iterable[LoadProblem] = ()) -> Estate:
    """Load every source, check each document's envelope and schema, index the entities."""
    estate = Estate(load_problems=list(problems))
    for source in sorted(sources, key=lambda s: s.path):
        documents, load_problems = load_bytes(source.path, source.data)
        estate.files.add(source.path)
        estate.load_problems.extend(load_problems)
        for document in documents:
            add_document(estate, document)
    return estate


def add_document(estate: Estate, document: Document) -> None:
    estate.documents.append(document)
    kind = _envelope(estate, document)
    if kind is None:
        return
    # A damaged document (nodes left out, already reported) is not judged any further.
    problems = [] if document.damaged else (schema.validate(document.data, kind)
                                            + _structure(document.data, kind))
    estate.schema_problems.extend((document, problem) for problem in problems)
    name = document.data.get("metadata", {}).get("name") if isinstance(
        document.data.get("metadata"), dict) else None
    if not isinstance(name, str):
        return
    entity = Entity(kind, name, document, valid=not problems and not document.damaged)
    existing = estate.entities.get(entity.key)
    if existing is not None:
        line, _ = existing.locate(("metadata", "name"))
        estate.schema_problems.append((document, SchemaProblem(
            ("metadata", "name"),
            f"duplicate name: {entity.key} is already defined at {existing.file}:{line}")))
        return
    estate.entities[entity.key] = entity


def _envelope(estate: Estate, document: Document) -> str | None:
    """The document's kind when its envelope names a known apiVersion and kind, else None."""
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
        return str(data["kind"])
    estate.schema_problems.append((document, problem))
    return None


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
