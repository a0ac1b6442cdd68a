"""Many queued deliveries at once, written in bulk (the concurrency tests and the benchmarks)."""

from datetime import datetime

from django.contrib.auth import get_user_model

from delivery.models import Channel, Delivery, DeliveryStatus
from notifications.models import Notification


def seed_queued_emails(n: int, *, now: datetime, recipients: int = 50) -> list[int]:
    """n notifications, each with one queued e-mail, spread over `recipients` users; their delivery ids."""
    users = [
        get_user_model().objects.get_or_create(
            username=f"mail{i}", defaults={"email": f"mail{i}@example.com", "first_name": f"Reader {i}"}
        )[0]
        for i in range(recipients)
    ]
    notes = Notification.objects.bulk_create(
        Notification(
            recipient=users[i % recipients],
            notification_type="ptw_verification",
            title=f"Verification required: PTW-2026-{i:06d}",
            message=f"Permit PTW-2026-{i:06d} (Tank {i}) is waiting for your verification.",
            data={"permit_id": i, "about": f"PTW-2026-{i:06d} (Tank {i})", "time_zone": "Asia/Kolkata"},
            link=f"/dashboard/ptw/view/{i}",
            dedupe_key=f"seed-{now.timestamp()}-{i}",
            created_at=now,
        )
        for i in range(n)
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            notification=note,
            recipient=note.recipient,
            notification_type=note.notification_type,
            channel=Channel.EMAIL,
            address=note.recipient.email,
            status=DeliveryStatus.QUEUED,
            next_attempt_at=now,
            created_at=now,
        )
        for note in notes
    )
    return [delivery.pk for delivery in deliveries]
