"""Who may take an action on a permit: the actor as the permit's project sees them, and the
predicates that the action declarations (ptw/actions.py) combine into each action's rule.

A predicate is a `Who`: a test over (actor, permit, context) with the words that describe it,
so the OpenAPI descriptions and the docs say who may act in the same terms as the code.
Combine them with `|` (or), `&` (and) and `~` (not).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Subquery

from accounts.models import Grade, Membership, User

from .escalation_schedule import rules_in_force
from .models import (
    EscalationRecord,
    HandoverStatus,
    Permit,
    PermitHandover,
    StepId,
    StepStatus,
    WorkflowStep,
)


@dataclass(frozen=True)
class Actor:
    """A user as seen from one permit's project (no membership: not a member there)."""

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


class PolicyContext:
    """What the predicates may read about a permit beyond its row, read once and only when asked."""

    def __init__(self, permit: Permit):
        self.permit = permit

    @cached_property
    def _pending(self) -> list[tuple[str, int | None, bool, str | None]]:
        """(step id, assignee id, escalated since pending, its rule's escalation role) of each pending step.

        One query answers every predicate about the pending step.
        """
        reached = EscalationRecord.objects.filter(step=OuterRef("pk"), reached_at__gte=OuterRef("pending_since"))
        rule = rules_in_force(
            project_id=self.permit.project_id, permit_type_id=self.permit.permit_type_id, step_id=OuterRef("step_id")
        )
        pending = WorkflowStep.objects.filter(instance__permit=self.permit, status=StepStatus.PENDING).annotate(
            escalated=Exists(reached), rule_role=Subquery(rule.values("escalate_to_role")[:1])
        )
        return list(pending.values_list("step_id", "assignee_id", "escalated", "rule_role"))

    @property
    def pending_assignees(self) -> dict[str, int | None]:
        """{step id: assignee id} of the permit's pending workflow steps."""
        return {step_id: assignee_id for step_id, assignee_id, _, _ in self._pending}

    @property
    def pending_escalated(self) -> bool:
        """Whether the chain has reached anyone about the pending step since it became pending."""
        return any(escalated for _, _, escalated, _ in self._pending)

    @property
    def escalation_roles(self) -> set[str]:
        """The role the pending step's rule escalates to (its holders receive the escalation)."""
        return {role for _, _, _, role in self._pending if role}

    @cached_property
    def incoming_holder_id(self) -> int | None:
        """Who the permit's pending shift handover goes to, if one is pending (one query)."""
        pending = PermitHandover.objects.filter(permit=self.permit, status=HandoverStatus.PENDING)
        return pending.values_list("to_user_id", flat=True).first()


Test = Callable[[Actor, Permit, PolicyContext], bool]


class Who:
    """A predicate over (actor, permit, context), and the words a reader sees for it.

    Combined with `|`, `&` and `~` into AnyOf / AllOf / Not: data evaluated when asked.
    """

    text: str

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        raise NotImplementedError

    def __or__(self, other: "Who") -> "Who":
        return AnyOf((self, other))

    def __and__(self, other: "Who") -> "Who":
        return AllOf((self, other))

    def __invert__(self) -> "Who":
        return Not(self)


@dataclass(frozen=True)
class Rule(Who):
    """One named test."""

    test: Test
    text: str

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return self.test(actor, permit, context)


@dataclass(frozen=True)
class AnyOf(Who):
    parts: tuple[Who, ...]

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return any(part(actor, permit, context) for part in self.parts)

    def __or__(self, other: Who) -> Who:
        return AnyOf((*self.parts, other))

    @property
    def text(self) -> str:  # type: ignore[override]
        return " or ".join(part.text for part in self.parts)


@dataclass(frozen=True)
class AllOf(Who):
    parts: tuple[Who, ...]

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return all(part(actor, permit, context) for part in self.parts)

    @property
    def text(self) -> str:  # type: ignore[override]
        return " and ".join(_grouped(part) for part in self.parts)


@dataclass(frozen=True)
class Not(Who):
    part: Who

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return not self.part(actor, permit, context)

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"not {_grouped(self.part)}"


def _grouped(who: Who) -> str:
    return f"({who.text})" if isinstance(who, AnyOf) else who.text


def _is_grade_a(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    return actor.is_grade_a


def _is_project_admin(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    return actor.is_admin


def _is_member(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    return True  # `permitted` already requires an active membership


def _is_escalation_recipient(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    if actor.is_admin:
        return True
    roles = context.escalation_roles
    return bool(roles) and actor.membership is not None and actor.membership.roles.filter(name__in=roles).exists()


def _pending_step_escalated(actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    return context.pending_escalated


@dataclass(frozen=True)
class Part(Who):
    """One of the three people of a permit, named by the permit's column that holds them."""

    column: str  # "created_by_id", "verifier_id", "approver_id"
    name: str  # "creator", "verifier", "approver"

    def holder(self, permit: Permit) -> int | None:
        return getattr(permit, self.column)

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return self.holder(permit) == actor.user.pk

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"the {self.name}"


creator = Part("created_by_id", "creator")
verifier = Part("verifier_id", "verifier")  # assigned to verify, then whoever verified
approver = Part("approver_id", "approver")  # assigned to approve, then whoever approved
holder = Part("holder_user_id", "holder")  # the creator until a shift handover
grade_a = Rule(_is_grade_a, "a Grade A admin")
incoming_holder = Rule(
    lambda actor, permit, context: context.incoming_holder_id == actor.user.pk,
    "the incoming holder of the pending handover",
)
project_admin = Rule(_is_project_admin, "a Grade A/B admin")
any_member = Rule(_is_member, "any project member")
# Whoever a step's escalation reaches: the project's Grade A/B admins and the holders of the
# roles its rule and chain name (ptw/jobs/overdue.py tells the same people).
escalation_recipient = Rule(_is_escalation_recipient, "a recipient of the step's escalation")
step_escalated = Rule(_pending_step_escalated, "once the pending step is overdue")


@dataclass(frozen=True)
class pending_assignee(Who):
    """The assignee of whichever step is pending."""

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return actor.user.pk in context.pending_assignees.values()

    @property
    def text(self) -> str:  # type: ignore[override]
        return "the pending step's assignee"


@dataclass(frozen=True)
class assignee_of(Who):
    """The assignee of the permit's pending `step` (nobody while it is not pending)."""

    step: StepId

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        pending = context.pending_assignees
        return self.step in pending and pending[self.step] == actor.user.pk

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"the {self.step.label.lower()} step's assignee"


def permitted(who: Who, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    """Only active members of the permit's project act on it; then `who` decides."""
    return actor.membership is not None and who(actor, permit, context)


# --- Four eyes: a permit's creator, verifier and approver are three different people ----------

# The parts of a permit that whoever holds a step may not also play, whatever their grade.
OTHER_PARTS: dict[StepId, tuple[Part, ...]] = {
    StepId.VERIFICATION: (creator, approver),
    StepId.APPROVAL: (creator, verifier),
}


def another_part(step: StepId) -> Who:
    """Plays one of the permit's parts other than `step`'s (its holder may not take the step)."""
    return AnyOf(OTHER_PARTS[step])


def other_part_holders(permit: Permit, step: StepId) -> dict[int, str]:
    """{user id: the part they play ("creator", ...)} of the people who may not hold `step` of the permit."""
    holders: dict[int, str] = {}
    for part in OTHER_PARTS[step]:
        user_id = part.holder(permit)
        if user_id is not None:
            holders.setdefault(user_id, part.name)
    return holders
