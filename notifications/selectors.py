"""Reads of the inbox, always scoped to its owner: someone else's notification does not exist."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification

if TYPE_CHECKING:  # the user model is the project's; only its type is needed here
    from accounts.models import User


def notifications_for(
    user: "User",
    *,
    unread: bool | None = None,
    notification_type: str | None = None,
    subject: tuple[str, int] | None = None,
) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with their senders and their e-mails and SMS (two
    queries per page).

    `subject` is (subject_type, subject_id), e.g. ("ptw.permit", 42).
    """
    notifications = (
        Notification.objects.filter(recipient=user)
        .select_related("sender")
        .defer("sender__password")
        .prefetch_related("deliveries")
    )
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    if notification_type:
        notifications = notifications.filter(notification_type=notification_type)
    if subject is not None:
        notifications = notifications.filter(subject_type=subject[0], subject_id=subject[1])
    return notifications.order_by("-created_at", "-id")


def unread_count(user: "User") -> int:
    """How many of `user`'s notifications are unread (served by the partial unread index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(user: "User", notification_id: int) -> Notification:
    """`user`'s notification `notification_id`; Http404 if it is not theirs or does not exist."""
    return get_object_or_404(Notification.objects.select_related("sender"), pk=notification_id, recipient=user)
