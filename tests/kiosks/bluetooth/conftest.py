"""Fixtures for the Bluetooth tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def _media_url_while_live_server_starts() -> Iterator[None]:
    """Give MEDIA_URL a value while the live server builds its handler, then restore it.

    The project sets ``MEDIA_URL = None`` (faces are never public files), and Django's
    live-server media handler calls ``urlparse(MEDIA_URL)``: with None every request fails
    with a TypeError. The handler reads the setting once, at start, so the real value can
    come back right after.
    """
    from django.conf import settings

    original = settings.MEDIA_URL
    if original is None:
        settings.MEDIA_URL = "/live-server-media-not-public/"
    yield
    settings.MEDIA_URL = original


@pytest.fixture(scope="session")
def live_server(_media_url_while_live_server_starts: None, live_server: Any) -> Any:
    """pytest-django's live server, started with a usable MEDIA_URL (see above)."""
    from django.conf import settings

    settings.MEDIA_URL = (
        None if settings.MEDIA_URL.startswith("/live-server-media") else (settings.MEDIA_URL)
    )
    return live_server
