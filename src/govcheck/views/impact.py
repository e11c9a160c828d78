"""What an outage or the replacement of one system means for the estate (`govcheck impact`).

An outage (`--down DURATION`) hits every integration from or to the system:
- a real-time link with no fallback stops, and its data stays stale until someone re-syncs it;
- a link with a fallback falls back to it, its data waits for the outage, and the fallback
  covers the outage when its `max_delay` is at least as long;
- a scheduled link misses its runs: its data is stale for the outage plus the longest gap
  between two runs (the first run after the system is back), and it notices the outage at its
  next run;
- a manual link waits for the system.
Downstream, transitively, an integration that carries a dataset from a system that no longer
receives it runs as usual on stale data (nobody is alerted by it): its staleness is the
upstream one plus its own longest gap. The teams to alert are the links' monitoring owners.

A replacement (`--replace`) moves the records the system holds, re-points or rebuilds every
link from or to it, ends the manual workarounds around it, and needs the sign-off that
`govcheck diff` would require for the change that replaces it: the system removed, its
datasets' system of record and its links' endpoints (and conflict winners) moved to the
replacement (`lifecycle.replaced_by`, or a replacement not yet chosen). That change is
simulated and handed to the same detection and sign-off code as `govcheck diff`.

Sign-off groups (who must approve, whom to alert) come from changes.signoff; cadences and
durations from model.timing: one implementation of each.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from govcheck.changes.detect import diff_estates, moved_fields
from govcheck.changes.report import Change, Requirement
from govcheck.changes.signoff import (
    GOVERNANCE_GROUP,
    SignoffGroup,
    SignoffResolver,
    required_signoffs,
)
from govcheck.errors import GovcheckError
from govcheck.load.config import Config
from govcheck.load.schema import suggest
from govcheck.model.estate import Entity, Estate
from govcheck.model.timing import (
    Duration,
    cadence_of,
    parse_date,
    parse_duration,
)
from govcheck.views.entity import cadence_words
from govcheck.views.relations import title_of

# What happens to a link.
STOPS = "stops"                 # real-time, no fallback
FALLS_BACK = "falls back"       # it has a fallback
MISSES_RUNS = "misses runs"     # scheduled
WAITS = "waits"                 # manual
STALE_INPUT = "runs on stale data"   # downstream: carries data its source no longer receives

# A replacement that the system does not name yet: never a valid entity name.
UNNAMED_REPLACEMENT = "(replacement)"
SYSTEMS_LISTED = 20


# -- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fallback:
    strategy: str
    description: str
    max_delay: str              # as written; "" when none
    max_delay_seconds: float | None
    covers: bool | None         # max_delay at least the outage; None without a max_delay


@dataclass(frozen=True)
class Team:
    """A team (or, when a reference does not resolve, the governance approvers) and its
    people, as the sign-off code resolves them."""

    group: str                  # "team/sales-ops"
    people: tuple[str, ...]     # "person/jane-doe", sorted


@dataclass(frozen=True)
class Link:
    """An integration as impact shows it: its ends, its mode and how often it runs."""

    integration: str
    title: str
    source: str
    target: str
    bidirectional: bool
    mode: str
    cadence: str                # "every 15 min", "daily at 02:00"; "" when not scheduled


def link_fields(integration: Entity, source: str, target: str) -> tuple[str, str, str, str, bool,
                                                                         str, str]:
    """The `Link` part of a LinkImpact or a Rebuild, in field order."""
    return (integration.name, title_of(integration), source, target, _bidirectional(integration),
            _text(integration.spec.get("mode")), cadence_words(integration))


@dataclass(frozen=True)
class LinkImpact(Link):
    """One integration an outage hits, directly or downstream."""

    datasets: tuple[str, ...]   # the datasets it carries that the outage hits
    receivers: tuple[str, ...]  # the systems whose copy of them goes stale
    effect: str
    stale_for: float | None     # seconds; None: until someone re-syncs by hand
    notices_within: float | None  # seconds until the link itself notices; None: never/unknown
    missed_runs: float          # scheduled and hit directly: runs the outage skips
    fallback: Fallback | None
    via: tuple[str, ...]        # downstream: the links from the down system, in order
    trigger: str
    outcome: str
    monitoring: Team | None
    alert_channel: str
    runbook: str

    @property
    def downstream(self) -> bool:
        return bool(self.via)


@dataclass(frozen=True)
class StaleData:
    """A dataset whose copy in a system goes stale, how long for at worst, and by which link."""

    system: str
    dataset: str
    stale_for: float | None
    integration: str


@dataclass(frozen=True)
class Alert:
    """A team to alert: the links it monitors, where it is alerted, its runbooks."""

    team: Team
    integrations: tuple[str, ...]
    channels: tuple[str, ...]
    runbooks: tuple[tuple[str, str], ...]   # (integration, runbook)


@dataclass(frozen=True)
class OutageImpact:
    system: str
    title: str
    owner: Team
    duration: str               # as given: "PT24H"
    seconds: float
    links: tuple[LinkImpact, ...]     # direct ones by name, then downstream by chain length
    stale_data: tuple[StaleData, ...]
    alerts: tuple[Alert, ...]
    as_of: dt.date

    @property
    def direct(self) -> tuple[LinkImpact, ...]:
        return tuple(link for link in self.links if not link.downstream)

    @property
    def downstream(self) -> tuple[LinkImpact, ...]:
        return tuple(link for link in self.links if link.downstream)

    def count(self, effect: str) -> int:
        return sum(1 for link in self.links if link.effect == effect)

    @property
    def uncovered(self) -> tuple[LinkImpact, ...]:
        """Links with a fallback whose max_delay the outage exceeds."""
        return tuple(link for link in self.links
                     if link.fallback is not None and link.fallback.covers is False)


@dataclass(frozen=True)
class Lifecycle:
    status: str
    contract_end: str           # "" when none
    months_left: int | None     # whole months from the as-of date to the contract end
    exit_plan: str
    replaced_by: str


@dataclass(frozen=True)
class RecordMove:
    """A dataset whose system of record moves, and who decides the new one."""

    dataset: str
    title: str
    owner: str
    classification: str
    decided_by: tuple[Requirement, ...]


@dataclass(frozen=True)
class Rebuild(Link):
    """A link to re-point or rebuild."""

    method: str
    datasets: tuple[str, ...]
    owner: str
    action: str


@dataclass(frozen=True)
class Workaround:
    system: str                 # the system it is declared on
    description: str
    team: str
    hours_per_week: float | None
    declared_on_it: bool        # False: declared on another system and names this one


@dataclass(frozen=True)
class ReplacementImpact:
    system: str
    title: str
    category: str
    owner: Team
    lifecycle: Lifecycle
    replacement: str            # the system named by replaced_by; "" when none yet
    records: tuple[RecordMove, ...]
    rebuilds: tuple[Rebuild, ...]
    workarounds: tuple[Workaround, ...]
    signoffs: tuple[Change, ...]
    as_of: dt.date

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone some sign-off can come from: who to have in the room."""
        return tuple(sorted({person for change in self.signoffs
                             for requirement in change.requires for person in requirement.people}))

    @property
    def hours_per_week(self) -> float:
        return sum(item.hours_per_week or 0.0 for item in self.workarounds)


