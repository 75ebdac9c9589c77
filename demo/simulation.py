"""Simulated shoppers: orders, reviews, price changes and the browsing events behind them, as plain data.

`history_simulate` walks day by day through the demo period and draws sessions from a generative
model with planted structure (taste segments, complements, price elasticity, weekly and yearly
seasonality, noise), documented with its parameters in docs/demo-data.md. Nothing here touches
the database; the same inputs and seed always give the same history.
"""

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import NamedTuple

from demo import vocabulary as vocab
from demo.catalog import Catalog, CustomerPlan, ProductPlan, split_total
from demo.reviews import review_compose

# Relative order volume per weekday, Monday first: weekend peaks.
WEEKDAY_FACTORS = (0.9, 0.86, 0.88, 0.94, 1.02, 1.25, 1.15)
# Relative session starts per local hour: a lunch bump and an evening peak.
HOUR_WEIGHTS = (1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.2, 3.6,
                4.0, 3.8, 3.5, 3.4, 3.5, 3.8, 4.4, 5.2, 5.6, 5.0, 3.6, 2.0)  # fmt: skip
_HOUR_CUMULATIVE = list(accumulate(HOUR_WEIGHTS))
STORE_SEASON_AMPLITUDE = 0.2  # store-wide yearly swing, peaking in mid-December (day 350)
STORE_SEASON_PEAK = 350
BLACK_FRIDAY_LIFT = 1.6  # Black Friday to Cyber Monday
GROWTH = 0.3  # order volume grows linearly by this fraction over the period
DAILY_NOISE = 0.1  # sigma of the log-normal day-to-day noise

FAVOURITE_BOOST = 3.0  # weight multiplier of a shopper's favourite brands
EXPLORE_RATE = 0.1  # share of category choices that ignore the shopper's segments
EXTRA_PRIMARY_RATES = (0.25, 0.08)  # chance of a second and a third independent item
COMPLEMENT_RATE = 0.2  # chance of adding each complement of a basket item, times its price factor (< 0.5)
SEARCH_RATE = 0.45  # order sessions that start with a search
TYPO_RATE = 0.07  # searches with a typo (they find nothing)
CART_REMOVAL_RATE = 0.15  # order sessions that add one more item and remove it again
WISHLIST_RATE = 0.06
ANONYMOUS_BROWSE_RATE = 0.3
BROWSE_SEARCH_RATE = 0.4
BROWSE_CART_RATE = 0.12
BROWSE_CART_REMOVAL_RATE = 0.4

RATING_NOISE = 1.0
REVIEW_RATE = 0.33  # chance that a delivered (customer, product) pair is reviewed ...
EXTREME_REVIEW_BOOST = 1.4  # ... times this for 1- and 5-star experiences
REVIEW_STATUS_WEIGHTS = {"published": 0.94, "pending": 0.04, "hidden": 0.02}
FREE_SHIPPING_FROM = Decimal("50.00")
SHIPPING_FEE = Decimal("4.95")


class EventPlan(NamedTuple):
    """One Interaction row; `customer` and `product` are indices, `variant` a position within the product."""

    kind: str
    customer: int | None
    session_key: str
    product: int | None
    variant: int | None
    quantity: int
    price: Decimal | None
    query: str
    result_count: int | None
    created_at: datetime


@dataclass(frozen=True)
class LinePlan:
    product: int
    variant: int  # position within the product's variants
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class OrderPlan:
    customer: int
    created_at: datetime
    status: str
    lines: tuple[LinePlan, ...]
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class ReviewPlan:
    product: int
    customer: int
    rating: int
    title: str
    body: str
    status: str
    helpful_count: int
    created_at: datetime


@dataclass(frozen=True)
class PriceChangePlan:
    product: int
    variant: int
    old_price: Decimal
    new_price: Decimal
    changed_at: datetime
    reason: str


