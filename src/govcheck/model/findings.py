"""Findings: what a rule reports, as immutable data."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True)
class Finding:
    """One defect at one place. The engine stamps `rule` and `severity`; rules never do."""

    rule: str
    severity: Severity
    entity: str          # "kind/name", or "" when the defect is not inside an entity
    file: str            # path relative to the repository (or check) root, POSIX separators
    line: int            # 1-based
    column: int          # 1-based
    message: str
    waived: bool = False
    baselined: bool = False   # accepted as it was by the baseline file (not a waiver)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What the finding is, never where it stands: its rule, its entity (its file when it
        is outside every entity) and its message. A baseline entry and SARIF's
        `partialFingerprints` both key on it, so an edit or a move elsewhere keeps it."""
        return self.rule, self.entity or f"file:{self.file}", self.message

    @property
    def counts(self) -> bool:
        """Neither waived nor baselined: it counts towards the exit code."""
        return not (self.waived or self.baselined)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.column, self.rule, self.entity, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "entity": self.entity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "waived": self.waived,
        }
