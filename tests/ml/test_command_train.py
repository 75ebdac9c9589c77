"""`manage.py train <kind|all> [--sync]`."""

import pytest
from django.core.management import CommandError, call_command

from ml import kinds
from ml.models import ModelVersion, TrainingRun
from tests.ml.toy import train as toy_train

pytestmark = pytest.mark.django_db


def test_sync_trains_in_process_and_reports_the_version(toy, capsys):
    # when
    call_command("train", "toy", "--sync")

    # then
    run = TrainingRun.objects.get()
    out, err = capsys.readouterr()
    assert out == f"toy: run {run.pk} made v1. Accepted: accuracy 0.5000; there is no champion yet.\n"
    assert "100%" in err  # the progress bar
    assert (run.trigger, run.status) == ("command", "succeeded")


def test_without_sync_the_run_is_queued_for_a_worker(toy, capsys):
    # when
    call_command("train", "toy")

    # then
    run = TrainingRun.objects.get()
    assert capsys.readouterr().out == f"Queued toy run {run.pk}.\n"
    assert (run.status, run.trigger, len(run.task_id)) == ("queued", "command", 36)


def test_all_queues_every_kind(toy, capsys):
    # when
    call_command("train", "all")

    # then
    assert sorted(TrainingRun.objects.values_list("registered_model__name", flat=True)) == sorted(kinds.kind_names())
    assert "toy" in kinds.kind_names()


def test_all_queues_the_quickest_kinds_first_so_a_lone_worker_serves_them_early(capsys, monkeypatch):
    # given: sentiment's fine-tuning takes half an hour, the support bot's head seconds
    monkeypatch.setattr(kinds, "kind_names", lambda: ["als", "sentiment", "support_intents"])

    # when
    call_command("train", "all")

    # then
    queued = TrainingRun.objects.order_by("pk").values_list("registered_model__name", flat=True)
    assert list(queued) == ["als", "support_intents", "sentiment"]


def test_an_unknown_kind_is_an_error_listing_the_kinds(toy):
    # when
    with pytest.raises(CommandError) as error:
        call_command("train", "no-such-kind")

    # then
    assert str(error.value) == f"Unknown model kind 'no-such-kind'. Known kinds: {', '.join(kinds.kind_names())}."
    assert not TrainingRun.objects.exists()


def test_a_failed_sync_training_exits_with_the_error(toy, monkeypatch):
    # given
    monkeypatch.setitem(toy.default_params, "fail", True)

    # when
    with pytest.raises(CommandError) as error:
        call_command("train", "toy", "--sync")

    # then
    run = TrainingRun.objects.get()
    assert (
        str(error.value) == f"Training failed: toy run {run.pk}: FloatingPointError: invalid value encountered in sqrt"
    )
    assert ModelVersion.objects.get().status == "failed"


def test_missing_trains_only_kinds_without_a_champion_or_a_run_under_way(toy, capsys, monkeypatch):
    # given: toy has a champion; popularity has a queued run; als has neither
    monkeypatch.setattr(kinds, "kind_names", lambda: ["als", "popularity", "toy"])
    toy_train()
    call_command("train", "popularity")
    capsys.readouterr()

    # when
    call_command("train", "all", "--missing")

    # then
    queued = TrainingRun.objects.filter(status="queued").order_by("pk")
    assert [run.registered_model.name for run in queued] == ["popularity", "als"]
    assert capsys.readouterr().out == f"Queued als run {queued.last().pk}.\n"


def test_missing_with_every_kind_served_says_so(toy, capsys, monkeypatch):
    monkeypatch.setattr(kinds, "kind_names", lambda: ["toy"])
    toy_train()

    call_command("train", "all", "--missing")

    assert capsys.readouterr().out == "Every model kind has a champion or a run under way; nothing to train.\n"
    assert TrainingRun.objects.count() == 1
