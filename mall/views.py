"""Map pages: a floor of the mall as SVG, and its plan image. Public: shop positions are
on every sign in the mall."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.errors import NotFound
from mall.floorplan import floor_svg
from mall.selectors import floor_image, floor_plan


@require_GET
@cache_control(max_age=60)
def floor_map(request: HttpRequest, floor: str) -> HttpResponse:
    """``/map/<floor>.svg``: the floor with its shops and landmarks (no pins: the phone
    page draws the shopper's own on it); ``?x=&y=`` makes room for the shopper's place."""
    also: tuple[tuple[float, float], ...] = ()
    try:
        x, y = float(request.GET["x"]), float(request.GET["y"])
        if abs(x) <= 100_000 and abs(y) <= 100_000:
            also = ((x, y),)
    except (KeyError, ValueError):
        pass
    svg = floor_svg(floor_plan(int(floor), also=also))
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
