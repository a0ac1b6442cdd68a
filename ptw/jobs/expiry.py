"""Permits reaching their planned end time: warnings before (at each offset), expiry after (Example 3)."""

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet

from backend.bulk import set_column_by_id
from backend.claims import claimable

from ..durations import format_duration, format_moment
from ..end_warnings import warning_due
from ..models import Permit, PermitStatus
from ..notification_utils import EndWarning, PermitFacts, notify_permit_expiring
from ..states import LIVE_STATUSES
from ..workflow import expire_permit
from .runs import JobReport, record_job_run, sweep_in_batches


def auto_expire_permits(*, now: datetime) -> JobReport:
    """Expire live permits (approved, active, suspended) whose planned end time has passed.

    1. Claim due permits (index `permit_status_end`) in batches; an expired permit leaves the
       due set, so each batch starts from the front (no keyset).
    2. Each goes through the state machine (`expire_permit`: audit event by "system" and
       `ptw_expired` to the creator) inside its own savepoint.
    """
    due = Permit.objects.filter(status__in=LIVE_STATUSES, planned_end_time__lte=now)
    with record_job_run("auto_expire_permits", now=now) as report:
        sweep_in_batches(
            report,
            claim=partial(claim_permits, due, keyset=False),
            process=partial(_expire, now=now),
            describe=_permit,
        )
    return report


def _expire(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    expired = 0
    for permit in permits:
        with transaction.atomic():  # a failure raises out: the batch is redone permit by permit
            expired += expire_permit(permit=permit, now=now)
    return {"permits": len(permits), "expired": expired}


def check_expiring_permits(*, now: datetime) -> JobReport:
    """Warn the holder and the approver of live permits at each offset before the end.

    1. Claim active or suspended permits whose `next_warning_at <= now` (partial index
       `permit_warning_due`) in batches; processed rows leave the due set (no keyset).
    2. For each, the tightest offset reached before its end (ptw/end_warnings.py).
    3. One bulk insert of `ptw_expiring` per batch (`notify_permit_expiring`; the dedupe key
       names the offset and the end: once each), and one UPDATE moving each permit's
       `next_warning_at` on to its next offset (or clearing it).
    """
    due = Permit.objects.filter(status__in=WARNED_STATUSES, next_warning_at__lte=now)
    with record_job_run("check_expiring_permits", now=now) as report:
        sweep_in_batches(
            report,
            claim=partial(claim_permits, due, keyset=False),
            process=partial(_warn_expiring, now=now),
            describe=_permit,
        )
    return report


# Work may be under way (or resume): both are warned; an approved permit not started is not.
WARNED_STATUSES = (PermitStatus.ACTIVE, PermitStatus.SUSPENDED)


def _warn_expiring(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    warnings, next_checks = [], {}
    for permit in permits:
        due = warning_due(permit.planned_end_time, now=now)
        next_checks[permit.pk] = due.next_warning_at
        if due.offset is not None:
            warnings.append(_warning(permit, due.offset, now=now))
    created = notify_permit_expiring(warnings, now=now)
    set_column_by_id(Permit, "next_warning_at", next_checks)
    return {"permits": len(permits), "warnings": len(warnings), "notifications": len(created)}


def _warning(permit: Permit, offset: timedelta, *, now: datetime) -> EndWarning:
    end = permit.planned_end_time
    return EndWarning(
        PermitFacts.of(permit),
        minutes_before=int(offset.total_seconds() // 60),
        due_at=end - offset,
        end=end,
        end_text=format_moment(end, permit.project.time_zone),
        left_text=format_duration(end - now),
    )


def _permit(permit: Permit) -> str:
    return f"permit {permit.pk}"


def claim_permits(
    due: QuerySet[Permit],
    *,
    size: int,
    exclude: set[int],
    after: Permit | None,
    only: int | None = None,
    keyset: bool = True,
) -> list[Permit]:
    """Lock up to `size` due permits in end-time order (with their project and type).

    `keyset`: start after the last permit of the previous batch (`after`), for sweeps whose
    rows stay due once processed; `only`: just that permit (a failed batch redone row by row).
    """
    if only is not None:
        due = due.filter(pk=only)
    if exclude:
        due = due.exclude(pk__in=exclude)
    if keyset and after is not None:
        end = after.planned_end_time
        due = due.filter(Q(planned_end_time__gt=end) | Q(planned_end_time=end, pk__gt=after.pk))
    due = due.select_related("project", "permit_type").order_by("planned_end_time", "pk")
    return list(claimable(due)[:size])
