"""The Celery app. Broker, queues, routes and results come from Django settings (CELERY_* names).

Workers: `celery -A config worker -Q default,gpu` (see docs/workers.md); the scheduler:
`celery -A config beat`, whose schedules live in the database (django-celery-beat).
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Folders of kombu's filesystem transport; it creates none of them and fails on a fresh checkout.
_FILESYSTEM_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


@app.on_after_configure.connect
def _create_broker_folders(sender: Celery, **kwargs) -> None:
    """Create the filesystem broker's folders in every process that sends or consumes tasks."""
    if not sender.conf.broker_url.startswith("filesystem://"):
        return
    options = sender.conf.broker_transport_options or {}
    for key in _FILESYSTEM_BROKER_FOLDERS:
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
