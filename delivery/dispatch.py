"""Sending the outbox: claim due deliveries, send them, record each outcome.

Any number of dispatchers may run at once (the `--loop` command's thread, `deliver_outbox`,
Celery workers). Each batch:

1. Claim (one short transaction): up to `size` pending rows whose `next_attempt_at` has come,
   oldest first, locked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite: its IMMEDIATE
   transactions serialise the claims). They become `sending` under a fresh claim token until
   `now + OUTBOX_LEASE_SECONDS`; a dispatcher that dies leaves them to be claimed again then.
2. Send outside any transaction: e-mails over one SMTP connection, SMS through the backend.
3. Record every OUTBOX_RECORD_EVERY messages, only where the claim is still ours: sent; or a
   temporary failure queued again after an exponential, jittered backoff; or dead (permanent
   failure, or OUTBOX_MAX_ATTEMPTS tries).

At-least-once window: a dispatcher killed after a send and before its record leaves at most
OUTBOX_RECORD_EVERY messages sent but still `sending`; they are sent again after the lease.
"""

import logging
import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from backend.claims import claimable

from .errors import SendFailed
from .mail import EmailChannel
from .models import PENDING, Channel, Delivery, DeliveryStatus
from .sms import SmsChannel

logger = logging.getLogger("delivery.dispatch")


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    lost_claims: int = 0  # outcomes not recorded: our lease lapsed and another dispatcher took the row

    def add(self, other: "DispatchReport") -> None:
        for name in ("claimed", "sent", "retried", "dead", "lost_claims"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_counts(self) -> dict[str, int]:
        return {name: value for name, value in vars(self).items() if value}


def dispatch_due(*, now: datetime, batch_size: int | None = None, max_batches: int = 100) -> DispatchReport:
    """Send batches of due deliveries until none is left (or `max_batches`); return the totals."""
    size = batch_size or settings.OUTBOX_BATCH_SIZE
    total = DispatchReport()
    for _ in range(max_batches):
        report = dispatch_batch(now=now, size=size)
        total.add(report)
        if report.claimed < size:
            break
    return total


def dispatch_batch(*, now: datetime, size: int) -> DispatchReport:
    """Claim, send and record one batch; return its report."""
    token = secrets.token_hex(8)
    deliveries = claim_due(now=now, size=size, token=token)
    report = DispatchReport(claimed=len(deliveries))
    if not deliveries:
        return report
    channels = _Channels()
    try:
        for outcomes in _chunks(_send_all(deliveries, channels, now), settings.OUTBOX_RECORD_EVERY):
            report.add(record(outcomes, token=token, now=now))
    finally:
        channels.close()
    return report


def claim_due(*, now: datetime, size: int, token: str) -> list[Delivery]:
    """Take up to `size` due deliveries for this dispatcher; return them with their notification and recipient."""
    with transaction.atomic():
        due = Delivery.objects.filter(status__in=PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
        ids = list(claimable(due).values_list("pk", flat=True)[:size])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            claim=token,
            attempts=F("attempts") + 1,
            next_attempt_at=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        )
    claimed = Delivery.objects.filter(pk__in=ids, claim=token).select_related("notification", "recipient")
    return sorted(claimed, key=lambda delivery: (delivery.channel, delivery.pk))


@dataclass
class Outcome:
    delivery: Delivery
    provider_id: str = ""
    failure: SendFailed | None = None


@dataclass
class _Channels:
    """The batch's channels, opened on first use, closed at the end."""

    opened: dict[str, EmailChannel | SmsChannel] = field(default_factory=dict)

    def of(self, channel: str) -> EmailChannel | SmsChannel:
        if channel not in self.opened:
            self.opened[channel] = EmailChannel() if channel == Channel.EMAIL else SmsChannel()
        return self.opened[channel]

    def close(self) -> None:
        for sender in self.opened.values():
            sender.close()


def _send_all(deliveries: list[Delivery], channels: _Channels, now: datetime) -> Iterator[Outcome]:
    unreachable: dict[str, SendFailed] = {}
    for delivery in deliveries:
        if delivery.channel in unreachable:  # its server is down: the rest wait for the retry
            yield Outcome(delivery, failure=unreachable[delivery.channel])
            continue
        try:
            yield Outcome(delivery, provider_id=channels.of(delivery.channel).send(delivery, now=now))
        except SendFailed as failure:
            if failure.connection_lost:
                unreachable[delivery.channel] = failure
            yield Outcome(delivery, failure=failure)
        except Exception as error:  # a bug (rendering, a backend): recorded and retried, dead after the last try
            logger.exception("outbox: delivery %s failed unexpectedly", delivery.pk)
            yield Outcome(delivery, failure=SendFailed(f"{type(error).__name__}: {error}", permanent=False))


def _chunks(outcomes: Iterator[Outcome], size: int) -> Iterator[list[Outcome]]:
    chunk: list[Outcome] = []
    for outcome in outcomes:
        chunk.append(outcome)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def record(outcomes: list[Outcome], *, token: str, now: datetime) -> DispatchReport:
    """Write the outcomes of rows still claimed by `token`; return what was recorded."""
    report = DispatchReport()
    ours = Delivery.objects.filter(claim=token, status=DeliveryStatus.SENDING)
    with transaction.atomic():
        plain = [o.delivery.pk for o in outcomes if o.failure is None and not o.provider_id]
        done = ours.filter(pk__in=plain).update(
            status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, claim="", last_error=""
        )
        for outcome in outcomes:
            if outcome.failure is None and outcome.provider_id:
                done += ours.filter(pk=outcome.delivery.pk).update(
                    status=DeliveryStatus.SENT,
                    sent_at=now,
                    provider_id=outcome.provider_id[:64],
                    next_attempt_at=None,
                    claim="",
                    last_error="",
                )
            elif outcome.failure is not None:
                _record_failure(ours, outcome.delivery, outcome.failure, now, report)
        report.sent = done
        report.lost_claims = sum(1 for o in outcomes if o.failure is None) - done
    return report


def _record_failure(ours, delivery: Delivery, failure: SendFailed, now: datetime, report: DispatchReport) -> None:
    dead = failure.permanent or delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    history = [*delivery.errors, {"at": now.isoformat(), "error": str(failure), "permanent": failure.permanent}]
    written = ours.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.QUEUED,
        next_attempt_at=None if dead else now + retry_delay(delivery.attempts),
        claim="",
        last_error=str(failure),
        errors=history[-settings.OUTBOX_MAX_ATTEMPTS :],
    )
    if not written:
        report.lost_claims += 1
    elif dead:
        report.dead += 1
    else:
        report.retried += 1


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base × 2^(attempts−1), capped, times a random 0.5–1."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(base, settings.OUTBOX_RETRY_MAX_SECONDS) * random.uniform(0.5, 1.0))
