"""The demo catalog and customers as plain data, made from `vocabulary` with a seeded random generator.

Nothing here touches the database: `catalog_build` and `customers_build` return dataclasses that
`simulation` uses to invent behaviour and `loader` writes. The same seed and scale always give
the same result. docs/demo-data.md describes the model.
"""

import math
import random
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

from django.utils.text import slugify

from demo import vocabulary as vocab


@dataclass(frozen=True)
class Scale:
    name: str
    products: int
    customers: int
    orders: int
    days: int
    browse_sessions_per_order: float
    image_pool_colours: int  # 0: one image per product; else a shared pool per (category, brand, colour)


SCALES: dict[str, Scale] = {
    # "tiny" is for tests of the generator; the command offers small, medium and large.
    "tiny": Scale("tiny", products=80, customers=150, orders=1_500, days=120, browse_sessions_per_order=1.0,
                  image_pool_colours=0),
    "small": Scale("small", products=520, customers=2_200, orders=21_000, days=365, browse_sessions_per_order=1.0,
                   image_pool_colours=0),
    "medium": Scale("medium", products=10_000, customers=10_000, orders=40_000, days=365,
                    browse_sessions_per_order=1.0, image_pool_colours=3),
    "large": Scale("large", products=100_000, customers=50_000, orders=160_000, days=365,
                   browse_sessions_per_order=1.0, image_pool_colours=3),
}  # fmt: skip

# Price multipliers a price change can move a product to (relative to its reference price).
PRICE_LEVELS = (0.75, 0.8, 0.85, 0.9, 1.0, 1.1, 1.15, 1.2)
# Colours of the pictures of products that have no colour option (pans, creams...).
IMAGE_COLOURS = ("Copper", "Stainless", "Charcoal", "Sage", "Blush", "Cream", "Lavender", "Teal", "Coral")
# Weights of a product's first, second... colour option.
COLOUR_POPULARITY = (1.0, 0.7, 0.5, 0.35)
SEGMENT_FAVOURITE_BRANDS = 3
COMPLEMENTS_PER_PRODUCT = 3

_DESCRIPTION_OPENERS = (
    "The {name} is {brand}'s {modifier} {noun}, made for everyday use.",
    "Meet the {name}: {brand}'s take on the {modifier} {noun}.",
    "This {modifier} {noun} from {brand} does exactly what it should.",
    "{brand} designed this {modifier} {noun} to be the only one you need.",
)
_DESCRIPTION_CLOSERS = (
    "Free returns within 30 days.",
    "Backed by our two-year guarantee.",
    "Ships in recyclable packaging.",
    "",
)


@dataclass(frozen=True)
class CategoryPlan:
    slug: str
    name: str
    description: str
    parent_slug: str | None
    position: int
    is_featured: bool


@dataclass(frozen=True)
class BrandPlan:
    name: str
    slug: str
    leaves: tuple[str, ...]
    quality: float  # mean star rating of its products
    price_tier: float  # multiplier of the category's median price


@dataclass
class VariantPlan:
    sku: str
    name: str
    option_values: dict[str, str]
    weight: float  # how often shoppers pick it among the product's variants
    cost: Decimal
    stock: int
    prices: tuple[Decimal, ...]  # price in each price epoch of its product
    compare_at_price: Decimal | None


@dataclass
class ProductPlan:
    index: int
    leaf: vocab.Leaf
    brand: int  # index into Catalog.brands
    name: str
    slug: str
    noun: str
    description: str
    attributes: tuple[tuple[str, str | Decimal | bool], ...]
    variants: list[VariantPlan]
    colour: str  # drives its picture
    quality: float  # latent mean rating, 1..5
    appeal: float  # latent demand weight within its category
    elasticity: float  # own-price elasticity, < 0
    available_from: int  # first day it can be bought (day 0 = first simulated day; negative = earlier)
    change_days: tuple[int, ...]  # days a price change takes effect (at local midnight)
    multipliers: tuple[float, ...]  # price level of each epoch: before the first change, after each change
    complements: tuple[int, ...] = ()
    is_featured: bool = False

    def epoch(self, day: int) -> int:
        """Index of the price epoch in effect on `day`."""
        return bisect_right(self.change_days, day)


@dataclass
class Catalog:
    categories: list[CategoryPlan]
    brands: list[BrandPlan]
    products: list[ProductPlan]
    products_by_leaf: dict[str, list[int]]
    segment_brands: list[tuple[int, ...]]  # favourite brands (indices) of each vocabulary segment
    search_counts: dict[str, int] = field(default_factory=dict)  # query -> number of matching products


