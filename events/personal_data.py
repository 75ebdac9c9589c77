"""Personal data of the event log for privacy.registry.

Events are never deleted for privacy: aggregates (DailyVariantStats, popularity) and the models
learn from them. Instead they are re-keyed: the user link and the session key give way to a
pseudonymous key ("p:" + an HMAC from privacy), so a person's events still group together but no
longer lead back to them. That happens when the account closes and, for everyone, after
`events_days`.
"""

from datetime import datetime, timedelta

from django.db.models import Q

from events.models import Interaction

FIELDS = [
    ("events.Interaction", "session_key", "behaviour", "events"),
    ("events.Interaction", "query", "behaviour", "events"),
]

PREFIX = "p:"  # a pseudonymised event's session_key


def export(*, user) -> dict:
    return {
        "events": list(
            Interaction.objects.filter(user=user)
            .order_by("created_at")
            .values("kind", "product_id", "variant_id", "quantity", "price", "query", "source", "created_at")
        )
    }


def erase(*, user, pseudonym) -> dict[str, int]:
    """Re-key the person's events, and empty what they typed into the search box (it may name them or
    where they live); the search events themselves stay, so search counts do not change."""
    events = Interaction.objects.filter(user=user)
    return {
        "search_queries_erased": events.exclude(query="").update(query=""),
        "events_rekeyed": rows_rekey(events, pseudonym=pseudonym),
    }


def retain(*, policy, now: datetime, pseudonym) -> dict[str, int]:
    old = Interaction.objects.filter(created_at__lt=now - timedelta(days=policy.days("events")))
    pending = old.filter(Q(user__isnull=False) | ~Q(session_key="") & ~Q(session_key__startswith=PREFIX))
    return {"events_pseudonymised": rows_rekey(pending, pseudonym=pseudonym)}


def rows_rekey(events, *, pseudonym) -> int:
    """Re-key rows with `user` and `session_key` columns (events, recommendation events): one UPDATE
    per person (or, for guests, per session), the same pseudonymous key for all their rows."""
    count = 0
    for user_id in events.filter(user__isnull=False).values_list("user_id", flat=True).distinct():
        count += events.filter(user_id=user_id).update(user=None, session_key=PREFIX + pseudonym(user_id))
    for session_key in events.filter(user__isnull=True).values_list("session_key", flat=True).distinct():
        key = PREFIX + pseudonym(session_key, kind="session")
        count += events.filter(user__isnull=True, session_key=session_key).update(session_key=key)
    return count
