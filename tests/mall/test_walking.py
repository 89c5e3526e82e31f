"""Walking distances (docs/decisions/0014-walking-distance.md): the corridors staff draw
make a shop's distance the shortest walk; with none drawn, the straight line stays."""

from __future__ import annotations

import itertools
import math

import pytest
from django.db import connection
from django.urls import reverse

from mall.models import CorridorEdge, CorridorNode
from mall.walking import walk_distance, walk_route, walking_current, walking_kept
from matching import engine
from matching.index.memo import catalogue_current
from matching.selectors import desires_offers, items_search
from tests.factories import ShopFactory, make_customer, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]

ENTRANCE = engine.Position(0, 0.0, 0.0)


def point(name, floor, x, y):
    return CorridorNode.objects.create(name=name, floor=floor, x=x, y=y)


def way(a, b, kind="corridor", cost=None):
    return CorridorEdge.objects.create(start=a, end=b, kind=kind, cost_m=cost)


@pytest.fixture
def two_floors():
    """An L-shaped corridor on floor 0, stairs and a lift up to floor 1."""
    door = point("door", 0, 0, 0)
    corner = point("corner", 0, 30, 0)
    stairs0 = point("stairs", 0, 30, 40)
    lift0 = point("lift", 0, 0, 10)
    stairs1 = point("stairs", 1, 30, 40)
    lift1 = point("lift", 1, 0, 10)
    far1 = point("far", 1, 30, 10)
    way(door, corner)
    way(corner, stairs0)
    way(door, lift0)
    way(stairs0, stairs1, "stairs", 15)
    way(lift0, lift1, "lift", 60)
    way(lift1, far1)
    way(stairs1, far1)
    return {"stairs": CorridorEdge.objects.get(kind="stairs"), "far": far1}


def test_the_walk_follows_the_corridors_not_the_straight_line(two_floors):
    # door -> corner (30) -> stairs (40) = 70, where the straight line is 50.
    assert walk_distance((0, 0, 0), (0, 30, 40)) == pytest.approx(70)
    # Legs to the nearest point count: 2 m to the door, 5 m from the corner.
    assert walk_distance((0, 0, -2), (0, 30, -5)) == pytest.approx(2 + 30 + 5)


def test_a_floor_change_takes_the_cheaper_of_stairs_and_lift(two_floors):
    # Up the stairs: 30 + 40 + 15 + 30 (stairs -> far) = 115; by lift: 10 + 60 + 30 = 100.
    assert walk_distance((0, 0, 0), (1, 30, 10)) == pytest.approx(100)
    steps = walk_route((0, 0, 0), (1, 30, 10))
    assert [s.kind for s in steps if s.floor == 1][:1] == ["lift"]

    CorridorEdge.objects.filter(kind="lift").update(cost_m=200)  # the lift is slow today
    catalogue_current()  # reads the change log: the triggers logged the update
    assert walking_kept().distance((0, 0, 0), (1, 30, 10)) == pytest.approx(115)
    steps = walk_route((0, 0, 0), (1, 30, 10))
    assert "stairs" in [s.kind for s in steps] and "lift" not in [s.kind for s in steps]


def test_no_corridors_no_walk_and_the_ranking_keeps_the_straight_line():
    near = ShopFactory(slug="near", x=10, y=0)
    far = ShopFactory(slug="far", x=40, y=30)
    make_item(near, "red scarf")
    make_item(far, "red scarf")
    assert walk_distance((0, 0, 0), (0, 10, 0)) is None
    hits = items_search(name="red scarf", at=ENTRANCE).hits
    assert [h.item.shop.slug for h in hits] == ["near", "far"]
    assert [h.distance_m for h in hits] == [pytest.approx(10), pytest.approx(50)]


def test_a_place_on_a_floor_without_points_keeps_the_straight_line(two_floors, settings):
    settings.FLOOR_CHANGE_METRES = 20
    shop = ShopFactory(slug="up-high", floor=3, x=3, y=4)
    make_item(shop, "red scarf")
    hit = items_search(name="red scarf", at=ENTRANCE).hits[0]
    # Floor 3 has no point: the straight line plus the floor penalty (DESIGN.md).
    assert hit.distance_m == pytest.approx(5 + 3 * 20)


