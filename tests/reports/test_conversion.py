"""Conversion: cards shown -> taken -> sold with a code, per shop and day; holds."""

import pytest
from django.utils import timezone

from reports.models import ConversionDay, ConversionEvent
from reports.selectors import card_funnel, conversion_totals, hold_funnel
from reports.services import conversion_count
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from workflows.sales import sale_record
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def count(shop, event) -> int:
    row = ConversionDay.objects.filter(shop=shop, event=event).first()
    return row.count if row else 0


def test_a_card_shown_counts_once_per_shop_however_often_the_shopper_is_sighted():
    sole, other = ShopFactory(slug="sole"), ShopFactory(slug="other")
    make_item(sole, "Running Shoes")
    make_item(other, "Running Shoes Pro")
    make_item(ShopFactory(slug="books"), "Cook Book")
    kiosk = make_kiosk(sole).kiosk
    shopper = make_customer("running shoes")

    customer_sight(kiosk=kiosk, customer=shopper.customer)
    customer_sight(kiosk=kiosk, customer=shopper.customer)

    assert count(sole, ConversionEvent.CARD_SHOWN) == 1
    assert count(other, ConversionEvent.CARD_SHOWN) == 1
    assert ConversionDay.objects.filter(shop__slug="books").count() == 0
    assert ConversionDay.objects.get(shop=sole).day == timezone.localdate()


def test_a_sale_with_a_code_counts_and_one_without_does_not():
    sole = ShopFactory(slug="sole")
    item = make_item(sole, "Running Shoes", quantity=5)
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)

    sale_record(shop=sole, item_id=item.pk, quantity=1)
    sale_record(shop=sole, item_id=item.pk, quantity=1, customer_code=shopper.customer.code)

    assert count(sole, ConversionEvent.SALE_WITH_CODE) == 1


def test_the_funnels_read_each_step_in_order():
    shop = ShopFactory()
    conversion_count(shop_id=shop.pk, event=ConversionEvent.CARD_SHOWN, n=10)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.CARD_TAKEN, n=4)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.CARD_TAKEN)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.SALE_WITH_CODE, n=2)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_MADE, n=3)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_SOLD)
    conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_EXPIRED, n=2)
    today = timezone.localdate()

    assert [n for _, n in card_funnel(since=today, shop_id=shop.pk)] == [10, 5, 2]
    assert [n for _, n in hold_funnel(since=today)] == [3, 1, 2]
    assert conversion_totals(since=today, shop_id=ShopFactory().pk)["card_shown"] == 0


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError):
        conversion_count(shop_id=ShopFactory().pk, event="card_liked")


def _shared_shopper(shop, *, quantity=3):
    from workflows.shoppers import share_create

    item = make_item(shop, "Running Shoes", quantity=quantity)
    customer = make_customer("running shoes").customer
    share_create(customer=customer, shop=shop)
    return item, customer


def test_a_hold_made_then_sold_counts_made_and_sold():
    from workflows.holds import hold_create

    sole = ShopFactory(slug="sole")
    item, customer = _shared_shopper(sole)
    hold_create(shop=sole, customer=customer, item_id=item.pk, quantity=1)

    sale_record(shop=sole, item_id=item.pk, quantity=1, customer_code=customer.code)

    assert count(sole, ConversionEvent.HOLD_MADE) == 1
    assert count(sole, ConversionEvent.HOLD_SOLD) == 1
    assert count(sole, ConversionEvent.HOLD_EXPIRED) == 0


def test_a_hold_past_its_time_counts_as_expired_at_the_purge():
    from datetime import timedelta

    from stock.models import Hold
    from workflows.holds import hold_create, holds_expired_purge

    sole = ShopFactory(slug="sole")
    item, customer = _shared_shopper(sole)
    hold = hold_create(shop=sole, customer=customer, item_id=item.pk, quantity=2)
    Hold.objects.filter(pk=hold.pk).update(until=timezone.now() - timedelta(minutes=1))

    assert holds_expired_purge(now=timezone.now()) == 1

    assert count(sole, ConversionEvent.HOLD_EXPIRED) == 1
    assert count(sole, ConversionEvent.HOLD_SOLD) == 0


def test_taking_a_card_counts_once_and_a_takeover_does_not():
    from tests.factories import UserFactory
    from workflows.cards import card_take

    sole = ShopFactory(slug="sole")
    make_item(sole, "Running Shoes")
    customer = make_customer("running shoes").customer
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=customer)

    card_take(shop_id=sole.pk, customer=customer, clerk=UserFactory())
    card_take(shop_id=sole.pk, customer=customer, clerk=UserFactory())

    assert count(sole, ConversionEvent.CARD_TAKEN) == 1
