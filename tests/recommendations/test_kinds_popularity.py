"""The popularity kind in the ML platform: extraction from the event log, training, serving."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Interaction
from ml.kinds import kind_get
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute
from recommendations.inference import popular_product_ids
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def interaction(kind: str, product=None, *, days_ago: float, variant=None) -> Interaction:
    return Interaction(
        kind=kind, product=product, variant=variant, created_at=timezone.now() - timedelta(days=days_ago)
    )


def test_extract_reads_the_weighted_kinds_of_the_window_and_splits_off_the_holdout():
    # given
    mug, lamp = ProductFactory(), ProductFactory()
    lamp_variant = VariantFactory(product=lamp)
    Interaction.objects.bulk_create(
        [
            interaction("view", mug, days_ago=30),
            interaction("purchase", variant=lamp_variant, days_ago=2),  # variant only: counted for its product
            interaction("add_to_cart", mug, days_ago=1),
            interaction("search", days_ago=1),  # not a popularity signal
            interaction("view", lamp, days_ago=200),  # outside the 180-day window
        ]
    )
    kind = kind_get("popularity")
    as_of = timezone.now()

    # when
    data = kind.extract(params=kind.default_params, as_of=as_of)

    # then
    assert data.row_counts == {"train_events": 1, "holdout_events": 2, "holdout_purchases": 1, "products": 2}
    assert data.train.product_ids.tolist() == [mug.pk]
    assert data.holdout.product_ids.tolist() == [lamp.pk, mug.pk]
    assert data.holdout.purchases().tolist() == [lamp.pk]
    assert len(data.full) == 3
    assert (data.window_start, data.window_end) == (as_of - timedelta(days=180), as_of)


def test_a_popularity_run_learns_the_rising_products_and_serves_them_with_its_version():
    # given: a faded bestseller and a rising product that is bought in the last week
    faded, rising, quiet = ProductFactory(), ProductFactory(), ProductFactory()
    events = [interaction("purchase", faded, days_ago=100 + i) for i in range(20)]
    events += [interaction("view", rising, days_ago=8 + i % 5) for i in range(15)]
    events += [interaction("add_to_cart", rising, days_ago=9) for _ in range(3)]
    events += [interaction("purchase", rising, days_ago=3) for _ in range(4)]
    events += [interaction("view", quiet, days_ago=40)]
    Interaction.objects.bulk_create(events)
    run = training_run_create(kind="popularity", trigger=TrainingRun.Trigger.COMMAND)

    # when
    run = training_run_execute(run_id=run.pk)
    recommended = popular_product_ids(limit=2)

    # then
    version = run.version
    assert run.status == "succeeded", run.error
    assert version.metrics == {"recall_at_10": 1.0, "baseline_recall_at_10": 0.0}
    assert version.row_counts == {"train_events": 39, "holdout_events": 4, "holdout_purchases": 4, "products": 3}
    assert version.artifact_path == "popularity/v1"
    assert recommended.product_ids == [rising.pk, faded.pk]
    assert recommended.model_version_id == version.pk


def test_without_a_trained_model_nothing_is_recommended_by_the_baseline():
    # when
    recommended = popular_product_ids(limit=5)

    # then
    assert (recommended.product_ids, recommended.model_version_id) == ([], None)
