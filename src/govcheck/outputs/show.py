"""Text, JSON and Markdown output of `govcheck show`: pure functions of an `EntityView`.

Each kind is laid out once, as sections of lines made of text and references (`_sections`);
text and Markdown render the same layout, so they never disagree."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from govcheck.model.findings import Finding
from govcheck.outputs import FormatOptions
from govcheck.outputs.safe_text import code, markdown, terminal
from govcheck.views.entity import (
    Approvers,
    Carrier,
    DatasetFacts,
    EntityView,
    IntegrationFacts,
    LinkView,
    LoadView,
    PersonFacts,
    Ref,
    SystemFacts,
    TeamFacts,
    WorkaroundView,
)

Piece = str | Ref
Line = tuple[Piece, ...]
# A label and what follows it: one line, or a list of lines (empty: none).
Section = tuple[str, Line | list[Line]]
NONE: Line = ("none",)


def _one(*pieces: Piece) -> Line:
    return tuple(pieces)


def _maybe(value: Ref | None) -> Line:
    return (value,) if value is not None else NONE


def _joined(refs: Iterable[Ref], separator: str = ", ") -> Line:
    pieces: list[Piece] = []
    for item in refs:
        pieces += [separator, item] if pieces else [item]
    return tuple(pieces) or NONE


def _listed(refs: Iterable[Ref]) -> list[Line]:
    return [(item,) for item in refs]


def _hours(hours: float | None) -> str:
    return f"{hours:g} h a week" if hours is not None else "hours not given"


# -- the layout of each kind ----------------------------------------------------------------

def _dataset(facts: DatasetFacts) -> Iterator[Section]:
    yield "owner", _maybe(facts.owner)
    yield "system of record", _maybe(facts.system_of_record)
    yield "classification", _one(facts.classification)
    yield "approvals needed", _one(str(facts.min_approvals))
    yield "approvers", [
        _approvers_line(item) for item in facts.approvers]
    yield "fields", [_field_line(field) for field in facts.fields]
    yield "carried by", [_carrier_line(item) for item in facts.carried_by]


def _approvers_line(item: Approvers) -> Line:
    people = [person.title for person in item.people]
    return (item.ref, f": {', '.join(people) if people else 'nobody'}")


def _field_line(field: Any) -> Line:
    traits = [field.type or "no type"]
    traits += ["required"] if field.required else []
    traits += ["personal data"] if field.pii else []
    traits += [f"one of {', '.join(field.values)}"] if field.values else []
    traits += [f"renamed from {field.renamed_from}"] if field.renamed_from else []
    return (f"{field.name}: {', '.join(traits)}",)


def _timing(mode: str, cadence: str) -> str:
    return f"{mode}, {cadence}" if cadence else mode or "no mode"


def _carrier_line(item: Carrier) -> Line:
    arrow = " <-> " if item.bidirectional else " -> "
    fields = "every field" if item.fields is None else "fields " + ", ".join(item.fields)
    line: list[Piece] = [item.integration, ": ", item.source, arrow, item.target,
                         f"; {_timing(item.mode, item.cadence)}; {fields}"]
    if item.winner is not None:
        line += ["; conflicts: ", item.winner, f" wins ({item.strategy or 'no strategy'})"]
    return tuple(line)


def _system(facts: SystemFacts) -> Iterator[Section]:
    yield "category", _one(facts.category or "none")
    yield "role", _one(facts.role or "none")
    yield "owner", _maybe(facts.owner)
    if facts.vendor:
        yield "vendor", _one(facts.vendor)
    contract = f"; contract ends {facts.contract_end}" if facts.contract_end else ""
    yield "lifecycle", _one(facts.status + contract)
    yield "exit plan", _one(facts.exit_plan or "none")
    if facts.replaced_by is not None:
        yield "replaced by", _maybe(facts.replaced_by)
    if facts.replaces:
        yield "replaces", _joined(facts.replaces)
    yield "records", _joined(facts.records)
    yield "inbound", [_link_line(link, "from") for link in facts.inbound]
    yield "outbound", [_link_line(link, "to") for link in facts.outbound]
    yield "API", _api_lines(facts.api)
    total = sum(item.hours_per_week or 0.0 for item in facts.workarounds)
    yield f"manual workarounds ({_hours(total)})", [
        _workaround_line(item, system=False) for item in facts.workarounds]


def _link_line(link: LinkView, word: str) -> Line:
    both = " (both ways)" if link.bidirectional else ""
    return (link.integration, f" {word} ", link.other, f"{both}: ", *_joined(link.datasets),
            f"; {_timing(link.mode, link.cadence)}")


def _api_lines(api: LoadView) -> list[Line]:
    limit = f"rate limit {api.rate_limit}" if api.rate_limit else "no rate limit documented"
    availability = f"; availability {api.availability}" if api.availability else ""
    lines: list[Line] = [(limit + availability,)]
    if api.load:
        share = f", {api.share} of the limit" if api.share else ""
        verdict = "" if api.within is None else (
            f"; within {api.headroom} (up to {api.allowed}: room for {api.room} more)"
            if api.within else f"; OVER {api.headroom} (up to {api.allowed})")
        lines.append((f"declared load at peak: {api.load} per {api.per}{share}{verdict}",))
        lines += [("  ", share_.integration, f": {share_.load}"
                   + (f" ({share_.share})" if share_.share else "")
                   + f", declared {share_.volume}") for share_ in api.shares]
    else:
        lines.append(("no integration declares its load on it (spec.volume)",))
    return lines


def _workaround_line(item: WorkaroundView, system: bool = True) -> Line:
    line: list[Piece] = ["on ", item.system, ": "] if system else []
    line += [item.description, " ("]
    line += [item.team, ", "] if item.team is not None else ["no team, "]
    return (*line, f"{_hours(item.hours_per_week)})")


def _team(facts: TeamFacts) -> Iterator[Section]:
    yield "function", _one(facts.function or "none")
    if facts.github or facts.contact:
        yield "reach", _one("; ".join(part for part in (
            f"GitHub {facts.github}" if facts.github else "", facts.contact) if part))
    yield "members", _joined(facts.members)
    yield "owns", _listed(facts.owns)
    yield "approves", _joined(facts.approves)
    yield "governance approver", _one("yes" if facts.governance else "no")
    yield "monitors", _joined(facts.monitors)
    yield "handles exceptions of", _joined(facts.handles_exceptions)
    yield f"manual work ({_hours(facts.hours_per_week)})", [
        _workaround_line(item) for item in facts.workarounds]


def _person(facts: PersonFacts) -> Iterator[Section]:
    yield "email", _one(facts.email or "none")
    if facts.github:
        yield "GitHub", _one(facts.github)
    yield "team", _maybe(facts.team)
    yield "member of", _joined(facts.member_of)
    yield "can approve", _joined(facts.approves)
    yield "governance approver", _one("yes" if facts.governance else "no")
    yield "signing keys", _one(str(facts.signing_keys))


def _integration(facts: IntegrationFacts) -> Iterator[Section]:
    yield "owner", _maybe(facts.owner)
    yield "purpose", _one(facts.purpose or "none")
    yield "process", _one(f"{facts.trigger or '(no trigger)'} -> {facts.outcome or '(no outcome)'}")
    if facts.validations:
        yield "validations", _one("; ".join(facts.validations))
    if facts.exceptions or facts.exceptions_handled_by:
        yield "exceptions", (*_maybe(facts.exceptions_handled_by), f": {facts.exceptions}")
    arrow = " <-> " if facts.bidirectional else " -> "
    yield "link", (*_maybe(facts.source), arrow, *_maybe(facts.target),
                   f"; {_timing(facts.mode, facts.cadence)}; method {facts.method or 'none'}")
    yield "carries", [(dataset, ": every field" if fields is None else ": " + ", ".join(fields))
                      for dataset, fields in facts.datasets]
    yield "volume", _one(facts.volume or "not declared")
    if facts.winner is not None or facts.strategy:
        yield "conflicts", (*_maybe(facts.winner), f" wins ({facts.strategy or 'no strategy'})")
    delay = f", max_delay {facts.max_delay}" if facts.max_delay else ""
    yield "fallback", _one(f"{facts.fallback_strategy}{delay}: {facts.fallback}"
                           if facts.fallback_strategy else "none")
    runbook = f"; runbook {facts.runbook}" if facts.runbook else ""
    yield "monitoring", (*_maybe(facts.monitoring_owner),
                         f" on {facts.alert_channel or 'no channel'}{runbook}")
    yield "success measures", [(f"{item.metric}: {item.baseline or '?'} -> {item.target or '?'}",)
                               for item in facts.measures]
    due = f", next due {facts.review_due}" if facts.review_due else ""
    yield "review", _one(f"every {facts.review_interval}, last {facts.last_reviewed}{due}"
                         if facts.review_interval or facts.last_reviewed else "none")


_LAYOUTS: dict[type, Callable[[Any], Iterator[Section]]] = {
    DatasetFacts: _dataset, SystemFacts: _system, TeamFacts: _team, PersonFacts: _person,
    IntegrationFacts: _integration}


def sections(view: EntityView) -> list[Section]:
    """The entity's facts as labelled sections, then its findings."""
    found = list(_LAYOUTS[type(view.facts)](view.facts))
    return [*found, ("findings", [(_finding_text(finding),) for finding in view.findings])]


