"""The ASGI handler (core/handlers.py): one thread for a request's middleware and view."""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.urls import path

from bench.servers import ROOT
from config.asgi import django_application
from core.handlers import OneThreadASGIHandler

threads: list[int] = []

# Every request starts with Django's close_old_connections, which touches the database
# connection a previous test's thread may have left: these requests need the db fixture.
pytestmark = pytest.mark.django_db


def where_am_i(request):
    from django.http import JsonResponse

    threads.append(threading.get_ident())
    return JsonResponse({"ok": True})


urlpatterns = [path("where/", where_am_i)]


async def _get(application, url: str, headers=(), method: str = "GET") -> tuple[int, bytes]:
    scope = {"type": "http", "method": method, "path": url}
    scope["headers"] = [(b"host", b"127.0.0.1"), *headers]
    scope |= {"query_string": b"", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 9)}
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    body = await communicator.receive_output(5)
    await communicator.wait(5)
    return start["status"], body["body"]


def test_the_middleware_chain_is_synchronous():
    # A coroutine chain would cross threads at every middleware (about thirty times).
    assert isinstance(django_application, OneThreadASGIHandler)
    assert not asyncio.iscoroutinefunction(django_application._middleware_chain)


@pytest.mark.urls(__name__)
def test_requests_run_in_one_shared_thread(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csrf" not in m.lower()]
    threads.clear()
    application = OneThreadASGIHandler()

    async def twice():
        return [await _get(application, "/where/") for _ in range(2)]

    answers = asyncio.run(twice())
    assert [status for status, _ in answers] == [200, 200]
    assert json.loads(answers[0][1]) == {"ok": True}
    # The same thread both times, and not this one: the connection it holds is reused.
    assert len(threads) == 2 and threads[0] == threads[1] != threading.get_ident()


def test_an_unknown_api_url_answers_the_json_error_shape():
    status, body = asyncio.run(_get(django_application, "/api/no-such-thing/"))
    assert status == 404
    assert set(json.loads(body)["error"]) >= {"code", "message"}


def test_a_content_type_with_a_nul_character_is_a_400_not_a_500():
    # daphne refuses it before Django; a server that passes it on gets a 400 from here.
    headers = [(b"content-type", b"application/json; charset=\x00")]

    status, _ = asyncio.run(_get(django_application, "/api/kiosk/sightings/", headers, "POST"))

    assert status == 400


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    # In a fresh interpreter: this one has loaded config.asgi already.
    probe = (
        "import gc; before = gc.get_freeze_count(); import config.asgi;"
        " print(before, gc.get_freeze_count(), gc.get_threshold()[2])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    before, after, full_every = map(int, done.stdout.split())
    assert before == 0
    # Django, the apps and the URL machinery: tens of thousands of objects.
    assert after > 10_000
    # Full collections ten times rarer than CPython's default (decision 0015).
    assert full_every == 100


def test_a_worker_on_sqlite_checkpoints_its_log_from_a_thread(tmp_path):
    database = tmp_path / "worker.sqlite3"
    sqlite3.connect(database).close()
    probe = "import threading, config.asgi; print([t.name for t in threading.enumerate()])"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SQLITE_CHECKPOINT_EVERY": "0.5",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "sqlite-wal-checkpoint" in done.stdout
