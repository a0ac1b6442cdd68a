"""Celery: dispatch the outbox (woken after each commit that queued deliveries, and every minute
by beat for the retries). Dispatchers may run side by side: each claims its own rows."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from .dispatch import dispatch_due


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=5, retry_jitter=True, max_retries=5)
def dispatch_outbox() -> dict[str, int]:
    return dispatch_due(now=timezone.now()).as_counts()
