"""The hourly digest: a user's held (non-critical) e-mails of past hours, gathered into one e-mail.

Held rows are those `outbox.enqueue` wrote for users who take the digest. Only rows created
before the current hour's start are gathered, so however often the job runs (every minute
under `make run`), a user gets at most one digest per hour.
"""

from collections import defaultdict
from datetime import datetime

from django.db import transaction

from backend.claims import claimable

from .models import Channel, Delivery, DeliveryStatus

DIGEST_TYPE = "digest"


def gather_hourly_digests(*, now: datetime) -> dict[str, int]:
    """Turn each user's held e-mails older than this hour into one queued digest; return counts.

    1. Lock the held rows created before the hour began (skip-locked: two runs gather apart).
    2. Per recipient, insert one queued digest e-mail (no notification of its own).
    3. Point the held rows at it and mark them digested. The dispatchers send it.
    """
    hour = now.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        held = claimable(Delivery.objects.filter(status=DeliveryStatus.HELD, created_at__lt=hour).order_by("pk"))
        by_user: dict[int, list[int]] = defaultdict(list)
        addresses: dict[int, str] = {}
        for pk, recipient_id, address in held.values_list("pk", "recipient_id", "address"):
            by_user[recipient_id].append(pk)
            addresses[recipient_id] = address
        for recipient_id, ids in by_user.items():
            digest = Delivery.objects.create(
                recipient_id=recipient_id,
                notification_type=DIGEST_TYPE,
                channel=Channel.EMAIL,
                address=addresses[recipient_id],
                status=DeliveryStatus.QUEUED,
                next_attempt_at=now,
                created_at=now,
            )
            Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.DIGESTED, digest=digest)
    return {"digests": len(by_user), "gathered": sum(len(ids) for ids in by_user.values())}
