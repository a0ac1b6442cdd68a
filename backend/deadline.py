"""Reading the database with an answer in bounded time, for probes (the health check).

A database that is down fails fast, but one that is frozen (a stopped server, a dropped
network) keeps a socket open and answers nothing: a query, or even connecting, waits until a
TCP timeout. The read runs in one worker thread of its own (its own connection) while the
caller waits at most the deadline. A read still stuck when the next probe comes makes that
probe answer at once, so a frozen database never piles up threads or connections: at most one
read is ever outstanding. The worker's connection is closed after every read, so a probe also
proves that connecting works and the process holds no idle connection between probes; its
statements are also bounded by the server (PostgreSQL's `statement_timeout`), so a slow but
live database frees the worker too.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from django.db import close_old_connections, connection, transaction

T = TypeVar("T")


class Unanswered(Exception):
    """The database did not answer within the deadline (or a previous read is still waiting)."""


_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-probe")
_lock = threading.Lock()
_outstanding: Future | None = None


def _bounded(read: Callable[[], T], timeout: float) -> T:
    close_old_connections()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                milliseconds = max(int(timeout * 1000), 1)
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
            return read()
    finally:
        connection.close()


def read_within(read: Callable[[], T], *, timeout: float) -> T:
    """`read()`'s result, run in the probe thread; raises Unanswered after `timeout` seconds.

    Database errors from `read` are raised as they are.
    """
    global _outstanding
    with _lock:
        if _outstanding is not None and not _outstanding.done():
            raise Unanswered("An earlier read is still waiting for the database.")
        _outstanding = future = _executor.submit(_bounded, read, timeout)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        raise Unanswered(f"The database did not answer within {timeout:g} s.") from None
