"""The in-memory channel layer (core/layers.py): channels' layer, swept at most once a second."""

import asyncio
import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings.channels
from core.layers import BatchedRedisChannelLayer, SweptInMemoryChannelLayer


def test_the_embedded_defaults_use_it(monkeypatch):
    # CI's second pass sets REDIS_URL; the defaults are what the settings give without it.
    monkeypatch.delenv("REDIS_URL", raising=False)
    defaults = runpy.run_path(config.settings.channels.__file__)
    layer = defaults["CHANNEL_LAYERS"]["default"]["BACKEND"]
    assert layer == "core.layers.SweptInMemoryChannelLayer"


async def test_group_messages_arrive_in_order():
    layer = SweptInMemoryChannelLayer()
    screen = await layer.new_channel()
    await layer.group_add("shop.1", screen)
    for n in range(3):
        await layer.group_send("shop.1", {"type": "card.show", "n": n})
    assert [(await layer.receive(screen))["n"] for _ in range(3)] == [0, 1, 2]


async def test_sends_between_sweeps_leave_expired_messages_alone():
    layer = SweptInMemoryChannelLayer(expiry=0.01, sweep_interval=60)
    await layer.group_send("shop.1", {"type": "card.show"})  # the first sweep, on nothing
    gone = await layer.new_channel()
    await layer.group_add("shop.2", gone)
    await layer.send(gone, {"type": "card.show"})
    await asyncio.sleep(0.05)
    await layer.group_send("shop.1", {"type": "card.show"})
    assert gone in layer.channels and gone in layer.groups["shop.2"]


async def test_the_next_sweep_drops_expired_messages_and_their_channel():
    layer = SweptInMemoryChannelLayer(expiry=0.01, sweep_interval=0.05)
    gone = await layer.new_channel()
    await layer.group_add("shop.2", gone)
    await layer.send(gone, {"type": "card.show"})
    await asyncio.sleep(0.1)
    await layer.group_send("shop.1", {"type": "card.show"})
    assert gone not in layer.channels
    assert gone not in layer.groups["shop.2"]


@pytest.mark.parametrize("batch", [0, -5, 2.5, "100"])
def test_the_redis_layer_refuses_a_batch_size_that_is_not_a_positive_whole_number(batch):
    # No connection is made: the layer connects on first use.
    with pytest.raises(ImproperlyConfigured, match="receive_batch must be"):
        BatchedRedisChannelLayer(hosts=["redis://127.0.0.1:1/0"], receive_batch=batch)


def test_the_redis_layer_takes_a_batch_size():
    layer = BatchedRedisChannelLayer(hosts=["redis://127.0.0.1:1/0"], receive_batch=7)
    assert layer.receive_batch == 7


async def test_a_group_send_reaches_every_member_and_skips_a_full_one(caplog):
    layer = SweptInMemoryChannelLayer(capacity=1)
    full, other = await layer.new_channel(), await layer.new_channel()
    for channel in (full, other):
        await layer.group_add("shop.1", channel)
    await layer.send(full, {"type": "card.show", "n": 0})

    await layer.group_send("shop.1", {"type": "card.show", "n": 1})

    assert (await layer.receive(full))["n"] == 0
    assert (await layer.receive(other))["n"] == 1
    assert "1 of 2 messages dropped" in caplog.text
