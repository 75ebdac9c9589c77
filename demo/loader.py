"""Writing the demo store: generate it (pure, seeded) and load it into an empty catalog in one transaction.

Big tables go in with PostgreSQL COPY (psycopg's `cursor.copy()`), which is what lets the large
scale (100,000 products, 2 million events) load in minutes; ids are reserved from the tables'
sequences first so rows can reference each other without a round trip per row.
"""

import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from core.errors import ApplicationError
from demo import images, vocabulary
from demo.catalog import (
    IMAGE_COLOURS,
    SCALES,
    Catalog,
    CustomerPlan,
    Scale,
    catalog_build,
    customers_build,
)
from demo.risk import risk_plan, risk_plan_write
from demo.simulation import History, Timeline, history_simulate
from events.models import Interaction
from events.services import daily_variant_stats_rebuild
from orders.models import Order, OrderLine
from shop.models import (
    Attribute,
    Brand,
    Category,
    PriceChange,
    Product,
    ProductAttributeValue,
    ProductImage,
    Review,
    Variant,
)
from shop.services import (
    product_denormalised_refresh,
    product_image_add,
    product_rating_refresh,
    search_terms_refresh,
)

DEFAULT_SEED = 42
CUSTOMER_PASSWORD = "demo-customer-pass"
POPULARITY_DAYS = 30
_COPY_PROGRESS_EVERY = 10_000


@dataclass
class DemoStore:
    """Everything the demo store consists of, before it is written."""

    scale: Scale
    timeline: Timeline
    catalog: Catalog
    customers: list[CustomerPlan]
    history: History


@dataclass(frozen=True)
class DemoLoadResult:
    loaded: bool
    message: str
    counts: dict[str, int]
    seconds: float


def demo_store_build(
    *, scale: str, seed: int, now: datetime, progress: bool = False, products: int | None = None
) -> DemoStore:
    """Generate the demo store as plain data: the same scale, seed and `now` always give the same store.

    `products` overrides the scale's catalog size (the page benchmark uses 50,000).
    """
    plan = _scale(scale, products=products)
    timeline = Timeline(now=now, days=plan.days)
    with _bar("Inventing products", plan.products, progress) as bar:
        catalog = catalog_build(scale=plan, rng=random.Random(f"{seed}:catalog"), progress=bar.update)
    customers = customers_build(scale=plan, catalog=catalog, rng=random.Random(f"{seed}:customers"))
    with _bar("Simulating shoppers", plan.days, progress, unit=" days") as bar:
        history = history_simulate(
            catalog=catalog,
            customers=customers,
            orders=plan.orders,
            browse_sessions_per_order=plan.browse_sessions_per_order,
            timeline=timeline,
            rng=random.Random(f"{seed}:history"),
            progress=bar.update,
        )
    return DemoStore(scale=plan, timeline=timeline, catalog=catalog, customers=customers, history=history)


