"""The ecosystem map: systems grouped by category, integrations as labelled links, findings
highlighted; drawn as Mermaid (GitHub renders it in Markdown), as Graphviz DOT, or as an SVG
picture that Graphviz draws from the DOT.

`build_map` turns an estate and its findings into plain data; `to_mermaid`, `to_dot` and
`graph_markdown` are pure functions from that data to text; `MAP_FORMATS` names them all.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from govcheck.integrations import graphviz
from govcheck.model.estate import Entity, Estate, is_todo
from govcheck.model.findings import Finding, Severity
from govcheck.model.timing import describe_schedule

CATEGORY_TITLES = {"crm": "CRM", "erp": "ERP", "ipaas": "iPaaS", "mobile-app": "Mobile app",
                   "marketing-automation": "Marketing automation",
                   "data-warehouse": "Data warehouse", "unknown": "Unknown systems",
                   "undecided": "Category undecided (TODO)"}
RECORD_MARK = "★"
ERROR_COLOR = "#d73a49"
ERROR_FILL = "#ffebe9"
WARNING_COLOR = "#bf8700"
WARNING_FILL = "#fff8c5"
FLAG_COLORS = {"error": (ERROR_COLOR, ERROR_FILL), "warning": (WARNING_COLOR, WARNING_FILL)}


@dataclass(frozen=True)
class Node:
    """A system on the map."""

    name: str
    title: str
    category: str
    records: tuple[str, ...] = ()       # datasets it is the system of record for
    flag: str = ""                      # "error", "warning" or "" (worst active finding)
    known: bool = True                  # False: named by an integration but not defined
    rules: tuple[str, ...] = ()         # the rules of its active findings, sorted


@dataclass(frozen=True)
class Edge:
    """An integration: a link from its source system to its target system."""

    name: str
    source: str
    target: str
    datasets: tuple[str, ...]
    mode: str                           # real-time | scheduled | manual | anything else given
    cadence: str                        # "every 15 min", "daily at 02:00", "" when none
    bidirectional: bool
    flag: str = ""
    rules: tuple[str, ...] = ()         # the rules of its active findings, sorted

    @property
    def carried(self) -> str:
        return ", ".join(self.datasets) or "(no datasets)"

    @property
    def timing(self) -> str:
        return self.cadence if self.mode == "scheduled" and self.cadence else self.mode

    @property
    def label(self) -> str:
        return f"{self.carried} · {self.timing}"


@dataclass(frozen=True)
class EcosystemMap:
    nodes: tuple[Node, ...]             # sorted by category, then name
    edges: tuple[Edge, ...]             # sorted by source, target, name

    def categories(self) -> list[str]:
        return sorted({node.category for node in self.nodes})


def build_map(estate: Estate, findings: Iterable[Finding] = ()) -> EcosystemMap:
    """The map of an estate; active (not waived) findings flag their systems and integrations,
    which name the rules."""
    drawn = [finding for finding in findings
             if not finding.waived and finding.severity is not Severity.INFO]
    flags, rules = worst_severities(drawn), rules_by_entity(drawn)
    records = records_by_system(estate)
    nodes = {system.name: system_node(system, records.get(system.name, ()), flags, rules)
             for system in estate.of_kind("System")}
    edges = [integration_edge(integration, flags, rules)
             for integration in estate.of_kind("Integration")]
    for edge in edges:
        for end in (edge.source, edge.target):
            nodes.setdefault(end, Node(end, end, "unknown", flag="error", known=False))
    return EcosystemMap(tuple(sorted(nodes.values(), key=lambda n: (n.category, n.name))),
                        tuple(sorted(edges, key=lambda e: (e.source, e.target, e.name))))


def worst_severities(findings: Iterable[Finding]) -> dict[str, str]:
    """entity ("kind/name") → "error" or "warning" (info and waived findings draw nothing)."""
    worst: dict[str, str] = {}
    for finding in findings:
        if finding.waived or finding.severity is Severity.INFO:
            continue
        if worst.get(finding.entity) != "error":
            worst[finding.entity] = finding.severity.value
    return worst


def rules_by_entity(findings: Iterable[Finding]) -> dict[str, tuple[str, ...]]:
    """entity ("kind/name") → the ids of the rules it has findings of, sorted."""
    rules: dict[str, set[str]] = {}
    for finding in findings:
        rules.setdefault(finding.entity, set()).add(finding.rule)
    return {entity: tuple(sorted(ids)) for entity, ids in rules.items()}


def finding_line(rules: tuple[str, ...]) -> list[str]:
    return [f"findings: {', '.join(rules)}"] if rules else []


def records_by_system(estate: Estate) -> dict[str, tuple[str, ...]]:
    records: dict[str, list[str]] = {}
    for dataset in estate.of_kind("Dataset"):
        system = dataset.spec.get("system_of_record")
        if isinstance(system, str):
            records.setdefault(system, []).append(dataset.name)
    return {system: tuple(sorted(names)) for system, names in records.items()}


def system_node(system: Entity, records: tuple[str, ...], flags: dict[str, str],
                rules: dict[str, tuple[str, ...]]) -> Node:
    title = system.document.data.get("metadata", {}).get("title")
    category = system.spec.get("category")
    if is_todo(category):
        category = "undecided"   # one group, whatever each TODO says (GOV020 reports them)
    return Node(system.name, title if isinstance(title, str) and title else system.name,
                category if isinstance(category, str) else "other", records,
                flags.get(system.key, ""), rules=rules.get(system.key, ()))


def integration_edge(integration: Entity, flags: dict[str, str],
                     rules: dict[str, tuple[str, ...]]) -> Edge:
    spec = integration.spec
    listed = spec.get("datasets")
    datasets = [item.get("dataset") for item in listed if isinstance(item, dict)] \
        if isinstance(listed, list) else []
    return Edge(integration.name, _text(spec.get("source")), _text(spec.get("target")),
                tuple(name for name in datasets if isinstance(name, str)),
                _text(spec.get("mode")) or "unspecified", cadence(spec.get("schedule")),
                spec.get("direction") == "bidirectional", flags.get(integration.key, ""),
                rules.get(integration.key, ()))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def cadence(schedule: object) -> str:
    """A schedule in words ("every 15 min", "daily at 04:30"), from the same cadence code
    that judges schedule changes; a schedule that cannot be read is shown as written."""
    described = describe_schedule(schedule)
    if described or not isinstance(schedule, dict):
        return described
    return " ".join(str(value) for value in schedule.values())


def category_title(category: str) -> str:
    return CATEGORY_TITLES.get(category, category.replace("-", " ").capitalize())


# --- Mermaid -------------------------------------------------------------------------------

# (one-way, bidirectional) arrows per mode; anything else is drawn like manual.
MERMAID_ARROWS = {"real-time": ("==>", "<==>"), "scheduled": ("-.->", "<-.->"),
                  "manual": ("--o", "o--o")}


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes and angle brackets as entity codes, and
    so are backticks (a Markdown string to Mermaid) and control characters: a line break
    would let a title end the ```mermaid fence of a job summary and write Markdown of its own."""
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;"}
    return "".join(replacements.get(char) or (f"#{ord(char)};" if _is_control(char) else char)
                   for char in text)


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in "\u2028\u2029"