Impact = OutageImpact | ReplacementImpact


# -- finding the system ---------------------------------------------------------------------

def find_system(estate: Estate, name: str) -> Entity:
    """The system called `name`; an unknown name says which names are close (exit 2)."""
    system = estate.lookup("System", name)
    if system is not None:
        return system
    names = sorted(entity.name for entity in estate.of_kind("System"))
    other = next((entity for entity in estate.entities.values() if entity.name == name), None)
    if other is not None:
        raise GovcheckError(f"'{name}' is a {other.kind.lower()} ({other.key}), not a system")
    hint = suggest(name, names, count=3)
    if not hint and names:
        shown = ", ".join(names[:SYSTEMS_LISTED])
        more = f" and {len(names) - SYSTEMS_LISTED} more" if len(names) > SYSTEMS_LISTED else ""
        hint = f"; the systems are {shown}{more}"
    raise GovcheckError(f"unknown system '{name}'{hint or ': the estate has no systems'}")


# -- small readers --------------------------------------------------------------------------

def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _team(group: SignoffGroup) -> Team:
    return Team(group.label, tuple(sorted(f"person/{name}" for name in group.people)))


def _ends(integration: Entity) -> tuple[str, str]:
    return _text(integration.spec.get("source")), _text(integration.spec.get("target"))


