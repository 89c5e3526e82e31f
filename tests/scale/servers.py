"""Real servers for the scale-out tests: daphne workers in subprocesses, a private Redis.

The workers read the pytest-django test database (committed data only: the tests use
``transactional_db``) and talk to each other through Redis, as production workers do.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.servers import HOST, Worker, daphne_workers, free_port

__all__ = ["HOST", "PrivateRedis", "Worker", "daphne_workers", "free_port"]


def services_configured() -> bool:
    """True when the suite runs on PostgreSQL and Redis (the second CI pass)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) and bool(
        os.environ.get("REDIS_URL")
    )


#: Marks a module of tests that need the real servers; skipped on the embedded defaults.
needs_services = [
    pytest.mark.services,
    pytest.mark.skipif(
        not services_configured(),
        reason="needs PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL",
    ),
]


def database_url(name: str) -> str:
    """``DATABASE_URL`` pointed at database ``name`` (the test database)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


class PrivateRedis:
    """A Redis server of this test alone, on its own port: it can be stopped and started
    again without touching the Redis that other tests (and other processes) share."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        """Start it as production docs say (no persistence) and wait until it answers."""
        subprocess.run(
            [
                *("redis-server", "--daemonize", "yes", "--bind", HOST, "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
                *("--pidfile", str(self.workdir / "redis.pid")),
            ],
            check=True,
            capture_output=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """``shutdown nosave``; returns once the port is closed."""
        subprocess.run(
            ["redis-cli", "-h", HOST, "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {self.port} did not stop")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=0.2):
                return True
        except OSError:
            return False


@contextmanager
def private_redis(workdir: Path) -> Iterator[PrivateRedis]:
    """A started ``PrivateRedis``, shut down on exit even when the test failed."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.skip("redis-server and redis-cli are needed to restart a Redis")
    server = PrivateRedis(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