def mermaid_ids(names: Iterable[str], prefix: str) -> dict[str, str]:
    """Ids Mermaid accepts (letters, digits, _), unique even when two names map alike."""
    ids: dict[str, str] = {}
    for name in sorted(set(names)):
        base = f"{prefix}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"
        candidate, counter = base, 2
        while candidate in ids.values():
            candidate, counter = f"{base}_{counter}", counter + 1
        ids[name] = candidate
    return ids


def node_label(node: Node) -> list[str]:
    """A node's label, one entry per line: its title (★ for a system of record), its records,
    its findings."""
    title = f"{RECORD_MARK} {node.title}" if node.records else node.title
    lines = [title if node.known else f"{node.name} (not defined)"]
    if node.records:
        lines.append(f"record: {', '.join(node.records)}")
    return [*lines, *finding_line(node.rules)]


def to_mermaid(ecosystem_map: EcosystemMap) -> str:
    """A Mermaid flowchart: one subgraph per category, one link per integration."""
    node_ids = mermaid_ids([node.name for node in ecosystem_map.nodes], "sys")
    category_ids = mermaid_ids(ecosystem_map.categories(), "cat")
    lines = ["flowchart LR"]
    for category in ecosystem_map.categories():
        lines.append(f'  subgraph {category_ids[category]}["{mermaid_text(category_title(category))}"]')
        for node in ecosystem_map.nodes:
            if node.category == category:
                label = "<br/>".join(mermaid_text(line) for line in node_label(node))
                lines.append(f'    {node_ids[node.name]}["{label}"]')
        lines.append("  end")
    for edge in ecosystem_map.edges:
        one_way, both_ways = MERMAID_ARROWS.get(edge.mode, MERMAID_ARROWS["manual"])
        arrow = both_ways if edge.bidirectional else one_way
        label = "<br/>".join(mermaid_text(line)
                             for line in [edge.label, *finding_line(edge.rules)])
        lines.append(f'  {node_ids[edge.source]} {arrow}|"{label}"| {node_ids[edge.target]}')
    lines.extend(mermaid_styles(ecosystem_map, node_ids))
    return "\n".join(lines) + "\n"


