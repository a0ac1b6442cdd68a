"""Who may take which action on a permit, now. Services enforce it; pages use it to offer buttons."""

from dataclasses import dataclass

from accounts.models import Grade, Membership, User

from .errors import ActionNotAllowed, IllegalTransition
from .models import Permit, StepId, StepStatus, WorkflowStep
from .states import ALLOWED_TRANSITIONS, PermitStatus

S = PermitStatus

# The statuses each action needs, and the status it moves the permit to (None: no status change).
ACTION_STATUS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "edit": ((S.DRAFT,), None),
    "initiate": ((S.DRAFT,), S.SUBMITTED),
    "assign_verifier": ((S.SUBMITTED,), None),
    "verify": ((S.SUBMITTED,), S.UNDER_REVIEW),
    "assign_approver": ((S.UNDER_REVIEW,), None),
    "approve": ((S.UNDER_REVIEW,), S.APPROVED),
    "activate": ((S.APPROVED,), S.ACTIVE),
    "complete": ((S.ACTIVE,), S.COMPLETED),
    "suspend": ((S.ACTIVE,), S.SUSPENDED),
    "resume": ((S.SUSPENDED,), S.ACTIVE),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ACTIVE, S.SUSPENDED), S.CANCELLED),
    "resubmit": ((S.REJECTED,), S.DRAFT),
    "isolation": ((S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ACTIVE, S.SUSPENDED, S.COMPLETED), None),
    "closeout": ((S.ACTIVE, S.SUSPENDED), None),
}
ACTION_LABELS = {
    "edit": "edit",
    "initiate": "submit",
    "assign_verifier": "assign a verifier",
    "verify": "verify",
    "assign_approver": "assign an approver",
    "approve": "approve",
    "activate": "activate",
    "complete": "complete",
    "suspend": "suspend",
    "resume": "resume",
    "cancel": "cancel",
    "resubmit": "resubmit",
    "isolation": "update isolation on",
    "closeout": "update the closeout of",
}


@dataclass(frozen=True)
class Actor:
    """A user as seen from one permit's project."""

    user: User
    membership: Membership | None

    @property
    def is_grade_a(self) -> bool:
        return bool(self.membership and self.membership.grade == Grade.A)

    @property
    def is_admin(self) -> bool:
        return bool(self.membership and self.membership.is_project_admin)


def actor_for(user: User, permit: Permit) -> Actor:
    membership = Membership.objects.filter(user=user, project_id=permit.project_id, is_active=True).first()
    return Actor(user, membership)


STEP_ACTIONS = ("verify", "approve")  # the actions only a pending step's assignee may take


def _pending_assignees(permit: Permit) -> dict[str, int | None]:
    """{step_id: assignee id} of the permit's pending workflow steps (one query)."""
    return dict(
        WorkflowStep.objects.filter(instance__permit=permit, status=StepStatus.PENDING).values_list(
            "step_id", "assignee_id"
        )
    )


def _is_permitted(actor: Actor, permit: Permit, action: str, pending: dict[str, int | None]) -> bool:
    uid = actor.user.pk
    if actor.membership is None:
        return False
    is_creator = permit.created_by_id == uid
    if action in STEP_ACTIONS and is_creator:
        return False  # nobody verifies or approves their own permit, whatever their grade
    if actor.is_grade_a and action != "edit":
        return True
    if action in ("edit", "initiate", "resubmit", "assign_verifier"):
        return is_creator
    if action == "verify":
        return StepId.VERIFICATION in pending and pending[StepId.VERIFICATION] == uid
    if action == "approve":
        return StepId.APPROVAL in pending and pending[StepId.APPROVAL] == uid
    if action == "assign_approver":
        return is_creator or permit.verifier_id == uid
    if action in ("activate", "complete", "closeout"):
        return is_creator or permit.approver_id == uid
    if action == "suspend":
        return actor.is_admin or uid in (permit.created_by_id, permit.verifier_id, permit.approver_id)
    if action == "resume":
        return actor.is_admin or permit.approver_id == uid
    if action == "cancel":
        return actor.is_admin or is_creator
    # isolation: any project member does field work; the isolation service checks who verifies
    return action == "isolation"


def require(actor: Actor, permit: Permit, action: str) -> None:
    """Raise IllegalTransition (wrong status) or ActionNotAllowed (wrong person)."""
    statuses, _ = ACTION_STATUS[action]
    if permit.status not in statuses:
        allowed = ALLOWED_TRANSITIONS.get(permit.status, ())
        allowed_text = ", ".join(allowed) if allowed else "none (it is final)"
        raise IllegalTransition(
            f"Cannot {ACTION_LABELS[action]} permit {permit.permit_number}: it is {permit.status}; "
            f"allowed next statuses: {allowed_text}.",
            current=permit.status,
            allowed=allowed,
        )
    pending = _pending_assignees(permit) if action in STEP_ACTIONS else {}
    if not _is_permitted(actor, permit, action, pending):
        raise ActionNotAllowed(f"You may not {ACTION_LABELS[action]} permit {permit.permit_number}.")


def available_actions(actor: Actor, permit: Permit) -> list[str]:
    """The actions this user may take on this permit now (for buttons)."""
    pending = _pending_assignees(permit)
    return [
        action
        for action, (statuses, _) in ACTION_STATUS.items()
        if permit.status in statuses and _is_permitted(actor, permit, action, pending)
    ]
