"""The ecosystem map as an SVG image that govcheck lays out itself: no Graphviz, no script in
the page, the same picture on every machine and every run.

Systems stand in columns by role (channels, customers, operations and finance, data and
reporting); a system of another category stands beside the systems it exchanges data with.
Within a column, systems are ordered so that links cross as little as they can (the
barycentre heuristic of layered graph drawing), then each is moved as close to the systems it
links to as the column's order allows. A link that passes a column goes through a slot kept
free in it, so it never runs across a system's box.

`layout_map` turns an `EcosystemMap` into positions and paths (plain data); `map_svg` draws
them. Every ordering has an explicit sort key: no set or hash order reaches the picture.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from govcheck.views.graph import (
    ERROR_COLOR,
    RECORD_MARK,
    WARNING_COLOR,
    EcosystemMap,
    Edge,
    Node,
    category_title,
)

ROLE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Channels", ("website", "mobile-app", "ecommerce", "booking")),
    ("Customers", ("crm", "marketing-automation", "support")),
    ("Operations and finance", ("erp", "finance", "ipaas")),
    ("Data and reporting", ("data-warehouse", "reporting")),
)
HOME_COLUMN = {category: index for index, (_, categories) in enumerate(ROLE_COLUMNS)
               for category in categories}
UNLINKED_COLUMN = 2         # a system of another category that links to nothing

NODE_WIDTH = 220
COLUMN_GAP = 150            # room for the curves between two columns
MARGIN = 20
HEADER = 34                 # the column titles
LINE = 16
PADDING = 9
BOX_GAP = 22                # between two boxes in a column
SLOT = 6                    # the height a passing link keeps free in a column
SLOT_GAP = 6
TITLE_CHARS = 26            # what fits on a line of the box (bold 13px / plain 11px); the
TEXT_CHARS = 33             # full text is in the box's tooltip and on the system's page
LOOP_BULGE = 24             # a link within a column: how far the first one bulges out
LOOP_STEP = 10              # ... and each longer one further
SWEEPS = 8                  # ordering passes (down and up)
SETTLE_PASSES = 8           # placement passes
LINK_COLORS = {"": "#57606a", "error": ERROR_COLOR, "warning": WARNING_COLOR}
BOX_STYLES = {"": ("#ffffff", "#57606a"), "error": ("#ffebe9", ERROR_COLOR),
              "warning": ("#fff8c5", WARNING_COLOR)}
LINK_DASHES = {"real-time": "", "scheduled": "7 4", "manual": "2 4"}
LINK_WIDTHS = {"real-time": 2.6}
LEGEND = (f"{RECORD_MARK} system of record (thick border), with the datasets it holds · "
          "thick line: real-time · dashed: scheduled · dotted: manual · an arrow at both ends: "
          "bidirectional · red: errors, amber: warnings (from govcheck check) · a system of "
          "another category stands beside the systems it exchanges data with")

# An item in a column: a system, (name, -1, -1), or the slot a link keeps free as it passes a
# column, ("", link index, column).
Item = tuple[str, int, int]


@dataclass(frozen=True)
class Box:
    """A system's box: top-left corner, height and its lines of text (css class, text)."""

    node: Node
    x: float
    y: float
    height: float
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Link:
    """An integration's curve: SVG path data from one end to the other, and which ends carry
    an arrow head (the path runs from the left-hand system to the right-hand one, so a link
    that flows right to left has its arrow at the start)."""

    edge: Edge
    path: str
    arrow_at_start: bool
    arrow_at_end: bool


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    columns: tuple[tuple[str, float], ...]    # title and left x of each column in use
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]


def layout_map(ecosystem_map: EcosystemMap) -> MapLayout:
    """Positions for every system and a path for every integration."""
    home = assign_columns(ecosystem_map)
    used = sorted(set(home.values()))
    column_of = {name: used.index(column) for name, column in home.items()}
    chains = link_chains(ecosystem_map.edges, column_of)
    order = order_columns(ecosystem_map.nodes, column_of, chains, len(used))
    heights = {(node.name, -1, -1): box_height(box_lines(node)) for node in ecosystem_map.nodes}
    tops = place_columns(order, chains, heights)
    boxes = tuple(Box(node, column_x(column_of[node.name]), tops[(node.name, -1, -1)],
                      heights[(node.name, -1, -1)], box_lines(node))
                  for node in ecosystem_map.nodes)
    links = route_links(ecosystem_map.edges, column_of, chains, boxes, tops)
    bottom = max((top + heights.get(item, SLOT) for item, top in tops.items()), default=HEADER)
    titles = tuple((ROLE_COLUMNS[column][0] if column < len(ROLE_COLUMNS) else "Other",
                    column_x(index)) for index, column in enumerate(used))
    # Links within one column bulge to its right: room for them beside the last column.
    loops = len(chains) < len(ecosystem_map.edges)
    width = column_x(max(len(used), 1)) - COLUMN_GAP + MARGIN + COLUMN_GAP * 0.45 * loops
    return MapLayout(width, bottom + MARGIN, titles, boxes, links)


