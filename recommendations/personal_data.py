"""Personal data of the recommendations app for privacy.registry: impressions and clicks of
recommendation blocks, re-keyed like the event log (events.personal_data), and the training data
`export_training_data --kind recommendations` writes."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from events.personal_data import PREFIX, rows_rekey
from recommendations import selectors
from recommendations.ml.popularity import EVENT_KINDS
from recommendations.models import RecommendationEvent

FIELDS = [("recommendations.RecommendationEvent", "session_key", "behaviour", "events")]


def export(*, user) -> dict:
    return {
        "recommendation_history": list(
            RecommendationEvent.objects.filter(user=user)
            .order_by("created_at")
            .values("kind", "block", "position", "product_id", "created_at")
        )
    }


def erase(*, user, pseudonym) -> dict[str, int]:
    return {
        "recommendation_events_rekeyed": rows_rekey(RecommendationEvent.objects.filter(user=user), pseudonym=pseudonym)
    }


def retain(*, policy, now: datetime, pseudonym) -> dict[str, int]:
    old = RecommendationEvent.objects.filter(created_at__lt=now - timedelta(days=policy.days("events")))
    pending = old.filter(Q(user__isnull=False) | ~Q(session_key="") & ~Q(session_key__startswith=PREFIX))
    return {"recommendation_events_pseudonymised": rows_rekey(pending, pseudonym=pseudonym)}


def training_data(*, pseudonym, days: int = 365) -> dict[str, list[dict]]:
    """What the ALS kind learns from (recommendations.selectors.user_events): who did what to which
    product when, the person as a pseudonym."""
    end = timezone.now()
    events = selectors.user_events(start=end - timedelta(days=days), end=end)
    return {
        "interactions.csv": [
            {
                "user": pseudonym(int(user)),
                "product_id": int(product),
                "kind": EVENT_KINDS[int(kind)],
                "timestamp": float(at),
            }
            for user, product, kind, at in zip(
                events.user_ids, events.product_ids, events.kinds, events.times, strict=True
            )
        ]
    }


TRAINING_DATA = {"recommendations": training_data}
