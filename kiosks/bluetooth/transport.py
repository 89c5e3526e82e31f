"""Bluetooth transport for kiosks and handhelds, on Bumble (DESIGN.md, "Handheld wire protocol").

One transport spec picks the radio:

* ``hci-socket:0``, ``usb:0``, ``serial:/dev/ttyUSB0`` (and any other Bumble HCI transport,
  e.g. ``tcp-client:127.0.0.1:7890``): a real controller, or a controller in another process.
* ``virtual``: a virtual controller on an in-process
  :class:`~kiosks.bluetooth.virtual.VirtualLink` (tests, demo; the simulator is in
  :mod:`kiosks.bluetooth.virtual`).
* ``virtual:HOST:PORT``: the same, and the link is also served over TCP at HOST:PORT: each
  TCP client gets its own virtual controller on the link, reached with Bumble's ordinary
  ``tcp-client:HOST:PORT`` HCI transport. That is how a ``pda`` in another terminal meets a
  ``kiosk`` over a virtual radio (Bumble's ``LocalLink`` itself is in-process only).

The kiosk side (:class:`KioskRadio`) is discoverable and connectable, registers an SDP record
for :data:`SERVICE_UUID`, runs an RFCOMM server, requires pairing (and encryption where the
controller can do it), and hands each handheld's RFCOMM channel to a callback as a
:class:`FrameLink`. The handheld side (:class:`Handheld`) finds kiosks by inquiry and SDP,
and opens a :class:`FrameLink` to one. No Django here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bumble import hci, rfcomm, sdp
from bumble.controller import Controller
from bumble.core import UUID, PhysicalTransport
from bumble.device import Connection, Device, DeviceConfiguration
from bumble.host import Host
from bumble.transport import open_transport
from bumble.transport.common import AsyncPipeSink

from kiosks.bluetooth.protocol import (
    SERVICE_UUID,
    FrameDecoder,
    Message,
    ProtocolError,
    encode_message,
)
from kiosks.bluetooth.virtual import VirtualLink, serve_virtual_link

logger = logging.getLogger(__name__)

SDP_RECORD_HANDLE = 0x00010001
#: Seconds allowed for pairing before a link is refused.
PAIRING_TIMEOUT = 10.0


class TransportError(Exception):
    """The radio could not do what was asked (no kiosk found, connection refused, ...)."""


# ---------------------------------------------------------------------------------------
# Opening a device from a spec


@dataclass
class Radio:
    """An opened Bumble device, and what must be closed with it."""

    device: Device
    controller: Controller | None = None
    link: VirtualLink | None = None
    #: (host, port) where the virtual link is served over TCP, for ``virtual:HOST:PORT``.
    served_at: tuple[str, int] | None = None
    _closers: list[Callable[[], Awaitable[None] | None]] = field(default_factory=list)

    async def close(self) -> None:
        """Power off and release the transport (and the TCP hub, if any)."""
        if self.link is not None and self.controller is not None:
            self.link.drop(self.controller)
        for closer in reversed(self._closers):
            result = closer()
            if asyncio.iscoroutine(result):
                with contextlib.suppress(Exception):
                    await result


def _configuration(name: str, discoverable: bool) -> DeviceConfiguration:
    config = DeviceConfiguration()
    config.name = name
    config.classic_enabled = True
    # Handhelds speak classic RFCOMM only; LE would just add advertising noise.
    config.le_enabled = False
    config.discoverable = discoverable
    config.connectable = True
    return config


async def open_radio(
    spec: str,
    *,
    name: str,
    discoverable: bool = False,
    link: VirtualLink | None = None,
) -> Radio:
    """Open and power on a classic Bluetooth device from a transport spec (module docstring).

    ``link`` is the shared medium for ``virtual`` specs; without one a new link is made
    (useful only with ``virtual:HOST:PORT``, where other processes join it over TCP).
    """
    config = _configuration(name, discoverable)
    if spec == "virtual" or spec.startswith("virtual:"):
        # The virtual controller pairs without Secure Connections (it has no SC support).
        config.classic_sc_enabled = False
        link = link or VirtualLink()
        controller = link.create_controller(name)
        device = Device(config=config, host=Host(controller, AsyncPipeSink(controller)))
        radio = Radio(device=device, controller=controller, link=link)
        if spec != "virtual":
            host, _, port = spec.removeprefix("virtual:").rpartition(":")
            try:
                server = await serve_virtual_link(link, host or "127.0.0.1", int(port))
            except (ValueError, OSError) as error:
                raise TransportError(
                    f"cannot serve the virtual link at {spec!r}: {error}"
                ) from error

            async def close_server() -> None:
                server.close()

            radio.served_at = server.sockets[0].getsockname()[:2]
            radio._closers.append(close_server)
    else:
        try:
            hci_transport = await open_transport(spec)
        except Exception as error:  # Bumble raises many kinds; the caller needs one.
            raise TransportError(f"cannot open transport {spec!r}: {error}") from error
        device = Device.from_config_with_hci(config, hci_transport.source, hci_transport.sink)
        radio = Radio(device=device)
        radio._closers.append(hci_transport.close)
    await device.power_on()
    radio._closers.append(device.power_off)
    return radio


# ---------------------------------------------------------------------------------------
# Frames over one RFCOMM channel


class FrameLink:
    """One RFCOMM channel carrying protocol frames, seen from either end.

    Incoming bytes go through a :class:`FrameDecoder`; :meth:`receive` returns the next
    message, or a :class:`ProtocolError` for a bad frame, or ``None`` once the link is gone.
    """

    def __init__(self, dlc: rfcomm.DLC, connection: Connection) -> None:
        self.dlc = dlc
        self.connection = connection
        self.peer = str(connection.peer_address)
        self._decoder = FrameDecoder()
        self._inbox: asyncio.Queue[Message | ProtocolError | None] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.close_reason: int | None = None
        dlc.sink = self._on_data
        dlc.on(dlc.EVENT_CLOSE, self._on_close)
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)

    def _on_data(self, data: bytes) -> None:
        for item in self._decoder.feed(data):
            self._inbox.put_nowait(item)

    def _on_disconnection(self, reason: int) -> None:
        self.close_reason = reason
        self._on_close()

    def _on_close(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
            self._inbox.put_nowait(None)

    async def receive(self, timeout: float | None = None) -> Message | ProtocolError | None:
        """The next message or bad-frame error; ``None`` when the link has closed."""
        if self.closed.is_set() and self._inbox.empty():
            return None
        return await asyncio.wait_for(self._inbox.get(), timeout)

    def send(self, message: Message) -> None:
        """Queue a message for sending (RFCOMM credits pace it)."""
        self.send_bytes(encode_message(message))

    def send_bytes(self, data: bytes) -> None:
        """Queue raw bytes (tests use this to send malformed frames)."""
        if self.closed.is_set():
            raise TransportError("link closed")
        self.dlc.write(data)

    async def request(self, message: Message, timeout: float = 10.0) -> Message:
        """Send a message and wait for the reply; raise if the link closes first."""
        self.send(message)
        reply = await self.receive(timeout)
        if reply is None:
            raise TransportError("link closed before the kiosk answered")
        if isinstance(reply, ProtocolError):
            raise TransportError(f"kiosk sent a bad frame: {reply}")
        return reply

    async def close(self) -> None:
        """Close the RFCOMM channel and the ACL link (a clean goodbye)."""
        if self.closed.is_set():
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.dlc.drain(), 5.0)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self.connection.disconnect(
                    hci.HCI_ErrorCode.REMOTE_USER_TERMINATED_CONNECTION_ERROR
                ),
                5.0,
            )
        self._on_close()


# ---------------------------------------------------------------------------------------
# Kiosk side


def _serve_sdp_per_channel(device: Device) -> None:
    """Give each SDP client its own server state (STACK.md, concurrent SDP).

    Bumble's ``sdp.Server`` keeps one channel and one continuation for all clients, so two
    handhelds browsing at once get each other's answers. Each L2CAP channel gets a fresh
    server that shares the one record table instead.
    """
    shared = device.sdp_server

    def on_connection(channel: Any) -> None:
        session = sdp.Server(device)
        session.service_records = shared.service_records
        session.on_connection(channel)

    device.l2cap_channel_manager.servers[sdp.SDP_PSM].handler = on_connection


def _encryption_supported(device: Device) -> bool:
    # The virtual controller has no link encryption (STACK.md): asking would time out.
    return device.host.supports_command(hci.HCI_SET_CONNECTION_ENCRYPTION_COMMAND)


async def secure_link(device: Device, connection: Connection) -> None:
    """Pair (authenticate) the link, then encrypt it if the controller can.

    Raises :class:`TransportError` if pairing fails or times out.
    """
    try:
        if not connection.authenticated:
            await asyncio.wait_for(connection.authenticate(), PAIRING_TIMEOUT)
        if _encryption_supported(device) and not connection.is_encrypted:
            await asyncio.wait_for(connection.encrypt(), PAIRING_TIMEOUT)
    except Exception as error:  # timeout, HCI error, or the link dropping meanwhile
        raise TransportError(f"pairing with {connection.peer_address} failed: {error}") from error


LinkHandler = Callable[[FrameLink], Awaitable[None]]


class KioskRadio:
    """The kiosk's radio: SDP record, RFCOMM server, pairing, one task per handheld link."""

    def __init__(self, device: Device, on_link: LinkHandler, *, name: str = "kiosk") -> None:
        self.device = device
        self.on_link = on_link
        self.name = name
        self.channel = 0
        self.links: set[FrameLink] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Register the service and start accepting handhelds."""
        _serve_sdp_per_channel(self.device)
        server = rfcomm.Server(self.device)
        self.channel = server.listen(self._on_dlc)
        self.device.sdp_service_records = {
            SDP_RECORD_HANDLE: rfcomm.make_service_sdp_records(
                SDP_RECORD_HANDLE, self.channel, UUID(SERVICE_UUID)
            )
        }
        self.device.on(self.device.EVENT_CONNECTION, self._on_connection)
        await self.device.set_discoverable(True)
        await self.device.set_connectable(True)
        logger.info(
            "kiosk radio %s up at %s, RFCOMM channel %d",
            self.name,
            self.device.public_address,
            self.channel,
        )

    @property
    def address(self) -> hci.Address:
        """The public Bluetooth address handhelds connect to."""
        return self.device.public_address

    def _on_connection(self, connection: Connection) -> None:
        logger.info("link up: %s", connection.peer_address)
        connection.on(
            connection.EVENT_DISCONNECTION,
            lambda reason: logger.info(
                "link down: %s (%s)", connection.peer_address, hci.HCI_Constant.error_name(reason)
            ),
        )

    def _on_dlc(self, dlc: rfcomm.DLC) -> None:
        connection = dlc.multiplexer.l2cap_channel.connection
        link = FrameLink(dlc, connection)
        task = asyncio.get_running_loop().create_task(self._serve(link))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, link: FrameLink) -> None:
        # Frames are only read once the link is paired; until then they wait in the DLC.
        try:
            await secure_link(self.device, link.connection)
        except TransportError as error:
            logger.warning("refusing %s: %s", link.peer, error)
            with contextlib.suppress(Exception):
                await link.connection.disconnect(hci.HCI_ErrorCode.AUTHENTICATION_FAILURE_ERROR)
            return
        self.links.add(link)
        try:
            await self.on_link(link)
        except Exception:
            # One broken session must never stop the kiosk.
            logger.exception("session with %s failed", link.peer)
        finally:
            self.links.discard(link)

    async def stop(self) -> None:
        """Cancel every session task (the device itself is closed with its Radio)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task


