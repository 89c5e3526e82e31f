"""The database: ``DATABASE_URL``, or a SQLite file in the project."""

import os
import tempfile

import dj_database_url

from config.settings.base import BASE_DIR
from config.settings.env import env_number

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Kept across requests: a worker runs all its sync work in one thread
        # (core/handlers.py), so the connection is reused, not piled up per request.
        conn_max_age=env_number("CONN_MAX_AGE", "600", int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Sales and sightings write from several threads (ASGI); wait for the lock instead of
    # failing at once, and use WAL so readers never block the writer.
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue on
    # the timeout instead of failing when a read upgrades to a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A serving process checkpoints the log from a thread (core/sqlite.py); a commit still
    # does at 10,000 pages (SQLite's default: 1,000), if that falls behind. 0: no thread,
    # and SQLite's default.
    SQLITE_CHECKPOINT_EVERY = env_number("SQLITE_CHECKPOINT_EVERY", "0.5")
    if SQLITE_CHECKPOINT_EVERY > 0:
        DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA wal_autocheckpoint=10000;"
    # Tests use a file, not shared-cache memory, so that they see real locking; one per
    # process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"mall-test-{os.getpid()}.sqlite3")
    }
