"""Who may take an action on a permit: the actor as the permit's project sees them, and the
predicates that the action declarations (ptw/actions.py) combine into each action's rule.

A predicate is a `Who`: a test over (actor, permit, context) with the words that describe it,
so the OpenAPI descriptions and the docs say who may act in the same terms as the code.
Combine them with `|` (or), `&` (and) and `~` (not).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from accounts.models import Grade, Membership, User

from .models import Permit, StepId, StepStatus, WorkflowStep


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
    def pending_assignees(self) -> dict[str, int | None]:
        """{step id: assignee id} of the permit's pending workflow steps (one query)."""
        return dict(
            WorkflowStep.objects.filter(instance__permit=self.permit, status=StepStatus.PENDING).values_list(
                "step_id", "assignee_id"
            )
        )


Test = Callable[[Actor, Permit, PolicyContext], bool]


@dataclass(frozen=True)
class Who:
    """A predicate over (actor, permit, context), and the words a reader sees for it."""

    test: Test
    text: str

    def __call__(self, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
        return self.test(actor, permit, context)

    def __or__(self, other: "Who") -> "Who":
        return Who(lambda a, p, c: self(a, p, c) or other(a, p, c), f"{self.text} or {other.text}")

    def __and__(self, other: "Who") -> "Who":
        return Who(lambda a, p, c: self(a, p, c) and other(a, p, c), f"{_grouped(self)} and {_grouped(other)}")

    def __invert__(self) -> "Who":
        return Who(lambda a, p, c: not self(a, p, c), f"not {_grouped(self)}")


def _grouped(who: Who) -> str:
    return f"({who.text})" if " or " in who.text else who.text


creator = Who(lambda a, p, c: p.created_by_id == a.user.pk, "the creator")
verifier = Who(lambda a, p, c: p.verifier_id == a.user.pk, "the verifier")
approver = Who(lambda a, p, c: p.approver_id == a.user.pk, "the approver")
grade_a = Who(lambda a, p, c: a.is_grade_a, "a Grade A admin")
project_admin = Who(lambda a, p, c: a.is_admin, "a Grade A/B admin")
any_member = Who(lambda a, p, c: True, "any project member")


def assignee_of(step: StepId) -> Who:
    """The assignee of the permit's pending `step` (nobody while it is not pending)."""
    return Who(
        lambda a, p, c: step in c.pending_assignees and c.pending_assignees[step] == a.user.pk,
        f"the {step.label.lower()} step's assignee",
    )


def permitted(who: Who, actor: Actor, permit: Permit, context: PolicyContext) -> bool:
    """Only active members of the permit's project act on it; then `who` decides."""
    return actor.membership is not None and who(actor, permit, context)
