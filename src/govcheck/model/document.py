"""A manifest document as loaded, and the problems found in loading and validating it.

These are the model's view of a file: positions are a locator's business (the loader's), so
that nothing here needs YAML."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

# Which files are manifests, for every command alike: `check` walking the disk and `diff`
# listing a revision must read the same estate, or a file could leave one unseen by the other.
MANIFEST_SUFFIXES = (".yaml", ".yml")


def in_hidden_folder(path: str) -> bool:
    """Whether a file, named relative to the manifests' folder with '/' separators, lies in a
    hidden folder (`.old/x.yaml`): no command reads manifests there."""
    return any(part.startswith(".") for part in path.split("/")[:-1])


class Locator(Protocol):
    """Works out, when first asked, where each node of a file's documents stands."""

    def located(self, index: int) -> tuple[dict[Path_, Position], dict[Path_, Position]]: ...

    def may_spell(self, text: str) -> bool:
        """False only when no string in the file can contain `text`: a quick test that lets a
        rule looking for one word skip a file without walking its values."""


@dataclass(frozen=True)
class LoadProblem:
    """A file or document that could not be read as a manifest (reported as GOV000)."""

    file: str
    line: int
    column: int
    message: str
    entity: str = ""     # kind/name when the problem lies inside a readable entity


@dataclass
class Document:
    """One YAML document: its plain value and where each node of it stands.

    Positions are worked out only when asked for (a finding needs a place): the first load
    skips them, which makes it about twice as fast, and most documents never need them."""

    file: str
    index: int
    data: Any
    start: Position
    source: Locator | None = field(default=None, repr=False, compare=False)
    damaged: bool = False   # some nodes were left out (reported): rules skip the entity

    @property
    def positions(self) -> dict[Path_, Position]:
        return self._located()[0]

    @property
    def key_positions(self) -> dict[Path_, Position]:
        return self._located()[1]

    def position(self, path: Path_) -> Position | None:
        return self.positions.get(tuple(path))

    def may_spell(self, text: str) -> bool:
        """False only when no string value of this document can contain `text`."""
        return self.source is None or self.source.may_spell(text)

    def _located(self) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
        if self.source is None:
            return {}, {}
        return self.source.located(self.index)


@dataclass(frozen=True)
class SchemaProblem:
    """A schema violation: where (a path into the document, or the key at that path)."""

    path: Path_
    message: str
    at_key: bool = False
    missing: bool = False
