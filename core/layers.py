"""The channel layers: channels' in-memory one for the embedded defaults, channels-redis's
for several workers, each with its costs taken out.

channels' ``InMemoryChannelLayer`` sweeps every channel and every group for expired
messages and memberships on each ``group_send`` and each ``receive``: with 500 shop
screens that is two walks over 500 groups per card sent and per card read, and it was
40% of the event loop's time in ``bench/push.py``. Messages expire after a minute and
memberships after a day, so sweeping at most once a second changes nothing a screen can
see (``SweptInMemoryChannelLayer``). channels' ``group_send`` also starts a task per
member and waits on them, and a sighting's hundred cards went through a hundred of
those: here ``group_send_many`` puts them all on the members' queues in one pass, and
``group_send`` is the same for one message.

channels-redis spends round trips one command at a time: ``BatchedRedisChannelLayer``
sends a sighting's cards and reads a worker's messages a batch per round trip.
"""

from __future__ import annotations

import collections
import logging
import time
import uuid
from collections.abc import Iterable

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer
from channels_redis.core import RedisChannelLayer
from django.core.exceptions import ImproperlyConfigured
from redis.commands.core import AsyncScript

logger = logging.getLogger(__name__)


class SweptInMemoryChannelLayer(InMemoryChannelLayer):
    """``InMemoryChannelLayer`` whose expiry sweep runs at most every ``sweep_interval`` s."""

    def __init__(self, *args, sweep_interval: float = 1.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sweep_interval = sweep_interval
        self._next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, pushes: Iterable[tuple[str, dict]]) -> None:
        """Send each (group, message) pair, in the given order, in one pass.

        The same as a ``group_send`` per pair, without its task per member: putting a
        message on an in-memory queue never waits. A member whose queue is full misses
        the message, as with ``group_send``, and a warning says how many were dropped.
        """
        self._clean_expired()
        dropped = sent = 0
        for group, message in pushes:
            assert isinstance(message, dict), "Message is not a dict"
            self.require_valid_group_name(group)
            for channel in list(self.groups.get(group, ())):
                sent += 1
                try:
                    await self.send(channel, message)
                except ChannelFull:
                    dropped += 1
        if dropped:
            logger.warning("%s of %s messages dropped: their channel is at capacity", dropped, sent)


#: Stores each (channel key, message) pair of a group send: drops a key's expired messages,
#: then adds the message unless the key is at capacity. KEYS are the channel keys (one may
#: come more than once), ARGV the messages, their capacities, the time and the expiry. The
#: scores rise by a microsecond per message so that one call's messages keep their order.
GROUP_SEND = AsyncScript(
    None,  # type: ignore[arg-type]  # redis: no client needed for bytes; one is given per call
    b"""
local n = #KEYS
local now = tonumber(ARGV[2 * n + 1])
local expiry = tonumber(ARGV[2 * n + 2])
local swept = {}
local over_capacity = 0
for i = 1, n do
    local key = KEYS[i]
    if not swept[key] then
        redis.call('ZREMRANGEBYSCORE', key, 0, now - expiry)
        swept[key] = true
    end
    if redis.call('ZCARD', key) < tonumber(ARGV[n + i]) then
        redis.call('ZADD', key, now + i * 0.000001, ARGV[i])
        redis.call('EXPIRE', key, expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
""",
)

#: Pops up to ARGV[3] messages off a process's channel key (KEYS[1]) and keeps a copy in its
#: in-flight key (KEYS[2]) under batch id ARGV[1], marked in KEYS[3]. The copy of the batch
#: before is dropped if the process got it (its id is ARGV[2]) and put back otherwise (the
#: reply was lost: the receive was cancelled or the connection broke), so nothing is lost
#: and nothing comes twice. Returns [message, score, message, score, ...].
RECEIVE_BATCH = AsyncScript(
    None,  # type: ignore[arg-type]  # redis: no client needed for bytes; one is given per call
    b"""
local channel, inflight, batch = KEYS[1], KEYS[2], KEYS[3]
local previous = redis.call('GET', batch)
if previous and previous ~= ARGV[2] then
    local lost = redis.call('ZRANGE', inflight, 0, -1, 'WITHSCORES')
    for i = 1, #lost, 2 do
        redis.call('ZADD', channel, lost[i + 1], lost[i])
    end
end
redis.call('DEL', inflight)
local popped = redis.call('ZPOPMIN', channel, tonumber(ARGV[3]))
if #popped > 0 then
    for i = 1, #popped, 2 do
        redis.call('ZADD', inflight, popped[i + 1], popped[i])
    end
    redis.call('EXPIRE', inflight, tonumber(ARGV[4]))
end
redis.call('SET', batch, ARGV[1], 'EX', tonumber(ARGV[4]))
return popped
""",
)


