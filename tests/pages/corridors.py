"""Corridors drawn into (``draw``) or erased from (``erase``) a browser-test server's
database: run as ``python -m tests.pages.corridors draw|erase`` with the server's
environment. Only the walking-route tests draw them, and erase them after: the other
pages' distances stay straight lines.

The corridor takes a detour from the entrance (0, 0) to the Rain Shop (30, 0): north to
(0, 12), east to (30, 12), south to the shop's door (30, 2); and stairs up to the Tea Shop
on floor 1 at (18, 22)."""

from __future__ import annotations

import os
import sys

import django

POINTS = {
    "entrance": (0, 0.0, 0.0),
    "north-west": (0, 0.0, 12.0),
    "north-east": (0, 30.0, 12.0),
    "rain door": (0, 30.0, 2.0),
    "stairs": (0, 18.0, 12.0),
    "stairs up": (1, 18.0, 12.0),
    "tea door": (1, 18.0, 20.0),
}
WAYS = (
    ("entrance", "north-west", "corridor", None),
    ("north-west", "stairs", "corridor", None),
    ("stairs", "north-east", "corridor", None),
    ("north-east", "rain door", "corridor", None),
    ("stairs", "stairs up", "stairs", 10.0),
    ("stairs up", "tea door", "corridor", None),
)


def main(action: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from mall.models import CorridorEdge, CorridorNode

    CorridorNode.objects.all().delete()  # the edges go with their points
    if action == "draw":
        nodes = {
            name: CorridorNode.objects.create(name=name, floor=floor, x=x, y=y)
            for name, (floor, x, y) in POINTS.items()
        }
        for start, end, kind, cost in WAYS:
            CorridorEdge.objects.create(start=nodes[start], end=nodes[end], kind=kind, cost_m=cost)


if __name__ == "__main__":
    main(sys.argv[1])