def test_a_corridor_makes_the_nearer_shop_farther(settings):
    settings.FLOOR_CHANGE_METRES = 20
    behind_wall = ShopFactory(slug="behind-wall", x=10, y=0)  # 10 m in a straight line
    open_door = ShopFactory(slug="open-door", x=0, y=25)  # 25 m
    make_item(behind_wall, "red scarf")
    make_item(open_door, "red scarf")
    shopper = make_customer("red scarf").customer
    desire = shopper.desires.get()

    def order():
        offers = desires_offers([desire], at=ENTRANCE, preference="nearest")[desire.pk]
        return [(o.shop.slug, round(o.best.distance_m)) for o in offers.shops]

    assert order() == [("behind-wall", 10), ("open-door", 25)]

    # The wall: behind-wall's door is reached round the block, open-door's straight on.
    here, north, round_, door = (
        point("here", 0, 0, 0),
        point("north", 0, 0, 25),
        point("round", 0, 20, 25),
        point("wall door", 0, 12, 0),
    )
    way(here, north)
    way(north, round_)
    way(round_, door, cost=40)

    # 0 + 25 + 20 + 40 + 2 (leg from the door point) = 87 for behind-wall, 25 for open-door.
    assert order() == [("open-door", 25), ("behind-wall", 87)]


def test_an_edge_change_reaches_the_ranking_through_the_change_log(two_floors):
    shop = ShopFactory(slug="upstairs", floor=1, x=30, y=10)
    make_item(shop, "red scarf")
    assert items_search(name="red scarf", at=ENTRANCE).hits[0].distance_m == pytest.approx(100)
    # Another worker (raw SQL: no signal in this process) makes the stairs cheap.
    table = connection.ops.quote_name(CorridorEdge._meta.db_table)
    with connection.cursor() as db:
        db.execute(f"UPDATE {table} SET cost_m = 1 WHERE kind = 'stairs'")
    # 30 + 40 + 1 + 30 = 101 by stairs: still the lift (100).
    assert items_search(name="red scarf", at=ENTRANCE).hits[0].distance_m == pytest.approx(100)
    CorridorEdge.objects.filter(kind="corridor", start__name="corner", end__name="stairs").update(
        cost_m=5
    )
    # corner -> stairs now 5: 30 + 5 + 1 + 30 = 66.
    assert items_search(name="red scarf", at=ENTRANCE).hits[0].distance_m == pytest.approx(66)


def test_a_save_through_the_models_raises_the_version_the_pages_read(two_floors):
    before = walking_current()
    assert before.distance((0, 0, 0), (0, 30, 40)) == pytest.approx(70)
    way(
        CorridorNode.objects.get(floor=0, name="door"),
        CorridorNode.objects.get(floor=0, name="stairs"),
    )
    after = walking_current()
    assert after.version > before.version
    assert after.distance((0, 0, 0), (0, 30, 40)) == pytest.approx(50)


def test_the_route_starts_here_ends_at_the_shop_and_follows_the_points(two_floors):
    steps = walk_route((0, 0, -2), (0, 30, 45))
    assert [(s.floor, s.x, s.y) for s in steps] == [
        (0, 0, -2),
        (0, 0, 0),
        (0, 30, 0),
        (0, 30, 40),
        (0, 30, 45),
    ]
    length = sum(math.dist((a.x, a.y), (b.x, b.y)) for a, b in itertools.pairwise(steps))
    assert walk_distance((0, 0, -2), (0, 30, 45)) == pytest.approx(length)


# --- The admin ----------------------------------------------------------------------------