def column_x(column: int) -> float:
    return MARGIN + column * (NODE_WIDTH + COLUMN_GAP)


# -- columns -----------------------------------------------------------------------------------

def assign_columns(ecosystem_map: EcosystemMap) -> dict[str, int]:
    """A role column per system; one of another category goes just before the first system
    it sends to, else just after the last one it receives from."""
    column = {node.name: HOME_COLUMN[node.category] for node in ecosystem_map.nodes
              if node.category in HOME_COLUMN}
    last = len(ROLE_COLUMNS) - 1
    for node in ecosystem_map.nodes:
        if node.name in column:
            continue
        sends = [column[e.target] for e in ecosystem_map.edges
                 if e.source == node.name and e.target in column]
        receives = [column[e.source] for e in ecosystem_map.edges
                    if e.target == node.name and e.source in column]
        if sends:
            column[node.name] = max(min(sends) - 1, 0)
        elif receives:
            column[node.name] = min(max(receives) + 1, last)
        else:
            column[node.name] = UNLINKED_COLUMN
    return column


def link_chains(edges: Sequence[Edge], column_of: Mapping[str, int]) -> dict[int, list[Item]]:
    """For each link between two columns, the items it passes from its left-hand end to its
    right-hand end, one per column. Links within one column have no chain."""
    chains: dict[int, list[Item]] = {}
    for index, edge in enumerate(edges):
        left, right = sorted((edge.source, edge.target), key=lambda name: column_of[name])
        if column_of[left] == column_of[right]:
            continue
        passing: list[Item] = [("", index, column)
                               for column in range(column_of[left] + 1, column_of[right])]
        chains[index] = [(left, -1, -1), *passing, (right, -1, -1)]
    return chains


# -- order within the columns ------------------------------------------------------------------

def order_columns(nodes: Sequence[Node], column_of: Mapping[str, int],
                  chains: Mapping[int, list[Item]], count: int) -> list[list[Item]]:
    """Each column's items top to bottom, with as few crossings as the sweeps find."""
    order: list[list[Item]] = [[] for _ in range(count)]
    rank = {category: index for index, category in enumerate(sorted(HOME_COLUMN, key=HOME_COLUMN.__getitem__))}
    for node in sorted(nodes, key=lambda n: (rank.get(n.category, len(rank)), n.category, n.name)):
        order[column_of[node.name]].append((node.name, -1, -1))
    for index in sorted(chains):
        for item in chains[index][1:-1]:
            order[item[2]].append(item)
    left, right = neighbours(chains)
    best, fewest = [list(column) for column in order], crossings(order, right)
    for _ in range(SWEEPS):
        for column in range(1, count):
            order[column] = by_barycentre(order[column], order[column - 1], left)
        for column in range(count - 2, -1, -1):
            order[column] = by_barycentre(order[column], order[column + 1], right)
        found = crossings(order, right)
        if found < fewest:
            best, fewest = [list(column) for column in order], found
    return best


def neighbours(chains: Mapping[int, list[Item]]) -> tuple[dict[Item, list[Item]], dict[Item, list[Item]]]:
    """Every item's neighbours in the column to its left and to its right."""
    left: dict[Item, list[Item]] = {}
    right: dict[Item, list[Item]] = {}
    for index in sorted(chains):
        chain = chains[index]
        for before, after in pairwise(chain):
            right.setdefault(before, []).append(after)
            left.setdefault(after, []).append(before)
    return left, right


def by_barycentre(column: list[Item], beside: list[Item],
                  linked: Mapping[Item, list[Item]]) -> list[Item]:
    position = {item: index for index, item in enumerate(beside)}

    def key(entry: tuple[int, Item]) -> tuple[float, int]:
        index, item = entry
        others = [position[other] for other in linked.get(item, []) if other in position]
        return (sum(others) / len(others) if others else float(index), index)

    return [item for _, item in sorted(enumerate(column), key=key)]


