"""``core.rows.PreparedRead``: the ORM's SQL compiled once, the same rows as the ORM's."""

from datetime import timedelta

import pytest
from django.db.models import Model
from django.utils import timezone

from core.rows import PreparedRead
from customers.models import Customer, DesiredProduct
from customers.selectors import customer_by_token, desires_live
from kiosks.models import Kiosk
from kiosks.selectors import kiosk_by_key
from tests.factories import make_customer, make_kiosk

pytestmark = pytest.mark.django_db


def columns(instance: Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def by_prefix() -> PreparedRead[Kiosk]:
    return PreparedRead(
        lambda prefix: Kiosk.objects.select_related("shop").filter(key_prefix=prefix),
        "\x00sample",
    )


def test_a_prepared_read_gives_the_orms_rows_and_related_rows(sole, django_assert_num_queries):
    in_shop = make_kiosk(sole).kiosk
    entrance = make_kiosk(floor=0, x=1.5, y=2.0).kiosk  # no shop: the join finds nothing
    read = by_prefix()
    for kiosk in (in_shop, entrance):
        orm = Kiosk.objects.select_related("shop").get(pk=kiosk.pk)
        read.rows(kiosk.key_prefix)  # the first call compiles
        with django_assert_num_queries(1):
            (prepared,) = read.rows(kiosk.key_prefix)
            # Converted as the ORM converts (booleans, times with their zone, decimals) and
            # the shop already there: no second query.
            assert columns(prepared) == columns(orm)
            assert type(prepared.is_active) is bool
            assert prepared.shop == orm.shop
            if orm.shop is not None:
                assert columns(prepared.shop) == columns(orm.shop)
    assert read.rows("no-such-prefix") == []


def test_each_call_reads_its_own_values():
    first, second = make_customer("tea"), make_customer("coffee")
    read = PreparedRead(lambda code: Customer.objects.filter(code=code), "\x00code")
    assert [c.pk for c in read.rows(first.customer.code)] == [first.customer.pk]
    assert [c.pk for c in read.rows(second.customer.code)] == [second.customer.pk]


def test_samples_must_be_found_once_each():
    with pytest.raises(ValueError, match="differ"):
        PreparedRead(lambda a, b: Customer.objects.filter(code=a, token_hash=b), "x", "x")
    # A sample the ORM turns into something else is not found: refused, not misplaced.
    read = PreparedRead(lambda level: DesiredProduct.objects.filter(level=level), "3")
    with pytest.raises(ValueError, match="found 0 times"):
        read.rows("4")


def test_the_hot_reads_answer_as_before(sole, kiosk):
    shopper = make_customer(("tea", 2), ("coffee", 5), "cake")
    assert kiosk_by_key(kiosk.key).pk == kiosk.kiosk.pk
    customer = customer_by_token(shopper.token)
    assert customer.pk == shopper.customer.pk
    assert (
        [d.name for d in desires_live(customer)]
        == [
            d.name
            for d in customer.desires.all()  # Meta.ordering: most wanted first
        ]
        == ["coffee", "cake", "tea"]
    )

    DesiredProduct.objects.filter(name="cake").update(expires_at=timezone.now())
    assert [d.name for d in desires_live(customer)] == ["coffee", "tea"]

    Customer.objects.filter(pk=customer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    from core.errors import NotFound

    with pytest.raises(NotFound):
        customer_by_token(shopper.token)


def test_desires_live_know_their_shopper(django_assert_num_queries):
    shopper = make_customer("tea")
    customer = customer_by_token(shopper.token)
    (desire,) = desires_live(customer)
    with django_assert_num_queries(0):
        assert desire.customer is customer


@pytest.mark.django_db(transaction=True)
def test_a_finished_threads_connection_is_let_go():
    """Plans are kept per thread, as Django's connections are: a thread's connection (which
    its plan holds) goes with the thread."""
    import gc
    import threading
    import weakref

    from django.db import connections

    read = by_prefix()
    wrappers = []

    def work():
        assert read.rows("no-such-prefix") == []
        wrappers.append(weakref.ref(connections["default"]))
        connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    gc.collect()
    assert wrappers and wrappers[0]() is None
