"""The outcome of `govcheck check`: plain data, no I/O."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
