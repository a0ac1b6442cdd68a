"""The permit page's actions, derived from ptw/actions.py: which forms it shows, bound to what.

The action bar holds the routed actions on the permit (submit, verify, ... cancel); adding a
point and the closeout checklist have their own sections; edit is a link to its own page;
each isolation point's row offers the action that moves it on.
"""

from typing import Any

from accounts.models import User
from ptw.actions import ACTIONS, ISOLATION_STEP, PERMIT, WORKFLOW_STEP, Action, allows
from ptw.forms import ActionForm, PermitForm
from ptw.models import Permit, PermitIsolationPoint
from ptw.policy import Actor, PolicyContext


def bar(actions: list[Action]) -> list[Action]:
    """The actions of the page's action bar among those available, in declaration order."""
    return [action for action in actions if action.target is PERMIT and action.route is not None]


def available(actor: Actor, permit: Permit) -> list[Action]:
    """The actions this person may take on the permit now (its parts' actions included)."""
    context = PolicyContext(permit)
    return [action for action in ACTIONS.values() if allows(actor, permit, action, context)]


def make_form(action: Action, permit: Permit, user: User, data: Any = None, **kwargs: Any) -> ActionForm | PermitForm:
    return action.form(data, permit=permit, user=user, prefix=action.name, **kwargs)


def isolation_rows(permit: Permit, user: User, *, allowed: list[Action]) -> list[tuple[Any, ...]]:
    """(assignment, the action moving it on, its form or None) for each isolation point."""
    assignments = (
        PermitIsolationPoint.objects.filter(permit=permit)
        .select_related("point", "isolated_by", "verified_by", "deisolated_by")
        .order_by("point__code")
    )
    rows: list[tuple[Any, ...]] = []
    for assignment in assignments:
        action = ISOLATION_STEP.get(assignment.status)  # type: ignore[call-overload]
        form = None
        if action is not None and action in allowed:
            form = make_form(
                action, permit, user, auto_id=f"id_iso{assignment.pk}_%s", initial={"assignment": assignment.pk}
            )
        rows.append((assignment, action, form))
    return rows


def step_forms(permit: Permit, user: User, *, allowed: list[Action], bound: tuple | None) -> list[tuple[Action, Any]]:
    """(action, form) for acting on the pending step's escalation (acknowledge, reassign, take over)."""
    bound_action, bound_form = bound or (None, None)
    return [
        (action, bound_form if action is bound_action else make_form(action, permit, user))
        for action in allowed
        if action.target is WORKFLOW_STEP
    ]
