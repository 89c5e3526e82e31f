"""Helpers for websocket tests: sockets opened through the real ASGI stack (origin check,
session, routing), with the cookies of a clerk or of a paired phone."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application
from customers.models import Customer
from customers.pairing import SESSION_CUSTOMER, SESSION_TOKEN_HASH

ORIGIN = (b"origin", b"http://localhost")
#: The Host a browser on http://localhost sends with it.
HOST = (b"host", b"localhost")


def _session_cookie(data: dict[str, Any]) -> str:
    session = SessionStore()
    for key, value in data.items():
        session[key] = value
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def clerk_cookie(user: Any) -> str:
    """The session cookie of ``user`` logged in (as ``django.contrib.auth.login`` makes)."""
    return _session_cookie(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )


def phone_cookie(customer: Customer) -> str:
    """The session cookie of a phone paired with ``customer``."""
    return _session_cookie({SESSION_CUSTOMER: customer.pk, SESSION_TOKEN_HASH: customer.token_hash})


async def open_socket(
    path: str, cookie: str | None = None, *, origin: bool = True
) -> WebsocketCommunicator:
    headers = [HOST, ORIGIN] if origin else [HOST]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    return communicator


async def connect(path: str, cookie: str | None = None) -> tuple[WebsocketCommunicator, dict]:
    """An accepted socket and its first message."""
    communicator = await open_socket(path, cookie)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator, await communicator.receive_json_from(timeout=5)


async def drain(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    """Every message the socket has to give now."""
    messages = []
    while not await communicator.receive_nothing(timeout=0.2):
        messages.append(await communicator.receive_json_from(timeout=2))
    return messages


async def closed_code(communicator: WebsocketCommunicator) -> int | None:
    """Read until the server closes; the close code."""
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output.get("code")


def run(function: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call a sync service from an async test (thread-sensitive, as Django's views are)."""
    return sync_to_async(function)(*args, **kwargs)
