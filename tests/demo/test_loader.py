"""The demo store: what `load_demo_store` writes, that it is deterministic, and that its shoppers carry the
structure documented in docs/demo-data.md (segments, complements, price elasticity, ratings vs text).

The database tests share one small store, loaded once for the module (about 30 s) and removed when the
module ends, so the tests that need an empty catalog come first. The structure tests run on the pure
generator without a database.
"""

import hashlib
import math
import re
import statistics
from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from checkout.models import Cart, CartLine, ShippingMethod
from checkout.services import order_place
from core.errors import ApplicationError
from demo import vocabulary
from demo.loader import demo_store_build, demo_store_load
from events.models import DailyVariantStats, Interaction
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute
from orders.models import Order
from payments.models import Payment
from risk.inference import THRESHOLDS, threshold_rows
from risk.models import RiskAssessment, RiskLabel, RiskRule, RiskSettings
from shop.models import Attribute, Brand, Category, PriceChange, Product, Review, SearchTerm, Variant
from tests.factories import UserFactory

NOW = datetime(2026, 3, 14, 15, 30, tzinfo=ZoneInfo("Europe/London"))
POSITIVE_WORDS = ("love", "excellent", "perfect", "brilliant", "fantastic")
NEGATIVE_WORDS = ("disappointed", "poor", "terrible", "awful", "broke", "cheap")


