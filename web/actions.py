"""The actions a permit page offers: for each, its form and the service it calls.

Keys are the names in ptw.policy.ACTION_STATUS (what `available_actions` returns), except the
isolation action, which the page offers as two forms (assign a point, move a point on).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from accounts.models import User
from ptw import closeout, isolation, workflow
from ptw.isolation import STEP_FOR_ACTION
from ptw.models import Permit, PermitIsolationPoint
from ptw.models.isolation import ISOLATION_NEXT

from .forms import (
    ActionForm,
    AssignApproverForm,
    AssignVerifierForm,
    CloseoutForm,
    CommentForm,
    DecisionForm,
    IsolationAssignForm,
    IsolationUpdateForm,
    RequiredCommentForm,
    VerifyForm,
)


@dataclass(frozen=True)
class Action:
    policy: str  # the ptw.policy action that must be available to the user
    label: str  # button text
    done: str  # message after success
    form: type[ActionForm]
    run: Callable[[Permit, User, forms.Form], object]
    danger: bool = False


def _comment(form) -> str:
    return form.cleaned_data.get("comment", "")


ACTIONS: dict[str, Action] = {
    "initiate": Action(
        "initiate",
        "Submit for verification",
        "Permit submitted.",
        ActionForm,
        lambda p, u, f: workflow.initiate_workflow(permit=p, by=u),
    ),
    "assign_verifier": Action(
        "assign_verifier",
        "Assign verifier",
        "Verifier assigned.",
        AssignVerifierForm,
        lambda p, u, f: workflow.assign_verifier(permit=p, by=u, verifier=f.cleaned_data["verifier"]),
    ),
    "verify": Action(
        "verify",
        "Record verification",
        "Verification recorded.",
        VerifyForm,
        lambda p, u, f: workflow.verify_permit(
            permit=p,
            by=u,
            approve=f.approve,
            comments=f.cleaned_data["comments"],
            approver=f.cleaned_data["approver"] if f.approve else None,
        ),
    ),
    "assign_approver": Action(
        "assign_approver",
        "Assign approver",
        "Approver assigned.",
        AssignApproverForm,
        lambda p, u, f: workflow.assign_approver(permit=p, by=u, approver=f.cleaned_data["approver"]),
    ),
    "approve": Action(
        "approve",
        "Record approval",
        "Approval recorded.",
        DecisionForm,
        lambda p, u, f: workflow.approve_permit(permit=p, by=u, approve=f.approve, comments=f.cleaned_data["comments"]),
    ),
    "activate": Action(
        "activate",
        "Activate (start work)",
        "Permit activated.",
        ActionForm,
        lambda p, u, f: workflow.activate_permit(permit=p, by=u),
    ),
    "complete": Action(
        "complete",
        "Complete",
        "Permit completed.",
        CommentForm,
        lambda p, u, f: workflow.complete_permit(permit=p, by=u, comment=_comment(f)),
    ),
    "suspend": Action(
        "suspend",
        "Suspend",
        "Permit suspended.",
        RequiredCommentForm,
        lambda p, u, f: workflow.suspend_permit(permit=p, by=u, comment=_comment(f)),
        danger=True,
    ),
    "resume": Action(
        "resume",
        "Resume",
        "Permit resumed.",
        CommentForm,
        lambda p, u, f: workflow.resume_permit(permit=p, by=u, comment=_comment(f)),
    ),
    "resubmit": Action(
        "resubmit",
        "Return to draft",
        "Permit returned to draft.",
        CommentForm,
        lambda p, u, f: workflow.resubmit_permit(permit=p, by=u, comment=_comment(f)),
    ),
    "cancel": Action(
        "cancel",
        "Cancel permit",
        "Permit cancelled.",
        CommentForm,
        lambda p, u, f: workflow.cancel_permit(permit=p, by=u, comment=_comment(f)),
        danger=True,
    ),
    "isolation_assign": Action(
        "isolation",
        "Add isolation point",
        "Isolation point added.",
        IsolationAssignForm,
        lambda p, u, f: isolation.assign_isolation_point(
            permit=p, by=u, point=f.cleaned_data["point"], required=f.cleaned_data["required"]
        ),
    ),
    "isolation_update": Action(
        "isolation",
        "Update",
        "Isolation point updated.",
        IsolationUpdateForm,
        lambda p, u, f: isolation.update_isolation_point(
            assignment=f.cleaned_data["assignment"],
            by=u,
            action=f.cleaned_data["step"],
            lock_ids=f.cleaned_data["lock_ids"],
            notes=f.cleaned_data["notes"],
        ),
    ),
    "closeout": Action(
        "closeout",
        "Save checklist",
        "Closeout checklist saved.",
        CloseoutForm,
        lambda p, u, f: closeout.update_closeout(
            permit=p, by=u, items=f.item_changes(), remarks=f.cleaned_data["remarks"]
        ),
    ),
}

# The isolation step that moves a point on from its status ("isolate" when assigned, ...).
NEXT_STEP = {
    status: step
    for step, target in STEP_FOR_ACTION.items()
    for status, following in ISOLATION_NEXT.items()
    if following == target
}

# The buttons in the page's action bar, in this order (the others live in their sections).
BAR_ACTIONS = (
    "initiate",
    "assign_verifier",
    "verify",
    "assign_approver",
    "approve",
    "activate",
    "complete",
    "suspend",
    "resume",
    "resubmit",
    "cancel",
)


def offered(available: list[str]) -> list[str]:
    """The page's action keys for the policy actions available to the user."""
    return [key for key, action in ACTIONS.items() if action.policy in available]


def make_form(key: str, permit: Permit, user: User, data=None, **kwargs) -> forms.Form:
    kwargs.update(permit=permit, user=user, prefix=key)
    if key == "closeout":
        kwargs["items"] = closeout.closeout_for(permit).items
    return ACTIONS[key].form(data, **kwargs)


def isolation_rows(permit: Permit, user: User, *, can_update: bool) -> list[tuple]:
    """(assignment, form to move it on or None) for each isolation point of the permit."""
    assignments = (
        PermitIsolationPoint.objects.filter(permit=permit)
        .select_related("point", "isolated_by", "verified_by", "deisolated_by")
        .order_by("point__code")
    )
    rows = []
    for assignment in assignments:
        step = NEXT_STEP.get(assignment.status)
        form = None
        if can_update and step:
            form = make_form(
                "isolation_update",
                permit,
                user,
                auto_id=f"id_iso{assignment.pk}_%s",
                initial={"assignment": assignment.pk, "step": step},
            )
        rows.append((assignment, form, step))
    return rows
