"""Reminders for what blocks a permit: an incomplete closeout, unverified isolation points."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from ..models import IsolationStatus, Permit, PermitIsolationPoint, PermitStatus
from .expiry import claim_permits, notify_creators
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
    closeout_due = Permit.objects.filter(
        status=PermitStatus.ACTIVE,
        permit_type__requires_closeout=True,
        planned_end_time__gt=now,
        planned_end_time__lte=now + timedelta(hours=settings.PTW_CLOSEOUT_WARNING_HOURS),
    ).filter(Q(closeout__isnull=True) | Q(closeout__completed_at__isnull=True))
    unverified = PermitIsolationPoint.objects.filter(permit=OuterRef("pk"), required=True).exclude(
        status=IsolationStatus.VERIFIED
    )
    isolation_due = Permit.objects.filter(
        status__in=[PermitStatus.UNDER_REVIEW, PermitStatus.APPROVED],
        permit_type__requires_structured_isolation=True,
    ).filter(Exists(unverified))
    with record_job_run("check_pending_closeout_and_isolation", now=now) as report:
        parts = [("closeout", closeout_due, "ptw_closeout_required", ())]
        if settings.ESCALATIONS_ENABLED:
            parts.append(("isolation", isolation_due, "ptw_isolation_pending", ("verifier",)))
        for part, due, event_type, also in parts:
            sweep_in_batches(
                report,
                claim=lambda size, exclude, after, only=None, due=due: claim_permits(due, size, exclude, after, only),
                process=lambda permits, part=part, event_type=event_type, also=also: {
                    f"{part}_{key}": count
                    for key, count in notify_creators(permits, event_type, now=now, also=also).items()
                },
                describe=lambda permit, part=part: f"{part} of permit {permit.pk}",
            )
    return report
