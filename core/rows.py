"""Reads the hot path repeats with new values: the ORM's SQL compiled once, then run plain.

Django compiles a queryset's SQL anew at every evaluation: for a read of one row by its
key with ``select_related``, 0.35-0.45 ms, against 15 us for running the statement (a
sighting made three such reads: the kiosk by its key, the shopper by their token, their
wants; ``bench/sighting.py``, cProfile). A ``PreparedRead`` keeps the queryset's SQL and
the compiler's own machinery that turns rows into models (the backend's converters, the
``select_related`` populators) per thread's database connection, and fills in the values
of each call. The models stay the one source of the columns: nothing here names one.

The values must reach the database as given (strings, whole numbers): the ORM's SQL for
``sample`` values is searched for them, each must be found exactly once. Conditions on
other types (a time, say) belong in Python, on the rows read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # not in the stubs
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    #: Where each value of a call goes among ``params``.
    slots: tuple[int, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]
    model: type[Model]
    columns: list[str]
    start: int
    end: int
    related: list[Any]


class PreparedRead(Generic[M]):
    """``build(*values)``'s rows, with the SQL of ``build(*samples)`` (module docstring)."""

    def __init__(self, build: Callable[..., QuerySet[M]], *samples: str | int) -> None:
        if len(set(samples)) != len(samples):
            raise ValueError("Each sample value must differ from the others.")
        self._build = build
        self._samples = samples
        # Per thread, as Django's connections are: a plan holds its connection (the
        # compiler, the backend's converters), and goes with the thread.
        self._local = threading.local()

    def rows(self, *values: str | int) -> list[M]:
        alias = self._alias
        connection = connections[alias]
        entry: tuple[BaseDatabaseWrapper, _Plan] | None = getattr(self._local, "entry", None)
        if entry is None or entry[0] is not connection:
            queryset = self._build(*self._samples)
            entry = (connection, _plan(queryset, self._samples, connection))
            self._local.entry = entry
        plan = entry[1]
        params = list(plan.params)
        for slot, value in zip(plan.slots, values, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = list(plan.compiler.apply_converters(rows, plan.converters))
        found = []
        for row in rows:
            instance = plan.model.from_db(alias, plan.columns, row[plan.start : plan.end])
            for populator in plan.related:
                populator.populate(row, instance)
            found.append(instance)
        return found  # type: ignore[return-value]  # instances of build's model, M

    @property
    def _alias(self) -> str:
        alias = getattr(self, "_known_alias", None)
        if alias is None:
            alias = self._known_alias = self._build(*self._samples).db
        return alias


def _plan(queryset: QuerySet[Any], samples: tuple[Any, ...], connection: Any) -> _Plan:
    # As ModelIterable does it (django.db.models.query), once.
    compiler = queryset.query.get_compiler(using=queryset.db, connection=connection)
    sql, params = compiler.as_sql()
    slots = []
    for sample in samples:
        where = [
            i for i, param in enumerate(params) if param == sample and type(param) is type(sample)
        ]
        if len(where) != 1:
            raise ValueError(f"{sample!r} is found {len(where)} times in the query's values.")
        slots.append(where[0])
    klass_info = compiler.klass_info
    if klass_info is None:
        raise ValueError("A prepared read reads model instances.")
    select = compiler.select
    fields = [expression for expression, _, _ in select[: compiler.col_count]]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Plan(
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        compiler=compiler,
        converters=compiler.get_converters(fields),
        model=klass_info["model"],
        columns=[column[0].target.attname for column in select[start:end]],
        start=start,
        end=end,
        related=get_related_populators(klass_info, select, queryset.db),
    )
