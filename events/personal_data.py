"""Personal data of the event log for privacy.registry.

Events are never deleted for privacy: aggregates (DailyVariantStats, popularity) and the models
learn from them. Instead they are re-keyed: the user link and the session key give way to a
pseudonymous key ("p:" + an HMAC from privacy), so a person's events still group together but no
longer lead back to them. That happens when the account closes and, for everyone, after
`events_days`.
"""

from datetime import datetime, timedelta

from django.db import connection
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


def rows_rekey(rows, *, pseudonym) -> int:
    """Re-key rows with `user` and `session_key` columns (events, recommendation events): every row of
    a person (or, for a guest, of a session) gets the same pseudonymous key.

    The pseudonyms are computed here (the key never reaches the database) and applied by two UPDATEs
    joined to arrays of (id, pseudonym): one per person or session would be thousands of scans of a
    table that has no index on session_key.
    """
    table = connection.ops.quote_name(rows.model._meta.db_table)
    pending, pending_params = rows.values("pk").query.sql_with_params()
    users = list(rows.filter(user__isnull=False).values_list("user_id", flat=True).distinct())
    sessions = list(rows.filter(user__isnull=True).values_list("session_key", flat=True).distinct())
    count = 0
    with connection.cursor() as cursor:
        if users:
            cursor.execute(
                f"UPDATE {table} AS t SET user_id = NULL, session_key = k.key "
                f"FROM unnest(%s::bigint[], %s::text[]) AS k(user_id, key) "
                f"WHERE t.user_id = k.user_id AND t.id IN ({pending})",
                [users, [PREFIX + pseudonym(user) for user in users], *pending_params],
            )
            count += cursor.rowcount
        if sessions:
            cursor.execute(
                f"UPDATE {table} AS t SET session_key = k.key "
                f"FROM unnest(%s::text[], %s::text[]) AS k(session_key, key) "
                f"WHERE t.user_id IS NULL AND t.session_key = k.session_key AND t.id IN ({pending})",
                [sessions, [PREFIX + pseudonym(key, kind="session") for key in sessions], *pending_params],
            )
            count += cursor.rowcount
    return count
