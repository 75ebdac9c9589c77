"""The `demand` kind trains through the ML platform, beats seasonal naive, and then prices the store."""

import pytest

from ml import loader
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute
from pricing import services
from pricing.models import PriceSuggestion, PricingRun

pytestmark = pytest.mark.django_db


def test_a_demand_run_is_gated_on_wmape_and_its_version_prices_the_store(store, settings):
    settings.ML_DEVICE = "cpu"
    run = training_run_create(kind="demand", trigger=TrainingRun.Trigger.COMMAND, params={"min_data_in_leaf": 20})

    run = training_run_execute(run_id=run.pk)

    assert run.status == "succeeded", run.error
    version = run.version
    assert version.main_metric == "wmape"
    assert version.row_counts["variants"] == 4
    assert version.row_counts["holdout_days"] == 4 * 14
    metrics = version.metrics
    assert {"wmape", "mae", "baseline_wmape", "baseline_mae", "holdout_rows"} <= set(metrics)
    assert metrics["holdout_rows"] == 4 * 14
    assert metrics["wmape"] < metrics["baseline_wmape"]
    served = loader.champion("demand")
    assert served.label == "demand v1"
    assert served.model.booster is not None

    pricing_run = services.pricing_run_execute(trigger=PricingRun.Trigger.COMMAND)

    assert pricing_run.model_label == "demand v1"
    suggestion = PriceSuggestion.objects.filter(run=pricing_run).first()
    assert (suggestion.model_label, suggestion.model_version_id) == ("demand v1", version.pk)
    assert any(not key.startswith("group:") for key in suggestion.contributions)
