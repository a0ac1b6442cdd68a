"""The live streams' reads. Each runs in a database thread (web/live/threads.py), never on the loop."""

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import HttpRequest

from accounts.models import Membership, User
from notifications.models import Notification
from notifications.selectors import unread_count

from ..selectors import notifications_after
from .events import payload

# Users per statement of the per-process check: one statement for a whole process on
# PostgreSQL (65,535 parameters at most); SQLite builds may allow only 999.
_CHUNK = {"postgresql": 10_000}


def session_user(session_key: str | None) -> tuple[int | None, bool]:
    """(user id, may stream) of the session: (None, False) without a valid session of an
    active user (as Django's own authentication decides); may stream = an active member of a project."""
    if not session_key:
        return None, False
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(request)
    if not user.is_authenticated:
        return None, False
    return user.pk, Membership.objects.filter(user=user, is_active=True).exists()


@dataclass(frozen=True)
class Changes:
    notifications: list[dict]  # the bell's payloads, oldest first
    unread: int
    more: bool  # the batch was full: read again


def stream_changes(user_id: int, after_id: int, *, limit: int = 50) -> Changes:
    """The user's notifications after `after_id` and their unread count (two index reads)."""
    notes = notifications_after(user_id, after_id, limit=limit)
    return Changes([payload(note) for note in notes], unread_count(User(pk=user_id)), len(notes) == limit)


@dataclass(frozen=True)
class UserState:
    may_stream: bool  # active account, active member of a project
    newest_id: int
    unread: int


def user_states(user_ids: list[int]) -> dict[int, UserState]:
    """For the users with open streams: may they still stream, their newest notification id
    and unread count, in one statement (per 10,000 users; per 500 on SQLite): the process's safety
    poll and membership check. A deleted user is absent."""
    newest = Notification.objects.filter(recipient=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    member = Membership.objects.filter(user=OuterRef("pk"), is_active=True)
    states = {}
    chunk = _CHUNK.get(connection.vendor, 500)
    for start in range(0, len(user_ids), chunk):
        rows = (
            User.objects.filter(pk__in=user_ids[start : start + chunk])
            .annotate(newest=Subquery(newest), unread=Subquery(unread), member=Exists(member))
            .values_list("pk", "is_active", "member", "newest", "unread")
        )
        for pk, is_active, is_member, newest_id, unread_total in rows:
            states[pk] = UserState(is_active and is_member, newest_id or 0, unread_total or 0)
    return states
