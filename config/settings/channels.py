"""Channel layer and cache: Redis when ``REDIS_URL`` is set, in memory otherwise."""

import os

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's layer with fewer round trips per push (core/layers.py).
            "BACKEND": "core.layers.BatchedRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # A push is sent inside an HTTP write: an unreachable Redis must fail
                        # it fast (it is logged and dropped), not hang the request.
                        "socket_connect_timeout": 2,
                        # Above channels-redis's 5 s blocking pop, or idle receivers drop
                        # (channels_redis issue 422; redis-py 8 defaults to 5 s).
                        "socket_timeout": 10,
                        # Ping a pooled connection idle this long before use: one left over
                        # from before a Redis restart is replaced instead of failing a push.
                        "health_check_interval": 30,
                        "socket_keepalive": True,
                    }
                ],
                # channels-redis queues the messages of every socket of a worker process in
                # one Redis list, and group_send drops silently when it is full: a worker
                # with hundreds of shop screens needs far more than the default 100.
                "capacity": 20000,
                "expiry": 60,
            },
        }
    }
else:
    # channels' in-memory layer, sweeping expired messages once a second instead of on
    # every send and receive (core/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "core.layers.SweptInMemoryChannelLayer"}}

if REDIS_URL:
    # Rate limits are counted by every worker together.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mall-cache",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
