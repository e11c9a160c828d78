"""The targets of issue 11 as ratios of figures from one run, each with its verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from measure import Command
from results import Results, Section

LARGE_CHANGE_LIMIT = (
    1.5  # the issue says "independent of the change size" and gives no number
)


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str  # the figures the ratio is made of
    ratio: str  # the figure compared with the limit
    limit: str
    met: bool | None  # None: not measured in this run
    times_limit: float | None = None  # the figure as a multiple of its limit
    in_cpu: str = ""  # the same figure in CPU seconds, which other work moves less

    @property
    def word(self) -> str:
        if self.met is None:
            return "not measured"
        return "met" if self.met else "MISSED"

    @property
    def margin(self) -> str:
        if self.times_limit is None:
            return ""
        return f"{self.times_limit:.2f}× the limit"


def _missing(target: str, limit: str) -> Verdict:
    return Verdict(target, "—", "—", limit, None)


def _wall(section: Section | None, key: str) -> Command | None:
    return section.get(key) if section else None


def ratio_of(
    target: str,
    a: Command | None,
    b: Command | None,
    limit: float,
    fraction: bool = False,
) -> Verdict:
    """a's median ÷ b's median against `limit`; `fraction` shows it as 1/x (b is the slower)."""
    shown_limit = f"≤ 1/{1 / limit:g}" if fraction else f"≤ {limit:g}×"
    if a is None or b is None or not b.wall:
        return _missing(target, shown_limit)
    value, cpu = a.wall / b.wall, a.cpu / b.cpu if b.cpu else math.nan
    measured = f"{a.wall:.3f} s vs {b.wall:.3f} s"
    return Verdict(
        target,
        measured,
        _shown(value, fraction),
        shown_limit,
        value <= limit,
        value / limit,
        _shown(cpu, fraction),
    )


def _shown(ratio: float, fraction: bool) -> str:
    if math.isnan(ratio) or not ratio:
        return "—"
    return f"1/{1 / ratio:.1f}" if fraction else f"{ratio:.2f}×"


def absolute(target: str, value: float | None, unit: str, limit: float) -> Verdict:
    shown_limit = f"≤ {limit:g} {unit}"
    if value is None or math.isnan(value):
        return _missing(target, shown_limit)
    figure = f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"
    return Verdict(target, figure, figure, shown_limit, value <= limit, value / limit)


def seconds_of(target: str, command: Command | None, limit: float) -> Verdict:
    """A command's median wall-clock seconds against `limit`."""
    verdict = absolute(target, command.wall if command else None, "s", limit)
    if command is None:
        return verdict
    return replace(verdict, in_cpu=f"{command.cpu:.2f} s")


def first_run_targets(results: Results) -> list[Verdict]:
    small, middle = results.checks.get(1000), results.checks.get(10000)
    return [
        ratio_of(
            "first run, 1,000 entities ÷ check-jsonschema",
            _wall(small, "first"),
            _wall(small, "check-jsonschema"),
            1 / 25,
            fraction=True,
        ),
        ratio_of(
            "first run, 1,000 entities ÷ floor",
            _wall(small, "first"),
            _wall(small, "floor"),
            6,
        ),
        ratio_of(
            "first run, 10,000 entities ÷ floor",
            _wall(middle, "first"),
            _wall(middle, "floor"),
            12,
        ),
        ratio_of(
            "repeat run, 1,000 entities ÷ floor",
            _wall(small, "repeat"),
            _wall(small, "floor"),
            3,
        ),
    ]


def large_estate_targets(results: Results) -> list[Verdict]:
    small, large = results.checks.get(1000), results.checks.get(50000)
    first = _wall(large, "first")
    verdicts = [
        seconds_of("first run, 50,000 entities", first, 20),
        absolute(
            "first run, 50,000 entities, peak memory",
            first.peak_mb if first else None,
            "MB",
            400,
        ),
    ]
    base = _wall(small, "first")
    limit = "≤ 1.00×"
    name = "first run, s per 1,000 entities: at 50,000 ÷ at 1,000"
    if first is None or base is None:
        verdicts.append(_missing(name, limit))
        return verdicts
    per_large, per_small = first.wall / 50, base.wall
    value = per_large / per_small
    measured = f"{per_large:.3f} s vs {per_small:.3f} s"
    in_cpu = f"{first.cpu / 50 / base.cpu:.2f}×" if base.cpu else "—"
    verdicts.append(
        Verdict(name, measured, f"{value:.2f}×", limit, value <= 1, value, in_cpu)
    )
    return verdicts


def diff_targets(results: Results) -> list[Verdict]:
    section = results.diff
    one_empty, one_warm = _wall(section, "diff-1-empty"), _wall(section, "diff-1-warm")
    many_empty, many_warm = (
        _wall(section, "diff-many-empty"),
        _wall(section, "diff-many-warm"),
    )
    entities = (
        f"{section.estate.entities:,}" if section and section.estate else "10,000"
    )
    many = f"{results.diff_large:,} files"
    return [
        seconds_of(f"diff, {entities} entities, one file, empty cache", one_empty, 5),
        seconds_of(f"diff, {entities} entities, one file, warm", one_warm, 1),
        ratio_of(
            f"diff, {many} ÷ one file, empty cache (bench's limit)",
            many_empty,
            one_empty,
            LARGE_CHANGE_LIMIT,
        ),
        ratio_of(
            f"diff, {many} ÷ one file, warm (bench's limit)",
            many_warm,
            one_warm,
            LARGE_CHANGE_LIMIT,
        ),
    ]


def startup_targets(results: Results) -> list[Verdict]:
    section = results.startup
    verdicts = [
        ratio_of(
            "`govcheck --version` ÷ `python -c pass`",
            _wall(section, "version"),
            _wall(section, "python"),
            2.5,
        )
    ]
    summary = results.imports
    name = "repeat run imports none of " + ", ".join(
        f"`{m}`" for m in (summary.watched if summary else ())
    )
    if summary is None:
        verdicts.append(
            _missing(
                "repeat run imports none of click, yaml, jsonschema, platform", "none"
            )
        )
        return verdicts
    imported = summary.imported
    verdicts.append(
        Verdict(
            name,
            ", ".join(imported) or "none of them",
            f"{len(imported)} of {len(summary.watched)} imported",
            "none",
            not imported,
        )
    )
    return verdicts


def evaluate(results: Results) -> list[Verdict]:
    return [
        *first_run_targets(results),
        *large_estate_targets(results),
        *diff_targets(results),
        *startup_targets(results),
    ]
