"""The kiosk agent: handheld messages in, HTTP calls to the mall server out.

``hello`` becomes a sighting, ``register`` a new customer, ``update`` a change of wants
(then a sighting), ``share`` a share with a shop (then a sighting), and ``bye`` or a
dropped link a departure (DESIGN.md, "Handheld wire protocol" and "HTTP API"). Every
``shops`` answer carries the shopper's holds and alternatives, read with their own token.
The server is reached with httpx; the kiosk authenticates with ``Authorization: Api-Key
<key>``, a shopper's own calls with their bearer token.

A departure must never be lost (the server erases a shopper only after it hears they
left), so it is written to a small SQLite queue on disk before it is sent, and removed only
once the server has taken it. Undelivered departures are retried with exponential backoff,
also after a restart: starting the agent drains the queue.

Nothing here touches the ORM: the agent runs on a shop's client computer, not the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kiosks.bluetooth.protocol import (
    MAX_RESULTS,
    Bye,
    Erase,
    Error,
    Hello,
    Message,
    ProtocolError,
    Register,
    Registered,
    ShareWith,
    Shops,
    Update,
)
from kiosks.bluetooth.transport import (
    FrameLink,
    KioskRadio,
    Radio,
    TransportError,
    VirtualLink,
    open_radio,
)

logger = logging.getLogger(__name__)

SIGHTINGS = "/api/kiosk/sightings/"
DEPARTURES = "/api/kiosk/departures/"
CUSTOMERS = "/api/customers/"
ME = "/api/me/"
SHARES = "/api/me/shares/"
#: The shopper's holds and alternatives, without the list of shops (``GET /api/me/`` would
#: match their wants again).
HOLDS = "/api/me/holds/"


# ---------------------------------------------------------------------------------------
# The server, over HTTP


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
            error = response.json()["error"]
            code, message = str(error["code"]), str(error.get("message", ""))
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


def _on_offer(results: list[dict[str, Any]]) -> int:
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


# ---------------------------------------------------------------------------------------
# The durable departure queue


@dataclass(frozen=True)
class QueuedDeparture:
    """One departure waiting for the server."""

    id: int
    token: str
    queued_at: float
    attempts: int


class DepartureQueue:
    """Departures on disk (SQLite, fsync on every commit) until the server has them.

    The file holds shoppers' tokens, which are secrets: it is created readable by its
    owner only.
    """

    FILENAME = "departures.sqlite3"

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.directory / self.FILENAME
        self.path.touch(mode=0o600, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        # FULL: a commit returns only after fsync, so a power cut cannot lose a departure.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS departure ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " token TEXT NOT NULL,"
            " queued_at REAL NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " next_attempt_at REAL NOT NULL)"
        )

    def put(self, token: str, now: float | None = None) -> int:
        """Keep a departure; it is due at once."""
        now = time.time() if now is None else now
        cursor = self._db.execute(
            "INSERT INTO departure (token, queued_at, next_attempt_at) VALUES (?, ?, ?)",
            (token, now, now),
        )
        return int(cursor.lastrowid or 0)

    def due(self, now: float | None = None, limit: int = 50) -> list[QueuedDeparture]:
        """Departures whose next attempt is due, oldest first."""
        now = time.time() if now is None else now
        rows = self._db.execute(
            "SELECT id, token, queued_at, attempts FROM departure"
            " WHERE next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [QueuedDeparture(*row) for row in rows]

    def next_attempt_at(self) -> float | None:
        """When the earliest waiting departure is due; ``None`` if the queue is empty."""
        (value,) = self._db.execute("SELECT MIN(next_attempt_at) FROM departure").fetchone()
        return value

    def delivered(self, departure_id: int) -> None:
        """The server has it (or refused it for good): forget it."""
        self._db.execute("DELETE FROM departure WHERE id = ?", (departure_id,))

    def retry_later(self, departure_id: int, next_attempt_at: float) -> None:
        """Count a failed attempt and schedule the next."""
        self._db.execute(
            "UPDATE departure SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
            (next_attempt_at, departure_id),
        )

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM departure").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database file."""
        self._db.close()


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: ``first`` seconds, doubling, capped at ``cap``, with jitter."""

    first: float = 1.0
    cap: float = 300.0
    jitter: float = 0.1

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure (1 = first failure)."""
        base = min(self.cap, self.first * 2 ** max(0, attempts - 1))
        # Jitter spreads the retries of many kiosks after the server comes back.
        return base * (1 + random.uniform(0, self.jitter))


