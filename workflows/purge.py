"""The purge: everything past its time, across the apps (DESIGN.md, flow 7)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from customers.pairing import pairing_tickets_used_purge
from matching.services import index_changes_trim
from reports.services import access_log_purge
from workflows.holds import holds_expired_purge
from workflows.restock import stock_expired_purge
from workflows.shoppers import customers_expired_purge
from workflows.sightings import customers_departed_purge


@dataclass(frozen=True)
class PurgeReport:
    wants: int
    customers_expired: int
    customers_departed: int
    stock: int
    holds: int = 0
    access_log: int = 0

    def __str__(self) -> str:
        return (
            f"purged {self.wants} wants, {self.customers_expired} expired shoppers, "
            f"{self.customers_departed} departed shoppers, {self.stock} stock items, "
            f"{self.holds} holds, {self.access_log} access log entries"
        )


def data_purge(*, now: datetime) -> PurgeReport:
    """Delete what is past its time: departed shoppers, expired wants, shoppers, holds,
    stock, and the access log of shoppers gone longer than ``ACCESS_LOG_DAYS``."""
    departed = customers_departed_purge(now=now, grace_seconds=settings.DEPARTURE_GRACE)
    wants, expired = customers_expired_purge(now=now)
    holds = holds_expired_purge(now=now)
    stock = stock_expired_purge(now=now)
    pairing_tickets_used_purge(now=now)
    index_changes_trim()  # the workers' change log: only its recent rows are needed
    return PurgeReport(
        wants=wants,
        customers_expired=expired,
        customers_departed=departed,
        stock=stock,
        holds=holds,
        access_log=access_log_purge(now=now),
    )


def data_purge_repeat(
    *,
    every: float,
    report: Callable[[PurgeReport], None],
    runs: int | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run ``data_purge`` now and then every ``every`` seconds, handing each report to
    ``report``, until ``runs`` runs are done or ``stop`` is set. Returns the runs done.

    Used by ``manage.py purge --every`` and by the demo's background thread. Between runs a
    broken or aged connection is dropped, as Django does per request: a loop has none.
    """
    stop = stop or threading.Event()
    done = 0
    while not stop.is_set() and (runs is None or done < runs):
        _stale_connections_close()
        report(data_purge(now=timezone.now()))
        _stale_connections_close()
        done += 1
        if runs is not None and done >= runs:
            break
        stop.wait(every)
    return done


def _stale_connections_close() -> None:
    # Inside a transaction (a test's) the connection is the transaction: keep it.
    if not connection.in_atomic_block:
        close_old_connections()
