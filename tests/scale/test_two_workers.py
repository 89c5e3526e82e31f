"""Two daphne workers on one PostgreSQL and one Redis behave as one server."""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import pytest

from stock.models import Sale, StockItem
from tests.factories import make_customer
from tests.scale.conftest import (
    ClerkShop,
    card_of,
    http_client,
    log_tail,
    receive,
    receive_until,
    shop_socket,
    sight,
)
from tests.scale.servers import Worker, needs_services

pytestmark = needs_services


def test_clerk_on_one_worker_gets_the_card_of_a_sighting_posted_to_the_other(
    two_workers: list[Worker], clerk_shop: ClerkShop
):
    screen_worker, kiosk_worker = two_workers
    shopper = make_customer("running shoes")

    with shop_socket(screen_worker, "sole", clerk_shop.cookie) as screen:
        assert receive(screen) == {"type": "cards.snapshot", "cards": []}
        with http_client(kiosk_worker, kiosk_key=clerk_shop.kiosk_key) as kiosk:
            assert sight(kiosk, shopper.token).status_code == 200

        card = receive_until(screen, card_of(shopper.customer.code), timeout=10)

    assert card["card"]["desires"][0]["name"] == "running shoes"


def test_twenty_concurrent_sales_across_workers_sell_exactly_the_five_left(
    two_workers: list[Worker], clerk_shop: ClerkShop
):
    # Given five left, and twenty clerks' sales released at once, alternately on each worker
    item = clerk_shop.item
    start = threading.Barrier(20)
    answers: list[httpx.Response | BaseException | None] = [None] * 20

    def sell(index: int) -> None:
        worker = two_workers[index % 2]
        try:
            with http_client(worker, kiosk_key=clerk_shop.kiosk_key) as clerk:
                start.wait(timeout=30)
                answers[index] = clerk.post(
                    "/api/shops/sole/sales/", json={"item": item.pk, "quantity": 1}
                )
        except BaseException as error:
            answers[index] = error

    threads = [threading.Thread(target=sell, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then five sales, fifteen refusals for lack of stock, and nothing else
    outcomes = Counter(
        (a.status_code, a.json().get("error", {}).get("code"))
        if isinstance(a, httpx.Response)
        else (type(a).__name__, str(a))
        for a in answers
    )
    logs = "\n".join(log_tail(w.log) for w in two_workers)
    assert outcomes == {(201, None): 5, (409, "out_of_stock"): 15}, logs
    assert StockItem.objects.get(pk=item.pk).quantity == 0
    assert Sale.objects.filter(item=item).count() == 5


@pytest.mark.parametrize("screen_index", [0, 1])
def test_a_screen_on_either_worker_gets_the_withdrawal_of_a_sale_on_the_other(
    two_workers: list[Worker], clerk_shop: ClerkShop, screen_index: int
):
    screen_worker, till_worker = two_workers[screen_index], two_workers[1 - screen_index]
    shopper = make_customer("running shoes")

    with shop_socket(screen_worker, "sole", clerk_shop.cookie) as screen:
        receive(screen)
        with http_client(till_worker, kiosk_key=clerk_shop.kiosk_key) as till:
            assert sight(till, shopper.token).status_code == 200
            receive_until(screen, card_of(shopper.customer.code))
            sale = till.post(
                "/api/shops/sole/sales/",
                json={"item": clerk_shop.item.pk, "customer": shopper.customer.code},
            )
            assert sale.status_code == 201

        withdrawal = receive_until(
            screen,
            lambda m: m["type"] == "card.withdraw" and m["customer"] == shopper.customer.code,
        )

    assert withdrawal == {"type": "card.withdraw", "customer": shopper.customer.code}
