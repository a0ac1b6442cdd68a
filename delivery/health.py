"""The outbox's health: how long the oldest pending delivery has waited, how many are dead."""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q

from .models import PENDING, Delivery, DeliveryStatus


def outbox_health(*, now: datetime) -> dict:
    """{pending, oldest_pending_age_seconds, dead, max_age_seconds, stale}: one query on two partial indexes.

    Stale when a delivery has waited longer than OUTBOX_HEALTH_MAX_AGE_SECONDS: no dispatcher
    runs, or the mail server has refused everything for that long.
    """
    figures = Delivery.objects.filter(Q(status__in=PENDING) | Q(status=DeliveryStatus.DEAD)).aggregate(
        pending=Count("pk", filter=Q(status__in=PENDING)),
        oldest=Min("created_at", filter=Q(status__in=PENDING)),
        dead=Count("pk", filter=Q(status=DeliveryStatus.DEAD)),
    )
    age = max(0, int((now - figures["oldest"]).total_seconds())) if figures["oldest"] else 0
    limit = settings.OUTBOX_HEALTH_MAX_AGE_SECONDS
    return {
        "pending": figures["pending"],
        "oldest_pending_age_seconds": age,
        "dead": figures["dead"],
        "max_age_seconds": limit,
        "stale": age > limit,
    }
