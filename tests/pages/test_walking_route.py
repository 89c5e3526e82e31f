"""The walking route on the maps (docs/decisions/0014-walking-distance.md): with corridors
drawn, the entrance result and the phone's map draw the route from "you are here" to the
list's first shop, and the list's distances are walks. At 390x844, 1280x800 and
1920x1080, with a screenshot of each into ``test-artifacts/``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pages.conftest import ROOT, Server
from tests.pages.looks import looks_right
from tests.pages.test_pages_people_see import register, size, view  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def corridors(server: Server) -> Iterator[None]:
    """The corridors of ``tests/pages/corridors.py`` in the server's database, erased
    after the test (the other pages keep straight lines)."""

    def run(action: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "tests.pages.corridors", action],
            cwd=ROOT,
            env=server.env,
            check=True,
            capture_output=True,
        )

    run("draw")
    yield
    run("erase")


def _centre(locator: Any) -> tuple[float, float]:
    return float(locator.get_attribute("cx")), float(locator.get_attribute("cy"))


def route_checked(page: Any) -> None:
    """The ground floor's map has one route line, from "you are here" to pin 1 (the Rain
    Shop), by way of the corridor's detour north, and it is drawn on screen."""
    figure = page.locator('#maps figure[data-floor="0"]')
    line = figure.locator("g.route polyline.route-line")
    line.wait_for(state="attached")
    assert line.count() == 1
    points = [
        tuple(float(v) for v in pair.split(",")) for pair in line.get_attribute("points").split()
    ]
    here = _centre(figure.locator("g.here circle"))
    pin = figure.locator('g.pin[data-number="1"]')
    assert pin.get_attribute("data-shop") == "rain"
    end = _centre(pin.locator("circle"))
    assert points[0] == pytest.approx(here, abs=0.01)
    assert points[-1] == pytest.approx(end, abs=0.01)
    # here, the entrance point, north-west, stairs, north-east, rain's door, the shop.
    assert len(points) == 7
    assert min(y for _, y in points) < here[1] - 11  # 12 m north (SVG's y grows down)
    box = line.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10
    # Pin 2 (the Tea Shop, upstairs) has a pin and no route of its own.
    assert page.locator('#maps figure[data-floor="1"] g.route').count() == 0


@pytest.mark.usefixtures("corridors")
def test_the_entrance_result_draws_the_walk_to_the_first_shop(view, size):  # noqa: F811
    page = view()

    register(page, "umbrella", "teapot")

    route_checked(page)
    # 12 north + 18 + 12 east + 10 south + 2 m to the door: 54 m, not 30 in a line.
    assert page.inner_text('.offer[data-shop="rain"] .where').endswith("· 54 m from here")
    assert page.inner_text('.offer[data-shop="tea"] .where').endswith("· 50 m from here")
    looks_right(page, "entrance-route", size)


@pytest.mark.usefixtures("corridors")
def test_the_phone_map_draws_the_walk_to_the_first_shop(view, size):  # noqa: F811
    shopper = register(view(), "umbrella", "teapot")
    phone = view()
    phone.goto(shopper["pair_url"])
    phone.wait_for_url("**/me/")
    phone.wait_for_selector("#live-status[data-state=live]")
    phone.locator('#maps figure[data-floor="0"] g.pin').first.wait_for()

    route_checked(phone)
    assert phone.inner_text('.offer[data-shop="rain"] .where').endswith("· 54 m from you")
    looks_right(phone, "phone-route", size)
