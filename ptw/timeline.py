"""A permit's timeline: audit events, escalation levels reached, notifications and their e-mails
and SMS, by time.

One selector for the API (`/permits/{id}/timeline/`) and the permit page.
"""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import User
from delivery.models import Delivery, DeliveryStatus
from notifications.models import Notification

from .durations import format_hours
from .models import EscalationRecord, Permit, PermitEvent
from .notification_utils import PERMIT_SUBJECT, PTW_NOTIFICATION_TYPES

# A permit gets tens of notifications; the cap only guards the page against a pathological one.
TIMELINE_NOTIFICATIONS = 200


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event", "escalation", "notification" or "delivery"
    title: str
    actor: str  # who acted: a display name, or "system" for the jobs
    who: str = ""  # the person line a reader sees: the actor, or who was told
    detail: str = ""  # the comment or the message
    action: str = ""
    from_status: str = ""
    to_status: str = ""
    level: int | None = None
    event_type: str | None = None
    recipient_ids: list[int] = field(default_factory=list)


def permit_timeline(permit: Permit) -> list[TimelineEntry]:
    """Everything that happened to the permit, oldest first (5 queries)."""
    entries = [_event_entry(event) for event in PermitEvent.objects.filter(permit=permit).select_related("actor")]
    records = list(EscalationRecord.objects.filter(permit=permit).select_related("step"))
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(pk__in={uid for r in records for uid in r.recipient_ids})
    }
    entries += [_escalation_entry(record, names) for record in records]
    notes = (
        Notification.objects.filter(subject_type=PERMIT_SUBJECT, subject_id=permit.pk)
        .select_related("recipient", "sender")
        .order_by("-created_at", "-id")[:TIMELINE_NOTIFICATIONS]
    )
    entries += [_notification_entry(note) for note in notes]
    deliveries = (
        Delivery.objects.filter(notification__subject_type=PERMIT_SUBJECT, notification__subject_id=permit.pk)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:TIMELINE_NOTIFICATIONS]
    )
    entries += [_delivery_entry(delivery) for delivery in deliveries]
    return sorted(entries, key=lambda entry: entry.at)


def _event_entry(event: PermitEvent) -> TimelineEntry:
    title = event.action.replace("_", " ").capitalize()
    if event.from_status and event.to_status and event.from_status != event.to_status:
        title += f" ({event.from_status} → {event.to_status})"
    return TimelineEntry(
        event.created_at,
        "event",
        title,
        actor=event.actor_name,
        who=event.actor_name,
        detail=event.comment,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
    )


def _escalation_entry(record: EscalationRecord, names: dict[int, str]) -> TimelineEntry:
    return TimelineEntry(
        record.reached_at,
        "escalation",
        f"{record.step.name} step reached escalation level {record.level}: "
        f"{PTW_NOTIFICATION_TYPES.get(record.event_type, 'notice').lower()}",
        actor="system",
        who=", ".join(names.get(uid, f"user {uid}") for uid in record.recipient_ids),
        detail=f"{record.step.name} pending {format_hours(record.pending_hours)} h",
        action=record.event_type,
        level=record.level,
        event_type=record.event_type,
        recipient_ids=list(record.recipient_ids),
    )


def _notification_entry(note: Notification) -> TimelineEntry:
    return TimelineEntry(
        note.created_at,
        "notification",
        note.title,
        actor=note.sender.display_name if note.sender else "system",
        who=f"to {note.recipient.display_name}",
        detail=note.message,
        action=note.notification_type,
        event_type=note.notification_type,
        recipient_ids=[note.recipient_id],
    )


def _delivery_entry(delivery: Delivery) -> TimelineEntry:
    """ "E-mail sent", "SMS failed", with the address, the error, and why it went by e-mail instead."""
    notes = [delivery.last_error] if delivery.last_error else []
    if delivery.fallback_from:
        notes.append("By e-mail instead of SMS: no mobile number.")
    if delivery.status == DeliveryStatus.QUEUED and delivery.attempts:
        notes.append(f"Tried {delivery.attempts} times; trying again.")
    return TimelineEntry(
        delivery.sent_at or delivery.created_at,
        "delivery",
        delivery.summary,
        actor="system",
        who=f"to {delivery.recipient.display_name} ({delivery.address or 'no address'})",
        detail=" ".join(notes),
        action=delivery.notification_type,
        event_type=delivery.notification_type,
        recipient_ids=[delivery.recipient_id],
    )
