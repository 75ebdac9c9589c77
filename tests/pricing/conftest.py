"""Fixtures of the pricing tests: a small store with 60 days of demand at varying prices."""

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from events.models import DailyVariantStats
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory
from tests.ml.conftest import _fresh_loader_cache, model_root  # noqa: F401 (isolated MODEL_ROOT, loader cache)
from tests.shop.conftest import browser_page  # noqa: F401 (fixture used by the browser test)

DAYS = 90


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True, username="anna")


@pytest.fixture
def store(settings):
    """A category with 4 single-variant products: price 20.00, cost 8.00, stock 500, elasticity -1.0
    (so profit keeps rising with the price: the engine should raise it as far as it may), and
    DailyVariantStats for the last 90 days, about 20 units a day, prices moving +-12% around 20.00.
    Exploration is off so the suggestions are exact (tests/pricing/test_ml_* cover it)."""
    settings.PRICING_EXPLORATION = False
    rng = np.random.default_rng(0)
    category = CategoryFactory(name="Mugs", slug="mugs")
    today = timezone.localdate()
    variants = []
    rows = []
    for i in range(4):
        product = ProductFactory(category=category, name=f"Mug {i}", slug=f"mug-{i}")
        variant = VariantFactory(
            product=product, sku=f"MUG-{i}", price=Decimal("20.00"), cost=Decimal("8.00"), stock_quantity=500
        )
        variants.append(variant)
        for d in range(DAYS, 0, -1):
            price = round(20.0 * float(np.exp(rng.normal(0, 0.12))), 2)
            units = int(rng.poisson(20 * (price / 20.0) ** -1.0))
            rows.append(
                DailyVariantStats(
                    variant=variant,
                    date=today - timedelta(days=d),
                    views=units * 8 + 3,
                    units_sold=units,
                    revenue=Decimal(f"{units * price:.2f}"),
                    price=Decimal(f"{price:.2f}"),
                    stock_at_day_start=500,
                )
            )
    DailyVariantStats.objects.bulk_create(rows)
    return variants
