"""The requests tests make again and again: the Authorization headers of a kiosk and of a
shopper, a kiosk's sighting and a kiosk's departure. ``client`` is an APIClient (the
``api`` or ``kiosk_api`` fixture); give ``key`` when it is not already a kiosk's."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient


def kiosk_auth(key: str) -> dict[str, str]:
    """A kiosk's ``Authorization: Api-Key <key>``, as a test client's extra."""
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def bearer(token: str) -> dict[str, str]:
    """A shopper's ``Authorization: Bearer <token>``, as a test client's extra."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def sight(client: APIClient, token: Any, *, key: str | None = None) -> Any:
    """``POST /api/kiosk/sightings/`` of ``token``: the response."""
    return client.post(
        "/api/kiosk/sightings/",
        {"token": token},
        format="json",
        **(kiosk_auth(key) if key is not None else {}),
    )


def sighting(client: APIClient, token: str, *, key: str | None = None) -> dict[str, Any]:
    """The sighting answer for ``token`` (the sighting must succeed)."""
    response = sight(client, token, key=key)
    assert response.status_code == 200, response.content
    return response.json()


def depart(client: APIClient, token: Any, *, key: str | None = None) -> Any:
    """``POST /api/kiosk/departures/`` of ``token``: the response."""
    return client.post(
        "/api/kiosk/departures/",
        {"token": token},
        format="json",
        **(kiosk_auth(key) if key is not None else {}),
    )
