"""The process memo: one catalogue per worker process, brought up to date before each use.

A cold start loads it from the database; after that, each use reads the change log once
(one query) and rereads only the rows written since. What was remembered of postings
(``phrases``) is dropped when they change.
"""

from __future__ import annotations

import gc
import threading
import time

from mall.walking import walking_forget
from matching.index.catalogue import Catalogue, catalogue_load, items_read
from matching.index.changes import Cursor, changes_head, changes_read

_lock = threading.Lock()
_catalogue: Catalogue | None = None
_cursor = Cursor()
#: Seconds the last cold start took (reported by the benchmark).
last_load_seconds = 0.0
#: From this many items on, a loaded catalogue is moved out of the garbage collector's
#: sight (``gc.freeze``): a full collection would otherwise walk its hundreds of
#: thousands of rows, tens of milliseconds, in the middle of some sighting.
FREEZE_FROM_ITEMS = 50_000
_frozen = False


def catalogue_current() -> Catalogue:
    """This worker's catalogue, with every committed write (and the caller's own) applied."""
    global _catalogue, _cursor, last_load_seconds
    with _lock:
        if _catalogue is None:
            started = time.perf_counter()
            _cursor = changes_head()
            walking_forget()  # read with the catalogue: changes from here on are in the log
            # The load makes hundreds of thousands of objects that all stay: the collector,
            # left on, walked them again and again while they piled up (a dozen full
            # collections in one cold start); they are collected once, below, and frozen.
            collecting = gc.isenabled()
            gc.disable()
            try:
                _catalogue = catalogue_load()
            finally:
                if collecting:
                    gc.enable()
            last_load_seconds = time.perf_counter() - started
            _freeze(len(_catalogue.by_key))
            return _catalogue
        batch = changes_read(_cursor)
        if batch.reload or batch.shops or _catalogue.full:
            # A write this worker saw was rolled back, or a shop moved: start again (rare).
            _unfreeze()
            _catalogue = None
            _cursor = Cursor()
        else:
            if batch.items:
                rows = {item.pk: item for item in items_read(batch.items, _catalogue.shops)}
                for item_id in batch.items:
                    if item_id in rows:
                        _catalogue.item_put(rows[item_id])
                    else:
                        _catalogue.item_drop(item_id)
            if batch.corridors:
                walking_forget()  # staff changed the corridors: walking distances anew
            _cursor = batch.cursor
            _catalogue.expired_drop(time.time())
            return _catalogue
    return catalogue_current()


def catalogue_forget() -> None:
    """Drop this worker's catalogue: the next use loads it again (tests, benchmark)."""
    global _catalogue, _cursor
    with _lock:
        _unfreeze()
        _catalogue = None
        _cursor = Cursor()


def _freeze(items: int) -> None:
    global _frozen
    if items >= FREEZE_FROM_ITEMS:
        gc.collect()
        gc.freeze()
        _frozen = True


def _unfreeze() -> None:
    # The old catalogue must become collectable again, or a reload would keep both.
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False
