"""Writing notifications: one INSERT … ON CONFLICT DO NOTHING per batch, never check-then-insert."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from backend.bulk import insert_ignore_returning
from delivery import outbox

from . import live
from .models import Notification

if TYPE_CHECKING:  # the user model is the project's; only its type is needed here
    from accounts.models import User


@dataclass(frozen=True)
class NewNotification:
    recipient_id: int
    notification_type: str
    title: str
    message: str
    dedupe_key: str
    data: dict = field(default_factory=dict)
    link: str = ""
    sender_id: int | None = None
    subject_type: str = ""
    subject_id: int | None = None


_CHUNK = 500


def notify_many(items: Sequence[NewNotification], *, now: datetime) -> list[int]:
    """Insert the notifications that don't exist yet; return the ids of those inserted.

    Duplicates (same recipient and dedupe key) are skipped by the database itself, so
    concurrent writers can never create two. The recipients' open pages are woken when the
    caller's transaction commits (`live.announce`).
    """
    # One global order of rows: two concurrent batches overlapping in reverse order would
    # otherwise wait on each other's conflicting rows (a deadlock on PostgreSQL).
    items = sorted(items, key=lambda item: (item.recipient_id, item.dedupe_key))
    created: list[tuple[int, NewNotification]] = []
    for start in range(0, len(items), _CHUNK):
        created += _insert_chunk(items[start : start + _CHUNK], now)
    live.announce(item.recipient_id for _, item in created)
    outbox.enqueue(
        [outbox.Written(pk, item.recipient_id, item.notification_type, item.data) for pk, item in created], now=now
    )
    return [notification_id for notification_id, _ in created]


def notify(item: NewNotification, *, now: datetime) -> Notification | None:
    """Create one notification; None when it already exists."""
    ids = notify_many([item], now=now)
    return Notification.objects.get(pk=ids[0]) if ids else None


def _insert_chunk(items: Sequence[NewNotification], now: datetime) -> list[tuple[int, NewNotification]]:
    """Insert-ignore the items; return (id, item) of those inserted."""
    rows = [
        {
            "recipient": item.recipient_id,
            "notification_type": item.notification_type,
            "title": item.title[:200],
            "message": item.message,
            "data": item.data,
            "link": item.link,
            "sender": item.sender_id,
            "dedupe_key": item.dedupe_key,
            "subject_type": item.subject_type,
            "subject_id": item.subject_id,
            "created_at": now,
        }
        for item in items
    ]
    inserted = insert_ignore_returning(
        Notification, rows, unique=("recipient", "dedupe_key"), returning=("id", "recipient", "dedupe_key")
    )
    by_key = {(item.recipient_id, item.dedupe_key): item for item in items}
    return [(notification_id, by_key[(recipient_id, key)]) for notification_id, recipient_id, key in inserted]


# --- The inbox owner's writes (the API and the web inbox call these) ---
# Each wakes the owner's other open pages, whose unread count changed (outside a transaction
# the wake-up follows the committed change at once).


def mark_read(*, notification: Notification, now: datetime) -> Notification:
    """Mark read (idempotent: the first read time is kept); return the notification."""
    if notification.read_at is None:
        notification.read_at = now
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at):
            live.announce([notification.recipient_id])
    return notification


def mark_unread(*, notification: Notification) -> Notification:
    """Mark unread again; return the notification."""
    if notification.read_at is not None:
        notification.read_at = None
        if Notification.objects.filter(pk=notification.pk).update(read_at=None):
            live.announce([notification.recipient_id])
    return notification


def mark_all_read(*, user: "User", now: datetime) -> int:
    """Mark every unread notification of `user` read; return how many were marked."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)
    if marked:
        live.announce([user.pk])
    return marked


def delete(*, notification: Notification) -> None:
    notification.delete()
    live.announce([notification.recipient_id])