# ---------------------------------------------------------------------------------------
# The agent


class KioskAgent:
    """Serves handheld links (a :class:`KioskRadio` handler) and delivers departures."""

    def __init__(
        self,
        *,
        server: str,
        key: str,
        queue_dir: Path | str,
        http_transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        backoff: Backoff | None = None,
        max_connections: int = 10,
    ) -> None:
        self.http = httpx.AsyncClient(
            base_url=server.rstrip("/"),
            timeout=timeout,
            transport=http_transport,
            limits=httpx.Limits(max_connections=max_connections),
        )
        self.server = ServerClient(self.http, key)
        self.queue = DepartureQueue(queue_dir)
        self.backoff = backoff or Backoff()
        #: Departures the server has taken since this agent started.
        self.delivered_total = 0
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start delivering departures, beginning with any left from an earlier run."""
        waiting = len(self.queue)
        if waiting:
            logger.info("departure queue: %d waiting from before, delivering", waiting)
        self._worker = asyncio.get_running_loop().create_task(self._deliver_forever())

    async def aclose(self) -> None:
        """Stop the worker and release the HTTP client and the queue file."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        await self.http.aclose()
        self.queue.close()

    # -- handheld sessions ------------------------------------------------------------

    async def serve(self, link: FrameLink) -> None:
        """Answer one handheld until its link closes; report its departure then."""
        token: str | None = None
        logger.info("handheld %s connected", link.peer)
        while (item := await link.receive()) is not None:
            if isinstance(item, ProtocolError):
                logger.info("handheld %s: bad frame (%s)", link.peer, item.code)
                self._reply(link, Error.from_protocol_error(item))
                continue
            if isinstance(item, Bye):
                logger.info("handheld %s: bye", link.peer)
                if token is not None:
                    await self.report_departure(token)
                token = None
                continue
            reply, token = await self.handle(item, token, peer=link.peer)
            self._reply(link, reply)
        logger.info("handheld %s: link dropped", link.peer)
        if token is not None:
            await self.report_departure(token)

    async def handle(
        self, message: Message, token: str | None, *, peer: str = "?"
    ) -> tuple[Message, str | None]:
        """One request: the reply, and the shopper's token for this link from now on."""
        try:
            if isinstance(message, Hello):
                results = await self.server.sight(message.token)
                logger.info("handheld %s: hello, %d wants on offer", peer, _on_offer(results))
                return await self._shops(message.token, results), message.token
            if isinstance(message, ShareWith):
                await self.server.share(message.token, message.shop)
                results = await self.server.sight(message.token)
                logger.info("handheld %s: shared with %s", peer, message.shop)
                return await self._shops(message.token, results), message.token
            if isinstance(message, Register):
                code, new_token = await self.server.register(message)
                logger.info(
                    "handheld %s: registered customer %s (%d wants, photo %s)",
                    peer,
                    code,
                    len(message.desires),
                    "yes" if message.face_jpeg else "no",
                )
                return Registered(code=code, token=new_token), new_token
            if isinstance(message, Erase):
                await self.server.erase(message.token)
                logger.info("handheld %s: erased", peer)
                # Nothing is left to depart: the link's token is forgotten.
                return Shops(results=()), None
            if isinstance(message, Update):
                await self.server.update(message.token, message)
                results = await self.server.sight(message.token)
                logger.info(
                    "handheld %s: updated to %d wants, %d on offer",
                    peer,
                    len(message.desires),
                    _on_offer(results),
                )
                return await self._shops(message.token, results), message.token
        except ServerError as error:
            logger.info("handheld %s: %s refused: %s", peer, message.TYPE, error)
            if error.retryable and isinstance(message, Hello | Update | ShareWith):
                # The server may have recorded the sighting before the answer got lost: the
                # departure must follow, or the shopper would stay "here" for good.
                token = message.token
            return Error(code=error.code, message=error.message[:1000]), token
        logger.info("handheld %s: unexpected %s", peer, message.TYPE)
        return Error(
            code="unexpected_type", message=f"{message.TYPE} is sent by kiosks, not handhelds"
        ), token

    async def _shops(self, token: str, results: list[dict[str, Any]]) -> Shops:
        """The ``shops`` frame: the ranked list, with what shops hold and offer."""
        holds, alternatives = await self.server.serving(token)
        return Shops(results=tuple(results), holds=tuple(holds), alternatives=tuple(alternatives))

    def _reply(self, link: FrameLink, reply: Message) -> None:
        try:
            link.send(reply)
        except ProtocolError as error:
            # E.g. results too large for one frame: say so rather than go silent.
            link.send(Error.from_protocol_error(error))
        except TransportError:
            logger.info("handheld %s: gone before the answer", link.peer)

    # -- departures -------------------------------------------------------------------

    async def report_departure(self, token: str) -> None:
        """Keep the departure on disk, then let the worker deliver it at once."""
        self.queue.put(token)
        logger.info("departure queued (%d waiting)", len(self.queue))
        self._wake.set()

    async def deliver_due(self) -> int:
        """Try every departure now due; return how many the server took."""
        delivered = 0
        for departure in self.queue.due():
            try:
                await self.server.depart(departure.token)
            except ServerError as error:
                if not error.retryable:
                    # E.g. the shopper was erased already: nothing left to report.
                    logger.info("departure %d dropped: %s", departure.id, error)
                    self.queue.delivered(departure.id)
                    continue
                delay = self.backoff.delay(departure.attempts + 1)
                self.queue.retry_later(departure.id, time.time() + delay)
                logger.warning(
                    "departure %d not delivered (%s), attempt %d, retry in %.1f s",
                    departure.id,
                    error.code,
                    departure.attempts + 1,
                    delay,
                )
                continue
            self.queue.delivered(departure.id)
            delivered += 1
            self.delivered_total += 1
            logger.info(
                "departure %d delivered after %.1f s",
                departure.id,
                time.time() - departure.queued_at,
            )
        return delivered

    async def _deliver_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                # A bug here must not end delivery for good; the rows are still on disk.
                logger.exception("departure delivery failed")
            next_at = self.queue.next_attempt_at()
            wait = None if next_at is None else max(0.0, next_at - time.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def wait_until_delivered(self, timeout: float, *, at_least: int = 0) -> None:
        """Wait until the queue is empty and ``at_least`` departures were delivered."""
        deadline = time.monotonic() + timeout
        while len(self.queue) or self.delivered_total < at_least:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{len(self.queue)} departures queued, {self.delivered_total} delivered"
                )
            await asyncio.sleep(0.02)


