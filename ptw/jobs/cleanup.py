"""Weekly cleanup of old PTW notifications (escalation history is a separate table, kept)."""

from datetime import datetime, timedelta

from django.conf import settings

from notifications.models import Notification

from ..models import JobRun
from .runs import JobReport, record_job_run


def cleanup_old_notifications(*, now: datetime) -> JobReport:
    """Delete `ptw_*` notifications older than PTW_NOTIFICATION_RETENTION_DAYS; return the report.

    1. Select a batch of ids through the `notification_created` index, oldest first.
    2. Delete them by id; repeat until a batch comes back short. Each batch commits on its
       own, so a long cleanup holds no lock for long and an interrupted one resumes.
    3. Job run records older than the retention go too (the loop mode writes several a minute).
    """
    cutoff = now - timedelta(days=settings.PTW_NOTIFICATION_RETENTION_DAYS)
    with record_job_run("cleanup_old_notifications", now=now) as report:
        old = Notification.objects.filter(created_at__lt=cutoff, notification_type__startswith="ptw_")
        report.add({"notifications": delete_in_batches(old.order_by("created_at"))})
        report.add({"job_runs": delete_in_batches(JobRun.objects.filter(started_at__lt=cutoff).order_by("pk"))})
    return report


def delete_in_batches(queryset, *, batch_size: int | None = None) -> int:
    size = batch_size or settings.PTW_SWEEP_BATCH_SIZE
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:size])
        if ids:
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < size:
            return deleted
