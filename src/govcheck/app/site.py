"""`govcheck site DIR`: the estate as a static web site that works offline, opened from disk.

`build_site` checks the estate, gathers the pages (`gather_site`; each entity's page comes
from `describe_for_site`), renders them and writes the folder safely.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcheck.app.check import report_for
from govcheck.app.project import Project, load_estate
from govcheck.model.estate import Entity, Estate
from govcheck.model.findings import Finding, Severity
from govcheck.model.timing import parse_date, parse_duration
from govcheck.outputs.site import render_site
from govcheck.outputs.site.folder import write_site
from govcheck.views.graph import build_map, cadence, category_title
from govcheck.views.relations import Relations, mappings, relations, title_of
from govcheck.views.site import (
    Cell,
    EntityPage,
    Ref,
    Site,
    Table,
    entity_index,
    entity_ref,
    findings_by_entity,
    hours,
    hours_text,
    overview,
    ref,
    text,
)


@dataclass(frozen=True)
class SiteResult:
    """What `govcheck site` did."""

    directory: Path
    pages: tuple[str, ...]      # every file written, relative to the directory
    removed: tuple[str, ...]    # files of the previous site that are no longer part of it
    kept: tuple[str, ...]       # files of the previous site changed since: left untouched
    findings: int               # active findings shown in the site


def build_site(project: Project, directory: Path, as_of: dt.date, force: bool = False) -> SiteResult:
    """Check the project's estate and write it as a web site into `directory`."""
    estate = load_estate(project, project.ecosystem)
    report = report_for(estate, project, project.rules(), as_of, Severity.ERROR)
    site = gather_site(estate, report.findings, as_of)
    written = write_site(directory, render_site(site), force)
    return SiteResult(directory, written.written, written.removed, written.kept, len(report.active))


def gather_site(estate: Estate, findings: tuple[Finding, ...], as_of: dt.date) -> Site:
    found = relations(estate)
    by_entity = findings_by_entity(findings)
    pages = tuple(describe_for_site(entity, estate, found, by_entity)
                  for entity in sorted(estate.entities.values(), key=lambda e: e.key))
    return Site(overview(estate, found, findings, as_of), build_map(estate, findings),
                entity_index(estate, found.titles), pages)


# -- one entity's page: the one function to swap for `show`'s when they meet -------------------

def describe_for_site(entity: Entity, estate: Estate, found: Relations,
                      findings: Mapping[str, tuple[Finding, ...]]) -> EntityPage:
    """Everything the estate says about one entity, as a page: its facts, the tables of what
    it is linked to, and the findings on it."""
    facts, tables = DESCRIBERS[entity.kind](entity, estate, found)
    metadata = entity.document.data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    if isinstance(labels, dict) and labels:
        facts = [*facts, ("Labels", ", ".join(f"{text(k)}: {text(v)}" for k, v in labels.items()))]
    return EntityPage(entity.key, entity.kind, entity.name, title_of(entity), _summary(entity),
                      tuple((label, value) for label, value in facts if value),
                      tuple(tables), findings.get(entity.key, ()), entity.file)


Facts = list[tuple[str, Cell]]


def _summary(entity: Entity) -> str:
    spec = entity.spec
    metadata = entity.document.data.get("metadata")
    described = text(metadata.get("description")) if isinstance(metadata, dict) else ""
    for value in (spec.get("role"), spec.get("purpose"), spec.get("description"), described):
        if text(value):
            return text(value)
    return ""


