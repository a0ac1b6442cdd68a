"""A dispatcher that keeps going: the `deliver_outbox --loop` command and the thread the
`ptw_check_escalations --loop` command (the embedded default) runs beside its jobs."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .dispatch import dispatch_due

logger = logging.getLogger("delivery.dispatch")


def dispatch_until(stop: threading.Event, *, interval: float | None = None) -> None:
    """Dispatch whatever is due every `interval` seconds (OUTBOX_POLL_SECONDS) until `stop` is set.

    An error is logged and the loop carries on: the rows it held are claimed again after their lease.
    """
    interval = settings.OUTBOX_POLL_SECONDS if interval is None else interval
    try:
        while not stop.is_set():
            try:
                report = dispatch_due(now=timezone.now())
                if report.claimed:
                    logger.info("outbox: %s", " ".join(f"{k}={v}" for k, v in report.as_counts().items()))
            except Exception:
                logger.exception("outbox: a dispatch round failed; its rows are retried after their lease")
            close_old_connections()
            stop.wait(interval)
    finally:
        connection.close()  # this thread's own connection


def start_thread(stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=dispatch_until, args=(stop,), name="outbox-dispatcher", daemon=True)
    thread.start()
    return thread
