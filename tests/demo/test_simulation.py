"""The demo shoppers' timeline: every session keeps its order whatever date the store is generated on.

The generator counts days on the store's local clock (Europe/London, with daylight-saving changes) but
keeps every instant in UTC. These tests pin "now" to dates around clock changes, a leap day, midnight
and the day this was written, and check that a purchase always follows a view and a cart add of the
same product in the same session. Pure data, no database.
"""

import random
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from demo.catalog import SCALES, catalog_build, customers_build
from demo.loader import demo_store_build
from demo.simulation import EventPlan, Timeline, history_simulate

LONDON = ZoneInfo("Europe/London")
PINNED_CLOCKS = {
    "today": datetime(2026, 12, 6, 1, 55, tzinfo=LONDON),
    "after-spring-forward": datetime(2026, 4, 20, 15, 0, tzinfo=LONDON),
    "spring-forward-day": datetime(2026, 3, 29, 2, 30, tzinfo=LONDON),
    "after-fall-back": datetime(2026, 11, 2, 9, 0, tzinfo=LONDON),
    "fall-back-repeated-hour": datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),
    "leap-day": datetime(2028, 2, 29, 12, 0, tzinfo=LONDON),
    "just-after-midnight": datetime(2026, 6, 1, 0, 0, 5, tzinfo=LONDON),
    "new-years-eve": datetime(2026, 12, 31, 23, 59, 59, tzinfo=LONDON),
}
SEEDS = (7, 42, 1)
# The mornings the clocks change in London in 2026: 01:00 -> 02:00 in March, 02:00 -> 01:00 in October.
CLOCK_CHANGE_DAYS = (datetime(2026, 3, 29, tzinfo=LONDON), datetime(2026, 10, 25, tzinfo=LONDON))


def _purchases_without_a_prior(events: list[EventPlan], kind: str) -> list[EventPlan]:
    """Purchases whose session has no `kind` event of the same product at or before the purchase."""
    earliest: dict[tuple[str, int | None], float] = defaultdict(lambda: float("inf"))
    for event in events:
        if event.kind == kind:
            key = (event.session_key, event.product)
            earliest[key] = min(earliest[key], _instant(event.created_at))
    return [
        event
        for event in events
        if event.kind == "purchase" and not earliest[event.session_key, event.product] <= _instant(event.created_at)
    ]


def _instant(moment: datetime) -> float:
    """Seconds since the epoch: two datetimes of one zone compare by wall clock, which a clock change misleads."""
    return moment.timestamp()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("now", PINNED_CLOCKS.values(), ids=PINNED_CLOCKS.keys())
def test_every_purchase_follows_a_view_and_a_cart_add_at_any_date_and_seed(now, seed):
    history = demo_store_build(scale="tiny", seed=seed, now=now).history

    assert _purchases_without_a_prior(history.events, "view") == []
    assert _purchases_without_a_prior(history.events, "add_to_cart") == []


@pytest.mark.parametrize("now", PINNED_CLOCKS.values(), ids=PINNED_CLOCKS.keys())
def test_history_stays_inside_the_period_and_in_time_order(now):
    store = demo_store_build(scale="tiny", seed=3, now=now)
    moments = [_instant(event.created_at) for event in store.history.events]
    ordered = [_instant(order.created_at) for order in store.history.orders]

    assert _instant(store.timeline.midnight(0)) <= min(moments)
    assert max(moments) <= _instant(now)
    assert moments == sorted(moments)
    assert ordered == sorted(ordered)


@pytest.mark.parametrize("change_day", CLOCK_CHANGE_DAYS, ids=("spring-forward", "fall-back"))
def test_sessions_that_span_a_clock_change_keep_their_order(change_day):
    """Thousands of orders in the three days around a clock change, so many sessions start in its odd hour."""
    scale = replace(SCALES["tiny"], days=3, orders=6_000)
    catalog = catalog_build(scale=scale, rng=random.Random("clock:catalog"))
    history = history_simulate(
        catalog=catalog,
        customers=customers_build(scale=scale, catalog=catalog, rng=random.Random("clock:customers")),
        orders=scale.orders,
        browse_sessions_per_order=scale.browse_sessions_per_order,
        timeline=Timeline(now=change_day + timedelta(days=1, hours=20), days=scale.days),
        rng=random.Random("clock:history"),
    )
    night = [o for o in history.orders if o.created_at.astimezone(LONDON).date() == change_day.date()]

    assert sum(o.created_at.astimezone(LONDON).hour in (1, 2) for o in night) > 10
    assert _purchases_without_a_prior(history.events, "view") == []
    assert _purchases_without_a_prior(history.events, "add_to_cart") == []


@pytest.mark.parametrize("change_day", CLOCK_CHANGE_DAYS, ids=("spring-forward", "fall-back"))
def test_timeline_moments_only_move_forward_through_a_clock_change(change_day):
    timeline = Timeline(now=change_day + timedelta(days=2, hours=12), days=5)
    day = 2  # the change day
    moments = [_instant(timeline.moment(day, second)) for second in range(0, 26 * 3600, 600)]

    assert timeline.date(day) == change_day.date()
    assert moments[0] == _instant(timeline.midnight(day)) == _instant(change_day)
    assert all(earlier < later for earlier, later in pairwise(moments))
    assert timeline.midnight(day + 1) - timeline.midnight(day) == timedelta(hours=23 if change_day.month == 3 else 25)
