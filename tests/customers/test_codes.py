"""Codes: long, one answer for unknown and not visible, and a per-shop limit on guesses."""

import math

import pytest

from customers.services import CODE_ALPHABET
from tests.factories import MembershipFactory, ShopFactory, make_customer
from workflows.shoppers import share_create

pytestmark = pytest.mark.django_db


def test_codes_hold_at_least_fifty_bits():
    code = make_customer().customer.code

    assert len(code) * math.log2(len(CODE_ALPHABET)) >= 50
    assert set(code) <= set(CODE_ALPHABET)


@pytest.mark.parametrize("path", ["", "face/", "desires/1/"])
def test_an_unknown_code_and_a_hidden_one_get_the_same_answer(clerk, sole, path):
    hidden = make_customer().customer.code
    method = clerk.patch if path.startswith("desires") else clerk.get
    body = {"note": "x"} if path.startswith("desires") else None

    unknown = method(f"/api/shops/sole/customers/ZZZZZZZZZZ/{path}", body, format="json")
    not_visible = method(f"/api/shops/sole/customers/{hidden}/{path}", body, format="json")

    assert unknown.status_code == not_visible.status_code == 404
    assert unknown.json() == not_visible.json()


def test_a_sale_to_an_unknown_and_to_a_hidden_code_get_the_same_answer(clerk, sole):
    from tests.factories import make_item

    item = make_item(sole, "Running Shoes", quantity=5)
    hidden = make_customer("running shoes").customer.code

    unknown = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": "ZZZZZZZZZZ"}, format="json"
    )
    not_visible = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": hidden}, format="json"
    )

    assert unknown.status_code == not_visible.status_code == 404
    assert unknown.json() == not_visible.json()


def test_look_ups_that_miss_are_limited_per_shop(clerk, sole, throttle_rates):
    # Given a limit of 3 misses a minute, and a shopper who shared with the shop
    throttle_rates(code_lookup="3/minute")
    visible = make_customer().customer
    share_create(customer=visible, shop=sole)

    # when a clerk tries three wrong codes
    misses = [clerk.get(f"/api/shops/sole/customers/ZZZZZZZZZ{n}/").status_code for n in range(3)]

    # then the fourth look-up of this shop waits, even of a right code
    assert misses == [404, 404, 404]
    blocked = clerk.get(f"/api/shops/sole/customers/{visible.code}/")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    # and sales with a code and shares by code wait too
    assert clerk.post("/api/shops/sole/shares/", {"customer": visible.code}).status_code == 429
    # another shop is not held back
    ShopFactory(slug="other")
    clerk.force_login(MembershipFactory(shop=ShopFactory(slug="other")).user)
    assert clerk.get("/api/shops/other/customers/ZZZZZZZZZZ/").status_code == 404


def test_shares_by_code_count_against_the_shop(clerk, sole, throttle_rates):
    throttle_rates(code_lookup="2/minute")
    codes = [make_customer().customer.code for _ in range(3)]

    answers = [clerk.post("/api/shops/sole/shares/", {"customer": c}).status_code for c in codes]

    assert answers == [201, 201, 429]


def test_seeing_a_visible_shoppers_card_is_not_limited(clerk, sole, throttle_rates):
    # A screen loads each card's photo and wants: those hits must not lock the shop out.
    throttle_rates(code_lookup="2/minute")
    visible = make_customer().customer
    share_create(customer=visible, shop=sole)

    answers = [
        clerk.get(f"/api/shops/sole/customers/{visible.code}/").status_code for _ in range(5)
    ]

    assert answers == [200] * 5


def test_a_code_is_forgiven_case_spaces_and_dashes(clerk, sole):
    visible = make_customer().customer
    share_create(customer=visible, shop=sole)
    typed = f" {visible.code[:5].lower()}-{visible.code[5:]} "

    assert clerk.get(f"/api/shops/sole/customers/{typed}/").status_code == 200
