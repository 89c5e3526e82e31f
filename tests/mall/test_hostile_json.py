"""JSON that ``json.loads`` takes but the server cannot keep or answer (``core.parsers``):
nesting deeper than the recursion limit, and unpaired surrogates. A 400 in the error shape,
never a 500."""

import json

import pytest

from tests.factories import make_customer
from tests.helpers import bearer

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000
SURROGATE = '"\\ud800"'  # JSON text for a lone surrogate, as a client may send it


def assert_bad_request(response) -> dict:
    assert response.status_code == 400, response.content[:300]
    return response.json()["error"]


def test_a_body_nested_too_deep_is_a_parse_error(kiosk_api):
    response = kiosk_api.generic(
        "POST", "/api/kiosk/sightings/", DEEP, content_type="application/json"
    )

    error = assert_bad_request(response)
    assert error["code"] == "parse_error"
    assert "nested too deeply" in error["message"]


@pytest.mark.parametrize("field", ["payment_method", "ranking"])
def test_an_unpaired_surrogate_in_a_choice_is_a_parse_error(api, field):
    body = {"desires": [{"name": "red scarf"}], "payment_method": "card", field: "@"}
    text = json.dumps(body).replace('"@"', SURROGATE)

    response = api.generic("POST", "/api/customers/", text, content_type="application/json")

    error = assert_bad_request(response)
    assert error["code"] == "parse_error"
    assert "surrogate" in error["message"]


def test_an_unpaired_surrogate_in_a_key_is_refused_too(api):
    text = '{"desires": [{"name": "red scarf"}], "payment_method": "card", ' + SURROGATE + ": 1}"

    response = api.generic("POST", "/api/customers/", text, content_type="application/json")

    assert assert_bad_request(response)["code"] == "parse_error"


def test_a_change_of_ranking_with_a_surrogate_is_refused_and_changes_nothing(api):
    shopper = make_customer("red scarf", ranking="cheapest")
    api.credentials(**bearer(shopper.token))

    response = api.generic(
        "PATCH", "/api/me/", '{"ranking": ' + SURROGATE + "}", content_type="application/json"
    )

    assert_bad_request(response)
    shopper.customer.refresh_from_db()
    assert shopper.customer.ranking == "cheapest"


@pytest.mark.parametrize("desires", [DEEP, '[{"name": ' + SURROGATE + "}]"])
def test_wants_sent_as_one_form_field_are_checked_the_same_way(api, desires):
    response = api.post(
        "/api/customers/", {"desires": desires, "payment_method": "card"}, format="multipart"
    )

    error = assert_bad_request(response)
    assert error["fields"]["desires"] == ["Not valid JSON."]


@pytest.mark.parametrize("body", [DEEP, '{"ticket": "\\ud800:a"}'])
def test_the_pairing_page_refuses_a_ticket_it_cannot_read(client, body):
    response = client.post("/me/pair/", body, content_type="application/json")

    error = assert_bad_request(response)
    assert error["code"] == "pairing_failed"
