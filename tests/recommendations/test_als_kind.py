"""The `als` kind in the ML platform: extraction from the event log, training through the registry, serving."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from events.models import Interaction
from ml import loader
from ml.kinds import kind_get
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute
from recommendations import selectors
from recommendations.ml import als
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, UserFactory, VariantFactory
from tests.recommendations.planted import taste_groups

pytestmark = pytest.mark.django_db


def interaction(kind: str, user=None, product=None, *, days_ago: float, variant=None) -> Interaction:
    return Interaction(
        kind=kind,
        user=user,
        product=product,
        variant=variant,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_extract_reads_signed_in_users_weighted_kinds_of_the_window_and_splits_off_the_holdout():
    # given
    ann, bob = UserFactory(), UserFactory()
    mug, lamp = ProductFactory(), ProductFactory()
    Interaction.objects.bulk_create(
        [
            interaction("view", ann, mug, days_ago=30),
            interaction("purchase", bob, variant=VariantFactory(product=lamp), days_ago=3),  # counts for the lamp
            interaction("add_to_cart", ann, lamp, days_ago=1),
            interaction("view", None, mug, days_ago=2),  # anonymous: no user to learn
            interaction("search", ann, days_ago=1),  # not an interaction with a product
            interaction("view", bob, mug, days_ago=400),  # outside the 365-day window
        ]
    )
    kind = kind_get("als")
    as_of = timezone.now()

    # when
    data = kind.extract(params=kind.default_params, as_of=as_of)

    # then
    assert data.row_counts == {"train_events": 1, "holdout_events": 2, "users": 2, "products": 2}
    assert (data.train.events.user_ids.tolist(), data.train.events.product_ids.tolist()) == ([ann.pk], [mug.pk])
    assert data.holdout.user_ids.tolist() == [bob.pk, ann.pk]
    assert data.holdout.product_ids.tolist() == [lamp.pk, lamp.pk]
    assert len(data.full.events) == 3
    assert data.full.tuned_by is data.train
    assert (data.window_start, data.window_end) == (as_of - timedelta(days=365), as_of)


def planted_store_events() -> tuple[list, list]:
    """Shoppers in three taste groups: browsing months ago, carts last month, purchases this fortnight."""
    users = UserFactory.create_batch(60)
    category, brand = CategoryFactory(), BrandFactory()
    products = ProductFactory.create_batch(45, category=category, brand=brand)
    user_codes, item_codes = taste_groups(users=60, items=45, groups=3, per_user=12, seed=5)
    rng = np.random.default_rng(5)
    events = []
    for position, (user, item) in enumerate(zip(user_codes, item_codes, strict=True)):
        nth = position % 12
        if nth < 7:
            kind, days_ago = "view", rng.uniform(30, 120)
        elif nth < 9:
            kind, days_ago = "add_to_cart", rng.uniform(15, 27)
        else:
            kind, days_ago = "purchase", rng.uniform(1, 13)
        events.append(interaction(kind, users[user], products[item], days_ago=days_ago))
    Interaction.objects.bulk_create(events)
    return users, products


def test_a_window_without_events_extracts_empty_columns():
    # given: one event, outside the window
    Interaction.objects.bulk_create([interaction("view", UserFactory(), ProductFactory(), days_ago=30)])
    now = timezone.now()

    # when
    events = selectors.user_events(start=now - timedelta(days=7), end=now)

    # then
    assert len(events) == 0
    assert (events.user_ids.dtype, events.product_ids.dtype, events.kinds.dtype, events.times.dtype) == (
        np.int64,
        np.int64,
        np.int8,
        np.float64,
    )


def test_an_als_run_learns_the_taste_groups_and_records_metrics_device_and_choice(settings):
    # given
    settings.ML_DEVICE = "cpu"
    users, products = planted_store_events()
    run = training_run_create(kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": 1.0})

    # when
    run = training_run_execute(run_id=run.pk)
    served = loader.champion("als")

    # then
    version = run.version
    assert run.status == "succeeded", run.error
    assert (version.device, version.artifact_path, version.params["tune_seconds"]) == ("cpu", "als/v1", 1.0)
    assert version.row_counts == {"train_events": 540, "holdout_events": 180, "users": 60, "products": 45}
    metrics = version.metrics
    assert sorted(metrics) == sorted(
        [
            *[f"{prefix}{name}" for prefix in ("", "baseline_") for name in METRIC_NAMES],
            "users_evaluated",
            "validation_ndcg_at_10",
            "tuned_factors",
            "tuned_regularization",
            "tuned_alpha",
            "tuned_iterations",
        ]
    )
    assert metrics["users_evaluated"] == 60
    assert metrics["ndcg_at_10"] > metrics["baseline_ndcg_at_10"] + 0.1
    assert "Hyper-parameter search:" in run.log
    assert f"chose factors {int(metrics['tuned_factors'])}" in run.log
    assert served.version_id == version.pk
    assert isinstance(served.model, als.AlsModel)
    assert served.model.user_ids.tolist() == sorted(user.pk for user in users)
    assert served.model.item_ids.tolist() == sorted(product.pk for product in products)
    assert served.model.params.factors == metrics["tuned_factors"]


METRIC_NAMES = ("precision_at_10", "recall_at_10", "ndcg_at_10", "map_at_10", "hit_rate_at_10", "coverage")


def test_a_run_without_a_search_fits_the_given_engine_parameters(settings):
    # given
    settings.ML_DEVICE = "cpu"
    planted_store_events()
    engine = {**als.AlsParams().as_dict(), "factors": 12}
    run = training_run_create(
        kind="als", trigger=TrainingRun.Trigger.COMMAND, params={"tune_seconds": 0, "engine": engine}
    )

    # when
    run = training_run_execute(run_id=run.pk)

    # then
    assert run.status == "succeeded", run.error
    assert run.version.metrics["tuned_factors"] == 12.0
    assert "validation_ndcg_at_10" not in run.version.metrics
    assert "Hyper-parameter search" not in run.log


def test_a_run_with_nobody_to_evaluate_fails_and_leaves_no_champion(settings):
    # given: one signed-in shopper, nothing in the holdout
    settings.ML_DEVICE = "cpu"
    Interaction.objects.bulk_create([interaction("view", UserFactory(), ProductFactory(), days_ago=40)])
    run = training_run_create(kind="als", trigger=TrainingRun.Trigger.COMMAND)

    # when
    run = training_run_execute(run_id=run.pk)

    # then
    assert run.status == "failed"
    assert "No held-out user can be evaluated" in run.error
    assert loader.champion("als").is_baseline


def test_without_a_trained_model_the_baseline_knows_nobody():
    # when
    served = loader.champion("als")

    # then
    assert served.is_baseline
    assert (len(served.model.user_ids), len(served.model.item_ids)) == (0, 0)
