"""`govcheck graph`: the Mermaid and DOT maps parsed back and compared with the manifests."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

from govcheck.views.graph import (
    EcosystemMap,
    Edge,
    Node,
    cadence,
    graph_markdown,
    mermaid_text,
    to_dot,
    to_mermaid,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-23"          # the example estate is clean on this day (reviews not yet due)
ARROWS = {"==>": ("real-time", False), "<==>": ("real-time", True),
          "-.->": ("scheduled", False), "<-.->": ("scheduled", True),
          "--o": ("manual", False), "o--o": ("manual", True)}


@dataclass
class Mermaid:
    """What a flowchart says, read back with a parser that knows only Mermaid's syntax."""

    labels: dict[str, str] = field(default_factory=dict)             # node id → label
    groups: dict[str, list[str]] = field(default_factory=dict)       # subgraph title → node ids
    edges: list[tuple[str, str, str, str, bool]] = field(default_factory=list)
    classes: dict[str, set[str]] = field(default_factory=dict)       # class → node ids
    link_styles: dict[int, str] = field(default_factory=dict)        # edge index → style


def parse_mermaid(text: str) -> Mermaid:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    diagram, group = Mermaid(), None
    for line in lines[1:]:
        if match := re.fullmatch(r'  subgraph (\w+)\["([^"]*)"\]', line):
            group = diagram.groups.setdefault(match[2], [])
        elif line == "  end":
            group = None
        elif (match := re.fullmatch(r'    (\w+)\["([^"]*)"\]', line)) and group is not None:
            diagram.labels[match[1]] = match[2]
            group.append(match[1])
        elif match := re.fullmatch(r'  (\w+) (\S+)\|"([^"]*)"\| (\w+)', line):
            mode, both = ARROWS[match[2]]
            diagram.edges.append((match[1], match[4], match[3], mode, both))
        elif match := re.fullmatch(r"  class ([\w,]+) (\w+)", line):
            diagram.classes[match[2]] = set(match[1].split(","))
        elif match := re.fullmatch(r"  linkStyle ([\d,]+) (.+)", line):
            diagram.link_styles.update((int(index), match[2]) for index in match[1].split(","))
        else:
            assert line.startswith("  classDef "), f"unexpected line: {line!r}"
    return diagram


def manifests(folder: Path) -> list[dict[str, Any]]:
    """Every document under a folder, read with PyYAML alone (an oracle independent of govcheck)."""
    documents = []
    for path in sorted(folder.rglob("*.yaml")):
        documents.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return documents


def expected_edges(folder: Path) -> set[tuple[str, str, str, str, bool]]:
    """(source title, target title, datasets, mode, bidirectional) per integration."""
    documents = manifests(folder)
    titles = {doc["metadata"]["name"]: doc["metadata"].get("title", doc["metadata"]["name"])
              for doc in documents if doc["kind"] == "System"}
    return {(titles[doc["spec"]["source"]], titles[doc["spec"]["target"]],
             ", ".join(item["dataset"] for item in doc["spec"]["datasets"]),
             doc["spec"]["mode"], doc["spec"].get("direction") == "bidirectional")
            for doc in documents if doc["kind"] == "Integration"}


def title_of(label: str) -> str:
    return label.split("<br/>")[0].removeprefix("★ ")


