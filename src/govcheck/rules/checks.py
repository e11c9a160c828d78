"""Check primitives: the few general Python functions that policy files parameterise.

Each primitive takes the run's `Context` and the check's parameters (validated against the
primitive's JSON Schema when the policy is loaded) and yields `Hit`s. Rules never stamp their
id or severity: the engine does. Rules look only at entities that passed schema validation,
and stay silent about references that do not resolve (that is GOV004's finding).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from govcheck.load.config import Config, waiver_problems
from govcheck.load.documents import entity_key
from govcheck.load.schema import dotted, suggest
from govcheck.model import cycles as graph_cycles
from govcheck.model.capacity import (
    Rate,
    SystemLoad,
    distinct_numbers,
    headroom_fraction,
    number,
    percent,
    system_loads,
)
from govcheck.model.estate import (
    TODO,
    Entity,
    Estate,
    expand,
    is_blank,
    is_todo,
    split_path,
    todos,
)
from govcheck.model.findings import Finding
from govcheck.model.timing import cron_problem, parse_date, parse_duration
from govcheck.rules.conditions import (
    CONDITION_DEFINITION,
    CONDITION_SCHEMA,
    matches,
    render,
)


@dataclass(frozen=True)
class Hit:
    entity: str
    file: str
    line: int
    column: int
    message: str


@dataclass
class Context:
    estate: Estate
    as_of: dt.date
    config: Config
    rule_ids: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)

    def subjects(self, kind: str) -> list[Entity]:
        return [entity for entity in self.estate.of_kind(kind) if entity.valid]


Params = dict[str, Any]
CheckFunction = Callable[[Context, Params], Iterator[Hit]]


@dataclass(frozen=True)
class Primitive:
    function: CheckFunction
    schema: dict[str, Any]
    late: bool = False   # runs after the others, on their findings (waivers)


def schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A primitive's parameters as a JSON Schema (a `where:` condition may appear in them)."""
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False, "definitions": {"condition": CONDITION_DEFINITION}}


def hit(entity: Entity, path: tuple[Any, ...], message: str) -> Hit:
    line, column = entity.locate(path)
    return Hit(entity.key, entity.file, line, column, message)


KIND = {"enum": ["Team", "Person", "System", "Dataset", "Integration"]}
PATHS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
TEXT = {"type": "string"}


def documents(context: Context, params: Params) -> Iterator[Hit]:
    """What could not be read as a manifest, or does not match its kind's schema."""
    for problem in context.estate.load_problems:
        yield Hit(problem.entity, problem.file, problem.line, problem.column, problem.message)
    for document, schema_problem in context.estate.schema_problems:
        where = document.key_positions if schema_problem.at_key else document.positions
        line, column = where.get(schema_problem.path) or (
            document.position(("metadata", "name")) if schema_problem.missing else None
        ) or document.start
        yield Hit(entity_key(document.data), document.file, line, column, schema_problem.message)


def required(context: Context, params: Params) -> Iterator[Hit]:
    """Each entity of `kind` meeting `where` has a value at every path (`[]` steps: every item
    of a non-empty list). One hit per entity, naming what is missing."""
    for entity in context.subjects(params["kind"]):
        if not matches(entity, params.get("where"), context.as_of):
            continue
        missing = _missing(entity, params["paths"])
        if missing:
            template = params.get("message", "{missing} is required")
            text = render(template, entity, {"missing": ", ".join(dotted(p) for p in missing)})
            yield hit(entity, missing[0], text)


def _missing(entity: Entity, patterns: list[str]) -> list[tuple[Any, ...]]:
    """The highest absent nodes along the patterns, without repeats."""
    found: list[tuple[Any, ...]] = []
    for pattern in patterns:
        reached = list(expand(entity.document.data, pattern))
        if not reached:
            reached = [(split_path(pattern.split("[]")[0]), None)]
        for path, value in reached:
            if is_blank(value):
                top = _highest_absent(entity, path)
                if top not in found:
                    found.append(top)
    return found


