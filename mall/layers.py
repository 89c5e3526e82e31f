"""The in-memory channel layer of the embedded defaults, with its expiry sweep made cheap.

channels' ``InMemoryChannelLayer`` sweeps every channel and every group for expired
messages and memberships on each ``group_send`` and each ``receive``: with 500 shop
screens that is two walks over 500 groups per card sent and per card read, and it was
40% of the event loop's time in ``bench/push.py``. Messages expire after a minute and
memberships after a day, so sweeping at most once a second changes nothing a screen can
see. Everything else is channels' own layer.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer


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
