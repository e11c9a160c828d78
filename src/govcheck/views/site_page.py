"""One entity's page of the site, laid out from the `EntityView` that `govcheck show` prints:
the same facts, as a list of labelled values and tables whose cells link to other pages.

Nothing is gathered here: every fact comes from `views.entity.describe`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from govcheck.views.entity import (
    KINDS_BY_KEY,
    DatasetFacts,
    EntityView,
    IntegrationFacts,
    PersonFacts,
    Ref,
    SystemFacts,
    TeamFacts,
    WorkaroundView,
)
from govcheck.views.graph import category_title
from govcheck.views.site import Cell, EntityPage, Table, hours_text
from govcheck.views.site import Ref as Link

Facts = list[tuple[str, Cell]]


def entity_page(view: EntityView) -> EntityPage:
    """The page of one described entity: its facts, its tables and its findings."""
    facts, tables, summary = _LAYOUTS[type(view.facts)](view.facts)
    if view.labels:
        facts = [*facts, ("Labels", ", ".join(f"{key}: {value}" for key, value in view.labels))]
    return EntityPage(view.key, KINDS_BY_KEY[view.kind], view.name, view.title,
                      summary or view.description,
                      tuple((label, value) for label, value in facts if value),
                      tuple(tables), view.findings, view.file)


# -- cells ------------------------------------------------------------------------------------

def _link(reference: Ref | None) -> Cell:
    """A link to the entity's page (the page marks a name that nothing defines)."""
    if reference is None:
        return ""
    return Link(reference.title, reference.key) if reference.name else Link(reference.title)


def _links(references: Iterable[Ref]) -> tuple[Link, ...]:
    return tuple(item for item in map(_link, references) if isinstance(item, Link))


def _timing(mode: str, cadence: str) -> str:
    return f"{mode}, {cadence}" if cadence else mode


def _fields(fields: tuple[str, ...] | None) -> str:
    return "every field" if fields is None else ", ".join(fields)


def _hours(item: WorkaroundView) -> str:
    return hours_text(item.hours_per_week or 0.0)


# -- the layout of each kind: (facts, tables, summary) ----------------------------------------

Layout = tuple[Facts, list[Table], str]


def _dataset(facts: DatasetFacts) -> Layout:
    people = {person.key: person for item in facts.approvers for person in item.people}
    said: Facts = [
        ("Owner", _link(facts.owner)), ("System of record", _link(facts.system_of_record)),
        ("Classification", facts.classification),
        ("Approvers", _links(item.ref for item in facts.approvers)),
        ("Who can approve", _links(people[key] for key in sorted(people))), ("Approvals needed", str(facts.min_approvals))]
    carried = Table("Carried by", ("Integration", "From", "To", "Fields", "Mode", "Conflict winner"),
                    tuple((_link(item.integration), _link(item.source), _link(item.target),
                           _fields(item.fields), _timing(item.mode, item.cadence),
                           _link(item.winner)) for item in facts.carried_by),
                    "No integration carries it.")
    fields = Table("Fields", ("Field", "Type", "Required", "Personal data", "Notes"), tuple(
        (field.name, field.type, "yes" if field.required else "", "yes" if field.pii else "",
         "; ".join(note for note in (
             f"values: {', '.join(field.values)}" if field.values else "",
             f"renamed from {field.renamed_from}" if field.renamed_from else "") if note))
        for field in facts.fields), "No fields.")
    return said, [carried, fields], facts.description


def _system(facts: SystemFacts) -> Layout:
    api = facts.api
    share = f", {api.share} of the limit" if api.share else ""
    verdict = "" if api.within is None else (
        f"within {api.headroom} (up to {api.allowed}: room for {api.room} more)" if api.within
        else f"over {api.headroom} (up to {api.allowed})")
    said: Facts = [
        ("Category", category_title(facts.category)), ("Owner", _link(facts.owner)),
        ("Vendor", facts.vendor), ("Lifecycle", facts.status),
        ("Contract end", facts.contract_end), ("Exit plan", facts.exit_plan),
        ("Replaced by", _link(facts.replaced_by)), ("Replaces", _links(facts.replaces)),
        ("API rate limit", api.rate_limit),
        ("Availability", api.availability),
        ("Declared load at peak", f"{api.load} per {api.per}{share}" if api.load else ""),
        ("Headroom", verdict)]
    records = Table("Records it holds", ("Dataset",), tuple((_link(item),) for item in facts.records),
                    "It is the system of record of no dataset.")
    inbound = Table("Data coming in", ("Integration", "From", "Datasets", "Mode"), tuple(
        (_link(link.integration), _link(link.other), _links(link.datasets),
         _timing(link.mode, link.cadence)) for link in facts.inbound),
        "No integration sends it data.")
    outbound = Table("Data going out", ("Integration", "To", "Datasets", "Mode"), tuple(
        (_link(link.integration), _link(link.other), _links(link.datasets),
         _timing(link.mode, link.cadence)) for link in facts.outbound), "It sends data nowhere.")
    load = Table("Declared load", ("Integration", "Declared volume", f"At peak, per {api.per}",
                                   "Share of the limit"), tuple(
        (_link(item.integration), item.volume, item.load, item.share) for item in api.shares),
        "No integration declares its load on it.")
    manual = Table("Manual workarounds", ("What people do by hand", "Team", "Hours a week"), tuple(
        (item.description, _link(item.team), _hours(item)) for item in facts.workarounds),
        "None recorded.")
    return said, [records, inbound, outbound, load, manual], facts.role