# ---------------------------------------------------------------------------------------
# Handheld side


@dataclass(frozen=True)
class FoundDevice:
    """A device that answered an inquiry."""

    address: hci.Address
    name: str
    rssi: int


class Handheld:
    """The handheld's radio: finds kiosks offering the service and opens frame links."""

    def __init__(self, device: Device) -> None:
        self.device = device

    async def discover(self, seconds: float = 5.0) -> list[FoundDevice]:
        """Inquire for discoverable devices; strongest signal first."""
        found: dict[str, FoundDevice] = {}
        done = asyncio.Event()

        def on_result(address: hci.Address, _cod: int, data: Any, rssi: int) -> None:
            name = ""
            with contextlib.suppress(Exception):
                from bumble.core import AdvertisingData

                value = data.get(AdvertisingData.COMPLETE_LOCAL_NAME)
                name = value if isinstance(value, str) else bytes(value or b"").decode()
            found[str(address)] = FoundDevice(address=address, name=name, rssi=rssi)

        self.device.on(self.device.EVENT_INQUIRY_RESULT, on_result)
        self.device.on(self.device.EVENT_INQUIRY_COMPLETE, done.set)
        try:
            await self.device.start_discovery(auto_restart=False)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), seconds)
        finally:
            self.device.remove_listener(self.device.EVENT_INQUIRY_RESULT, on_result)
            self.device.remove_listener(self.device.EVENT_INQUIRY_COMPLETE, done.set)
            with contextlib.suppress(Exception):
                await self.device.stop_discovery()
        return sorted(found.values(), key=lambda device: -device.rssi)

    async def connect(self, address: hci.Address | str, *, timeout: float = 10.0) -> FrameLink:
        """Connect, pair, find the kiosk service by SDP, and open its RFCOMM channel.

        Raises :class:`TransportError` if the device is unreachable or offers no kiosk.
        """
        try:
            connection = await self.device.connect(
                address, transport=PhysicalTransport.BR_EDR, timeout=timeout
            )
        except Exception as error:
            raise TransportError(f"cannot connect to {address}: {error}") from error
        try:
            await secure_link(self.device, connection)
            channel = await asyncio.wait_for(
                rfcomm.find_rfcomm_channel_with_uuid(connection, SERVICE_UUID), timeout
            )
            if channel is None:
                raise TransportError(f"{address} offers no kiosk service")
            multiplexer = await asyncio.wait_for(rfcomm.Client(connection).start(), timeout)
            dlc = await asyncio.wait_for(multiplexer.open_dlc(channel), timeout)
        except Exception as error:
            with contextlib.suppress(Exception):
                await connection.disconnect()
            if isinstance(error, TransportError):
                raise
            raise TransportError(f"cannot open the kiosk service on {address}: {error}") from error
        return FrameLink(dlc, connection)

    async def find_kiosk(self, *, seconds: float = 5.0) -> FrameLink:
        """Discover devices and connect to the first (strongest) that offers the service."""
        for found in await self.discover(seconds):
            try:
                return await self.connect(found.address)
            except TransportError as error:
                logger.info("skipping %s: %s", found.address, error)
        raise TransportError("no kiosk in range")
