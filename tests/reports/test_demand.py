"""Unmet demand: wants and searches that no shop could serve, counted anonymously per
normalised want and day, and the slice a shop sees (wants near its goods)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import DesireInput
from reports.models import DemandSource, UnmetDemand
from reports.selectors import demand_unmet_top, shop_demand_near
from reports.services import demand_search_unmet
from tests.factories import ShopFactory, make_customer, make_item
from workflows.shoppers import customer_delete, customer_update

pytestmark = pytest.mark.django_db


def counts() -> dict[tuple[str, str], int]:
    return {(row.want, row.source): row.count for row in UnmetDemand.objects.all()}


def test_a_want_no_shop_has_is_counted_in_the_engines_words_for_today():
    make_item(ShopFactory(), "Running Shoes")

    make_customer("Blue Umbrellas", "running shoes")
    make_customer("blue umbrella")

    row = UnmetDemand.objects.get()
    assert (row.want, row.source, row.count) == ("blue umbrella", DemandSource.WANT, 2)
    assert row.day == timezone.localdate()
    assert row.similar_only is False


def test_a_want_whose_only_match_is_sold_out_is_counted():
    make_item(ShopFactory(), "Red Kettle", quantity=0)

    make_customer("red kettle")

    assert counts() == {("red kettle", DemandSource.WANT): 1}


def test_changing_the_list_counts_only_the_new_wording():
    shopper = make_customer("ukulele")

    customer_update(
        customer=shopper.customer,
        desires=[
            DesireInput(name="Ukulele", keywords=[], level=2),
            DesireInput(name="banjo", keywords=[], level=3),
        ],
    )

    assert counts() == {("ukulele", DemandSource.WANT): 1, ("banjo", DemandSource.WANT): 1}


def test_a_search_that_found_nothing_is_counted_as_a_search():
    assert demand_search_unmet(q="Espresso Machines!", keywords=["coffee"])
    assert demand_search_unmet(q="espresso machine")

    row = UnmetDemand.objects.get()
    assert (row.want, row.source, row.count) == ("espresso machine", DemandSource.SEARCH, 2)
    assert set(row.words.split()) == {"espresso", "machine", "coffee"}


def test_a_search_with_no_words_is_not_counted():
    assert demand_search_unmet(q="the of !!") is False
    assert not UnmetDemand.objects.exists()


def test_a_shop_sees_unmet_wants_sharing_a_word_with_its_goods_only():
    shoes = ShopFactory(slug="shoes")
    make_item(shoes, "Running Shoes", keywords=["trainers"])
    make_item(ShopFactory(slug="books"), "Cook Book")
    make_customer("dance shoes")  # near the shoe shop: "shoe"
    make_customer("garden hose")  # near nobody

    near = shop_demand_near(shop_id=shoes.pk)

    assert [(w.want, w.near) for w in near] == [("dance shoe", ("shoe",))]


def test_top_wants_add_up_days_and_sources_most_wanted_first():
    today = timezone.localdate()
    UnmetDemand.objects.create(day=today, want="kite", source="want", count=2)
    UnmetDemand.objects.create(day=today - timedelta(days=1), want="kite", source="search", count=3)
    UnmetDemand.objects.create(day=today, want="drone", source="want", count=4)
    UnmetDemand.objects.create(day=today - timedelta(days=30), want="yoyo", source="want", count=9)

    top = demand_unmet_top(since=today - timedelta(days=6))

    assert [(w.want, w.wants, w.searches) for w in top] == [("kite", 2, 3), ("drone", 4, 0)]


def test_demand_rows_hold_no_code_token_face_or_time_finer_than_the_day():
    fields = {field.name for field in UnmetDemand._meta.get_fields()}

    assert fields == {"id", "day", "want", "words", "source", "similar_only", "count"}
    assert UnmetDemand._meta.get_field("day").get_internal_type() == "DateField"


def test_erasing_the_shopper_leaves_the_demand_count():
    shopper = make_customer("left handed scissors")

    customer_delete(customer=shopper.customer)

    assert counts() == {("left handed scissor", DemandSource.WANT): 1}


def test_a_want_whose_only_stocked_match_is_similar_counts_as_similar_only():
    shop = ShopFactory()
    make_item(shop, "Blue Running Shoes")  # similar to red running shoes (rule 7)
    make_item(shop, "Red Running Shoes", quantity=0)  # the exact one is sold out

    make_customer("red running shoes", "blue running shoes")

    row = UnmetDemand.objects.get()
    assert (row.want, row.similar_only) == ("red running shoe", True)


def test_the_search_api_counts_a_search_that_found_nothing_once(api):
    make_item(ShopFactory(), "Blue Running Shoes")

    nothing = api.get("/api/search/", {"q": "Garden Gnomes", "keywords": "lawn ornament"})
    api.get("/api/search/", {"q": "garden gnome", "offset": 20})  # a later page: not again
    api.get("/api/search/", {"q": "running shoes"})  # found: not unmet
    similar = api.get("/api/search/", {"q": "red running shoes"})  # only similar

    assert nothing.status_code == similar.status_code == 200
    rows = {(r.want, r.source, r.similar_only): r.count for r in UnmetDemand.objects.all()}
    assert rows == {
        ("garden gnome", DemandSource.SEARCH, False): 1,
        ("red running shoe", DemandSource.SEARCH, True): 1,
    }
    assert "lawn" in UnmetDemand.objects.get(want="garden gnome").words
