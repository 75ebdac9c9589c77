"""Every periodic schedule (ops.schedules) lives in django-celery-beat's tables, created idempotently after migrate."""

import json

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from ml.kinds import kind_names
from ops.schedules import schedules_ensure

pytestmark = pytest.mark.django_db


def test_every_kind_gets_a_nightly_retraining_and_lost_runs_are_reaped():
    # given a database without schedules
    PeriodicTask.objects.all().delete()

    # when
    schedules_ensure()
    schedules_ensure()

    # then
    nightly = PeriodicTask.objects.get(name="Nightly retraining: popularity")
    assert (nightly.task, json.loads(nightly.kwargs), nightly.enabled) == (
        "ml.tasks.training_run_scheduled",
        {"kind": "popularity"},
        True,
    )
    assert (nightly.crontab.hour, nightly.crontab.minute, str(nightly.crontab.timezone)) == ("2", "30", "Europe/London")
    reaper = PeriodicTask.objects.get(name="Fail lost training runs")
    assert (reaper.task, reaper.interval.every, reaper.interval.period) == ("ml.tasks.training_runs_reap", 5, "minutes")
    ml_tasks = PeriodicTask.objects.filter(task__startswith="ml.tasks.")
    assert ml_tasks.count() == len(kind_names()) + 1  # a nightly retraining per kind, the reaper


def test_staff_edits_of_a_schedule_survive_the_next_migrate():
    # given: staff moved the retraining to 04:15 and disabled the reaper
    schedules_ensure()
    nightly = PeriodicTask.objects.get(name="Nightly retraining: popularity")
    nightly.crontab = CrontabSchedule.objects.create(minute="15", hour="4", timezone="Europe/London")
    nightly.save()
    PeriodicTask.objects.filter(name="Fail lost training runs").update(enabled=False)

    # when
    schedules_ensure()

    # then
    nightly.refresh_from_db()
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("4", "15")
    assert PeriodicTask.objects.get(name="Fail lost training runs").enabled is False
    ml_tasks = PeriodicTask.objects.filter(task__startswith="ml.tasks.")
    assert ml_tasks.count() == len(kind_names()) + 1  # a nightly retraining per kind, the reaper


def test_the_email_sweeps_sentiment_and_pricing_run_on_their_schedules():
    PeriodicTask.objects.all().delete()

    schedules_ensure()

    every = {
        task.name: (task.task, task.interval.every, task.interval.period)
        for task in PeriodicTask.objects.filter(interval__isnull=False).exclude(task__startswith="ml.tasks.")
    }
    assert every == {
        "Order emails: send pending": ("orders.tasks.order_emails_deliver_pending", 1, "minutes"),
        "Support reply emails: send pending": ("support.tasks.ticket_reply_emails_deliver_pending", 1, "minutes"),
        "Refresh stale product sentiment aspects": (
            "sentiment.tasks.product_sentiments_refresh_stale",
            10,
            "minutes",
        ),
    }
    daily = {
        task.name: (task.task, task.crontab.hour, task.crontab.minute)
        for task in PeriodicTask.objects.filter(crontab__isnull=False).exclude(task__startswith="ml.tasks.")
    }
    assert daily == {
        "Re-score reviews for a new sentiment champion": ("sentiment.tasks.reviews_rescore", "5", "30"),
        "Nightly pricing run": ("pricing.tasks.pricing_run_scheduled", "4", "0"),
        "Privacy: apply the retention periods": ("privacy.tasks.retention_apply", "3", "15"),
    }


def test_a_task_renamed_in_the_code_is_followed_and_staff_timing_stays():
    schedules_ensure()
    PeriodicTask.objects.filter(name="Re-score reviews for a new sentiment champion").update(
        task="sentiment.tasks.reviews_rescore_task", enabled=False
    )

    schedules_ensure()

    rescore = PeriodicTask.objects.get(name="Re-score reviews for a new sentiment champion")
    assert (rescore.task, rescore.enabled) == ("sentiment.tasks.reviews_rescore", False)
