"""Maps of the mall: a floor drawn as SVG from positions in metres, and text directions
from the nearest landmark. Pure functions (no ORM): selectors hand them plain values.

Coordinates are the shops' own: x metres east, y metres north of the mall's reference
corner. SVG's y grows downwards, so a point is drawn at (x - left, top - y); the SVG
carries ``data-left`` and ``data-top`` so that a script can turn a click back into metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

#: Metres of empty border around the shops of a floor without a plan.
MARGIN_M = 10.0
#: Distance under which a shop is "by" a landmark rather than some metres from it.
BY_THE_M = 4.0


@dataclass(frozen=True)
class Spot:
    """Something drawn on a floor: a shop, a landmark, a kiosk."""

    name: str
    x: float
    y: float
    slug: str = ""


@dataclass(frozen=True)
class Pin:
    """A numbered pin: the shop of rank ``number`` in the shopper's list."""

    number: int
    x: float
    y: float
    slug: str
    name: str


@dataclass(frozen=True)
class FloorPlan:
    """One floor as the map draws it: bounds in metres and an optional image."""

    number: int
    name: str
    left: float
    bottom: float
    width: float
    height: float
    image_url: str = ""
    shops: tuple[Spot, ...] = ()
    landmarks: tuple[Spot, ...] = ()
    #: Size the plan image covers, from the reference corner.
    image_width_m: float = 0.0
    image_height_m: float = 0.0

    @property
    def top(self) -> float:
        return self.bottom + self.height

    @property
    def title(self) -> str:
        return self.name or floor_name(self.number)


@dataclass(frozen=True)
class RouteLine:
    """The part of a walking route on one floor: points in order, and where it leaves the
    floor (``note``: "stairs to Floor 1") or arrives from another (``arrival``)."""

    points: tuple[tuple[float, float], ...]
    note: str = ""
    arrival: str = ""


def route_lines(steps: Sequence[tuple[int, float, float, str]], floor: int) -> list[RouteLine]:
    """The lines of a route (``(floor, x, y, how it was reached)`` in walking order) that
    are on ``floor``: one per stay on it, split where the route changes floor."""
    lines: list[RouteLine] = []
    run: list[tuple[float, float]] = []
    arrival = ""
    for index, (at_floor, x, y, _) in enumerate(steps):
        if at_floor != floor:
            continue
        if not run and index > 0 and steps[index - 1][0] != floor:
            how = steps[index][3]
            arrival = f"{how} from {floor_name(steps[index - 1][0])}"
        run.append((x, y))
        following = steps[index + 1] if index + 1 < len(steps) else None
        if following is None or following[0] != floor:
            note = f"{following[3]} to {floor_name(following[0])}" if following is not None else ""
            lines.append(RouteLine(tuple(run), note=note, arrival=arrival))
            run, arrival = [], ""
    return lines


def floor_name(number: int) -> str:
    """How a floor is called when staff gave it no name."""
    if number == 0:
        return "Ground floor"
    if number < 0:
        return f"Basement {-number}"
    return f"Floor {number}"


