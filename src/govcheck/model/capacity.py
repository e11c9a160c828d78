"""API capacity: the load integrations declare on a system's API, against its rate limit.

An integration declares `volume: {requests: N, per: second|minute|hour|day, peak: F}` (peak
optional, default 1): N calls in an ordinary period, F times that at the busiest hour. A
system declares `api.rate_limit: {requests: N, per: ...}`. Rates are converted exactly
(fractions of a request per second), so a load exactly at the limit is at the limit, never a
rounding error above it.

Whose API an integration calls, by its mode:
- real-time: the target's (the source pushes events to it); a bidirectional link calls both;
- scheduled: the target's, and the source's too (a scheduled run pulls), unless the method is
  file-transfer (it reads files, not the API);
- manual: nobody's (people do the work).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from govcheck.model.estate import Entity, Estate

PER_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
DEFAULT_HEADROOM = Fraction(4, 5)


@dataclass(frozen=True)
class Rate:
    """`requests` calls per `per`, times a peak factor."""

    requests: int
    per: str
    peak: Fraction = Fraction(1)

    @property
    def per_second(self) -> Fraction:
        return self.requests * self.peak / PER_SECONDS[self.per]

    def describe(self) -> str:
        """`250 per hour`, `250 per hour (x10 at peak)`."""
        peak = f" (x{number(self.peak)} at peak)" if self.peak != 1 else ""
        return f"{number(Fraction(self.requests))} per {self.per}{peak}"


def parse_rate(value: Any) -> Rate | None:
    """A `{requests, per[, peak]}` mapping, or None when it is missing or malformed (the
    schema reports a malformed one: GOV000)."""
    if not isinstance(value, dict):
        return None
    requests, per, peak = _whole(value.get("requests")), value.get("per"), value.get("peak", 1)
    if requests is None or requests < 1 or not isinstance(per, str) or per not in PER_SECONDS:
        return None   # `per: [day]` is a list: not even a key to look up
    if isinstance(peak, bool) or not isinstance(peak, (int, float)) or peak < 1 or (
            isinstance(peak, float) and not math.isfinite(peak)):
        return None
    return Rate(requests, per, Fraction(str(peak)))


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else None


def headroom_fraction(value: float) -> Fraction:
    """The configured headroom as an exact fraction (0.8 is 4/5, not 0.8000000000000000444)."""
    return Fraction(str(value))


def api_callers(integration: Entity) -> tuple[str, ...]:
    """The systems whose API an integration calls (see the module's docstring)."""
    spec = integration.spec
    source, target, mode = spec.get("source"), spec.get("target"), spec.get("mode")
    if mode not in ("real-time", "scheduled"):
        return ()
    called = [target]
    if spec.get("direction") == "bidirectional" or (
            mode == "scheduled" and spec.get("method") != "file-transfer"):
        called.append(source)
    return tuple(dict.fromkeys(name for name in called if isinstance(name, str)))


@dataclass(frozen=True)
class Share:
    """One integration's declared peak load on a system's API, in requests per second."""

    integration: str
    volume: Rate
    per_second: Fraction


@dataclass(frozen=True)
class SystemLoad:
    """The declared peak load on one system's API, and its rate limit (None: not given)."""

    system: str
    limit: Rate | None
    headroom: Fraction
    shares: tuple[Share, ...]

    @property
    def per_second(self) -> Fraction:
        return sum((share.per_second for share in self.shares), Fraction(0))

    @property
    def allowed_per_second(self) -> Fraction | None:
        return self.limit.per_second * self.headroom if self.limit is not None else None

    @property
    def within(self) -> bool | None:
        """Whether the load fits within the headroom; None without a rate limit."""
        allowed = self.allowed_per_second
        return None if allowed is None else self.per_second <= allowed

    def in_limit_unit(self, per_second: Fraction) -> Fraction:
        """A rate in requests per the rate limit's period (per second without a limit)."""
        return per_second * PER_SECONDS[self.limit.per if self.limit else "second"]

    def share_of_limit(self, per_second: Fraction) -> Fraction | None:
        """A rate as a fraction of the rate limit."""
        return per_second / self.limit.per_second if self.limit is not None else None


def system_loads(estate: Estate, headroom: Fraction = DEFAULT_HEADROOM) -> dict[str, SystemLoad]:
    """Every system that declared load falls on, by name; integrations with a schema error
    are left out (GOV000 reports them)."""
    shares: dict[str, list[Share]] = {}
    for integration in estate.of_kind("Integration"):
        volume = parse_rate(integration.spec.get("volume")) if integration.valid else None
        if volume is None:
            continue
        for system in api_callers(integration):
            shares.setdefault(system, []).append(
                Share(integration.name, volume, volume.per_second))
    return {name: load_on(estate.lookup("System", name), name, found, headroom)
            for name, found in sorted(shares.items())}


def load_on(system: Entity | None, name: str, shares: Iterable[Share],
            headroom: Fraction) -> SystemLoad:
    api = system.spec.get("api") if system is not None else None
    limit = parse_rate(api.get("rate_limit")) if isinstance(api, dict) else None
    ordered = sorted(shares, key=lambda share: (-share.per_second, share.integration))
    return SystemLoad(name, limit, headroom, tuple(ordered))


def number(value: Fraction, digits: int = 2) -> str:
    """A rate for people: whole numbers with thousands separators, else `digits` decimals."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    rounded = f"{float(value):,.{digits}f}".rstrip("0").rstrip(".")
    return rounded if rounded not in ("0", "-0") else f"{float(value):.2g}"


def distinct_numbers(first: Fraction, second: Fraction) -> tuple[str, str]:
    """Two rates shown with as many decimals as it takes to tell them apart (up to 6), so
    that a load just over a limit never reads as equal to it."""
    digits = 2
    while number(first, digits) == number(second, digits) and first != second and digits < 6:
        digits += 1
    return number(first, digits), number(second, digits)


def percent(value: Fraction) -> str:
    """`62.5%`, `80%`, `0.3%`."""
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return f"{float(hundred):.1f}".rstrip("0").rstrip(".") + "%"
