"""``matching.selectors.offered_items``: the candidates' rows, read in plain SQL, come out as
the ORM gives them, and only those a shopper can buy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.selectors import offered_items
from stock.models import StockItem
from tests.factories import ShopFactory, make_item

pytestmark = pytest.mark.django_db


def test_values_are_those_of_the_orm():
    shop = ShopFactory(floor=2, x=10.5, y=-3.0)
    item = make_item(shop, "Trail Shoes", keywords=["running", "gore-tex"], price="89.90")
    [offered] = offered_items([item.pk])
    stored = StockItem.objects.get(pk=item.pk)
    assert (offered.pk, offered.shop_id, offered.name) == (item.pk, shop.pk, "Trail Shoes")
    assert list(offered.keywords) == stored.keywords == ["running", "gore-tex"]
    assert offered.price == stored.price == Decimal("89.90")
    assert str(offered.price) == "89.90"
    assert offered.quantity == stored.quantity
    assert (offered.shop.slug, offered.shop.floor, offered.shop.x, offered.shop.y) == (
        shop.slug,
        2,
        10.5,
        -3.0,
    )


def test_sold_out_expired_and_unasked_items_are_left_out():
    shop = ShopFactory()
    wanted = make_item(shop, "red scarf")
    sold_out = make_item(shop, "blue scarf", quantity=0)
    expired = make_item(shop, "green scarf")
    StockItem.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    make_item(shop, "grey scarf")  # not asked for
    found = offered_items([wanted.pk, sold_out.pk, expired.pk])
    assert [item.pk for item in found] == [wanted.pk]


def test_items_of_one_shop_share_its_shop():
    shop, other = ShopFactory(), ShopFactory()
    items = [make_item(shop, "mug"), make_item(shop, "cup"), make_item(other, "bowl")]
    found = {item.pk: item for item in offered_items(item.pk for item in items)}
    assert found[items[0].pk].shop is found[items[1].pk].shop
    assert found[items[2].pk].shop.slug == other.slug


def test_no_ids_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert offered_items([]) == []