def plan_bounds(
    points: Iterable[tuple[float, float]], *, width: float | None, height: float | None
) -> tuple[float, float, float, float]:
    """(left, bottom, width, height): the floor's own size when known, grown to take in
    every point with a margin (a shop placed off the plan is still drawn)."""
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    if width is not None and height is not None:
        left, bottom, right, top = 0.0, 0.0, width, height
        if xs:
            left, right = min(left, min(xs) - 2), max(right, max(xs) + 2)
            bottom, top = min(bottom, min(ys) - 2), max(top, max(ys) + 2)
        return left, bottom, right - left, top - bottom
    if not xs:
        return 0.0, 0.0, 100.0, 60.0
    left, right = min(xs) - MARGIN_M, max(xs) + MARGIN_M
    bottom, top = min(ys) - MARGIN_M, max(ys) + MARGIN_M
    # Never narrower than 40 m either way: three shops in a row still look like a floor.
    if right - left < 40:
        middle = (left + right) / 2
        left, right = middle - 20, middle + 20
    if top - bottom < 40:
        middle = (bottom + top) / 2
        bottom, top = middle - 20, middle + 20
    return left, bottom, right - left, top - bottom


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def floor_svg(
    plan: FloorPlan,
    *,
    pins: Sequence[Pin] = (),
    here: tuple[float, float] | None = None,
    element_id: str = "",
    route: Sequence[RouteLine] = (),
    corridors: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
    points: Sequence[Spot] = (),
) -> str:
    """The floor as an inline SVG: plan image (if any), the corridors staff drew
    (``corridors`` and their ``points``: the admin's map), shops as grey dots with their
    names (over the walking route to the first shop of the list), landmarks, "you are
    here", and numbered pins for the shopper's list."""
    scale = max(plan.width, plan.height) / 100  # label sizes follow the floor's size

    def px(x: float) -> str:
        return _num(x - plan.left)

    def py(y: float) -> str:
        return _num(plan.top - y)

    title = f"Map of {plan.title}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="floor-map" role="img"'
        f' viewBox="0 0 {_num(plan.width)} {_num(plan.height)}"'
        f' data-floor="{plan.number}" data-left="{_num(plan.left)}" data-top="{_num(plan.top)}"'
        f' preserveAspectRatio="xMidYMid meet"'
        + (f' id="{escape(element_id)}"' if element_id else "")
        + f' aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="floor-bg" x="0" y="0" width="{_num(plan.width)}"'
        f' height="{_num(plan.height)}" fill="#f3f5f8" stroke="#c5cbd3"'
        f' stroke-width="{_num(0.4 * scale)}"/>',
    ]
    if plan.image_url:
        # The plan covers x 0..image_width_m, y 0..image_height_m, north up.
        parts.append(
            f'<image class="floor-image" href="{escape(plan.image_url)}"'
            f' x="{px(0)}" y="{py(plan.image_height_m)}" width="{_num(plan.image_width_m)}"'
            f' height="{_num(plan.image_height_m)}" preserveAspectRatio="none"/>'
        )
    font = _num(4.2 * scale)
    # Names keep a halo of the floor's colour: the route and corridors pass under them.
    halo = (
        f' stroke="#f3f5f8" stroke-width="{_num(1.2 * scale)}" stroke-linejoin="round"'
        ' paint-order="stroke"'
    )
    if corridors or points:
        parts.append('<g class="corridors">')
        for (x1, y1), (x2, y2) in corridors:
            parts.append(
                f'<line x1="{px(x1)}" y1="{py(y1)}" x2="{px(x2)}" y2="{py(y2)}"'
                f' stroke="#8a6d1f" stroke-width="{_num(0.9 * scale)}" stroke-linecap="round"/>'
            )
        for point in points:
            size = 1.3 * scale
            parts.append(
                f'<rect class="corridor-point" x="{_num(point.x - plan.left - size)}"'
                f' y="{_num(plan.top - point.y - size)}" width="{_num(2 * size)}"'
                f' height="{_num(2 * size)}" fill="#8a6d1f"><title>{escape(point.name)}</title>'
                "</rect>"
            )
        parts.append("</g>")
    if route:
        parts.append('<g class="route">')
        for line in route:
            dots = " ".join(f"{px(x)},{py(y)}" for x, y in line.points)
            title = "Walking route" + (f" ({line.note})" if line.note else "")
            parts.append(
                f'<polyline class="route-line" points="{dots}" fill="none" stroke="#0b57a4"'
                f' stroke-width="{_num(1.4 * scale)}" stroke-linecap="round"'
                f' stroke-linejoin="round"'
                f' stroke-dasharray="{_num(3 * scale)} {_num(1.6 * scale)}">'
                f"<title>{escape(title)}</title></polyline>"
            )
            for words, (x, y) in ((line.note, line.points[-1]), (line.arrival, line.points[0])):
                if words:
                    parts.append(
                        f'<text class="route-note" x="{px(x)}" y="{py(y - 6 * scale)}"'
                        f' font-size="{font}"{halo} text-anchor="middle" fill="#083d74"'
                        f' font-weight="700">{escape(words[:1].upper() + words[1:])}</text>'
                    )
        parts.append("</g>")
    parts.append('<g class="shops">')
    for shop in plan.shops:
        parts.append(
            f'<g class="shop" data-shop="{escape(shop.slug)}">'
            f'<circle cx="{px(shop.x)}" cy="{py(shop.y)}" r="{_num(1.6 * scale)}" fill="#6b7380"/>'
            f'<text x="{px(shop.x)}" y="{py(shop.y + 5.2 * scale)}" font-size="{font}"'
            f'{halo} text-anchor="middle" fill="#3d434c">{escape(shop.name)}</text></g>'
        )
    parts.append("</g>")
    parts.append('<g class="landmarks">')
    for mark in plan.landmarks:
        size = 2.2 * scale
        x, y = mark.x - plan.left, plan.top - mark.y
        parts.append(
            f'<g class="landmark"><path d="M{_num(x)} {_num(y - size)} L{_num(x + size)} {_num(y)}'
            f' L{_num(x)} {_num(y + size)} L{_num(x - size)} {_num(y)} Z" fill="#6b4fa8"/>'
            f'<text x="{_num(x)}" y="{_num(y + size + 4.4 * scale)}" font-size="{font}"'
            f'{halo} text-anchor="middle" fill="#4b347f" font-style="italic">'
            f"{escape(mark.name)}</text></g>"
        )
    parts.append("</g>")
    if here is not None:
        parts.append(
            f'<g class="here"><circle cx="{px(here[0])}" cy="{py(here[1])}" r="{_num(3.2 * scale)}"'
            f' fill="#d1242f" stroke="#fff" stroke-width="{_num(0.8 * scale)}"/>'
            f'<text x="{px(here[0])}" y="{py(here[1] + 5.4 * scale)}" font-size="{font}"'
            f'{halo} text-anchor="middle" fill="#a1121c" font-weight="700">You are here</text></g>'
        )
    parts.append('<g class="pins">')
    parts.extend(pin_svg(pin, plan=plan) for pin in pins)
    parts.append("</g></svg>")
    return "".join(parts)


