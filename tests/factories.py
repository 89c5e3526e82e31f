"""factory_boy factories for the domain models. Items and kiosks go through the services
(so they are indexed and keyed as in production)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Customer
from customers.services import DesireInput, Registration
from kiosks.services import KioskKey, kiosk_create
from mall.models import Membership, Shop
from stock.models import StockItem
from stock.services import StockInput
from workflows.restock import stock_item_create
from workflows.shoppers import customer_register

_kiosk_numbers = itertools.count(1)


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"shop-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    floor = 0
    x = 0.0
    y = 0.0


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"clerk{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or "pass-word-123")
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)


def make_item(
    shop: Shop,
    name: str,
    *,
    keywords: list[str] | None = None,
    quantity: int = 3,
    price: str = "10.00",
    barcode: str = "",
    valid_days: int | None = None,
) -> StockItem:
    """A stock item created and indexed by ``stock_item_create``."""
    return stock_item_create(
        shop=shop,
        data=StockInput(
            name=name,
            keywords=keywords or [],
            quantity=quantity,
            price=Decimal(price),
            barcode=barcode,
            valid_days=valid_days,
        ),
    )


def make_kiosk(shop: Shop | None = None, *, name: str | None = None, **position: float) -> KioskKey:
    """A kiosk (and its one-time key) in ``shop`` or at ``floor``/``x``/``y``."""
    name = name or f"kiosk-{next(_kiosk_numbers)}"
    return kiosk_create(name=name, shop=shop, **position)


def make_customer(
    *wants: str | tuple[str, int],
    payment_method: str = "card",
    ranking: str = "nearest",
    consent: bool = False,
    face_jpeg: bytes | None = None,
) -> Registration:
    """A registered shopper; each want is a name or (name, level)."""
    desires = [
        DesireInput(name=w, keywords=[], level=3)
        if isinstance(w, str)
        else DesireInput(name=w[0], keywords=[], level=w[1])
        for w in wants or ("running shoes",)
    ]
    return customer_register(
        desires=desires,
        payment_method=payment_method,
        ranking=ranking,
        consent=consent or face_jpeg is not None,
        face_jpeg=face_jpeg,
    )


def expire(customer: Customer, *, days: int = 1) -> None:
    """Move ``customer``'s validity ``days`` into the past."""
    Customer.objects.filter(pk=customer.pk).update(expires_at=timezone.now() - timedelta(days=days))
