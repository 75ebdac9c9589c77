import atexit

from django.apps import AppConfig
from django.core.signals import request_finished


class EventsConfig(AppConfig):
    name = "events"

    def ready(self) -> None:
        """Flush buffered interaction events after responses and at process exit.

        `request_finished` fires when the server closes the response, after its bytes went to the
        client, so a shopper never waits for the write; a middleware would run before the response
        is sent. See events.services for what is written and when.
        """
        from events.services import interactions_flush

        request_finished.connect(_flush_after_response, dispatch_uid="events.flush_after_response")
        atexit.register(interactions_flush)


def _flush_after_response(sender, **kwargs) -> None:
    from django.db import close_old_connections

    from events.services import interactions_flush_if_due

    if interactions_flush_if_due():
        # Django's own request_finished receiver ran before this one; give a connection opened
        # by the flush the same CONN_MAX_AGE treatment instead of leaving it open until the next request.
        close_old_connections()
