"""Django's ASGI handler, with each request's middleware and view run in one thread.

Every view of this project is synchronous (DRF, the admin, the pages), and so is most of
the middleware (WhiteNoise is sync-only; Django's own run their hooks through
``sync_to_async`` in async mode). Under the stock handler a request crossed between the
event loop and a worker thread about thirty times: 6 ms for a 404 over daphne, more than
the sighting's own matching. Here the middleware chain is built synchronous and the
whole of it runs in a single ``sync_to_async`` call, the way Channels 2 served HTTP.
Websockets are not concerned: ``mall.asgi`` routes them to the consumers.

A view marked ``off_views_thread`` (password checks, CSV imports: long work that would hold
every sighting behind it) runs in a pool thread of its own instead, with its own database
connection, closed when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase
from django.urls import Resolver404, resolve

View = TypeVar("View", bound=Callable[..., Any])


def off_views_thread(view: View) -> View:
    """Mark ``view`` to run outside the views' shared thread (see the module docstring)."""
    view.off_views_thread = True  # type: ignore[attr-defined]
    return view


def _runs_off_thread(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "off_views_thread", False)


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
        if _runs_off_thread(request):
            return await sync_to_async(self._get_response_alone, thread_sensitive=False)(request)
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
