"""The header of every page: the user's project and the notification bell."""

from django.http import HttpRequest

from notifications.selectors import notifications_for, unread_count

from . import selectors

BELL_SIZE = 10


def header(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    project = getattr(request, "ptw_project", None)
    latest = list(notifications_for(user)[:BELL_SIZE])
    return {
        "header_project": project,
        "bell_unread": unread_count(user),
        "bell_latest": latest,
        "bell_last_id": selectors.last_notification_id(user.pk),
        "can_edit_rules": selectors.is_rules_admin(user),
    }