@dataclass(frozen=True)
class CustomerPlan:
    username: str
    first_name: str
    last_name: str
    email: str
    segments: tuple[int, ...]  # indices into vocabulary.SEGMENTS
    favourite_brands: frozenset[int]
    activity: float  # relative rate at which this customer shops
    rating_bias: float  # added to the product's quality when this customer rates it
    apparel_size: str
    shoe_size: str


def retail_price(value: float) -> Decimal:
    """A shelf price near `value`: x.99 from 10 up, x.49 or x.99 below, never under 0.99."""
    if value >= 10:
        return Decimal(max(round(value), 10)) - Decimal("0.01")
    halves = max(round(value * 2), 2)
    return (Decimal(halves) / 2 - Decimal("0.01")).quantize(Decimal("0.01"))


def catalog_build(*, scale: Scale, rng: random.Random, progress: Callable[[int], None] | None = None) -> Catalog:
    """Categories, brands and `scale.products` products with variants, prices, price history and complements."""
    featured_leaves = set(rng.sample([leaf.slug for leaf in vocab.LEAVES], k=6))
    categories = []
    for position, department in enumerate(vocab.DEPARTMENTS):
        categories.append(CategoryPlan(department.slug, department.name, department.description, None, position, False))
        for leaf_position, leaf in enumerate(department.leaves):
            categories.append(
                CategoryPlan(
                    leaf.slug, leaf.name, leaf.description, department.slug, leaf_position, leaf.slug in featured_leaves
                )
            )
    brands = [
        BrandPlan(
            name=name,
            slug=slugify(name),
            leaves=leaf_slugs,
            quality=round(rng.uniform(3.0, 4.6), 2),
            price_tier=round(math.exp(rng.gauss(0, 0.25)), 3),
        )
        for name, leaf_slugs in vocab.BRANDS
    ]
    brand_share = [math.exp(rng.gauss(0, 0.5)) for _ in brands]
    per_leaf = split_total(scale.products, [rng.uniform(0.7, 1.3) for _ in vocab.LEAVES])

    products: list[ProductPlan] = []
    products_by_leaf: dict[str, list[int]] = {}
    slugs: Counter[str] = Counter()
    for leaf, count in zip(vocab.LEAVES, per_leaf, strict=True):
        leaf_brands = [i for i, brand in enumerate(brands) if leaf.slug in brand.leaves]
        leaf_brand_weights = [brand_share[i] for i in leaf_brands]
        products_by_leaf[leaf.slug] = []
        for _ in range(count):
            brand_index = rng.choices(leaf_brands, weights=leaf_brand_weights)[0]
            product = _product(rng=rng, scale=scale, index=len(products), leaf=leaf, brands=brands, brand=brand_index)
            slugs[product.slug] += 1
            if slugs[product.slug] > 1:
                product.slug = f"{product.slug}-{slugs[product.slug]}"
            products_by_leaf[leaf.slug].append(product.index)
            products.append(product)
        if progress:
            progress(count)

    _complements_link(rng=rng, products=products, products_by_leaf=products_by_leaf)
    for indices in products_by_leaf.values():
        for index in sorted(indices, key=lambda i: -products[i].appeal * products[i].quality)[:2]:
            products[index].is_featured = True
    return Catalog(
        categories=categories,
        brands=brands,
        products=products,
        products_by_leaf=products_by_leaf,
        segment_brands=_segment_brands(rng=rng, brands=brands),
        search_counts=_search_counts(products=products, brands=brands),
    )


def customers_build(*, scale: Scale, catalog: Catalog, rng: random.Random) -> list[CustomerPlan]:
    """`scale.customers` shoppers, each in one or two taste segments with favourite brands and sizes."""
    segment_shares = [share for _, share, _ in vocab.SEGMENTS]
    apparel = vocab.SIZE_AXES["apparel"].options
    shoe = vocab.SIZE_AXES["shoe"].options
    usernames: Counter[str] = Counter()
    customers = []
    for _ in range(scale.customers):
        first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
        base = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        usernames[base] += 1
        username = base if usernames[base] == 1 else f"{base}{usernames[base]}"
        segments = [rng.choices(range(len(segment_shares)), weights=segment_shares)[0]]
        if rng.random() < 0.4:
            second = rng.choices(range(len(segment_shares)), weights=segment_shares)[0]
            if second != segments[0]:
                segments.append(second)
        favourites = {brand for segment in segments for brand in catalog.segment_brands[segment]}
        favourites.add(rng.randrange(len(catalog.brands)))
        customers.append(
            CustomerPlan(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                segments=tuple(segments),
                favourite_brands=frozenset(favourites),
                activity=math.exp(rng.gauss(0, 1.0)),
                rating_bias=rng.gauss(0, 0.3),
                apparel_size=rng.choices([o[0] for o in apparel], weights=[o[2] for o in apparel])[0],
                shoe_size=rng.choices([o[0] for o in shoe], weights=[o[2] for o in shoe])[0],
            )
        )
    return customers