def _system(system: Entity, estate: Estate, found: Relations) -> tuple[Facts, list[Table]]:
    spec = system.spec
    lifecycle = _block(spec, "lifecycle")
    api = _block(spec, "api")
    limit = _block(api, "rate_limit")
    facts: Facts = [
        ("Category", category_title(text(spec.get("category")))), ("Owner", _team(spec, "owner", found)),
        ("Vendor", text(spec.get("vendor"))), ("Lifecycle", text(lifecycle.get("status")) or "active"),
        ("Contract end", text(lifecycle.get("contract_end"))), ("Exit plan", text(lifecycle.get("exit_plan"))),
        ("Replaced by", _optional_ref("System", lifecycle.get("replaced_by"), found)),
        ("Replaces", tuple(entity_ref(other) for other in found.replaces.get(system.name, []))),
        ("API rate limit", f"{text(limit.get('requests'))} requests per {text(limit.get('per'))}"
         if limit else ""),
        ("Availability", f"{text(api.get('availability'))} %" if text(api.get("availability")) else "")]
    records = Table("Records it holds", ("Dataset", "Owner", "Classification"), tuple(
        (entity_ref(dataset), _team(dataset.spec, "owner", found), _classification(dataset))
        for dataset in found.records.get(system.name, [])),
        "It is the system of record of no dataset.")
    inbound = Table("Data coming in", ("Integration", "From", "Datasets", "Mode", "Fallback"), tuple(
        (entity_ref(link), _optional_ref("System", link.spec.get("source"), found), _datasets(link, found),
         _mode(link), text(_block(link.spec, "fallback").get("strategy")))
        for link in found.inbound.get(system.name, [])), "No integration sends it data.")
    outbound = Table("Data going out", ("Integration", "To", "Datasets", "Mode"), tuple(
        (entity_ref(link), _optional_ref("System", link.spec.get("target"), found), _datasets(link, found),
         _mode(link))
        for link in found.outbound.get(system.name, [])), "It sends data nowhere.")
    manual = Table("Manual workarounds", ("What people do by hand", "Team", "Hours a week"), tuple(
        (text(item.get("description")), _optional_ref("Team", item.get("team"), found),
         hours_text(hours(item.get("hours_per_week"))))
        for item in mappings(spec.get("manual_workarounds"))), "None recorded.")
    return facts, [records, inbound, outbound, manual]


def _dataset(dataset: Entity, estate: Estate, found: Relations) -> tuple[Facts, list[Table]]:
    spec = dataset.spec
    change_control = _block(spec, "change_control")
    approvers = change_control.get("approvers")
    listed = [item for item in approvers if isinstance(item, str)] if isinstance(approvers, list) else []
    people = sorted({person for approver in listed for person in estate.people_of(approver)})
    facts: Facts = [
        ("Owner", _team(spec, "owner", found)),
        ("System of record", _optional_ref("System", spec.get("system_of_record"), found)),
        ("Classification", _classification(dataset)),
        ("Approvers", tuple(_typed_ref(item, found) for item in listed)),
        ("Who can approve", tuple(ref("Person", person, found.titles) for person in people)),
        ("Approvals needed", text(change_control.get("min_approvals")) or ("1" if listed else ""))]
    carried = Table("Carried by", ("Integration", "From", "To", "Fields", "Mode", "Conflict winner"), tuple(
        (entity_ref(link), _optional_ref("System", link.spec.get("source"), found),
         _optional_ref("System", link.spec.get("target"), found), _fields_moved(item), _mode(link),
         _optional_ref("System", _block(link.spec, "conflict_resolution").get("winner"), found))
        for link, item in found.carried_by.get(dataset.name, [])), "No integration carries it.")
    fields = Table("Fields", ("Field", "Type", "Required", "Personal data", "Notes"), tuple(
        (text(field.get("name")), text(field.get("type")), "yes" if field.get("required") is True else "",
         "yes" if field.get("pii") is True else "", _field_notes(field))
        for field in mappings(spec.get("fields"))), "No fields.")
    return facts, [carried, fields]


