"""Wrong passwords lock a username out from that address (django-axes), on the clerks'
login page and the admin's; password checks run off the views' thread."""

import asyncio
import threading
from urllib.parse import urlencode

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import resolve

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/shop/login/", "/admin/login/"])
def test_wrong_passwords_then_the_right_one_is_locked_out(page):
    # Given a clerk (staff, for the admin)
    user = MembershipFactory().user
    user.is_staff = True
    user.save()
    client = Client()

    # when someone tries 40 wrong passwords
    wrong = [
        client.post(page, {"username": user.username, "password": f"guess-{n}"}).status_code
        for n in range(40)
    ]

    # then the fifth locks them out, and the right password does not get in either
    assert wrong[:4] == [200] * 4
    assert set(wrong[4:]) == {429}
    right = client.post(page, {"username": user.username, "password": "pass-word-123"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address():
    victim = UserFactory()
    MembershipFactory(user=victim)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(6):
        attacker.post("/shop/login/", {"username": victim.username, "password": f"x{n}"})

    # the clerk at the till, from another address, still logs in
    clerk = Client(REMOTE_ADDR="10.0.0.7")
    answer = clerk.post("/shop/login/", {"username": victim.username, "password": "pass-word-123"})

    assert answer.status_code == 302


def test_a_success_before_the_limit_resets_the_count():
    user = MembershipFactory().user
    client = Client()
    for n in range(4):
        client.post("/shop/login/", {"username": user.username, "password": f"x{n}"})
    assert (
        client.post(
            "/shop/login/", {"username": user.username, "password": "pass-word-123"}
        ).status_code
        == 302
    )
    client.logout()

    for n in range(4):
        client.post("/shop/login/", {"username": user.username, "password": f"y{n}"})

    assert (
        client.post(
            "/shop/login/", {"username": user.username, "password": "pass-word-123"}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("path", ["/shop/login/", "/admin/login/", "/shop/x/stock/import/"])
def test_password_checks_and_imports_are_marked_off_the_views_thread(path):
    assert getattr(resolve(path).func, "off_views_thread", False)


@pytest.mark.django_db(transaction=True)
def test_a_login_runs_outside_the_views_shared_thread():
    from core.handlers import OneThreadASGIHandler

    csrf = "a" * 32
    seen: list[int] = []

    def on_failure(**kwargs):
        seen.append(threading.get_ident())

    user_login_failed.connect(on_failure)
    application = OneThreadASGIHandler()

    async def login_and_find_the_shared_thread() -> tuple[int, int]:
        body = urlencode(
            {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": csrf}
        ).encode()
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/shop/login/",
            "query_string": b"",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"cookie", f"csrftoken={csrf}".encode()),
            ],
            "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 9),
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": body})
        start = await communicator.receive_output(10)
        await communicator.receive_output(10)
        await communicator.wait(5)
        shared = await sync_to_async(threading.get_ident, thread_sensitive=True)()
        return start["status"], shared

    try:
        status, shared = asyncio.run(login_and_find_the_shared_thread())
    finally:
        user_login_failed.disconnect(on_failure)

    assert status == 200
    assert len(seen) == 1
    assert seen[0] != shared