class BatchedRedisChannelLayer(RedisChannelLayer):
    """channels-redis's layer with fewer round trips to Redis, on both ends of a push.

    channels-redis spends four round trips on a ``group_send`` and four more on each message
    a worker takes in, and a sighting sends a dozen cards: a third of a sighting's time on
    PostgreSQL + Redis was spent in redis-py (``bench/scale.py``, README). Here:

    - ``group_send_many`` sends any number of (group, message) pairs in two round trips (the
      members of every group, then one script storing every message); ``group_send`` is
      the same for one pair.
    - A worker's own channel (``specific.<process>!``, where the messages of all its sockets
      wait) is read up to ``receive_batch`` messages per round trip, and the whole batch is
      handed to its sockets at once. The batch stays in Redis, in flight, until the next
      read confirms it arrived, so a cancelled or broken read neither loses nor repeats a
      message. (As with channels-redis, a read blocked on an empty channel that is
      cancelled just as a message arrives can lose that one message.)

    Messages, keys, expiry, capacity and sharding are channels-redis's own: a process on
    this layer and one on channels-redis's can share a Redis.
    """

    def __init__(self, *args, receive_batch: int = 100, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(receive_batch, int) or receive_batch < 1:
            raise ImproperlyConfigured(
                f"receive_batch must be a whole number of at least 1, not {receive_batch!r}."
            )
        self.receive_batch = receive_batch
        #: The id of the last batch whose reply reached this process, by channel key.
        self._last_batch: dict[str, str] = {}

    async def group_send(self, group: str, message: dict) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, pushes: Iterable[tuple[str, dict]]) -> None:
        """Send each (group, message) pair; each group gets its messages in the given order."""
        pushes = list(pushes)
        if not pushes:
            return
        for group, _ in pushes:
            assert self.require_valid_group_name(group), "Group name not valid"
        members = await self._group_members([group for group, _ in pushes])
        now = time.time()
        keys: dict[int, list[str]] = collections.defaultdict(list)
        messages: dict[int, list[bytes]] = collections.defaultdict(list)
        capacities: dict[int, list[int]] = collections.defaultdict(list)
        for (_, message), channels in zip(pushes, members, strict=True):
            by_index, message_of_key, capacity_of_key = self._map_channel_keys_to_connection(
                channels, message
            )
            for index, channel_keys in by_index.items():
                keys[index] += channel_keys
                messages[index] += [message_of_key[key] for key in channel_keys]
                capacities[index] += [capacity_of_key[key] for key in channel_keys]
        for index, channel_keys in keys.items():
            over_capacity = await GROUP_SEND(
                keys=channel_keys,
                args=[*messages[index], *capacities[index], now, int(self.expiry)],
                client=self.connection(index),
            )
            if over_capacity:
                logger.warning(
                    "%s of %s messages dropped: their channel is at capacity",
                    over_capacity,
                    len(channel_keys),
                )

    async def _group_members(self, groups: list[str]) -> list[list[str]]:
        """The channels in each group, expired memberships dropped: one pipeline per shard."""
        oldest = int(time.time()) - self.group_expiry
        by_index: dict[int, list[int]] = collections.defaultdict(list)
        for position, group in enumerate(groups):
            by_index[self.consistent_hash(group)].append(position)
        members: list[list[str]] = [[] for _ in groups]
        for index, positions in by_index.items():
            pipe = self.connection(index).pipeline(transaction=False)
            for position in positions:
                key = self._group_key(groups[position])
                pipe.zremrangebyscore(key, min=0, max=oldest)
                pipe.zrange(key, 0, -1)
            replies = await pipe.execute()
            for position, channels in zip(positions, replies[1::2], strict=True):
                members[position] = [channel.decode() for channel in channels]
        return members

    async def receive_single(self, channel: str) -> tuple[str | list[str], dict]:
        if "!" not in channel:
            return await super().receive_single(channel)
        # Only channels-redis's ``receive`` calls this for a process channel, holding its
        # receive lock: one read at a time per process. It buffers the message returned for
        # its socket(s); the rest of the batch is buffered here, in the same step, so that
        # every socket waiting wakes at once instead of one per turn of the event loop.
        channel_key = self.prefix + channel
        connection = self.connection(self.consistent_hash(channel))
        received: list[bytes] = []
        while not received:
            batch = uuid.uuid4().hex
            popped = await RECEIVE_BATCH(
                keys=[channel_key, channel_key + "$inflight", channel_key + "$batch"],
                args=[
                    batch,
                    self._last_batch.get(channel_key, ""),
                    self.receive_batch,
                    int(self.expiry),
                ],
                client=connection,
            )
            self._last_batch[channel_key] = batch
            received = popped[0::2]
            if not received:
                # Nothing waiting: block until something comes (the next read takes more).
                result = await connection.bzpopmin(channel_key, timeout=self.brpop_timeout)
                if result is not None:
                    received = [result[1]]
        *others, last = [self._unpack(channel, content) for content in received]
        for target, message in others:
            for name in target if isinstance(target, list) else [target]:
                self.receive_buffer[name].put_nowait(message)
        return last

    def _unpack(self, channel: str, content: bytes) -> tuple[str | list[str], dict]:
        """The message in ``content`` and the channel(s) it is for."""
        message = self.deserialize(content)
        return message.pop("__asgi_channel__", channel), message

    async def flush(self) -> None:
        self._last_batch.clear()
        await super().flush()
