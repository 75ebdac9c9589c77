"""The daily per-variant aggregate: kept incrementally by the flush, recomputed by the rebuild."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import F

from core.errors import ApplicationError
from events.models import DailyVariantStats, Interaction
from events.services import daily_variant_stats_rebuild, interaction_record, interactions_flush
from shop.models import PriceChange, Variant
from tests.factories import ProductFactory, VariantFactory

DAY_1 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY_2 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def _rows() -> list[tuple]:
    return list(
        DailyVariantStats.objects.order_by("variant_id", "date").values_list(
            "variant_id", "date", "views", "add_to_carts", "units_sold", "revenue", "price", "stock_at_day_start"
        )
    )


def _sell(variant: Variant, *, quantity: int, price, at: datetime) -> None:
    """What placing an order does: take the units off stock, then record the purchase."""
    Variant.objects.filter(pk=variant.pk).update(stock_quantity=F("stock_quantity") - quantity)
    interaction_record(kind=Interaction.Kind.PURCHASE, variant=variant, quantity=quantity, price=price, at=at)


def _view(variant: Variant, *, times: int, at: datetime, price=None) -> None:
    for _ in range(times):
        interaction_record(kind=Interaction.Kind.VIEW, variant=variant, price=price, at=at)


@pytest.mark.django_db
def test_two_flushes_on_the_same_day_add_up_and_keep_the_first_stock():
    # given
    variant = VariantFactory(price=Decimal("10.00"), stock_quantity=10)
    _view(variant, times=3, at=DAY_1, price="10.00")
    interaction_record(kind=Interaction.Kind.ADD_TO_CART, variant=variant, at=DAY_1)
    _sell(variant, quantity=2, price="10.00", at=DAY_1)
    interactions_flush()

    # when
    _view(variant, times=2, at=DAY_1)
    interaction_record(kind=Interaction.Kind.ADD_TO_CART, variant=variant, quantity=4, at=DAY_1)
    interaction_record(kind=Interaction.Kind.REMOVE_FROM_CART, variant=variant, at=DAY_1)
    _sell(variant, quantity=1, price=None, at=DAY_1)
    interactions_flush()

    # then: add-to-carts count events; a purchase without a price earns the variant's price
    assert _rows() == [(variant.pk, date(2026, 3, 10), 5, 2, 3, Decimal("30.00"), Decimal("10.00"), 10)]


@pytest.mark.django_db
def test_days_are_split_at_midnight_in_the_shop_time_zone_not_utc(settings):
    # given: 22:30 and 23:30 UTC on 30 June are 23:30 on 30 June and 00:30 on 1 July in London
    settings.TIME_ZONE = "Europe/London"
    variant = VariantFactory(price=Decimal("5.00"), stock_quantity=4)
    _view(variant, times=2, at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    _view(variant, times=1, at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))

    # when
    interactions_flush()

    # then
    assert _rows() == [
        (variant.pk, date(2026, 6, 30), 2, 0, 0, Decimal("0.00"), Decimal("5.00"), 4),
        (variant.pk, date(2026, 7, 1), 1, 0, 0, Decimal("0.00"), Decimal("5.00"), 4),
    ]


@pytest.mark.django_db
def test_purchases_add_units_and_revenue_at_the_price_paid():
    # given
    mug = VariantFactory(price=Decimal("8.00"), stock_quantity=20)
    lamp = VariantFactory(price=Decimal("40.00"), stock_quantity=5)
    _sell(mug, quantity=3, price="7.50", at=DAY_1)
    _sell(mug, quantity=1, price="7.50", at=DAY_1)
    _sell(lamp, quantity=2, price=None, at=DAY_1)

    # when
    interactions_flush()

    # then
    assert _rows() == [
        (mug.pk, date(2026, 3, 10), 0, 0, 4, Decimal("30.00"), Decimal("7.50"), 20),
        (lamp.pk, date(2026, 3, 10), 0, 0, 2, Decimal("80.00"), Decimal("40.00"), 5),
    ]


@pytest.mark.django_db
def test_a_view_without_variant_counts_for_the_first_active_variant_or_not_at_all():
    # given
    product = ProductFactory()
    VariantFactory(product=product, position=0, is_active=False)
    first_active = VariantFactory(product=product, position=1, price=Decimal("3.00"), stock_quantity=7)
    VariantFactory(product=product, position=2)
    retired = ProductFactory()
    VariantFactory(product=retired, is_active=False)
    interaction_record(kind=Interaction.Kind.VIEW, product=product, at=DAY_1)
    interaction_record(kind=Interaction.Kind.VIEW, product=retired, at=DAY_1)

    # when
    interactions_flush()

    # then: both events are logged, only the first has a variant to count for
    assert Interaction.objects.count() == 2
    assert _rows() == [(first_active.pk, date(2026, 3, 10), 1, 0, 0, Decimal("0.00"), Decimal("3.00"), 7)]


@pytest.mark.django_db
def test_rebuild_writes_the_same_rows_as_incremental_flushing():
    # given: two days of trade with a price cut on the second, flushed as it happened
    variant = VariantFactory(price=Decimal("20.00"), stock_quantity=10)
    other = VariantFactory(price=Decimal("4.00"), stock_quantity=3)
    _view(variant, times=4, at=DAY_1, price="20.00")
    interaction_record(kind=Interaction.Kind.ADD_TO_CART, variant=variant, price="20.00", at=DAY_1)
    _sell(variant, quantity=2, price="20.00", at=DAY_1)
    interaction_record(kind=Interaction.Kind.VIEW, product=other.product, at=DAY_1)
    interactions_flush()
    _sell(variant, quantity=1, price="20.00", at=DAY_1)
    interactions_flush()
    PriceChange.objects.create(
        variant=variant, old_price=Decimal("20.00"), new_price=Decimal("18.00"), changed_at=DAY_2.replace(hour=7)
    )
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("18.00"))
    _view(variant, times=2, at=DAY_2, price="18.00")
    _sell(variant, quantity=3, price="18.00", at=DAY_2)
    interactions_flush()
    incremental = _rows()

    # when
    written = daily_variant_stats_rebuild()

    # then
    assert written == 3
    assert _rows() == incremental
    assert incremental == [
        (variant.pk, date(2026, 3, 10), 4, 1, 3, Decimal("60.00"), Decimal("20.00"), 10),
        (variant.pk, date(2026, 3, 11), 2, 0, 3, Decimal("54.00"), Decimal("18.00"), 7),
        (other.pk, date(2026, 3, 10), 1, 0, 0, Decimal("0.00"), Decimal("4.00"), 3),
    ]


@pytest.mark.django_db
def test_rebuild_price_is_the_last_price_change_else_the_average_event_price_else_the_current_price():
    # given
    changed = VariantFactory(price=Decimal("9.00"))
    PriceChange.objects.create(
        variant=changed, old_price=Decimal("12.00"), new_price=Decimal("10.00"), changed_at=DAY_1.replace(hour=1)
    )
    PriceChange.objects.create(variant=changed, old_price=Decimal("10.00"), new_price=Decimal("9.00"), changed_at=DAY_2)
    shown = VariantFactory(price=Decimal("13.00"))
    plain = VariantFactory(price=Decimal("6.00"))
    _view(changed, times=1, at=DAY_1, price="12.00")
    _view(shown, times=1, at=DAY_1, price="10.00")
    _view(shown, times=1, at=DAY_1, price="12.01")
    _view(plain, times=1, at=DAY_1)
    interactions_flush()

    # when
    daily_variant_stats_rebuild()

    # then: the change of day 2 is not yet in effect on day 1
    assert DailyVariantStats.objects.get(variant=changed).price == Decimal("10.00")
    assert DailyVariantStats.objects.get(variant=shown).price == Decimal("11.01")
    assert DailyVariantStats.objects.get(variant=plain).price == Decimal("6.00")


@pytest.mark.django_db
def test_rebuild_of_a_date_range_leaves_other_days_alone():
    # given
    variant = VariantFactory()
    for day in (9, 10, 11):
        _view(variant, times=day, at=datetime(2026, 3, day, 12, tzinfo=UTC))
    interactions_flush()
    DailyVariantStats.objects.update(views=0)

    # when
    written = daily_variant_stats_rebuild(date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))

    # then
    assert written == 1
    assert list(DailyVariantStats.objects.order_by("date").values_list("date", "views")) == [
        (date(2026, 3, 9), 0),
        (date(2026, 3, 10), 10),
        (date(2026, 3, 11), 0),
    ]


@pytest.mark.django_db
def test_rebuild_counts_sales_after_the_range_into_the_stock_at_day_start():
    # given
    variant = VariantFactory(stock_quantity=10)
    _sell(variant, quantity=2, price="1.00", at=DAY_1)
    _sell(variant, quantity=5, price="1.00", at=DAY_2)
    interactions_flush()

    # when
    daily_variant_stats_rebuild(date_to=DAY_1.date())

    # then: 3 left now + 2 sold on day 1 + 5 sold on day 2
    assert DailyVariantStats.objects.get(date=DAY_1.date()).stock_at_day_start == 10


@pytest.mark.django_db
def test_rebuild_refuses_a_reversed_range_and_deletes_nothing():
    # given
    variant = VariantFactory()
    _view(variant, times=1, at=DAY_1)
    interactions_flush()

    # when
    with pytest.raises(ApplicationError) as error:
        daily_variant_stats_rebuild(date_from=DAY_2.date(), date_to=DAY_1.date())

    # then
    assert error.value.code == "invalid_date_range"
    assert DailyVariantStats.objects.count() == 1
