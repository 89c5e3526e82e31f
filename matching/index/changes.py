"""Following the change log (``IndexChange``, written by database triggers) so that each
worker's catalogue stays in step with every other worker's writes.

A read asks for the rows after the last one applied (and, on PostgreSQL, those of
transactions that were still running at the previous read: ids are taken in insert order
but become visible in commit order). The last row applied is checked by its random
``nonce``: if it is gone or another row took its id, a write this worker saw was rolled
back, and the catalogue is loaded again from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from matching.models import IndexChange


@dataclass
class Cursor:
    """Where a worker is in the log."""

    #: (id, nonce) of the highest row applied; (0, None) before any.
    last: tuple[int, int | None] = (0, None)
    #: PostgreSQL: the oldest transaction still running at the last read; rows of
    #: transactions from it on are read again until they are known to be finished.
    horizon: int = 0
    #: PostgreSQL: such rows already applied, by id (their nonce).
    pending: dict[int, int] = field(default_factory=dict)


@dataclass
class Batch:
    """What changed since a ``Cursor``: the items and shops to read again."""

    items: set[int]
    shops: set[int]
    #: Staff changed the corridors: walking distances are worked out again.
    corridors: bool
    #: The log no longer holds what this worker applied: load everything again.
    reload: bool
    cursor: Cursor


def changes_read(cursor: Cursor) -> Batch:
    """The log's rows after ``cursor`` (one query)."""
    last_id, last_nonce = cursor.last
    rows, horizon = _rows(last_id, cursor.horizon)
    found = {row_id: nonce for row_id, nonce, *_ in rows}
    reload = bool(last_id) and found.get(last_id) != last_nonce
    reload = reload or any(found.get(row_id) != nonce for row_id, nonce in cursor.pending.items())
    items: set[int] = set()
    shops: set[int] = set()
    corridors = False
    last = cursor.last
    pending: dict[int, int] = {}
    for row_id, nonce, item_id, shop_id, corridor_id, tx in rows:
        if tx is not None and tx >= horizon:
            pending[row_id] = nonce
        if row_id == last_id or row_id in cursor.pending:
            continue  # applied already
        if item_id is not None:
            items.add(item_id)
        if shop_id is not None:
            shops.add(shop_id)
        if corridor_id is not None:
            corridors = True
        if row_id > last[0]:
            last = (row_id, nonce)
    cursor = Cursor(last=last, horizon=horizon, pending=pending)
    return Batch(items, shops, corridors, reload, cursor)


def changes_head() -> Cursor:
    """The cursor for a cold start, read BEFORE the catalogue: a write that lands between
    the two is applied again by the next read (applying a row twice changes nothing)."""
    table = connection.ops.quote_name(IndexChange._meta.db_table)
    with connection.cursor() as db:
        db.execute(f"SELECT id, nonce FROM {table} ORDER BY id DESC LIMIT 1")
        row = db.fetchone()
        if connection.vendor != "postgresql":
            return Cursor(last=(row[0], row[1]) if row else (0, None))
        # Rows of transactions that may still be running: those visible now are in the
        # catalogue about to be read (pending), the others come later.
        xmin = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        db.execute(
            f"SELECT NULL, NULL, {xmin} UNION ALL"
            f" (SELECT id, nonce, tx FROM {table} WHERE tx >= {xmin})"
        )
        rows = db.fetchall()
    horizon = next(tx for row_id, _, tx in rows if row_id is None)
    return Cursor(
        last=(row[0], row[1]) if row else (0, None),
        horizon=horizon,
        pending={row_id: nonce for row_id, nonce, _ in rows if row_id is not None},
    )


def _rows(last_id: int, horizon: int) -> tuple[list[tuple], int]:
    """Rows with an id from ``last_id`` on, or (PostgreSQL) of a transaction from
    ``horizon`` on; and the new horizon (0 on SQLite, whose writers take turns)."""
    table = connection.ops.quote_name(IndexChange._meta.db_table)
    with connection.cursor() as db:
        if connection.vendor != "postgresql":
            db.execute(
                f"SELECT id, nonce, item_id, shop_id, corridor_id, NULL FROM {table}"
                " WHERE id >= %s",
                [last_id],
            )
            return db.fetchall(), 0
        # One statement, so that the horizon and the rows come from one snapshot.
        db.execute(
            "SELECT NULL, NULL, NULL, NULL, NULL,"
            " pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
            f" UNION ALL (SELECT id, nonce, item_id, shop_id, corridor_id, tx FROM {table}"
            " WHERE id >= %s OR tx >= %s)",
            [last_id, horizon],
        )
        rows = db.fetchall()
    horizon = next(row[5] for row in rows if row[0] is None)
    return [row for row in rows if row[0] is not None], horizon
