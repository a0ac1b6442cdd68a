"""Every permit transition is one service function here (DESIGN.md), each performing one
action declared in ptw/actions.py.

Each is atomic (`@performs`: the permit locked, the policy checked): the status change (a
conditional UPDATE), its audit event and its notifications commit together or not at all.
Domain errors (ptw/errors.py) change nothing.
"""

from datetime import datetime

from django.conf import settings

from accounts.models import User

from . import actions
from . import notification_utils as notes
from .actions import performs
from .audit import log_event, transition
from .closeout import missing_closeout_items, start_closeout
from .durations import format_moment
from .end_warnings import schedule_end_warnings
from .errors import IllegalTransition, InvalidInput
from .escalation_schedule import schedule_new_pending_step
from .isolation import unverified_required_points
from .models import (
    Permit,
    PermitStatus,
    StepId,
    StepStatus,
    WorkflowInstance,
    WorkflowStep,
)
from .models.workflow import STEP_ORDER, STEP_ROLE
from .notification_utils import PermitFacts
from .policy import other_part_holders
from .selectors import may_take_step, reviewer_candidates
from .states import ALLOWED_TRANSITIONS, is_allowed
from .validity_requests import lapse_pending_requests

S = PermitStatus


def _step(permit: Permit, step_id: StepId) -> WorkflowStep:
    """The permit's step (the statuses that allow an action on it guarantee it exists)."""
    return WorkflowStep.objects.get(instance__permit=permit, step_id=step_id)


def _open_step(permit: Permit, step_id: StepId, *, now: datetime) -> WorkflowStep:
    """Create (or reopen, after a resubmission) a pending step; the creator must assign it."""
    instance = permit.workflow
    step, _ = WorkflowStep.objects.update_or_create(
        instance=instance,
        step_id=step_id,
        defaults={
            "name": step_id.label,
            "role": STEP_ROLE[step_id],
            "order": STEP_ORDER[step_id],
            "status": StepStatus.PENDING,
            "assignee": None,
            "pending_since": now,
            "completed_at": None,
            "completed_by": None,
            "comments": "",
        },
    )
    schedule_new_pending_step(
        step, project_id=permit.project_id, permit_type_id=permit.permit_type_id, pending_since=now
    )
    step.save(update_fields=["pending_since", "next_check_at"])
    return step


def _assign(permit: Permit, step: WorkflowStep, *, by: User, assignee: User, now: datetime) -> None:
    """Make `assignee` the step's assignee and the permit's verifier or approver (400 if not eligible)."""
    step_id = StepId(step.step_id)
    role = STEP_ROLE[step_id]  # "verifier" or "approver": also the permit's field
    if not may_take_step(assignee, permit, step=step_id, by=by):
        raise InvalidInput({f"{role}_id": [_refusal(permit, step_id, assignee=assignee, by=by)]})
    step.assignee = assignee
    # the task is now the assignee's: overdue counts from here
    schedule_new_pending_step(
        step, project_id=permit.project_id, permit_type_id=permit.permit_type_id, pending_since=now
    )
    step.save(update_fields=["assignee", "pending_since", "next_check_at"])
    setattr(permit, f"{role}_id", assignee.pk)
    Permit.objects.filter(pk=permit.pk).update(**{f"{role}_id": assignee.pk, "updated_at": now})
    log_event(permit, by=by, action=f"{role}_assigned", now=now, comment=f"{assignee.display_name}")


def _refusal(permit: Permit, step_id: StepId, *, assignee: User, by: User) -> str:
    """Why `assignee` may not hold the step. It names them only when they play a part of this
    permit (people the caller already sees on it), never someone from another project."""
    part = other_part_holders(permit, step_id).get(assignee.pk)
    if part is not None:
        who = "You are" if assignee.pk == by.pk else f"{assignee.display_name} is"
        return f"{who} this permit's {part}: its creator, verifier and approver must be three different people."
    return (
        f"Not an eligible {STEP_ROLE[step_id]} for this permit: choose an EPC or client member of its project "
        "(a client picks client members)."
    )


def _complete_step(step: WorkflowStep, *, status: str, by: User, comments: str, now: datetime) -> None:
    step.status = status
    step.completed_at = now
    step.completed_by = by
    step.comments = comments
    step.next_check_at = None
    step.save(update_fields=["status", "completed_at", "completed_by", "comments", "next_check_at"])


def _default_verifier(permit: Permit, *, by: User) -> User | None:
    """The only eligible verifier, else the one PTW_DEFAULT_VERIFIER_USERNAME names, else None."""
    candidates = reviewer_candidates(permit, step=StepId.VERIFICATION, by=by)
    eligible = list(candidates[:2])
    if len(eligible) == 1:
        return eligible[0]
    username = settings.PTW_DEFAULT_VERIFIER_USERNAME
    return candidates.filter(username=username).first() if username else None


@performs(actions.INITIATE)
def initiate_workflow(*, permit: Permit, by: User, now: datetime) -> Permit:
    """Submit a draft: start the workflow, open the verification step, auto-assign if possible."""
    transition(
        permit,
        to=S.SUBMITTED,
        by=by,
        action="submitted",
        now=now,
        fields={"submitted_at": now, "verifier_id": None, "approver_id": None, "rejection_reason": ""},
    )
    WorkflowInstance.objects.update_or_create(
        permit=permit,
        defaults={"status": WorkflowInstance.Status.ACTIVE, "started_at": now, "completed_at": None},
    )
    WorkflowStep.objects.filter(instance__permit=permit, step_id=StepId.APPROVAL).delete()
    step = _open_step(permit, StepId.VERIFICATION, now=now)
    notes.notify_permit_submitted(PermitFacts.of(permit), now=now)
    # The creator chooses the verifier (as in assign_verifier), even when a Grade A admin submits.
    verifier = _default_verifier(permit, by=by)
    if verifier is not None:
        _assign(permit, step, by=by, assignee=verifier, now=now)
        notes.notify_verifier_assigned(PermitFacts.of(permit), verifier.pk, sender_id=by.pk, now=now)
    return permit


@performs(actions.ASSIGN_VERIFIER)
def assign_verifier(*, permit: Permit, by: User, verifier: User, now: datetime) -> Permit:
    """Assign (or reassign) the pending verification step; the verifier is notified."""
    step = _step(permit, StepId.VERIFICATION)
    _assign(permit, step, by=by, assignee=verifier, now=now)
    notes.notify_verifier_assigned(PermitFacts.of(permit), verifier.pk, sender_id=by.pk, now=now)
    return permit


@performs(actions.VERIFY)
def verify_permit(
    *,
    permit: Permit,
    by: User,
    approve: bool,
    comments: str = "",
    approver: User | None = None,
    now: datetime,
) -> Permit:
    """Approve (optionally choosing the approver) or reject the verification step."""
    step = _step(permit, StepId.VERIFICATION)
    if not approve:
        return _reject(permit, step, by=by, comments=comments, stage="verification", now=now)
    _complete_step(step, status=StepStatus.APPROVED, by=by, comments=comments, now=now)
    transition(
        permit,
        to=S.UNDER_REVIEW,
        by=by,
        action="verified",
        comment=comments,
        now=now,
        # whoever verified is the verifier (a Grade A admin may act for the assignee): four eyes count them
        fields={"verified_at": now, "verifier_id": by.pk},
    )
    approval = _open_step(permit, StepId.APPROVAL, now=now)
    if approver is not None:
        _assign(permit, approval, by=by, assignee=approver, now=now)
        notes.notify_approver_assigned(PermitFacts.of(permit), approver.pk, sender_id=by.pk, now=now)
    return permit


@performs(actions.ASSIGN_APPROVER)
def assign_approver(*, permit: Permit, by: User, approver: User, now: datetime) -> Permit:
    """Assign (or reassign) the pending approval step; the approver is notified."""
    step = _step(permit, StepId.APPROVAL)
    _assign(permit, step, by=by, assignee=approver, now=now)
    notes.notify_approver_assigned(PermitFacts.of(permit), approver.pk, sender_id=by.pk, now=now)
    return permit


@performs(actions.APPROVE)
def approve_permit(*, permit: Permit, by: User, approve: bool, comments: str = "", now: datetime) -> Permit:
    """Approve (the approver must be assigned) or reject (with comments) the approval step."""
    step = _step(permit, StepId.APPROVAL)
    if not approve:
        return _reject(permit, step, by=by, comments=comments, stage="approval", now=now)
    if step.assignee_id is None:
        raise IllegalTransition("Assign an approver before approving.", current=permit.status)
    _complete_step(step, status=StepStatus.APPROVED, by=by, comments=comments, now=now)
    transition(
        permit,
        to=S.APPROVED,
        by=by,
        action="approved",
        comment=comments,
        now=now,
        fields={"approved_at": now, "approver_id": by.pk},  # whoever approved is the approver
    )
    WorkflowInstance.objects.filter(permit=permit).update(status=WorkflowInstance.Status.COMPLETED, completed_at=now)
    notes.notify_permit_approved(PermitFacts.of(permit), sender_id=by.pk, now=now)
    return permit


def _reject(permit: Permit, step: WorkflowStep, *, by: User, comments: str, stage: str, now: datetime) -> Permit:
    if not comments.strip():
        raise InvalidInput({"comments": ["Say why the permit is rejected."]})
    _complete_step(step, status=StepStatus.REJECTED, by=by, comments=comments, now=now)
    transition(
        permit,
        to=S.REJECTED,
        by=by,
        action=f"rejected_at_{stage}",
        comment=comments,
        now=now,
        fields={"rejected_at": now, "rejection_reason": comments},
    )
    WorkflowInstance.objects.filter(permit=permit).update(status=WorkflowInstance.Status.REJECTED, completed_at=now)
    notes.notify_permit_rejected(PermitFacts.of(permit), stage=stage, reason=comments, sender_id=by.pk, now=now)
    return permit


@performs(actions.RESUBMIT)
def resubmit_permit(*, permit: Permit, by: User, comment: str = "", now: datetime) -> Permit:
    """Return a rejected permit to draft so its creator can edit it and submit it again."""
    transition(permit, to=S.DRAFT, by=by, action="returned_to_draft", comment=comment, now=now)
    return permit


def _skip_open_steps(permit: Permit, *, now: datetime) -> None:
    WorkflowStep.objects.filter(instance__permit=permit, status=StepStatus.PENDING).update(
        status=StepStatus.SKIPPED, completed_at=now, next_check_at=None
    )


@performs(actions.ACTIVATE)
def activate_permit(*, permit: Permit, by: User, now: datetime) -> Permit:
    """Start the work. Refused while required isolation points are not verified."""
    if permit.permit_type.requires_structured_isolation:
        missing = unverified_required_points(permit)
        if missing:
            raise IllegalTransition(
                f"Cannot activate permit {permit.permit_number}: required isolation points are not "
                f"verified: {', '.join(missing)}.",
                current=permit.status,
                allowed=ALLOWED_TRANSITIONS[permit.status],
                missing=missing,
            )
    fields: dict[str, datetime | None] = {} if permit.actual_start_time else {"actual_start_time": now}
    fields |= schedule_end_warnings(permit)
    transition(permit, to=S.ACTIVE, by=by, action="activated", now=now, fields=fields)
    if permit.permit_type.requires_closeout:
        start_closeout(permit, now=now)
    notes.notify_permit_activated(PermitFacts.of(permit), sender_id=by.pk, now=now)
    return permit


@performs(actions.COMPLETE)
def complete_permit(*, permit: Permit, by: User, comment: str = "", now: datetime) -> Permit:
    """Finish the work. Refused while required closeout items are open (listed in the error)."""
    if permit.permit_type.requires_closeout:
        missing = missing_closeout_items(permit, now=now)
        if missing:
            raise IllegalTransition(
                f"Cannot complete permit {permit.permit_number}: required closeout items are open: "
                f"{', '.join(missing)}.",
                current=permit.status,
                allowed=ALLOWED_TRANSITIONS[permit.status],
                missing=missing,
            )
    transition(
        permit,
        to=S.COMPLETED,
        by=by,
        action="completed",
        comment=comment,
        now=now,
        fields={"completed_at": now, "actual_end_time": now},
    )
    lapse_pending_requests(permit, now=now)
    notes.notify_permit_completed(PermitFacts.of(permit), sender_id=by.pk, now=now)
    return permit


@performs(actions.SUSPEND)
def suspend_permit(*, permit: Permit, by: User, comment: str = "", now: datetime) -> Permit:
    """Stop active work for now (a comment saying why is required); it stays live and can expire."""
    if not comment.strip():
        raise InvalidInput({"comment": ["Say why the work is suspended."]})
    transition(
        permit, to=S.SUSPENDED, by=by, action="suspended", comment=comment, now=now, fields={"suspended_at": now}
    )
    notes.notify_permit_suspended(
        PermitFacts.of(permit),
        reason=comment.strip(),
        ends=format_moment(permit.planned_end_time, permit.project.time_zone),
        sender_id=by.pk,
        now=now,
    )
    return permit


@performs(actions.RESUME)
def resume_permit(*, permit: Permit, by: User, comment: str = "", now: datetime) -> Permit:
    """Resume suspended work."""
    transition(permit, to=S.ACTIVE, by=by, action="resumed", comment=comment, now=now, fields={"suspended_at": None})
    notes.notify_permit_resumed(PermitFacts.of(permit), comment=comment.strip(), sender_id=by.pk, now=now)
    return permit


@performs(actions.CANCEL)
def cancel_permit(*, permit: Permit, by: User, comment: str = "", now: datetime) -> Permit:
    """Cancel the permit at any stage before it ends; its open workflow steps are skipped."""
    transition(
        permit, to=S.CANCELLED, by=by, action="cancelled", comment=comment, now=now, fields={"cancelled_at": now}
    )
    _skip_open_steps(permit, now=now)
    lapse_pending_requests(permit, now=now)
    WorkflowInstance.objects.filter(permit=permit, status=WorkflowInstance.Status.ACTIVE).update(
        status=WorkflowInstance.Status.CANCELLED, completed_at=now
    )
    return permit


def expire_permit(*, permit: Permit, now: datetime) -> bool:
    """System transition of a live permit past its end time. Returns False if it was no longer live.

    The caller (the expiry sweep) holds the transaction and the row lock.
    """
    if not is_allowed(permit.status, S.EXPIRED):
        return False
    was_suspended = permit.status == S.SUSPENDED
    transition(
        permit,
        to=S.EXPIRED,
        by=None,
        action="expired",
        now=now,
        comment="Planned end time passed while the work was suspended."
        if was_suspended
        else "Planned end time passed.",
        fields={"expired_at": now},
    )
    lapsed = lapse_pending_requests(permit, now=now)
    notes.notify_permit_expired(
        PermitFacts.of(permit), was_suspended=was_suspended, extension_lapsed=bool(lapsed), now=now
    )
    return True
