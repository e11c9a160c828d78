"""Everything the estate says about one entity, gathered in one place: what `govcheck show`
prints and what each entity page of `govcheck site` shows.

`describe(estate, entity, findings, config, index)` returns an `EntityView`: plain, typed data with
every reference to another entity as a `Ref` (its `kind/name` key and its title), so that a
renderer can link it. For a dataset: its owner, system of record, approvers expanded to people,
classification, fields and every integration that carries it; for a system: its role,
lifecycle, the records it holds, its links in and out, its rate limit and the load declared on
it, its manual workarounds; for a team: its people and what it owns, approves, monitors and
works around by hand; for a person: their teams and what they approve; for an integration:
its whole spec, its cadence in words and when its review is due. Findings on the entity ride
along. Nothing here reads files or formats text. What points at the entity is read from an
index of the estate's relations (`views.relations`), built once for a whole site.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from govcheck.load.config import Config
from govcheck.load.schema import KINDS
from govcheck.model.capacity import (
    SystemLoad,
    headroom_fraction,
    load_on,
    number,
    parse_rate,
    percent,
)
from govcheck.model.estate import TYPED_KINDS, Entity, Estate
from govcheck.model.findings import Finding
from govcheck.model.timing import describe_schedule, parse_date, parse_duration
from govcheck.views.relations import Relations, relations, title_of

KINDS_BY_KEY = {kind.lower(): kind for kind in KINDS}   # "dataset": "Dataset", in KINDS' order


@dataclass(frozen=True)
class Ref:
    """A link to another entity."""

    key: str                    # "team/sales-ops"
    title: str                  # its metadata.title, else its name
    exists: bool = True         # False: the manifests name it, but nothing defines it

    @property
    def kind(self) -> str:
        return self.key.partition("/")[0]

    @property
    def name(self) -> str:
        return self.key.partition("/")[2]


@dataclass(frozen=True)
class Approvers:
    """One approver reference and the people it stands for."""

    ref: Ref
    people: tuple[Ref, ...]


@dataclass(frozen=True)
class FieldView:
    name: str
    type: str
    required: bool
    pii: bool
    values: tuple[str, ...]
    renamed_from: str


@dataclass(frozen=True)
class Carrier:
    """An integration that carries a dataset."""

    integration: Ref
    source: Ref
    target: Ref
    bidirectional: bool
    mode: str
    cadence: str                # "every 15 min"; "" unless scheduled
    fields: tuple[str, ...] | None   # None: every field
    winner: Ref | None
    strategy: str


@dataclass(frozen=True)
class DatasetFacts:
    description: str
    owner: Ref | None
    system_of_record: Ref | None
    classification: str
    approvers: tuple[Approvers, ...]
    min_approvals: int
    fields: tuple[FieldView, ...]
    carried_by: tuple[Carrier, ...]


@dataclass(frozen=True)
class LinkView:
    """An integration seen from one of its systems."""

    integration: Ref
    other: Ref                  # the system at the other end
    datasets: tuple[Ref, ...]
    mode: str
    cadence: str
    bidirectional: bool


@dataclass(frozen=True)
class Share:
    integration: Ref
    volume: str                 # as declared: "250 per hour (x10 at peak)"
    load: str                   # at peak, in the rate limit's unit: "2,500"
    share: str                  # of the rate limit: "50%"; "" without one


@dataclass(frozen=True)
class LoadView:
    """A system's API: its rate limit and the peak load integrations declare on it."""

    rate_limit: str             # "5,000 per hour"; "" when not given
    availability: str           # "99.9%"; "" when not given
    per: str                    # the unit loads are given in: the rate limit's, else "second"
    load: str                   # the total, "3,095.83"; "" when nothing is declared
    share: str                  # of the rate limit, "61.9%"; "" without one
    headroom: str               # "80%"
    allowed: str                # headroom x the rate limit: "4,000"; "" without one
    room: str                   # what more the headroom allows: "904.17"; "" without one
    within: bool | None         # None: no rate limit or no load to judge
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class WorkaroundView:
    system: Ref
    description: str
    team: Ref | None
    hours_per_week: float | None


