"""Lockout/tagout on a permit: assign points, then isolate → verify → de-isolate."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .audit import log_event
from .errors import ActionNotAllowed, IllegalTransition, InvalidInput
from .models import IsolationPoint, IsolationStatus, Permit, PermitIsolationPoint
from .models.isolation import ISOLATION_NEXT
from .policy import actor_for, require

STEP_FOR_ACTION = {
    "isolate": IsolationStatus.ISOLATED,
    "verify": IsolationStatus.VERIFIED,
    "deisolate": IsolationStatus.DEISOLATED,
}


def unverified_required_points(permit: Permit) -> list[str]:
    """Codes of required points not yet verified (blocking activation)."""
    return list(
        permit.isolation_points.filter(required=True)
        .exclude(status=IsolationStatus.VERIFIED)
        .order_by("point__code")
        .values_list("point__code", flat=True)
    )


@transaction.atomic
def assign_isolation_point(
    *, permit: Permit, by: User, point: IsolationPoint, required: bool = True, now: datetime | None = None
) -> PermitIsolationPoint:
    now = now or timezone.now()
    require(actor_for(by, permit), permit, "isolation")
    if point.project_id != permit.project_id or not point.is_active:
        raise InvalidInput({"point_id": ["This isolation point is not in the permit's project library."]})
    assignment, created = PermitIsolationPoint.objects.get_or_create(
        permit=permit,
        point=point,
        defaults={"required": required, "assigned_at": now},
    )
    if not created:
        raise InvalidInput({"point_id": [f"{point.code} is already assigned to this permit."]})
    log_event(permit, by=by, action="isolation_assigned", now=now, comment=point.code)
    return assignment


@transaction.atomic
def update_isolation_point(
    *,
    assignment: PermitIsolationPoint,
    by: User,
    action: str,
    lock_ids: list[str] | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> PermitIsolationPoint:
    """Move a point one stage on. Isolating records the locks; a different person verifies."""
    now = now or timezone.now()
    assignment = (
        PermitIsolationPoint.objects.select_for_update()
        .select_related("permit__project", "point")
        .get(pk=assignment.pk)
    )
    permit = assignment.permit
    require(actor_for(by, permit), permit, "isolation")
    target = STEP_FOR_ACTION.get(action)
    if target is None:
        raise InvalidInput({"action": [f"Choose one of: {', '.join(STEP_FOR_ACTION)}."]})
    if ISOLATION_NEXT.get(assignment.status) != target:
        raise IllegalTransition(
            f"Cannot {action} {assignment.point.code}: it is {assignment.status}.",
            current=assignment.status,
        )
    if action == "isolate":
        if not lock_ids:
            raise InvalidInput({"lock_ids": ["List the lock ids applied."]})
        assignment.lock_ids = [str(lock) for lock in lock_ids]
        assignment.lock_count = len(assignment.lock_ids)
        assignment.isolated_by, assignment.isolated_at = by, now
    elif action == "verify":
        if assignment.isolated_by_id == by.pk:
            raise ActionNotAllowed("The isolation must be verified by someone other than who isolated it.")
        assignment.verified_by, assignment.verified_at = by, now
    else:
        assignment.deisolated_by, assignment.deisolated_at = by, now
    assignment.status = target
    if notes:
        assignment.notes = notes
    assignment.save()
    log_event(permit, by=by, action=f"isolation_{target}", now=now, comment=assignment.point.code)
    return assignment
