"""Cycles in a directed multigraph of integrations, in linear time (strongly connected
components)."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str      # the integration's kind/name
    index: int      # the position of the dataset in the integration's datasets list


def components(edges: list[Edge]) -> dict[str, int]:
    """Strongly connected component number of every node (Kosaraju, iterative)."""
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}
    for edge in edges:
        successors.setdefault(edge.source, []).append(edge.target)
        successors.setdefault(edge.target, [])
        predecessors.setdefault(edge.target, []).append(edge.source)
        predecessors.setdefault(edge.source, [])
    component: dict[str, int] = {}
    for node in reversed(_finish_order(successors)):
        if node not in component:
            _mark(node, predecessors, component, len(component))
    return component


def _finish_order(successors: dict[str, list[str]]) -> list[str]:
    """Nodes in the order a depth-first search finishes them."""
    order: list[str] = []
    seen: set[str] = set()
    for root, children in successors.items():
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(children))]
        while stack:
            node, remaining = stack[-1]
            child = next(remaining, None)
            if child is None:
                stack.pop()
                order.append(node)
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(successors[child])))
    return order


def _mark(root: str, predecessors: dict[str, list[str]], component: dict[str, int],
          number: int) -> None:
    """Give `number` to every node that reaches `root` and has no component yet."""
    component[root] = number
    stack = [root]
    while stack:
        for parent in predecessors[stack.pop()]:
            if parent not in component:
                component[parent] = number
                stack.append(parent)


def edges_on_cycles(edges: list[Edge], wanted: Callable[[Edge], bool]
                    ) -> Iterator[tuple[Edge, list[str]]]:
    """Each wanted edge that lies on a cycle made of at least two different labels, with one
    such cycle as a list of nodes (first node repeated at the end)."""
    component = components(edges)
    inner = [e for e in edges if component[e.source] == component[e.target] and e.source != e.target]
    labels_in: dict[int, set[str]] = {}
    for edge in inner:
        labels_in.setdefault(component[edge.source], set()).add(edge.label)
    for edge in inner:
        if len(labels_in[component[edge.source]]) < 2 or not wanted(edge):
            continue
        back = _path(inner, edge.target, edge.source, avoid=edge)
        if back is not None:
            yield edge, [edge.source] + back


def _path(edges: list[Edge], start: str, goal: str, avoid: Edge) -> list[str] | None:
    """Shortest node path start → goal not using the reverse of `avoid`'s own link alone."""
    successors: dict[str, list[Edge]] = {}
    for edge in edges:
        if not (edge.label == avoid.label and edge.source == avoid.target and edge.target == avoid.source):
            successors.setdefault(edge.source, []).append(edge)
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for edge in successors.get(node, []):
            if edge.target not in previous:
                previous[edge.target] = node
                queue.append(edge.target)
    return None
