"""Holds (flow 9): a clerk keeps units of an item for a shopper the shop sees; held units
are offered to no one else, a sale to that shopper takes them, and they end on that sale,
on expiry, or when the clerk or the shopper cancels. Never more than the shelf has."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from core.errors import NotAvailable, OutOfStock
from customers.models import Share
from stock.models import Hold, Sale, StockItem
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import bearer
from workflows.holds import hold_create
from workflows.sales import sale_record
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def shared(*wants, shop):
    """A shopper who shared with ``shop``."""
    registration = make_customer(*wants)
    Share.objects.create(customer=registration.customer, shop=shop)
    return registration


def hold(clerk, customer, item, quantity=1, **extra):
    body = {"customer": customer.code, "item": item.pk, "quantity": quantity} | extra
    return clerk.post("/api/shops/sole/holds/", body, format="json")


def test_hold_sets_units_aside_for_two_hours_by_default(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3)
    shopper = shared("running shoes", shop=sole)

    response = hold(clerk, shopper.customer, item, 2)

    assert response.status_code == 201
    body = response.json()
    assert (body["quantity"], body["item"]["id"], body["customer"]) == (
        2,
        item.pk,
        shopper.customer.code,
    )
    until = Hold.objects.get().until
    assert timedelta(hours=1, minutes=59) < until - timezone.now() <= timedelta(hours=2)
    item.refresh_from_db()
    assert (item.quantity, item.held, item.free) == (3, 2, 1)


def test_held_units_are_not_offered_to_another_shopper(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item, 2)
    other = make_customer("running shoes")

    results = customer_sight(kiosk=make_kiosk(sole).kiosk, customer=other.customer)["results"]

    assert results[0]["offers"][0]["item"]["quantity"] == 1


def test_item_with_every_unit_held_leaves_the_results(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=2)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item, 2)
    other = make_customer("running shoes")

    results = customer_sight(kiosk=make_kiosk(sole).kiosk, customer=other.customer)["results"]

    assert results[0]["offers"] == []


def test_hold_of_more_than_is_free_is_a_409_and_changes_nothing(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3)
    first, second = shared("shoes", shop=sole), shared("shoes", shop=sole)
    hold(clerk, first.customer, item, 2)

    response = hold(clerk, second.customer, item, 2)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_available"
    assert Hold.objects.count() == 1
    assert StockItem.objects.get().held == 2


def test_hold_for_a_shopper_the_shop_does_not_see_is_a_404_like_an_unknown_code(clerk, sole):
    item = make_item(sole, "Running Shoes")
    stranger = make_customer("running shoes")

    response = hold(clerk, stranger.customer, item)
    unknown = clerk.post(
        "/api/shops/sole/holds/", {"customer": "ZZZZZZ", "item": item.pk}, format="json"
    )

    assert response.status_code == unknown.status_code == 404
    assert not Hold.objects.exists()
    assert StockItem.objects.get().held == 0


@pytest.mark.parametrize(
    "until",
    [timedelta(minutes=-1), timedelta(hours=24, minutes=5)],
    ids=["in the past", "over 24 hours"],
)
def test_hold_ending_in_the_past_or_after_a_day_is_a_400(clerk, sole, until):
    item = make_item(sole, "Running Shoes")
    shopper = shared("shoes", shop=sole)

    response = hold(clerk, shopper.customer, item, until=(timezone.now() + until).isoformat())

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_until"
    assert not Hold.objects.exists()
    assert StockItem.objects.get().held == 0


@pytest.mark.parametrize("body", [{}, {"customer": "X", "item": "a"}, {"item": 1, "quantity": 0}])
def test_bad_hold_body_is_a_400(clerk, sole, body):
    assert clerk.post("/api/shops/sole/holds/", body, format="json").status_code == 400


def test_hold_of_another_shops_item_is_a_404(clerk, sole):
    elsewhere = make_item(ShopFactory(slug="other"), "Running Shoes")
    shopper = shared("shoes", shop=sole)

    response = hold(clerk, shopper.customer, elsewhere)

    assert response.status_code == 404
    assert StockItem.objects.get().held == 0


def test_kiosk_key_cannot_hold(kiosk_api, sole):
    item = make_item(sole, "Running Shoes")
    shopper = shared("shoes", shop=sole)

    response = kiosk_api.post(
        "/api/shops/sole/holds/",
        {"customer": shopper.customer.code, "item": item.pk},
        format="json",
    )

    assert response.status_code == 403


def test_sale_to_the_holder_takes_their_held_units_and_ends_the_hold(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=2)
    holder = shared("running shoes", "socks", shop=sole)
    hold(clerk, holder.customer, item, 2)

    response = clerk.post(
        "/api/shops/sole/sales/",
        {"item": item.pk, "quantity": 2, "customer": holder.customer.code},
        format="json",
    )

    assert response.status_code == 201
    assert not Hold.objects.exists()
    item.refresh_from_db()
    assert (item.quantity, item.held) == (0, 0)


def test_sale_to_someone_else_cannot_take_held_units(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=2)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item, 2)

    response = clerk.post("/api/shops/sole/sales/", {"item": item.pk}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "out_of_stock"
    assert StockItem.objects.get().quantity == 2
    assert Hold.objects.get().quantity == 2


def test_clerk_cancels_a_hold_and_its_units_are_free_again(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    hold_id = hold(clerk, holder.customer, item).json()["id"]

    response = clerk.delete(f"/api/shops/sole/holds/{hold_id}/")

    assert response.status_code == 204
    assert not Hold.objects.exists()
    assert StockItem.objects.get().free == 1


def test_shopper_cancels_their_hold(api, clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    hold_id = hold(clerk, holder.customer, item).json()["id"]

    response = api.delete(f"/api/me/holds/{hold_id}/", **bearer(holder.token))

    assert response.status_code == 204
    assert StockItem.objects.get().held == 0


def test_shopper_cannot_cancel_someone_elses_hold(api, clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    other = make_customer("socks")
    hold_id = hold(clerk, holder.customer, item).json()["id"]

    response = api.delete(f"/api/me/holds/{hold_id}/", **bearer(other.token))

    assert response.status_code == 404
    assert Hold.objects.exists()


def test_me_lists_the_shoppers_holds_with_the_shops_place(api, clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1, price="40.00")
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item)

    body = api.get("/api/me/", **bearer(holder.token)).json()

    (held,) = body["holds"]
    assert held["item"]["name"] == "Running Shoes"
    assert held["shop"] == {"slug": "sole", "name": "Sole", "floor": 0, "x": 0.0, "y": 0.0}
    assert body["alternatives"] == []


def test_expired_hold_is_ended_by_purge_and_its_units_freed(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item)
    Hold.objects.update(until=timezone.now() - timedelta(minutes=1))

    call_command("purge", stdout=io.StringIO())

    assert not Hold.objects.exists()
    assert StockItem.objects.get().held == 0


def test_erasing_the_shopper_frees_their_held_units(api, clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item)

    api.delete("/api/me/", **bearer(holder.token))

    assert StockItem.objects.get().held == 0


def test_quantity_cannot_be_set_below_what_is_held(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item, 2)

    response = clerk.patch(f"/api/shops/sole/stock/{item.pk}/", {"quantity": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "held_units"
    assert StockItem.objects.get().quantity == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_and_sales_on_the_last_units_never_oversell():
    """Five left; four threads hold two each while four sell one each: what was held plus
    what was sold never exceeds five, and the row agrees with the holds."""
    shop = ShopFactory(slug="busy")
    item = make_item(shop, "Last Chance Shoes", quantity=5)
    shoppers = [make_customer("shoes").customer for _ in range(4)]
    for customer in shoppers:
        Share.objects.create(customer=customer, shop=shop)
    outcomes: list[tuple[str, int]] = []
    barrier = threading.Barrier(8)

    def holder(customer) -> None:
        barrier.wait()
        try:
            hold_create(shop=shop, customer=customer, item_id=item.pk, quantity=2)
            outcomes.append(("held", 2))
        except NotAvailable:
            outcomes.append(("refused", 0))
        finally:
            connections.close_all()

    def seller() -> None:
        barrier.wait()
        try:
            sale_record(shop=shop, item_id=item.pk, quantity=1)
            outcomes.append(("sold", 1))
        except OutOfStock:
            outcomes.append(("refused", 0))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder, args=(c,)) for c in shoppers]
    threads += [threading.Thread(target=seller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    held = sum(n for kind, n in outcomes if kind == "held")
    sold = sum(n for kind, n in outcomes if kind == "sold")
    item.refresh_from_db()
    assert len(outcomes) == 8
    assert held + sold == 5 or (held + sold == 4 and item.free == 1)
    assert item.quantity == 5 - sold == 5 - Sale.objects.count()
    assert item.held == held == sum(Hold.objects.values_list("quantity", flat=True))
    assert item.free >= 0


def test_me_holds_answers_holds_alternatives_and_shares_without_matching(api, clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    holder = shared("running shoes", shop=sole)
    hold(clerk, holder.customer, item)

    body = api.get("/api/me/holds/", **bearer(holder.token)).json()

    assert set(body) == {"holds", "alternatives", "shares"}
    assert [h["item"]["id"] for h in body["holds"]] == [item.pk]
    assert [s["shop"] for s in body["shares"]] == ["sole"]
