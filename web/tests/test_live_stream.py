"""The live stream under uvicorn: what it sends, to whom, the per-user cap, refusals and ends.

A real uvicorn serves the project's ASGI application from a thread of the test process (so on
the test database); the client is an asyncio SSE client, as a browser's EventSource.
On PostgreSQL the process's safety poll is set to an hour, so whatever arrives was woken by
NOTIFY; on SQLite it is a fifth of a second (polling is how SQLite delivers).
"""

import asyncio

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Membership
from notifications.models import Notification
from notifications.services import NewNotification, mark_all_read, notify_many
from web.live import hub as live_hub

from .servers import ThreadedUvicorn, in_thread, session_cookie, wait_for_listener
from .sse_client import SseStream

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/dashboard/notifications/stream/"
ARRIVES = 5.0  # seconds an event may take here (the suite runs on a shared, busy machine)


@pytest.fixture
def live_settings(settings):
    settings.LIVE_POLL_SECONDS = 3600 if connection.vendor == "postgresql" else 0.2
    settings.LIVE_STREAMS_PER_USER = 3
    return settings


@pytest.fixture
def server(live_settings):
    with ThreadedUvicorn() as running:
        yield running


def run(scenario):
    return asyncio.run(scenario)


async def stream_of(server, user, **kwargs) -> SseStream:
    return await SseStream.open("127.0.0.1", server.port, kwargs.pop("path", PATH), **kwargs, cookie=user)


def note_for(user, key: str) -> NewNotification:
    return NewNotification(
        recipient_id=user.pk,
        notification_type="ptw_test",
        title=f"For {user.username}: {key}",
        message=key,
        dedupe_key=key,
    )


def is_count(event) -> bool:
    return event.name == "count"


def test_it_sends_my_notifications_after_the_given_id_then_my_unread_count(server, verifier, submitted):
    mine = Notification.objects.get(recipient=verifier)
    cookie = session_cookie(verifier)

    async def scenario():
        stream = await stream_of(server, cookie)
        events = await stream.events_until(is_count, timeout=ARRIVES)
        await stream.close()
        return stream, events

    stream, events = run(scenario())
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"].startswith("no-cache")
    assert [(e.name, e.id) for e in events] == [("notification", str(mine.pk)), ("count", None)]
    assert events[0].data["link"] == f"/dashboard/ptw/view/{submitted.pk}"
    assert events[0].data["title"].startswith("Verification required")
    assert events[1].data == {"unread": 1}


def test_a_reconnecting_browser_resumes_after_its_last_event_id(server, verifier, submitted):
    mine = Notification.objects.get(recipient=verifier)
    cookie = session_cookie(verifier)

    async def scenario():
        stream = await stream_of(server, cookie, path=f"{PATH}?after=0", last_event_id=str(mine.pk))
        events = await stream.events_until(is_count, timeout=ARRIVES)
        await stream.close()
        return events

    assert [(e.name, e.data) for e in run(scenario())] == [("count", {"unread": 1})]


@pytest.mark.parametrize("last_event_id", ["junk", "-1", "99999999999999999999999999"])
def test_an_absurd_last_event_id_is_read_as_from_the_start_or_the_end(server, verifier, submitted, last_event_id):
    cookie = session_cookie(verifier)

    async def scenario():
        stream = await stream_of(server, cookie, last_event_id=last_event_id)
        events = await stream.events_until(is_count, timeout=ARRIVES)
        await stream.close()
        return stream.status, [e.name for e in events]

    expected = ["count"] if last_event_id.startswith("9") else ["notification", "count"]
    assert run(scenario()) == (200, expected)


def test_a_notification_committed_later_arrives_and_so_does_a_read_elsewhere(server, verifier, submitted):
    cookie = session_cookie(verifier)

    async def scenario():
        stream = await stream_of(server, cookie)
        await stream.events_until(is_count, timeout=ARRIVES)
        await in_thread(wait_for_listener)
        await in_thread(notify_many, [note_for(verifier, "later")], now=timezone.now())
        arrived = await stream.events_until(is_count, timeout=ARRIVES)
        await in_thread(mark_all_read, user=verifier, now=timezone.now())  # another tab marks all read
        zeroed = await stream.events_until(is_count, timeout=ARRIVES)
        await stream.close()
        return arrived, zeroed

    arrived, zeroed = run(scenario())
    assert [(e.name, e.data.get("title")) for e in arrived] == [
        ("notification", "For verifier: later"),
        ("count", None),
    ]
    assert arrived[-1].data == {"unread": 2}
    assert [(e.name, e.data) for e in zeroed] == [("count", {"unread": 0})]


