"""Warnings before a permit's end (issue 15): when they fall due and which one is due.

A live permit carries `next_warning_at`: its end minus the largest warning offset
(PTW_EXPIRING_WARNING_MINUTES) not yet sent. It is set when the work starts and again when
an extension moves the end; the sweep (ptw/jobs/expiry.py) reads only permits due now and
moves it on to the next offset, or clears it after the last one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .models import Permit


def warning_offsets() -> list[timedelta]:
    """The configured offsets before the end, largest first."""
    return sorted((timedelta(minutes=m) for m in settings.PTW_EXPIRING_WARNING_MINUTES if m > 0), reverse=True)


def first_warning_at(end: datetime) -> datetime | None:
    """When the first warning before `end` falls due (None: no warnings configured)."""
    offsets = warning_offsets()
    return end - offsets[0] if offsets else None


def schedule_end_warnings(permit: Permit) -> dict[str, datetime | None]:
    """The field the caller writes with its update, so warnings start over for the permit's end."""
    return {"next_warning_at": first_warning_at(permit.planned_end_time)}


@dataclass(frozen=True)
class WarningDue:
    """What the sweep does for one permit at `now`: the offset to warn about (if any) and the next check."""

    offset: timedelta | None
    next_warning_at: datetime | None


def warning_due(end: datetime, *, now: datetime) -> WarningDue:
    """The tightest offset already reached (a sweep that ran late does not send stale ones:
    "60 minutes left" with 10 left would mislead) and when the next offset falls due.

    Nothing is sent once the end has passed: expiry speaks then.
    """
    offsets = warning_offsets()
    reached = [offset for offset in offsets if end - offset <= now]
    upcoming = [end - offset for offset in offsets if end - offset > now]
    offset = min(reached) if reached and now < end else None
    return WarningDue(offset, min(upcoming, default=None))
