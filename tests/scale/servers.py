"""Real servers for the scale-out tests: daphne workers in subprocesses, a private Redis.

The workers read the pytest-django test database (committed data only: the tests use
``transactional_db``) and talk to each other through Redis, as production workers do.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Host and Origin of every request to a worker (in ALLOWED_HOSTS, so the websocket
#: origin check lets the clerk in).
HOST = "127.0.0.1"
ORIGIN = f"http://{HOST}"
DAPHNE = (sys.executable, "-m", "daphne")


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


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url(name: str) -> str:
    """``DATABASE_URL`` pointed at database ``name`` (the test database)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker on {port} exited:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"worker on {port} not listening after {timeout} s")


@dataclass
class Worker:
    """One daphne process serving ``mall.asgi:application``."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def http(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{HOST}:{self.port}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def daphne_workers(
    count: int, *, env: Mapping[str, str], logs: Path, ready_timeout: float = 30
) -> Iterator[list[Worker]]:
    """``count`` daphne workers with ``env`` added to this process's environment; all of
    them stopped on exit, whatever happened."""
    logs.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    workers: list[Worker] = []
    try:
        for index in range(count):
            port = free_port()
            log = logs / f"daphne-{index}-{port}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*DAPHNE, "-b", HOST, "-p", str(port), "mall.asgi:application"],
                    cwd=ROOT,
                    env=full_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            workers.append(Worker(port=port, process=process, log=log))
        for worker in workers:
            _wait_for_port(worker.port, worker.process, worker.log, ready_timeout)
        yield workers
    finally:
        for worker in workers:
            _stop(worker.process)


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
