"""Property: the walk that builds a want's list (``matching.index.offers``) stops early,
yet gives what ranking every match would: the same shops in the same order, each with its
best item and count, the same shop total, and the same search pages."""

import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import engine
from matching.index.catalogue import Catalogue, OfferedItem, OfferedShop
from matching.index.offers import Walk, desire_offers, items_ranked
from matching.index.phrases import phrases_forget, want_items

SHOPS = [
    OfferedShop(1, "a", "A", 0, 0.0, 0.0),
    OfferedShop(2, "b", "B", 0, 10.0, 0.0),
    OfferedShop(3, "c", "C", 1, 0.0, 0.0),  # 30 m away from a: ties with e
    OfferedShop(4, "d", "D", 0, 0.0, 10.0),  # ties with b
    OfferedShop(5, "e", "E", 0, 30.0, 0.0),
]
NAMES = ["red shoe", "blue shoe", "red sock", "shoe", "red hat"]
PRICES = ["1.00", "2.50", "2.50", "10.00", "99.99"]

item = st.tuples(
    st.sampled_from([s.pk for s in SHOPS]),
    st.sampled_from(NAMES),
    st.sampled_from(PRICES),
    st.integers(min_value=0, max_value=2),
)


def brute_force(catalogue, want, at, preference):
    """Every available match ranked, exact before similar: (kind, rank key, item id)."""
    terms = {
        key: engine.item_terms(row.name, row.keywords) for key, row in catalogue.by_key.items()
    }
    synonyms = engine.Synonyms([])
    lines = []
    for key, row in catalogue.by_key.items():
        if key not in catalogue.available:
            continue
        if engine.want_matches([want], terms[key], synonyms):
            kind = 0
        elif engine.want_similar([want], terms[key], synonyms):
            kind = 1
        else:
            continue
        shop = catalogue.shops[row.shop_id]
        distance = engine.distance(at, engine.Position(shop.floor, shop.x, shop.y), 30)
        rank = (row.price, distance) if preference == "cheapest" else (distance, row.price)
        lines.append((kind, *rank, row.pk, row.shop_id))
    return sorted(lines)


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(item, min_size=1, max_size=25),
    preference=st.sampled_from(["nearest", "cheapest"]),
    limit=st.integers(min_value=1, max_value=5),
    offset=st.integers(min_value=0, max_value=6),
)
def test_walk_gives_what_ranking_every_match_gives(items, preference, limit, offset):
    phrases_forget()
    catalogue = _catalogue_of(items)
    at = engine.Position(0, 0.0, 0.0)
    want = ("red", "shoe")
    exact, similar = want_items(catalogue, [want], engine.Synonyms([]))
    walk = Walk(catalogue, at=at, preference=preference, floor_change_metres=30)

    offers = desire_offers(catalogue, exact, similar, desire_id=1, walk=walk, limit=limit)
    total, page = items_ranked(catalogue, exact, similar, walk=walk, offset=offset, limit=limit)

    expected = brute_force(catalogue, want, at, preference)
    shops_in_order = list(dict.fromkeys(line[-1] for line in expected))
    best = {}
    for line in expected:
        best.setdefault(line[-1], line[-2])
    assert [o.shop.pk for o in offers.shops] == shops_in_order[:limit]
    assert [o.best.item.pk for o in offers.shops] == [best[s] for s in shops_in_order[:limit]]
    assert [o.count for o in offers.shops] == [
        sum(1 for line in expected if line[-1] == s) for s in shops_in_order[:limit]
    ]
    assert offers.total == len(shops_in_order)
    assert total == len(expected)
    assert [row.pk for row, _, _ in page] == [
        line[-2] for line in expected[offset : offset + limit]
    ]


def _catalogue_of(items):
    catalogue = Catalogue()
    catalogue.shops = {shop.pk: shop for shop in SHOPS}
    for shop in SHOPS:
        catalogue.slot(shop.pk)
    for pk, (shop_id, name, price, quantity) in enumerate(items, start=1):
        catalogue.item_put(
            OfferedItem(
                pk, shop_id, name, (), quantity, Decimal(price), shop=catalogue.shops[shop_id]
            )
        )
    return catalogue


change = st.one_of(
    st.tuples(st.just("put"), st.integers(1, 25), st.sampled_from(PRICES), st.integers(0, 2)),
    st.tuples(st.just("drop"), st.integers(1, 25), st.just("0"), st.just(0)),
)


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(item, min_size=1, max_size=25),
    changes=st.lists(change, min_size=1, max_size=6),
    preference=st.sampled_from(["nearest", "cheapest"]),
    limit=st.integers(min_value=1, max_value=5),
)
def test_remembered_offers_follow_stock_and_prices(items, changes, preference, limit):
    """A want's offered items are remembered between sightings (``offers.offered``): a
    sale, a restock, a new price or a dropped item must still show at the next one. Each
    change below keeps the item's name, so the want's own sets stay the same objects."""
    phrases_forget()
    catalogue = _catalogue_of(items)
    at = engine.Position(0, 0.0, 0.0)
    want = ("red", "shoe")
    walk = Walk(catalogue, at=at, preference=preference, floor_change_metres=30)
    synonyms = engine.Synonyms([])  # one object, as in a worker: the want's sets are kept

    def check():
        exact, similar = want_items(catalogue, [want], synonyms)
        assert want_items(catalogue, [want], synonyms)[0] is exact
        offers = desire_offers(catalogue, exact, similar, desire_id=1, walk=walk, limit=limit)
        total, page = items_ranked(catalogue, exact, similar, walk=walk, offset=0, limit=25)
        expected = brute_force(catalogue, want, at, preference)
        shops_in_order = list(dict.fromkeys(line[-1] for line in expected))
        assert [o.shop.pk for o in offers.shops] == shops_in_order[:limit]
        assert offers.total == len(shops_in_order)
        assert [row.pk for row, _, _ in page] == [line[-2] for line in expected]
        assert total == len(expected)

    check()
    for action, pk, price, quantity in changes:
        row = next((r for r in catalogue.by_key.values() if r.pk == pk), None)
        if row is None:
            continue
        if action == "drop":
            catalogue.item_drop(pk)
        else:
            catalogue.item_put(
                OfferedItem(pk, row.shop_id, row.name, (), quantity, Decimal(price), shop=row.shop)
            )
        check()


