"""Celery application and the beat schedule of the specification, with the overdue, expiring and
expiry checks every minute: hourly, a step or a permit could run 59 minutes past its limit unseen,
and an idle check costs milliseconds (docs/benchmarks.md)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "check-overdue-ptw-tasks": {
        "task": "ptw.tasks.check_overdue_workflow_tasks",
        "schedule": crontab(),  # every minute
    },
    "auto-expire-permits": {
        "task": "ptw.tasks.auto_expire_permits",
        "schedule": crontab(),  # every minute
    },
    "check-expiring-permits": {
        "task": "ptw.tasks.check_expiring_permits",
        "schedule": crontab(),  # every minute: warnings fall due at offsets (60, 15 min) before each end
    },
    "check-pending-closeout-isolation": {
        "task": "ptw.tasks.check_pending_closeout_and_isolation",
        "schedule": crontab(minute=0, hour="*/4"),  # every 4 hours
    },
    "check-pending-validity-requests": {
        "task": "ptw.tasks.check_pending_validity_requests",
        "schedule": crontab(),  # every minute: extension and handover requests wait minutes, not hours
    },
    "gather-hourly-digests": {
        "task": "ptw.tasks.gather_hourly_digests",
        "schedule": crontab(minute=1),  # every hour, just after it turns
    },
    # Retries of the outbox (each commit that queues deliveries also wakes a worker).
    "dispatch-outbox": {
        "task": "delivery.tasks.dispatch_outbox",
        "schedule": 60.0,
    },
    "cleanup-old-ptw-notifications": {
        "task": "ptw.tasks.cleanup_old_notifications",
        "schedule": crontab(minute=0, hour=0, day_of_week=0),  # weekly, Sunday
    },
}
