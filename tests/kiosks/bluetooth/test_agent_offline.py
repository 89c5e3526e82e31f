"""The kiosk agent when the mall server cannot be reached, and its departure queue.

These need no server: "down" is a localhost port where nothing listens.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosks.bluetooth.agent import running_kiosk
from kiosks.bluetooth.departures import Backoff, DepartureQueue
from kiosks.bluetooth.protocol import Bye, Error, Hello
from kiosks.bluetooth.virtual import VirtualLink
from tests.kiosks.bluetooth.helpers import connect_handheld, unreachable_server

FAST = Backoff(first=0.05, cap=0.2, jitter=0.0)


def test_departure_queue_keeps_entries_across_reopening(tmp_path: Path) -> None:
    # Given a departure written to a queue that is then closed (a kiosk stopping)
    queue = DepartureQueue(tmp_path)
    queue.put("tok-1", now=100.0)
    queue.close()
    # When the queue is opened again (the kiosk restarting)
    reopened = DepartureQueue(tmp_path)
    # Then the departure is still there and due
    assert [entry.token for entry in reopened.due(now=100.0)] == ["tok-1"]
    reopened.close()


def test_departure_queue_holds_a_failed_departure_until_its_next_attempt(tmp_path: Path) -> None:
    # Given a departure that failed once and was scheduled for t=160
    queue = DepartureQueue(tmp_path)
    entry_id = queue.put("tok-1", now=100.0)
    queue.retry_later(entry_id, next_attempt_at=160.0)
    # When asked what is due before and at that time
    # Then it is not due before, is due at t=160, and counts one attempt
    assert queue.due(now=159.0) == []
    assert [(entry.token, entry.attempts) for entry in queue.due(now=160.0)] == [("tok-1", 1)]
    queue.close()


def test_departure_queue_file_is_private_to_its_owner(tmp_path: Path) -> None:
    # Given a new queue (it holds shoppers' secret tokens)
    queue = DepartureQueue(tmp_path / "q")
    # Then its file is readable by the owner only
    assert queue.path.stat().st_mode & 0o077 == 0
    queue.close()


def test_backoff_doubles_then_stays_at_its_cap() -> None:
    # Given a backoff of 1 s doubling to at most 10 s, no jitter
    backoff = Backoff(first=1.0, cap=10.0, jitter=0.0)
    # When asked for the delays after 1..6 failures / Then they double and cap
    assert [backoff.delay(attempt) for attempt in range(1, 7)] == [1, 2, 4, 8, 10, 10]


@pytest.mark.asyncio
async def test_hello_while_server_is_down_gets_server_unavailable_and_kiosk_keeps_serving(
    tmp_path: Path,
) -> None:
    # Given a kiosk whose server is down
    link = VirtualLink()
    async with running_kiosk(
        server=unreachable_server(),
        key="k",
        transport="virtual",
        queue_dir=tmp_path,
        link=link,
        backoff=FAST,
    ) as kiosk:
        radio, frames = await connect_handheld(link, kiosk.radio.device.public_address)
        # When a handheld says hello twice
        first = await frames.request(Hello(token="tok-1"), timeout=10)
        second = await frames.request(Hello(token="tok-1"), timeout=10)
        # Then both times it gets a server_unavailable error, and the link is still up
        assert isinstance(first, Error) and first.code == "server_unavailable"
        assert isinstance(second, Error) and second.code == "server_unavailable"
        assert not frames.closed.is_set()
        await frames.close()
        await radio.close()


@pytest.mark.asyncio
async def test_bye_while_server_is_down_leaves_the_departure_on_disk(tmp_path: Path) -> None:
    # Given a kiosk whose server is down, and a handheld that said hello (so it has a token)
    link = VirtualLink()
    async with running_kiosk(
        server=unreachable_server(),
        key="k",
        transport="virtual",
        queue_dir=tmp_path,
        link=link,
        backoff=FAST,
    ) as kiosk:
        radio, frames = await connect_handheld(link, kiosk.radio.device.public_address)
        await frames.request(Hello(token="tok-1"), timeout=10)
        # When it says bye and a few retries fail
        frames.send(Bye())
        await asyncio.sleep(0.5)
        await frames.close()
        await radio.close()
    # Then, with the kiosk stopped, the departure is on disk with its failed attempts
    queue = DepartureQueue(tmp_path)
    entries = queue.due(now=float("inf"))
    assert [entry.token for entry in entries] == ["tok-1"]
    assert entries[0].attempts >= 2
    queue.close()
