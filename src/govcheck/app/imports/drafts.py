"""What every importer hands over: drafts of manifests, each with where its facts came from,
and the problems of the input, each with its file and line."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govcheck.load.discover import discover
from govcheck.load.documents import load_bytes
from govcheck.load.schema import API_VERSION
from govcheck.model.document import Document

NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")
KIND_FOLDERS = {"Team": "teams", "Person": "people", "System": "systems", "Dataset": "datasets",
                "Integration": "integrations"}
CATEGORIES = ("website", "mobile-app", "crm", "erp", "ecommerce", "marketing-automation",
              "booking", "support", "finance", "data-warehouse", "reporting", "ipaas", "other")
FUNCTIONS = ("marketing", "sales", "operations", "finance", "technology", "data", "support",
             "digital", "executive", "other")
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")

# The decisions an importer cannot infer, as GOV020 will list them.
TODO_FUNCTION = f"TODO: {', '.join(FUNCTIONS[:-1])} or {FUNCTIONS[-1]}"
TODO_CATEGORY = f"TODO: {', '.join(CATEGORIES[:-1])} or {CATEGORIES[-1]}"
TODO_ROLE = "TODO: what this system is responsible for"
TODO_EMAIL = "TODO: an email address that reaches this person"
TODO_SYSTEM_OF_RECORD = "TODO: the one system that holds the record of this data"


@dataclass(frozen=True)
class Origin:
    """Where a fact came from: a source file and a line (1-based)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input: one line, with its file and line."""

    origin: Origin
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass
class Draft:
    """One manifest to write: its kind, name, metadata and spec, and its origin."""

    kind: str
    name: str
    spec: dict[str, Any]
    origin: Origin
    source_format: str
    metadata: dict[str, Any] = field(default_factory=dict)   # title, description, labels

    @property
    def key(self) -> str:
        return f"{self.kind.lower()}/{self.name}"

    @property
    def path(self) -> str:
        """Where it goes, relative to the import's target folder."""
        return f"{KIND_FOLDERS[self.kind]}/{self.name}.yaml"

    def document(self) -> dict[str, Any]:
        metadata = {"name": self.name, **{key: value for key, value in self.metadata.items()
                                          if value not in (None, "", {})}}
        return {"apiVersion": API_VERSION, "kind": self.kind, "metadata": metadata,
                "spec": self.spec,
                "x-imported-from": f"{self.source_format} {self.origin}"}


@dataclass
class Reading:
    """What an importer made of its sources."""

    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)    # what was left out on purpose, and why

    def extend(self, other: Reading) -> None:
        self.drafts += other.drafts
        self.problems += other.problems
        self.notes += other.notes

    def yaml_documents(self, sources: Iterable[Path], cwd: Path) -> Iterator[Document]:
        """Every YAML document under `sources` (files or folders), read with govcheck's own
        safe loader; what cannot be read becomes one of this reading's problems."""
        for source in sources:
            files, load_problems = discover(source, cwd)
            self.problems += [Problem(Origin(p.file, p.line), p.message) for p in load_problems]
            for file in files:
                documents, problems = load_bytes(file.path, file.data)
                self.problems += [Problem(Origin(p.file, p.line), p.message) for p in problems]
                yield from documents


def slug(text: str) -> str:
    """A govcheck name for a display name: `Checkout Team` → `checkout-team`."""
    lowered = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower())
    return re.sub(r"-{2,}", "-", lowered).strip("-._")[:63].strip("-._")


def name_problem(value: str, what: str) -> str | None:
    """Why `value` is not a govcheck name (with the name it could be), or None."""
    if NAME.match(value):
        return None
    suggestion = slug(value)
    hint = f": try '{suggestion}'" if suggestion and NAME.match(suggestion) else ""
    return (f"{what} '{value}' is not a valid govcheck name (lower case letters, digits, "
            f"'.', '_' and '-', at most 63 characters){hint}")


def text(value: Any) -> str:
    """A cell or a scalar as trimmed text ("" for nothing)."""
    return "" if value is None else str(value).strip()


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one (the input's shape is not trusted)."""
    return value if isinstance(value, dict) else {}


def listing(value: Any) -> list[Any]:
    """`value` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []
