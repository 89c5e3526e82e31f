"""A shop reads a shopper (wants, photo) only after a share or a matching sighting."""

import pytest

from tests.conftest import jpeg_bytes
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sighting
from workflows.shoppers import share_create, shop_request_create
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def test_shop_cannot_read_a_shopper_who_did_not_share(clerk, sole):
    shopper = make_customer("running shoes")

    response = clerk.get(f"/api/shops/sole/customers/{shopper.customer.code}/")

    assert response.status_code == 404


def test_shop_reads_a_shopper_after_a_share(clerk, sole):
    shopper = make_customer("running shoes")
    share_create(customer=shopper.customer, shop=sole)

    response = clerk.get(f"/api/shops/sole/customers/{shopper.customer.code}/")

    assert response.status_code == 200
    assert response.json()["desires"][0]["name"] == "running shoes"


def test_shop_reads_a_shopper_sighted_matching_it(clerk, sighted):
    assert [o["shop"]["slug"] for o in sighted.answer["results"][0]["offers"]] == ["sole"]

    response = clerk.get(f"/api/shops/sole/customers/{sighted.customer.code}/")

    assert response.status_code == 200


def test_other_shop_cannot_read_after_a_share_with_this_one(api, sole):
    shopper = make_customer("running shoes")
    share_create(customer=shopper.customer, shop=sole)
    ShopFactory(slug="other")
    api.force_login(MembershipFactory(shop_id=ShopFactory(slug="other").pk).user)

    assert api.get(f"/api/shops/other/customers/{shopper.customer.code}/").status_code == 404
    assert api.get(f"/api/shops/sole/customers/{shopper.customer.code}/").status_code == 403


def test_clerk_typing_a_code_records_a_share(clerk, sole):
    shopper = make_customer("running shoes")

    response = clerk.post(
        "/api/shops/sole/shares/", {"customer": shopper.customer.code}, format="json"
    )

    assert response.status_code == 201
    assert clerk.get(f"/api/shops/sole/customers/{shopper.customer.code}/").status_code == 200


def test_clerk_typing_an_unknown_code_gets_a_404(clerk, sole):
    response = clerk.post("/api/shops/sole/shares/", {"customer": "NOPE42"}, format="json")

    assert response.status_code == 404


def test_face_is_served_only_to_a_shop_with_a_card_or_share(clerk, sole, kiosk_api):
    make_item(sole, "Running Shoes")
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    url = f"/api/shops/sole/customers/{shopper.customer.code}/face/"
    assert clerk.get(url).status_code == 404  # no card, no share yet

    sighting(kiosk_api, shopper.token)
    response = clerk.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_face_is_never_served_to_anonymous_or_other_shops(api, sole):
    make_item(sole, "Running Shoes")
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)
    url = f"/api/shops/sole/customers/{shopper.customer.code}/face/"

    assert api.get(url).status_code == 403
    api.force_login(MembershipFactory(shop=ShopFactory(slug="other")).user)
    assert api.get(url).status_code == 403


def test_clerk_notes_a_want_of_a_shopper_who_shared(clerk, sole):
    shopper = make_customer("running shoes")
    share_create(customer=shopper.customer, shop=sole)
    desire = shopper.customer.desires.get()

    response = clerk.patch(
        f"/api/shops/sole/customers/{shopper.customer.code}/desires/{desire.pk}/",
        {"note": "One pair in 42 kept for you"},
        format="json",
    )

    assert response.status_code == 200
    desire.refresh_from_db()
    assert desire.note == "One pair in 42 kept for you"


def test_clerk_lists_and_answers_requests(clerk, sole):
    shopper = make_customer("running shoes")
    request = shop_request_create(customer=shopper.customer, shop=sole, text="Size 42?")

    listed = clerk.get("/api/shops/sole/requests/").json()
    response = clerk.post(
        f"/api/shops/sole/requests/{request.pk}/reply/", {"text": "Yes!"}, format="json"
    )

    assert [r["text"] for r in listed] == ["Size 42?"]
    assert response.status_code == 200
    assert response.json()["reply"] == "Yes!"
