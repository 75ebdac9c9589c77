"""The `support_intents` kind trains through the ML platform on the seeded set and then serves the chat."""

import pytest

from ml import loader
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_training_run_on_the_seeded_set_releases_a_version_that_serves_the_chat(settings, chat):
    settings.ML_DEVICE = "cpu"
    run = training_run_create(
        kind="support_intents", trigger=TrainingRun.Trigger.COMMAND, params={"finetune_seconds": 0.0}
    )

    run = training_run_execute(run_id=run.pk)

    assert run.status == "succeeded", run.error
    version = run.version
    assert version.row_counts["intents"] == 14
    assert sorted(version.metrics) == sorted(
        [
            "accuracy",
            "macro_f1",
            "in_scope_accuracy",
            "oos_recall",
            "baseline_accuracy",
            "baseline_macro_f1",
            "baseline_in_scope_accuracy",
            "baseline_oos_recall",
        ]
    )
    print(f"\nsupport_intents v1 on the seeded set: {version.metrics}, stages {version.stage_seconds}")
    assert version.metrics["macro_f1"] >= 0.8
    assert version.metrics["macro_f1"] > version.metrics["baseline_macro_f1"]
    assert version.metrics["oos_recall"] >= 0.4
    served = loader.champion("support_intents")
    assert served.version_number == 1
    reply = chat.say("where is my parcel")
    assert reply["intent"] == "order_status"
    assert reply["model_version"] == "support_intents v1"


def test_baseline_serves_the_seeded_examples_without_training():
    served = loader.champion("support_intents")

    assert served.is_baseline
    assert served.model.classify("I want to talk to a person").intent == "human_handoff"
    assert served.model.classify("what is the capital of Australia").intent is None
