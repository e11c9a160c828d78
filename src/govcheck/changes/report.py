"""The outcome of `govcheck diff`: changes, the sign-off each needs, the evidence judged.
Plain data, no I/O."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcheck.model.estate import Entity


class ChangeClass(str, enum.Enum):
    """How far a change reaches, most severe first."""

    BREAKING = "breaking"
    MAJOR = "major"
    MINOR = "minor"
    NONE = "none"           # needs nobody's sign-off: a fixed finding leaving the baseline

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return {"breaking": 3, "major": 2, "minor": 1, "none": 0}[self.value]


CHANGE_CLASSES = tuple(ChangeClass)      # most severe first
FAIL_ON_CLASSES = CHANGE_CLASSES[:-1]    # --fail-on none would fail on everything
FAIL_ON_UNSIGNED = "unsigned"            # --fail-on's default: only a missing sign-off fails


SIGNOFF_SOURCE_NAMES = {"cli": "--approved-by", "trailers": "trailer", "signed": "signed trailer",
                        "github": "review"}


@dataclass(frozen=True)
class Approval:
    """One piece of sign-off evidence, the BASE person it names, and why it does not count
    ("" when it does)."""

    source: str                     # cli | trailers | signed | github
    given: str                      # as given: "@janedoe", "Jane <jane@example.com>", ...
    where: str                      # "review 42", "commit 1a2b3c4d5e6f", "tag v1", ...
    person: str = ""                # "person/jane-doe"; "" when it names nobody at BASE
    reason: str = ""
    weak: bool = False              # an unsigned trailer: anyone could have typed it

    @property
    def counts(self) -> bool:
        return not self.reason

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "given": self.given, "where": self.where,
                "person": self.person or None, "counted": self.counts,
                "reason": self.reason or None}

    def describe(self) -> str:
        """`review 42 by @janedoe (person/jane-doe)`, `Approved-by: Jane <jane@example.com> in
        commit 1a2b3c4d5e6f (person/jane-doe)`: a trailer is not by the commit's author."""
        named = f" ({self.person})" if self.person else ""
        if self.source == "cli":
            return f"{self.where} {self.given}{named}"
        if self.source in ("trailers", "signed"):
            return f"Approved-by: {self.given} in {self.where}{named}"
        return f"{self.where} by {self.given}{named}"


@dataclass(frozen=True)
class NotCounted:
    """Evidence from someone that did not count towards one requirement, and why."""

    person: str
    source: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"person": self.person, "source": self.source, "reason": self.reason}

    def describe(self) -> str:
        source = SIGNOFF_SOURCE_NAMES.get(self.source, self.source)
        return f"{self.person.removeprefix('person/')} ({source}): {self.reason}"


@dataclass(frozen=True)
class Requirement:
    """A sign-off a change needs: `minimum` distinct people of `people` (resolved at BASE)."""

    group: str                      # e.g. "dataset/customer approvers"
    people: tuple[str, ...]         # "person/jane-doe", sorted
    minimum: int
    approved_by: tuple[str, ...]    # the people of the group who signed off, sorted
    not_counted: tuple[NotCounted, ...] = ()   # evidence that did not count, and why

    @property
    def satisfied(self) -> bool:
        return len(set(self.approved_by)) >= self.minimum

    def to_dict(self) -> dict[str, object]:
        return {"group": self.group, "people": list(self.people), "min": self.minimum,
                "approved_by": list(self.approved_by), "satisfied": self.satisfied,
                "not_counted": [item.to_dict() for item in self.not_counted]}


@dataclass(frozen=True)
class Change:
    """One governance change between two revisions. Detection fills in what it found, with
    the entities of both sides riding along so that sign-off can read who owned what at BASE
    (and what HEAD names); sign-off then fills in `requires`."""

    type: str                       # e.g. "dataset.field.removed"
    change_class: ChangeClass
    entity: str                     # kind/name, "config" or "baseline"
    detail: str
    file: str                       # in HEAD, or in BASE for removals
    line: int
    requires: tuple[Requirement, ...] = ()
    base: Entity | None = field(default=None, repr=False, compare=False)
    head: Entity | None = field(default=None, repr=False, compare=False)
    related: tuple[str, ...] = field(default=(), repr=False, compare=False)  # e.g. datasets

    def __post_init__(self) -> None:
        object.__setattr__(self, "change_class", ChangeClass(self.change_class))

    @property
    def kind(self) -> str:
        """The entity's kind in lower case ("dataset"), or "config"."""
        return self.entity.partition("/")[0]

    @property
    def satisfied(self) -> bool:
        return all(requirement.satisfied for requirement in self.requires)

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "class": self.change_class.value, "entity": self.entity,
                "detail": self.detail, "file": self.file, "line": self.line,
                "requires": [requirement.to_dict() for requirement in self.requires]}


@dataclass(frozen=True)
class DiffReport:
    """The outcome of `govcheck diff`."""

    base: str                       # base commit sha
    head: str                       # head commit sha, or "worktree" / "index"
    changes: tuple[Change, ...]
    fail_on: ChangeClass | None = None  # None: only a missing sign-off fails
    base_label: str = ""
    head_label: str = ""
    signoff_sources: tuple[str, ...] = ()
    evidence: tuple[Approval, ...] = ()     # every piece of sign-off evidence, judged
    notes: tuple[str, ...] = ()             # what a reader must know about the evidence

    @property
    def not_counted(self) -> list[Approval]:
        """The evidence that counted for nothing, each with its reason."""
        return [approval for approval in self.evidence if not approval.counts]

    def summary(self) -> dict[str, int]:
        # `none` is counted only when there is one: most diffs have none.
        counts = {change_class.value: 0 for change_class in FAIL_ON_CLASSES}
        for change in self.changes:
            value = change.change_class.value
            counts[value] = counts.get(value, 0) + 1
        unsatisfied = sum(1 for change in self.changes for r in change.requires if not r.satisfied)
        return {"changes": len(self.changes), **counts, "unsatisfied": unsatisfied}

    @property
    def failed(self) -> bool:
        """Unsigned required sign-off always fails; --fail-on CLASS also fails on changes of
        that class or a more severe one."""
        if any(not change.satisfied for change in self.changes):
            return True
        threshold = self.fail_on
        return threshold is not None and any(change.change_class.rank >= threshold.rank
                                             for change in self.changes)

    @property
    def fail_on_name(self) -> str:
        """--fail-on as the user spells it."""
        return self.fail_on.value if self.fail_on is not None else FAIL_ON_UNSIGNED
