"""The bell and the inbox: reading, marking read/unread (POST), and the live stream's fallbacks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts.requests import AuthenticatedHttpRequest
from accounts.selectors import projects_of
from notifications import services
from notifications.selectors import notification_get_for_user, notifications_for, unread_count
from ptw.notification_utils import PTW_NOTIFICATION_TYPES

from .. import live, selectors
from ..live.events import cursor_id
from ..live.hub import NOT_A_MEMBER
from ..post_only import post_only

PAGE_SIZE = 20


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notification_type = request.GET.get("type", "")
    if notification_type not in PTW_NOTIFICATION_TYPES:
        notification_type = ""
    notes = notifications_for(request.user, unread=True if unread_only else None, notification_type=notification_type)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "notification_type": notification_type,
            "types": PTW_NOTIFICATION_TYPES,
        },
    )


def _link_of(request: AuthenticatedHttpRequest, pk: int) -> str:
    """Where a notification points (a GET neither marks it read nor changes anything else)."""
    return _safe(request, notification_get_for_user(request.user, pk).link, default="web:inbox")


def _inbox(request: HttpRequest, *args, **kwargs) -> str:
    return reverse("web:inbox")


@login_required
@post_only(_link_of, message="You are logged in again: this is the page the notification points to.")
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it points (a page of this site)."""
    note = services.mark_read(notification=notification_get_for_user(request.user, pk), now=timezone.now())
    return redirect(_safe(request, note.link, default="web:inbox"))


@login_required
@post_only(_inbox)
def notification_mark(request: AuthenticatedHttpRequest, pk: int, state: str) -> HttpResponse:
    note = notification_get_for_user(request.user, pk)
    if state == "read":
        services.mark_read(notification=note, now=timezone.now())
    else:
        services.mark_unread(notification=note)
    return redirect(_safe(request, request.POST.get("next", ""), default="web:inbox"))


@login_required
@post_only(_inbox)
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user, now=timezone.now())
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect(_safe(request, request.POST.get("next", ""), default="web:inbox"))


@require_GET
def bell_json(request: HttpRequest) -> JsonResponse:
    """What a page polls where it cannot stream (WSGI, or its stream was refused): the unread
    count and the notifications after `after`. 401 logged out, 403 no longer a project member
    (as the stream refuses them): the page stops polling."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Log in to receive live notifications."}, status=401)
    if not projects_of(request.user).exists():
        return JsonResponse({"detail": NOT_A_MEMBER}, status=403)
    after = cursor_id(request.GET.get("after"))
    notes = selectors.notifications_after(request.user.pk, after)
    return JsonResponse(
        {
            "unread": unread_count(request.user),
            "notifications": [live.payload(note) for note in notes],
        }
    )


@require_GET
def stream(request: HttpRequest) -> HttpResponse:
    """Reached only where the ASGI stream endpoint (web/live/asgi.py) is not in front, e.g. under
    WSGI: a stream here would hold a worker thread per open page. 204 No Content tells an
    EventSource to stop reconnecting; the page polls bell.json instead."""
    if not request.user.is_authenticated:
        return HttpResponse("Log in to receive live notifications.", status=401, content_type="text/plain")
    return HttpResponse(status=204)


def _safe(request: AuthenticatedHttpRequest, url: str, *, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
