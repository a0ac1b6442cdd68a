"""Wake-ups for live delivery: *whose* notifications changed, never what they say.

The database is the source of truth: a live stream always reads the user's notifications
newer than the last one it sent. A wake-up only tells the web processes "read again for these
users" sooner than their slow safety poll would.

On PostgreSQL a wake-up is a `NOTIFY` issued inside the notifying transaction: the server
delivers it at commit to every listening process (never for a rollback), whichever process
wrote — a web request, a Celery worker, the cron command. Its payload is recipient ids only.
Each web process holds one listening connection (`Listener`). On other databases (SQLite,
the embedded default) nothing is sent and the web process polls instead.
"""

import asyncio
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

CHANNEL = "notifications_live"
# PostgreSQL refuses a payload of 8,000 bytes or more; ids are split across several NOTIFYs.
MAX_PAYLOAD_BYTES = 7900


def announce(recipient_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Wake the live streams of these users when the current transaction commits.

    Call it in the transaction that changed their notifications (outside one, the change is
    already committed and the wake-up leaves at once). A no-op on databases without NOTIFY.
    """
    connection = connections[using]
    ids = sorted(set(recipient_ids))
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for payload in payloads(ids):
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])


def payloads(ids: Iterable[int]) -> Iterator[str]:
    """Comma-separated ids, in as few payloads under the size limit as they fit."""
    chunk: list[str] = []
    size = 0
    for text in map(str, ids):
        if chunk and size + len(text) + 1 > MAX_PAYLOAD_BYTES:
            yield ",".join(chunk)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        yield ",".join(chunk)


def recipients(payload: str) -> set[int]:
    """The user ids a payload names (anything else in it is ignored)."""
    return {int(part) for part in payload.split(",") if part.strip().isdigit()}


def listen_params(using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """psycopg connection parameters of the Django database, for a listening connection."""
    params = connections[using].get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    # TCP keepalives notice a vanished server (no RST) within about a minute, without a query.
    return {
        "application_name": "ptw-live-listener",
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        **params,
    }


class Listener:
    """One `LISTEN` connection (async psycopg 3) for a whole web process.

    Calls `on_wake(user_ids)` for each NOTIFY and `on_connect()` after every (re)connection:
    what was committed while the connection was down woke nobody, so every stream reads
    again (from its last sent id: nothing is lost). Reconnects with capped, jittered backoff.
    """

    RETRY_FIRST, RETRY_MAX = 0.2, 10.0

    def __init__(self, params: dict[str, Any], *, on_wake: Callable[[set[int]], None], on_connect: Callable[[], None]):
        self.params, self.on_wake, self.on_connect = params, on_wake, on_connect
        self.connected = asyncio.Event()
        self.backend_pid: int | None = None

    async def run(self) -> None:
        delay = self.RETRY_FIRST
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as error:
                logger.warning("live listener: connection lost or refused (%s)", error)
            finally:
                if self.connected.is_set():  # it worked until now: retry soon
                    delay = self.RETRY_FIRST
                self.connected.clear()
                self.backend_pid = None
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self.RETRY_MAX)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(**self.params, autocommit=True) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self.backend_pid = connection.info.backend_pid
            self.connected.set()
            self.on_connect()
            async for notify in connection.notifies():
                self.on_wake(recipients(notify.payload))