def pin_svg(pin: Pin, *, plan: FloorPlan) -> str:
    """One numbered pin (the same markup the phone page's script draws)."""
    scale = max(plan.width, plan.height) / 100
    x, y = _num(pin.x - plan.left), _num(plan.top - pin.y)
    return (
        f'<g class="pin" data-number="{pin.number}" data-shop="{escape(pin.slug)}">'
        f"<title>{pin.number}. {escape(pin.name)}</title>"
        f'<circle cx="{x}" cy="{y}" r="{_num(4 * scale)}" fill="#0b57a4" stroke="#fff"'
        f' stroke-width="{_num(0.7 * scale)}"/>'
        f'<text x="{x}" y="{y}" dy="0.35em" font-size="{_num(4.8 * scale)}" text-anchor="middle"'
        f' fill="#fff" font-weight="700">{pin.number}</text></g>'
    )


def list_pins(results: Sequence[dict]) -> list[Pin]:
    """The shops of a ranked list (the sighting answer's ``results``), numbered in the
    order they first appear in it: the number a shop has on the map is the number the list
    shows beside it, whichever want it appears under."""
    pins: dict[str, Pin] = {}
    for result in results:
        for offer in result.get("offers", ()):
            shop = offer["shop"]
            if shop["slug"] not in pins:
                pins[shop["slug"]] = Pin(
                    number=len(pins) + 1,
                    x=float(shop["x"]),
                    y=float(shop["y"]),
                    slug=shop["slug"],
                    name=shop["name"],
                )
    return list(pins.values())


def list_pin_floors(results: Sequence[dict]) -> dict[int, list[Pin]]:
    """``list_pins`` grouped by floor."""
    floors: dict[int, list[Pin]] = {}
    numbers = {pin.slug: pin for pin in list_pins(results)}
    seen: set[str] = set()
    for result in results:
        for offer in result.get("offers", ()):
            shop = offer["shop"]
            if shop["slug"] in seen:
                continue
            seen.add(shop["slug"])
            floors.setdefault(int(shop["floor"]), []).append(numbers[shop["slug"]])
    return floors


def directions(*, floor: int, x: float, y: float, landmarks: Iterable[Spot]) -> str:
    """Where a place is, in words: "Floor 1, 12 m left of the escalator" from the nearest
    landmark of its floor (left, right, in front of, behind as the map shows them: north
    up); just the floor's name when it has no landmark."""
    where = floor_name(floor)
    nearest = min(landmarks, key=lambda mark: math.hypot(mark.x - x, mark.y - y), default=None)
    if nearest is None:
        return where
    dx, dy = x - nearest.x, y - nearest.y
    distance = math.hypot(dx, dy)
    if distance < BY_THE_M:
        return f"{where}, by the {nearest.name}"
    if abs(dx) >= abs(dy):
        side = "right of" if dx > 0 else "left of"
    else:
        side = "behind" if dy > 0 else "in front of"
    return f"{where}, {distance:.0f} m {side} the {nearest.name}"
