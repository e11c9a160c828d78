"""The estate as a web site, as data: the pages, their tables and where each page lives.

`outputs/site` turns this into HTML; `app/site` gathers an entity's page. The overview's
tables are worked out here: who owns what, integrations due for review, contracts that end
soon, and the manual work people do by hand, by system and by team.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govcheck.model.estate import Entity, Estate
from govcheck.model.findings import Finding
from govcheck.model.timing import Duration, parse_date, parse_duration
from govcheck.views.graph import EcosystemMap
from govcheck.views.relations import Relations, mappings, title_of

KINDS = ("System", "Dataset", "Integration", "Team", "Person")     # the order pages list them
KIND_PLURALS = {"System": "Systems", "Dataset": "Datasets", "Integration": "Integrations",
                "Team": "Teams", "Person": "People"}
SAFE_NAME = re.compile(r"[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?")
REVIEW_HORIZON = Duration(months=6)     # "due for review": overdue, or due within this
CONTRACT_HORIZON = Duration(months=18)  # as GOV013: a contract that ends within this


@dataclass(frozen=True)
class Ref:
    """Text that links to an entity's page ("kind/name") when the site has one, or to an
    outside address when it is a web or mail address; otherwise it is plain text."""

    text: str
    key: str = ""
    url: str = ""


# A table cell: text, one reference, or several.
Cell = str | Ref | tuple[Ref, ...]


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = "None."
    intro: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class EntityPage:
    """Everything the site says about one entity."""

    key: str                                # "kind/name"
    kind: str
    name: str
    title: str
    summary: str                            # its description, role or purpose
    facts: tuple[tuple[str, Cell], ...]     # label → value, the empty ones left out
    tables: tuple[Table, ...]
    findings: tuple[Finding, ...]
    file: str


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    counts: tuple[tuple[str, int], ...]     # ("Systems", 13), ...
    findings: tuple[Finding, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Site:
    overview: Overview
    ecosystem_map: EcosystemMap
    index: Table                            # every entity, with its owner
    pages: tuple[EntityPage, ...]


def page_path(key: str) -> str:
    """Where an entity's page lives in the site, e.g. "system/netsuite.html". A name that is
    not a valid manifest name (it can hold anything: it is reported by GOV000) gets a hashed
    file name, so that no name can reach outside its folder; it ends in "_", which no valid
    name does, so it cannot meet another entity's page."""
    kind, _, name = key.partition("/")
    stem = name if SAFE_NAME.fullmatch(name) else hashlib.sha256(name.encode()).hexdigest()[:20] + "_"
    return f"{kind}/{stem}.html"


# -- reading manifest values (any value may be of any type in a document that is invalid) ------

def text(value: Any) -> str:
    """A scalar as text; anything else as nothing."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def ref(kind: str, name: Any, titles: Mapping[str, str]) -> Ref:
    """A reference to `kind/name`, with the entity's title when it has one."""
    key = f"{kind.lower()}/{text(name)}"
    return Ref(titles.get(key, text(name)), key)


def entity_ref(entity: Entity) -> Ref:
    return Ref(title_of(entity), entity.key)


