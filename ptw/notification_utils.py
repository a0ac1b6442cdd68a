"""PTW notifications (specification section 1): the 14 types (and issue 12's), dedupe keys and one helper per event.

Every notification is written in the caller's transaction by an insert that ignores a
duplicate (same recipient and dedupe key), so the same event reaches a user once per
local day of the permit's project, however many times or processes raise it.
"""

import hashlib
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.selectors import active_members
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
    # Beyond the specification's 14 (issue 12): escalation chains and acting on them.
    "ptw_task_due_soon": "Task due soon",
    "ptw_escalation_acknowledged": "Escalation acknowledged",
    # Validity (issue 15): suspension, extensions, shift handover.
    "ptw_suspended": "Work suspended",
    "ptw_resumed": "Work resumed",
    "ptw_extension_requested": "Extension requested",
    "ptw_extension_approved": "Extension approved",
    "ptw_extension_rejected": "Extension rejected",
    "ptw_handover_requested": "Handover requested",
    "ptw_handover_accepted": "Handover accepted",
    "ptw_handover_declined": "Handover declined",
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
    "ptw_task_due_soon": "Your task on permit {number} ({title}) is due soon.",
    "ptw_escalation_acknowledged": "Someone has taken up the escalated task on permit {number} ({title}).",
    "ptw_suspended": "Work under permit {number} ({title}) is suspended.",
    "ptw_resumed": "Work under permit {number} ({title}) has resumed.",
    "ptw_extension_requested": "An extension of permit {number} ({title}) is waiting for your decision.",
    "ptw_extension_approved": "The extension of permit {number} ({title}) was approved.",
    "ptw_extension_rejected": "The extension of permit {number} ({title}) was rejected.",
    "ptw_handover_requested": "Permit {number} ({title}) is being handed over to you.",
    "ptw_handover_accepted": "The handover of permit {number} ({title}) was accepted.",
    "ptw_handover_declined": "The handover of permit {number} ({title}) was declined.",
}


# Notification.subject_type of permit notifications (the model's label, generic to the inbox).
PERMIT_SUBJECT = "ptw.permit"


def _zone(name: str | None) -> tzinfo:
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


@dataclass(frozen=True, slots=True)
class PermitFacts:
    """What a notification needs of a permit, as plain values.

    Services build it from the permit they hold (`PermitFacts.of(permit)`); sweeps build it
    straight from the columns they claimed, without making models.
    """

    id: int
    number: str
    title: str
    type_name: str
    time_zone: str  # the project's ("": TIME_ZONE); its local date keys the dedupe
    project_id: int
    creator_id: int
    verifier_id: int | None = None
    approver_id: int | None = None
    holder_id: int | None = None  # None: the creator holds it (no handover yet)

    @property
    def holder(self) -> int:
        """Who holds the permit now: they get what is meant for the person doing the work."""
        return self.holder_id or self.creator_id

    @classmethod
    def of(cls, permit: Permit) -> "PermitFacts":
        return cls(
            id=permit.pk,
            number=permit.permit_number or "",
            title=permit.title,
            type_name=permit.permit_type.name,
            time_zone=permit.project.time_zone,
            project_id=permit.project_id,
            creator_id=permit.created_by_id,
            verifier_id=permit.verifier_id,
            approver_id=permit.approver_id,
            holder_id=permit.holder_id,
        )


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
    permit: PermitFacts
    message: str | None = None
    extra_data: dict[str, Any] | None = None
    sender_id: int | None = None
    dedupe_extra: str | None = None
    anchor: str = ""  # a part of the permit page to land on ("escalation": the step's actions)
    # The moment whose local date keys the dedupe (default: now). A notice due at a fixed moment
    # (a warning before the end) passes that moment, so a sweep running on either side of the
    # site's midnight still writes it once.
    dedupe_at: datetime | None = None


def build_ptw_notification(event: PermitNotice, *, now: datetime) -> NewNotification:
    """The generic notification for one permit event (type, title, message, data, link, key)."""
    if event.event_type not in PTW_NOTIFICATION_TYPES:
        raise ValueError(f"Unknown PTW notification type '{event.event_type}'.")
    permit = event.permit
    data = {
        "permit_id": permit.id,
        "permit_number": permit.number,
        "permit_type": permit.type_name,
        # For e-mails and SMS (delivery/messages.py): what it concerns, and the zone of its times.
        "about": f"{permit.number} ({permit.title})",
        "time_zone": permit.time_zone or settings.TIME_ZONE,
        **(event.extra_data or {}),
    }
    message = event.message or _DEFAULT_MESSAGES[event.event_type].format(number=permit.number, title=permit.title)
    return NewNotification(
        recipient_id=event.user_id,
        notification_type=event.event_type,
        title=f"{PTW_NOTIFICATION_TYPES[event.event_type]}: {permit.number}",
        message=message,
        data=data,
        link=f"/dashboard/ptw/view/{permit.id}" + (f"#{event.anchor}" if event.anchor else ""),
        sender_id=event.sender_id,
        subject_type=PERMIT_SUBJECT,
        subject_id=permit.id,
        dedupe_key=generate_dedupe_key(
            event.user_id,
            event.event_type,
            permit.id,
            event.dedupe_extra,
            now=event.dedupe_at or now,
            tz=_zone(permit.time_zone),
        ),
    )


