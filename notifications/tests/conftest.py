"""Fixtures for the generic inbox: users and notifications made through the real service."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import NewNotification, notify_many

_keys = itertools.count()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", first_name="Alice", last_name="Archer")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob")


@pytest.fixture
def make_notifications():
    """make_notifications(recipient, n, ...) → the n notifications created, oldest first.

    Each gets its own created_at, one second apart from `start` (default: an hour ago),
    unless `same_time` puts them all at `start` (as one bulk insert does).
    """

    def make(
        recipient,
        n=1,
        *,
        notification_type="test_event",
        sender=None,
        subject=None,
        start: datetime | None = None,
        same_time=False,
    ) -> list[Notification]:
        start = start or timezone.now() - timedelta(hours=1)
        ids = []
        for i in range(n):
            key = next(_keys)
            item = NewNotification(
                recipient_id=recipient.pk,
                notification_type=notification_type,
                title=f"Note {key}",
                message=f"Message {key}",
                dedupe_key=f"test-{key}",
                data={"n": key},
                link=f"/x/{key}",
                sender_id=sender.pk if sender else None,
                subject_type=subject[0] if subject else "",
                subject_id=subject[1] if subject else None,
            )
            ids += notify_many([item], now=start if same_time else start + timedelta(seconds=i))
        return list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))

    return make
