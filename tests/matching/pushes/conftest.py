"""Websocket tests get a fresh in-memory channel layer and close their DB connections."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections


@pytest.fixture
async def fresh_layer(settings) -> AsyncIterator[None]:
    """An in-memory layer of this test's event loop (queues of an earlier loop would hang),
    and no DB connection left open in asgiref's thread afterwards (STACK.md)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "core.layers.SweptInMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    await sync_to_async(connections.close_all)()
