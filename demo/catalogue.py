"""Word lists that make a believable mall: shops, stock items and shoppers' wants.

Deterministic (a seeded ``random.Random``), so the demo loads the same mall on every run
and the benchmark measures the same data. Names are built as ``brand modifier colour
noun`` from per-category lists, so a typical want (``waterproof boots``, ``navy hoodie``) matches a
few dozen items of a big mall rather than thousands.
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


def _category(
    title: str, nouns: str, modifiers: str, keywords: str, low: int, high: int
) -> Category:
    return Category(
        title,
        tuple(nouns.split(", ")),
        tuple(modifiers.split(", ")),
        tuple(keywords.split(", ")),
        low,
        high,
    )


CATEGORIES: tuple[Category, ...] = (
    _category(
        "Shoes",
        "shoes, boots, sandals, sneakers, slippers, loafers, flip flops, clogs, "
        "ankle boots, espadrilles, moccasins",
        "running, hiking, leather, canvas, suede, waterproof, trail, walking, padded, vegan",
        "footwear",
        19,
        180,
    ),
    _category(
        "Fashion",
        "t-shirt, jeans, jacket, hoodie, dress, scarf, sweater, shorts, blouse, cardigan, "
        "raincoat, skirt",
        "cotton, wool, linen, denim, slim, oversized, striped, organic, cropped, quilted",
        "clothes, apparel",
        9,
        150,
    ),
    _category(
        "Electronics",
        "headphones, charger, cable, speaker, power bank, keyboard, mouse, webcam, "
        "smartwatch, tablet stand, router",
        "wireless, usb-c, bluetooth, noise cancelling, portable, gaming, compact, ergonomic, "
        "rechargeable, smart",
        "tech, gadgets",
        8,
        350,
    ),
    _category(
        "Toys",
        "doll house, puzzle, building blocks, teddy bear, kite, board game, train set, "
        "yo-yo, rubik's cube, marbles, puppet",
        "wooden, giant, mini, classic, educational, magnetic, travel, musical, glow, plush",
        "kids, gift",
        5,
        120,
    ),
    _category(
        "Books",
        "novel, cookbook, notebook, diary, comic, dictionary, sketchbook, atlas, biography, "
        "planner, poetry collection",
        "hardcover, paperback, illustrated, pocket, spiral, vintage, signed, bilingual, "
        "annotated, deluxe",
        "reading, stationery",
        4,
        60,
    ),
    _category(
        "Kitchen",
        "frying pan, teapot, knife set, mug, blender, cutting board, kettle, saucepan, "
        "toaster, colander, spatula",
        "stainless steel, ceramic, cast iron, non-stick, bamboo, enamel, copper, glass, "
        "electric, stackable",
        "cookware, home",
        6,
        220,
    ),
    _category(
        "Sports",
        "yoga mat, tennis racket, football, water bottle, dumbbells, backpack, bike helmet, "
        "swim goggles, skipping rope, shin guards",
        "lightweight, foldable, insulated, adjustable, junior, reflective, pro, grippy, "
        "breathable, heavy duty",
        "fitness, outdoor",
        7,
        250,
    ),
    _category(
        "Beauty",
        "shampoo, lipstick, perfume, face cream, sunscreen, nail polish, soap, hair dryer, "
        "mascara, body lotion, bath salts",
        "organic, vegan, travel size, matte, scented, sensitive, herbal, hydrating, "
        "fragrance free, spf 50",
        "cosmetics, care",
        3,
        95,
    ),
    _category(
        "Jewellery",
        "watch, necklace, ring, earrings, bracelet, brooch, pendant, anklet, cufflinks, "
        "hair clip, charm",
        "silver, gold, rose gold, pearl, diamond, engraved, titanium, handmade, "
        "adjustable, vintage",
        "jewelry, accessories",
        15,
        900,
    ),
    _category(
        "Home",
        "cushion, lamp, candle, vase, rug, curtains, picture frame, throw blanket, "
        "mirror, clock, plant pot",
        "velvet, scandinavian, rattan, marble, hand woven, minimalist, rustic, ceramic, "
        "linen, dimmable",
        "decor, home",
        8,
        300,
    ),
    _category(
        "Pets",
        "dog bed, cat tree, leash, collar, chew toy, bird cage, aquarium, litter box, "
        "feeding bowl, scratching post",
        "orthopedic, reflective, washable, durable, non-slip, extra large, small breed, "
        "indestructible, self cleaning, heated",
        "pet supplies, animals",
        4,
        260,
    ),
    _category(
        "Garden",
        "watering can, garden hose, pruning shears, seed tray, bird feeder, wheelbarrow, "
        "gloves, lawn mower, planter, trowel",
        "galvanised, expandable, ergonomic, biodegradable, cordless, heavy duty, "
        "self watering, raised, solar, compact",
        "gardening, outdoor",
        3,
        400,
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
    "orange",
    "teal",
    "olive",
    "burgundy",
)

_BRAND_STARTS = "Nor Vel Kes Ori Map Pio Sum Lum Vis Har Cob Emb Fal Gra Jun Mer Ster Wil Ast Bel"
_MORE_STARTS = "Cal Dor Eld Fen Hol Ivo Kal Mon Pra Tor"
_BRAND_ENDS = "dic ora trel on leton neer mit en ta bor alt er con ite iper ion ling low ra mont"
#: 600 made-up brand names ("Norora", "Kestrel"), so that a brand is not in every shop.
BRANDS = tuple(
    start + end
    for start in f"{_BRAND_STARTS} {_MORE_STARTS}".split()
    for end in _BRAND_ENDS.split()
)
#: Brands one shop carries: a real shop stocks a handful of its trade's brands.
BRANDS_PER_SHOP = 6


def category_brands(category: Category) -> tuple[str, ...]:
    """The brands of one trade: each category has its own share of ``BRANDS``."""
    return BRANDS[CATEGORIES.index(category) :: len(CATEGORIES)]


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
    #: What a shopper looking for this item might type (``walking sneakers``).
    want: str


def item_specs(category: Category, count: int, *, seed: int) -> Iterator[ItemSpec]:
    """``count`` distinct items a shop of ``category`` might stock (its own few brands)."""
    rng = random.Random(seed)
    brands = rng.sample(category_brands(category), BRANDS_PER_SHOP)
    seen: set[str] = set()
    combinations = len(brands) * len(category.modifiers) * len(COLOURS) * len(category.nouns)
    count = min(count, combinations)
    while len(seen) < count:
        modifier, noun = rng.choice(category.modifiers), rng.choice(category.nouns)
        name = " ".join(
            (rng.choice(brands), modifier.title(), rng.choice(COLOURS).title(), noun.title())
        )
        if name in seen:
            continue
        seen.add(name)
        cents = rng.choice((0, 50, 95, 99))
        price = Decimal(rng.randint(category.low, category.high)) + Decimal(cents) / 100
        yield ItemSpec(
            name=name,
            keywords=category.keywords,
            # A few items are sold out: they must stay out of the results.
            quantity=0 if rng.random() < 0.05 else rng.randint(1, 40),
            price=price,
            barcode=f"{rng.randrange(10**12, 10**13)}",
            want=f"{modifier} {noun}",
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
        # Brand + noun (~30 items of a 200,000-item mall) and three-word wants (~10) are
        # the common cases; colour or kind + noun (~100-150) the broad ones.
        if shape < 0.45:
            words = [rng.choice(category_brands(category)).lower(), noun]
        elif shape < 0.75:
            words = [rng.choice(category.modifiers), rng.choice(COLOURS), noun]
        elif shape < 0.9:
            words = [rng.choice(COLOURS), noun]
        else:
            words = [rng.choice(category.modifiers), noun]
        if rng.random() < 0.1:
            words[-1] = _typo(words[-1], rng)
        yield " ".join(words)


def _typo(word: str, rng: random.Random) -> str:
    """One swapped pair of letters, away from the first letter (rule 6 forgives it)."""
    if len(word) < 5 or " " in word or "-" in word:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
