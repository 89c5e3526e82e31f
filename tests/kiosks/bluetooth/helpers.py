"""Shared test helpers for the Bluetooth tests: virtual handhelds, unused ports, photos."""

from __future__ import annotations

import io
import socket

from kiosks.bluetooth.transport import FrameLink, Handheld, Radio, VirtualLink, open_radio


def unreachable_server() -> str:
    """A localhost URL where nothing listens: a mall server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


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
