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
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kiosks.bluetooth.client import ServerClient, ServerError, on_offer
from kiosks.bluetooth.departures import Backoff, DepartureQueue
from kiosks.bluetooth.protocol import (
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
from kiosks.bluetooth.transport import FrameLink, KioskRadio, Radio, TransportError, open_radio
from kiosks.bluetooth.virtual import VirtualLink

logger = logging.getLogger(__name__)


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
                logger.info("handheld %s: hello, %d wants on offer", peer, on_offer(results))
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
                    on_offer(results),
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
