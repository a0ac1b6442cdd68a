"""Lockout/tagout on a permit: assign points, then isolate → verify → de-isolate each one."""

from datetime import datetime

from accounts.models import User

from . import actions
from .actions import performs
from .audit import log_event
from .errors import ActionNotAllowed, IllegalTransition, InvalidInput
from .models import IsolationPoint, IsolationStatus, Permit, PermitIsolationPoint
from .models.isolation import ISOLATION_NEXT


def unverified_required_points(permit: Permit) -> list[str]:
    """Codes of required points not yet verified (blocking activation)."""
    return list(
        permit.isolation_points.filter(required=True)
        .exclude(status=IsolationStatus.VERIFIED)
        .order_by("point__code")
        .values_list("point__code", flat=True)
    )


@performs(actions.ISOLATION)
def assign_isolation_point(
    *, permit: Permit, by: User, point: IsolationPoint, required: bool = True, now: datetime
) -> PermitIsolationPoint:
    """Assign a point of the project's library to the permit (required ones must be verified to start)."""
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


@performs(actions.ISOLATE_POINT)
def isolate_point(
    *,
    permit: Permit,
    by: User,
    assignment: PermitIsolationPoint,
    lock_ids: list[str],
    notes: str = "",
    now: datetime,
) -> PermitIsolationPoint:
    """Record the isolation of an assigned point, with the ids of the locks applied."""
    if not lock_ids:
        raise InvalidInput({"lock_ids": ["List the lock ids applied."]})
    assignment = _locked(permit, assignment, to=IsolationStatus.ISOLATED, verb="isolate")
    assignment.lock_ids = [str(lock) for lock in lock_ids]
    assignment.lock_count = len(assignment.lock_ids)
    assignment.isolated_by, assignment.isolated_at = by, now
    return _moved_on(permit, assignment, to=IsolationStatus.ISOLATED, by=by, notes=notes, now=now)


@performs(actions.VERIFY_ISOLATION)
def verify_isolation(
    *, permit: Permit, by: User, assignment: PermitIsolationPoint, notes: str = "", now: datetime
) -> PermitIsolationPoint:
    """Verify an isolated point: zero energy confirmed by someone other than who isolated it."""
    assignment = _locked(permit, assignment, to=IsolationStatus.VERIFIED, verb="verify")
    if assignment.isolated_by_id == by.pk:
        raise ActionNotAllowed("The isolation must be verified by someone other than who isolated it.")
    assignment.verified_by, assignment.verified_at = by, now
    return _moved_on(permit, assignment, to=IsolationStatus.VERIFIED, by=by, notes=notes, now=now)


@performs(actions.DEISOLATE_POINT)
def deisolate_point(
    *, permit: Permit, by: User, assignment: PermitIsolationPoint, notes: str = "", now: datetime
) -> PermitIsolationPoint:
    """Remove the isolation of a verified point."""
    assignment = _locked(permit, assignment, to=IsolationStatus.DEISOLATED, verb="deisolate")
    assignment.deisolated_by, assignment.deisolated_at = by, now
    return _moved_on(permit, assignment, to=IsolationStatus.DEISOLATED, by=by, notes=notes, now=now)


def _locked(permit: Permit, assignment: PermitIsolationPoint, *, to: str, verb: str) -> PermitIsolationPoint:
    """The assignment re-read under a row lock; 409 unless `to` is its next stage."""
    assignment = PermitIsolationPoint.objects.select_for_update().select_related("point").get(pk=assignment.pk)
    if assignment.permit_id != permit.pk:
        raise InvalidInput({"assignment": ["This isolation point is not on this permit."]})
    if ISOLATION_NEXT.get(IsolationStatus(assignment.status)) != to:
        raise IllegalTransition(
            f"Cannot {verb} {assignment.point.code}: it is {IsolationStatus(assignment.status).label.lower()}.",
            current=assignment.status,
        )
    return assignment


def _moved_on(
    permit: Permit, assignment: PermitIsolationPoint, *, to: str, by: User, notes: str, now: datetime
) -> PermitIsolationPoint:
    assignment.status = to
    if notes:
        assignment.notes = notes
    assignment.save()
    log_event(permit, by=by, action=f"isolation_{to}", now=now, comment=assignment.point.code)
    return assignment