def crossings(order: Sequence[Sequence[Item]], right: Mapping[Item, list[Item]]) -> int:
    """How many pairs of link segments cross between neighbouring columns."""
    total = 0
    for column, following in pairwise(order):
        position = {item: index for index, item in enumerate(following)}
        ends = sorted((upper, position[other]) for upper, item in enumerate(column)
                      for other in right.get(item, []) if other in position)
        total += _inversions([lower for _, lower in ends], len(following))
    return total


def _inversions(values: Sequence[int], size: int) -> int:
    """Pairs i < j with values[i] > values[j] (a Fenwick tree: fast on big estates)."""
    tree = [0] * (size + 1)
    found = 0
    for seen, value in enumerate(values):
        index, not_greater = value + 1, 0
        while index > 0:
            not_greater += tree[index]
            index -= index & -index
        found += seen - not_greater
        index = value + 1
        while index <= size:
            tree[index] += 1
            index += index & -index
    return found


# -- vertical placement ------------------------------------------------------------------------

def place_columns(order: Sequence[Sequence[Item]], chains: Mapping[int, list[Item]],
                  heights: Mapping[Item, float]) -> dict[Item, float]:
    """The top of every item: stacked in order, then pulled towards the items it links to
    while keeping the order and the gaps."""
    left, right = neighbours(chains)
    linked = {item: left.get(item, []) + right.get(item, []) for item in {*left, *right}}
    tops: dict[Item, float] = {}
    for column in order:
        y = float(HEADER + MARGIN)
        for previous, item in zip([None, *column], column):
            y += _gap(previous, item) if previous else 0.0
            tops[item] = y
            y += heights.get(item, SLOT)
    for _ in range(SETTLE_PASSES):
        for column in order:
            wanted = [_wanted_top(item, linked, tops, heights) for item in column]
            tops.update(zip(column, _closest_tops(column, wanted, heights)))
    lowest = min(tops.values(), default=0.0)
    return {item: top - lowest + HEADER + MARGIN for item, top in tops.items()}


def _gap(previous: Item, item: Item) -> float:
    return BOX_GAP if previous[1] < 0 and item[1] < 0 else SLOT_GAP


def _wanted_top(item: Item, linked: Mapping[Item, list[Item]], tops: Mapping[Item, float],
                heights: Mapping[Item, float]) -> float:
    height = heights.get(item, SLOT)
    others = linked.get(item, [])
    if not others:
        return tops[item]
    centre = sum(tops[other] + heights.get(other, SLOT) / 2 for other in others) / len(others)
    return centre - height / 2


def _closest_tops(column: Sequence[Item], wanted: Sequence[float],
                  heights: Mapping[Item, float]) -> list[float]:
    """The tops nearest to `wanted` (least squares) that keep the column's order and gaps:
    isotonic regression (pool adjacent violators) on the tops less their least offsets."""
    offsets, offset = [], 0.0
    for previous, item in zip([None, *column], column):
        if previous is not None:
            offset += heights.get(previous, SLOT) + _gap(previous, item)
        offsets.append(offset)
    blocks: list[list[float]] = []          # [mean, count]
    for value, least in zip(wanted, offsets):
        blocks.append([value - least, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                          blocks[-1][1] + count]
    fitted = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + least for value, least in zip(fitted, offsets)]


# -- boxes -------------------------------------------------------------------------------------

def box_lines(node: Node) -> tuple[tuple[str, str], ...]:
    """A box's text: the title (★ for a system of record), its category, its records."""
    title = f"{RECORD_MARK} {node.title}" if node.records else node.title
    lines = [("title", _clip(title if node.known else node.name or "(no name)", TITLE_CHARS)),
             ("meta", category_title(node.category) if node.known else "not defined")]
    if node.records:
        lines.extend(("records", line) for line in _wrap(f"record: {', '.join(node.records)}", 2))
    if node.rules:
        lines.append(("findings", _clip(f"findings: {', '.join(node.rules)}", TEXT_CHARS)))
    return tuple(lines)


