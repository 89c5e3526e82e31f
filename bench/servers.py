"""Daphne workers in subprocesses, for the benchmarks and the tests that need a real server
(websockets across processes, a browser, timing over HTTP). No pytest here: the tests
import it from here, outside tests/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Host of every worker (in the default ALLOWED_HOSTS, so websocket origins pass).
HOST = "127.0.0.1"
DAPHNE = (sys.executable, "-m", "daphne")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def redis_database_empty(url: str) -> None:
    """Empty the Redis database of ``url`` (a benchmark's own). Workers stopped by a signal
    never leave their groups: their memberships stay for channels-redis's ``group_expiry``
    (a day), and every later push to the group would be written to the dead channels too."""
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()


@dataclass
class Worker:
    """One daphne process serving ``config.asgi:application``."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def http(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{HOST}:{self.port}"


def _wait_for_port(worker: Worker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            log = worker.log.read_text(errors="replace")
            raise RuntimeError(f"daphne on {worker.port} exited:\n{log}")
        try:
            with socket.create_connection((HOST, worker.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on {worker.port} not listening after {timeout} s")


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
    count: int,
    *,
    env: Mapping[str, str],
    logs: Path,
    inherit: bool = True,
    ready_timeout: float = 30,
) -> Iterator[list[Worker]]:
    """``count`` daphne workers, listening when this yields, all stopped on exit whatever
    happened. ``env`` is added to this process's environment, or is the whole environment
    with ``inherit=False``."""
    logs.mkdir(parents=True, exist_ok=True)
    full_env = {**(os.environ if inherit else {}), "PYTHONUNBUFFERED": "1", **env}
    workers: list[Worker] = []
    try:
        for index in range(count):
            port = free_port()
            log = logs / f"daphne-{index}-{port}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*DAPHNE, "-b", HOST, "-p", str(port), "config.asgi:application"],
                    cwd=ROOT,
                    env=full_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            workers.append(Worker(port=port, process=process, log=log))
        for worker in workers:
            _wait_for_port(worker, ready_timeout)
        yield workers
    finally:
        for worker in workers:
            _stop(worker.process)
