"""PTW notifications (specification section 1): the 14 types, dedupe keys and one helper per event.

Every notification is written in the caller's transaction by an insert that ignores a
duplicate (same recipient and dedupe key), so the same event reaches a user once per
local day of the permit's project, however many times or processes raise it.
"""

import hashlib
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from notifications.services import NewNotification, notify, notify_many

from .models import Permit

PTW_NOTIFICATION_TYPES: dict[str, str] = {
    "ptw_created": "Permit created",
    "ptw_submitted": "Permit submitted for workflow",
    "ptw_verification": "Verification required",
    "ptw_approval": "Approval required",
    "ptw_approved": "Permit approved",
    "ptw_rejected": "Permit rejected",
    "ptw_activated": "Work started",
    "ptw_completed": "Work completed",
    "ptw_expired": "Permit expired",
    "ptw_expiring": "Permit expiring soon",
    "ptw_closeout_required": "Closeout required",
    "ptw_isolation_pending": "Isolation verification pending",
    "ptw_escalated": "Task escalated",
    "ptw_overdue": "Task overdue",
}

_DEFAULT_MESSAGES: dict[str, str] = {
    "ptw_created": "Permit {number} ({title}) was created as a draft.",
    "ptw_submitted": "Permit {number} ({title}) was submitted for verification.",
    "ptw_verification": "Permit {number} ({title}) is waiting for your verification.",
    "ptw_approval": "Permit {number} ({title}) is waiting for your approval.",
    "ptw_approved": "Permit {number} ({title}) was approved.",
    "ptw_rejected": "Permit {number} ({title}) was rejected.",
    "ptw_activated": "Work under permit {number} ({title}) has started.",
    "ptw_completed": "Work under permit {number} ({title}) is completed.",
    "ptw_expired": "Permit {number} ({title}) has expired: its planned end time has passed.",
    "ptw_expiring": "Permit {number} ({title}) expires soon.",
    "ptw_closeout_required": "Permit {number} ({title}) ends soon and its closeout checklist is incomplete.",
    "ptw_isolation_pending": "Permit {number} ({title}) has isolation points not yet verified.",
    "ptw_escalated": "A workflow task on permit {number} ({title}) is overdue and has been escalated to you.",
    "ptw_overdue": "Your task on permit {number} ({title}) is overdue.",
}


# Notification.subject_type of permit notifications (the model's label, generic to the inbox).
PERMIT_SUBJECT = "ptw.permit"


def _zone(name: str | None) -> tzinfo:
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def _project_tz(permit: Permit) -> tzinfo:
    return _zone(permit.project.time_zone)


def generate_dedupe_key(
    user_id: int,
    event_type: str,
    permit_id: int,
    extra: str | None = None,
    *,
    now: datetime,
    tz: tzinfo | None = None,
) -> str:
    """MD5 of user, event, permit, the local date and `extra`; returns 32 hex digits.

    The date is local to the permit's project (its time zone, falling back to TIME_ZONE), so
    "once a day" turns over at the site's midnight. Pass `tz` when the caller already has it.
    """
    if tz is None:
        tz = _zone(Permit.objects.filter(pk=permit_id).values_list("project__time_zone", flat=True).first())
    local_date = timezone.localtime(now, tz).date().isoformat()
    raw = f"{user_id}:{event_type}:{permit_id}:{local_date}:{extra or ''}"
    return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class PermitNotice:
    """One (recipient, event, permit) to notify, for the bulk form used by sweeps.

    (Not ptw.models.PermitEvent, the audit row; this is the notification request.)
    """

    user_id: int
    event_type: str
    permit: Permit
    message: str | None = None
    extra_data: dict | None = None
    sender_id: int | None = None
    dedupe_extra: str | None = None


def build_ptw_notification(event: PermitNotice, *, now: datetime) -> NewNotification:
    """The generic notification for one permit event (type, title, message, data, link, key)."""
    if event.event_type not in PTW_NOTIFICATION_TYPES:
        raise ValueError(f"Unknown PTW notification type '{event.event_type}'.")
    permit = event.permit
    data = {
        "permit_id": permit.pk,
        "permit_number": permit.permit_number,
        "permit_type": permit.permit_type.name,
        **(event.extra_data or {}),
    }
    message = event.message or _DEFAULT_MESSAGES[event.event_type].format(
        number=permit.permit_number, title=permit.title
    )
    return NewNotification(
        recipient_id=event.user_id,
        notification_type=event.event_type,
        title=f"{PTW_NOTIFICATION_TYPES[event.event_type]}: {permit.permit_number}",
        message=message,
        data=data,
        link=f"/dashboard/ptw/view/{permit.pk}",
        sender_id=event.sender_id,
        subject_type=PERMIT_SUBJECT,
        subject_id=permit.pk,
        dedupe_key=generate_dedupe_key(
            event.user_id, event.event_type, permit.pk, event.dedupe_extra, now=now, tz=_project_tz(permit)
        ),
    )


