"""The ecosystem map: systems grouped by category, integrations as labelled links, findings
highlighted; drawn as Mermaid (GitHub renders it in Markdown) or as Graphviz DOT.

`build_map` turns an estate and its findings into plain data; `to_mermaid`, `to_dot` and
`graph_markdown` are pure functions from that data to text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from govcheck.model.estate import Entity, Estate
from govcheck.model.findings import Finding, Severity
from govcheck.model.timing import describe_schedule

CATEGORY_TITLES = {"crm": "CRM", "erp": "ERP", "ipaas": "iPaaS", "mobile-app": "Mobile app",
                   "marketing-automation": "Marketing automation",
                   "data-warehouse": "Data warehouse", "unknown": "Unknown systems"}
RECORD_MARK = "★"
ERROR_COLOR = "#d73a49"
WARNING_COLOR = "#bf8700"


@dataclass(frozen=True)
class Node:
    """A system on the map."""

    name: str
    title: str
    category: str
    records: tuple[str, ...] = ()       # datasets it is the system of record for
    flag: str = ""                      # "error", "warning" or "" (worst active finding)
    known: bool = True                  # False: named by an integration but not defined


@dataclass(frozen=True)
class Edge:
    """An integration: a link from its source system to its target system."""

    name: str
    source: str
    target: str
    datasets: tuple[str, ...]
    mode: str                           # real-time | scheduled | manual | anything else given
    cadence: str                        # "every 15m", "cron 0 2 * * *", "" when none
    bidirectional: bool
    flag: str = ""

    @property
    def label(self) -> str:
        timing = self.cadence if self.mode == "scheduled" and self.cadence else self.mode
        return f"{', '.join(self.datasets) or '(no datasets)'} · {timing}"


@dataclass(frozen=True)
class EcosystemMap:
    nodes: tuple[Node, ...]             # sorted by category, then name
    edges: tuple[Edge, ...]             # sorted by source, target, name

    def categories(self) -> list[str]:
        return sorted({node.category for node in self.nodes})


def build_map(estate: Estate, findings: Iterable[Finding] = ()) -> EcosystemMap:
    """The map of an estate; active (not waived) findings flag their systems and integrations."""
    flags = worst_severities(findings)
    records = records_by_system(estate)
    nodes = {system.name: system_node(system, records.get(system.name, ()), flags)
             for system in estate.of_kind("System")}
    edges = [integration_edge(integration, flags) for integration in estate.of_kind("Integration")]
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


def records_by_system(estate: Estate) -> dict[str, tuple[str, ...]]:
    records: dict[str, list[str]] = {}
    for dataset in estate.of_kind("Dataset"):
        system = dataset.spec.get("system_of_record")
        if isinstance(system, str):
            records.setdefault(system, []).append(dataset.name)
    return {system: tuple(sorted(names)) for system, names in records.items()}


def system_node(system: Entity, records: tuple[str, ...], flags: dict[str, str]) -> Node:
    title = system.document.data.get("metadata", {}).get("title")
    category = system.spec.get("category")
    return Node(system.name, title if isinstance(title, str) and title else system.name,
                category if isinstance(category, str) else "other", records,
                flags.get(system.key, ""))


def integration_edge(integration: Entity, flags: dict[str, str]) -> Edge:
    spec = integration.spec
    listed = spec.get("datasets")
    datasets = [item.get("dataset") for item in listed if isinstance(item, dict)] \
        if isinstance(listed, list) else []
    return Edge(integration.name, _text(spec.get("source")), _text(spec.get("target")),
                tuple(name for name in datasets if isinstance(name, str)),
                _text(spec.get("mode")) or "unspecified", cadence(spec.get("schedule")),
                spec.get("direction") == "bidirectional", flags.get(integration.key, ""))


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
    """Text safe inside a quoted Mermaid label: quotes and angle brackets as entity codes."""
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}
    return "".join(replacements.get(char, char) for char in text)


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
    """A node's label, one entry per line: its title (★ for a system of record), its records."""
    title = f"{RECORD_MARK} {node.title}" if node.records else node.title
    lines = [title if node.known else f"{node.name} (not defined)"]
    if node.records:
        lines.append(f"record: {', '.join(node.records)}")
    return lines


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
        lines.append(f'  {node_ids[edge.source]} {arrow}|"{mermaid_text(edge.label)}"| '
                     f"{node_ids[edge.target]}")
    lines.extend(mermaid_styles(ecosystem_map, node_ids))
    return "\n".join(lines) + "\n"


def mermaid_styles(ecosystem_map: EcosystemMap, node_ids: dict[str, str]) -> list[str]:
    # No ";" at the ends: Mermaid reads "#24292f;" as an entity code (#quot;) and fails.
    lines = ["  classDef record stroke-width:3px,font-weight:bold",
             f"  classDef error fill:#ffebe9,stroke:{ERROR_COLOR},stroke-width:3px,color:#24292f",
             f"  classDef warning fill:#fff8c5,stroke:{WARNING_COLOR},stroke-width:3px,color:#24292f"]
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
          "circle end: manual · two heads: bidirectional · red: errors, amber: warnings "
          "(from `govcheck check`)")


def markdown_page(ecosystem_map: EcosystemMap, as_of: str) -> str:
    """A Markdown page with the map, its legend and how to regenerate it."""
    systems = sum(1 for node in ecosystem_map.nodes if node.known)
    return (f"# Ecosystem map\n\n"
            f"{systems} systems and {len(ecosystem_map.edges)} integrations, findings as of "
            f"{as_of}. Generated by `govcheck graph --format markdown`; do not edit by hand.\n\n"
            f"{graph_markdown(ecosystem_map)}\n{LEGEND}.\n")


# --- Graphviz DOT --------------------------------------------------------------------------

DOT_STYLES = {"real-time": 'style=bold, penwidth=2', "scheduled": "style=dashed",
              "manual": "style=dotted"}
DOT_COLORS = {"error": "red", "warning": "orange"}


def dot_text(text: str) -> str:
    """A double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(ecosystem_map: EcosystemMap) -> str:
    """A Graphviz digraph: one cluster per category, one edge per integration."""
    lines = ["digraph ecosystem {", "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    cluster_ids = mermaid_ids(ecosystem_map.categories(), "cluster")
    for category in ecosystem_map.categories():
        lines.append(f"  subgraph {cluster_ids[category]} {{")
        lines.append(f"    label={dot_text(category_title(category))}; style=rounded;")
        lines.extend(f"    {dot_node(node)}" for node in ecosystem_map.nodes
                     if node.category == category)
        lines.append("  }")
    lines.extend(f"  {dot_edge(edge)}" for edge in ecosystem_map.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_node(node: Node) -> str:
    attributes = [f"label={dot_text(chr(10).join(node_label(node)))}"]
    if node.records:
        attributes.append("penwidth=3")
    if node.flag:
        attributes.append(f"color={DOT_COLORS[node.flag]}")
        attributes.append(f"fontcolor={DOT_COLORS[node.flag]}")
    return f"{dot_text(node.name)} [{', '.join(attributes)}];"


def dot_edge(edge: Edge) -> str:
    attributes = [f"label={dot_text(edge.label)}", DOT_STYLES.get(edge.mode, "style=dotted")]
    if edge.bidirectional:
        attributes.append("dir=both")
    if edge.flag:
        attributes.append(f"color={DOT_COLORS[edge.flag]}")
        attributes.append(f"fontcolor={DOT_COLORS[edge.flag]}")
    return (f"{dot_text(edge.source)} -> {dot_text(edge.target)} "
            f"[{', '.join(attributes)}, tooltip={dot_text(edge.name)}];")