def test_an_expired_item_leaves_the_remembered_offers():
    phrases_forget()
    catalogue = _catalogue_of([(1, "red shoe", "1.00", 2), (2, "red shoe", "2.50", 2)])
    walk = Walk(
        catalogue, at=engine.Position(0, 0.0, 0.0), preference="cheapest", floor_change_metres=30
    )
    exact, similar = want_items(catalogue, [("red", "shoe")], engine.Synonyms([]))

    def cheapest():
        offers = desire_offers(catalogue, exact, similar, desire_id=1, walk=walk, limit=2)
        return [o.best.item.pk for o in offers.shops]

    soon = time.time() + 3600
    shop = catalogue.shops[1]
    catalogue.item_put(OfferedItem(1, 1, "red shoe", (), 2, Decimal("1.00"), "", shop, soon))
    assert cheapest() == [1, 2]
    catalogue.expired_drop(soon + 1)
    assert cheapest() == [2]


def test_what_walks_learnt_of_a_want_is_dropped_with_its_sets(monkeypatch):
    """``offers.want_walks`` holds a want's sets while it keeps what it learnt of them: it
    must let them go when ``phrases`` does (forgotten, or its memo full), or a worker would
    keep every want's sets it ever matched."""
    from matching.index import offers as offers_module
    from matching.index import phrases as phrases_module

    phrases_forget()
    catalogue = _catalogue_of([(1, "red shoe", "1.00", 2), (2, "blue shoe", "2.50", 2)])
    synonyms = engine.Synonyms([])
    walk = Walk(
        catalogue, at=engine.Position(0, 0.0, 0.0), preference="cheapest", floor_change_metres=30
    )

    def held():
        return [entry[0] for entry in offers_module._walks[1].values()]

    def sighting(want):
        exact, similar = want_items(catalogue, [want], synonyms)
        desire_offers(catalogue, exact, similar, desire_id=1, walk=walk, limit=2)
        return exact

    first = sighting(("red", "shoe"))
    assert held() == [first]
    assert sighting(("red", "shoe")) is first  # remembered: the same sets, the same entry
    assert held() == [first]

    phrases_forget()
    second = sighting(("red", "shoe"))
    assert second is not first
    assert held() == [second]

    monkeypatch.setattr(phrases_module, "PHRASES_REMEMBERED", 1)
    third = sighting(("blue", "shoe"))  # the phrases' memo is full: everything goes
    assert held() == [third]


def test_a_want_and_a_phrase_never_share_a_memo_entry():
    """Wants, units and phrases are remembered in one memo: a want of no phrase (stop words
    only) must not find the items of the phrase "want", nor the other way round."""
    from matching.index.phrases import phrase_items

    phrases_forget()
    catalogue = _catalogue_of([(1, "want shoe", "1.00", 2)])
    synonyms = engine.Synonyms([])
    assert set(phrase_items(catalogue, ("want",), synonyms)) == {catalogue.key_of[1]}
    exact, similar = want_items(catalogue, [], synonyms)
    assert (len(exact), len(similar)) == (0, 0)
    assert set(phrase_items(catalogue, ("want",), synonyms)) == {catalogue.key_of[1]}


def test_a_want_keeps_a_bounded_number_of_keys_and_search_keeps_none(monkeypatch):
    """A cheapest walk remembers its price buckets' keys, at most ``KEYS_REMEMBERED_A_WANT``
    a want (a want offered by few shops walks every bucket); a search remembers nothing (a
    page far down a broad search would fill the memo). The answers stay the same."""
    from matching.index import offers as offers_module

    monkeypatch.setattr(offers_module, "KEYS_REMEMBERED_A_WANT", 3)
    phrases_forget()
    # Five red shoes in five price buckets, in one shop: the walk for 2 shops visits all.
    catalogue = _catalogue_of([(1, "red shoe", price, 2) for price in PRICES])
    synonyms = engine.Synonyms([])
    walk = Walk(
        catalogue, at=engine.Position(0, 0.0, 0.0), preference="cheapest", floor_change_metres=30
    )
    exact, similar = want_items(catalogue, [("red", "shoe")], synonyms)
    total, page = items_ranked(catalogue, exact, similar, walk=walk, offset=0, limit=10)
    assert total == 5
    assert all(entry[0] is not exact for entry in offers_module._walks[1].values())
    for _ in range(2):
        offers = desire_offers(catalogue, exact, similar, desire_id=1, walk=walk, limit=2)
        ((_, _, walks),) = offers_module._walks[1].values()
        assert walks.kept == sum(len(keys) for keys in walks.by_price[0].values()) == 3
        assert [o.shop.pk for o in offers.shops] == [1]
        assert offers.shops[0].count == 5
    assert [row.pk for row, _, _ in page] == [1, 2, 3, 4, 5]