def _highest_absent(entity: Entity, path: tuple[Any, ...]) -> tuple[Any, ...]:
    for length in range(1, len(path) + 1):
        if is_blank(entity.get(path[:length])):
            return path[:length]
    return path


def exactly_one(context: Context, params: Params) -> Iterator[Hit]:
    """Each path holds exactly one name: not missing, not a list of several."""
    for entity in context.subjects(params["kind"]):
        for item in params["fields"]:
            path, label = split_path(item["path"]), item["label"]
            value = entity.get(path)
            if is_blank(value):
                yield hit(entity, path, f"no {label} ({dotted(path)}): name exactly one")
            elif isinstance(value, list) and len(value) > 1:
                names = ", ".join(str(v) for v in value)
                plural = item.get("plural", label + "s")
                yield hit(entity, path, f"{len(value)} {plural} ({names}): name exactly one")
            elif not isinstance(value, str):
                yield hit(entity, path, f"{dotted(path)} must name one {label}, as a single name")


def references(context: Context, params: Params) -> Iterator[Hit]:
    """Every reference names an existing entity of the right kind."""
    for ref in params["refs"]:
        for entity in context.estate.of_kind(ref["kind"]):
            for path, value in expand(entity.document.data, ref["path"]):
                message = _dangling(context.estate, value, ref["to"])
                if message:
                    yield hit(entity, path, f"{dotted(path)}: {message}")


def _resolves(estate: Estate, reference: Any) -> bool:
    """A typed reference names a readable entity."""
    target = estate.lookup_typed(reference)
    return target is not None and target.valid


def _dangling(estate: Estate, value: Any, to: str) -> str | None:
    if not isinstance(value, str) or not value or value.partition(":")[2] in estate.unreadable_names \
            or value in estate.unreadable_names or is_todo(value):
        return None
    if to == "typed":
        prefix, _, name = value.partition(":")
        kind = {"person": "Person", "team": "Team"}.get(prefix)
        if kind is None or estate.lookup(kind, name) is not None:
            return None
    else:
        kind, name = to, value
        if estate.lookup(kind, name) is not None:
            return None
    return f"{kind.lower()} '{name}' does not exist{suggest(name, estate.names(kind))}"


def approvers(context: Context, params: Params) -> Iterator[Hit]:
    """Someone can approve: approvers listed, teams with members, enough distinct people."""
    path = split_path(params["path"])
    for entity in context.subjects(params["kind"]):
        listed = entity.get(path)
        if is_blank(listed) or not isinstance(listed, list):
            yield hit(entity, path, f"no approvers for schema changes ({dotted(path)}): "
                                    "name a person:NAME or team:NAME who signs off")
            continue
        yield from _approver_problems(context.estate, entity, path, listed, params.get("minimum"))


def _approver_problems(estate: Estate, entity: Entity, path: tuple[Any, ...], listed: list[Any],
                       minimum_path: str | None) -> Iterator[Hit]:
    people: set[str] = set()
    resolved = True
    for index, reference in enumerate(listed):
        # A missing approver is GOV004's finding, an unreadable team GOV000's: judge neither.
        readable = _resolves(estate, reference)
        resolved = resolved and readable
        if readable and reference.startswith("team:") and not estate.people_of(reference):
            yield hit(entity, path + (index,), f"approver {reference} has no members, "
                                               "so nobody can sign off")
        people |= estate.people_of(reference)
    minimum = entity.get(minimum_path) if minimum_path else None
    if resolved and isinstance(minimum, int) and minimum > len(people):
        yield hit(entity, split_path(minimum_path or ""),
                  f"min_approvals is {minimum} but only {len(people)} distinct "
                  f"{'person' if len(people) == 1 else 'people'} can approve")


def _carried(estate: Estate, entity: Entity) -> Iterator[tuple[int, Entity]]:
    """The datasets an integration carries that can be judged: a dataset that does not exist
    is GOV004's finding, one that does not match its schema GOV000's."""
    for index, item in enumerate(entity.spec.get("datasets") or []):
        dataset = estate.lookup("Dataset", item.get("dataset")) if isinstance(item, dict) else None
        if dataset is not None and dataset.valid:
            yield index, dataset


