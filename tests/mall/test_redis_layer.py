"""The Redis channel layer (core/layers.py): channels-redis's, with pushes sent and read a
batch per round trip. Against the real Redis of CI's second pass (``REDIS_URL``)."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import redis
from channels_redis.core import RedisChannelLayer

from core.layers import RECEIVE_BATCH, BatchedRedisChannelLayer

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://..."
)

Layers = Callable[..., BatchedRedisChannelLayer]


@pytest.fixture
async def layers() -> AsyncIterator[Layers]:
    """Makes layers ("processes") on one Redis, under a prefix of this test alone."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    made: list[RedisChannelLayer] = []

    def make(cls: type[RedisChannelLayer] = BatchedRedisChannelLayer, **config):
        layer = cls(hosts=[{"address": os.environ["REDIS_URL"]}], prefix=prefix, **config)
        made.append(layer)
        return layer

    yield make
    await made[0].flush()
    for layer in made:
        await layer.close_pools()


def calls(command: str) -> int:
    """How many times Redis has run ``command`` (scripts' own commands included)."""
    stats = redis.Redis.from_url(os.environ["REDIS_URL"]).info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


async def receive(layer: BatchedRedisChannelLayer, channel: str, count: int) -> list[dict]:
    return [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(count)]


async def test_every_group_gets_its_messages_in_order_on_every_process(layers):
    sender, one, two = layers(), layers(), layers()
    screen_1, screen_2, other = (
        await one.new_channel(),
        await two.new_channel(),
        await two.new_channel(),
    )
    await one.group_add("shop.1", screen_1)
    await two.group_add("shop.1", screen_2)
    await two.group_add("shop.2", other)

    await sender.group_send_many(
        [("shop.1", {"type": "card.show", "n": n}) for n in range(3)]
        + [("shop.2", {"type": "card.hide", "n": 9}), ("shop.3", {"type": "card.show", "n": 7})]
    )

    assert [m["n"] for m in await receive(one, screen_1, 3)] == [0, 1, 2]
    assert [m["n"] for m in await receive(two, screen_2, 3)] == [0, 1, 2]
    assert await receive(two, other, 1) == [{"type": "card.hide", "n": 9}]


async def test_a_burst_is_read_a_batch_per_round_trip_in_order(layers):
    layer = layers(receive_batch=100, capacity=1000)
    screen = await layer.new_channel()
    await layer.group_add("shop.1", screen)
    await layer.group_send_many([("shop.1", {"type": "card.show", "n": n}) for n in range(250)])
    pops = calls("zpopmin")

    assert [m["n"] for m in await receive(layer, screen, 250)] == list(range(250))
    assert calls("zpopmin") - pops == 3  # channels-redis: 250 blocking pops


async def test_a_batch_whose_reply_was_lost_comes_again_once(layers):
    layer = layers(receive_batch=2)
    screen = await layer.new_channel()
    await layer.group_add("shop.1", screen)
    await layer.group_send_many([("shop.1", {"type": "card.show", "n": n}) for n in range(5)])
    key = layer.prefix + layer.non_local_name(screen)
    # A read whose reply never reached the process (cancelled, or the connection broke):
    # Redis moved messages 0 and 1 to the in-flight copy, the process never saw them.
    await RECEIVE_BATCH(
        keys=[key, key + "$inflight", key + "$batch"],
        args=["lost", "", 2, 60],
        client=layer.connection(0),
    )

    assert [m["n"] for m in await receive(layer, screen, 5)] == [0, 1, 2, 3, 4]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(screen), 0.5)


async def test_a_cancelled_wait_loses_nothing_sent_after_it(layers):
    layer = layers()
    screen = await layer.new_channel()
    await layer.group_add("shop.1", screen)
    waiting = asyncio.ensure_future(layer.receive(screen))
    await asyncio.sleep(0.2)  # blocked in Redis: nothing was sent
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting

    await layers().group_send("shop.1", {"type": "card.show", "n": 1})
    assert await receive(layer, screen, 1) == [{"type": "card.show", "n": 1}]


async def test_it_shares_redis_with_channels_redis_own_layer(layers):
    ours, theirs = layers(), layers(RedisChannelLayer)
    our_screen, their_screen = await ours.new_channel(), await theirs.new_channel()
    await ours.group_add("shop.1", our_screen)
    await theirs.group_add("shop.1", their_screen)

    await theirs.group_send("shop.1", {"type": "card.show", "n": 1})
    await ours.group_send("shop.1", {"type": "card.show", "n": 2})

    assert [m["n"] for m in await receive(ours, our_screen, 2)] == [1, 2]
    assert [m["n"] for m in await receive(theirs, their_screen, 2)] == [1, 2]


async def test_a_full_channel_drops_the_message_and_says_so(layers, caplog):
    sender, screens = layers(capacity=2), layers()
    screen = await screens.new_channel()
    await screens.group_add("shop.1", screen)
    with caplog.at_level(logging.WARNING, logger="core.layers"):
        await sender.group_send_many([("shop.1", {"type": "card.show", "n": n}) for n in range(3)])

    assert "1 of 3 messages dropped: their channel is at capacity" in caplog.text
    assert [m["n"] for m in await receive(screens, screen, 2)] == [0, 1]


async def test_expired_messages_and_memberships_are_dropped(layers):
    sender = layers(expiry=1, group_expiry=1)
    screens = layers()
    screen = await screens.new_channel()
    await screens.group_add("shop.1", screen)
    await sender.group_send("shop.1", {"type": "card.show", "n": 1})
    await asyncio.sleep(2.1)
    await screens.group_add("shop.2", screen)

    await sender.group_send_many([("shop.1", {"n": 2}), ("shop.2", {"type": "card.show", "n": 3})])

    assert await receive(screens, screen, 1) == [{"type": "card.show", "n": 3}]
