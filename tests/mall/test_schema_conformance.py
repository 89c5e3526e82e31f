"""The API against its OpenAPI schema (schemathesis): for every operation, a bounded number
of generated requests, as a kiosk, a shopper and a clerk; every answer must be one the
schema declares (status, content type, body), schema-valid input accepted and invalid
input refused, never a 500."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from workflows.shoppers import share_create

#: Generated requests per operation and caller: enough to cross every field's edges, few
#: enough that the whole run stays near a minute. ``SCHEMA_EXAMPLES=200`` digs deeper.
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "12"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(params=["kiosk", "shopper", "clerk"])
def caller(request, db, client) -> Iterator[dict[str, Any]]:
    """Headers of one kind of caller, and the path values that reach real objects."""
    shop = ShopFactory(slug="sole")
    item = make_item(shop, "Running Shoes", quantity=10_000)
    shopper = make_customer("running shoes")
    share_create(customer=shopper.customer, shop=shop)
    values = {"slug": "sole", "code": shopper.customer.code, "item_id": item.pk}
    if request.param == "kiosk":
        headers = {"Authorization": f"Api-Key {make_kiosk(shop).key}"}
    elif request.param == "shopper":
        headers = {"Authorization": f"Bearer {shopper.token}"}
    else:
        client.force_login(MembershipFactory(shop=shop).user)
        client.get("/me/pair/")  # sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
        headers = {"Cookie": cookies, "X-CSRFToken": csrf}
    # The test's transaction is the connection: a real WSGI handler would close it after
    # each request (Django's test client unhooks the same two signals, per request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"headers": headers, "values": values}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_schema(case, caller):
    for name, value in caller["values"].items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    excluded = []
    if (case.media_type or "").startswith("multipart/"):
        # The form's ``desires`` is JSON text and ``face_image`` a photo: OpenAPI 3.0 cannot
        # say either, so a string or bytes the schema allows may still be refused there.
        excluded.append(positive_data_acceptance)
    if case.method == "PUT" and case.path.endswith("/by-barcode/{barcode}/"):
        # What a PUT needs depends on what is stored: a new barcode needs a name and a
        # price, a known one nothing (the schema can only say "optional").
        excluded.append(positive_data_acceptance)
    if case.method == "GET" and case.path == "/api/search/":
        # A search needs a word to look for, after the matching's own rules (stop words,
        # punctuation), and a kiosk or all of floor, x and y: no schema can say either.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=caller["headers"], excluded_checks=excluded)