WINNER = ("spec", "conflict_resolution", "winner")


def conflict_winner(context: Context, params: Params) -> Iterator[Hit]:
    """Bidirectional links, and links into a carried dataset's system of record, name a
    conflict winner, and the winner is the link's source or target."""
    for entity in context.subjects("Integration"):
        spec, winner = entity.spec, entity.get(WINNER)
        source, target = spec.get("source"), spec.get("target")
        if not _endpoints_resolve(context.estate, entity):
            continue  # GOV004's finding; which side may win is unknowable until it is fixed
        if is_blank(winner):
            reason = _needs_winner(context.estate, entity)
            if reason:
                yield hit(entity, WINNER, f"{reason}, but declares no conflict winner "
                                          f"({dotted(WINNER)}): say which system wins")
        elif context.estate.lookup("System", winner) and winner not in (source, target):
            yield hit(entity, WINNER, f"conflict winner '{winner}' is neither the source "
                                      f"({source}) nor the target ({target})")


def _endpoints_resolve(estate: Estate, entity: Entity) -> bool:
    return all(estate.lookup("System", entity.spec.get(side)) is not None
               for side in ("source", "target"))


def _needs_winner(estate: Estate, entity: Entity) -> str | None:
    spec = entity.spec
    if spec.get("direction") == "bidirectional":
        return f"bidirectional integration between {spec.get('source')} and {spec.get('target')}"
    owned = [dataset.key for _, dataset in _carried(estate, entity)
             if dataset.spec.get("system_of_record") == spec.get("target")]
    if owned:
        return f"integration writes into {spec.get('target')}, the system of record of {', '.join(owned)}"
    return None


def winner_is_system_of_record(context: Context, params: Params) -> Iterator[Hit]:
    """A conflict winner over a dataset is its system of record, unless conflicts go to
    manual review."""
    for entity in context.subjects("Integration"):
        winner, spec = entity.get(WINNER), entity.spec
        if (not isinstance(winner, str) or winner not in (spec.get("source"), spec.get("target"))
                or not _endpoints_resolve(context.estate, entity)
                or entity.get("spec.conflict_resolution.strategy") == "manual-review"):
            continue
        for _, dataset in _carried(context.estate, entity):
            record = dataset.spec.get("system_of_record")
            if isinstance(record, str) and context.estate.lookup("System", record) and record != winner:
                yield hit(entity, WINNER, f"conflict winner '{winner}' is not the system of record "
                                          f"of {dataset.key} ({record}): two systems would act as the "
                                          f"truth for the same data; let {record} win or use "
                                          "strategy manual-review")


def schedule(context: Context, params: Params) -> Iterator[Hit]:
    """Scheduled links carry one valid schedule; real-time and manual links carry none."""
    path = ("spec", "schedule")
    for entity in context.subjects("Integration"):
        mode, value = entity.spec.get("mode"), entity.spec.get("schedule")
        if mode != "scheduled":
            if value is not None:
                yield hit(entity, path, f"a {mode} integration carries no schedule: remove "
                                        "spec.schedule or make the mode scheduled")
            continue
        problem = _schedule_problem(value)
        if problem:
            yield hit(entity, path + (problem[0],) if problem[0] else path, problem[1])


def _schedule_problem(value: Any) -> tuple[str, str] | None:
    if is_blank(value):
        return "", "scheduled integration has no schedule: give {every: PT15M} or {cron: \"0 2 * * *\"}"
    if not isinstance(value, dict) or ("every" in value) == ("cron" in value):
        return "", "spec.schedule takes exactly one of every (an ISO-8601 duration) or cron"
    if "every" in value:
        if parse_duration(value["every"]) is None:
            return "every", f"'{value['every']}' is not an ISO-8601 duration such as PT15M or P1D"
        return None
    problem = cron_problem(value["cron"])
    return ("cron", f"invalid cron schedule: {problem}") if problem else None


