"""Redis goes away and comes back while a shop screen is connected.

The worker runs on a Redis of its own (``private_redis``), so stopping it disturbs no
other test. A write must not fail for a push that cannot be sent; a screen that
reconnects after the restart must see everything it missed (the snapshot reads the
database, not Redis) and get pushes again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.factories import make_customer
from tests.scale.conftest import (
    ClerkShop,
    card_of,
    http_client,
    receive,
    receive_until,
    shop_socket,
    sight,
)
from tests.scale.servers import PrivateRedis, Worker, daphne_workers, needs_services, private_redis

pytestmark = needs_services

#: How long a write may take while Redis is down (a refused connection fails at once; the
#: layer's connect timeout bounds an unreachable host).
OUTAGE_ANSWER_SECONDS = 3.0


@dataclass
class Restartable:
    """One worker on a Redis that the test may stop and start."""

    worker: Worker
    redis: PrivateRedis


@pytest.fixture
def restartable(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Restartable]:
    (tmp_path / "redis").mkdir()
    with (
        private_redis(tmp_path / "redis") as redis,
        daphne_workers(1, env=worker_env | {"REDIS_URL": redis.url}, logs=tmp_path) as workers,
    ):
        try:
            yield Restartable(worker=workers[0], redis=redis)
        finally:
            if not redis.answers():
                redis.start()  # so that private_redis can shut it down cleanly


def test_sighting_is_answered_while_redis_is_down(restartable: Restartable, clerk_shop: ClerkShop):
    shopper = make_customer("running shoes")
    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        restartable.redis.stop()

        with http_client(restartable.worker, kiosk_key=clerk_shop.kiosk_key) as kiosk:
            started = time.monotonic()
            answer = sight(kiosk, shopper.token)
            elapsed = time.monotonic() - started

    assert answer.status_code == 200
    assert answer.json()["results"][0]["offers"][0]["shop"]["slug"] == "sole"
    assert elapsed < OUTAGE_ANSWER_SECONDS


def test_screen_connected_through_the_outage_is_closed_so_that_it_reconnects(
    restartable: Restartable, clerk_shop: ClerkShop
):
    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        restartable.redis.stop()

        # Its group membership died with Redis: a socket left open would stay deaf.
        with pytest.raises(ConnectionClosed):
            receive(screen, timeout=15)


def test_screen_reconnecting_after_the_restart_gets_the_card_of_the_outage_in_its_snapshot(
    restartable: Restartable, clerk_shop: ClerkShop
):
    shopper = make_customer("running shoes")
    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        restartable.redis.stop()
        with http_client(restartable.worker, kiosk_key=clerk_shop.kiosk_key) as kiosk:
            assert sight(kiosk, shopper.token).status_code == 200
    restartable.redis.start()

    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        snapshot = receive(screen)

    assert snapshot["type"] == "cards.snapshot"
    assert [card["customer"] for card in snapshot["cards"]] == [shopper.customer.code]


def test_pushes_reach_a_screen_reconnected_after_the_restart(
    restartable: Restartable, clerk_shop: ClerkShop
):
    shopper = make_customer("running shoes")
    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        restartable.redis.stop()
    restartable.redis.start()

    with shop_socket(restartable.worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        with http_client(restartable.worker, kiosk_key=clerk_shop.kiosk_key) as kiosk:
            assert sight(kiosk, shopper.token).status_code == 200

        card = receive_until(screen, card_of(shopper.customer.code), timeout=10)

    assert card["card"]["customer"] == shopper.customer.code
