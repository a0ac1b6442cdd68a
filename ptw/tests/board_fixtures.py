"""Rows for the board's figure tests, written directly so every time is exact (hand-computed expectations)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.models import Project, User
from ptw.models import EscalationRecord, Permit, PermitType, StepStatus, WorkflowInstance, WorkflowStep

from .factories import PermitFactory

# 20:00 UTC on 10 March is 01:30 on 11 March in Kolkata (UTC+05:30): the UTC and local days differ.
NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def permit(project: Project, permit_type: PermitType, creator: User, *, status: str = "draft", end=None, **fields):
    end = end or NOW + hours(8)
    return PermitFactory(
        project=project,
        permit_type=permit_type,
        created_by=creator,
        status=status,
        planned_start_time=end - hours(8),
        planned_end_time=end,
        **fields,
    )


def step(
    permit: Permit,
    step_id: str,
    *,
    since: datetime | None,
    decided: datetime | None = None,
    status: str | None = None,
    assignee: User | None = None,
) -> WorkflowStep:
    """A workflow step pending since `since`; decided (approved, unless `status`) at `decided`."""
    instance, _ = WorkflowInstance.objects.get_or_create(permit=permit, defaults={"started_at": since or NOW})
    return WorkflowStep.objects.create(
        instance=instance,
        step_id=step_id,
        name=step_id.capitalize(),
        role="verifier" if step_id == "verification" else "approver",
        order=1 if step_id == "verification" else 2,
        assignee=assignee,
        pending_since=since,
        completed_at=decided,
        status=status or (StepStatus.APPROVED if decided else StepStatus.PENDING),
    )


def record(step: WorkflowStep, *, level: int, local_date, reached_at: datetime | None = None) -> EscalationRecord:
    return EscalationRecord.objects.create(
        permit=step.instance.permit,
        step=step,
        level=level,
        event_type="ptw_escalated" if level == 2 else "ptw_overdue",
        reached_at=reached_at or NOW,
        local_date=local_date,
        pending_hours=Decimal("1"),
        recipient_ids=[],
    )
