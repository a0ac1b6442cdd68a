"""Permits reaching their planned end time: a warning before, expiry after (Example 3)."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from backend.claims import claimable

from ..models import Permit, PermitStatus
from ..notification_utils import PermitFacts, notify_permit_expiring
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
    """Warn the creators of active permits ending within PTW_EXPIRING_WARNING_MINUTES.

    1. Read active permits with `now < planned_end_time <= now + warning`, in batches (keyset).
    2. One bulk insert of `ptw_expiring` per batch (`notify_permit_expiring`); the dedupe key
       makes it once a local day.
    """
    window = Permit.objects.filter(
        status=PermitStatus.ACTIVE,
        planned_end_time__gt=now,
        planned_end_time__lte=now + timedelta(minutes=settings.PTW_EXPIRING_WARNING_MINUTES),
    )
    with record_job_run("check_expiring_permits", now=now) as report:
        sweep_in_batches(
            report,
            claim=partial(claim_permits, window),
            process=partial(_warn_expiring, now=now),
            describe=_permit,
        )
    return report


def _warn_expiring(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    created = notify_permit_expiring([PermitFacts.of(permit) for permit in permits], now=now)
    return {"permits": len(permits), "notifications": len(created)}


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