@dataclass(frozen=True)
class SystemFacts:
    category: str
    role: str
    owner: Ref | None
    vendor: str
    status: str
    contract_end: str
    exit_plan: str
    replaced_by: Ref | None
    replaces: tuple[Ref, ...]           # systems whose lifecycle names it as their successor
    records: tuple[Ref, ...]            # datasets it is the system of record for
    inbound: tuple[LinkView, ...]       # a bidirectional link is in both lists
    outbound: tuple[LinkView, ...]
    api: LoadView
    workarounds: tuple[WorkaroundView, ...]


@dataclass(frozen=True)
class TeamFacts:
    function: str
    github: str
    contact: str
    members: tuple[Ref, ...]
    owns: tuple[Ref, ...]               # systems, datasets, integrations
    approves: tuple[Ref, ...]           # datasets whose approvers name the team
    governance: bool                    # a governance approver (govcheck.yaml)
    monitors: tuple[Ref, ...]           # integrations whose monitoring owner it is
    handles_exceptions: tuple[Ref, ...]
    workarounds: tuple[WorkaroundView, ...]   # manual work it does, on any system

    @property
    def hours_per_week(self) -> float:
        return sum(item.hours_per_week or 0.0 for item in self.workarounds)


@dataclass(frozen=True)
class Approval:
    """A dataset a person can sign off, and the team that names them (None: named directly)."""

    dataset: Ref
    through: Ref | None


@dataclass(frozen=True)
class PersonFacts:
    email: str
    github: str
    team: Ref | None
    member_of: tuple[Ref, ...]          # teams that list them
    approves: tuple[Ref, ...]           # datasets they can sign off, themselves or by team
    governance: bool
    signing_keys: int
    approvals: tuple[Approval, ...]     # `approves`, with who names them


@dataclass(frozen=True)
class Measure:
    metric: str
    baseline: str
    target: str


@dataclass(frozen=True)
class IntegrationFacts:
    owner: Ref | None
    purpose: str
    trigger: str
    outcome: str
    validations: tuple[str, ...]
    exceptions_handled_by: Ref | None
    exceptions: str
    source: Ref | None
    target: Ref | None
    bidirectional: bool
    datasets: tuple[tuple[Ref, tuple[str, ...] | None], ...]   # fields None: every field
    mode: str
    cadence: str
    method: str
    volume: str
    winner: Ref | None
    strategy: str
    fallback_strategy: str
    fallback: str
    max_delay: str
    monitoring_owner: Ref | None
    alert_channel: str
    runbook: str
    measures: tuple[Measure, ...]
    review_interval: str
    last_reviewed: str
    review_due: str                     # "" when it cannot be worked out


Facts = DatasetFacts | SystemFacts | TeamFacts | PersonFacts | IntegrationFacts


@dataclass(frozen=True)
class EntityView:
    key: str
    kind: str                           # "dataset"
    name: str
    title: str
    description: str
    labels: tuple[tuple[str, str], ...]
    file: str
    line: int                           # 0: not located (see `describe`)
    findings: tuple[Finding, ...]
    facts: Facts


# -- reading --------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _shown(value: Any) -> str:
    """A scalar a person wrote (a baseline of "6" or 6), as text."""
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def ref(estate: Estate, kind: str, name: Any) -> Ref | None:
    """A reference by kind and bare name; None when there is no name."""
    if not isinstance(name, str) or not name:
        return None
    entity = estate.lookup(kind, name)
    return Ref(entity.key, title_of(entity)) if entity else Ref(f"{kind.lower()}/{name}", name,
                                                                  False)


def typed_ref(estate: Estate, reference: Any) -> Ref | None:
    """A `person:NAME` / `team:NAME` reference."""
    if not isinstance(reference, str) or ":" not in reference:
        return None
    prefix, _, name = reference.partition(":")
    kind = TYPED_KINDS.get(prefix)
    return ref(estate, kind, name) if kind else Ref(reference, reference, False)


def entity_ref(entity: Entity) -> Ref:
    return Ref(entity.key, title_of(entity))


def _refs(refs: Iterable[Ref | None]) -> tuple[Ref, ...]:
    unique = {item.key: item for item in refs if item is not None}
    return tuple(unique[key] for key in sorted(unique))


