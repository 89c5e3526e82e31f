"""The API as a whole: the error shape everywhere, schema and docs served locally."""

import pytest
from rest_framework.exceptions import ErrorDetail, ValidationError

from core.api_errors import exception_handler

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_wrong_method_is_a_405_in_the_error_shape(api):
    response = api.get("/api/customers/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unsupported_media_type_is_a_415_in_the_error_shape(api):
    response = api.generic("POST", "/api/customers/", "a=b", content_type="text/plain")

    assert response.status_code == 415
    assert "error" in response.json()


def test_body_over_the_upload_limit_is_a_4xx_not_a_500(api):
    huge = '{"desires": [{"name": "' + "x" * (3 * 1024 * 1024) + '"}]}'

    response = api.generic("POST", "/api/customers/", huge, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_openapi_schema_lists_the_contract_paths(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/customers/",
        "/api/me/",
        "/api/kiosk/sightings/",
        "/api/kiosk/departures/",
        "/api/shops/{slug}/stock/",
        "/api/shops/{slug}/sales/",
        "/api/shops/{slug}/customers/{code}/",
    ):
        assert path in paths


def test_docs_page_uses_local_assets_only(api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_schema_generates_without_errors_or_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")


@pytest.mark.parametrize(
    "path",
    [
        "/api/shops/sole/customers/%00/",
        "/api/shops/sole/stock/?q=a%00b",
        "/api/shops/sole/stock/?%00=1",
    ],
)
def test_a_nul_character_in_an_api_address_is_a_400_in_the_error_shape(clerk, path):
    response = clerk.get(path)

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": "The address holds a NUL character."}
    }


def test_a_nul_character_in_a_page_address_is_a_plain_400(client):
    response = client.get("/shop/so%00le/")

    assert response.status_code == 400
    assert response.content == b"The address holds a NUL character."


def test_a_nul_character_in_a_header_is_a_400_in_the_error_shape(api):
    response = api.generic(
        "POST",
        "/api/kiosk/sightings/",
        '{"token": "x"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Api-Key \x00.\x00",
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "A header holds a NUL character."


@pytest.mark.parametrize(
    ("detail", "sentence"),
    [
        (
            {"text": [ErrorDetail("This field may not be blank.", code="blank")]},
            "Please fill in the message.",
        ),
        (
            {"desires": [{}, {"name": [ErrorDetail("This field is required.", code="required")]}]},
            "Please fill in the name of wanted product 2.",
        ),
        (
            {"price": [ErrorDetail("A valid number is required.", code="invalid")]},
            "Check the price: a valid number is required.",
        ),
        (
            {"non_field_errors": [ErrorDetail("Nothing to sell.", code="invalid")]},
            "Nothing to sell.",
        ),
    ],
)
def test_validation_errors_are_sentences_without_field_names(detail, sentence):
    # Given a serializer's errors / When they become the error's message
    # Then a person reads a sentence; programs still get the fields
    response = exception_handler(ValidationError(detail), {})
    assert response.data["error"]["message"] == sentence
    assert response.data["error"]["fields"] == detail
