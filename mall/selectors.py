"""Reads of the mall: retention settings, shops and who clerks for them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from core.errors import NotFound
from mall.floorplan import (
    FloorPlan,
    Pin,
    Spot,
    directions,
    floor_svg,
    list_pin_floors,
    list_pins,
    plan_bounds,
    route_lines,
)
from mall.models import CorridorEdge, CorridorNode, Floor, Landmark, Membership, Retention, Shop
from mall.walking import Place, walk_route


def retention_current() -> Retention:
    """The retention settings; the defaults (7 days each) until staff save some."""
    return Retention.objects.first() or Retention()


def shop_by_slug(slug: str) -> Shop:
    shop = Shop.objects.filter(slug=str(slug)[:50]).first()
    if shop is None:
        raise NotFound(f"There is no shop “{str(slug)[:50]}” in this mall.", code="unknown_shop")
    return shop


def shops_of_clerk(user: User | AnonymousUser) -> list[Shop]:
    """The shops ``user`` clerks for (all shops for mall staff)."""
    if not user.is_authenticated:
        return []
    if user.is_staff:
        return list(Shop.objects.all())
    return [m.shop for m in Membership.objects.filter(user=user).select_related("shop")]


def user_is_clerk_of(user: User | AnonymousUser, shop_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or Membership.objects.filter(user=user, shop_id=shop_id).exists()


def shops_all() -> list[Shop]:
    """Every shop, by name (the phone page's choice of shop to share with or write to)."""
    return list(Shop.objects.all())


#: Seconds a worker keeps the landmarks it read; staff editing one renews them at once in
#: that worker (``landmarks_changed``) and within this time in the others.
LANDMARKS_KEEP_SECONDS = 60.0
#: (read at, landmarks): a sighting asks for them once per shop of its list, so they are
#: kept in the process, not in Django's cache (35 us a read, pickled, against 1 us here).
_landmarks: list[tuple[float, list[tuple[int, Spot]]]] = []


def landmarks_all() -> list[tuple[int, Spot]]:
    """Every landmark as (floor, map spot)."""
    now = time.monotonic()
    if _landmarks and now - _landmarks[0][0] < LANDMARKS_KEEP_SECONDS:
        return _landmarks[0][1]
    marks = [(m.floor, Spot(name=m.name, x=m.x, y=m.y)) for m in Landmark.objects.all()]
    _landmarks[:] = [(now, marks)]
    return marks


def landmarks_forget() -> None:
    """Read the landmarks again at the next ask (this process)."""
    _landmarks.clear()


def place_directions(*, floor: int, x: float, y: float) -> str:
    """A place in words from the nearest landmark of its floor ("Floor 1, 12 m left of the
    escalator")."""
    return directions(
        floor=floor, x=x, y=y, landmarks=[spot for f, spot in landmarks_all() if f == floor]
    )


def floor_plan(number: int, *, also: tuple[tuple[float, float], ...] = ()) -> FloorPlan:
    """Floor ``number`` as the maps draw it: its shops, landmarks, size and plan image;
    big enough to take in the points ``also`` (where the shopper is)."""
    floor = Floor.objects.filter(number=number).first()
    shops = tuple(
        Spot(name=shop.name, x=shop.x, y=shop.y, slug=shop.slug)
        for shop in Shop.objects.filter(floor=number).order_by("name")
    )
    landmarks = tuple(spot for f, spot in landmarks_all() if f == number)
    points = [(s.x, s.y) for s in shops + landmarks] + list(also)
    left, bottom, width, height = plan_bounds(
        points,
        width=floor.width_m if floor else None,
        height=floor.height_m if floor else None,
    )
    has_image = bool(floor and floor.image)
    return FloorPlan(
        number=number,
        name=floor.name if floor else "",
        left=left,
        bottom=bottom,
        width=width,
        height=height,
        image_url=reverse("floor-image", args=[number]) if has_image else "",
        image_width_m=floor.width_m if floor else 0.0,
        image_height_m=floor.height_m if floor else 0.0,
        shops=shops,
        landmarks=landmarks,
    )


def floor_image(number: int) -> Floor:
    """The floor whose plan image is asked for (``NotFound`` when it has none)."""
    floor = Floor.objects.filter(number=number).first()
    if floor is None or not floor.image:
        raise NotFound("This floor has no plan image.", code="no_floor_image")
    return floor


def floor_numbers() -> list[int]:
    """Floors that have a shop or a plan, lowest first."""
    numbers = set(Shop.objects.values_list("floor", flat=True))
    numbers.update(Floor.objects.values_list("number", flat=True))
    return sorted(numbers)


def route_steps(start: Place, shop_slug: str) -> list[tuple[int, float, float, str]]:
    """The walking route from ``start`` to the shop ``shop_slug`` as (floor, x, y, how it
    was reached); empty without corridors, an unknown shop or no walk between."""
    try:
        shop = shop_by_slug(shop_slug)
    except NotFound:
        return []
    steps = walk_route(start, (shop.floor, shop.x, shop.y))
    return [(s.floor, s.x, s.y, s.kind) for s in steps or ()]


def floor_map_svg(
    number: int,
    *,
    steps: Sequence[tuple[int, float, float, str]] = (),
    here: tuple[float, float] | None = None,
    also: tuple[tuple[float, float], ...] = (),
    pins: Sequence[Pin] = (),
) -> tuple[FloorPlan, str]:
    """Floor ``number``'s plan and its map: ``pins``, "You are here" at ``here``, and this
    floor's part of the walking route ``steps`` (``route_steps``), all inside the frame
    with the points ``also``."""
    route = route_lines(steps, number)
    also += ((here,) if here else ()) + tuple(p for line in route for p in line.points)
    plan = floor_plan(number, also=also)
    return plan, floor_svg(plan, pins=pins, here=here, route=route)


def floor_corridors(
    number: int,
) -> tuple[list[tuple[tuple[float, float], tuple[float, float]]], list[Spot]]:
    """The corridors (as pairs of ends) and points staff drew on floor ``number``."""
    points = list(CorridorNode.objects.filter(floor=number))
    lines = [
        ((edge.start.x, edge.start.y), (edge.end.x, edge.end.y))
        for edge in CorridorEdge.objects.filter(
            start__floor=number, end__floor=number
        ).select_related("start", "end")
    ]
    spots = [Spot(name=str(point), x=point.x, y=point.y) for point in points]
    return lines, spots


def list_maps(*, results: list[dict[str, Any]], at: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The maps of a ranked list (the sighting answer's ``results`` and ``at``): one per
    floor with a shop of the list or the shopper, theirs first, pins numbered as the list,
    "You are here" on theirs, and the walking route to pin 1 when staff drew corridors.
    Each: ``floor``, ``title``, ``here`` (bool), ``svg``."""
    floors = list_pin_floors(results)
    order = ([at["floor"]] if at else []) + [f for f in floors if not at or f != at["floor"]]
    pins = list_pins(results)  # pin 1: where the route goes
    steps = route_steps((at["floor"], at["x"], at["y"]), pins[0].slug) if at and pins else []
    maps = []
    for number in order:
        here = (at["x"], at["y"]) if at and at["floor"] == number else None
        plan, svg = floor_map_svg(number, steps=steps, here=here, pins=floors.get(number, []))
        maps.append({"floor": number, "title": plan.title, "here": here is not None, "svg": svg})
    return maps
