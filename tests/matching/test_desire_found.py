"""A want keeps what the index answered for it (``DesiredProduct.found``): asked when the
want is recorded, used by its sightings while the index and the wording are unchanged
(``matching.selectors.desire_candidates``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import DesiredProduct
from customers.services import DesireInput, customer_update
from kiosks.services import customer_sight
from matching.models import ItemTerm
from matching.selectors import phrase_candidates_forget
from matching.services import synonyms_replace
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_remembered_in_process():
    # Each sighting below starts as in a fresh worker: only the database remembers.
    phrase_candidates_forget()
    yield
    phrase_candidates_forget()


def sight(customer, kiosk):
    phrase_candidates_forget()
    customer.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        answer = customer_sight(kiosk=kiosk, customer=customer)
    postings = ItemTerm._meta.db_table
    asked_index = any(postings in query["sql"] for query in queries.captured_queries)
    offered = {offer["item"]["id"] for result in answer["results"] for offer in result["offers"]}
    return offered, asked_index


def test_registration_asks_the_index_and_the_first_sighting_skips_it():
    shop = ShopFactory()
    scarf = make_item(shop, "red wool scarf")
    make_item(shop, "blue hat")
    make_item(shop, "red hat")  # a candidate (red) that the engine settles as no match
    customer = make_customer("red scarf").customer
    desire = customer.desires.get()
    assert desire.found["want"] == ["red scarf", []]
    assert desire.found["matches"] == [scarf.pk]

    offered, asked_index = sight(customer, make_kiosk(shop).kiosk)
    assert offered == {scarf.pk}
    assert not asked_index


def test_stock_indexed_since_registration_is_found_and_remembered_again():
    shop = ShopFactory()
    kiosk = make_kiosk(shop).kiosk
    first = make_item(shop, "red scarf")
    customer = make_customer("red scarf").customer
    second = make_item(ShopFactory(), "red silk scarf")  # another shop: one offer per shop

    offered, asked_index = sight(customer, kiosk)
    assert offered == {first.pk, second.pk}
    assert asked_index
    assert customer.desires.get().found["matches"] == sorted([first.pk, second.pk])

    offered, asked_index = sight(customer, kiosk)
    assert offered == {first.pk, second.pk}
    assert not asked_index


def test_a_want_reworded_outside_the_services_is_asked_again():
    # The admin saves a want's name directly: its ``found`` no longer fits the wording.
    shop = ShopFactory()
    make_item(shop, "red scarf")
    hat = make_item(shop, "blue hat")
    customer = make_customer("red scarf").customer
    DesiredProduct.objects.filter(customer=customer).update(name="blue hat")

    offered, asked_index = sight(customer, make_kiosk(shop).kiosk)
    assert offered == {hat.pk}
    assert asked_index
    assert customer.desires.get().found["want"] == ["blue hat", []]


def test_new_synonyms_are_applied_at_the_next_sighting():
    shop = ShopFactory()
    kiosk = make_kiosk(shop).kiosk
    trainers = make_item(shop, "white trainers")
    customer = make_customer("white sneakers").customer
    assert sight(customer, kiosk)[0] == set()

    synonyms_replace(lines=["sneakers, trainers"])
    offered, asked_index = sight(customer, kiosk)
    assert offered == {trainers.pk}
    assert asked_index


def test_wants_replaced_through_the_api_service_are_asked_at_once():
    shop = ShopFactory()
    kiosk = make_kiosk(shop).kiosk
    hat = make_item(shop, "blue hat")
    customer = make_customer("red scarf").customer
    sight(customer, kiosk)
    customer.refresh_from_db()
    customer_update(customer=customer, desires=[DesireInput(name="blue hat", keywords=[], level=2)])
    assert customer.desires.get().found["matches"] == [hat.pk]

    offered, asked_index = sight(customer, kiosk)
    assert offered == {hat.pk}
    assert not asked_index


def test_a_forged_record_for_another_index_is_not_trusted():
    shop = ShopFactory()
    scarf = make_item(shop, "red scarf")
    hat = make_item(shop, "blue hat")
    customer = make_customer("red scarf").customer
    desire = customer.desires.get()
    DesiredProduct.objects.filter(pk=desire.pk).update(
        found={**desire.found, "index": "not-the-current-one", "matches": [hat.pk]}
    )
    offered, asked_index = sight(customer, make_kiosk(shop).kiosk)
    assert offered == {scarf.pk}
    assert asked_index


def test_matches_are_settled_whatever_the_stock_and_a_restock_shows_at_once():
    from stock.services import stock_item_update

    shop = ShopFactory()
    kiosk = make_kiosk(shop).kiosk
    typo = make_item(shop, "red scarf", quantity=0)  # sold out when the want is recorded
    customer = make_customer("red scraf").customer  # a typo: only the engine settles it
    assert customer.desires.get().found["matches"] == [typo.pk]
    assert sight(customer, kiosk)[0] == set()

    stock_item_update(item=typo, changes={"quantity": 4})
    offered, asked_index = sight(customer, kiosk)
    assert offered == {typo.pk}
    assert not asked_index
