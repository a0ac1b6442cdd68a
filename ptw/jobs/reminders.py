"""Reminders for what blocks a permit: an incomplete closeout, unverified isolation points."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from ..models import IsolationStatus, Permit, PermitIsolationPoint, PermitStatus
from ..notification_utils import PermitFacts, notify_closeout_required, notify_isolation_pending
from .expiry import claim_permits
from .runs import JobReport, record_job_run, sweep_in_batches


def check_pending_closeout_and_isolation(*, now: datetime) -> JobReport:
    """Closeout and isolation reminders; returns the report (counts prefixed by part).

    1. Active permits ending within PTW_CLOSEOUT_WARNING_HOURS whose type requires closeout
       and whose closeout is not complete → `ptw_closeout_required` to the creator.
    2. Only while ESCALATIONS_ENABLED: permits under review or approved whose type requires
       structured isolation and that have required points not verified →
       `ptw_isolation_pending` to the creator and the verifier.
    Both read only their window through the (status, planned_end_time) index, in batches;
    the dedupe key makes each reminder once a local day.
    """
    with record_job_run("check_pending_closeout_and_isolation", now=now) as report:
        remind_closeout(report, now=now)
        if settings.ESCALATIONS_ENABLED:
            remind_isolation(report, now=now)
    return report


def remind_closeout(report: JobReport, *, now: datetime) -> None:
    sweep_in_batches(
        report,
        claim=partial(claim_permits, closeout_due(now)),
        process=partial(_closeout_reminders, now=now),
        describe=lambda permit: f"closeout of permit {permit.pk}",
    )


def remind_isolation(report: JobReport, *, now: datetime) -> None:
    sweep_in_batches(
        report,
        claim=partial(claim_permits, isolation_due()),
        process=partial(_isolation_reminders, now=now),
        describe=lambda permit: f"isolation of permit {permit.pk}",
    )


def closeout_due(now: datetime) -> QuerySet[Permit]:
    """Active permits ending within the warning whose required closeout is not complete."""
    return Permit.objects.filter(
        status=PermitStatus.ACTIVE,
        permit_type__requires_closeout=True,
        planned_end_time__gt=now,
        planned_end_time__lte=now + timedelta(hours=settings.PTW_CLOSEOUT_WARNING_HOURS),
    ).filter(Q(closeout__isnull=True) | Q(closeout__completed_at__isnull=True))


def isolation_due() -> QuerySet[Permit]:
    """Permits under review or approved, requiring structured isolation, with required points not verified."""
    unverified = PermitIsolationPoint.objects.filter(permit=OuterRef("pk"), required=True).exclude(
        status=IsolationStatus.VERIFIED
    )
    return Permit.objects.filter(
        status__in=[PermitStatus.UNDER_REVIEW, PermitStatus.APPROVED],
        permit_type__requires_structured_isolation=True,
    ).filter(Exists(unverified))


def _closeout_reminders(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    created = notify_closeout_required([PermitFacts.of(permit) for permit in permits], now=now)
    return {"closeout_permits": len(permits), "closeout_notifications": len(created)}


def _isolation_reminders(permits: list[Permit], *, now: datetime) -> dict[str, int]:
    created = notify_isolation_pending([PermitFacts.of(permit) for permit in permits], now=now)
    return {"isolation_permits": len(permits), "isolation_notifications": len(created)}