@pytest.fixture(scope="module")
def small_store(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo store loaded through the command, committed for this module, then truncated."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        with django_db_blocker.unblock():
            out = StringIO()
            call_command("load_demo_store", "--seed", "7", stdout=out, verbosity=0)
        yield out.getvalue()
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            models = (Category, Brand, Attribute, SearchTerm, get_user_model(), RiskRule, RiskSettings)
            tables = [model._meta.db_table for model in models]
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


@pytest.fixture(scope="module")
def small_plan():
    """The small store as generated data, without a database."""
    return demo_store_build(scale="small", seed=11, now=NOW)


def _scalar(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- refusals on an empty database ----------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_scale_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'huge'"):
        call_command("load_demo_store", "--scale", "huge")

    assert not Product.objects.exists()


@pytest.mark.django_db
def test_existing_user_with_a_demo_username_stops_the_load():
    username = demo_store_build(scale="tiny", seed=3, now=NOW).customers[0].username
    UserFactory(username=username)

    with pytest.raises(ApplicationError) as error:
        demo_store_load(scale="tiny", seed=3)

    assert error.value.code == "demo_usernames_taken"
    assert error.value.details == {"usernames": [username]}
    assert not Product.objects.exists()
    assert not Category.objects.exists()
    assert get_user_model().objects.count() == 1


# --- the loaded store ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_small_store_has_the_promised_size(small_store):
    assert "Loaded the small demo store (seed 7)." in small_store
    assert Product.objects.count() == 520
    assert Category.objects.count() == 30
    assert Category.objects.filter(parent__isnull=False).count() == 24
    assert Brand.objects.count() == len(vocabulary.BRANDS)
    customers = get_user_model().objects.filter(is_staff=False)
    assert customers.exclude(username__startswith="ring").count() == 2200
    assert Order.objects.count() == 21000
    assert Review.objects.count() >= 10000
    assert PriceChange.objects.count() > 1000
    assert DailyVariantStats.objects.count() > 10000
    kinds = set(Interaction.objects.values_list("kind", flat=True).distinct())
    assert kinds == {"view", "search", "add_to_cart", "remove_from_cart", "wishlist_add", "purchase", "review"}
    assert set(Interaction.objects.values_list("source", flat=True).distinct()) == {"demo"}


@pytest.mark.slow
@pytest.mark.django_db
def test_planted_fraud_fills_the_review_queue_and_trains_a_risk_model_that_beats_the_rules(
    small_store, settings, tmp_path
):
    # given: every order was assessed; the rings of the last days wait in the queue, authorised and explained
    assert RiskAssessment.objects.count() == Order.objects.count()
    held = list(RiskAssessment.objects.filter(order__status=Order.Status.ON_HOLD).select_related("order"))
    assert len(held) >= 5
    assert all(assessment.reasons for assessment in held)
    assert any("accounts behind this device" in reason for assessment in held for reason in assessment.reasons)
    assert Payment.objects.filter(status=Payment.Status.AUTHORIZED).count() == len(held)
    assert RiskLabel.objects.filter(is_fraud=True, source="chargeback").count() > 50
    assert RiskRule.objects.filter(hit_count__gt=0).count() == 2

    # when: the platform trains the risk kind (time-ordered holdout: the latest quarter of the labelled orders)
    settings.ML_DEVICE, settings.MODEL_ROOT = "cpu", tmp_path / "models"
    run = training_run_execute(run_id=training_run_create(kind="risk", trigger=TrainingRun.Trigger.COMMAND).pk)

    # then
    assert run.status == "succeeded", run.error
    metrics = run.version.metrics
    assert metrics["pr_auc"] > metrics["rules_pr_auc"] + 0.2
    assert {"review_precision", "review_recall", "decline_precision", "decline_recall"} <= set(metrics)
    table = threshold_rows()  # the thresholds page: review load against fraud caught
    assert [row["threshold"] for row in table] == THRESHOLDS
    assert table[0]["recall"] >= table[-1]["recall"]
    assert table[0]["flagged_share"] >= table[-1]["flagged_share"]

    # and checkout now scores with it: a new order records the version and its score
    variant = Variant.objects.filter(stock_quantity__gt=0, is_active=True).first()
    cart = Cart.objects.create(session_key="risk-demo")
    CartLine.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)
    address = {"full_name": "Ana Silva", "line1": "1 High Street", "city": "London", "country": "GB"}
    card = {"card_number": "4242424242424242", "card_expiry": "12/35", "card_cvc": "123"}
    order = order_place(
        cart=cart,
        email="new.shopper@example.com",
        shipping_address=address,
        billing_address=address,
        shipping_method=ShippingMethod.objects.filter(is_active=True).first(),
        payment_details=card,
    )
    assessment = RiskAssessment.objects.get(order=order)
    assert (assessment.model_version, assessment.rules_only) == (run.version, False)
    assert 0.0 <= assessment.score <= 1.0


@pytest.mark.slow
@pytest.mark.django_db
def test_order_totals_add_up_and_numbers_are_readable(small_store):
    assert _scalar("""
        SELECT COUNT(*) FROM orders_order o
         WHERE o.subtotal <> (SELECT SUM(l.line_total) FROM orders_orderline l WHERE l.order_id = o.id)
            OR o.total <> o.subtotal + o.shipping + o.tax
    """) == 0  # fmt: skip
    assert _scalar("SELECT COUNT(*) FROM orders_orderline WHERE line_total <> unit_price * quantity") == 0
    numbers = list(Order.objects.values_list("number", flat=True))
    assert all(re.fullmatch(r"SF-20\d\d-\d{6}", number) for number in numbers)
    statuses = Counter(Order.objects.values_list("status", flat=True))
    assert statuses["delivered"] > 0.9 * len(numbers)
    assert statuses["cancelled"] > 0
    assert statuses["shipped"] + statuses["paid"] > 0


@pytest.mark.slow
@pytest.mark.django_db
def test_order_lines_use_the_price_in_effect_at_order_time(small_store):
    # The price in effect: the latest change at or before the order, else the first change's old price,
    # else the variant's (never changed) current price.
    assert _scalar("""
        SELECT COUNT(*) FROM orders_orderline l
          JOIN orders_order o ON o.id = l.order_id
          JOIN shop_variant v ON v.id = l.variant_id
         WHERE l.unit_price <> COALESCE(
               (SELECT pc.new_price FROM shop_pricechange pc
                 WHERE pc.variant_id = v.id AND pc.changed_at <= o.created_at ORDER BY pc.changed_at DESC LIMIT 1),
               (SELECT pc.old_price FROM shop_pricechange pc WHERE pc.variant_id = v.id ORDER BY pc.changed_at LIMIT 1),
               v.price)
    """) == 0  # fmt: skip
    assert _scalar("SELECT COUNT(DISTINCT unit_price) FROM orders_orderline") > 100


@pytest.mark.slow
@pytest.mark.django_db
def test_reviews_are_by_buyers_one_per_customer_and_product(small_store):
    reviews = Review.objects.count()
    assert _scalar("SELECT COUNT(DISTINCT (user_id, product_id)) FROM shop_review") == reviews
    assert _scalar("""
        SELECT COUNT(*) FROM shop_review r
         WHERE NOT EXISTS (
               SELECT 1 FROM orders_orderline l
                 JOIN orders_order o ON o.id = l.order_id
                 JOIN shop_variant v ON v.id = l.variant_id
                WHERE o.user_id = r.user_id AND v.product_id = r.product_id AND o.status = 'delivered'
                  AND o.created_at < r.created_at)
    """) == 0  # fmt: skip


@pytest.mark.slow
@pytest.mark.django_db
def test_review_text_agrees_with_its_rating(small_store):
    positive, negative = [], []
    for rating, body in Review.objects.values_list("rating", "body"):
        text = body.lower()
        has_positive = any(word in text for word in POSITIVE_WORDS)
        has_negative = any(word in text for word in NEGATIVE_WORDS)
        if has_positive and not has_negative:
            positive.append(rating)
        elif has_negative and not has_positive:
            negative.append(rating)
        if rating == 5:
            assert not has_negative, body
        if rating == 1:
            assert not has_positive, body
    assert statistics.mean(positive) > 4.3
    assert statistics.mean(negative) < 2.5
    assert len(set(Review.objects.values_list("body", flat=True))) > 0.8 * Review.objects.count()


@pytest.mark.slow
@pytest.mark.django_db
def test_catalog_is_complete_and_denormalised(small_store):
    assert not Product.objects.filter(variants__isnull=True).exists()
    assert not Product.objects.filter(images__isnull=True).exists()
    assert not Product.objects.filter(images__width=0).exists()
    assert not Variant.objects.filter(price__lte=0).exists()
    assert _scalar("SELECT COUNT(*) FROM shop_variant WHERE cost <= 0 OR cost >= price") == 0
    assert Variant.objects.filter(compare_at_price__gt=0).exists()
    assert Product.objects.filter(variants__option_values__has_key="size").exists()
    assert _scalar("SELECT COUNT(*) FROM shop_productattributevalue") >= 2 * 520
    assert not Product.objects.filter(min_price__lte=0).exists()
    assert not Product.objects.filter(search_vector__isnull=True).exists()
    assert Product.objects.filter(in_stock=True).count() > 0.9 * 520
    assert Variant.objects.filter(stock_quantity=0).exists()
    assert Variant.objects.filter(stock_quantity__range=(1, 5)).exists()
    assert Product.objects.filter(rating_count__gt=0).count() > 0.9 * 520
    assert Product.objects.filter(popularity__gt=0).count() > 0.5 * 520
    assert Product.objects.filter(is_featured=True).count() == 48
    assert Category.objects.filter(is_featured=True).count() == 6
    assert SearchTerm.objects.filter(term="headphones").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_every_purchase_was_viewed_and_added_to_the_cart_first(small_store):
    for kind in ("view", "add_to_cart"):
        assert _scalar(
            """
            SELECT COUNT(*) FROM events_interaction p
             WHERE p.kind = 'purchase' AND NOT EXISTS (
                   SELECT 1 FROM events_interaction e
                    WHERE e.session_key = p.session_key AND e.product_id = p.product_id AND e.kind = %s
                      AND e.created_at <= p.created_at)
            """,
            [kind],
        ) == 0  # fmt: skip


@pytest.mark.slow
@pytest.mark.django_db
def test_if_empty_leaves_a_loaded_catalog_alone(small_store):
    users = get_user_model().objects.count()
    out = StringIO()

    call_command("load_demo_store", "--if-empty", stdout=out, verbosity=0)

    assert out.getvalue() == (
        "The catalog already has data (520 products, 30 categories, 34 brands, 24 attributes); the demo store was "
        "not loaded.\n"
    )
    assert Product.objects.count() == 520
    assert get_user_model().objects.count() == users


@pytest.mark.slow
@pytest.mark.django_db
def test_refuses_to_mix_two_stores(small_store):
    orders = Order.objects.count()

    with pytest.raises(CommandError, match=r"The catalog already has data \(520 products.*--if-empty"):
        call_command("load_demo_store", "--seed", "8", verbosity=0)

    assert Product.objects.count() == 520
    assert Order.objects.count() == orders


# --- the generator --------------------------------------------------------------------------------


def _local(store, moment: datetime) -> datetime:
    """A generated instant (kept in UTC) on the store's local clock, where days, weekdays and months are counted."""
    return moment.astimezone(store.timeline.zone)


def _fingerprint(store) -> str:
    catalog, history = store.catalog, store.history
    parts = (
        [(p.name, p.slug, p.description, p.attributes, [(v.sku, v.prices, v.stock) for v in p.variants])
         for p in catalog.products],
        [(c.username, c.segments) for c in store.customers],
        [(o.customer, o.created_at, o.status, o.total, o.lines) for o in history.orders],
        [(r.product, r.customer, r.rating, r.title, r.body) for r in history.reviews],
        history.events,
        history.price_changes,
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_same_seed_gives_the_same_store_and_another_seed_another():
    first = _fingerprint(demo_store_build(scale="tiny", seed=5, now=NOW))
    again = _fingerprint(demo_store_build(scale="tiny", seed=5, now=NOW))
    other = _fingerprint(demo_store_build(scale="tiny", seed=6, now=NOW))

    assert first == again
    assert first != other


def test_history_happens_within_the_period_and_never_in_the_future(small_plan):
    start = small_plan.timeline.midnight(0)
    history = small_plan.history
    moments = [
        *(order.created_at for order in history.orders),
        *(event.created_at for event in history.events),
        *(review.created_at for review in history.reviews),
        *(change.changed_at for change in history.price_changes),
    ]

    assert start <= min(moments)
    assert max(moments) <= NOW
    assert [event.created_at for event in history.events] == sorted(event.created_at for event in history.events)


def test_demand_carries_the_planted_price_elasticity(small_plan):
    """A pooled Poisson fit with a demand level per product recovers the mean planted elasticity."""
    products, days = small_plan.catalog.products, small_plan.scale.days
    units = Counter()
    for order in small_plan.history.orders:
        day = (_local(small_plan, order.created_at).date() - small_plan.timeline.start_date).days
        for line in order.lines:
            units[line.product, products[line.product].epoch(day)] += 1
    epochs = []  # per product: (units, exposure days, price level) of each price epoch
    for product in products:
        bounds = [max(product.available_from, 0), *product.change_days, days]
        epochs.append(
            [(units[product.index, k], bounds[k + 1] - bounds[k], m) for k, m in enumerate(product.multipliers)]
        )

    def log_likelihood(beta: float) -> float:
        # Poisson log-likelihood with each product's level profiled out.
        total = 0.0
        for rows in epochs:
            sold = sum(u for u, _, _ in rows)
            if sold:
                total += sum(u * beta * math.log(m) for u, _, m in rows)
                total -= sold * math.log(sum(exposure * m**beta for _, exposure, m in rows))
        return total

    estimate = max((b / 20 for b in range(-80, 1)), key=log_likelihood)
    planted = statistics.mean(product.elasticity for product in products)

    assert -2.5 < planted < -0.8
    assert abs(estimate - planted) < 0.3


def test_shoppers_buy_mostly_in_their_segments_and_favourite_brands(small_plan):
    products, customers = small_plan.catalog.products, small_plan.customers
    in_segment = favourite = lines = 0
    for order in small_plan.history.orders:
        customer = customers[order.customer]
        liked = {slug for segment in customer.segments for slug in vocabulary.SEGMENTS[segment][2]}
        for line in order.lines:
            lines += 1
            in_segment += products[line.product].leaf.slug in liked
            favourite += products[line.product].brand in customer.favourite_brands

    assert in_segment / lines > 0.75
    assert favourite / lines > 0.35


def test_complements_are_bought_together(small_plan):
    products = small_plan.catalog.products
    baskets = [{line.product for line in order.lines} for order in small_plan.history.orders]
    multi = [basket for basket in baskets if len(basket) > 1]
    with_complement = [basket for basket in multi if any(set(products[i].complements) & basket for i in basket)]

    assert len(multi) > 0.3 * len(baskets)
    assert len(with_complement) > 0.7 * len(multi)


def test_weekends_and_seasons_shape_the_orders(small_plan):
    by_weekday = Counter(_local(small_plan, order.created_at).weekday() for order in small_plan.history.orders)
    weekday_mean = statistics.mean(by_weekday[d] for d in range(5))

    assert min(by_weekday[5], by_weekday[6]) > 1.1 * weekday_mean
    # A category's share of the month's lines follows its season: jackets peak in late November, dresses in June.
    lines = Counter()
    for order in small_plan.history.orders:
        for line in order.lines:
            month = _local(small_plan, order.created_at).month
            lines[small_plan.catalog.products[line.product].leaf.slug, month] += 1
            lines["all", month] += 1

    def share(slug: str, month: int) -> float:
        return lines[slug, month] / lines["all", month]

    assert share("jackets-coats", 12) > 2 * share("jackets-coats", 6)
    assert share("dresses-skirts", 6) > 2 * share("dresses-skirts", 12)
