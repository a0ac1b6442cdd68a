"""How long verification and approval took over the board's window, per permit type and step."""

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Project
from ptw.models import StepId, StepStatus, WorkflowStep

from .limits import StepLimits
from .project_steps import project_step_rows
from .window import Window

DECIDED = (StepStatus.APPROVED, StepStatus.REJECTED)


@dataclass(frozen=True)
class StepTimes:
    """Decisions of one step of one permit type in the window: hours from pending to decided."""

    permit_type_id: int
    permit_type: str
    step_id: str
    decided: int
    median_hours: float
    p90_hours: float
    limit_hours: Decimal
    within_limit: int

    @property
    def step_label(self) -> str:
        return StepId(self.step_id).label

    @property
    def within_share(self) -> float:
        """Share of decisions made within the limit, 0–1."""
        return self.within_limit / self.decided


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def step_times(project: Project, *, window: Window, limits: StepLimits) -> list[StepTimes]:
    """Per (permit type, step) with at least one decision (approved or rejected) in the window.

    A step's time runs from `pending_since` (when it became its assignee's task) to its decision,
    as overdue does. Two queries over the window's decided steps (see project_steps);
    the limit is the rule in force now.
    """
    decided = WorkflowStep.objects.filter(
        status__in=DECIDED, completed_at__gte=window.start, completed_at__lte=window.end, pending_since__isnull=False
    )
    rows = project_step_rows(project, decided, ("step_id", "pending_since", "completed_at"))
    hours: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for type_id, type_name, step_id, since, decided in rows:
        hours[(type_id, type_name, step_id)].append(max((decided - since).total_seconds(), 0) / 3600)
    stats = []
    for (type_id, type_name, step_id), values in hours.items():
        values.sort()
        limit = limits.hours(type_id, step_id)
        stats.append(
            StepTimes(
                permit_type_id=type_id,
                permit_type=type_name,
                step_id=step_id,
                decided=len(values),
                median_hours=percentile(values, 0.5),
                p90_hours=percentile(values, 0.9),
                limit_hours=limit,
                within_limit=sum(value <= float(limit) for value in values),
            )
        )
    order: dict[str, int] = {StepId.VERIFICATION: 0, StepId.APPROVAL: 1}
    return sorted(stats, key=lambda stat: (stat.permit_type.lower(), order.get(stat.step_id, 9)))
