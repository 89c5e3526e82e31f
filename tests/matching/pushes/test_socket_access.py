"""Who may open which socket: clerks their shop's, paired phones their own; 4403 for others."""

import pytest

from tests.factories import MembershipFactory, ShopFactory, UserFactory, make_customer
from tests.matching.pushes.helpers import (
    clerk_cookie,
    closed_code,
    connect,
    drain,
    open_socket,
    phone_cookie,
    run,
)
from workflows.shoppers import customer_delete

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def refused_code(path: str, cookie: str | None) -> int | None:
    communicator = await open_socket(path, cookie)
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted, so that the browser can read the close code
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["error"]["code"] == "forbidden"
    return await closed_code(communicator)


async def test_clerk_of_the_shop_gets_a_snapshot_on_connect():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)

    communicator, first = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    assert first == {"type": "cards.snapshot", "cards": []}
    await communicator.disconnect()


async def test_mall_staff_may_watch_any_shop():
    shop = await run(ShopFactory)
    staff = await run(UserFactory, is_staff=True)
    cookie = await run(clerk_cookie, user=staff)

    communicator, first = await connect(f"/ws/shops/{shop.slug}/", cookie)

    assert first["type"] == "cards.snapshot"
    await communicator.disconnect()


async def test_anonymous_visitor_is_refused_with_4403():
    shop = await run(ShopFactory)

    assert await refused_code(f"/ws/shops/{shop.slug}/", None) == 4403


async def test_clerk_of_another_shop_is_refused_with_4403():
    membership = await run(MembershipFactory)
    other = await run(ShopFactory)
    cookie = await run(clerk_cookie, user=membership.user)

    assert await refused_code(f"/ws/shops/{other.slug}/", cookie) == 4403


async def test_unknown_shop_is_refused_like_a_foreign_one():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)

    assert await refused_code("/ws/shops/no-such-shop/", cookie) == 4403


async def test_socket_without_origin_header_is_refused_at_handshake():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator = await open_socket(f"/ws/shops/{membership.shop.slug}/", cookie, origin=False)

    connected, _ = await communicator.connect(timeout=5)

    assert not connected


async def test_paired_phone_gets_its_shop_list_on_connect():
    registration = await run(make_customer)
    cookie = await run(phone_cookie, customer=registration.customer)

    communicator, first = await connect("/ws/me/", cookie)

    assert first["type"] == "shops.update"
    assert [r["desire"]["name"] for r in first["results"]] == ["running shoes"]
    await communicator.disconnect()


async def test_unpaired_phone_is_refused_with_4403():
    assert await refused_code("/ws/me/", None) == 4403


async def test_phone_of_an_erased_shopper_is_refused():
    registration = await run(make_customer)
    cookie = await run(phone_cookie, customer=registration.customer)
    await run(customer_delete, customer=registration.customer)

    assert await refused_code("/ws/me/", cookie) == 4403


async def test_message_from_a_client_gets_a_read_only_error():
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator, _ = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    await communicator.send_json_to({"type": "card.show"})

    assert await drain(communicator) == [READ_ONLY]
    await communicator.disconnect()


READ_ONLY = {"type": "error", "error": {"code": "read_only", "message": "This socket only sends."}}


@pytest.mark.parametrize("frame", ["not json", "[" * 100_000, '{"a": "\\ud800"}'])
async def test_a_frame_that_is_not_json_gets_the_same_error_and_the_socket_stays_open(frame):
    membership = await run(MembershipFactory)
    cookie = await run(clerk_cookie, user=membership.user)
    communicator, _ = await connect(f"/ws/shops/{membership.shop.slug}/", cookie)

    await communicator.send_to(text_data=frame)
    assert await drain(communicator) == [READ_ONLY]
    await communicator.send_json_to({"type": "ping"})
    assert await drain(communicator) == [READ_ONLY]
    await communicator.disconnect()
