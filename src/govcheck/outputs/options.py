"""How a formatter is asked to write: the options every format understands."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FormatOptions:
    color: bool = False
    show_waived: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    quiet: bool = False     # only what needs attention: no summary, nothing when all is well