def create_ptw_notification(
    user_id: int,
    event_type: str,
    permit: PermitFacts,
    message: str | None = None,
    extra_data: dict[str, Any] | None = None,
    sender_id: int | None = None,
    dedupe_extra: str | None = None,
    *,
    now: datetime,
) -> Notification | None:
    """Create one PTW notification; None when it is a duplicate or notifications are off."""
    if not settings.NOTIFICATIONS_ENABLED:
        return None
    event = PermitNotice(user_id, event_type, permit, message, extra_data, sender_id, dedupe_extra)
    if not to_members([event]):
        return None
    return notify(build_ptw_notification(event, now=now), now=now)


def create_ptw_notifications(events: Sequence[PermitNotice], *, now: datetime) -> list[int]:
    """Bulk form for sweeps: one insert for many events; returns the ids actually created."""
    if not settings.NOTIFICATIONS_ENABLED or not events:
        return []
    return notify_many([build_ptw_notification(event, now=now) for event in to_members(events)], now=now)


def to_members(events: Sequence[PermitNotice]) -> list[PermitNotice]:
    """The events whose recipient is, now, an active user and an active member of the permit's
    project (one query): whoever left the project or was deactivated hears nothing more of it."""
    members = active_members((event.user_id, event.permit.project_id) for event in events)
    return [event for event in events if (event.user_id, event.permit.project_id) in members]


def permit_notices(
    user_ids: Iterable[int | None],
    event_type: str,
    permit: PermitFacts,
    *,
    sender_id: int | None = None,
    skip_sender: bool = True,
    **kwargs: Any,
) -> list[PermitNotice]:
    """One notice per distinct user; the actor is not told of their own action."""
    recipients: list[int] = []
    for user_id in user_ids:
        if user_id is None or user_id in recipients or (skip_sender and user_id == sender_id):
            continue
        recipients.append(user_id)
    return [PermitNotice(user_id, event_type, permit, sender_id=sender_id, **kwargs) for user_id in recipients]


def _notify_each(user_ids: Iterable[int | None], event_type: str, permit: PermitFacts, *, now: datetime, **kwargs: Any):
    return create_ptw_notifications(permit_notices(user_ids, event_type, permit, **kwargs), now=now)


def _notify_all(
    permits: Iterable[PermitFacts],
    event_type: str,
    recipients: Callable[[PermitFacts], list[int | None]],
    *,
    now: datetime,
) -> list[int]:
    """The same event about many permits (a sweep's batch) in one insert."""
    notices = [notice for permit in permits for notice in permit_notices(recipients(permit), event_type, permit)]
    return create_ptw_notifications(notices, now=now)


# --- One helper per event (specification section 1; the services and the jobs call them) ---


def notify_permit_created(permit: PermitFacts, *, now: datetime) -> list[int]:
    """Confirmation to the creator (their own action, by design)."""
    return _notify_each([permit.creator_id], "ptw_created", permit, skip_sender=False, now=now)


def notify_permit_submitted(permit: PermitFacts, *, now: datetime) -> list[int]:
    """Confirmation to the creator (their own action, by design)."""
    return _notify_each([permit.creator_id], "ptw_submitted", permit, skip_sender=False, now=now)


def notify_verifier_assigned(
    permit: PermitFacts, verifier_id: int, *, sender_id: int | None = None, now: datetime
) -> list[int]:
    return _notify_each([verifier_id], "ptw_verification", permit, sender_id=sender_id, now=now)


def notify_approver_assigned(
    permit: PermitFacts, approver_id: int, *, sender_id: int | None = None, now: datetime
) -> list[int]:
    return _notify_each([approver_id], "ptw_approval", permit, sender_id=sender_id, now=now)


