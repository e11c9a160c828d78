"""What a command hands to a formatter: plain data, no I/O."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govcheck.model.findings import Finding, Severity

if TYPE_CHECKING:  # policy pulls in the YAML loader: not on the start-up path
    from govcheck.rules.baseline import BaselineOutcome
    from govcheck.rules.policy import Rule


@dataclass(frozen=True)
class CheckReport:
    """The outcome of `govcheck check`."""

    findings: tuple[Finding, ...]
    rules: dict[str, Rule]
    as_of: dt.date
    entities: int
    files: int
    fail_on: Severity = Severity.ERROR
    baseline: BaselineOutcome | None = None    # None: no baseline in use

    @property
    def active(self) -> list[Finding]:
        """Findings that count: neither waived nor baselined."""
        return [finding for finding in self.findings if finding.counts]

    @property
    def baselined(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.baselined]

    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.active:
            counts[finding.severity.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(finding.severity.rank >= self.fail_on.rank for finding in self.active)


@dataclass(frozen=True)
class FormatOptions:
    color: bool = False
    show_waived: bool = False
    extra: dict[str, str] = field(default_factory=dict)


# Most severe first; `none` is a change that needs nobody's sign-off (a fixed finding leaving
# the baseline).
CHANGE_CLASSES = ("breaking", "major", "minor", "none")


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
        """`review 42 by @janedoe (person/jane-doe)`."""
        named = f" ({self.person})" if self.person else ""
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
    """One governance change between two revisions."""

    type: str                       # e.g. "dataset.field.removed"
    change_class: str               # breaking | major | minor | none
    entity: str                     # kind/name, or "config"
    detail: str
    file: str                       # in HEAD, or in BASE for removals
    line: int
    requires: tuple[Requirement, ...] = ()

    @property
    def satisfied(self) -> bool:
        return all(requirement.satisfied for requirement in self.requires)

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "class": self.change_class, "entity": self.entity,
                "detail": self.detail, "file": self.file, "line": self.line,
                "requires": [requirement.to_dict() for requirement in self.requires]}


@dataclass(frozen=True)
class DiffReport:
    """The outcome of `govcheck diff`."""

    base: str                       # base commit sha
    head: str                       # head commit sha, or "worktree" / "index"
    changes: tuple[Change, ...]
    fail_on: str = "unsigned"       # breaking | major | minor | unsigned
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
        # `none` is counted only when there is one: it needs no sign-off, and most diffs have none.
        counts = {name: 0 for name in CHANGE_CLASSES if name != "none"}
        for change in self.changes:
            counts[change.change_class] = counts.get(change.change_class, 0) + 1
        unsatisfied = sum(1 for change in self.changes for r in change.requires if not r.satisfied)
        return {"changes": len(self.changes), **counts, "unsatisfied": unsatisfied}

    @property
    def failed(self) -> bool:
        """Unsigned required sign-off always fails; --fail-on CLASS also fails on changes of
        that class or a more severe one."""
        if any(not change.satisfied for change in self.changes):
            return True
        if self.fail_on == "unsigned":
            return False
        threshold = CHANGE_CLASSES.index(self.fail_on)
        return any(CHANGE_CLASSES.index(change.change_class) <= threshold for change in self.changes)
