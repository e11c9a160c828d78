"""Who is linked to what in an estate, indexed once: the integrations from and to each system,
the datasets each system holds the record of, who owns, monitors and approves what.

`views.entity.describe` reads these lists instead of searching the estate for each entity,
so that describing every entity of a large estate (`govcheck site`) costs one pass, not one
pass per entity; it builds the index itself when it is given none (`govcheck show`).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from govcheck.model.capacity import SystemLoad, system_loads
from govcheck.model.estate import Entity, Estate

OWNED_KINDS = ("System", "Dataset", "Integration")


@dataclass
class Relations:
    """Lists of entities by the name of the entity they point at (kept in estate order,
    sorted by key once built)."""

    outbound: dict[str, list[Entity]] = field(default_factory=dict)      # system → integrations
    inbound: dict[str, list[Entity]] = field(default_factory=dict)       # system → integrations
    records: dict[str, list[Entity]] = field(default_factory=dict)       # system → datasets
    replaces: dict[str, list[Entity]] = field(default_factory=dict)      # system → systems
    carried_by: dict[str, list[tuple[Entity, dict[str, Any]]]] = field(default_factory=dict)
    owned_by: dict[str, list[Entity]] = field(default_factory=dict)      # team → entities
    monitored_by: dict[str, list[Entity]] = field(default_factory=dict)  # team → integrations
    handled_by: dict[str, list[Entity]] = field(default_factory=dict)    # team → integrations
    approved_by: dict[str, list[Entity]] = field(default_factory=dict)   # "team:x" → datasets
    teams_of: dict[str, list[Entity]] = field(default_factory=dict)      # person → teams
    workarounds: dict[str, list[tuple[Entity, dict[str, Any]]]] = field(default_factory=dict)
    # person → (dataset, the approver reference that names them: "person:x" or "team:y")
    approvals_of: dict[str, list[tuple[Entity, str]]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)                 # key → title
    _loads: dict[Fraction, dict[str, SystemLoad]] = field(default_factory=dict)

    def loads(self, estate: Estate, headroom: Fraction) -> dict[str, SystemLoad]:
        """The declared load on every system (worked out once per headroom)."""
        if headroom not in self._loads:
            self._loads[headroom] = system_loads(estate, headroom)
        return self._loads[headroom]


def relations(estate: Estate) -> Relations:
    """Every relation of the estate, in one pass over its entities."""
    found = Relations()
    for entity in sorted(estate.entities.values(), key=lambda e: e.key):
        found.titles[entity.key] = title_of(entity)
        spec = entity.spec
        owner = spec.get("owner")
        if entity.kind in OWNED_KINDS and isinstance(owner, str):
            found.owned_by.setdefault(owner, []).append(entity)
        if entity.kind == "System":
            _system(found, entity, spec)
        elif entity.kind == "Dataset":
            _dataset(found, entity, spec, estate)
        elif entity.kind == "Integration":
            _integration(found, entity, spec)
        elif entity.kind == "Team":
            for member in _names(spec.get("members")):
                found.teams_of.setdefault(member, []).append(entity)
    return found


def _system(found: Relations, system: Entity, spec: dict[str, Any]) -> None:
    lifecycle = spec.get("lifecycle")
    successor = lifecycle.get("replaced_by") if isinstance(lifecycle, dict) else None
    if isinstance(successor, str):
        found.replaces.setdefault(successor, []).append(system)
    for workaround in mappings(spec.get("manual_workarounds")):
        team = workaround.get("team")
        if isinstance(team, str):
            found.workarounds.setdefault(team, []).append((system, workaround))


def _dataset(found: Relations, dataset: Entity, spec: dict[str, Any], estate: Estate) -> None:
    record = spec.get("system_of_record")
    if isinstance(record, str):
        found.records.setdefault(record, []).append(dataset)
    change_control = spec.get("change_control")
    approvers = change_control.get("approvers") if isinstance(change_control, dict) else None
    for approver in dict.fromkeys(_names(approvers)):
        found.approved_by.setdefault(approver, []).append(dataset)
        for person in sorted(estate.people_of(approver)):
            found.approvals_of.setdefault(person, []).append((dataset, approver))


def _integration(found: Relations, integration: Entity, spec: dict[str, Any]) -> None:
    source, target = spec.get("source"), spec.get("target")
    if isinstance(source, str):
        found.outbound.setdefault(source, []).append(integration)
    if isinstance(target, str):
        found.inbound.setdefault(target, []).append(integration)
    for item in mappings(spec.get("datasets")):
        dataset = item.get("dataset")
        if isinstance(dataset, str):
            found.carried_by.setdefault(dataset, []).append((integration, item))
    monitoring = spec.get("monitoring")
    monitor = monitoring.get("owner") if isinstance(monitoring, dict) else None
    if isinstance(monitor, str):
        found.monitored_by.setdefault(monitor, []).append(integration)
    process = spec.get("process")
    exceptions = process.get("exceptions") if isinstance(process, dict) else None
    handler = exceptions.get("handled_by") if isinstance(exceptions, dict) else None
    if isinstance(handler, str):
        found.handled_by.setdefault(handler, []).append(integration)


def title_of(entity: Entity) -> str:
    """Its `metadata.title`, else its name."""
    metadata = entity.document.data.get("metadata")
    title = metadata.get("title") if isinstance(metadata, dict) else None
    return title if isinstance(title, str) and title else entity.name


def mappings(value: Any) -> Iterator[dict[str, Any]]:
    """The mappings of a list (what a manifest's list of blocks holds when it is valid)."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _names(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
