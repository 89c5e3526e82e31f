"""The synonym table as the engine and the index use it: read on every sighting, one
object per content of the table (so the index can remember its answers per phrase)."""

from __future__ import annotations

import functools

from django.db import connection

from matching import engine
from matching.models import SynonymGroup


def synonyms_current() -> engine.Synonyms:
    """The synonym table as the engine uses it (one object per content of the table)."""
    # Plain SQL: it runs on every sighting, and building the ORM query cost more than
    # running it.
    table = connection.ops.quote_name(SynonymGroup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT words FROM {table} ORDER BY words")
        return _synonyms(tuple(words for (words,) in cursor.fetchall()))


@functools.lru_cache(maxsize=8)
def _synonyms(lines: tuple[str, ...]) -> engine.Synonyms:
    # The same object for the same table lets the index remember its answers per phrase.
    return engine.Synonyms(lines)