def _product(
    *, rng: random.Random, scale: Scale, index: int, leaf: vocab.Leaf, brands: list[BrandPlan], brand: int
) -> ProductPlan:
    brand_plan = brands[brand]
    noun, modifier = rng.choice(leaf.nouns), rng.choice(leaf.modifiers)
    words = [brand_plan.name]
    if rng.random() < leaf.line_rate:
        words.append(rng.choice(vocab.PRODUCT_LINES) + rng.choice(vocab.LINE_SUFFIXES))
    words += [modifier, noun]
    name = " ".join(words)

    quality = min(max(rng.gauss(brand_plan.quality, 0.35), 1.8), 4.9)
    base = leaf.price_median * brand_plan.price_tier * math.exp(rng.gauss(0, leaf.price_sigma))
    margin = min(max(rng.gauss(leaf.margin, 0.05), 0.15), 0.8)
    available_from = rng.randrange(0, max(scale.days - 21, 1)) if rng.random() < 0.12 else -rng.randrange(1, 500)
    change_days, multipliers = _price_history(rng=rng, scale=scale, available_from=available_from)
    variants, colour = _variants(
        rng=rng, leaf=leaf, index=index, brand=brand_plan, base=base, margin=margin, multipliers=multipliers
    )
    opener = rng.choice(_DESCRIPTION_OPENERS).format(
        name=name, brand=brand_plan.name, noun=noun.lower(), modifier=modifier.lower()
    )
    description = " ".join(s for s in (opener, *rng.sample(leaf.features, k=2), rng.choice(_DESCRIPTION_CLOSERS)) if s)
    return ProductPlan(
        index=index,
        leaf=leaf,
        brand=brand,
        name=name,
        slug=slugify(name)[:200],
        noun=noun,
        description=description,
        attributes=tuple((code, _attribute_value(rng, spec)) for code, spec in leaf.attributes),
        variants=variants,
        colour=colour,
        quality=round(quality, 3),
        # More appealing when better rated and when cheap for its category (see docs/demo-data.md).
        appeal=math.exp(rng.gauss(0, 0.8) + 0.5 * (quality - 4)) * (base / leaf.price_median) ** -0.5,
        elasticity=round(min(max(rng.gauss(leaf.elasticity, 0.15), -3.0), -0.5), 3),
        available_from=available_from,
        change_days=change_days,
        multipliers=multipliers,
    )


