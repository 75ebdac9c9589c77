"""Signals of the catalogue, for apps above it (connected in their AppConfig.ready).

`shop` sits below sentiment, so it cannot ask it to score a review; it says a review was written
and sentiment reacts.
"""

from django.dispatch import Signal

# Sent inside the service's transaction when a review is created or its stars or text change, with
# `review_id`. Receivers must not fail the write: defer real work until after commit (sentiment does).
review_written = Signal()
