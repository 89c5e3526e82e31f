"""Word lists that make a believable mall: shops, stock items and shoppers' wants.

Deterministic (a seeded ``random.Random``), so the demo loads the same mall on every run
and the benchmark measures the same data. Names are built as ``brand modifier colour
noun`` from per-category lists, so a typical want (``waterproof navy boots``) matches a few
dozen items of a big mall rather than thousands.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Category:
    """A kind of shop and the words its items are made of."""

    title: str
    nouns: tuple[str, ...]
    modifiers: tuple[str, ...]
    keywords: tuple[str, ...]
    #: Price range in whole currency units.
    low: int
    high: int


CATEGORIES: tuple[Category, ...] = (
    Category(
        "Shoes",
        ("shoes", "boots", "sandals", "sneakers", "slippers", "loafers"),
        ("running", "hiking", "leather", "canvas", "suede", "waterproof", "trail", "walking"),
        ("footwear",),
        19,
        180,
    ),
    Category(
        "Fashion",
        ("t-shirt", "jeans", "jacket", "hoodie", "dress", "scarf", "sweater", "shorts"),
        ("cotton", "wool", "linen", "denim", "slim", "oversized", "striped", "organic"),
        ("clothes", "apparel"),
        9,
        150,
    ),
    Category(
        "Electronics",
        ("headphones", "charger", "cable", "speaker", "power bank", "keyboard", "mouse"),
        ("wireless", "usb-c", "bluetooth", "noise cancelling", "portable", "gaming", "compact"),
        ("tech",),
        8,
        350,
    ),
    Category(
        "Toys",
        ("doll house", "puzzle", "building blocks", "teddy bear", "kite", "board game"),
        ("wooden", "giant", "mini", "classic", "educational", "magnetic", "travel"),
        ("kids", "gift"),
        5,
        120,
    ),
    Category(
        "Books",
        ("novel", "cookbook", "notebook", "diary", "comic", "dictionary", "sketchbook"),
        ("hardcover", "paperback", "illustrated", "pocket", "spiral", "vintage", "signed"),
        ("reading",),
        4,
        60,
    ),
    Category(
        "Kitchen",
        ("frying pan", "teapot", "knife set", "mug", "blender", "cutting board", "kettle"),
        ("stainless steel", "ceramic", "cast iron", "non-stick", "bamboo", "enamel", "copper"),
        ("cookware", "home"),
        6,
        220,
    ),
    Category(
        "Sports",
        ("yoga mat", "tennis racket", "football", "water bottle", "dumbbells", "backpack"),
        ("lightweight", "foldable", "insulated", "adjustable", "junior", "reflective"),
        ("fitness", "outdoor"),
        7,
        250,
    ),
    Category(
        "Beauty",
        ("shampoo", "lipstick", "perfume", "face cream", "sunscreen", "nail polish", "soap"),
        ("organic", "vegan", "travel size", "matte", "scented", "sensitive", "herbal"),
        ("cosmetics", "care"),
        3,
        95,
    ),
    Category(
        "Jewellery",
        ("watch", "necklace", "ring", "earrings", "bracelet", "brooch", "pendant"),
        ("silver", "gold", "rose gold", "pearl", "diamond", "engraved", "titanium"),
        ("jewelry", "accessories"),
        15,
        900,
    ),
)

COLOURS = (
    "black",
    "white",
    "red",
    "blue",
    "green",
    "grey",
    "navy",
    "pink",
    "yellow",
    "brown",
    "beige",
    "purple",
)

BRANDS = (
    "Acme",
    "Nordic",
    "Urban",
    "Zenith",
    "Kestrel",
    "Orion",
    "Maple",
    "Pioneer",
    "Summit",
    "Lumen",
    "Vista",
    "Harbor",
    "Cobalt",
    "Ember",
    "Falcon",
    "Granite",
    "Juniper",
    "Meridian",
    "Sterling",
    "Willow",
)

#: Solr lines: words shoppers use for the same thing.
SYNONYMS = (
    "sneakers, trainers",
    "t shirt, tee",
    "headphones, earphones, headset",
    "jewellery, jewelry",
    "hoodie, sweatshirt",
    "mug, cup",
    "backpack, rucksack",
    "football, soccer ball",
    "perfume, fragrance",
    "grey, gray",
    "charger, power adapter",
    "sweater, jumper, pullover",
)


@dataclass(frozen=True)
class ItemSpec:
    """One generated stock item (the columns of a stock CSV row, without the shop)."""

    name: str
    keywords: tuple[str, ...]
    quantity: int
    price: Decimal
    barcode: str


def item_specs(category: Category, count: int, *, seed: int) -> Iterator[ItemSpec]:
    """``count`` distinct items a shop of ``category`` might stock."""
    rng = random.Random(seed)
    seen: set[str] = set()
    combinations = len(BRANDS) * len(category.modifiers) * len(COLOURS) * len(category.nouns)
    count = min(count, combinations)
    while len(seen) < count:
        noun = rng.choice(category.nouns)
        name = " ".join(
            (
                rng.choice(BRANDS),
                rng.choice(category.modifiers).title(),
                rng.choice(COLOURS).title(),
                noun.title(),
            )
        )
        if name in seen:
            continue
        seen.add(name)
        cents = rng.choice((0, 50, 95, 99))
        price = Decimal(rng.randint(category.low, category.high)) + Decimal(cents) / 100
        yield ItemSpec(
            name=name,
            keywords=(*category.keywords, category.title.lower()),
            # A few items are sold out: they must stay out of the results.
            quantity=0 if rng.random() < 0.05 else rng.randint(1, 40),
            price=price,
            barcode=f"{rng.randrange(10**12, 10**13)}",
        )


def want_specs(count: int, *, seed: int) -> Iterator[str]:
    """``count`` wants as shoppers type them: two or three words, now and then a synonym
    or a typo, so the index's synonym and typo paths are exercised too."""
    rng = random.Random(seed)
    by_word = {"sneakers": "trainers", "headphones": "earphones", "backpack": "rucksack"}
    for _ in range(count):
        category = rng.choice(CATEGORIES)
        noun = rng.choice(category.nouns)
        noun = by_word.get(noun, noun) if rng.random() < 0.5 else noun
        shape = rng.random()
        if shape < 0.5:
            words = [rng.choice(category.modifiers), rng.choice(COLOURS), noun]
        elif shape < 0.8:
            words = [rng.choice(BRANDS).lower(), rng.choice(category.modifiers), noun]
        else:
            words = [rng.choice(BRANDS).lower(), rng.choice(COLOURS), noun]
        if rng.random() < 0.1:
            words[-1] = _typo(words[-1], rng)
        yield " ".join(words)


def _typo(word: str, rng: random.Random) -> str:
    """One swapped pair of letters, away from the first letter (rule 6 forgives it)."""
    if len(word) < 5 or " " in word or "-" in word:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