def _price_history(
    *, rng: random.Random, scale: Scale, available_from: int
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """1-4 price changes on distinct days after the product is available; each moves to a new PRICE_LEVELS level."""
    first_day = max(available_from, 0) + 7
    days = list(range(first_day, scale.days))
    count = min(rng.choice((1, 1, 2, 2, 2, 3, 3, 4)), len(days))
    change_days = tuple(sorted(rng.sample(days, k=count)))
    multipliers = [1.0]
    for _ in change_days:
        multipliers.append(rng.choice([level for level in PRICE_LEVELS if level != multipliers[-1]]))
    return change_days, tuple(multipliers)


def _variants(
    *,
    rng: random.Random,
    leaf: vocab.Leaf,
    index: int,
    brand: BrandPlan,
    base: float,
    margin: float,
    multipliers: tuple[float, ...],
) -> tuple[list[VariantPlan], str]:
    sizes: list[tuple[str, float, float]] = [("", 1.0, 1.0)]
    if leaf.sizes:
        axis = vocab.SIZE_AXES[leaf.sizes]
        length = rng.randint(axis.min_options, len(axis.options))
        start = rng.randint(0, len(axis.options) - length)
        sizes = list(axis.options[start : start + length])
    if leaf.colours:
        most = 3 if leaf.sizes else 4
        colours = rng.sample(leaf.colours, k=rng.randint(1, most))
    else:
        colours = [""]
    prefix = re.sub(r"[^A-Z]", "", brand.name.upper())[:3]
    variants = []
    for colour_position, colour in enumerate(colours):
        for size, size_factor, size_weight in sizes:
            options = {key: value for key, value in (("colour", colour), ("size", size)) if value}
            reference = retail_price(base * size_factor)
            prices = tuple(retail_price(float(reference) * m) for m in multipliers)
            variants.append(
                VariantPlan(
                    sku=f"{prefix}-{index + 1:06d}-{len(variants) + 1:02d}",
                    name=" / ".join(options.values()) or "Standard",
                    option_values=options,
                    weight=size_weight * COLOUR_POPULARITY[min(colour_position, len(COLOUR_POPULARITY) - 1)],
                    cost=(reference * Decimal(1 - margin)).quantize(Decimal("0.01"), ROUND_HALF_UP),
                    stock=_stock(rng),
                    prices=prices,
                    # The "was" price of a product on promotion: its reference price.
                    compare_at_price=reference if prices[-1] < reference else None,
                )
            )
    return variants, colours[0] or rng.choice(IMAGE_COLOURS)


def _stock(rng: random.Random) -> int:
    """Final stock: mostly in stock, some low (1-5), some sold out."""
    draw = rng.random()
    if draw < 0.06:
        return 0
    if draw < 0.18:
        return rng.randint(1, 5)
    return rng.randint(6, 150)


def _attribute_value(rng: random.Random, spec: vocab.Text | vocab.Number | vocab.Flag) -> str | Decimal | bool:
    if isinstance(spec, vocab.Text):
        return rng.choice(spec.choices)
    if isinstance(spec, vocab.Flag):
        return rng.random() < spec.p
    steps = round((spec.high - spec.low) / spec.step)
    return Decimal(str(round(spec.low + spec.step * rng.randint(0, steps), 3)))


def _complements_link(*, rng: random.Random, products: list[ProductPlan], products_by_leaf: dict[str, list[int]]):
    """Give each product COMPLEMENTS_PER_PRODUCT complements in its leaf's complement categories.

    A complement is drawn in proportion to appeal; half the time from the same brand when that
    brand sells in the complement category (people buy matching kit).
    """
    cumulative = {
        slug: list(accumulate(products[i].appeal for i in indices)) for slug, indices in products_by_leaf.items()
    }
    by_leaf_brand: dict[tuple[str, int], list[int]] = {}
    for product in products:
        by_leaf_brand.setdefault((product.leaf.slug, product.brand), []).append(product.index)
    for product in products:
        chosen: list[int] = []
        for _ in range(COMPLEMENTS_PER_PRODUCT * 3):  # a few extra tries for duplicates
            if len(chosen) == COMPLEMENTS_PER_PRODUCT:
                break
            slug = rng.choice(product.leaf.complements)
            same_brand = by_leaf_brand.get((slug, product.brand))
            if same_brand and rng.random() < 0.5:
                candidate = rng.choice(same_brand)
            elif products_by_leaf[slug]:
                candidate = rng.choices(products_by_leaf[slug], cum_weights=cumulative[slug])[0]
            else:
                continue
            if candidate != product.index and candidate not in chosen:
                chosen.append(candidate)
        product.complements = tuple(chosen)


def _segment_brands(*, rng: random.Random, brands: list[BrandPlan]) -> list[tuple[int, ...]]:
    """SEGMENT_FAVOURITE_BRANDS favourite brands per segment, drawn by how much they sell what the segment likes."""
    favourites = []
    for _, _, preferences in vocab.SEGMENTS:
        weights = {i: sum(preferences.get(slug, 0) for slug in brand.leaves) for i, brand in enumerate(brands)}
        candidates = [i for i, weight in weights.items() if weight > 0]
        chosen: list[int] = []
        while len(chosen) < min(SEGMENT_FAVOURITE_BRANDS, len(candidates)):
            pick = rng.choices(candidates, weights=[weights[i] for i in candidates])[0]
            if pick not in chosen:
                chosen.append(pick)
        favourites.append(tuple(chosen))
    return favourites


def _search_counts(*, products: list[ProductPlan], brands: list[BrandPlan]) -> dict[str, int]:
    """How many products a demo search query finds: by category name, noun, brand, and brand + noun."""
    counts: Counter[str] = Counter()
    for product in products:
        brand = brands[product.brand].name.lower()
        for query in (product.leaf.name.lower(), product.noun.lower(), brand, f"{brand} {product.noun.lower()}"):
            counts[query] += 1
    return dict(counts)


def split_total(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), so the parts add up exactly."""
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts
