"""Live delivery of notifications to open pages, over Server-Sent Events.

Whatever process writes a notification (a web request, a Celery worker, the cron command),
it lands in the database, so each open stream polls it about once a second: "my
notifications with id > the last one sent" (primary key range within the recipient) and "my
unread count" (partial index notification_unread_inbox). Both are cheap and need no broker, which
keeps the embedded default (SQLite, no Redis) inside the 2-second promise. The browser's
EventSource reconnects by itself and sends Last-Event-ID, so a stream may end at any time
(each lives a few minutes) without losing anything.

Under ASGI (uvicorn) the stream must be an async iterator: Django would read a sync one to
the end before sending a byte. Under WSGI (runserver, the test live server) it must be sync.
"""

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse

from accounts.models import User
from notifications.models import Notification
from notifications.selectors import unread_count

from . import selectors

POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
LIFETIME_SECONDS = 300.0
RETRY_MILLISECONDS = 1000


def payload(note: Notification) -> dict:
    """What the bell needs to show one notification."""
    return {
        "id": note.pk,
        "type": note.notification_type,
        "title": note.title,
        "message": note.message,
        "link": note.link,
        "created_at": note.created_at.isoformat(),
        "read": note.read_at is not None,
    }


class StreamCursor:
    """What one stream has sent so far: the last notification id and the unread count."""

    def __init__(self, user: User, after_id: int):
        self.user, self.after_id = user, after_id
        self.unread: int | None = None

    def poll(self) -> str:
        """The events for what changed since the last poll ('' when nothing did)."""
        chunks = []
        for note in selectors.notifications_after(self.user.pk, self.after_id):
            chunks.append(f"id: {note.pk}\nevent: notification\ndata: {json.dumps(payload(note))}\n\n")
            self.after_id = note.pk
        unread = unread_count(self.user)
        if unread != self.unread:
            self.unread = unread
            chunks.append(f"event: count\ndata: {json.dumps({'unread': unread})}\n\n")
        return "".join(chunks)


def event_stream_response(request: HttpRequest, *, user: User, after_id: int) -> StreamingHttpResponse:
    cursor = StreamCursor(user, after_id)
    events = _async_events(cursor) if isinstance(request, ASGIRequest) else _sync_events(cursor)
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell a proxy (nginx) not to buffer the stream
    return response


_open = {"count": 0}
_open_lock = threading.Lock()


def open_streams() -> int:
    """How many streams this process is serving now."""
    return _open["count"]


def _opened(change: int) -> None:
    with _open_lock:
        _open["count"] += change


def _sync_events(cursor: StreamCursor) -> Iterator[str]:
    _opened(+1)
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        deadline = time.monotonic() + LIFETIME_SECONDS
        while True:
            # Write every second: under WSGI a write is how a closed connection is noticed.
            yield cursor.poll() or ":\n\n"
            if time.monotonic() >= deadline:
                return
            time.sleep(POLL_SECONDS)
    finally:
        connection.close()  # this thread's; the server's end-of-request cleanup then has nothing to do
        _opened(-1)


async def _async_events(cursor: StreamCursor) -> AsyncIterator[str]:
    _opened(+1)
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        poll = sync_to_async(cursor.poll)
        started = last_write = time.monotonic()
        while True:
            chunk = await poll()
            now = time.monotonic()
            if chunk or now - last_write >= KEEPALIVE_SECONDS:
                yield chunk or ":\n\n"
                last_write = now
            if now - started >= LIFETIME_SECONDS:
                return
            await asyncio.sleep(POLL_SECONDS)
    finally:
        _opened(-1)
