"""Showing stored times in the project's time zone, whatever was stored.

Rows written before permit times were bounded may hold times so near year 1 or 9999 that a
zone's offset overflows `datetime` (OverflowError): pages show those in UTC, and forms leave
them blank for the person to enter again, rather than failing.
"""

from datetime import UTC, datetime

from django.utils import timezone


def in_local_zone(value: datetime) -> datetime | None:
    """`value` in the active time zone, or None when it cannot be expressed there."""
    try:
        return timezone.localtime(value)
    except OverflowError:
        return None


def for_display(value: datetime) -> datetime:
    """`value` in the active time zone, else in UTC."""
    return in_local_zone(value) or value.astimezone(UTC)