def box_height(lines: Sequence[tuple[str, str]]) -> float:
    return PADDING * 2 + LINE * len(lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _wrap(text: str, most: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= TEXT_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[:most - 1], lines[most - 1] + " …"]
    return [_clip(line, TEXT_CHARS) for line in lines]


# -- links -------------------------------------------------------------------------------------

def route_links(edges: Sequence[Edge], column_of: Mapping[str, int],
                chains: Mapping[int, list[Item]], boxes: Sequence[Box],
                tops: Mapping[Item, float]) -> tuple[Link, ...]:
    """A curve per link, leaving and entering each box at its own port."""
    by_name = {box.node.name: box for box in boxes}
    ports = link_ports(edges, chains, by_name, tops)
    bulges = loop_bulges(edges, column_of, chains, ports)
    links = []
    for index, edge in enumerate(edges):
        if index in chains:
            chain = chains[index]
            points = [(by_name[chain[0][0]].x + NODE_WIDTH, ports[(index, chain[0][0], "right")])]
            for item in chain[1:-1]:
                y, x = tops[item] + SLOT / 2, column_x(item[2])
                points.extend([(x, y), (x + NODE_WIDTH, y)])
            points.append((by_name[chain[-1][0]].x, ports[(index, chain[-1][0], "left")]))
            forward = chain[0][0] == edge.source
            links.append(Link(edge, _curve(points), not forward or edge.bidirectional,
                              forward or edge.bidirectional))
        else:
            box = by_name[edge.source]
            links.append(Link(edge, _loop(box.x + NODE_WIDTH, ports[(index, edge.source, "out")],
                                          ports[(index, edge.target, "in")], bulges[index]),
                              edge.bidirectional, True))
    return tuple(links)


def loop_bulges(edges: Sequence[Edge], column_of: Mapping[str, int], chains: Mapping[int, list[Item]],
                ports: Mapping[tuple[int, str, str], float]) -> dict[int, float]:
    """How far each link within a column bulges out: in each column the shorter ones inside
    the longer, so that they nest instead of crossing."""
    spans = sorted((column_of[edge.source],
                    abs(ports[(index, edge.target, "in")] - ports[(index, edge.source, "out")]), index)
                   for index, edge in enumerate(edges) if index not in chains)
    first: dict[int, int] = {}
    for position, (column, _, _) in enumerate(spans):
        first.setdefault(column, position)
    return {index: min(LOOP_BULGE + LOOP_STEP * (position - first[column]), COLUMN_GAP * 0.42)
            for position, (column, _, index) in enumerate(spans)}


def link_ports(edges: Sequence[Edge], chains: Mapping[int, list[Item]], boxes: Mapping[str, Box],
               tops: Mapping[Item, float]) -> dict[tuple[int, str, str], float]:
    """The y of every link end on its box: a box's ends on one side are spread along it in
    the order of where the links go, so that they do not cross at the box."""
    sides: dict[tuple[str, str], list[tuple[float, int, str]]] = {}
    for index, edge in enumerate(edges):
        if index in chains:
            chain = chains[index]
            first, last = chain[0][0], chain[-1][0]
            sides.setdefault((first, "right"), []).append(
                (_centre(chain[1], boxes, tops), index, "right"))
            sides.setdefault((last, "left"), []).append(
                (_centre(chain[-2], boxes, tops), index, "left"))
        else:
            sides.setdefault((edge.source, "right"), []).append(
                (_centre((edge.target, -1, -1), boxes, tops), index, "out"))
            sides.setdefault((edge.target, "right"), []).append(
                (_centre((edge.source, -1, -1), boxes, tops), index, "in"))
    ports: dict[tuple[int, str, str], float] = {}
    for (name, _), ends in sorted(sides.items()):
        box = boxes[name]
        for rank, (_, index, end) in enumerate(sorted(ends)):
            ports[(index, name, end)] = box.y + box.height * (rank + 1) / (len(ends) + 1)
    return ports


def _centre(item: Item, boxes: Mapping[str, Box], tops: Mapping[Item, float]) -> float:
    if item[1] >= 0:
        return tops[item] + SLOT / 2
    box = boxes[item[0]]
    return box.y + box.height / 2


def _curve(points: Sequence[tuple[float, float]]) -> str:
    """A smooth path through the points: horizontal at each one, straight through a slot."""
    (x, y), *rest = points
    parts = [f"M{_n(x)} {_n(y)}"]
    for step, (next_x, next_y) in enumerate(rest):
        if step % 2 == 1:       # across a column, through the link's slot
            parts.append(f"L{_n(next_x)} {_n(next_y)}")
        else:
            middle = (x + next_x) / 2
            parts.append(f"C{_n(middle)} {_n(y)} {_n(middle)} {_n(next_y)} {_n(next_x)} {_n(next_y)}")
        x, y = next_x, next_y
    return " ".join(parts)


def _loop(x: float, start: float, end: float, bulge: float) -> str:
    """A link between two systems of one column: a bulge to the right of the column."""
    return (f"M{_n(x)} {_n(start)} C{_n(x + bulge)} {_n(start)} {_n(x + bulge)} {_n(end)} "
            f"{_n(x)} {_n(end)}")


def _n(value: float) -> str:
    """A coordinate, short and the same on every platform."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# -- drawing -----------------------------------------------------------------------------------

def map_svg(layout: MapLayout, pages: Mapping[str, str], caption: str = "Ecosystem map") -> str:
    """The map as an SVG element. `pages` maps "system/NAME" and "integration/NAME" to the
    address of their page; boxes and links without one are drawn without a link."""
    width, height = _n(layout.width), _n(layout.height)
    opening = (f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height}" '
               f'width="{width}" height="{height}" role="img" aria-labelledby="map-caption" '
               'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, sans-serif">')
    parts = [opening, f'<title id="map-caption">{escape(caption)}</title>', _markers()]
    parts.extend(f'<text class="column-title" x="{_n(x + NODE_WIDTH / 2)}" y="{MARGIN + 6}" '
                 f'text-anchor="middle" font-size="13" font-weight="600" fill="#57606a">'
                 f"{escape(title)}</text>" for title, x in layout.columns)
    parts.append('<g class="links">')
    parts.extend(_linked(pages.get(f"integration/{link.edge.name}"), _link_svg(link))
                 for link in layout.links)
    parts.append('</g><g class="systems">')
    parts.extend(_linked(pages.get(f"system/{box.node.name}"), _box_svg(box))
                 for box in layout.boxes)
    parts.append("</g></svg>")
    return "\n".join(parts)


def _markers() -> str:
    markers = "".join(
        f'<marker id="arrow{"-" + flag if flag else ""}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" '
        f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{color}"/></marker>'
        for flag, color in LINK_COLORS.items())
    return f"<defs>{markers}</defs>"


def _linked(href: str | None, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _link_svg(link: Link) -> str:
    edge = link.edge
    marker = f'url(#arrow{"-" + edge.flag if edge.flag else ""})'
    attributes = [f'd="{link.path}"', 'fill="none"', f'stroke="{LINK_COLORS[edge.flag]}"',
                  f'stroke-width="{LINK_WIDTHS.get(edge.mode, 1.6)}"']
    dashes = LINK_DASHES.get(edge.mode, LINK_DASHES["manual"])
    if dashes:
        attributes.append(f'stroke-dasharray="{dashes}"')
    if link.arrow_at_start:
        attributes.append(f'marker-start="{marker}"')
    if link.arrow_at_end:
        attributes.append(f'marker-end="{marker}"')
    classes = " ".join(part for part in ("link", edge.mode, edge.flag) if part)
    tooltip = f"{edge.name}: {edge.source} → {edge.target}, {edge.label}" + (
        f"; findings: {', '.join(edge.rules)}" if edge.rules else "")
    return (f'<g class="{escape(classes)}"><title>{escape(tooltip)}</title>'
            f'<path class="hit" d="{link.path}" fill="none" stroke="transparent" stroke-width="10"/>'
            f'<path class="line" {" ".join(attributes)}/></g>')


def _box_svg(box: Box) -> str:
    node = box.node
    fill, stroke = BOX_STYLES[node.flag]
    classes = " ".join(part for part in ("system", "record" if node.records else "", node.flag,
                                         "" if node.known else "undefined") if part)
    tooltip = "\n".join(_tooltip(node))
    texts = [f'<text x="{_n(box.x + PADDING)}" y="{_n(box.y + PADDING + LINE * (index + 1) - 4)}" '
             f'{_TEXT_STYLES[kind]}>{escape(text)}</text>'
             for index, (kind, text) in enumerate(box.lines)]
    dashes = '' if node.known else ' stroke-dasharray="5 3"'
    return (f'<g class="{classes}"><title>{escape(tooltip)}</title>'
            f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{NODE_WIDTH}" height="{_n(box.height)}" '
            f'rx="6" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{2.6 if node.records or node.flag else 1.2}"{dashes}/>'
            f'{"".join(texts)}</g>')


_TEXT_STYLES = {"title": 'font-size="13" font-weight="600" fill="#24292f"',
                "meta": 'font-size="11" fill="#57606a"',
                "records": 'font-size="11" fill="#24292f"',
                "findings": f'font-size="11" font-weight="600" fill="{ERROR_COLOR}"'}


def _tooltip(node: Node) -> Iterable[str]:
    yield node.title if node.known else f"{node.name} (not defined)"
    yield category_title(node.category)
    if node.records:
        yield f"system of record for: {', '.join(node.records)}"
    if node.rules:
        yield f"findings: {', '.join(node.rules)} (see its page)"
