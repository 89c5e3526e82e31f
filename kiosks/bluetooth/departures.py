"""Departures kept on disk until the server has them, and the backoff between attempts.

A departure must never be lost (the server erases a shopper only after it hears they left),
so the agent writes it to a small SQLite file before sending it and deletes it once the server
has taken it. Undelivered departures are retried with exponential backoff, also after a
restart.
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QueuedDeparture:
    """One departure waiting for the server."""

    id: int
    token: str
    queued_at: float
    attempts: int


class DepartureQueue:
    """Departures on disk (SQLite, fsync on every commit) until the server has them.

    The file holds shoppers' tokens, which are secrets: it is created readable by its
    owner only.
    """

    FILENAME = "departures.sqlite3"

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.directory / self.FILENAME
        self.path.touch(mode=0o600, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        # FULL: a commit returns only after fsync, so a power cut cannot lose a departure.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS departure ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " token TEXT NOT NULL,"
            " queued_at REAL NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " next_attempt_at REAL NOT NULL)"
        )

    def put(self, token: str, now: float | None = None) -> int:
        """Keep a departure; it is due at once."""
        now = time.time() if now is None else now
        cursor = self._db.execute(
            "INSERT INTO departure (token, queued_at, next_attempt_at) VALUES (?, ?, ?)",
            (token, now, now),
        )
        return int(cursor.lastrowid or 0)

    def due(self, now: float | None = None, limit: int = 50) -> list[QueuedDeparture]:
        """Departures whose next attempt is due, oldest first."""
        now = time.time() if now is None else now
        rows = self._db.execute(
            "SELECT id, token, queued_at, attempts FROM departure"
            " WHERE next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [QueuedDeparture(*row) for row in rows]

    def next_attempt_at(self) -> float | None:
        """When the earliest waiting departure is due; ``None`` if the queue is empty."""
        (value,) = self._db.execute("SELECT MIN(next_attempt_at) FROM departure").fetchone()
        return value

    def delivered(self, departure_id: int) -> None:
        """The server has it (or refused it for good): forget it."""
        self._db.execute("DELETE FROM departure WHERE id = ?", (departure_id,))

    def retry_later(self, departure_id: int, next_attempt_at: float) -> None:
        """Count a failed attempt and schedule the next."""
        self._db.execute(
            "UPDATE departure SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
            (next_attempt_at, departure_id),
        )

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM departure").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database file."""
        self._db.close()


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: ``first`` seconds, doubling, capped at ``cap``, with jitter."""

    first: float = 1.0
    cap: float = 300.0
    jitter: float = 0.1

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure (1 = first failure)."""
        base = min(self.cap, self.first * 2 ** max(0, attempts - 1))
        # Jitter spreads the retries of many kiosks after the server comes back.
        return base * (1 + random.uniform(0, self.jitter))
