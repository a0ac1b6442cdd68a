"""A job run whose process died (SIGKILL) is marked abandoned — failed, with the reason — by the
next run of the job or by the health check, instead of staying "running" forever."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ptw.escalation import check_overdue_workflow_tasks
from ptw.models import JobRun

from .workers import database_url

JOB = "check_overdue_workflow_tasks"


def unfinished(started) -> JobRun:
    return JobRun.objects.create(job=JOB, started_at=started)


def test_the_next_run_marks_a_run_unfinished_for_too_long_abandoned(escalations_on):
    now = timezone.now()
    old = unfinished(now - timedelta(minutes=31))
    recent = unfinished(now - timedelta(minutes=5))  # may still be running (runs are safe twice at once)

    check_overdue_workflow_tasks(now=now)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ok is False and old.finished_at == now and old.error.startswith("Abandoned: unfinished after 30 min")
    assert recent.ok is None and recent.finished_at is None


def test_health_marks_it_and_shows_the_job_failed(transactional_db, api_client):
    unfinished(timezone.now() - timedelta(hours=1))

    job = next(job for job in api_client.get("/api/v1/ptw/health/").json()["jobs"] if job["job"] == JOB)

    assert job["last_run_state"] == "failed" and job["stale"]
    assert JobRun.objects.get().ok is False


@pytest.mark.postgres
def test_a_run_killed_by_sigkill_is_marked_abandoned(transactional_db, escalations_on, seed_due_steps):
    now = timezone.now()
    seed_due_steps(3, pending_since=now - timedelta(hours=5), now=now)
    with transaction.atomic():
        # Hold the notification table: the run starts (its JobRun row commits), then waits on its insert.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE notifications_notification IN EXCLUSIVE MODE")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "ptw_check_escalations"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "ESCALATIONS_ENABLED": "True", "DATABASE_URL": database_url()},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not JobRun.objects.filter(job=JOB).exists():
            assert time.monotonic() < deadline and process.poll() is None, "the run did not start"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    killed = JobRun.objects.get(job=JOB)
    assert killed.finished_at is None and killed.ok is None  # what the killed process left

    check_overdue_workflow_tasks(now=killed.started_at + timedelta(minutes=31))

    killed.refresh_from_db()
    assert killed.ok is False and "Abandoned" in killed.error
    assert JobRun.objects.filter(job=JOB, ok=True).count() == 1  # the next run did the work
