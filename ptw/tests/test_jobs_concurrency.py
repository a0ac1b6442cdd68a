"""Sweeps running at once (beat + cron, several workers, a retry overlapping a slow run)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.db.models import Count

from notifications.models import Notification
from ptw.escalation import auto_expire_permits, check_overdue_workflow_tasks
from ptw.models import EscalationRecord, JobRun, PermitEvent, PermitStatus, WorkflowStep

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SWEEPS = 4


def run_together(job, *, now, sweeps=SWEEPS):
    """Start `sweeps` runs of `job` at the same instant, each in its own thread and connection."""
    barrier = threading.Barrier(sweeps)
    reports, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=30)
            reports.append(job(now=now))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors and len(reports) == sweeps
    return reports


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_overdue_sweeps_at_once_send_each_notification_exactly_once(
    escalations_on, seed_due_steps, verifier, grade_a_admin, grade_b_admin
):
    overdue_only = seed_due_steps(1000, pending_since=NOW - timedelta(hours=5), now=NOW)
    escalated = seed_due_steps(1000, pending_since=NOW - timedelta(hours=9), now=NOW)

    reports = run_together(check_overdue_workflow_tasks, now=NOW)

    # each step was claimed by exactly one sweep, not merely deduplicated
    assert sum(report.counts["steps"] for report in reports) == 2000
    assert all(report.ok for report in reports)
    by_type = dict(Notification.objects.values_list("notification_type").annotate(n=Count("id")))
    assert by_type == {"ptw_overdue": 2000, "ptw_escalated": 2000}
    per_permit = (
        Notification.objects.values("recipient", "notification_type", "data__permit_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not per_permit.exists()
    escalated_to = set(
        Notification.objects.filter(notification_type="ptw_escalated").values_list("data__permit_id", "recipient")
    )
    assert escalated_to == {(p, admin.pk) for p in escalated for admin in (grade_a_admin, grade_b_admin)}
    assert set(
        Notification.objects.filter(notification_type="ptw_overdue").values_list("data__permit_id", flat=True)
    ) == set(overdue_only) | set(escalated)
    assert EscalationRecord.objects.count() == 3000
    assert not WorkflowStep.objects.filter(next_check_at__lte=NOW).exists()
    assert JobRun.objects.filter(ok=True).count() == SWEEPS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_expiry_sweeps_at_once_expire_each_permit_exactly_once(escalations_on, seed_due_steps, settings):
    settings.PTW_SWEEP_BATCH_SIZE = 50  # many small batches: the sweeps interleave
    ids = seed_due_steps(
        2000, pending_since=NOW, now=NOW, live_until=NOW - timedelta(minutes=1), status=PermitStatus.ACTIVE
    )

    reports = run_together(auto_expire_permits, now=NOW)

    assert sum(report.counts["expired"] for report in reports) == 2000
    assert all(report.ok for report in reports)
    expiries = PermitEvent.objects.filter(to_status=PermitStatus.EXPIRED, actor=None)
    assert expiries.count() == 2000 and expiries.values("permit").distinct().count() == 2000
    expired = Notification.objects.filter(notification_type="ptw_expired")
    assert sorted(expired.values_list("data__permit_id", flat=True)) == sorted(ids)
