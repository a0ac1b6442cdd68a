"""Celery tasks (specification section 2): thin wrappers around the jobs in ptw/escalation.py.

The jobs are safe to run twice at once and to rerun after a crash, so a retry after a
database error (connection lost, serialisation failure, lock timeout) is always safe.
Each returns its counts; per-permit failures are recorded in the job's JobRun, not raised.
"""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import escalation

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 30,  # 30 s, 60 s, 120 s, … with jitter
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def _run(name: str) -> dict:
    # (Celery's Django fix-up closes stale database connections around each task.)
    report = escalation.run_job(name, now=timezone.now())
    return {"ok": report.ok, **report.counts}


@shared_task(**RETRY)
def check_overdue_workflow_tasks() -> dict:
    return _run("check_overdue_workflow_tasks")


@shared_task(**RETRY)
def auto_expire_permits() -> dict:
    return _run("auto_expire_permits")


@shared_task(**RETRY)
def check_expiring_permits() -> dict:
    return _run("check_expiring_permits")


@shared_task(**RETRY)
def check_pending_closeout_and_isolation() -> dict:
    return _run("check_pending_closeout_and_isolation")


@shared_task(**RETRY)
def cleanup_old_notifications() -> dict:
    return _run("cleanup_old_notifications")
