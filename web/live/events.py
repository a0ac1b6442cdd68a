"""What a live stream sends: Server-Sent Events text, and the bell's view of a notification."""

import json

from notifications.models import Notification


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


def event(name: str, data: dict, *, event_id: int | None = None) -> str:
    """One SSE event; `event_id` becomes the browser's Last-Event-ID when it reconnects."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data)}\n\n"


MAX_ID = 2**63 - 1  # the id column is a bigint


def cursor_id(value: str | None) -> int:
    """A client's "after this notification" (Last-Event-ID, ?after=): 0 when missing or not a
    number, within the id column's range (an absurd value must not reach the database)."""
    try:
        return min(max(int(value or 0), 0), MAX_ID)
    except ValueError:
        return 0


KEEPALIVE = ":\n\n"  # a comment line: keeps proxies from closing an idle stream


def retry(milliseconds: int) -> str:
    """How long the browser waits before reconnecting after the stream ends."""
    return f"retry: {milliseconds}\n\n"