def _bidirectional(integration: Entity) -> bool:
    return integration.spec.get("direction") == "bidirectional"


def _sends(integration: Entity) -> list[tuple[str, str]]:
    """(from, to) for each way the link carries data."""
    source, target = _ends(integration)
    return [(source, target), *([(target, source)] if _bidirectional(integration) else [])]


def _touches(integration: Entity, system: str) -> bool:
    return system in _ends(integration)


def _longest_gap(integration: Entity) -> float:
    """Seconds between two runs at worst; 0 for links that are not scheduled (or whose
    schedule GOV007 reports)."""
    if integration.spec.get("mode") != "scheduled":
        return 0.0
    cadence = cadence_of(integration.spec.get("schedule"))
    return cadence.longest_gap if cadence is not None and cadence.runs_per_day else 0.0


def _monitoring(integration: Entity) -> dict[str, Any]:
    monitoring = integration.spec.get("monitoring")
    return monitoring if isinstance(monitoring, dict) else {}


def _process(integration: Entity) -> tuple[str, str]:
    process = integration.spec.get("process")
    process = process if isinstance(process, dict) else {}
    return _text(process.get("trigger")), _text(process.get("outcome"))


def _fallback(integration: Entity, outage: float) -> Fallback | None:
    fallback = integration.spec.get("fallback")
    if not isinstance(fallback, dict) or not fallback:
        return None
    max_delay = parse_duration(fallback.get("max_delay"))
    seconds = None if max_delay is None else max_delay.approximate_seconds
    return Fallback(_text(fallback.get("strategy")), _text(fallback.get("description")),
                    _text(fallback.get("max_delay")), seconds,
                    None if seconds is None else seconds >= outage)


def _later(stale_for: float | None, delay: float) -> float | None:
    return None if stale_for is None else stale_for + delay


