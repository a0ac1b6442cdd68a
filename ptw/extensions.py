"""Extensions of a permit's end (issue 15): the holder asks, the approver (or a Grade A admin) decides.

Each service performs one action of ptw/actions.py (`@performs`: the permit's row locked and
re-read, the policy checked), so a decision and the expiry sweep, which locks the same row,
take turns: whichever comes second sees what the first did (an expired permit refuses the
decision with 409; an extended one is no longer due to expire).
"""

from datetime import UTC, datetime, timedelta

from accounts.models import User

from . import actions
from .actions import performs
from .audit import log_event
from .durations import format_moment
from .end_warnings import schedule_end_warnings
from .errors import IllegalTransition, InvalidInput
from .models import ExtensionStatus, Permit, PermitExtension
from .notification_utils import PermitFacts
from .notification_validity import notify_extension_decided, notify_extension_requested
from .validity_requests import first_check_at


def _moment(permit: Permit, moment: datetime) -> str:
    return format_moment(moment, permit.project.time_zone)


def _refuse_after_the_end(permit: Permit, *, what: str, now: datetime) -> None:
    if now >= permit.planned_end_time:
        raise IllegalTransition(
            f"Cannot {what}: permit {permit.permit_number} ended at {_moment(permit, permit.planned_end_time)} "
            "and expires; work after its end needs a new permit.",
            current=permit.status,
        )


def latest_end(permit: Permit) -> datetime:
    """The latest end an extension may reach: the planned start plus the type's maximum validity
    (the last representable moment for a start stored, before times were bounded, near year 9999)."""
    try:
        return permit.planned_start_time + timedelta(hours=permit.permit_type.max_validity_hours)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)


def _check_limits(permit: Permit, new_end: datetime) -> None:
    """409 when the type allows no more extensions; 400 when the new end is not later or too late."""
    allowed = permit.permit_type.max_extensions
    if PermitExtension.objects.filter(permit=permit, status=ExtensionStatus.APPROVED).count() >= allowed:
        raise IllegalTransition(
            f"Permit {permit.permit_number} has had the {allowed} extension(s) its type allows; "
            "more time needs a new permit.",
            current=permit.status,
        )
    if new_end <= permit.planned_end_time:
        raise InvalidInput({"new_end": [f"Ask for an end after {_moment(permit, permit.planned_end_time)}."]})
    if new_end > latest_end(permit):
        raise InvalidInput(
            {
                "new_end": [
                    f"A {permit.permit_type.name} permit may last at most {permit.permit_type.max_validity_hours} h "
                    f"from its start: the latest end is {_moment(permit, latest_end(permit))}."
                ]
            }
        )


@performs(actions.REQUEST_EXTENSION)
def request_extension(*, permit: Permit, by: User, new_end: datetime, reason: str, now: datetime) -> PermitExtension:
    """Ask for a later end, with a reason; the approver is told. The permit still expires at its
    current end until the request is approved."""
    if not reason.strip():
        raise InvalidInput({"reason": ["Say why more time is needed."]})
    _refuse_after_the_end(permit, what="ask for an extension", now=now)
    if PermitExtension.objects.filter(permit=permit, status=ExtensionStatus.PENDING).exists():
        raise IllegalTransition(
            f"An extension of permit {permit.permit_number} is already waiting for a decision.", current=permit.status
        )
    _check_limits(permit, new_end)
    extension = PermitExtension.objects.create(
        permit=permit,
        requested_by=by,
        requested_at=now,
        reason=reason.strip(),
        previous_end=permit.planned_end_time,
        requested_end=new_end,
        next_check_at=first_check_at(permit.permit_type, requested_at=now),
    )
    ends, asked = _moment(permit, permit.planned_end_time), _moment(permit, new_end)
    log_event(permit, by=by, action="extension_requested", now=now, comment=f"To {asked}: {extension.reason}")
    notify_extension_requested(
        PermitFacts.of(permit),
        extension_id=extension.pk,
        new_end=asked,
        ends=ends,
        reason=extension.reason,
        sender_id=by.pk,
        now=now,
    )
    return extension


@performs(actions.DECIDE_EXTENSION)
def decide_extension(
    *, permit: Permit, by: User, extension: PermitExtension, approve: bool, comments: str = "", now: datetime
) -> PermitExtension:
    """Approve (the permit's end moves, its warnings start over) or reject (with comments) a pending extension."""
    extension.refresh_from_db()
    if extension.status != ExtensionStatus.PENDING:
        raise IllegalTransition(
            f"This extension request is {extension.get_status_display().lower()}: nothing to decide.",
            current=permit.status,
        )
    if not approve and not comments.strip():
        raise InvalidInput({"comments": ["Say why the extension is rejected."]})
    _refuse_after_the_end(permit, what="decide on the extension", now=now)
    if approve:
        _check_limits(permit, extension.requested_end)
    decided = PermitExtension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED,
        decided_by=by,
        decided_at=now,
        decision_comment=comments,
        next_check_at=None,
    )
    if not decided:  # (the permit's lock serialises decisions; kept as the compare-and-set's check)
        raise IllegalTransition("This extension request was answered meanwhile; reload.", current=permit.status)
    extension.refresh_from_db()
    before, after = _moment(permit, permit.planned_end_time), _moment(permit, extension.requested_end)
    if approve:
        permit.planned_end_time = extension.requested_end
        fields = {"planned_end_time": extension.requested_end, "updated_at": now, **schedule_end_warnings(permit)}
        Permit.objects.filter(pk=permit.pk).update(**fields)
        text = f"the end moved from {before} to {after}."
    else:
        text = f"the extension to {after} was rejected: {comments.strip()} The permit still ends at {before}."
    log_event(
        permit,
        by=by,
        action="extension_approved" if approve else "extension_rejected",
        now=now,
        comment=text[0].upper() + text[1:] + (f" {comments.strip()}" if approve and comments.strip() else ""),
    )
    notify_extension_decided(
        PermitFacts.of(permit),
        extension_id=extension.pk,
        requested_by_id=extension.requested_by_id,
        approved=approve,
        text=text[0].upper() + text[1:],
        sender_id=by.pk,
        now=now,
    )
    return extension
