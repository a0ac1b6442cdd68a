"""Reads that decide what a user may see; shared by the API and the web pages."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import eligible_reviewers

from .models import (
    CloseoutTemplate,
    IsolationStatus,
    Permit,
    PermitCloseout,
    PermitIsolationPoint,
    PermitStatus,
    StepId,
    StepStatus,
    WorkflowStep,
)
from .policy import other_part_holders


def permits_visible_to(user: User) -> QuerySet[Permit]:
    """Permits of the projects the user is an active member of."""
    if not user.is_authenticated:
        return Permit.objects.none()
    return Permit.objects.filter(project__memberships__user=user, project__memberships__is_active=True).select_related(
        "permit_type", "project", "created_by", "verifier", "approver", "holder"
    )


def permit_get_for_user(user: User, permit_id: int) -> Permit:
    """The permit, or Http404 when it does not exist or the user may not see it."""
    try:
        return permits_visible_to(user).get(pk=permit_id)
    except (Permit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such permit.") from None


def my_pending_steps(user: User) -> QuerySet[WorkflowStep]:
    """Workflow steps waiting for this user, oldest first."""
    return (
        WorkflowStep.objects.filter(
            assignee=user,
            status=StepStatus.PENDING,
            # a member who left the project no longer sees (or acts on) its permits
            instance__permit__project__memberships__user=user,
            instance__permit__project__memberships__is_active=True,
        )
        .select_related("instance__permit__permit_type", "instance__permit__project", "instance__permit__created_by")
        .order_by("pending_since", "id")
    )


def reviewer_candidates(permit: Permit, *, step: StepId, by: User) -> QuerySet[User]:
    """Who may be assigned to the permit's `step` when `by` assigns it, by username.

    EPC and client members of the project (a client chooser picks only client members), never
    someone who plays another part of the permit (four eyes: its creator, verifier and approver
    are three different people). The creator is the chooser of the verifier, whoever assigns
    it; the approver is chosen by whoever assigns it — usually the person verifying, who then
    becomes the verifier. The assigning services, the web forms and the API's candidate lists
    all read this.
    """
    chooser = permit.created_by if step == StepId.VERIFICATION else by
    holders = other_part_holders(permit, step)
    if step == StepId.APPROVAL and permit.status == PermitStatus.SUBMITTED:
        # chosen while verifying: `by` is the verifier-to-be, not whoever was assigned to verify
        holders = {user_id: part for user_id, part in holders.items() if part != "verifier"} | {by.pk: "verifier"}
    return eligible_reviewers(project_id=permit.project_id, chooser=chooser, exclude_ids=holders)


def may_take_step(user: User, permit: Permit, *, step: StepId, by: User | None = None) -> bool:
    """May `user` hold `step` of `permit` — be assigned it by `by`, or take it over (`by` omitted)?

    The one answer for every way a step changes hands (assignment, reassignment, take-over):
    an eligible reviewer of the project who plays no other part of the permit.
    """
    return reviewer_candidates(permit, step=step, by=by or user).filter(pk=user.pk).exists()


def closeout_for(permit: Permit) -> PermitCloseout:
    """The permit's closeout, or an unsaved one built from its type's active template (for reading)."""
    closeout = PermitCloseout.objects.filter(permit=permit).select_related("completed_by").first()
    if closeout is not None:
        return closeout
    template = CloseoutTemplate.objects.filter(permit_type_id=permit.permit_type_id, is_active=True).first()
    items = [
        {
            "key": item["key"],
            "label": item["label"],
            "required": bool(item.get("required", True)),
            "done": False,
            "remarks": "",
        }
        for item in (template.items if template else [])
    ]
    return PermitCloseout(permit=permit, template=template, items=items)


def points_in_place(permit: Permit) -> QuerySet[PermitIsolationPoint]:
    """The permit's isolation points still in place (isolated or verified): a handover confirms each."""
    return (
        PermitIsolationPoint.objects.filter(
            permit=permit, status__in=[IsolationStatus.ISOLATED, IsolationStatus.VERIFIED]
        )
        .select_related("point")
        .order_by("point__code")
    )


def handover_candidates(permit: Permit) -> QuerySet[User]:
    """Who may take a permit over at a shift change: active members of its project but its holder."""
    return (
        User.objects.filter(is_active=True, memberships__project_id=permit.project_id, memberships__is_active=True)
        .exclude(pk=permit.holder_user_id)
        .order_by("first_name", "last_name", "username")
    )
