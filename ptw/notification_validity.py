"""Notifications of extension and handover requests (the types are in ptw/notification_utils.py).

Each request is its own event: the dedupe key names the request, so a second request the
same day is news, while raising the same one twice writes it once.
"""

from collections.abc import Iterable
from datetime import datetime

from .notification_utils import PermitFacts, create_ptw_notifications, permit_notices


def _notify(
    user_ids: Iterable[int | None],
    event_type: str,
    permit: PermitFacts,
    *,
    message: str,
    request: str,
    sender_id: int | None,
    now: datetime,
) -> list[int]:
    notices = permit_notices(
        user_ids,
        event_type,
        permit,
        sender_id=sender_id,
        message=message,
        extra_data={"request": request},
        dedupe_extra=request,
    )
    return create_ptw_notifications(notices, now=now)


def notify_extension_requested(
    permit: PermitFacts, *, extension_id: int, new_end: str, ends: str, reason: str, sender_id: int, now: datetime
) -> list[int]:
    """`ptw_extension_requested` to the approver, who decides."""
    message = (
        f"{permit.number} ({permit.title}): an extension to {new_end} is asked: {reason} "
        f"Until it is approved the permit still expires at {ends}."
    )
    return _notify(
        [permit.approver_id],
        "ptw_extension_requested",
        permit,
        message=message,
        request=f"extension:{extension_id}",
        sender_id=sender_id,
        now=now,
    )


def notify_extension_decided(
    permit: PermitFacts,
    *,
    extension_id: int,
    requested_by_id: int,
    approved: bool,
    text: str,
    sender_id: int,
    now: datetime,
) -> list[int]:
    """`ptw_extension_approved` or `_rejected` to the holder (and who asked, if someone else now)."""
    return _notify(
        [permit.holder, requested_by_id],
        "ptw_extension_approved" if approved else "ptw_extension_rejected",
        permit,
        message=f"{permit.number} ({permit.title}): {text}",
        request=f"extension:{extension_id}",
        sender_id=sender_id,
        now=now,
    )


def notify_handover_requested(
    permit: PermitFacts,
    *,
    handover_id: int,
    to_user_id: int,
    from_name: str,
    points: str,
    sender_id: int,
    now: datetime,
) -> list[int]:
    """`ptw_handover_requested` to the incoming holder."""
    check = (
        f" Before accepting, confirm on site that each isolation point is still in place: {points}." if points else ""
    )
    message = (
        f"{from_name} asks you to take over permit {permit.number} ({permit.title}).{check} "
        f"Until you accept, {from_name} stays responsible."
    )
    return _notify(
        [to_user_id],
        "ptw_handover_requested",
        permit,
        message=message,
        request=f"handover:{handover_id}",
        sender_id=sender_id,
        now=now,
    )


def notify_handover_answered(
    permit: PermitFacts,
    *,
    handover_id: int,
    accepted: bool,
    user_ids: list[int | None],
    text: str,
    sender_id: int,
    now: datetime,
) -> list[int]:
    """`ptw_handover_accepted` or `_declined` to the other people of the handover."""
    return _notify(
        user_ids,
        "ptw_handover_accepted" if accepted else "ptw_handover_declined",
        permit,
        message=f"{permit.number} ({permit.title}): {text}",
        request=f"handover:{handover_id}",
        sender_id=sender_id,
        now=now,
    )
