"""One file at a time: load its documents, check each envelope and schema."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govcheck.load import schema
from govcheck.load.discover import SourceFile
from govcheck.load.documents import load_bytes
from govcheck.model.document import Document, LoadProblem, SchemaProblem


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


# `[ \t]*`, not `\s*`, before the key: from every line start `\s*` would run across all the
# blank lines below it, which is quadratic in a file of blank lines (minutes for 400 KB).
_NAME_LINE = re.compile(r"^[ \t]*name:\s*[\"']?([a-z0-9][a-z0-9._-]*)", re.MULTILINE)
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
