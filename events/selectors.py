"""Reading the shopper event log: browser sessions and how many of them bought."""

from datetime import datetime

from django.db.models import Count, Q

from events.models import Interaction


def session_conversion(*, start: datetime, end: datetime) -> dict:
    """Browser sessions seen in [start, end) (distinct session keys of any event) and how many of them
    include a purchase: `sessions`, `converted`, `rate` (None without sessions)."""
    counts = (
        Interaction.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(session_key="")
        .aggregate(
            sessions=Count("session_key", distinct=True),
            converted=Count("session_key", distinct=True, filter=Q(kind=Interaction.Kind.PURCHASE)),
        )
    )
    counts["rate"] = counts["converted"] / counts["sessions"] if counts["sessions"] else None
    return counts
