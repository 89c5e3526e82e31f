"""The write-ahead log checkpointer of the embedded database (core/sqlite.py)."""

import sqlite3
import time

import pytest

from core.sqlite import wal_checkpointer_start

ROWS, ROW_BYTES = 2000, 1000


def sqlite(path) -> dict[str, str]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def test_the_checkpointer_copies_the_log_into_the_database(tmp_path):
    # Given a database whose writes are all still in its log (no automatic checkpoint)
    path = tmp_path / "wal.sqlite3"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x TEXT)")
    writer.executemany("INSERT INTO t VALUES (?)", [("x" * ROW_BYTES,)] * ROWS)
    writer.commit()
    assert path.stat().st_size < ROWS * ROW_BYTES / 10

    # When the checkpointer runs
    checkpointer = wal_checkpointer_start(database=sqlite(path), every=0.05)
    try:
        deadline = time.monotonic() + 10
        while path.stat().st_size < ROWS * ROW_BYTES and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        checkpointer.stop()

    # Then the rows are in the database file itself
    assert path.stat().st_size >= ROWS * ROW_BYTES
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (ROWS,)
    writer.close()


def test_the_checkpointer_never_creates_a_database(tmp_path):
    path = tmp_path / "missing.sqlite3"

    checkpointer = wal_checkpointer_start(database=sqlite(path), every=0.01)
    checkpointer.join(5)

    assert not checkpointer.is_alive()
    assert not path.exists()


@pytest.mark.parametrize(
    "database",
    [
        {"ENGINE": "django.db.backends.postgresql", "NAME": "mall"},
        sqlite(":memory:"),
        sqlite("file:memorydb_default?mode=memory&cache=shared"),
    ],
)
def test_no_checkpointer_without_a_sqlite_file(database):
    assert wal_checkpointer_start(database=database) is None


def test_no_checkpointer_when_turned_off(tmp_path, settings):
    settings.SQLITE_CHECKPOINT_EVERY = 0
    path = tmp_path / "off.sqlite3"
    sqlite3.connect(path).close()

    assert wal_checkpointer_start(database=sqlite(path)) is None