def notify_permit_approved(permit: PermitFacts, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each([permit.creator_id, permit.verifier_id], "ptw_approved", permit, sender_id=sender_id, now=now)


def notify_permit_rejected(
    permit: PermitFacts, *, stage: str, reason: str = "", sender_id: int | None = None, now: datetime
) -> list[int]:
    message = f"Permit {permit.number} ({permit.title}) was rejected at {stage}."
    if reason:
        message += f" Reason: {reason}"
    return _notify_each(
        [permit.creator_id],
        "ptw_rejected",
        permit,
        sender_id=sender_id,
        message=message,
        extra_data={"stage": stage},
        dedupe_extra=stage,
        now=now,
    )


def notify_permit_activated(permit: PermitFacts, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each([permit.creator_id, permit.approver_id], "ptw_activated", permit, sender_id=sender_id, now=now)


def notify_permit_completed(permit: PermitFacts, *, sender_id: int | None = None, now: datetime) -> list[int]:
    return _notify_each(
        [permit.holder, permit.creator_id, permit.verifier_id, permit.approver_id],
        "ptw_completed",
        permit,
        sender_id=sender_id,
        now=now,
    )


def notify_permit_suspended(permit: PermitFacts, *, reason: str, ends: str, sender_id: int, now: datetime) -> list[int]:
    """`ptw_suspended` to the holder, verifier and approver, with the reason; each suspension is news."""
    message = (
        f"Work under permit {permit.number} ({permit.title}) is suspended: {reason} "
        f"The permit still expires at {ends} unless it is extended."
    )
    return _notify_each(
        [permit.holder, permit.verifier_id, permit.approver_id],
        "ptw_suspended",
        permit,
        sender_id=sender_id,
        message=message,
        extra_data={"reason": reason},
        dedupe_extra=f"at:{now.isoformat()}",
        now=now,
    )


def notify_permit_resumed(permit: PermitFacts, *, comment: str, sender_id: int, now: datetime) -> list[int]:
    """`ptw_resumed` to the same people as the suspension."""
    message = f"Work under permit {permit.number} ({permit.title}) has resumed."
    if comment:
        message += f" {comment}"
    return _notify_each(
        [permit.holder, permit.verifier_id, permit.approver_id],
        "ptw_resumed",
        permit,
        sender_id=sender_id,
        message=message,
        dedupe_extra=f"at:{now.isoformat()}",
        now=now,
    )


def notify_permit_expired(
    permit: PermitFacts, *, was_suspended: bool = False, extension_lapsed: bool = False, now: datetime
) -> list[int]:
    """`ptw_expired` to the holder; a permit that expired while suspended also tells those told of the suspension.

    The message says so, and says when an extension request was still waiting (it lapsed).
    """
    recipients: list[int | None] = [permit.holder]
    message = f"Permit {permit.number} ({permit.title}) has expired: its planned end time has passed."
    if was_suspended:
        recipients += [permit.verifier_id, permit.approver_id]
        message = (
            f"Permit {permit.number} ({permit.title}) expired while suspended: its planned end time passed "
            "before the work resumed. The work may not resume under this permit."
        )
    if extension_lapsed:
        message += " The extension asked for was still waiting for a decision: it lapsed."
    return _notify_each(
        recipients,
        "ptw_expired",
        permit,
        message=message,
        extra_data={"while_suspended": was_suspended, "extension_lapsed": extension_lapsed},
        now=now,
    )


# The reminders take a sweep's batch of permits: one insert for all of them.


@dataclass(frozen=True)
class EndWarning:
    """A warning before a permit's end: the offset reached, when it fell due, the end as read on site."""

    permit: PermitFacts
    minutes_before: int
    due_at: datetime
    end: datetime
    end_text: str
    left_text: str


def notify_permit_expiring(warnings: Iterable[EndWarning], *, now: datetime) -> list[int]:
    """`ptw_expiring` to each permit's holder and approver (the issuer), once per offset and end.

    The key names the offset and the end (an extension starts the warnings over) and is dated
    by when the warning fell due, not by when a sweep got to it.
    """
    notices = [
        notice
        for warning in warnings
        for notice in permit_notices(
            [warning.permit.holder, warning.permit.approver_id],
            "ptw_expiring",
            warning.permit,
            message=(
                f"Permit {warning.permit.number} ({warning.permit.title}) ends in {warning.left_text}, "
                f"at {warning.end_text}. Finish and close out, or ask the approver for an extension."
            ),
            extra_data={"minutes_before_end": warning.minutes_before, "ends_at": warning.end.isoformat()},
            dedupe_extra=f"before:{warning.minutes_before}:end:{warning.end.isoformat()}",
            dedupe_at=warning.due_at,
        )
    ]
    return create_ptw_notifications(notices, now=now)


def notify_closeout_required(permits: Iterable[PermitFacts], *, now: datetime) -> list[int]:
    """`ptw_closeout_required` to each permit's holder."""
    return _notify_all(permits, "ptw_closeout_required", lambda permit: [permit.holder], now=now)


def notify_isolation_pending(permits: Iterable[PermitFacts], *, now: datetime) -> list[int]:
    """`ptw_isolation_pending` to each permit's creator and verifier."""
    return _notify_all(
        permits, "ptw_isolation_pending", lambda permit: [permit.creator_id, permit.verifier_id], now=now
    )


def notify_escalation_acknowledged(
    permit: PermitFacts,
    user_ids: Iterable[int],
    *,
    step_name: str,
    step_pk: int,
    by: Any,
    note: str,
    now: datetime,
) -> list[int]:
    """`ptw_escalation_acknowledged` to the others an escalation reached: who took it, and their note."""
    message = (
        f"{by.display_name} acknowledged the escalation of the {step_name.lower()} of permit "
        f"{permit.number} ({permit.title}): “{note}”"
    )
    return _notify_each(
        user_ids,
        "ptw_escalation_acknowledged",
        permit,
        sender_id=by.pk,
        message=message,
        extra_data={"step_pk": step_pk, "acknowledged_by": by.pk},
        dedupe_extra=f"step:{step_pk}:at:{now.isoformat()}",
        anchor="escalation",
        now=now,
    )
