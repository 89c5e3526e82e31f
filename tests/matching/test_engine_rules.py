"""The matching rules of DESIGN.md, one at a time, on the pure engine (no database)."""

from decimal import Decimal

import pytest

from matching import engine

NO_SYNONYMS = engine.Synonyms()


def matches(want: str, item_name: str, keywords: tuple[str, ...] = (), synonyms=NO_SYNONYMS):
    return engine.want_matches(
        engine.want_phrases(want), engine.item_terms(item_name, keywords), synonyms
    )


# Rule 1: case, accents, punctuation, apostrophes, separators


def test_case_and_accents_are_ignored():
    assert matches("CAFE CREME", "Café Crème Pods")


def test_apostrophe_is_dropped_not_a_separator():
    assert matches("rubiks cube", "Rubik's Cube")
    assert not matches("rubik s", "Rubiks Cube 3x3")  # no "s" word on the item side


def test_hyphen_separates_words():
    assert matches("usb c cable", "USB-C Cable 1m")


def test_phrase_needs_every_word():
    assert not matches("red running shoes", "Running Shoes")


def test_words_can_come_from_name_and_keywords_together():
    assert matches("trail sneakers", "Trail Runner X", ("sneakers",))


# Rule 2: stop words


def test_stop_words_are_ignored_on_both_sides():
    assert matches("the box of chocolates", "Chocolates Box")


def test_a_want_made_only_of_stop_words_matches_nothing():
    assert not matches("the and of", "The Best of Everything")


# Rule 3: singular = plural


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("shoes", "shoe"),
        ("batteries", "battery"),
        ("boxes", "box"),
        ("watches", "watch"),
        ("dishes", "dish"),
        ("glasses", "glass"),
        ("cases", "case"),
    ],
)
def test_regular_plural_equals_singular(plural, singular):
    assert engine.singular(plural) == engine.singular(singular)


def test_short_words_and_words_with_digits_stay_as_they_are():
    assert engine.singular("gas") == "gas"
    assert engine.singular("10s") == "10s"
    assert engine.singular("4ks") == "4ks"


def test_plural_want_matches_singular_item():
    assert matches("batteries", "AA Battery")


# Rule 4: synonyms


def test_synonym_group_matches_both_ways():
    synonyms = engine.Synonyms(["sneakers, trainers"])
    assert matches("trainers", "Running Sneakers", synonyms=synonyms)
    assert matches("sneaker", "Gym Trainers", synonyms=synonyms)


def test_one_way_synonym_mapping():
    synonyms = engine.Synonyms(["telly => television"])
    assert matches("telly", "Television 55 inch", synonyms=synonyms)
    assert not matches("television", "Telly Stand", synonyms=synonyms)


def test_multi_word_synonym_entry():
    synonyms = engine.Synonyms(["mobile phone, cellphone"])
    assert matches("cellphone", "Mobile Phone Holder", synonyms=synonyms)
    assert matches("mobile phone", "Cellphone Charger", synonyms=synonyms)


def test_solr_file_comments_and_blank_lines_are_dropped():
    assert engine.parse_solr("# comment\n\nsofa, couch  # seats\n") == ["sofa, couch"]


# Rule 5: joined adjacent words


def test_two_adjacent_words_equal_their_joined_form():
    assert matches("t shirt", "Tshirt Basic")
    assert matches("blue t shirt", "Blue Tshirt")
    assert matches("tshirt", "T-Shirt, white")
    assert matches("dollhouse", "Wooden Doll House")
    assert matches("doll house", "Dollhouse Kit")


def test_joined_form_is_not_made_across_name_and_keyword():
    assert not matches("housedoll", "House", ("doll",))


# Rule 6: typos


def test_one_typo_allowed_for_5_to_8_letters():
    assert matches("hedphones", "Wireless Headphones")  # deletion, 8 letters singular
    assert matches("cmaera", "Digital Camera")  # swap
    assert not matches("cmaeraa", "Digital Camera")  # two edits on 7 letters


def test_two_typos_allowed_for_9_letters_or_more():
    assert matches("televisoin", "Television")  # swap = 1
    assert matches("telavisoin", "Television")  # 2 edits
    assert not matches("tulavisoin", "Television")  # 3 edits


def test_no_typo_for_four_letters_or_less():
    assert not matches("shoa", "Shoe")


def test_never_on_the_first_letter():
    assert not matches("mamera", "Camera")


def test_never_in_a_word_with_a_digit():
    assert not matches("iphone14", "iPhone15")


def test_never_against_a_joined_compound():
    # "dollhoose" is one edit from the joined "dollhouse", which only exists as a compound.
    assert not matches("dollhoose", "Doll House")
    assert matches("dollhoose", "Dollhouse")  # a real word of the item: typo allowed


def test_within_edits_counts_a_swap_as_one_edit():
    assert engine.within_edits("aple", "alpe", 1)
    assert not engine.within_edits("apple", "appel", 0)


# Index support: covering terms never lose a match


def test_covering_terms_hold_every_term_a_matching_item_needs():
    synonyms = engine.Synonyms(["tv, television"])
    phrase = tuple(engine.words("55 inch television"))
    needed = engine.covering_terms(phrase, synonyms, lambda word: set())
    item = engine.item_terms("LG 55-inch OLED TV")
    assert all(terms & item.all for terms in needed)


# Ranking and distance


def test_distance_adds_floor_penalty_per_floor():
    a, b = engine.Position(0, 0, 0), engine.Position(2, 3, 4)
    assert engine.distance(a, b, 30) == pytest.approx(5 + 60)


def test_rank_nearest_then_price_and_cheapest_then_distance():
    near_dear = engine.Offer(1, 1, Decimal("20"), 10)
    far_cheap = engine.Offer(2, 2, Decimal("5"), 100)
    near_cheap = engine.Offer(3, 3, Decimal("5"), 10)
    offers = [near_dear, far_cheap, near_cheap]
    assert engine.rank(offers, "nearest") == [near_cheap, near_dear, far_cheap]
    assert engine.rank(offers, "cheapest") == [near_cheap, far_cheap, near_dear]
