"""Read ``python -X importtime`` output: which modules a run imported, and what they cost."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

# the modules the repeat run must not need when the remembered result answers
WATCHED = ("click", "yaml", "jsonschema", "platform")
HEADER = "import time: self [us] | cumulative | imported package"


@dataclass(frozen=True)
class ImportLine:
    name: str
    self_us: int
    cumulative_us: int
    depth: int  # 0 = imported by the program itself, 1 = by a depth-0 module, ...


@dataclass(frozen=True)
class ImportSummary:
    runs: int
    total_ms: float  # the depth-0 imports' cumulative time, median over the runs
    watched: dict[
        str, float | None
    ]  # module -> cumulative ms (median), None = not imported
    top: list[tuple[str, float]]  # the costliest depth-0 imports, ms (first run)
    modules: int  # how many modules the first run imported

    @property
    def imported(self) -> list[str]:
        return [name for name, ms in self.watched.items() if ms is not None]


def parse(stderr: str) -> list[ImportLine]:
    lines = []
    for raw in stderr.splitlines():
        if not raw.startswith("import time:") or raw.startswith(HEADER):
            continue
        fields = raw[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        label = fields[2].rstrip()
        name = label.lstrip()
        depth = (len(label) - len(name) - 1) // 2
        lines.append(ImportLine(name, int(fields[0]), int(fields[1]), depth))
    return lines


def cost_of(lines: list[ImportLine], module: str) -> float | None:
    """Milliseconds spent importing `module` (and what it pulled in); None if not imported.

    A module imported only through its submodules (``import click.core``) counts too: the
    costliest line of the package is taken.
    """
    mine = [
        line
        for line in lines
        if line.name == module or line.name.startswith(module + ".")
    ]
    return max(line.cumulative_us for line in mine) / 1000 if mine else None


def summarize(runs: list[list[ImportLine]], top: int = 8) -> ImportSummary:
    first = runs[0]
    totals = [
        sum(line.cumulative_us for line in run if line.depth == 0) / 1000
        for run in runs
    ]
    watched: dict[str, float | None] = {}
    for module in WATCHED:
        costs = [cost_of(run, module) for run in runs]
        present = [c for c in costs if c is not None]
        watched[module] = statistics.median(present) if present else None
    roots = sorted(
        ((line.name, line.cumulative_us / 1000) for line in first if line.depth == 0),
        key=lambda item: -item[1],
    )
    return ImportSummary(
        len(runs), statistics.median(totals), watched, roots[:top], len(first)
    )