def _integration(link: Entity, estate: Estate, found: Relations) -> tuple[Facts, list[Table]]:
    spec = link.spec
    process, fallback = _block(spec, "process"), _block(spec, "fallback")
    conflict, monitoring = _block(spec, "conflict_resolution"), _block(spec, "monitoring")
    exceptions, review = _block(process, "exceptions"), _block(spec, "review")
    runbook = text(monitoring.get("runbook"))
    facts: Facts = [
        ("Owner", _team(spec, "owner", found)), ("From", _optional_ref("System", spec.get("source"), found)),
        ("To", _optional_ref("System", spec.get("target"), found)),
        ("Direction", text(spec.get("direction")) or "one-way"), ("Mode", _mode(link)),
        ("Method", text(spec.get("method"))), ("Trigger", text(process.get("trigger"))),
        ("Outcome", text(process.get("outcome"))), ("Validations", _list_text(process.get("validations"))),
        ("Exceptions handled by", _optional_ref("Team", exceptions.get("handled_by"), found)),
        ("Exceptions", text(exceptions.get("description"))),
        ("Conflict winner", _optional_ref("System", conflict.get("winner"), found)),
        ("Conflict strategy", text(conflict.get("strategy"))),
        ("Fallback", " · ".join(part for part in (text(fallback.get("strategy")),
                                                  text(fallback.get("description"))) if part)),
        ("Longest delay on fallback", text(fallback.get("max_delay"))),
        ("Monitoring owner", _optional_ref("Team", monitoring.get("owner"), found)),
        ("Alert channel", text(monitoring.get("alert_channel"))),
        ("Runbook", Ref(runbook, url=runbook) if runbook else ""),
        ("Last reviewed", text(review.get("last_reviewed"))), ("Review interval", text(review.get("interval"))),
        ("Next review", _next_review(review))]
    datasets = Table("Datasets it carries", ("Dataset", "Fields", "Owner", "System of record"), tuple(
        (_optional_ref("Dataset", item.get("dataset"), found), _fields_moved(item),
         _team(_spec_of(estate, "Dataset", item.get("dataset")), "owner", found),
         _optional_ref("System", _spec_of(estate, "Dataset", item.get("dataset")).get("system_of_record"), found))
        for item in mappings(spec.get("datasets"))), "None.")
    measures = Table("Success measures", ("Metric", "Baseline", "Target"), tuple(
        (text(item.get("metric")), text(item.get("baseline")), text(item.get("target")))
        for item in mappings(spec.get("success_measures"))), "None stated.")
    return facts, [datasets, measures]


def _team(entity_spec: Mapping[str, Any], field: str, found: Relations) -> Cell:
    return _optional_ref("Team", entity_spec.get(field), found)


def _team_page(team: Entity, estate: Estate, found: Relations) -> tuple[Facts, list[Table]]:
    spec = team.spec
    members = spec.get("members")
    names = [name for name in members if isinstance(name, str)] if isinstance(members, list) else []
    facts: Facts = [("Function", text(spec.get("function"))), ("GitHub team", text(spec.get("github"))),
                    ("Contact", text(spec.get("contact")))]
    people = Table("Members", ("Person", "Email", "GitHub"), tuple(
        (ref("Person", name, found.titles), text(_spec_of(estate, "Person", name).get("email")),
         text(_spec_of(estate, "Person", name).get("github"))) for name in names), "No members.")
    owns = Table("What it owns", ("Kind", "Name", "What it is"), tuple(
        (entity.kind, entity_ref(entity), _summary(entity)) for entity in found.owned_by.get(team.name, [])),
        "It owns nothing.")
    approves = _approvals(found.approved_by.get(f"team:{team.name}", []), found)
    monitors = Table("Integrations it monitors", ("Integration", "From", "To", "Mode"), tuple(
        (entity_ref(link), _optional_ref("System", link.spec.get("source"), found),
         _optional_ref("System", link.spec.get("target"), found), _mode(link))
        for link in found.monitored_by.get(team.name, [])), "None.")
    manual = Table("Manual work", ("System", "What people do by hand", "Hours a week"), tuple(
        (entity_ref(system), text(item.get("description")), hours_text(hours(item.get("hours_per_week"))))
        for system, item in found.workarounds.get(team.name, [])), "None recorded.")
    return facts, [people, owns, approves, monitors, manual]


