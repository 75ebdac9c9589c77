"""The Celery app's configuration: queues, routing, training task options, the filesystem broker."""

from celery import Celery

from config.celery import _create_broker_folders
from config.celery import app as celery_app
from ml import tasks


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_training_goes_to_the_gpu_queue_and_light_work_to_default():
    assert queue_of("ml.tasks.training_run_execute") == "gpu"
    assert queue_of("ml.tasks.training_run_scheduled") == "default"
    assert queue_of("ml.tasks.training_runs_reap") == "default"


def test_training_task_acknowledges_late_and_has_time_limits(settings):
    task = tasks.training_run_execute
    assert task.acks_late is True
    assert (task.soft_time_limit, task.time_limit) == (
        settings.ML_TRAINING_SOFT_TIME_LIMIT,
        settings.ML_TRAINING_TIME_LIMIT,
    )
    assert task.max_retries == 5
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_the_filesystem_broker_folders_are_created(tmp_path):
    # given a fresh checkout: no broker folders
    app = Celery(set_as_current=False)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(tmp_path / "broker/queue"),
            "data_folder_out": str(tmp_path / "broker/queue"),
            "processed_folder": str(tmp_path / "broker/processed"),
            "control_folder": str(tmp_path / "broker/control"),
        },
    )

    # when
    _create_broker_folders(app)

    # then
    assert sorted(path.name for path in (tmp_path / "broker").iterdir()) == ["control", "processed", "queue"]
