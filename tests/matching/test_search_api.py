"""GET /api/search/: every matching item, exact then similar, ranked from a position,
paged; the same matching as a sighting; bad input is a clear 400."""

import pytest
from django.core.cache import cache

from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall():
    """Shoes near and far, a similar pair, one sold out and one expired."""
    near = ShopFactory(slug="near", floor=0, x=10, y=0)
    far = ShopFactory(slug="far", floor=1, x=0, y=0)
    make_item(near, "Trail Running Shoes", price="120.00")
    make_item(near, "Running Shoes Lite", price="80.00")
    make_item(far, "Running Shoes Basic", price="40.00")
    make_item(near, "Blue Running Shoe", price="10.00", keywords=["sale"])
    make_item(far, "Red Running Shoes", price="5.00", quantity=0)
    return {"near": near, "far": far}


def search(api, **params):
    return api.get("/api/search/", params)


def lines(body):
    return [(r["item"]["name"], r["shop"]["slug"], r["similar"]) for r in body["results"]]


def test_search_lists_exact_then_similar_nearest_first(api, mall):
    response = search(api, q="red running shoes", floor=0, x=0, y=0)

    assert response.status_code == 200
    body = response.json()
    # No item is a red running shoe in stock: the running shoes are similar (red left out).
    assert body["total"] == 4
    assert all(r["similar"] for r in body["results"])
    assert [r["shop"]["slug"] for r in body["results"]] == ["near", "near", "near", "far"]
    assert body["results"][0]["item"]["price"] == "10.00"  # cheapest of the nearest shop
    assert body["results"][-1]["distance_m"] == 30.0


def test_search_puts_every_exact_item_before_the_similar_ones(api, mall):
    body = search(api, q="trail running shoes", floor=0, x=0, y=0, ranking="cheapest").json()

    assert lines(body)[0] == ("Trail Running Shoes", "near", False)
    # Then the similar ones (trail left out), cheapest first, wherever they are.
    assert [name for name, _, similar in lines(body)[1:]] == [
        "Blue Running Shoe",
        "Running Shoes Basic",
        "Running Shoes Lite",
    ]
    assert all(similar for _, _, similar in lines(body)[1:])


def test_search_pages_with_limit_and_offset(api, mall):
    everything = lines(search(api, q="running shoes", floor=0, x=0, y=0).json())
    first = search(api, q="running shoes", floor=0, x=0, y=0, limit=2).json()
    second = search(api, q="running shoes", floor=0, x=0, y=0, limit=2, offset=2).json()

    assert first["total"] == second["total"] == len(everything) == 4
    assert lines(first) + lines(second) == everything


def test_search_from_a_kiosk_check_in_code_uses_its_position(api, mall):
    kiosk = make_kiosk(mall["far"]).kiosk

    body = search(api, q="running shoes", kiosk=kiosk.checkin_code).json()

    assert lines(body)[0] == ("Running Shoes Basic", "far", False)
    assert body["results"][0]["distance_m"] == 0.0


def test_search_keywords_match_as_a_want_s_keywords(api, mall):
    body = search(api, q="boots", keywords="sale, nothing", floor=0, x=0, y=0).json()

    assert lines(body) == [("Blue Running Shoe", "near", False)]


def test_search_gives_what_a_sighting_offers(api, mall):
    # The same matching: the sighting's best offer per shop is the search's first item
    # of that shop, and it counts as many shops.
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes")
    listed = sighting(api, shopper.token, key=kiosk.key)["results"][0]
    found = search(api, q="running shoes", floor=0, x=0, y=0, limit=200).json()["results"]

    firsts = {}
    for r in found:
        firsts.setdefault(r["shop"]["slug"], r["item"]["id"])
    assert {o["shop"]["slug"]: o["item"]["id"] for o in listed["offers"]} == firsts
    assert listed["shops_total"] == len(firsts)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"floor": 0, "x": 0, "y": 0}, "empty_search"),
        ({"q": "  ", "floor": 0, "x": 0, "y": 0}, "empty_search"),
        ({"q": "the of, and", "floor": 0, "x": 0, "y": 0}, "empty_search"),
        ({"q": "shoes", "floor": 0, "x": 0}, "bad_position"),
        ({"q": "shoes", "kiosk": "abc", "floor": 0, "x": 0, "y": 0}, "bad_position"),
        ({"q": "shoes", "floor": 0, "x": "nan", "y": 0}, "invalid"),
        ({"q": "shoes", "floor": 0, "x": 0, "y": 0, "limit": 201}, "invalid"),
        ({"q": "shoes", "floor": 0, "x": 0, "y": 0, "offset": -1}, "invalid"),
        ({"q": "shoes", "floor": 0, "x": 0, "y": 0, "ranking": "best"}, "invalid"),
    ],
)
def test_search_refuses_bad_input_with_a_clear_400(api, mall, params, code):
    response = search(api, **params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"]
    if code != "invalid":
        assert error["code"] == code


def test_search_from_nowhere_lists_cheapest_first_without_distances(api, mall):
    body = search(api, q="running shoes").json()

    prices = [r["item"]["price"] for r in body["results"]]
    assert body["total"] == 4
    assert prices == sorted(prices, key=float)
    assert {r["distance_m"] for r in body["results"]} == {None}


def test_search_with_an_unknown_check_in_code_is_a_404(api, mall):
    response = search(api, q="shoes", kiosk="no-such-code")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_checkin"


def test_search_is_throttled_per_address(api, mall, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"search": "2/minute"})
    cache.clear()

    codes = [search(api, q="shoes", floor=0, x=0, y=0).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert search(api, q="shoes", floor=0, x=0, y=0).json()["error"]["code"] == "throttled"


def test_search_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "kiosk", "limit", "offset"}
