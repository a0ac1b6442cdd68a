"""When a pending workflow step must next be looked at by the overdue sweep.

A step's time limit comes from the active EscalationRule for (permit type, step) of the
permit's project, else the global one (no project), else PTW_DEFAULT_ESCALATION_HOURS.
Levels (EscalationLevel rows) are multiples of that limit.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet

from .models import EscalationLevel, EscalationRule, WorkflowStep


def rules_in_force(*, project_id: Any, permit_type_id: Any, step_id: Any) -> QuerySet[EscalationRule]:
    """The active rules that may apply to a step, the project's own first, then the global one.

    The arguments may be OuterRef()s: the overdue sweep reads the first row as a subquery.
    """
    return EscalationRule.objects.filter(
        Q(project_id=project_id) | Q(project__isnull=True),
        permit_type_id=permit_type_id,
        step_name=step_id,
        is_active=True,
    ).order_by(F("project_id").asc(nulls_last=True))


def rule_for(*, project_id: int, permit_type_id: int, step_id: str) -> EscalationRule | None:
    """The rule a step of this project, permit type and step follows (None: the default limit)."""
    return rules_in_force(project_id=project_id, permit_type_id=permit_type_id, step_id=step_id).first()


def first_check_at(*, pending_since: datetime, project_id: int, permit_type_id: int, step_id: str) -> datetime:
    """When a step that just became pending reaches the first level of its chain."""
    rule = rule_for(project_id=project_id, permit_type_id=permit_type_id, step_id=step_id)
    hours = Decimal(rule.time_limit_hours) if rule else default_limit_hours()
    return pending_since + timedelta(hours=float(hours * first_level_multiplier(rule)))


def time_limit_hours(*, project_id: int, permit_type_id: int, step_id: str) -> Decimal:
    rule = rule_for(project_id=project_id, permit_type_id=permit_type_id, step_id=step_id)
    return Decimal(rule.time_limit_hours) if rule else default_limit_hours()


def default_limit_hours() -> Decimal:
    return Decimal(str(settings.PTW_DEFAULT_ESCALATION_HOURS))


def first_level_multiplier(rule: EscalationRule | None) -> Decimal:
    """The lowest multiplier of the rule's own active levels, else of the global ones (1 without any)."""
    levels = EscalationLevel.objects.filter(is_active=True).order_by("multiplier")
    own = levels.filter(rule=rule).first() if rule is not None else None
    level = own or levels.filter(rule__isnull=True).first()
    return Decimal(level.multiplier) if level else Decimal(1)


def schedule_new_pending_step(
    step: WorkflowStep, *, project_id: int, permit_type_id: int, pending_since: datetime
) -> None:
    """Set `pending_since` and `next_check_at` on a step that just became someone's task (caller saves)."""
    step.pending_since = pending_since
    step.next_check_at = first_check_at(
        pending_since=pending_since, project_id=project_id, permit_type_id=permit_type_id, step_id=step.step_id
    )


def reschedule_pending_steps(*, project_id: int | None, permit_type_id: int, step_id: str) -> int:
    """Make steps already pending re-evaluate their limit at the next sweep (after a rule change).

    The sweep computes the levels reached under the current rule and the proper next check;
    setting next_check_at to pending_since makes them due without guessing here.
    """
    steps = WorkflowStep.objects.filter(
        status="pending",
        step_id=step_id,
        instance__permit__permit_type_id=permit_type_id,
    )
    if project_id is not None:  # a global rule's change may concern every project
        steps = steps.filter(instance__permit__project_id=project_id)
    return steps.update(next_check_at=F("pending_since"))
