"""Post-commit publication of new notifications for live delivery (bell, SSE).

The database is the source of truth: a live stream can always catch up by reading
notifications newer than the last id it sent. Publishing only wakes listeners sooner.
Listeners register with `subscribe`; the web app registers its own at start-up.
"""

import logging
from collections.abc import Callable, Sequence

from django.db import transaction

logger = logging.getLogger(__name__)

Publisher = Callable[[Sequence[tuple[int, int]]], None]
_publishers: list[Publisher] = []


def subscribe(publisher: Publisher) -> None:
    """Register a callable taking [(notification_id, recipient_id), ...]."""
    if publisher not in _publishers:
        _publishers.append(publisher)


def unsubscribe(publisher: Publisher) -> None:
    if publisher in _publishers:
        _publishers.remove(publisher)


def publish_after_commit(created: Sequence[tuple[int, int]]) -> None:
    if not created:
        return
    rows = list(created)
    transaction.on_commit(lambda: _publish(rows))


def _publish(rows: list[tuple[int, int]]) -> None:
    for publisher in _publishers:
        try:
            publisher(rows)
        except Exception:  # a push failure must not fail the committed action; the DB has it
            logger.exception("live publish failed for %d notifications", len(rows))