def test_a_wake_up_for_one_user_never_sends_another_users_data(server, verifier, approver, creator, submitted):
    cookies = {user.username: session_cookie(user) for user in (verifier, approver)}

    async def scenario():
        mine = await stream_of(server, cookies["verifier"])
        theirs = await stream_of(server, cookies["approver"])
        for stream in (mine, theirs):
            await stream.events_until(is_count, timeout=ARRIVES)
        await in_thread(wait_for_listener)
        await in_thread(
            notify_many, [note_for(verifier, "private-1"), note_for(creator, "private-2")], now=timezone.now()
        )
        received = await mine.events_until(is_count, timeout=ARRIVES)
        await in_thread(
            notify_many, [note_for(approver, "for-approver")], now=timezone.now()
        )  # a marker after the others
        others = await theirs.events_until(is_count, timeout=ARRIVES)
        for stream in (mine, theirs):
            await stream.close()
        return received, others

    received, others = run(scenario())
    assert [e.data.get("title") for e in received if e.name == "notification"] == ["For verifier: private-1"]
    assert [e.data.get("title") for e in others if e.name == "notification"] == ["For approver: for-approver"]


@pytest.mark.parametrize(
    ("who", "status", "says"),
    [
        ("anonymous", 401, "Log in"),
        ("outsider of every project", 403, "active members of a project"),
    ],
)
def test_a_stream_is_refused_to_whoever_may_not_have_one(server, verifier, who, status, says):
    if who == "anonymous":
        cookie = "sessionid=forged"
    else:
        Membership.objects.filter(user=verifier).update(is_active=False)
        cookie = session_cookie(verifier)

    async def scenario():
        stream = await stream_of(server, cookie)
        return stream.status, await stream.body()

    got_status, body = run(scenario())
    assert got_status == status and says in body


def test_only_get_opens_a_stream(server, verifier):
    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".encode())
        status = (await reader.readline()).decode()
        writer.close()
        return status

    assert " 405 " in run(scenario())


def test_past_the_per_user_cap_a_stream_is_refused_with_429_until_one_closes(server, verifier, approver, submitted):
    cookie, other = session_cookie(verifier), session_cookie(approver)

    async def scenario():
        held = [await stream_of(server, cookie) for _ in range(3)]
        for stream in held:
            await stream.events_until(is_count, timeout=ARRIVES)
        refused = await stream_of(server, cookie)
        refusal = (refused.status, refused.headers.get("retry-after"), await refused.body())
        someone_else = await stream_of(server, other)  # the cap is per user
        await held.pop().close()
        deadline = asyncio.get_running_loop().time() + ARRIVES
        while True:  # the server notices the closed stream, then frees its slot
            again = await stream_of(server, cookie)
            if again.status == 200 or asyncio.get_running_loop().time() > deadline:
                break
            await again.close()
            await asyncio.sleep(0.05)
        for stream in [*held, someone_else, again]:
            await stream.close()
        return refusal, someone_else.status, again.status

    (status, retry_after, body), someone_else, again = run(scenario())
    assert (status, retry_after) == (429, "60")
    assert "Too many open live streams" in body and "at most 3" in body
    assert someone_else == 200 and again == 200


@pytest.mark.parametrize("change", ["account deactivated", "left every project"])
def test_a_stream_ends_when_its_user_may_no_longer_receive_notifications(
    server, verifier, submitted, monkeypatch, change
):
    monkeypatch.setattr(live_hub, "MEMBERSHIP_CHECK_SECONDS", 0.2)  # at most a minute in production
    cookie = session_cookie(verifier)

    def revoke():
        if change == "account deactivated":
            type(verifier).objects.filter(pk=verifier.pk).update(is_active=False)
        else:
            Membership.objects.filter(user=verifier).update(is_active=False)

    async def scenario():
        stream = await stream_of(server, cookie)
        await stream.events_until(is_count, timeout=ARRIVES)
        await in_thread(revoke)
        ended = await stream.events_until(lambda e: e.name == "end", timeout=ARRIVES)
        closed = await stream.next_event()
        again = await stream_of(server, cookie)
        return ended[-1], closed, again.status

    end, closed, reopened = run(scenario())
    assert end.data == {"reason": "Live notifications are for active members of a project."}
    assert closed is None  # the server closed the stream
    assert reopened == (401 if change == "account deactivated" else 403)
