"""Celery tasks (specification section 2): thin wrappers around the jobs in ptw/escalation.py.

The jobs are safe to run twice at once and to rerun after a crash, so a retry after a
database error (connection lost, serialisation failure, lock timeout) is always safe.
Each returns its counts; per-permit failures are recorded in the job's JobRun, not raised.
"""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import escalation

# Every task retries a database error (connection lost, serialisation failure, lock timeout)
# with backoff: 30 s, 60 s, 120 s, … with jitter, at most 5 times.
retrying_task = shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=30, retry_backoff_max=600, retry_jitter=True, max_retries=5
)


def _run(name: str) -> dict[str, object]:
    # (Celery's Django fix-up closes stale database connections around each task.)
    report = escalation.run_job(name, now=timezone.now())
    return {"ok": report.ok, **report.counts}


@retrying_task
def check_overdue_workflow_tasks() -> dict[str, object]:
    return _run("check_overdue_workflow_tasks")


@retrying_task
def auto_expire_permits() -> dict[str, object]:
    return _run("auto_expire_permits")


@retrying_task
def check_expiring_permits() -> dict[str, object]:
    return _run("check_expiring_permits")


@retrying_task
def check_pending_closeout_and_isolation() -> dict[str, object]:
    return _run("check_pending_closeout_and_isolation")


@retrying_task
def cleanup_old_notifications() -> dict[str, object]:
    return _run("cleanup_old_notifications")


@retrying_task
def check_pending_validity_requests() -> dict[str, object]:
    return _run("check_pending_validity_requests")


@retrying_task
def gather_hourly_digests() -> dict[str, object]:
    return _run("gather_hourly_digests")
