"""What one benchmark run measured: the sections of commands, the estates and the machine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from imports import ImportSummary
from measure import Command, Load


@dataclass(frozen=True)
class EstateInfo:
    entities: int
    files: int
    bytes: int
    path: str


@dataclass
class Section:
    """Commands measured together, round-robin, with the load around them."""

    title: str
    rounds: int
    commands: list[Command]
    load_before: Load
    load_after: Load | None = None
    baseline: str | None = None  # the key of the command the ratio column divides by
    estate: EstateInfo | None = None
    detail: str = ""

    def get(self, key: str) -> Command | None:
        return next((c for c in self.commands if c.key == key and c.ok), None)


@dataclass
class Results:
    started: dt.datetime
    command_line: str
    load_before: Load
    machine: dict[str, str]
    versions: dict[str, str]
    load_after: Load | None = None
    finished: dt.datetime | None = None
    checks: dict[int, Section] = field(default_factory=dict)  # by entity count
    diff: Section | None = None
    diff_large: int = 0  # files the large change touches
    startup: Section | None = None
    imports: ImportSummary | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        sections = [*self.checks.values(), self.diff, self.startup]
        return [c.failure for s in sections if s for c in s.commands if c.failure]
