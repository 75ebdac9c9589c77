"""Queue a Celery task by its registered name.

Inside each app, `tasks.py` sits above `services.py`: a task takes ids and calls a service. A
service that must queue work (after commit, with a countdown) therefore addresses the task by the
name it is registered under instead of importing the tasks module back. The name resolves to the
registered task object, so eager mode and a retry policy behave exactly as with the object.
"""

from celery import current_app
from celery.exceptions import NotRegistered
from celery.result import AsyncResult


def task_send(name: str, /, **options) -> AsyncResult:
    """`apply_async` of the task registered as `name` (e.g. "orders.tasks.order_email_deliver");
    `options` are apply_async's (args, countdown, task_id ...). Raises NotRegistered for an unknown name."""
    return _task(name).apply_async(**options)


def _task(name: str):
    try:
        return current_app.tasks[name]
    except NotRegistered:
        # A web process has not imported the apps' tasks modules yet: autodiscover them now, as a
        # worker does when it starts (config.celery calls autodiscover_tasks, which waits for this).
        current_app.loader.import_default_modules()
        return current_app.tasks[name]
