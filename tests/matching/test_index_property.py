"""Property: on any small catalogue, synonym table and want, the in-memory index
(``matching.index.phrases``) finds exactly the items the engine says match, and exactly
those it says are similar (DESIGN.md rules 1-7)."""

from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from matching import engine
from matching.index.catalogue import Catalogue, OfferedItem
from matching.index.phrases import phrases_forget, want_items

# Few words, chosen to collide: plurals, typo neighbours (shirt/skirt/short, sneaker/
# speaker), joined forms (t shirt/tshirt, doll house/dollhouse), typos of joined forms
# (tshrit: never against a compound), stop words, digits.
WORDS = [
    "t",
    "shirt",
    "tshirt",
    "shirts",
    "skirt",
    "short",
    "shorts",
    "red",
    "blue",
    "the",
    "box",
    "boxes",
    "doll",
    "house",
    "dollhouse",
    "sneaker",
    "speaker",
    "trainers",
    "usb",
    "c",
    "55",
    "wireless",
    "watches",
    "watch",
    "batteries",
    "battery",
    "of",
]
SYNONYM_LINES = [
    "sneakers, trainers",
    "tshirt, tee",
    "red => crimson",
    "doll house, playhouse",
    "box, crate",
]

text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
item = st.tuples(text, st.lists(text, max_size=2))
want = st.tuples(text, st.lists(text, max_size=2))


def ids(catalogue, keys):
    """The item ids of a set of the index's keys."""
    return {catalogue.by_key[key].pk for key in keys}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A typo reaches "tshirt", a word of one item and only a joined form of the other.
@example(items=[("t shirt", []), ("tshirt", [])], wants=[("tshrit", [])], lines=[])
@given(
    items=st.lists(item, min_size=1, max_size=12),
    wants=st.lists(want, min_size=1, max_size=4),
    lines=st.lists(st.sampled_from(SYNONYM_LINES), max_size=3, unique=True),
)
def test_index_gives_the_engines_answer(items, wants, lines):
    phrases_forget()
    synonyms = engine.Synonyms(lines)
    catalogue = Catalogue()
    for pk, (name, keywords) in enumerate(items, start=1):
        catalogue.item_put(OfferedItem(pk, 1, name, tuple(keywords), 1, Decimal("1.00")))

    for name, keywords in wants:
        phrases = engine.want_phrases(name, keywords)
        exact, similar = want_items(catalogue, phrases, synonyms)

        terms = {
            pk: engine.item_terms(item_name, item_keywords)
            for pk, (item_name, item_keywords) in enumerate(items, start=1)
        }
        expected_exact = {
            pk for pk, t in terms.items() if engine.want_matches(phrases, t, synonyms)
        }
        expected_similar = {
            pk for pk, t in terms.items() if engine.want_similar(phrases, t, synonyms)
        }
        assert (ids(catalogue, exact), ids(catalogue, similar)) == (
            expected_exact,
            expected_similar,
        )


def test_index_follows_an_item_renamed_and_dropped():
    # Given an item indexed under one name
    phrases_forget()
    synonyms = engine.Synonyms([])
    catalogue = Catalogue()
    catalogue.item_put(OfferedItem(1, 1, "red shirt", (), 1, Decimal("1.00")))
    assert ids(catalogue, want_items(catalogue, [("red", "shirt")], synonyms)[0]) == {1}
    # When it is renamed, then dropped
    catalogue.item_put(OfferedItem(1, 1, "blue skirt", (), 1, Decimal("1.00")))
    renamed = [
        ids(catalogue, found) for found in want_items(catalogue, [("red", "shirt")], synonyms)
    ]
    catalogue.item_drop(1)
    dropped = [set(found) for found in want_items(catalogue, [("blue", "skirt")], synonyms)]
    # Then the old words no longer find it (skirt is one typo from shirt: similar), and
    # after the drop nothing does
    assert renamed == [set(), {1}]
    assert dropped == [set(), set()]
    assert len(catalogue.vocabulary) == 0
