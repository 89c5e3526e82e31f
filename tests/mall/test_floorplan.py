"""Maps of the mall: floors as SVG, pins numbered as the list, directions from landmarks,
the plan image, and placing shops by clicking in the admin."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mall.floorplan import (
    FloorPlan,
    Pin,
    RouteLine,
    Spot,
    directions,
    floor_svg,
    list_pins,
    plan_bounds,
)
from mall.models import Floor, Landmark
from mall.selectors import place_directions
from mall.services import landmarks_changed
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sighting

ESCALATOR = Spot(name="escalator", x=50, y=20)


def offer(slug: str, floor: int = 0, x: float = 0, y: float = 0) -> dict:
    return {"shop": {"slug": slug, "name": slug.title(), "floor": floor, "x": x, "y": y}}


def test_directions_name_the_side_of_the_nearest_landmark_of_the_floor() -> None:
    # Given an escalator and a fountain on floor 1
    marks = [ESCALATOR, Spot(name="fountain", x=0, y=0)]
    # When places around the escalator are put in words / Then the side and distance show
    assert directions(floor=1, x=38, y=20, landmarks=marks) == "Floor 1, 12 m left of the escalator"
    assert (
        directions(floor=1, x=62, y=21, landmarks=marks) == "Floor 1, 12 m right of the escalator"
    )
    assert directions(floor=1, x=50, y=30, landmarks=marks) == "Floor 1, 10 m behind the escalator"
    assert directions(floor=1, x=51, y=19, landmarks=marks) == "Floor 1, by the escalator"
    assert directions(floor=0, x=3, y=9, landmarks=[]) == "Ground floor"


def test_pins_number_the_shops_in_the_order_they_first_appear_in_the_list() -> None:
    # Given two wants whose lists share a shop
    results = [
        {"offers": [offer("b"), offer("a")]},
        {"offers": [offer("a"), offer("c", floor=1)]},
    ]
    # When pinned / Then each shop once, numbered by first appearance
    assert [(p.number, p.slug) for p in list_pins(results)] == [(1, "b"), (2, "a"), (3, "c")]


def test_floor_svg_draws_shops_pins_and_you_are_here_north_up() -> None:
    # Given a 100 x 60 m floor with a shop at (10, 50)
    plan = FloorPlan(
        number=0,
        name="",
        left=0,
        bottom=0,
        width=100,
        height=60,
        shops=(Spot(name="Shoe <Shop>", x=10, y=50, slug="shoes"),),
    )
    # When drawn with a pin on it and the shopper at the door
    svg = floor_svg(plan, pins=[Pin(1, 10, 50, "shoes", "Shoe <Shop>")], here=(0, 0))
    # Then the shop is 10 m from the top (north up), its name escaped, the pin numbered
    assert 'viewBox="0 0 100 60"' in svg
    assert '<circle cx="10" cy="10"' in svg
    assert "Shoe &lt;Shop&gt;" in svg and "<Shop>" not in svg
    assert re.search(r'class="pin" data-number="1" data-shop="shoes"', svg)
    assert '<g class="here"><circle cx="0" cy="60"' in svg
    # Names keep a halo of the floor's colour, so a route under them does not cross them out.
    labels = re.findall(r"<text [^>]*>(?:Shoe &lt;Shop&gt;|You are here)</text>", svg)
    assert len(labels) == 2 and all('paint-order="stroke"' in label for label in labels)


def test_floor_bounds_take_in_a_shop_placed_off_the_plan() -> None:
    assert plan_bounds([(120, 10)], width=100, height=60) == (0.0, 0.0, 122.0, 60.0)
    assert plan_bounds([], width=None, height=None) == (0.0, 0.0, 100.0, 60.0)


@pytest.mark.django_db
def test_floor_map_is_public_svg_of_that_floors_shops_and_landmarks(client) -> None:
    # Given shops on two floors and a landmark on the ground floor
    ShopFactory(slug="shoes", name="Shoe Shop", floor=0, x=10, y=5)
    ShopFactory(slug="hats", name="Hat Shop", floor=1, x=10, y=5)
    ShopFactory(slug="cellar", name="Cellar Shop", floor=-1, x=10, y=5)
    Landmark.objects.create(name="fountain", floor=0, x=20, y=5)
    landmarks_changed()
    # When anyone asks for the ground floor's map
    response = client.get("/map/0.svg")
    # Then it is an SVG with that floor's shop and landmark only
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert "Shoe Shop" in body and "fountain" in body and "Hat Shop" not in body
    assert "Cellar Shop" in client.get("/map/-1.svg").content.decode()


@pytest.mark.django_db
def test_floor_plan_image_is_drawn_behind_the_shops_and_served(client, settings) -> None:
    # Given staff uploaded a plan for floor 2 (80 x 40 m)
    upload = SimpleUploadedFile("plan.jpg", jpeg_bytes((80, 40)), content_type="image/jpeg")
    Floor.objects.create(number=2, name="Upper level", width_m=80, height_m=40, image=upload)
    # When the map is drawn / Then the image covers the plan's size, and is served
    body = client.get("/map/2.svg").content.decode()
    assert 'href="/map/2/plan"' in body and 'width="80" height="40"' in body
    assert "Map of Upper level" in body
    image = client.get(reverse("floor-image", args=[2]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    assert client.get("/map/3/plan").status_code == 404


@pytest.mark.django_db
def test_sighting_answer_says_where_each_shop_is_from_the_nearest_landmark(api) -> None:
    # Given a shop 12 m left of the escalator on floor 1
    Landmark.objects.create(name="escalator", floor=1, x=50, y=20)
    landmarks_changed()
    shop = ShopFactory(slug="rain", name="Rain Shop", floor=1, x=38, y=20)
    make_item(shop, "Folding Umbrella")
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("umbrella")
    # When the shopper is sighted
    body = sighting(api, shopper.token, key=kiosk.key)
    # Then the shop's line carries the directions
    shop_line = body["results"][0]["offers"][0]["shop"]
    assert shop_line["directions"] == "Floor 1, 12 m left of the escalator"


@pytest.mark.django_db
def test_admin_shop_form_has_a_clickable_map_of_its_floor(admin_client) -> None:
    # Given a shop on floor 1
    shop = ShopFactory(slug="hats", name="Hat Shop", floor=1, x=30, y=12)
    # When staff open its change form
    page = admin_client.get(reverse("admin:mall_shop_change", args=[shop.pk])).content.decode()
    # Then the floor's map is there with the click-to-place script, the shop marked
    assert 'class="place-map" data-floor="1"' in page
    assert "js/admin_place.js" in page
    assert 'data-floor="1"' in page and '<g class="here">' in page


@pytest.mark.django_db
def test_admin_kiosk_and_landmark_forms_have_the_map_too(admin_client) -> None:
    # Given a kiosk in a corridor of floor 2 and a landmark
    kiosk = make_kiosk(floor=2, x=12, y=4, name="corridor").kiosk
    mark = Landmark.objects.create(name="lift", floor=2, x=30, y=10)
    # When staff open their forms / Then each shows its floor's map with the script
    for url in (
        reverse("admin:kiosks_kiosk_change", args=[kiosk.pk]),
        reverse("admin:mall_landmark_change", args=[mark.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert 'class="place-map" data-floor="2"' in page, url
        assert "js/admin_place.js" in page, url


@pytest.mark.django_db
def test_a_landmark_saved_in_the_admin_changes_the_directions_at_once(admin_client) -> None:
    # Given directions read (and cached) before any landmark
    assert place_directions(floor=0, x=10, y=0) == "Ground floor"
    # When staff add a fountain in the admin
    admin_client.post(
        reverse("admin:mall_landmark_add"), {"name": "fountain", "floor": 0, "x": 0, "y": 0}
    )
    # Then the next answer says where from it
    assert place_directions(floor=0, x=10, y=0) == "Ground floor, 10 m right of the fountain"


def test_a_route_is_split_by_floor_with_where_it_leaves_and_arrives() -> None:
    from mall.floorplan import route_lines

    steps = [
        (0, 0.0, 0.0, "corridor"),
        (0, 10.0, 0.0, "corridor"),
        (1, 10.0, 0.0, "lift"),
        (1, 10.0, 20.0, "corridor"),
    ]
    assert route_lines(steps, 0) == [
        RouteLine(((0.0, 0.0), (10.0, 0.0)), note="lift to Floor 1", arrival="")
    ]
    assert route_lines(steps, 1) == [
        RouteLine(((10.0, 0.0), (10.0, 20.0)), note="", arrival="lift from Ground floor")
    ]
    assert route_lines(steps, 2) == []
    plan = FloorPlan(number=0, name="", left=0, bottom=-10, width=40, height=40)
    svg = floor_svg(plan, route=route_lines(steps, 0), here=(0, 0))
    # Under the shops' names and "you are here": drawn first; y flipped (top is 30).
    assert svg.index('class="route"') < svg.index('class="shops"') < svg.index('class="here"')
    assert 'points="0,30 10,30"' in svg and "Lift to Floor 1" in svg