def demo_store_load(
    *,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    if_empty: bool = False,
    progress: bool = False,
    products: int | None = None,
) -> DemoLoadResult:
    """Load the demo store into an empty catalog, in one transaction.

    With `if_empty`, a catalog that already has data is left alone and the result says so;
    without it, that is an ApplicationError, so two stores are never mixed.
    """
    started = time.monotonic()
    _scale(scale, products=products)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Held until commit: a second loader waits here, then finds the catalog full.
            cursor.execute(f"LOCK TABLE {Product._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        existing = {str(m._meta.verbose_name_plural): m.objects.count() for m in (Product, Category, Brand, Attribute)}
        if any(existing.values()):
            found = ", ".join(f"{count} {name}" for name, count in existing.items() if count)
            if if_empty:
                message = f"The catalog already has data ({found}); the demo store was not loaded."
                return DemoLoadResult(loaded=False, message=message, counts={}, seconds=time.monotonic() - started)
            raise ApplicationError(
                f"The catalog already has data ({found}). The demo store only loads into an empty catalog; "
                "use --if-empty to skip loading instead.",
                code="catalog_not_empty",
                details=existing,
            )
        store = demo_store_build(scale=scale, seed=seed, now=timezone.localtime(), progress=progress, products=products)
        _usernames_check(store.customers)
        counts = _Writer(store, progress=progress).write()
    # Measured after the commit, which runs the deferred foreign-key checks of every row written.
    seconds = time.monotonic() - started
    return DemoLoadResult(
        loaded=True, message=f"Loaded the {scale} demo store (seed {seed}).", counts=counts, seconds=seconds
    )


def _scale(name: str, *, products: int | None = None) -> Scale:
    if name not in SCALES:
        raise ApplicationError(
            f"Unknown scale {name!r}; choose one of {', '.join(SCALES)}.", code="unknown_scale", details={"scale": name}
        )
    if products is None:
        return SCALES[name]
    if not 20 <= products <= 1_000_000:
        raise ApplicationError(
            "The number of products must be between 20 and 1,000,000.",
            code="invalid_products",
            details={"products": products},
        )
    return replace(SCALES[name], products=products)


def _usernames_check(customers: list[CustomerPlan]) -> None:
    taken = list(
        get_user_model()
        .objects.filter(username__in=[customer.username for customer in customers])
        .order_by("username")
        .values_list("username", flat=True)[:5]
    )
    if taken:
        raise ApplicationError(
            f"Users named like demo customers already exist ({', '.join(taken)}); load the demo store into a "
            "database without them.",
            code="demo_usernames_taken",
            details={"usernames": taken},
        )


def _bar(description: str, total: int, enabled: bool, *, unit: str = "") -> tqdm:
    """A progress bar on stderr for one phase; invisible when progress is off."""
    return tqdm(total=total, desc=description, unit=unit, unit_scale=True, disable=not enabled, leave=True)


class _Writer:
    """Writes one generated DemoStore; each method is a phase with its own progress bar."""

    def __init__(self, store: DemoStore, *, progress: bool):
        self.store, self.progress = store, progress
        self.catalog, self.history = store.catalog, store.history
        self.now = store.timeline.now
        self.counts: dict[str, int] = {}
        self.loaded_models: list[type[models.Model]] = []

    def write(self) -> dict[str, int]:
        self._catalog()
        self._customers()
        self._orders()
        self._risk()
        self._reviews()
        self._events()
        self._images()
        with connection.cursor() as cursor:
            # Fresh statistics, or the planner of the refreshes below still thinks these tables are empty.
            cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model in self.loaded_models))
        with _bar("Refreshing aggregates", 5, self.progress, unit=" steps") as bar:
            product_denormalised_refresh()
            bar.update()
            product_rating_refresh()
            bar.update()
            search_terms_refresh()
            bar.update()
            self._popularity_set()
            bar.update()
            self.counts["daily variant stats"] = daily_variant_stats_rebuild()
            bar.update()
        return self.counts

    # --- catalog ----------------------------------------------------------------------------

    def _catalog(self) -> None:
        catalog = self.catalog
        self.category_ids: dict[str, int] = {}
        for plan in catalog.categories:  # parents first; save() computes the materialised path
            category = Category.objects.create(
                parent_id=self.category_ids.get(plan.parent_slug),
                name=plan.name,
                slug=plan.slug,
                description=plan.description,
                is_featured=plan.is_featured,
                position=plan.position,
            )
            self.category_ids[plan.slug] = category.pk
        brands = Brand.objects.bulk_create(Brand(name=brand.name, slug=brand.slug) for brand in catalog.brands)
        self.brand_ids = [brand.pk for brand in brands]
        attributes = Attribute.objects.bulk_create(
            Attribute(code=code, name=name, value_type=value_type, unit=unit)
            for code, (name, value_type, unit) in vocabulary.ATTRIBUTES.items()
        )
        attribute_ids = {attribute.code: attribute.pk for attribute in attributes}

        products = catalog.products
        self.product_ids = self._ids(Product, len(products))
        variant_ids = iter(self._ids(Variant, sum(len(p.variants) for p in products)))
        self.variant_ids = [[next(variant_ids) for _ in product.variants] for product in products]
        timeline = self.store.timeline
        self._copy(
            Product,
            ("id", "category_id", "brand_id", "name", "slug", "description", "is_active", "is_featured",
             "created_at", "updated_at", "min_price", "in_stock", "rating_avg", "rating_count", "popularity"),
            (
                (self.product_ids[p.index], self.category_ids[p.leaf.slug], self.brand_ids[p.brand], p.name, p.slug,
                 p.description, True, p.is_featured, timeline.midnight(p.available_from) + timedelta(hours=9),
                 self.now, 0, False, 0, 0, 0)
                for p in products
            ),
            total=len(products),
        )  # fmt: skip
        self._copy(
            ProductAttributeValue,
            ("product_id", "attribute_id", "value_text", "value_number", "value_boolean"),
            (
                (self.product_ids[p.index], attribute_ids[code], *_attribute_columns(value))
                for p in products
                for code, value in p.attributes
            ),
            total=sum(len(p.attributes) for p in products),
        )
        self._copy(
            Variant,
            ("id", "product_id", "sku", "name", "option_values", "price", "compare_at_price", "cost",
             "stock_quantity", "is_active", "position"),
            (
                (self.variant_ids[p.index][position], self.product_ids[p.index], v.sku, v.name,
                 json.dumps(v.option_values), v.prices[-1], v.compare_at_price, v.cost, v.stock, True, position)
                for p in products
                for position, v in enumerate(p.variants)
            ),
            total=sum(len(p.variants) for p in products),
        )  # fmt: skip
        self._copy(
            PriceChange,
            ("variant_id", "old_price", "new_price", "changed_at", "reason"),
            (
                (self.variant_ids[c.product][c.variant], c.old_price, c.new_price, c.changed_at, c.reason)
                for c in self.history.price_changes
            ),
            total=len(self.history.price_changes),
        )

    def _customers(self) -> None:
        customers, history = self.store.customers, self.history
        self.user_ids = self._ids(get_user_model(), len(customers))
        password = make_password(CUSTOMER_PASSWORD)  # hashed once: PBKDF2 per customer would take minutes
        self._copy(
            get_user_model(),
            ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined"),
            (
                (self.user_ids[i], password, history.last_login[i], False, c.username, c.first_name, c.last_name,
                 c.email, False, True, history.date_joined[i])
                for i, c in enumerate(customers)
            ),
            total=len(customers),
            name="customers",
        )  # fmt: skip

    def _orders(self) -> None:
        orders, products, customers = self.history.orders, self.catalog.products, self.store.customers
        self.order_ids = order_ids = self._ids(Order, len(orders))  # ascending, like the orders' times
        self._copy(
            Order,
            ("id", "number", "user_id", "email", "status", "subtotal", "shipping", "tax", "total", "created_at"),
            (
                # The number is derived from the id, so orders placed later by the shop can never collide.
                (order_id, f"SF-{o.created_at.year}-{order_id:06d}", self.user_ids[o.customer],
                 customers[o.customer].email, o.status, o.subtotal, o.shipping, o.tax, o.total, o.created_at)
                for order_id, o in zip(order_ids, orders, strict=True)
            ),
            total=len(orders),
        )  # fmt: skip
        self._copy(
            OrderLine,
            ("order_id", "variant_id", "product_name", "sku", "quantity", "unit_price", "line_total"),
            (
                (order_id, self.variant_ids[line.product][line.variant], products[line.product].name,
                 products[line.product].variants[line.variant].sku, line.quantity, line.unit_price, line.line_total)
                for order_id, o in zip(order_ids, orders, strict=True)
                for line in o.lines
            ),
            total=sum(len(o.lines) for o in orders),
            name="order lines",
        )  # fmt: skip

    def _risk(self) -> None:
        """Fraud-check history with planted fraud rings, labels and a review queue (demo.risk)."""
        orders = self.history.orders
        plan = risk_plan(
            orders=orders,
            customers=self.store.customers,
            user_ids=self.user_ids,
            joined=self.history.date_joined,
            leaves=[product.leaf.slug for product in self.catalog.products],
            reviewed={(review.customer, review.product) for review in self.history.reviews},
            now=self.now,
            rng=random.Random("demo:risk"),
        )
        risk_plan_write(
            plan=plan, orders=orders, order_ids=self.order_ids, category_ids=self.category_ids, copy=self._copy
        )

    def _reviews(self) -> None:
        customers = self.store.customers
        self._copy(
            Review,
            ("product_id", "user_id", "author_name", "rating", "title", "body", "status", "helpful_count",
             "created_at"),
            (
                (self.product_ids[r.product], self.user_ids[r.customer],
                 f"{customers[r.customer].first_name} {customers[r.customer].last_name[0]}.", r.rating, r.title,
                 r.body, r.status, r.helpful_count, r.created_at)
                for r in self.history.reviews
            ),
            total=len(self.history.reviews),
        )  # fmt: skip

    def _events(self) -> None:
        product_ids, variant_ids, user_ids = self.product_ids, self.variant_ids, self.user_ids
        self._copy(
            Interaction,
            ("kind", "user_id", "session_key", "product_id", "variant_id", "quantity", "price", "query",
             "result_count", "source", "created_at"),
            (
                (e.kind, None if e.customer is None else user_ids[e.customer], e.session_key,
                 None if e.product is None else product_ids[e.product],
                 None if e.variant is None else variant_ids[e.product][e.variant], e.quantity, e.price, e.query,
                 e.result_count, Interaction.Source.DEMO, e.created_at)
                for e in self.history.events
            ),
            total=len(self.history.events),
            name="events",
        )  # fmt: skip

    # --- images and aggregates --------------------------------------------------------------

    def _images(self) -> None:
        """One picture per product at small scale; else a pool per (category, brand, colour) shared by rows."""
        products, brands = self.catalog.products, self.catalog.brands
        pool_colours = self.store.scale.image_pool_colours
        pool: dict[tuple, ProductImage] = {}
        shared_rows = []
        with _bar("Drawing product images", len(products), self.progress, unit=" products") as bar:
            for product in products:
                caption = product.noun
                key: tuple = (product.index,)
                colour = product.colour
                if pool_colours:
                    allowed = (product.leaf.colours or IMAGE_COLOURS)[:pool_colours]
                    colour = colour if colour in allowed else allowed[product.index % len(allowed)]
                    key, caption = (product.leaf.slug, product.brand, colour), product.leaf.name
                source = pool.get(key)
                if source is None:
                    jpeg = images.image_render(
                        shape=product.leaf.shape,
                        colour=vocabulary.COLOURS[colour],
                        initials=images.initials_of(brands[product.brand].name),
                        caption=caption,
                    )
                    pool[key] = product_image_add(
                        product=Product(pk=self.product_ids[product.index], name=product.name),
                        image_file=ContentFile(jpeg, name="demo.jpg"),
                        alt_text=product.name,
                        position=0,
                    )
                else:
                    shared_rows.append(
                        (self.product_ids[product.index], source.image.name, source.thumbnail_small.name,
                         source.thumbnail_medium.name, source.width, source.height, product.name)
                    )  # fmt: skip
                bar.update()
        if shared_rows:
            columns = ("product_id", "image", "thumbnail_small", "thumbnail_medium", "width", "height", "alt_text")
            self._copy(ProductImage, columns, shared_rows, total=len(shared_rows), name="shared product images")
        self.counts["product images"] = len(products)
        self.counts["image files drawn"] = len(pool)

    def _popularity_set(self) -> None:
        """Product.popularity = units sold in the last POPULARITY_DAYS days, cancelled and refunded orders excluded."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Product._meta.db_table} AS p SET popularity = s.units
                  FROM (SELECT v.product_id, SUM(l.quantity) AS units
                          FROM {OrderLine._meta.db_table} l
                          JOIN {Order._meta.db_table} o ON o.id = l.order_id
                          JOIN {Variant._meta.db_table} v ON v.id = l.variant_id
                         WHERE o.created_at >= %s AND o.status <> ALL(%s)
                         GROUP BY v.product_id) s
                 WHERE p.id = s.product_id
                """,
                [
                    self.now - timedelta(days=POPULARITY_DAYS),
                    [Order.Status.CANCELLED, Order.Status.REFUNDED],
                ],
            )

    # --- helpers ----------------------------------------------------------------------------

    def _ids(self, model: type[models.Model], count: int) -> list[int]:
        """`count` fresh primary keys from the model's sequence, ascending."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())

    def _copy(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple],
        *,
        total: int,
        name: str | None = None,
    ) -> None:
        """COPY rows into the model's table; columns not given get the model field's default.

        Filling defaults keeps the loader working when another feature adds a column to one of
        these tables: an explicit default, the empty value of a NOT NULL text column, or "now"
        for auto_now timestamps. A NULL-able column without a default stays NULL.
        """
        name = name or str(model._meta.verbose_name_plural)
        fixed, per_row = [], []
        now = timezone.now()
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:
                continue
            if field.has_default() and callable(field.default):
                per_row.append(field)
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fixed.append((field.column, now))
            elif field.has_default() or (not field.null and field.get_default() is not None):
                fixed.append((field.column, field.get_db_prep_save(field.get_default(), connection)))
        all_columns = [*columns, *(column for column, _ in fixed), *(field.column for field in per_row)]
        fixed_values = tuple(value for _, value in fixed)
        statement = f"COPY {model._meta.db_table} ({', '.join(all_columns)}) FROM STDIN"
        with (
            _bar(f"Writing {name}", total, self.progress, unit=" rows") as bar,
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,  # psycopg's own cursor: Django's wrapper has no COPY
        ):
            for count, row in enumerate(rows, start=1):
                if per_row:
                    row = (*row, *fixed_values, *(f.get_db_prep_save(f.get_default(), connection) for f in per_row))
                elif fixed_values:
                    row = (*row, *fixed_values)
                copy.write_row(row)
                if count % _COPY_PROGRESS_EVERY == 0:
                    bar.update(_COPY_PROGRESS_EVERY)
            bar.update(total - bar.n)
        self.counts[name] = total
        self.loaded_models.append(model)


def _attribute_columns(value) -> tuple:
    """(value_text, value_number, value_boolean) of one attribute value."""
    if isinstance(value, bool):
        return "", None, value
    if isinstance(value, str):
        return value, None, None
    return "", value, None
