"""Sockets lose what they may no longer see within seconds (logout, membership removed,
erasure), and only pages of this very site (scheme, host and port) may open them."""

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session

from config.asgi import application
from mall.models import Membership
from tests.factories import MembershipFactory, make_customer
from tests.matching.pushes.helpers import clerk_cookie, closed_code, connect, phone_cookie, run
from workflows.shoppers import customer_delete

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


@pytest.fixture(autouse=True)
def _quick_recheck(settings):
    settings.SOCKET_RECHECK_SECONDS = 0.2


async def closed_with(communicator: WebsocketCommunicator) -> int | None:
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["error"]["code"] == "forbidden"
    return await closed_code(communicator)


def session_delete(cookie: str) -> None:
    Session.objects.filter(session_key=cookie.split("=", 1)[1]).delete()


async def test_a_screen_closes_when_its_clerk_logs_out():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator, _ = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    await run(session_delete, cookie)  # what logout does to the session

    assert await closed_with(communicator) == 4403


async def test_a_screen_closes_when_the_clerk_loses_the_membership():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator, _ = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    await run(Membership.objects.filter(pk=membership.pk).delete)

    assert await closed_with(communicator) == 4403


async def test_a_screen_of_a_clerk_still_in_office_stays_open():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator, _ = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    assert await communicator.receive_nothing(timeout=1)
    await communicator.disconnect()


async def test_a_phone_closes_when_its_pairing_session_is_gone():
    registration = await run(make_customer)
    cookie = await run(phone_cookie, customer=registration.customer)
    communicator, _ = await connect("/ws/me/", cookie)

    await run(session_delete, cookie)

    assert await closed_with(communicator) == 4403


async def test_a_phone_gets_me_erased_then_the_socket_closes():
    registration = await run(make_customer)
    cookie = await run(phone_cookie, customer=registration.customer)
    communicator, _ = await connect("/ws/me/", cookie)

    await run(customer_delete, customer=registration.customer)

    assert (await communicator.receive_json_from(timeout=5))["type"] == "me.erased"
    assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"


@pytest.mark.parametrize(
    ("host", "origin", "opens"),
    [
        (b"localhost:8000", b"http://localhost:8000", True),
        (b"localhost:8000", b"http://localhost:9999", False),
        (b"localhost:8000", b"https://localhost:8000", False),
        (b"localhost", b"http://localhost:80", True),
        (b"localhost", b"http://evil.example", False),
        (b"evil.example", b"http://evil.example", False),
        (b"127.0.0.1:8000", b"http://127.0.0.1:9999", False),
        (b"localhost:8000", b"null", False),
    ],
)
async def test_only_this_sites_pages_open_a_socket(host, origin, opens):
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/shops/{membership.shop.slug}/",
        headers=[(b"host", host), (b"origin", origin), (b"cookie", cookie.encode())],
    )

    connected, _ = await communicator.connect(timeout=5)

    assert connected is opens
    await communicator.disconnect()


async def test_a_trusted_origin_from_the_settings_opens_a_socket(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://mall.example.com"]
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/shops/{membership.shop.slug}/",
        headers=[
            (b"host", b"internal:8000"),
            (b"origin", b"https://mall.example.com"),
            (b"cookie", cookie.encode()),
        ],
    )

    connected, _ = await communicator.connect(timeout=5)

    assert connected
    await communicator.disconnect()
