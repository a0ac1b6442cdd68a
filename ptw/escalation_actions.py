"""Acting on an escalation (issue 12): acknowledge it, reassign the step, take it over.

Each performs one action of ptw/actions.py on the permit's pending workflow step: atomic, the
permit locked and the policy checked by `@performs`, then the step's row locked too, so a sweep
working on the same step finishes first (or skips it) and no notification is lost or sent twice.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from accounts.models import User

from . import actions
from . import notification_utils as notes
from .actions import performs
from .audit import log_event
from .errors import ActionNotAllowed, IllegalTransition, InvalidInput
from .escalation_schedule import rule_for, schedule_new_pending_step
from .models import EscalationRecord, Permit, StepId, StepStatus, WorkflowStep
from .models.workflow import STEP_ROLE
from .notification_utils import PermitFacts
from .selectors import may_take_step

DEFAULT_ACKNOWLEDGEMENT_HOURS = Decimal(1)


def _locked_pending(permit: Permit, step: WorkflowStep) -> WorkflowStep:
    """The step's row, locked and re-read; 409 unless it is still pending."""
    locked = WorkflowStep.objects.select_for_update().get(pk=step.pk)
    if locked.status != StepStatus.PENDING:
        raise IllegalTransition(
            f"The {locked.name.lower()} of permit {permit.permit_number} is no longer pending.", current=permit.status
        )
    return locked


@performs(actions.ACKNOWLEDGE_ESCALATION)
def acknowledge_escalation(*, permit: Permit, by: User, step: WorkflowStep, note: str, now: datetime) -> WorkflowStep:
    """Say you are on it: the chain's next levels wait the rule's acknowledgement timeout (1 h by default).

    The note goes on the timeline; the others the step's chain reached are told who took it.
    """
    step = _locked_pending(permit, step)
    reached = EscalationRecord.objects.filter(step=step, reached_at__gte=step.pending_since)
    told_before = {user_id for ids in reached.values_list("recipient_ids", flat=True) for user_id in ids}
    if not told_before:
        raise IllegalTransition(
            f"Nothing to acknowledge: the {step.name.lower()} of permit {permit.permit_number} is not overdue yet.",
            current=permit.status,
        )
    rule = rule_for(project_id=permit.project_id, permit_type_id=permit.permit_type_id, step_id=step.step_id)
    hours = rule.acknowledgement_timeout_hours if rule else DEFAULT_ACKNOWLEDGEMENT_HOURS
    step.acknowledged_at, step.acknowledged_by = now, by
    step.acknowledged_until = step.next_check_at = now + timedelta(hours=float(hours))
    step.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_until", "next_check_at"])
    log_event(permit, by=by, action="escalation_acknowledged", now=now, comment=note)
    told = sorted(told_before - {by.pk})  # everyone the chain reached since the step became pending
    notes.notify_escalation_acknowledged(
        PermitFacts.of(permit), told, step_name=step.name, step_pk=step.pk, by=by, note=note, now=now
    )
    return step


@performs(actions.REASSIGN_STEP)
def reassign_step(*, permit: Permit, by: User, step: WorkflowStep, assignee: User, now: datetime) -> WorkflowStep:
    """Hand the pending step to another eligible reviewer, who is told; its clock starts again."""
    step = _locked_pending(permit, step)
    if assignee.pk == step.assignee_id or not may_take_step(assignee, permit, step=StepId(step.step_id), by=by):
        raise InvalidInput(
            {
                "assignee_id": [
                    f"{assignee.display_name} cannot take the {step.name.lower()} of this permit: it needs an "
                    "eligible reviewer other than its assignee, creator, verifier and approver."
                ]
            }
        )
    return _hand_over(permit, step, by=by, assignee=assignee, now=now)


@performs(actions.TAKE_OVER_STEP)
def take_over_step(*, permit: Permit, by: User, step: WorkflowStep, now: datetime) -> WorkflowStep:
    """Take the pending step yourself (when you are eligible for it, never on your own permit)."""
    step = _locked_pending(permit, step)
    if step.assignee_id == by.pk:
        raise ActionNotAllowed(f"The {step.name.lower()} of permit {permit.permit_number} is already yours.")
    return _hand_over(permit, step, by=by, assignee=by, now=now)


def _hand_over(permit: Permit, step: WorkflowStep, *, by: User, assignee: User, now: datetime) -> WorkflowStep:
    """Make `assignee` the step's assignee and the permit's verifier or approver; the chain starts over."""
    previous = step.assignee
    step.assignee = assignee
    step.acknowledged_at = step.acknowledged_by = step.acknowledged_until = None
    schedule_new_pending_step(
        step, project_id=permit.project_id, permit_type_id=permit.permit_type_id, pending_since=now
    )
    step.save(
        update_fields=[
            "assignee",
            "pending_since",
            "next_check_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledged_until",
        ]
    )
    role = STEP_ROLE[StepId(step.step_id)]  # "verifier" or "approver": also the permit's field
    setattr(permit, f"{role}_id", assignee.pk)
    Permit.objects.filter(pk=permit.pk).update(**{f"{role}_id": assignee.pk, "updated_at": now})
    was = f" (was {previous.display_name})" if previous else ""
    action = "step_taken_over" if assignee.pk == by.pk else "step_reassigned"
    log_event(permit, by=by, action=action, now=now, comment=f"{step.name}: {assignee.display_name}{was}")
    facts = PermitFacts.of(permit)
    if step.step_id == StepId.VERIFICATION:
        notes.notify_verifier_assigned(facts, assignee.pk, sender_id=by.pk, now=now)
    else:
        notes.notify_approver_assigned(facts, assignee.pk, sender_id=by.pk, now=now)
    return step
