"""Who is blocking: a project's pending steps grouped by assignee, oldest first."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from accounts.models import Project, User
from ptw.models import StepStatus, WorkflowStep

from .limits import StepLimits

BLOCKING_LIMIT = 200


@dataclass(frozen=True)
class WaitingStep:
    step: WorkflowStep
    waited: timedelta
    limit_hours: Decimal

    @property
    def is_overdue(self) -> bool:
        return self.waited >= timedelta(hours=float(self.limit_hours))

    @property
    def share_of_limit(self) -> float:
        """How much of the limit has gone (1.0 = at the limit)."""
        return self.waited.total_seconds() / 3600 / float(self.limit_hours)


@dataclass
class Blocker:
    """One assignee (None: nobody assigned, the permit's creator must assign) and their waiting steps."""

    assignee: User | None
    steps: list[WaitingStep] = field(default_factory=list)

    @property
    def oldest(self) -> timedelta:
        return self.steps[0].waited

    @property
    def overdue(self) -> int:
        return sum(step.is_overdue for step in self.steps)


def blocking(project: Project, *, now: datetime, limits: StepLimits, limit: int = BLOCKING_LIMIT) -> list[Blocker]:
    """Blockers ordered by their oldest waiting step; within each, oldest first. One query."""
    steps = (
        WorkflowStep.objects.filter(
            status=StepStatus.PENDING, pending_since__isnull=False, instance__permit__project=project
        )
        .select_related("assignee", "instance__permit__permit_type", "instance__permit__created_by")
        .order_by("pending_since", "pk")[:limit]
    )
    groups: dict[int | None, Blocker] = {}
    for step in steps:
        if step.pending_since is None:  # not anybody's task yet (the query asks for pending_since)
            continue
        permit = step.instance.permit
        waiting = WaitingStep(step, now - step.pending_since, limits.hours(permit.permit_type_id, step.step_id))
        groups.setdefault(step.assignee_id, Blocker(step.assignee)).steps.append(waiting)
    return list(groups.values())  # dicts keep insertion order: the first step seen is each group's oldest
