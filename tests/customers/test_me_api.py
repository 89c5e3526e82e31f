"""The shopper's own API: profile, changing wants, erasure, shares and requests."""

import pytest

from customers.models import Customer, Share, ShopRequest
from matching.models import Card
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import bearer
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def test_me_without_token_is_401_in_the_error_shape(api):
    response = api.get("/api/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_with_unknown_token_is_401(api):
    response = api.get("/api/me/", **bearer("nope"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_patch_replaces_wants_and_reruns_matching(api):
    shop = ShopFactory(slug="gadget")
    make_item(shop, "Wireless Headphones")
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(shop).kiosk, customer=shopper.customer)
    assert not Card.objects.exists()

    response = api.patch(
        "/api/me/",
        {"desires": [{"name": "headphones", "level": 5}]},
        format="json",
        **bearer(shopper.token),
    )

    assert response.status_code == 200
    body = response.json()
    assert [d["name"] for d in body["desires"]] == ["headphones"]
    assert body["results"][0]["offers"][0]["shop"]["slug"] == "gadget"
    assert Card.objects.get().shop == shop


def test_patch_ranking_only_keeps_wants(api):
    shopper = make_customer("running shoes")

    api.patch("/api/me/", {"ranking": "cheapest"}, format="json", **bearer(shopper.token))

    customer = Customer.objects.get()
    assert customer.ranking == "cheapest"
    assert customer.desires.count() == 1


def test_patch_with_no_wants_cancels_them_all_and_withdraws_the_cards(api, sighted):
    # Given a shopper sighted at a shop that has what they want: a card there.
    assert Card.objects.filter(customer=sighted.customer).exists()

    # When they cancel every want (S38).
    response = api.patch("/api/me/", {"desires": []}, format="json", **bearer(sighted.token))

    # Then they stay, with no wants, no results and no card.
    assert response.status_code == 200
    assert response.json()["desires"] == []
    assert response.json()["results"] == []
    customer = Customer.objects.get()
    assert customer.desires.count() == 0
    assert not Card.objects.filter(customer=customer).exists()


def test_delete_erases_everything_with_face_file(
    api, private_media, django_capture_on_commit_callbacks
):
    shop = ShopFactory(slug="sole")
    make_item(shop, "Running Shoes")
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    customer_sight(kiosk=make_kiosk(shop).kiosk, customer=shopper.customer)
    face = private_media / shopper.customer.face_image.name

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete("/api/me/", **bearer(shopper.token))

    assert response.status_code == 204
    assert not Customer.objects.exists() and not Card.objects.exists()
    assert not face.exists()
    assert api.get("/api/me/", **bearer(shopper.token)).status_code == 401


def test_share_with_a_shop(api):
    ShopFactory(slug="sole")
    shopper = make_customer("running shoes")

    response = api.post("/api/me/shares/", {"shop": "sole"}, format="json", **bearer(shopper.token))

    assert response.status_code == 201
    assert Share.objects.get().shop.slug == "sole"


def test_share_with_unknown_shop_is_404(api):
    shopper = make_customer("running shoes")

    response = api.post(
        "/api/me/shares/", {"shop": "nowhere"}, format="json", **bearer(shopper.token)
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_shop"


def test_request_to_a_shop_is_stored_and_shares(api):
    ShopFactory(slug="sole")
    shopper = make_customer("running shoes")

    response = api.post(
        "/api/me/requests/",
        {"shop": "sole", "text": "Size 42 please"},
        format="json",
        **bearer(shopper.token),
    )

    assert response.status_code == 201
    assert ShopRequest.objects.get().text == "Size 42 please"
    assert Share.objects.filter(shop__slug="sole").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_empty_or_huge_request_is_a_400(api, text):
    ShopFactory(slug="sole")
    shopper = make_customer("running shoes")

    response = api.post(
        "/api/me/requests/", {"shop": "sole", "text": text}, format="json", **bearer(shopper.token)
    )

    assert response.status_code == 400
    assert not ShopRequest.objects.exists()