def mermaid_styles(ecosystem_map: EcosystemMap, node_ids: dict[str, str]) -> list[str]:
    # No ";" at the ends: Mermaid reads "#24292f;" as an entity code (#quot;) and fails.
    lines = ["  classDef record stroke-width:3px,font-weight:bold",
             *(f"  classDef {flag} fill:{fill},stroke:{line},stroke-width:3px,color:#24292f"
               for flag, (line, fill) in FLAG_COLORS.items())]
    for class_name in ("record", "warning", "error"):
        members = [node_ids[node.name] for node in ecosystem_map.nodes
                   if (node.flag if class_name != "record" else "record" * bool(node.records))
                   == class_name]
        if members:
            lines.append(f"  class {','.join(members)} {class_name}")
    for flag, color in (("warning", WARNING_COLOR), ("error", ERROR_COLOR)):
        indexes = [str(index) for index, edge in enumerate(ecosystem_map.edges) if edge.flag == flag]
        if indexes:
            lines.append(f"  linkStyle {','.join(indexes)} stroke:{color},stroke-width:3px,"
                         f"color:{color}")
    return lines


def graph_markdown(ecosystem_map: EcosystemMap) -> str:
    """The map as a fenced ```mermaid block, for README files, PR comments and job summaries."""
    return f"```mermaid\n{to_mermaid(ecosystem_map)}```\n"


LEGEND = (f"{RECORD_MARK} system of record (bold border), with the datasets it owns · "
          "thick arrow: real-time · dotted arrow: scheduled, with its cadence · "
          "circle end: manual · two heads: bidirectional · red: errors, amber: warnings, "
          "with the rules that found them "
          "(from `govcheck check`)")


def markdown_page(ecosystem_map: EcosystemMap, as_of: str) -> str:
    """A Markdown page with the map, its legend and how to regenerate it."""
    systems = sum(1 for node in ecosystem_map.nodes if node.known)
    return (f"# Ecosystem map\n\n"
            f"{systems} systems and {len(ecosystem_map.edges)} integrations, findings as of "
            f"{as_of}. Generated by `govcheck graph --format markdown`; do not edit by hand.\n\n"
            f"{graph_markdown(ecosystem_map)}\n{LEGEND}.\n")


# --- Graphviz DOT --------------------------------------------------------------------------

# Laid out top to bottom without category clusters: at a dozen systems, clusters pull
# links' labels away from their lines, so each system names its category in its box instead.
DOT_FONT = "Helvetica"      # one font everywhere: boxes, links and the legend
DOT_INK = "#24292f"
DOT_MUTED = "#57606a"
DOT_MODES = {"real-time": "style=bold, penwidth=2", "scheduled": "style=dashed",
             "manual": "style=dotted, arrowhead=odot, arrowtail=odot"}
DOT_GRAPH = (f'fontname="{DOT_FONT}", fontsize=11, fontcolor="{DOT_MUTED}", rankdir=TB, '
             "nodesep=0.4, ranksep=0.8, pad=0.3, labelloc=b, labeljust=l")
DOT_NODE = (f'fontname="{DOT_FONT}", fontsize=12, fontcolor="{DOT_INK}", shape=box, '
            f'style="rounded,filled", fillcolor=white, color="{DOT_MUTED}", margin="0.15,0.06"')
DOT_EDGE = f'fontname="{DOT_FONT}", fontsize=10, fontcolor="{DOT_MUTED}", color="{DOT_MUTED}"'