def hours(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def hours_text(value: float) -> str:
    return f"{value:g}"


# -- the overview ------------------------------------------------------------------------------

def overview(estate: Estate, found: Relations, findings: Iterable[Finding],
             as_of: dt.date) -> Overview:
    counts = tuple((KIND_PLURALS[kind], len(estate.of_kind(kind))) for kind in KINDS)
    ordered = tuple(sorted(findings, key=lambda f: (f.waived, -f.severity.rank, f.sort_key)))
    return Overview(as_of, counts, ordered,
                    (ownership(estate, found), reviews_due(estate, found.titles, as_of),
                     contracts_ending(estate, found.titles, as_of), *manual_work(estate, found.titles),
                     manual_links(estate, found.titles)))


def ownership(estate: Estate, found: Relations) -> Table:
    """Who owns what: per owner team, its systems, datasets and integrations."""
    teams = sorted({*found.owned_by, *(team.name for team in estate.of_kind("Team"))})
    rows: list[tuple[Cell, ...]] = []
    for team in teams:
        owned = found.owned_by.get(team, [])
        rows.append((ref("Team", team, found.titles), *(
            tuple(entity_ref(entity) for entity in owned if entity.kind == kind)
            for kind in ("System", "Dataset", "Integration"))))
    return Table("Who owns what", ("Team", "Systems", "Datasets", "Integrations"), tuple(rows),
                 "No team owns anything yet.", anchor="owners")


def reviews_due(estate: Estate, titles: Mapping[str, str], as_of: dt.date) -> Table:
    """Integrations whose review is overdue, due within six months, or not recorded."""
    horizon = REVIEW_HORIZON.after(as_of)
    due: list[tuple[dt.date, str, tuple[Cell, ...]]] = []
    for integration in estate.of_kind("Integration"):
        review = integration.spec.get("review")
        review = review if isinstance(review, dict) else {}
        last, interval = parse_date(review.get("last_reviewed")), parse_duration(review.get("interval"))
        row: tuple[Cell, ...] = (entity_ref(integration), ref("Team", integration.spec.get("owner"), titles),
                                 text(review.get("last_reviewed")) or "never",
                                 text(review.get("interval")))
        if last is None or interval is None:
            due.append((dt.date.min, integration.name, (*row, "", "no review recorded")))
            continue
        next_review = interval.after(last)
        if next_review <= horizon:
            due.append((next_review, integration.name,
                        (*row, next_review.isoformat(), _due(next_review, as_of))))
    rows = tuple(row for _, _, row in sorted(due, key=lambda entry: entry[:2]))
    return Table("Integrations due for review",
                 ("Integration", "Owner", "Last reviewed", "Interval", "Next review", "Status"),
                 rows, "No integration is due for review in the next six months.",
                 "Overdue, due within six months of the as-of date, or never reviewed.", "reviews")


def _due(day: dt.date, as_of: dt.date) -> str:
    days = (day - as_of).days
    if days < 0:
        return f"overdue by {-days} day{'s' * (days != -1)}"
    return "due today" if days == 0 else f"due in {days} day{'s' * (days != 1)}"


def _ends(day: dt.date, as_of: dt.date) -> str:
    days = (day - as_of).days
    if days < 0:
        return f"ended {-days} day{'s' * (days != -1)} ago"
    return "ends today" if days == 0 else f"in {days} day{'s' * (days != 1)}"


def contracts_ending(estate: Estate, titles: Mapping[str, str], as_of: dt.date) -> Table:
    """Systems whose contract ends within 18 months (or has ended), with their exit plan."""
    horizon = CONTRACT_HORIZON.after(as_of)
    ending: list[tuple[dt.date, str, tuple[Cell, ...]]] = []
    for system in estate.of_kind("System"):
        lifecycle = system.spec.get("lifecycle")
        lifecycle = lifecycle if isinstance(lifecycle, dict) else {}
        end = parse_date(lifecycle.get("contract_end"))
        if end is None or end > horizon:
            continue
        successor = lifecycle.get("replaced_by")
        ending.append((end, system.name, (
            entity_ref(system), ref("Team", system.spec.get("owner"), titles), end.isoformat(),
            _ends(end, as_of),
            text(lifecycle.get("status")) or "active",
            "yes" if text(lifecycle.get("exit_plan")).strip() else "missing",
            ref("System", successor, titles) if isinstance(successor, str) else "")))
    rows = tuple(row for _, _, row in sorted(ending, key=lambda entry: entry[:2]))
    return Table("Contracts ending within 18 months",
                 ("System", "Owner", "Contract end", "When", "Status", "Exit plan", "Replaced by"),
                 rows, "No contract ends in the next 18 months.", anchor="contracts")


def manual_work(estate: Estate, titles: Mapping[str, str]) -> tuple[Table, Table, Table]:
    """Hours a week people spend patching gaps by hand, by system and by team: where an
    integration would pay back first."""
    by_system: dict[str, list[float]] = {}
    by_team: dict[str, dict[str, float]] = {}
    rows: list[tuple[float, str, tuple[Cell, ...]]] = []
    for system in estate.of_kind("System"):
        for workaround in mappings(system.spec.get("manual_workarounds")):
            spent, team = hours(workaround.get("hours_per_week")), text(workaround.get("team"))
            by_system.setdefault(system.name, []).append(spent)
            systems = by_team.setdefault(team, {})
            systems[system.name] = systems.get(system.name, 0.0) + spent
            rows.append((-spent, system.name, (entity_ref(system), ref("Team", team, titles),
                                                text(workaround.get("description")),
                                                hours_text(spent))))
    system_rows = sorted(by_system.items(), key=lambda item: (-sum(item[1]), item[0]))
    team_rows = sorted(by_team.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    total = hours_text(sum(sum(spent) for spent in by_system.values()))
    return (
        Table("Manual work by system", ("System", "Hours a week", "Workarounds"),
              tuple((ref("System", name, titles), hours_text(sum(spent)), str(len(spent)))
                    for name, spent in system_rows),
              "Nobody reports manual work on any system.",
              f"{total} hours a week of manual work in all: the systems at the top are where an "
              "integration would save the most time.", "manual"),
        Table("Manual work by team", ("Team", "Hours a week", "On systems"),
              tuple((ref("Team", team, titles), hours_text(sum(systems.values())),
                     tuple(ref("System", name, titles) for name in sorted(systems)))
                    for team, systems in team_rows), "Nobody reports manual work."),
        Table("Manual workarounds", ("System", "Team", "What people do by hand", "Hours a week"),
              tuple(row for _, _, row in sorted(rows, key=lambda entry: entry[:2])),
              "None recorded."),
    )


def manual_links(estate: Estate, titles: Mapping[str, str]) -> Table:
    """Integrations that people run by hand (mode: manual): candidates to automate."""
    rows = tuple((entity_ref(link), ref("System", link.spec.get("source"), titles),
                  ref("System", link.spec.get("target"), titles),
                  ref("Team", link.spec.get("owner"), titles), text(link.spec.get("purpose")))
                 for link in sorted(estate.of_kind("Integration"), key=lambda e: e.name)
                 if link.spec.get("mode") == "manual")
    return Table("Integrations run by hand", ("Integration", "From", "To", "Owner", "Purpose"),
                 rows, "Every integration runs by itself.")


# -- the index of every entity -----------------------------------------------------------------

def entity_index(estate: Estate, titles: Mapping[str, str]) -> Table:
    """Every entity with its owner (a person's team, a team's function) and what it is."""
    rows = []
    for kind in KINDS:
        for entity in sorted(estate.of_kind(kind), key=lambda e: e.name):
            rows.append((kind, entity_ref(entity), entity.name, _owner_cell(entity, titles),
                         _what(entity)))
    return Table("Every entity", ("Kind", "Title", "Name", "Owner", "What it is"), tuple(rows),
                 "The estate is empty.", anchor="entities")


def _owner_cell(entity: Entity, titles: Mapping[str, str]) -> Cell:
    spec = entity.spec
    if entity.kind == "Team":
        return text(spec.get("function"))
    if entity.kind == "Person":
        return ref("Team", spec.get("team"), titles) if isinstance(spec.get("team"), str) else ""
    return ref("Team", spec.get("owner"), titles) if isinstance(spec.get("owner"), str) else ""


def _what(entity: Entity) -> str:
    spec = entity.spec
    for value in (spec.get("role"), spec.get("purpose"), spec.get("description")):
        if text(value):
            return text(value)
    metadata = entity.document.data.get("metadata")
    return text(metadata.get("description")) if isinstance(metadata, dict) else ""


def findings_by_entity(findings: Iterable[Finding]) -> Mapping[str, tuple[Finding, ...]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.entity, []).append(finding)
    return {key: tuple(sorted(found, key=lambda f: (f.waived, -f.severity.rank, f.sort_key)))
            for key, found in grouped.items()}