@dataclass
class History:
    orders: list[OrderPlan]
    reviews: list[ReviewPlan]
    events: list[EventPlan]  # in time order
    price_changes: list[PriceChangePlan]
    date_joined: list[datetime]  # per customer
    last_login: list[datetime | None]  # per customer; None if never seen in the period


class Timeline:
    """Maps (day index, second of the day) to instants; day `days - 1` is today and ends at `now`.

    Days are the store's local calendar days, but every instant is kept in UTC: Python adds and
    subtracts aware datetimes of one zone on the wall clock, so local arithmetic across a
    daylight-saving change lands in hours that do not exist (or exist twice) and can put a
    session's view after its purchase. In UTC, "30 minutes earlier" is always earlier.
    """

    def __init__(self, *, now: datetime, days: int):
        self.now = now.astimezone(UTC)
        self.days = days
        self.zone = now.tzinfo
        self.start_date = now.date() - timedelta(days=days - 1)
        self._midnights = [self._midnight(day) for day in range(days)]
        self._today_fraction = (self.now - self._midnights[-1]).total_seconds() / 86400

    def date(self, day: int) -> date:
        return self.start_date + timedelta(days=day)

    def midnight(self, day: int) -> datetime:
        """The instant (in UTC) at which local day `day` starts."""
        return self._midnights[day] if 0 <= day < self.days else self._midnight(day)

    def _midnight(self, day: int) -> datetime:
        return datetime.combine(self.date(day), time.min, tzinfo=self.zone).astimezone(UTC)

    def moment(self, day: int, second: float) -> datetime:
        """The instant `second` seconds after `day` starts; today's 24 hours are squeezed into the part already past."""
        if day == self.days - 1:
            second *= self._today_fraction
        return self._midnights[day] + timedelta(seconds=second)


def store_seasonality(day: date) -> float:
    """Store-wide yearly factor: a cosine peaking mid-December, plus Black Friday to Cyber Monday."""
    yearly = 1 + STORE_SEASON_AMPLITUDE * math.cos(2 * math.pi * (day.timetuple().tm_yday - STORE_SEASON_PEAK) / 365)
    november_first = date(day.year, 11, 1)
    black_friday = november_first + timedelta(days=(4 - november_first.weekday()) % 7 + 21)
    return yearly * (BLACK_FRIDAY_LIFT if 0 <= (day - black_friday).days <= 3 else 1.0)


def category_seasonality(leaf: vocab.Leaf, day: date) -> float:
    """A category's share multiplier: its yearly cosine times its weekend lift on Saturdays and Sundays."""
    yearly = 1 + leaf.season_amplitude * math.cos(2 * math.pi * (day.timetuple().tm_yday - leaf.season_peak) / 365)
    return yearly * (leaf.weekend_lift if day.weekday() >= 5 else 1.0)


def history_simulate(
    *,
    catalog: Catalog,
    customers: list[CustomerPlan],
    orders: int,
    browse_sessions_per_order: float,
    timeline: Timeline,
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
) -> History:
    """Simulate `orders` orders (plus browse-only sessions and reviews) over the timeline's days."""
    return _Simulation(catalog, customers, timeline, rng).run(
        orders=orders, browse_sessions_per_order=browse_sessions_per_order, progress=progress
    )


