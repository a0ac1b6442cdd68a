"""Claiming rows for one worker among several (the sweeps and the outbox dispatchers)."""

from django.db import connection
from django.db.models import QuerySet


def claimable(queryset: QuerySet) -> QuerySet:
    """Lock the selected rows, skipping rows another worker holds (PostgreSQL); plain elsewhere.

    SQLite has no row locks: its IMMEDIATE transactions (settings) serialise the workers instead.
    """
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset
