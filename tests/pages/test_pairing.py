"""Pairing a phone: a one-time, short-lived ticket becomes a session that acts as the shopper."""

import json

import pytest
from django.core import signing
from rest_framework.test import APIClient

from customers.pairing import TICKET_MAX_AGE, pairing_ticket_create
from tests.factories import make_customer
from workflows.shoppers import customer_delete

pytestmark = pytest.mark.django_db


def pair(client, ticket):
    return client.post("/me/pair/", json.dumps({"ticket": ticket}), content_type="application/json")


def test_ticket_pairs_the_session_and_the_phone_page_shows_the_code(client):
    shopper = make_customer()

    answer = pair(client, pairing_ticket_create(customer=shopper.customer))

    assert answer.status_code == 200
    assert answer.json()["next"] == "/me/"
    assert shopper.customer.code in client.get("/me/").content.decode()


def test_ticket_works_only_once(client):
    ticket = pairing_ticket_create(customer=make_customer().customer)
    pair(client, ticket)

    again = pair(APIClient(), ticket)

    assert again.status_code == 400
    assert again.json()["error"]["message"] == "This pairing code was used already."


def test_ticket_expires_after_ten_minutes(client, monkeypatch):
    ticket = pairing_ticket_create(customer=make_customer().customer)
    later = signing.time.time() + TICKET_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)

    answer = pair(client, ticket)

    assert answer.status_code == 400
    assert "expired" in answer.json()["error"]["message"]


def test_forged_ticket_is_refused(client):
    ticket = pairing_ticket_create(customer=make_customer().customer)

    answer = pair(client, ticket[:-2] + "xx")

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "pairing_failed"


def test_ticket_of_an_erased_shopper_is_refused(client):
    shopper = make_customer()
    ticket = pairing_ticket_create(customer=shopper.customer)
    customer_delete(customer=shopper.customer)

    assert pair(client, ticket).status_code == 400


def test_ticket_does_not_carry_the_bearer_token():
    shopper = make_customer()

    ticket = pairing_ticket_create(customer=shopper.customer)

    assert shopper.token not in json.dumps(
        signing.TimestampSigner(salt="customers.pairing").unsign_object(ticket)
    )
    assert shopper.token not in ticket


def test_unpaired_phone_page_says_how_to_pair(client):
    assert "not paired" in client.get("/me/").content.decode()


def test_paired_session_edits_wants_through_the_api_with_csrf():
    shopper = make_customer()
    phone = APIClient(enforce_csrf_checks=True)
    phone.get("/me/pair/")
    csrf = phone.cookies["csrftoken"].value
    phone.post(
        "/me/pair/",
        {"ticket": pairing_ticket_create(customer=shopper.customer)},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    answer = phone.patch(
        "/api/me/",
        {"desires": [{"name": "umbrella", "level": 2}]},
        format="json",
        HTTP_X_CSRFTOKEN=phone.cookies["csrftoken"].value,
    )

    assert answer.status_code == 200
    assert [d["name"] for d in answer.json()["desires"]] == ["umbrella"]


def test_paired_session_without_csrf_token_cannot_erase_the_shopper():
    shopper = make_customer()
    phone = APIClient(enforce_csrf_checks=True)
    phone.get("/me/pair/")
    phone.post(
        "/me/pair/",
        {"ticket": pairing_ticket_create(customer=shopper.customer)},
        format="json",
        HTTP_X_CSRFTOKEN=phone.cookies["csrftoken"].value,
    )

    answer = phone.delete("/api/me/")

    assert answer.status_code == 403
    shopper.customer.refresh_from_db()