# ---------------------------------------------------------------------------------------
# A whole kiosk: radio + agent


@dataclass
class RunningKiosk:
    """A kiosk that is up: its radio, RFCOMM server and agent."""

    radio: Radio
    server: KioskRadio
    agent: KioskAgent

    async def close(self) -> None:
        """Stop serving, power the radio off, stop the agent (queued departures stay)."""
        await self.server.stop()
        await self.radio.close()
        await self.agent.aclose()


async def start_kiosk(
    *,
    server: str,
    key: str,
    transport: str,
    queue_dir: Path | str,
    name: str = "kiosk",
    link: VirtualLink | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    backoff: Backoff | None = None,
    max_connections: int = 10,
) -> RunningKiosk:
    """Open the radio, start the agent (draining old departures) and accept handhelds."""
    agent = KioskAgent(
        server=server,
        key=key,
        queue_dir=queue_dir,
        http_transport=http_transport,
        backoff=backoff,
        max_connections=max_connections,
    )
    await agent.start()
    try:
        radio = await open_radio(transport, name=name, discoverable=True, link=link)
    except BaseException:
        await agent.aclose()
        raise
    kiosk_radio = KioskRadio(radio.device, agent.serve, name=name)
    await kiosk_radio.start()
    return RunningKiosk(radio=radio, server=kiosk_radio, agent=agent)


@contextlib.asynccontextmanager
async def running_kiosk(**options: Any) -> AsyncIterator[RunningKiosk]:
    """:func:`start_kiosk` as an ``async with`` block."""
    kiosk = await start_kiosk(**options)
    try:
        yield kiosk
    finally:
        await kiosk.close()


def default_queue_dir() -> Path:
    """Where departures wait when no ``--queue-dir`` is given."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(base) / "mall-kiosk"


async def serve_kiosk_forever(**options: Any) -> None:
    """Run a kiosk until cancelled (Ctrl-C): what ``manage.py kiosk`` does."""
    kiosk = await start_kiosk(**options)
    if kiosk.radio.served_at is not None:
        host, port = kiosk.radio.served_at
        logger.info(
            "virtual radio served at %s:%d: run `manage.py pda --transport tcp-client:%s:%d`",
            host,
            port,
            host,
            port,
        )
    try:
        await asyncio.Event().wait()
    finally:
        await kiosk.close()
