"""The few threads that run the live streams' database reads.

A stream waits on the event loop, holding neither a thread nor a connection; when it has
something to read, the read runs here. At most `size` threads (so at most `size` database
connections) serve every stream of the process; a thread closes its connection as soon as
no work is waiting, and exits after a while without any.
"""

import asyncio
import contextlib
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections

logger = logging.getLogger(__name__)

T = TypeVar("T")
_Job = tuple[Callable[..., Any], tuple, asyncio.AbstractEventLoop, asyncio.Future]


class DatabaseThreads:
    def __init__(self, size: int, *, linger: float = 0.2, idle_exit: float = 60.0):
        self.size, self.linger, self.idle_exit = max(size, 1), linger, idle_exit
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = self._idle = 0
        self._names = itertools.count(1)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` in one of the threads; return (or raise) what it does."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((function, args, loop, future))
        with self._lock:
            if self._jobs.qsize() > self._idle and self._threads < self.size:
                self._threads += 1
                threading.Thread(target=self._work, name=f"live-db-{next(self._names)}", daemon=True).start()
        return await future

    @property
    def threads(self) -> int:
        """How many threads exist now (each holds at most one connection, only while busy)."""
        return self._threads

    def _work(self) -> None:
        while (job := self._next()) is not None:
            function, args, loop, future = job
            try:
                result = function(*args)
            except BaseException as error:  # handed to the awaiting stream, which decides
                connections.close_all()  # a failed connection may be unusable: start afresh
                _settle(loop, future, error=error)
            else:
                _settle(loop, future, result=result)

    def _next(self) -> _Job | None:
        """The next job; None when the thread should exit (idle long enough, nothing queued)."""
        with self._lock:
            self._idle += 1
        job = self._get(self.linger)
        if job is None:
            connections.close_all()  # nothing waiting: give the connection back to the server
            while (job := self._get(self.idle_exit)) is None:
                with self._lock:  # exit, unless a job arrived since (run() saw this thread idle)
                    if self._jobs.empty():
                        self._idle -= 1
                        self._threads -= 1
                        return None
        with self._lock:
            self._idle -= 1
        return job

    def _get(self, timeout: float) -> _Job | None:
        try:
            return self._jobs.get(timeout=timeout)
        except queue.Empty:
            return None


def _settle(loop: asyncio.AbstractEventLoop, future: asyncio.Future, *, result: Any = None, error=None) -> None:
    def settle() -> None:
        if future.done():  # the stream went away meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
        loop.call_soon_threadsafe(settle)