def moved_fields_exist(context: Context, params: Params) -> Iterator[Hit]:
    """Every field an integration lists for a dataset is one of that dataset's fields."""
    for entity in context.subjects("Integration"):
        for index, dataset in _carried(context.estate, entity):
            names = frozenset(field_names(dataset))
            moved = entity.spec["datasets"][index].get("fields") or []
            for position, name in enumerate(moved):
                if isinstance(name, str) and name not in names:
                    yield hit(entity, ("spec", "datasets", index, "fields", position),
                              f"field '{name}' is not a field of {dataset.key}"
                              f"{suggest(name, names)}")


def field_names(dataset: Entity) -> list[str]:
    fields = dataset.spec.get("fields") or []
    return [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def overdue(context: Context, params: Params) -> Iterator[Hit]:
    """A periodic review exists and `date + interval` is not before the as-of date."""
    block = split_path(params["block"])
    for entity in context.subjects(params["kind"]):
        review = entity.get(block)
        date_path, interval_path = block + (params["date"],), block + (params["interval"],)
        if not isinstance(review, dict) or is_blank(review):
            yield hit(entity, block, f"no review ({dotted(block)}): set {params['interval']} "
                                     f"and {params['date']} so that someone looks at it again")
            continue
        last, every = parse_date(review.get(params["date"])), parse_duration(review.get(params["interval"]))
        if last is None or every is None:
            absent = date_path if last is None else interval_path
            yield hit(entity, absent, f"review has no {absent[-1]} ({dotted(absent)})")
        elif every.after(last) < context.as_of:
            yield hit(entity, date_path, f"review overdue since {every.after(last)} (last reviewed "
                                         f"{last}, every {review[params['interval']]})")


def references_to(context: Context, params: Params) -> Iterator[Hit]:
    """No reference points at an entity meeting `where` (e.g. a retired system)."""
    for entity in context.subjects(params["kind"]):
        for pattern in params["paths"]:
            for path, value in expand(entity.document.data, pattern):
                target = context.estate.lookup(params["to"], value)
                if target is not None and target.valid and matches(target, params["where"],
                                                                   context.as_of):
                    yield hit(entity, path, render(params["message"], target,
                                                   {"path": dotted(path), "value": value}))


def required_on_referenced(context: Context, params: Params) -> Iterator[Hit]:
    """Entities that `kind` entities meeting `where` refer to have every path: one hit per
    referenced entity, naming who refers to it."""
    referrers: dict[str, list[str]] = {}
    for entity in context.subjects(params["kind"]):
        if matches(entity, params.get("where"), context.as_of):
            referrers.setdefault(str(entity.get(params["reference"])), []).append(entity.name)
    for target in context.subjects(params["to"]):
        if target.name in referrers:
            missing = _missing(target, params["paths"])
            if missing:
                values = {"referrers": ", ".join(sorted(referrers[target.name])),
                          "missing": ", ".join(dotted(p) for p in missing)}
                yield hit(target, missing[0], render(params["message"], target, values))


def cycles(context: Context, params: Params) -> Iterator[Hit]:
    """No integration that lacks conflict resolution lies on a cycle carrying the same dataset.

    Links that need a conflict winner anyway (bidirectional, or into the dataset's system of
    record) are reported by GOV005 when they lack one, so they are not reported again here."""
    edges_by_dataset: dict[str, list[graph_cycles.Edge]] = {}
    for entity in context.subjects("Integration"):
        for index, dataset in _carried(context.estate, entity):
            edges_by_dataset.setdefault(dataset.key, []).extend(_edges(entity, index))
    for dataset_key, edges in sorted(edges_by_dataset.items()):
        def unresolved(edge: graph_cycles.Edge) -> bool:
            entity = context.estate.entities[edge.label]
            return not (_declares_resolution(entity) or _needs_winner(context.estate, entity))
        for edge, loop in graph_cycles.edges_on_cycles(edges, unresolved):
            entity = context.estate.entities[edge.label]
            path = " → ".join(loop)
            yield hit(entity, ("spec", "datasets", edge.index, "dataset"),
                      f"{dataset_key} travels in a cycle ({path}) and this integration declares no "
                      "conflict resolution: the data can ping-pong between systems")


def _edges(entity: Entity, index: int) -> list[graph_cycles.Edge]:
    source, target = entity.spec.get("source"), entity.spec.get("target")
    if not isinstance(source, str) or not isinstance(target, str):
        return []
    edges = [graph_cycles.Edge(source, target, entity.key, index)]
    if entity.spec.get("direction") == "bidirectional":
        edges.append(graph_cycles.Edge(target, source, entity.key, index))
    return edges


def _declares_resolution(entity: Entity) -> bool:
    resolution = entity.spec.get("conflict_resolution")
    return isinstance(resolution, dict) and not is_blank(resolution)


def pii_fields_listed(context: Context, params: Params) -> Iterator[Hit]:
    """A link carrying a dataset with personal data lists the fields it moves."""
    for entity in context.subjects("Integration"):
        for index, dataset in _carried(context.estate, entity):
            if entity.spec["datasets"][index].get("fields") is not None:
                continue
            pii = [f["name"] for f in dataset.spec.get("fields") or []
                   if isinstance(f, dict) and f.get("pii") is True]
            if pii:
                yield hit(entity, ("spec", "datasets", index, "dataset"),
                          f"moves every field of {dataset.key}, including personal data "
                          f"({', '.join(pii)}): list only the fields it needs "
                          f"(spec.datasets[{index}].fields)")


def distinct_functions(context: Context, params: Params) -> Iterator[Hit]:
    """The typed references at `path` span at least `minimum` team functions."""
    path = split_path(params["path"])
    for entity in context.subjects(params["kind"]):
        listed = entity.get(path)
        if not matches(entity, params.get("where"), context.as_of) or not isinstance(listed, list) or not listed:
            continue
        if any(not _resolves(context.estate, reference) for reference in listed):
            continue  # GOV004's (or GOV000's) finding: the functions are unknowable until then
        functions = {context.estate.function_of(reference) for reference in listed} - {None}
        if len(functions) < params["minimum"]:
            named = ", ".join(sorted(str(f) for f in functions)) or "no team"
            yield hit(entity, path, f"approvers come from {len(functions)} team function"
                                    f"{'' if len(functions) == 1 else 's'} ({named}); "
                                    f"at least {params['minimum']} must sign off")


def api_capacity(context: Context, params: Params) -> Iterator[Hit]:
    """The peak load that integrations declare on a system's API stays within the configured
    headroom of its rate limit; one hit per system, listing each integration's share. A
    system without a rate limit is not judged here (GOV014 asks for one)."""
    headroom = headroom_fraction(context.config.headroom)
    for name, load in system_loads(context.estate, headroom).items():
        system = context.estate.lookup("System", name)
        if system is not None and system.valid and load.limit is not None \
                and load.within is False:
            yield hit(system, ("spec", "api", "rate_limit"), _over_capacity(load, load.limit))


def _over_capacity(load: SystemLoad, limit: Rate) -> str:
    def rate(per_second: Fraction) -> str:
        return number(load.in_limit_unit(per_second))

    total, allowed = distinct_numbers(load.in_limit_unit(load.per_second),
                                      load.in_limit_unit(limit.per_second * load.headroom))
    shares = ", ".join(f"{share.integration} {rate(share.per_second)} "
                       f"({percent(share.per_second / limit.per_second)})"
                       for share in load.shares)
    return (f"declared peak API load of {total} requests per {limit.per} is over "
            f"{percent(load.headroom)} of the rate limit of {limit.describe()} ({allowed}): "
            f"{shares}")


def todo_values(context: Context, params: Params) -> Iterator[Hit]:
    """Every value still `TODO` (`TODO: what to decide`), at its place: a decision nobody has
    made yet, as `govcheck import` leaves what it cannot infer."""
    for entity in context.estate.entities.values():
        if not entity.valid or not entity.document.may_spell(TODO):
            continue
        for path, value in todos(entity.document.data):
            note = value[len("TODO:"):].strip() if value != "TODO" else ""
            text = render(params.get("message", "{path} is still TODO{note}"), entity,
                          {"path": dotted(path), "note": f": {note}" if note else ""})
            yield hit(entity, path, text)


def waivers(context: Context, params: Params) -> Iterator[Hit]:
    """Every waiver is well-formed, names what exists and has not expired."""
    config = context.config
    for index, waiver in enumerate(config.waivers):
        for path, message in waiver_problems(waiver, index, context.estate, context.rule_ids,
                                             context.as_of):
            line, column = config.locate(path)
            yield Hit("", config.file, line, column, message)


def unused_waivers(context: Context, params: Params) -> Iterator[Hit]:
    """A waiver that waives nothing is stale: remove it."""
    waived = {(finding.rule, finding.entity) for finding in context.findings if finding.waived}
    for index, waiver in enumerate(context.config.waivers):
        if waiver_problems(waiver, index, context.estate, context.rule_ids, context.as_of):
            continue
        if (waiver.get("rule"), waiver.get("entity")) not in waived:
            line, column = context.config.locate(("waivers", index))
            yield Hit("", context.config.file, line, column,
                      f"waiver matches no finding: {waiver.get('rule')} is not reported for "
                      f"{waiver.get('entity')}; remove the waiver")


# Every primitive a policy file may call, by name, with the schema of its parameters.
PRIMITIVES: dict[str, Primitive] = {
    "documents": Primitive(documents, schema({})),
    "required": Primitive(required, schema(
        {"kind": KIND, "where": CONDITION_SCHEMA, "paths": PATHS, "message": TEXT},
        ("kind", "paths"))),
    "exactly_one": Primitive(exactly_one, schema(
        {"kind": KIND, "fields": {"type": "array", "items": {
            "type": "object", "required": ["path", "label"], "additionalProperties": False,
            "properties": {"path": TEXT, "label": TEXT, "plural": TEXT}}}},
        ("kind", "fields"))),
    "references": Primitive(references, schema(
        {"refs": {"type": "array", "items": {
            "type": "object", "required": ["kind", "path", "to"], "additionalProperties": False,
            "properties": {"kind": KIND, "path": TEXT,
                           "to": {"enum": [*KIND["enum"], "typed"]}}}}},
        ("refs",))),
    "approvers": Primitive(approvers, schema(
        {"kind": KIND, "path": TEXT, "minimum": TEXT}, ("kind", "path"))),
    "conflict_winner": Primitive(conflict_winner, schema({})),
    "winner_is_system_of_record": Primitive(winner_is_system_of_record, schema({})),
    "schedule": Primitive(schedule, schema({})),
    "moved_fields_exist": Primitive(moved_fields_exist, schema({})),
    "overdue": Primitive(overdue, schema(
        {"kind": KIND, "block": TEXT, "date": TEXT, "interval": TEXT},
        ("kind", "block", "date", "interval"))),
    "references_to": Primitive(references_to, schema(
        {"kind": KIND, "paths": PATHS, "to": KIND, "where": CONDITION_SCHEMA, "message": TEXT},
        ("kind", "paths", "to", "where", "message"))),
    "required_on_referenced": Primitive(required_on_referenced, schema(
        {"kind": KIND, "reference": TEXT, "where": CONDITION_SCHEMA, "to": KIND, "paths": PATHS,
         "message": TEXT},
        ("kind", "reference", "to", "paths", "message"))),
    "cycles": Primitive(cycles, schema({"dataset_path": TEXT})),
    "pii_fields_listed": Primitive(pii_fields_listed, schema({})),
    "distinct_functions": Primitive(distinct_functions, schema(
        {"kind": KIND, "where": CONDITION_SCHEMA, "path": TEXT,
         "minimum": {"type": "integer", "minimum": 1}},
        ("kind", "path", "minimum"))),
    "api_capacity": Primitive(api_capacity, schema({})),
    "todos": Primitive(todo_values, schema({"message": TEXT})),
    "waivers": Primitive(waivers, schema({})),
    "unused_waivers": Primitive(unused_waivers, schema({}), late=True),
}
