"""Holds and sales on the last units, across two daphne workers on one PostgreSQL: what is
held plus what is sold never exceeds the shelf, and the row agrees with the holds."""

from __future__ import annotations

import secrets
import threading
from collections import Counter

import httpx

from customers.models import Share
from stock.models import Hold, Sale, StockItem
from tests.factories import make_customer
from tests.scale.conftest import ClerkShop, log_tail
from tests.scale.servers import Worker, needs_services

pytestmark = needs_services


def clerk_client(worker: Worker, cookie: str) -> httpx.Client:
    """A clerk's browser on ``worker``: session cookie, and the CSRF pair a page sends."""
    csrf = secrets.token_hex(16)
    return httpx.Client(
        base_url=worker.http,
        headers={"Cookie": f"{cookie}; csrftoken={csrf}", "X-CSRFToken": csrf},
        timeout=30,
        trust_env=False,
    )


def test_twenty_concurrent_holds_and_sales_across_workers_never_oversell(
    two_workers: list[Worker], clerk_shop: ClerkShop
):
    # Given five left, and four shoppers who shared with the shop
    item = clerk_shop.item
    shoppers = [make_customer("running shoes").customer for _ in range(4)]
    for customer in shoppers:
        Share.objects.create(customer=customer, shop=clerk_shop.shop)
    start = threading.Barrier(20)
    answers: list[tuple[str, httpx.Response | BaseException | None]] = [("", None)] * 20

    # When ten holds of two and ten sales of one are released at once, alternately on
    # each worker
    def act(index: int) -> None:
        worker = two_workers[index % 2]
        kind = "hold" if index % 4 < 2 else "sale"
        try:
            with clerk_client(worker, clerk_shop.cookie) as clerk:
                start.wait(timeout=30)
                if kind == "hold":
                    body = {"customer": shoppers[index % 4].code, "item": item.pk, "quantity": 2}
                    answers[index] = (kind, clerk.post("/api/shops/sole/holds/", json=body))
                else:
                    body = {"item": item.pk, "quantity": 1}
                    answers[index] = (kind, clerk.post("/api/shops/sole/sales/", json=body))
        except BaseException as error:
            answers[index] = (kind, error)

    threads = [threading.Thread(target=act, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then every answer is a success or a refusal for lack of free units, nothing else
    outcomes = Counter(
        (kind, a.status_code, a.json().get("error", {}).get("code"))
        if isinstance(a, httpx.Response)
        else (kind, type(a).__name__, str(a))
        for kind, a in answers
    )
    logs = "\n".join(log_tail(w.log) for w in two_workers)
    assert set(outcomes) <= {
        ("hold", 201, None),
        ("hold", 409, "not_available"),
        ("sale", 201, None),
        ("sale", 409, "out_of_stock"),
    }, (outcomes, logs)
    held = 2 * outcomes[("hold", 201, None)]
    sold = outcomes[("sale", 201, None)]
    row = StockItem.objects.get(pk=item.pk)
    # and never more held and sold than the five on the shelf, with the row agreeing
    assert held + sold <= 5
    assert held + sold >= 4  # a refusal only when fewer than asked were free
    assert row.quantity == 5 - sold == 5 - Sale.objects.filter(item=item).count()
    assert (
        row.held == held == sum(Hold.objects.filter(item=item).values_list("quantity", flat=True))
    )
