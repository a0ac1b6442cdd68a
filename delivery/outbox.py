"""Writing the outbox: one Delivery per (notification, channel), in the notification's transaction.

`notifications.services.notify_many` calls `enqueue` with the rows it inserted: three
statements per batch (the recipients' addresses, their preferences, one insert-ignore),
however many notifications. Sending happens after commit (`dispatch.py`).
"""

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from backend.bulk import insert_ignore

from . import routing, tasks
from .models import Channel, ChannelPreference, Delivery, DeliveryStatus

logger = logging.getLogger("delivery.outbox")


@dataclass(frozen=True)
class Written:
    """A notification just inserted, as the outbox needs it."""

    notification_id: int
    recipient_id: int
    notification_type: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class _Contact:
    email: str
    mobile: str
    digest: bool


def enqueue(notifications: Sequence[Written], *, now: datetime) -> int:
    """Queue the deliveries of just-written notifications; return how many rows were written.

    1. Per notification, the channels: the route's, with the recipient's preferences on top.
    2. SMS to someone without a mobile number goes by e-mail instead (`fallback_from`).
    3. A non-critical e-mail to someone who takes the hourly digest is held for it.
    4. No address at all: the row is written dead, so the log shows why nothing was sent.
    5. After commit, a dispatcher is woken (the Celery task, where there is a worker).
    """
    if not settings.OUTBOX_ENABLED or not notifications:
        return 0
    user_ids = {item.recipient_id for item in notifications}
    contacts = _contacts(user_ids)
    preferences = _preferences(user_ids, {item.notification_type for item in notifications})
    rows = []
    for item in notifications:
        wanted = routing.effective_channels(
            item.notification_type, item.data, preferences.get((item.recipient_id, item.notification_type), {})
        )
        rows += _rows(item, wanted, contacts[item.recipient_id], now)
    written = insert_ignore(Delivery, rows, unique=("notification", "channel"))
    if written and settings.OUTBOX_DISPATCH_ON_COMMIT:
        transaction.on_commit(_wake_dispatcher)
    return written


def _rows(item: Written, wanted: Sequence[str], contact: _Contact, now: datetime) -> list[dict[str, Any]]:
    by_channel: dict[str, dict[str, Any]] = {}
    for channel in wanted:
        fallback = ""
        if channel == Channel.SMS and not contact.mobile:
            channel, fallback = Channel.EMAIL, Channel.SMS
        if channel in by_channel:  # e-mail chosen and also the SMS fallback: one e-mail
            continue
        address = contact.mobile if channel == Channel.SMS else contact.email
        status, error = DeliveryStatus.QUEUED, ""
        if not address:
            status, error = DeliveryStatus.DEAD, "No e-mail address (and no mobile number)."
        elif channel == Channel.EMAIL and contact.digest and not routing.route_of(item.notification_type).critical:
            status = DeliveryStatus.HELD
        by_channel[channel] = {
            "notification": item.notification_id,
            "recipient": item.recipient_id,
            "notification_type": item.notification_type,
            "channel": channel,
            "address": address,
            "fallback_from": fallback,
            "status": status,
            "attempts": 0,
            "next_attempt_at": now if status == DeliveryStatus.QUEUED else None,
            "claim": "",
            "created_at": now,
            "provider_id": "",
            "last_error": error,
            "errors": [],
        }
    return list(by_channel.values())


def _contacts(user_ids: set[int]) -> dict[int, _Contact]:
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "email", "contact_details__mobile_number", "contact_details__hourly_digest")
    )
    return {pk: _Contact(email or "", mobile or "", bool(digest)) for pk, email, mobile, digest in rows}


def _preferences(user_ids: set[int], types: set[str]) -> dict[tuple[int, str], dict[str, bool]]:
    found: dict[tuple[int, str], dict[str, bool]] = defaultdict(dict)
    rows = ChannelPreference.objects.filter(user_id__in=user_ids, notification_type__in=types).values_list(
        "user_id", "notification_type", "channel", "enabled"
    )
    for user_id, notification_type, channel, enabled in rows:
        found[(user_id, notification_type)][channel] = enabled
    return found


def _wake_dispatcher() -> None:
    # After commit: the rows are safe. A broker that is down must not turn the committed action
    # into an error; the beat entry (every minute) or the loop sends them instead.
    try:
        tasks.dispatch_outbox.delay()
    except Exception:
        logger.warning("outbox: could not wake a Celery worker; the next scheduled dispatch sends", exc_info=True)
