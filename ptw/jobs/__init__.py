"""The scheduled jobs, pure of Celery: one function per job, each taking `now` and returning
its JobReport (counts, errors). Celery tasks (ptw/tasks.py) and the `ptw_check_escalations`
command call them through JOBS; each run is recorded as a JobRun.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .cleanup import cleanup_old_notifications
from .digest import send_hourly_digests
from .expiry import auto_expire_permits, check_expiring_permits
from .overdue import check_overdue_workflow_tasks
from .reminders import check_pending_closeout_and_isolation
from .runs import JobReport, record_job_run
from .validity_requests import check_pending_validity_requests


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., JobReport]
    # How often backend/celery_app.py's beat schedule runs it; health allows twice this.
    every: timedelta


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job("check_overdue_workflow_tasks", check_overdue_workflow_tasks, timedelta(minutes=1)),
        Job("auto_expire_permits", auto_expire_permits, timedelta(minutes=1)),
        Job("check_expiring_permits", check_expiring_permits, timedelta(minutes=1)),
        Job("check_pending_closeout_and_isolation", check_pending_closeout_and_isolation, timedelta(hours=4)),
        Job("cleanup_old_notifications", cleanup_old_notifications, timedelta(days=7)),
        Job("gather_hourly_digests", send_hourly_digests, timedelta(hours=1)),
        Job("check_pending_validity_requests", check_pending_validity_requests, timedelta(minutes=1)),
    ]
}


def run_job(name: str, *, now: datetime) -> JobReport:
    """Run the job called `name` as of `now`; return its report."""
    return JOBS[name].run(now=now)


__all__ = [
    "JOBS",
    "Job",
    "JobReport",
    "auto_expire_permits",
    "check_expiring_permits",
    "check_overdue_workflow_tasks",
    "check_pending_closeout_and_isolation",
    "check_pending_validity_requests",
    "cleanup_old_notifications",
    "record_job_run",
    "run_job",
    "send_hourly_digests",
]
