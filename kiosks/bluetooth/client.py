"""The mall server's HTTP API, as a kiosk agent calls it (DESIGN.md, "HTTP API").

The kiosk authenticates with ``Authorization: Api-Key <key>``, a shopper's own calls with their
bearer token. A refusal becomes a :class:`ServerError` carrying the error body's ``code`` and
``message``, and whether trying again later may help. No Django here: this runs on a shop's
client computer.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

import httpx

from kiosks.bluetooth.protocol import MAX_RESULTS, Register, Update

logger = logging.getLogger(__name__)

SIGHTINGS = "/api/kiosk/sightings/"
DEPARTURES = "/api/kiosk/departures/"
CUSTOMERS = "/api/customers/"
ME = "/api/me/"
SHARES = "/api/me/shares/"
#: The shopper's holds and alternatives, without the list of shops (``GET /api/me/`` would
#: match their wants again).
HOLDS = "/api/me/holds/"


class ServerError(Exception):
    """The server refused a request; ``code`` and ``message`` come from its error body."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @property
    def retryable(self) -> bool:
        """Worth trying again later: the server or the network, not the request, failed.

        401/403 count too: a wrong or revoked kiosk key is fixed by the mall staff, and the
        departures must still arrive afterwards.
        """
        return self.status is None or self.status >= 500 or self.status in (401, 403, 408, 429)


class ServerClient:
    """The mall server's HTTP API, as the kiosk uses it."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        key: str,
    ) -> None:
        self.http = http
        self.kiosk_auth = {"Authorization": f"Api-Key {key}"}

    async def _call(
        self, method: str, path: str, *, headers: dict[str, str], **kwargs: Any
    ) -> httpx.Response:
        try:
            response = await self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ServerError(
                "server_unavailable", f"the mall server cannot be reached ({error!r:.200})"
            ) from error
        if response.is_success:
            return response
        code, message = f"http_{response.status_code}", response.reason_phrase
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            body = response.json()["error"]
            code, message = str(body["code"]), str(body.get("message", ""))
        if response.status_code >= 500:
            code = "server_error"
        raise ServerError(code, message, response.status_code)

    async def sight(self, token: str) -> list[dict[str, Any]]:
        """Report the shopper here; return the ranked results."""
        response = await self._call(
            "POST", SIGHTINGS, headers=self.kiosk_auth, json={"token": token}
        )
        results = _json(response).get("results", [])
        if not isinstance(results, list):
            raise ServerError("server_error", "sighting answer without results")
        return [result for result in results if isinstance(result, dict)]

    async def register(self, message: Register) -> tuple[str, str]:
        """Create the shopper; return (code, token)."""
        desires = [desire.to_json() for desire in message.desires]
        fields: dict[str, Any] = {
            "payment_method": message.payment_method,
            "ranking": message.ranking,
            "consent": message.consent,
        }
        # The kiosk key goes along so the server can tell a kiosk (registering for many
        # shoppers) from an anonymous client when it throttles.
        if message.face_jpeg is None:
            response = await self._call(
                "POST", CUSTOMERS, headers=self.kiosk_auth, json={"desires": desires, **fields}
            )
        else:
            # Multipart cannot nest: the wants travel as one JSON-encoded form field.
            data = {
                "desires": json.dumps(desires),
                "payment_method": message.payment_method,
                "ranking": message.ranking,
                "consent": "true" if message.consent else "false",
            }
            files = {"face_image": ("face.jpg", message.face_jpeg, "image/jpeg")}
            response = await self._call(
                "POST", CUSTOMERS, headers=self.kiosk_auth, data=data, files=files
            )
        body = _json(response)
        try:
            return str(body["code"]), str(body["token"])
        except KeyError as error:
            raise ServerError("server_error", "registration answer without code") from error

    async def update(self, token: str, message: Update) -> None:
        """Replace the shopper's wants (their own call: bearer token)."""
        await self._call(
            "PATCH",
            ME,
            headers={"Authorization": f"Bearer {token}"},
            json={"desires": [desire.to_json() for desire in message.desires]},
        )

    async def erase(self, token: str) -> None:
        """Delete everything about the shopper (their own call: bearer token)."""
        await self._call("DELETE", ME, headers={"Authorization": f"Bearer {token}"})

    async def share(self, token: str, shop: str) -> None:
        """Let ``shop`` read the shopper's wants (their own call: bearer token)."""
        await self._call(
            "POST", SHARES, headers={"Authorization": f"Bearer {token}"}, json={"shop": shop}
        )

    async def serving(self, token: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The shopper's holds and alternatives (their own call). Empty when the server
        cannot say: the list of shops matters more, and it is already in hand."""
        try:
            response = await self._call("GET", HOLDS, headers={"Authorization": f"Bearer {token}"})
            body = _json(response)
        except ServerError as error:
            logger.info("holds not read: %s", error)
            return [], []
        lists = [body.get(name) for name in ("holds", "alternatives")]
        holds, alternatives = (
            [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []
            for value in lists
        )
        return holds[:MAX_RESULTS], alternatives[:MAX_RESULTS]

    async def depart(self, token: str) -> None:
        """Report that the shopper's handheld left this kiosk's range."""
        await self._call("POST", DEPARTURES, headers=self.kiosk_auth, json={"token": token})


def on_offer(results: list[dict[str, Any]]) -> int:
    """How many of the shopper's wants some shop offers (for the log line)."""
    return sum(1 for result in results if result.get("offers"))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise ServerError("server_error", "answer is not JSON") from error
    if not isinstance(body, dict):
        raise ServerError("server_error", "answer is not a JSON object")
    return body
