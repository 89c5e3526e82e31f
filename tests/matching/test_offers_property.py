"""Property: the walk that builds a want's list (``matching.index.offers``) stops early,
yet gives what ranking every match would: the same shops in the same order, each with its
best item and count, the same shop total, and the same search pages."""

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