def _worse(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else max(first, second)


# -- an outage ------------------------------------------------------------------------------

@dataclass
class _Hit:
    """A link being worked out: the datasets hit so far and the worst staleness."""

    integration: Entity
    datasets: list[str] = field(default_factory=list)
    receivers: list[str] = field(default_factory=list)
    stale_for: float | None = 0.0
    via: tuple[str, ...] = ()


def outage_impact(estate: Estate, config: Config, system: Entity, duration: Duration,
                  given: str, as_of: dt.date) -> OutageImpact:
    """What stops, falls back, goes stale and whom to alert when `system` is down for
    `duration` (see the module's docstring)."""
    resolver = SignoffResolver(estate, estate, config)
    outage = duration.approximate_seconds
    integrations = sorted(estate.of_kind("Integration"), key=lambda entity: entity.name)
    direct = [_direct(integration, system.name, outage, resolver)
              for integration in integrations if _touches(integration, system.name)]
    starved = _starved_by(direct, system.name)
    downstream = _downstream(integrations, system.name, starved, resolver)
    links = (*direct, *sorted(downstream, key=lambda link: (len(link.via), link.integration)))
    return OutageImpact(system.name, title_of(system), _team(resolver.owner_of(system)), given,
                        outage, links, _stale_data(links), _alerts(links), as_of)


def _direct(integration: Entity, down: str, outage: float,
            resolver: SignoffResolver) -> LinkImpact:
    mode = _text(integration.spec.get("mode"))
    fallback = _fallback(integration, outage)
    gap = _longest_gap(integration)
    stale_for: float | None
    if mode == "scheduled":
        effect, stale_for, notices = MISSES_RUNS, outage + gap, gap
    elif mode == "manual":
        effect, stale_for, notices = WAITS, outage, None
    elif fallback is not None:
        effect, stale_for, notices = FALLS_BACK, outage, 0.0
    else:
        effect, stale_for, notices = STOPS, None, 0.0
    cadence = cadence_of(integration.spec.get("schedule")) if mode == "scheduled" else None
    missed = cadence.runs_per_day * outage / 86400 if cadence is not None else 0.0
    receivers = [to for _, to in _sends(integration)]
    return _link(_Hit(integration, list(moved_fields(integration)), receivers, stale_for),
                 effect, notices, missed, fallback, resolver)


def _link(hit: _Hit, effect: str, notices: float | None, missed: float,
          fallback: Fallback | None, resolver: SignoffResolver) -> LinkImpact:
    integration = hit.integration
    source, target = _ends(integration)
    trigger, outcome = _process(integration)
    monitoring = _monitoring(integration)
    return LinkImpact(
        *link_fields(integration, source, target), tuple(hit.datasets),
        tuple(dict.fromkeys(hit.receivers)), effect, hit.stale_for, notices, missed, fallback,
        hit.via, trigger, outcome, _team(resolver.monitoring_owner(integration)),
        _text(monitoring.get("alert_channel")), _text(monitoring.get("runbook")))


def _starved_by(direct: Iterable[LinkImpact], down: str
                ) -> dict[tuple[str, str], tuple[float | None, tuple[str, ...]]]:
    """(system, dataset) → staleness and chain, for what the down system no longer sends."""
    starved: dict[tuple[str, str], tuple[float | None, tuple[str, ...]]] = {}
    for link in direct:
        ways = [(link.source, link.target)] + ([(link.target, link.source)]
                                               if link.bidirectional else [])
        for sender, receiver in ways:
            if sender != down or receiver == down:
                continue
            for dataset in link.datasets:
                starved.setdefault((receiver, dataset), (link.stale_for, (link.integration,)))
    return starved


def _readers(integrations: Iterable[Entity], down: str
             ) -> dict[tuple[str, str], list[tuple[Entity, str]]]:
    """(sending system, dataset) → the links that carry it from there, and where to; links
    from or to the down system are hit directly, not downstream."""
    readers: dict[tuple[str, str], list[tuple[Entity, str]]] = {}
    for integration in integrations:
        if _touches(integration, down):
            continue
        for sender, receiver in _sends(integration):
            for dataset in moved_fields(integration):
                readers.setdefault((sender, dataset), []).append((integration, receiver))
    return readers


def _downstream(integrations: list[Entity], down: str,
                starved: dict[tuple[str, str], tuple[float | None, tuple[str, ...]]],
                resolver: SignoffResolver) -> list[LinkImpact]:
    """Links that carry a dataset from a system that no longer receives it, transitively,
    breadth first (each chain shown is a shortest one)."""
    readers = _readers(integrations, down)
    hits: dict[str, _Hit] = {}
    queue = deque(starved)
    while queue:
        system, dataset = queue.popleft()
        upstream, chain = starved[(system, dataset)]
        for integration, receiver in readers.get((system, dataset), []):
            stale_for = _later(upstream, _longest_gap(integration))
            known = hits.get(integration.name)
            hit = known or hits.setdefault(integration.name,
                                           _Hit(integration, stale_for=stale_for, via=chain))
            if known is not None:
                hit.stale_for = _worse(hit.stale_for, stale_for)
            if dataset not in hit.datasets:
                hit.datasets.append(dataset)
            hit.receivers.append(receiver)
            if (receiver, dataset) not in starved:
                starved[(receiver, dataset)] = (stale_for, (*chain, integration.name))
                queue.append((receiver, dataset))
    return [_link(hit, STALE_INPUT, None, 0.0, None, resolver) for hit in hits.values()]


def _stale_data(links: Iterable[LinkImpact]) -> tuple[StaleData, ...]:
    worst: dict[tuple[str, str], StaleData] = {}
    for link in links:
        for receiver in link.receivers:
            for dataset in link.datasets:
                known = worst.get((receiver, dataset))
                if known is None or (known.stale_for is not None and (
                        link.stale_for is None or link.stale_for > known.stale_for)):
                    worst[(receiver, dataset)] = StaleData(receiver, dataset, link.stale_for,
                                                           link.integration)
    return tuple(worst[key] for key in sorted(worst))


def _alerts(links: Iterable[LinkImpact]) -> tuple[Alert, ...]:
    by_team: dict[str, list[LinkImpact]] = {}
    teams: dict[str, Team] = {}
    for link in links:
        if link.monitoring is not None:
            by_team.setdefault(link.monitoring.group, []).append(link)
            teams[link.monitoring.group] = link.monitoring
    return tuple(Alert(teams[group], tuple(sorted(link.integration for link in found)),
                       tuple(sorted({link.alert_channel for link in found if link.alert_channel})),
                       tuple(sorted((link.integration, link.runbook) for link in found
                                    if link.runbook)))
                 for group, found in sorted(by_team.items()))


# -- a replacement --------------------------------------------------------------------------

REBUILD_ACTIONS = {
    "native-connector": "rebuild: a native connector is made for one system",
    "ipaas": "re-point the iPaaS recipe at the replacement",
    "custom": "rebuild: custom code written against the old API",
    "file-transfer": "re-point the file transfer (the new system's export or import format)",
    "manual": "rewrite the manual procedure",
}
RETIRE = "retire: the replacement would be at both ends"
# The removal first, then what moves with it.
SIGNOFF_ORDER = ("system", "dataset", "integration")


class _ReplacementResolver(SignoffResolver):
    """Sign-off as `govcheck diff` works it out; a replacement not named yet is, like any
    system new in a change, stood for by the governance approvers, and labelled so."""

    def system_owner(self, name: object) -> SignoffGroup:
        if name == UNNAMED_REPLACEMENT:
            return SignoffGroup(f"the replacement's owner (not named yet: {GOVERNANCE_GROUP})",
                                self.governance().people)
        return super().system_owner(name)


def replacement_impact(estate: Estate, config: Config, system: Entity,
                       as_of: dt.date) -> ReplacementImpact:
    """What replacing `system` moves, rebuilds and ends, and whose sign-off it needs."""
    replaced_by = _text(system.get("spec.lifecycle.replaced_by"))
    replacement = replaced_by if replaced_by and replaced_by != system.name else ""
    head = replaced_estate(estate, system, replacement or UNNAMED_REPLACEMENT)
    resolver = _ReplacementResolver(estate, head, config)
    changes = sorted(diff_estates(estate, head),
                     key=lambda change: (SIGNOFF_ORDER.index(change.kind), change.entity,
                                         change.type))
    signoffs = required_signoffs(changes, resolver, ())
    return ReplacementImpact(
        system.name, title_of(system), _text(system.spec.get("category")),
        _team(resolver.owner_of(system)), _lifecycle(system, as_of), replacement,
        _records(estate, system, signoffs), _rebuilds(estate, system, replacement),
        _workarounds(estate, system), signoffs, as_of)


def replaced_estate(estate: Estate, system: Entity, replacement: str) -> Estate:
    """The estate as it would be once `replacement` has taken over from `system`: the system
    gone, its records and links moved to the replacement, a link that would join the
    replacement to itself removed. Only entities that change are copied."""
    entities: dict[str, Entity] = {}
    for key, entity in estate.entities.items():
        if entity is system:
            continue
        moved = _moved(entity, system.name, replacement)
        if moved is not None and _ends(moved) != (replacement, replacement):
            entities[key] = moved
    return Estate(entities=entities, files=set(estate.files))


def _moved(entity: Entity, old: str, new: str) -> Entity | None:
    """The entity with every reference to system `old` pointed at `new` (itself when none)."""
    spec = entity.spec
    if entity.kind == "Dataset" and spec.get("system_of_record") == old:
        return _with_spec(entity, {**spec, "system_of_record": new})
    if entity.kind != "Integration" or old not in (*_ends(entity), _winner(entity)):
        return entity
    changed: dict[str, Any] = {key: new for key in ("source", "target") if spec.get(key) == old}
    resolution = spec.get("conflict_resolution")
    if _winner(entity) == old and isinstance(resolution, dict):
        changed["conflict_resolution"] = {**resolution, "winner": new}
    return _with_spec(entity, {**spec, **changed})


def _winner(integration: Entity) -> str:
    return _text(integration.get("spec.conflict_resolution.winner"))


def _with_spec(entity: Entity, spec: dict[str, Any]) -> Entity:
    document = replace(entity.document, data={**entity.document.data, "spec": spec})
    return replace(entity, document=document)


def _lifecycle(system: Entity, as_of: dt.date) -> Lifecycle:
    lifecycle = system.spec.get("lifecycle")
    lifecycle = lifecycle if isinstance(lifecycle, dict) else {}
    end = parse_date(lifecycle.get("contract_end"))
    return Lifecycle(_text(lifecycle.get("status")) or "active", end.isoformat() if end else "",
                     _months_between(as_of, end) if end else None,
                     _text(lifecycle.get("exit_plan")).strip(), _text(lifecycle.get("replaced_by")))


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (negative when `end` is past)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def _records(estate: Estate, system: Entity, signoffs: Iterable[Change]
             ) -> tuple[RecordMove, ...]:
    decided = {change.entity: change.requires for change in signoffs
               if change.type == "dataset.system_of_record.changed"}
    return tuple(RecordMove(dataset.name, title_of(dataset), _text(dataset.spec.get("owner")),
                            _text(dataset.spec.get("classification")) or "internal",
                            decided.get(dataset.key, ()))
                 for dataset in sorted(estate.of_kind("Dataset"), key=lambda entity: entity.name)
                 if dataset.spec.get("system_of_record") == system.name)


def _rebuilds(estate: Estate, system: Entity, replacement: str) -> tuple[Rebuild, ...]:
    rebuilds = []
    for integration in sorted(estate.of_kind("Integration"), key=lambda entity: entity.name):
        if not _touches(integration, system.name):
            continue
        source, target = _ends(integration)
        method = _text(integration.spec.get("method"))
        other = target if source == system.name else source
        action = RETIRE if replacement and other == replacement else REBUILD_ACTIONS.get(
            method, "rebuild or re-point it")
        rebuilds.append(Rebuild(*link_fields(integration, source, target), method, tuple(moved_fields(integration)),
                                _text(integration.spec.get("owner")), action))
    return tuple(rebuilds)


def _workarounds(estate: Estate, system: Entity) -> tuple[Workaround, ...]:
    """The system's own manual workarounds, then other systems' that name it."""
    names = {system.name, title_of(system)}
    pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(names)),
                         re.IGNORECASE)
    found = list(_declared_workarounds(system, True))
    for other in sorted(estate.of_kind("System"), key=lambda entity: entity.name):
        if other is not system:
            found += [item for item in _declared_workarounds(other, False)
                      if pattern.search(item.description)]
    return tuple(found)


