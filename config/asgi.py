"""The ASGI application: Django for HTTP, the consumers of ``config.routing`` for websockets.

``python -m daphne config.asgi:application`` serves both. A websocket's Origin must be this
site, scheme and port included (``core.origins``: a page of another site cannot open a
clerk's socket with the clerk's cookie); then it carries the Django session and user.
"""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before the consumers (and through them the models) are imported.
django.setup(set_prefix=False)

from core.handlers import OneThreadASGIHandler  # noqa: E402

django_application = OneThreadASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from core.origins import SameOriginValidator  # noqa: E402
from core.sqlite import wal_checkpointer_start  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# On SQLite, the write-ahead log is checkpointed by a thread, not by some request's commit.
wal_checkpointer_start()

# Everything loaded so far (Django, the apps, the URL and template machinery) lives as long
# as the process: moved out of the collector's reach, a full collection no longer walks it
# in the middle of a request (tens of milliseconds on a worker, ``bench/sighting.py``).
gc.collect()
gc.freeze()

# A request leaves a few hundred objects in reference cycles (Django's and DRF's request,
# response and view objects, the handler's tasks), which only a full collection frees; by
# CPython's default (a full collection every 10 of the middle generation) that came every
# ~100 sightings and walked the whole unfrozen heap in the middle of one: about 1% of the
# requests, the p99 itself (docs/decisions/0015). Every 100: ten times rarer, each one
# longer by the garbage it frees (a few MB between two).
#: Middle-generation collections per full collection in a worker (CPython's default: 10).
FULL_COLLECTION_EVERY = 100
young, middle, _ = gc.get_threshold()
gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
