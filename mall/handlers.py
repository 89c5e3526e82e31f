"""Django's ASGI handler, with each request's middleware and view run in one thread.

Every view of this project is synchronous (DRF, the admin, the pages), and so is most of
the middleware (WhiteNoise is sync-only; Django's own run their hooks through
``sync_to_async`` in async mode). Under the stock handler a request crossed between the
event loop and a worker thread about thirty times: 6 ms for a 404 over daphne, more than
the sighting's own matching. Here the middleware chain is built synchronous and the
whole of it runs in a single ``sync_to_async`` call, the way Channels 2 served HTTP.
Websockets are not concerned: ``mall.asgi`` routes them to the consumers.
"""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase

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
        # Thread-sensitive: the shared thread, where the signals that check the database
        # connection (request_started, request_finished) run too.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
