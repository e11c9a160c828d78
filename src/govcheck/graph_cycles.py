"""Cycles in a directed multigraph of integrations, in linear time (Tarjan's SCCs)."""
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
    """Strongly connected component number of every node (iterative Tarjan)."""
    successors: dict[str, list[str]] = {}
    for edge in edges:
        successors.setdefault(edge.source, []).append(edge.target)
        successors.setdefault(edge.target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in successors:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = index[node]
                        if member == node:
                            break
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(successors[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return component


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
