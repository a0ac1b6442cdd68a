"""What needs attention, as filters over permits: the board counts them, the permit list shows them.

Each returns a Q over Permit, so the count on the board and the list its link opens are the
same query.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import Project
from ptw.models import EscalationRecord, StepStatus, WorkflowStep
from ptw.states import LIVE_STATUSES

from .limits import StepLimits, escalation_level_numbers

ENDING_SOON = timedelta(hours=1)


def ending_soon_q(now: datetime) -> Q:
    """Live permits (approved, active, suspended) whose planned end is within the hour, or already past."""
    return Q(status__in=LIVE_STATUSES, planned_end_time__lte=now + ENDING_SOON)


def overdue_steps(limits: StepLimits, now: datetime):
    """Pending steps waiting past their time limit (partial index workflowstep_pending)."""
    return WorkflowStep.objects.filter(status=StepStatus.PENDING).filter(limits.overdue_q(now))


def with_overdue_step_q(limits: StepLimits, now: datetime) -> Q:
    return Q(pk__in=overdue_steps(limits, now).values("instance__permit_id"))


def escalations_today(projects: Iterable[Project], now: datetime):
    """Escalation records of today, each project's own local day, at escalation levels.

    `local_date` was written in the project's time zone by the sweep; the index
    escalationrecord_day (local_date, level) finds a day's records whatever the table's size.
    """
    today = Q()
    for project in projects:
        today |= Q(permit__project_id=project.pk, local_date=timezone.localtime(now, project.tzinfo).date())
    if not today:
        return EscalationRecord.objects.none()
    return EscalationRecord.objects.filter(today, level__in=escalation_level_numbers())


def escalated_today_q(projects: Iterable[Project], now: datetime) -> Q:
    """Permits with a step escalated today."""
    return Q(pk__in=escalations_today(projects, now).values("permit_id"))
