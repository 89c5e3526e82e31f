"""The Bumble transport: real Bumble stacks on virtual controllers, no mocks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from bumble import hci, rfcomm
from bumble.core import PhysicalTransport

from kiosks.bluetooth.protocol import Bye, Error, Hello, Message, Shops
from kiosks.bluetooth.transport import (
    FrameLink,
    Handheld,
    KioskRadio,
    Radio,
    TransportError,
    open_radio,
)
from kiosks.bluetooth.virtual import VirtualLink

pytestmark = pytest.mark.asyncio


class EchoKiosk:
    """A kiosk radio that answers every message with the same message, recording links."""

    def __init__(self) -> None:
        self.seen: list[FrameLink] = []
        self.closed: list[FrameLink] = []
        self.paired_when_served: list[bool] = []

    async def on_link(self, link: FrameLink) -> None:
        self.seen.append(link)
        self.paired_when_served.append(link.connection.authenticated)
        while (message := await link.receive()) is not None:
            if isinstance(message, Message):
                link.send(message)
        self.closed.append(link)


@pytest_asyncio.fixture
async def link() -> VirtualLink:
    return VirtualLink()


@pytest_asyncio.fixture
async def kiosk(link: VirtualLink) -> AsyncIterator[tuple[KioskRadio, EchoKiosk]]:
    radio = await open_radio("virtual", name="kiosk-shoes", discoverable=True, link=link)
    echo = EchoKiosk()
    server = KioskRadio(radio.device, echo.on_link, name="kiosk-shoes")
    await server.start()
    yield server, echo
    await server.stop()
    await radio.close()


async def handheld(link: VirtualLink, name: str = "pda") -> tuple[Radio, Handheld]:
    radio = await open_radio("virtual", name=name, link=link)
    return radio, Handheld(radio.device)


async def test_handheld_discovers_the_kiosk_by_inquiry_with_its_name(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given a discoverable kiosk and a handheld on the same link
    radio, pda = await handheld(link)
    # When the handheld inquires
    found = await pda.discover(seconds=1.0)
    # Then it finds the kiosk, by address and name
    assert [(device.address, device.name) for device in found] == [
        (kiosk[0].address, "kiosk-shoes")
    ]
    await radio.close()


async def test_handheld_finds_the_service_and_exchanges_frames_both_ways(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given a kiosk and a handheld
    radio, pda = await handheld(link)
    # When the handheld finds the kiosk and sends a hello
    frames = await pda.find_kiosk(seconds=1.0)
    reply = await frames.request(Hello(token="tok-1"), timeout=5.0)
    # Then the kiosk's answer comes back over RFCOMM
    assert reply == Hello(token="tok-1")
    await frames.close()
    await radio.close()


async def test_kiosk_pairs_a_handheld_that_did_not_pair_before_reading_its_frames(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given a handheld that opens the RFCOMM channel without pairing first
    radio, _ = await handheld(link)
    connection = await radio.device.connect(kiosk[0].address, transport=PhysicalTransport.BR_EDR)
    multiplexer = await rfcomm.Client(connection).start()
    dlc = await multiplexer.open_dlc(kiosk[0].channel)
    frames = FrameLink(dlc, connection)
    assert not connection.authenticated
    # When it sends a frame
    reply = await frames.request(Bye(), timeout=5.0)
    # Then the kiosk paired the link before serving it
    assert reply == Bye()
    assert kiosk[1].paired_when_served == [True]
    assert connection.authenticated
    await frames.close()
    await radio.close()


async def test_connecting_to_a_device_without_the_kiosk_service_fails_cleanly(
    link: VirtualLink,
) -> None:
    # Given a plain discoverable device that is not a kiosk
    other = await open_radio("virtual", name="headphones", discoverable=True, link=link)
    radio, pda = await handheld(link)
    # When the handheld connects to it / Then a TransportError says there is no kiosk
    with pytest.raises(TransportError, match="no kiosk service"):
        await pda.connect(other.device.public_address)
    # and looking for a kiosk finds none
    with pytest.raises(TransportError, match="no kiosk in range"):
        await pda.find_kiosk(seconds=1.0)
    await radio.close()
    await other.close()


async def test_fifty_kilobytes_cross_the_link_each_way(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given a 50 KB message
    big = Shops(results=({"blob": "x" * 50_000},))
    radio, pda = await handheld(link)
    frames = await pda.connect(kiosk[0].address)
    # When it goes to the kiosk and back
    reply = await frames.request(big, timeout=10.0)
    # Then it arrives whole
    assert reply == big
    await frames.close()
    await radio.close()


async def test_seven_handhelds_complete_sessions_with_one_kiosk_at_once(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given seven handhelds (SDP from several at once needs the per-channel SDP server)
    pdas = [await handheld(link, f"pda-{index}") for index in range(7)]

    async def session(index: int, pda: Handheld) -> Message:
        frames = await pda.connect(kiosk[0].address)
        reply = await frames.request(Hello(token=f"tok-{index}"), timeout=10.0)
        await frames.close()
        return reply

    # When all of them connect and talk at the same time
    replies = await asyncio.wait_for(
        asyncio.gather(*(session(index, pda) for index, (_, pda) in enumerate(pdas))), 20
    )
    # Then each gets its own answer
    assert replies == [Hello(token=f"tok-{index}") for index in range(7)]
    assert len(kiosk[1].seen) == 7
    for radio, _ in pdas:
        await radio.close()


async def test_handheld_going_out_of_range_closes_its_link_at_the_kiosk(
    link: VirtualLink, kiosk: tuple[KioskRadio, EchoKiosk]
) -> None:
    # Given a handheld with an open session
    radio, pda = await handheld(link)
    frames = await pda.connect(kiosk[0].address)
    await frames.request(Hello(token="tok-1"), timeout=5.0)
    served = kiosk[1].seen[0]
    # When its radio goes silent
    link.drop(radio.controller)
    # Then the kiosk's link closes with a supervision timeout
    await asyncio.wait_for(served.closed.wait(), 5.0)
    assert served.close_reason == hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR
    assert await frames.receive(timeout=1.0) is None
    await radio.close()


async def test_bad_bytes_reach_the_kiosk_as_typed_errors_and_the_link_stays_up(
    link: VirtualLink,
) -> None:
    # Given a kiosk that answers a bad frame with an error frame
    radio = await open_radio("virtual", name="kiosk", discoverable=True, link=link)

    async def on_link(frames: FrameLink) -> None:
        while (item := await frames.receive()) is not None:
            frames.send(item if isinstance(item, Message) else Error(code=item.code))

    server = KioskRadio(radio.device, on_link)
    await server.start()
    pda_radio, pda = await handheld(link)
    frames = await pda.connect(server.address)
    # When the handheld sends garbage, then a valid frame
    frames.send_bytes(b"\x00\x00\x00\x03{x}")
    first = await frames.receive(timeout=5.0)
    second = await frames.request(Hello(token="tok"), timeout=5.0)
    # Then the garbage gets a bad_json error and the next frame is served
    assert first == Error(code="bad_json")
    assert second == Hello(token="tok")
    await frames.close()
    await pda_radio.close()
    await radio.close()


async def test_handheld_in_another_process_reaches_the_kiosk_over_the_tcp_served_link() -> None:
    # Given a kiosk whose virtual link is served over TCP on a free port
    radio = await open_radio("virtual:127.0.0.1:0", name="kiosk-tcp", discoverable=True)
    echo = EchoKiosk()
    server = KioskRadio(radio.device, echo.on_link)
    await server.start()
    assert radio.served_at is not None
    host, port = radio.served_at
    # When a handheld opens Bumble's plain tcp-client HCI transport to it
    pda_radio = await open_radio(f"tcp-client:{host}:{port}", name="pda-tcp")
    frames = await Handheld(pda_radio.device).find_kiosk(seconds=1.0)
    reply = await frames.request(Hello(token="over-tcp"), timeout=5.0)
    # Then frames flow, and closing the handheld's process side drops the kiosk's link
    assert reply == Hello(token="over-tcp")
    await pda_radio.close()
    await asyncio.wait_for(echo.seen[0].closed.wait(), 5.0)
    await radio.close()