class _Simulation:
    """State of one simulation run: per-category demand weights that follow each day's prices."""

    def __init__(self, catalog: Catalog, customers: list[CustomerPlan], timeline: Timeline, rng: random.Random):
        self.catalog, self.customers, self.timeline, self.rng = catalog, customers, timeline, rng
        self.products = catalog.products
        self.leaf_slugs = [leaf.slug for leaf in vocab.LEAVES]
        self.customer_cumulative = list(accumulate(customer.activity for customer in customers))
        self.segment_shares = [share for _, share, _ in vocab.SEGMENTS]
        self.epoch = [0] * len(self.products)
        self.factor = [0.0] * len(self.products)  # price factor m^e, 0 while not yet available
        # Per leaf: each product's demand weight (appeal x factor) and their running sums for sampling.
        self.leaf_position = [0] * len(self.products)
        self.leaf_weights: dict[str, list[float]] = {}
        for slug, indices in catalog.products_by_leaf.items():
            self.leaf_weights[slug] = [0.0] * len(indices)
            for position, index in enumerate(indices):
                self.leaf_position[index] = position
        self.leaf_cumulative: dict[str, list[float]] = {slug: [] for slug in self.leaf_slugs}
        # (product, shopper's size) -> the variant positions they choose from and their cumulative weights.
        self.variant_choices: dict[tuple[int, str | None], tuple[list[int], list[float]]] = {}
        self.events: list[EventPlan] = []
        self.orders: list[OrderPlan] = []

    def run(self, *, orders: int, browse_sessions_per_order: float, progress: Callable[[int], None] | None) -> History:
        rng, days = self.rng, self.timeline.days
        volume = [
            WEEKDAY_FACTORS[self.timeline.date(d).weekday()]
            * store_seasonality(self.timeline.date(d))
            * (1 + GROWTH * d / days)
            * math.exp(rng.gauss(0, DAILY_NOISE))
            for d in range(days)
        ]
        orders_per_day = split_total(orders, volume)
        updates: dict[int, list[int]] = {}
        for product in self.products:
            for day in (product.available_from, *product.change_days):
                updates.setdefault(max(day, 0), []).append(product.index)
        for day in range(days):
            self._prices_update(day, updates.get(day, ()))
            self._categories_update(day)
            day_orders = []
            for _ in range(orders_per_day[day]):
                day_orders.append(self._order_session(day))
            day_orders.sort(key=lambda order: order.created_at)
            self.orders.extend(day_orders)
            for _ in range(round(orders_per_day[day] * browse_sessions_per_order)):
                self._browse_session(day)
            if progress:
                progress(1)
        reviews = self._reviews()
        self.events.sort(key=lambda event: event.created_at)
        date_joined, last_login = self._customer_dates()
        return History(
            orders=self.orders,
            reviews=reviews,
            events=self.events,
            price_changes=self._price_changes(),
            date_joined=date_joined,
            last_login=last_login,
        )

    # --- demand weights -------------------------------------------------------------------

    def _prices_update(self, day: int, changed: Iterable[int]) -> None:
        """Move products that change on `day` to its price epoch and refresh their leaves' cumulative weights."""
        dirty = set()
        for index in changed:
            product = self.products[index]
            self.epoch[index] = product.epoch(day)
            if product.available_from <= day:
                self.factor[index] = product.multipliers[self.epoch[index]] ** product.elasticity
            self.leaf_weights[product.leaf.slug][self.leaf_position[index]] = product.appeal * self.factor[index]
            dirty.add(product.leaf.slug)
        for slug in sorted(dirty):
            self.leaf_cumulative[slug] = list(accumulate(self.leaf_weights[slug]))

    def _categories_update(self, day: int) -> None:
        """Cumulative category weights of each segment (and of exploring shoppers) for `day`."""
        today = self.timeline.date(day)
        season = [category_seasonality(leaf, today) for leaf in vocab.LEAVES]
        self.segment_cumulative = [
            list(accumulate(preferences.get(slug, 0) * s for slug, s in zip(self.leaf_slugs, season, strict=True)))
            for _, _, preferences in vocab.SEGMENTS
        ]
        self.explore_cumulative = list(accumulate(season))

    def _leaf(self, segment: int) -> str:
        rng = self.rng
        cumulative = self.explore_cumulative if rng.random() < EXPLORE_RATE else self.segment_cumulative[segment]
        return self.leaf_slugs[bisect_right(cumulative, rng.random() * cumulative[-1])]

    def _product(self, slug: str, favourites: frozenset[int]) -> int | None:
        """A product of leaf `slug`, drawn with weight appeal x price factor x brand boost (by rejection)."""
        cumulative = self.leaf_cumulative[slug]
        if not cumulative or cumulative[-1] <= 0:
            return None
        indices, rng = self.catalog.products_by_leaf[slug], self.rng
        for _ in range(20):
            index = indices[bisect_right(cumulative, rng.random() * cumulative[-1])]
            if self.products[index].brand in favourites or rng.random() * FAVOURITE_BOOST < 1:
                return index
        return index

    def _customer(self) -> int:
        return bisect_right(self.customer_cumulative, self.rng.random() * self.customer_cumulative[-1])

    def _second(self) -> float:
        rng = self.rng
        return (bisect_right(_HOUR_CUMULATIVE, rng.random() * _HOUR_CUMULATIVE[-1]) + rng.random()) * 3600

    # --- sessions ---------------------------------------------------------------------------

    def _order_session(self, day: int) -> OrderPlan:
        rng, products = self.rng, self.products
        customer_index = self._customer()
        customer = self.customers[customer_index]
        segment = rng.choice(customer.segments)
        basket: list[int] = []
        wanted = 1 + sum(rng.random() < rate for rate in EXTRA_PRIMARY_RATES)
        while len(basket) < wanted:
            index = self._product(self._leaf(segment), customer.favourite_brands)
            if index is not None and index not in basket:
                basket.append(index)
        for index in list(basket):
            for complement in products[index].complements:
                factor = self.factor[complement]
                if complement not in basket and factor > 0 and rng.random() < COMPLEMENT_RATE * factor:
                    basket.append(complement)

        created = self.timeline.moment(day, self._second())
        lines = []
        for index in basket:
            product = products[index]
            position = self._variant(product, customer)
            quantity = 1 + (rng.random() < product.leaf.multi_buy) + (rng.random() < product.leaf.multi_buy / 3)
            price = product.variants[position].prices[self.epoch[index]]
            lines.append(LinePlan(index, position, quantity, price, price * quantity))
        subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
        shipping = Decimal("0.00") if subtotal >= FREE_SHIPPING_FROM else SHIPPING_FEE
        tax = Decimal("0.00")  # shelf prices include VAT
        order = OrderPlan(
            customer_index,
            created,
            self._status(created),
            tuple(lines),
            subtotal,
            shipping,
            tax,
            subtotal + shipping + tax,
        )
        self._order_events(order, customer)
        return order

    def _order_events(self, order: OrderPlan, customer: CustomerPlan) -> None:
        """Search, views (of alternatives too), wishlist, cart adds and a removal, then the purchases."""
        rng, products = self.rng, self.products
        steps: list[tuple] = []
        first = products[order.lines[0].product]
        if rng.random() < SEARCH_RATE:
            steps.append(self._search_step(first, customer))
        for line in order.lines:
            product = products[line.product]
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                alternative = self._product(product.leaf.slug, customer.favourite_brands)
                if alternative is not None and alternative != line.product:
                    steps.append(self._view_step(alternative))
                    if rng.random() < WISHLIST_RATE:
                        steps.append(("wishlist_add", alternative, None, 1, None, "", None))
            steps.append(self._view_step(line.product))
            steps.append(("add_to_cart", line.product, line.variant, line.quantity, line.unit_price, "", None))
        if rng.random() < CART_REMOVAL_RATE:
            extra = self._product(first.leaf.slug, customer.favourite_brands)
            if extra is not None:
                position = self._variant(products[extra], customer)
                price = products[extra].variants[position].prices[self.epoch[extra]]
                steps.append(self._view_step(extra))
                steps.append(("add_to_cart", extra, position, 1, price, "", None))
                steps.append(("remove_from_cart", extra, position, 1, price, "", None))
        start = max(order.created_at - timedelta(seconds=rng.uniform(240, 2100)), self.timeline.midnight(0))
        span = order.created_at - start
        key = self._session_key()
        customer_index = order.customer
        for k, (kind, product, variant, quantity, price, query, count) in enumerate(steps):
            at = start + span * (k / len(steps))
            self.events.append(
                EventPlan(kind, customer_index, key, product, variant, quantity, price, query, count, at)
            )
        for line in order.lines:
            self.events.append(
                EventPlan(
                    "purchase", customer_index, key, line.product, line.variant, line.quantity, line.unit_price, "",
                    None, order.created_at,
                )
            )  # fmt: skip

    def _browse_session(self, day: int) -> None:
        """A visit without an order: a search, a few views in one category, maybe a wishlist or abandoned cart."""
        rng, products = self.rng, self.products
        customer_index = None if rng.random() < ANONYMOUS_BROWSE_RATE else self._customer()
        if customer_index is None:
            customer = None
            segment = rng.choices(range(len(self.segment_shares)), weights=self.segment_shares)[0]
            favourites: frozenset[int] = frozenset()
        else:
            customer = self.customers[customer_index]
            segment = rng.choice(customer.segments)
            favourites = customer.favourite_brands
        slug = self._leaf(segment)
        viewed = [p for p in (self._product(slug, favourites) for _ in range(_views(rng))) if p is not None]
        if not viewed:
            return
        steps: list[tuple] = []
        if rng.random() < BROWSE_SEARCH_RATE:
            steps.append(self._search_step(products[viewed[0]], customer))
        steps.extend(self._view_step(index) for index in viewed)
        if customer is not None and rng.random() < WISHLIST_RATE:
            steps.append(("wishlist_add", viewed[-1], None, 1, None, "", None))
        if rng.random() < BROWSE_CART_RATE:
            last = products[viewed[-1]]
            position = self._variant(last, customer)
            price = last.variants[position].prices[self.epoch[last.index]]
            steps.append(("add_to_cart", last.index, position, 1, price, "", None))
            if rng.random() < BROWSE_CART_REMOVAL_RATE:
                steps.append(("remove_from_cart", last.index, position, 1, price, "", None))
        at = self.timeline.moment(day, self._second())
        key = self._session_key()
        for kind, product, variant, quantity, price, query, count in steps:
            self.events.append(
                EventPlan(kind, customer_index, key, product, variant, quantity, price, query, count, at)
            )
            at = min(at + timedelta(seconds=rng.uniform(20, 150)), self.timeline.now)

    def _view_step(self, index: int) -> tuple:
        """A product-page view; the page shows the first variant, so that is the price seen."""
        return ("view", index, None, 1, self.products[index].variants[0].prices[self.epoch[index]], "", None)

    def _search_step(self, product: ProductPlan, customer: CustomerPlan | None) -> tuple:
        rng = self.rng
        brand = self.catalog.brands[product.brand].name.lower()
        if customer is not None and rng.random() < 0.2:
            brand = self.catalog.brands[rng.choice(sorted(customer.favourite_brands))].name.lower()
        noun = product.noun.lower()
        query = rng.choice((noun, noun, product.leaf.name.lower(), brand, f"{brand} {noun}"))
        if rng.random() < TYPO_RATE and len(query) > 4:
            cut = rng.randrange(1, len(query) - 1)
            query = query[:cut] + query[cut + 1 :]
        return ("search", None, None, 1, None, query, self.catalog.search_counts.get(query, 0))

    def _variant(self, product: ProductPlan, customer: CustomerPlan | None) -> int:
        """The variant a shopper picks: in their own size when the product has it, else by popularity."""
        if len(product.variants) == 1:
            return 0
        size = None
        if customer is not None and product.leaf.sizes:
            size = customer.shoe_size if product.leaf.sizes == "shoe" else customer.apparel_size
        key = (product.index, size)
        if key not in self.variant_choices:
            positions = [p for p, v in enumerate(product.variants) if v.option_values.get("size") == size]
            positions = positions or list(range(len(product.variants)))
            cumulative = list(accumulate(product.variants[p].weight for p in positions))
            self.variant_choices[key] = (positions, cumulative)
        positions, cumulative = self.variant_choices[key]
        return positions[bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def _status(self, created: datetime) -> str:
        """Old orders are delivered (a few cancelled or refunded), recent ones shipped or paid."""
        age = (self.timeline.now - created).total_seconds() / 86400
        if age >= 10:
            options = {"delivered": 0.955, "cancelled": 0.025, "refunded": 0.015, "partially_refunded": 0.005}
        elif age >= 4:
            options = {"delivered": 0.6, "shipped": 0.35, "cancelled": 0.05}
        elif age >= 1:
            options = {"shipped": 0.55, "paid": 0.4, "cancelled": 0.05}
        else:
            options = {"paid": 0.85, "pending_payment": 0.1, "cancelled": 0.05}
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def _session_key(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    # --- after the period -----------------------------------------------------------------

    def _reviews(self) -> list[ReviewPlan]:
        """Reviews of delivered purchases: rating from product quality, one per customer and product."""
        rng, now = self.rng, self.timeline.now
        statuses, status_weights = list(REVIEW_STATUS_WEIGHTS), list(REVIEW_STATUS_WEIGHTS.values())
        seen: set[tuple[int, int]] = set()
        reviews = []
        for order in self.orders:
            if order.status != "delivered":
                continue
            customer = self.customers[order.customer]
            for line in order.lines:
                if (order.customer, line.product) in seen:
                    continue
                seen.add((order.customer, line.product))
                product = self.products[line.product]
                rating = min(5, max(1, round(rng.gauss(product.quality + customer.rating_bias, RATING_NOISE))))
                chance = REVIEW_RATE * (EXTREME_REVIEW_BOOST if rating in (1, 5) else 1.0)
                created = order.created_at + timedelta(days=rng.uniform(2, 5) + rng.expovariate(1 / 7))
                if rng.random() >= chance or created >= now:
                    continue
                title, body = review_compose(
                    rng=rng,
                    rating=rating,
                    family=product.leaf.review_family,
                    noun=product.noun,
                    brand=self.catalog.brands[product.brand].name,
                )
                status = rng.choices(statuses, weights=status_weights)[0]
                helpful = int(rng.expovariate(1 / 1.5)) if status == "published" else 0
                reviews.append(ReviewPlan(line.product, order.customer, rating, title, body, status, helpful, created))
                self.events.append(
                    EventPlan("review", order.customer, "", line.product, None, 1, None, "", None, created)
                )
        return reviews

    def _price_changes(self) -> list[PriceChangePlan]:
        reasons = vocab.PRICE_CHANGE_REASONS
        changes = []
        for product in self.products:
            for epoch, day in enumerate(product.change_days, start=1):
                down = product.multipliers[epoch] < product.multipliers[epoch - 1]
                reason = self.rng.choice(reasons["down" if down else "up"])
                for position, variant in enumerate(product.variants):
                    old, new = variant.prices[epoch - 1], variant.prices[epoch]
                    if old != new:
                        changes.append(
                            PriceChangePlan(product.index, position, old, new, self.timeline.midnight(day), reason)
                        )
        return changes

    def _customer_dates(self) -> tuple[list[datetime], list[datetime | None]]:
        """Joined some time before their first visit (or at a random moment if never seen); last login = last visit."""
        first: list[datetime | None] = [None] * len(self.customers)
        last: list[datetime | None] = [None] * len(self.customers)
        for event in self.events:  # in time order
            if event.customer is not None:
                if first[event.customer] is None:
                    first[event.customer] = event.created_at
                last[event.customer] = event.created_at
        rng, timeline = self.rng, self.timeline
        joined = [
            seen - timedelta(days=rng.uniform(0, 90))
            if seen is not None
            else timeline.moment(rng.randrange(timeline.days), self._second())
            for seen in first
        ]
        return joined, last


def _views(rng: random.Random) -> int:
    """Products viewed in a browse session: 1 plus a geometric count, at most 6."""
    views = 1
    while views < 6 and rng.random() < 0.55:
        views += 1
    return views