def _declared_workarounds(system: Entity, own: bool) -> Iterator[Workaround]:
    listed = system.spec.get("manual_workarounds")
    for item in listed if isinstance(listed, list) else []:
        if not isinstance(item, dict) or not _text(item.get("description")):
            continue
        hours = item.get("hours_per_week")
        yield Workaround(system.name, " ".join(_text(item.get("description")).split()),
                         _text(item.get("team")),
                         float(hours) if isinstance(hours, (int, float))
                         and not isinstance(hours, bool) else None, own)


# -- the command's library function ---------------------------------------------------------

def parse_outage(text: str) -> Duration:
    duration = parse_duration(text)
    if duration is None:
        raise GovcheckError(f"--down '{text}' is not an ISO-8601 duration such as PT4H, PT24H "
                            "or P2D")
    return duration


def impact(estate: Estate, config: Config, system_name: str, down: str | None,
           replace_system: bool, as_of: dt.date) -> Impact:
    """The impact of `system_name` being down for `down` or being replaced."""
    if (down is None) == (not replace_system):
        raise GovcheckError("say what happens to the system: --down DURATION (e.g. PT24H) "
                            "or --replace")
    if down is not None:
        duration = parse_outage(down)
        return outage_impact(estate, config, find_system(estate, system_name), duration, down,
                             as_of)
    return replacement_impact(estate, config, find_system(estate, system_name), as_of)
