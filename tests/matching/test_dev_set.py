"""The labelled dev set (tests/data/matching_dev.json): every label, exact and similar,
through the engine and through the in-memory index."""

import json
from pathlib import Path

import pytest

from matching import engine

DEV = json.loads((Path(__file__).parents[1] / "data" / "matching_dev.json").read_text())
WANTS = {w["key"]: w for w in DEV["desires"]}


def _order(keys):
    return sorted(keys, key=lambda k: int(k[1:]))


@pytest.mark.parametrize("key", list(WANTS))
def test_engine_gets_dev_label_right(key):
    synonyms = engine.Synonyms(DEV["synonyms"])
    want = WANTS[key]
    phrases = engine.want_phrases(want["name"], want["keywords"])
    found = [
        item["key"]
        for item in DEV["items"]
        if engine.want_matches(phrases, engine.item_terms(item["name"], item["keywords"]), synonyms)
    ]
    similar = [
        item["key"]
        for item in DEV["items"]
        if engine.want_similar(phrases, engine.item_terms(item["name"], item["keywords"]), synonyms)
    ]
    assert (_order(found), _order(similar)) == (want["expected"], want["similar"])


@pytest.mark.django_db
def test_index_and_engine_get_every_dev_label_right():
    from customers.models import DesiredProduct
    from matching.selectors import matches_for_desires
    from matching.services import synonyms_replace
    from tests.factories import ShopFactory, make_customer, make_item

    shops = {s["slug"]: ShopFactory(**s) for s in DEV["shops"]}
    keys = {}
    for item in DEV["items"]:
        created = make_item(
            shops[item["shop"]],
            item["name"],
            keywords=item["keywords"],
            quantity=item["quantity"],
            price=item["price"],
        )
        keys[created.pk] = item["key"]
    synonyms_replace(lines=DEV["synonyms"])
    customer = make_customer("placeholder").customer
    customer.desires.all().delete()
    desires = {
        w["key"]: DesiredProduct.objects.create(
            customer=customer,
            name=w["name"],
            keywords=w["keywords"],
            level=3,
            expires_at=customer.expires_at,
        )
        for w in DEV["desires"]
    }

    found = matches_for_desires(list(desires.values()), at=engine.Position(0, 0, 0))

    def labels(desire):
        matches = found[desire.pk]
        return (
            _order(keys[m.item.pk] for m in matches if not m.similar),
            _order(keys[m.item.pk] for m in matches if m.similar),
        )

    wrong = {
        key: (labels(desire), (WANTS[key]["expected"], WANTS[key]["similar"]))
        for key, desire in desires.items()
        if labels(desire) != (WANTS[key]["expected"], WANTS[key]["similar"])
    }
    assert wrong == {}
