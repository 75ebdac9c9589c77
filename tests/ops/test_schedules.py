"""Periodic schedules live in django-celery-beat's tables, created idempotently after migrate."""

import json

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from ml.kinds import kind_names
from ml.services import training_schedules_ensure

pytestmark = pytest.mark.django_db


def test_every_kind_gets_a_nightly_retraining_and_lost_runs_are_reaped():
    # given a database without schedules
    PeriodicTask.objects.all().delete()

    # when
    training_schedules_ensure()
    training_schedules_ensure()

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
    training_schedules_ensure()
    nightly = PeriodicTask.objects.get(name="Nightly retraining: popularity")
    nightly.crontab = CrontabSchedule.objects.create(minute="15", hour="4", timezone="Europe/London")
    nightly.save()
    PeriodicTask.objects.filter(name="Fail lost training runs").update(enabled=False)

    # when
    training_schedules_ensure()

    # then
    nightly.refresh_from_db()
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("4", "15")
    assert PeriodicTask.objects.get(name="Fail lost training runs").enabled is False
    ml_tasks = PeriodicTask.objects.filter(task__startswith="ml.tasks.")
    assert ml_tasks.count() == len(kind_names()) + 1  # a nightly retraining per kind, the reaper
