"""Celery tasks: thin wrappers over the jobs, retried on database errors; a real worker runs them."""

import os
import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.db import OperationalError
from django.utils import timezone

from backend.celery_app import app
from notifications.models import Notification
from ptw import tasks
from ptw.escalation import JOBS
from ptw.models import JobRun
from ptw.tests.workers import celery_worker


def test_the_beat_schedule_names_registered_tasks_one_per_job():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    # + the outbox's retries (delivery/tasks.py)
    assert scheduled == {f"ptw.tasks.{name}" for name in JOBS} | {"delivery.tasks.dispatch_outbox"}
    assert scheduled <= set(app.tasks)


@pytest.mark.parametrize(
    ("entry", "minutes", "hours", "days_of_week"),
    [
        ("check-overdue-ptw-tasks", "*", "*", "*"),
        ("auto-expire-permits", "*", "*", "*"),
        ("check-expiring-permits", "*", "*", "*"),
        ("check-pending-closeout-isolation", "0", "*/4", "*"),
        ("cleanup-old-ptw-notifications", "0", "0", "0"),
    ],
)
def test_the_overdue_and_expiry_checks_run_every_minute_and_the_others_keep_their_cadence(
    entry, minutes, hours, days_of_week
):
    schedule = app.conf.beat_schedule[entry]["schedule"]
    expected = crontab(minute=minutes, hour=hours, day_of_week=days_of_week)
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == (
        expected.minute,
        expected.hour,
        expected.day_of_week,
    )


def test_health_expects_the_every_minute_jobs_each_minute():
    for name in ("check_overdue_workflow_tasks", "auto_expire_permits", "check_expiring_permits"):
        assert JOBS[name].every == timedelta(minutes=1)


@pytest.mark.parametrize("name", list(JOBS))
def test_each_task_runs_its_job_and_returns_the_counts(db, name):
    result = getattr(tasks, name)()
    assert result["ok"] is True
    assert JobRun.objects.get().job == name


def test_a_database_error_is_retried_with_backoff(db, monkeypatch):
    task = tasks.check_overdue_workflow_tasks
    assert task.autoretry_for == (tasks.DatabaseError,) and task.retry_backoff and task.max_retries == 5
    calls = []

    def flaky(name, *, now):
        calls.append(name)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return JOBS[name].run(now=now)

    monkeypatch.setattr(tasks.escalation, "run_job", flaky)
    result = task.apply()  # eager: the retry runs at once

    assert result.successful() and result.get()["ok"] is True
    assert calls == ["check_overdue_workflow_tasks"] * 2


@pytest.mark.postgres  # the worker needs the test database from another process
@pytest.mark.celery_worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL and CELERY_BROKER_URL")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_overdue_check_sent_with_delay(escalations_on, seed_due_steps, grade_a_admin):
    now = timezone.now()
    permit_ids = seed_due_steps(3, pending_since=now - timedelta(hours=5), now=now)
    with celery_worker(ESCALATIONS_ENABLED="True", CELERY_TASK_ALWAYS_EAGER="False") as worker:
        tasks.check_overdue_workflow_tasks.delay()
        deadline = time.monotonic() + 90
        while not JobRun.objects.filter(job="check_overdue_workflow_tasks", ok__isnull=False).exists():
            assert worker.poll() is None, f"the worker exited: {worker.stdout.read()}"
            assert time.monotonic() < deadline, "the worker did not run the task within 90 s"
            time.sleep(0.2)
    run = JobRun.objects.get(job="check_overdue_workflow_tasks")
    assert run.ok and run.counts["steps"] == 3
    notified = Notification.objects.filter(notification_type="ptw_overdue")
    assert sorted(notified.values_list("data__permit_id", flat=True)) == sorted(permit_ids)