def govcheck(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govcheck", *args], check=False, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def example_mermaid() -> str:
    done = govcheck(PROJECT_ROOT, "graph", "--as-of", AS_OF)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


@pytest.fixture
def broken_estate(tmp_path: Path) -> Path:
    """A copy of the example estate with a real-time link that lost its fallback (GOV003,
    an error) and a deprecated system without an exit plan (GOV013, a warning)."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(PROJECT_ROOT / "ecosystem", tmp_path / "ecosystem")
    leads = tmp_path / "ecosystem" / "integrations" / "website-leads-to-crm.yaml"
    text = leads.read_text()
    leads.write_text(text[:text.index("  fallback:\n")] + text[text.index("  monitoring:\n"):])
    pos = tmp_path / "ecosystem" / "systems" / "lightspeed-pos.yaml"
    text = pos.read_text()
    pos.write_text(text[:text.index("    exit_plan:")] + text[text.index("    replaced_by:"):])
    return tmp_path


def test_every_system_is_a_node_in_its_category(example_mermaid: str) -> None:
    diagram = parse_mermaid(example_mermaid)
    systems = [doc for doc in manifests(PROJECT_ROOT / "ecosystem") if doc["kind"] == "System"]
    assert sorted(map(title_of, diagram.labels.values())) == sorted(
        doc["metadata"]["title"] for doc in systems)
    by_group = {title: sorted(title_of(diagram.labels[i]) for i in ids)
                for title, ids in diagram.groups.items()}
    assert by_group["CRM"] == ["Salesforce Sales Cloud"]
    assert by_group["Finance"] == ["Adyen", "Xero"]
    assert sum(map(len, by_group.values())) == len(systems)


def test_every_integration_is_an_edge_with_datasets_and_mode(example_mermaid: str) -> None:
    diagram = parse_mermaid(example_mermaid)
    drawn = {(title_of(diagram.labels[source]), title_of(diagram.labels[target]),
              label.split(" · ")[0], mode, both)
             for source, target, label, mode, both in diagram.edges}
    assert len(diagram.edges) == len(drawn)
    assert drawn == expected_edges(PROJECT_ROOT / "ecosystem")


def test_scheduled_edges_show_their_cadence(example_mermaid: str) -> None:
    labels = {label for _, _, label, mode, _ in parse_mermaid(example_mermaid).edges
              if mode == "scheduled"}
    assert "product, inventory · every 15 min" in labels
    assert "order, order-line · daily at 02:00" in labels


def test_systems_of_record_are_marked_with_their_datasets(example_mermaid: str) -> None:
    diagram = parse_mermaid(example_mermaid)
    assert diagram.labels["sys_salesforce"] == "★ Salesforce Sales Cloud<br/>record: customer, lead"
    assert diagram.labels["sys_workato"] == "Workato"
    records = {doc["spec"]["system_of_record"] for doc in manifests(PROJECT_ROOT / "ecosystem")
               if doc["kind"] == "Dataset"}
    assert diagram.classes["record"] == {f"sys_{name.replace('-', '_')}" for name in records}


def test_a_clean_estate_highlights_nothing(example_mermaid: str) -> None:
    diagram = parse_mermaid(example_mermaid)
    assert "error" not in diagram.classes and "warning" not in diagram.classes
    assert diagram.link_styles == {}


def test_findings_are_highlighted(broken_estate: Path) -> None:
    done = govcheck(broken_estate, "graph", "--as-of", AS_OF)
    diagram = parse_mermaid(done.stdout)

    assert done.returncode == 0
    assert diagram.classes["warning"] == {"sys_lightspeed_pos"}
    assert "error" not in diagram.classes
    flagged = [diagram.edges[index][:3] for index in diagram.link_styles]
    assert flagged == [("sys_website", "sys_salesforce", "lead · real-time<br/>findings: GOV003")]
    assert set(diagram.link_styles.values()) == {"stroke:#d73a49,stroke-width:3px,color:#d73a49"}
    assert diagram.labels["sys_lightspeed_pos"] == ("★ Lightspeed Retail (legacy store tills)<br/>"
                                                    "record: store-sale<br/>findings: GOV013")


def test_a_system_or_link_names_every_rule_it_breaks(broken_estate: Path) -> None:
    later = "2027-12-01"   # every integration's review is overdue too (GOV012)
    diagram = parse_mermaid(govcheck(broken_estate, "graph", "--as-of", later).stdout)
    labels = {(source, target): label for source, target, label, _, _ in diagram.edges}
    assert labels[("sys_website", "sys_salesforce")] == (
        "lead · real-time<br/>findings: GOV003, GOV012")
    dot = govcheck(broken_estate, "graph", "--format", "dot", "--as-of", later).stdout
    edges = {match[5]: match[3] for match in DOT_EDGE.finditer(dot)}
    assert edges["website-leads-to-crm"] == "lead\\nreal-time\\nfindings: GOV003, GOV012"
    assert edges["erp-catalogue-to-shopify"] == "product, inventory\\nevery 15 min\\nfindings: GOV012"


DOT_EDGE = re.compile(r'  "([^"]+)" -> "([^"]+)" \[label="([^"]*)", ([^\]]*), tooltip="([^"]+)"\];')
DOT_NODE = re.compile(r'  "([^"]+)" \[label=<(.*)>(.*)\];')


def test_dot_has_the_same_nodes_edges_and_highlights(broken_estate: Path) -> None:
    done = govcheck(broken_estate, "graph", "--format", "dot", "--as-of", AS_OF)
    nodes = {match[1]: (match[2], match[3]) for match in DOT_NODE.finditer(done.stdout)}
    edges = {match[5]: (match[1], match[2], match[3], match[4])
             for match in DOT_EDGE.finditer(done.stdout)}

    assert done.stdout.startswith("digraph ecosystem {\n") and done.stdout.endswith("}\n")
    documents = manifests(broken_estate / "ecosystem")
    assert set(nodes) == {doc["metadata"]["name"] for doc in documents if doc["kind"] == "System"}
    assert set(edges) == {doc["metadata"]["name"] for doc in documents
                          if doc["kind"] == "Integration"}
    assert nodes["salesforce"] == (('<FONT POINT-SIZE="9" COLOR="#57606a">CRM</FONT><BR/>'
                                   "★ Salesforce Sales Cloud<BR/>record: customer, lead"),
                                   ", penwidth=3")
    assert nodes["lightspeed-pos"][0].endswith("<BR/>findings: GOV013")
    assert nodes["lightspeed-pos"][1] == ', penwidth=3, color="#bf8700", fillcolor="#fff8c5"'
    assert nodes["workato"] == ('<FONT POINT-SIZE="9" COLOR="#57606a">iPaaS</FONT><BR/>Workato', "")
    assert edges["website-leads-to-crm"] == (
        "website", "salesforce", "lead\\nreal-time\\nfindings: GOV003",
        'style=bold, penwidth=2, color="#d73a49", fontcolor="#d73a49"')
    assert edges["customer-sync"][3] == "style=bold, penwidth=2, dir=both"
    assert edges["credit-holds-to-crm"][3] == "style=dotted, arrowhead=odot, arrowtail=odot"
    assert edges["erp-catalogue-to-shopify"][2:] == ("product, inventory\\nevery 15 min",
                                                     "style=dashed")
    assert edges["payment-settlements-to-finance"][2] == "payment\\ndaily at 04:30"
    # systems without a link wait in the bottom row instead of widening the top one
    assert '  { rank=sink; "workato"; "looker"; }\n}\n' in done.stdout


def test_dot_names_are_escaped() -> None:
    odd = Node("a.b", 'Say "hi" <b>&</b>', "crm", ("lead",), "error", rules=("GOV004",))
    edge = Edge('x"y', "a.b", "a.b", ('lead "q"',), "manual", "", True)
    text = to_dot(EcosystemMap((odd,), (edge,)))
    assert ('  "a.b" [label=<<FONT POINT-SIZE="9" COLOR="#57606a">CRM</FONT><BR/>'
            "★ Say &quot;hi&quot; &lt;b&gt;&amp;&lt;/b&gt;<BR/>record: lead<BR/>findings: GOV004>, "
            'penwidth=3, color="#d73a49", fillcolor="#ffebe9"];') in text
    assert ('  "a.b" -> "a.b" [label="lead \\"q\\"\\nmanual", style=dotted, arrowhead=odot, '
            'arrowtail=odot, dir=both, tooltip="x\\"y"];') in text


def test_an_undefined_system_is_drawn_and_flagged(broken_estate: Path) -> None:
    leads = broken_estate / "ecosystem" / "integrations" / "website-leads-to-crm.yaml"
    leads.write_text(leads.read_text().replace("target: salesforce", "target: ghost-crm"))
    diagram = parse_mermaid(govcheck(broken_estate, "graph", "--as-of", AS_OF).stdout)
    assert diagram.labels["sys_ghost_crm"] == "ghost-crm (not defined)"
    assert diagram.groups["Unknown systems"] == ["sys_ghost_crm"]
    assert "sys_ghost_crm" in diagram.classes["error"]


def test_a_link_whose_datasets_are_not_a_list_is_drawn_without_them(broken_estate: Path) -> None:
    leads = broken_estate / "ecosystem" / "integrations" / "website-leads-to-crm.yaml"
    text = leads.read_text()
    leads.write_text(text[:text.index("  datasets:\n")] + "  datasets: 2\n"
                     + text[text.index("  mode:"):])
    done = govcheck(broken_estate, "graph", "--as-of", AS_OF)
    assert (done.returncode, done.stderr) == (0, "")
    assert ("sys_website ==>|\"(no datasets) · real-time<br/>findings: GOV000\"| sys_salesforce"
            in done.stdout)


def test_labels_and_ids_are_safe_for_github() -> None:
    odd = Node("a.b", 'Say "hi" <b>[x]</b> #1', "crm", ("lead",))
    clash = Node("a-b", "Other", "crm")
    edge = Edge("x", "a.b", "a-b", ("lead",), "scheduled", cadence({"every": "PT1H30M"}), False)
    text = to_mermaid(EcosystemMap((odd, clash), (edge,)))
    assert '    sys_a_b_2["★ Say #quot;hi#quot; #lt;b#gt;[x]#lt;/b#gt; #35;1<br/>record: lead"]' in text
    assert '    sys_a_b["Other"]' in text
    assert '  sys_a_b_2 -.->|"lead · every 90 min"| sys_a_b' in text
    assert mermaid_text('"|') == "#quot;|"


def test_markdown_is_a_fenced_mermaid_block(example_mermaid: str) -> None:
    fenced = graph_markdown(EcosystemMap((Node("crm", "CRM", "crm"),), ()))
    assert fenced == '```mermaid\nflowchart LR\n  subgraph cat_crm["CRM"]\n    sys_crm["CRM"]\n  end\n' \
                     "  classDef record stroke-width:3px,font-weight:bold\n" \
                     "  classDef error fill:#ffebe9,stroke:#d73a49,stroke-width:3px,color:#24292f\n" \
                     "  classDef warning fill:#fff8c5,stroke:#bf8700,stroke-width:3px,color:#24292f\n```\n"


def test_the_documented_map_is_up_to_date() -> None:
    done = govcheck(PROJECT_ROOT, "graph", "--format", "markdown", "--as-of", AS_OF)
    assert done.stdout == (PROJECT_ROOT / "docs" / "ecosystem-map.md").read_text(), (
        "regenerate: python docs/render_map.py")


def mermaid_modules() -> Path | None:
    """A folder with `npm install mermaid@11 jsdom` in it, named by GOVCHECK_MERMAID_DIR."""
    folder = os.environ.get("GOVCHECK_MERMAID_DIR")
    if not folder or shutil.which("node") is None:
        return None
    return Path(folder) if (Path(folder) / "node_modules" / "mermaid").is_dir() else None


@pytest.mark.skipif(mermaid_modules() is None,
                    reason="the real Mermaid parser needs node and GOVCHECK_MERMAID_DIR naming a "
                           "folder with `npm install mermaid@11 jsdom`")
def test_the_real_mermaid_parser_reads_the_same_graph(example_mermaid: str,
                                                      broken_estate: Path,
                                                      tmp_path: Path) -> None:
    diagram_file = tmp_path / "map.mmd"
    diagram_file.write_text(govcheck(broken_estate, "graph", "--as-of", AS_OF).stdout)
    done = subprocess.run(["node", str(PROJECT_ROOT / "tests" / "mermaid" / "parse.mjs"),
                           str(mermaid_modules()), str(diagram_file)], check=False,
                          capture_output=True, text=True, timeout=120)
    parsed = json.loads(done.stdout)

    assert parsed["ok"], parsed.get("error")
    assert parsed["type"] == "flowchart-v2"
    ours = parse_mermaid(diagram_file.read_text())
    assert {node["id"]: node["text"] for node in parsed["nodes"]} == {
        node_id: label.replace("<br/>", "<br>") for node_id, label in ours.labels.items()}
    assert [(e["start"], e["end"], e["text"]) for e in parsed["edges"]] == [
        (source, target, label.replace("<br/>", "<br>")) for source, target, label, *_ in ours.edges]
    strokes = {(mode, both): {e["stroke"] for e, edge in zip(parsed["edges"], ours.edges)
                              if edge[3:] == (mode, both)} for mode, both in ARROWS.values()}
    assert strokes[("real-time", False)] == {"thick"}
    assert strokes[("scheduled", False)] == {"dotted"}
    assert strokes[("real-time", True)] == {"thick"}
    assert {sub["title"] for sub in parsed["subgraphs"]} == set(ours.groups)


@pytest.mark.skipif(mermaid_modules() is None,
                    reason="the real Mermaid parser needs node and GOVCHECK_MERMAID_DIR naming a "
                           "folder with `npm install mermaid@11 jsdom`")
def test_the_real_mermaid_parser_accepts_awkward_names(tmp_path: Path) -> None:
    nodes = (Node("end", 'Say "hi" <b>[x]</b> #1; {y} (z) |w| `md` a\nbreak\x1b', "crm",
                  ("lead",), "error"),
             Node("a-b", "graph", "marketing-automation", flag="warning"))
    edges = (Edge("x", "end", "a-b", ('lead "quoted"',), "manual", "", True, "error"),)
    diagram_file = tmp_path / "odd.mmd"
    diagram_file.write_text(to_mermaid(EcosystemMap(nodes, edges)))
    done = subprocess.run(["node", str(PROJECT_ROOT / "tests" / "mermaid" / "parse.mjs"),
                           str(mermaid_modules()), str(diagram_file)], check=False,
                          capture_output=True, text=True, timeout=120)
    parsed = json.loads(done.stdout)
    assert parsed["ok"], parsed.get("error")
    assert [(e["start"], e["end"]) for e in parsed["edges"]] == [("sys_end", "sys_a_b")]
    assert len(parsed["nodes"]) == 2


# --- Graphviz: the DOT read by dot itself, and the committed picture --------------------------

DOCS = PROJECT_ROOT / "docs"
REGENERATE = "regenerate: python docs/render_map.py"
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None,
                                    reason="Graphviz's dot is not installed (apt-get install "
                                           "graphviz; .ci/run installs it)")
GRAPHVIZ_VERSION = re.compile(r"<!-- Generated by graphviz version ([^\n]*)\n -->\n")


def dot_json(dot_source: str) -> dict[str, Any]:
    done = subprocess.run(["dot", "-Tjson"], input=dot_source, check=False, capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    drawing: dict[str, Any] = json.loads(done.stdout)
    return drawing


def svg_texts(svg: str) -> list[str]:
    """Every piece of text a picture shows, in order (layout aside)."""
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]


@needs_graphviz
def test_graphviz_reads_the_map_with_its_legend_and_rules(broken_estate: Path) -> None:
    later = "2027-12-01"   # GOV003 and GOV012 on one link, GOV013 on a system
    done = govcheck(broken_estate, "graph", "--format", "dot", "--as-of", later)
    drawing = dot_json(done.stdout)
    nodes = {item["name"]: item for item in drawing["objects"] if "nodes" not in item}
    edges = {edge["tooltip"]: edge for edge in drawing["edges"]}
    documents = manifests(broken_estate / "ecosystem")

    assert set(nodes) == {doc["metadata"]["name"] for doc in documents if doc["kind"] == "System"}
    assert set(edges) == {doc["metadata"]["name"] for doc in documents
                          if doc["kind"] == "Integration"}
    legend = drawing["label"]
    for words in ("<B>Legend</B>", "real-time link", "scheduled link, with its cadence",
                  "manual link", "★ system of record", "errors, with the rules that found them",
                  "warnings, with the rules that found them"):
        assert words in legend
    assert nodes["lightspeed-pos"]["label"].endswith("<BR/>findings: GOV013")
    assert edges["website-leads-to-crm"]["label"] == "lead\\nreal-time\\nfindings: GOV003, GOV012"
    # one font: every piece of text is set in it, legend and cluster-free labels included
    faces = set(re.findall(r'"face": "([^"]+)"', json.dumps(drawing)))
    assert faces == {"Helvetica"}


@needs_graphviz
def test_svg_is_the_dot_drawn_by_graphviz(tmp_path: Path) -> None:
    done = govcheck(PROJECT_ROOT, "graph", "--format", "svg", "--as-of", AS_OF)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n')
    texts = svg_texts(done.stdout)
    assert "Legend" in texts and "★ Salesforce Sales Cloud" in texts
    assert "every 15 min" in texts and "daily at 04:30" in texts


def test_svg_without_graphviz_says_how_to_install_it(tmp_path: Path) -> None:
    environment = {**os.environ, "PATH": str(tmp_path)}   # no dot here
    done = subprocess.run([sys.executable, "-m", "govcheck", "graph", "--format", "svg"],
                          check=False, cwd=PROJECT_ROOT, env=environment, capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("govcheck: error: Graphviz's 'dot' is not on PATH: install Graphviz "
                           "(apt-get install graphviz, brew install graphviz, winget install "
                           "graphviz), or write DOT with --format dot and draw it elsewhere\n")


def test_a_failing_graphviz_is_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: <stdin>: syntax error in line 1' >&2\n"
                    "echo 'more detail' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    environment = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "govcheck", "graph", "--format", "svg"],
                          check=False, cwd=PROJECT_ROOT, env=environment, capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("govcheck: error: Graphviz's dot could not draw the map: "
                           "Error: <stdin>: syntax error in line 1\n")


def test_the_committed_dot_is_current() -> None:
    done = govcheck(PROJECT_ROOT, "graph", "--format", "dot", "--as-of", AS_OF)
    assert done.stdout == (DOCS / "ecosystem-map.dot").read_text(encoding="utf-8"), \
        REGENERATE


@needs_graphviz
def test_the_committed_svg_shows_the_current_map() -> None:
    """What the picture says, whichever Graphviz and fonts drew it."""
    committed = (DOCS / "ecosystem-map.svg").read_text(encoding="utf-8")
    fresh = govcheck(PROJECT_ROOT, "graph", "--format", "svg", "--as-of", AS_OF).stdout
    assert svg_texts(committed) == svg_texts(fresh), REGENERATE


@needs_graphviz
def test_the_committed_svg_is_what_graphviz_draws() -> None:
    """The whole picture, byte for byte but for the version comment, when this Graphviz is the
    version that drew it (another version lays out differently)."""
    committed = (DOCS / "ecosystem-map.svg").read_text(encoding="utf-8")
    fresh = govcheck(PROJECT_ROOT, "graph", "--format", "svg", "--as-of", AS_OF).stdout
    drew, this = GRAPHVIZ_VERSION.search(committed), GRAPHVIZ_VERSION.search(fresh)
    assert drew is not None and this is not None
    if drew[1] != this[1]:
        pytest.skip(f"the committed map was drawn by Graphviz {drew[1]}, this is {this[1]}")
    assert GRAPHVIZ_VERSION.sub("", committed) == GRAPHVIZ_VERSION.sub("", fresh), \
        REGENERATE + " (with Debian's graphviz package and the fonts it recommends)"


@needs_graphviz
def test_the_documented_command_draws_every_committed_map(tmp_path: Path) -> None:
    """`python docs/render_map.py` on a copy of the project changes nothing that is committed
    (the picture: nothing it shows; its layout belongs to the Graphviz that drew it)."""
    (tmp_path / ".git").mkdir()
    for name in ("ecosystem", "docs"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    for name in ("README.md", "govcheck.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    for name in ("README.md", "docs/ecosystem-map.md", "docs/ecosystem-map.dot"):
        (tmp_path / name).write_text("<!-- map:start -->\n```mermaid\nstale\n```\n"
                                     "<!-- map:end -->\n" if name == "README.md" else "stale\n")
    (tmp_path / "docs" / "ecosystem-map.svg").unlink()

    done = subprocess.run([sys.executable, str(tmp_path / "docs" / "render_map.py")],
                          check=False, cwd=tmp_path / "docs", capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.splitlines() == [
        "wrote docs/ecosystem-map.md", "wrote docs/ecosystem-map.dot",
        "wrote docs/ecosystem-map.svg", "wrote README.md (the map between its markers)"]
    for name in ("docs/ecosystem-map.md", "docs/ecosystem-map.dot"):
        assert (tmp_path / name).read_text() == (PROJECT_ROOT / name).read_text(), name
    mermaid = govcheck(PROJECT_ROOT, "graph", "--as-of", AS_OF).stdout
    assert (tmp_path / "README.md").read_text() == (
        f"<!-- map:start -->\n```mermaid\n{mermaid}```\n<!-- map:end -->\n")
    assert svg_texts((tmp_path / "docs" / "ecosystem-map.svg").read_text()) == svg_texts(
        (DOCS / "ecosystem-map.svg").read_text())
