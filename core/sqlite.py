"""The embedded database's write-ahead log, checkpointed away from the requests.

In WAL mode SQLite copies the log back into the database file (a checkpoint) inside the
commit that takes the log past ``wal_autocheckpoint`` pages: about one sighting in twenty
paid some 6 ms for the writes of the others (``bench/sighting.py``: 47 commits of 1,000
over 2 ms; 5 with this thread). A serving process checkpoints from a thread of its own
instead; the connections' own checkpoint stays as a backstop, at a larger size
(``SQLITE_CHECKPOINT_EVERY`` in ``settings``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


class WalCheckpointer(threading.Thread):
    """Checkpoints one SQLite database every ``every`` seconds, with a connection of its
    own. ``PASSIVE``: it copies what it can and never waits for a reader or the writer."""

    def __init__(self, path: str, every: float) -> None:
        super().__init__(name="sqlite-wal-checkpoint", daemon=True)
        self.path, self.every = path, every
        self._stopping = threading.Event()

    def run(self) -> None:
        # mode=rw: a checkpointer never creates a database (say, a process that imported
        # the ASGI application before the tests pointed Django at their own database).
        uri = f"{Path(self.path).resolve().as_uri()}?mode=rw"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=1, check_same_thread=False)
        except sqlite3.Error:
            logger.info("no WAL checkpointer: cannot open %s", self.path)
            return
        try:
            while not self._stopping.wait(self.every):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    logger.warning("WAL checkpoint of %s failed", self.path, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def wal_checkpointer_start(
    *, database: dict[str, Any] | None = None, every: float | None = None
) -> WalCheckpointer | None:
    """Start checkpointing ``database`` (a ``DATABASES`` entry; the default one when None)
    every ``every`` seconds (``SQLITE_CHECKPOINT_EVERY`` when None) in the background.
    None when it is not a SQLite file, or ``every`` is 0."""
    config: Mapping[str, Any] = database if database is not None else settings.DATABASES["default"]
    if every is None:
        every = getattr(settings, "SQLITE_CHECKPOINT_EVERY", 0.0)
    name = str(config.get("NAME", ""))
    in_memory = ":memory:" in name or "mode=memory" in name
    if config["ENGINE"] != "django.db.backends.sqlite3" or not name or in_memory or every <= 0:
        return None
    checkpointer = WalCheckpointer(name, every)
    checkpointer.start()
    return checkpointer
