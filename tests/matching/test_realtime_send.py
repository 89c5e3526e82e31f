"""``matching.realtime.push_many``: sent on commit, each group in order; through the layer's
``group_send_many`` (core/layers.py), or on any other layer its groups at once."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer

from matching import realtime

pytestmark = pytest.mark.django_db


def configured(settings, backend: str):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend}}
    channel_layers.backends.clear()
    yield get_channel_layer()
    channel_layers.backends.clear()


@pytest.fixture
def layer(settings):
    yield from configured(settings, "core.layers.SweptInMemoryChannelLayer")


@pytest.fixture
def plain_layer(settings):
    """channels' own in-memory layer: no ``group_send_many``, one ``group_send`` a message."""
    yield from configured(settings, "channels.layers.InMemoryChannelLayer")


def screen_of(layer, group: str) -> str:
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def received(layer, channel: str) -> list[int]:
    async def drain() -> list[int]:
        return [(await layer.receive(channel))["n"] for _ in range(layer.channels[channel].qsize())]

    return async_to_sync(drain)() if channel in layer.channels else []


def message(n: int) -> dict:
    return {"type": "card.show", "n": n}


def test_each_group_gets_its_messages_in_the_order_pushed(
    layer, django_capture_on_commit_callbacks
):
    first, second = screen_of(layer, "shop.1"), screen_of(layer, "shop.2")
    pushes = [("shop.1", message(n)) if n % 3 else ("shop.2", message(n)) for n in range(30)]

    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_many(pushes)

    assert received(layer, first) == [n for n in range(30) if n % 3]
    assert received(layer, second) == [n for n in range(30) if not n % 3]


def test_the_layers_one_pass_is_used_not_a_group_send_per_message(
    layer, django_capture_on_commit_callbacks, monkeypatch
):
    screen = screen_of(layer, "shop.1")

    async def not_this_way(group, content):
        raise AssertionError("group_send called")

    monkeypatch.setattr(layer, "group_send", not_this_way)
    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_many([("shop.1", message(1)), ("shop.2", message(2))])

    assert received(layer, screen) == [1]


def test_a_full_screen_misses_its_message_and_the_others_get_theirs(
    layer, django_capture_on_commit_callbacks, caplog
):
    layer.capacity = 1
    full, other = screen_of(layer, "shop.1"), screen_of(layer, "shop.2")

    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_many([("shop.1", message(1)), ("shop.1", message(2)), ("shop.2", message(3))])

    assert received(layer, full) == [1]
    assert received(layer, other) == [3]
    assert "1 of 3 messages dropped" in caplog.text


def test_on_another_layer_each_group_still_gets_its_messages_in_order(
    plain_layer, django_capture_on_commit_callbacks, monkeypatch
):
    layer = plain_layer
    first, second = screen_of(layer, "shop.1"), screen_of(layer, "shop.2")
    send = layer.group_send

    async def later_messages_faster(group, content):
        # As a network layer may: sent at once, the later messages would overtake.
        await asyncio.sleep((30 - content["n"]) / 3000)
        await send(group, content)

    monkeypatch.setattr(layer, "group_send", later_messages_faster)
    pushes = [("shop.1", message(n)) if n % 3 else ("shop.2", message(n)) for n in range(30)]

    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_many(pushes)

    assert received(layer, first) == [n for n in range(30) if n % 3]
    assert received(layer, second) == [n for n in range(30) if not n % 3]


def test_nothing_is_sent_before_the_commit(layer, django_capture_on_commit_callbacks):
    screen = screen_of(layer, "shop.1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        realtime.push_many([("shop.1", message(1))])

    assert received(layer, screen) == []
    callbacks[0]()
    assert received(layer, screen) == [1]


def test_on_another_layer_a_failing_group_does_not_stop_the_others(
    plain_layer, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    layer = plain_layer
    screen = screen_of(layer, "shop.2")
    send = layer.group_send

    async def failing_for_shop_1(group, content):
        if group == "shop.1":
            raise ConnectionError("layer down")
        await send(group, content)

    monkeypatch.setattr(layer, "group_send", failing_for_shop_1)
    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_many([("shop.1", message(1)), ("shop.2", message(2))])

    assert received(layer, screen) == [2]
    assert "push to shop.1 failed" in caplog.text
