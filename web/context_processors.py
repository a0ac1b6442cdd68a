"""The header of every page: the user's project and the notification bell."""

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
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
        # Under ASGI the bell streams (web/live/); under WSGI a stream would hold a worker, so it polls.
        "bell_live": "sse" if isinstance(request, ASGIRequest) else "poll",
        "bell_poll_ms": round(settings.LIVE_PAGE_POLL_SECONDS * 1000),
        "can_edit_rules": selectors.is_rules_admin(user),
    }
