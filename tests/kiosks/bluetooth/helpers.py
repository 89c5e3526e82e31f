"""Shared test helpers for the Bluetooth tests: virtual handhelds, unused ports, photos."""

from __future__ import annotations

import io

from bench.servers import free_port
from kiosks.bluetooth.transport import FrameLink, Handheld, Radio, open_radio
from kiosks.bluetooth.virtual import VirtualLink


def unreachable_server() -> str:
    """A localhost URL where nothing listens: a mall server that is down."""
    return f"http://127.0.0.1:{free_port()}"


async def connect_handheld(
    link: VirtualLink, kiosk_address: object, name: str = "pda"
) -> tuple[Radio, FrameLink]:
    """A new virtual handheld on ``link``, connected to the kiosk's service."""
    radio = await open_radio("virtual", name=name, link=link)
    frames = await Handheld(radio.device).connect(str(kiosk_address))
    return radio, frames


def jpeg_of_size(size: int) -> bytes:
    """A real JPEG photo of about ``size`` bytes (noise compresses badly, so it grows)."""
    from PIL import Image

    side = 64
    while True:
        image = Image.effect_noise((side, side), 100).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=95)
        if buffer.tell() >= size:
            return buffer.getvalue()
        side += 16


class NetworkSwitch:
    """A localhost TCP relay in front of a real server, that can be switched off.

    While off nothing listens on its port, so the kiosk gets "connection refused", as when
    the mall server or the network is down. It forwards bytes only; the server is real.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        import asyncio

        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def on(self) -> None:
        import asyncio

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
            for task in (
                asyncio.create_task(pipe(reader, upstream_writer)),
                asyncio.create_task(pipe(upstream_reader, writer)),
            ):
                self._pipes.add(task)
                task.add_done_callback(self._pipes.discard)

        self._server = await asyncio.start_server(relay, "127.0.0.1", self.port, reuse_address=True)

    async def off(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._pipes):
            task.cancel()
