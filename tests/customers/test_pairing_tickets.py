"""A pairing ticket works once, on any worker, and the sessions of an erased shopper go
with them (DESIGN.md, "Who may see a shopper")."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from customers.models import PairingTicketUse
from customers.pairing import pairing_ticket_create
from tests.factories import make_customer
from tests.helpers import bearer
from workflows.purge import data_purge

pytestmark = pytest.mark.django_db


def pair(client: Client, ticket: str):
    client.get("/me/pair/")
    return client.post(
        "/me/pair/",
        json.dumps({"ticket": ticket}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


def test_a_used_ticket_stays_used_when_the_cache_is_emptied():
    # Given a ticket that paired one phone
    ticket = pairing_ticket_create(customer=make_customer().customer)
    assert pair(Client(enforce_csrf_checks=True), ticket).status_code == 200

    # when the cache loses everything (evicted by others' keys, or another worker's cache)
    cache.clear()
    second = pair(Client(enforce_csrf_checks=True), ticket)

    # then the ticket still pairs no second phone
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "pairing_failed"


def test_many_forwarded_addresses_do_not_evict_a_used_ticket(api):
    # Given a used ticket
    ticket = pairing_ticket_create(customer=make_customer().customer)
    assert pair(Client(enforce_csrf_checks=True), ticket).status_code == 200

    # when 330 anonymous registrations claim 330 different client addresses (each address a
    # throttle entry in the cache, as the attack on the 300-entry cache did)
    for n in range(330):
        api.post("/api/customers/", {}, HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}")

    # then the ticket is still refused
    assert pair(Client(enforce_csrf_checks=True), ticket).status_code == 400


def test_used_tickets_are_forgotten_only_after_they_expire():
    ticket = pairing_ticket_create(customer=make_customer().customer)
    pair(Client(enforce_csrf_checks=True), ticket)

    data_purge(now=timezone.now())
    assert PairingTicketUse.objects.count() == 1

    data_purge(now=timezone.now() + timedelta(minutes=12))
    assert PairingTicketUse.objects.count() == 0


def test_erasing_a_shopper_deletes_the_sessions_of_their_phones(api):
    # Given a shopper paired with a phone
    shopper = make_customer()
    phone = Client(enforce_csrf_checks=True)
    assert pair(phone, pairing_ticket_create(customer=shopper.customer)).status_code == 200
    key = phone.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()

    # when they erase their data (from the handheld, with their token)
    api.credentials(**bearer(shopper.token))
    assert api.delete("/api/me/").status_code == 204

    # then the phone's session row (shopper id, token hash) is gone too
    assert not Session.objects.filter(session_key=key).exists()
    assert phone.get("/api/me/").status_code == 401