def create_ptw_notification(
    user_id: int,
    event_type: str,
    permit: Permit,
    message: str | None = None,
    extra_data: dict | None = None,
    sender_id: int | None = None,
    dedupe_extra: str | None = None,
    *,
    now: datetime,
) -> Notification | None:
    """Create one PTW notification; None when it is a duplicate or notifications are off."""
    if not settings.NOTIFICATIONS_ENABLED:
        return None
    event = PermitNotice(user_id, event_type, permit, message, extra_data, sender_id, dedupe_extra)
    return notify(build_ptw_notification(event, now=now), now=now)


def create_ptw_notifications(events: Sequence[PermitNotice], *, now: datetime) -> list[int]:
    """Bulk form for sweeps: one insert for many events; returns the ids actually created."""
    if not settings.NOTIFICATIONS_ENABLED or not events:
        return []
    return notify_many([build_ptw_notification(event, now=now) for event in events], now=now)


def _notify_each(
    user_ids: Iterable[int | None],
    event_type: str,
    permit: Permit,
    *,
    sender_id: int | None = None,
    skip_sender: bool = True,
    now: datetime,
    **kwargs,
) -> list[int]:
    """Notify each distinct user once; the actor is not told of their own action."""
    recipients = []
    for user_id in user_ids:
        if user_id is None or user_id in recipients or (skip_sender and user_id == sender_id):
            continue
        recipients.append(user_id)
    events = [PermitNotice(uid, event_type, permit, sender_id=sender_id, **kwargs) for uid in recipients]
    return create_ptw_notifications(events, now=now)


# --- One helper per event (specification section 1, wiring in ptw/workflow.py) ---


def notify_permit_created(permit: Permit, *, now: datetime) -> list[int]:
    """Confirmation to the creator (their own action, by design)."""
    return _notify_each([permit.created_by_id], "ptw_created", permit, skip_sender=False, now=now)


def notify_permit_submitted(permit: Permit, *, now: datetime) -> list[int]:
    return _notify_each([permit.created_by_id], "ptw_submitted", permit, skip_sender=False, now=now)


def notify_verifier_assigned(
    permit: Permit, verifier_id: int, *, sender_id: int | None = None, now: datetime
) -> list[int]:
    return _notify_each([verifier_id], "ptw_verification", permit, sender_id=sender_id, now=now)


def notify_approver_assigned(
    permit: Permit, approver_id: int, *, sender_id: int | None = None, now: datetime
) -> list[int]:
    return _notify_each([approver_id], "ptw_approval", permit, sender_id=sender_id, now=now)


def notify_permit_approved(permit: Permit, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each(
        [permit.created_by_id, permit.verifier_id], "ptw_approved", permit, sender_id=sender_id, now=now
    )


def notify_permit_rejected(
    permit: Permit, *, stage: str, reason: str = "", sender_id: int | None = None, now: datetime
) -> list[int]:
    message = f"Permit {permit.permit_number} ({permit.title}) was rejected at {stage}."
    if reason:
        message += f" Reason: {reason}"
    return _notify_each(
        [permit.created_by_id],
        "ptw_rejected",
        permit,
        sender_id=sender_id,
        message=message,
        extra_data={"stage": stage},
        dedupe_extra=stage,
        now=now,
    )


def notify_permit_activated(permit: Permit, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each(
        [permit.created_by_id, permit.approver_id], "ptw_activated", permit, sender_id=sender_id, now=now
    )


def notify_permit_completed(permit: Permit, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each(
        [permit.created_by_id, permit.verifier_id, permit.approver_id],
        "ptw_completed",
        permit,
        sender_id=sender_id,
        now=now,
    )


def notify_permit_expired(permit: Permit, *, now: datetime) -> list[int]:
    return _notify_each([permit.created_by_id], "ptw_expired", permit, now=now)


def notify_permit_expiring(permit: Permit, *, now: datetime) -> list[int]:
    return _notify_each([permit.created_by_id], "ptw_expiring", permit, now=now)


def notify_closeout_required(permit: Permit, *, now: datetime) -> list[int]:
    return _notify_each([permit.created_by_id], "ptw_closeout_required", permit, now=now)


def notify_isolation_pending(permit: Permit, *, now: datetime) -> list[int]:
    return _notify_each([permit.created_by_id, permit.verifier_id], "ptw_isolation_pending", permit, now=now)
