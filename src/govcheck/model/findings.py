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
