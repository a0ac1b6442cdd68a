"""Shift handover of an active permit (issue 15; OSHA 1910.147(f)(4), orderly transfer).

The holder asks; the incoming member accepts after confirming each isolation point still in
place (each confirmation recorded), and becomes the holder: from then on they receive what the
holder receives. Until then the outgoing holder stays responsible. Each service performs one
action of ptw/actions.py (the permit's row locked, the policy checked).
"""

from datetime import datetime

from accounts.models import User

from . import actions
from .actions import performs
from .audit import log_event
from .errors import IllegalTransition, InvalidInput
from .models import HandoverConfirmation, HandoverStatus, Permit, PermitHandover
from .notification_utils import PermitFacts
from .notification_validity import notify_handover_answered, notify_handover_requested
from .selectors import handover_candidates, points_in_place
from .validity_requests import first_check_at


@performs(actions.REQUEST_HANDOVER)
def request_handover(*, permit: Permit, by: User, to_user: User, note: str = "", now: datetime) -> PermitHandover:
    """Ask another member of the project to take the permit over; they are told which isolation
    points to confirm. The holder stays responsible until it is accepted."""
    if not handover_candidates(permit).filter(pk=to_user.pk).exists():
        raise InvalidInput(
            {"to_user_id": [f"{to_user.display_name} cannot take this permit over: choose another active member."]}
        )
    if PermitHandover.objects.filter(permit=permit, status=HandoverStatus.PENDING).exists():
        raise IllegalTransition(
            f"A handover of permit {permit.permit_number} is already waiting to be accepted.", current=permit.status
        )
    handover = PermitHandover.objects.create(
        permit=permit,
        requested_by=by,
        requested_at=now,
        to_user=to_user,
        note=note.strip(),
        next_check_at=first_check_at(permit.permit_type, requested_at=now),
    )
    log_event(permit, by=by, action="handover_requested", now=now, comment=f"To {to_user.display_name}. {note}".strip())
    codes = ", ".join(point.point.code for point in points_in_place(permit))
    notify_handover_requested(
        PermitFacts.of(permit),
        handover_id=handover.pk,
        to_user_id=to_user.pk,
        from_name=by.display_name,
        points=codes,
        sender_id=by.pk,
        now=now,
    )
    return handover


def _pending(handover: PermitHandover, permit: Permit) -> PermitHandover:
    handover.refresh_from_db()
    if handover.status != HandoverStatus.PENDING:
        raise IllegalTransition(
            f"This handover is {handover.get_status_display().lower()}: nothing to answer.", current=permit.status
        )
    return handover


def _answer(handover: PermitHandover, *, status: str, by: User, comment: str, now: datetime) -> None:
    answered = PermitHandover.objects.filter(pk=handover.pk, status=HandoverStatus.PENDING).update(
        status=status, decided_by=by, decided_at=now, decision_comment=comment, next_check_at=None
    )
    if not answered:  # (the permit's lock serialises answers; kept as the compare-and-set's check)
        raise IllegalTransition("This handover was answered meanwhile; reload.", current=status)


@performs(actions.ACCEPT_HANDOVER)
def accept_handover(
    *, permit: Permit, by: User, handover: PermitHandover, confirmed_points: list[int], now: datetime
) -> PermitHandover:
    """Take the permit over: every isolation point still in place must be confirmed (each is recorded)."""
    handover = _pending(handover, permit)
    in_place = {point.pk: point for point in points_in_place(permit)}
    confirmed = set(confirmed_points)
    missing = [point.point.code for pk, point in in_place.items() if pk not in confirmed]
    unknown = sorted(confirmed - set(in_place))
    if missing or unknown:
        problems = [f"Confirm each isolation point still in place: {', '.join(missing)}."] if missing else []
        problems += [f"Not an isolation point in place on this permit: {unknown}."] if unknown else []
        raise InvalidInput({"confirmed_points": problems})
    HandoverConfirmation.objects.bulk_create(
        HandoverConfirmation(
            handover=handover,
            assignment=point,
            point_code=point.point.code,
            isolation_status=point.status,
            confirmed_by=by,
            confirmed_at=now,
        )
        for point in in_place.values()
    )
    _answer(handover, status=HandoverStatus.ACCEPTED, by=by, comment="", now=now)
    outgoing = permit.current_holder
    Permit.objects.filter(pk=permit.pk).update(holder=by, updated_at=now)
    permit.holder = by
    codes = ", ".join(point.point.code for point in in_place.values()) or "none"
    text = f"{by.display_name} took over from {outgoing.display_name}; isolation points confirmed in place: {codes}."
    log_event(permit, by=by, action="handover_accepted", now=now, comment=text)
    notify_handover_answered(
        PermitFacts.of(permit),
        handover_id=handover.pk,
        accepted=True,
        user_ids=[outgoing.pk, permit.approver_id],
        text=text,
        sender_id=by.pk,
        now=now,
    )
    handover.refresh_from_db()
    return handover


@performs(actions.DECLINE_HANDOVER)
def decline_handover(
    *, permit: Permit, by: User, handover: PermitHandover, comment: str = "", now: datetime
) -> PermitHandover:
    """Decline (the incoming member) or withdraw (the holder) a pending handover; the holder stays responsible."""
    handover = _pending(handover, permit)
    _answer(handover, status=HandoverStatus.DECLINED, by=by, comment=comment, now=now)
    verb = "withdrew" if by.pk == handover.requested_by_id else "declined"
    text = f"{by.display_name} {verb} the handover; {permit.current_holder.display_name} stays responsible."
    if comment.strip():
        text += f" {comment.strip()}"
    log_event(permit, by=by, action="handover_declined", now=now, comment=text)
    notify_handover_answered(
        PermitFacts.of(permit),
        handover_id=handover.pk,
        accepted=False,
        user_ids=[handover.requested_by_id, handover.to_user_id],
        text=text,
        sender_id=by.pk,
        now=now,
    )
    handover.refresh_from_db()
    return handover
