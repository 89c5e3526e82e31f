"""Pushes reach their sockets while the thread that runs the HTTP views is busy: under load
that thread always is, and a push that waited for it fell seconds behind (bench/scale.py)."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from matching import realtime
from tests.factories import MembershipFactory, make_customer
from tests.matching.pushes.helpers import clerk_cookie, connect, phone_cookie, run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def test_a_pushed_card_and_list_do_not_wait_for_the_views():
    membership = await run(MembershipFactory)
    clerk = await run(clerk_cookie, user=membership.user)
    registration = await run(make_customer, "tea")
    phone = await run(phone_cookie, customer=registration.customer)
    screen, _ = await connect(f"/ws/shops/{membership.shop.slug}/", clerk)
    page, _ = await connect("/ws/me/", phone)
    layer = get_channel_layer()
    card = realtime.card_show_message({"customer": "AB12"})
    update = realtime.shops_update_message([])

    # The views' thread (asgiref's thread-sensitive one) held, as by a request in flight.
    release = threading.Event()
    views = asyncio.ensure_future(sync_to_async(release.wait, thread_sensitive=True)())
    try:
        await layer.group_send(realtime.shop_group(membership.shop.pk), card)
        await layer.group_send(realtime.customer_group(registration.customer.pk), update)
        assert await screen.receive_json_from(timeout=2) == card
        assert await page.receive_json_from(timeout=2) == update
    finally:
        release.set()
        await views
    await screen.disconnect()
    await page.disconnect()
