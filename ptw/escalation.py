"""The escalation engine and the other scheduled PTW jobs (specification section 2).

Each job is one function taking `now` and returning a JobReport; implementations live in
ptw/jobs/ (overdue steps, expiry, closeout and isolation reminders, cleanup). Celery tasks
and the `ptw_check_escalations` command both call them from here.
"""

from .jobs import (
    JOBS,
    Job,
    JobReport,
    auto_expire_permits,
    check_expiring_permits,
    check_overdue_workflow_tasks,
    check_pending_closeout_and_isolation,
    check_pending_validity_requests,
    cleanup_old_notifications,
    run_job,
)

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
    "run_job",
]
