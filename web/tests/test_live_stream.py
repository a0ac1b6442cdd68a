"""Live delivery: the SSE stream (sync under WSGI, async under ASGI) and the polling fallback."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from notifications.models import Notification
from web import live

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_round(monkeypatch):
    """Streams end after their first poll, so a test can read one to the end."""
    monkeypatch.setattr(live, "LIFETIME_SECONDS", 0)
    monkeypatch.setattr(live, "POLL_SECONDS", 0)


def events(text: str) -> list[dict]:
    """Parse SSE text into [{"id", "event", "data"}] (comments and retry dropped)."""
    parsed = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            parsed.append({**fields, "data": json.loads(fields["data"])})
    return parsed


def test_the_stream_sends_notifications_after_the_last_id_and_the_unread_count(client, verifier, submitted, one_round):
    mine = Notification.objects.get(recipient=verifier)
    response = login(client, verifier).get("/dashboard/notifications/stream/?after=0")
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    sent = events(b"".join(response.streaming_content).decode())
    assert sent[0]["event"] == "notification" and sent[0]["id"] == str(mine.pk)
    assert sent[0]["data"]["link"] == f"/dashboard/ptw/view/{submitted.pk}"
    assert sent[0]["data"]["title"].startswith("Verification required")
    assert sent[-1] == {"event": "count", "data": {"unread": 1}}


def test_a_reconnecting_browser_resumes_after_last_event_id(client, verifier, submitted, one_round):
    mine = Notification.objects.get(recipient=verifier)
    response = login(client, verifier).get("/dashboard/notifications/stream/?after=0", HTTP_LAST_EVENT_ID=str(mine.pk))
    assert events(b"".join(response.streaming_content).decode()) == [{"event": "count", "data": {"unread": 1}}]


def test_the_stream_sends_only_my_notifications(client, approver, submitted, one_round):
    response = login(client, approver).get("/dashboard/notifications/stream/")
    assert events(b"".join(response.streaming_content).decode()) == [{"event": "count", "data": {"unread": 0}}]


def test_under_asgi_the_stream_is_an_async_iterator(verifier, submitted, one_round):
    async def read() -> tuple[bool, str]:
        client = AsyncClient()
        await client.aforce_login(verifier)
        response = await client.get("/dashboard/notifications/stream/")
        # (the ASGI test client returns a streaming response; its stub type does not say so)
        return response.is_async, b"".join([chunk async for chunk in response.streaming_content]).decode()  # type: ignore[attr-defined]

    is_async, text = async_to_sync(read)()
    assert is_async
    assert [event["event"] for event in events(text)] == ["notification", "count"]


def test_the_stream_notices_changes_between_polls(verifier, submitted, monkeypatch):
    cursor = live.StreamCursor(verifier, after_id=0)
    first = events(cursor.poll())
    assert [event["event"] for event in first] == ["notification", "count"]
    assert cursor.poll() == ""  # nothing new, count unchanged
    Notification.objects.filter(recipient=verifier).update(read_at="2030-01-01T00:00Z")
    assert events(cursor.poll()) == [{"event": "count", "data": {"unread": 0}}]


def test_the_polling_fallback_returns_the_count_and_newer_notifications(client, verifier, submitted):
    mine = Notification.objects.get(recipient=verifier)
    login(client, verifier)
    data = client.get("/dashboard/notifications/bell.json?after=0").json()
    assert data["unread"] == 1 and [n["id"] for n in data["notifications"]] == [mine.pk]
    assert client.get(f"/dashboard/notifications/bell.json?after={mine.pk}").json()["notifications"] == []
    assert client.get("/dashboard/notifications/bell.json?after=junk").status_code == 200
