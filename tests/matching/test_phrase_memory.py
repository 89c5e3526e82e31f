"""What the index answered for a phrase is remembered per process until the index is
written again (``matching.selectors.phrase_candidates`` and ``IndexVersion``)."""

import pytest
from django.db import transaction

from matching.selectors import phrase_candidates, phrase_candidates_forget, synonyms_current
from stock.services import stock_item_delete, stock_item_update
from tests.factories import ShopFactory, make_item

pytestmark = pytest.mark.django_db

SCARF = ("red", "scarf")


@pytest.fixture(autouse=True)
def nothing_remembered():
    phrase_candidates_forget()
    yield
    phrase_candidates_forget()


def candidates(phrase=SCARF):
    return phrase_candidates([phrase], synonyms_current())[phrase].items


def test_asked_again_only_the_version_is_read(django_assert_num_queries):
    item = make_item(ShopFactory(), "red scarf")
    assert candidates() == {item.pk}
    synonyms = synonyms_current()
    with django_assert_num_queries(1):
        assert phrase_candidates([SCARF], synonyms)[SCARF].items == {item.pk}


def test_a_new_item_is_found_at_once():
    shop = ShopFactory()
    first = make_item(shop, "red scarf")
    assert candidates() == {first.pk}
    second = make_item(shop, "red wool scarf")
    assert candidates() == {first.pk, second.pk}


def test_a_renamed_item_is_no_longer_a_candidate():
    item = make_item(ShopFactory(), "red scarf")
    assert candidates() == {item.pk}
    stock_item_update(item=item, changes={"name": "blue hat"})
    assert candidates() == set()
    assert candidates(("blue", "hat")) == {item.pk}


def test_a_deleted_item_may_stay_a_candidate_but_is_never_offered():
    # Candidates are a superset: the rows are read live (``offered_items``).
    from matching.selectors import offered_items

    item = make_item(ShopFactory(), "red scarf")
    assert candidates() == {item.pk}
    stock_item_delete(item=item)
    assert offered_items(candidates()) == []


def test_a_rolled_back_write_never_brings_back_what_it_saw():
    shop = ShopFactory()
    make_item(shop, "green hat")  # the index has a version before the write below
    with pytest.raises(RuntimeError), transaction.atomic():
        gone = make_item(shop, "red scarf")
        assert candidates() == {gone.pk}  # remembered under the write's version
        raise RuntimeError("roll back")
    # The next write may reuse the rolled-back row's id for an item that is not a red scarf.
    other = make_item(shop, "blue hat")
    assert candidates() == set()
    assert candidates(("blue", "hat")) == {other.pk}
