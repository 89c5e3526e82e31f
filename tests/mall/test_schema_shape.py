"""The OpenAPI schema says what the API does (the points schemathesis found wrong)."""

import pytest

from tests.helpers import depart


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/shops/{slug}/stock/",
        "/api/shops/{slug}/requests/",
        "/api/shops/{slug}/holds/",
        "/api/shops/{slug}/shares/",
        "/api/me/requests/",
    ],
)
def test_list_endpoints_answer_arrays(schema, path):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]

    assert answer["schema"]["type"] == "array"


@pytest.mark.parametrize(
    "path",
    [
        "/api/shops/{slug}/sales/",
        "/api/shops/{slug}/holds/",
        "/api/shops/{slug}/stock/",
        "/api/shops/{slug}/alternatives/",
        "/api/me/shares/",
    ],
)
def test_creations_are_documented_as_201(schema, path):
    assert "201" in schema["paths"][path]["post"]["responses"]
    assert "200" not in schema["paths"][path]["post"]["responses"]


def test_every_operation_documents_its_4xx_in_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/") or path.startswith("/api/schema"):
            continue
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404"):
                answer = operation["responses"][status]["content"]["application/json"]
                assert answer["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_a_token_is_a_non_blank_string(schema):
    token = schema["components"]["schemas"]["Token"]["properties"]["token"]

    assert token["type"] == "string"
    assert token["minLength"] == 1
    assert "pattern" in token


@pytest.mark.django_db
@pytest.mark.parametrize("token", [123456, True, ["x"]])
def test_departures_refuse_a_token_that_is_not_a_string(api, token):
    from tests.factories import make_kiosk

    answer = depart(api, token, key=make_kiosk(floor=0, x=0, y=0).key)

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
