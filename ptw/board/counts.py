"""The board's live counts for one project."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import Count, Q

from accounts.models import Project
from ptw.models import Permit, PermitStatus
from ptw.states import IN_WORKFLOW_STATUSES, LIVE_STATUSES

from .attention import ending_soon_q, escalations_today, overdue_steps
from .limits import StepLimits

S = PermitStatus


@dataclass(frozen=True)
class BoardCounts:
    active: int
    ending_soon: int
    suspended: int
    awaiting_verification: int
    awaiting_approval: int
    steps_overdue: int
    escalated_today: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def board_counts(project: Project, *, now: datetime, limits: StepLimits) -> BoardCounts:
    """Three aggregate queries, each reading only live rows through an index:

    permits by status (permit_project_status, live and in-workflow statuses only), pending steps
    past their limit (workflowstep_pending), and today's escalations (escalationrecord_day).
    """
    permits = Permit.objects.filter(project=project, status__in=(*LIVE_STATUSES, *IN_WORKFLOW_STATUSES)).aggregate(
        active=Count("pk", filter=Q(status=S.ACTIVE)),
        ending_soon=Count("pk", filter=ending_soon_q(now)),
        suspended=Count("pk", filter=Q(status=S.SUSPENDED)),
        awaiting_verification=Count("pk", filter=Q(status=S.SUBMITTED)),
        awaiting_approval=Count("pk", filter=Q(status=S.UNDER_REVIEW)),
    )
    steps_overdue = overdue_steps(limits, now).filter(instance__permit__project=project).count()
    escalated = escalations_today([project], now).values("step_id").distinct().count()
    return BoardCounts(**permits, steps_overdue=steps_overdue, escalated_today=escalated)
