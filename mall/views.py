"""Map pages: a floor of the mall as SVG, and its plan image. Public: shop positions are
on every sign in the mall."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.errors import NotFound
from mall.imports import COORDINATE_MAX, FLOOR_MAX, FLOOR_MIN
from mall.selectors import floor_image, floor_map_svg, route_steps


@require_GET
@cache_control(max_age=60)
def floor_map(request: HttpRequest, floor: str) -> HttpResponse:
    """``/map/<floor>.svg``: the floor with its shops and landmarks (no pins: the phone
    page draws the shopper's own on it); ``?x=&y=`` makes room for the shopper's place;
    ``?from_floor=&from_x=&from_y=&to=<shop slug>`` draws this floor's part of the walking
    route from there to that shop (nothing without corridors). Bad values are ignored."""
    also: tuple[tuple[float, float], ...] = ()
    point = _point(request.GET.get("x"), request.GET.get("y"))
    if point is not None:
        also = (point,)
    steps = []
    start = _point(request.GET.get("from_x"), request.GET.get("from_y"))
    to = request.GET.get("to", "")
    from_floor = _floor(request.GET.get("from_floor", ""))
    if start is not None and to and from_floor is not None:
        steps = route_steps((from_floor, *start), to)
    _, svg = floor_map_svg(int(floor), steps=steps, also=also)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_GET
@cache_control(max_age=300)
def floor_plan_image(request: HttpRequest, floor: str) -> FileResponse:
    """``/map/<floor>/plan``: the plan image staff uploaded (404 without one)."""
    try:
        plan = floor_image(int(floor))
    except NotFound as error:
        raise Http404(str(error)) from error
    return FileResponse(plan.image.open("rb"))


def _point(x: str | None, y: str | None) -> tuple[float, float] | None:
    """(x, y) in metres from query values; None when missing, not numbers or far off."""
    try:
        point = float(x or ""), float(y or "")
    except ValueError:
        return None
    if all(abs(value) <= COORDINATE_MAX for value in point):  # NaN is not <= anything
        return point
    return None


def _floor(value: str) -> int | None:
    """A floor number from a query value; None when it is not a whole number of a floor
    the mall may have (``mall.imports``' range)."""
    try:
        number = int(value)
    except ValueError:
        return None
    return number if FLOOR_MIN <= number <= FLOOR_MAX else None