def _finding_text(finding: Finding) -> str:
    waived = " (waived)" if finding.waived else ""
    return (f"{finding.file}:{finding.line}:{finding.column}: {finding.severity.value} "
            f"{finding.rule} {finding.message}{waived}")


def _header(view: EntityView) -> list[str]:
    labels = ", ".join(f"{key}={value}" for key, value in view.labels)
    where = f"defined in {view.file}:{view.line}" + (f"; labels {labels}" if labels else "")
    return [view.description, where] if view.description else [where]


# -- text -----------------------------------------------------------------------------------

def _titled(line: Line) -> bool:
    """A line that is one reference shows its title too; longer lines stay short."""
    return len(line) == 1 and isinstance(line[0], Ref)


def _ref_text(item: Ref, titled: bool) -> str:
    if not item.exists:
        return f"{item.key} (not defined)"
    return f"{item.key} ({item.title})" if titled and item.title != item.name else item.key


def _line_text(line: Line) -> str:
    return terminal("".join(_ref_text(piece, _titled(line)) if isinstance(piece, Ref) else piece
                            for piece in line))


def show_text(view: EntityView, options: FormatOptions) -> str:
    out = [terminal(f"{view.key}: {view.title}")]
    out += [f"  {terminal(line)}" for line in _header(view)]
    out.append("")
    for label, value in sections(view):
        if isinstance(value, tuple):
            out.append(f"{label}: {_line_text(value)}")
        elif not value:
            out.append(f"{label}: none")
        else:
            out.append(f"{label}:")
            out += [f"  {_line_text(line)}" for line in value]
    return "\n".join(out) + "\n"


