"""The live stream's ASGI endpoint, served beside Django's handler rather than through it.

Django's ASGI handler runs every request's sync middleware in a thread of its own, kept until
the response ends, and the ORM's connection lives in that thread: a stream served by Django
would hold a thread and a database connection for its whole life. Here the stream is plain
asyncio: it authenticates the session and reads the database through the few shared database
threads, and between reads it holds only its socket and a few objects.
"""

import asyncio
import io
import logging
import random
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError
from django.urls import reverse

from . import events, selectors
from .hub import NOT_A_MEMBER, Hub, Stream, current_hub, existing_hub

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LIFETIME_SECONDS = 300.0  # then the browser reconnects (and the session is checked again)
KEEPALIVE_SECONDS = 15.0
RETRY_MILLISECONDS = (1000, 4000)  # spread reconnections after a restart


def with_live_stream(django_application: ASGIApp) -> ASGIApp:
    """The ASGI application: the stream path here, everything else to Django."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _path(scope) == stream_path():
            await serve_stream(scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)
        else:
            await django_application(scope, receive, send)

    return application


@cache
def stream_path() -> str:
    return reverse("web:notification-stream")


def _path(scope: Scope) -> str:
    return scope["path"].removeprefix(scope.get("root_path", ""))


async def serve_stream(scope: Scope, receive: Receive, send: Send) -> None:
    """Authenticate, apply the per-user cap, then stream until the lifetime, an end, or the client leaves."""
    request = ASGIRequest(scope, io.BytesIO())
    if request.method != "GET":
        return await _refuse(send, 405, "Only GET opens a live stream.", allow="GET")
    try:
        request.get_host()
    except DisallowedHost:
        return await _refuse(send, 400, "Unknown host.")
    hub = current_hub()
    try:
        user_id, may_stream = await hub.threads.run(
            selectors.session_user, request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        )
    except DatabaseError:
        logger.exception("live stream: could not read the session")
        return await _refuse(send, 503, "The database is unavailable; try again shortly.", retry_after=10)
    if user_id is None:
        return await _refuse(send, 401, "Log in to receive live notifications.")
    if not may_stream:
        return await _refuse(send, 403, NOT_A_MEMBER)
    stream = hub.open(user_id, after_id=_last_event_id(request))
    if stream is None:
        return await _refuse(
            send,
            429,
            f"Too many open live streams for this user (at most {hub.per_user}); this page will poll instead.",
            retry_after=60,
        )
    watcher = asyncio.create_task(_watch_disconnect(receive, stream))
    try:
        await _stream(hub, stream, send)
    finally:
        watcher.cancel()
        hub.close(stream)


async def _stream(hub: Hub, stream: Stream, send: Send) -> None:
    loop = asyncio.get_running_loop()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache, no-store"),
                (b"x-accel-buffering", b"no"),  # tell a proxy (nginx) not to buffer the stream
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await _write(send, events.retry(random.randint(*RETRY_MILLISECONDS)))
    deadline = loop.time() + LIFETIME_SECONDS * random.uniform(0.9, 1.0)  # spread the reconnections
    last_write = loop.time()
    stream.wake()  # the first read: catch up after Last-Event-ID and send the unread count
    while not stream.finishing:
        now = loop.time()
        if now >= deadline:
            break
        try:
            async with asyncio.timeout(min(last_write + KEEPALIVE_SECONDS, deadline) - now):
                await stream.woken.wait()
        except TimeoutError:
            pass
        if stream.closed:
            return
        if stream.ended:
            await _write(send, events.event("end", {"reason": stream.ended}))
            break
        chunk = ""
        if stream.woken.is_set():
            stream.woken.clear()  # before reading: a wake-up during the read means "read again"
            try:
                chunk = await _read(hub, stream)
            except DatabaseError as error:
                logger.warning("live stream: read failed (%s); the browser will reconnect", error)
                break
        if chunk or loop.time() - last_write >= KEEPALIVE_SECONDS:
            await _write(send, chunk or events.KEEPALIVE)
            last_write = loop.time()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _read(hub: Hub, stream: Stream) -> str:
    """The events for what changed since the stream's last read ('' when nothing did)."""
    changes = await hub.threads.run(selectors.stream_changes, stream.user_id, stream.after_id)
    chunks = []
    for note in changes.notifications:
        chunks.append(events.event("notification", note, event_id=note["id"]))
        stream.after_id = note["id"]
    if changes.more:
        stream.wake()
    if changes.unread != stream.unread:
        stream.unread = changes.unread
        chunks.append(events.event("count", {"unread": changes.unread}))
    return "".join(chunks)


async def _write(send: Send, text: str) -> None:
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})


async def _watch_disconnect(receive: Receive, stream: Stream) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.closed = True
    stream.wake()


async def _refuse(send: Send, status: int, message: str, *, retry_after: int = 0, allow: str = "") -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    if allow:
        headers.append((b"allow", allow.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": message.encode() + b"\n"})


def _last_event_id(request: ASGIRequest) -> int:
    """Where to resume: the browser's Last-Event-ID on a reconnection, else the page's `after`."""
    return events.cursor_id(request.headers.get("Last-Event-ID") or request.GET.get("after"))


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            hub = existing_hub()
            if hub is not None:
                await hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
