"""Rate limits key on the socket's address; ``X-Forwarded-For`` only counts behind the
number of proxies ``TRUSTED_PROXIES`` names. The pages' forms are limited like the API."""

import json

import pytest
from django.test import Client, RequestFactory

from core.throttles import client_address
from customers.pairing import pairing_ticket_create
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

BODY = {"desires": [{"name": "running shoes"}], "payment_method": "card"}


def test_a_forwarded_header_does_not_escape_the_registration_limit(api, throttle_rates):
    throttle_rates(registration="2/minute")

    codes = [
        api.post("/api/customers/", BODY, format="json", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
        for n in range(3)
    ]

    assert [r.status_code for r in codes] == [201, 201, 429]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_the_entrance_form_is_limited_like_the_api(throttle_rates):
    throttle_rates(registration="2/minute")
    client = Client()
    form = {
        "want_name": ["running shoes"],
        "want_keywords": [""],
        "want_level": ["3"],
        "payment_method": "card",
        "ranking": "nearest",
    }

    codes = [client.post("/kiosk/", form).status_code for _ in range(3)]

    assert codes[:2] == [302, 302]
    assert codes[2] == 429


def test_the_pairing_form_is_limited(throttle_rates):
    throttle_rates(pairing="2/minute")
    client = Client()
    client.get("/me/pair/")
    token = client.cookies["csrftoken"].value
    ticket = "forged"

    codes = [
        client.post(
            "/me/pair/",
            json.dumps({"ticket": ticket}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        for _ in range(3)
    ]

    assert [r.status_code for r in codes] == [400, 400, 429]
    assert codes[2].json()["error"]["code"] == "throttled"
    # a valid ticket from the same address waits too
    valid = pairing_ticket_create(customer=make_customer().customer)
    assert (
        client.post(
            "/me/pair/",
            json.dumps({"ticket": valid}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        ).status_code
        == 429
    )
