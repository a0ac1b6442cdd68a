"""Reads the web pages need beyond ptw.selectors and notifications.selectors."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Q

from accounts.models import ADMIN_GRADES, Grade, Membership, Project, User
from accounts.selectors import projects_of
from notifications.models import Notification
from ptw.escalation_schedule import time_limit_hours
from ptw.models import Permit, StepStatus, WorkflowStep

# --- Projects -------------------------------------------------------------------------------


def primary_project(user: User) -> Project | None:
    """The project shown in the header and whose time zone pages use (first by name)."""
    return projects_of(user).order_by("name", "id").first()


def starts_on_board(user: User) -> bool:
    """Grade A/B admins and holders of a role in any of their projects land on the board."""
    memberships = Membership.objects.filter(user=user, is_active=True)
    return memberships.filter(Q(grade__in=ADMIN_GRADES) | Q(roles__isnull=False)).exists()


def is_rules_admin(user: User) -> bool:
    """Superusers (global defaults and every project) and Grade A admins (their projects' rules)."""
    return user.is_superuser or Membership.objects.filter(user=user, is_active=True, grade=Grade.A).exists()


# --- Notifications (the inbox's own reads are notifications.selectors) -------------------------


def last_notification_id(user_id: int) -> int:
    """Where a live stream starts: the newest id the page already knows of."""
    return Notification.objects.filter(recipient_id=user_id).aggregate(last=Max("id"))["last"] or 0


def notifications_after(user_id: int, after_id: int, *, limit: int = 50) -> list[Notification]:
    """The user's notifications with id > after_id, oldest first (what a live stream sends next)."""
    return list(Notification.objects.filter(recipient_id=user_id, pk__gt=after_id).order_by("pk")[:limit])


# --- Permits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: WorkflowStep
    limit_hours: Decimal
    pending_for: timedelta | None

    @property
    def is_overdue(self) -> bool:
        return self.pending_for is not None and self.pending_for >= timedelta(hours=float(self.limit_hours))


def permit_steps(permit: Permit, *, now: datetime) -> list[StepView]:
    """The workflow steps with how long each pending one has waited and whether it is overdue."""
    steps = WorkflowStep.objects.filter(instance__permit=permit).select_related(
        "assignee", "completed_by", "acknowledged_by"
    )
    views = []
    for step in steps.order_by("order", "id"):
        since = step.pending_since if step.status == StepStatus.PENDING else None
        views.append(
            StepView(
                step=step,
                limit_hours=time_limit_hours(
                    project_id=permit.project_id, permit_type_id=permit.permit_type_id, step_id=step.step_id
                ),
                pending_for=(now - since) if since is not None else None,
            )
        )
    return views
