"""Permits reaching their planned end time: a warning before, expiry after (Example 3)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from ..models import Permit, PermitStatus
from ..notification_utils import PermitNotice, create_ptw_notifications
from ..states import LIVE_STATUSES
from ..workflow import expire_permit
from .runs import JobReport, claimable, record_job_run, sweep_in_batches


def auto_expire_permits(*, now: datetime) -> JobReport:
    """Expire live permits (approved, active, suspended) whose planned end time has passed.

    1. Claim due permits (index `permit_status_end`) in batches.
    2. Each goes through the state machine (`expire_permit`: audit event by "system" and
       `ptw_expired` to the creator) inside its own savepoint.
    """
    with record_job_run("auto_expire_permits", now=now) as report:
        sweep_in_batches(
            report,
            claim=lambda size, exclude, after, only=None: claim_permits(
                Permit.objects.filter(status__in=LIVE_STATUSES, planned_end_time__lte=now), size, exclude, None, only
            ),
            process=lambda permits: _expire(permits, now=now),
            describe=lambda permit: f"permit {permit.pk}",
        )
    return report


def _expire(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    expired = 0
    for permit in permits:
        with transaction.atomic():  # a failure raises out: the batch is redone permit by permit
            expired += expire_permit(permit=permit, now=now)
    return {"permits": len(permits), "expired": expired}


def check_expiring_permits(*, now: datetime) -> JobReport:
    """Warn the creators of active permits ending within PTW_EXPIRING_WARNING_MINUTES.

    1. Read active permits with `now < planned_end_time <= now + warning`, in batches (keyset).
    2. One bulk insert of `ptw_expiring` per batch; the dedupe key makes it once a local day.
    """
    window = Permit.objects.filter(
        status=PermitStatus.ACTIVE,
        planned_end_time__gt=now,
        planned_end_time__lte=now + timedelta(minutes=settings.PTW_EXPIRING_WARNING_MINUTES),
    )
    with record_job_run("check_expiring_permits", now=now) as report:
        sweep_in_batches(
            report,
            claim=lambda size, exclude, after, only=None: claim_permits(window, size, exclude, after, only),
            process=lambda permits: notify_creators(permits, "ptw_expiring", now=now),
            describe=lambda permit: f"permit {permit.pk}",
        )
    return report


def claim_permits(due: QuerySet, size: int, exclude: set[int], after: Permit | None, only: int | None) -> list[Permit]:
    """Due permits in end-time order, after the last one of the previous batch if given."""
    if only is not None:
        due = due.filter(pk=only)
    if exclude:
        due = due.exclude(pk__in=exclude)
    if after is not None:
        end = after.planned_end_time
        due = due.filter(Q(planned_end_time__gt=end) | Q(planned_end_time=end, pk__gt=after.pk))
    due = due.select_related("project", "permit_type").order_by("planned_end_time", "pk")
    return list(claimable(due)[:size])


def notify_creators(
    permits: list[Permit], event_type: str, *, now: datetime, also: tuple[str, ...] = ()
) -> dict[str, int]:
    """One bulk insert of `event_type` to each permit's creator (and the users in `also` fields)."""
    events = []
    for permit in permits:
        recipients = dict.fromkeys(
            user_id for user_id in [permit.created_by_id, *(getattr(permit, f"{f}_id") for f in also)] if user_id
        )
        events += [PermitNotice(user_id, event_type, permit) for user_id in recipients]
    created = create_ptw_notifications(events, now=now)
    return {"permits": len(permits), "notifications": len(created)}