def test_staff_add_a_point_and_a_corridor_from_it_in_the_admin(admin_client):
    other = point("fountain", 0, 40, 0)
    response = admin_client.post(
        reverse("admin:mall_corridornode_add"),
        {
            "name": "door",
            "floor": "0",
            "x": "10",
            "y": "0",
            "edges_out-TOTAL_FORMS": "1",
            "edges_out-INITIAL_FORMS": "0",
            "edges_out-MIN_NUM_FORMS": "0",
            "edges_out-MAX_NUM_FORMS": "1000",
            "edges_out-0-end": str(other.pk),
            "edges_out-0-kind": "corridor",
            "edges_out-0-cost_m": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    door = CorridorNode.objects.get(name="door")
    edge = CorridorEdge.objects.get()
    assert (edge.start, edge.end, edge.length_m) == (door, other, 30)
    assert walk_distance((0, 10, 0), (0, 40, 0)) == pytest.approx(30)
    page = admin_client.get(reverse("admin:mall_corridornode_change", args=[door.pk]))
    assert page.status_code == 200
    assert b'class="corridors"' in page.content and b"fountain" in page.content


def test_stairs_without_a_cost_are_refused_with_a_sentence(admin_client):
    a, b = point("stairs", 0, 5, 5), point("stairs", 1, 5, 5)
    response = admin_client.post(
        reverse("admin:mall_corridoredge_add"),
        {"start": str(a.pk), "end": str(b.pk), "kind": "stairs", "cost_m": ""},
    )
    assert response.status_code == 200
    assert "need a cost: how many metres of walking they are worth" in response.content.decode()
    assert not CorridorEdge.objects.exists()

    response = admin_client.post(
        reverse("admin:mall_corridoredge_add"),
        {"start": str(a.pk), "end": str(b.pk), "kind": "corridor", "cost_m": "3"},
    )
    assert "on different floors: choose stairs" in response.content.decode()

    response = admin_client.post(
        reverse("admin:mall_corridoredge_add"),
        {"start": str(a.pk), "end": str(b.pk), "kind": "stairs", "cost_m": "12"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        reverse("admin:mall_corridoredge_add"),
        {"start": str(b.pk), "end": str(a.pk), "kind": "lift", "cost_m": "30"},
    )
    assert "already joined" in response.content.decode()
    assert CorridorEdge.objects.count() == 1


def test_a_point_joined_to_itself_is_refused(admin_client):
    a = point("x", 0, 1, 1)
    response = admin_client.post(
        reverse("admin:mall_corridoredge_add"),
        {"start": str(a.pk), "end": str(a.pk), "kind": "corridor", "cost_m": ""},
    )
    assert "joins two different points" in response.content.decode()


# --- The maps -----------------------------------------------------------------------------


def test_the_floor_map_draws_this_floors_part_of_the_route(client, two_floors):
    ShopFactory(slug="upstairs", floor=1, x=30, y=10)
    query = {"from_floor": "0", "from_x": "0", "from_y": "0", "to": "upstairs"}
    ground = client.get("/map/0.svg", query).content.decode()
    upper = client.get("/map/1.svg", query).content.decode()
    assert 'class="route-line" points="' in ground and "Lift to Floor 1" in ground
    assert 'class="route-line"' in upper and "Lift from Ground floor" in upper
    # Without corridors to the shop, or with bad values, the map has no route (and no 500).
    assert "route-line" not in client.get("/map/0.svg", {**query, "to": "nowhere"}).content.decode()
    bad = client.get("/map/0.svg", {**query, "from_x": "nan", "from_floor": "x"})
    assert bad.status_code == 200 and "route-line" not in bad.content.decode()


@pytest.mark.parametrize("from_floor", ["--5", "²", "-", "12345", " "])
def test_a_map_with_a_start_floor_that_is_no_number_has_no_route_and_no_500(
    client, two_floors, from_floor
):
    ShopFactory(slug="upstairs", floor=1, x=30, y=10)
    query = {"from_floor": from_floor, "from_x": "0", "from_y": "0", "to": "upstairs"}
    answer = client.get("/map/0.svg", query)
    assert answer.status_code == 200 and "route-line" not in answer.content.decode()


def test_a_map_route_from_anywhere_is_not_remembered(two_floors):
    # A map's start comes from a query string: a crawler must not fill the worker's memory.
    walking = walking_current()
    before = dict(walking._attached)
    for x in range(50):
        assert walking.route((0, x + 0.5, 1.0), (1, 30, 10)) is not None
    assert walking._attached.keys() - before.keys() <= {(1, 30, 10)}


def test_rows_written_around_the_admin_do_not_break_the_walk(two_floors):
    # A negative cost (the admin refuses one) counts as nothing instead of breaking Dijkstra.
    CorridorEdge.objects.filter(kind="lift").update(cost_m=-50)
    catalogue_current()
    assert walking_kept().distance((0, 0, 0), (1, 30, 10)) == pytest.approx(10 + 0 + 30)
    # A point moved to another floor after its corridor was drawn: that corridor is no free
    # floor change (it has no cost), so the walk up takes the lift again.
    CorridorEdge.objects.filter(kind="lift").update(cost_m=60)
    door, corner = (CorridorNode.objects.get(name=name) for name in ("door", "corner"))
    CorridorNode.objects.filter(pk=corner.pk).update(floor=1, x=100, y=100)
    catalogue_current()
    walking = walking_kept()
    assert not walking.graph.has_edge(door.pk, corner.pk)
    assert walking.distance((0, 0, 0), (1, 30, 10)) == pytest.approx(100)
