"""The database triggers that write the change log (``IndexChange``).

Every insert, update and delete of a stock item or a shop adds a log row, whoever writes
it. They are made by migration 0005 and made again after every ``migrate`` if missing:
SQLite rebuilds a table to alter some of its columns (a later stock migration did), and a
rebuilt table has lost its triggers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

#: (table, log column) of the rows that are followed: stock and shops (migration 0005),
#: the corridors staff draw (migration 0007: walking distances, ``mall.walking``).
FIRST_TABLES = (("stock_stockitem", "item_id"), ("mall_shop", "shop_id"))
CORRIDOR_TABLES = (("mall_corridornode", "corridor_id"), ("mall_corridoredge", "corridor_id"))
TABLES = FIRST_TABLES + CORRIDOR_TABLES
#: (event, the row's name in the trigger)
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))

_SQLITE = """
CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN
    INSERT INTO matching_indexchange ({column}, nonce) VALUES ({row}.id, random());
END
"""

# Statement-level, with transition tables: an import of 200,000 rows logs them in one
# INSERT ... SELECT, not one trigger call per row.
_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO matching_indexchange ({column}, nonce, tx)
    SELECT id, (random() * 9.2e18)::bigint, pg_current_xact_id()::text::bigint FROM changed;
    RETURN NULL;
END
$$
"""
_POSTGRES_TRIGGER = """
CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table}
REFERENCING {transition} TABLE AS changed FOR EACH STATEMENT
EXECUTE FUNCTION {name}()
"""


def _name(table: str, event: str) -> str:
    return f"matching_log_{table}_{event.lower()}"


def triggers_create(
    connection: BaseDatabaseWrapper, tables: tuple[tuple[str, str], ...] = TABLES
) -> None:
    """Make the triggers that are missing (those present are left, or replaced alike);
    a migration passes the tables it knows."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"no change triggers for {vendor}")
    with connection.cursor() as cursor:
        for table, column in tables:
            for event, row in EVENTS:
                names = {
                    "name": _name(table, event),
                    "table": table,
                    "event": event,
                    "column": column,
                    "row": row,
                }
                if vendor == "sqlite":
                    cursor.execute(_SQLITE.format(**names))
                else:
                    cursor.execute(_POSTGRES_FUNCTION.format(**names))
                    cursor.execute(_POSTGRES_TRIGGER.format(transition=row, **names))


def triggers_drop(
    connection: BaseDatabaseWrapper, tables: tuple[tuple[str, str], ...] = TABLES
) -> None:
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table, _ in tables:
            for event, _ in EVENTS:
                name = _name(table, event)
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else "")
                )
                if postgres:
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def triggers_present(connection: BaseDatabaseWrapper) -> set[str]:
    """The names of the change triggers the database has."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = {name for (name,) in cursor.fetchall()}
    return found & {_name(table, event) for table, _ in TABLES for event, _ in EVENTS}


def triggers_ensure(sender: Any = None, *, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: bring back triggers a table rebuild dropped."""
    from django.db import connections

    connection = connections[using]
    if len(triggers_present(connection)) < len(TABLES) * len(EVENTS):
        triggers_create(connection)
