"""POST /api/kiosk/sightings/ and /departures/: the ranked list, cards, auth, departure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from kiosks.models import Presence
from matching.models import Card
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import depart, sight
from workflows.purge import data_purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall():
    """Three shops: near and dear, far (other floor) and cheap, and one without shoes."""
    near = ShopFactory(slug="near", floor=0, x=10, y=0)
    far = ShopFactory(slug="far", floor=1, x=0, y=0)
    other = ShopFactory(slug="other", floor=0, x=5, y=0)
    make_item(near, "Trail Running Shoes", price="120.00")
    make_item(far, "Running Shoes Basic", price="40.00")
    make_item(other, "Coffee Beans", price="9.00")
    return {"near": near, "far": far, "other": other}


def offer_shops(body):
    return [offer["shop"]["slug"] for offer in body["results"][0]["offers"]]


def test_sighting_answers_ranked_list_nearest_first(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0, name="entrance")
    shopper = make_customer("running shoes")

    response = sight(api, shopper.token, key=kiosk.key)

    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == shopper.customer.code
    assert body["at"] == {"kiosk": "entrance", "floor": 0, "x": 0.0, "y": 0.0}
    assert offer_shops(body) == ["near", "far"]
    first = body["results"][0]["offers"][0]
    assert first["distance_m"] == 10.0
    assert first["item"]["price"] == "120.00"
    assert body["results"][0]["offers"][1]["distance_m"] == 30.0  # one floor up, same spot


def test_sighting_ranks_cheapest_first_for_that_preference(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes", ranking="cheapest")

    body = sight(api, shopper.token, key=kiosk.key).json()

    assert offer_shops(body) == ["far", "near"]


def test_sighting_position_is_the_kiosks_shop(api, mall):
    kiosk = make_kiosk(mall["far"])
    shopper = make_customer("running shoes")

    body = sight(api, shopper.token, key=kiosk.key).json()

    assert body["at"]["floor"] == 1
    assert offer_shops(body) == ["far", "near"]


def test_floor_change_metres_comes_from_settings(api, mall, settings):
    settings.FLOOR_CHANGE_METRES = 100
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes")

    body = sight(api, shopper.token, key=kiosk.key).json()

    assert body["results"][0]["offers"][1]["distance_m"] == 100.0


def test_sighting_shows_cards_to_matching_shops_only(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer(("running shoes", 5))

    sight(api, shopper.token, key=kiosk.key)

    cards = Card.objects.filter(customer=shopper.customer)
    assert {c.shop.slug for c in cards} == {"near", "far"}
    assert cards.get(shop=mall["near"]).desires[0]["level"] == 5


def test_out_of_stock_and_expired_items_leave_the_results(api, mall):
    mall["near"].stock.update(quantity=0)
    mall["far"].stock.update(expires_at=timezone.now() - timedelta(seconds=1))
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes")

    body = sight(api, shopper.token, key=kiosk.key).json()

    assert body["results"][0]["offers"] == []
    assert not Card.objects.exists()


def test_want_without_match_is_listed_with_no_offers(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("garden hose")

    body = sight(api, shopper.token, key=kiosk.key).json()

    assert body["results"] == [
        {
            "desire": {"id": shopper.customer.desires.get().pk, "name": "garden hose"},
            "shops_total": 0,
            "offers": [],
        }
    ]


@pytest.mark.parametrize(
    "header", ["", "Api-Key nope", "Api-Key abc.def", "Bearer something", "Api-Key é"]
)
def test_sighting_without_a_valid_kiosk_key_is_refused(api, mall, header):
    shopper = make_customer("running shoes")
    if header:
        api.credentials(HTTP_AUTHORIZATION=header)

    response = sight(api, shopper.token)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "code" in response.json()["error"]


def test_revoked_kiosk_key_is_refused(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    kiosk.kiosk.is_active = False
    kiosk.kiosk.save()
    shopper = make_customer("running shoes")

    assert sight(api, shopper.token, key=kiosk.key).status_code == 401


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [("unknown-token", 404, "unknown_token"), ("x" * 201, 400, "invalid"), ("", 400, "invalid")],
    ids=["unknown", "too long", "blank"],
)
def test_sighting_of_an_unknown_token_is_a_404_and_of_no_token_a_400(
    api, mall, token, status, code
):
    kiosk = make_kiosk(floor=0, x=0, y=0)

    response = sight(api, token, key=kiosk.key)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_sighting_with_a_token_of_the_wrong_type_is_a_400(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)

    response = sight(api, ["a"], key=kiosk.key)

    assert response.status_code == 400


def test_departure_is_204_and_starts_the_grace_clock(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes")
    sight(api, shopper.token, key=kiosk.key)

    response = depart(api, shopper.token, key=kiosk.key)

    assert response.status_code == 204
    assert not Presence.objects.exists()
    assert Customer.objects.get().out_of_range_since is not None


def test_departure_from_one_kiosk_while_in_range_of_another_keeps_the_shopper(api, mall):
    a, b = make_kiosk(floor=0, x=0, y=0), make_kiosk(mall["far"])
    shopper = make_customer("running shoes")
    sight(api, shopper.token, key=a.key)
    sight(api, shopper.token, key=b.key)

    depart(api, shopper.token, key=a.key)

    assert Customer.objects.get().out_of_range_since is None


def test_departed_shopper_is_erased_after_the_grace_with_face_file(
    api, mall, private_media, django_capture_on_commit_callbacks
):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    face = private_media / shopper.customer.face_image.name
    sight(api, shopper.token, key=kiosk.key)
    depart(api, shopper.token, key=kiosk.key)

    data_purge(now=timezone.now() + timedelta(seconds=599))
    assert Customer.objects.exists() and face.exists()

    with django_capture_on_commit_callbacks(execute=True):
        data_purge(now=timezone.now() + timedelta(seconds=601))
    assert not Customer.objects.exists()
    assert not Card.objects.exists()
    assert not face.exists()


def test_sighting_within_the_grace_cancels_the_departure(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("running shoes")
    sight(api, shopper.token, key=kiosk.key)
    depart(api, shopper.token, key=kiosk.key)

    sight(api, shopper.token, key=kiosk.key)
    data_purge(now=timezone.now() + timedelta(hours=1))

    assert Customer.objects.exists()


def test_departure_of_an_erased_shopper_is_still_204(api, mall):
    kiosk = make_kiosk(floor=0, x=0, y=0)

    response = depart(api, "gone", key=kiosk.key)

    assert response.status_code == 204