def _integration(facts: IntegrationFacts) -> Layout:
    said: Facts = [
        ("Owner", _link(facts.owner)), ("From", _link(facts.source)), ("To", _link(facts.target)),
        ("Direction", "both ways" if facts.bidirectional else "one-way"),
        ("Mode", _timing(facts.mode, facts.cadence)), ("Method", facts.method),
        ("Volume", facts.volume), ("Trigger", facts.trigger), ("Outcome", facts.outcome),
        ("Validations", ", ".join(facts.validations)),
        ("Exceptions handled by", _link(facts.exceptions_handled_by)),
        ("Exceptions", facts.exceptions), ("Conflict winner", _link(facts.winner)),
        ("Conflict strategy", facts.strategy),
        ("Fallback", " · ".join(part for part in (facts.fallback_strategy, facts.fallback) if part)),
        ("Longest delay on fallback", facts.max_delay),
        ("Monitoring owner", _link(facts.monitoring_owner)), ("Alert channel", facts.alert_channel),
        ("Runbook", Link(facts.runbook, url=facts.runbook) if facts.runbook else ""),
        ("Last reviewed", facts.last_reviewed), ("Review interval", facts.review_interval),
        ("Next review", facts.review_due)]
    datasets = Table("Datasets it carries", ("Dataset", "Fields"), tuple(
        (_link(dataset), _fields(fields)) for dataset, fields in facts.datasets), "None.")
    measures = Table("Success measures", ("Metric", "Baseline", "Target"), tuple(
        (item.metric, item.baseline, item.target) for item in facts.measures), "None stated.")
    return said, [datasets, measures], facts.purpose


def _team(facts: TeamFacts) -> Layout:
    said: Facts = [("Function", facts.function), ("GitHub team", facts.github),
                   ("Contact", facts.contact),
                   ("Governance approver", "yes" if facts.governance else "")]
    tables = [
        Table("Members", ("Person",), tuple((_link(item),) for item in facts.members), "No members."),
        Table("What it owns", ("Kind", "Name"), tuple(
            (KINDS_BY_KEY.get(item.kind, item.kind), _link(item)) for item in facts.owns),
            "It owns nothing."),
        _list("Schema changes it approves", "Dataset", facts.approves),
        _list("Integrations it monitors", "Integration", facts.monitors),
        _list("Exceptions it handles", "Integration", facts.handles_exceptions),
        Table("Manual work", ("System", "What people do by hand", "Hours a week"), tuple(
            (_link(item.system), item.description, _hours(item)) for item in facts.workarounds),
            "None recorded.")]
    return said, tables, ""


def _list(title: str, column: str, references: tuple[Ref, ...]) -> Table:
    return Table(title, (column,), tuple((_link(item),) for item in references), "None.")


def _person(facts: PersonFacts) -> Layout:
    said: Facts = [("Email", facts.email), ("GitHub", facts.github), ("Team", _link(facts.team)),
                   ("Member of", _links(facts.member_of)),
                   ("Governance approver", "yes" if facts.governance else ""),
                   ("Signing keys", str(facts.signing_keys) if facts.signing_keys else "")]
    approvals = Table("Schema changes they can approve", ("Dataset", "Through"), tuple(
        (_link(item.dataset), _link(item.through) if item.through else "named directly")
        for item in facts.approvals), "None.")
    return said, [approvals], ""


_LAYOUTS: dict[type, Callable[[Any], Layout]] = {
    DatasetFacts: _dataset, SystemFacts: _system, IntegrationFacts: _integration,
    TeamFacts: _team, PersonFacts: _person}
