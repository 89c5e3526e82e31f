"""Personal JSON is never cached; a shopper's messages to shops are rate-limited."""

import pytest

from tests.factories import ShopFactory, make_customer
from tests.helpers import bearer
from workflows.shoppers import share_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(api):
    registration = make_customer()
    api.credentials(**bearer(registration.token))
    return registration.customer


def test_a_shoppers_own_data_is_marked_no_store(api, shopper):
    for answer in (api.get("/api/me/"), api.get("/api/me/requests/")):
        assert answer.status_code == 200
        assert "no-store" in answer["Cache-Control"]


def test_a_shops_view_of_a_shopper_is_marked_no_store(clerk, sole):
    customer = make_customer().customer
    share_create(customer=customer, shop=sole)

    answer = clerk.get(f"/api/shops/sole/customers/{customer.code}/")

    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]


def test_errors_are_marked_no_store_too(api):
    assert "no-store" in api.get("/api/me/")["Cache-Control"]


def test_a_shopper_sends_at_most_ten_requests_a_minute(api, shopper):
    ShopFactory(slug="sole")

    codes = [
        api.post("/api/me/requests/", {"shop": "sole", "text": f"hello {n}"}, format="json")
        for n in range(11)
    ]

    assert [r.status_code for r in codes] == [201] * 10 + [429]
    assert codes[-1].json()["error"]["code"] == "throttled"
    # reading the answers is not limited
    assert api.get("/api/me/requests/").status_code == 200
