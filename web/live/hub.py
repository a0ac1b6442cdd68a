"""The open live streams of this web process, and what wakes them.

One hub per event loop (uvicorn runs one loop per process). A stream waits on an
`asyncio.Event`; three things set it:
- a wake-up naming its user: on PostgreSQL, one `notifications.live.Listener` per process
  receives the NOTIFYs of every committing process and wakes only the users they name;
- the process's check, every `LIVE_POLL_SECONDS` (30 s on PostgreSQL: a safety net for a
  missed wake-up; 1 s on SQLite, where it is how news arrives): one statement reads, for all
  users with open streams, their newest notification id and unread count, and wakes the
  streams that are behind. The same statement ends the streams of users deactivated or no
  longer active members of any project (so at least once a minute);
- every (re)connection of the listener, which runs that check at once: whatever was committed
  while it was away is read from the database (nothing is lost).
"""

import asyncio
import logging
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from notifications import live as wakeups

from . import selectors
from .threads import DatabaseThreads

logger = logging.getLogger(__name__)

# The membership check must run at least this often, whatever LIVE_POLL_SECONDS says.
MEMBERSHIP_CHECK_SECONDS = 60.0
# Why a stream is refused or ended (user-facing).
NOT_A_MEMBER = "Live notifications are for active members of a project."


@dataclass(eq=False)
class Stream:
    """One open stream: what it has sent so far, and why it must wake or end."""

    user_id: int
    after_id: int
    unread: int | None = None
    ended: str = ""  # why the user may no longer stream: sent to the page, which stops
    finishing: bool = False  # the server is stopping: close (the page reconnects elsewhere)
    closed: bool = False  # the client went away
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        self.woken.set()

    def end(self, reason: str) -> None:
        self.ended = reason
        self.woken.set()

    def finish(self) -> None:
        self.finishing = True
        self.woken.set()

    def is_behind(self, state: selectors.UserState) -> bool:
        return state.newest_id > self.after_id or state.unread != self.unread


class Hub:
    def __init__(self, *, per_user: int, poll_seconds: float, listen: bool, threads: DatabaseThreads):
        self.per_user, self.poll_seconds, self.listen, self.threads = per_user, poll_seconds, listen, threads
        self.listener: wakeups.Listener | None = None
        self._by_user: dict[int, set[Stream]] = defaultdict(set)
        self._tasks: set[asyncio.Task] = set()

    # --- Streams ---

    def open(self, user_id: int, after_id: int) -> Stream | None:
        """Register a stream; None when the user already holds `per_user` streams here."""
        if len(self._by_user.get(user_id, ())) >= self.per_user:
            return None
        self._start()
        stream = Stream(user_id, after_id)
        self._by_user[user_id].add(stream)
        _count(+1)
        return stream

    def close(self, stream: Stream) -> None:
        streams = self._by_user.get(stream.user_id)
        if streams is not None and stream in streams:
            streams.discard(stream)
            _count(-1)
            if not streams:
                del self._by_user[stream.user_id]

    def streams_of(self, user_id: int) -> int:
        return len(self._by_user.get(user_id, ()))

    def wake(self, user_ids: set[int]) -> None:
        for user_id in user_ids:
            for stream in self._by_user.get(user_id, ()):
                stream.wake()

    # --- The check: safety poll and membership ---

    async def check(self) -> None:
        """Wake the streams that are behind the database; end those whose user may no longer stream."""
        user_ids = list(self._by_user)
        if not user_ids:
            return
        states = await self.threads.run(selectors.user_states, user_ids)
        for user_id in user_ids:
            state = states.get(user_id)
            for stream in list(self._by_user.get(user_id, ())):
                if state is None or not state.may_stream:
                    stream.end(NOT_A_MEMBER)
                elif stream.is_behind(state):
                    stream.wake()

    async def _check_forever(self) -> None:
        interval = min(self.poll_seconds, MEMBERSHIP_CHECK_SECONDS)
        while True:
            await asyncio.sleep(interval)
            await self._check_logged()

    async def _check_logged(self) -> None:
        try:
            await self.check()
        except DatabaseError as error:  # the next round tries again; streams stay open meanwhile
            logger.warning("live streams: check failed (%s)", error)

    def _on_listener_connect(self) -> None:
        self._spawn(self._check_logged())

    # --- Background tasks of the hub ---

    def _start(self) -> None:
        if self._tasks:
            return
        self._spawn(self._check_forever())
        if self.listen:
            self.listener = wakeups.Listener(
                wakeups.listen_params(), on_wake=self.wake, on_connect=self._on_listener_connect
            )
            self._spawn(self.listener.run())

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Close every stream (browsers reconnect) and stop listening: the server is shutting down."""
        for streams in self._by_user.values():
            for stream in streams:
                stream.finish()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


# --- One hub per event loop ---

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()
_threads: DatabaseThreads | None = None
_open = {"count": 0}
_lock = threading.Lock()


def current_hub() -> Hub:
    """The hub of the running event loop, created on first use from the settings."""
    global _threads
    loop = asyncio.get_running_loop()
    with _lock:
        hub = _hubs.get(loop)
        if hub is None:
            if _threads is None:
                _threads = DatabaseThreads(settings.LIVE_DATABASE_THREADS)
            hub = _hubs[loop] = Hub(
                per_user=settings.LIVE_STREAMS_PER_USER,
                poll_seconds=settings.LIVE_POLL_SECONDS,
                listen=connections[DEFAULT_DB_ALIAS].vendor == "postgresql",
                threads=_threads,
            )
        return hub


def existing_hub() -> Hub | None:
    """The running loop's hub, if a stream ever opened on it."""
    return _hubs.get(asyncio.get_running_loop())


def open_streams() -> int:
    """How many streams this process serves now (all loops)."""
    return _open["count"]


def _count(change: int) -> None:
    with _lock:
        _open["count"] += change
