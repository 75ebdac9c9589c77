"""Reading money movements: refunds per day for the back office's reports."""

from datetime import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from payments.models import Refund


def refunds_by_day(*, start: datetime, end: datetime) -> list[dict]:
    """Refunds made in [start, end), per day: `day`, `refunds` (count), `refunded` (amount)."""
    return list(
        Refund.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(refunds=Count("id"), refunded=Sum("amount"))
        .order_by("day")
    )