def html_text(text: str) -> str:
    """Text safe inside a Graphviz HTML-like label."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def dot_text(text: str) -> str:
    """A double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_legend() -> str:
    """The legend, an HTML-like label under the map: a sample of each line and box."""
    def sample(cell: str, words: str) -> str:
        return f'<TR><TD WIDTH="44" HEIGHT="14" {cell}></TD><TD ALIGN="LEFT">{words}</TD></TR>'

    rows = [sample('SIDES="B" BORDER="3"', "real-time link (two arrowheads: both ways)"),
            sample('SIDES="B" BORDER="1" STYLE="dashed"', "scheduled link, with its cadence"),
            sample('SIDES="B" BORDER="1" STYLE="dotted"', "manual link (circle end)"),
            sample(f'BORDER="3" COLOR="{DOT_MUTED}"',
                   f"{RECORD_MARK} system of record, with the datasets it holds"),
            *(sample(f'BORDER="1" COLOR="{line}" BGCOLOR="{fill}"',
                     f"{flag}s, with the rules that found them")
              for flag, (line, fill) in FLAG_COLORS.items())]
    heading = '<TR><TD ALIGN="LEFT" COLSPAN="2"><B>Legend</B></TD></TR>'
    return "\n".join(['<<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="2">', heading, *rows,
                      "</TABLE>>"])


def to_dot(ecosystem_map: EcosystemMap) -> str:
    """A Graphviz digraph: one box per system, one link per integration, and a legend."""
    lines = ["digraph ecosystem {", f"  graph [{DOT_GRAPH}];", f"  node [{DOT_NODE}];",
             f"  edge [{DOT_EDGE}];", f"  label={dot_legend()};"]
    lines.extend(f"  {dot_node(node)}" for node in ecosystem_map.nodes)
    lines.extend(f"  {dot_edge(edge)}" for edge in ecosystem_map.edges)
    linked = {end for edge in ecosystem_map.edges for end in (edge.source, edge.target)}
    unlinked = [dot_text(node.name) for node in ecosystem_map.nodes if node.name not in linked]
    if unlinked:   # in the bottom row, beside the last systems, rather than widening the top
        lines.append(f"  {{ rank=sink; {'; '.join(unlinked)}; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_node(node: Node) -> str:
    """A system's box: its category in small type, then its label's lines."""
    category = (f'<FONT POINT-SIZE="9" COLOR="{DOT_MUTED}">'
                f"{html_text(category_title(node.category))}</FONT>")
    label = "<BR/>".join([category, *(html_text(line) for line in node_label(node))])
    attributes = [f"label=<{label}>"]
    if node.records:
        attributes.append("penwidth=3")
    if node.flag:
        line, fill = FLAG_COLORS[node.flag]
        attributes.append(f'color="{line}", fillcolor="{fill}"')
    return f"{dot_text(node.name)} [{', '.join(attributes)}];"


def dot_edge(edge: Edge) -> str:
    """An integration's link: what it carries, when, and its findings, on separate lines."""
    label = "\n".join([edge.carried, edge.timing, *finding_line(edge.rules)])
    attributes = [f"label={dot_text(label)}", DOT_MODES.get(edge.mode, DOT_MODES["manual"])]
    if edge.bidirectional:
        attributes.append("dir=both")
    if edge.flag:
        line, _ = FLAG_COLORS[edge.flag]
        attributes.append(f'color="{line}", fontcolor="{line}"')
    return (f"{dot_text(edge.source)} -> {dot_text(edge.target)} "
            f"[{', '.join(attributes)}, tooltip={dot_text(edge.name)}];")


def to_svg(ecosystem_map: EcosystemMap) -> str:
    """The DOT map drawn by Graphviz (its `dot` program must be installed)."""
    return graphviz.render(to_dot(ecosystem_map), "svg")


# format name → the map as text, given the as-of date the findings were judged on
MAP_FORMATS: dict[str, Callable[[EcosystemMap, str], str]] = {
    "mermaid": lambda ecosystem_map, as_of: to_mermaid(ecosystem_map),
    "markdown": markdown_page,
    "dot": lambda ecosystem_map, as_of: to_dot(ecosystem_map),
    "svg": lambda ecosystem_map, as_of: to_svg(ecosystem_map),
}
