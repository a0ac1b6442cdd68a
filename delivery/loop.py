"""A dispatcher that keeps going: `deliver_outbox --loop` and, between its job rounds, the
`ptw_check_escalations --loop` command (the embedded default)."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .dispatch import dispatch_due

logger = logging.getLogger("delivery.dispatch")


def dispatch_until(stop: threading.Event, *, deadline: float | None = None, interval: float | None = None) -> None:
    """Send whatever is due every `interval` s (OUTBOX_POLL_SECONDS) until `stop` is set or the
    monotonic `deadline` passes.

    A failed round is logged and the loop carries on: the rows it held are claimed again after
    their lease.
    """
    interval = settings.OUTBOX_POLL_SECONDS if interval is None else interval
    while not stop.is_set():
        try:
            report = dispatch_due(now=timezone.now())
            if report.claimed:
                logger.info("outbox: %s", " ".join(f"{k}={v}" for k, v in report.as_counts().items()))
        except Exception:
            logger.exception("outbox: a dispatch round failed; its rows are retried after their lease")
            close_old_connections()
        wait = interval if deadline is None else min(interval, deadline - time.monotonic())
        if wait <= 0 or stop.wait(wait):
            return