def _person(person: Entity, estate: Estate, found: Relations) -> tuple[Facts, list[Table]]:
    spec = person.spec
    teams = found.teams_of.get(person.name, [])
    facts: Facts = [("Email", text(spec.get("email"))), ("GitHub", text(spec.get("github"))),
                    ("Team", _optional_ref("Team", spec.get("team"), found)),
                    ("Member of", tuple(entity_ref(team) for team in teams))]
    direct = found.approved_by.get(f"person:{person.name}", [])
    through = [(dataset, team) for team in teams for dataset in found.approved_by.get(f"team:{team.name}", [])]
    rows: list[tuple[Cell, ...]] = [(entity_ref(d), _team(d.spec, "owner", found), "named directly")
                                    for d in direct]
    rows.extend((entity_ref(d), _team(d.spec, "owner", found), entity_ref(team)) for d, team in through)
    return facts, [Table("Schema changes they can approve", ("Dataset", "Owner", "Through"),
                         tuple(rows), "None.")]


DESCRIBERS = {"System": _system, "Dataset": _dataset, "Integration": _integration,
              "Team": _team_page, "Person": _person}


# -- small readers ----------------------------------------------------------------------------

def _block(spec: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = spec.get(name)
    return value if isinstance(value, dict) else {}


def _spec_of(estate: Estate, kind: str, name: Any) -> dict[str, Any]:
    found = estate.lookup(kind, name)
    return found.spec if found is not None else {}


def _optional_ref(kind: str, name: Any, found: Relations) -> Cell:
    return ref(kind, name, found.titles) if text(name) else ""


def _typed_ref(reference: str, found: Relations) -> Ref:
    kind, _, name = reference.partition(":")
    if kind in ("person", "team"):
        return ref(kind.capitalize(), name, found.titles)
    return Ref(reference)


def _approvals(datasets: list[Entity], found: Relations) -> Table:
    return Table("Schema changes it approves", ("Dataset", "Owner", "Classification"), tuple(
        (entity_ref(dataset), _team(dataset.spec, "owner", found), _classification(dataset))
        for dataset in datasets), "None.")


def _classification(dataset: Entity) -> str:
    return text(dataset.spec.get("classification")) or "internal"


def _mode(link: Entity) -> str:
    mode = text(link.spec.get("mode"))
    timing = _cadence(link.spec.get("schedule")) if mode == "scheduled" else ""
    return f"{mode}, {timing}" if timing else mode


def _cadence(schedule: Any) -> str:
    """A schedule in words; the common forms are remembered (reading a cron expression's
    cadence walks two years of days, and a large estate repeats a few schedules)."""
    if isinstance(schedule, dict) and len(schedule) == 1:
        (key, value), = schedule.items()
        if key in ("every", "cron") and isinstance(value, str):
            return _remembered_cadence(key, value)
    return cadence(schedule)


@functools.lru_cache(maxsize=4096)
def _remembered_cadence(key: str, value: str) -> str:
    return cadence({key: value})


def _datasets(link: Entity, found: Relations) -> tuple[Ref, ...]:
    return tuple(ref("Dataset", item.get("dataset"), found.titles)
                 for item in mappings(link.spec.get("datasets")) if text(item.get("dataset")))


def _fields_moved(item: Mapping[str, Any]) -> str:
    fields = item.get("fields")
    return _list_text(fields) if isinstance(fields, list) else "every field"


def _list_text(value: Any) -> str:
    return ", ".join(text(item) for item in value if text(item)) if isinstance(value, list) else text(value)


def _field_notes(field: Mapping[str, Any]) -> str:
    notes = []
    if isinstance(field.get("values"), list):
        notes.append("values: " + _list_text(field.get("values")))
    if text(field.get("renamed_from")):
        notes.append(f"renamed from {text(field.get('renamed_from'))}")
    return "; ".join(notes)


def _next_review(review: Mapping[str, Any]) -> str:
    last, interval = parse_date(review.get("last_reviewed")), parse_duration(review.get("interval"))
    return interval.after(last).isoformat() if last is not None and interval is not None else ""
