"""Every action a person takes on a permit, declared once (docs/architecture.md, "How to add an action").

An entry says which permit statuses allow the action, who may take it (a ptw.policy
predicate), the words people read (label, button, confirmation), its input in both shapes
(an HTML form, an API serializer, each producing the service's keyword arguments), whether
it is dangerous, and its API route. Its service binds itself to it with `@performs(entry)`.

Derived from here: the policy (`require`, `available_actions`), the API routes and their
OpenAPI descriptions (ptw/api/urls.py), and the permit page's buttons and forms (web/).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection, models, transaction
from rest_framework import serializers

from accounts.models import User

from .api import serializers_input as inputs
from .errors import ActionNotAllowed, IllegalTransition
from .forms import (
    AcknowledgeForm,
    ActionForm,
    AssignApproverForm,
    AssignVerifierForm,
    CancelForm,
    CloseoutForm,
    CommentForm,
    DecisionForm,
    IsolateForm,
    IsolationAssignForm,
    IsolationStepForm,
    PermitForm,
    ReassignForm,
    RequiredCommentForm,
    StepActionForm,
    VerifyForm,
)
from .models import IsolationStatus, Permit, StepId, WorkflowStep
from .policy import (
    Actor,
    PolicyContext,
    Rule,
    Who,
    actor_for,
    another_part,
    any_member,
    approver,
    assignee_of,
    creator,
    escalation_recipient,
    grade_a,
    pending_assignee,
    permitted,
    project_admin,
    step_escalated,
    verifier,
)
from .selectors import may_take_step
from .states import ALLOWED_TRANSITIONS, PermitStatus, status_phrase, statuses_phrase

S = PermitStatus


@dataclass(frozen=True)
class Target:
    """What an action acts on: the permit itself, or one of its parts (an isolation point, ...).

    `kwarg` is the service's keyword for the part; `path` and `url_name` place its API routes
    under /permits/{id}/; `find` looks the part up within the permit (None: not there, 404).
    """

    name: str
    path: str
    url_name: str
    kwarg: str | None = None
    find: Callable[[Permit, int], models.Model | None] | None = None
    missing: str = ""


PERMIT = Target("permit", path="workflow", url_name="workflow")
ISOLATION_POINT = Target(
    "isolation point",
    path="isolation/<int:assignment_id>",
    url_name="isolation",
    kwarg="assignment",
    find=lambda permit, pk: permit.isolation_points.filter(pk=pk).first(),
    missing="No such isolation point on this permit.",
)


WORKFLOW_STEP = Target(
    "workflow step",
    path="steps/<int:step_id>",
    url_name="step",
    kwarg="step",
    find=lambda permit, pk: WorkflowStep.objects.filter(instance__permit=permit, pk=pk).first(),
    missing="No such workflow step on this permit.",
)


@dataclass(eq=False)
class Action:
    name: str  # the key: what `available_actions` lists, the web page's URL and form prefix
    statuses: tuple[PermitStatus, ...]  # the permit statuses that allow it
    who: Who  # who may take it (beyond being an active member of the permit's project)
    label: str  # a verb phrase: "You may not {label} permit PTW-2026-000001."
    button: str  # the button's text, and the API operation's summary
    confirmation: str  # the sentence shown once it is done
    form: type[ActionForm] | type[PermitForm]  # HTML input → the service's keyword arguments
    serializer: type[serializers.Serializer]  # JSON input → the same keyword arguments
    route: str | None = None  # API: POST /permits/{id}/<target path>/<route>/; None: a resource view serves it
    target: Target = PERMIT
    dangerous: bool = False  # shown as a warning button
    service: Callable[..., Any] | None = field(default=None, repr=False)  # bound by @performs

    def __str__(self) -> str:
        return self.name


EDIT = Action(
    "edit",
    statuses=(S.DRAFT,),
    who=creator,
    label="edit",
    button="Edit",
    confirmation="Permit saved.",
    form=PermitForm,
    serializer=inputs.PermitUpdateSerializer,
)
INITIATE = Action(
    "initiate",
    statuses=(S.DRAFT,),
    who=creator | grade_a,
    label="submit",
    button="Submit for verification",
    confirmation="Permit submitted.",
    form=ActionForm,
    serializer=inputs.EmptySerializer,
    route="initiate",
)
ASSIGN_VERIFIER = Action(
    "assign_verifier",
    statuses=(S.SUBMITTED,),
    who=creator | grade_a,
    label="assign a verifier",
    button="Assign verifier",
    confirmation="Verifier assigned.",
    form=AssignVerifierForm,
    serializer=inputs.AssignVerifierSerializer,
    route="assign-verifier",
)
VERIFY = Action(
    "verify",
    statuses=(S.SUBMITTED,),
    # four eyes, whatever the grade: nobody verifies a permit they created or are its approver
    who=(assignee_of(StepId.VERIFICATION) | grade_a) & ~another_part(StepId.VERIFICATION),
    label="verify",
    button="Record verification",
    confirmation="Verification recorded.",
    form=VerifyForm,
    serializer=inputs.VerifySerializer,
    route="verify",
)
ASSIGN_APPROVER = Action(
    "assign_approver",
    statuses=(S.UNDER_REVIEW,),
    who=creator | verifier | grade_a,
    label="assign an approver",
    button="Assign approver",
    confirmation="Approver assigned.",
    form=AssignApproverForm,
    serializer=inputs.AssignApproverSerializer,
    route="assign-approver",
)
APPROVE = Action(
    "approve",
    statuses=(S.UNDER_REVIEW,),
    # four eyes, whatever the grade: nobody approves a permit they created or verified
    who=(assignee_of(StepId.APPROVAL) | grade_a) & ~another_part(StepId.APPROVAL),
    label="approve",
    button="Record approval",
    confirmation="Approval recorded.",
    form=DecisionForm,
    serializer=inputs.DecisionSerializer,
    route="approve",
)
ACTIVATE = Action(
    "activate",
    statuses=(S.APPROVED,),
    who=creator | approver | grade_a,
    label="activate",
    button="Activate (start work)",
    confirmation="Permit activated.",
    form=ActionForm,
    serializer=inputs.EmptySerializer,
    route="activate",
)
COMPLETE = Action(
    "complete",
    statuses=(S.ACTIVE,),
    who=creator | approver | grade_a,
    label="complete",
    button="Complete",
    confirmation="Permit completed.",
    form=CommentForm,
    serializer=inputs.CommentSerializer,
    route="complete",
)
SUSPEND = Action(
    "suspend",
    statuses=(S.ACTIVE,),
    who=project_admin | creator | verifier | approver,
    label="suspend",
    button="Suspend",
    confirmation="Permit suspended.",
    form=RequiredCommentForm,
    serializer=inputs.CommentSerializer,
    route="suspend",
    dangerous=True,
)
RESUME = Action(
    "resume",
    statuses=(S.SUSPENDED,),
    who=project_admin | approver,
    label="resume",
    button="Resume",
    confirmation="Permit resumed.",
    form=CommentForm,
    serializer=inputs.CommentSerializer,
    route="resume",
)
CANCEL = Action(
    "cancel",
    statuses=(S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ACTIVE, S.SUSPENDED),
    who=project_admin | creator,
    label="cancel",
    button="Cancel permit",
    confirmation="Permit cancelled.",
    form=CancelForm,
    serializer=inputs.CommentSerializer,
    route="cancel",
    dangerous=True,
)
RESUBMIT = Action(
    "resubmit",
    statuses=(S.REJECTED,),
    who=creator | grade_a,
    label="resubmit",
    button="Return to draft",
    confirmation="Permit returned to draft.",
    form=CommentForm,
    serializer=inputs.CommentSerializer,
    route="resubmit",
)

# Isolation is field work: any member may record it (the service checks that a different
# person verifies); it goes on after the work, until every point is de-isolated.
ISOLATION_STATUSES = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ACTIVE, S.SUSPENDED, S.COMPLETED)
ISOLATION = Action(
    "isolation",
    statuses=ISOLATION_STATUSES,
    who=any_member,
    label="update isolation on",
    button="Add isolation point",
    confirmation="Isolation point added.",
    form=IsolationAssignForm,
    serializer=inputs.IsolationAssignSerializer,
)
CLOSEOUT = Action(
    "closeout",
    statuses=(S.ACTIVE, S.SUSPENDED),
    who=creator | approver | grade_a,
    label="update the closeout of",
    button="Save checklist",
    confirmation="Closeout checklist saved.",
    form=CloseoutForm,
    serializer=inputs.CloseoutUpdateSerializer,
)
ISOLATE_POINT = Action(
    "isolate_point",
    statuses=ISOLATION_STATUSES,
    who=any_member,
    label="update isolation on",
    button="Isolate",
    confirmation="Isolation recorded.",
    form=IsolateForm,
    serializer=inputs.IsolateSerializer,
    route="isolate",
    target=ISOLATION_POINT,
)
VERIFY_ISOLATION = Action(
    "verify_isolation",
    statuses=ISOLATION_STATUSES,
    who=any_member,
    label="update isolation on",
    button="Verify",
    confirmation="Isolation verified.",
    form=IsolationStepForm,
    serializer=inputs.IsolationNotesSerializer,
    route="verify",
    target=ISOLATION_POINT,
)
DEISOLATE_POINT = Action(
    "deisolate_point",
    statuses=ISOLATION_STATUSES,
    who=any_member,
    label="update isolation on",
    button="De-isolate",
    confirmation="De-isolation recorded.",
    form=IsolationStepForm,
    serializer=inputs.IsolationNotesSerializer,
    route="deisolate",
    target=ISOLATION_POINT,
    dangerous=True,
)


def _may_take_pending_step(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    step_id = next(iter(context.pending_assignees), None)
    return step_id is not None and may_take_step(actor.user, permit, step=StepId(step_id))


# Four eyes for whoever takes the pending step over (ptw.selectors.may_take_step, which reads
# the policy's parts: so declared here, above both).
eligible_for_pending_step = Rule(_may_take_pending_step, "eligible to take the pending step")

# Acting on an escalation (issue 12): the people it reached, on the pending step.
ESCALATION_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW)
ACKNOWLEDGE_ESCALATION = Action(
    "acknowledge_escalation",
    statuses=ESCALATION_STATUSES,
    who=(escalation_recipient | pending_assignee()) & step_escalated,
    label="acknowledge the escalation of",
    button="Acknowledge",
    confirmation="Escalation acknowledged: the next levels wait.",
    form=AcknowledgeForm,
    serializer=inputs.AcknowledgeSerializer,
    route="acknowledge",
    target=WORKFLOW_STEP,
)
REASSIGN_STEP = Action(
    "reassign_step",
    statuses=ESCALATION_STATUSES,
    who=escalation_recipient,
    label="reassign the pending step of",
    button="Reassign",
    confirmation="Step reassigned.",
    form=ReassignForm,
    serializer=inputs.ReassignSerializer,
    route="reassign",
    target=WORKFLOW_STEP,
)
TAKE_OVER_STEP = Action(
    "take_over_step",
    statuses=ESCALATION_STATUSES,
    # never on their own permit, and four eyes kept (ptw.selectors.may_take_step)
    who=escalation_recipient & ~creator & eligible_for_pending_step,
    label="take over the pending step of",
    button="Take it over",
    confirmation="The step is yours now.",
    form=StepActionForm,
    serializer=inputs.EmptySerializer,
    route="take-over",
    target=WORKFLOW_STEP,
)

# In this order on the page and in `available_actions`.
ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        EDIT,
        INITIATE,
        ASSIGN_VERIFIER,
        VERIFY,
        ASSIGN_APPROVER,
        APPROVE,
        ACTIVATE,
        COMPLETE,
        SUSPEND,
        RESUME,
        CANCEL,
        RESUBMIT,
        ISOLATION,
        CLOSEOUT,
        ISOLATE_POINT,
        VERIFY_ISOLATION,
        DEISOLATE_POINT,
        ACKNOWLEDGE_ESCALATION,
        REASSIGN_STEP,
        TAKE_OVER_STEP,
    )
}

# The action that moves an isolation point on from its status.
ISOLATION_STEP = {
    IsolationStatus.ASSIGNED: ISOLATE_POINT,
    IsolationStatus.ISOLATED: VERIFY_ISOLATION,
    IsolationStatus.VERIFIED: DEISOLATE_POINT,
}


# --- The policy, derived ------------------------------------------------------------------------


def require(actor: Actor, permit: Permit, action: Action) -> None:
    """Raise IllegalTransition (409: wrong status) or ActionNotAllowed (403: wrong person)."""
    if permit.status not in action.statuses:
        allowed = ALLOWED_TRANSITIONS[PermitStatus(permit.status)]
        raise IllegalTransition(
            f"Cannot {action.label} permit {permit.permit_number}: it is {status_phrase(permit.status)}; "
            f"it can next become {statuses_phrase(allowed)}.",
            current=permit.status,
            allowed=allowed,
        )
    if not permitted(action.who, actor, permit, PolicyContext(permit)):
        raise ActionNotAllowed(f"You may not {action.label} permit {permit.permit_number}.")


def allows(actor: Actor, permit: Permit, action: Action, context: PolicyContext | None = None) -> bool:
    """Whether `actor` may take `action` on `permit` now."""
    return permit.status in action.statuses and permitted(action.who, actor, permit, context or PolicyContext(permit))


def available_actions(actor: Actor, permit: Permit) -> list[str]:
    """The names of the actions on the permit itself, or its pending step, this user may take now."""
    context = PolicyContext(permit)
    return [
        action.name
        for action in ACTIONS.values()
        if action.target in (PERMIT, WORKFLOW_STEP) and allows(actor, permit, action, context)
    ]


# --- Binding a service to its action ----------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


def guard(action: Action, *, permit: Permit, by: User) -> None:
    """Lock the permit's row, re-read it, and check that `by` may take `action` on it now."""
    # FOR NO KEY UPDATE: guards still exclude each other, but a sweep inserting rows that refer to
    # the permit (escalation records: FOR KEY SHARE) is not blocked while it holds the step an
    # action on the step waits for — the two would deadlock.
    no_key = connection.features.has_select_for_no_key_update
    permit.refresh_from_db(from_queryset=Permit.objects.select_for_update(no_key=no_key))
    require(actor_for(by, permit), permit, action)


def performs(action: Action) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make the decorated service the one that performs `action`.

    The service runs in one transaction, after the permit's row is locked and re-read and
    the policy allows the action (`require`); it is called with keyword arguments only,
    `permit` and `by` among them.
    """

    def bind(service: Callable[P, R]) -> Callable[P, R]:
        @wraps(service)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction.atomic():
                guard(action, permit=kwargs["permit"], by=kwargs["by"])  # type: ignore[arg-type]
                return service(*args, **kwargs)

        if action.service is not None:
            raise RuntimeError(f"Action {action.name} is already performed by {action.service.__qualname__}.")
        action.service = guarded
        return guarded

    return bind