def _sorted(entities: Iterable[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda entity: entity.name)


def carried(integration: Entity) -> list[tuple[str, tuple[str, ...] | None]]:
    """(dataset name, the fields it moves or None for every field), in manifest order."""
    return [(item["dataset"], _fields_moved(item)) for item in _list(integration.spec.get("datasets"))
            if isinstance(item, dict) and isinstance(item.get("dataset"), str)]


def _fields_moved(item: dict[str, Any]) -> tuple[str, ...] | None:
    fields = item.get("fields")
    return tuple(str(field) for field in fields) if isinstance(fields, list) else None


def cadence_words(integration: Entity) -> str:
    """A scheduled link's cadence in words ("every 15 min", "daily at 02:00"); "" otherwise."""
    if integration.spec.get("mode") != "scheduled":
        return ""
    schedule = integration.spec.get("schedule")
    if isinstance(schedule, dict) and len(schedule) == 1:
        (key, value), = schedule.items()
        if isinstance(key, str) and isinstance(value, str):
            return _remembered_schedule(key, value)
    return describe_schedule(schedule)


@functools.lru_cache(maxsize=4096)
def _remembered_schedule(key: str, value: str) -> str:
    """A common schedule's words, worked out once (reading a cron expression's cadence walks
    two years of days, and a site names each link's cadence several times)."""
    return describe_schedule({key: value})


# -- describing -----------------------------------------------------------------------------

def describe(estate: Estate, entity: Entity, findings: Iterable[Finding] = (),
             config: Config | None = None, index: Relations | None = None,
             locate: bool = True) -> EntityView:
    """Everything the estate says about `entity` (see the module's docstring); `findings`
    may be every finding of a check (those on the entity are kept), `config` gives the
    governance approvers and the API headroom (defaults without it). `index` is the estate's
    relations: give it when describing many entities, so that each costs no pass over the
    estate (it is built here when it is not given). Without `locate` the view's line is 0:
    finding it reads the entity's file again, which a whole site does not need."""
    found = index if index is not None else relations(estate)
    facts = _FACTS[entity.kind](estate, entity, config or Config(root=Path(".")), found)
    labels = _mapping(entity.get("metadata.labels"))
    return EntityView(
        entity.key, entity.kind.lower(), entity.name, title_of(entity),
        _text(entity.get("metadata.description")).strip(),
        tuple(sorted((str(key), _shown(value)) for key, value in labels.items())),
        entity.file, entity.locate()[0] if locate else 0,
        tuple(sorted((finding for finding in findings if finding.entity == entity.key),
                     key=lambda finding: finding.sort_key)), facts)


def _dataset(estate: Estate, dataset: Entity, config: Config, found: Relations) -> DatasetFacts:
    spec = dataset.spec
    control = _mapping(spec.get("change_control"))
    minimum = control.get("min_approvals")
    return DatasetFacts(
        _text(spec.get("description")).strip(), ref(estate, "Team", spec.get("owner")),
        ref(estate, "System", spec.get("system_of_record")),
        _text(spec.get("classification")) or "internal",
        tuple(_approvers(estate, reference) for reference in _list(control.get("approvers"))),
        minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else 1,
        tuple(_field(item) for item in _list(spec.get("fields")) if isinstance(item, dict)),
        tuple(_carriers(estate, dataset, found)))


def _approvers(estate: Estate, reference: Any) -> Approvers:
    people = [ref(estate, "Person", name) for name in sorted(estate.people_of(reference))]
    return Approvers(typed_ref(estate, reference) or Ref(str(reference), str(reference), False),
                     _refs(people))


def _field(item: dict[str, Any]) -> FieldView:
    return FieldView(_text(item.get("name")), _text(item.get("type")), item.get("required") is True,
                     item.get("pii") is True, tuple(_shown(v) for v in _list(item.get("values"))),
                     _text(item.get("renamed_from")))


def _carriers(estate: Estate, dataset: Entity, found: Relations) -> Iterator[Carrier]:
    for integration, item in found.carried_by.get(dataset.name, []):
        spec = integration.spec
        resolution = _mapping(spec.get("conflict_resolution"))
        yield Carrier(entity_ref(integration), *_ends(estate, integration),
                      spec.get("direction") == "bidirectional", _text(spec.get("mode")),
                      cadence_words(integration), _fields_moved(item),
                      ref(estate, "System", resolution.get("winner")),
                      _text(resolution.get("strategy")))


def _ends(estate: Estate, integration: Entity) -> tuple[Ref, Ref]:
    source = ref(estate, "System", integration.spec.get("source"))
    target = ref(estate, "System", integration.spec.get("target"))
    unknown = Ref("system/", "(none)", False)
    return source or unknown, target or unknown


def _system(estate: Estate, system: Entity, config: Config, found: Relations) -> SystemFacts:
    spec = system.spec
    lifecycle = _mapping(spec.get("lifecycle"))
    records = [entity_ref(dataset) for dataset in found.records.get(system.name, [])]
    return SystemFacts(
        _text(spec.get("category")), _text(spec.get("role")),
        ref(estate, "Team", spec.get("owner")),
        _text(spec.get("vendor")), _text(lifecycle.get("status")) or "active",
        _shown(lifecycle.get("contract_end")), _text(lifecycle.get("exit_plan")).strip(),
        ref(estate, "System", lifecycle.get("replaced_by")),
        _refs([entity_ref(old) for old in found.replaces.get(system.name, [])]), _refs(records),
        tuple(_links(estate, system, "target", found)),
        tuple(_links(estate, system, "source", found)),
        _api(estate, system, config, found), tuple(_workarounds(estate, system)))


def _links(estate: Estate, system: Entity, side: str, found: Relations) -> Iterator[LinkView]:
    """Links whose `side` (source or target) is the system; bidirectional ones either way."""
    other_side = "source" if side == "target" else "target"
    near, far = (found.inbound, found.outbound) if side == "target" else (found.outbound,
                                                                         found.inbound)
    linked = {link.key: link for link in near.get(system.name, [])}
    linked.update((link.key, link) for link in far.get(system.name, [])
                  if link.spec.get("direction") == "bidirectional")
    for integration in _sorted(linked.values()):
        spec = integration.spec
        both = spec.get("direction") == "bidirectional"
        if spec.get(side) == system.name:
            other = spec.get(other_side)
        elif both and spec.get(other_side) == system.name:
            other = spec.get(side)
        else:
            continue
        yield LinkView(entity_ref(integration),
                       ref(estate, "System", other) or Ref("system/", "(none)", False),
                       _refs(ref(estate, "Dataset", name) for name, _ in carried(integration)),
                       _text(spec.get("mode")), cadence_words(integration), both)


def _api(estate: Estate, system: Entity, config: Config, found: Relations) -> LoadView:
    headroom = headroom_fraction(config.headroom)
    load = found.loads(estate, headroom).get(system.name) or load_on(system, system.name, (),
                                                                     headroom)
    api = _mapping(system.spec.get("api"))
    availability = api.get("availability")
    limit, allowed = load.limit, load.allowed_per_second
    return LoadView(
        limit.describe() if limit else "",
        f"{availability:g}%" if isinstance(availability, (int, float))
        and not isinstance(availability, bool) else "",
        limit.per if limit else "second",
        number(load.in_limit_unit(load.per_second)) if load.shares else "",
        _share(load, load.per_second) if load.shares else "", percent(headroom),
        number(load.in_limit_unit(allowed)) if allowed is not None else "",
        number(load.in_limit_unit(max(allowed - load.per_second, Fraction(0))))
        if allowed is not None else "", load.within if load.shares else None,
        tuple(Share(ref(estate, "Integration", share.integration)
                    or Ref("integration/", "(none)", False), share.volume.describe(),
                    number(load.in_limit_unit(share.per_second)), _share(load, share.per_second))
              for share in load.shares))


def _share(load: SystemLoad, per_second: Fraction) -> str:
    share = load.share_of_limit(per_second)
    return percent(share) if share is not None else ""


def _workarounds(estate: Estate, system: Entity) -> Iterator[WorkaroundView]:
    for item in _list(system.spec.get("manual_workarounds")):
        if isinstance(item, dict):
            yield from _workaround(estate, system, item)


def _workaround(estate: Estate, system: Entity, item: dict[str, Any]) -> Iterator[WorkaroundView]:
    """One workaround, when it says what people do."""
    if _text(item.get("description")).strip():
        hours = item.get("hours_per_week")
        description = " ".join(_text(item.get("description")).split())
        yield WorkaroundView(entity_ref(system), description,
                             ref(estate, "Team", item.get("team")),
                             float(hours) if isinstance(hours, (int, float))
                             and not isinstance(hours, bool) else None)


def _team(estate: Estate, team: Entity, config: Config, found: Relations) -> TeamFacts:
    reference = f"team:{team.name}"
    owned = [entity_ref(entity) for entity in found.owned_by.get(team.name, [])]
    approves = [entity_ref(dataset) for dataset in found.approved_by.get(reference, [])]
    monitors = [entity_ref(entity) for entity in found.monitored_by.get(team.name, [])]
    handles = [entity_ref(entity) for entity in found.handled_by.get(team.name, [])]
    work = [view for system, item in found.workarounds.get(team.name, [])
            for view in _workaround(estate, system, item)]
    return TeamFacts(
        _text(team.spec.get("function")), _text(team.spec.get("github")),
        _text(team.spec.get("contact")),
        _refs(ref(estate, "Person", name) for name in _list(team.spec.get("members"))),
        _by_kind(owned), _refs(approves), reference in config.governance_approvers,
        _refs(monitors), _refs(handles), tuple(work))


def _by_kind(refs: Iterable[Ref]) -> tuple[Ref, ...]:
    order = ("system", "dataset", "integration")
    return tuple(sorted(_refs(refs), key=lambda item: (order.index(item.kind)
                                                        if item.kind in order else 9, item.key)))


def _person(estate: Estate, person: Entity, config: Config, found: Relations) -> PersonFacts:
    spec = person.spec
    teams = [entity_ref(team) for team in found.teams_of.get(person.name, [])]
    approvals = tuple(
        Approval(entity_ref(dataset), None if reference.startswith("person:")
                 else typed_ref(estate, reference))
        for dataset, reference in found.approvals_of.get(person.name, []))
    governance = any(person.name in estate.people_of(reference)
                     for reference in config.governance_approvers)
    return PersonFacts(_text(spec.get("email")), _text(spec.get("github")),
                       ref(estate, "Team", spec.get("team")), _refs(teams),
                       _refs(approval.dataset for approval in approvals), governance,
                       len(_list(spec.get("signing_keys"))), approvals)


def _integration(estate: Estate, integration: Entity, config: Config,
                 found: Relations) -> IntegrationFacts:
    spec = integration.spec
    process, resolution = _mapping(spec.get("process")), _mapping(spec.get("conflict_resolution"))
    exceptions, fallback = _mapping(process.get("exceptions")), _mapping(spec.get("fallback"))
    monitoring, review = _mapping(spec.get("monitoring")), _mapping(spec.get("review"))
    volume = parse_rate(spec.get("volume"))
    source, target = _ends(estate, integration)
    return IntegrationFacts(
        ref(estate, "Team", spec.get("owner")), _text(spec.get("purpose")),
        _text(process.get("trigger")), _text(process.get("outcome")),
        tuple(_shown(item) for item in _list(process.get("validations"))),
        ref(estate, "Team", exceptions.get("handled_by")), _text(exceptions.get("description")),
        source, target, spec.get("direction") == "bidirectional",
        tuple((ref(estate, "Dataset", name) or Ref("dataset/", "(none)", False), fields)
              for name, fields in carried(integration)),
        _text(spec.get("mode")), cadence_words(integration), _text(spec.get("method")),
        volume.describe() if volume else "", ref(estate, "System", resolution.get("winner")),
        _text(resolution.get("strategy")), _text(fallback.get("strategy")),
        _text(fallback.get("description")).strip(), _text(fallback.get("max_delay")),
        ref(estate, "Team", monitoring.get("owner")), _text(monitoring.get("alert_channel")),
        _text(monitoring.get("runbook")),
        tuple(Measure(_shown(item.get("metric")), _shown(item.get("baseline")),
                      _shown(item.get("target")))
              for item in _list(spec.get("success_measures")) if isinstance(item, dict)),
        _shown(review.get("interval")), _shown(review.get("last_reviewed")), _review_due(review))


def _review_due(review: dict[str, Any]) -> str:
    last, every = parse_date(review.get("last_reviewed")), parse_duration(review.get("interval"))
    return every.after(last).isoformat() if last and every else ""


_FACTS: dict[str, Callable[[Estate, Entity, Config, Relations], Facts]] = {
    "Dataset": _dataset, "System": _system, "Team": _team, "Person": _person,
    "Integration": _integration}
