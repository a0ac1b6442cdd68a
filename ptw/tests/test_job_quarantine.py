"""A row a job fails on in consecutive runs is quarantined: skipped, recorded, listed in health and the
admin, retried when it changes or is released; the job stays healthy for every other row."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import JobRowFailure, JobRun, Permit, WorkflowStep
from ptw.tests.factories import ProjectFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def steps(escalations_on, seed_due_steps, transactional_db):
    """Three due steps; the first one's project has a time zone no longer in tzdata."""
    ids = seed_due_steps(3, pending_since=NOW - timedelta(hours=5), now=NOW)
    gone = ProjectFactory.create(code="GONE", name="Gone zone", time_zone="UTC")
    Permit.objects.filter(pk=ids[0]).update(project=gone)
    type(gone).objects.filter(pk=gone.pk).update(time_zone="Atlantis/Lost_City")
    return ids


def run(hours: float = 0):
    return check_overdue_workflow_tasks(now=NOW + timedelta(hours=hours))


def step_of(permit_id: int) -> WorkflowStep:
    return WorkflowStep.objects.get(instance__permit_id=permit_id)


def test_the_other_rows_go_through_while_the_bad_one_fails(steps):
    report = run()

    assert not report.ok and report.counts["failed"] == 1
    assert Notification.objects.filter(data__permit_id__in=steps[1:]).count() == 2
    failure = JobRowFailure.objects.get()
    assert failure.row_id == step_of(steps[0]).pk and failure.failures == 1 and failure.quarantined_at is None
    assert "ZoneInfoNotFoundError" in failure.error or "Atlantis" in failure.error


def test_after_three_failing_runs_it_is_quarantined_and_the_job_is_healthy_again(steps, api_client):
    for hour in range(3):
        assert not run(hour).ok

    fourth = run(3)

    assert fourth.ok and fourth.counts["quarantined"] == 1
    failure = JobRowFailure.objects.get()
    assert failure.failures == 3 and failure.quarantined_at == NOW + timedelta(hours=2)
    assert JobRun.objects.filter(ok=True).count() == 1
    body = api_client.get("/api/v1/ptw/health/").json()
    assert body["quarantined"] == [
        {
            "job": "check_overdue_workflow_tasks",
            "row": failure.row,
            "failures": 3,
            "quarantined_at": body["quarantined"][0]["quarantined_at"],
        }
    ]


def test_a_quarantined_row_is_retried_once_it_changes(steps):
    for hour in range(3):
        run(hour)
    Permit.objects.get(pk=steps[0]).project.__class__.objects.filter(code="GONE").update(time_zone="Asia/Kolkata")

    report = run(4)

    assert report.ok and "quarantined" not in report.counts
    assert not JobRowFailure.objects.exists()
    assert step_of(steps[0]).next_check_at > NOW + timedelta(hours=4)  # processed: its next check moved on


def test_an_admin_releases_a_quarantined_row_and_the_next_run_tries_it(steps, admin_client):
    for hour in range(3):
        run(hour)
    failure = JobRowFailure.objects.get()
    page = admin_client.get("/admin/ptw/jobrowfailure/")
    assert page.status_code == 200 and failure.row in page.content.decode()

    admin_client.post("/admin/ptw/jobrowfailure/", {"action": "release", "_selected_action": [failure.pk]}, follow=True)

    assert not JobRowFailure.objects.exists()
    report = run(4)
    assert report.counts["failed"] == 1  # tried again (and still failing: counted afresh)
    assert JobRowFailure.objects.get().failures == 1


def test_failures_count_only_in_consecutive_runs(steps):
    run(0)
    run(1)
    Permit.objects.get(pk=steps[0]).project.__class__.objects.filter(code="GONE").update(time_zone="UTC")
    run(2)  # it goes through: the count is forgotten

    assert not JobRowFailure.objects.exists()