# -- Markdown -------------------------------------------------------------------------------

def _ref_markdown(item: Ref, titled: bool) -> str:
    if not item.exists:
        return f"{code(item.key)} (not defined)"
    title = f" ({markdown(item.title)})" if titled and item.title != item.name else ""
    return code(item.key) + title


def _line_markdown(line: Line) -> str:
    return "".join(_ref_markdown(piece, _titled(line)) if isinstance(piece, Ref)
                   else markdown(piece) for piece in line)


def show_markdown(view: EntityView, options: FormatOptions) -> str:
    out = [f"## {code(view.key)}: {markdown(view.title)}", ""]
    out += [markdown(line) + "  " for line in _header(view)]
    out[-1] = out[-1].rstrip()
    out.append("")
    for label, value in sections(view):
        if isinstance(value, tuple):
            out.append(f"- **{markdown(label)}**: {_line_markdown(value)}")
        elif not value:
            out.append(f"- **{markdown(label)}**: none")
        else:
            out.append(f"- **{markdown(label)}**:")
            out += [f"  - {_line_markdown(line)}" for line in value]
    return "\n".join(out) + "\n"


# -- JSON -----------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """Dataclasses as objects, references as their kind/name key, tuples as lists."""
    if isinstance(value, Ref):
        return value.key
    if isinstance(value, Finding):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name))
                for field in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def show_json(view: EntityView, options: FormatOptions) -> str:
    """Versioned; every fact under `facts`, every reference as its kind/name."""
    body = _plain(view)
    body["labels"] = dict(view.labels)
    document = {"version": 1, "tool": "govcheck", "command": "show", **body}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


SHOW_RENDERERS: dict[str, Callable[[EntityView, FormatOptions], str]] = {
    "text": show_text, "json": show_json, "markdown": show_markdown}
