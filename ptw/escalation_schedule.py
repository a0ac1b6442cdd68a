"""When a pending workflow step must next be looked at by the overdue sweep.

A step's time limit comes from the active EscalationRule for (permit type, step), else
PTW_DEFAULT_ESCALATION_HOURS. Levels (EscalationLevel rows) are multiples of that limit.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F

from .models import EscalationLevel, EscalationRule, WorkflowStep


def time_limit_hours(*, permit_type_id: int, step_id: str) -> Decimal:
    rule = (
        EscalationRule.objects.filter(permit_type_id=permit_type_id, step_name=step_id, is_active=True)
        .only("time_limit_hours")
        .first()
    )
    if rule is not None:
        return Decimal(rule.time_limit_hours)
    return Decimal(str(settings.PTW_DEFAULT_ESCALATION_HOURS))


def first_level_multiplier() -> Decimal:
    level = EscalationLevel.objects.filter(is_active=True).order_by("multiplier").first()
    return Decimal(level.multiplier) if level else Decimal(1)


def first_check_at(*, pending_since: datetime, permit_type_id: int, step_id: str) -> datetime:
    """When a step that just became pending reaches its first level."""
    hours = time_limit_hours(permit_type_id=permit_type_id, step_id=step_id) * first_level_multiplier()
    return pending_since + timedelta(hours=float(hours))


def schedule_new_pending_step(step: WorkflowStep, *, permit_type_id: int, pending_since: datetime) -> None:
    """Set `pending_since` and `next_check_at` on a step that just became someone's task (caller saves)."""
    step.pending_since = pending_since
    step.next_check_at = first_check_at(
        pending_since=pending_since, permit_type_id=permit_type_id, step_id=step.step_id
    )


def reschedule_pending_steps(*, permit_type_id: int, step_id: str) -> int:
    """Make steps already pending re-evaluate their limit at the next sweep (after a rule change).

    The sweep computes the levels reached under the current rule and the proper next check;
    setting next_check_at to pending_since makes them due without guessing here.
    """
    return WorkflowStep.objects.filter(
        status="pending",
        step_id=step_id,
        instance__permit__permit_type_id=permit_type_id,
    ).update(next_check_at=F("pending_since"))
