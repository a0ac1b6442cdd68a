"""Where a page cannot stream (a WSGI server) it polls bell.json instead of holding a worker."""

import re

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from accounts.models import Membership
from notifications.models import Notification

from .conftest import login

pytestmark = pytest.mark.django_db


def bell_mode(html: str) -> tuple[str, str]:
    match = re.search(r'data-live="(\w+)" data-poll-ms="(\d+)"', html)
    assert match, "the bell says how it gets news"
    return match.group(1), match.group(2)


def test_under_wsgi_the_page_polls_bell_json_at_the_configured_interval(client, verifier, settings):
    settings.LIVE_PAGE_POLL_SECONDS = 3
    assert bell_mode(login(client, verifier).get("/dashboard/ptw/").content.decode()) == ("poll", "3000")


def test_under_wsgi_the_stream_endpoint_holds_nothing_and_tells_an_eventsource_to_stop(client, verifier):
    response = login(client, verifier).get("/dashboard/notifications/stream/")
    assert response.status_code == 204  # an EventSource given 204 stops reconnecting
    assert not response.streaming


def test_under_asgi_the_page_streams(verifier):
    async def page() -> str:
        client = AsyncClient()
        await client.aforce_login(verifier)
        return (await client.get("/dashboard/ptw/")).content.decode()

    assert bell_mode(async_to_sync(page)())[0] == "sse"


def test_bell_json_returns_my_unread_count_and_my_newer_notifications(client, verifier, approver, submitted):
    mine = Notification.objects.get(recipient=verifier)
    login(client, verifier)
    data = client.get("/dashboard/notifications/bell.json?after=0").json()
    assert data["unread"] == 1 and [n["id"] for n in data["notifications"]] == [mine.pk]
    assert data["notifications"][0]["title"].startswith("Verification required")
    assert client.get(f"/dashboard/notifications/bell.json?after={mine.pk}").json()["notifications"] == []
    for absurd in ("junk", "-5", "99999999999999999999999999", "1e9", ""):
        assert client.get(f"/dashboard/notifications/bell.json?after={absurd}").status_code == 200
    assert login(client, approver).get("/dashboard/notifications/bell.json").json() == {
        "unread": 0,
        "notifications": [],
    }


def test_bell_json_answers_401_logged_out_and_403_outside_every_project(client, verifier):
    response = client.get("/dashboard/notifications/bell.json")
    assert response.status_code == 401 and "Log in" in response.json()["detail"]
    assert client.get("/dashboard/notifications/stream/").status_code == 401
    Membership.objects.filter(user=verifier).update(is_active=False)
    response = login(client, verifier).get("/dashboard/notifications/bell.json")
    assert response.status_code == 403 and "active members" in response.json()["detail"]
