"""A radio simulator for tests, the demo and the bench: virtual controllers on a shared link.

Bumble's ``LocalLink`` carries classic Bluetooth between controllers in one process; it lacks
inquiry, so :class:`VirtualController` adds it. :class:`VirtualLink` gives every controller a
unique address and drops a controller's connections when it goes. :func:`serve_virtual_link`
serves the link over TCP, so a ``pda`` in another terminal reaches a ``kiosk`` with Bumble's
ordinary ``tcp-client:HOST:PORT`` transport (the ``virtual:HOST:PORT`` spec of
:mod:`kiosks.bluetooth.transport`). The real transport is there; nothing here is used with a
real radio.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from bumble import hci
from bumble.controller import Controller
from bumble.link import LocalLink
from bumble.transport.common import StreamPacketSource

logger = logging.getLogger(__name__)

#: How long a handheld waits for inquiry results on a virtual link (a real inquiry is longer).
VIRTUAL_INQUIRY_SECONDS = 0.05


class VirtualController(Controller):
    """Bumble's virtual controller, plus the inquiry it lacks.

    Bumble's controller ignores HCI Inquiry, so a handheld could not discover kiosks the way
    it does on real radios. This one answers an inquiry with every controller on the link
    that has inquiry scan on (i.e. is discoverable), with its extended inquiry response.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extended_inquiry_response = b""
        self._inquiry: asyncio.TimerHandle | None = None

    def on_hci_write_extended_inquiry_response_command(
        self, command: hci.HCI_Write_Extended_Inquiry_Response_Command
    ) -> hci.HCI_StatusReturnParameters:
        self.extended_inquiry_response = bytes(command.extended_inquiry_response)
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)

    def on_hci_write_secure_connections_host_support_command(
        self, _command: hci.HCI_Write_Secure_Connections_Host_Support_Command
    ) -> hci.HCI_StatusReturnParameters:
        # Accepted and ignored (as the base class does for other host settings), so that
        # every virtual host does not log an "unsupported command" warning at power-on.
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)

    def on_hci_write_inquiry_mode_command(
        self, _command: hci.HCI_Write_Inquiry_Mode_Command
    ) -> hci.HCI_StatusReturnParameters:
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)

    def on_hci_inquiry_command(self, command: hci.HCI_Inquiry_Command) -> None:
        self._send_hci_command_status(hci.HCI_ErrorCode.SUCCESS, command.op_code)
        for peer in list(self.link.controllers):
            if peer is self or not peer.classic_scan_enable & 0x01:
                continue
            eir = getattr(peer, "extended_inquiry_response", b"")[:240]
            self.send_hci_packet(
                hci.HCI_Extended_Inquiry_Result_Event(
                    num_responses=1,
                    bd_addr=peer.public_address,
                    page_scan_repetition_mode=0,
                    reserved=0,
                    class_of_device=0,
                    clock_offset=0,
                    rssi=-50,
                    extended_inquiry_response=eir.ljust(240, b"\0"),
                )
            )
        self._inquiry = asyncio.get_running_loop().call_later(
            VIRTUAL_INQUIRY_SECONDS, self._complete_inquiry
        )

    def _complete_inquiry(self) -> None:
        self._inquiry = None
        self.send_hci_packet(hci.HCI_Inquiry_Complete_Event(status=hci.HCI_ErrorCode.SUCCESS))

    def on_hci_inquiry_cancel_command(
        self, _command: hci.HCI_Inquiry_Cancel_Command
    ) -> hci.HCI_StatusReturnParameters:
        if self._inquiry is not None:
            self._inquiry.cancel()
            self._inquiry = None
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)


class VirtualLink(LocalLink):
    """A shared in-process radio medium for virtual controllers, with unique addresses."""

    def __init__(self) -> None:
        super().__init__()
        self._numbers = itertools.count(1)

    def allocate_address(self) -> hci.Address:
        """A fresh public address, unique on this link."""
        number = next(self._numbers)
        return hci.Address(
            f"F0:4D:41:4C:{number >> 8 & 0xFF:02X}:{number & 0xFF:02X}",
            hci.Address.PUBLIC_DEVICE_ADDRESS,
        )

    def create_controller(self, name: str, host_source: Any = None, host_sink: Any = None):
        """A new virtual controller on this link (inquiry-capable)."""
        return VirtualController(
            name,
            host_source=host_source,
            host_sink=host_sink,
            link=self,
            public_address=self.allocate_address(),
        )

    def drop(
        self,
        controller: Controller,
        reason: int = hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR,
    ) -> None:
        """Take a controller off the air, as if it walked out of range or lost power.

        Both ends see their links end with a supervision timeout, as on a real radio.
        """
        for peer_address in list(controller.classic_connections):
            peer = self.find_classic_controller(peer_address)
            if peer is not None and controller.public_address in peer.classic_connections:
                peer.on_classic_disconnected(controller.public_address, reason)
            controller.on_classic_disconnected(peer_address, reason)
        if controller in self.controllers:
            self.remove_controller(controller)


class _HubProtocol(asyncio.Protocol):
    """One TCP client of the hub: a virtual controller on the link, HCI over the socket."""

    def __init__(self, link: VirtualLink) -> None:
        self.link = link
        self.source = StreamPacketSource()
        self.controller: Controller | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.controller = self.link.create_controller(
            f"hub-{transport.get_extra_info('peername')}", host_source=self.source, host_sink=self
        )
        logger.info("virtual radio: controller %s attached", self.controller.public_address)

    def on_packet(self, packet: bytes) -> None:
        # Controller to host: straight onto the socket (H4 framing, as tcp-client expects).
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(packet)

    def data_received(self, data: bytes) -> None:
        self.source.data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.controller is not None:
            logger.info("virtual radio: controller %s detached", self.controller.public_address)
            # A process that goes away is a radio that goes silent: peers see the link drop.
            self.link.drop(self.controller)
            self.controller = None


async def serve_virtual_link(link: VirtualLink, host: str, port: int) -> asyncio.Server:
    """Serve ``link`` over TCP: each client gets its own controller (``tcp-client:`` spec)."""
    return await asyncio.get_running_loop().create_server(
        lambda: _HubProtocol(link), host=host, port=port
    )
