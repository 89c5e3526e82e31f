"""Django's ASGI handler, with each request's middleware and view run in one thread.

Every view of this project is synchronous (DRF, the admin, the pages), and so is most of
the middleware (WhiteNoise is sync-only; Django's own run their hooks through
``sync_to_async`` in async mode). Under the stock handler a request crossed between the
event loop and a worker thread about thirty times: 6 ms for a 404 over daphne, more than
the sighting's own matching. Here the middleware chain is built synchronous and the
whole of it runs in a single ``sync_to_async`` call, the way Channels 2 served HTTP.
Websockets are not concerned: ``config.asgi`` routes them to the consumers.

A view marked ``off_views_thread`` (password checks, CSV imports: long work that would hold
every sighting behind it) runs instead in the one thread of its own pool (``passwords``,
``imports``), with its own database connection, closed when it ends. One thread a pool: a
flood of logins queues there, and leaves the other core to the views (on a 2-core machine,
eight logins hashed at once slowed sightings to 400 ms; queued, they do not).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase
from django.urls import Resolver404, resolve

View = TypeVar("View", bound=Callable[..., Any])


def off_views_thread(pool: str) -> Callable[[View], View]:
    """Run the view in ``pool``'s thread, not the views' shared one (module docstring)."""

    def mark(view: View) -> View:
        view.off_views_thread = pool  # type: ignore[attr-defined]  # a mark on the function
        return view

    return mark


_pools: dict[str, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(name: str) -> ThreadPoolExecutor:
    with _pools_lock:
        if name not in _pools:
            _pools[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"mall-{name}")
        return _pools[name]


def _off_thread_pool(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "off_views_thread", None)


logger = logging.getLogger(__name__)


class OneThreadASGIHandler(ASGIHandler):
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP only, not {scope['type']!r}.")
        await self.handle(scope, receive, send)

    def create_request(self, scope, body_file):
        # Django answers 400 for headers that are not UTF-8, but a content type with a NUL
        # character raises ValueError while the request is built, before any middleware:
        # a 400 too, not a 500. (daphne refuses such a header itself; other servers may
        # not.)
        try:
            return super().create_request(scope, body_file)
        except ValueError:
            logger.warning("Bad Request (unreadable headers)", exc_info=True)
            return None, HttpResponseBadRequest()

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        pool = _off_thread_pool(request)
        if pool is not None:
            context = contextvars.copy_context()
            return await asyncio.get_running_loop().run_in_executor(
                _pool(pool), context.run, self._get_response_alone, request
            )
        # Thread-sensitive: the shared thread, where the signals that check the database
        # connection (request_started, request_finished) run too.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    def _get_response_alone(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return self.get_response(request)
        finally:
            # This pool thread's connection: the request_finished signal closes only the
            # shared thread's.
            connections.close_all()
