"""Fixtures of the scale-out tests: daphne workers on the test database, a clerk's shop,
sockets and HTTP clients that talk to the workers as a browser and a kiosk would."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from mall.models import Shop
from stock.models import StockItem
from tests.factories import MembershipFactory, ShopFactory, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie
from tests.scale.servers import HOST, Worker, daphne_workers, database_url

Message = dict[str, Any]


@pytest.fixture(scope="module")
def worker_env(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a worker: the test database, the shared Redis, quiet logs."""
    from django.db import connection

    return {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "REDIS_URL": os.environ["REDIS_URL"],
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("worker-media")),
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "REGISTRATION_THROTTLE": "none",
    }


@pytest.fixture(scope="module")
def two_workers(
    worker_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Worker]]:
    """Two daphne processes on one PostgreSQL and one Redis, stopped after the module."""
    with daphne_workers(2, env=worker_env, logs=tmp_path_factory.mktemp("daphne")) as workers:
        yield workers


@dataclass
class ClerkShop:
    """A shop with a clerk (session cookie), a kiosk in it (API key) and one item."""

    shop: Shop
    cookie: str
    kiosk_key: str
    item: StockItem


@pytest.fixture
def clerk_shop(transactional_db: None) -> ClerkShop:
    """Committed, so the workers see it: the tests run without a wrapping transaction."""
    shop = ShopFactory(slug="sole")
    membership = MembershipFactory(shop=shop)
    item = make_item(shop, "Running Shoes", quantity=5, price="50.00")
    return ClerkShop(
        shop=shop,
        cookie=clerk_cookie(membership.user),
        kiosk_key=make_kiosk(shop).key,
        item=item,
    )


def http_client(worker: Worker, *, kiosk_key: str) -> httpx.Client:
    """A kiosk's HTTP client of ``worker`` (no proxies from the environment)."""
    return httpx.Client(
        base_url=worker.http,
        headers={"Authorization": f"Api-Key {kiosk_key}"},
        timeout=30,
        trust_env=False,
    )


def shop_socket(worker: Worker, slug: str, cookie: str) -> ClientConnection:
    """A clerk's screen socket of ``slug`` on ``worker``, as a browser opens it."""
    return connect(
        f"{worker.ws}/ws/shops/{slug}/",
        origin=worker.http,  # type: ignore[arg-type]  # scheme, host and port: this site
        additional_headers={"Cookie": cookie},
        proxy=None,
        open_timeout=10,
    )


def receive(socket: ClientConnection, timeout: float = 10) -> Message:
    """The next JSON message of ``socket``."""
    return json.loads(socket.recv(timeout=timeout))


def receive_until(
    socket: ClientConnection, wanted: Callable[[Message], bool], timeout: float = 10
) -> Message:
    """The first message for which ``wanted`` is true; others are skipped (another test
    process may push to a group of the same name through the shared Redis)."""
    deadline = time.monotonic() + timeout
    while True:
        message = receive(socket, timeout=max(deadline - time.monotonic(), 0.01))
        if wanted(message):
            return message


def card_of(code: str) -> Callable[[Message], bool]:
    """A ``card.show`` for shopper ``code``."""
    return lambda m: m.get("type") == "card.show" and m["card"]["customer"] == code


def sight(client: httpx.Client, token: str) -> httpx.Response:
    """The kiosk saw the shopper with ``token``."""
    return client.post("/api/kiosk/sightings/", json={"token": token})


def log_tail(path: Path) -> str:
    """The end of a worker's log, for assertion messages."""
    return path.read_text(errors="replace")[-3000:]
