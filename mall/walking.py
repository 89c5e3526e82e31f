"""Walking distances on the corridors staff draw (docs/decisions/0014-walking-distance.md).

The corridors are a graph (``CorridorNode``, ``CorridorEdge``), walked both ways. A place
(a kiosk, a shop, a check-in point) attaches to the nearest point of its floor by a
straight leg; the walk between two places is leg + shortest path + leg. With no corridor
drawn, or a place on a floor without points, or no path between, there is no walk and the
ranking keeps DESIGN's straight line (``matching.engine.distance``).

Each worker keeps the graph it read and, per starting point (a kiosk stands still), the
single-source Dijkstra table (metres to every point); a route (for a map) is one more
shortest path, worked out when asked. Two ways tell a worker
that its copy is out of date:

- a sighting reads the matching index's change log anyway (one query), and database
  triggers log every write of a point or a corridor (``IndexChange.corridor_id``): the
  index drops this copy (``walking_forget``) and the sighting uses ``walking_kept``, no
  query of its own;
- pages (maps) call ``walking_current``: one indexed read of ``CorridorVersion``, which
  every save and delete through the models raises (``mall.models.corridors_changed``).
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass, field

import networkx as nx
from django.db import connection

from core.columns import concrete_field
from mall.models import CorridorEdge, CorridorNode, CorridorVersion

#: (floor, x, y) in the shops' own coordinates (metres).
Place = tuple[int, float, float]

#: Tables kept per graph (one per starting point); beyond, they are all dropped.
TABLES_KEPT = 512


@dataclass(frozen=True)
class RouteStep:
    """One point of a route; ``kind`` is how it was reached (corridor, stairs, ...)."""

    floor: int
    x: float
    y: float
    kind: str = CorridorEdge.CORRIDOR


@dataclass
class Walking:
    """One version of the corridors, as a worker keeps it."""

    version: int
    graph: nx.Graph
    #: floor -> ((node, x, y), ...)
    floors: dict[int, tuple[tuple[int, float, float], ...]]
    #: This process's number for this copy (what distances worked out from it are kept by).
    serial: int = field(default_factory=itertools.count(1).__next__)
    _tables: dict[int, dict[int, float]] = field(default_factory=dict, repr=False)
    _attached: dict[Place, tuple[int, float] | None] = field(default_factory=dict, repr=False)

    #: Staff drew at least one corridor (else every distance is a straight line). Kept:
    #: networkx counts edges by walking every point.
    drawn: bool = False

    def attach(self, place: Place) -> tuple[int, float] | None:
        """(nearest point of the place's floor, straight metres to it); None when its floor
        has no point. Remembered per place: shops and kiosks stand still."""
        if place in self._attached:
            return self._attached[place]
        found = self.nearest(place)
        if len(self._attached) >= 100_000:
            self._attached.clear()
        self._attached[place] = found
        return found

    def nearest(self, place: Place) -> tuple[int, float] | None:
        """(nearest point of the place's floor, straight metres to it), not remembered."""
        floor, x, y = place
        return min(
            ((node, math.hypot(px - x, py - y)) for node, px, py in self.floors.get(floor, ())),
            key=lambda pair: (pair[1], pair[0]),
            default=None,
        )

    def table(self, source: int) -> dict[int, float]:
        """Metres of the shortest walk from ``source`` to every point it reaches (lengths
        only: keeping every path cost ten times as much, bench/sighting.py)."""
        found = self._tables.get(source)
        if found is None:
            found = nx.single_source_dijkstra_path_length(self.graph, source, weight="cost")
            if len(self._tables) >= TABLES_KEPT:
                self._tables.clear()
            self._tables[source] = found
        return found

    def distance(self, start: Place, end: Place) -> float | None:
        """Metres walked from ``start`` to ``end``; None when there is no walk."""
        if not self.drawn:
            return None
        a, b = self.attach(start), self.attach(end)
        if a is None or b is None:
            return None
        metres = self.table(a[0]).get(b[0])
        if metres is None:
            return None
        return a[1] + metres + b[1]

    def route(self, start: Place, end: Place) -> list[RouteStep] | None:
        """The points walked from ``start`` to ``end`` (both included); None when there is
        no walk."""
        if not self.drawn:
            return None
        # A map's start comes from its query string: nothing about it is remembered.
        a, b = self.nearest(start), self.attach(end)
        if a is None or b is None:
            return None
        try:
            _, path = nx.single_source_dijkstra(self.graph, a[0], b[0], weight="cost")
        except nx.NetworkXNoPath:
            return None
        steps = [RouteStep(*start)]
        previous = None
        for node in path:
            data = self.graph.nodes[node]
            kind = (
                self.graph.edges[previous, node]["kind"]
                if previous is not None
                else CorridorEdge.CORRIDOR
            )
            steps.append(RouteStep(data["floor"], data["x"], data["y"], kind))
            previous = node
        steps.append(RouteStep(*end))
        return steps


_lock = threading.Lock()
_current: Walking | None = None


def corridors_version() -> int:
    """The corridors' version now (one indexed read; 0 before any was drawn)."""
    quote = connection.ops.quote_name
    table = quote(CorridorVersion._meta.db_table)
    version = quote(concrete_field(CorridorVersion, "version").column)
    key = quote(CorridorVersion._meta.pk.column)
    with connection.cursor() as db:
        db.execute(f"SELECT {version} FROM {table} WHERE {key} = 1")
        row = db.fetchone()
    return int(row[0]) if row else 0


def walking_load(version: int) -> Walking:
    """The corridors as a graph: points with floor and position, corridors with cost."""
    graph = nx.Graph()
    floors: dict[int, list[tuple[int, float, float]]] = {}
    for pk, floor, x, y in CorridorNode.objects.values_list("pk", "floor", "x", "y"):
        graph.add_node(pk, floor=floor, x=x, y=y)
        floors.setdefault(floor, []).append((pk, x, y))
    for start, end, kind, cost in CorridorEdge.objects.values_list(
        "start_id", "end_id", "kind", "cost_m"
    ):
        if start not in graph or end not in graph:
            continue  # a point added between the two reads: the next version has it
        a, b = graph.nodes[start], graph.nodes[end]
        if cost is None and a["floor"] != b["floor"]:
            continue  # a point moved to another floor after the fact: no free floor change
        metres = cost if cost is not None else math.hypot(a["x"] - b["x"], a["y"] - b["y"])
        # The admin refuses a negative cost; a row written around it must not break Dijkstra.
        graph.add_edge(start, end, cost=max(0.0, float(metres)), kind=kind)
    return Walking(
        version,
        graph,
        {f: tuple(points) for f, points in floors.items()},
        drawn=graph.number_of_edges() > 0,
    )


def walking_current() -> Walking:
    """This worker's corridors, read again when staff changed them (any worker)."""
    global _current
    version = corridors_version()
    found = _current
    if found is not None and found.version == version:
        return found
    with _lock:
        if _current is None or _current.version != version:
            _current = walking_load(version)
        return _current


def walking_kept() -> Walking:
    """This worker's copy as it is, loaded if there is none: for callers that follow the
    change log (the matching index drops the copy when the corridors change)."""
    found = _current
    if found is not None:
        return found
    return walking_current()


def walking_forget() -> None:
    """Drop this worker's copy (tests, benchmark)."""
    global _current
    with _lock:
        _current = None


def walk_distance(start: Place, end: Place) -> float | None:
    """Metres walked from ``start`` to ``end`` on the corridors now; None without a walk."""
    return walking_current().distance(start, end)


def walk_route(start: Place, end: Place) -> list[RouteStep] | None:
    """The route walked from ``start`` to ``end`` on the corridors now; None without one."""
    return walking_current().route(start, end)
